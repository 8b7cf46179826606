"""Every page of the built site: valid HTML (the Nu HTML checker), links and anchors that resolve,
nothing loaded from the internet, page titles escaped, canonical links, a sitemap and a 404 page.

The Nu HTML checker (vnu-jar) runs on Java; both are installed by `scripts/install-test-tools`,
which `make test` runs first. A missing checker is a failure, never a skip.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from sitecheck import check_site
from support import ARCHIVE_CONTENT, ARCHIVE_RICHEST, ROOT, build_site

VNU = ROOT / "tests" / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
MISSING_TOOLS = "run scripts/install-test-tools (make test does) to install Java and the npm test tools"


class _PageParser(HTMLParser):
    """The ids of a page, its section ids, links and canonical link."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.section_ids: set[str] = set()
        self.links: list[str] = []
        self.canonical: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
            if tag == "section":
                self.section_ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "link" and a.get("rel") == "canonical":
            self.canonical = a.get("href")


def _pages(site: Path) -> dict[str, _PageParser]:
    parsed = {}
    for path in sorted(site.rglob("*.html")):
        parser = _PageParser()
        parser.feed(path.read_text(encoding="utf-8"))
        parsed[path.relative_to(site).as_posix()] = parser
    return parsed


def test_every_page_passes_the_nu_html_checker(built_site: Path):
    java = shutil.which("java")
    assert java, f"java is missing: {MISSING_TOOLS}"
    assert VNU.is_file(), f"{VNU} is missing: {MISSING_TOOLS}"
    pages = sorted(str(p) for p in built_site.rglob("*.html"))
    css = sorted(str(p) for p in built_site.rglob("*.css"))
    assert len(pages) >= 16
    run = subprocess.run([java, "-jar", str(VNU), "--format", "json", "--also-check-css", *pages, *css],
                         capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr)["messages"]
    errors = [f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m['message']}"
              for m in messages if m["type"] in ("error", "non-document-error")]
    assert not errors, "\n".join(errors)
    checked = {urlsplit(m["url"]).path for m in messages if "url" in m}
    assert run.returncode == 0 and not (checked - set(pages) - set(css))


def test_links_resolve_and_nothing_comes_from_the_internet(built_site: Path):
    # The same checker as tests/test_site_output.py, here on the example built with a site_url
    # (root-relative links on the 404 page, canonical links).
    assert [str(d) for d in check_site(built_site)] == []


def test_pages_have_titles_descriptions_and_canonical_links(built_site: Path):
    for path in sorted(built_site.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(built_site).as_posix()
        assert text.count("<title>") == 1 and "<title></title>" not in text, name
        assert '<meta name="description" content="' in text and 'content=""' not in text, name
        if name not in ("404.html", "search.html"):
            assert f'<link rel="canonical" href="https://briefings.example.org/{name}">' in text, name


def test_a_sitemap_lists_the_pages_and_a_404_page_exists(built_site: Path):
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://briefings.example.org/briefings/" in sitemap
    assert "Page not found" in (built_site / "404.html").read_text(encoding="utf-8")


def test_navigation_lists_sections_and_briefings_but_not_record_pages(built_site: Path):
    home = (built_site / "index.html").read_text(encoding="utf-8")
    nav = home[home.index('<nav class="site-nav"'):home.index("</nav>", home.index('<nav class="site-nav"'))]
    assert "people/index.html" in nav and "briefings/" in nav
    for record_page in ("people/", "organizations/", "sources/"):
        assert nav.count(record_page) == 1, f"record pages of {record_page} are in the navigation"
    assert "disputes.html" not in nav


def test_markup_in_content_is_shown_as_text_in_titles_and_navigation(tmp_path: Path):
    content = tmp_path / "content"
    shutil.copytree(ARCHIVE_CONTENT, content)
    hostile = "<img src=x onerror=alert(1)>"
    briefing = content / "briefings" / ARCHIVE_RICHEST / "briefing.yml"
    text = briefing.read_text(encoding="utf-8")
    assert text.startswith("title: ")
    briefing.write_text(text.replace("title: ", f"title: Visit {hostile} ", 1), encoding="utf-8")
    people = content / "people.yml"
    people.write_text(people.read_text(encoding="utf-8").replace(
        "name: Ada Secretary", f"name: \"Ada {hostile}\""), encoding="utf-8")
    site = build_site(tmp_path / "project", content)
    pages = list(site.rglob("*.html"))
    leaked = [p.name for p in pages if "<img" in p.read_text(encoding="utf-8")]
    assert not leaked, f"markup from content became markup on: {leaked}"
    landing = (site / "briefings" / ARCHIVE_RICHEST / "index.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in landing


@pytest.mark.parametrize("kind,marker", [("dispute", "disputes.html"), ("agenda", "agenda.html"),
                                         ("agreement", "agreements.html"), ("statement", "statements.html"),
                                         ("context", "context.html")])
def test_each_record_has_its_section_id_and_citation_marks(built_site: Path, kind: str, marker: str):
    page = built_site / "briefings" / ARCHIVE_RICHEST / marker
    parser = _PageParser()
    parser.feed(page.read_text(encoding="utf-8"))
    sections = [i for i in parser.section_ids if i.startswith(f"{kind}-")]
    assert sections, f"no {kind}-<id> section on {marker}"
    notes = {i for i in parser.ids if i.startswith("note-")}
    cites = [href for href in parser.links if href.startswith("#note-")]
    assert cites and {c[1:] for c in cites} <= notes
