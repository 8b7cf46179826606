"""Stage 6: the dataset as files in standard formats, for readers and programs outside the site.

`render_exports` is a pure function of the dataset and the site's identity: the whole dataset as
JSON (with a JSON Schema of that file), one CSV per collection, an iCalendar file per briefing
agenda, an Atom feed of briefings, and the JSON Schema of each content file for editors. Output
is bytes by site path and byte-identical for the same input: keys are sorted, records keep the
dataset's order, and every date comes from the content, never from the clock.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache
from itertools import islice
from types import MappingProxyType
from typing import Any, Iterable, Iterator, Mapping
from zoneinfo import ZoneInfo

import icalendar
import orjson
from pydantic.json_schema import models_json_schema

from .markup import render_markdown
from .model import BriefingBundle, Dataset, linked_fields, ref_kinds
from .render import Site, source_anchor
from .schema import (SCHEMA_BASE_URI, AgendaItem, Agreement, Briefing, Citation, ContextEvent, Dispute,
                     Organization, Person, Record, Source, Statement, schema_files)

SCHEMA_VERSION = 1
"""Version of the layout of briefings.json; raised whenever a field changes meaning or goes away."""

# Identifiers that must never change once published (calendar UIDs, feed and entry ids) are
# built from this fixed name rather than from site_url, which a site may add or move later.
ID_DOMAIN = "briefing-sites.invalid"
TAG_PREFIX = f"tag:{ID_DOMAIN},2026:"

DATA_JSON = "data/briefings.json"
DATA_SCHEMA = "schema/briefings-export.schema.json"
FEED = "feed.atom"

# The official civil time of countries with one national time zone. Agenda times are local
# times; where the country of an item is not listed here the time is written as an iCalendar
# "floating" time (local time, zone unknown) rather than a guessed zone.
NATIONAL_TIME_ZONES = {"CN": "Asia/Shanghai", "HK": "Asia/Hong_Kong", "TW": "Asia/Taipei",
                       "JP": "Asia/Tokyo", "KR": "Asia/Seoul", "SG": "Asia/Singapore",
                       "IN": "Asia/Kolkata", "GB": "Europe/London", "FR": "Europe/Paris",
                       "DE": "Europe/Berlin", "BE": "Europe/Brussels", "CH": "Europe/Zurich"}

_ICS_STATUS = {"planned": "TENTATIVE", "happened": "CONFIRMED", "cancelled": "CANCELLED"}


@dataclass(frozen=True)
class SiteInfo:
    """What the exports say about the site itself: its name, description and public address."""

    name: str
    url: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Collection:
    """One kind of record as it appears in the JSON and CSV exports, and where its page is."""

    name: str
    noun: str
    model: type[Record]
    in_briefing: bool
    page: str
    anchor: str | None = None


COLLECTIONS: tuple[Collection, ...] = (
    Collection("sources", "source", Source, False, "source"),
    Collection("people", "person", Person, False, "person"),
    Collection("organizations", "organisation", Organization, False, "organization"),
    Collection("briefings", "briefing", Briefing, False, "briefing"),
    Collection("agenda", "agenda item", AgendaItem, True, "agenda", "agenda"),
    Collection("disputes", "dispute", Dispute, True, "disputes", "dispute"),
    Collection("agreements", "agreement", Agreement, True, "agreements", "agreement"),
    Collection("statements", "statement", Statement, True, "statements", "statement"),
    Collection("context", "context event", ContextEvent, True, "context", "context"),
)
_BY_NAME = {c.name: c for c in COLLECTIONS}
CITATION_COLUMNS = ("collection", "briefing", "record", "field", "source", "para", "quote", "page_url")


FORMATS = {"json": "JSON", "csv": "CSV", "ics": "iCalendar", "atom": "Atom", "schema": "JSON Schema"}


@dataclass(frozen=True)
class Export:
    """One export file: where it goes, what it is, and the briefing it belongs to, if one."""

    path: str
    kind: str
    title: str
    description: str
    briefing: str | None = None

    @property
    def format(self) -> str:
        """The name of the file's format, for people."""
        return FORMATS[self.kind]


