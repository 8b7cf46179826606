"""The render stage: pages from the dataset through the page templates."""

from __future__ import annotations

import copy
import posixpath
import re
from types import SimpleNamespace

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import urls
from generator.build import build
from generator.pages.render import CiteMark, Citations, Links, RecordLink, citation_key, group_by, make_environment
from generator.content.schema import Citation

from support import ARCHIVE_CONTENT, HOSTILE, MINIMAL, ROOT


def test_organisation_page_lists_the_people_with_roles_in_it(content):
    built = build(content(), ROOT / "templates" / "pages")
    html = built.pages["organizations/mofcom.md"].html
    assert '<a href="../people/wang-wentao.html">Wang Wentao</a> <span lang="zh" class="name-zh">王文涛</span>: Commerce Minister' in html



def test_only_exact_quotes_are_shown_in_quotation_marks():
    built = build(ARCHIVE_CONTENT, ROOT / "templates" / "pages")
    quote = built.pages["people/bo-envoy.md"].html
    assert "Bo Envoy: “the controls are settled" in quote
    paraphrase = built.pages["people/ada-secretary.md"].html
    assert "Ada Secretary (paraphrase): The relationship should be stable." in paraphrase
    assert "Ada Secretary: “The relationship" not in paraphrase


_SEGMENTS = st.lists(st.sampled_from(["a", "b", "ab", "people", "index.html"]), min_size=1, max_size=4)


@given(target=_SEGMENTS, base=st.lists(st.sampled_from(["a", "b", "ab", "people"]), max_size=3))
def test_relative_links_agree_with_posixpath_relpath(target, base):
    from_page, to_path = "/".join(base + ["page.md"]), "/".join(target)
    expected = posixpath.relpath(to_path, "/".join(base) or ".")
    assert urls.relative(from_page, to_path) == expected


_IDS = st.sampled_from(["a", "wang-wentao", "visit-2023", "x1"])
_FOLDERS = st.sampled_from(["", "people", "organizations", "sources", "data", "briefings/visit-2023",
                            "briefings/a"])


@given(folder=_FOLDERS, kind=st.sampled_from(["home", "briefing", "agenda", "memo", "person",
                                              "organization", "source", "data"]),
       rid=st.none() | _IDS, briefing=_IDS, fragment=st.sampled_from(["", "p2", "agenda-a"]))
def test_a_folder_links_to_a_page_as_each_of_its_pages_would(folder, kind, rid, briefing, fragment):
    page = posixpath.join(folder, "page.md")
    expected = urls.relative(page, urls.page_path(kind, rid, briefing))
    links = Links(folder, None)
    assert links.url(kind, rid, briefing, fragment) == expected + (f"#{fragment}" if fragment else "")
    assert links.url(kind, rid, briefing) == expected  # and again, from the folder's memo


def test_the_page_environment_is_stock_jinja_with_autoescape_and_strict_undefined(tmp_path):
    env = make_environment(tmp_path)
    assert type(env) is jinja2.Environment
    assert env.undefined is jinja2.StrictUndefined
    assert env.from_string("{{ text }}").render(text="<b> & 'q' \"") == "&lt;b&gt; &amp; &#39;q&#39; &#34;"


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


def test_a_source_cited_twice_has_one_footnote_with_its_passages_and_two_marks():
    data = SimpleNamespace(sources={"article": SimpleNamespace(id="article", title="An article"),
                                    "readout": SimpleNamespace(id="readout", title="A readout")})
    cite = Citations(Links("people", data))
    first = Citation(source="article", para=2)
    assert cite([first]) == [CiteMark(1, "cite-1", "An article, paragraph 2")]
    # One mark per source for one fact, in the order of the footnotes' numbers.
    assert cite([Citation(source="readout", quote="words"), Citation(source="article"),
                 Citation(source="article", para=1, quote="a")]) == [
        CiteMark(1, "cite-1-2", "An article, paragraph 1: “a”"), CiteMark(2, "cite-2", "A readout, “words”")]
    notes = cite.footnotes()
    assert [(n.number, n.href, n.marks) for n in notes] == [
        (1, "../sources/article.html", ("cite-1", "cite-1-2")), (2, "../sources/readout.html", ("cite-2",))]
    assert [tuple(p) for p in notes[0].passages] == [
        (1, "../sources/article.html#p1", ("a",)), (2, "../sources/article.html#p2", ())]
    assert [tuple(p) for p in notes[1].passages] == [(None, "../sources/readout.html#top", ("words",))]


