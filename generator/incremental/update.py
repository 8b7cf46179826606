"""A one-off build (`briefing build`) that starts from the last one: it renders only the pages
that the changes since touch, by the build database (state.py), and names the others, whose
output the last site holds already (the plugin links them into the new site, and MkDocs leaves
them alone).

Every page is rendered with the page globals' reads noted (dataset/track.py), so that the
database can say what each read; a build from nothing (`--clean`, a new version of the code, a
first build) renders every page so.
"""

from __future__ import annotations

import functools
import gc
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Iterable, Mapping, TypeVar

from ..build import Built, check_summary, collector_paused, fields_located
from ..dataset.history import read_history
from ..dataset.model import Dataset, index_dataset
from ..dataset.track import Reads, Reuse, track_globals
from ..errors import ContentErrors
from ..export import Place, SiteInfo, list_exports, render_exports
from ..export.records import COLLECTIONS
from ..export.calendar import calendar_path
from ..export.feed import changes_feed_path
from ..pages import render as page_render
from ..pages.render import Page, _jobs, page_globals, render_jobs, site_nav
from ..urls import output_path
from .state import (BuildState, PageRow, Units, changed_tokens, content_units, digest, key_tokens, output_stat,
                    piece_key)

Job = tuple[str, str, dict[str, Any], bool]
_ACTOR_TOKENS = ("u:person:", "u:organization:")
_COLLECTION_KINDS = {collection.name: collection.kind for collection in COLLECTIONS}
T = TypeVar("T")


@dataclass(frozen=True)
class Update:
    """What an incremental build makes: the build (`built.pages` holds every page in order; a
    kept page has its title and description but no body), the pages whose output is the last
    site's (`kept`), what the database is to hold of each page (its output's place in the site
    is filled in once written), the content's units and the frame."""

    built: Built
    kept: frozenset[str]
    rows: Mapping[str, PageRow]
    units: Units
    frame: bytes
    rendered: int
    """How many pages were rendered (the others are the last site's)."""
    documents: frozenset[str]
    """The search documents (by path in the site) that the folder of documents holds already as
    this build would make them (see `documents_kept`)."""
    pieces: Mapping[str, tuple[int, int, int, int]]
    """Where each group of records' rows are in the CSV files (export.Place), by state.piece_key."""


def page_digest(page: Page) -> bytes:
    """A digest of everything of a page that reaches its output."""
    return digest(page.title.encode("utf-8"), page.description.encode("utf-8"), page.body,
                  b"nav" if page.in_nav else b"")


def frame_digest(pages: Iterable[Page], epoch: int) -> bytes:
    """A digest of what every page shows around its own content: the navigation and the date."""
    return digest(repr(site_nav(pages)).encode("utf-8"), str(epoch).encode("ascii"))


