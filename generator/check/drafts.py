"""Drafts and placeholders: what is not ready to publish.

A briefing, or a shared record (source, person, organisation, shared event), marked `draft: true`
is checked like any other but left out of the published site (`--drafts` shows it); a published
record may not refer to a shared draft, which would be missing from the site. Text that still
holds a scaffold's `TODO` is a placeholder: inside a draft it is listed as a note, anywhere else
it is a problem, because it would be published.
"""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Iterator

from ..errors import ContentError, shown
from ..dataset.model import Dataset, iter_refs

if TYPE_CHECKING:  # the parser finds the placeholders of each file as it reads it (parse.placeholder_texts)
    from ..read.load import Content
    from ..read.parse import Path_


def find_placeholders(content: Content, drafts: frozenset[str]) -> tuple[list[ContentError], list[ContentError]]:
    """The placeholders left in the content: (problems, outside drafts; notes, inside the
    briefings named in `drafts` and inside shared records marked `draft: true`)."""
    problems: list[ContentError] = []
    notes: list[ContentError] = []
    for doc in content.documents:
        for at, text in doc.placeholders:
            if doc.briefing is None:
                record = doc.data[at[0]] if at and isinstance(doc.data, list) else None
                in_draft = isinstance(record, dict) and record.get("draft") is True
                hint = "replace it before publishing" if in_draft else \
                    "replace it, or mark the record `draft: true` until it is ready"
            else:
                in_draft = doc.briefing in drafts
                hint = "replace it before publishing" if in_draft else \
                    "replace it, or mark the briefing `draft: true` until it is ready"
            (notes if in_draft else problems).append(doc.error(at, f"placeholder text left: {shown(text)}", hint))
    return problems, notes


_SHARED = {"source": "sources", "person": "people", "organization": "organizations", "event": "events"}
_NOUNS = {"source": "source", "person": "person", "organization": "organisation", "event": "shared event"}
# The shared kinds a reference of each kind may name.
_NAMED = {"source": ("source",), "person": ("person",), "organization": ("organization",),
          "actor": ("person", "organization"), "event": ("event",)}


def shared_drafts(data: Dataset) -> dict[str, frozenset[str]]:
    """The ids of the shared records marked as drafts, by kind (only the kinds that have some)."""
    found = {kind: frozenset(rid for rid, record in getattr(data, attr).items() if record.draft)
             for kind, attr in _SHARED.items()}
    return {kind: ids for kind, ids in found.items() if ids}


def draft_references(content: Content, data: Dataset) -> list[ContentError]:
    """A problem for each reference from a record to be published (a shared record or a briefing
    that is not a draft) to a shared draft, which the published site leaves out."""
    drafts = shared_drafts(data)
    if not drafts:
        return []
    skipped = draft_ids(data)
    bundles = {bundle.id: bundle for bundle in data.briefings}
    problems = []
    for doc in content.documents:
        if doc.briefing in skipped:
            continue
        for at, record in _records_of(doc, data, bundles):
            for path, kind, target in iter_refs(record, at):
                named = next((k for k in _NAMED.get(kind, ()) if target in drafts.get(k, ())), None)
                if named is not None:
                    problems.append(doc.error(path, f"{_NOUNS[named]} '{target}' is still a draft", (
                        f"remove its `draft: true` in {_SHARED[named]}.yml when it is ready, or mark this "
                        + ("briefing" if doc.briefing else "record") + " `draft: true` too")))
    return problems


def _records_of(doc: Any, data: Dataset, bundles: dict) -> Iterator[tuple[Path_, Any]]:
    """The records of a document that are not drafts, with their paths in it."""
    if doc.briefing is None:
        collection = getattr(data, _SHARED[doc.kind])
        for i, item in enumerate(doc.data or ()):
            record = collection.get(item.get("id")) if isinstance(item, dict) else None
            if record is not None and not record.draft:
                yield (i,), record
        return
    bundle = bundles.get(doc.briefing)
    if bundle is None:
        return
    if doc.kind == "briefing":
        yield (), bundle.briefing
        return
    records = {record.id: record for kind, record in bundle.records() if kind == doc.kind}
    for i, item in enumerate(doc.data or ()):
        record = records.get(item.get("id")) if isinstance(item, dict) else None
        if record is not None:
            yield (i,), record


def draft_ids(data: Dataset) -> frozenset[str]:
    """The ids of the briefings marked as drafts."""
    return frozenset(bundle.id for bundle in data.briefings if bundle.briefing.draft)


def published(data: Dataset) -> Dataset:
    """The dataset without its drafts: its draft briefings (and the other briefings' references
    to them, a context entry about one keeping its own text) and its shared drafts (which, as
    `draft_references` makes sure, nothing published names)."""
    drafts = draft_ids(data)
    shared = shared_drafts(data)
    if shared:
        data = replace(data, **{_SHARED[kind]: MappingProxyType({
            rid: record for rid, record in getattr(data, _SHARED[kind]).items() if rid not in ids})
            for kind, ids in shared.items()})
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
        if any(entry.event in drafts for entry in bundle.context):  # the entry stays, without its link
            bundle = replace(bundle, context=tuple(entry.model_copy(update={"event": None})
                                                   if entry.event in drafts else entry for entry in bundle.context))
        kept.append(bundle)
    return replace(data, briefings=tuple(kept))
