"""Stage 5, beside the pages: Pagefind indexes the search documents (search.py) into the site's
`pagefind/` folder.

Pagefind splits the index into fragments: a reader's query fetches its small runtime, the list of
index chunks, the chunks that hold the words asked for and one fragment per result shown, never
the whole archive. Its binary comes pinned with the `pagefind` package (`pagefind[bin]`); it
reads the documents from a temporary folder. Its output is the same bytes for the same documents
(tests/test_reproducible.py).

`SearchBundle.start` starts the indexer and returns at once, so that it runs while MkDocs writes
the pages; `wait` returns when the bundle is in place, and raises if it could not be made. Under
`briefing serve`, `finish_later` leaves it to a thread, at a lower priority than the next save's
build, which stops it if it is still running: its bundle would be out of date.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Mapping

from . import LOG

BUNDLE_DIR = "pagefind"
"""The search bundle's folder in the built site."""

# Pagefind's ready-made search interfaces: the search page uses its JavaScript API instead.
_UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
           "pagefind-modular-ui.js", "pagefind-modular-ui.css", "pagefind-highlight.js")

# Every page is English, and the index one for the whole site: Chinese names, set apart by
# spaces or punctuation in the documents, are words of their own without a segmenter.
_OPTIONS = ("--force-language", "en", "--keep-index-url", "--quiet")


class SearchBundleError(RuntimeError):
    """The indexer failed; its message holds what it printed."""


def _executable() -> str:
    from pagefind.service import get_executable

    found = get_executable()
    if found is None:
        raise SearchBundleError("the Pagefind binary is missing: install the pinned `pagefind[bin]`")
    return str(found)


class _Run:
    """One run of the indexer: its process, its documents' folder and where it writes."""

    def __init__(self, documents: Mapping[str, str], site_dir: Path, nice: bool) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="briefing-search-"))
        for path, text in documents.items():
            target = self.folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        self.target = site_dir / BUNDLE_DIR
        # Written beside its place, then moved there whole: a reader never meets half a bundle.
        self.output = site_dir / f".{BUNDLE_DIR}-{os.getpid()}-{id(self)}"
        command = [_executable(), "--site", str(self.folder), "--output-path", str(self.output), *_OPTIONS]
        self.stopped = self.done = False
        self.lock = threading.Lock()
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT)
        if nice:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, 10)

    def finish(self) -> None:
        """Wait for the indexer and put its bundle in place, once; SearchBundleError if it failed.
        A run stopped is only reaped, and its folders removed."""
        with self.lock:
            if not self.done:
                self.done = True
                self._finish()

    def _finish(self) -> None:
        try:
            output, _ = self.process.communicate()
            if self.stopped:
                return
            if self.process.returncode != 0:
                raise SearchBundleError(f"indexing the search documents failed (exit {self.process.returncode}):\n"
                                        + output.decode("utf-8", errors="replace"))
            for name in _UNUSED:
                (self.output / name).unlink(missing_ok=True)
            shutil.rmtree(self.target, ignore_errors=True)
            os.rename(self.output, self.target)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            shutil.rmtree(self.output, ignore_errors=True)

    def stop(self) -> None:
        self.stopped = True
        if self.process.poll() is None:
            self.process.kill()


class SearchBundle:
    """The indexer of one site folder's search bundle, run after run."""

    def __init__(self) -> None:
        self.run: _Run | None = None

    def start(self, documents: Mapping[str, str], site_dir: str | Path, *, nice: bool = False) -> None:
        """Write `documents` (path in the site -> HTML) to a temporary folder and start indexing
        them into `<site_dir>/pagefind`; a run still going is stopped first. With `nice`, at a
        lower priority than this process."""
        self.stop()
        self.run = _Run(documents, Path(site_dir).resolve(), nice)

    def wait(self) -> None:
        """Wait until the bundle is in place; SearchBundleError if the indexer failed."""
        run, self.run = self.run, None
        if run is not None:
            run.finish()

    def finish_later(self) -> threading.Thread | None:
        """Let a thread wait for the bundle and put it in place (a failure is logged); the thread."""
        run = self.run
        if run is None:
            return None
        thread = threading.Thread(target=_finish_logged, args=(run,), name="briefing-search", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """End a run still going (a build that failed or was stopped, or a newer save's)."""
        run, self.run = self.run, None
        if run is not None:
            run.stop()
            run.finish()  # once its thread (finish_later) is done with it, if it has one


def _finish_logged(run: _Run) -> None:
    try:
        run.finish()
    except (SearchBundleError, OSError):
        LOG.exception("writing the search bundle failed")


def write_bundle(documents: Mapping[str, str], site_dir: str | Path) -> None:
    """Index `documents` into `<site_dir>/pagefind` and return when it is in place."""
    bundle = SearchBundle()
    try:
        bundle.start(documents, site_dir)
        bundle.wait()
    finally:
        bundle.stop()
