"""Markdown fields to safe HTML: no raw HTML from content, only http(s), mailto and relative links."""

from __future__ import annotations

from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {"p", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code", "pre", "br",
                "hr", "h3", "h4", "h5", "h6", "sup", "sub"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=[], output_format="html")
    # Raw HTML in content is shown as text, never passed through as markup.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


_MD = _markdown()


@lru_cache(maxsize=65536)
def render_markdown(text: str) -> Markup:
    """One Markdown field as sanitised HTML; the same text is converted once per process."""
    _MD.reset()
    html = _MD.convert(text)
    return Markup(nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                            url_schemes=URL_SCHEMES, link_rel="noopener noreferrer"))


@lru_cache(maxsize=65536)
def render_inline(text: str) -> Markup:
    """A short Markdown field as inline HTML: the same as render_markdown without the outer <p>."""
    html = str(render_markdown(text))
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)
