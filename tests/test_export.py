"""The exports, read back with real readers: json + jsonschema, csv, icalendar, feedparser."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import posixpath
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import icalendar
import jsonschema
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from generator.build import Built, build
from generator.export import COLLECTIONS, SiteInfo, csv_columns, list_exports, render_exports
from generator.export.calendar import ics_text
from generator.export.csv import write_csv
from generator.export.json import dump_json
from generator.dataset.model import BriefingBundle, Dataset, iter_citations
from generator.dataset.timeline import derived_date, item_date
from generator import urls
from generator.content.schema import Actor, AgendaItem, Briefing, Source, schema_files
from support import (ARCHIVE_CONTENT, HOSTILE, HOSTILE_QUOTE, HOSTILE_TITLE, HOSTILE_VENUE, ROOT,
                     SAMPLE_PEOPLE, write_sample)

TEMPLATES = ROOT / "templates" / "pages"
SITE = SiteInfo("Briefings", None, "Curated, cited briefings.")
EXPORT_SCHEMA = "schema/briefings-export.schema.json"
SITE_WITH_URL = SiteInfo("Briefings", "https://briefings.example.org/sub/", "Curated, cited briefings.")


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    return write_sample(tmp_path_factory.mktemp("export") / "content")


@pytest.fixture(scope="module")
def built(sample) -> Built:
    return build(sample, TEMPLATES, SITE)


@pytest.fixture(scope="module")
def built_with_url(sample) -> Built:
    return build(sample, TEMPLATES, SITE_WITH_URL)


def _json(built: Built) -> dict:
    return json.loads(built.exports["data/briefings.json"].decode("utf-8"))


def _csv(built: Built, name: str) -> list[dict[str, str]]:
    text = built.exports[f"data/{name}.csv"].decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _resolve(from_path: str, url: str) -> str:
    """The site path a relative address written in `from_path` leads to, without its fragment."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(from_path), url.split("#")[0]))


def _site_files(built: Built) -> set[str]:
    return {urls.output_path(p) for p in built.pages} | set(built.exports)


# JSON --------------------------------------------------------------------------------------

def test_json_validates_against_the_published_export_schema(built):
    schema = json.loads(built.exports[EXPORT_SCHEMA])
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(_json(built))


def test_export_schema_rejects_a_record_without_its_address_or_with_a_bad_value(built):
    validator = jsonschema.Draft202012Validator(json.loads(built.exports[EXPORT_SCHEMA]))
    data = _json(built)
    del data["briefings"][0]["agenda"][0]["page_url"]
    data["people"][1]["country"] = "China"
    data["briefings"][1]["status"] = "done"
    messages = sorted(e.message for e in validator.iter_errors(data))
    assert len(messages) == 3, messages
    assert "'page_url' is a required property" in messages


def test_json_keeps_order_ids_and_content_strings(built):
    data = _json(built)
    assert data["schema_version"] == 1
    assert [b["id"] for b in data["briefings"]] == ["visit", "earlier-call", "undated-week"]  # newest first
    visit = data["briefings"][0]
    assert [a["id"] for a in visit["agenda"]] == ["arrival", "meet-wang", "shanghai-visit"]
    meeting = visit["agenda"][1]
    assert meeting["title"] == HOSTILE_TITLE and meeting["venue"] == HOSTILE_VENUE
    assert meeting["outcomes"] == [HOSTILE, "A second outcome"]
    assert meeting["participants"] == ["gina-raimondo", "wang-wentao"]
    assert visit["subtitle"] == HOSTILE and visit["statements"][0]["text"] == HOSTILE
    assert meeting["sources"][0] == {"source": "article", "para": 1, "quote": HOSTILE_QUOTE,
                                     "page_url": "../sources/article.html#p1"}
    assert [p["name"] for p in data["people"]] == [p["name"] for p in SAMPLE_PEOPLE]
    assert data["people"][1]["name_zh"] == "王文涛"


def test_json_is_written_as_one_dump_of_its_whole_value(built, built_with_url):
    # The file is joined from a piece per record and per briefing (export.json.dataset_json).
    for found in (built, built_with_url):
        text = found.exports["data/briefings.json"]
        assert text == dump_json(json.loads(text))


def test_json_addresses_lead_to_pages_of_the_site(built):
    data = _json(built)
    files = _site_files(built)
    visit = data["briefings"][0]
    urls = [visit["page_url"], visit["calendar_url"], visit["agenda"][1]["page_url"],
            visit["disputes"][0]["page_url"], data["people"][0]["page_url"], data["sources"][1]["page_url"]]
    assert visit["agenda"][1]["page_url"] == "../briefings/visit/agenda.html#agenda-meet-wang"
    for url in urls:
        assert _resolve("data/briefings.json", url) in files, url


