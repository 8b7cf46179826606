"""Stage 3: the validated records as one immutable dataset, with the indexes pages need.

`Dataset` is what validation hands on: every record, ids resolved and checked. `index_dataset`
derives the back-references (who appears where, which facts cite which source) once, so no
page has to search the whole dataset.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import chain
from types import MappingProxyType
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Mapping, NamedTuple, TypeVar

from ..content.fields import Ref
from ..content.schema import (Actor, AgendaItem, Agreement, Briefing, Citation, ContextEvent, Dispute, Event,
                     Organization, Person, Record, Role, Source, Statement)
from .track import Reuse

if TYPE_CHECKING:
    from ..content.linkreport import LinkCheck


@dataclass(frozen=True)
class BriefingBundle:
    """One briefing and the records of its folder, in file order."""

    id: str
    briefing: Briefing
    agenda: tuple[AgendaItem, ...] = ()
    disputes: tuple[Dispute, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    statements: tuple[Statement, ...] = ()
    context: tuple[ContextEvent, ...] = ()

    def records(self) -> Iterator[tuple[str, Record]]:
        """(kind, record) for the briefing itself and each record of its folder."""
        yield "briefing", self.briefing
        for kind, records in (("agenda", self.agenda), ("dispute", self.disputes),
                              ("agreement", self.agreements), ("statement", self.statements),
                              ("context", self.context)):
            for record in records:
                yield kind, record

    @cached_property
    def shown_events(self) -> tuple[str, ...]:
        """The ids of the shared events and other briefings on this briefing's context timeline:
        those listed under `events` and those its context entries are about, each once."""
        return tuple(dict.fromkeys([*self.briefing.events, *(c.event for c in self.context if c.event)]))

    @cached_property
    def by_id(self) -> Mapping[tuple[str, str], Record]:
        """The records of the folder by (kind, id), for references such as `raised_at` or `about`."""
        return MappingProxyType({(kind, record.id): record for kind, record in self.records()
                                 if kind != "briefing"})


@dataclass(frozen=True)
class Dataset:
    """Every validated record. Briefings are ordered newest event first (see `event_order`)."""

    sources: Mapping[str, Source]
    people: Mapping[str, Person]
    organizations: Mapping[str, Organization]
    briefings: tuple[BriefingBundle, ...]
    events: Mapping[str, Event] = field(default_factory=lambda: MappingProxyType({}))
    links: Mapping[str, LinkCheck] = field(default_factory=lambda: MappingProxyType({}))
    """The last check of each source's address that still holds (linkcheck.read_link_report)."""

    def actor(self, actor_id: str) -> Actor:
        return self.people.get(actor_id) or self.organizations[actor_id]

    def epoch(self) -> int:
        """The newest briefing's `updated` date as a Unix time: the build date of the site."""
        newest = max((b.briefing.updated for b in self.briefings), default="2000-01-01")
        return int(dt.datetime.combine(dt.date.fromisoformat(newest), dt.time(), dt.timezone.utc).timestamp())


def event_order(bundle: BriefingBundle) -> tuple[bool, str, str, str]:
    """The sort key that puts briefings newest event first: by the first day of the event (its
    `start`, else its agenda's first cited date), then by `updated` and id; briefings with no
    known date come after all dated ones."""
    b = bundle.briefing
    first = b.start or min((item.date for item in bundle.agenda if item.date), default=None)
    return (first is not None, first or "", b.updated, bundle.id)


@dataclass(frozen=True)
class Appearance:
    """A record of a briefing in which a person or organisation takes part; with `via`, a shared
    event or another briefing on the briefing's context timeline (`record`, of `kind` "event" or
    "briefing"), of which they are an actor or a principal."""

    briefing: str
    kind: str
    record: Record
    role: str
    via: str | None = None


@dataclass(frozen=True)
class CitedFact:
    """A record that cites a source, with the citation itself."""

    briefing: str | None
    kind: str
    record: Record
    citation: Citation


