"""The MkDocs adapter: generated pages keep their titles and HTML, exports and the search index
are published, and a title full of markup characters is escaped in `<title>`."""

from __future__ import annotations

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


def index_entries(site: Path) -> list[dict]:
    """The entries of a built site's search index."""
    script = (site / "search" / "index.js").read_text(encoding="utf-8")
    prefix, suffix = "window.briefingSearch = ", ";\n"
    assert script.startswith(prefix) and script.endswith(suffix)
    return json.loads(script[len(prefix):-len(suffix)])


def test_every_generated_page_is_written_with_its_html_and_title(built_site):
    # The site's own copy of the content: the repository's has a git history, the copy none.
    pages = build(built_site.parent / "content", ROOT / "templates" / "pages").pages
    for page in pages.values():
        html = (built_site / urls.output_path(page.path)).read_text(encoding="utf-8")
        assert page.html in html, page.path
        if page.path != "index.md":
            assert f"<title>{page.title.replace('&', '&amp;').replace(chr(39), '&#39;')} · Briefings</title>" in html


def test_the_search_index_of_the_built_site_leads_to_pages_and_anchors_that_exist(built_site):
    entries = index_entries(built_site)
    anchors: dict[str, set[str]] = {}
    for entry in entries:
        assert set(entry) == {"title", "page", "text", "url"}
        path, _, fragment = entry["url"].partition("#")
        if path not in anchors:
            parser = _Anchors()
            parser.feed((built_site / path).read_text(encoding="utf-8"))
            anchors[path] = parser.ids
        assert not fragment or fragment in anchors[path], entry["url"]
    assert any(entry["url"].endswith("#p1") for entry in entries)
    assert not (built_site / "search" / "search_index.json").exists()  # MkDocs' search is not used


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


def test_a_hostile_name_is_plain_text_in_the_search_index(hostile_site):
    script = (hostile_site / "search" / "index.js").read_text(encoding="utf-8")
    assert "<" not in script and ">" not in script and "&" not in script
    person = next(entry for entry in index_entries(hostile_site) if entry["url"] == "people/li-minister.html")
    assert person["title"] == f"{HOSTILE_NAME} (李部长)"


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
