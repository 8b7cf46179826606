"""Dates as spans with their precision, timelines grouped by year and month, drafts and placeholders,
shared-event references, and `briefing serve` on a port that is taken."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import build, check, check_summary
from generator.cli import main
from generator.errors import ContentErrors
from generator.dataset.model import index_dataset
from generator.content.schema import Role
from generator.dataset.timeline import Entry, Span, at_label, by_relation, group_timeline, relation, role_period, span_of

from support import FIXTURE_CONTENT, MINIMAL, ROOT, write_content


def test_a_month_is_the_whole_month_and_a_year_the_whole_year():
    assert span_of("2023-08") == Span("2023-08-01", "2023-08-31", "month")
    assert span_of("2024-02") == Span("2024-02-01", "2024-02-29", "month")
    assert span_of("2023") == Span("2023-01-01", "2023-12-31", "year")
    assert span_of("2023-08-09") == Span("2023-08-09", "2023-08-09", "day")


def test_a_month_neither_precedes_nor_follows_a_day_inside_it():
    visit = Span("2023-08-27", "2023-08-30", "day")
    assert relation(span_of("2023-08"), visit) == "during"
    assert relation(span_of("2023-08-09"), visit) == "before"
    assert relation(span_of("2023-09"), visit) == "after"
    assert relation(span_of("2023-08-09"), None) == "related"


class _Event:
    def __init__(self, rid: str, when: str):
        self.id, self.when, self.title = rid, when, rid


def test_timeline_groups_by_year_and_month_with_vague_dates_after_precise_ones():
    entries = [Entry("event", _Event(rid, when), span_of(when)) for rid, when in
               (("day-early", "2023-08-02"), ("month", "2023-08"), ("day-late", "2023-08-30"),
                ("year", "2023"), ("july", "2023-07-15"), ("older", "2022-12-31"))]
    timeline = group_timeline(entries)
    assert [y.year for y in timeline.years] == [2023, 2022]
    august, july = timeline.years[0].months
    assert [e.ident for e in august.days] == ["day-late", "day-early"]
    assert [e.ident for e in august.whole] == ["month"] and [e.ident for e in july.days] == ["july"]
    assert [e.ident for e in timeline.years[0].whole] == ["year"]
    assert len(timeline) == 6
    groups = by_relation(entries, Span("2023-08-10", "2023-08-12", "day"))
    assert [e.ident for e in groups["after"]] == ["day-late"]
    assert {e.ident for e in groups["during"]} == {"month", "year"}


def _content(**briefing) -> dict:
    return {"briefings/visit/briefing.yml": {**MINIMAL["briefings/visit/briefing.yml"], **briefing}}


def _problems(content, **briefing) -> list[str]:
    with pytest.raises(ContentErrors) as caught:
        check(content(_content(**briefing)))
    return [f"{e.message} ({e.hint})" for e in caught.value.errors]


def test_a_shared_event_is_listed_by_id_and_indexed_for_its_actors(content):
    folder = content({**_content(events=["summit"]), "events.yml": [{
        "id": "summit", "when": "2024-02", "title": "A summit", "summary": "Leaders met.",
        "actors": ["wang-wentao"], "sources": [{"source": "article"}]}]})
    data = check(folder)
    index = index_dataset(data)
    assert list(data.events) == ["summit"]
    assert [e.id for e in index.events_of["wang-wentao"]] == ["summit"]
    assert [b.id for b in index.listed_by["summit"]] == ["visit"]


def test_unknown_and_self_listed_events_are_problems(content):
    assert any("event 'sumit' is not a known shared event (events.yml) or briefing" in p
               for p in _problems(content, events=["sumit"]))
    assert any("lists itself" in p for p in _problems(content, events=["visit"]))


def test_placeholders_are_problems_outside_drafts_and_notes_inside(content):
    problems = _problems(content, title="TODO: the headline")
    assert problems == ["placeholder text left: 'TODO: the headline' "
                        "(replace it, or mark the briefing `draft: true` until it is ready)"]
    summary = check_summary(content(_content(title="TODO: the headline", draft=True)))
    assert not summary.errors and summary.drafts == 1
    assert [n.message for n in summary.notes] == ["placeholder text left: 'TODO: the headline'"]
    assert summary.data.briefings == ()  # a draft is not published
    preview = check_summary(content(_content(title="TODO: the headline", draft=True)), drafts=True)
    assert [b.id for b in preview.data.briefings] == ["visit"]


def test_check_lists_the_placeholders_left_in_drafts(content, monkeypatch):
    folder = content(_content(title="TODO: the headline", draft=True))
    result = CliRunner().invoke(main, ["check", "--content", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("content OK: 1 briefing (1 draft, not published)")
    assert "1 placeholder left in drafts" in result.output
    assert "briefing.yml:" in result.output and "placeholder text left: 'TODO: the headline'" in result.output


def test_serve_on_a_busy_port_says_so_in_one_line_and_exits_1():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        briefing = str(Path(sys.executable).with_name("briefing"))
        result = subprocess.run([briefing, "serve", "-f", str(ROOT / "mkdocs.yml"),
                                 "--dev-addr", f"127.0.0.1:{port}"], capture_output=True, text=True,
                                timeout=120, cwd=ROOT, check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"127.0.0.1:{port} is already in use" in result.stderr.splitlines()[-1]


def _role(**dates) -> Role:
    return Role(title="Vice Premier", sources=[{"source": "article"}], **dates)


def test_a_role_says_when_it_was_held_and_never_more():
    assert role_period(_role(as_of="2023-08")) == "in August 2023"
    assert role_period(_role(as_of="2023-08-28")) == "on 28 August 2023"
    assert role_period(_role(since="2023-03-12", as_of="2023-08")) == "from 12 March 2023, still held in August 2023"
    assert role_period(_role(since="2023-03", until="2024")) == "from March 2023 to 2024"
    assert role_period(_role(until="2024-05")) == "until May 2024"
    assert role_period(_role(since="2023-03")) == "from March 2023"
    assert role_period(_role(period="since 2021")) == "since 2021"
    assert role_period(_role(period="since 2021", as_of="2023")) == "in 2023"
    assert role_period(_role()) == ""
    assert at_label("2023") == "in 2023"

def _follow_up(folder: Path, context: list[dict], **briefing) -> Path:
    """A second briefing, a month after the fixture's, written into the content `folder`."""
    cite = [{"source": "article", "para": 2}]
    write_content(folder, {
        "briefings/follow-up/briefing.yml": {
            "title": "The follow-up talks", "places": [{"city": "Washington", "country": "US"}],
            "status": "concluded", "updated": "2023-09-30", "start": "2023-09-28", "end": "2023-09-29",
            "principals": ["ada-secretary"], "summary": "The talks went on.", "sources": cite, **briefing},
        "briefings/follow-up/context.yml": context,
    })
    return folder


