"""The example briefing in content/: its shape, its citations, and how its records render.

The only tests that read content/: the example's own fidelity checks, scoped to the example
briefing by its folder id. Every check is written as "at least" (a subset): other briefings,
people, sources and shared events may sit beside it, and later revisions may add records to it
or confirm what was planned (scripts/grow-check adds some and runs these tests), so adding valid
content never turns them red. How the generator behaves is tested on fixture content
(tests/fixtures/, tests/support.py).
"""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path

import icalendar
import pytest

from generator import urls
from generator.build import Built, build
from generator.dataset.model import iter_citations, iter_records
from generator.content.schema import Citation

ROOT = Path(__file__).resolve().parent.parent
BRIEFING = "raimondo-china-2023"
ARTICLE = "raimondo-beijing-visit-article"

# Length in characters of the source article's title, standfirst and nine body paragraphs, with
# runs of whitespace counted as one space: the source's title and standfirst and its text as the
# editors keep it (content/texts/).
ARTICLE_CHARS = 3815

PEOPLE = {
    "gina-raimondo", "wang-wentao", "he-lifeng", "hu-heping", "li-qiang", "joe-biden",
    "janet-yellen", "antony-blinken", "xi-jinping", "john-kerry",
}
ORGANIZATIONS = {
    "us-government", "china-government", "us-commerce-department", "mofcom",
    "china-ministry-of-culture-and-tourism", "us-treasury", "us-state-department",
}


@pytest.fixture(scope="module")
def built() -> Built:
    return build(ROOT / "content", ROOT / "templates" / "pages")


@pytest.fixture(scope="module")
def bundle(built):
    (found,) = [b for b in built.data.briefings if b.id == BRIEFING]
    return found


def _all_records(built):
    """(label, record) for every top-level record of the dataset."""
    for kind, records in (("source", built.data.sources), ("person", built.data.people),
                          ("organization", built.data.organizations), ("event", built.data.events)):
        for rid, record in records.items():
            yield f"{kind} {rid}", record
    for b in built.data.briefings:
        for kind, record in b.records():
            yield f"{b.id} {kind} {getattr(record, 'id', '')}".rstrip(), record


class _Sections(HTMLParser):
    """The inner HTML text and link targets of the element with each id of interest."""

    def __init__(self, ids: set[str]):
        super().__init__(convert_charrefs=True)
        self.ids = ids
        self.text: dict[str, list[str]] = {}
        self.hrefs: dict[str, list[str]] = {}
        self.all_ids: set[str] = set()
        self._open: list[tuple[str, int]] = []  # (id, depth at which its element opened)
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.all_ids.add(attrs["id"])
        if tag in ("br", "img", "meta", "link", "input", "hr", "wbr", "source"):
            if "href" in attrs:
                self._add_href(attrs["href"])
            return
        self._depth += 1
        if attrs.get("id") in self.ids:
            self._open.append((attrs["id"], self._depth))
            self.text.setdefault(attrs["id"], [])
            self.hrefs.setdefault(attrs["id"], [])
        if "href" in attrs:
            self._add_href(attrs["href"])

    def handle_endtag(self, tag):
        while self._open and self._open[-1][1] >= self._depth:
            self._open.pop()
        self._depth -= 1

    def handle_data(self, data):
        for rid, _ in self._open:
            self.text[rid].append(data)

    def _add_href(self, href):
        for rid, _ in self._open:
            self.hrefs[rid].append(href)


def _footnote_targets(html: str, note_ids: set[str]) -> dict[str, list[str]]:
    parser = _Sections(note_ids)
    parser.feed(html)
    return parser.hrefs


def _check_rendered(built, page_kind: str, prefix: str, records, label) -> None:
    page = built.pages[urls.page_path(page_kind, briefing=BRIEFING)]
    ids = {f"{prefix}-{r.id}" for r in records}
    parser = _Sections(ids)
    parser.feed(page.html)
    for record in records:
        element_id = f"{prefix}-{record.id}"
        assert element_id in parser.text, f"{page.path} has no element id={element_id!r}"
        text = " ".join("".join(parser.text[element_id]).split())
        assert label(record) in text, f"{element_id} does not show {label(record)!r}"
        notes = [h[1:] for h in parser.hrefs[element_id] if h.startswith("#note-")]
        assert notes, f"{element_id} has no citation mark linking to a footnote"
        assert set(notes) <= parser.all_ids, f"{element_id} links to a missing footnote"
        cited = {f"sources/{c.source}.html" for c in record.sources}
        targets = _footnote_targets(page.html, set(notes))
        base = posixpath.dirname(urls.output_path(page.path))
        linked = {posixpath.normpath(posixpath.join(base, href.split("#")[0]))
                  for hrefs in targets.values() for href in hrefs}
        assert cited & linked, f"the footnotes of {element_id} do not link to its sources {cited}"


