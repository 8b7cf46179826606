"""The whole dataset as one JSON file, and the JSON Schema of that file."""

from __future__ import annotations

from itertools import islice
from typing import Any, Mapping

import orjson
from pydantic.json_schema import models_json_schema

from ..dataset.model import BriefingBundle, Dataset
from ..content.schema import SCHEMA_BASE_URI, Citation, Organization, Person, Record, Source
from .calendar import calendar_path, has_calendar
from .records import COLLECTIONS, Entry
from .site import Linker, SiteInfo
from ..dataset.track import Reuse

SCHEMA_VERSION = 1
"""Version of the layout of briefings.json; raised whenever a field changes meaning or goes away."""

DATA_JSON = "data/briefings.json"
DATA_SCHEMA = "schema/briefings-export.schema.json"


def dump_json(value: Any) -> bytes:
    """JSON as json.dumps(ensure_ascii=False, indent=2, sort_keys=True) writes it, and a line end."""
    return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)


def dataset_json(data: Dataset, site: SiteInfo, entries: Mapping[str, list[Entry]], link: Linker,
                 reuse: Reuse | None = None) -> bytes:
    """The whole dataset as dump_json writes it, from each collection's entries (see
    records.record_entry): an object of the site's fields and an array for each shared collection
    and for the briefings, each briefing with the records of its folder.

    Each shared record and each briefing is written alone, as it is indented in the whole, and
    the pieces are joined: with `reuse` (a rebuild's), a piece is written again only when its
    entries changed, so that a save does not write the whole dataset again."""
    reuse = reuse or Reuse()
    arrays = {name: [reuse.get(("json", name, entry.record.id), entry, lambda: _element(entry.value))
                     for entry in entries[name]] for name in ("sources", "people", "organizations")}
    # A briefing's records are the next ones of each collection: entries come briefing by briefing.
    parts = {c.name: iter(entries[c.name]) for c in COLLECTIONS if c.in_briefing}
    arrays["briefings"] = []
    for bundle, entry in zip(data.briefings, entries["briefings"], strict=True):
        own = {name: tuple(islice(found, len(getattr(bundle, name)))) for name, found in parts.items()}
        arrays["briefings"].append(reuse.get(("json", "briefings", bundle.id), (bundle, entry, own),
                                             lambda: _element(_briefing_json(bundle, entry, own, link))))
    fields = {"schema_version": orjson.dumps(SCHEMA_VERSION), "site_url": orjson.dumps(site.url),
              **{name: b"[\n    " + b",\n    ".join(items) + b"\n  ]" if items else b"[]"
                 for name, items in arrays.items()}}
    return b"{\n" + b",\n".join(b"  " + orjson.dumps(name) + b": " + value
                                  for name, value in sorted(fields.items())) + b"\n}\n"


def _element(value: Any) -> bytes:
    """`value` as dump_json writes it as an item of an array in an object: JSON text holds no raw
    line ends but those between its lines, so each line after the first is indented further."""
    return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).replace(b"\n", b"\n    ")


def _briefing_json(bundle: BriefingBundle, entry: Entry, parts: Mapping[str, tuple[Entry, ...]],
                   link: Linker) -> dict[str, Any]:
    out = dict(entry.value)  # a copy: briefings.csv writes entry.value too
    out["id"] = bundle.id
    out["calendar_url"] = link.file(calendar_path(bundle.id)) if has_calendar(bundle) else None
    for name, found in parts.items():
        out[name] = [item.value for item in found]
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
