"""Stage 1, one file: a YAML text into a plain value that remembers the positions of its parts.

Each file is composed once by libyaml (PyYAML's C parser and composer) with our own resolver,
and one walk of the node tree makes its plain value and the positions of its values and keys.
Every scalar is text unless it is plainly `true`/`false`, `null`/`~` or a decimal number (not
YAML 1.1's `no`, `0755` or dates); aliases, merge keys, duplicate keys and explicit tags other
than YAML's own (`!!str 1` is the text "1") are refused, each as a ContentError with its place.
"""

from __future__ import annotations

import itertools
import re
from array import array
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Iterator, NamedTuple

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import ContentError, shown

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

Path_ = tuple[str | int, ...]
# The marker `briefing new` puts in every text an editor has to write (a placeholder: see check/drafts.py).
PLACEHOLDER = re.compile(r"\bTODO\b")


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
    placeholders: tuple[tuple[Path_, str], ...] = ()
    """The texts holding the scaffold's placeholder (placeholder_texts), with their paths."""

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
class _Resolver(yaml.resolver.BaseResolver):
    """Only the plain scalars an editor means: true/false, null, decimal numbers; the rest is text.

    The composer asks for every node's tag. `resolve` answers as BaseResolver's does for a
    resolver with implicit resolvers only (no path resolvers, none for any first character),
    without the path bookkeeping that only path resolvers use.
    """

    def descend_resolver(self, current_node: Node | None, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if regexp.fullmatch(value):
                        return tag
            return self.DEFAULT_SCALAR_TAG
        return self.DEFAULT_SEQUENCE_TAG if kind is SequenceNode else self.DEFAULT_MAPPING_TAG


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
_STR = "tag:yaml.org,2002:str"
_SCALARS = {
    _STR: str,
    "tag:yaml.org,2002:bool": lambda v: v.lower() == "true",
    _NULL: lambda v: None,
    "tag:yaml.org,2002:int": int,
    "tag:yaml.org,2002:float": float,
}
_ALIAS = "aliases (*name) are not supported; write the value out"


def _walk(root: Node, check_characters: bool, check_aliases: bool) -> tuple[Any, array]:
    """The plain value of the node tree `root`, and the `marks` of its values and keys (see Document).

    The composer hands back an anchor's node for each alias of it: with `check_aliases`, a node
    met twice is an alias, reported at the key or list it stands in (its own place is not kept).
    """
    marks: list[int] = []
    seen: set[int] = set()

    def value(node: Node, depth: int, place: Node) -> Any:  # place: where an alias is reported
        if check_aliases:
            if id(node) in seen:
                raise _Problem(place, _ALIAS)
            seen.add(id(node))
        mark = node.start_mark
        marks.append(mark.line << 32 | mark.column)
        if depth >= MAX_DEPTH:
            raise _Problem(node, f"nesting deeper than {MAX_DEPTH} levels")
        cls = type(node)
        if cls is ScalarNode:
            # Most values are text with nothing to check: no call for those.
            return node.value if node.tag == _STR and not check_characters else scalar(node)
        if cls is SequenceNode and node.tag == _SEQUENCE:
            return [value(item, depth + 1, node) for item in node.value]
        if cls is not MappingNode or node.tag != _MAPPING:
            raise _Problem(node, f"the tag {node.tag!r} is not supported", "remove the tag")
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if check_aliases:
                if id(key_node) in seen:
                    raise _Problem(key_node, _ALIAS)
                seen.add(id(key_node))
            if type(key_node) is not ScalarNode or key_node.tag == _NULL:
                raise _Problem(key_node, "a key must be a plain name")
            key = key_node.value  # the text as written, whatever its tag (which must be YAML's own)
            if key_node.tag != _STR or check_characters:
                scalar(key_node)
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


def line_col(text: str, index: int) -> Position:
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
    # Only a written character or an escape sequence (a backslash) can put one in a value, and
    # only an alias, which starts with `*`, can make a node appear twice.
    try:
        data, marks = _walk(root, "\\" in text or _MAYBE_FORBIDDEN.search(text) is not None, "*" in text)
    except _Problem as problem:
        mark = problem.node.start_mark
        return ContentError(path, mark.line + 1, mark.column + 1, problem.message, problem.hint)
    return Document(path, kind, briefing, data, marks, placeholder_texts(text, data))


def _compose(text: str, path: str) -> Node | None | ContentError:
    """The document's node tree (None for an empty document), or the error that stops composing it."""
    loader = None
    try:
        loader = _Loader(text)
        return loader.get_single_node()
    except (yaml.reader.ReaderError, UnicodeEncodeError):  # libyaml cannot encode a lone surrogate
        found = _NOT_YAML.search(text)  # libyaml refuses the same characters
        pos = line_col(text, found.start())
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


def _strings(value: Any, at: Path_ = ()) -> Iterator[tuple[Path_, str]]:
    if isinstance(value, str):
        yield at, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, at + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, at + (i,))


