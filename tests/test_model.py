"""The model stage: the dataset's indexes of back-references."""

from __future__ import annotations

from generator.build import check
from generator.dataset.model import index_dataset


def test_role_holders_groups_each_persons_roles_under_their_organisation(content):
    folder = content({"people.yml": [{
        "id": "wang-wentao", "name": "Wang Wentao", "name_zh": "王文涛", "country": "CN",
        "roles": [
            {"title": "Commerce Minister", "organization": "mofcom", "sources": [{"source": "article", "para": 1}]},
            {"title": "Party Secretary", "organization": "mofcom", "sources": [{"source": "article", "para": 2}]},
            {"title": "Delegate", "sources": [{"source": "article", "para": 2}]},
        ],
        "sources": [{"source": "article", "para": 1}],
    }]})
    holders = index_dataset(check(folder)).role_holders
    assert list(holders) == ["mofcom"]
    ((person, roles),) = holders["mofcom"]
    assert person.id == "wang-wentao"
    assert [r.title for r in roles] == ["Commerce Minister", "Party Secretary"]


def test_a_briefing_finds_its_records_by_kind_and_id(content):
    bundle = check(content()).briefings[0]
    assert bundle.by_id["agenda", "meeting"] is bundle.agenda[0]
    assert ("agenda", "nothing") not in bundle.by_id
    assert ("briefing", "visit") not in bundle.by_id


def _second_briefing(updated: str) -> dict:
    return {
        "briefings/later/briefing.yml": {
            "title": "A later visit", "places": [{"city": "Beijing", "country": "CN"}], "status": "concluded",
            "start": updated, "updated": updated, "summary": "Again.",
            "sources": [{"source": "article", "para": 2}]},
        "briefings/later/agenda.yml": [{
            "id": "talks", "title": "Talks", "day": "Friday", "city": "Beijing", "kind": "talks",
            "status": "happened", "participants": ["wang-wentao"], "summary": "Talks.",
            "sources": [{"source": "article", "para": 2}]}],
    }


def test_appearances_list_each_record_once_with_the_role_of_its_first_reference(content):
    folder = content({"briefings/visit/disputes.yml": [{
        "id": "tariffs", "title": "Tariffs", "category": "tariffs", "raised_by": ["wang-wentao"],
        "description": "Tariffs.", "status": "raised", "sources": [{"source": "article", "para": 2}],
        "response": {"by": ["wang-wentao", "mofcom"], "position": "No.", "sources": [{"source": "article"}]},
    }]})
    index = index_dataset(check(folder))
    assert [(a.kind, a.record.id, a.role) for a in index.appearances["wang-wentao"]] == [
        ("agenda", "meeting", "participants"), ("dispute", "tariffs", "raised_by")]
    assert [(a.kind, a.record.id, a.role) for a in index.appearances["mofcom"]] == [("dispute", "tariffs", "by")]
    assert "article" not in index.appearances  # sources are cited, they do not take part


def test_appearances_are_grouped_under_their_briefing_newest_first(content):
    data = check(content(_second_briefing("2024-01-01")))
    assert [b.id for b in data.briefings] == ["later", "visit"]
    groups = index_dataset(data).appearances_by_briefing["wang-wentao"]
    assert [(bundle.id, [a.record.id for a in found]) for bundle, found in groups] == [
        ("later", ["talks"]), ("visit", ["meeting"])]
    assert groups[0][0] is data.briefings[0]


def test_a_source_lists_the_facts_citing_each_paragraph_once_each_first_citation_first(content):
    folder = content({"briefings/visit/agenda.yml": [{
        "id": "meeting", "title": "Meeting", "day": "Monday", "date": "2023-08-28", "city": "Beijing",
        "kind": "meeting", "status": "happened", "participants": ["wang-wentao"], "summary": "They met.",
        "sources": [{"source": "article", "para": 2, "quote": "first"}, {"source": "article"},
                    {"source": "article", "para": 2, "quote": "again"}],
    }]})
    index = index_dataset(check(folder))
    by_paragraph = index.cited_by_paragraph["article"]
    assert list(by_paragraph) == [1, 2, None]  # people.yml is noted first, then each briefing
    assert [(f.kind, getattr(f.record, "id", f.briefing)) for f in by_paragraph[1]] == [
        ("person", "wang-wentao"), ("organization", "mofcom"), ("briefing", "visit")]
    ((fact,),) = [by_paragraph[2]]
    assert (fact.record.id, fact.citation.quote) == ("meeting", "first")
    assert [f.record.id for f in by_paragraph[None]] == ["meeting"]
    # The flat list keeps every citation, the repeated one too.
    assert [f.citation.quote for f in index.citations["article"] if f.kind == "agenda"] == ["first", None, "again"]
