"""An archive of several briefings: the example plus two more that share its people and events.

The whole project is copied, two briefings and a shared event registry are added, and the copy
must check, build and pass the example's own tests: adding a valid briefing never breaks them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main

from support import ROOT

SCHEMA_LINE = "# yaml-language-server: $schema={}schema/{}.schema.json\n"
CITE = [{"source": "earlier-visits-reports"}]
BLINKEN_CITE = [{"source": "earlier-visits-reports"}]

EVENTS = [
    {"id": "outbound-investment-order", "when": "2023-08-09", "title": "Executive order on outbound investment",
     "summary": "The order restricting US investment in Chinese high-tech sectors.",
     "actors": ["joe-biden", "us-treasury"], "sources": [{"source": "executive-order-reports"}]},
    {"id": "order-reaction", "when": "2023-08", "title": "Beijing condemns the order",
     "summary": "Beijing calls the order anti-globalisation.", "actors": ["china-government"],
     "sources": [{"source": "executive-order-reports"}]},
    {"id": "relations-low", "when": "2023", "title": "Relations at a low point",
     "summary": "Relations at one of their lowest points.", "actors": ["us-government", "china-government"],
     "sources": [{"source": "raimondo-beijing-visit-article", "para": 6}]},
]


def _briefing(title: str, start: str, end: str, updated: str, principal: str, events: list[str],
              cite: list[dict]) -> dict:
    return {"title": title, "start": start, "end": end, "places": [{"city": "Beijing", "country": "CN"}],
            "status": "concluded", "updated": updated, "principals": [principal],
            "summary": f"{title}.", "events": events, "sources": cite}


# Revised after the example (updated later) but about earlier events: the home page must still
# list the example first.
BRIEFINGS = {
    "yellen-beijing-2023": (
        _briefing("Yellen in Beijing", "2023-07-06", "2023-07-09", "2026-12-01", "janet-yellen",
                  ["blinken-beijing-2023", "outbound-investment-order", "relations-low"], CITE),
        [{"id": "talks", "title": "Talks with officials", "day": "Friday", "city": "Beijing", "kind": "talks",
          "status": "happened", "participants": ["janet-yellen"], "organizations": ["us-treasury"],
          "summary": "Talks.", "sources": CITE}]),
    "blinken-beijing-2023": (
        _briefing("Blinken in Beijing", "2023-06-18", "2023-06-19", "2026-12-02", "antony-blinken",
                  ["relations-low"], BLINKEN_CITE),
        [{"id": "talks", "title": "Meeting with Xi Jinping", "day": "Monday", "city": "Beijing", "kind": "meeting",
          "status": "happened", "participants": ["antony-blinken", "xi-jinping"], "summary": "A meeting.",
          "sources": BLINKEN_CITE}]),
}


def _write(path: Path, schema: str, value: object, up: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = yaml.safe_dump(value, allow_unicode=True, sort_keys=False)
    path.write_text(SCHEMA_LINE.format(up, schema) + body, encoding="utf-8")


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """A copy of the project with the example, two more briefings and a shared event registry."""
    project = tmp_path_factory.mktemp("archive")
    for name in ("content", "templates", "docs", "schema", "tests"):
        shutil.copytree(ROOT / name, project / name,
                        ignore=shutil.ignore_patterns("__pycache__", "node_modules", "golden"))
    for name in ("mkdocs.yml", "pyproject.toml"):
        shutil.copy2(ROOT / name, project / name)
    content = project / "content"
    _write(content / "events.yml", "events", EVENTS, "../")
    for bid, (briefing, agenda) in BRIEFINGS.items():
        folder = content / "briefings" / bid
        _write(folder / "briefing.yml", "briefing", briefing, "../../../")
        _write(folder / "agenda.yml", "agenda", agenda, "../../../")
    return project


@pytest.fixture(scope="module")
def site(archive) -> Path:
    config = archive / "mkdocs.yml"
    result = CliRunner().invoke(main, ["build", "-f", str(config)])
    assert result.exit_code == 0, result.output
    return archive / "site"


def _main(page: Path) -> str:
    """The page's own content, after the navigation (which lists briefings too)."""
    html = page.read_text(encoding="utf-8")
    return html[html.index("<h1"):]


def _titles_in_order(html: str, titles: list[str]) -> list[int]:
    return [html.index(title) for title in titles]


def test_the_archive_checks_clean(archive):
    result = CliRunner().invoke(main, ["check", "--content", str(archive / "content")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("content OK: 3 briefings")


def test_home_lists_briefings_newest_event_first_whatever_their_revision_date(site):
    home = _main(site / "index.html")
    positions = _titles_in_order(home, ["Raimondo", "Yellen in Beijing", "Blinken in Beijing"])
    assert positions == sorted(positions)


def test_the_feed_lists_briefings_newest_event_first(site):
    feed = (site / "feed.atom").read_text(encoding="utf-8")
    ids = re.findall(r"<id>tag:[^<]*briefings/([a-z0-9-]+)</id>", feed)
    assert ids == ["raimondo-china-2023", "yellen-beijing-2023", "blinken-beijing-2023"]


def test_the_timeline_orders_briefings_and_events_with_honest_precision(site):
    html = _main(site / "timeline.html")
    order = ["Gina Raimondo&#39;s visit", "Executive order on outbound investment", "Beijing condemns the order",
             "Yellen in Beijing", "Blinken in Beijing", "Relations at a low point"]
    positions = _titles_in_order(html, order)
    assert positions == sorted(positions)
    # The month-only event sits under August, the year-only one under the year, after its months.
    august = html[html.index('id="m2023-08"'):html.index('id="m2023-07"')]
    assert "Beijing condemns the order" in august
    assert html.index('id="y2023-whole"') > html.index('id="m2023-06"')


def test_the_timeline_is_in_the_navigation_of_every_page(site):
    assert 'href="timeline.html"' in (site / "index.html").read_text(encoding="utf-8")
    assert 'href="../../timeline.html"' in (site / "briefings" / "yellen-beijing-2023" / "agenda.html").read_text(
        encoding="utf-8")


def test_shared_events_and_listed_briefings_split_before_and_after(site):
    html = (site / "briefings" / "yellen-beijing-2023" / "context.html").read_text(encoding="utf-8")
    earlier = html[html.index('id="before"'):html.index('id="after"')]
    after = html[html.index('id="after"'):]
    assert "Blinken in Beijing" in earlier and "../blinken-beijing-2023/index.html" in earlier
    assert "Executive order on outbound investment" in after
    assert "Relations at a low point" in html[html.index('id="during"'):html.index('id="after"')]


def test_a_briefing_listed_by_another_links_back_to_it(site):
    html = (site / "briefings" / "blinken-beijing-2023" / "context.html").read_text(encoding="utf-8")
    assert "../yellen-beijing-2023/index.html" in html[html.index('id="listed-by"'):]
    event = (site / "events" / "relations-low.html").read_text(encoding="utf-8")
    for bid in ("yellen-beijing-2023", "blinken-beijing-2023"):
        assert f"../briefings/{bid}/context.html" in event


def test_person_pages_list_every_briefing_and_shared_event(site):
    html = (site / "people" / "janet-yellen.html").read_text(encoding="utf-8")
    for href in ("../briefings/yellen-beijing-2023/index.html", "../briefings/raimondo-china-2023/index.html"):
        assert href in html
    biden = (site / "people" / "joe-biden.html").read_text(encoding="utf-8")
    assert "../events/outbound-investment-order.html" in biden


def test_the_example_tests_pass_in_the_archive(archive, site):
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             str(archive / "tests" / "test_example.py")],
                            cwd=archive, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
