"""The MkDocs adapter's own helpers: the table of contents and the search entries of generated pages."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest

from generator import urls
from generator.build import build
from generator.plugin import GeneratedPage, _WrittenOnce, heading_tokens, omitted_parts, search_entries
from generator.render import Page
from siteproject import ROOT
from sitebuild import built_site  # noqa: F401 - a pytest fixture


@pytest.fixture(scope="module")
def example():
    return build(ROOT / "content", ROOT / "templates" / "pages")


def test_heading_tokens_are_the_headings_with_ids_for_search():
    html = '<h1>Page</h1><h2 id="a">First &amp; <span>best</span></h2><p>x</p><h3 id="b">Second</h3>'
    assert heading_tokens(html) == [
        {"level": 2, "id": "a", "name": "First & best", "children": []},
        {"level": 3, "id": "b", "name": "Second", "children": []},
    ]


def test_a_generated_page_reads_its_table_of_contents_and_ids_from_its_html_once_rendered(tmp_path):
    from mkdocs.config import load_config
    from mkdocs.structure.files import File, Files

    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path))
    html = '<h1>P</h1><h2 id="a">A &amp; <em>B</em></h2><p id="x&amp;y">text</p><h3 id="b">Sub</h3>'
    file = File("p.md", src_dir=None, dest_dir=str(tmp_path), use_directory_urls=False)
    page = GeneratedPage(Page(path="p.md", title="P", description="", html=html), file, config)
    assert page.toc == [] and page.present_anchor_ids is None  # as MkDocs' pages before rendering
    page.render(config, Files([file]))
    assert [(item.id, item.title, item.level) for item in page.toc] == [("a", "A & B", 2), ("b", "Sub", 3)]
    assert page.present_anchor_ids == {"a", "x&y", "b"}
    page.forget_body(keep_anchor_ids=True)
    assert page.content is None and page.generated.html == ""
    assert page.present_anchor_ids == {"a", "x&y", "b"}


def test_search_entries_split_a_page_at_headings_with_ids_and_numbered_passages():
    html = ('<h1>Title</h1><p>Lead &amp; more</p>'
            '<h2 id="a&amp;b">First <span>one</span></h2><p>one text</p><h3>Next steps</h3><p>folded in</p>'
            '<h2 id="paras">Paragraphs</h2><ol><li id="p1" value="1"><p>Para one.</p></li>'
            '<li id="p2" value="2"><p>Para two.</p></li></ol>'
            '<h2>Listing</h2><p>in no entry</p><h2 data-id="x">Also listing</h2><p>nor this</p>')
    assert search_entries("Page", "What it is.", html, "p.html") == [
        ("Page", "What it is. Lead & more", "p.html"),
        ("First one", "one text Next steps folded in", "p.html#a&b"),
        ("Paragraphs", "", "p.html#paras"),
        ("Page, paragraph 1", "Para one.", "p.html#p1"),
        ("Page, paragraph 2", "Para two.", "p.html#p2"),
    ]


def test_search_entries_leave_out_navigation_citations_and_listings():
    html = ('<nav class="breadcrumb"><a href="x">Crumb</a></nav><h1>T</h1>'
            '<h2 id="s">S</h2><p>kept<sup class="cites"><a class="cite" href="#n1">[1]</a></sup></p>'
            '<ul class="cited-by"><li>Cited by X</li></ul>'
            '<section class="appearances"><h2 id="app">Appearances</h2><p>Elsewhere</p></section>'
            '<section class="footnotes"><h2>Sources</h2><ol><li id="note-1">A source</li></ol></section>')
    assert search_entries("T", "", html, "t.html") == [("T", "", "t.html"), ("S", "kept", "t.html#s")]


def test_omitted_parts_never_nest_in_a_block_of_their_own_kind(example):
    # A left-out part ends at the first closing tag of its kind.
    kinds = set()
    for page in example.pages.values():
        for tag, start, end in omitted_parts(page.html):
            assert page.html.count(f"<{tag}", start, end) == 1, page.path
            kinds.add(tag)
    assert kinds == {"nav", "sup", "section", "ul", "table", "article"}


def test_every_record_with_an_anchor_has_one_entry_that_leads_to_it(example):
    bundle = example.data.briefings[0]
    entries = [entry for page in example.pages.values()
               for entry in search_entries(page.title, page.description, page.html, urls.output_path(page.path))]
    locations = [location for _, _, location in entries]
    assert len(locations) == len(set(locations))
    by_location = {location: (title, text) for title, text, location in entries}
    disputes = urls.output_path(urls.page_path("disputes", briefing=bundle.id))
    for dispute in bundle.disputes:
        title, text = by_location[f"{disputes}#h-dispute-{dispute.id}"]
        assert title == dispute.title and " ".join(dispute.description.split()[:4]) in text


def test_no_text_is_in_two_entries_of_a_page(example):
    for page in example.pages.values():
        texts = [text for _, text, _ in search_entries(page.title, page.description, page.html, "p.html")]
        for i, text in enumerate(texts):
            for other in texts[i + 1:]:
                if min(len(text), len(other)) >= 40:
                    assert text not in other and other not in text, page.path


class _Anchors(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.ids.update(value for name, value in attrs if name == "id")


def test_the_search_index_of_the_built_site_leads_to_pages_and_anchors_that_exist(built_site):
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["indexing"] == "full" and index["config"]["lang"] == ["en"]
    anchors: dict[str, set[str]] = {}
    for doc in index["docs"]:
        assert set(doc) == {"location", "text", "title"}
        path, _, fragment = doc["location"].partition("#")
        if path not in anchors:
            parser = _Anchors()
            parser.feed((built_site / path).read_text(encoding="utf-8"))
            anchors[path] = parser.ids
        assert not fragment or fragment in anchors[path], doc["location"]
    assert any(doc["location"].endswith("#p1") for doc in index["docs"])


def test_an_export_file_lets_go_of_its_bytes_once_written_and_reads_as_written(tmp_path):
    config = SimpleNamespace(site_dir=str(tmp_path), use_directory_urls=False,
                             plugins=SimpleNamespace(_current_plugin="briefing"))
    content = "{\"é\": 1}\n".encode("utf-8") * 1000
    export = _WrittenOnce.generated(config, "data/briefings.json", content=content)
    export.copy_file()
    assert (tmp_path / "data" / "briefings.json").read_bytes() == content
    assert export._content is None
    assert export.content_bytes == content
