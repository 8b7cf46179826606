"""The render stage: pages from the dataset through the page templates."""

from __future__ import annotations

import posixpath
from types import SimpleNamespace

import jinja2
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup, escape

from generator.build import build
from generator.render import Citer, Links, PageEnvironment, Site, citation_key, escape_output, group_by
from generator.schema import Citation

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


_IDS = st.sampled_from(["a", "wang-wentao", "visit-2023", "x1"])
_FOLDERS = st.sampled_from(["", "people", "organizations", "sources", "data", "briefings/visit-2023",
                            "briefings/a"])


@given(folder=_FOLDERS, kind=st.sampled_from(["home", "briefing", "agenda", "memo", "person",
                                              "organization", "source", "data"]),
       rid=st.none() | _IDS, briefing=_IDS, fragment=st.sampled_from(["", "p2", "agenda-a"]))
def test_a_folder_links_to_a_page_as_each_of_its_pages_would(folder, kind, rid, briefing, fragment):
    page = posixpath.join(folder, "page.md")
    expected = Site.relative(page, Site.page_path(kind, rid, briefing))
    links = Links(folder, None, None)
    assert links.url(kind, rid, briefing, fragment) == expected + (f"#{fragment}" if fragment else "")
    assert links.url(kind, rid, briefing) == expected  # and again, from the folder's memo


@given(value=st.text() | st.integers() | st.floats(allow_nan=False) | st.none() | st.booleans()
       | st.text().map(Markup) | st.text().map(escape))
def test_output_is_escaped_exactly_as_markupsafe_escapes(value):
    assert escape_output(value) == str(escape(value))


def test_autoescaped_output_goes_through_escape_output_and_stays_escaped():
    env = PageEnvironment(loader=jinja2.DictLoader({"t.html": "{{ text }}|{{ safe }}|{{ n }}"}), autoescape=True)
    assert "escape_output(" in env.compile(env.loader.get_source(env, "t.html")[0], raw=True)
    html = env.get_template("t.html").render(text="<b> & 'q' \"", safe=Markup("<i>"), n=3)
    assert html == "&lt;b&gt; &amp; &#39;q&#39; &#34;|<i>|3"


def test_templates_still_pass_the_context_or_environment_to_helpers_that_ask_for_it():
    class Helpers:
        def plain(self, x):
            return f"plain {x}"

        @jinja2.pass_context
        def with_context(self, context, x):
            return f"{context['page']} {x}"

    @jinja2.pass_environment
    def with_environment(environment, x):
        return f"{type(environment).__name__} {x}"

    helpers = Helpers()
    env = PageEnvironment(loader=jinja2.DictLoader({"t.html": (
        "{% macro m(x) %}macro {{ x }}{% endmacro %}"
        "{{ plain(1) }}; {{ ctx(2) }}; {{ env_fn(3) }}; {{ m(4) }}; {{ d.get('k', 5) }}"
        "{% for i in [6] %}; {{ plain(i) }}{% endfor %}")}), autoescape=True)
    html = env.get_template("t.html").render(plain=helpers.plain, ctx=helpers.with_context,
                                             env_fn=with_environment, d={}, page="p")
    assert html == "plain 1; p 2; PageEnvironment 3; macro 4; 5; plain 6"


def test_group_by_keeps_the_order_and_files_a_list_under_each_of_its_values():
    a, b, c = (SimpleNamespace(at="x", about=["d1", "d2", "d1"]), SimpleNamespace(at=None, about=[]),
               SimpleNamespace(at="x", about=["d2"]))
    assert group_by([a, b, c], "at") == {"x": [a, c], None: [b]}
    assert group_by([a, b, c], "about") == {"d1": [a], "d2": [a, c]}


def test_a_passage_cited_twice_has_one_footnote_with_two_numbered_marks():
    data = SimpleNamespace(sources={"article": SimpleNamespace(id="article", title="An article")})
    cite = Citer(Links("people", data, None), {})
    first, other = Citation(source="article", para=2), Citation(source="article")
    assert 'id="cite-1" href="#note-1" title="An article, paragraph 2"' in cite([first])
    marks = cite([other, Citation(source="article", para=2)])
    assert 'id="cite-2" href="#note-2" title="An article"' in marks
    assert 'id="cite-1-2" href="#note-1"' in marks
    notes = cite.footnotes()
    assert [(n.number, n.href, n.marks) for n in notes] == [
        (1, "../sources/article.html#p2", (("cite-1", 1), ("cite-1-2", 2))),
        (2, "../sources/article.html#top", (("cite-2", None),))]


def test_the_citation_key_holds_every_field_of_a_citation():
    citation = Citation(source="article", para=2, quote="a quote")
    assert citation_key(citation) == tuple(citation.model_dump().values())
    assert len(citation_key(citation)) == len(Citation.model_fields)
