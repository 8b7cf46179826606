"""The MkDocs adapter's own helpers."""

from __future__ import annotations

from generator.plugin import heading_tokens


def test_heading_tokens_are_the_headings_with_ids_for_search():
    html = '<h1>Page</h1><h2 id="a">First &amp; <span>best</span></h2><p>x</p><h3 id="b">Second</h3>'
    assert heading_tokens(html) == [
        {"level": 2, "id": "a", "name": "First & best", "children": []},
        {"level": 3, "id": "b", "name": "Second", "children": []},
    ]
