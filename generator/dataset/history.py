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

What changed is told for readers: records by their titles, citations by their sources' titles,
editors' notes and drafts never mentioned. A commit's message is for editors; only a line of it
marked for readers (`Readers: …` or `Correction: …`, see READER_MARKS) is shown.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Hashable, Mapping

from ..content.excerpt import shorten
from ..errors import counted
from ..read.load import content_kind
from ..read.parse import FORBIDDEN_CHARACTERS, parse_yaml

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

MAX_BLOB_BYTES = 1_000_000
"""A version of a content file larger than this is not read from the history: its revision says
that it was not compared."""
MAX_HISTORY_BYTES = 20_000_000
"""How many bytes of file versions one reading of the history reads at most: older revisions
beyond that are left out, as beyond MAX_REVISIONS."""
MAX_MESSAGE = 200
"""How many characters of a commit's subject are kept."""
MAX_NOTE = 600
"""How many characters of a commit message's lines for readers are shown."""
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


def read_history(content_dir: Path, limit: int = MAX_REVISIONS, sources: Mapping[str, Any] | None = None,
                 known: dict[str, Any] | None = None) -> History:
    """The newest `limit` revisions of the content folder's files that changed records; citations
    are named by the titles of `sources` (the checked content's, by id), else by their ids.

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
    tallied: set[str] = set()
    for kept, commit in enumerate(commits):
        for blob in commit.blobs - tallied - known.keys():
            tallied.add(blob)
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
    names = {sid: source.title for sid, source in (sources or {}).items()}
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
            changes += diff_records(name, old, new, names)
        if changes or not complete:
            revisions.append(Revision(commit.id, commit.date, commit.message, tuple(changes), complete,
                                      commit.note, commit.correction))
    # Keep the versions this history holds, and forget those that fell out of it.
    for blob in known.keys() - used:
        del known[blob]
    return History(_anchored(revisions), capped=capped)


def reader_note(message: str) -> tuple[str, bool]:
    """The lines of a commit message marked for readers, joined (without control characters, at
    most MAX_NOTE characters), and whether one marks a correction."""
    found = _MARKED.findall(message)
    note = clean_message(" ".join(text.strip() for _, text in found), MAX_NOTE)
    return note, any(READER_MARKS[mark.lower()] for mark, _ in found)


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


@dataclass(frozen=True)
class _Commit:
    """One commit of the log: its id, date, subject (made safe to show), and each content file it
    changed as (path, blob before, blob after), None where there was no file."""

    id: str
    date: str
    message: str
    files: tuple[tuple[str, str | None, str | None], ...]
    note: str = ""
    """The message's lines marked for readers (see READER_MARKS), "" if none."""
    correction: bool = False

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
               "--no-show-signature", "--no-notes", "--format=%H%x00%cI%x00%s%x00%b", "--", ".")
    fields = out.decode("utf-8", "replace").split("\0")
    if fields and fields[-1] in ("", "\n"):
        fields.pop()
    commits, at = [], 0
    while at < len(fields):
        commit, date, subject, body = fields[at:at + 4]
        if not _HEX_ID.fullmatch(commit) or not _ISO_DATE.fullmatch(date):
            raise ValueError("unexpected output of git log")
        at += 4
        files = []
        while at + 1 < len(fields) and (raw := _RAW.fullmatch(fields[at])):
            name, before, after = fields[at + 1], raw.group(1), raw.group(2)
            if _kind_of(name):
                files.append((name, None if not before.strip("0") else before, None if not after.strip("0") else after))
            at += 2
        note, correction = reader_note(f"{subject}\n{body}")
        commits.append(_Commit(commit, date, clean_message(subject), tuple(files), note, correction))
    return commits


def clean_message(subject: str, limit: int = MAX_MESSAGE) -> str:
    """A commit's words as a page may show them: no control characters, at most `limit` characters."""
    text = " ".join(FORBIDDEN_CHARACTERS.sub("", subject).split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


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


def diff_file(name: str, before: str | None, after: str | None,
              names: Mapping[str, str] | None = None) -> list[RecordChange]:
    """The records added, removed or changed between two texts of a content file (None: no file);
    citations are named by the titles in `names` (source id -> title)."""
    kind, briefing = _kind_of(name) or ("", None)
    return diff_records(name, *(_records(name, kind, briefing, text) if text is not None else {}
                                for text in (before, after)), names)


def diff_records(name: str, old: dict[str, Any] | None, new: dict[str, Any] | None,
                 names: Mapping[str, str] | None = None) -> list[RecordChange]:
    """The records added, removed or changed between two versions of a content file's records by
    id (None: a version that cannot be read)."""
    kind, briefing = _kind_of(name) or ("", None)
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
    """`text` shortened to about `limit` characters, never inside a quotation."""
    return shorten(text, limit)


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
        # Compared by their frozen form, in one pass over each list.
        old_keys, new_keys = [_frozen(item) for item in old], [_frozen(item) for item in new]
        old_set, new_set = set(old_keys), set(new_keys)
        added = [item for item, key in zip(new, new_keys) if key not in old_set]
        removed = [item for item, key in zip(old, old_keys) if key not in new_set]
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


def _frozen(value: Any) -> Hashable:
    """A plain value (text, number, list, mapping) as a hashable one that is equal where it is."""
    if isinstance(value, dict):
        return (dict, frozenset((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, list):
        return (list, tuple(_frozen(item) for item in value))
    return value
