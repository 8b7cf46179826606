"""Shortened text for link labels and memo lines: cut between words, never inside a quotation.

A source's words in quotation marks are shown whole or not at all: a label that ended in
“serious conc…” would put half a quotation in a source's mouth.
"""

from __future__ import annotations

# A quotation that opens this close to the start is kept whole rather than cut away, so that the
# shortened text says something.
_KEEP_WITHIN = 24
_TRIM = " ,;:–—-"


def _open_quote(head: str) -> int:
    """Where a quotation opened in `head` and not closed there begins; -1 if none is open."""
    curly = head.rfind("“")
    if curly > head.rfind("”"):
        return curly
    return head.rfind('"') if head.count('"') % 2 else -1


def shorten(text: str, limit: int) -> str:
    """`text` with its white space made single, cut to at most `limit` characters at a word
    boundary with "…" added; a quotation the cut would split ends the text before it opens, or,
    if it opens within the first few words, is kept whole (which may pass the limit)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit + 1)
    head = text[:cut if cut > 0 else limit]
    opened = _open_quote(head)
    closing = text.find("”" if head[opened] == "“" else '"', opened + 1) if opened >= 0 else -1
    if closing >= 0 and opened < _KEEP_WITHIN:
        end = text.find(" ", closing)
        if end < 0:
            return text
        head = text[:end]
    elif closing >= 0:
        head = text[:opened]
    return head.rstrip(_TRIM) + "…"