def build_update(content_dir: Path, templates_dir: Path, site: SiteInfo, state: BuildState,
                 previous_site: Path | None, *, drafts: bool = False, render_all: bool = False,
                 documents: Path | None = None,
                 rendered: Callable[[Dataset, Mapping[str, Page], frozenset[str]], None] | None = None) -> Update:
    """Build the content as build.build does, rendering again only what `state` (the last
    build's) says has changed; `previous_site` is the last site folder, whose outputs `state`
    describes (None: there is none, every page is rendered). With `render_all`, every page is
    rendered, and still kept where its output did not change. `documents` is the folder of
    search documents kept from the last build (state.documents_folder). `rendered` is called once
    every page is known, before the export files are made, with the dataset, the pages and the
    search documents that `documents` holds already (documents_kept): the search index can be
    started then, to run beside the rest of the build."""
    summary = check_summary(content_dir, drafts=drafts)
    if summary.data is None:
        raise ContentErrors(summary.errors)
    data, content = summary.data, summary.content
    assert content is not None
    del summary  # the files as parsed are needed no more once their units are made
    with collector_paused():
        index = index_dataset(data)
        units = content_units(content, _ids(data))
        del content
    # The dataset and its index live as long as the build: frozen (gc.freeze), they are left out
    # of the cycle collector's passes, which would otherwise walk them all again and again while
    # the pages and the exports are made. The plugin unfreezes them at the build's end
    # (gc.unfreeze in on_post_build, or on_build_error).
    gc.freeze()
    history = read_history(content_dir, sources=data.sources)
    # The history is one more unit: the pages and feeds of changes show it.
    units.digests["history"] = digest(repr(history).encode("utf-8"))
    exports = list_exports(data)
    values = page_globals(data, index, exports)
    jobs = list(_jobs(data, history))
    units.settle(state.units)
    unit_of = _unit_names(data)
    described = {job[0]: _describe(job, unit_of) for job in jobs}
    changed = changed_tokens(state.units, units)
    dirty = set(state.dirty(changed))
    last = str(previous_site)
    intact = {} if previous_site is None else {
        path: row for path, row in state.pages.items() if output_stat(f"{last}/{output_path(path)}") == row.output}

    def fresh(job: Job) -> bool:
        row = intact.get(job[0])
        return row is not None and row.job == described[job[0]][0] and job[0] not in dirty

    env = page_render.make_environment(templates_dir)
    reads = Reads(values)
    env.globals.update(track_globals(values, reads))
    pages: dict[str, Page] = {}
    rows: dict[str, PageRow] = {}

    def render(todo: list[Job]) -> None:
        for job in todo:
            path = job[0]
            page = render_jobs(env, [job], shared=False)[path]
            job_digest, job_units = described[path]
            tokens = set(job_units)
            for key in reads.page():
                tokens.update(key_tokens(key))
            pages[path] = page
            rows[path] = PageRow(path, job_digest, page_digest(page), page.title, page.description, page.in_nav,
                                 state.tokens_of(tokens), (0, 0, 0))

    with fields_located(content_dir):
        render([job for job in jobs if render_all or not fresh(job)])
        for job in jobs:
            if job[0] not in pages:
                row = intact[job[0]]
                pages[job[0]] = Page(job[0], row.title, row.description, b"", row.in_nav)
                rows[job[0]] = row
        ordered = {job[0]: pages[job[0]] for job in jobs}
        frame = frame_digest(ordered.values(), data.epoch())
        if frame != state.frame:
            # Every page shows the frame: MkDocs makes them all again, from their bodies.
            render([job for job in jobs if not ordered[job[0]].body and job[0] in intact])
            ordered = {job[0]: pages[job[0]] for job in jobs}
        kept = frozenset() if frame != state.frame else frozenset(
            path for path, row in rows.items() if path in intact and row.page == intact[path].page)
        unchanged = documents_kept(state, documents, kept, described, units, changed)
        if rendered is not None:
            rendered(data, MappingProxyType(ordered), unchanged)
        with collector_paused():
            kept_files = KeptExports(state, previous_site, changed)
            places: dict[tuple[str, str | None, str | None], Place] = {}
            files = render_exports(data, site, kept_files, history, places)
    return Update(Built(data, index, MappingProxyType(ordered), files), kept, rows, units, frame,
                  sum(1 for page in ordered.values() if page.body), unchanged,
                  {piece_key(key): tuple(place) for key, place in places.items()})


def documents_kept(state: BuildState, folder: Path | None, kept: frozenset[str],
                   described: Mapping[str, tuple[bytes, tuple[str, ...]]], units: Units,
                   changed: set[str]) -> frozenset[str]:
    """The search documents (by path in the site) that `folder` holds as this build would make
    them: those of the pages kept whose file there is the one the last build wrote, and whose
    own records (the units of the page's job: its briefing, its person) are unchanged, as are
    the records they name (a document names the people and organisations its records refer to).

    A document holds the entries of its page's records, with the names of what they refer to,
    and the page's title and description; a page kept has the same title, description and job."""
    if folder is None:
        return frozenset()
    actors = {token.split(":", 2)[2] for token in changed if token.startswith(_ACTOR_TOKENS)}

    @functools.cache
    def touched(token: str) -> bool:
        """Whether a unit (by its token) changed, or a person or organisation it names did."""
        return token in changed or not actors.isdisjoint(units.refs.get(token[2:], ()))

    found = set()
    root = str(folder)
    for path in kept:
        document = output_path(path)
        written = state.documents.get(document)
        if written is not None and output_stat(f"{root}/{document}") == written and not any(
                map(touched, described[path][1])):
            found.add(document)
    return frozenset(found)


