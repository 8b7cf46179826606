"""Stage 1: read the content folder's YAML files into plain values that remember their positions.

PyYAML's safe loader is the parser, but its defaults are not what editors expect: it keeps the
last of two duplicate keys, expands aliases without a limit, overflows the stack on deep nesting,
and turns `no`, `on`, `0755` and `2023-08-28` into a bool, an octal and a date. Here every scalar
is text unless it is plainly `true`/`false`, `null`/`~`, a decimal number; anchors and aliases
are refused, and so are explicit tags other than YAML's own for text, numbers, booleans, null,
lists and mappings (`!!str 1` is the text "1"); each problem becomes a ContentError with its line
and column.

That loader is the reference, and slow: a large archive is read first by yaml-rs (a YAML 1.2
parser in Rust), but only text in which the two cannot differ in what the schema accepts (see
`read_yaml`); a document yaml-rs read that has any problem is read again by the reference.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping, NamedTuple

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent, ScalarEvent, CollectionStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import ContentError, did_you_mean, shown
from .schema import FILE_KINDS

try:
    import yaml_rs
except ImportError:  # pragma: no cover - a platform without its wheel: every file takes the reference
    yaml_rs = None

# An archive of 1,000 briefings keeps about 2 MB of sources in sources.yml (see benchmarks/).
MAX_FILE_BYTES = 10_000_000
MAX_DEPTH = 50
# Characters no value may hold, however it is written (a quoted "\0" or "\e" as much as the raw
# byte): C0 and C1 controls other than tab and line feed (YAML turns every written line break into
# a line feed), surrogates and Unicode noncharacters. HTML forbids them, XML and iCalendar text
# cannot carry them, UTF-8 cannot encode surrogates, and a terminal obeys escape sequences in an
# error message.
FORBIDDEN_CHARACTERS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(chr(plane + 0xFFFE) + chr(plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000)) + "]")

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
    """One YAML file: its kind, its plain value, its text, and where each value and key stands.

    Documents compare by identity, so later stages can remember their work on one (see `parse_cached`).
    The positions are found only when asked for (in practice: to report a problem) by composing
    the text again: a table of every value's position is most of a large archive's memory.
    """

    path: str
    kind: str
    briefing: str | None
    data: Any
    text: str
    fast: bool = False
    """Read by yaml-rs: `data` is the reference's if the schema accepts it, else see `reference`."""

    @cached_property
    def reference(self) -> Document | ContentError:
        """The document as the reference loader reads it, or the error that stops it."""
        return parse_yaml(self.text, self.path, self.kind, self.briefing) if self.fast else self

    @cached_property
    def _tables(self) -> tuple[Mapping[Path_, Position], Mapping[Path_, Position]]:
        root = _compose_fast(self.text, native=_plainly_simple(self.text))
        if root is None:
            root = _compose(self.text, self.path)
        positions: dict[Path_, Position] = {(): Position(1, 1)}
        key_positions: dict[Path_, Position] = {}
        if root is not _EMPTY and not isinstance(root, ContentError):
            try:
                _to_value(root, (), positions, key_positions)
            except _Problem:  # only a document yaml-rs read that the reference refuses; see validate.py
                pass
        return MappingProxyType(positions), MappingProxyType(key_positions)

    @property
    def positions(self) -> Mapping[Path_, Position]:
        """Where each value stands, by its path from the document's root."""
        return self._tables[0]

    @property
    def key_positions(self) -> Mapping[Path_, Position]:
        """Where each mapping key stands, by the path of its value."""
        return self._tables[1]

    def position(self, at: Path_, *, key: bool = False) -> Position:
        """The position of the value (or key) at `at`, else of its nearest enclosing value."""
        table = self.key_positions if key else self.positions
        while at:
            if at in table:
                return table[at]
            if key and at in self.positions:
                return self.positions[at]
            at = at[:-1]
        return self.positions.get((), Position(1, 1))

    def error(self, at: Path_, message: str, hint: str | None = None, *, key: bool = False) -> ContentError:
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

    def resolve(self, kind, value, implicit):  # noqa: ANN001 - PyYAML's signature
        """BaseResolver.resolve without its path resolvers and wildcards, which this one has none of."""
        if kind is ScalarNode and implicit[0]:
            for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                if regexp.match(value):
                    return tag
        return _DEFAULT_TAGS[kind]


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."))
_DEFAULT_TAGS = {ScalarNode: _Resolver.DEFAULT_SCALAR_TAG, SequenceNode: _Resolver.DEFAULT_SEQUENCE_TAG,
                 MappingNode: _Resolver.DEFAULT_MAPPING_TAG}


