"""What a reader sees of the example briefing: sources that lead somewhere, a disputes tracker
that tracks, an honest timeline, no editors' notes in the text, quiet citations, and every fact
of the article.

Fidelity checks of the example like test_example.py's, scoped to the example briefing and written
as "at least": more briefings, sources and events beside it never turn them red."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from generator import urls
from generator.build import Built, build
from generator.pages.glossary import link_first_uses
from generator.dataset.model import iter_records
from generator.pages.search import search_script
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


@pytest.mark.parametrize("kind", ["briefing", "agenda", "disputes", "agreements", "statements", "context", "memo"])
def test_footnotes_are_numbered_in_reading_order(built, kind):
    html = _page(built, kind)
    body = html[:html.index('<section class="footnotes"')]
    numbers = [int(n) for n in re.findall(r'href="#note-(\d+)"', body)]
    first_uses = list(dict.fromkeys(numbers))
    assert first_uses == list(range(1, len(first_uses) + 1))
    for marks in re.findall(r'<sup class="cites">(.*?)</sup>', body):
        in_mark = [int(n) for n in re.findall(r"#note-(\d+)", marks)]
        assert in_mark == sorted(set(in_mark)), marks


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
    index = search_script(data, fixture_built.pages)
    for note in notes:
        assert note not in index
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

