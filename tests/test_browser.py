"""The built site in headless Chromium: accessibility (axe-core), search, phone layout, print, screenshots.

The site is served over HTTP on the loopback address, as it is published (the `site_url` and
`browser` fixtures are in conftest.py); search opened from disk says how to serve the folder
(browsers load no index from file: addresses). Chromium, axe-core and the rest are installed by
`scripts/install-test-tools` (run by `make test`); a missing tool is a failure, never a skip.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from support import ARCHIVE_RICHEST, FIXTURE_CONTENT, MISSING_TOOLS, ROOT, build_site, served

AXE = ROOT / "tests" / "tools" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def page_kinds(site: Path) -> dict[str, str]:
    """One page of each kind in the fixture archive's site, by kind, as paths relative to the site:
    the pages of its briefing that uses every field."""
    briefing = f"briefings/{ARCHIVE_RICHEST}"
    first = {folder: next(p for p in sorted((site / folder).glob("*.html")) if p.name != "index.html")
             for folder in ("people", "organizations", "sources")}
    # A person with a Chinese name shows the bilingual heading: prefer the one with most to show.
    people = sorted((site / "people").glob("*.html"), key=lambda p: -p.stat().st_size)
    bilingual = [p for p in people if p.name != "index.html" and 'lang="zh"' in p.read_text("utf-8")]
    kinds = {"home": "index.html", "briefing": f"{briefing}/index.html", "search": "search.html",
             "not-found": "404.html", "people": "people/index.html",
             "organizations": "organizations/index.html", "sources": "sources/index.html",
             "data": "data/index.html", "timeline": "timeline.html",
             "event": sorted(site.glob("events/*.html"))[0].relative_to(site).as_posix(),
             "person": (bilingual[0] if bilingual else first["people"]).relative_to(site).as_posix(),
             "organization": first["organizations"].relative_to(site).as_posix(),
             "source": first["sources"].relative_to(site).as_posix()}
    for part in ("agenda", "disputes", "agreements", "statements", "context", "memo", "changes"):
        kinds[part] = f"{briefing}/{part}.html"
    return kinds


KINDS = ["home", "briefing", "agenda", "disputes", "agreements", "statements", "context", "memo",
         "changes", "person", "organization", "source", "event", "people", "organizations", "sources",
         "timeline", "data", "search", "not-found"]


def _open(browser: Browser, url: str, *, scheme: str = "light", viewport=DESKTOP, js: bool = True) -> Page:
    context = browser.new_context(color_scheme=scheme, viewport=viewport, java_script_enabled=js,
                                  reduced_motion="reduce")
    page = context.new_page()
    page.goto(url, wait_until="load")
    return page


def test_page_kinds_cover_every_kind(built_site: Path):
    kinds = page_kinds(built_site)
    assert set(kinds) == set(KINDS)
    for kind, path in kinds.items():
        assert (built_site / path).is_file(), f"{kind}: {path} was not built"


@pytest.mark.parametrize("kind", KINDS)
def test_axe_finds_no_wcag_a_or_aa_violations_in_light_or_dark_mode(browser, site_url, built_site, kind):
    assert AXE.is_file(), f"{AXE} is missing: {MISSING_TOOLS}"
    page = _open(browser, site_url + page_kinds(built_site)[kind])
    problems = []
    try:
        page.add_script_tag(path=str(AXE))
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
            result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
            assert result["passes"], "axe ran no checks"
            problems += [f"{scheme} mode: {v['id']} ({v['impact']}): {v['help']}\n    " +
                         "\n    ".join(n["html"][:160] + " :: " + n["failureSummary"].replace("\n", " ")
                                       for n in v["nodes"][:5])
                         for v in result["violations"]]
    finally:
        page.context.close()
    assert not problems, f"{kind} page:\n" + "\n".join(problems)


def test_dark_mode_follows_the_system_setting(browser, site_url):
    colours = {}
    for scheme in ("light", "dark"):
        page = _open(browser, site_url + "index.html", scheme=scheme)
        colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        page.context.close()
    assert colours["light"] != colours["dark"]
    light = [int(c) for c in re.findall(r"\d+", colours["light"])[:3]]
    dark = [int(c) for c in re.findall(r"\d+", colours["dark"])[:3]]
    assert sum(light) > 600 and sum(dark) < 150, colours


RESULT_LINKS = "#search-results article h3 a"


def _search(page: Page, site_url: str, words: str) -> list[tuple[str, str]]:
    """Search from the home page's box; the results as (title, address)."""
    page.goto(site_url + "index.html")
    page.fill("#site-search-q", words)
    page.press("#site-search-q", "Enter")
    page.wait_for_url(re.compile(r"search\.html\?q="))
    assert page.input_value("#search-query") == words
    results = page.locator(RESULT_LINKS)
    results.first.wait_for(timeout=15_000)
    return [(results.nth(i).inner_text(), results.nth(i).get_attribute("href")) for i in range(results.count())]


