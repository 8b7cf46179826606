"""The search documents: an entry for every page and every record shown on one, from the dataset,
and one small HTML document per page that the search bundle indexes."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from generator.build import build
from generator import urls
from generator.dataset.model import iter_records, iter_refs
from generator.dataset.track import Reuse
from generator.pages.search import Stopped, record_text, search_documents, search_items
from support import FIXTURE_CONTENT, MINIMAL, ROOT, write_content


@pytest.fixture(scope="module")
def example():
    return build(FIXTURE_CONTENT, ROOT / "templates" / "pages")


@pytest.fixture(scope="module")
def items(example):
    return search_items(example.data, example.pages)


@pytest.fixture(scope="module")
def documents(example):
    return search_documents(example.data, example.pages)


class _Document(HTMLParser):
    """A search document's headings (tag, id, text), its Pagefind metadata and its text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.headings: list[list[str]] = []
        self.meta: dict[str, str] = {}
        self.text: list[str] = []
        self._in = ""
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "meta" and values.get("data-pagefind-meta"):
            self.meta[values["data-pagefind-meta"].split("[")[0]] = values["content"]
        if tag in ("h1", "h2"):
            self.headings.append([tag, values.get("id") or "", ""])
        self._in = tag

    def handle_endtag(self, tag):
        self._in = ""

    def handle_data(self, data):
        if self._in in ("h1", "h2"):
            self.headings[-1][2] += data
        if self._in in ("h1", "h2", "p"):
            self.text.append(data)


def test_every_page_and_every_record_has_one_entry_sorted_by_address(example, items):
    addresses = [item.url for item in items]
    assert addresses == sorted(set(addresses))
    assert {urls.output_path(path) for path in example.pages} <= set(addresses)
    bundle = example.data.briefings[0]
    disputes = urls.output_path(urls.page_path("disputes", briefing=bundle.id))
    by_url = {item.url: item for item in items}
    for dispute in bundle.disputes:
        item = by_url[f"{disputes}#dispute-{dispute.id}"]
        assert item.title == dispute.title
        assert " ".join(dispute.description.split()[:3]) in " ".join(item.text)
    paragraphs = sum(len(source.paragraphs) for source in example.data.sources.values())
    assert sum(1 for url in addresses if "#p" in url) == paragraphs


def test_each_page_has_one_document_whose_headings_are_its_records_fragments(example, items, documents):
    assert set(documents) == {urls.output_path(path) for path in example.pages}
    for path, text in documents.items():
        document = _Document(text)
        (first, *records) = document.headings
        assert first[0] == "h1" and first[2], path
        page = next(page for page in example.pages.values() if urls.output_path(page.path) == path)
        assert document.meta["page"] == page.title
        expected = [item for item in items if item.url.startswith(path + "#")]
        assert [(tag, f"{path}#{fragment}", title) for tag, fragment, title in records] == [
            ("h2", item.url, item.title) for item in expected]


def test_a_person_is_found_by_every_name_and_their_roles(example, items, documents):
    person = next(p for p in example.data.people.values() if p.name_zh)
    url = urls.output_path(urls.page_path("person", person.id))
    (item,) = [item for item in items if item.url == url]
    assert item.title == f"{person.name} ({person.name_zh})" and item.kind == "Person"
    assert person.roles[0].title in item.text
    assert _Document(documents[url]).meta["kind"] == "Person"


def test_every_record_that_refers_to_a_person_names_them_in_every_script(example, items):
    person = next(p for p in example.data.people.values() if p.name_zh)
    by_url = {item.url: item for item in items}
    found = 0
    for bundle in example.data.briefings:
        for kind, record in bundle.records():
            if any(target == person.id for _, _, target in iter_refs(record)):
                item = by_url[urls.with_fragment(*_place(kind, record, bundle.id))]
                assert f"{person.name} ({person.name_zh})" in " ".join(item.text), item.url
                found += 1
    assert found > 1


def _place(kind, record, briefing):
    path, fragment = urls.record_place(kind, None if kind == "briefing" else record.id, briefing)
    return urls.output_path(path), fragment


def test_record_text_leaves_out_markdown_ids_references_and_citations(example):
    bundle = example.data.briefings[0]
    text = " ".join(record_text(bundle.briefing))
    assert "**" not in text and "](" not in text and "<" not in text and " ." not in text
    assert bundle.briefing.title not in text  # the entry's title already
    assert all(citation.source not in text.split() for citation in bundle.briefing.sources)


def test_fields_are_paragraphs_of_their_own_with_no_joining_symbols(items):
    for item in items:
        assert all(paragraph and " · " not in paragraph for paragraph in item.text), item.url


def test_no_document_holds_a_note_for_editors(example, documents):
    notes = {sub.editor_note for record in _all_records(example.data) for _, sub in iter_records(record)
             if getattr(sub, "editor_note", None)}
    assert notes
    for path, text in documents.items():
        for note in notes:
            assert note not in text, (path, note)


def _all_records(data):
    yield from data.people.values()
    yield from data.organizations.values()
    yield from data.sources.values()
    for bundle in data.briefings:
        for _, record in bundle.records():
            yield record


def test_markup_in_the_content_is_text_in_the_documents(tmp_path):
    hostile = 'Li "><script>alert(1)</script> & <b>co</b>'
    person = {**MINIMAL["people.yml"][0], "name": hostile}
    content = write_content(tmp_path / "content", {**MINIMAL, "people.yml": [person]})
    built = build(content, ROOT / "templates" / "pages")
    documents = search_documents(built.data, built.pages)
    assert _Document(documents["people/wang-wentao.html"]).headings[0][2] == f"{hostile} ({person['name_zh']})"
    for text in documents.values():
        assert "<script>" not in text and "<b>" not in text


def test_the_documents_are_the_same_every_time(example, documents):
    again = build(FIXTURE_CONTENT, ROOT / "templates" / "pages")
    assert search_documents(again.data, again.pages) == documents


@pytest.mark.parametrize("share", [0, 1, 2, 3])
def test_documents_stopped_half_way_leave_their_reuse_whole(example, documents, share):
    """A save under `briefing serve` stops the last one's documents (plugin.interrupt): the
    entries made before the stop are kept for the next, which still gives the whole documents."""
    asked: list[None] = []
    search_documents(example.data, example.pages, Reuse(), lambda: bool(asked.append(None)))
    # Stopped at the first time of asking, a third and two thirds of the way, and the last.
    at = min(len(asked) * share // 3, len(asked) - 1)
    reuse, calls = Reuse(), []

    def stop() -> bool:
        calls.append(None)
        return len(calls) > at

    with pytest.raises(Stopped):
        search_documents(example.data, example.pages, reuse, stop)
    assert search_documents(example.data, example.pages, reuse) == documents
    assert search_documents(example.data, example.pages, reuse, lambda: False) == documents
