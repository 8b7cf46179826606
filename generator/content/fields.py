"""The field types of the schema: ids, texts, dates, addresses, references, and their checks.

Each type carries its JSON Schema and its words for a value it refuses (`id_problem`,
`text_problem` and the `_check_*` functions), so that validation, the JSON Schema and the
authoring reference say the same thing (see schema.py, which builds the records from them).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import AfterValidator, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

from ..errors import shown
from .addresses import address_problem

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ID_MAX = 64
_ID_RE = re.compile(ID_PATTERN)
# Names Windows reserves for devices, with or without an extension: no page may be called so.
_WINDOWS_NAMES = frozenset(["con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                            *(f"lpt{i}" for i in range(10))])
# The name of each collection's index page (people/index.html): a record page of that name would
# overwrite it.
_PAGE_NAMES = frozenset(["index"])
_RESERVED_NAMES = _WINDOWS_NAMES | _PAGE_NAMES
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_APPROX_RE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_URL_RE = re.compile(r"^https?://[^\s<>\"'`]+$")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WIKIDATA_RE = re.compile(r"^Q[1-9][0-9]*$")
# A source's text, kept beside the records and never published: a plain file name under texts/.
TEXTS_DIR = "texts"
_TEXT_FILE_RE = re.compile(r"^texts/[a-z0-9]+(?:-[a-z0-9]+)*\.txt$")


def _fail(message: str, hint: str | None = None) -> PydanticCustomError:
    return PydanticCustomError("content", message, {"hint": hint} if hint else {})


def id_problem(value: str) -> tuple[str, str | None] | None:
    """What is wrong with `value` as an id, and a hint; None for a good id."""
    if len(value) > ID_MAX:
        return f"id is {len(value)} characters long; the limit is {ID_MAX}", None
    if not _ID_RE.fullmatch(value):
        return (f"{shown(value)} is not a valid id",
                "use lowercase letters, digits and single hyphens, like 'wang-wentao'")
    if value in _WINDOWS_NAMES:
        return f"{shown(value)} is a reserved file name on Windows", f"choose another id, like '{value}-1'"
    if value in _PAGE_NAMES:
        return (f"{shown(value)} is reserved: it names the page that lists a collection",
                f"choose another id, like '{value}-1'")
    return None


def text_problem(value: str) -> tuple[str, str | None] | None:
    """What is wrong with `value` as text, and a hint; None for good text."""
    if _CONTROL_RE.search(value):
        return "text contains a control character", "remove it"
    if not value.strip():
        return "text is empty", "write something or remove the field"
    return None


def _words_except(words: frozenset[str], alphabet: str) -> list[str]:
    """Patterns that together match every string over `alphabet` as long as the words (all of one
    length) except the words themselves: at each prefix of a word, any other next character."""
    length = len(next(iter(words)))
    patterns = []
    for size in range(length):
        for prefix in sorted({w[:size] for w in words}):
            taken = {w[size] for w in words if w.startswith(prefix)}
            others = "".join(c for c in alphabet if c not in taken)
            rest = length - size - 1
            patterns.append(re.escape(prefix) + f"[{others}]" + (f"[{alphabet}]{{{rest}}}" if rest else ""))
    return patterns


def _accepted_ids() -> str:
    """A pattern (for pydantic-core's regular expressions, which have no lookahead) that matches
    exactly the values `id_problem` accepts, but for their length: ids of two or more parts, and
    one-part ids that are not a reserved name."""
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    by_length: dict[int, set[str]] = {}
    for name in _RESERVED_NAMES:
        by_length.setdefault(len(name), set()).add(name)
    lengths = sorted(by_length)
    one_part = [f"[a-z0-9]{{{n}}}" for n in range(1, lengths[-1] + 1) if n not in by_length]
    one_part += [p for n in lengths for p in _words_except(frozenset(by_length[n]), alphabet)]
    one_part.append(f"[a-z0-9]{{{lengths[-1] + 1},}}")
    return "^(?:" + "|".join(one_part) + "|[a-z0-9]+(?:-[a-z0-9]+)+)$"


# The characters `str.strip` removes (none lies beyond U+3000), and those `_CONTROL_RE` finds,
# as a pattern's class.
_SPACES = "".join(f"\\x{{{ord(c):x}}}" for c in map(chr, range(0x3001)) if c.isspace())
_CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
# Checked in pydantic-core, not by a Python function per value (a large archive has a million):
# a value either pattern refuses gets its message from `id_problem` or `text_problem`
# (see validate.py), so the messages are theirs.
ACCEPTED_ID = _accepted_ids()
ACCEPTED_TEXT = f"^[^{_CONTROLS}]*[^{_CONTROLS}{_SPACES}][^{_CONTROLS}]*$"


def _check_date(value: str) -> str:
    if not _DATE_RE.fullmatch(value):
        raise _fail(f"{shown(value)} is not a date", "write dates as YYYY-MM-DD, like '2023-08-28'")
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise _fail(f"{shown(value)} is not a real date") from None
    return value


def _check_approx_date(value: str) -> str:
    if not _APPROX_RE.fullmatch(value):
        raise _fail(f"{shown(value)} is not a date",
                    "write YYYY, YYYY-MM or YYYY-MM-DD; put wording like 'earlier in 2023' in when_text")
    year, month, day = (value.split("-") + [None, None])[:3]
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise _fail(f"{shown(value)} is not a real date") from None
    return value


def _check_time(value: str) -> str:
    if not _TIME_RE.fullmatch(value):
        raise _fail(f"{shown(value)} is not a time", "write 24-hour local time as HH:MM, like '09:30'")
    return value


def _check_url(value: str) -> str:
    if not _URL_RE.fullmatch(value):
        raise _fail(f"{shown(value)} is not a web address", "only http:// and https:// addresses are allowed")
    problem = address_problem(value)
    if problem is not None:
        raise _fail(f"{shown(value)} {problem[0]}", problem[1])
    return value


def _check_country(value: str) -> str:
    if not _COUNTRY_RE.fullmatch(value):
        raise _fail(f"{shown(value)} is not a country code", "use the two-letter ISO code, like 'US' or 'CN'")
    return value


def _check_wikidata(value: str) -> str:
    if not _WIKIDATA_RE.fullmatch(value):
        raise _fail(f"{shown(value)} is not a Wikidata id",
                    "write the item's id as its Wikidata page shows it: Q and digits, like 'Q42'")
    return value


def _check_text_file(value: str) -> str:
    if not _TEXT_FILE_RE.match(value):
        raise _fail(f"{shown(value)} is not the name of a source's text file",
                    "keep the text in content/texts/ and write its name so, like 'texts/news-article.txt'")

# What Markdown can read quickly and without deep recursion (Python-Markdown recurses once per
# level of nested lists and quotes, and reads from each '[' of a link to its ']' and '(' to its
# ')': an unclosed one, to the end of the text). Far beyond what a briefing's text needs.
MAX_MARKDOWN = 20_000
MAX_MARKDOWN_NESTING = 10
_MAX_BRACKET_READING = 200_000
# One container at the start of a line: a list item's marker or a quote's `>`.
_CONTAINER = re.compile(r"(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$))[ \t]*")
# A line that starts two levels at least: the lines worth counting.
_DEEP_START = re.compile(r"^(?:[ \t]{8}|[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])[ \t])[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)))",
                         re.M)


def markdown_problem(value: str) -> tuple[str, str] | None:
    """What keeps Markdown text from being read quickly and safely, and a hint; None if nothing."""
    if len(value) > MAX_MARKDOWN:
        return (f"Markdown text is {len(value):,} characters long; the limit is {MAX_MARKDOWN:,}",
                "split it, or shorten it")
    if _DEEP_START.search(value) and _nesting(value) > MAX_MARKDOWN_NESTING:
        return f"Markdown nested deeper than {MAX_MARKDOWN_NESTING} levels of lists and quotes", "flatten the lists"
    # Each '[' and each '(' makes the link parser read at most the rest of the text: a text whose
    # brackets cannot add up to the limit need not be read character by character.
    if "[" in value and (value.count("[") + value.count("(")) * len(value) > _MAX_BRACKET_READING:
        problem = _bracket_problem(value)
        if problem is not None:
            return (f"Markdown brackets that are left open or nested deeply: {problem}",
                    "write a bracket that starts no link as \\[")
    return None


def _nesting(value: str) -> int:
    """The deepest nesting of lists and quotes: on each line, a level per four columns of
    indentation and per container marker."""
    deepest = 0
    for line in value.split("\n"):
        stripped = line.lstrip(" \t")
        depth = len(line[:len(line) - len(stripped)].expandtabs(4)) // 4
        at = 0
        while (found := _CONTAINER.match(stripped, at)) is not None and found.end() > at:
            depth, at = depth + 1, found.end()
        deepest = max(deepest, depth)
    return deepest


def _bracket_problem(value: str) -> str | None:
    """Why Markdown's link parser would read too much of `value`, or None: it reads from each '['
    (not escaped) to its ']', and from each '(' just after a ']' to its ')', or to the end."""
    reading, deepest = 0, 0
    brackets: list[int] = []
    parens: list[tuple[int, bool]] = []  # where each '(' opens, and whether it opens a link's address
    escaped = False
    for at, char in enumerate(value):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            brackets.append(at)
            deepest = max(deepest, len(brackets))
        elif char == "]" and brackets:
            reading += at - brackets.pop()
        elif char == "(":
            parens.append((at, at > 0 and value[at - 1] == "]"))
        elif char == ")" and parens:
            start, link = parens.pop()
            reading += at - start if link else 0
    open_links = [start for start, link in parens if link]
    reading += sum(len(value) - start for start in brackets + open_links)
    if reading <= _MAX_BRACKET_READING:
        return None
    if brackets or open_links:
        first = min(brackets + open_links)
        return f"a '{value[first]}' at character {first + 1} is never closed"
    return f"brackets are nested {deepest:,} deep"


def _check_markdown(value: str) -> str:
    problem = markdown_problem(value)
    if problem is not None:
        raise _fail(*problem)
    return value


def wikidata_url(item: str) -> str:
    """The address of a Wikidata item's page, from its id ('Q42')."""
    return "https://www.wikidata.org/wiki/" + item


@dataclass(frozen=True)
class Ref:
    """Marks a field whose value is the id of another record of `kind`."""

    kind: str


def _string(check, description: str, **schema) -> object:
    return Annotated[str, AfterValidator(check),
                     WithJsonSchema({"type": "string", "description": description, **schema})]


class _TextJsonSchema(WithJsonSchema):
    """A text type's JSON Schema, with the length limit a field may add (`Field(max_length=...)`):
    pydantic joins that limit to the type's own constraints, which the fixed schema replaces."""

    def __get_pydantic_json_schema__(self, core_schema, handler):  # noqa: ANN001 - pydantic's signature
        limit = handler(core_schema).get("maxLength")
        return {**self.json_schema, **({"maxLength": limit} if limit is not None else {})}


def _text(description: str, *checks: object) -> object:
    # The JSON Schema last: the authoring reference knows each type by it (see reference.py).
    return Annotated[(str, StringConstraints(pattern=ACCEPTED_TEXT), *checks,
                      _TextJsonSchema({"type": "string", "description": description, "minLength": 1}))]


Text = _text("Plain text; shown exactly as written (never as markup).")
Markdown = _text("Markdown: emphasis, lists and http(s)/mailto/relative links; no raw HTML.",
                 AfterValidator(_check_markdown))
Id = Annotated[str, StringConstraints(max_length=ID_MAX, pattern=ACCEPTED_ID),
               WithJsonSchema({"type": "string", "description": "An id: lowercase letters, digits and single hyphens.",
                               "pattern": ID_PATTERN, "maxLength": ID_MAX})]
Date = _string(_check_date, "A calendar date, YYYY-MM-DD.", pattern=_DATE_RE.pattern)
ApproxDate = _string(_check_approx_date, "A date as precise as known: YYYY, YYYY-MM or YYYY-MM-DD.",
                     pattern=_APPROX_RE.pattern)
Time = _string(_check_time, "Local time, 24-hour HH:MM.", pattern=_TIME_RE.pattern)
Url = _string(_check_url, "An http:// or https:// address.", pattern=_URL_RE.pattern)
Country = _string(_check_country, "Two-letter ISO 3166 country code, like US or CN.",
                  pattern=_COUNTRY_RE.pattern)
WikidataId = _string(_check_wikidata, "A Wikidata item id: Q and digits, like Q42.", pattern=_WIKIDATA_RE.pattern)
TextFile = _string(_check_text_file, "A file of content/texts/, named from the content folder: texts/NAME.txt.",
                   pattern=_TEXT_FILE_RE.pattern)


def ref(kind: str, description: str) -> object:
    """An id field that must name an existing record of `kind`."""
    return Annotated[str, StringConstraints(max_length=ID_MAX, pattern=ACCEPTED_ID), Ref(kind),
                     WithJsonSchema({"type": "string", "pattern": ID_PATTERN, "description": description})]


SourceRef = ref("source", "The id of a source in sources.yml.")
PersonRef = ref("person", "The id of a person in people.yml.")
OrganizationRef = ref("organization", "The id of an organisation in organizations.yml.")
ActorRef = ref("actor", "The id of a person (people.yml) or an organisation (organizations.yml).")
AgendaRef = ref("agenda", "The id of an agenda item of this briefing (agenda.yml).")
IssueRef = ref("issue", "The id of a dispute or an agreement of this briefing.")
EventRef = ref("event", "The id of a shared event (events.yml) or of another briefing.")

Weekday = Literal["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WEEKDAYS: tuple[str, ...] = Weekday.__args__