class _Composer(Composer):
    """A composer that refuses anchors, aliases and nesting deeper than MAX_DEPTH."""

    _depth = 0

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not supported; write the value out", event.start_mark)
        if isinstance(event, (ScalarEvent, CollectionStartEvent)) and event.anchor is not None:
            raise yaml.composer.ComposerError(
                None, None, "anchors (&name) are not supported; write each value out", event.start_mark)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise yaml.composer.ComposerError(
                None, None, f"nesting deeper than {MAX_DEPTH} levels", event.start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _Loader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, _Composer, _Resolver):
    """PyYAML's pure-Python parser with our composer and resolver: the reference, and its messages."""

    def __init__(self, stream: str):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _Composer.__init__(self)
        _Resolver.__init__(self)


if yaml.__with_libyaml__:
    from yaml.cyaml import CParser

    class _FastLoader(_Composer, _Resolver, CParser):
        """libyaml's parser (about ten times faster) with the same composer and resolver."""

        def __init__(self, stream: str):
            CParser.__init__(self, stream)
            _Composer.__init__(self)
            _Resolver.__init__(self)
    class _NativeLoader(_Resolver, CParser):
        """libyaml's parser and PyYAML's C composer: again twice as fast, but without our refusals.

        Used only for text in which no anchor, alias or tag can start and whose nesting is plainly
        bounded (see `_plainly_simple`); `_to_value` checks the depth.
        """

        def __init__(self, stream: str):
            CParser.__init__(self, stream)
            _Resolver.__init__(self)
else:  # pragma: no cover - PyYAML's wheels include libyaml
    _FastLoader = _NativeLoader = None

# An anchor (&), alias (*) or tag (!) starts a node: at a line start, after a space or an indicator.
# Text in which none can start needs no refusal of them; a false alarm only costs speed.
_MAYBE_PROPERTY = re.compile(r"(?:^|[\s\[{,?:-])(?:[&*][^\s\[\]{},]|!)", re.MULTILINE)
# Block nesting takes indentation or indicators at the start of a line; flow nesting takes brackets.
_DEEP_LINE = re.compile(r"^[ \t?:-]{200,}", re.MULTILINE)
_MAX_BRACKETS = 200


def _plainly_simple(text: str) -> bool:
    """True if the text can hold no anchor, alias or tag and its nesting is bounded (a few hundred)."""
    return (_MAYBE_PROPERTY.search(text) is None and _DEEP_LINE.search(text) is None
            and text.count("[") + text.count("{") <= _MAX_BRACKETS)


class _Problem(Exception):
    def __init__(self, node: Node, message: str, hint: str | None = None):
        self.node, self.message, self.hint = node, message, hint


def _position(node: Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


_SEQUENCE, _MAPPING = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_SCALARS = {
    "tag:yaml.org,2002:str": str,
    "tag:yaml.org,2002:bool": lambda v: v.lower() == "true",
    "tag:yaml.org,2002:null": lambda v: None,
    "tag:yaml.org,2002:int": int,
    "tag:yaml.org,2002:float": float,
}


# FORBIDDEN_CHARACTERS, except that any character beyond the BMP also matches: a class this
# small searches a whole file about eight times faster, and an emoji only costs the search per value.
_MAYBE_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
                              "\U00010000-\U0010ffff]")


def _clean(text: str) -> bool:
    """True if no value of the text can hold a forbidden character: none is written, and no
    escape sequence (only a backslash starts one) can make one."""
    return "\\" not in text and _MAYBE_FORBIDDEN.search(text) is None


def _check_characters(node: ScalarNode) -> None:
    found = FORBIDDEN_CHARACTERS.search(node.value)
    if found:
        raise _Problem(node, f"the character U+{ord(found.group()):04X} is not allowed in text", "remove it")