def _follow_result(page: Page, site_url: str, words: str, address: str, title: str = "") -> None:
    """Search for `words` and follow the first result whose address matches the pattern `address`
    and whose title holds `title`."""
    hits = _search(page, site_url, words)
    chosen = [href for text, href in hits if re.search(address, href) and title in text.lower()]
    assert chosen, f"no result for {words!r} leads to {address}: {hits}"
    page.click(f"#search-results a[href='{chosen[0]}']")
    page.wait_for_load_state("load")


def test_search_for_controls_finds_the_export_controls_dispute(browser, site_url):
    page = _open(browser, site_url + "index.html")
    try:
        _follow_result(page, site_url, "controls", r"disputes\.html#dispute-[a-z0-9-]+$", "controls")
        anchor = page.evaluate("location.hash").lstrip("#")
        section = page.locator(f"section#{anchor}")
        assert section.count() == 1
        assert "controls" in section.inner_text().lower()
        assert section.locator("a.cite").count() >= 1
    finally:
        page.context.close()


def test_search_for_a_surname_finds_the_person(browser, site_url):
    page = _open(browser, site_url + "index.html")
    try:
        _follow_result(page, site_url, "Envoy", r"people/bo-envoy\.html$")
        assert "Bo Envoy" in page.locator("h1").inner_text()
    finally:
        page.context.close()


def test_search_for_a_chinese_name_finds_the_person_first_with_the_name_marked(browser, site_url):
    page = _open(browser, site_url + "index.html")
    try:
        hits = _search(page, site_url, "李部长")
        assert hits[0][1] == "people/li-minister.html", hits
        first = page.locator("#search-results article").first
        assert first.locator("h3 mark").all_inner_texts() == ["李部长"]
        assert first.locator(".search-result__page").inner_text() == "Person"
        _follow_result(page, site_url, "李部长", r"people/li-minister\.html$")
        assert "李部长" in page.locator("h1").inner_text()
    finally:
        page.context.close()


def test_search_for_a_word_of_a_source_finds_its_paragraph(browser, site_url):
    page = _open(browser, site_url + "index.html")
    try:
        _follow_result(page, site_url, "capital", r"sources/[a-z0-9-]+\.html#p\d+$")
        anchor = page.evaluate("location.hash").lstrip("#")
        assert "capital" in page.locator(f"ol.paragraphs li#{anchor}").inner_text().lower()
    finally:
        page.context.close()


def test_search_results_show_where_each_is_and_a_snippet_with_every_word_marked(browser, site_url):
    page = _open(browser, site_url + "index.html")
    try:
        _search(page, site_url, "Export CONTROL")
        articles = page.locator("#search-results article")
        assert "result" in page.locator(".search-summary").inner_text()
        for i in range(min(articles.count(), 10)):
            article = articles.nth(i)
            marks = {text.lower() for text in article.locator("mark").all_inner_texts()}
            assert marks and all(re.fullmatch(r"\W*(export|control)\w*\W*", mark) for mark in marks), marks
            snippet = article.locator(".search-result__text")
            if snippet.count():
                text = snippet.inner_text()
                assert len(text.split()) <= 32 and text == text.strip() and " · " not in text, text
    finally:
        page.context.close()


def test_a_search_fetches_only_the_index_chunks_and_fragments_it_needs(browser, site_url, built_site):
    page = _open(browser, site_url + "index.html")
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    try:
        _search(page, site_url, "controls")
        bundle = [url[len(site_url):].partition("?")[0] for url in fetched if "/pagefind/" in url]
        fragments = [url for url in bundle if url.startswith("pagefind/fragment/")]
        chunks = [url for url in bundle if url.startswith("pagefind/index/")]
        shown = {href.partition("#")[0] for href in page.locator(RESULT_LINKS).evaluate_all(
            "links => links.map(a => a.getAttribute('href'))")}
        # One fragment per page listed, not one per page of the site.
        assert chunks and len(fragments) == len(shown) < len(list((built_site / "pagefind" / "fragment").iterdir()))
    finally:
        page.context.close()


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    """The fixture briefing with a person named in markup, built once for this module."""
    content = tmp_path_factory.mktemp("hostile") / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    people = content / "people.yml"
    people.write_text(people.read_text(encoding="utf-8").replace("name: Li Minister", f"name: '{HOSTILE}'"),
                      encoding="utf-8")
    return build_site(content.parent / "project", content)


HOSTILE = 'Li <img src=x onerror="document.title=1"> Minister'


