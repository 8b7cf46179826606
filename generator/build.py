"""The pipeline in one place: load -> validate -> index -> render and export. Nothing here writes files."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Mapping

from .read.cache import ParseStore
from .check.drafts import draft_ids, draft_references, find_placeholders, published
from .errors import ContentError, ContentErrors, in_report_order
from .dataset.history import read_history
from .read.load import Content, load_content
from .read.parse import Document
from .dataset.model import Dataset, Index, index_dataset
from .dataset.track import Reuse
from .pages.markup import RenderFailure
from .check.quotations import QuotationReport, check_quotations
from .check.validate import Validate, validate_content, validate_document

Parse = Callable[[str, str, str, "str | None"], "Document | ContentError"]

if TYPE_CHECKING:  # imported where used: `briefing check` needs neither Jinja nor the exporters
    from .export import SiteInfo
    from .pages.render import Page


@dataclass(frozen=True)
class Built:
    """What a build produces: the dataset, its index, every page, and every export file by path."""

    data: Dataset
    index: Index
    pages: Mapping[str, Page]
    exports: Mapping[str, bytes]


@dataclass(frozen=True)
class Summary:
    """What a check finds: every problem (`in_report_order`), the dataset if there is none (without
    its drafts unless they were asked for), and the placeholders left in drafts (`notes`)."""

    errors: list[ContentError]
    data: Dataset | None
    notes: list[ContentError] = field(default_factory=list)
    drafts: int = 0
    """How many briefings are drafts (left out of `data` unless drafts were asked for)."""
    quotations: QuotationReport | None = None
    """How many quotations were checked against their sources' texts, and how many could not be."""
    content: Content | None = None
    """The documents read (the build database digests them: incremental/state.py)."""

    @property
    def briefings(self) -> int:
        """How many briefings the content holds (0 if it has problems)."""
        return len(self.data.briefings) if self.data else 0

    @property
    def records(self) -> int:
        """How many records the content holds, shared and of every briefing (0 if it has problems)."""
        if self.data is None:
            return 0
        shared = (len(self.data.sources) + len(self.data.people) + len(self.data.organizations)
                  + len(self.data.events))
        return shared + sum(1 for bundle in self.data.briefings for _ in bundle.records())


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector for a stage that makes many small objects and no reference
    cycles (reading the content, indexing it, the exports): each collection would walk every
    object made so far, again and again as the archive grows. Reference counting still frees
    everything let go of; the collector runs again after the stage."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def check_summary(content_dir: Path, parse: Parse | None = None, validate: Validate = validate_document, *,
                  drafts: bool = False, reuse: Reuse | None = None) -> Summary:
    """Load and validate the content: `briefing check`, and the first step of every build.

    `parse` reads each file's text (as parse.parse_yaml), `validate` checks each document against
    the schema (as validate.validate_document): a rebuild passes its caches of them, and its
    `reuse` of each briefing folder's checks (validate.check_briefings) and of each document's
    quotations (quotations.check_quotations). By default each text is
    parsed through the cache kept between runs (cache.ParseStore).
    Placeholders are problems outside drafts (briefings and shared records), notes inside them,
    and a published record may not refer to a shared draft; with `drafts` (a preview), they are
    notes everywhere and the drafts stay in the dataset.

    The content is read with the cycle collector paused (see `collector_paused`).
    """
    store = ParseStore(content_dir) if parse is None else None
    with collector_paused():
        content, errors = load_content(content_dir, parse or store)
        # Before validate_content, whose checks end the build's use of `reuse` (Reuse.next_build).
        quotations = check_quotations(content, reuse, store)
        data, more = validate_content(content, validate, reuse)
    if store is not None:
        store.save()
    errors += more + quotations.errors
    notes: list[ContentError] = []
    names: frozenset[str] = frozenset()
    if data is not None:
        names = draft_ids(data)
        problems, notes = find_placeholders(content, names)
        if drafts:
            notes = in_report_order(problems + notes)
        else:
            errors += problems + draft_references(content, data)
            data = published(data)
    errors = in_report_order(errors)
    return Summary(errors, None if errors else data, notes, len(names), quotations, content)


def check(content_dir: Path, parse: Parse | None = None, validate: Validate = validate_document, *,
          drafts: bool = False, reuse: Reuse | None = None) -> Dataset:
    """The validated dataset of the content (see check_summary); raise ContentErrors with every
    problem found."""
    summary = check_summary(content_dir, parse, validate, drafts=drafts, reuse=reuse)
    if summary.data is None:
        raise ContentErrors(summary.errors)
    return summary.data


def build(content_dir: Path, templates_dir: Path, site: SiteInfo | None = None, *, drafts: bool = False) -> Built:
    """Every page and export file of the site from a content folder and a page-template folder;
    draft briefings only with `drafts`."""
    from .export import SiteInfo, list_exports, render_exports
    from .pages.render import render_pages

    site = site or SiteInfo("Briefings")
    data = check(content_dir, drafts=drafts)
    with collector_paused():
        index = index_dataset(data)
    history = read_history(content_dir, sources=data.sources)
    with fields_located(content_dir):
        pages = render_pages(data, index, templates_dir, list_exports(data), history)
        with collector_paused():
            exports = render_exports(data, site, history=history)
    return Built(data, index, pages, exports)


@contextmanager
def fields_located(content_dir: Path) -> Iterator[None]:
    """Turn a Markdown field that fails to render (markup.RenderFailure) into ContentErrors at
    the place of each field that holds its text."""
    try:
        yield
    except RenderFailure as failure:
        message = f"this Markdown cannot be rendered ({failure.reason})"
        content, _ = load_content(content_dir)
        found = [doc.error(at, message) for doc in content.documents for at in _paths_of(doc.data, failure.text)]
        raise ContentErrors(found or [ContentError(str(content_dir), 1, 1, message)]) from None


def _paths_of(value: object, text: str, at: tuple = ()) -> Iterator[tuple]:
    """The path of each place in a parsed value that holds `text`."""
    if value == text:
        yield at
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _paths_of(item, text, at + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths_of(item, text, at + (i,))
