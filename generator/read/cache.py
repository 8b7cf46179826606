"""The cache of parsed files kept between runs: a check parses only the files that changed.

`briefing check`, `briefing build` and `mkdocs build` read every content file, but parse (compose
and walk, see parse.py) only those whose text they have not parsed before: each parse is kept
under a digest of the file's text, place and kind, in one file per content folder. Everything
after parsing (the schema, the cross-references, the pages) is done in full every time, so the
result is the same with or without the cache; only parsing is skipped.

The caches live outside the project, in the user's cache folder (`$XDG_CACHE_HOME/briefing-sites`,
else `~/.cache/briefing-sites`): a file that a contributor could commit is never read as parsed
content. `BRIEFING_CACHE` names another folder, or `off` for none. A cache file that is missing,
unreadable, of another version of this code, or damaged is ignored and written anew; a cache that
cannot be written is left alone. The state a build keeps for the next (incremental/cache.py) lives
in the same folder.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from array import array
from contextlib import suppress
from pathlib import Path
from typing import Any, Callable

import orjson
import yaml

from ..errors import ContentError
from . import parse
from .parse import Document, parse_yaml

CACHE_VARIABLE = "BRIEFING_CACHE"


def _version() -> str:
    """Changes whenever the code that decides what a parse gives might have changed."""
    digest = hashlib.sha256(yaml.__version__.encode("utf-8"))
    digest.update(Path(parse.__file__ or "").read_bytes())
    return digest.hexdigest()


def cache_folder() -> Path | None:
    """Where cache files go, or None if caching is off."""
    chosen = os.environ.get(CACHE_VARIABLE, "")
    if chosen.lower() == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "briefing-sites"


def cache_file(content_dir: Path, suffix: str) -> Path | None:
    """The cache file of one content folder, or None if caching is off."""
    folder = cache_folder()
    name = hashlib.sha256(str(content_dir.resolve()).encode("utf-8")).hexdigest()[:32]
    return folder / f"{name}{suffix}" if folder is not None else None


def write_whole(file: Path, write: Callable[[Any], None]) -> None:
    """Write a cache file whole (a reader sees the old one or the new one) with `write(handle)`,
    readable and writable by the user only; leave it alone if it cannot be written."""
    temporary = None
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=file.parent, prefix=".tmp-")  # mode 0600
        with os.fdopen(handle, "wb") as out:
            write(out)
        os.replace(temporary, file)
    except (OSError, pickle.PicklingError, TypeError, RecursionError):  # not written: no cache
        if temporary is not None:
            with suppress(OSError):
                os.unlink(temporary)


class ParseStore:
    """parse_yaml through the cache of one content folder: call it as parse_yaml, then `save`."""

    def __init__(self, content_dir: Path) -> None:
        self.file = cache_file(content_dir, ".json")
        self.version = _version() if self.file is not None else ""
        self.kept: dict[str, Any] = self._read()
        self.used: dict[str, Any] = {}
        self.parsed = 0
        """How many texts this run parsed (not found in the cache)."""

    def _read(self) -> dict[str, Any]:
        if self.file is None:
            return {}
        try:
            found = orjson.loads(self.file.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return {}
        if not isinstance(found, dict) or found.get("version") != self.version:
            return {}
        entries = found.get("entries")
        return entries if isinstance(entries, dict) else {}

    def __call__(self, text: str, path: str, kind: str, briefing: str | None = None) -> Document | ContentError:
        if self.file is None:
            return parse_yaml(text, path, kind, briefing)
        key = hashlib.blake2b("\0".join((path, kind, briefing or "", text)).encode("utf-8", "surrogatepass"),
                              digest_size=20).hexdigest()
        entry = self.kept.get(key)
        if entry is not None:
            doc = _document(entry, path, kind, briefing)
            if doc is not None:
                self.used[key] = entry
                return doc
        self.parsed += 1
        found = parse_yaml(text, path, kind, briefing)
        if isinstance(found, Document):
            entry = [found.data, found.marks.tolist(), [[list(at), s] for at, s in found.placeholders]]
            # Only what JSON gives back unchanged: not an integer too large for it (which orjson
            # refuses), nor inf or nan (which it writes as null).
            try:
                written = orjson.dumps(entry)
            except orjson.JSONEncodeError:
                written = None
            if written is not None and (b"null" not in written or orjson.loads(written) == entry):
                self.used[key] = entry
        return found

    def save(self) -> None:
        """Keep the parses of this run's files for the next (and only those: a file changed or
        gone is forgotten)."""
        if self.file is not None and self.used.keys() != self.kept.keys():
            entries = orjson.dumps({"version": self.version, "entries": self.used})
            write_whole(self.file, lambda out: out.write(entries))


def _document(entry: Any, path: str, kind: str, briefing: str | None) -> Document | None:
    """The Document of a cache entry, or None if the entry is not one this code wrote."""
    try:
        data, marks, placeholders = entry
        return Document(path, kind, briefing, data, array("Q", marks),
                        tuple((tuple(at), text) for at, text in placeholders))
    except (TypeError, ValueError, OverflowError):
        return None
