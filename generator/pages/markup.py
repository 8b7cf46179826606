"""Markdown fields to safe HTML: no raw HTML from content, only http(s), mailto and relative links."""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup

from ..content.addresses import spoofs

ALLOWED_TAGS = {"p", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code", "pre", "br",
                "hr", "h3", "h4", "h5", "h6", "sup", "sub"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer"
_LINK_WITHOUT_HREF = re.compile(rf'<a((?: title="[^"]*")?) rel="{LINK_REL}">')
# A link keeps its target only when a browser reads it the way the text shows it: an http(s) or
# mailto address, or a path relative to the page. Whitespace (Markdown turns a tab in
# `java<TAB>script:` into spaces), backslashes (`\\host` means `//host`) and a leading slash (a root
# path breaks reading the site from disk; `//host` leaves the site unannounced) lose the target.
_SAFE_HREF = re.compile(r"(?:(?:https?://|mailto:)[^\s\\]+|(?![/\\])[^\s\\:#]*(?:#[^\s\\]*)?)", re.I)


def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=[], output_format="html")
    # Raw HTML in content is shown as text, never passed through as markup.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


_MD = _markdown()


# Text that Markdown leaves as it is: lines that start no block (heading, list, quote, rule, code,
# underline) and hold no character that starts inline markup, an entity or an escape, no control
# character and no whitespace but single spaces inside a line. Such a field converts to one
# paragraph of its text, which the sanitiser keeps as it is. `_TEXT_CHAR` is every character
# but those and the whitespace of str.isspace() other than the space (tests/test_markup.py checks
# the list), and makes one fast character class; the tests compare the shortcut with the full path.
_TEXT_CHAR = r"[^\\`*_\[\]!<>&#\x00-\x1f\x7f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
_TEXT_LINE = rf"(?![-+= ]|\d+\.){_TEXT_CHAR}+(?<! )"
_PLAIN_TEXT = re.compile(rf"{_TEXT_LINE}(?:\n{_TEXT_LINE})*\n?")
# Letters, marks, numbers, punctuation and symbols; not controls, format characters or unassigned
# code points, which the HTML parser of the sanitiser may replace or drop.
_TEXT_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No",
                              "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So"})


def plain_paragraph(text: str) -> str | None:
    """`text` itself when Markdown would make one paragraph of it unchanged, else None."""
    if not _PLAIN_TEXT.fullmatch(text):
        return None
    if not text.isascii() and any(unicodedata.category(c) not in _TEXT_CATEGORIES
                                  for c in text if not c.isascii()):
        return None
    return text[:-1] if text.endswith("\n") else text


@lru_cache(maxsize=65536)
def render_markdown(text: str) -> Markup:
    """One Markdown field as sanitised HTML; the same text is converted once per process."""
    plain = plain_paragraph(text)
    if plain is not None:
        return Markup(f"<p>{plain}</p>")
    return convert_markdown(text)


class RenderFailure(Exception):
    """A Markdown field that could not be rendered: its text, and why (build.fields_located
    reports it at the field's place)."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(reason)
        self.text, self.reason = text, reason


def convert_markdown(text: str) -> Markup:
    """render_markdown without the shortcut for plain text: Python-Markdown, then the sanitiser.
    Raises RenderFailure if Python-Markdown fails on the text."""
    _MD.reset()
    try:
        html = _MD.convert(text)
    except Exception as exc:  # whatever the converter raises (RecursionError, ...) is about this field
        raise RenderFailure(text, f"{type(exc).__name__}: {exc}") from exc
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                      attribute_filter=_keep_safe_link, link_rel=LINK_REL)
    # HTML allows rel only on a link with a target; a link whose target was dropped keeps its text.
    return Markup(_LINK_WITHOUT_HREF.sub(r"<a\1>", clean))


def _keep_safe_link(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href" and (not _SAFE_HREF.fullmatch(value) or spoofs(value)):
        return None
    return value


@lru_cache(maxsize=65536)
def render_inline(text: str) -> Markup:
    """A short Markdown field as inline HTML: the same as render_markdown without the outer <p>."""
    plain = plain_paragraph(text)
    if plain is not None:
        return Markup(plain)
    html = str(render_markdown(text))
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)


# What a JSON string may hold that ends a <script> element or a JavaScript string early, and its
# escape (which holds none of them).
_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(value: object) -> str:
    """`value` as compact JSON with sorted keys, safe inside an HTML <script> element: the
    characters that could end the element or a JavaScript string early are \\u escapes."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # One replace per character present: str.translate looks up every character of the text.
    for unsafe, escaped in _SCRIPT_UNSAFE.items():
        if unsafe in text:
            text = text.replace(unsafe, escaped)
    return text
