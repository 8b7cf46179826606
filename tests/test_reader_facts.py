"""What a reader sees of the example briefing: sources that lead somewhere, a disputes tracker
that tracks, an honest timeline, no editors' notes in the text, quiet citations, and every fact
of the article.

Fidelity checks of the example like test_example.py's, scoped to the example briefing and written
as "at least": more briefings, sources and events beside it never turn them red."""

from __future__ import annotations

import re
import sys
from html import unescape
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import urls
from generator.build import Built, build
from generator.pages.glossary import (FOLDS_TO_ASCII, link_first_uses, open_text, open_text_at, possible_starts,
                                      terms_pattern)
from generator.dataset.model import iter_records
from generator.pages.search import search_documents
from generator.dataset.timeline import Entry, date_label, oldest_first, span_of
from support import FIXTURE_CONTENT

ROOT = Path(__file__).resolve().parent.parent
BRIEFING = "raimondo-china-2023"
ARTICLE = "raimondo-beijing-visit-article"


@pytest.fixture(scope="module")
def built() -> Built:
    return build(ROOT / "content", ROOT / "templates" / "pages")


@pytest.fixture(scope="module")
def fixture_built() -> Built:
    return build(FIXTURE_CONTENT, ROOT / "templates" / "pages")


def _page(built: Built, kind: str, rid: str | None = None, briefing: str | None = BRIEFING) -> str:
    return built.pages[urls.page_path(kind, rid, briefing)].html


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _footnotes(html: str) -> str:
    return html[html.index('<section class="footnotes"'):]


# 1. Sources lead somewhere; locators are honest.

def test_a_source_page_links_out_to_its_address_and_its_archived_copy(fixture_built):
    html = _page(fixture_built, "source", "article", None)
    assert ('<a class="external" href="https://example.org/news/visit" rel="external noopener noreferrer">'
            in html)
    assert 'href="https://web.archive.org/web/20230829000000/https://example.org/news/visit"' in html
    assert "Not online" in _page(fixture_built, "source", "readout", None)


def test_footnotes_link_to_the_source_page_and_out_to_its_address(fixture_built):
    notes = _footnotes(_page(fixture_built, "agenda", briefing="visit"))
    assert 'href="../../sources/article.html"' in notes
    assert 'class="external" href="https://example.org/news/visit"' in notes


def test_only_sources_whose_own_paragraphs_are_known_are_cited_by_paragraph(built):
    numbered = {sid for sid, source in built.data.sources.items() if source.paragraphs}
    assert ARTICLE in numbered
    (bundle,) = [b for b in built.data.briefings if b.id == BRIEFING]
    cited = set()
    for _, record in bundle.records():
        for _, sub in iter_records(record):
            if getattr(sub, "para", None):
                cited.add(sub.source)
    assert cited == {ARTICLE}
    assert all("not known" not in (s.publisher or "").lower() for s in built.data.sources.values())
    # The readout is cited by its own words.
    readout = _page(built, "source", "commerce-readout-2023-08-28", None)
    assert "commercial issues working group" in readout and 'id="paragraphs"' not in readout


# 2. The disputes tracker.

def test_the_disputes_page_says_what_all_concerns_share_once(built):
    html = _page(built, "disputes")
    text = _text(html)
    assert text.count("necessary to protect its supply chains") == 1
    assert "Raised by" in text and '<th scope="col">Raised by</th>' not in html
    sections = {m[1]: m[0] for m in re.finditer(r'<section id="dispute-([^"]+)".*?</section>', html, re.S)}
    assert len(sections) >= 5
    bodies = [_text(re.sub(r"<sup.*?</sup>", "", s)) for s in sections.values()]
    assert len(set(bodies)) == len(bodies)
    investment = _text(sections["two-way-investment-restrictions"])
    for words in ("The measure", "Executive Order 14105", "Janet Yellen", "9 August 2023", "August 2023",
                  "anti-globalization"):
        assert words in investment
    # Where the sources say nothing specific, the page says so.
    assert "No specific demand in the sources." in _text(sections["discriminatory-subsidies"])


