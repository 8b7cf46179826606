"""The model stage: the dataset's indexes of back-references."""

from __future__ import annotations

from generator.build import check
from generator.model import index_dataset


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