def test_json_addresses_are_absolute_when_the_site_has_an_address(built_with_url):
    data = _json(built_with_url)
    assert data["site_url"] == SITE_WITH_URL.url
    assert data["briefings"][0]["page_url"] == "https://briefings.example.org/sub/briefings/visit/index.html"
    assert data["people"][0]["roles"][0]["sources"][0]["page_url"] == \
        "https://briefings.example.org/sub/sources/article.html#p1"


# CSV ---------------------------------------------------------------------------------------

def _records(built: Built, name: str) -> list:
    if name == "briefings":
        return [b.briefing for b in built.data.briefings]
    if name in ("sources", "people", "organizations", "events"):
        return list(getattr(built.data, name).values())
    return [r for b in built.data.briefings for r in getattr(b, name)]


@pytest.mark.parametrize("collection", COLLECTIONS, ids=lambda c: c.name)
def test_csv_has_a_header_and_one_row_per_record(built, collection):
    text = built.exports[f"data/{collection.name}.csv"].decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == csv_columns(collection)
    records = _records(built, collection.name)
    assert len(rows) - 1 == len(records)
    key = "id" if "id" in rows[0] else None
    if key:
        index = rows[0].index(key)
        briefings = [b.id for b in built.data.briefings]
        expected = briefings if collection.name == "briefings" else [r.id for r in records]
        assert [row[index] for row in rows[1:]] == expected


def test_people_and_organisations_csv_begin_with_the_fields_they_share():
    shared = tuple(Actor.model_fields)
    assert shared == ("id", "name", "name_zh", "country", "wikidata")
    by_name = {c.name: c for c in COLLECTIONS}
    assert csv_columns(by_name["people"])[:len(shared)] == shared
    assert csv_columns(by_name["organizations"])[:len(shared)] == shared


def test_csv_keeps_content_strings_and_joins_lists_predictably(built):
    agenda = {row["id"]: row for row in _csv(built, "agenda")}
    meeting = agenda["meet-wang"]
    assert meeting["briefing"] == "visit"
    assert meeting["title"] == HOSTILE_TITLE and meeting["venue"] == HOSTILE_VENUE
    assert meeting["participants"].split(";") == ["gina-raimondo", "wang-wentao"]
    assert json.loads(meeting["outcomes"]) == [HOSTILE, "A second outcome"]
    assert agenda["shanghai-visit"]["date"] == "" and agenda["shanghai-visit"]["venue"] == ""
    people = {row["id"]: row for row in _csv(built, "people")}
    assert people["wang-wentao"]["name_zh"] == "王文涛"
    assert json.loads(people["wang-wentao"]["roles"])[0]["period"] == HOSTILE
    assert _csv(built, "statements")[0]["text"] == HOSTILE
    assert _csv(built, "briefings")[0]["subtitle"] == HOSTILE


def test_citations_csv_lists_every_citation_once(built):
    rows = _csv(built, "citations")
    records = [r for c in COLLECTIONS for r in _records(built, c.name)]
    assert len(rows) == sum(1 for r in records for _ in iter_citations(r))
    meeting = [r for r in rows if r["record"] == "meet-wang"]
    assert [(r["field"], r["source"], r["para"], r["quote"]) for r in meeting] == [
        ("sources.0", "article", "1", HOSTILE_QUOTE), ("sources.1", "article", "2", "")]
    assert meeting[0]["collection"] == "agenda" and meeting[0]["briefing"] == "visit"
    role = next(r for r in rows if r["record"] == "wang-wentao" and r["field"].startswith("roles"))
    assert role["field"] == "roles.0.sources.0"
    assert _resolve("data/citations.csv", role["page_url"]) in _site_files(built)



def test_csv_addresses_are_the_json_ones_and_lead_to_pages(built):
    data = _json(built)
    json_urls = [a["page_url"] for b in data["briefings"] for a in b["agenda"]]
    assert [row["page_url"] for row in _csv(built, "agenda")] == json_urls
    for url in json_urls:
        assert _resolve("data/agenda.csv", url) in _site_files(built), url


