"""The one content-error type, the exception that carries them all, and their printed forms."""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True, order=True)
class ContentError:
    """A problem in the content, at a place an editor can jump to."""

    path: str
    line: int
    column: int
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}:{self.column}: {self.message}"
        return one_line(f"{text} ({self.hint})" if self.hint else text)

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "hint": self.hint,
        }


class ContentErrors(Exception):
    """Raised by a stage when the content has problems; carries all of them, sorted."""

    def __init__(self, errors: Iterable[ContentError]):
        self.errors = in_report_order(errors)
        super().__init__(format_plain(self.errors))


def in_report_order(errors: Iterable[ContentError]) -> list[ContentError]:
    """Each problem once, by path, line and column: as every report lists them."""
    return sorted(set(errors))


# Control characters, line and paragraph separators, bidirectional and zero-width marks, surrogates.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]")


def one_line(text: str) -> str:
    """`text` safe to print on one terminal line: tabs, line breaks and control characters escaped."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def shown(value: object, limit: int = 80) -> str:
    """A value from the content, quoted for a message and cut short if it is long."""
    text = str(value)
    return f"'{text[:limit]}…'" if len(text) > limit else f"'{text}'"


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """A "did you mean" hint naming the closest candidate, if one is close."""
    close = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def format_plain(errors: Iterable[ContentError]) -> str:
    """One `path:line:col: message (hint)` line per error."""
    return "\n".join(str(e) for e in errors)


def format_grouped(errors: list[ContentError], noun: str = "problem") -> str:
    """Errors grouped under their file, ending with a count (of `noun`s); for people at a terminal."""
    lines: list[str] = []
    current = None
    for error in errors:
        if error.path != current:
            if current is not None:
                lines.append("")
            lines.append(one_line(error.path))
            current = error.path
        lines.append(f"  {error}")
    if errors:
        lines.append("")
    lines.append(count_problems(errors, noun))
    return "\n".join(lines)


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """`1 file`, `2 files`: a number with its noun, plural (`plural`, else the noun and "s") when
    it is not one. Pages use it too, as the `counted` filter."""
    return f"{number} {noun}" if number == 1 else f"{number} {plural or noun + 's'}"


def count_problems(errors: list[ContentError], noun: str = "problem") -> str:
    """`3 problems in 2 files`: the last line of the grouped report."""
    return f"{counted(len(errors), noun)} in {counted(len({e.path for e in errors}), 'file')}"


def format_json(errors: list[ContentError]) -> str:
    """The same problems as JSON, for editor integrations."""
    return json.dumps({"problems": [e.as_dict() for e in errors], "count": len(errors)},
                      ensure_ascii=False, indent=2)
