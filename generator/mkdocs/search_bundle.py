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
build, which stops it if it is still running: its bundle would be out of date. The documents'
folder is kept from run to run until `close`: a run writes only the documents that changed.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import stat
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Callable, Mapping

from . import LOG
from ..pages.search import Stopped

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
    """One run of the indexer over a folder of documents: its process and where it writes."""

    def __init__(self, folder: Path, site_dir: Path, nice: bool) -> None:
        self.target = site_dir / BUNDLE_DIR
        # Written beside its place, then moved there whole: a reader never meets half a bundle.
        # A hidden folder, which MkDocs leaves alone when it empties the site folder: a one-off
        # build starts the indexer before MkDocs does that (see the plugin's _start_search).
        self.output = site_dir / f".{BUNDLE_DIR}-{os.getpid()}-{id(self)}"
        site_dir.mkdir(parents=True, exist_ok=True)
        command = [_executable(), "--site", str(folder), "--output-path", str(self.output), *_OPTIONS]
        self.stopped = self.done = False
        self.lock = threading.Lock()
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT)
        if nice:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, 10)

    def finish(self) -> None:
        """Wait for the indexer and put its bundle in place, once; SearchBundleError if it failed.
        A run stopped is only reaped, and its output removed."""
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
            shutil.rmtree(self.output, ignore_errors=True)

    def stop(self) -> None:
        self.stopped = True
        if self.process.poll() is None:
            self.process.kill()


class SearchBundle:
    """The indexer of one site folder's search bundle, run after run.

    The documents are written to a folder that is kept from run to run: a run writes only the
    documents that changed. It is a temporary folder, removed by `close`; or `keep` (a one-off
    build's, beside its build database), which `close` leaves for the next build, and which one
    bundle at a time may use (another takes a temporary folder)."""

    def __init__(self, keep: Path | None = None) -> None:
        self.keep = keep
        self.run: _Run | None = None
        self.folder: Path | None = None
        """The documents' folder, once the first run has written it."""
        self.written: dict[str, bytes | None] = {}
        """A digest of each document in the folder (None: one written before), by path."""
        self.lock: int | None = None

    def start(self, documents: Mapping[str, str | None], site_dir: str | Path, *, nice: bool = False,
              stop: Callable[[], bool] | None = None) -> None:
        """Write `documents` (path in the site -> HTML, or None for the document the folder holds
        already) to the documents' folder and start indexing them into `<site_dir>/pagefind`; a run
        still going is stopped first. With `nice`, at a lower priority than this process. `stop` is
        asked between documents whether to go on: if not, search.Stopped is raised and no run is
        started."""
        self.stop()
        folder = self._write(documents, stop)
        self.run = _Run(folder, Path(site_dir).resolve(), nice)

    def open(self) -> bool:
        """Open the documents' folder before the first run; whether it is `keep` (see `_open`),
        whose documents a run may then keep (None in `start`)."""
        if self.folder is None:
            self.folder = self._open()
        return self.kept()

    def kept(self) -> bool:
        """Whether the documents are in the folder kept for the next build (`keep`)."""
        return self.folder is not None and self.folder == self.keep

    def _open(self) -> Path:
        """The documents' folder: `keep`, with the documents found there, if it is a folder of
        this user's and no other bundle uses it; else a temporary one."""
        if self.keep is not None:
            try:
                self.keep.parent.mkdir(parents=True, exist_ok=True)
                self.keep.mkdir(mode=0o700, exist_ok=True)
                found = os.lstat(self.keep)
                if stat.S_ISDIR(found.st_mode) and found.st_uid == os.getuid() and not found.st_mode & 0o022:
                    lock = os.open(self.keep.with_name(self.keep.name + ".lock"), os.O_WRONLY | os.O_CREAT, 0o600)
                    try:
                        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except OSError:
                        os.close(lock)
                        raise
                    self.lock = lock
                    self.written = {path.relative_to(self.keep).as_posix(): None
                                    for path in self.keep.rglob("*.html")}
                    return self.keep
            except OSError:  # in use by another build, or not ours
                pass
        return Path(tempfile.mkdtemp(prefix="briefing-search-"))

    def _write(self, documents: Mapping[str, str | None], stop: Callable[[], bool] | None) -> Path:
        """Make the documents' folder hold `documents`, writing only those that changed."""
        self.open()
        folder = self.folder
        assert folder is not None
        for path in [path for path in self.written if path not in documents]:
            (folder / path).unlink(missing_ok=True)
            del self.written[path]
        for path, text in documents.items():
            if stop is not None and stop():
                raise Stopped
            if text is None:
                continue
            data = text.encode("utf-8")
            digest = hashlib.blake2b(data, digest_size=16).digest()
            if self.written.get(path) != digest:
                target = folder / path
                target.parent.mkdir(parents=True, exist_ok=True)
                self.written.pop(path, None)  # until it is written whole
                target.write_bytes(data)
                self.written[path] = digest
        return folder

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

    def close(self) -> None:
        """End a run still going; remove the documents' folder, unless it is `keep`."""
        self.stop()
        if self.folder is not None and not self.kept():
            shutil.rmtree(self.folder, ignore_errors=True)
        if self.lock is not None:
            os.close(self.lock)  # and with it the lock
        self.folder, self.written, self.lock = None, {}, None


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
        bundle.close()
