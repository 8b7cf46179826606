"""The whole dataset as one JSON file, and the JSON Schema of that file."""

from __future__ import annotations

from itertools import islice
from typing import Any, Iterator, Mapping

import orjson
from pydantic.json_schema import models_json_schema

from ..model import BriefingBundle, Dataset
from ..schema import SCHEMA_BASE_URI, Citation, Organization, Person, Record, Source
from .calendar import calendar_path, has_calendar
from .records import COLLECTIONS, Entry
from .site import Linker, SiteInfo

SCHEMA_VERSION = 1
"""Version of the layout of briefings.json; raised whenever a field changes meaning or goes away."""

DATA_JSON = "data/briefings.json"
DATA_SCHEMA = "schema/briefings-export.schema.json"


def dump_json(value: Any) -> bytes:
    """JSON as json.dumps(ensure_ascii=False, indent=2, sort_keys=True) writes it, and a line end."""
    return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)


def dataset_json(data: Dataset, site: SiteInfo, entries: Mapping[str, list[Entry]],
                 link: Linker) -> dict[str, Any]:
    """The whole dataset as one JSON value, from each collection's entries (see records.record_entry)."""
    out: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "site_url": site.url}
    for name in ("sources", "people", "organizations"):
        out[name] = [entry.value for entry in entries[name]]
    # A briefing's records are the next ones of each collection: entries come briefing by briefing.
    parts = {c.name: iter(entries[c.name]) for c in COLLECTIONS if c.in_briefing}
    out["briefings"] = [_briefing_json(bundle, entry, parts, link)
                        for bundle, entry in zip(data.briefings, entries["briefings"], strict=True)]
    return out


def _briefing_json(bundle: BriefingBundle, entry: Entry, parts: Mapping[str, Iterator[Entry]],
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
