"""The search documents: for each page, one small HTML document of the records it shows, made from
the dataset, for the search index (search_bundle.py) to index.

A document is the page's own entry (its title and text) followed by one section per record shown
on the page, each under a heading whose id is the record's fragment on the page: the index splits
a page's hits by those headings, so a reader's results are records that lead to their place. A
record's section also names the people and organisations it refers to, in every script, so that
a Chinese name finds each record it appears in. Editors' notes are never part of a document.
"""

from __future__ import annotations

import re
from html import escape, unescape
from typing import Any, Callable, Iterator, Mapping, NamedTuple

from .markup import plain_paragraph, render_markdown
from ..dataset.model import BriefingBundle, Dataset, iter_refs, ref_kinds
from .. import urls
from ..urls import BRIEFING_PARTS, output_path, page_path
from .render import KIND_NAMES, Page
from ..content.schema import Actor, Record
from ..dataset.track import Reuse

# Fields whose strings are codes, dates or addresses rather than words a reader searches for.
# Reference fields (ids of other records) and citations are left out too, and so are the notes
# for editors, which are never shown to readers.
_NOT_TEXT = frozenset({"id", "url", "date", "time", "start", "end", "updated", "when", "day", "since", "until",
                       "as_of", "status", "kind", "category", "country", "sources", "measure_sources",
                       "ask_sources", "paragraphs", "editor_note"})
# Block elements part words; inline ones (links, emphasis) sit inside a word's run of text.
_BLOCK_TAG = re.compile(r"</?(?:p|li|ul|ol|blockquote|h[1-6]|br|hr|pre|table|tr|td|th)\b[^>]*>")
_TAG = re.compile(r"<[^>]*>")
_ACTORS = frozenset({"person", "organization", "actor"})


class Stopped(Exception):
    """The search documents were asked for no more (`stop`): a newer save's build needs the
    processor, and its own documents will replace these."""


def _go_on(stop: Callable[[], bool] | None) -> None:
    if stop is not None and stop():
        raise Stopped


def record_url(kind: str, record: Any, briefing: str | None, fragment: str = "") -> str:
    """Where a record is shown, from the site's root; `fragment` points inside its own page."""
    path, anchor = urls.record_place(kind, None if kind == "briefing" else record.id, briefing)
    return urls.with_fragment(urls.output_path(path), fragment or anchor)


class Item(NamedTuple):
    """One entry of the search documents: its address (with the record's fragment, if it is not
    its page's own), its title, what it is (`kind`: "Person", "Source"; "" for a page of its own
    kind), the paragraphs of its text, and its HTML in its page's document."""

    url: str
    title: str
    kind: str
    text: tuple[str, ...]
    html: str


def _item(title: str, kind: str, text: Iterator[str] | tuple[str, ...], url: str) -> Item:
    text = tuple(paragraph for paragraph in text if paragraph)
    body = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in text)
    _, _, fragment = url.partition("#")
    if fragment:
        html = f'<section><h2 id="{escape(fragment)}">{escape(title)}</h2>{body}</section>\n'
    else:
        html = f"<h1>{escape(title)}</h1>{body}\n"
    return Item(url, title, kind, text, html)


def search_items(data: Dataset, pages: Mapping[str, Page], reuse: Reuse | None = None,
                 stop: Callable[[], bool] | None = None, wanted: Callable[[str], bool] | None = None) -> list[Item]:
    """The entries of the search documents, sorted by address: every page's own, and one for every
    record shown on a page.

    They are made briefing by briefing and shared record by shared record: with `reuse` (a
    rebuild's), the entries of each briefing and record whose basis is unchanged are the last
    build's. Between them `stop` is asked whether to go on; when it says no, Stopped is raised
    and `reuse` keeps what was made so far (Reuse.keep_made). With `wanted`, only the entries of
    the pages whose paths in the site it accepts are made (or at most a few more)."""
    reuse = reuse or Reuse()
    try:
        found = _found_items(data, pages, reuse, stop, wanted)
    except Stopped:
        reuse.keep_made()
        raise
    reuse.next_build()
    return [found[url] for url in sorted(found)]


def _found_items(data: Dataset, pages: Mapping[str, Page], reuse: Reuse, stop: Callable[[], bool] | None,
                 wanted: Callable[[str], bool] | None) -> dict[str, Item]:
    found: dict[str, Item] = {}
    for bundle in data.briefings:
        _go_on(stop)
        own = [page_path("briefing", briefing=bundle.id)] + [
            page_path(part, briefing=bundle.id) for part in BRIEFING_PARTS]
        if wanted is not None and not any(wanted(output_path(path)) for path in own):
            continue
        # What a briefing's entries show besides its records: the names of the people and
        # organisations they refer to, its pages' titles.
        basis = (bundle, tuple(_names(data, record) for _, record in bundle.records()),
                 tuple(pages.get(path) for path in own))
        found.update(reuse.get(("briefing", bundle.id), basis, lambda: _briefing_items(data, bundle)))
    _go_on(stop)
    for kind, collection in (("person", data.people), ("organization", data.organizations)):
        for record in collection.values():
            if wanted is not None and not wanted(record_url(kind, record, None).partition("#")[0]):
                continue
            names = _names(data, record)
            found.update(reuse.get((kind, record.id), (record, names), lambda: _actor_items(data, kind, record)))
    _go_on(stop)
    for source in data.sources.values():
        if wanted is not None and not wanted(record_url("source", source, None).partition("#")[0]):
            continue
        found.update(reuse.get(("source", source.id), source, lambda: _source_items(source)))
    _go_on(stop)
    # A page that is no record's own (an index, a part of a briefing) has an entry of its own.
    for page in pages.values():
        url = output_path(page.path)
        if url not in found and (wanted is None or wanted(url)):
            found[url] = reuse.get(("page", url), page, lambda: _item(page.title, "", (page.description,), url))
    return found


