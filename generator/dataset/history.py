"""What changed: the content's git history as revisions of records, for the changes pages and feeds.

`read_history` is a function of the content folder alone: it asks git (through its command line,
`git log` and `git cat-file --batch`) for the newest revisions of the content files, parses each
file before and after each revision with the content loader, and compares the records by id,
field by field. Every date comes from a commit, never from the clock, so the same history gives
the same pages. Without git, outside a repository, or where git fails, there is no history and
`History.note` says why; a shallow clone gives the revisions it holds.

What changed is told for readers: records by their titles, citations by their sources' titles,
editors' notes and drafts never mentioned. A commit's message is for editors; only a line of it
marked for readers (`Readers: …` or `Correction: …`, see READER_MARKS) is shown.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Mapping

from ..errors import counted
from ..read.load import content_kind
from ..read.parse import parse_yaml

MAX_REVISIONS = 200
"""How many of the newest revisions of the content are read: a long history keeps builds quick."""
PER_BRIEFING = 50
"""How many revisions a briefing's changes page and feed show, newest first."""
# Longer values are not quoted in a change: "summary: reworded".
_SHORT = 80
_GIT_TIMEOUT = 60
READER_MARKS = {"readers": False, "correction": True}
"""The marks of a commit message's lines meant for readers (`Readers: …`, `Correction: …`, as git
trailers or anywhere in the message), each with whether it marks a correction."""
_MARKED = re.compile(r"^(readers|correction):[ \t]*(\S.*)$", re.IGNORECASE | re.MULTILINE)
# Fields readers never hear of: editors' notes (their words, or that they changed) and drafts.
_UNTOLD = frozenset(["editor_note", "draft"])
# Field names in words, where the name alone would not do.
_FIELD_WORDS = {"sources": "citations", "when": "date", "name_zh": "Chinese name", "para": "paragraph"}
# The field that names an item of a list of records, in the order they are looked for.
_ITEM_NAMES = ("id", "title", "term", "name", "text", "city", "n")


@dataclass(frozen=True)
class RecordChange:
    """One record added, removed or changed in a revision; `fields` says how, in words; `title`
    is the record's name for readers (its title, name or text, as of the revision)."""

    kind: str
    record: str
    action: str
    fields: tuple[str, ...] = ()
    briefing: str | None = None
    title: str = ""


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
    note: str = ""
    """The message's lines marked for readers (see READER_MARKS), "" if none."""
    correction: bool = False
    """Whether the note marks a correction."""
    anchor: str = ""
    """The revision's fragment on a changes page: its date, and a number after the first of a day."""


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
                found.append(replace(revision, changes=changes))
        return History(tuple(found[:PER_BRIEFING]), self.note, self.capped or len(found) > PER_BRIEFING)


NO_GIT = "The content is not kept in git here, so no history of changes is shown."


def read_history(content_dir: Path, limit: int = MAX_REVISIONS,
                 sources: Mapping[str, Any] | None = None) -> History:
    """The newest `limit` revisions of the content folder's files that changed records; citations
    are named by the titles of `sources` (the checked content's, by id), else by their ids."""
    try:
        log = _git(content_dir, "log", f"-n{limit + 1}", "--no-merges", "--no-renames", "--relative",
                   "--format=%x1e%H%x1f%P%x1f%cI%x1f%B%x1d", "--name-only", "--", ".")
        shallow = _shallow_commits(content_dir)
    except (OSError, subprocess.SubprocessError):
        return History(note=NO_GIT)
    commits = []
    for chunk in log.split("\x1e")[1:]:
        head, _, names = chunk.partition("\x1d")
        commit, parents, date, message = head.split("\x1f", 3)
        files = [name for name in names.split("\n") if name and _kind_of(name)]
        commits.append((commit, parents.split(), date, message, files))
    capped = len(commits) > limit
    commits = commits[:limit]
    wanted = [f"{rev}:./{name}" for commit, parents, _, _, files in commits for name in files
              for rev in ([commit] + parents[:1])]
    try:
        blobs = dict(zip(wanted, _cat_files(content_dir, wanted)))
    except (OSError, subprocess.SubprocessError):
        return History(note=NO_GIT)
    names = {sid: source.title for sid, source in (sources or {}).items()}
    revisions = []
    for commit, parents, date, message, files in commits:
        complete = commit not in shallow
        changes: list[RecordChange] = []
        for name in files if complete else ():
            before = blobs.get(f"{parents[0]}:./{name}") if parents else None
            changes += diff_file(name, before, blobs[f"{commit}:./{name}"], names)
        if changes or not complete:
            note, correction = reader_note(message)
            revisions.append(Revision(commit, date, message.strip().partition("\n")[0], tuple(changes), complete,
                                      note, correction))
    return History(_anchored(revisions), capped=capped)


def reader_note(message: str) -> tuple[str, bool]:
    """The lines of a commit message marked for readers, joined, and whether one marks a correction."""
    found = _MARKED.findall(message)
    return " ".join(text.strip() for _, text in found), any(READER_MARKS[mark.lower()] for mark, _ in found)


def _anchored(revisions: list[Revision]) -> tuple[Revision, ...]:
    """The revisions (newest first), each with its anchor: `rev-` and its date, and `-2`, `-3` for
    the later ones of a day, so that a newer revision never changes an older one's."""
    seen: dict[str, int] = {}
    anchors = []
    for revision in reversed(revisions):
        day = revision.date[:10]
        seen[day] = seen.get(day, 0) + 1
        anchors.append(f"rev-{day}" + (f"-{seen[day]}" if seen[day] > 1 else ""))
    return tuple(replace(r, anchor=a) for r, a in zip(revisions, reversed(anchors)))


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


