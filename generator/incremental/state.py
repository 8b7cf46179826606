"""The build database: what the last build of a content folder read and wrote, kept in SQLite
beside the cache of parsed files (read/cache.py), so that the next build renders again only the
pages a change touches and takes the others from the last site.

It holds no objects, only digests and names:

- `meta`: the version of everything that decides what a build makes (`code_version`: this
  package's files, the page templates, the theme, mkdocs.yml, every installed distribution,
  Python) and the build's settings; the digest of what every page shows around its own content
  (the navigation, the build date: the frame). A build whose version or settings differ starts
  from nothing.
- `units`: a digest of each unit of content (`content_units`): each shared record (a person,
  an organisation, a source, a shared event), each briefing folder as a whole, the link report;
  with the ids of records that each unit's text names.
- `pages`: for each page, a digest of its job (template and own context), of what it was (its
  title, description and body), the dependency tokens of what it read (`key_tokens`), and how
  its output file in the site folder was when written (size, time, inode).
- `files`: how each export file was when written, so that the next build can take a briefing's
  calendar and feed of changes from the last site while their records are unchanged.
- `pieces`: where the rows of each group of records (a briefing's records of a collection, a
  shared record) are in the CSV files written (export.Place), so that the next build can take
  them from the last site's files while their records are unchanged.
- `documents`: how each search document (pages/search.py) was when written to the folder of
  documents kept beside the database (`documents_folder`), so that the next build makes again
  only the documents of the pages a change touches.

A page is rendered again when its job changed, one of its tokens is among the tokens of the
units that changed (`changed_tokens`), or its output in the last site is not the file this
database describes. The tokens over-approximate what a page read: a page is now and then
rendered again without need, never left stale (tests/test_incremental.py compares every build
after a series of edits with a clean build, byte for byte).

A database that cannot be read (missing, damaged, of another version, not the user's own) is a
build from nothing, and is written anew.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import re
import sqlite3
import stat
import sys
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import orjson

from ..read.cache import cache_file, open_private
from ..read.load import Content

_FORMAT = "briefing build database 3"

_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE units (name TEXT PRIMARY KEY, digest BLOB NOT NULL, refs TEXT NOT NULL);
CREATE TABLE tokens (id INTEGER PRIMARY KEY, token TEXT UNIQUE NOT NULL);
CREATE TABLE pages (path TEXT PRIMARY KEY, job BLOB NOT NULL, page BLOB NOT NULL, title TEXT NOT NULL,
                    description TEXT NOT NULL, in_nav INTEGER NOT NULL, tokens BLOB NOT NULL,
                    size INTEGER NOT NULL, mtime INTEGER NOT NULL, inode INTEGER NOT NULL);
CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime INTEGER NOT NULL, inode INTEGER NOT NULL);
CREATE TABLE pieces (key TEXT PRIMARY KEY, offset INTEGER NOT NULL, length INTEGER NOT NULL,
                     cited_offset INTEGER NOT NULL, cited_length INTEGER NOT NULL);
CREATE TABLE documents (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime INTEGER NOT NULL,
                        inode INTEGER NOT NULL);
"""

ANY = "*"
"""The token of a read no finer token describes: the page is rendered again after any change."""

# The page globals' mappings of records, by the kind of their units.
_DATA_KINDS = {"people": "person", "organizations": "organization", "sources": "source", "events": "event"}
_SHARED_KINDS = frozenset(_DATA_KINDS.values())
_WORD = re.compile(rb"[a-z0-9]+(?:-[a-z0-9]+)*")


def digest(*parts: bytes) -> bytes:
    found = hashlib.blake2b(digest_size=16)
    for part in parts:
        found.update(len(part).to_bytes(8, "little"))
        found.update(part)
    return found.digest()