def test_a_hostile_record_title_shows_as_text_in_search_results(browser, hostile_site):
    with served(hostile_site) as url:
        page = _open(browser, url + "search.html?q=Minister")
        try:
            links = page.locator(RESULT_LINKS)
            links.first.wait_for(timeout=15_000)
            assert HOSTILE + " (李部长)" in links.all_inner_texts()
            assert page.locator("#search-results img").count() == 0
            assert page.title() == "Search · Briefings"
        finally:
            page.context.close()


def test_search_opened_from_disk_says_how_to_serve_the_folder(browser, hostile_site):
    page = _open(browser, (hostile_site / "search.html").as_uri() + "?q=Minister")
    try:
        notice = page.locator("#search-served")
        notice.wait_for(state="visible", timeout=15_000)
        assert "python3 -m http.server" in notice.inner_text()
        assert page.locator("#search-results article").count() == 0
    finally:
        page.context.close()


@pytest.mark.parametrize("kind", KINDS)
def test_nothing_overflows_horizontally_at_375_px(browser, site_url, built_site, kind):
    page = _open(browser, site_url + page_kinds(built_site)[kind], viewport=PHONE)
    try:
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .slice(0, 5).map(e => e.outerHTML.slice(0, 120))""")
        # No row scrolls sideways either, with words cut at its edge.
        scrolling = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth + 1)
            .map(e => e.outerHTML.slice(0, 120))""")
    finally:
        page.context.close()
    assert widths[0] <= widths[1] and not wide, f"{kind} page is wider than the phone: {widths} {wide}"
    assert not scrolling, f"{kind} page has a row that scrolls sideways: {scrolling}"


def test_disputes_tracker_is_a_table_on_desktop_and_cards_on_a_phone(browser, site_url, built_site):
    url = site_url + page_kinds(built_site)["disputes"]
    displays = {}
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = _open(browser, url, viewport=viewport)
        displays[name] = page.evaluate("""() => {
            const row = document.querySelector('table.tracker tbody tr');
            const cell = row.querySelector('td[data-label]');
            return [getComputedStyle(row).display, getComputedStyle(cell, '::before').content];
        }""")
        page.context.close()
    assert displays["desktop"][0] == "table-row"
    assert displays["phone"][0] == "block"
    assert displays["phone"][1].strip('"') != "none"


def test_every_page_but_search_works_without_javascript(browser, site_url, built_site):
    kinds = page_kinds(built_site)
    page = _open(browser, site_url + kinds["briefing"], js=False)
    try:
        for link in ("Disputes", "Agenda"):
            page.click(f"main a:text-is('{link}')")
            page.wait_for_load_state("load")
            assert page.locator("main h1").count() == 1
            page.go_back()
        page.locator("a.cite").first.click()
        target = page.evaluate("location.hash")
        assert re.fullmatch(r"#note-\d+", target)
        assert page.locator(f"{target} a.back").count() >= 1
        page.goto(site_url + kinds["search"])
        assert page.locator("noscript").count() == 1
    finally:
        page.context.close()


# The papers, and their sizes in CSS pixels (96 to the inch).
PAPERS = {"Letter": {"width": 816, "height": 1056}, "A4": {"width": 794, "height": 1123}}


@pytest.mark.parametrize("paper", PAPERS)
def test_the_memo_prints_on_one_page(browser, site_url, built_site, paper):
    page = _open(browser, site_url + page_kinds(built_site)["memo"], viewport=PAPERS[paper])
    try:
        pdf = page.pdf(format=paper, print_background=False)
        # A look at the printed memo, beside the other screenshots.
        page.emulate_media(media="print")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"memo-print-{paper}.png"), full_page=True)
    finally:
        page.context.close()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"the memo prints on {pages} pages of {paper}"


@pytest.mark.parametrize("kind", ["briefing", "disputes", "person"])
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_screenshots_for_a_person_to_look_at(browser, site_url, built_site, kind, width):
    viewport = PHONE if width == "phone" else DESKTOP
    page = _open(browser, site_url + page_kinds(built_site)[kind], viewport=viewport)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{kind}-{width}.png"
    try:
        page.screenshot(path=str(target), full_page=True)
    finally:
        page.context.close()
    assert target.stat().st_size > 10_000


def test_the_skip_link_comes_first_and_focus_is_visible(browser, site_url, built_site):
    page = _open(browser, site_url + page_kinds(built_site)["disputes"])
    try:
        page.keyboard.press("Tab")
        skip = page.evaluate("""() => { const e = document.activeElement, r = e.getBoundingClientRect(),
            s = getComputedStyle(e); return [e.className, r.top >= 0 && r.height > 0, s.outlineStyle]; }""")
        assert skip[0] == "skip-link" and skip[1], skip
        assert skip[2] != "none"
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#content"
        page.keyboard.press("Tab")
        outline = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
            return [document.activeElement.closest('main') !== null, s.outlineStyle, s.outlineWidth]; }""")
        assert outline[0] and outline[1] != "none" and outline[2] != "0px", outline
    finally:
        page.context.close()
