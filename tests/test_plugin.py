"""The MkDocs adapter: generated pages keep their titles and HTML, exports and the search bundle
are published, and a title full of markup characters is escaped in `<title>`."""

from __future__ import annotations

import gzip
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import build
from generator import urls
from generator.cli import main
from support import MINIMAL, ROOT, build as build_project, make_project

HOSTILE_NAME = 'Li Minister "><script>alert(1)</script> & <b>co</b>'


class _Anchors(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.ids.update(value for name, value in attrs if name == "id")


def search_fragments(site: Path) -> list[dict]:
    """The page fragments of a built site's search bundle: each page's address, text and headings."""
    return [json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
            for path in sorted((site / "pagefind" / "fragment").iterdir())]


def test_every_generated_page_is_written_with_its_html_and_title(built_site):
    # The site's own copy of the content: the repository's has a git history, the copy none.
    pages = build(built_site.parent / "content", ROOT / "templates" / "pages").pages
    for page in pages.values():
        html = (built_site / urls.output_path(page.path)).read_text(encoding="utf-8")
        assert page.html in html, page.path
        if page.path != "index.md":
            assert f"<title>{page.title.replace('&', '&amp;').replace(chr(39), '&#39;')} · Briefings</title>" in html


def test_the_search_bundle_of_the_built_site_leads_to_pages_and_anchors_that_exist(built_site):
    fragments = search_fragments(built_site)
    pages = {path.relative_to(built_site).as_posix() for path in built_site.rglob("*.html")}
    assert {fragment["url"].lstrip("/") for fragment in fragments} == pages - {"404.html", "search.html"}
    for fragment in fragments:
        parser = _Anchors()
        parser.feed((built_site / fragment["url"].lstrip("/")).read_text(encoding="utf-8"))
        for anchor in fragment["anchors"]:
            assert anchor["id"] in parser.ids, (fragment["url"], anchor["id"])
    assert any(anchor["id"] == "p1" for fragment in fragments for anchor in fragment["anchors"])
    assert (built_site / "pagefind" / "pagefind.js").is_file()
    assert not (built_site / "search").exists()  # no whole index, ours or MkDocs'


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("hostile") / "project")
    people = project / "content" / "people.yml"
    people.write_text(people.read_text(encoding="utf-8").replace("name: Li Minister", f"name: '{HOSTILE_NAME}'"),
                      encoding="utf-8")
    result = build_project(project)
    assert result.exit_code == 0, result.output
    return project / "site"


def test_a_title_with_markup_characters_is_escaped_in_the_title_element_not_stripped(hostile_site):
    html = (hostile_site / "people" / "li-minister.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*)</title>", html).group(1)
    assert title == ("Li Minister &#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;co&lt;/b&gt;"
                     " · Briefings")
    assert "<script>alert" not in html


def test_a_hostile_name_is_plain_text_in_the_search_bundle(hostile_site):
    (person,) = [f for f in search_fragments(hostile_site) if f["url"] == "/people/li-minister.html"]
    assert person["meta"]["title"] == f"{HOSTILE_NAME} (李部长)"
    assert person["content"].startswith(f"{HOSTILE_NAME} (李部长).")


def test_drafts_are_built_when_the_plugin_option_or_the_command_line_asks(tmp_path):
    content = {**MINIMAL, "briefings/visit/briefing.yml": {**MINIMAL["briefings/visit/briefing.yml"], "draft": True}}
    built = {}
    for name, flags, option in [("plain", [], ""), ("flag", ["--drafts"], ""), ("option", [], "      drafts: true\n")]:
        project = make_project(tmp_path / name, content)
        config = project / "mkdocs.yml"
        config.write_text(config.read_text(encoding="utf-8").replace(
            "      templates_dir: templates/pages\n", "      templates_dir: templates/pages\n" + option), encoding="utf-8")
        result = CliRunner().invoke(main, ["build", "-f", str(config), *flags])
        assert result.exit_code == 0, result.output
        built[name] = (project / "site" / "briefings" / "visit").is_dir()
    assert built == {"plain": False, "flag": True, "option": True}