def _macro(name: str, *args):
    env = make_environment(ROOT / "templates" / "pages")
    return getattr(env.get_template("_macros.html").module, name)(*args)


def test_the_marks_of_one_fact_are_one_link_written_by_the_cites_macro_with_their_titles_escaped():
    html = _macro("cites", [CiteMark(1, "cite-1", 'A "title" <i>'), CiteMark(3, "cite-3-2", "B")])
    # One tap target, "[1, 3]", to the first footnote; each number keeps its mark's id for the back links.
    assert html == ('<sup class="cites">&#8288;<a class="cite" id="cite-1" href="#note-1" title="A &#34;title&#34; &lt;i&gt;\nB">'
                    '[1, <span id="cite-3-2">3</span>]</a></sup>')
    assert _macro("cites", [CiteMark(2, "cite-2", "B")]) == (
        '<sup class="cites">&#8288;<a class="cite" id="cite-2" href="#note-2" title="B">[2]</a></sup>')
    assert _macro("cites", []) == ""


def test_a_briefing_s_numbers_hold_on_a_page_and_sources_it_lacks_come_after_them():
    data = SimpleNamespace(sources={sid: SimpleNamespace(id=sid, title=sid.title()) for sid in ("a", "b", "c")})
    cite = Citations(Links("briefings/visit", data), {"a": 1, "b": 2})
    assert [m.number for m in cite([Citation(source="c"), Citation(source="b")])] == [2, 3]
    assert [m.number for m in cite([Citation(source="a")])] == [1]
    assert [n.number for n in cite.footnotes()] == [1, 2, 3]


def test_actor_lists_read_as_a_phrase_with_each_name_linked_and_escaped():
    names = {"a": "A <x>", "b": "B", "c": "C"}
    links = SimpleNamespace(actor=lambda actor_id: RecordLink(f"{actor_id}.html", names[actor_id]))
    assert _macro("actor_list", links, ["a"]) == '<a href="a.html">A &lt;x&gt;</a>'
    assert _macro("actor_list", links, ["a", "b"]).endswith('</a> and <a href="b.html">B</a>')
    assert _macro("actor_list", links, ["a", "b", "c"]).count(", ") == 1


def test_the_citation_key_holds_every_field_of_a_citation():
    citation = Citation(source="article", para=2, quote="a quote")
    assert citation_key(citation) == tuple(citation.model_dump().values())
    assert len(citation_key(citation)) == len(Citation.model_fields)


_KINDS = st.sampled_from(["briefing", "agenda", "dispute", "agreement", "statement", "context",
                          "person", "organization", "source"])


@given(folders=st.lists(_FOLDERS, min_size=2, max_size=4), kind=_KINDS, rid=_IDS, briefing=_IDS)
def test_links_with_shared_labels_are_those_each_folder_would_make_alone(folders, kind, rid, briefing):
    data = SimpleNamespace(actor=lambda _: SimpleNamespace(name="Speaker <S>"))
    record = SimpleNamespace(id=rid, title=f"Title <{rid}>", text="Said & done", speaker="s", kind="quote")
    labels = {}
    for folder in folders:
        shared = Links(folder, data, labels).record(kind, record, briefing)
        alone = Links(folder, data).record(kind, record, briefing)
        assert shared == alone
        path, fragment = urls.record_place(kind, None if kind == "briefing" else rid, briefing)
        href = urls.relative(posixpath.join(folder, "page.md"), path)
        assert shared.href == (f"{href}#{fragment}" if fragment else href)
        assert shared.label in (f"Title <{rid}>", "Speaker <S>: “Said & done”")


def test_a_fact_the_sources_differ_on_shows_the_preferred_claim_a_visible_difference_and_opens_the_others(content):
    claims = [{"text": "Four *agreements*.", "rank": "preferred", "sources": [{"source": "article", "para": 1}]},
              {"text": HOSTILE, "rank": "disputed", "sources": [{"source": "article", "para": 2}]}]
    briefing = {**MINIMAL["briefings/visit/briefing.yml"], "claims": claims}
    built = build(content({"briefings/visit/briefing.yml": briefing}), ROOT / "templates" / "pages")
    html = built.pages["briefings/visit/index.md"].html
    shown, _, hidden = html.partition('<details class="claims__others">')
    assert "<p>Four <em>agreements</em>." in shown
    # Without a `difference`, the visible sentence names the source that gives the other account.
    assert ('<p class="claims__difference"><span class="label">Sources differ:</span> <cite>An article</cite> '
            'disputes this account.<sup class="cites">') in shown
    assert "<summary>The other account</summary>" in hidden
    assert '<span class="badge badge--disputed">disputed</span> He said' in hidden
    assert "<b>bold</b>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &amp; 王文涛" in hidden