@dataclass(frozen=True)
class Index:
    """Back-references derived from a Dataset."""

    appearances: Mapping[str, tuple[Appearance, ...]]
    citations: Mapping[str, tuple[CitedFact, ...]]
    role_holders: Mapping[str, tuple[tuple[Person, tuple[Role, ...]], ...]]
    """Organisation id -> (person, their roles there) for everyone holding a role, in people.yml order."""
    appearances_by_briefing: Mapping[str, tuple[tuple[BriefingBundle, tuple[Appearance, ...]], ...]]
    """A person's or organisation's appearances grouped under their briefing, newest briefing first."""
    cited_by_paragraph: Mapping[str, Mapping[int | None, tuple[CitedFact, ...]]]
    """A source's citing facts by paragraph (None: the source as a whole), each record once per paragraph."""
    events_of: Mapping[str, tuple[Event, ...]] = field(default_factory=lambda: MappingProxyType({}))
    """A person's or organisation's shared events, in events.yml order."""
    listed_by: Mapping[str, tuple[BriefingBundle, ...]] = field(default_factory=lambda: MappingProxyType({}))
    """A shared event's or briefing's id -> the briefings that list it under `events`, in dataset order."""
    bundles: Mapping[str, BriefingBundle] = field(default_factory=lambda: MappingProxyType({}))
    """Each briefing by its id: a page that shows a few other briefings reads just those."""


def ref_kind(record: Record, field: str) -> str | None:
    """The kind of record that `field` of `record` refers to, or None for other fields."""
    return ref_kinds(type(record)).get(field)


_REF_KINDS: dict[type, dict[str, str]] = {}


def ref_kinds(model: type[Record]) -> dict[str, str]:
    """The reference fields of `model`, each with the kind of record it refers to."""
    if model not in _REF_KINDS:
        kinds = {}
        for name, info in model.model_fields.items():
            found = _find_ref(info.annotation) or next(
                (m.kind for m in info.metadata if isinstance(m, Ref)), None)
            if found:
                kinds[name] = found
        _REF_KINDS[model] = kinds
    return _REF_KINDS[model]


def _find_ref(annotation: object) -> str | None:
    for meta in getattr(annotation, "__metadata__", ()):
        if isinstance(meta, Ref):
            return meta.kind
    for arg in getattr(annotation, "__args__", ()):
        found = _find_ref(arg)
        if found:
            return found
    return None


Path_ = tuple[str | int, ...]
T = TypeVar("T")
U = TypeVar("U")
V = TypeVar("V")


@lru_cache(maxsize=None)
def _record_fields(model: type[Record]) -> tuple[str, ...]:
    """The fields of `model` that can hold nested records: the only ones iter_records must visit."""
    return tuple(name for name, info in model.model_fields.items() if _records_in(info.annotation))


def iter_records(record: Record, at: Path_ = ()) -> Iterator[tuple[Path_, Record]]:
    """The record and every record nested in it, each with its path from `record`."""
    return _iter_through(record, _record_fields, at)


def iter_records_toward(record: Record, name: str, at: Path_ = ()) -> Iterator[tuple[Path_, Record]]:
    """iter_records, through only the fields that can hold a record with the field `name`: each
    record that may have it, with those it is nested in, in iter_records' order."""
    return _iter_through(record, lambda model: _fields_toward(model, name), at)


def _iter_through(record: Record, fields: Callable[[type[Record]], tuple[str, ...]],
                  at: Path_) -> Iterator[tuple[Path_, Record]]:
    """The record and the records nested in it through the fields `fields` gives for each model."""
    yield at, record
    for name in fields(type(record)):
        value = getattr(record, name)
        if isinstance(value, Record):
            yield from _iter_through(value, fields, at + (name,))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, Record):
                    yield from _iter_through(item, fields, at + (name, i))


@lru_cache(maxsize=None)
def _fields_toward(model: type[Record], name: str) -> tuple[str, ...]:
    """The fields of `model` that can hold a record with the field `name`."""
    return tuple(field_name for field_name in _record_fields(model)
                 if any(may_hold_field(inner, name) for inner in _records_in(model.model_fields[field_name].annotation)))


