"""What lets a reader trust a briefing at work: every footnote leads out to the source's address
(saying when it is a republication, or that none is known), concerns with substance, sources that
differ saying how in a sentence, dated roles and an as-of date, and only verified Wikidata ids.

Generator behaviour is checked on the fixture content; the example briefing's fidelity is checked
as "at least", so other records may sit beside it."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from generator import urls
from generator.build import Built, build
from support import FIXTURE_CONTENT

ROOT = Path(__file__).resolve().parent.parent
BRIEFING = "raimondo-china-2023"
_NOTE = re.compile(r'<li id="note-\d+"[^>]*>(.*?)</li>', re.S)
_HREF = re.compile(r'href="([^"]*)"')
_SOURCE_PAGE = re.compile(r'(?:^|/)sources/([a-z0-9-]+)\.html$')


@pytest.fixture(scope="module")
def fixture_built() -> Built:
    return build(FIXTURE_CONTENT, ROOT / "templates" / "pages")


@pytest.fixture(scope="module")
def built() -> Built:
    return build(ROOT / "content", ROOT / "templates" / "pages")


def _page(built: Built, kind: str, rid: str | None = None, briefing: str | None = None) -> str:
    return built.pages[urls.page_path(kind, rid, briefing)].html


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _notes(html: str) -> list[tuple[str, list[str]]]:
    """(source id, the note's links in order) of each footnote of a page; the source is known by
    the link to its page on this site, which every note has."""
    notes = []
    for body in _NOTE.findall(html):
        hrefs = [unescape(h) for h in _HREF.findall(body)]
        (source_id,) = {m.group(1) for h in hrefs if (m := _SOURCE_PAGE.search(h))}
        notes.append((source_id, hrefs))
    return notes


def _check_notes_lead_out(built: Built, paths) -> int:
    """Every footnote on the pages at `paths` leads first to its source's address where it has
    one, else to the source's page saying no address is known; the number of notes checked."""
    checked = 0
    for path in paths:
        html = built.pages[path].html
        for (source_id, hrefs), body in zip(_notes(html), _NOTE.findall(html)):
            source = built.data.sources[source_id]
            if source.url:
                assert re.match(r"https?://", hrefs[0]) and hrefs[0] == source.url, (path, source_id)
                assert "about this source" in body, (path, source_id)
            else:
                assert _SOURCE_PAGE.search(hrefs[0]), (path, source_id)
                assert _text(body).count("no web address known") == 1, (path, source_id)
            checked += 1
    return checked


# Generator behaviour, on the fixture.

def test_footnotes_lead_straight_to_the_address_and_say_where_it_is(fixture_built):
    assert _check_notes_lead_out(fixture_built, fixture_built.pages) > 10
    notes = _page(fixture_built, "disputes", briefing="visit")
    assert ('<a class="external" href="https://wire.example.net/ministry-statement" rel="external noopener noreferrer">'
            "The Ministry&#39;s statement on export controls</a>") in notes
    assert "a republication on wire.example.net, not the publisher’s own site" in notes
    assert '<a class="source-page" href="../../sources/ministry-statement.html">about this source</a>' in notes
    assert "(Example Wire, 29 August 2023; at example.org)" in notes


def test_the_list_of_sources_links_out_and_says_which_address_is_unknown(fixture_built):
    html = _page(fixture_built, "source")
    own_page = re.compile(r"^([a-z0-9-]+)\.html$")  # the list sits beside the sources' pages
    items = {own_page.match(h).group(1): item for item in re.findall(r"<li>(.*?)</li>", html, re.S)
             for h in _HREF.findall(item) if own_page.match(h)}
    assert set(items) == set(fixture_built.data.sources)
    for sid, item in items.items():
        source = fixture_built.data.sources[sid]
        first = unescape(_HREF.findall(item)[0])
        assert first == (source.url or f"{sid}.html")
        assert ("no web address known" in item) == (source.url is None)
    assert "a republication on wire.example.net" in items["ministry-statement"]


def test_a_source_page_says_its_address_is_a_republication(fixture_built):
    html = _page(fixture_built, "source", "ministry-statement")
    assert "(a republication on wire.example.net, not the publisher’s own site)" in html
    assert "republication" not in _page(fixture_built, "source", "article")


def test_where_sources_differ_the_difference_is_one_visible_sentence(fixture_built):
    for part, sentence in (("disputes", "The article says “strict”; the Ministry's statement says “over-broad”."),
                           ("agreements", "The readout gives the group's level; the article gives none.")):
        html = _page(fixture_built, part, briefing="visit")
        (claims,) = re.findall(r'<div class="claims">.*?</div>', html, re.S)
        visible = re.sub(r"<details.*?</details>", "", claims, flags=re.S)
        assert f"Sources differ: {sentence}" in _text(visible)
        assert "The other account" in claims  # the accounts themselves stay behind the disclosure


def test_measure_and_ask_carry_their_own_citations(fixture_built):
    html = _page(fixture_built, "disputes", briefing="visit")
    ask = re.search(r"<dt>What was asked</dt><dd>(.*?)</dd>", html).group(1)
    assert 'title="The Ministry&#39;s statement on export controls"' in ask
    measure = re.search(r"<dt>The measure</dt><dd>(.*?)</dd>", html).group(1)
    assert 'title="Secretary visits the capital, paragraph 2"' in measure


def test_roles_read_with_their_dates_never_as_still_held(fixture_built):
    words = "Commerce Minister (China; from 12 March 2023, still held in August 2023)"
    assert words in _text(_page(fixture_built, "person", "li-minister"))
    assert words in _text(_page(fixture_built, "organization", "mofcom"))
    assert "Commerce Minister (from 12 March 2023, still held in August 2023)" in _text(
        _page(fixture_built, "briefing", briefing="visit"))
    assert "Commerce Secretary (United States; since 2021)" in _text(_page(fixture_built, "person", "ada-secretary"))


def test_a_briefing_says_what_date_its_facts_are_as_of_and_marks_later_steps(fixture_built):
    for kind in ("briefing", "memo", "disputes"):
        assert re.search(r'as of <time (class="date" )?datetime="2023-08-30">30 August 2023</time>',
                         _page(fixture_built, kind, briefing="visit")), kind
    history = re.search(r'<ol class="history">(.*?)</ol>', _page(fixture_built, "disputes", briefing="visit"), re.S)
    steps = re.findall(r"<li>(.*?)</li>", history.group(1))
    assert ["(later development)" in step for step in steps] == [False, True]


def test_the_updated_date_is_the_same_on_every_page_that_shows_it(fixture_built):
    shown = set()
    for kind, briefing in (("home", None), ("briefing", "visit"), ("memo", "visit")):
        found = re.findall(r'updated <time[^>]*datetime="([^"]+)">([^<]+)</time>', _page(fixture_built, kind, briefing=briefing))
        assert found, kind
        shown.update(found)
    assert shown == {("2023-08-30", "30 August 2023")}


# The example briefing, at least.

VERIFIED_WIKIDATA = {"xi-jinping": "Q15031", "joe-biden": "Q6279", "john-kerry": "Q22316"}
EXAMPLE_PEOPLE = ["gina-raimondo", "wang-wentao", "he-lifeng", "hu-heping", "li-qiang", "joe-biden",
                  "janet-yellen", "antony-blinken", "xi-jinping", "john-kerry"]


@pytest.fixture(scope="module")
def bundle(built):
    (found,) = [b for b in built.data.briefings if b.id == BRIEFING]
    return found


def test_every_footnote_of_the_example_leads_to_its_address_where_the_source_has_one(built):
    paths = [p for p in built.pages if p.startswith(f"briefings/{BRIEFING}/")]
    paths += [urls.page_path("person", pid) for pid in EXAMPLE_PEOPLE]
    assert _check_notes_lead_out(built, paths) > 50
    with_address = {sid for sid, s in built.data.sources.items() if s.url}
    assert len(with_address) >= 20
    readout = built.data.sources["commerce-readout-2023-08-28"]
    assert readout.republication and "einpresswire.com" in readout.url
    assert not built.data.sources["mofcom-talks-2023-08-28"].republication


def test_each_of_the_five_concerns_has_substance_cited_to_sources_with_addresses(built, bundle):
    sources = built.data.sources
    common = [s for s in bundle.statements if {d.id for d in bundle.disputes} <= set(s.about)]
    for d in bundle.disputes:
        assert d.measure and d.measure_sources, d.id
        assert all(sources[c.source].url for c in d.measure_sources), d.id
        assert d.response or common, d.id
        assert len(d.history) >= 2, d.id
    history = {d.id: [step.when for step in d.history] for d in bundle.disputes}
    assert "2024-05-14" in history["section-301-tariffs"]
    assert "2025-01-02" in history["two-way-investment-restrictions"]
    html = _page(built, "disputes", briefing=BRIEFING)
    assert html.count("(later development)") >= 4
    for rate in ("25%", "7.5%", "$34 billion", "16/14 nm", "Executive Order 14105", "Supplement No. 4 to Part 744"):
        assert rate in _text(html), rate


def test_the_sources_differing_words_are_said_in_a_sentence(built, bundle):
    investment = bundle.by_id["dispute", "two-way-investment-restrictions"]
    words = " ".join(c.text for c in investment.claims)
    assert "de-globalization" in words and "anti-globalization" in words
    exchange = bundle.by_id["agreement", "export-control-information-exchange"]
    assert any("“export control information exchange”" in c.text for c in exchange.claims)
    for part, phrase in (("disputes", "has de-globalization"), ("agreements", "without “enforcement”"),
                         ("briefing", "the US readout lists four")):
        html = _page(built, part, briefing=BRIEFING)
        visible = _text(re.sub(r"<details class=\"claims__others\">.*?</details>", "", html, flags=re.S))
        assert re.search(r"Sources differ: [^.]*" + re.escape(phrase), visible), part


def test_the_glossary_defines_the_five_terms_each_cited_and_linked(built, bundle):
    terms = {t.id: t for t in bundle.briefing.glossary}
    assert {"section-301", "export-controls", "entity-list", "vice-premier", "country-of-concern"} <= set(terms)
    for term in terms.values():
        assert any(built.data.sources[c.source].url for c in term.sources), term.id
    linked = "".join(_page(built, part, briefing=BRIEFING) for part in ("briefing", "disputes", "agreements"))
    for tid in ("section-301", "export-controls", "entity-list", "vice-premier", "country-of-concern"):
        assert f'class="term" href="#term-{tid}"' in linked or f'disputes.html#term-{tid}"' in linked, tid


def test_the_example_s_roles_are_dated_and_its_facts_have_an_as_of_date(built, bundle):
    for pid in EXAMPLE_PEOPLE:
        for role in built.data.people[pid].roles:
            assert role.as_of or role.until, pid
    assert bundle.briefing.as_of and bundle.briefing.as_of <= bundle.briefing.end
    who = _text(_page(built, "briefing", briefing=BRIEFING))
    assert "Gina Raimondo , Commerce Secretary (in August 2023)" in who
    assert "Vice Premier (from 12 March 2023, still held in August 2023)" in who
    assert "Commerce Secretary (United States; in August 2023)" in _text(_page(built, "person", "gina-raimondo"))


def test_the_memo_gives_each_concern_china_s_ask_and_the_us_line(built, bundle):
    html = _page(built, "memo", briefing=BRIEFING)
    lines = re.findall(r"<li>(.*?)</li>", html[html.index("In dispute"):html.index("<h2>Agenda")], re.S)
    assert len(lines) == len(bundle.disputes)
    for line in map(_text, lines):
        assert "asks:" in line, line
        assert "United States:" in line, line
    assert "China, on all 5 concerns:" in _text(html)


def test_only_verified_wikidata_ids_are_given(built):
    for pid in EXAMPLE_PEOPLE:
        assert built.data.people[pid].wikidata == VERIFIED_WIKIDATA.get(pid), pid
    assert "https://www.wikidata.org/wiki/Q15031" in _page(built, "person", "xi-jinping")


def test_in_the_browser_a_citation_mark_leads_to_its_footnote_and_on_to_the_address(browser, site_url, built_site):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{site_url}briefings/visit/disputes.html", wait_until="load")
        marks = page.locator("a.cite")
        assert marks.count() >= 3
        checked = 0
        for n in range(marks.count()):
            mark = marks.nth(n)
            note = page.locator(mark.get_attribute("href"))
            if checked >= 3 or not note.locator("a.external").count():
                continue
            mark.click()
            title = note.locator("a").first
            assert title.is_visible()
            assert re.match(r"https?://", title.get_attribute("href"))
            assert note.locator("a.source-page").is_visible()
            checked += 1
        assert checked == 3
    finally:
        context.close()
