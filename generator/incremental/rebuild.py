"""Building the site again after a save, reusing what the change leaves alone; equal to `build`.

`Rebuilder.build` returns what `build.build` returns for the same folders, byte for byte
(tests/test_rebuild.py checks it after every step of a series of edits). Between builds it keeps:

- each file's parse, by its path and text: a save parses one file again;
- each document's schema check, by the document: the records of an unchanged file are the same
  objects as before, so comparing what a page read is mostly a check of identity;
- each page, with what it read while it was rendered: its job (template and own context), the
  templates it uses (its own and those it imports or includes, found by Jinja's `meta` module),
  and the keys it read of the page globals (track.py).

A page is rendered again only if it is new, its job changed, one of its templates changed, or a
key it read resolves to another value now. The rest of the pipeline runs over the whole dataset,
reusing what each unchanged piece gave last time (track.Reuse): each briefing folder's
cross-reference check, each record's part of the index, of the exports and of the search documents.
The dependency scheme is deliberately plain: a page depends on whole records and whole index
entries, never on single fields, so it is re-rendered now and then without need, and never left
stale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping

import jinja2
from jinja2 import meta

from ..build import Built, check, fields_located
from ..errors import ContentError
from ..export import SiteInfo, list_exports, render_exports
from ..dataset.history import NO_GIT, History, read_history
from ..read.parse import Document, parse_items, parse_yaml
from ..dataset.model import Dataset, index_dataset
from ..pages.render import Page, _jobs, make_environment, page_globals, render_jobs
from ..pages.search import search_documents
from ..dataset.track import Key, Reads, Reuse, resolve_all, same, track_globals
from ..check.validate import Located, validate_document, validate_entry
from ..content.schema import KINDS

Job = tuple[str, str, dict[str, Any], bool]
LONG_TEXT = 1 << 16
"""A content file this long (in characters) is parsed item by item under `briefing serve`."""


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Each template's compiled code, by name and source (Jinja's bucket key), for the next
    build's environment: a template is compiled again only when it changed."""

    def __init__(self) -> None:
        self.code: dict[tuple[str, str], bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        found = self.code.get((bucket.key, bucket.checksum))
        if found is not None:
            bucket.bytecode_from_string(found)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[(bucket.key, bucket.checksum)] = bucket.bytecode_to_string()


@dataclass
class Rendered:
    """The pages of the last good build and what each read (see the module's docstring)."""

    values: dict[str, Any]
    templates: dict[str, str]
    jobs: dict[str, Job]
    pages: dict[str, Page]
    reads: dict[str, frozenset[Key]]
    seen: dict[Key, Any]
    readers: dict[Key, set[str]] = field(default_factory=dict)


def template_sources(env: jinja2.Environment) -> dict[str, str]:
    """The source of every template `env` can load, by name."""
    assert env.loader is not None
    return {name: env.loader.get_source(env, name)[0] for name in env.list_templates()}


def template_uses(env: jinja2.Environment, sources: Mapping[str, str]) -> dict[str, frozenset[str]]:
    """Each template with the templates it imports, includes or extends, at any depth. A template
    that names one by an expression uses them all."""
    direct: dict[str, set[str]] = {}
    for name, source in sources.items():
        found = set(meta.find_referenced_templates(env.parse(source)))
        direct[name] = set(sources) if None in found else found  # type: ignore[arg-type]
    uses = {}
    for name in sources:
        seen, todo = {name}, [name]
        while todo:
            for used in direct.get(todo.pop(), ()):
                if used not in seen:
                    seen.add(used)
                    todo.append(used)
        uses[name] = frozenset(seen)
    return uses


class Rebuilder:
    """Builds one content folder with one template folder again and again, in memory: `briefing
    serve`. (`briefing build` starts from the build database instead: update.py.)"""

    def __init__(self, content_dir: Path, templates_dir: Path, site: SiteInfo | None = None, *,
                 drafts: bool = False) -> None:
        self.content_dir = content_dir
        self.drafts = drafts
        self.templates_dir = templates_dir
        self.site = site or SiteInfo("Briefings")
        self.parses = Reuse()
        self.items: dict[str, dict[str, Document | ContentError]] = {}
        """The parse of each item of each long file, by the file's path and the item's text."""
        self.reading: set[str] = set()
        """The files the current build has read."""
        self.schema_checks = Reuse()
        self.exports = Reuse()
        self.index = Reuse()
        self.checks = Reuse()
        self.search = Reuse()
        self.bytecode = MemoryBytecodeCache()
        self.last: Rendered | None = None
        self.history = History(note=NO_GIT)  # the last build's (read_history)
        self.versions: dict[str, Any] = {}
        """The records of each version of a content file in the history, by blob id (read_history)."""
        self.rendered: tuple[str, ...] = ()
        """The pages the last build rendered (the others it kept from the build before)."""
        self.parsed = 0
        """How many files the last build parsed (the others' parses it kept from the build before)."""

    def build(self, *, files: bool = True) -> Built:
        """What build.build returns for the folders as they are now; raises as it does. Without
        `files`, its export files are left for `files` to make (`Built.exports` is empty): a save
        under `briefing serve` shows its pages first."""
        self.parsed = 0
        self.reading = set()
        try:
            data = check(self.content_dir, self._parse, self._validate, drafts=self.drafts, reuse=self.checks)
        finally:
            # Forget the files the load did not read (deleted or changed since), and their documents.
            self.parses.next_build()
            self.schema_checks.next_build()
            self.items = {path: items for path, items in self.items.items() if path in self.reading}
        index = index_dataset(data, self.index)
        self.history = read_history(self.content_dir, sources=data.sources, known=self.versions)
        with fields_located(self.content_dir):
            pages = self._render(page_globals(data, index, list_exports(data)), list(_jobs(data, self.history)))
        return Built(data, index, pages, self.files(data) if files else MappingProxyType({}))

    def files(self, data: Dataset) -> Mapping[str, bytes]:
        """The export files of `data`, the last build's dataset (export.render_exports), reusing
        the pieces of the builds before that still hold."""
        with fields_located(self.content_dir):
            return render_exports(data, self.site, self.exports, self.history)

    def _parse(self, text: str, path: str, kind: str, briefing: str | None = None) -> Document | ContentError:
        """parse_yaml, or the last load's parse of the same file if its text is the same. A long
        file (a shared list of thousands of records) is parsed one item at a time, each item's
        parse kept by its text: a save parses the items it changed (parse.parse_items)."""
        def parse() -> Document | ContentError:
            self.parsed += 1
            if len(text) < LONG_TEXT:
                return parse_yaml(text, path, kind, briefing)
            last, made = self.items.get(path, {}), {}

            def parse_item(item: str) -> Document | ContentError:
                found = made.get(item)
                if found is None:
                    found = last.get(item)
                if found is None:
                    found = parse_yaml(item, path, kind, briefing)
                made[item] = found
                return found

            doc = parse_items(text, path, kind, briefing, parse_item)
            self.items[path] = made
            return doc

        self.reading.add(path)
        return self.parses.get((path, kind, briefing), text, parse)

    def _validate(self, doc: Document) -> tuple[list[Located], list[ContentError], set[str]]:
        """validate_document, or the last load's result for the same document (the same object).
        In a file that changed, each record equal to the last check's record of the same id is
        that record: the same object, so that the rest of the pipeline compares it quickly (a
        save changes one record of a file of thousands). A list whose last check found no
        problem checks only the items that are not the last check's (parsed again: `_parse`)."""
        return self.schema_checks.get(doc.path, doc, lambda: self._validate_changed(doc))

    def _validate_changed(self, doc: Document) -> tuple[list[Located], list[ContentError], set[str]]:
        before = self.schema_checks.previous(doc.path)
        if before is None or before[1] or before[2] or not KINDS[doc.kind].is_list or type(doc.data) is not list:
            return _keep_equal(validate_document(doc), before)
        # The items of the last document that passed, by identity: a kept item is the same object.
        passed = {id(item.doc.data[item.at[0]]): item.record for item in before[0]}
        located: list[Located] = []
        errors: list[ContentError] = []
        broken: set[str] = set()
        for i, item in enumerate(doc.data):
            record = passed.get(id(item))
            if record is not None:
                located.append(Located(record, doc, (i,)))
            else:
                validate_entry(doc, (i,), item, located, errors, broken)
        return _keep_equal((located, errors, broken), before)

    def search_documents(self, data: Dataset, pages: Mapping[str, Page],
                         stop: Callable[[], bool] | None = None) -> dict[str, str]:
        """search.search_documents, reusing the last build's entries; `stop` as it takes it."""
        return search_documents(data, pages, self.search, stop)

    def _environment(self) -> tuple[jinja2.Environment, dict[str, str]]:
        """A new Jinja environment for the page templates, and their sources. Never the last
        build's: a template imported without context keeps the globals of its first import."""
        env = make_environment(self.templates_dir, self.bytecode)
        return env, template_sources(env)

    def _render(self, values: dict[str, Any], jobs: list[Job]) -> Mapping[str, Page]:
        env, sources = self._environment()
        dirty, now = self._dirty(values, jobs, sources, env)
        reads = Reads(values)
        env.globals.update(track_globals(values, reads))
        last = self.last
        new = Rendered(values, sources, {job[0]: job for job in jobs}, {}, {}, {})
        rendered = []
        for job in jobs:
            path = job[0]
            if last is None or path in dirty:
                new.pages[path] = render_jobs(env, [job], shared=False)[path]
                new.reads[path] = reads.page()
                rendered.append(path)
            else:
                new.pages[path] = last.pages[path]
                new.reads[path] = last.reads[path]
        new.readers = _readers(last, new, rendered)
        # A key read before by a page kept resolves now as it did then (else the page was dirty).
        new.seen = {key: reads.seen[key] if key in reads.seen else now[key] for key in new.readers}
        self.last, self.rendered = new, tuple(rendered)
        return MappingProxyType(new.pages)

    def _dirty(self, values: dict[str, Any], jobs: list[Job], sources: dict[str, str],
               env: jinja2.Environment) -> tuple[set[str], dict[Key, Any]]:
        """The pages to render again (all of them on the first build), and what each key read
        in the last build resolves to now."""
        last = self.last
        if last is None or set(values) != set(last.values):
            return {job[0] for job in jobs}, {}
        dirty: set[str] = set()
        now = resolve_all(values, last.seen)
        for key, before in last.seen.items():
            found = now[key]
            if found is not before and not same(before, found):
                dirty |= last.readers[key]
        changed = {name for name in sources.keys() | last.templates.keys()
                   if sources.get(name) != last.templates.get(name)}
        uses = template_uses(env, sources) if changed else {}
        for job in jobs:
            path, template = job[0], job[1]
            before = last.jobs.get(path)
            if before is None or not same(before, job) or not changed.isdisjoint(uses.get(template, changed)):
                dirty.add(path)
        return dirty, now


def _keep_equal(found: tuple[list[Located], list[ContentError], set[str]],
                before: tuple[list[Located], list[ContentError], set[str]] | None
                ) -> tuple[list[Located], list[ContentError], set[str]]:
    """A schema check (`found`) with each record equal to the record of the same id in the last
    check of its file (`before`) being that one; where each was written stays `found`'s."""
    if before is None:
        return found
    last = {getattr(item.record, "id", None): item.record for item in before[0]}
    located = []
    for item in found[0]:
        kept = last.pop(getattr(item.record, "id", None), None)  # once: ids may repeat (a problem)
        located.append(item._replace(record=kept) if kept is not None and kept is not item.record
                       and kept == item.record else item)
    return located, found[1], found[2]


def _readers(last: Rendered | None, new: Rendered, rendered: list[str]) -> dict[Key, set[str]]:
    """The pages that read each key, for the build `new` that rendered the pages `rendered` and
    kept the rest from `last`: last's, changed where pages were rendered again or are gone (once
    the build is whole, so a build that fails leaves `last` as it was)."""
    if last is None:
        readers: dict[Key, set[str]] = {}
        before: dict[str, frozenset[Key]] = {}
    else:
        readers, before = last.readers, last.reads
    gone = [path for path in before if path not in new.pages]
    for path in gone + rendered:
        for key in before.get(path, ()):
            found = readers[key]
            found.discard(path)
            if not found:
                del readers[key]
    for path in rendered:
        for key in new.reads[path]:
            found = readers.get(key)
            if found is None:
                readers[key] = {path}
            else:
                found.add(path)
    return readers