def placeholder_texts(text: str, value: Any) -> tuple[tuple[Path_, str], ...]:
    """The texts in `value`, a file's plain value, that hold the placeholder, with their paths;
    `text` is the file's YAML, which must hold the marker, or an escape that could spell it, for
    any to."""
    if "TODO" not in text and "\\" not in text:
        return ()
    return tuple((at, found) for at, found in _strings(value) if PLACEHOLDER.search(found))


def split_items(text: str) -> list[tuple[int, str]] | None:
    """The items of a text that is one block list at the left margin, each as (its first line,
    from 0; its text), so that each can be parsed alone (`parse_items`); None for any other text.

    Every line at the left margin must start an item (`- `) or be blank, indented or a comment;
    a text with a document marker or a directive there, a tab there, a line break other than a
    line feed or a byte-order mark is not split. A quotation or bracket left open across an
    item's end makes that item fail to parse alone, which `parse_items` answers by parsing the
    whole text.
    """
    if _NOT_AN_ITEM.search(text) or any(mark in text for mark in "\r\x85\u2028\u2029\ufeff"):
        return None
    starts = [found.start() for found in _ITEM.finditer(text)]
    if not starts:
        return None
    items, lines = [], text.count("\n", 0, starts[0])
    for n, start in enumerate(starts):
        stop = starts[n + 1] if n + 1 < len(starts) else len(text)
        items.append((0 if n == 0 else lines, text[0 if n == 0 else start:stop]))
        lines += text.count("\n", start, stop)
    return items


# A line at the left margin that is not blank, indented, a comment or the start of an item; the
# start of an item.
_NOT_AN_ITEM = re.compile(r"^(?:[^ \n#-]|-[^ \n])", re.MULTILINE)
_ITEM = re.compile(r"^-(?:[ \n]|\Z)", re.MULTILINE)


def parse_items(text: str, path: str, kind: str, briefing: str | None,
                parse_item: Callable[[str], Document | ContentError]) -> Document | ContentError:
    """parse_yaml of a long list one item at a time: `parse_item` parses the text of one item (as
    `parse_yaml`; a rebuild answers from its last parse of the same text), and the items make one
    Document, each item's places moved to its lines. Parses the whole text whenever the items
    cannot give exactly what that parse gives (see `split_items`), and always for an error,
    whose place and message are then the whole text's."""
    items = split_items(text)
    if items is None or len(items) < 2:
        return parse_yaml(text, path, kind, briefing)
    data: list[Any] = []
    marks = array("Q")
    placeholders: list[tuple[Path_, str]] = []
    for n, (line, item) in enumerate(items):
        found = parse_item(item)
        if not isinstance(found, Document) or type(found.data) is not list or len(found.data) != 1:
            return parse_yaml(text, path, kind, briefing)
        if n == 0:
            marks.append(found.marks[0])  # the list's own place: where its first item starts
        shift = line << 32
        marks.extend(found.marks[1:] if not shift else (mark + shift for mark in found.marks[1:]))
        placeholders.extend(((n, *at[1:]), found_text) for at, found_text in found.placeholders)
        data.append(found.data[0])
    return Document(path, kind, briefing, data, marks, tuple(placeholders))
