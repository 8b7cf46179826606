"""The state of a build kept between runs: the next build redoes only what the changes touch.

`BuildStore` keeps, when asked (`briefing build --reuse`, or the plugin's `reuse: true` in
mkdocs.yml), the whole state of the last build of a content folder (a rebuild.Rebuilder), so
that the next build, in another process, renders again only the pages that the changes since
touch, as a save under `briefing serve` does, and ends where a full build would
(tests/test_rebuild.py, tests/test_cache.py). It is asked for, not kept by default, because it is
large: about as large as the site's pages and exports together on disk, and more in memory than a
build without it. A state is used only by code of the same version (this package's modules, every
installed distribution, Python), for the same folders, site settings and drafts. It is a pickle,
and loading a pickle can run code, so it is read only from a file of the user's own that no one
else may write. It lives in the cache folder of the parsed files (read/cache.py).
"""

from __future__ import annotations

import copyreg
import functools
import hashlib
import importlib.metadata
import pickle
import sys
from pathlib import Path
from types import MappingProxyType
from typing import Any, Hashable

from ..build import collector_paused
from ..read.cache import cache_file, open_private, write_whole
from .rebuild import Rebuilder


_STATE = b"briefing build state 1\n"


@functools.cache
def _build_version() -> bytes:
    """Changes whenever the code that decides what a build makes might have changed: this
    package's modules, any installed distribution (Jinja, Markdown, ...), Python itself."""
    digest = hashlib.sha256(sys.version.encode("utf-8"))
    package = Path(__file__).parent.parent
    for module in sorted(package.rglob("*.py")):
        digest.update(module.relative_to(package).as_posix().encode("utf-8") + b"\0" + module.read_bytes())
    for found in sorted(f"{dist.metadata['Name']} {dist.version}" for dist in importlib.metadata.distributions()):
        digest.update(found.encode("utf-8") + b"\0")
    return _STATE + digest.hexdigest().encode("ascii") + b"\n"


def _mapping_proxy(items: dict) -> MappingProxyType:
    return MappingProxyType(items)


def _reduce_proxy(proxy: MappingProxyType) -> tuple:
    return _mapping_proxy, (dict(proxy),)


class BuildStore:
    """The state of the last build of one content folder, kept between runs (see the module's
    docstring): `load` it before a build, `save` it after."""

    def __init__(self, content_dir: Path, key: Hashable, *, wanted: bool) -> None:
        self.file = cache_file(content_dir, ".build") if wanted else None
        """Where the state is kept; None if it is not wanted, or caching is off."""
        self.key = key
        """What the state must have been built for: the folders, the site settings, drafts."""

    def load(self) -> Rebuilder | None:
        """The state kept by the last build for this key, or None: none kept, kept by other code or
        for another key, damaged, or in a file that someone else could have written."""
        if self.file is None:
            return None
        try:
            handle = open_private(self.file)
            if handle is None:
                return None
            with handle:
                if handle.read(len(header := _build_version())) != header:
                    return None
                unpickler = pickle.Unpickler(handle)
                if unpickler.load() != self.key:
                    return None
                with collector_paused():
                    state = unpickler.load()
        except Exception:  # any damage to the file: a build without the state is the same build
            return None
        return state if isinstance(state, Rebuilder) else None

    def save(self, state: Rebuilder) -> None:
        """Keep `state` for the next build (a file that cannot be written is left alone)."""
        if self.file is None:
            return

        def write(out: Any) -> None:
            out.write(_build_version())
            pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
            pickler.dispatch_table = {**copyreg.dispatch_table, MappingProxyType: _reduce_proxy}
            pickler.dump(self.key)
            with collector_paused():
                pickler.dump(state)

        write_whole(self.file, write)

