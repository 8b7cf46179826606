"""Stage 1: read the content folder's YAML files into plain values that remember their positions.

Each file is composed once by libyaml (PyYAML's C parser and composer) with our own resolver,
and one walk of the node tree makes its plain value and the positions of its values and keys.
Every scalar is text unless it is plainly `true`/`false`, `null`/`~` or a decimal number (not
YAML 1.1's `no`, `0755` or dates); aliases, merge keys, duplicate keys and explicit tags other
than YAML's own (`!!str 1` is the text "1") are refused, each as a ContentError with its place.
"""

from __future__ import annotations

import itertools
import os
import re
import stat
from array import array
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, NamedTuple

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import ContentError, did_you_mean, shown
from .schema import FILE_KINDS

MAX_FILE_BYTES = 10_000_000
MAX_DEPTH = 50
# Characters no value may hold, raw or escaped ("\0", "\e"): C0 and C1 controls but tab and line
# feed (YAML turns every line break into one), surrogates and noncharacters. HTML forbids them,
# XML and iCalendar cannot carry them, and a terminal obeys escape sequences in an error message.
FORBIDDEN_CHARACTERS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(chr(plane + 0xFFFE) + chr(plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000)) + "]")
# FORBIDDEN_CHARACTERS and any character beyond the BMP: a small class, quick to search a file for.
_MAYBE_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
                              "\U00010000-\U0010ffff]")
# The characters YAML (PyYAML and libyaml alike) does not allow anywhere in a stream.
_NOT_YAML = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# Where a file sits decides what it holds: shared collections at the top, one folder a briefing.
SHARED_FILES = {k.filename: k.kind for k in FILE_KINDS if k.shared}
BRIEFING_FILES = {k.filename: k.kind for k in FILE_KINDS if not k.shared}
BRIEFINGS_DIR = "briefings"

Path_ = tuple[str | int, ...]


class Position(NamedTuple):
    """A line and column, counting from 1. A tuple, because a large archive has millions of them."""

    line: int
    column: int


@dataclass(frozen=True, eq=False)
class Document:
    """One YAML file: its kind, its plain value, and where each of its values and keys stands.

    `marks` holds a line and a column (from 0, packed in one number) for each value and key in
    the order of the text, which is that of `data` walked depth first, each key before its
    value. Which path has which place is worked out when first asked (to report a problem).
    """

    path: str
    kind: str
    briefing: str | None
    data: Any
    marks: array = field(repr=False)

    @cached_property
    def _order(self) -> dict[Path_, int]:
        """The place of each value's path in `marks`."""
        order: dict[Path_, int] = {}
        places = itertools.count()

        def visit(value: Any, at: Path_) -> None:
            order[at] = next(places)
            if isinstance(value, dict):
                for key, item in value.items():
                    next(places)  # the key's
                    visit(item, at + (key,))
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    visit(item, at + (i,))

        visit(self.data, ())
        return order

    def position(self, at: Path_, *, key: bool = False) -> Position:
        """The position of the value (or key) at `at`, else of its nearest enclosing value."""
        order = self._order
        while at not in order:
            at = at[:-1]
        place = order[at] - (1 if key and at and isinstance(at[-1], str) else 0)
        packed = self.marks[place]
        return Position((packed >> 32) + 1, (packed & 0xFFFFFFFF) + 1)

    def error(self, at: Path_, message: str, hint: str | None = None, *, key: bool = False) -> ContentError:
        """A ContentError at the value (or key) at `at`."""
        pos = self.position(at, key=key)
        return ContentError(self.path, pos.line, pos.column, message, hint)


@dataclass(frozen=True)
class Content:
    """Every document of a content folder, in a stable order."""

    root: Path
    documents: tuple[Document, ...]
    unreadable: frozenset[tuple[str, str | None]] = frozenset()
    """(kind, briefing) of files that could not be parsed: their ids are unknown, not missing."""


class _Resolver(yaml.resolver.BaseResolver):
    """Only the plain scalars an editor means: true/false, null, decimal numbers; the rest is text."""


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."))


class _PureLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer,
                  _Resolver):
    """PyYAML's pure-Python parser and composer with our resolver: where libyaml is missing."""

    def __init__(self, stream: str):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _Resolver.__init__(self)


if yaml.__with_libyaml__:
    from yaml.cyaml import CParser

    class _Loader(CParser, _Resolver):
        """libyaml's parser and composer with our resolver, as PyYAML builds its CSafeLoader."""

        def __init__(self, stream: str):
            CParser.__init__(self, stream)
            _Resolver.__init__(self)
else:  # pragma: no cover - PyYAML's wheels include libyaml
    _Loader = _PureLoader


class _Problem(Exception):
    def __init__(self, node: Node, message: str, hint: str | None = None):
        self.node, self.message, self.hint = node, message, hint


_SEQUENCE, _MAPPING, _NULL = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map", "tag:yaml.org,2002:null"
_SCALARS = {
    "tag:yaml.org,2002:str": str,
    "tag:yaml.org,2002:bool": lambda v: v.lower() == "true",
    _NULL: lambda v: None,
    "tag:yaml.org,2002:int": int,
    "tag:yaml.org,2002:float": float,
}
_ALIAS = "aliases (*name) are not supported; write the value out"


