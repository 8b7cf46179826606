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
cannot be written is left alone. The build database (incremental/state.py) lives
in the same folder.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import pickle
import stat
import tempfile
from array import array
from contextlib import suppress
from pathlib import Path
from typing import Any, BinaryIO, Callable

import orjson
import yaml

from ..errors import ContentError, one_line
from . import parse
from .parse import MAX_DEPTH, Document, parse_yaml

CACHE_VARIABLE = "BRIEFING_CACHE"
_log = logging.getLogger(__name__)


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
    """The cache file of one content folder, or None if caching is off or the cache folder is
    inside the project (the folder that holds the content folder), where a contributor could
    commit a cache file."""
    folder = cache_folder()
    if folder is None:
        return None
    project = content_dir.resolve().parent
    if folder.resolve().is_relative_to(project):
        _notice(folder, f"it is inside the project ({project}), where files can be committed; "
                        f"set {CACHE_VARIABLE} to a folder outside it")
        return None
    name = hashlib.sha256(str(content_dir.resolve()).encode("utf-8")).hexdigest()[:32]
    return folder / f"{name}{suffix}"


def _notice(path: Path, reason: str) -> None:
    """Say that a cache file or folder is not used, and why."""
    _log.warning("briefing: not using the cache %s: %s", one_line(str(path)), reason)


def open_private(file: Path) -> BinaryIO | None:
    """A cache file opened for reading, if it is the user's own: a regular file (not a link, which
    is not followed, nor a pipe or a device) that the user owns and that no one else may write.
    None, with a notice, otherwise; None alone if there is no such file."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        handle = os.open(file, flags)
    except FileNotFoundError:
        return None
    except OSError as exc:
        reason = "it is a symbolic link" if exc.errno == errno.ELOOP else f"it cannot be read ({exc.strerror or exc})"
        _notice(file, reason)
        return None
    found = os.fstat(handle)
    reason = None
    if not stat.S_ISREG(found.st_mode):
        reason = "it is not a regular file"
    elif hasattr(os, "getuid") and (found.st_uid != os.getuid() or found.st_mode & 0o022):
        reason = "it is owned by another user or writable by others"
    if reason is not None:
        os.close(handle)
        _notice(file, reason + "; it is written anew")
        return None
    return os.fdopen(handle, "rb")


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
        self.kept, self.kept_findings = self._read()
        self.used: dict[str, Any] = {}
        self.findings: dict[str, Any] = {}
        self.keys: dict[str, str] = {}
        """The key of each file's text read this run, by its path."""
        self.parsed = 0
        """How many texts this run parsed (not found in the cache)."""

    def _read(self) -> tuple[dict[str, Any], dict[str, Any]]:
        if self.file is None:
            return {}, {}
        try:
            handle = open_private(self.file)
            if handle is None:
                return {}, {}
            with handle:
                # A regular file's own size bounds the read.
                found = orjson.loads(handle.read(os.fstat(handle.fileno()).st_size))
        except (OSError, orjson.JSONDecodeError):
            return {}, {}
        if not isinstance(found, dict) or found.get("version") != self.version:
            return {}, {}
        entries, findings = found.get("entries"), found.get("findings")
        return entries if isinstance(entries, dict) else {}, findings if isinstance(findings, dict) else {}

    def finding(self, path: str, basis: str) -> Any:
        """What a later check found in the file at `path` the last time its text was the same and
        what it checks against had the digest `basis` (kept by `keep_finding`), or None."""
        key = self.keys.get(path)
        found = self.kept_findings.get(f"{key}:{basis}") if key is not None else None
        if found is not None:
            self.findings[f"{key}:{basis}"] = found
        return found

    def keep_finding(self, path: str, basis: str, value: Any) -> None:
        """Keep what a check found in the file at `path` for the next run (see `finding`)."""
        key = self.keys.get(path)
        if key is not None:
            self.findings[f"{key}:{basis}"] = value

    def __call__(self, text: str, path: str, kind: str, briefing: str | None = None) -> Document | ContentError:
        if self.file is None:
            return parse_yaml(text, path, kind, briefing)
        key = hashlib.blake2b("\0".join((path, kind, briefing or "", text)).encode("utf-8", "surrogatepass"),
                              digest_size=20).hexdigest()
        self.keys[path] = key
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
        if self.file is not None and (self.used.keys() != self.kept.keys()
                                      or self.findings.keys() != self.kept_findings.keys()):
            entries = orjson.dumps({"version": self.version, "entries": self.used, "findings": self.findings})
            write_whole(self.file, lambda out: out.write(entries))


def _document(entry: Any, path: str, kind: str, briefing: str | None) -> Document | None:
    """The Document of a cache entry, or None if the entry is not one this code wrote: a value
    no deeper than parsing allows, one place for each of its values and keys, and placeholders
    that are texts at paths."""
    try:
        data, marks, placeholders = entry
        if _places(data) != len(marks) or not all(
                isinstance(at, list) and all(isinstance(p, (str, int)) for p in at) and isinstance(text, str)
                for at, text in placeholders):
            return None
        return Document(path, kind, briefing, data, array("Q", marks),
                        tuple((tuple(at), text) for at, text in placeholders))
    except (TypeError, ValueError, OverflowError):
        return None


def _places(value: Any) -> int:
    """How many places (Document.marks) a parsed value has: one for each value and each key.
    Counted a level at a time (no recursion, no call per value); ValueError if the value is
    deeper than parsing allows."""
    count, level, depth = 0, [value], 0
    while level:
        if depth > MAX_DEPTH:
            raise ValueError("deeper than parsing allows")
        below: list[Any] = []
        for item in level:
            count += 1
            if type(item) is dict:
                count += len(item)
                below.extend(item.values())
            elif type(item) is list:
                below.extend(item)
        level, depth = below, depth + 1
    return count
