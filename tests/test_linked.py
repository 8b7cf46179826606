"""Linked data: the schema.org JSON-LD of the pages, read back and expanded with PyLD, and the
Popolo JSON export, validated against the Popolo schemas' rules (tests/popolo)."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
from pyld import jsonld

from generator.build import Built, build
from generator.export import SiteInfo
from generator.linked import json_ld
from support import EXAMPLE_CONTENT, FIXTURE_CONTENT, ROOT, write_sample

TEMPLATES = ROOT / "templates" / "pages"
SITE = SiteInfo("Briefings", None, "Curated, cited briefings.")
POPOLO_SCHEMAS = ROOT / "tests" / "popolo"
BLOCK = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
# A minimal local stand-in for the schema.org context (the real one is fetched from the web):
# every term is a schema.org property, and the properties whose values are addresses are ids.
SCHEMA_ORG_CONTEXT = {"@context": {"@vocab": "https://schema.org/",
                                   "sameAs": {"@type": "@id"}, "url": {"@type": "@id"},
                                   "eventStatus": {"@type": "@id"}}}


def _offline_loader(url: str, options: dict | None = None) -> dict:
    assert url.rstrip("/") == "https://schema.org", f"JSON-LD asked for an unknown context: {url}"
    return {"contextUrl": None, "documentUrl": url, "document": SCHEMA_ORG_CONTEXT}


def _blocks(built: Built, path: str) -> list[dict]:
    return [json.loads(text) for text in BLOCK.findall(built.pages[path].html)]


@pytest.fixture(scope="module")
def fixture_site() -> Built:
    return build(FIXTURE_CONTENT, TEMPLATES, SITE)


@pytest.fixture(scope="module")
def example_site() -> Built:
    return build(EXAMPLE_CONTENT, TEMPLATES, SITE)


def test_record_pages_carry_their_schema_org_type_and_wikidata_item(fixture_site):
    [person] = _blocks(fixture_site, "people/ada-secretary.md")
    assert person["@context"] == "https://schema.org"
    assert (person["@type"], person["name"]) == ("Person", "Ada Secretary")
    assert person["sameAs"] == "https://www.wikidata.org/wiki/Q1"
    assert person["worksFor"][0]["name"] == "Department of Commerce"
    [org] = _blocks(fixture_site, "organizations/mofcom.md")
    assert (org["@type"], org["sameAs"]) == ("Organization", "https://www.wikidata.org/wiki/Q2")
    assert org["parentOrganization"]["name"] == "State Council"
    assert "sameAs" not in _blocks(fixture_site, "organizations/commerce-dept.md")[0]
    html = fixture_site.pages["people/ada-secretary.md"].html
    assert '<a rel="external" href="https://www.wikidata.org/wiki/Q1">Wikidata</a>' in html


def test_events_keep_the_precision_of_their_dates(fixture_site):
    [briefing] = _blocks(fixture_site, "briefings/visit/index.md")
    assert (briefing["@type"], briefing["startDate"], briefing["endDate"]) == ("Event", "2023-08-27", "2023-08-30")
    [event] = _blocks(fixture_site, "events/spring-summit.md")
    assert (event["@type"], event["startDate"]) == ("Event", "2023-05")
    [agenda] = _blocks(fixture_site, "briefings/visit/agenda.md")
    [item] = agenda["@graph"]
    assert (item["@type"], item["startDate"]) == ("Event", "2023-08-28T09:30")
    assert item["superEvent"]["name"] == "The Secretary's visit"


EXPECTED_TYPES = {"people/": "Person", "organizations/": "Organization", "events/": "Event"}


def test_every_json_ld_block_of_the_example_parses_and_expands(example_site):
    seen = set()
    for path, page in example_site.pages.items():
        for text in BLOCK.findall(page.html):
            value = json.loads(text)
            assert value["@context"] == "https://schema.org"
            kind = next((t for prefix, t in EXPECTED_TYPES.items()
                         if path.startswith(prefix) and not path.endswith("index.md")), None)
            if path.endswith("/agenda.md"):
                assert {e["@type"] for e in value["@graph"]} == {"Event"}
            elif path.startswith("briefings/"):
                assert value["@type"] == "Event"
            else:
                assert value["@type"] == kind
            expanded = jsonld.expand(value, {"documentLoader": _offline_loader})
            assert expanded, path
            seen.add(path.split("/")[0] if not path.endswith("agenda.md") else "agenda")
    events = {"events"} if example_site.data.events else set()
    assert seen == {"people", "organizations", "briefings", "agenda"} | events
    # The example names only the Wikidata ids an editor has checked, each on its own person.
    checked = {"xi-jinping": "Q15031", "joe-biden": "Q6279", "john-kerry": "Q22316"}
    assert all(p.wikidata in (None, checked.get(pid)) for pid, p in example_site.data.people.items())


def test_json_ld_is_safe_inside_a_script_element(tmp_path):
    hostile = "</script><script>alert(1)</script> & \u2028\u2029"
    text = str(json_ld({"name": hostile}))
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(text) == {"name": hostile}
    built = build(write_sample(tmp_path / "content"), TEMPLATES, SITE)
    for page in built.pages.values():
        for block in BLOCK.findall(page.html):
            assert "<" not in block and json.loads(block)


def _popolo(built: Built) -> dict:
    return json.loads(built.exports["data/popolo.json"])


@pytest.mark.parametrize("site", ["fixture_site", "example_site"])
def test_popolo_export_validates_against_the_popolo_schemas(site, request):
    popolo = _popolo(request.getfixturevalue(site))
    for collection, schema_file in (("persons", "person"), ("organizations", "organization"),
                                    ("memberships", "membership"), ("events", "event")):
        schema = json.loads((POPOLO_SCHEMAS / f"{schema_file}.json").read_text())
        assert popolo[collection]
        for item in popolo[collection]:
            jsonschema.validate(item, schema, format_checker=jsonschema.FormatChecker())


def test_popolo_memberships_come_from_roles_and_dates_keep_their_precision(fixture_site):
    popolo = _popolo(fixture_site)
    assert {(m["person_id"], m["organization_id"], m["role"]) for m in popolo["memberships"]} == {
        ("ada-secretary", "commerce-dept", "Commerce Secretary"), ("li-minister", "mofcom", "Commerce Minister")}
    ids = {p["id"] for p in popolo["persons"]} | {o["id"] for o in popolo["organizations"]}
    assert all({m["person_id"], m["organization_id"]} <= ids for m in popolo["memberships"])
    events = {e["id"]: e for e in popolo["events"]}
    assert events["spring-summit"]["start_date"] == "2023-05"
    assert (events["visit"]["start_date"], events["visit"]["end_date"]) == ("2023-08-27", "2023-08-30")
    assert events["visit/talks"]["parent_id"] == "visit"
    [ada] = [p for p in popolo["persons"] if p["id"] == "ada-secretary"]
    assert ada["identifiers"] == [{"scheme": "wikidata", "identifier": "Q1"}]


def test_popolo_schemas_refuse_what_popolo_refuses():
    event = json.loads((POPOLO_SCHEMAS / "event.json").read_text())
    membership = json.loads((POPOLO_SCHEMAS / "membership.json").read_text())
    jsonschema.validate({"name": "x", "start_date": "2023"}, event)
    for bad in ({"start_date": "Aug 2023"}, {"start_date": "2023-08-28T09:30"}, {"title": "x"}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, event)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"person_id": "a"}, membership)