def search_documents(data: Dataset, pages: Mapping[str, Page], reuse: Reuse | None = None,
                     stop: Callable[[], bool] | None = None,
                     wanted: Callable[[str], bool] | None = None) -> dict[str, str]:
    """The search document of each page, by its path in the site (see the module's docstring);
    `reuse`, `stop` and `wanted` (only the documents of the pages it accepts) as in search_items."""
    titles = {output_path(page.path): page.title for page in pages.values()}
    by_page: dict[str, list[Item]] = {}
    for item in search_items(data, pages, reuse, stop, wanted):
        by_page.setdefault(item.url.partition("#")[0], []).append(item)
    documents = {}
    for path, items in by_page.items():
        if wanted is not None and not wanted(path):
            continue
        _go_on(stop)
        documents[path] = _document(items, titles.get(path, ""))
    return documents


def _document(items: list[Item], page_title: str) -> str:
    """A page's document: its own entry first (sorted by address, it is), then its records'."""
    own = items[0] if "#" not in items[0].url else None
    head = [f'<meta data-pagefind-meta="page[content]" content="{escape(page_title)}">']
    if own is not None and own.kind:
        head.append(f'<meta data-pagefind-meta="kind[content]" content="{escape(own.kind)}">')
    # A page with no entry of its own still has a heading, which becomes the result's title.
    start = "" if own is not None else f"<h1>{escape(page_title)}</h1>\n"
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{escape(page_title)}</title>\n" + "\n".join(head) + "\n</head>\n<body>\n"
            + start + "".join(item.html for item in items) + "</body>\n</html>\n")


def _briefing_items(data: Dataset, bundle: BriefingBundle) -> dict[str, Item]:
    """The entries of a briefing's records, each on one of its pages."""
    items: dict[str, Item] = {}
    for kind, record in bundle.records():
        title = (f"Statement by {data.actor(record.speaker).name}" if kind == "statement"
                 else record.title)
        url = record_url(kind, record, bundle.id)
        items[url] = _item(title, "" if "#" in url else KIND_NAMES[kind],
                           (*record_text(record), _names(data, record)), url)
    return items


def _actor_items(data: Dataset, kind: str, record: Actor) -> dict[str, Item]:
    title = record.display_name()
    url = record_url(kind, record, None)
    return {url: _item(title, KIND_NAMES[kind], (*record_text(record), _names(data, record)), url)}


def _source_items(source: Record) -> dict[str, Item]:
    """The entries of a source and of each of its paragraphs (shown on its page)."""
    url = record_url("source", source, None)
    items = {url: _item(source.title, KIND_NAMES["source"], record_text(source), url)}
    for paragraph in source.paragraphs:
        at = record_url("source", source, None, f"p{paragraph.n}")
        items[at] = _item(f"{source.title}, paragraph {paragraph.n}", "", (_plain(paragraph.about),), at)
    return items


def record_text(record: Record) -> tuple[str, ...]:
    """The words of a record's text fields and of the records nested in it, one plain-text
    paragraph per field; the record's own title and names are left out (they are the entry's
    title), and so are notes for editors."""
    return tuple(_words(record, _TITLE_FIELDS))


_TITLE_FIELDS = frozenset({"title", "name", "name_zh"})


def _names(data: Dataset, record: Record) -> str:
    """The names of the people and organisations `record` refers to, each once, in every script
    it has ("Wang Wentao (王文涛)"), parted by commas."""
    seen: dict[str, str] = {}
    for _, kind, target in iter_refs(record):
        if kind in _ACTORS and target not in seen:
            seen[target] = data.actor(target).display_name()
    return ", ".join(seen.values())


def _words(record: Record, leave_out: frozenset[str] = frozenset()) -> Iterator[str]:
    refs = ref_kinds(type(record))
    for name in type(record).model_fields:
        if name in _NOT_TEXT or name in refs or name in leave_out:
            continue
        value = getattr(record, name)
        for item in value if isinstance(value, list) else (value,):
            if isinstance(item, Record):
                yield from _words(item)
            elif isinstance(item, str):
                yield _plain(item)


def _plain(text: str) -> str:
    """A text or Markdown field as plain text, whitespace collapsed."""
    if plain_paragraph(text) is not None:
        return " ".join(text.split())
    return " ".join(unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", render_markdown(text)))).split())