def test_the_glossary_is_linked_from_first_use_on_each_page(built):
    disputes = _page(built, "disputes")
    for term in ("section-301", "export-controls", "vice-premier"):
        assert f'<dt id="term-{term}">' in disputes
    overview = _page(built, "briefing")
    for term in ("section-301", "export-controls", "vice-premier"):
        assert overview.count(f'href="disputes.html#term-{term}"') == 1, term


def test_glossary_links_skip_links_headings_and_marks():
    html = '<h2>Section 301</h2><p><a href="x">Section 301</a> and section 301s, then Section 301.</p>'
    assert link_first_uses(html, [("Section 301", "g.html#t")]) == (
        '<h2>Section 301</h2><p><a href="x">Section 301</a> and '
        '<a class="term" href="g.html#t">section 301s</a>, then Section 301.</p>')


def test_a_term_inside_a_longer_term_is_linked_at_its_own_use_never_inside_the_other_link():
    html = "<p>Export controls, then controls.</p>"
    assert link_first_uses(html, [("controls", "g.html#c"), ("export controls", "g.html#e")]) == (
        '<p><a class="term" href="g.html#e">Export controls</a>, then '
        '<a class="term" href="g.html#c">controls</a>.</p>')


def test_a_term_is_never_linked_inside_a_character_reference():
    html = "<p>Rock &amp; roll &#39;x&#39; &#x27;y&#x27;, then 39 and amp and x27.</p>"
    assert link_first_uses(html, [("39", "g.html#n"), ("AMP", "g.html#a"), ("x27", "g.html#x")]) == (
        "<p>Rock &amp; roll &#39;x&#39; &#x27;y&#x27;, then <a class=\"term\" href=\"g.html#n\">39</a> and "
        "<a class=\"term\" href=\"g.html#a\">amp</a> and <a class=\"term\" href=\"g.html#x\">x27</a>.</p>")



def test_the_characters_that_fold_to_ascii_are_every_one_that_does():
    """A string search of the lowered page finds every use of a term of ASCII only without these."""
    ascii_any_case = re.compile(r"[\x00-\x7f]", re.IGNORECASE)
    found = [chr(n) for n in range(0x80, sys.maxunicode + 1)
             if ascii_any_case.fullmatch(chr(n)) or len(chr(n).lower()) != 1 or chr(n).lower().isascii()]
    assert "".join(found) == FOLDS_TO_ASCII


# Pieces of escaped HTML as pages have them: tags of skipped elements and others, text with terms
# in any case, character references, a ">" in text, and letters beyond ASCII.
_PIECES = st.sampled_from(["<p>", "</p>", '<a href="x">', "</a>", "<A>", "<a/>", "</a/>", "<h2 id=\"s\">", "</h2>",
                           "<sup>", "</sup>", "<abbr>", "</abbr>", '<span title="Section 301">', "</span>", "<!-- c -->",
                           "<br/>", " ", "Section 301", "SECTION 301s", "export controls", "Controls", "&amp;", "&#39;",
                           "amp", " > ", "-", "x", "中文", "é", "s", "K", "\u212a", "<", ">"])
_HTML = st.lists(_PIECES, max_size=30).map("".join)
_TERMS = st.lists(st.sampled_from(["Section 301", "controls", "export controls", "amp", "k", "é", "x"]),
                  min_size=1, max_size=4, unique=True)


@given(_HTML, _TERMS)
def test_every_use_of_a_term_starts_where_the_string_search_looks(html, terms):
    starts = possible_starts(html, tuple(terms))
    if starts is not None:
        assert {found.start() for found in terms_pattern(tuple(terms)).finditer(html) if found.lastgroup} <= set(starts)