class KeptExports(Reuse):
    """The pieces of the export files (export.render_exports), with each briefing's calendar and
    feed of changes taken from the last site while what it is made from is unchanged: its
    briefing's records and the sources (a calendar), its briefing and the history (a feed); and
    the CSV rows of each group of records, while its records are unchanged (its briefing, or
    the shared record), from where the database says the last site's CSV files hold them."""

    def __init__(self, state: BuildState, previous_site: Path | None, changed: set[str]) -> None:
        super().__init__()
        self.state, self.previous_site, self.changed = state, previous_site, changed
        self.texts: dict[str, bytes | None] = {}
        """The last site's files read for their rows, by path (None: not the file written)."""

    def get(self, key: Any, basis: Any, make: Callable[[], T]) -> T:
        found = self._rows(key) if isinstance(key, tuple) and key[:1] == ("csv",) else self._previous(key)
        return found if found is not None else super().get(key, basis, make)  # type: ignore[return-value]

    def _rows(self, key: tuple) -> tuple[bytes, bytes] | None:
        """A group of records' rows of its collection's CSV file and of citations.csv (csv_piece)."""
        _, name, briefing, rid = key
        unit = f"u:briefing:{briefing}" if briefing is not None else f"u:{_COLLECTION_KINDS[name]}:{rid}"
        place = self.state.pieces.get(piece_key(key[1:]))
        if place is None or unit in self.changed:
            return None
        rows, cited = self._text(f"data/{name}.csv"), self._text("data/citations.csv")
        if rows is None or cited is None:
            return None
        offset, length, cited_offset, cited_length = place
        found = rows[offset:offset + length], cited[cited_offset:cited_offset + cited_length]
        return found if (len(found[0]), len(found[1])) == (length, cited_length) else None

    def _text(self, path: str) -> bytes | None:
        """The last site's file at `path`, if it is the one the last build wrote."""
        if path not in self.texts:
            file = None if self.previous_site is None else self.previous_site / path
            text = None
            if file is not None and self.state.files.get(path) == output_stat(file):
                try:
                    text = file.read_bytes()
                except OSError:
                    pass
            self.texts[path] = text
        return self.texts[path]

    def _previous(self, key: Any) -> bytes | None:
        if self.previous_site is None or not isinstance(key, tuple) or not key:
            return None
        if key[0] == "ics" and len(key) == 2:
            path, tokens = calendar_path(key[1]), {f"u:briefing:{key[1]}", "k:source"}
        elif len(key) == 1 and isinstance(key[0], str) and (briefing := _changes_briefing(key[0])):
            path, tokens = key[0], {f"u:briefing:{briefing}", "u:history"}
        else:
            return None
        return self._text(path) if tokens.isdisjoint(self.changed) else None


def _changes_briefing(path: str) -> str | None:
    """The briefing whose feed of changes is at `path`, if it is one."""
    folder, _, name = path.rpartition("/")
    briefing = folder.rpartition("/")[2]
    return briefing if briefing and changes_feed_path(briefing) == path else None


def _ids(data: Dataset) -> frozenset[str]:
    """The id of every record and briefing."""
    found = {*data.people, *data.organizations, *data.sources, *data.events}
    for bundle in data.briefings:
        found.add(bundle.id)
        found.update(record.id for kind, record in bundle.records() if kind != "briefing")
    return frozenset(found)


def _unit_names(data: Dataset) -> dict[int, str]:
    """The unit (state.content_units) of each shared record and briefing, by the object's id."""
    names = {id(bundle): f"briefing:{bundle.id}" for bundle in data.briefings}
    for kind, records in (("person", data.people), ("organization", data.organizations),
                          ("source", data.sources), ("event", data.events)):
        names.update((id(record), f"{kind}:{rid}") for rid, record in records.items())
    return names


def _describe(job: Job, unit_of: Mapping[int, str]) -> tuple[bytes, tuple[str, ...]]:
    """A job's digest, with the records of its own context named by their units, and the tokens
    of those units."""
    path, template, extra, in_nav = job
    parts = [path, template, str(in_nav)]
    tokens = []
    for name, value in sorted(extra.items()):
        unit = unit_of.get(id(value))
        if unit is not None:
            tokens.append(f"u:{unit}")
        parts.append(f"{name}={unit if unit is not None else repr(value)}")
    return digest(*(part.encode("utf-8") for part in parts)), tuple(tokens)
