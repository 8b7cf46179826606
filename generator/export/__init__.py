"""Stage 6: the dataset as files in standard formats, for readers and programs outside the site.

`render_exports` is a pure function of the dataset and the site's identity: the whole dataset as
JSON (with a JSON Schema of that file, `json`), its people, organisations and events as Popolo
JSON (`popolo`), one CSV per collection (`csv`), an iCalendar file
per briefing agenda (`calendar`), an Atom feed of briefings (`feed`), and the JSON Schema of each
content file for editors. Output is bytes by site path and byte-identical for the same input:
keys are sorted, records keep the dataset's order, and every date comes from the content, never
from the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Mapping, NamedTuple

from ..dataset.model import Dataset
from ..content.schema import schema_files
from ..dataset.track import Reuse
from .calendar import agenda_calendar, calendar_path, has_calendar
from .csv import CITATION_COLUMNS, citation_rows, collection_rows, csv_columns, write_csv
from ..dataset.history import NO_GIT, History
from .feed import FEED, atom_feed, changes_feed, changes_feed_path
from .json import DATA_JSON, DATA_SCHEMA, dataset_json, dump_json, export_json_schema
from .popolo import POPOLO_JSON, popolo_json
from .records import COLLECTIONS, Collection, Entry, record_entry, record_groups
from .site import Linker, SiteInfo

__all__ = ["COLLECTIONS", "DATA_JSON", "DATA_SCHEMA", "FEED", "FORMATS", "POPOLO_JSON", "Export", "SiteInfo", "calendar_path",
           "csv_columns", "has_calendar", "list_exports", "render_exports", "Reuse"]

FORMATS = {"json": "JSON", "popolo": "Popolo JSON", "csv": "CSV", "ics": "iCalendar", "atom": "Atom", "schema": "JSON Schema"}


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


def list_exports(data: Dataset) -> tuple[Export, ...]:
    """Every export file of the site, in the order the data page lists them."""
    exports = [
        Export(DATA_JSON, "json", "Whole dataset (JSON)",
               "Every record of every briefing, references as ids, each record with the address of "
               "its page; validates against the JSON Schema below."),
        Export(DATA_SCHEMA, "schema", "JSON Schema of briefings.json",
               "The layout of the JSON export, for programs that read it."),
    ]
    exports.append(Export(POPOLO_JSON, "popolo", "People, organisations and events (Popolo)",
                          "People, organisations, memberships (each role with its organisation) and events "
                          "(shared events, briefings, agenda items) in the Popolo standard's JSON; dates "
                          "as precise as the content gives them."))
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
                              "cited date or one derived from its weekday, for calendar programs.", bundle.id))
    exports.append(Export(FEED, "atom", "Feed of briefings (Atom)",
                          "Every briefing, newest event first, for feed readers."))
    exports.append(Export(changes_feed_path(), "atom", "Feed of changes (Atom)",
                          "What changed in the records, revision by revision, from the content's history."))
    for bundle in data.briefings:
        exports.append(Export(changes_feed_path(bundle.id), "atom", f"{bundle.briefing.title}: changes (Atom)",
                              f"What changed in the records of {bundle.briefing.title}, revision by revision.",
                              bundle.id))
    for path in _schema_files():
        if path == DATA_SCHEMA:
            continue
        name = path.removeprefix("schema/")
        exports.append(Export(path, "schema", name,
                              f"JSON Schema of {name.removesuffix('.schema.json')}.yml, for editors."))
    return tuple(exports)


def render_exports(data: Dataset, site: SiteInfo, reuse: Reuse | None = None,
                   history: History = History(note=NO_GIT),
                   places: dict[tuple[str, str | None, str | None], Place] | None = None) -> Mapping[str, bytes]:
    """Every export file's bytes by site path, in the order of `list_exports`; with `reuse`, the
    pieces of an earlier build of the same site that still hold; `history` is the content's
    (history.read_history) for the feeds of changes, none by default. `places` is given where
    in its collection's CSV file and in citations.csv each group of records' rows are written,
    by the group's key (see `csv_piece`)."""
    reuse = reuse or Reuse()
    schemas = _schema_files()
    # The JSON and CSV files are all in the data folder, so they give a record the same addresses:
    # each record becomes JSON data once, for all of them.
    link = Linker(site, DATA_JSON)
    entries: dict[str, list[Entry]] = {}
    files: dict[str, bytes] = {}
    citations = [write_csv([CITATION_COLUMNS])]
    cited_at = len(citations[0])
    for collection in COLLECTIONS:
        rows, found = [write_csv([csv_columns(collection)])], entries.setdefault(collection.name, [])
        at = len(rows[0])
        # A briefing's records of the collection are kept together while they are the same.
        for briefing, records in record_groups(data, collection):
            key = (collection.name, briefing, None if briefing else records[0].id)
            made = reuse.get(key, records, lambda: tuple(record_entry(collection, briefing, record, link)
                                                          for record in records))
            row, cited = reuse.get(csv_piece(key), made, lambda: _csv_parts(collection, made))
            found.extend(made)
            rows.append(row)
            citations.append(cited)
            if places is not None:
                places[key] = Place(at, len(row), cited_at, len(cited))
            at, cited_at = at + len(row), cited_at + len(cited)
        files[f"data/{collection.name}.csv"] = b"".join(rows)
    files = {DATA_JSON: dataset_json(data, site, entries, link, reuse), DATA_SCHEMA: schemas[DATA_SCHEMA],
             POPOLO_JSON: dump_json(popolo_json(data)), **files, "data/citations.csv": b"".join(citations)}
    # A token that stays the same while the sources do: compared once, not once per calendar.
    sources = reuse.get(("sources",), tuple(data.sources.items()), object)
    for bundle in filter(has_calendar, data.briefings):
        path = calendar_path(bundle.id)
        files[path] = reuse.get(("ics", bundle.id), (bundle, sources),
                                lambda: agenda_calendar(bundle, data.sources, site, Linker(site, path)))
    files[FEED] = reuse.get((FEED,), data.briefings, lambda: atom_feed(data, site))
    # Like the sources' token: the history is compared once, not once per briefing.
    revisions = reuse.get(("history",), history, object)
    files[changes_feed_path()] = reuse.get((changes_feed_path(),), revisions, lambda: changes_feed(history, site))
    for bundle in data.briefings:
        path, title = changes_feed_path(bundle.id), bundle.briefing.title
        files[path] = reuse.get((path,), (revisions, title), lambda: changes_feed(history, site, bundle.id, title))
    files.update((path, text) for path, text in schemas.items() if path != DATA_SCHEMA)
    reuse.next_build()
    return MappingProxyType(files)


class Place(NamedTuple):
    """Where a group of records' rows are in its collection's CSV file and in citations.csv:
    offset and length in bytes in each."""

    offset: int
    length: int
    cited_offset: int
    cited_length: int


def csv_piece(key: tuple[str, str | None, str | None]) -> tuple[str, str, str | None, str | None]:
    """The key (for `reuse`) of the CSV rows of a group of records: a briefing's records of a
    collection (collection name, briefing id, None) or one shared record (name, None, its id)."""
    return ("csv", *key)


def _csv_parts(collection: Collection, entries: tuple[Entry, ...]) -> tuple[bytes, bytes]:
    """Records' rows of their collection's CSV file and their rows of citations.csv."""
    cited = [row for entry in entries for row in citation_rows(collection, entry)]
    return write_csv(collection_rows(collection, entries)), write_csv(cited)


@cache
def _schema_files() -> Mapping[str, bytes]:
    """The JSON Schema files: they depend on the code only, so each process makes them once."""
    files = {DATA_SCHEMA: dump_json(export_json_schema())}
    files.update((f"schema/{name}", text.encode("utf-8")) for name, text in schema_files().items())
    return MappingProxyType(files)