def iter_refs(record: Record, at: Path_ = ()) -> Iterator[tuple[Path_, str, str]]:
    """(path, kind, id) for every reference held in `record` or its nested records."""
    for sub_at, sub in iter_records(record, at):
        for name, kind in ref_kinds(type(sub)).items():
            value = getattr(sub, name)
            if isinstance(value, list):
                for i, item in enumerate(value):
                    yield sub_at + (name, i), kind, item
            elif value is not None:
                yield sub_at + (name,), kind, value


@lru_cache(maxsize=None)
def _layout(model: type[Record]) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...], tuple[str, ...]]:
    """The reference fields of `model` with their kinds, its fields that hold lists of citations,
    and its other fields that can hold records with references or citations."""
    citation_lists = tuple(name for name, info in model.model_fields.items()
                           if Citation in getattr(info.annotation, "__args__", ()))
    linked = tuple(name for name in _record_fields(model) if name not in citation_lists
                   and any(_has_links(inner) for inner in _records_in(model.model_fields[name].annotation)))
    return tuple(ref_kinds(model).items()), citation_lists, linked


def _records_in(annotation: object) -> set[type[Record]]:
    if isinstance(annotation, type) and issubclass(annotation, Record):
        return {annotation}
    return {found for arg in getattr(annotation, "__args__", ()) for found in _records_in(arg)}


@lru_cache(maxsize=None)
def may_hold_field(model: type[Record], name: str) -> bool:
    """True if a `model` record, or a record nested in one, can have the field `name`."""
    return name in model.model_fields or any(
        may_hold_field(inner, name) for field_name in _record_fields(model)
        for inner in _records_in(model.model_fields[field_name].annotation))


def _has_links(model: type[Record]) -> bool:
    """True if a `model` record can hold a reference or a citation."""
    refs, citation_lists, linked = _layout(model)
    return bool(refs or citation_lists or linked)


def collect_refs(record: Record, refs: dict[str, list[str]], citations: list[Citation]) -> None:
    """Add the id of every reference in `record` and its nested records to `refs` (under its
    kind), and every citation it holds to `citations`.

    `iter_refs` and `iter_records` without the paths, for checking that all is well in one pass;
    the paths, needed only to report a problem, are found again then.
    """
    ref_fields, citation_lists, record_fields = _layout(type(record))
    for name, kind in ref_fields:
        value = getattr(record, name)
        if type(value) is list:
            refs[kind].extend(value)
        elif value is not None:
            refs[kind].append(value)
    for name in citation_lists:  # most records nested in a record are its citations
        held = getattr(record, name)
        citations.extend(held)
        refs["source"].extend([citation.source for citation in held])
    for name in record_fields:
        value = getattr(record, name)
        if type(value) is list:
            for item in value:
                collect_refs(item, refs, citations)
        elif value is not None:
            collect_refs(value, refs, citations)


def iter_citations(record: Record) -> Iterator[Citation]:
    for _, sub in iter_records(record):
        if isinstance(sub, Citation):
            yield sub


_ACTOR_KINDS = ("person", "organization", "actor")


@lru_cache(maxsize=None)
def linked_fields(model: type[Record]) -> tuple[tuple[str, bool], ...]:
    """The fields of `model` that can hold references or citations (themselves or in records
    nested in them), in field order, each marked True if it is a list of citations."""
    _, citation_lists, linked = _layout(model)
    return tuple((name, name in citation_lists) for name in _record_fields(model)
                 if name in citation_lists or name in linked)


@lru_cache(maxsize=None)
def _index_layout(model: type[Record]) -> tuple[tuple[str, ...], tuple[tuple[str, bool], ...]]:
    """The fields of `model` that refer to people or organisations, and its `linked_fields`."""
    refs, _, _ = _layout(model)
    return tuple(name for name, kind in refs if kind in _ACTOR_KINDS), linked_fields(model)