@given(_HTML, st.lists(st.integers(min_value=0, max_value=200), unique=True).map(sorted))
def test_the_stretches_at_given_places_are_those_of_the_walk_over_every_tag(html, starts):
    if any(">" not in part for part in html.split("<")[1:]):
        return  # a "<" that starts no tag: link_first_uses walks every tag
    starts = [at for at in starts if at < len(html)]
    assert list(open_text_at(html, starts)) == [(start, end) for start, end in open_text(html)
                                                if any(start <= at < end for at in starts)]

# 3. The timeline: order, numbering, plain dates.

def test_a_month_only_date_comes_after_the_days_of_its_month_oldest_first():
    entries = [Entry("context", type("R", (), {"id": rid})(), span_of(when))
               for rid, when in (("year", "2023"), ("month", "2023-08"), ("day", "2023-08-09"), ("july", "2023-07-06"))]
    assert [e.record.id for e in sorted(entries, key=oldest_first)] == ["july", "day", "month", "year"]


def test_date_labels_are_plain_and_as_precise_as_written():
    assert [date_label(w) for w in ("2023-08-09", "2023-08", "2023")] == ["9 August 2023", "August 2023", "2023"]


def test_the_context_page_lists_the_order_before_the_reaction_with_plain_dates(built):
    html = _page(built, "context")
    titles = re.findall(r'<h3 id="h-context-([^"]+)"', html)
    assert titles.index("outbound-investment-executive-order") < titles.index("beijing-reaction-to-executive-order")
    labels = [_text(label) for label in re.findall(r'<p class="when">(.*?)</p>', html)]
    visits = ["18 June 2023", "6 July 2023", "16 July 2023", "9 August 2023"]
    assert [label for label in labels if label in visits] == visits
    assert not any(re.search(r"article|reports|\(", _text(label)) for label in labels)


BRIEFING_PAGES = ["briefing", "agenda", "disputes", "agreements", "statements", "context", "memo"]


def _numbers(html: str) -> dict[str, int]:
    """Each footnote's source page, with the footnote's number: the note's first link to a page of
    this site's sources (its title, or "about this source" where the title leads out)."""
    found = {}
    for number, body in re.findall(r'<li id="note-(\d+)" value="\1">(.*?)</li>', _footnotes(html), re.S):
        href = re.search(r'href="[./]*(sources/[^"#]+)', body)
        if href:
            found[href.group(1)] = int(number)
    return found


def test_a_source_has_one_number_on_every_page_of_its_briefing(fixture_built):
    seen: dict[str, set[int]] = {}
    for kind in BRIEFING_PAGES:
        html = _page(fixture_built, kind, briefing="visit")
        for source, number in _numbers(html).items():
            seen.setdefault(source, set()).add(number)
        body = html[:html.index('<section class="footnotes"')]
        # The numbers of one mark are in order, each once.
        for mark in re.findall(r'<sup class="cites">(.*?)</sup>', body):
            numbers = [int(n) for n in re.findall(r"\d+", _text(mark))]
            assert numbers == sorted(set(numbers)), mark
    assert len(seen) >= 2 and all(len(numbers) == 1 for numbers in seen.values()), seen
    assert sorted(n for numbers in seen.values() for n in numbers) == list(range(1, len(seen) + 1))


def test_the_readout_has_one_number_on_the_overview_the_agreements_and_the_memo(built):
    numbers = {_numbers(_page(built, kind)).get("sources/commerce-readout-2023-08-28.html")
               for kind in ("briefing", "agreements", "memo")}
    assert len(numbers) == 1 and None not in numbers


@pytest.mark.parametrize("kind", BRIEFING_PAGES)
def test_each_footnote_has_one_back_link_that_counts_the_marks_citing_it(fixture_built, built, kind):
    for html in (_page(fixture_built, kind, briefing="visit"), _page(built, kind)):
        body = html[:html.index('<section class="footnotes"')]
        for number, item in re.findall(r'<li id="note-(\d+)" value="\d+">(.*?)</li>', _footnotes(html), re.S):
            marks = re.findall(rf'id="(cite-{number}(?:-\d+)?)"', body)
            backs = re.findall(r'<a class="back" href="#([^"]+)" aria-label="[^"]+">([^<]+)</a>', item)
            assert len(backs) == 1 and backs[0][0] == marks[0], item
            assert backs[0][1] == ("↩" if len(marks) == 1 else f"↩ {len(marks)} places")