def calendar_path(briefing: str) -> str:
    """Where a briefing's agenda calendar goes."""
    return f"briefings/{briefing}/agenda.ics"


def has_calendar(bundle: BriefingBundle) -> bool:
    """Whether the briefing gets an agenda calendar: only if a cited date places an item on one.

    RFC 5545 requires a calendar to hold at least one component, and an item known only by its
    weekday cannot be put on a date.
    """
    return any(item.date for item in bundle.agenda)


def list_exports(data: Dataset) -> tuple[Export, ...]:
    """Every export file of the site, in the order the data page lists them."""
    exports = [
        Export(DATA_JSON, "json", "Whole dataset (JSON)",
               "Every record of every briefing, references as ids, each record with the address of "
               "its page; validates against the JSON Schema below."),
        Export(DATA_SCHEMA, "schema", "JSON Schema of briefings.json",
               "The layout of the JSON export, for programs that read it."),
    ]
    for collection in COLLECTIONS:
        scope = ", with its briefing" if collection.in_briefing else ""
        exports.append(Export(f"data/{collection.name}.csv", "csv", f"{collection.name}.csv",
                              f"One row per {collection.noun}{scope}."))
    exports.append(Export("data/citations.csv", "csv", "citations.csv",
                          "One row per citation: which field of which record cites which source."))
    for bundle in filter(has_calendar, data.briefings):
        exports.append(Export(calendar_path(bundle.id), "ics",
                              f"{bundle.briefing.title}: agenda (iCalendar)",
                              f"The agenda of {bundle.briefing.title}: one event per item with a "
                              "cited date, for calendar programs.", bundle.id))
    exports.append(Export(FEED, "atom", "Feed of briefings (Atom)",
                          "Every briefing, newest first, for feed readers."))
    for path in _schema_files():
        if path == DATA_SCHEMA:
            continue
        name = path.removeprefix("schema/")
        exports.append(Export(path, "schema", name,
                              f"JSON Schema of {name.removesuffix('.schema.json')}.yml, for editors."))
    return tuple(exports)


def render_exports(data: Dataset, site: SiteInfo) -> Mapping[str, bytes]:
    """Every export file's bytes by site path, in the order of `list_exports`."""
    schemas = _schema_files()
    # The JSON and CSV files are all in the data folder, so they give a record the same addresses:
    # each record becomes JSON data once, for all of them.
    link = Linker(site, DATA_JSON)
    entries = {collection.name: _entries(data, collection, link) for collection in COLLECTIONS}
    files: dict[str, bytes] = {DATA_JSON: _dump_json(dataset_json(data, site, entries, link)),
                               DATA_SCHEMA: schemas[DATA_SCHEMA]}
    for collection in COLLECTIONS:
        files[f"data/{collection.name}.csv"] = _csv(_collection_rows(collection, entries[collection.name]))
    files["data/citations.csv"] = _csv(_citation_rows(entries))
    for bundle in filter(has_calendar, data.briefings):
        path = calendar_path(bundle.id)
        files[path] = agenda_calendar(bundle, data.sources, site, Linker(site, path))
    files[FEED] = atom_feed(data, site)
    files.update((path, text) for path, text in schemas.items() if path != DATA_SCHEMA)
    return MappingProxyType(files)


@cache
def _schema_files() -> Mapping[str, bytes]:
    """The JSON Schema files: they depend on the code only, so each process makes them once."""
    files = {DATA_SCHEMA: _dump_json(export_json_schema())}
    files.update((f"schema/{name}", text.encode("utf-8")) for name, text in schema_files().items())
    return MappingProxyType(files)


# Links -------------------------------------------------------------------------------------

