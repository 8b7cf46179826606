"""A briefing's glossary terms, linked from their first use on each page of the briefing.

Works on the rendered HTML of a page, which the templates escape: only text between tags is
searched, and text inside links, headings, navigation, citation marks and the glossary's own
entries is left alone.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from html import escape
from typing import Iterator, Sequence

_TAG = re.compile(r"<[^>]*>")
_NAME = re.compile(r"</?([a-zA-Z0-9]+)")
# Text inside these elements is never linked: it is a link already, a heading or a label.
_SKIP = frozenset({"a", "h1", "h2", "h3", "h4", "h5", "h6", "nav", "sup", "dt", "time", "summary",
                   "caption", "script", "style", "title"})


# A character reference of escaped text (`&amp;`, `&#39;`, `&#x27;`): matched whole, so that no
# term is ever found inside one.
_REFERENCE = r"&(?:#[0-9]+|#x[0-9a-f]+|[a-z][a-z0-9]*);"
# The characters beyond ASCII that match an ASCII character when case is ignored, or whose
# str.lower() holds one or is more than one character (tests/test_reader_facts.py checks the list
# against every character). On a page without them, a use of a term written in ASCII is where the
# term is in the page's str.lower(), at the same place.
FOLDS_TO_ASCII = "\u0130\u0131\u017f\u212a"
# A skipped element's start or end tag (group 1: "/" for an end tag), named as _NAME reads it.
_SKIP_TAG = re.compile(rf"<(/?)(?:{'|'.join(sorted(_SKIP))})(?![a-zA-Z0-9])[^>]*(?<!/)>", re.IGNORECASE | re.ASCII)


@lru_cache(maxsize=64)
def terms_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    """The whole-word use of any of `terms` in escaped HTML text, any case, singular or plural; the
    group `t<n>` holds a use of the n-th term. At one place a longer term wins over a shorter one,
    and a character reference wins over any term (its match has no group)."""
    order = sorted(range(len(terms)), key=lambda n: -len(terms[n]))
    return re.compile(_REFERENCE + r"|(?<![\w-])(?:" + "|".join(
        f"(?P<t{n}>{re.escape(escape(terms[n], quote=False))}s?)" for n in order) + r")(?![\w-])", re.IGNORECASE)


def possible_starts(html: str, terms: tuple[str, ...]) -> list[int] | None:
    """The places in `html` where a use of a term may start, in order: every place where one of
    `terms_pattern` does is among them. A string search of the lowered page, much quicker than
    the pattern; None where it cannot tell (a term beyond ASCII), and a use may start anywhere."""
    escaped = [escape(term, quote=False).lower() for term in terms]
    if not all(map(str.isascii, escaped)) or any(char in html for char in FOLDS_TO_ASCII):
        return None
    lowered = html.lower()
    starts: set[int] = set()
    for term in escaped:
        at = lowered.find(term)
        while at >= 0:
            starts.add(at)
            at = lowered.find(term, at + 1)
    return sorted(starts)


def open_text(html: str) -> Iterator[tuple[int, int]]:
    """The start and end of each stretch of text between tags of `html` outside the skipped
    elements, in order."""
    depth = start = 0
    for tag in _TAG.finditer(html):
        if not depth and tag.start() > start:
            yield start, tag.start()
        start = tag.end()
        name = _NAME.match(tag.group())
        if name and name.group(1).lower() in _SKIP and not tag.group().endswith("/>"):
            depth += -1 if tag.group().startswith("</") else 1
    if not depth and len(html) > start:
        yield start, len(html)


def open_text_at(html: str, starts: list[int]) -> Iterator[tuple[int, int]]:
    """The stretches of `open_text` that hold one of `starts` (in order), for HTML whose every "<"
    starts a tag: found from those places, without a walk over every tag."""
    depth = counted = end = 0
    for at in starts:
        tag = html.rfind("<", 0, at + 1)
        if at < end or tag > html.rfind(">", 0, at):
            continue  # in the stretch just found, or inside a tag
        for slash in _SKIP_TAG.findall(html, counted, at):
            depth += -1 if slash else 1
        counted = at
        if not depth:
            end = html.find("<", at)
            end = len(html) if end < 0 else end
            yield html.find(">", tag) + 1 if tag >= 0 else 0, end


def link_first_uses(html: str, terms: Sequence[tuple[str, str]]) -> str:
    """`html` with the first use of each term (term, address of its entry) outside the skipped
    elements wrapped in a link to its entry."""
    if not terms:
        return html
    names = tuple(term for term, _ in terms)
    starts = possible_starts(html, names)
    # The pattern runs only on text where a use may start (on all text where that cannot be told).
    if starts is None:
        stretches = open_text(html)
    elif any(">" not in part for part in html.split("<")[1:]):  # a "<" that starts no tag of its own
        stretches = (span for span in open_text(html) if bisect_left(starts, span[0]) < bisect_left(starts, span[1]))
    else:
        stretches = open_text_at(html, starts)
    pattern = terms_pattern(names)
    todo = {f"t{n}": href for n, (_, href) in enumerate(terms)}
    pieces, done = [], 0  # html[:done] is in pieces
    for start, end in stretches:
        for found in pattern.finditer(html, start, end):
            href = todo.pop(found.lastgroup, None)
            if href is not None:
                pieces += [html[done:found.start()], f'<a class="term" href="{escape(href)}">{found.group()}</a>']
                done = found.end()
        if not todo:
            break
    return "".join(pieces) + html[done:] if pieces else html