def test_marks_sit_against_the_words_they_follow(fixture_built, built):
    for bundle, data in ((fixture_built, "visit"), (built, BRIEFING)):
        for kind in BRIEFING_PAGES:
            html = _page(bundle, kind, briefing=data)
            # A space before a mark only after a label such as "Reported in".
            assert set(re.findall(r'(\S*)\s<sup class="cites">', html)) <= {"in", "summary"}, kind
            # After a mark comes a space, punctuation or the end of the element, never a stray space before punctuation.
            assert not re.search(r'</sup>\s+[.,;:)]', html), kind


def test_no_link_or_label_splits_a_quotation(built, fixture_built):
    for pages in (built.pages, fixture_built.pages):
        for path, page in pages.items():
            for label in re.findall(r"<a [^>]*>(.*?)</a>", page.html, re.S):
                text = _text(label)
                assert text.count("“") == text.count("”"), (path, text)


# 7. Where sources differ, in one visible sentence.

def test_where_sources_differ_the_difference_is_one_visible_sentence(built, fixture_built):
    for html, sentence in ((_page(built, "briefing"), "The article reports two agreements; the US readout lists four."),
                           (_page(fixture_built, "briefing", briefing="visit"),
                            "The readout gives two days of talks; the article, one.")):
        claims = re.search(r'<div class="claims">.*?</div>', html, re.S)[0]
        shown = claims[:claims.index("<details")]
        assert f'<span class="label">Sources differ:</span> {sentence}<sup class="cites">' in shown
        assert sentence not in claims[claims.index("<details"):]
    agreements = _page(fixture_built, "agreements", briefing="visit")
    assert "Sources differ:</span> The readout gives the group&#39;s level; the article gives none." in agreements


# 8. At a glance and home.

def test_the_overview_and_home_name_every_principal(fixture_built, built):
    for site, briefing in ((fixture_built, "visit"), (built, BRIEFING)):
        bundle = next(b for b in site.data.briefings if b.id == briefing)
        names = [site.data.people[pid].name for pid in bundle.briefing.principals]
        glance = re.search(r'<section class="glance".*?</section>', _page(site, "briefing", briefing=briefing), re.S)[0]
        home = _page(site, "home", briefing=None)
        assert all(name in glance and name in home for name in names), names
    assert "Hu Heping" in names


def _main_words(html: str) -> list[str]:
    """The words of a page's body, its citation marks, footnotes and scripts aside."""
    html = re.sub(r'<script.*?</script>|<sup class="cites">.*?</sup>|<section class="footnotes".*', " ", html, flags=re.S)
    return re.findall(r"[\w’'-]+", _text(html).lower())


def _repeated_runs(words: list[str], length: int) -> set[str]:
    runs = [" ".join(words[i:i + length]) for i in range(len(words) - length + 1)]
    return {run for run in runs if runs.count(run) > 1}


@pytest.mark.parametrize("kind", ["briefing", "home"])
def test_the_overview_and_home_say_nothing_twice(built, fixture_built, kind):
    for site, briefing in ((built, BRIEFING), (fixture_built, "visit")):
        html = _page(site, kind, briefing=briefing if kind == "briefing" else None)
        assert not _repeated_runs(_main_words(html), 8), kind
        # Each part of the briefing is linked once, from the tabs; the site's sections are in its navigation.
        for part in urls.BRIEFING_PARTS:
            assert html.count(f'href="{part}.html"') == (1 if kind == "briefing" else 0), part
        for section in ("people", "organizations", "sources", "data"):
            assert f'href="{section}/index.html"' not in html


