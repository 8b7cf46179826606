"""Stage 1: read the content folder's YAML files (each through parse.parse_yaml) into a Content.

Where a file sits decides what it holds: shared collections at the top, one folder a briefing.
Besides the records, a content folder may hold the editors' copies of sources' texts (`texts/`,
never published; see quotations.py) and the report of the last check of the sources' addresses
(`link-report.yml`, see linkcheck.py). Files that are not content files, links, folders and
pipes where a file should be, files that cannot be read and text that is not UTF-8 are each
reported as one ContentError.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Mapping

from ..errors import ContentError, did_you_mean
from .parse import Document, line_col, parse_yaml
from ..content.fields import TEXTS_DIR
from ..content.linkreport import LINK_REPORT, LINK_REPORT_KIND
from ..content.schema import FILE_KINDS

MAX_FILE_BYTES = 10_000_000

# Where a file sits decides what it holds: shared collections at the top, one folder a briefing.
SHARED_FILES = {k.filename: k.kind for k in FILE_KINDS if k.shared}
BRIEFING_FILES = {k.filename: k.kind for k in FILE_KINDS if not k.shared}
BRIEFINGS_DIR = "briefings"


@dataclass(frozen=True)
class Content:
    """Every document of a content folder, in a stable order."""

    root: Path
    documents: tuple[Document, ...]
    unreadable: frozenset[tuple[str, str | None]] = frozenset()
    """(kind, briefing) of files that could not be parsed: their ids are unknown, not missing."""
    texts: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """The sources' texts by file name from the content folder (`texts/article.txt`): never published."""
    link_report: Document | None = None
    """The report of the last check of the sources' addresses, if there is one."""


def read_text(file: Path | str, display: str) -> str | ContentError:
    """A file's text as UTF-8, or an error that says why it cannot be read.

    Only a regular file is opened: opening a pipe waits for a writer, and a device may do anything.
    """
    try:
        mode = os.stat(file).st_mode
        if stat.S_ISDIR(mode):
            return ContentError(display, 1, 1, "is a folder, not a file",
                                "content files are .yml files; rename or move the folder")
        if not stat.S_ISREG(mode):
            return ContentError(display, 1, 1, "is not a regular file (a pipe, socket or device)",
                                "replace it with a plain .yml file")
        with open(file, "rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            if size > MAX_FILE_BYTES:
                return ContentError(display, 1, 1, f"file is {size:,} bytes, larger than the limit of "
                                    f"{MAX_FILE_BYTES:,}", "split the records across briefings or shorten them")
            raw = stream.read()
    except OSError as exc:
        return ContentError(display, 1, 1, f"cannot read the file: {exc.strerror or exc}",
                            "check that it exists and that you may read it")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = raw[: exc.start].decode("utf-8", errors="replace")
        pos = line_col(prefix + "x", len(prefix))
        return ContentError(display, pos.line, pos.column, "file is not valid UTF-8",
                            "save the file as UTF-8")


def content_kind(parts: tuple[str, ...]) -> tuple[str | None, str | None]:
    """(kind, briefing id) of a file by its path's parts under the content folder; kind None if none."""
    if len(parts) == 1:
        return SHARED_FILES.get(parts[0]), None
    if len(parts) == 3 and parts[0] == BRIEFINGS_DIR:
        return BRIEFING_FILES.get(parts[2]), parts[1]
    return None, None


def _classify(parts: tuple[str, ...]) -> tuple[str | None, str | None, str | None]:
    """`content_kind`, and a hint for a name that is not a content file's."""
    kind, briefing = content_kind(parts)
    if kind is not None or (len(parts) != 1 and briefing is None):  # a content file, or not one by place
        return kind, briefing, None
    return kind, briefing, did_you_mean(parts[-1], SHARED_FILES if briefing is None else BRIEFING_FILES)


def display_path(path: Path) -> str:
    """`path` as an editor would type it: relative to the working folder where possible."""
    try:
        return Path(os.path.relpath(path)).as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


def content_entries(root: Path) -> list[tuple[tuple[str, ...], os.DirEntry]]:
    """(path's parts relative to `root`, entry) of every file and folder under `root`, in the
    order of `sorted(root.rglob("*"))`, without hidden files and folders and what they hold."""
    found: list[tuple[tuple[str, ...], os.DirEntry]] = []

    def walk(folder: str, parts: tuple[str, ...]) -> None:
        try:
            entries = list(os.scandir(folder))
        except PermissionError:  # as rglob: a folder that cannot be listed is passed over
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            relative = parts + (entry.name,)
            found.append((relative, entry))
            if entry.is_dir(follow_symlinks=False):
                walk(entry.path, relative)

    if root.is_dir():
        walk(str(root), ())
    found.sort(key=lambda item: item[0])
    return found


def load_content(root: Path, parse: Callable[..., Document | ContentError] = parse_yaml
                 ) -> tuple[Content, list[ContentError]]:
    """Read every YAML file under `root` (each text through `parse`, as parse_yaml); unknown files
    and unreadable YAML are reported, not raised."""
    display_root = display_path(root)
    documents: list[Document] = []
    errors: list[ContentError] = []
    unreadable: set[tuple[str, str | None]] = set()
    texts: dict[str, str] = {}
    link_report: Document | None = None
    for parts, entry in content_entries(root):
        display = f"{display_root}/{'/'.join(parts)}"
        if entry.is_symlink():
            # A link could make the site (or an error message) show a file from outside the content.
            errors.append(ContentError(display, 1, 1, "symbolic links are not read",
                                       "copy the file or folder into the content folder"))
            continue
        name = parts[-1]
        if len(parts) == 2 and parts[0] == TEXTS_DIR and name.endswith(".txt") and not entry.is_dir():
            text = read_text(entry.path, display)
            if isinstance(text, ContentError):
                errors.append(text)
            else:
                texts["/".join(parts)] = text
            continue
        if parts == (LINK_REPORT,):
            text = read_text(entry.path, display)
            parsed = text if isinstance(text, ContentError) else parse(text, display, LINK_REPORT_KIND, None)
            if isinstance(parsed, ContentError):
                errors.append(parsed)
            else:
                link_report = parsed
            continue
        if not name.endswith((".yml", ".yaml")):
            if not entry.is_dir() and name.lower() not in ("readme.md", "readme.txt"):
                errors.append(ContentError(display, 1, 1, "unexpected file in the content folder",
                                           "content files are .yml, and sources' texts .txt files in "
                                           f"{TEXTS_DIR}/; move other files elsewhere"))
            continue
        kind, briefing, hint = _classify(parts)
        if kind is None:
            where = ("top-level files are " + ", ".join(SHARED_FILES) if len(parts) == 1
                     else "a briefing folder holds " + ", ".join(BRIEFING_FILES))
            errors.append(ContentError(display, 1, 1, f"unexpected file '{name}'", hint or where))
            continue
        text = read_text(entry.path, display)
        parsed = text if isinstance(text, ContentError) else parse(text, display, kind, briefing)
        if isinstance(parsed, ContentError):
            errors.append(parsed)
            unreadable.add((kind, briefing))
        else:
            documents.append(parsed)
    return (Content(root, tuple(documents), frozenset(unreadable), MappingProxyType(texts), link_report),
            errors)