class Linker:
    """Addresses of pages and files from one export file: absolute under site.url when it is
    set, else relative to the file. Each page's address is made once per file."""

    def __init__(self, site: SiteInfo, from_path: str) -> None:
        self._root = site.url.rstrip("/") + "/" if site.url else None
        self._from = from_path
        self._pages: dict[tuple[str, str | None, str | None], str] = {}
        self._passages: dict[tuple[str, int | None], str] = {}

    def file(self, path: str) -> str:
        """The address of a file of the site, by its path (a page by its page path, see Site.page_path)."""
        if self._root:
            return self._root + Site.output_path(path)
        return Site.relative(self._from, path)

    def page(self, kind: str, rid: str | None = None, briefing: str | None = None, fragment: str = "") -> str:
        """The address of a page (see Site.page_path), with a fragment if given."""
        key = (kind, rid, briefing)
        target = self._pages.get(key)
        if target is None:
            target = self._pages[key] = self.file(Site.page_path(kind, rid, briefing))
        return f"{target}#{fragment}" if fragment else target

    def passage(self, citation: Citation) -> str:
        """The address of the passage a citation cites (many records cite the same one)."""
        key = (citation.source, citation.para)
        found = self._passages.get(key)
        if found is None:
            found = self._passages[key] = self.page("source", citation.source, fragment=source_anchor(citation))
        return found

    def record(self, collection: Collection, record: Record, briefing: str | None) -> str:
        """The address of a record's place on the site."""
        if collection.name == "briefings":
            return self.page("briefing", briefing=briefing)
        if collection.in_briefing:
            return self.page(collection.page, briefing=briefing, fragment=f"{collection.anchor}-{record.id}")
        return self.page(collection.page, record.id)


def _iter_collection(data: Dataset, collection: Collection) -> Iterator[tuple[str | None, Record]]:
    """(briefing id, record) for each record of a collection, in dataset order."""
    if collection.name == "briefings":
        for bundle in data.briefings:
            yield bundle.id, bundle.briefing
    elif collection.in_briefing:
        for bundle in data.briefings:
            for record in getattr(bundle, collection.name):
                yield bundle.id, record
    else:
        for record in getattr(data, collection.name).values():
            yield None, record


# Records as JSON data, for the JSON and the CSV files ---------------------------------------

@dataclass(frozen=True)
class _Entry:
    """A record of a collection as the JSON and CSV files write it."""

    briefing: str | None
    record: Record
    value: dict[str, Any]
    """The record as JSON data, with its page_url and each citation's."""
    citations: tuple[tuple[str, dict[str, Any]], ...]
    """(field path such as "roles.0.sources.1", citation in `value`) for each citation, in `iter_records` order."""


def _entries(data: Dataset, collection: Collection, link: Linker) -> list[_Entry]:
    entries = []
    for briefing, record in _iter_collection(data, collection):
        # pydantic-core makes the record JSON data; only the addresses are added here.
        value = record.model_dump()
        citations: list[tuple[str, dict[str, Any]]] = []
        _add_passages(record, value, link, "", citations)
        value["page_url"] = link.record(collection, record, briefing)
        entries.append(_Entry(briefing, record, value, tuple(citations)))
    return entries


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


# JSON --------------------------------------------------------------------------------------

def _dump_json(value: Any) -> bytes:
    # orjson writes what json.dumps(ensure_ascii=False, indent=2, sort_keys=True) does, in C.
    return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)


def dataset_json(data: Dataset, site: SiteInfo, entries: Mapping[str, list[_Entry]],
                 link: Linker) -> dict[str, Any]:
    """The whole dataset as one JSON value, from each collection's entries (see `_entries`)."""
    out: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "site_url": site.url}
    for name in ("sources", "people", "organizations"):
        out[name] = [entry.value for entry in entries[name]]
    # A briefing's records are the next ones of each collection: entries come briefing by briefing.
    parts = {c.name: iter(entries[c.name]) for c in COLLECTIONS if c.in_briefing}
    out["briefings"] = [_briefing_json(bundle, entry, parts, link)
                        for bundle, entry in zip(data.briefings, entries["briefings"], strict=True)]
    return out


