"""What changed: the content's git history as revisions of records, for the changes pages and feeds.

`read_history` is a function of the content folder alone: it asks git (through its command line,
`git log` and `git cat-file --batch`) for the newest revisions of the content files, parses each
version of a file with the content loader (once per version: `known`), and compares the records
by id, field by field. The repository is untrusted input, as the content is: git runs with its
caller's GIT_* variables cleared and with the settings that could run a program or reach a
network off, its output is read by position and only full hex ids are taken from it, subjects
lose their control characters and are cut short, and file versions over a size limit are not read. Every date comes from a commit, never from the clock, so the same history gives
the same pages. Without git, outside a repository, or where git fails, there is no history and
`History.note` says why; a shallow clone gives the revisions it holds.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Hashable

from .load import content_kind
from .parse import FORBIDDEN_CHARACTERS, parse_yaml

MAX_REVISIONS = 200
"""How many of the newest revisions of the content are read: a long history keeps builds quick."""
PER_BRIEFING = 50
"""How many revisions a briefing's changes page and feed show, newest first."""
# Longer values are not quoted in a change: "summary: reworded".
_SHORT = 80
_GIT_TIMEOUT = 60


@dataclass(frozen=True)
class RecordChange:
    """One record added, removed or changed in a revision; `fields` says how, in words."""

    kind: str
    record: str
    action: str
    fields: tuple[str, ...] = ()
    briefing: str | None = None


@dataclass(frozen=True)
class Revision:
    """One commit that changed records: its id, date (ISO 8601, from the commit), first line of
    its message, and the records it changed. `complete` is False for the first commit of a
    shallow clone, whose earlier state the clone does not hold."""

    commit: str
    date: str
    message: str
    changes: tuple[RecordChange, ...]
    complete: bool = True


@dataclass(frozen=True)
class History:
    """Revisions of the content, newest first; `note` says why there are none to read, if so, and
    `capped` whether older revisions were left out."""

    revisions: tuple[Revision, ...] = ()
    note: str = ""
    capped: bool = False

    @property
    def available(self) -> bool:
        """Whether the content's history could be read."""
        return not self.note

    def of_briefing(self, briefing: str) -> History:
        """The revisions that changed records of one briefing, with those changes only, at most
        PER_BRIEFING of them."""
        found = []
        for revision in self.revisions:
            changes = tuple(c for c in revision.changes if c.briefing == briefing)
            if changes or not revision.complete:
                found.append(Revision(revision.commit, revision.date, revision.message, changes, revision.complete))
        return History(tuple(found[:PER_BRIEFING]), self.note, self.capped or len(found) > PER_BRIEFING)


NO_GIT = "The content is not kept in git here, so no history of changes is shown."

MAX_BLOB_BYTES = 1_000_000
"""A version of a content file larger than this is not read from the history: its revision says
that it was not compared."""
MAX_HISTORY_BYTES = 20_000_000
"""How many bytes of file versions one reading of the history reads at most: older revisions
beyond that are left out, as beyond MAX_REVISIONS."""
MAX_MESSAGE = 200
"""How many characters of a commit's subject are shown."""
# Settings that keep a repository's own configuration from running a program or reaching a
# network while its history is read: no signature checks (gpg.program), no transport at all (a
# promisor remote's lazy fetch runs core.sshCommand), no file-system monitor, no external diff.
_SAFE_CONFIG = ("core.quotePath=false", "log.showSignature=false", "protocol.allow=never",
                "core.fsmonitor=false", "log.showRoot=true", "i18n.logOutputEncoding=UTF-8")
_HEX_ID = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})")
# One line of `git log --raw -z`: modes, the blob before and after (all zeros for none), status.
_RAW = re.compile(r"\n?:[0-7]{6} [0-7]{6} ([0-9a-f]{40}(?:[0-9a-f]{24})?) ([0-9a-f]{40}(?:[0-9a-f]{24})?) [A-Z][0-9]*")
_log = logging.getLogger(__name__)


