"""The MkDocs adapter's own helpers."""

from __future__ import annotations

from mkdocs.contrib.search.search_index import ContentParser

from generator.build import build
from generator.plugin import _TemplateOutputParser, heading_tokens
from siteproject import ROOT


def test_heading_tokens_are_the_headings_with_ids_for_search():
    html = '<h1>Page</h1><h2 id="a">First &amp; <span>best</span></h2><p>x</p><h3 id="b">Second</h3>'
    assert heading_tokens(html) == [
        {"level": 2, "id": "a", "name": "First & best", "children": []},
        {"level": 3, "id": "b", "name": "Second", "children": []},
    ]


def _sections(parser) -> list[tuple]:
    return [(s.id, s.title, s.text) for s in parser.data]


def _parse_both(html: str):
    ours, theirs = _TemplateOutputParser(), ContentParser()
    ours.feed(html)
    theirs.feed(html)
    theirs.close()
    return ours, theirs


def test_the_search_parser_reads_every_example_page_as_mkdocs_own_parser_does():
    built = build(ROOT / "content", ROOT / "templates" / "pages")
    assert len(built.pages) > 30
    for page in built.pages.values():
        ours, theirs = _parse_both(page.html)
        assert ours.stripped_html == theirs.stripped_html, page.path
        assert _sections(ours) == _sections(theirs), page.path


def test_the_search_parser_matches_on_entities_comments_and_void_tags():
    html = ('<p>x</p><!-- a <b>comment</b> --><h2 id="a&amp;b" class="c">Tom &amp; &lt;Jerry&gt;</h2>'
            '<p>one<br/>two &quot;3&quot;</p>\n<h3>No id</h3><H4 ID=\'up\'>Upper</H4><h5 data-id="no">Five</h5>tail &amp; end')
    ours, theirs = _parse_both(html)
    assert ours.stripped_html == theirs.stripped_html
    assert _sections(ours) == _sections(theirs)
    assert [s.id for s in ours.data] == ["a&b", None, "up", None]
