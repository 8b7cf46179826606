"""The render stage: pages from the dataset through the page templates."""

from __future__ import annotations

from generator.build import build

from conftest import ROOT


def test_organisation_page_lists_the_people_with_roles_in_it(content):
    built = build(content(), ROOT / "templates" / "pages")
    html = built.pages["organizations/mofcom.md"].html
    assert '<a href="../people/wang-wentao.html">Wang Wentao</a> <span lang="zh" class="name-zh">王文涛</span>: Commerce Minister' in html