# 10. The memo on paper: one date style.

def test_every_date_of_the_memo_is_written_in_one_style(built, fixture_built):
    style = re.compile(r"(\d{1,2}(–\d{1,2})? )?([A-Z][a-z]+ )?\d{4}|\d{1,2}( [A-Z][a-z]+)?|early \d{4}")
    for html in (_page(built, "memo"), _page(fixture_built, "memo", briefing="visit")):
        dates = re.findall(r"<time[^>]*>([^<]*)</time>", html)
        assert len(dates) >= 5 and all(style.fullmatch(d) for d in dates), dates
        # Dates inside web addresses are part of the address, not dates the memo writes.
        text = re.sub(r"https?://\S+", "", _text(re.sub(r'datetime="[^"]*"', "", html)))
        assert not re.search(r"\b\d{4}-\d{2}(-\d{2})?\b", text)


# 5. Editors' notes stay out of the reader's text.

EDITORS_WORDS = re.compile(r"as the article reports it|the readout gives|the article gives|\(article\);|\(reports\)"
                           r"|the article calls|reported in the commerce department's readout", re.I)


def test_no_editors_note_shows_in_the_readers_text(built):
    for path, page in built.pages.items():
        if path.endswith("/changes.md"):  # the history quotes former wording, by design
            assert "The article reports it as planned" not in page.html, path
            continue
        text = _text(re.sub(r'<details class="editor-note">.*?</details>', "", page.html, flags=re.S))
        assert not EDITORS_WORDS.search(text), (path, EDITORS_WORDS.search(text).group(0))
    notes = [sub.editor_note for bundle in built.data.briefings for _, record in bundle.records()
             for _, sub in iter_records(record) if getattr(sub, "editor_note", None)]
    assert len(notes) >= 8
    every_page = " ".join(_text(p.html) for p in built.pages.values())
    assert not [note for note in notes if " ".join(note.split()) in every_page]


def test_no_page_and_no_search_entry_holds_an_editors_note(fixture_built):
    data = fixture_built.data
    records = [*data.sources.values(), *data.events.values(),
               *(record for bundle in data.briefings for _, record in bundle.records())]
    notes = {sub.editor_note for record in records for _, sub in iter_records(record)
             if getattr(sub, "editor_note", None)}
    assert any(note.startswith("Paragraphs counted") for note in notes)  # a source's note among them
    documents = search_documents(data, fixture_built.pages)
    for note in notes:
        assert not any(note in text for text in documents.values()), note
        for path, page in fixture_built.pages.items():
            assert " ".join(note.split()) not in _text(page.html), (path, note)
    assert "Notes for editors" not in _page(fixture_built, "source", "article", None)


# 8. Quiet citations.

@pytest.mark.parametrize("kind", ["briefing", "disputes", "context", "memo"])
def test_each_source_is_listed_once_in_the_footnotes_with_labelled_back_links(built, kind):
    notes = _footnotes(_page(built, kind))
    items = re.findall(r'<li id="note-\d+">(.*?)</li>', notes, re.S)
    titles = [_text(re.match(r"<a [^>]*>(.*?)</a>", item).group(1)) for item in items]
    assert len(titles) == len(set(titles))
    for item in items:
        assert re.search(r'class="back" href="#cite-[\d-]+" aria-label="Back to citation \d+', item)
    text = _text(notes)
    assert not re.search(r"\S\[\d+\]|;\S|\]\S", text), text


# 12. Every fact of the article.

def test_the_article_s_facts_are_on_the_site(built):
    everything = " ".join(_text(p.html) for p in built.pages.values())
    for fact in ("second-largest economy", "largest strategic rival", "lowest points in decades",
                 "China’s economic powerhouse", "anti-globalization", "healthy competition",
                 "significant challenges", "extensive list of trade disputes", "Culture Minister Hu Heping",
                 "more negative assessment", "open lines of communication"):
        assert fact in everything, fact