def diff_file(name: str, before: str | None, after: str | None,
              names: Mapping[str, str] | None = None) -> list[RecordChange]:
    """The records added, removed or changed between two texts of a content file; citations are
    named by the titles in `names` (source id -> title)."""
    kind, briefing = _kind_of(name) or ("", None)
    old, new = _records(name, kind, briefing, before), _records(name, kind, briefing, after)
    if old is None or new is None:
        return [RecordChange(kind, name, "unreadable", (), briefing)] if old != new else []
    changes = []
    for rid in new.keys() - old.keys():
        changes.append(RecordChange(kind, rid, "added", (), briefing, _title(new[rid], rid)))
    for rid in old.keys() - new.keys():
        changes.append(RecordChange(kind, rid, "removed", (), briefing, _title(old[rid], rid)))
    for rid in old.keys() & new.keys():
        fields = describe_fields(old[rid], new[rid], names)
        if fields:
            changes.append(RecordChange(kind, rid, "changed", fields, briefing, _title(new[rid], rid)))
    return sorted(changes, key=lambda c: (c.action, c.record))


def _title(record: dict[str, Any], rid: str) -> str:
    """A record's name for readers: its title, name, term or text (cut short), else its id."""
    for key in ("title", "name", "term", "text"):
        if isinstance(record.get(key), str):
            return _cut(record[key])
    return rid


def _cut(text: str, limit: int = _SHORT) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def describe_fields(old: dict[str, Any], new: dict[str, Any], names: Mapping[str, str] | None = None
                    ) -> tuple[str, ...]:
    """Each field that differs between two versions of a record, in words for readers ("status:
    planned → happened", "citation added: Readout of the talks", "role 'Commerce Secretary':
    citation added: …"); editors' notes and drafts are never mentioned."""
    names = names or {}
    words = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key), new.get(key)
        if a == b or key in _UNTOLD:
            continue
        field = _FIELD_WORDS.get(key, key.replace("_", " "))
        if key == "sources" and isinstance(a, list) and isinstance(b, list):
            words += _citation_words(a, b, names)
        elif key not in old:
            words.append(f"{field}: added" + (f" ({_short(b)})" if _is_short(b) else ""))
        elif key not in new:
            words.append(f"{field}: removed")
        elif _is_short(a) and _is_short(b):
            words.append(f"{field}: {_short(a)} → {_short(b)}")
        elif isinstance(a, list) and isinstance(b, list):
            words += _list_words(field, a, b, names)
        elif isinstance(a, dict) and isinstance(b, dict):
            words += [f"{field}: {w}" for w in describe_fields(a, b, names)]
        elif isinstance(a, str) and isinstance(b, str):
            words.append(f"{field}: reworded")
        else:
            words.append(f"{field}: changed")
    return tuple(words)


def _citation_words(old: list, new: list, names: Mapping[str, str]) -> list[str]:
    """How a list of citations changed, each named by its source's title."""
    def by_source(citations: list) -> dict[str, list]:
        found: dict[str, list] = {}
        for c in citations:
            key = c.get("source") if isinstance(c, dict) else None
            found.setdefault(str(key), []).append(c)
        return found

    before, after = by_source(old), by_source(new)
    words = []
    for source in after.keys() | before.keys():
        name = names.get(source, source)
        if source not in before:
            words.append(f"citation added: {name}")
        elif source not in after:
            words.append(f"citation removed: {name}")
        elif before[source] != after[source]:
            words.append(f"citation of {name} changed")
    return sorted(words)


def _is_short(value: Any) -> bool:
    return not isinstance(value, (list, dict)) and len(str(value)) <= _SHORT


def _short(value: Any) -> str:
    return "none" if value is None else str(value).lower() if isinstance(value, bool) else str(value)


def _list_words(field: str, old: list, new: list, names: Mapping[str, str]) -> list[str]:
    """How a list changed: short items added and removed by name; records (roles, steps, terms)
    matched by their name, each told as added, removed or how it changed."""
    if not all(isinstance(i, dict) for i in old + new):
        added = [item for item in new if item not in old]
        removed = [item for item in old if item not in new]
        parts = []
        for verb, items in (("added", added), ("removed", removed)):
            if items and all(_is_short(i) for i in items):
                parts.append(f"{verb} " + ", ".join(_short(i) for i in items))
            elif items:
                parts.append(f"{counted(len(items), 'item')} {verb}")
        return [f"{field}: " + ("; ".join(parts) or "reordered")]
    item = field[:-3] + "y" if field.endswith("ies") else field.removesuffix("s")
    before, after = _named(old), _named(new)
    words = []
    for name, record in after.items():
        if name not in before:
            words.append(f"{item} added: {name}")
        else:
            words += [f"{item} {name}: {w}" for w in describe_fields(before[name], record, names)]
    words += [f"{item} removed: {name}" for name in before if name not in after]
    return words or [f"{field}: reordered"]


def _named(records: list[dict]) -> dict[str, dict]:
    """Records of a list by their name (see _ITEM_NAMES), quoted; by position where they have none."""
    named = {}
    for i, record in enumerate(records):
        key = next((k for k in _ITEM_NAMES if k in record and _is_short(record[k])), None)
        named[f"‘{_cut(str(record[key]), 60)}’" if key else f"{i + 1}"] = record
    return named