def _to_value(node: Node, at: Path_, positions: dict | None, key_positions: dict | None,
              clean: bool = False) -> Any:
    """The plain value of a node; with tables, also records where each value and key stands.

    `clean`: the text is known to hold no forbidden character, so no scalar is searched for one.
    """
    if positions is not None:
        positions[at] = _position(node)
    if len(at) >= MAX_DEPTH:  # for the C composer; ours refuses this depth first, with this message
        raise _Problem(node, f"nesting deeper than {MAX_DEPTH} levels")
    if isinstance(node, ScalarNode):
        if not clean:
            _check_characters(node)
        convert = _SCALARS.get(node.tag)
        if convert is None:
            raise _Problem(node, f"the tag {node.tag!r} is not supported", "remove the tag")
        try:
            return convert(node.value)
        except ValueError:  # an explicit tag on a value it does not fit: `!!int x`
            raise _Problem(node, f"the tag {node.tag!r} does not fit the value {shown(node.value)}",
                           "remove the tag") from None
    if node.tag != (_SEQUENCE if isinstance(node, SequenceNode) else _MAPPING):
        raise _Problem(node, f"the tag {node.tag!r} is not supported", "remove the tag")
    if isinstance(node, SequenceNode):
        return [_to_value(item, at + (i,), positions, key_positions, clean) for i, item in enumerate(node.value)]
    if isinstance(node, MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == "tag:yaml.org,2002:null":
                raise _Problem(key_node, "a key must be a plain name")
            if not clean:
                _check_characters(key_node)
            key = key_node.value
            if key == "<<":
                raise _Problem(key_node, "merge keys (<<) are not supported", "write the fields out")
            if key in result:
                first = next(_position(k) for k, _ in node.value if k.value == key)
                raise _Problem(key_node, f"duplicate key '{key}'",
                               f"it is already set at line {first.line}; keep one")
            if key_positions is not None:
                key_positions[at + (key,)] = _position(key_node)
            result[key] = _to_value(value_node, at + (key,), positions, key_positions, clean)
        return result
    raise _Problem(node, "unsupported YAML node")  # pragma: no cover - PyYAML has no other kind


def _line_col(text: str, index: int) -> Position:
    before = text[:index]
    return Position(before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1)


def parse_yaml(text: str, path: str, kind: str, briefing: str | None = None) -> Document | ContentError:
    """Parse one YAML text; return its Document, or the first error that stops parsing."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if _plainly_simple(text):
        parsed = _parse(text, path, kind, briefing, native=True)
        if isinstance(parsed, Document):
            return parsed
        # Report the problem our composer finds first, as for any other text.
    return _parse(text, path, kind, briefing, native=False)


def _parse(text: str, path: str, kind: str, briefing: str | None, native: bool) -> Document | ContentError:
    root = _compose_fast(text, native=native)
    if root is None:
        root_or_error = _compose(text, path)
        if isinstance(root_or_error, ContentError):
            return root_or_error
        root = root_or_error
    data = None
    if root is not _EMPTY:
        try:
            data = _to_value(root, (), None, None, _clean(text))
        except _Problem as problem:
            pos = _position(problem.node)
            return ContentError(path, pos.line, pos.column, problem.message, problem.hint)
    return Document(path, kind, briefing, data, text)


_EMPTY = ScalarNode("tag:yaml.org,2002:null", "")


def _compose_fast(text: str, native: bool = False) -> Node | None:
    """The document's node tree through libyaml (`native`: and the C composer); None if it is
    unavailable or finds any problem.

    Problems are then reported by the pure-Python parser, so messages do not depend on libyaml.
    """
    if _FastLoader is None:
        return None
    loader = None
    try:
        loader = (_NativeLoader if native else _FastLoader)(text)
        root = loader.get_single_node()
    except (yaml.YAMLError, ValueError):  # ValueError: text libyaml cannot encode, like a lone surrogate
        return None
    finally:
        if loader is not None:
            loader.dispose()
    return _EMPTY if root is None else root


def _compose(text: str, path: str) -> Node | ContentError:
    """The document's node tree through PyYAML's pure-Python parser, or the error that stops it."""
    loader = None
    try:
        loader = _Loader(text)
        root = loader.get_single_node()
    except yaml.reader.ReaderError as exc:
        pos = _line_col(text, exc.position)
        char = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        return ContentError(path, pos.line, pos.column, f"character {char} is not allowed in YAML",
                            "remove control characters")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or exc.context or "invalid YAML"
        hint = "check the indentation and quoting" if isinstance(exc, (yaml.scanner.ScannerError,
                                                                         yaml.parser.ParserError)) else None
        if mark is None:
            return ContentError(path, 1, 1, message, hint)
        return ContentError(path, mark.line + 1, mark.column + 1, message, hint)
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML error we know carries a mark
        return ContentError(path, 1, 1, str(exc))
    finally:
        if loader is not None:
            loader.dispose()
    return _EMPTY if root is None else root


# Where yaml-rs (YAML 1.2) and the reference can read the same text differently, and the schema
# could accept both readings. Anything else it reads differently the schema refuses: a number, a
# float, a boolean or a null where text is wanted, a key that is not text (`1:`, `~:`, `? [a]`), a
# merge key kept as a field; such a document is read again by the reference (validate.py).
# The searches run on the UTF-8 bytes, which yaml-rs reads too: a third of the time on text.
#
# Characters: escape sequences differ (`\/`, `\e`, `\N`...), as do line breaks (CR, NEL, LS and PS
# break lines in YAML 1.1 only) and tabs; no forbidden character (FORBIDDEN_CHARACTERS) may pass
# unreported. Text that is printable once its line feeds are set aside holds none of them.
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F)) + b"\n"
# Nodes: yaml-rs expands aliases and drops tags silently, and reads flow collections by other
# rules; an `&`, `*`, `!`, `[`, `{`, `?`, `%`, `@` or backquote where a node may start sends the
# text to the reference, as does a merge key (`<<`).
_NODE_STARTS = tuple(c.encode() for c in "&*![{?%@`")
# Lines: directives and document markers (yaml-rs returns several documents as a list), and deep
# block nesting (yaml-rs recurses and overflows the stack some thousands of levels down; block
# nesting takes indentation or indicators at the start of a line, and flow nesting is refused above).
_LINE_START = re.compile(rb"\n(?:---|\.\.\.|%|[ ?:-]{200})")
# Numbers: 0755, 0x1F, 0o17, 0b11 and 1_000 are whole numbers in YAML 1.2 but text here. Only
# `para` and `n` take whole numbers, so only their values are searched (`n` only in sources.yml).
_ODD_NUMBER = rb"""["']?[ ]*:\s*(?:#[^\n]*\s*)*[-+]?(?:0|[0-9]+_)"""
_ODD_PARA = re.compile(b"para" + _ODD_NUMBER)
_ODD_N = re.compile(b"n" + _ODD_NUMBER)


def _portable(raw: bytes, kind: str) -> bool:
    """True if yaml-rs reads the UTF-8 text `raw` as the reference loader does, wherever the schema
    could accept its reading. Conservative: a false alarm costs only speed."""
    if b"\\" in raw or (b"<" in raw and b"<<" in raw):
        return False
    # Deleting the ASCII bytes from UTF-8 leaves the other characters, still UTF-8.
    others = raw.translate(None, _PRINTABLE_ASCII)
    if others and not others.decode("utf-8").isprintable():
        return False
    if _LINE_START.search(b"\n" + raw[:256]) or _LINE_START.search(raw):
        return False
    if _ODD_PARA.search(raw) or (kind == "source" and _ODD_N.search(raw)):
        return False
    return not any(char in raw and _at_node_start(raw, char) for char in _NODE_STARTS)


def _at_node_start(raw: bytes, char: bytes) -> bool:
    """True if `char` occurs where a node may start: first on its line, or after an indicator."""
    at = raw.find(char)
    while at >= 0:
        before = raw[raw.rfind(b"\n", 0, at) + 1:at].rstrip(b" ")
        if not before or before[-1:] in (b":", b"-", b"?", b",", b"[", b"{"):
            return True
        at = raw.find(char, at + 1)
    return False


def read_yaml(text: str, path: str, kind: str, briefing: str | None = None) -> Document | ContentError:
    """`parse_yaml`, through yaml-rs where that gives the same result (about ten times faster).

    The Document it returns is `fast`: its data is the reference's if the schema accepts it; if
    not, `Document.reference` reads it again (validate.py does so), for the reference's messages.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: the reference says where
        raw = None
    if yaml_rs is not None and raw is not None and _portable(raw, kind):
        try:
            data = yaml_rs.load(raw, parse_datetime=False)
        except Exception:  # noqa: BLE001 - whatever yaml-rs refuses, the reference says what and where
            pass
        else:
            return Document(path, kind, briefing, data, text, fast=True)
    return parse_yaml(text, path, kind, briefing)


# `mkdocs serve` loads the whole folder after every save: a file whose text is unchanged gets the
# same Document back, unparsed, and the same validated records (validate.py keys on the Document).
parse_cached = lru_cache(maxsize=16384)(read_yaml)


def read_text(file: Path | str, display: str) -> str | ContentError:
    """A file's text as UTF-8, or an error that says why it cannot be read."""
    with open(file, "rb") as stream:
        size = os.fstat(stream.fileno()).st_size
        if size > MAX_FILE_BYTES:
            return ContentError(display, 1, 1, f"file is {size:,} bytes, larger than the limit of "
                                f"{MAX_FILE_BYTES:,}", "split the records across briefings or shorten them")
        raw = stream.read()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = raw[: exc.start].decode("utf-8", errors="replace")
        pos = _line_col(prefix + "x", len(prefix))
        return ContentError(display, pos.line, pos.column, "file is not valid UTF-8",
                            "save the file as UTF-8")


def _classify(parts: tuple[str, ...]) -> tuple[str | None, str | None, str | None]:
    """(kind, briefing id, hint) for a file under content/ by its path's parts; kind None when it
    is not a content file."""
    if len(parts) == 1:
        kind = SHARED_FILES.get(parts[0])
        return kind, None, None if kind else did_you_mean(parts[0], SHARED_FILES)
    if len(parts) == 3 and parts[0] == BRIEFINGS_DIR:
        kind = BRIEFING_FILES.get(parts[2])
        return kind, parts[1], None if kind else did_you_mean(parts[2], BRIEFING_FILES)
    return None, None, None


def display_path(path: Path) -> str:
    """`path` as an editor would type it: relative to the working folder where possible."""
    try:
        return Path(os.path.relpath(path)).as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


Entry = tuple[tuple[str, ...], os.DirEntry]
"""A file or folder under the content folder: its path's parts relative to it, and its entry."""


def content_entries(root: Path) -> list[Entry]:
    """Every file and folder under `root`, in the order of `sorted(root.rglob("*"))`, without
    hidden files and folders and what they hold."""
    found: list[Entry] = []

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


def briefing_of(parts: tuple[str, ...]) -> str | None:
    """The briefing whose folder holds the entry at `parts`, if it is inside one."""
    return parts[1] if len(parts) > 2 and parts[0] == BRIEFINGS_DIR else None


def load_content(root: Path, entries: list[Entry] | None = None) -> tuple[Content, list[ContentError]]:
    """Read every YAML file under `root` (or those of `entries`, from `content_entries(root)`);
    unknown files and unreadable YAML are reported, not raised."""
    display_root = display_path(root)
    documents: list[Document] = []
    errors: list[ContentError] = []
    unreadable: set[tuple[str, str | None]] = set()
    for parts, entry in content_entries(root) if entries is None else entries:
        display = f"{display_root}/{'/'.join(parts)}"
        if entry.is_symlink():
            # A link could make the site (or an error message) show a file from outside the content.
            errors.append(ContentError(display, 1, 1, "symbolic links are not read",
                                       "copy the file or folder into the content folder"))
            continue
        if entry.is_dir():
            continue
        name = parts[-1]
        if not name.endswith((".yml", ".yaml")):
            if name.lower() not in ("readme.md", "readme.txt"):
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
        parsed = text if isinstance(text, ContentError) else parse_cached(text, display, kind, briefing)
        if isinstance(parsed, ContentError):
            errors.append(parsed)
            unreadable.add((kind, briefing))
        else:
            documents.append(parsed)
    return Content(root, tuple(documents), frozenset(unreadable)), errors
