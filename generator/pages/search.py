"""The search index: one entry per page and per record shown on a page, made from the dataset.

The site's search page (templates/theme/js/search.js) reads the entries from `search/index.js`,
a script rather than a JSON file, so that search also works from pages opened from disk.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any, Iterable, Iterator, Mapping, NamedTuple

from .markup import plain_paragraph, render_markdown, script_json
from ..dataset.model import BriefingBundle, Dataset, ref_kinds
from .. import urls
from ..urls import BRIEFING_PARTS, output_path, page_path
from .render import KIND_NAMES, Page
from ..content.schema import Record
from ..dataset.track import Reuse

INDEX_PATH = "search/index.js"

# Fields whose strings are codes, dates or addresses rather than words a reader searches for.
# Reference fields (ids of other records) and citations are left out too, and editors' notes,
# which are never readers' text.
_NOT_TEXT = frozenset({"id", "url", "date", "time", "start", "end", "updated", "when", "day", "since", "until",
                       "as_of", "status", "kind", "category", "country", "sources", "measure_sources",
                       "ask_sources", "paragraphs", "editor_note"})
_TAG = re.compile(r"<[^>]*>")


def record_url(kind: str, record: Any, briefing: str | None, fragment: str = "") -> str:
    """Where a record is shown, from the site's root; `fragment` points inside its own page."""
    path, anchor = urls.record_place(kind, None if kind == "briefing" else record.id, briefing)
    return urls.with_fragment(urls.output_path(path), fragment or anchor)


class Item(NamedTuple):
    """One entry of the search index: its address, its fields, and their JSON for the script."""

    url: str
    entry: dict[str, str]
    json: str


def _item(title: str, page: str, text: str, url: str) -> Item:
    entry = {"title": title, "page": page, "text": text, "url": url}
    return Item(url, entry, script_json(entry))


def search_items(data: Dataset, pages: Mapping[str, Page], reuse: Reuse | None = None) -> list[Item]:
    """The entries of the search index, sorted by address: each with `title`, `page` (the title of
    the page it is on, or what the record is when it is that page), `text` (plain text of its
    fields) and `url` (from the site's root, with the record's fragment).

    They are made briefing by briefing and shared record by shared record: with `reuse` (a
    rebuild's), the entries of each briefing and record whose basis is unchanged are the last
    build's, JSON included."""
    reuse = reuse or Reuse()
    found: dict[str, Item] = {}
    for bundle in data.briefings:
        own = [page_path("briefing", briefing=bundle.id)] + [
            page_path(part, briefing=bundle.id) for part in BRIEFING_PARTS]
        # What a briefing's entries show besides its records: its speakers' names, its pages' titles.
        basis = (bundle, tuple(data.actor(s.speaker).name for s in bundle.statements),
                 tuple(pages.get(path) for path in own))
        found.update(reuse.get(("briefing", bundle.id), basis, lambda: _briefing_items(data, bundle, pages, own)))
    for kind, collection in (("person", data.people), ("organization", data.organizations)):
        for record in collection.values():
            found.update(reuse.get((kind, record.id), record, lambda: _actor_items(kind, record)))
    for source in data.sources.values():
        page = pages.get(page_path("source", source.id))
        found.update(reuse.get(("source", source.id), (source, page), lambda: _source_items(source, page)))
    # A page that is no record's own (an index, a part of a briefing) has an entry of its own.
    for page in pages.values():
        url = output_path(page.path)
        if url not in found:
            found[url] = reuse.get(("page", url), page, lambda: _item(page.title, "", page.description, url))
    reuse.next_build()
    return [found[url] for url in sorted(found)]


def search_entries(data: Dataset, pages: Mapping[str, Page]) -> list[dict[str, str]]:
    """The fields of each entry of the search index (see search_items), sorted by address."""
    return [item.entry for item in search_items(data, pages)]


def search_script(data: Dataset, pages: Mapping[str, Page], reuse: Reuse | None = None) -> str:
    """The search index as a script (see index_script); `reuse` as in search_items."""
    return _script(item.json for item in search_items(data, pages, reuse))


def _briefing_items(data: Dataset, bundle: BriefingBundle, pages: Mapping[str, Page],
                    own: list[str]) -> dict[str, Item]:
    """The entries of a briefing's records, each on one of its pages (`own`)."""
    titles = {output_path(path): pages[path].title for path in own if path in pages}
    items: dict[str, Item] = {}
    for kind, record in bundle.records():
        title = (f"Statement by {data.actor(record.speaker).name}" if kind == "statement"
                 else record.title)
        url = record_url(kind, record, bundle.id)
        where = titles.get(url.partition("#")[0], "") if "#" in url else KIND_NAMES[kind]
        items[url] = _item(title, where, plain_text(record), url)
    return items


def _actor_items(kind: str, record: Record) -> dict[str, Item]:
    title = f"{record.name} ({record.name_zh})" if record.name_zh else record.name
    url = record_url(kind, record, None)
    return {url: _item(title, KIND_NAMES[kind], plain_text(record), url)}


def _source_items(source: Record, page: Page | None) -> dict[str, Item]:
    """The entries of a source and of each of its paragraphs (shown on its page)."""
    url = record_url("source", source, None)
    items = {url: _item(source.title, KIND_NAMES["source"], plain_text(source), url)}
    for paragraph in source.paragraphs:
        at = record_url("source", source, None, f"p{paragraph.n}")
        items[at] = _item(f"{source.title}, paragraph {paragraph.n}", page.title if page else "",
                          paragraph.about, at)
    return items


def plain_text(record: Record) -> str:
    """The words of a record's text fields and of the records nested in it, as plain text; the
    record's own title and names are left out (they are the entry's title). Fields are parted
    by " · ", so that a snippet does not run one into the next."""
    return " · ".join(_words(record, _TITLE_FIELDS))


_TITLE_FIELDS = frozenset({"title", "name", "name_zh"})


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
    return " ".join(unescape(_TAG.sub(" ", render_markdown(text))).split())


def index_script(entries: list[dict[str, str]]) -> str:
    """The search index as a script that sets `window.briefingSearch`, safe inside an HTML page."""
    return _script(map(script_json, entries))


def _script(items: Iterable[str]) -> str:
    # The JSON of a list is that of its items between brackets.
    return f"window.briefingSearch = [{','.join(items)}];\n"
