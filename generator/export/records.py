"""The collections of records that the JSON and CSV exports hold, and each record as JSON data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from ..dataset.model import Dataset, linked_fields
from ..content.schema import (AgendaItem, Agreement, Briefing, Citation, ContextEvent, Dispute, Event, Organization,
                      Person, Record, Source, Statement)
from .site import Linker


@dataclass(frozen=True)
class Collection:
    """One kind of record as it appears in the JSON and CSV exports: its name there, a noun for
    people, its model, whether it belongs to a briefing, and its record kind (see urls.record_place)."""

    name: str
    noun: str
    model: type[Record]
    in_briefing: bool
    kind: str


COLLECTIONS: tuple[Collection, ...] = (
    Collection("sources", "source", Source, False, "source"),
    Collection("people", "person", Person, False, "person"),
    Collection("organizations", "organisation", Organization, False, "organization"),
    Collection("events", "shared event", Event, False, "event"),
    Collection("briefings", "briefing", Briefing, False, "briefing"),
    Collection("agenda", "agenda item", AgendaItem, True, "agenda"),
    Collection("disputes", "dispute", Dispute, True, "dispute"),
    Collection("agreements", "agreement", Agreement, True, "agreement"),
    Collection("statements", "statement", Statement, True, "statement"),
    Collection("context", "context event", ContextEvent, True, "context"),
)


def record_groups(data: Dataset, collection: Collection) -> Iterator[tuple[str | None, tuple[Record, ...]]]:
    """The records of a collection in dataset order, as (briefing id, records): those of a
    briefing's folder together, each shared record alone (its briefing None)."""
    if collection.name == "briefings":
        for bundle in data.briefings:
            yield bundle.id, (bundle.briefing,)
    elif collection.in_briefing:
        for bundle in data.briefings:
            yield bundle.id, getattr(bundle, collection.name)
    else:
        for record in getattr(data, collection.name).values():
            yield None, (record,)


@dataclass(frozen=True)
class Entry:
    """A record of a collection as the JSON and CSV files write it."""

    briefing: str | None
    record: Record
    value: dict[str, Any]
    """The record as JSON data, with its page_url and each citation's."""
    citations: tuple[tuple[str, dict[str, Any]], ...]
    """(field path such as "roles.0.sources.1", citation in `value`) for each citation, in `iter_records` order."""


def record_entry(collection: Collection, briefing: str | None, record: Record, link: Linker) -> Entry:
    """A record of a collection as JSON data, with the addresses of its page and citations."""
    # pydantic-core makes the record JSON data; only the addresses are added here.
    value = record.model_dump()
    citations: list[tuple[str, dict[str, Any]]] = []
    _add_passages(record, value, link, "", citations)
    record_id = None if collection.kind == "briefing" else record.id
    value["page_url"] = link.record(collection.kind, record_id, briefing)
    return Entry(briefing, record, value, tuple(citations))


def _add_passages(record: Record, value: dict[str, Any], link: Linker, at: str,
                  found: list[tuple[str, dict[str, Any]]]) -> None:
    """Give each citation in `record` (`value` as JSON data) the address of the passage it
    cites, and add it to `found` with its path; `at` is the path of `record` and a dot, if any."""
    if isinstance(record, Citation):
        value["page_url"] = link.passage(record)
        found.append((at.removesuffix("."), value))
        return
    for name, citation_list in linked_fields(type(record)):
        held = getattr(record, name)
        if citation_list:  # where most citations are: no call per citation
            for i, (citation, cited) in enumerate(zip(held, value[name])):
                cited["page_url"] = link.passage(citation)
                found.append((f"{at}{name}.{i}", cited))
        elif type(held) is list:
            for i, (item, item_value) in enumerate(zip(held, value[name])):
                _add_passages(item, item_value, link, f"{at}{name}.{i}.", found)
        elif held is not None:
            _add_passages(held, value[name], link, f"{at}{name}.", found)
