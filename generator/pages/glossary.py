"""A briefing's glossary terms, linked from their first use on each page of the briefing.

Works on the rendered HTML of a page, which the templates escape: only text between tags is
searched, and text inside links, headings, navigation, citation marks and the glossary's own
entries is left alone.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape
from typing import Sequence

_TAG = re.compile(r"(<[^>]*>)")
_NAME = re.compile(r"</?([a-zA-Z0-9]+)")
# Text inside these elements is never linked: it is a link already, a heading or a label.
_SKIP = frozenset({"a", "h1", "h2", "h3", "h4", "h5", "h6", "nav", "sup", "dt", "time", "summary",
                   "caption", "script", "style", "title"})


# A character reference of escaped text (`&amp;`, `&#39;`, `&#x27;`): matched whole, so that no
# term is ever found inside one.
_REFERENCE = r"&(?:#[0-9]+|#x[0-9a-f]+|[a-z][a-z0-9]*);"


@lru_cache(maxsize=64)
def terms_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    """The whole-word use of any of `terms` in escaped HTML text, any case, singular or plural; the
    group `t<n>` holds a use of the n-th term. At one place a longer term wins over a shorter one,
    and a character reference wins over any term (its match has no group)."""
    order = sorted(range(len(terms)), key=lambda n: -len(terms[n]))
    return re.compile(_REFERENCE + r"|(?<![\w-])(?:" + "|".join(
        f"(?P<t{n}>{re.escape(escape(terms[n], quote=False))}s?)" for n in order) + r")(?![\w-])", re.IGNORECASE)


def link_first_uses(html: str, terms: Sequence[tuple[str, str]]) -> str:
    """`html` with the first use of each term (term, address of its entry) outside the skipped
    elements wrapped in a link to its entry."""
    if not terms:
        return html
    pattern = terms_pattern(tuple(term for term, _ in terms))
    todo = {f"t{n}": href for n, (_, href) in enumerate(terms)}
    parts = _TAG.split(html)
    depth = 0
    for i, part in enumerate(parts):
        if not todo:
            break
        if i % 2:  # a tag
            name = _NAME.match(part)
            if name and name.group(1).lower() in _SKIP and not part.endswith("/>"):
                depth += -1 if part.startswith("</") else 1
            continue
        if depth:
            continue
        pieces, start = [], 0
        for found in pattern.finditer(part):
            href = todo.pop(found.lastgroup, None)
            if href is not None:
                pieces += [part[start:found.start()], f'<a class="term" href="{escape(href)}">{found.group()}</a>']
                start = found.end()
        if pieces:
            parts[i] = "".join(pieces) + part[start:]
    return "".join(parts)
