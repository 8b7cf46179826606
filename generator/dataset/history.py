"""What changed: the content's git history as revisions of records, for the changes pages and feeds.

`read_history` is a function of the content folder alone: it asks git (through its command line,
`git log` and `git cat-file --batch`) for the newest revisions of the content files, parses each
file before and after each revision with the content loader, and compares the records by id,
field by field. Every date comes from a commit, never from the clock, so the same history gives
the same pages. Without git, outside a repository, or where git fails, there is no history and
`History.note` says why; a shallow clone gives the revisions it holds.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..read.load import content_kind
from ..read.parse import parse_yaml

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


def read_history(content_dir: Path, limit: int = MAX_REVISIONS) -> History:
    """The newest `limit` revisions of the content folder's files that changed records."""
    try:
        log = _git(content_dir, "log", f"-n{limit + 1}", "--no-merges", "--no-renames", "--relative",
                   "--format=%x1e%H%x1f%P%x1f%cI%x1f%s", "--name-only", "--", ".")
        shallow = _shallow_commits(content_dir)
    except (OSError, subprocess.SubprocessError):
        return History(note=NO_GIT)
    commits = []
    for chunk in log.split("\x1e")[1:]:
        head, _, names = chunk.partition("\n")
        commit, parents, date, message = head.split("\x1f", 3)
        files = [name for name in names.split("\n") if _kind_of(name)]
        commits.append((commit, parents.split(), date, message, files))
    capped = len(commits) > limit
    commits = commits[:limit]
    wanted = [f"{rev}:./{name}" for commit, parents, _, _, files in commits for name in files
              for rev in ([commit] + parents[:1])]
    try:
        blobs = dict(zip(wanted, _cat_files(content_dir, wanted)))
    except (OSError, subprocess.SubprocessError):
        return History(note=NO_GIT)
    revisions = []
    for commit, parents, date, message, files in commits:
        complete = commit not in shallow
        changes: list[RecordChange] = []
        for name in files if complete else ():
            before = blobs.get(f"{parents[0]}:./{name}") if parents else None
            changes += diff_file(name, before, blobs[f"{commit}:./{name}"])
        if changes or not complete:
            revisions.append(Revision(commit, date, message, tuple(changes), complete))
    return History(tuple(revisions), capped=capped)


def _git(content_dir: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(content_dir), "-c", "core.quotePath=false", *args],
                          capture_output=True, check=True, timeout=_GIT_TIMEOUT)
    return done.stdout.decode("utf-8", "replace")


def _shallow_commits(content_dir: Path) -> set[str]:
    """The commits where a shallow clone's history stops (none in a full clone)."""
    path = Path(_git(content_dir, "rev-parse", "--git-path", "shallow").strip())
    path = path if path.is_absolute() else content_dir / path
    return set(path.read_text(encoding="ascii").split()) if path.is_file() else set()


def _cat_files(content_dir: Path, names: list[str]) -> list[str | None]:
    """The text of each `<commit>:<path>`, None where that commit has no such file."""
    if not names:
        return []
    done = subprocess.run(["git", "-C", str(content_dir), "cat-file", "--batch"], input="\n".join(names).encode() + b"\n",
                          capture_output=True, check=True, timeout=_GIT_TIMEOUT)
    out, at, texts = done.stdout, 0, []
    for _ in names:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        if header[-1] == b"missing" or len(header) != 3:
            texts.append(None)
            at = end + 1
            continue
        size = int(header[2])
        texts.append(out[end + 1:end + 1 + size].decode("utf-8", "replace"))
        at = end + 1 + size + 1
    return texts


def _kind_of(name: str) -> tuple[str, str | None] | None:
    """The record kind of a content file and its briefing (None for shared files); None if the
    path (relative to the content folder) is not a content file."""
    kind, briefing = content_kind(tuple(name.split("/")))
    return (kind, briefing) if kind else None


def _records(name: str, kind: str, briefing: str | None, text: str | None) -> dict[str, Any] | None:
    """A file's records by id ({} for no file), or None if the file does not parse."""
    if text is None:
        return {}
    doc = parse_yaml(text, name, kind, briefing)
    data = getattr(doc, "data", None)
    if isinstance(data, dict) and kind == "briefing":
        return {briefing: data}
    if isinstance(data, list):
        return {str(r["id"]): r for r in data if isinstance(r, dict) and "id" in r}
    return {} if data is None and hasattr(doc, "data") else None


def diff_file(name: str, before: str | None, after: str | None) -> list[RecordChange]:
    """The records added, removed or changed between two texts of a content file."""
    kind, briefing = _kind_of(name) or ("", None)
    old, new = _records(name, kind, briefing, before), _records(name, kind, briefing, after)
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
    """How a list changed: the items added and removed, named when short, else counted."""
    added = [item for item in new if item not in old]
    removed = [item for item in old if item not in new]
    parts = []
    for verb, items in (("added", added), ("removed", removed)):
        if items and all(_is_short(i) for i in items):
            parts.append(f"{verb} " + ", ".join(_short(i) for i in items))
        elif items:
            parts.append(f"{len(items)} {verb}")
    return "; ".join(parts) or "reordered"
