"""A briefing's glossary terms, linked from their first use on each page of the briefing.

Works on the rendered HTML of a page, which the templates escape: only text between tags is
searched, and text inside links, headings, navigation, citation marks and the glossary's own
entries is left alone.
"""

from __future__ import annotations

import re
from html import escape
from typing import Sequence

_TAG = re.compile(r"(<[^>]*>)")
_NAME = re.compile(r"</?([a-zA-Z0-9]+)")
# Text inside these elements is never linked: it is a link already, a heading or a label.
_SKIP = frozenset({"a", "h1", "h2", "h3", "h4", "h5", "h6", "nav", "sup", "dt", "time", "summary",
                   "caption", "script", "style", "title"})


def term_pattern(term: str) -> re.Pattern[str]:
    """The whole-word use of a term in escaped HTML text, any case, singular or plural."""
    return re.compile(r"(?<![\w-])" + re.escape(escape(term, quote=False)) + r"s?(?![\w-])", re.IGNORECASE)


def link_first_uses(html: str, terms: Sequence[tuple[str, str]]) -> str:
    """`html` with the first use of each term (term, address of its entry) outside the skipped
    elements wrapped in a link to its entry."""
    todo = [(term_pattern(term), href) for term, href in terms]
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
        if depth or not part.strip():
            continue
        for pattern, href in list(todo):
            found = pattern.search(part)
            if found:
                part = (f'{part[:found.start()]}<a class="term" href="{escape(href)}">{found.group(0)}</a>'
                        f'{part[found.end():]}')
                todo.remove((pattern, href))
        parts[i] = part
    return "".join(parts)
