"""The render stage: pages from the dataset through the page templates."""

from __future__ import annotations

import posixpath

from hypothesis import given
from hypothesis import strategies as st

from generator.build import build
from generator.render import Site

from conftest import ROOT


def test_organisation_page_lists_the_people_with_roles_in_it(content):
    built = build(content(), ROOT / "templates" / "pages")
    html = built.pages["organizations/mofcom.md"].html
    assert '<a href="../people/wang-wentao.html">Wang Wentao</a> <span lang="zh" class="name-zh">王文涛</span>: Commerce Minister' in html



def test_only_exact_quotes_are_shown_in_quotation_marks():
    built = build(ROOT / "content", ROOT / "templates" / "pages")
    html = built.pages["people/gina-raimondo.md"].html
    # The Reuters quote is her exact words; the article's version of the same point is a paraphrase.
    assert "Gina Raimondo: “We are not compromising or negotiating on matters of national security." in html
    assert "Gina Raimondo (paraphrase): On Monday Raimondo said there is no room for compromise" in html
    assert "Gina Raimondo: “On Monday" not in html


_SEGMENTS = st.lists(st.sampled_from(["a", "b", "ab", "people", "index.html"]), min_size=1, max_size=4)


@given(target=_SEGMENTS, base=st.lists(st.sampled_from(["a", "b", "ab", "people"]), max_size=3))
def test_relative_links_agree_with_posixpath_relpath(target, base):
    from_page, to_path = "/".join(base + ["page.md"]), "/".join(target)
    expected = posixpath.relpath(to_path, "/".join(base) or ".")
    assert Site.relative(from_page, to_path) == expected
