"""The pipeline in one place: load -> validate -> index -> render and export. Nothing here writes files."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from .errors import ContentErrors
from .load import load_content, parse_cached
from .model import Dataset, Index, index_dataset
from .validate import forget_validated, validate_content

if TYPE_CHECKING:  # imported where used: `briefing check` needs neither Jinja nor the exporters
    from .export import SiteInfo
    from .render import Page


@dataclass(frozen=True)
class Built:
    """What a build produces: the dataset, its index, every page, and every export file by path."""

    data: Dataset
    index: Index
    pages: Mapping[str, Page]
    exports: Mapping[str, bytes]


def check(content_dir: Path) -> Dataset:
    """Load and validate the content; raise ContentErrors with every problem found."""
    with _cyclic_gc_paused():
        content, errors = load_content(content_dir)
        data, more = validate_content(content)
    errors = errors + more
    if errors or data is None:
        raise ContentErrors(errors)
    return data


@contextmanager
def _cyclic_gc_paused():
    """Pause Python's cycle collector while the content is read: reading makes a million objects
    and no cycles, and each collection walks every object made so far (half the time of a large
    check). Reference counting still frees everything let go of meanwhile.

    When it resumes, the objects there are then are frozen (`gc.freeze`): left out of later
    collections, which would otherwise walk them all again (once at exit, a second at
    N = 1,000). A frozen cycle is never collected, so the next check (a rebuild under
    `mkdocs serve`) hands them back (`gc.unfreeze`) and collects those that are garbage by then,
    such as the last build's pages."""
    was_enabled = gc.isenabled()
    gc.disable()
    if gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def build(content_dir: Path, templates_dir: Path, site: SiteInfo | None = None, *,
          keep_files: bool = False) -> Built:
    """Every page and export file of the site from a content folder and a page-template folder.

    `keep_files` keeps the parsed and validated files for the next build (`mkdocs serve`);
    otherwise they are let go before the pages are rendered, which lowers the peak memory.
    """
    from .export import SiteInfo, list_exports, render_exports
    from .render import render_pages

    site = site or SiteInfo("Briefings")
    data = check(content_dir)
    if not keep_files:
        forget_files()
    # What each stage makes lives until the site is written: frozen like the dataset (see
    # _cyclic_gc_paused), the later stages' collections do not walk it again.
    index = index_dataset(data)
    gc.freeze()
    pages = render_pages(data, index, templates_dir, list_exports(data))
    gc.freeze()
    exports = render_exports(data, site)
    gc.freeze()
    return Built(data, index, pages, exports)


def forget_files() -> None:
    """Let go of the parsed and validated files kept to make rebuilds fast: a one-off build needs none."""
    parse_cached.cache_clear()
    forget_validated()
