"""An archive of several briefings: the fixture archive (tests/fixtures/archive), three briefings
that share people, sources and events, one listing another as an event.

It is built from a copy made for this module; nothing is written over the fixture's files.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

from support import ARCHIVE_CONTENT, build_site


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_site(tmp_path_factory.mktemp("archive") / "project", ARCHIVE_CONTENT)


def _main(page: Path) -> str:
    """The page's own content, after the navigation (which lists briefings too)."""
    html = page.read_text(encoding="utf-8")
    return html[html.index("<h1"):]


def _titles_in_order(html: str, titles: list[str]) -> list[int]:
    return [html.index(title) for title in titles]


def test_the_archive_checks_clean():
    result = CliRunner().invoke(main, ["check", "--content", str(ARCHIVE_CONTENT)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("content OK: 3 briefings")


def test_home_lists_briefings_newest_event_first_whatever_their_revision_date(site):
    home = _main(site / "index.html")
    positions = _titles_in_order(home, ["The follow-up talks", "The Secretary&#39;s visit", "An earlier call"])
    assert positions == sorted(positions)


def test_the_feed_lists_briefings_newest_event_first(site):
    feed = (site / "feed.atom").read_text(encoding="utf-8")
    ids = re.findall(r"<id>tag:[^<]*briefings/([a-z0-9-]+)</id>", feed)
    assert ids == ["follow-up", "visit", "earlier-call"]


def test_the_timeline_orders_briefings_and_events_with_honest_precision(site):
    html = _main(site / "timeline.html")
    order = ["The follow-up talks", "New chip rules", "The Secretary&#39;s visit", "An earlier call",
             "A spring summit", "A trade forum"]
    positions = _titles_in_order(html, order)
    assert positions == sorted(positions)
    # The month-only event sits under its month, the year-only one under the year, after its months.
    may = html[html.index('id="m2023-05"'):html.index('id="y2023-whole"')]
    assert "A spring summit" in may
    assert "A trade forum" in html[html.index('id="y2023-whole"'):]
    assert html.index('id="y2023-whole"') > html.index('id="m2023-05"')


def test_the_timeline_is_in_the_navigation_of_every_page(site):
    assert 'href="timeline.html"' in (site / "index.html").read_text(encoding="utf-8")
    assert 'href="../../timeline.html"' in (site / "briefings" / "follow-up" / "agenda.html").read_text(
        encoding="utf-8")


def test_shared_events_and_listed_briefings_split_before_and_during(site):
    html = (site / "briefings" / "follow-up" / "context.html").read_text(encoding="utf-8")
    earlier = html[html.index('id="before"'):html.index('id="during"')]
    during = html[html.index('id="during"'):]
    assert "The Secretary&#39;s visit" in earlier and "../visit/index.html" in earlier
    assert "New chip rules" in earlier
    assert "A trade forum" in during


def test_a_briefing_listed_by_another_links_back_to_it(site):
    html = (site / "briefings" / "visit" / "context.html").read_text(encoding="utf-8")
    assert "../follow-up/index.html" in html[html.index('id="listed-by"'):]
    event = (site / "events" / "spring-summit.html").read_text(encoding="utf-8")
    for bid in ("visit", "earlier-call"):
        assert f"../briefings/{bid}/context.html" in event


def test_person_pages_list_every_briefing_and_shared_event(site):
    html = (site / "people" / "ada-secretary.html").read_text(encoding="utf-8")
    for bid in ("visit", "earlier-call", "follow-up"):
        assert f"../briefings/{bid}/index.html" in html
    assert "../events/spring-summit.html" in html
    envoy = (site / "people" / "bo-envoy.html").read_text(encoding="utf-8")
    assert "../events/trade-forum.html" in envoy