def test_a_context_entry_about_another_briefing_keeps_its_own_text_and_citation(tmp_path):
    content = shutil.copytree(FIXTURE_CONTENT, tmp_path / "content")
    _follow_up(content, [{
        "id": "the-visit", "when": "2023-08", "title": "The August visit, as this briefing tells it",
        "summary": "Where the working group was first agreed.", "event": "visit",
        "sources": [{"source": "readout", "quote": "a working group"}]}], events=["spring-summit", "visit"])
    built = build(content, ROOT / "templates" / "pages")
    page = built.pages["briefings/follow-up/context.md"].body.decode()
    # The entry's own title, text and citation, linked to the briefing it is about; shown once.
    assert "The August visit, as this briefing tells it" in page
    assert "Where the working group was first agreed." in page
    assert 'Briefing: <a href="../visit/index.html">' in page
    assert page.count('href="../visit/index.html"') == 1
    assert 'href="../../sources/readout.html' in page and "a working group" in page
    assert "A spring summit" in page  # a shared event listed as before
    # The briefing it is about links back; so does the shared event's page.
    assert "The follow-up talks" in built.pages["briefings/visit/context.md"].body.decode()
    assert [b.id for b in built.index.listed_by["visit"]] == ["follow-up"]


def test_people_appear_under_every_briefing_that_shows_an_event_of_theirs(tmp_path):
    content = shutil.copytree(FIXTURE_CONTENT, tmp_path / "content")
    # The follow-up shows the shared event (its actors: ada-secretary, mofcom) and the visit
    # (its principals: ada-secretary, li-minister), one through a context entry.
    _follow_up(content, [{"id": "summit", "when": "2023-05", "title": "The summit, briefly",
                          "summary": "Where talks resumed.", "event": "spring-summit",
                          "sources": [{"source": "readout"}]}], events=["visit"], principals=[])
    built = build(content, ROOT / "templates" / "pages")
    minister = built.pages["people/li-minister.md"].body.decode()
    section = minister.split('id="appearances-heading"')[1]
    assert 'href="../briefings/follow-up/index.html">The follow-up talks</a>' in section
    assert ('Briefing in its context:</span> <a href="../briefings/visit/index.html">The Secretary&#39;s visit</a> '
            '<span class="meta">(principal)</span>') in section
    assert "No appearances in a briefing yet" not in minister
    ministry = built.pages["organizations/mofcom.md"].body.decode().split('id="appearances-heading"')[1]
    follow_up = ministry.split("The follow-up talks")[1]
    assert ('Shared event in its context:</span> <a href="../events/spring-summit.html">A spring summit</a> '
            '<span class="meta">(involved)</span>') in follow_up
    # On the person's timeline too.
    assert "follow-up/index.html" in minister.split('id="timeline-heading"')[1].split("</section>")[0]


def test_a_context_entry_about_its_own_briefing_or_an_unknown_event_is_a_problem(content):
    def entry(rid: str, event: str) -> dict:
        return {"id": rid, "when": "2023", "title": "T", "summary": "S", "event": event,
                "sources": [{"source": "article"}]}

    with pytest.raises(ContentErrors) as caught:
        check(content({"briefings/visit/context.yml": [entry("e", "visit"), entry("f", "sumit")]}))
    assert sorted(f"{e.message} ({e.hint})" for e in caught.value.errors) == [
        "context entry 'e' is about its own briefing (point it at a shared event or another briefing)",
        "event 'sumit' is not a known shared event (events.yml) or briefing (did you mean 'visit'?)"]


def test_a_context_entry_about_a_draft_briefing_keeps_its_text_without_the_link(tmp_path):
    content = shutil.copytree(FIXTURE_CONTENT, tmp_path / "content")
    _follow_up(content, [], draft=True)
    write_content(content, {"briefings/visit/context.yml": [{
        "id": "next", "when": "2023-09", "title": "Talks to follow", "summary": "More talks.",
        "event": "follow-up", "sources": [{"source": "readout"}]}]})
    page = build(content, ROOT / "templates" / "pages").pages["briefings/visit/context.md"].body.decode()
    assert "Talks to follow" in page and "follow-up" not in page
