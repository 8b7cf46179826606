"""Drafts and placeholders: what is not ready to publish.

A briefing marked `draft: true` is checked like any other but left out of the published site
(`--drafts` shows it). Text that still holds a scaffold's `TODO` is a placeholder: inside a
draft briefing it is listed as a note, anywhere else it is a problem, because it would be
published.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..errors import ContentError, shown
from ..dataset.model import Dataset

if TYPE_CHECKING:  # the parser finds the placeholders of each file as it reads it (parse.placeholder_texts)
    from ..read.load import Content


def find_placeholders(content: Content, drafts: frozenset[str]) -> tuple[list[ContentError], list[ContentError]]:
    """The placeholders left in the content: (problems, outside draft briefings; notes, inside the
    briefings named in `drafts`)."""
    problems: list[ContentError] = []
    notes: list[ContentError] = []
    for doc in content.documents:
        found = notes if doc.briefing in drafts else problems
        hint = ("replace it before publishing" if doc.briefing is None or doc.briefing in drafts
                else "replace it, or mark the briefing `draft: true` until it is ready")
        for at, text in doc.placeholders:
            found.append(doc.error(at, f"placeholder text left: {shown(text)}", hint))
    return problems, notes


def draft_ids(data: Dataset) -> frozenset[str]:
    """The ids of the briefings marked as drafts."""
    return frozenset(bundle.id for bundle in data.briefings if bundle.briefing.draft)


def published(data: Dataset) -> Dataset:
    """The dataset without its draft briefings, and without the other briefings' references to them."""
    drafts = draft_ids(data)
    if not drafts:
        return data
    kept = []
    for bundle in data.briefings:
        if bundle.id in drafts:
            continue
        b = bundle.briefing
        if drafts.intersection(b.events):
            b = b.model_copy(update={"events": [e for e in b.events if e not in drafts]})
            bundle = replace(bundle, briefing=b)
        kept.append(bundle)
    return replace(data, briefings=tuple(kept))