def _collect_links(record: Record, roles: dict[str, str], cited: list[Citation]) -> None:
    """Note in `roles` each person or organisation that `record` or its nested records refer to,
    with the field of the first such reference (its role), and add every citation held to `cited`;
    both in `iter_records` order."""
    actor_fields, nested = _index_layout(type(record))
    for name in actor_fields:
        value = getattr(record, name)
        if type(value) is list:
            for target in value:
                roles.setdefault(target, name)
        elif value is not None:
            roles.setdefault(value, name)
    for name, citation_list in nested:
        value = getattr(record, name)
        if citation_list:
            cited.extend(value)
        elif type(value) is list:
            for item in value:
                _collect_links(item, roles, cited)
        elif value is not None:
            _collect_links(value, roles, cited)


class _Links(NamedTuple):
    """What a group of records (a briefing's, or one shared record) adds to the index, grouped as
    the index holds it: the appearances under each person or organisation, and the facts citing
    each source, all of them and by paragraph (a record once per paragraph); in record order."""

    appearances: dict[str, tuple[Appearance, ...]]
    citations: dict[str, tuple[CitedFact, ...]]
    by_paragraph: dict[str, dict[int | None, tuple[CitedFact, ...]]]


def _links_of(briefing: str | None, records: Iterable[tuple[str, Record]]) -> _Links:
    appearances: dict[str, list[Appearance]] = {}
    citations: dict[str, list[CitedFact]] = {}
    by_paragraph: dict[str, dict[int | None, list[CitedFact]]] = {}
    for kind, record in records:
        roles: dict[str, str] = {}
        cited: list[Citation] = []
        _collect_links(record, roles, cited)
        for target, role in roles.items() if briefing is not None else ():
            appearances.setdefault(target, []).append(Appearance(briefing, kind, record, role))
        listed: set[tuple[str, int | None]] = set()
        for citation in cited:
            fact = CitedFact(briefing, kind, record, citation)
            citations.setdefault(citation.source, []).append(fact)
            if (citation.source, citation.para) not in listed:  # cited twice (summary and a nested field)
                listed.add((citation.source, citation.para))
                by_paragraph.setdefault(citation.source, {}).setdefault(citation.para, []).append(fact)
    return _Links({target: tuple(found) for target, found in appearances.items()},
                  {source: tuple(facts) for source, facts in citations.items()},
                  {source: {para: tuple(facts) for para, facts in paras.items()}
                   for source, paras in by_paragraph.items()})


def _with_shown(bundle: BriefingBundle, links: _Links, shown: tuple[Event | BriefingBundle | None, ...]) -> _Links:
    """A briefing's links with the appearances through its context timeline: each actor of a
    shared event it shows and each principal of a briefing it shows, under this briefing (unless
    a context entry about that event already names them)."""
    named = {(entry.event, actor) for entry in bundle.context if entry.event for actor in entry.actors}
    appearances = {target: list(found) for target, found in links.appearances.items()}
    for item in shown:
        if isinstance(item, Event):
            ids, kind, record, role, via = item.actors, "event", item, "actors", item.id
        elif item is not None:  # a listed draft is absent from a published build
            ids, kind, record, role, via = item.briefing.principals, "briefing", item.briefing, "principals", item.id
        else:
            continue
        for target in dict.fromkeys(ids):
            if (via, target) not in named:
                appearances.setdefault(target, []).append(Appearance(bundle.id, kind, record, role, via))
    if len(appearances) == len(links.appearances) and all(
            len(found) == len(links.appearances[target]) for target, found in appearances.items()):
        return links
    return links._replace(appearances={target: tuple(found) for target, found in appearances.items()})