def read_history(content_dir: Path, limit: int = MAX_REVISIONS, known: dict[str, Any] | None = None) -> History:
    """The newest `limit` revisions of the content folder's files that changed records.

    The history is the first-parent line of the checked-out branch, merges included (each compared
    with its first parent): it ends at what the site shows. `known` keeps the records of each file
    version (by blob id) across readings: pass the same dict to parse each version once.
    """
    known = {} if known is None else known
    try:
        commits = _log_commits(content_dir, limit + 1)
        shallow = _shallow_commits(content_dir)
        sizes = _blob_sizes(content_dir, sorted(set().union(*(c.blobs for c in commits[:limit]))))
    except (OSError, subprocess.SubprocessError, ValueError):
        return History(note=NO_GIT)
    capped = len(commits) > limit
    commits, budget = commits[:limit], MAX_HISTORY_BYTES
    counted: set[str] = set()
    for kept, commit in enumerate(commits):
        for blob in commit.blobs - counted - known.keys():
            counted.add(blob)
            budget -= sizes.get(blob, 0) if sizes.get(blob, 0) <= MAX_BLOB_BYTES else 0
        if budget < 0:
            commits, capped = commits[:kept], True
            break
    used = set().union(*(c.blobs for c in commits))
    wanted = sorted(b for b in used - known.keys() if sizes.get(b, MAX_BLOB_BYTES + 1) <= MAX_BLOB_BYTES)
    try:
        texts = _cat_blobs(content_dir, wanted)
    except (OSError, subprocess.SubprocessError, ValueError):
        return History(note=NO_GIT)
    revisions = []
    for commit in commits:
        complete = commit.id not in shallow
        changes: list[RecordChange] = []
        for name, before, after in commit.files if complete else ():
            if max((sizes.get(blob, 0) for blob in (before, after) if blob), default=0) > MAX_BLOB_BYTES:
                _log.warning("the history of %s is not compared at commit %s: a version is larger than %s bytes",
                             name, commit.id[:12], f"{MAX_BLOB_BYTES:,}")
                kind, briefing = _kind_of(name) or ("", None)
                changes.append(RecordChange(kind, name, f"not compared: a version is larger than {MAX_BLOB_BYTES:,} bytes",
                                            (), briefing))
                continue
            old, new = (_known_records(known, texts, name, blob) for blob in (before, after))
            changes += diff_records(name, old, new)
        if changes or not complete:
            revisions.append(Revision(commit.id, commit.date, commit.message, tuple(changes), complete))
    # Keep the versions this history holds, and forget those that fell out of it.
    for blob in known.keys() - used:
        del known[blob]
    return History(tuple(revisions), capped=capped)


@dataclass(frozen=True)
class _Commit:
    """One commit of the log: its id, date, subject (made safe to show), and each content file it
    changed as (path, blob before, blob after), None where there was no file."""

    id: str
    date: str
    message: str
    files: tuple[tuple[str, str | None, str | None], ...]

    @property
    def blobs(self) -> set[str]:
        """The ids of the file versions before and after this commit."""
        return {blob for _, before, after in self.files for blob in (before, after) if blob}