def code_version(templates_dir: Path, theme_dirs: Iterable[str], config_file: str | None) -> bytes:
    """Changes whenever anything that decides what a build makes might have changed, other than
    the content: every file of this package, the page templates, the theme's files, mkdocs.yml,
    every installed distribution's version, Python's."""
    found = hashlib.blake2b(digest_size=16)
    found.update(f"{_FORMAT}\0{sys.version}\0".encode("utf-8"))
    package = Path(__file__).resolve().parent.parent
    for folder in [package, templates_dir, *map(Path, theme_dirs)]:
        for path in sorted(Path(folder).resolve().rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                found.update(str(path).encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    if config_file:
        found.update(Path(config_file).read_bytes())
    for name in sorted(f"{dist.metadata['Name']} {dist.version}" for dist in importlib.metadata.distributions()):
        found.update(name.encode("utf-8") + b"\0")
    return found.digest()


def _dump(value: Any) -> bytes:
    """A parsed YAML value as bytes that differ whenever the value does."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:  # a value JSON cannot hold: its text
        return repr(value).encode("utf-8")


class Units:
    """The content's units: each one's digest (`digests`), and the words of its text that are ids
    of records (`refs`, once `settle` has found them)."""

    def __init__(self, digests: dict[str, bytes], texts: dict[str, list[bytes]], ids: frozenset[str]) -> None:
        self.digests = digests
        self.texts = texts
        self.ids = frozenset(rid.encode("ascii") for rid in ids)
        self.refs: dict[str, frozenset[str]] = {}

    def settle(self, before: Mapping[str, tuple[bytes, frozenset[str]]]) -> None:
        """Find the refs of each unit: those of the last build's (`before`) for a unit unchanged,
        read from its text for the others."""
        for name, value in self.digests.items():
            last = before.get(name)
            if last is not None and last[0] == value:
                self.refs[name] = last[1]
            else:
                words: set[bytes] = set()
                for part in self.texts.get(name, ()):
                    words.update(_WORD.findall(part))
                self.refs[name] = frozenset(word.decode("ascii") for word in words & self.ids)
        self.texts = {}  # needed no more, and as large as the content


def content_units(content: Content, ids: frozenset[str]) -> Units:
    """The units of `content` (see the module's docstring); `ids` are the ids of every record."""
    digests: dict[str, bytes] = {}
    texts: dict[str, list[bytes]] = {}
    for doc in content.documents:
        if doc.kind in _SHARED_KINDS and isinstance(doc.data, list):
            for place, record in enumerate(doc.data):
                rid = record.get("id") if isinstance(record, dict) else None
                name = f"{doc.kind}:{rid}" if isinstance(rid, str) else f"{doc.kind}:@{place}"
                text = _dump(record)
                # The place counts: it decides the order of lists of records.
                digests[name] = digest(str(place).encode("ascii"), text)
                texts[name] = [text]
        else:
            name = (f"briefing:{doc.briefing}" if doc.briefing is not None else
                    "links" if doc.kind == "link-report" else f"file:{doc.path}")
            text = _dump(doc.data)
            texts.setdefault(name, []).extend([doc.path.encode("utf-8"), text])
    if content.link_report is not None:
        texts.setdefault("links", []).append(_dump(content.link_report.data))
    for name, parts in texts.items():
        digests.setdefault(name, digest(*parts))
    return Units(digests, texts, ids)


def changed_tokens(before: Mapping[str, tuple[bytes, frozenset[str]]], now: Units) -> set[str]:
    """The tokens of what changed between the units of the last build (`before`: digest and refs
    by name) and those of this one."""
    changed: set[str] = set()
    for name in before.keys() | now.digests.keys():
        last = before.get(name)
        if last is not None and last[0] == now.digests.get(name):
            continue
        kind, _, rid = name.partition(":")
        changed |= {ANY, f"u:{name}", f"k:{kind}", f"r:{rid}"}
        for refs in (last[1] if last else (), now.refs.get(name, ())):
            changed |= {f"r:{ref}" for ref in refs}
    return changed


def key_tokens(key: tuple[tuple[str, ...], tuple[Any, ...]]) -> tuple[str, ...]:
    """The tokens of one read of the page globals (track.py): which changes can change its value.

    A record of the dataset by id is its unit; an entry of the index (or a source's count of
    citations) by id changes only with a unit that names that id (`r:`, see `content_units`);
    a whole mapping or list changes with any unit of its kind; anything else with any change."""
    path, part = key
    item = part[1] if part[0] == "key" else None
    if path[0] == "data" and len(path) == 2:
        if path[1] in _DATA_KINDS:
            kind = _DATA_KINDS[path[1]]
            return (f"u:{kind}:{item}",) if isinstance(item, str) else (f"k:{kind}",)
        if path[1] == "links":
            return ("u:links",)
        if path[1] == "briefings":
            return ("k:briefing",)
    if (path[0] == "index" and len(path) == 2 or path == ("citation_counts",)) and isinstance(item, str):
        return (f"r:{item}",)
    if path == ("exports_by_briefing",) and part[0] == "key":
        # A briefing's exports are named from its own records; the site's are always the same.
        return (f"u:briefing:{item}",) if isinstance(item, str) else ()
    if path in {("listing",), ("exports",), ("exports_by_briefing",)}:
        return ("k:briefing",)
    return (ANY,)


@dataclass(frozen=True)
class PageRow:
    """What the database holds of one page (see the module's docstring)."""

    path: str
    job: bytes
    page: bytes
    title: str
    description: str
    in_nav: bool
    tokens: frozenset[int]
    output: tuple[int, int, int]


def piece_key(key: tuple[str, str | None, str | None]) -> str:
    """A group of records' key in the CSV files (export.render_exports) as the database holds it."""
    return orjson.dumps(key).decode("utf-8")


def documents_folder(content_dir: Path) -> Path | None:
    """The folder of search documents kept for the next build of `content_dir`, beside its
    database; None where nothing is cached."""
    return cache_file(content_dir, ".search")


def output_stat(file: Path | str) -> tuple[int, int, int] | None:
    """(size, modification time, inode) of a regular file, or None."""
    try:
        found = os.lstat(file)
    except OSError:
        return None
    return (found.st_size, found.st_mtime_ns, found.st_ino) if stat.S_ISREG(found.st_mode) else None


class BuildState:
    """The build database of one content folder (see the module's docstring): read with `open`,
    written by `save` once a build has written its site."""

    def __init__(self, file: Path | None, key: bytes) -> None:
        self.file = file
        self.key = key
        """The version and settings this state is for (code_version, and the build's settings)."""
        self.units: dict[str, tuple[bytes, frozenset[str]]] = {}
        self.pages: dict[str, PageRow] = {}
        self.frame = b""
        self.token_ids: dict[str, int] = {}
        self.files: dict[str, tuple[int, int, int]] = {}
        self.documents: dict[str, tuple[int, int, int]] = {}
        self.pieces: dict[str, tuple[int, int, int, int]] = {}

    @classmethod
    def open(cls, content_dir: Path, key: bytes, *, fresh: bool = False) -> BuildState:
        """The state the last build of `content_dir` kept for `key`; an empty one if there is none
        (or `fresh`: a clean build), or it cannot be used."""
        state = cls(cache_file(content_dir, ".sqlite"), key)
        if state.file is not None and not fresh:
            try:
                state._read()
            except (sqlite3.Error, ValueError, TypeError, OverflowError, UnicodeDecodeError):
                state.units, state.pages, state.frame, state.token_ids, state.files = {}, {}, b"", {}, {}
                state.documents, state.pieces = {}, {}
        return state

    def _read(self) -> None:
        assert self.file is not None
        handle = open_private(self.file)  # the user's own regular file, or nothing
        if handle is None:
            return
        handle.close()
        db = sqlite3.connect(f"file:{self.file}?mode=ro", uri=True)
        try:
            meta = dict(db.execute("SELECT name, value FROM meta"))
            if meta.get("format") != _FORMAT.encode("utf-8") or meta.get("key") != self.key:
                return
            self.frame = bytes(meta.get("frame", b""))
            self.token_ids = {token: tid for tid, token in db.execute("SELECT id, token FROM tokens")}
            self.units = {name: (bytes(value), frozenset(refs.split())) for name, value, refs
                          in db.execute("SELECT name, digest, refs FROM units")}
            self.files = {path: (size, mtime, inode) for path, size, mtime, inode
                          in db.execute("SELECT path, size, mtime, inode FROM files")}
            self.documents = {path: (size, mtime, inode) for path, size, mtime, inode
                              in db.execute("SELECT path, size, mtime, inode FROM documents")}
            self.pieces = {key: (offset, length, cited_offset, cited_length) for key, offset, length, cited_offset,
                           cited_length in db.execute("SELECT key, offset, length, cited_offset, cited_length "
                                                      "FROM pieces")}
            for row in db.execute("SELECT path, job, page, title, description, in_nav, tokens, size, mtime, "
                                  "inode FROM pages"):
                ids = array("I")
                ids.frombytes(row[6])
                self.pages[row[0]] = PageRow(row[0], bytes(row[1]), bytes(row[2]), row[3], row[4], bool(row[5]),
                                             frozenset(ids), (row[7], row[8], row[9]))
        finally:
            db.close()

    def tokens_of(self, names: Iterable[str]) -> frozenset[int]:
        """The ids of tokens, given ids anew where they have none."""
        ids = self.token_ids
        return frozenset(ids.setdefault(name, len(ids) + 1) for name in names)

    def dirty(self, changed: set[str]) -> Iterator[str]:
        """The pages one of whose tokens is in `changed`."""
        wanted = frozenset(self.token_ids[token] for token in changed if token in self.token_ids)
        if wanted:
            for path, row in self.pages.items():
                if not wanted.isdisjoint(row.tokens):
                    yield path

    def save(self, units: Units, pages: Mapping[str, PageRow], frame: bytes,
             files: Mapping[str, tuple[int, int, int]], documents: Mapping[str, tuple[int, int, int]],
             pieces: Mapping[str, tuple[int, int, int, int]]) -> None:
        """Keep this build's state for the next (a file that cannot be written is left alone)."""
        if self.file is None:
            return
        part = self.file.with_name(f".{self.file.name}.{os.getpid()}")
        try:
            part.unlink(missing_ok=True)
            self.file.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(part)
            try:
                os.chmod(part, 0o600)
                db.executescript(_SCHEMA)
                db.executemany("INSERT INTO meta VALUES (?, ?)", [
                    ("format", _FORMAT.encode("utf-8")), ("key", self.key), ("frame", frame)])
                db.executemany("INSERT INTO tokens VALUES (?, ?)", [(tid, t) for t, tid in self.token_ids.items()])
                db.executemany("INSERT INTO units VALUES (?, ?, ?)", [
                    (name, value, " ".join(sorted(units.refs.get(name, ())))) for name, value in units.digests.items()])
                db.executemany("INSERT INTO pages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                    (row.path, row.job, row.page, row.title, row.description, int(row.in_nav),
                     array("I", sorted(row.tokens)).tobytes(), *row.output) for row in pages.values()])
                db.executemany("INSERT INTO files VALUES (?, ?, ?, ?)", [(path, *found) for path, found in files.items()])
                db.executemany("INSERT INTO documents VALUES (?, ?, ?, ?)",
                               [(path, *found) for path, found in documents.items()])
                db.executemany("INSERT INTO pieces VALUES (?, ?, ?, ?, ?)", [(key, *place) for key, place in pieces.items()])
                db.commit()
            finally:
                db.close()
            os.replace(part, self.file)
        except (OSError, sqlite3.Error):
            part.unlink(missing_ok=True)
