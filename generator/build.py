"""The pipeline in one place: load -> validate -> index -> render and export. Nothing here writes files."""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping

from .errors import ContentError, ContentErrors, in_report_order
from .load import Entry, briefing_of, content_entries, load_content, parse_cached
from .model import Dataset, Index, index_dataset
from .validate import Records, Shared, check_briefings, check_shared, forget_validated, read_records, validate_content

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


@dataclass(frozen=True)
class Summary:
    """What `briefing check` reports: every problem (`in_report_order`), and how many briefings
    and records the content holds."""

    errors: list[ContentError]
    briefings: int
    records: int


# Below this many files in briefing folders (about 30 briefings, a megabyte), a second process
# costs about as much as it saves.
SPLIT_FILES = 200


def check_summary(content_dir: Path, processes: int | None = None) -> Summary:
    """`check`, without keeping the dataset: its problems and counts.

    With `processes` of 2 (by default where a second process can share the work, `_can_fork`,
    and the archive is large), two processes share the work: this one checks the shared files
    first, then each takes briefing folders one at a time from its end of the list until they
    meet (so a busy processor does less). The second process needs only the ids and paragraph
    counts of the shared files (`Shared`) to check its briefings, and sends back only its
    problems and counts. The report is the same either way.
    """
    with _cyclic_gc_paused():
        entries = content_entries(content_dir)
        folders: dict[str, list[Entry]] = {}
        rest: list[Entry] = []
        for parts, entry in entries:
            bid = briefing_of(parts)
            (folders.setdefault(bid, []) if bid else rest).append((parts, entry))
        work = _Work(content_dir, list(folders.values()), [])
        if processes is None:
            processes = 2 if len(entries) - len(rest) >= SPLIT_FILES and _can_fork() else 1
        if processes > 1 and len(folders) > 1:
            return _summary_split(work, rest)
        shared, shared_count = work.check_shared(rest)
        bundles = work.check_folders(range(len(work.folders)), shared)
        return work.summary(*_total([bundles, (0, shared_count)]))


@dataclass
class _Work:
    """The content folder's briefing folders to check, and the problems found so far."""

    root: Path
    folders: list[list[Entry]]
    errors: list[ContentError]

    def records(self, entries: list[Entry]) -> Records:
        content, errors = load_content(self.root, entries)
        self.errors.extend(errors)
        return read_records(content, self.errors)

    def check_shared(self, entries: list[Entry]) -> tuple[Shared, int]:
        """What the briefings need of the shared files among `entries`, and their record count."""
        shared, summary = check_shared(self.records(entries), self.errors)
        return summary, sum(len(records) for records in shared.values())

    def check_records(self, records: list[Records], shared: Shared) -> tuple[int, int]:
        """Check the briefing folders' `records`; (briefings, records) that they hold."""
        bundles = [bundle for folder in records for bundle in check_briefings(folder, shared, self.errors)]
        return len(bundles), sum(1 for bundle in bundles for _ in bundle.records())

    def summary(self, briefings: int, records: int) -> Summary:
        return Summary(in_report_order(self.errors), briefings, records)

    def check_folders(self, indexes: Iterable[int], shared: Shared) -> tuple[int, int]:
        """Check the briefing folders at `indexes`, one after the other; (briefings, records)."""
        return _total([self.check_records([self.records(self.folders[i])], shared) for i in indexes])


def _summary_split(work: _Work, rest: list[Entry]) -> Summary:
    import multiprocessing  # here: a small content's check does without it

    context = multiprocessing.get_context("fork")
    claims = _Claims(context, len(work.folders))
    shared_in, shared_out = context.Pipe(duplex=False)
    result_in, result_out = context.Pipe(duplex=False)
    second = context.Process(target=_second, args=(work, claims, shared_in, result_out), daemon=True)
    # Ctrl-C reaches both processes: the second ignores it from its first instruction, and ends
    # when this one exits (it is a daemon).
    interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        second.start()
    finally:
        signal.signal(signal.SIGINT, interrupt)
    shared_in.close()  # these ends are the second's: with them closed here, the pipes
    result_out.close()  # break if it stops before it has read or written
    shared, shared_count = work.check_shared(rest)
    with suppress(BrokenPipeError):  # it has stopped: see below
        shared_out.send(shared)
    first = work.check_folders(iter(claims.first, None), shared)
    try:
        errors, *counts = result_in.recv()
        work.errors.extend(errors)
    except EOFError:  # it stopped (killed, or a bug): its folders are checked here, a bug raised here
        counts = work.check_folders(range(claims.taken_from_end, len(work.folders)), shared)
    second.join()
    return work.summary(*_total([first, counts, (0, shared_count)]))


def _second(work: _Work, claims: _Claims, shared_in, result_out) -> None:
    """The second process of `_summary_split`: its folders' files are read and checked against the
    schema while the first checks the shared files, and their references once it has sent them."""
    try:
        _check_claimed(work, claims, shared_in, result_out)
    except (EOFError, BrokenPipeError):  # the first has stopped: no one waits for the result
        os._exit(1)


def _check_claimed(work: _Work, claims: _Claims, shared_in, result_out) -> None:
    waiting: list[Records] = []  # read, their references not checked yet
    shared: Shared | None = None
    counts: list[tuple[int, int]] = []
    for i in iter(claims.last, None):
        waiting.append(work.records(work.folders[i]))
        if shared is None and shared_in.poll():  # the first waits until it is taken
            shared = shared_in.recv()
        if shared is not None:
            counts.append(work.check_records(waiting, shared))
            waiting = []
    if waiting:
        counts.append(work.check_records(waiting, shared or shared_in.recv()))
    result_out.send((work.errors, *_total(counts)))


def _total(counts: Iterable[tuple[int, int]]) -> tuple[int, int]:
    """The sum of (briefings, records) counts."""
    briefings, records = zip(*counts, (0, 0))
    return sum(briefings), sum(records)


class _Claims:
    """Indexes 0 to count - 1 handed out one at a time, from the start to one process and from the
    end to the other."""

    def __init__(self, context, count: int):
        self._ends = context.RawArray("q", [0, count])
        self._lock = context.Lock()

    def first(self) -> int | None:
        with self._lock:
            low, high = self._ends
            if low >= high:
                return None
            self._ends[0] = low + 1
            return low

    def last(self) -> int | None:
        with self._lock:
            low, high = self._ends
            if low >= high:
                return None
            self._ends[1] = high - 1
            return high - 1

    @property
    def taken_from_end(self) -> int:
        """The first index taken from the end (count if none was)."""
        return self._ends[1]


def _can_fork() -> bool:
    """True where a second process can share the work: Linux (where fork is the safe start
    method), two processors or more for this process, and no thread running in it but the main
    one (a forked thread's locks would stay held; `mkdocs serve` runs threads)."""
    return (sys.platform.startswith("linux") and len(os.sched_getaffinity(0)) > 1
            and threading.active_count() == 1 and threading.current_thread() is threading.main_thread())



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