def _git(content_dir: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """What git prints for `args` in the content folder, run so that nothing of the repository's
    configuration or of the caller's GIT_* variables decides what it runs or reads."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(GIT_NO_LAZY_FETCH="1", GIT_TERMINAL_PROMPT="0", GIT_NO_REPLACE_OBJECTS="1", GIT_OPTIONAL_LOCKS="0")
    config = [arg for setting in _SAFE_CONFIG for arg in ("-c", setting)]
    done = subprocess.run(["git", "--no-pager", "-C", str(content_dir), *config, *args], input=stdin, env=env,
                          capture_output=True, check=True, timeout=_GIT_TIMEOUT)
    return done.stdout


def _log_commits(content_dir: Path, count: int) -> list[_Commit]:
    """The newest `count` commits that changed the content folder, newest first.

    The log is NUL-separated and read by position: each commit's id, date and subject, then its
    changed files (git lets no NUL into a subject, so a subject is one field whatever it holds).
    Only full hex ids are accepted.
    """
    out = _git(content_dir, "log", f"-n{count}", "--first-parent", "--diff-merges=first-parent", "--no-renames",
               "--relative", "--raw", "--no-abbrev", "-z", "--no-color", "--no-ext-diff", "--no-textconv",
               "--no-show-signature", "--no-notes", "--format=%H%x00%cI%x00%s", "--", ".")
    fields = out.decode("utf-8", "replace").split("\0")
    if fields and fields[-1] in ("", "\n"):
        fields.pop()
    commits, at = [], 0
    while at < len(fields):
        commit, date, subject = fields[at:at + 3]
        if not _HEX_ID.fullmatch(commit) or not _ISO_DATE.fullmatch(date):
            raise ValueError("unexpected output of git log")
        at += 3
        files = []
        while at + 1 < len(fields) and (raw := _RAW.fullmatch(fields[at])):
            name, before, after = fields[at + 1], raw.group(1), raw.group(2)
            if _kind_of(name):
                files.append((name, None if not before.strip("0") else before, None if not after.strip("0") else after))
            at += 2
        commits.append(_Commit(commit, date, clean_message(subject), tuple(files)))
    return commits


def clean_message(subject: str) -> str:
    """A commit's subject as the pages show it: no control characters, at most MAX_MESSAGE characters."""
    text = " ".join(FORBIDDEN_CHARACTERS.sub("", subject).split())
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE - 1].rstrip() + "…"


def _shallow_commits(content_dir: Path) -> set[str]:
    """The commits where a shallow clone's history stops (none in a full clone)."""
    path = Path(_git(content_dir, "rev-parse", "--git-path", "shallow").decode("utf-8", "replace").strip())
    path = path if path.is_absolute() else content_dir / path
    if not path.is_file():
        return set()
    return {line for line in path.read_text(encoding="ascii", errors="replace").split() if _HEX_ID.fullmatch(line)}


def _blob_sizes(content_dir: Path, blobs: list[str]) -> dict[str, int]:
    """The size of each blob, by id; a blob the repository lacks is left out."""
    if not blobs:
        return {}
    out = _git(content_dir, "cat-file", "--batch-check=%(objectname) %(objecttype) %(objectsize)",
               stdin="\n".join(blobs).encode("ascii") + b"\n")
    sizes = {}
    for line in out.decode("ascii", "replace").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] == "blob" and _HEX_ID.fullmatch(parts[0]) and parts[2].isdigit():
            sizes[parts[0]] = int(parts[2])
    return sizes


def _cat_blobs(content_dir: Path, blobs: list[str]) -> dict[str, str]:
    """The text of each blob, by id; a blob the repository lacks is left out. The output is read
    by position: each blob's header line says how many bytes follow."""
    if not blobs:
        return {}
    out = _git(content_dir, "cat-file", "--batch", stdin="\n".join(blobs).encode("ascii") + b"\n")
    at, texts = 0, {}
    for blob in blobs:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) != 3 or header[0].decode("ascii", "replace") != blob or not header[2].isdigit():
            continue  # missing
        size = int(header[2])
        texts[blob] = out[at:at + size].decode("utf-8", "replace")
        at += size + 1
    return texts


def _known_records(known: dict[str, Any], texts: dict[str, str], name: str, blob: str | None) -> dict[str, Any] | None:
    """The records of one version of a file ({} for no file; None if it cannot be read), parsed
    once per blob and kept in `known`."""
    if blob is None:
        return {}
    if blob not in known:
        text = texts.get(blob)
        if text is None:  # not in this copy of the repository
            return None
        kind, briefing = _kind_of(name) or ("", None)
        known[blob] = _records(name, kind, briefing, text)
    return known[blob]


def _kind_of(name: str) -> tuple[str, str | None] | None:
    """The record kind of a content file and its briefing (None for shared files); None if the
    path (relative to the content folder) is not a content file."""
    kind, briefing = content_kind(tuple(name.split("/")))
    return (kind, briefing) if kind else None