def test_every_person_the_article_names_is_a_record(built):
    assert PEOPLE <= set(built.data.people)


def test_chinese_officials_have_their_chinese_names(built):
    names = {pid: p.name_zh for pid, p in built.data.people.items() if pid in PEOPLE and p.country == "CN"}
    assert names == {"wang-wentao": "王文涛", "he-lifeng": "何立峰", "hu-heping": "胡和平",
                     "li-qiang": "李强", "xi-jinping": "习近平"}


def test_people_whose_wikidata_items_are_not_verified_name_none(built):
    # Only an item an editor has checked on Wikidata may be named (AUTHORING.md).
    unverified = PEOPLE - {"joe-biden", "xi-jinping", "john-kerry"}
    assert all(built.data.people[pid].wikidata is None for pid in unverified)


def test_the_organisations_involved_are_records(built):
    assert ORGANIZATIONS <= set(built.data.organizations)


# The engagements the article reports, day by day, in its order.
ARTICLE_AGENDA = [
    ("Monday", "raimondo-wang-meeting"),
    ("Tuesday", "export-control-exchange-first-meeting"),
    ("Tuesday", "meeting-he-lifeng"),
    ("Tuesday", "meeting-hu-heping"),
    ("Tuesday", "courtesy-call-li-qiang"),
    ("Tuesday", "shanghai-leg"),
    ("Wednesday", "departure"),
]


def test_agenda_follows_the_article_day_by_day(bundle):
    # Later revisions may add engagements and confirm the planned ones: the article's stay, in order.
    agenda = [(a.day, a.id) for a in bundle.agenda]
    assert [entry for entry in agenda if entry in ARTICLE_AGENDA] == ARTICLE_AGENDA
    assert bundle.by_id["agenda", "raimondo-wang-meeting"].status == "happened"


def test_calendar_dates_come_from_the_readout_and_the_announcement(bundle, built):
    readout_dates = {"raimondo-wang-meeting": "2023-08-28", "export-control-exchange-first-meeting": "2023-08-29"}
    for item_id, date in readout_dates.items():
        item = bundle.by_id["agenda", item_id]
        assert item.date == date
        assert any(c.source == "commerce-readout-2023-08-28" for c in item.sources), item_id
    b = bundle.briefing
    assert (b.start, b.end) == ("2023-08-27", "2023-08-30")
    assert any(c.source == "mofcom-visit-announcement" for c in b.sources)


def test_every_engagement_of_the_article_is_in_the_calendar(built):
    # Each has a cited date or one its weekday gives within the visit's dates.
    events = icalendar.Calendar.from_ical(built.exports[f"briefings/{BRIEFING}/agenda.ics"]).walk("VEVENT")
    uids = {str(e["uid"]) for e in events}
    assert {f"{item_id}.{BRIEFING}.agenda@briefing-sites.invalid" for _, item_id in ARTICLE_AGENDA} <= uids


# The five concerns China's commerce ministry listed, in its order, with their categories.
CONCERNS = {"section-301-tariffs": "tariffs", "semiconductor-policies": "semiconductors",
            "two-way-investment-restrictions": "investment", "discriminatory-subsidies": "subsidies",
            "sanctions-on-chinese-enterprises": "sanctions"}


def test_five_disputes_one_per_listed_concern_each_with_its_own_substance(bundle):
    listed = [d for d in bundle.disputes if d.id in CONCERNS]
    assert [(d.id, d.category) for d in listed] == list(CONCERNS.items())
    for dispute in listed:
        assert {"wang-wentao", "mofcom"} <= set(dispute.raised_by), dispute.id
    # No text is repeated from one concern to the next: what they share is said once.
    for field in ("description", "measure", "ask", "response"):
        values = [getattr(d, field) for d in listed if getattr(d, field) is not None]
        assert len(values) == len(set(map(str, values))), f"disputes repeat their {field}"
    defence = bundle.by_id["statement", "washington-supply-chains"]
    assert set(CONCERNS) <= set(defence.about)
    investment = bundle.by_id["dispute", "two-way-investment-restrictions"]
    assert investment.measure and investment.response and investment.ask
    assert {"2023-07-06", "2023-08-09"} <= {step.when for step in investment.history}