def index_dataset(data: Dataset, reuse: Reuse | None = None) -> Index:
    """Who appears where, which facts cite each source, who holds roles in each organisation;
    each list in dataset order. With `reuse` (a rebuild's), what each unchanged briefing and
    shared record adds is the last build's, the same objects, so that pages that read the index
    compare quickly."""
    # Each list of appearances and of citations is kept as the parts that groups of records add.
    appearances: dict[str, list[tuple[Appearance, ...]]] = {}
    by_briefing: dict[str, list[tuple[BriefingBundle, tuple[Appearance, ...]]]] = {}
    citations: dict[str, list[tuple[CitedFact, ...]]] = {}
    by_paragraph: dict[str, dict[int | None, list[CitedFact]]] = {}
    reuse = reuse or Reuse()

    def add(links: _Links, bundle: BriefingBundle | None = None) -> None:
        # A group's records come together, so its part of each list is added whole.
        for target, found in links.appearances.items():
            appearances.setdefault(target, []).append(found)
        if bundle is not None:  # each (bundle, appearances) pair the last build's while both are
            for target, pair in reuse.get(("pairs", bundle.id), (bundle, links), lambda: {
                    target: (bundle, found) for target, found in links.appearances.items()}).items():
                by_briefing.setdefault(target, []).append(pair)
        for source, facts in links.citations.items():
            citations.setdefault(source, []).append(facts)
        for source, paras in links.by_paragraph.items():
            held = by_paragraph.setdefault(source, {})
            for para, facts in paras.items():
                held.setdefault(para, []).extend(facts)

    for kind, collection in (("source", data.sources), ("person", data.people),
                             ("organization", data.organizations), ("event", data.events)):
        for record in collection.values():
            add(reuse.get((kind, record.id), record, lambda: _links_of(None, [(kind, record)])))
    events_of: dict[str, list[Event]] = {}
    listed_by: dict[str, list[BriefingBundle]] = {}
    for event in data.events.values():
        for actor in dict.fromkeys(event.actors):
            events_of.setdefault(actor, []).append(event)
    bundles = {bundle.id: bundle for bundle in data.briefings}
    for bundle in data.briefings:
        links = reuse.get(bundle.id, bundle, lambda: _links_of(bundle.id, bundle.records()))
        shown = tuple(data.events.get(ref) or bundles.get(ref) for ref in bundle.shown_events)
        add(reuse.get(("shown", bundle.id), (links, shown), lambda: _with_shown(bundle, links, shown)), bundle)
        for listed in bundle.shown_events:
            listed_by.setdefault(listed, []).append(bundle)
    def joined(name: str, found: dict[str, list[tuple[T, ...]]]) -> Mapping[str, tuple[T, ...]]:
        # `found` sorted by id, each list joined from its parts: the last build's tuple where its
        # parts are the last build's, the same object, which a page that read it compares at once
        # (track.same) when a rebuild decides what to render again.
        return MappingProxyType({key: reuse.get((name, key), tuple(parts), lambda parts=parts: tuple(
            chain.from_iterable(parts))) for key, parts in sorted(found.items())})

    def frozen(name: str, found: dict[str, V], freeze: Callable[[V], U]) -> Mapping[str, U]:
        # `found` sorted by id, each value frozen: the last build's object where it is the same.
        return MappingProxyType({key: reuse.get((name, key), value, lambda value=value: value) for key, value in (
            (key, freeze(value)) for key, value in sorted(found.items()))})

    index = Index(
        appearances=joined("appearances", appearances),
        citations=joined("citations", citations),
        role_holders=frozen("role_holders", _role_holders(data), tuple),
        appearances_by_briefing=frozen("appearances_by_briefing", by_briefing, tuple),
        cited_by_paragraph=frozen("cited_by_paragraph", by_paragraph, lambda paras: MappingProxyType(
            {para: tuple(facts) for para, facts in paras.items()})),
        events_of=frozen("events_of", events_of, tuple),
        listed_by=frozen("listed_by", listed_by, tuple),
        bundles=MappingProxyType(bundles),
    )
    reuse.next_build()
    return index


def _role_holders(data: Dataset) -> dict[str, list[tuple[Person, tuple[Role, ...]]]]:
    """The people holding roles in each organisation, each with those roles, in dataset order."""
    holders: dict[str, dict[str, list[Role]]] = {}
    for person in data.people.values():
        for role in person.roles:
            if role.organization:
                holders.setdefault(role.organization, {}).setdefault(person.id, []).append(role)
    return {org: [(data.people[pid], tuple(roles)) for pid, roles in people.items()] for org, people in holders.items()}