def _records(name: str, kind: str, briefing: str | None, text: str) -> dict[str, Any] | None:
    """A file's records by id, or None if the file does not parse."""
    doc = parse_yaml(text, name, kind, briefing)
    data = getattr(doc, "data", None)
    if isinstance(data, dict) and kind == "briefing":
        return {briefing: data}
    if isinstance(data, list):
        return {str(r["id"]): r for r in data if isinstance(r, dict) and "id" in r}
    return {} if data is None and hasattr(doc, "data") else None


def diff_file(name: str, before: str | None, after: str | None) -> list[RecordChange]:
    """The records added, removed or changed between two texts of a content file (None: no file)."""
    kind, briefing = _kind_of(name) or ("", None)
    return diff_records(name, *(_records(name, kind, briefing, text) if text is not None else {}
                                for text in (before, after)))


def diff_records(name: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[RecordChange]:
    """The records added, removed or changed between two versions of a content file's records by
    id (None: a version that cannot be read)."""
    kind, briefing = _kind_of(name) or ("", None)
    if old is None or new is None:
        return [RecordChange(kind, name, "unreadable", (), briefing)] if old != new else []
    changes = []
    for rid in new.keys() - old.keys():
        changes.append(RecordChange(kind, rid, "added", (), briefing))
    for rid in old.keys() - new.keys():
        changes.append(RecordChange(kind, rid, "removed", (), briefing))
    for rid in old.keys() & new.keys():
        fields = describe_fields(old[rid], new[rid])
        if fields:
            changes.append(RecordChange(kind, rid, "changed", fields, briefing))
    return sorted(changes, key=lambda c: (c.action, c.record))


def describe_fields(old: dict[str, Any], new: dict[str, Any]) -> tuple[str, ...]:
    """Each field that differs between two versions of a record, in words ("status: planned →
    happened", "sources: 1 added")."""
    words = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if key == "editor_note":  # for editors only: that it changed, never its words
            words.append("note for editors: " + ("added" if key not in old else "removed" if key not in new
                                                 else "changed"))
        elif key not in old:
            words.append(f"{key}: added" + (f" ({_short(b)})" if _is_short(b) else ""))
        elif key not in new:
            words.append(f"{key}: removed")
        elif _is_short(a) and _is_short(b):
            words.append(f"{key}: {_short(a)} → {_short(b)}")
        elif isinstance(a, list) and isinstance(b, list):
            words.append(f"{key}: {_list_words(a, b)}")
        elif isinstance(a, str) and isinstance(b, str):
            words.append(f"{key}: reworded")
        else:
            words.append(f"{key}: changed")
    return tuple(words)


def _is_short(value: Any) -> bool:
    return not isinstance(value, (list, dict)) and len(str(value)) <= _SHORT


def _short(value: Any) -> str:
    return "none" if value is None else str(value).lower() if isinstance(value, bool) else str(value)


def _list_words(old: list, new: list) -> str:
    """How a list changed: the items added and removed, named when short, else counted. Items are
    compared by their frozen form, in one pass over each list."""
    old_keys, new_keys = [_frozen(item) for item in old], [_frozen(item) for item in new]
    old_set, new_set = set(old_keys), set(new_keys)
    added = [item for item, key in zip(new, new_keys) if key not in old_set]
    removed = [item for item, key in zip(old, old_keys) if key not in new_set]
    parts = []
    for verb, items in (("added", added), ("removed", removed)):
        if items and all(_is_short(i) for i in items):
            parts.append(f"{verb} " + ", ".join(_short(i) for i in items))
        elif items:
            parts.append(f"{len(items)} {verb}")
    return "; ".join(parts) or "reordered"


def _frozen(value: Any) -> Hashable:
    """A plain value (text, number, list, mapping) as a hashable one that is equal where it is."""
    if isinstance(value, dict):
        return (dict, frozenset((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, list):
        return (list, tuple(_frozen(item) for item in value))
    return value