def test_agreements_and_their_next_steps(bundle):
    agreements = ["commercial-issues-working-group", "export-control-information-exchange",
                  "trade-secrets-technical-discussions", "secretary-minister-communication"]
    assert [a.id for a in bundle.agreements if a.id in agreements] == agreements
    for agreement_id in agreements:
        assert bundle.by_id["agreement", agreement_id].next_steps, f"agreement {agreement_id} has no next step"


def test_reuters_quote_and_article_paraphrase_are_both_kept(bundle):
    by_id = {s.id: s for s in bundle.statements}
    quote = by_id["raimondo-national-security-reuters"]
    paraphrase = by_id["raimondo-national-security"]
    assert quote.kind == "quote" and [c.source for c in quote.sources] == ["reuters-2023-08-28"]
    assert paraphrase.kind == "paraphrase" and [c.source for c in paraphrase.sources] == [ARTICLE]
    assert len(bundle.statements) >= 8
    assert len(bundle.context) >= 6


def test_article_quotes_in_statements_are_exact_excerpts_of_their_citations(bundle):
    for statement in bundle.statements:
        if statement.kind == "quote":
            assert any(c.quote and statement.text in c.quote for c in statement.sources), statement.id


def test_every_record_cites_a_source_that_resolves(built):
    sources = built.data.sources
    checked = set()
    for label, record in _all_records(built):
        for _, sub in iter_records(record):
            if "sources" in type(sub).model_fields:
                assert sub.sources, f"{label}: a nested record without citations"
        if label.startswith("source "):
            continue
        citations = list(iter_citations(record))
        assert citations, f"{label} has no citation"
        for citation in citations:
            assert citation.source in sources, f"{label} cites unknown source {citation.source}"
            if citation.para is not None:
                assert citation.para <= len(sources[citation.source].paragraphs), label
        checked.add(label)
    example = {f"person {p}" for p in PEOPLE} | {f"organization {o}" for o in ORGANIZATIONS}
    assert example | {f"{BRIEFING} briefing"} <= checked
    assert sum(label.startswith(f"{BRIEFING} ") for label in checked) >= 1 + 7 + 5 + 4 + 8 + 6


def test_every_dispute_renders_with_its_citations(built, bundle):
    _check_rendered(built, "disputes", "dispute", bundle.disputes, lambda d: d.title)


def test_every_agenda_item_renders_with_its_citations(built, bundle):
    _check_rendered(built, "agenda", "agenda", bundle.agenda, lambda a: a.title)


def _citations(built) -> list[Citation]:
    return [c for _, record in _all_records(built) for c in iter_citations(record)]


def test_no_source_quote_is_longer_than_200_characters(built):
    quotes = [c.quote for c in _citations(built) if c.quote]
    assert quotes
    assert max(len(q) for q in quotes) <= 200


def test_the_article_length_is_that_of_the_kept_text(built):
    source = built.data.sources[ARTICLE]
    text = (ROOT / "content" / "texts" / f"{ARTICLE}.txt").read_text(encoding="utf-8")
    assert len(" ".join(f"{source.title}\n{source.standfirst}\n{text}".split())) == ARTICLE_CHARS


def test_the_site_quotes_only_a_small_part_of_the_article(built, bundle):
    quoted = {" ".join(c.quote.split()) for c in _citations(built) if c.source == ARTICLE and c.quote}
    quoted |= {" ".join(s.text.split()) for s in bundle.statements
               if s.kind == "quote" and any(c.source == ARTICLE for c in s.sources)}
    # An excerpt that lies inside a longer one republishes nothing more.
    total = sum(len(q) for q in quoted if not any(q in other for other in quoted - {q}))
    assert 0 < total < 0.25 * ARTICLE_CHARS, f"{total} of {ARTICLE_CHARS} characters quoted"


def test_every_content_file_names_its_schema_for_editors():
    for path in sorted((ROOT / "content").rglob("*.yml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        prefix = "# yaml-language-server: $schema="
        assert first.startswith(prefix), f"{path.name} does not start with the schema line"
        schema = (path.parent / first.removeprefix(prefix)).resolve()
        assert schema == ROOT / "schema" / (path.stem + ".schema.json"), f"{path} points at {schema}"
        assert schema.is_file(), f"{path} points at a missing schema {schema}"