CELL = st.text(st.sampled_from('a ,;"\'\r\n\t王=+-@'), max_size=6)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(CELL, min_size=2, max_size=4), max_size=4))
def test_csv_cells_read_back_as_written_but_a_formula_is_text(rows):
    read = list(csv.reader(io.StringIO(write_csv(rows).decode("utf-8"), newline="")))
    assert read == [["'" + cell if cell[:1] in ("=", "+", "-", "@") else cell for cell in row] for row in rows]

# iCalendar ---------------------------------------------------------------------------------

def _calendar(built: Built, briefing: str) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(built.exports[f"briefings/{briefing}/agenda.ics"])


def test_calendar_has_one_event_per_dated_or_derived_item_with_stable_uids(built):
    calendar = _calendar(built, "visit")
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert list(events) == ["arrival.visit.agenda@briefing-sites.invalid",
                            "meet-wang.visit.agenda@briefing-sites.invalid",
                            "shanghai-visit.visit.agenda@briefing-sites.invalid"]
    for event in events.values():
        assert event.decoded("dtstamp") == dt.datetime(2023, 9, 1, tzinfo=dt.timezone.utc)
    # Known only as "Wednesday": the one Wednesday of the briefing's cited dates, and it says so.
    shanghai = events["shanghai-visit.visit.agenda@briefing-sites.invalid"]
    assert shanghai.decoded("dtstart") == dt.date(2023, 8, 30)
    assert "Date derived from the weekday" in str(shanghai["description"])
    assert "Date derived" not in str(events["meet-wang.visit.agenda@briefing-sites.invalid"]["description"])
    assert "Not in this calendar" not in str(calendar["description"])


def test_a_weekday_that_fits_no_single_day_is_not_given_a_date(built):
    bundle = next(b for b in built.data.briefings if b.id == "visit")
    item = next(i for i in bundle.agenda if i.id == "shanghai-visit")
    two_weeks = replace(bundle, briefing=bundle.briefing.model_copy(update={"end": "2023-09-10"}))
    no_dates = replace(bundle, briefing=bundle.briefing.model_copy(update={"start": None, "end": None}))
    assert derived_date(bundle, item) == "2023-08-30"
    assert derived_date(two_weeks, item) is None and derived_date(no_dates, item) is None


def test_briefing_without_a_dated_item_has_no_calendar(built):
    # RFC 5545 wants at least one component; an empty calendar would also promise what it lacks.
    assert "briefings/undated-week/agenda.ics" not in built.exports
    assert _json(built)["briefings"][2]["calendar_url"] is None
    page = built.pages[urls.page_path("briefing", briefing="undated-week")].html
    assert "agenda.ics" not in page and 'href="../../data/index.html"' in page


