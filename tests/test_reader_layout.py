"""The reader's briefing on a phone (390 px) and a desktop (1366 px): what the site says about
what happened, its at-a-glance panel, the phone-first layout, the memo, search and people.

The site is the fixture archive's (conftest.py's `built_site`); screenshots go beside those of
test_browser.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from generator import urls
from support import ARCHIVE_CONTENT, ARCHIVE_RICHEST, FIXTURE_CONTENT, build_site
from test_browser import SCREENSHOTS, _open, page_kinds

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
BRIEFING = f"briefings/{ARCHIVE_RICHEST}/"
# A concluded briefing of the archive with one engagement confirmed and one only scheduled.
CONCLUDED = "briefings/earlier-call/"


def _text(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


# 4. What happened, by what the sources confirm.

def test_a_concluded_briefing_says_which_engagements_a_source_confirms(built_site):
    overview = _text(built_site, CONCLUDED + "index.html")
    assert "1 of 2 engagements took place, as a source confirms" in overview
    assert "The other engagement was scheduled; the sources do not confirm that it took place" in overview
    agenda = _text(built_site, CONCLUDED + "agenda.html")
    assert 'badge--planned' not in agenda
    assert agenda.count('badge--unconfirmed">scheduled, not confirmed<') == 1
    assert agenda.count('badge--happened">took place<') == 1


def test_person_pages_word_participation_by_what_happened(built_site):
    # The Secretary is in all three briefings: three engagements that took place, one only
    # scheduled in a concluded briefing and one planned in a briefing still under way.
    secretary = _text(built_site, "people/ada-secretary.html")
    assert secretary.count("(took part)") == 3
    assert secretary.count("(was scheduled to take part)") == 2
    envoy = _text(built_site, "people/bo-envoy.html")
    assert "(took part)" in envoy and "(was scheduled to take part)" not in envoy


# 6. At a glance.

def test_at_a_glance_names_every_principal_by_side_and_says_why_it_matters_and_what_to_watch(built_site):
    glance = re.search(r'<section class="glance".*?</section>', _text(built_site, BRIEFING + "index.html"), re.S)[0]
    for name in ("Ada Secretary", "Li Minister"):
        assert name in glance
    assert glance.index("United States") < glance.index("Ada Secretary") < glance.index("China")
    for heading in ("why-it-matters", "what-to-watch"):
        items = re.search(rf'<h3 id="{heading}">.*?</ul>', glance, re.S)[0]
        assert items.count("<li>") >= 1 and items.count("<li>") == items.count('<sup class="cites">')
    assert "The first ministerial talks in a year." in glance


def test_dates_at_a_glance_never_break(browser, site_url):
    page = _open(browser, site_url + BRIEFING + "index.html", viewport=PHONE)
    try:
        lines = page.evaluate("""() => [...document.querySelectorAll('.glance time')].map(t => t.getClientRects().length)""")
    finally:
        page.context.close()
    assert lines and set(lines) == {1}, lines


# 7. Phone first.

PARTS = ["index", *urls.BRIEFING_PARTS]


@pytest.mark.parametrize("part", PARTS)
def test_on_a_phone_every_part_is_one_tap_from_the_top_of_every_part_and_the_header_stays_compact(
        browser, site_url, part):
    page = _open(browser, site_url + BRIEFING + part + ".html", viewport=PHONE)
    try:
        header = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
        tabs = page.evaluate("""() => [...document.querySelectorAll('.parts-nav a')].map(a => {
            const r = a.getBoundingClientRect();
            return [a.getAttribute('href'), r.left, r.right, r.bottom, a.scrollWidth <= a.clientWidth]; })""")
        nav = page.evaluate("""() => [...document.querySelectorAll('.site-nav a')].filter(a => a.offsetParent)
            .map(a => a.getBoundingClientRect().right)""")
    finally:
        page.context.close()
    assert header <= 120, header
    assert nav and max(nav) <= PHONE["width"], nav
    targets = {href.split("/")[-1].removesuffix(".html") for href, *_ in tabs}
    assert targets == set(PARTS), targets
    # Each tab whole on the screen, the last of them well within the first screenful.
    assert all(left >= 0 and right <= PHONE["width"] and whole for _, left, right, _, whole in tabs), tabs
    assert max(bottom for *_, bottom, _ in tabs) < PHONE["height"] / 2, tabs


@pytest.mark.parametrize("path", [BRIEFING + "index.html", "briefings/follow-up/agenda.html"])
def test_long_pages_have_a_contents_list_whose_links_resolve(built_site, path):
    html = _text(built_site, path)
    contents = re.search(r'<nav class="contents.*?</nav>', html, re.S)
    assert contents, path
    targets = re.findall(r'href="#([^"]+)"', contents[0])
    assert len(targets) >= 4
    assert all(f'id="{target}"' in html for target in targets)
    assert html.index('class="contents') < html.index("<h2 id=")


def test_footnotes_are_collapsed_and_a_citation_mark_opens_them_without_javascript(browser, site_url):
    page = _open(browser, site_url + BRIEFING + "index.html", viewport=PHONE, js=False)
    try:
        assert page.locator(".footnotes > details").get_attribute("open") is None
        assert not page.locator("#note-1").is_visible()
        page.locator("a.cite").first.click()
        assert page.locator("#note-1").is_visible()
    finally:
        page.context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("part", ["index", "disputes", "agreements", "memo"])
def test_citation_marks_leave_no_gap_before_or_after_them(browser, site_url, part, viewport):
    page = _open(browser, site_url + BRIEFING + part + ".html", viewport=viewport)
    try:
        gaps = page.evaluate("""() => {
            const charRect = (node, offset) => { const r = document.createRange();
                r.setStart(node, offset); r.setEnd(node, offset + 1); return r.getBoundingClientRect(); };
            const texts = [], walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) texts.push(walker.currentNode);
            const found = [];
            for (const sup of document.querySelectorAll('main sup.cites')) {
                const mark = sup.querySelector('a.cite'), inside = texts.filter(t => mark.contains(t));
                const first = inside[0], last = inside[inside.length - 1];
                const markLeft = charRect(first, 0), markRight = charRect(last, last.length - 1);
                const before = texts.filter(t => !sup.contains(t) && (sup.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_PRECEDING)).pop();
                const after = texts.find(t => !sup.contains(t) && (sup.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING));
                if (before && before.length && !/\\s$/.test(before.data)) {
                    const prev = charRect(before, before.length - 1);
                    // A mark never starts a line of its own, away from what it follows.
                    if (Math.abs(prev.bottom - markLeft.bottom) > 12) found.push(['wrapped', before.data.slice(-12), 99]);
                    else found.push(['before', before.data.slice(-12), markLeft.left - prev.right]);
                }
                if (after && /^[.,;:)]/.test(after.data)) {
                    const next = charRect(after, 0);
                    if (Math.abs(next.bottom - markRight.bottom) < 20) found.push(['after', after.data.slice(0, 12), next.left - markRight.right]);
                }
            }
            return found;
        }""")
    finally:
        page.context.close()
    assert len(gaps) >= 3, gaps
    wide = [gap for gap in gaps if gap[2] > 2]
    assert not wide, wide


TAPPABLE = ".site-header a, .site-header button, .site-header input, .parts-nav a, .contents a, a.cite, .footnotes summary, .footnotes a.back"


@pytest.mark.parametrize("path", [BRIEFING + "index.html", BRIEFING + "agenda.html", "people/ada-secretary.html"])
def test_tap_targets_are_at_least_24_px(browser, site_url, path):
    page = _open(browser, site_url + path, viewport=PHONE)
    try:
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        # What is shown: a phone's header leaves the list of newest briefings out.
        small = page.evaluate("""sel => [...document.querySelectorAll(sel)].filter(e => e.getClientRects().length)
            .map(e => [e.outerHTML.slice(0, 80),
            e.getBoundingClientRect().width, e.getBoundingClientRect().height])
            .filter(([, w, h]) => w < 24 || h < 24)""", TAPPABLE)
    finally:
        page.context.close()
    assert not small, small[:5]


# 9. The memo on paper.

def test_the_memo_lists_next_steps_and_each_sides_position_on_each_dispute(built_site):
    memo = _text(built_site, BRIEFING + "memo.html")
    assert "next steps)" not in memo
    assert "early 2024" in memo and "twice a year" in memo
    disputes = re.search(r"<h2>In dispute</h2>\n<ul>(.*?)</ul>", memo, re.S)[1]
    lines = re.findall(r"<li>.*?</li>", disputes)
    assert len(lines) == 1 and all("China asks:" in li and "United States:" in li for li in lines)
    # Every agenda line has its date, in one form.
    agenda = re.search(r'<ul class="agenda-compact">(.*?)</ul>', memo, re.S)[1]
    assert len(re.findall(r'day <time class="date" datetime="2023-08-\d\d">\d\d August 2023</time>:', agenda)) == 1
    assert f"This page: https://briefings.example.org/{BRIEFING}memo.html" in memo


SITE_URL = "https://briefings.example.org/"


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory) -> Path:
    """The fixture briefing, whose sources have addresses, built with a site address."""
    return build_site(tmp_path_factory.mktemp("fixture") / "project", FIXTURE_CONTENT, site_url=SITE_URL)


def test_the_printed_memo_gives_its_own_address_and_its_sources_addresses_and_nothing_decorative(browser, fixture_site):
    page = _open(browser, (fixture_site / "briefings/visit/memo.html").as_uri())
    try:
        page.emulate_media(media="print")
        printed = page.locator("body").inner_text()
        decorations = page.evaluate("""() => [...document.querySelectorAll('body, body *')].filter(e => e.getClientRects().length)
            .flatMap(e => {
                const s = getComputedStyle(e), found = [];
                const grey = c => { const [r, g, b, a] = c.match(/[\\d.]+/g).map(Number);
                                    return a === 0 || (r === g && g === b); };
                if (!grey(s.backgroundColor) || !['rgba(0, 0, 0, 0)', 'rgb(255, 255, 255)'].includes(s.backgroundColor))
                    found.push('background ' + s.backgroundColor);
                for (const side of ['Top', 'Right', 'Bottom', 'Left'])
                    if (s['border' + side + 'Style'] !== 'none' && parseFloat(s['border' + side + 'Width']) > 0)
                        found.push('border ' + side);
                if (!grey(s.color)) found.push('colour ' + s.color);
                if (e.tagName === 'SUMMARY' && s.listStyleType !== 'none') found.push('disclosure marker');
                return found.map(f => e.tagName + '.' + e.className + ': ' + f);
            })""")
    finally:
        page.context.close()
    assert f"This page: {SITE_URL}briefings/visit/memo.html" in printed
    assert "https://example.org/news/visit" in printed
    assert not decorations, decorations[:8]


# 10. Search.

def test_a_name_search_puts_the_person_first_and_snippets_part_the_fields(browser, site_url):
    page = _open(browser, site_url + "search.html?q=Li%20Minister", viewport=PHONE)
    try:
        results = page.locator("#search-results article")
        results.first.wait_for(timeout=15_000)
        assert results.first.locator("h3 a").get_attribute("href") == "people/li-minister.html"
        agenda = page.locator("#search-results article:has(a[href$='visit/agenda.html#agenda-talks'])")
        snippet = agenda.locator(".search-result__text").inner_text()
        assert snippet.startswith("Beijing. ") and " · " not in snippet, snippet
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "search-phone-390.png"))
    finally:
        page.context.close()


# 11. People.

def test_people_have_one_current_role_and_the_index_is_grouped_by_side_in_rank_order(built_site):
    people = yaml.safe_load((ARCHIVE_CONTENT / "people.yml").read_text(encoding="utf-8"))
    for person in people:
        titles = [role["title"] for role in person["roles"]]
        assert len(titles) == 1, person["id"]
        assert not re.match(r"(US|Chinese) ", titles[0]), titles
    index = _text(built_site, "people/index.html")
    assert index.index('id="side-US"') < index.index('id="side-CN"')
    china = index[index.index('id="side-CN"'):]
    in_file = [person["name"] for person in people if person["country"] == "CN"]
    assert len(in_file) > 1 and [china.index(name) for name in in_file] == sorted(china.index(name) for name in in_file)
    assert "Commerce Secretary (United States; since 2021)" in index and "Trade Envoy (China)" in index
    assert "Commerce Secretary (United States; since 2021)" in _text(built_site, "people/ada-secretary.html")


# Screenshots to look at: every part of the example briefing, and the people index, on a phone and
# a desktop, light and dark, whole pages.

@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", ["phone", "desktop"])
@pytest.mark.parametrize("part", [*PARTS, "people"])
def test_screenshots_at_390_and_1366_px(browser, site_url, built_site, part, width, scheme):
    viewport = PHONE if width == "phone" else DESKTOP
    path = page_kinds(built_site)["people"] if part == "people" else BRIEFING + part + ".html"
    page = _open(browser, site_url + path, scheme=scheme, viewport=viewport)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = "briefing" if part == "index" else part
    target = SCREENSHOTS / f"{name}-{width}-{viewport['width']}-{scheme}.png"
    try:
        page.screenshot(path=str(target), full_page=True)
    finally:
        page.context.close()
    assert target.stat().st_size > 10_000
