"""One CSV file (RFC 4180, CRLF line ends) per collection, and one of every citation.

Spreadsheet programs run a cell that starts with "=", "+", "-" or "@" as a formula, so a content
string could become one (CSV injection). Such a cell is written with an apostrophe before it,
which spreadsheets show as text and hide; the JSON export keeps every value as it is.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Iterable, Iterator

import orjson

from ..dataset.model import ref_kinds
from .records import Collection, Entry

CITATION_COLUMNS = ("collection", "briefing", "record", "field", "source", "para", "quote", "page_url")

_FORMULA_STARTS = ("=", "+", "-", "@")


def write_csv(rows: Iterable[Iterable[str]]) -> bytes:
    """Rows of two or more cells of text as CSV, with csv.writer's default dialect."""
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(
        [["'" + cell if cell.startswith(_FORMULA_STARTS) else cell for cell in row] for row in rows])
    return out.getvalue().encode("utf-8")


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


def collection_rows(collection: Collection, entries: Iterable[Entry]) -> Iterator[list[str]]:
    """One row per record of a collection (the header is csv_columns)."""
    columns = csv_columns(collection)
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


def citation_rows(collection: Collection, entry: Entry) -> Iterator[tuple[str, ...]]:
    """One row per citation of a record (the header is CITATION_COLUMNS)."""
    record_id = entry.briefing if collection.name == "briefings" else entry.record.id
    for path, citation in entry.citations:
        para = citation["para"]
        yield (collection.name, entry.briefing or "", record_id, path, citation["source"],
               "" if para is None else str(para), citation["quote"] or "", citation["page_url"])