def test_calendar_times_are_in_the_local_zone_or_all_day(built):
    calendar = _calendar(built, "visit")
    events = {str(e["uid"]).split(".")[0]: e for e in calendar.walk("VEVENT")}
    start = events["meet-wang"].decoded("dtstart")
    assert start == dt.datetime(2023, 8, 28, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert start.utcoffset() == dt.timedelta(hours=8)
    assert events["meet-wang"]["dtstart"].params["TZID"] == "Asia/Shanghai"
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    assert events["arrival"].decoded("dtstart") == dt.date(2023, 8, 27)  # all day: a date, not a time
    # Washington's country has several zones: the time stays local ("floating"), zone unknown.
    call = next(iter(_calendar(built, "earlier-call").walk("VEVENT")))
    assert call.decoded("dtstart") == dt.datetime(2023, 6, 1, 14, 0)


def test_calendar_keeps_content_strings_and_cites_sources(built, built_with_url):
    meeting = [e for e in _calendar(built, "visit").walk("VEVENT") if "meet-wang" in str(e["uid"])][0]
    assert str(meeting["summary"]) == HOSTILE_TITLE
    assert str(meeting["location"]) == f"{HOSTILE_VENUE}, Beijing"
    description = str(meeting["description"])
    assert f"- {HOSTILE}\n- A second outcome" in description
    assert f"- Raimondo visits Beijing, paragraph 1: \u201c{HOSTILE_QUOTE}\u201d\n" in description
    assert "article.html" not in description and "url" not in meeting  # no address that leads nowhere
    meeting = [e for e in _calendar(built_with_url, "visit").walk("VEVENT")
               if "meet-wang" in str(e["uid"])][0]
    assert "<https://briefings.example.org/sub/sources/article.html#p2>" in str(meeting["description"])
    assert str(meeting["url"]) == f"{SITE_WITH_URL.url}briefings/visit/agenda.html#agenda-meet-wang"


# Atom --------------------------------------------------------------------------------------

def test_feed_is_atom_with_entries_newest_first(built):
    feed = feedparser.parse(built.exports["feed.atom"])
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert [e.id for e in feed.entries] == [f"tag:briefing-sites.invalid,2026:briefings/{b}"
                                             for b in ("visit", "earlier-call", "undated-week")]
    assert [e.updated for e in feed.entries] == ["2023-09-01T00:00:00Z", "2023-06-01T00:00:00Z",
                                                  "2023-01-01T00:00:00Z"]
    assert feed.feed.updated == "2023-09-01T00:00:00Z"
    assert [e.link for e in feed.entries] == [f"briefings/{b}/index.html"
                                               for b in ("visit", "earlier-call", "undated-week")]
    for entry in feed.entries:
        assert _resolve("feed.atom", entry.link) in _site_files(built)


def test_feed_has_the_elements_rfc_4287_requires(built):
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring(built.exports["feed.atom"])
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    for name in ("a:id", "a:title", "a:updated", "a:author/a:name", "a:link[@rel='self']"):
        assert feed.find(name, ns) is not None, name
    for entry in feed.findall("a:entry", ns):
        for name in ("a:id", "a:title", "a:updated", "a:link[@rel='alternate']"):
            assert len(entry.findall(name, ns)) == 1, name


def test_feed_keeps_content_strings_and_uses_absolute_links_with_a_site_address(built, built_with_url):
    entry = feedparser.parse(built.exports["feed.atom"]).entries[0]
    assert entry.title == HOSTILE_TITLE
    assert entry.summary == HOSTILE
    feed = feedparser.parse(built_with_url.exports["feed.atom"])
    assert feed.entries[0].link == "https://briefings.example.org/sub/briefings/visit/index.html"
    assert feed.feed.links[0].href == "https://briefings.example.org/sub/feed.atom"


# Schemas, listing, reproducibility -----------------------------------------------------------

def test_published_content_schemas_are_the_committed_ones(built):
    names = schema_files()
    assert names
    for name in names:
        assert built.exports[f"schema/{name}"] == (ROOT / "schema" / name).read_bytes(), name


def test_every_export_is_listed_on_the_data_page(built):
    page = built.pages[urls.page_path("data")]
    assert list(built.exports) == [e.path for e in list_exports(built.data)]
    for path in built.exports:
        assert f'href="{urls.relative(page.path, path)}"' in page.html, path


def test_briefing_page_links_its_calendar_and_the_data_page_and_home_links_the_feed(built):
    page = built.pages[urls.page_path("briefing", briefing="visit")].html
    # The site-wide files are listed once, on the data page.
    for path in ("briefings/visit/agenda.ics", "data/index.html"):
        assert f'href="{urls.relative("briefings/visit/index.md", path)}"' in page, path
    assert "data/briefings.json" not in page and "data/agenda.csv" not in page
    assert "earlier-call/agenda.ics" not in page
    assert 'href="feed.atom"' in built.pages[urls.page_path("home")].html


_DIGEST = """
import hashlib, json, sys
from dataclasses import replace
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from generator.build import build
from generator.export import SiteInfo
built = build(Path(sys.argv[1]), Path(sys.argv[2]), SiteInfo("Briefings", None, "Curated, cited briefings."))
print(json.dumps({p: hashlib.sha256(b).hexdigest() for p, b in built.exports.items()}))
"""


def test_two_builds_give_byte_identical_exports(sample, built):
    again = build(sample, TEMPLATES, SITE)
    assert dict(again.exports) == dict(built.exports)
    # A second process with another hash seed: no set or dict order leaks into the files.
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", _DIGEST, str(sample), str(TEMPLATES), str(ROOT)],
                         env=env, capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == {p: hashlib.sha256(b).hexdigest() for p, b in built.exports.items()}


# The fixture archive ---------------------------------------------------------------------------

def test_the_archive_exports_read_back():
    archive = build(ARCHIVE_CONTENT, TEMPLATES, SITE)
    data = _json(archive)
    jsonschema.Draft202012Validator(json.loads(archive.exports[EXPORT_SCHEMA])).validate(data)
    for collection in COLLECTIONS:
        assert len(_csv(archive, collection.name)) == len(_records(archive, collection.name)), collection.name
    feed = feedparser.parse(archive.exports["feed.atom"])
    assert not feed.bozo and len(feed.entries) == len(archive.data.briefings)
    for bundle in archive.data.briefings:
        dated = [(item, item_date(bundle, item)) for item in bundle.agenda if item_date(bundle, item)]
        path = f"briefings/{bundle.id}/agenda.ics"
        assert (path in archive.exports) == bool(dated)
        if not dated:
            continue
        calendar = icalendar.Calendar.from_ical(archive.exports[path])
        events = calendar.walk("VEVENT")
        assert [str(e["uid"]) for e in events] == [f"{i.id}.{bundle.id}.agenda@briefing-sites.invalid"
                                                   for i, _ in dated]
        # An item without a time is a whole day; one with a time is a local time (a floating one
        # where the city's time zone is not known).
        assert [e.decoded("dtstart") for e in events if not isinstance(e.decoded("dtstart"), dt.datetime)] == [
            dt.date.fromisoformat(day) for i, day in dated if i.time is None]
    assert sum(path.endswith("agenda.ics") for path in archive.exports) == len(archive.data.briefings) == 3


def test_record_addresses_point_at_anchors_the_pages_have(built):
    data = _json(built)
    visit = data["briefings"][0]
    for record in visit["agenda"] + visit["disputes"]:
        path, fragment = _resolve("data/briefings.json", record["page_url"]), record["page_url"].split("#")[1]
        page = built.pages[path.removesuffix(".html") + ".md"]
        assert f'id="{fragment}"' in page.html, record["page_url"]


# Any text the loader accepts ------------------------------------------------------------------

def _tiny_dataset(text: str) -> Dataset:
    """One briefing whose title, subtitle, place, agenda item and citation all carry `text`."""
    cite = [{"source": "s", "para": 1, "quote": text[:200]}]
    source = Source.model_validate({"id": "s", "title": text, "publisher": text, "kind": "article",
                                    "paragraphs": [{"n": 1, "about": text}]})
    briefing = Briefing.model_validate({
        "title": text, "subtitle": text, "places": [{"city": text, "country": "CN"}], "status": "concluded",
        "updated": "2023-09-01", "summary": "A summary.", "sources": cite})
    item = AgendaItem.model_validate({
        "id": "i", "title": text, "day": "Monday", "date": "2023-08-28", "time": "09:30", "city": text,
        "venue": text, "kind": "meeting", "status": "happened", "summary": "A meeting.",
        "outcomes": [text], "sources": cite})
    return Dataset(sources={"s": source}, people={}, organizations={},
                   briefings=(BriefingBundle("b", briefing, agenda=(item,)),))


# Text as the loader lets it through: no control character but tab and line feed, no surrogate and
# no unassigned code point (a carriage return, U+FFFE and the like have no form in iCalendar or XML).
TEXT = st.text(st.one_of(st.sampled_from('"\',;<>&\n\t\\ 王文涛\u2028'),
                         st.characters(exclude_categories=("Cc", "Cs", "Cn"))), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
@example("\\N")
def test_any_valid_text_survives_every_format(text):
    try:
        data = _tiny_dataset(text)
    except ValidationError:
        assume(False)
    exports = render_exports(data, SITE)
    record = json.loads(exports["data/briefings.json"])["briefings"][0]
    assert exports["data/briefings.json"] == dump_json(json.loads(exports["data/briefings.json"]))
    assert (record["title"], record["agenda"][0]["venue"], record["agenda"][0]["outcomes"]) == (text, text, [text])
    row = next(csv.DictReader(io.StringIO(exports["data/agenda.csv"].decode("utf-8"), newline="")))
    # A cell that a spreadsheet would run as a formula starts with an apostrophe (see export.csv).
    cell = "'" + text if text[:1] in ("=", "+", "-", "@") else text
    assert (row["title"], row["venue"], json.loads(row["outcomes"])) == (cell, cell, [text])
    assert next(csv.DictReader(io.StringIO(exports["data/citations.csv"].decode("utf-8"),
                                           newline="")))["quote"] == cell[:len(cell) - len(text) + 200]
    (event,) = icalendar.Calendar.from_ical(exports["briefings/b/agenda.ics"]).walk("VEVENT")
    ics = ics_text(text)  # a written backslash-N keeps an invisible joiner (see export.calendar)
    assert (str(event["summary"]), str(event["location"])) == (ics, f"{ics}, {ics}")
    assert f"- {ics}\n" in str(event["description"])
    entry = ET.fromstring(exports["feed.atom"]).find("{http://www.w3.org/2005/Atom}entry")
    assert entry.findtext("{http://www.w3.org/2005/Atom}title") == text
    assert entry.findtext("{http://www.w3.org/2005/Atom}summary") == text

