"""The search index: one entry per page and per record shown on a page, made from the dataset.

The site's search page (templates/theme/js/search.js) reads the entries from `search/index.js`,
a script rather than a JSON file, so that search also works from pages opened from disk.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any, Iterator, Mapping

from .markup import plain_paragraph, render_markdown, script_json
from .model import Dataset, ref_kinds
from . import urls
from .render import Page
from .schema import Record
from .track import Reuse

INDEX_PATH = "search/index.js"

# Fields whose strings are codes, dates or addresses rather than words a reader searches for.
# Reference fields (ids of other records) and citations are left out too.
_NOT_TEXT = frozenset({"id", "url", "date", "time", "start", "end", "updated", "when", "day",
                       "status", "kind", "category", "country", "sources", "paragraphs"})
_TAG = re.compile(r"<[^>]*>")


def record_url(kind: str, record: Any, briefing: str | None, fragment: str = "") -> str:
    """Where a record is shown, from the site's root; `fragment` points inside its own page."""
    path, anchor = urls.record_place(kind, None if kind == "briefing" else record.id, briefing)
    return urls.with_fragment(urls.output_path(path), fragment or anchor)


def search_entries(data: Dataset, pages: Mapping[str, Page], reuse: Reuse | None = None) -> list[dict[str, str]]:
    """The entries of the search index, sorted by address: each with `title`, `page` (the title of
    the page it is on, or what the record is when it is that page), `text` (plain text of its
    fields) and `url` (from the site's root, with the record's fragment). `reuse` keeps each
    record's text for the next build."""
    titles = {urls.output_path(page.path): page.title for page in pages.values()}
    entries = {}
    reuse = reuse or Reuse()
    for title, kind_name, text, url in _record_entries(data, reuse):
        where = titles.get(url.partition("#")[0], "") if "#" in url else kind_name
        entries[url] = {"title": title, "page": where, "text": text, "url": url}
    # A page that is no record's own (an index, a part of a briefing) has an entry of its own.
    for page in pages.values():
        url = urls.output_path(page.path)
        entries.setdefault(url, {"title": page.title, "page": "", "text": page.description, "url": url})
    reuse.next_build()
    return [entries[url] for url in sorted(entries)]


def _record_entries(data: Dataset, reuse: Reuse) -> Iterator[tuple[str, str, str, str]]:
    """(title, what it is, text, url) of each record shown on a page; what it is names the record
    when it has a page of its own."""

    def text(kind: str, record: Record, briefing: str | None) -> str:
        return reuse.get((kind, briefing, getattr(record, "id", None)), record, lambda: plain_text(record))

    for bundle in data.briefings:
        for kind, record in bundle.records():
            title = (f"Statement by {data.actor(record.speaker).name}" if kind == "statement"
                     else record.title)
            yield title, _KIND_NAMES[kind], text(kind, record, bundle.id), record_url(kind, record, bundle.id)
    for kind, collection in (("person", data.people), ("organization", data.organizations)):
        for record in collection.values():
            title = f"{record.name} ({record.name_zh})" if record.name_zh else record.name
            yield title, _KIND_NAMES[kind], text(kind, record, None), record_url(kind, record, None)
    for source in data.sources.values():
        yield source.title, "Source", text("source", source, None), record_url("source", source, None)
        for paragraph in source.paragraphs:
            yield (f"{source.title}, paragraph {paragraph.n}", "Paragraph", paragraph.about,
                   record_url("source", source, None, f"p{paragraph.n}"))


_KIND_NAMES = {"briefing": "Briefing", "agenda": "Agenda item", "dispute": "Dispute", "agreement": "Agreement",
               "statement": "Statement", "context": "Context", "person": "Person",
               "organization": "Organisation"}


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


def index_script(entries: list[dict[str, str]], reuse: Reuse | None = None) -> str:
    """The search index as a script that sets `window.briefingSearch`, safe inside an HTML page;
    `reuse` keeps each entry's JSON for the next build."""
    reuse = reuse or Reuse()
    # The JSON of a list is that of its items between brackets: each item is made (or kept) alone,
    # found by its text.
    items = [reuse.get(tuple(entry.items()), None, lambda: script_json(entry)) for entry in entries]
    reuse.next_build()
    return f"window.briefingSearch = [{','.join(items)}];\n"
