"""Web addresses that cannot spoof: what an address field refuses, which Markdown link targets
are dropped, and how an address is shown.

An address shows one place and leads to another when it names a user before its host
(`https://good.example@evil.example/` leads to evil.example), when a bidirectional control
reorders how it reads, or when its host mixes scripts (a Cyrillic "а" in "аpple"). The first two
are refused; the third is shown in its punycode form (`xn--pple-43d`), as browsers show it.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit, urlunsplit

# Marks that change the order in which text is shown: LRM, RLM, ALM, the embeddings, overrides
# and isolates.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Scripts that one language writes together in one word: Japanese, Korean, Chinese with bopomofo.
_TOGETHER = (frozenset({"CJK", "HIRAGANA", "KATAKANA"}), frozenset({"CJK", "HANGUL"}),
             frozenset({"CJK", "BOPOMOFO"}))


def address_problem(value: str) -> tuple[str, str] | None:
    """What makes an http(s) address spoof, and a hint; None if nothing does."""
    found = BIDI_CONTROLS.search(value)
    if found:
        return (f"holds the bidirectional control U+{ord(found.group()):04X}",
                "remove it: it makes an address read as another")
    try:
        netloc = urlsplit(value).netloc
    except ValueError:
        return None  # not an address at all: the field's own check says so
    if "@" in netloc:
        return ("names a user before its host",
                "write the address without the part up to '@': a reader sees one host and reaches another")
    return None


def spoofs(href: str) -> bool:
    """Whether a link target could read as another address (see address_problem)."""
    if BIDI_CONTROLS.search(href):
        return True
    return href.lower().startswith(("http:", "https:")) and address_problem(href) is not None


def _scripts(label: str) -> set[str]:
    """The scripts of a host label's letters, by the first word of their Unicode names."""
    return {unicodedata.name(c, "UNKNOWN").split()[0] for c in label if c.isalpha() and not c.isascii()} | (
        {"LATIN"} if any(c.isascii() and c.isalpha() for c in label) else set())


def shown_address(url: str) -> str:
    """An address as a page shows it: its host in punycode where a label of it mixes scripts."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return url
    if host is None or host.isascii():
        return url
    labels = []
    for label in host.split("."):
        scripts = _scripts(label)
        if len(scripts) > 1 and not any(scripts <= together for together in _TOGETHER):
            try:
                label = label.encode("idna").decode("ascii")
            except UnicodeError:
                pass  # not a label IDNA can write: shown as written
        labels.append(label)
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=".".join(labels) + port))