def _briefing_json(bundle: BriefingBundle, entry: _Entry, parts: Mapping[str, Iterator[_Entry]],
                   link: Linker) -> dict[str, Any]:
    out = dict(entry.value)  # a copy: briefings.csv writes entry.value too
    out["id"] = bundle.id
    out["calendar_url"] = link.file(calendar_path(bundle.id)) if has_calendar(bundle) else None
    for name, entries in parts.items():
        out[name] = [found.value for found in islice(entries, len(getattr(bundle, name)))]
    return out


def export_json_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of briefings.json, derived from the content models."""
    models = [c.model for c in COLLECTIONS] + [Citation]
    _, top = models_json_schema([(m, "serialization") for m in models], ref_template="#/$defs/{model}")
    defs = top["$defs"]
    url = {"type": "string", "description": "The address of the record's place on the site."}
    for collection in COLLECTIONS:
        _add_property(defs[collection.model.__name__], "page_url", url)
    _add_property(defs["Citation"], "page_url",
                  {"type": "string", "description": "The address of the cited passage's source page."})
    # In the export a briefing also carries its id, its calendar and its folder's records.
    entry = defs.pop("Briefing")
    entry["title"] = "BriefingEntry"
    entry["description"] = "A briefing with its id, its calendar and the records of its folder."
    _add_property(entry, "id", {"type": "string", "description": "The briefing's id (its folder name)."})
    _add_property(entry, "calendar_url", {"type": ["string", "null"], "description": (
        "Its agenda as iCalendar; null when no agenda item has a cited date.")})
    for collection in COLLECTIONS:
        if collection.in_briefing:
            _add_property(entry, collection.name,
                          {"type": "array", "items": {"$ref": f"#/$defs/{collection.model.__name__}"}})
    defs["BriefingEntry"] = entry

    def array_of(model: type[Record]) -> dict:
        return {"type": "array", "items": {"$ref": f"#/$defs/{model.__name__}"}}

    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_BASE_URI + DATA_SCHEMA.removeprefix("schema/"),
        "title": "briefings.json",
        "description": "The whole dataset of a briefing site. Addresses (page_url, calendar_url) are "
                       "absolute when site_url is set, else relative to briefings.json.",
        "type": "object",
        "additionalProperties": False,
        "required": ["schema_version", "site_url", "sources", "people", "organizations", "briefings"],
        "properties": {
            "schema_version": {"const": SCHEMA_VERSION},
            "site_url": {"type": ["string", "null"]},
            "sources": array_of(Source),
            "people": array_of(Person),
            "organizations": array_of(Organization),
            "briefings": {"type": "array", "items": {"$ref": "#/$defs/BriefingEntry"}},
        },
        "$defs": dict(sorted(defs.items())),
    }


def _add_property(schema: dict, name: str, definition: dict) -> None:
    schema["properties"][name] = definition
    schema["required"] = sorted(set(schema.get("required", [])) | {name})


# CSV ---------------------------------------------------------------------------------------

def _csv(rows: Iterable[Iterable[str]]) -> bytes:
    """Rows of two or more cells of text as CSV (RFC 4180): the bytes that csv.writer writes with
    its default dialect and CRLF line ends. csv.writer looks at every character of every cell in
    turn; at archive scale the CSV files hold tens of megabytes, and str's own search finds the
    few cells that need quotes in a third of the time."""
    return "".join([",".join([_csv_cell(cell) for cell in row]) + "\r\n" for row in rows]).encode("utf-8")


def _csv_cell(text: str) -> str:
    if '"' in text or "," in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_columns(collection: Collection) -> tuple[str, ...]:
    """The header of a collection's CSV: its fields in model order, without the citations."""
    fields = [name for name in collection.model.model_fields if name != "sources"]
    lead = ["briefing"] if collection.in_briefing else ["id"] if collection.name == "briefings" else []
    return tuple(lead + fields + ["page_url"])


