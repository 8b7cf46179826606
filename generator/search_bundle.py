"""Stage 5, beside the pages: Pagefind indexes the search documents (search.py) into the site's
`pagefind/` folder.

Pagefind splits the index into fragments: a reader's query fetches its small runtime, the list of
index chunks, the chunks that hold the words asked for and one fragment per result shown, never
the whole archive. Its binary comes pinned with the `pagefind` package (`pagefind[bin]`); it
reads the documents from a temporary folder and writes nothing else. Its output is the same
bytes for the same documents (tests/test_reproducible.py).

`SearchBundle.start` starts the indexer and returns at once, so that it runs while MkDocs writes
the pages; `wait` returns when the bundle is written, and raises if it could not be.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Mapping

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


class SearchBundle:
    """One run of the indexer: the documents of a build into `<site_dir>/pagefind`."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.folder: Path | None = None
        self.output: Path | None = None

    def start(self, documents: Mapping[str, str], site_dir: str | Path) -> None:
        """Write `documents` (path in the site -> HTML) to a temporary folder and start indexing them."""
        self.stop()
        self.folder = Path(tempfile.mkdtemp(prefix="briefing-search-"))
        for path, text in documents.items():
            target = self.folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        self.output = Path(site_dir).resolve() / BUNDLE_DIR
        shutil.rmtree(self.output, ignore_errors=True)
        command = [_executable(), "--site", str(self.folder), "--output-path", str(self.output), *_OPTIONS]
        self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT)

    def wait(self) -> None:
        """Wait until the bundle is written; SearchBundleError if the indexer failed."""
        process = self.process
        if process is None:
            return
        try:
            output, _ = process.communicate()
        finally:
            self._clean()
        if process.returncode != 0:
            raise SearchBundleError(f"indexing the search documents failed (exit {process.returncode}):\n"
                                    + output.decode("utf-8", errors="replace"))
        assert self.output is not None
        for name in _UNUSED:
            (self.output / name).unlink(missing_ok=True)

    def stop(self) -> None:
        """End a run still going (a build that failed or was stopped) and remove its documents."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._clean()

    def _clean(self) -> None:
        self.process = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


def write_bundle(documents: Mapping[str, str], site_dir: str | Path) -> None:
    """Index `documents` into `<site_dir>/pagefind` and return when it is written."""
    bundle = SearchBundle()
    try:
        bundle.start(documents, site_dir)
        bundle.wait()
    finally:
        bundle.stop()
