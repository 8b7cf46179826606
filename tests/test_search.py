"""The search index: an entry for every page and every record shown on one, from the dataset."""

from __future__ import annotations

import json

import pytest

from generator.build import build
from generator import urls
from generator.pages.search import index_script, plain_text, search_entries, search_script
from support import ARCHIVE_CONTENT, ROOT


@pytest.fixture(scope="module")
def archive():
    return build(ARCHIVE_CONTENT, ROOT / "templates" / "pages")


@pytest.fixture(scope="module")
def entries(archive):
    return search_entries(archive.data, archive.pages)


def test_every_page_and_every_record_has_one_entry_sorted_by_address(archive, entries):
    addresses = [entry["url"] for entry in entries]
    assert addresses == sorted(set(addresses))
    assert {urls.output_path(path) for path in archive.pages} <= set(addresses)
    bundle = archive.data.briefings[0]
    disputes = urls.output_path(urls.page_path("disputes", briefing=bundle.id))
    by_url = {entry["url"]: entry for entry in entries}
    for dispute in bundle.disputes:
        entry = by_url[f"{disputes}#dispute-{dispute.id}"]
        assert entry["title"] == dispute.title
        assert entry["page"] == archive.pages[urls.page_path("disputes", briefing=bundle.id)].title
        assert " ".join(dispute.description.split()[:3]) in entry["text"]
    paragraphs = sum(len(source.paragraphs) for source in archive.data.sources.values())
    assert sum(1 for url in addresses if "#p" in url) == paragraphs


def test_a_person_is_found_by_every_name_and_their_roles(archive, entries):
    person = archive.data.people["li-minister"]
    (entry,) = [entry for entry in entries if entry["url"] == "people/li-minister.html"]
    assert person.name in entry["title"] and person.name_zh in entry["title"]
    assert entry["page"] == "Person"
    assert person.roles[0].title in entry["text"]


def test_plain_text_leaves_out_markdown_ids_references_and_citations(archive):
    bundle = archive.data.briefings[0]
    text = plain_text(bundle.briefing)
    assert "**" not in text and "](" not in text and "<" not in text
    assert bundle.briefing.title not in text  # the entry's title already
    assert all(citation.source not in text.split() for citation in bundle.briefing.sources)


def test_the_index_script_is_json_that_no_markup_or_line_separator_can_end_early():
    entries = [{"title": "</script><!-- & \u2028\u2029", "page": "", "text": "王文涛", "url": "a.html#b"}]
    script = index_script(entries)
    assert script.startswith("window.briefingSearch = [") and script.endswith("];\n")
    body = script[len("window.briefingSearch = "):-2]
    assert not set("<>&\u2028\u2029") & set(body)
    assert "王文涛" in body
    assert json.loads(body) == entries


def test_the_index_is_the_same_bytes_every_time(archive):
    again = build(ARCHIVE_CONTENT, ROOT / "templates" / "pages")
    assert search_script(again.data, again.pages) == search_script(archive.data, archive.pages)
