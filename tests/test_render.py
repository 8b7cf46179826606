"""The render stage: pages from the dataset through the page templates."""

from __future__ import annotations

import functools
import posixpath
from types import SimpleNamespace

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup, escape

from generator.build import build
from generator.render import (Citer, LinkMemo, Links, PageEnvironment, Site, citation_key, escape_output,
                             group_by)
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
    assert list(group_by([a, b, c], "about")) == ["d1", "d2"]


def test_group_by_follows_a_dotted_attribute():
    notes = [SimpleNamespace(citation=SimpleNamespace(source=s)) for s in ("b", "a", "b")]
    assert group_by(notes, "citation.source") == {"b": [notes[0], notes[2]], "a": [notes[1]]}
    assert list(group_by(notes, "citation.source")) == ["b", "a"]


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


class _Record:
    """An object with attributes, as the dataset's records are."""

    def __init__(self, **fields):
        self.__dict__.update(fields)

    @property
    def broken(self):
        raise AttributeError("not this one")


_ATTRIBUTE_TEMPLATES = [
    "{{ r.name }}|{{ d.name }}|{{ d['name'] }}|{{ r.inner.name }}|{{ d.items }}",
    "{% for x in rows %}{{ x.name }}{{ loop.index }}{% endfor %}",
    "{% macro m(x) %}<{{ x.name }}>{% endmacro %}{{ m(r) }}{{ m(d) }}",
    "{{ r.broken|default('fallback') }}|{{ d.missing|default('none') }}",
    "{{ (r.name ~ d.name)|upper }}|{{ r.inner.inner is defined }}",
]


@functools.cache
def _environment(environment: type[jinja2.Environment], strict: bool) -> jinja2.Environment:
    # A template's name is its source: each is compiled once, not once per example.
    return environment(loader=jinja2.FunctionLoader(lambda source: source), autoescape=True,
                       undefined=jinja2.StrictUndefined if strict else jinja2.Undefined)


def _render(environment: type[jinja2.Environment], source: str, strict: bool = False, **values) -> str:
    return _environment(environment, strict).get_template(source).render(**values)


def _render_both(source: str, **values) -> tuple[str, str]:
    return _render(PageEnvironment, source, **values), _render(jinja2.Environment, source, **values)


@given(name=st.text(max_size=8))
def test_attributes_read_inline_give_what_jinja_gives(name):
    inner = _Record(name=name + "<i>")
    values = {"r": _Record(name=name, inner=inner, broken=None), "d": {"name": name, "items": 3},
              "rows": [inner, {"name": name}]}
    for source in _ATTRIBUTE_TEMPLATES:
        ours, jinjas = _render_both(source, **values)
        assert ours == jinjas, source


def test_a_missing_attribute_is_still_an_error_with_strict_undefined():
    for source in ("{{ r.nothing }}", "{{ d.nothing }}", "{{ r.inner.nothing.deeper }}", "{{ nothing.name }}"):
        with pytest.raises(jinja2.UndefinedError):
            _render(PageEnvironment, source, strict=True, r=_Record(inner=_Record()), d={})


def test_macros_called_directly_or_by_jinja_give_the_same_html():
    source = (
        "{% macro plain(a, b) %}[{{ a }}|{{ b }}]{% endmacro %}"
        "{% macro defaults(a, b='<b>') %}[{{ a }}|{{ b }}]{% endmacro %}"
        "{% macro rest() %}[{{ varargs|join(',') }}|{{ kwargs|dictsort|join(',') }}]{% endmacro %}"
        "{% macro wrap(a) %}<{{ caller(a) }}>{% endmacro %}"
        "{{ plain('<a>', 2) }}{{ plain(1, b='<k>') }}{{ defaults('x') }}{{ defaults('x', 'y') }}"
        "{{ rest(1, 2, k='v') }}{% call(v) wrap('<c>') %}called {{ v }}{% endcall %}"
        "{% for i in [1, 2] %}{{ plain(i, loop.index) }}{% endfor %}")
    ours, jinjas = _render_both(source)
    assert ours == jinjas
    assert "[&lt;a&gt;|2][1|&lt;k&gt;][x|&lt;b&gt;][x|y][1,2|(&#39;k&#39;, &#39;v&#39;)]<called &lt;c&gt;>" in ours
    with pytest.raises(TypeError):
        _render(PageEnvironment, "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, 2) }}")


_KINDS = st.sampled_from(["briefing", "agenda", "dispute", "agreement", "statement", "context",
                          "person", "organization", "source"])


@given(folders=st.lists(_FOLDERS, min_size=2, max_size=4), kind=_KINDS, rid=_IDS, briefing=_IDS)
def test_links_shared_between_folders_are_those_each_folder_would_make_alone(folders, kind, rid, briefing):
    data = SimpleNamespace(actor=lambda _: SimpleNamespace(name="Speaker <S>"))
    record = SimpleNamespace(id=rid, title=f"Title <{rid}>", text="Said & done", speaker="s", kind="quote")
    env = jinja2.Environment()
    memo = LinkMemo()
    for folder in folders:
        shared = Links(folder, data, env, memo).record_link(kind, record, briefing)
        alone = Links(folder, data, env).record_link(kind, record, briefing)
        assert shared == alone
        href = Site.relative(posixpath.join(folder, "page.md"),
                             Site.page_path(*{"briefing": ("briefing", None, briefing),
                                              "agenda": ("agenda", None, briefing),
                                              "context": ("context", None, briefing),
                                              "dispute": ("disputes", None, briefing),
                                              "agreement": ("agreements", None, briefing),
                                              "statement": ("statements", None, briefing)}.get(kind, (kind, rid, None))))
        assert shared.startswith(f'<a href="{href}')