def _cell(value: Any, ids: bool) -> str:
    """One field as text: a list of ids (`ids`) joined by ';', other lists and nested records as JSON."""
    if value is None:
        return ""
    if ids and type(value) is list:
        return ";".join(value)
    if type(value) is list or type(value) is dict:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode("utf-8")
    return str(value)


def _collection_rows(collection: Collection, entries: list[_Entry]) -> Iterator[list[str]]:
    columns = csv_columns(collection)
    yield list(columns)
    lead = columns[0] not in collection.model.model_fields and columns[0] != "page_url"
    refs = ref_kinds(collection.model)
    fields = tuple((name, name in refs) for name in columns[1 if lead else 0:-1])
    for entry in entries:
        value = entry.value
        row = [entry.briefing or ""] if lead else []
        for name, ids in fields:
            cell = value[name]
            # Most cells are text as it is; _cell handles the rest.
            row.append(cell if type(cell) is str else _cell(cell, ids))
        row.append(value["page_url"])
        yield row


def _citation_rows(entries: Mapping[str, list[_Entry]]) -> Iterator[tuple[str, ...]]:
    yield CITATION_COLUMNS
    for collection in COLLECTIONS:
        for entry in entries[collection.name]:
            record_id = entry.briefing if collection.name == "briefings" else entry.record.id
            for path, citation in entry.citations:
                para = citation["para"]
                yield (collection.name, entry.briefing or "", record_id, path, citation["source"],
                       "" if para is None else str(para), citation["quote"] or "", citation["page_url"])


# iCalendar ---------------------------------------------------------------------------------

def _stamp(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(), dt.timezone.utc)


def _time_zone(bundle: BriefingBundle, item: AgendaItem) -> ZoneInfo | None:
    """The zone of the item's city: from the briefing's place of that city, else its only country."""
    countries = [p.country for p in bundle.briefing.places if p.city == item.city]
    if not countries:
        countries = sorted({p.country for p in bundle.briefing.places})
    zone = NATIONAL_TIME_ZONES.get(countries[0]) if len(countries) == 1 else None
    return ZoneInfo(zone) if zone else None


def _citation_text(sources: Mapping[str, Source], citation: Citation, link: Linker, absolute: bool) -> str:
    """A citation as plain text; with the source page's address only when that address is absolute."""
    source = sources[citation.source]
    text = source.title + (f", paragraph {citation.para}" if citation.para else "")
    if citation.quote:
        text += f": \u201c{citation.quote}\u201d"
    if not absolute:
        return text
    return f"{text} <{link.passage(citation)}>"


def _event_description(item: AgendaItem, sources: Mapping[str, Source], link: Linker, absolute: bool) -> str:
    parts = [item.summary.strip()]
    if item.outcomes:
        parts.append("Outcomes:\n" + "\n".join(f"- {o}" for o in item.outcomes))
    parts.append("Sources:\n" + "\n".join(f"- {_citation_text(sources, c, link, absolute)}"
                                             for c in item.sources))
    return "\n\n".join(parts)


def agenda_calendar(bundle: BriefingBundle, sources: Mapping[str, Source], site: SiteInfo,
                    link: Linker) -> bytes:
    """The briefing's agenda as iCalendar: one event per item with a cited date.

    Items without a date (the sources give only a weekday) cannot be placed on a calendar
    honestly; the calendar's description names them instead.
    """
    briefing = bundle.briefing
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{ID_DOMAIN}//briefing agenda//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # icalendar does not know these two as text properties and would not escape a line break.
    calendar.add("name", icalendar.vText(f"{briefing.title}: agenda"))
    calendar.add("x-wr-calname", icalendar.vText(f"{briefing.title}: agenda"))
    undated = [item for item in bundle.agenda if item.date is None]
    description = f"Agenda of {briefing.title}, from {site.name}."
    if undated:
        description += ("\n\nNot in this calendar because no cited source gives their date:\n"
                        + "\n".join(f"- {item.day}: {item.title}" for item in undated))
    calendar.add("description", description)
    events = [_agenda_event(bundle, item, sources, site, link) for item in bundle.agenda if item.date]
    for event in events:
        calendar.add_component(event)
    ical = calendar.to_ical()
    zones = sorted({e["dtstart"].params["TZID"] for e in events if "TZID" in e["dtstart"].params})
    if not zones:
        return ical
    # Where icalendar puts a calendar's time zones, before its events; each zone is written once
    # per process (it took most of the time of a calendar), the bytes are the same.
    at = ical.index(b"BEGIN:VEVENT\r\n")
    return ical[:at] + b"".join(map(_vtimezone, zones)) + ical[at:]