def _walk(root: Node, check_characters: bool) -> tuple[Any, array]:
    """The plain value of the node tree `root`, and the `marks` of its values and keys (see Document).

    The composer hands back an anchor's node for each alias of it: a node met twice is an alias,
    reported at the key or list it stands in (its own place is not kept).
    """
    marks: list[int] = []
    seen: set[int] = set()

    def value(node: Node, depth: int, place: Node) -> Any:  # place: where an alias is reported
        if id(node) in seen:
            raise _Problem(place, _ALIAS)
        seen.add(id(node))
        mark = node.start_mark
        marks.append(mark.line << 32 | mark.column)
        if depth >= MAX_DEPTH:
            raise _Problem(node, f"nesting deeper than {MAX_DEPTH} levels")
        cls = type(node)
        if cls is ScalarNode:
            return scalar(node)
        if cls is SequenceNode and node.tag == _SEQUENCE:
            return [value(item, depth + 1, node) for item in node.value]
        if cls is not MappingNode or node.tag != _MAPPING:
            raise _Problem(node, f"the tag {node.tag!r} is not supported", "remove the tag")
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if id(key_node) in seen:
                raise _Problem(key_node, _ALIAS)
            seen.add(id(key_node))
            if type(key_node) is not ScalarNode or key_node.tag == _NULL:
                raise _Problem(key_node, "a key must be a plain name")
            scalar(key_node)  # for its characters and tag; the key is the text as written
            key = key_node.value
            if key == "<<":
                raise _Problem(key_node, "merge keys (<<) are not supported", "write the fields out")
            if key in result:
                first = next(k.start_mark.line + 1 for k, _ in node.value if k.value == key)
                raise _Problem(key_node, f"duplicate key '{key}'", f"it is already set at line {first}; keep one")
            mark = key_node.start_mark
            marks.append(mark.line << 32 | mark.column)
            result[key] = value(value_node, depth + 1, key_node)
        return result

    def scalar(node: ScalarNode) -> Any:
        if check_characters:
            found = FORBIDDEN_CHARACTERS.search(node.value)
            if found:
                raise _Problem(node, f"the character U+{ord(found.group()):04X} is not allowed in text",
                               "remove it")
        convert = _SCALARS.get(node.tag)
        if convert is None:
            raise _Problem(node, f"the tag {node.tag!r} is not supported", "remove the tag")
        try:
            return convert(node.value)
        except ValueError:  # an explicit tag on a value it does not fit: `!!int x`
            raise _Problem(node, f"the tag {node.tag!r} does not fit the value {shown(node.value)}",
                           "remove the tag") from None

    return value(root, 0, root), array("Q", marks)


def _line_col(text: str, index: int) -> Position:
    before = text[:index]
    return Position(before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1)


def parse_yaml(text: str, path: str, kind: str, briefing: str | None = None) -> Document | ContentError:
    """Parse one YAML text; return its Document, or the first error that stops parsing."""
    if text.startswith("\ufeff"):
        text = text[1:]
    root = _compose(text, path)
    if isinstance(root, ContentError):
        return root
    if root is None:
        return Document(path, kind, briefing, None, array("Q", [0]))
    # Only a written character or an escape sequence (a backslash) can put one in a value.
    try:
        data, marks = _walk(root, "\\" in text or _MAYBE_FORBIDDEN.search(text) is not None)
    except _Problem as problem:
        mark = problem.node.start_mark
        return ContentError(path, mark.line + 1, mark.column + 1, problem.message, problem.hint)
    return Document(path, kind, briefing, data, marks)


def _compose(text: str, path: str) -> Node | None | ContentError:
    """The document's node tree (None for an empty document), or the error that stops composing it."""
    loader = None
    try:
        loader = _Loader(text)
        return loader.get_single_node()
    except (yaml.reader.ReaderError, UnicodeEncodeError):  # libyaml cannot encode a lone surrogate
        found = _NOT_YAML.search(text)  # libyaml refuses the same characters
        pos = _line_col(text, found.start())
        return ContentError(path, pos.line, pos.column, f"character U+{ord(found.group()):04X} is not "
                            "allowed in YAML", "remove control characters")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or exc.context or "invalid YAML"
        hint = "check the indentation and quoting" if isinstance(exc, (yaml.scanner.ScannerError,
                                                                         yaml.parser.ParserError)) else None
        # Ours too, in our words: an alias to no anchor, and nesting beyond libyaml's 1,000 levels.
        if message.startswith("found undefined alias"):
            message, hint = _ALIAS, None
        elif message == "exceeded maximum nesting depth":
            message, hint = f"nesting deeper than {MAX_DEPTH} levels", None
        pos = Position(mark.line + 1, mark.column + 1) if mark else Position(1, 1)
        return ContentError(path, pos.line, pos.column, message, hint)
    except RecursionError:  # pragma: no cover - only PyYAML's pure-Python composer recurses
        return ContentError(path, 1, 1, f"nesting deeper than {MAX_DEPTH} levels")
    finally:
        if loader is not None:
            loader.dispose()


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
        pos = _line_col(prefix + "x", len(prefix))
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
    for parts, entry in content_entries(root):
        display = f"{display_root}/{'/'.join(parts)}"
        if entry.is_symlink():
            # A link could make the site (or an error message) show a file from outside the content.
            errors.append(ContentError(display, 1, 1, "symbolic links are not read",
                                       "copy the file or folder into the content folder"))
            continue
        name = parts[-1]
        if not name.endswith((".yml", ".yaml")):
            if not entry.is_dir() and name.lower() not in ("readme.md", "readme.txt"):
                errors.append(ContentError(display, 1, 1, "unexpected file in the content folder",
                                           "content files are .yml; move other files elsewhere"))
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
    return Content(root, tuple(documents), frozenset(unreadable)), errors