def test_counts_of_one_read_in_the_singular_on_every_page(content):
    meeting = MINIMAL["briefings/visit/agenda.yml"][0]
    later = {**copy.deepcopy(meeting), "id": "dinner", "title": "Dinner", "status": "planned",
             "date": "2023-08-29", "day": "Tuesday"}
    folder = content({
        "briefings/visit/agenda.yml": [meeting, later],
        "briefings/visit/disputes.yml": [{
            "id": "tariffs", "title": "Tariffs", "category": "tariffs", "raised_by": ["mofcom"],
            "description": "Too high.", "status": "raised", "sources": [{"source": "article", "para": 2}]}],
        "briefings/visit/statements.yml": [{
            "id": "said", "speaker": "wang-wentao", "kind": "paraphrase", "text": "Lower them.",
            "about": ["tariffs"], "sources": [{"source": "article", "para": 2}]}],
        "events.yml": [{"id": "summit", "when": "2023-05", "title": "A summit", "summary": "Leaders met.",
                        "sources": [{"source": "article"}]}],
        "briefings/visit/briefing.yml": {**MINIMAL["briefings/visit/briefing.yml"], "events": ["summit"]},
    })
    pages = {path: page.body.decode() for path, page in build(folder, ROOT / "templates" / "pages").pages.items()}
    wrong = re.compile(r"\b(?:1|one) (?:briefings|shared events|engagements|concerns|agreements|statements|events"
                       r"|accounts|other accounts)\b|The other 1\b|All 1\b|\b1 were\b|\b1 more are\b|On all 1\b")
    assert not {path: wrong.findall(text) for path, text in pages.items() if wrong.search(text)}
    landing = pages["briefings/visit/index.md"]
    assert "The other engagement was scheduled; the sources do not confirm that it took place." in landing
    assert "1 of 2 engagements took place" in landing


@pytest.mark.parametrize("category, shown", [("security", "Security"), ("consular", "Consular"),
                                             ("diplomatic", "Diplomatic"), ("human-rights", "Human rights")])
def test_disputes_beyond_trade_have_their_category_and_an_under_discussion_status(content, category, shown):
    folder = content({"briefings/visit/disputes.yml": [{
        "id": "concern", "title": "A concern", "category": category, "raised_by": ["wang-wentao"],
        "description": "Raised at the meeting.", "status": "under-discussion",
        "history": [{"when": "2023-08-28", "status": "raised", "text": "Raised.",
                     "sources": [{"source": "article", "para": 2}]}],
        "sources": [{"source": "article", "para": 2}]}]})
    page = build(folder, ROOT / "templates" / "pages").pages["briefings/visit/disputes.md"].body.decode()
    assert f'<span class="badge badge--under-discussion">under discussion</span> {shown}' in page

def test_an_accounts_difference_is_said_in_plain_view_and_only_by_the_other_accounts(content):
    claims = [{"text": "Four.", "rank": "preferred", "sources": [{"source": "article", "para": 1}]},
              {"text": "Two.", "rank": "also-reported", "sources": [{"source": "article", "para": 2}],
               "difference": "One says <four>, one two."}]
    briefing = {**MINIMAL["briefings/visit/briefing.yml"], "claims": claims}
    html = build(content({"briefings/visit/briefing.yml": briefing}), ROOT / "templates" / "pages").pages[
        "briefings/visit/index.md"].html
    shown, _, hidden = html.partition('<details class="claims__others">')
    assert '<span class="label">Sources differ:</span> One says &lt;four&gt;, one two.<sup class="cites">' in shown
    assert "One says" not in hidden and "Two." in hidden


def test_an_account_without_a_difference_is_named_by_its_sources(content):
    claims = [{"text": "Four.", "rank": "preferred", "sources": [{"source": "article", "para": 1}]},
              {"text": "Two.", "rank": "also-reported", "sources": [{"source": "article", "para": 2}]}]
    briefing = {**MINIMAL["briefings/visit/briefing.yml"], "claims": claims}
    html = build(content({"briefings/visit/briefing.yml": briefing}), ROOT / "templates" / "pages").pages[
        "briefings/visit/index.md"].html
    assert '<span class="label">Sources differ:</span> <cite>An article</cite> gives another account.' in html