def _agenda_event(bundle: BriefingBundle, item: AgendaItem, sources: Mapping[str, Source], site: SiteInfo,
                  link: Linker) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"{item.id}.{bundle.id}.agenda@{ID_DOMAIN}")
    event.add("dtstamp", _stamp(bundle.briefing.updated))
    day = dt.date.fromisoformat(item.date)
    if item.time is None:
        event.add("dtstart", day)
    else:
        hour, minute = map(int, item.time.split(":"))
        event.add("dtstart", dt.datetime.combine(day, dt.time(hour, minute), _time_zone(bundle, item)))
    event.add("summary", item.title)
    event.add("location", ", ".join(filter(None, (item.venue, item.city))))
    # A calendar file has no base address, so relative links would lead nowhere.
    event.add("description", _event_description(item, sources, link, bool(site.url)))
    event.add("status", _ICS_STATUS[item.status])
    event.add("categories", [item.kind])
    if site.url:
        event.add("url", link.page("agenda", briefing=bundle.id, fragment=f"agenda-{item.id}"))
    return event


@cache
def _vtimezone(name: str) -> bytes:
    """The VTIMEZONE of a zone as iCalendar, made once per process (it takes a third of a second)."""
    return icalendar.Timezone.from_tzid(name).to_ical()


# Atom --------------------------------------------------------------------------------------
# Written with ElementTree rather than a feed library: the one maintained candidate (feedgen)
# pulls in lxml for a document of a dozen element types, and ElementTree already escapes text
# and attributes and writes the same bytes for the same tree.

ATOM_NS = "http://www.w3.org/2005/Atom"


def _atom_time(day: str) -> str:
    return f"{day}T00:00:00Z"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = text
    return element


def atom_feed(data: Dataset, site: SiteInfo) -> bytes:
    """An Atom feed (RFC 4287) of the briefings, newest first, ids as tag: URIs."""
    link = Linker(site, FEED)
    feed = ET.Element("feed", {"xmlns": ATOM_NS})
    _sub(feed, "id", TAG_PREFIX + "briefings")
    _sub(feed, "title", site.name)
    if site.description:
        _sub(feed, "subtitle", site.description)
    newest = max((b.briefing.updated for b in data.briefings), default="2000-01-01")
    _sub(feed, "updated", _atom_time(newest))
    _sub(_sub(feed, "author"), "name", site.name)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=link.file(FEED))
    _sub(feed, "link", rel="alternate", type="text/html", href=link.page("home"))
    for bundle in data.briefings:
        briefing = bundle.briefing
        entry = _sub(feed, "entry")
        _sub(entry, "id", f"{TAG_PREFIX}briefings/{bundle.id}")
        _sub(entry, "title", briefing.title)
        _sub(entry, "updated", _atom_time(briefing.updated))
        _sub(entry, "link", rel="alternate", type="text/html",
             href=link.page("briefing", briefing=bundle.id))
        if briefing.subtitle:
            _sub(entry, "summary", briefing.subtitle)
        _sub(entry, "content", _entry_html(briefing), type="html")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _entry_html(briefing: Briefing) -> str:
    html = str(render_markdown(briefing.summary))
    if briefing.takeaways:
        html += "<ul>" + "".join(f"<li>{render_markdown(t.text)}</li>" for t in briefing.takeaways) + "</ul>"
    return html
