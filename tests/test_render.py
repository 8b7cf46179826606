"""The render stage: pages from the dataset through the page templates."""

from __future__ import annotations

from generator.build import build, check
from generator.render import role_holders

from conftest import ROOT


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
    holders = role_holders(check(folder))
    assert list(holders) == ["mofcom"]
    ((person, roles),) = holders["mofcom"]
    assert person.id == "wang-wentao"
    assert [r.title for r in roles] == ["Commerce Minister", "Party Secretary"]


def test_organisation_page_lists_the_people_with_roles_in_it(content):
    built = build(content(), ROOT / "templates" / "pages")
    html = built.pages["organizations/mofcom.md"].html
    assert '<a href="../people/wang-wentao.html">Wang Wentao</a> <span lang="zh" class="name-zh">王文涛</span>: Commerce Minister' in html

