"""The live preview: problems in the content become the page while serving, and never stop the server."""

from __future__ import annotations

import contextlib
import gzip
import logging
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Iterator

import jinja2
import pytest
from watchdog import events
from playwright.sync_api import Browser, sync_playwright
from support import CHROMIUM, CHROMIUM_ARGS, SMALL_CONTENT, make_project

from generator.build import build, check
from generator.errors import ContentError, ContentErrors
from generator.pages.render import Page
from generator.mkdocs import LOG
from generator.mkdocs.saves import Ahead, SaveSignal
from generator.mkdocs.serve import (ERROR_TITLE, DirtyBuilds, Preview, error_html, error_pages, implied_paths,
                             nav_paths, template_problem)

STEP_SECONDS = 15  # generous: the machine running the suite may be busy


def test_error_html_escapes_every_part_of_a_problem():
    error = ContentError("content/<b>.yml", 3, 7, "unknown field '<script>alert(1)</script>'",
                         "did you mean '<img src=x onerror=alert(2)>'?")
    html = error_html([error], "../index.html")
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "unknown field &#39;&lt;script&gt;alert(1)&lt;/script&gt;&#39;" in html
    assert "<code>content/&lt;b&gt;.yml:3:7</code>" in html
    assert "<em>(did you mean &#39;&lt;img src=x onerror=alert(2)&gt;&#39;?)</em>" in html
    assert "1 problem in 1 file" in html


def test_error_html_groups_problems_under_their_file_in_order():
    errors = [ContentError("content/a.yml", 1, 1, "first"), ContentError("content/a.yml", 2, 1, "second"),
              ContentError("content/b.yml", 5, 3, "third")]
    html = error_html(errors, "index.html")
    sections = re.findall(r"<h2><code>(.*?)</code></h2>\n<ul>\n(.*?)</ul>", html, re.S)
    assert [path for path, _ in sections] == ["content/a.yml", "content/b.yml"]
    assert sections[0][1].count("<li>") == 2 and "third" in sections[1][1]
    assert "3 problems in 2 files" in html


def test_implied_paths_cover_home_indexes_and_every_briefing_folder(tmp_path):
    (tmp_path / "briefings" / "trip").mkdir(parents=True)
    (tmp_path / "briefings" / "visit").mkdir()
    paths = implied_paths(tmp_path)
    assert {"index.md", "people/index.md", "organizations/index.md", "sources/index.md"} <= paths
    for briefing in ("trip", "visit"):
        assert f"briefings/{briefing}/index.md" in paths
        assert f"briefings/{briefing}/disputes.md" in paths


def test_error_pages_link_home_relatively_and_only_home_is_in_the_nav():
    errors = [ContentError("content/people.yml", 1, 1, "broken")]
    pages = error_pages(errors, ["briefings/x/agenda.md", "people/ada.md"])
    assert set(pages) == {"index.md", "briefings/x/agenda.md", "people/ada.md"}
    assert '<a href="../../index.html">Home</a>' in pages["briefings/x/agenda.md"].html
    assert [p.path for p in pages.values() if p.in_nav] == ["index.md"]
    assert all(p.title == ERROR_TITLE for p in pages.values())


def test_preview_replaces_every_page_of_the_last_good_build_and_reports_to_the_terminal(tmp_path, caplog):
    project = make_project(tmp_path / "p", SMALL_CONTENT)
    preview = Preview()
    good = {"index.md": None, "people/ada-lovelace.md": None, "briefings/paris-talks/agenda.md": None}
    preview.shown(good)
    (project / "content" / "people.yml").write_text("- id: [\n", encoding="utf-8")
    with pytest.raises(ContentErrors) as raised:
        check(project / "content")
    with caplog.at_level(logging.INFO, logger=LOG.name):
        pages = preview.problems(raised.value.errors, project / "content")
    assert set(good) <= set(pages)
    assert "briefings/paris-talks/memo.md" in pages  # implied by the folder, even if never shown
    # At INFO, under MkDocs' logger: a warning would stop a strict build, and the error pages with it.
    assert [(record.name, record.levelno) for record in caplog.records] == [(LOG.name, logging.INFO)]
    report = caplog.records[0].getMessage()
    assert re.search(r"^  \S*content/people\.yml:\d+:\d+: ", report, re.M)
    assert "problem" in report.splitlines()[-2]  # the count line of `briefing check`, then the notice


@pytest.mark.parametrize("mistake, message", [
    ("{{ data.titel }}", "template error: 'generator.dataset.model.Dataset object' has no attribute 'titel'"),
    ("{% endfro %}", "template error: Encountered unknown tag 'endfro'."),
])
def test_a_page_template_mistake_is_reported_at_its_line(tmp_path, monkeypatch, mistake, message):
    project = make_project(tmp_path / "p", SMALL_CONTENT)
    monkeypatch.chdir(project)
    template = project / "templates" / "pages" / "disputes.html"
    text = template.read_text(encoding="utf-8")
    template.write_text(text + mistake + "\n", encoding="utf-8")
    with pytest.raises(jinja2.TemplateError) as raised:
        build(project / "content", project / "templates" / "pages")
    problem = template_problem(raised.value, project / "templates" / "pages")
    assert str(problem).startswith(f"templates/pages/disputes.html:{text.count(chr(10)) + 1}:1: {message}")


def test_mkdocs_build_still_fails_on_content_errors_and_leaves_the_site_alone(tmp_path):
    """MkDocs' own command line tells the plugin it is building (on_startup), not serving."""
    project = make_project(tmp_path / "p", SMALL_CONTENT)
    site = project / "site"
    site.mkdir()
    (site / "index.html").write_text("previous site", encoding="utf-8")
    (project / "content" / "people.yml").write_text("- id: ada\n  nmae: Ada\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=project,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "content/people.yml:2:3: unknown field 'nmae'" in result.stderr
    assert (site / "index.html").read_text(encoding="utf-8") == "previous site"
    assert sorted(p.name for p in site.iterdir()) == ["index.html"]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, ""


def _searched(base: str, entry: str) -> str:
    """The text of every page in the served search bundle whose entry file reads `entry`."""
    found = re.search(r'"hash":"(en_[0-9a-f]+)"', entry)
    if found is None:
        return ""
    meta = _get_bytes(f"{base}/pagefind/pagefind.{found[1]}.pf_meta")
    texts = []
    # The metadata lists each page's fragment by its name, among the index chunks' names.
    for name in sorted(set(re.findall(rb"en_[0-9a-f]{7,}", gzip.decompress(meta)))) if meta else ():
        fragment = _get_bytes(f"{base}/pagefind/fragment/{name.decode()}.pf_fragment")
        if fragment:
            texts.append(gzip.decompress(fragment).decode("utf-8", "replace"))
    return "\n".join(texts)


def _get_bytes(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return b""


def _wait_for(url: str, predicate, server: subprocess.Popen, what: str) -> str:
    """The page at `url` once `predicate(status, body)` holds; fails after STEP_SECONDS."""
    deadline = time.monotonic() + STEP_SECONDS
    status, body = 0, ""
    while time.monotonic() < deadline:
        assert server.poll() is None, f"the server stopped (exit {server.returncode}) while waiting for {what}"
        status, body = _get(url)
        if predicate(status, body):
            return body
        time.sleep(0.2)
    raise AssertionError(f"no {what} within {STEP_SECONDS} s; last answer {status}: {body[:500]}")


def _stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


@contextlib.contextmanager
def _served(project: Path, log_file: Path) -> Iterator[tuple[subprocess.Popen, str]]:
    """`briefing serve` on a free loopback port in `project`; stopped by its process id afterwards.

    Its temporary folder is the project's `tmp/`, so a test can see that the server cleaned up.
    """
    port = _free_port()
    (project / "tmp").mkdir()
    env = {**os.environ, "TMPDIR": str(project / "tmp")}
    with log_file.open("w", encoding="utf-8") as log:
        server = subprocess.Popen(
            [sys.executable, "-c", "from generator.cli import main; main()", "serve",
             "--dev-addr", f"127.0.0.1:{port}"], cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield server, f"http://127.0.0.1:{port}"
        finally:
            _stop(server)


def test_live_server_shows_edits_survives_a_broken_file_and_recovers(tmp_path):
    project = make_project(tmp_path / "p", SMALL_CONTENT)
    briefing = project / "content" / "briefings" / "paris-talks" / "briefing.yml"
    disputes = project / "content" / "briefings" / "paris-talks" / "disputes.yml"
    with _served(project, tmp_path / "serve.log") as (server, base):
        page = f"{base}/briefings/paris-talks/disputes.html"
        _wait_for(page, lambda s, b: s == 200 and "Paris talks" in b, server, "first build")

        briefing.write_text(briefing.read_text(encoding="utf-8").replace("title: Paris talks",
                                                                         "title: Geneva round"), encoding="utf-8")
        body = _wait_for(page, lambda s, b: s == 200 and "Geneva round" in b, server, "the edited title")
        assert "Paris talks" not in body

        # A save that leaves the navigation alone: the page first, then the exports and search bundle.
        disputes.write_text(disputes.read_text(encoding="utf-8").replace("Tariffs on cheese", "Tariffs on wine"),
                            encoding="utf-8")
        _wait_for(page, lambda s, b: s == 200 and "Tariffs on wine" in b, server, "the edited dispute")
        for path in ("data/briefings.json", "data/disputes.csv"):
            _wait_for(f"{base}/{path}", lambda s, b: s == 200 and "Tariffs on wine" in b and "cheese" not in b,
                      server, f"the edited dispute in {path}")
        _wait_for(f"{base}/pagefind/pagefind-entry.json", lambda s, b: s == 200 and "Tariffs on wine" in
                  _searched(base, b) and "cheese" not in _searched(base, b), server, "the edited dispute in search")

        good = disputes.read_text(encoding="utf-8")
        disputes.write_text(good.replace("  title: Tariffs", "  <script>x</script>: 1\n  title: Tariffs"),
                            encoding="utf-8")
        body = _wait_for(page, lambda s, b: s == 200 and ERROR_TITLE in b, server, "the error page")
        assert "unknown field &#39;&lt;script&gt;x&lt;/script&gt;&#39;" in body
        assert "<script>x</script>" not in body
        assert re.search(r"<code>content/briefings/paris-talks/disputes\.yml:\d+:\d+</code>", body)
        assert "livereload(" in body  # the reader's tab keeps polling, so the fix brings the site back
        assert ERROR_TITLE in _get(f"{base}/index.html")[1]

        disputes.write_text(good, encoding="utf-8")
        body = _wait_for(page, lambda s, b: s == 200 and "Geneva round" in b, server, "the site back")
        assert ERROR_TITLE not in body
        assert server.poll() is None
        port = base.rsplit(":", 1)[1]
    assert server.returncode == 0, "SIGTERM stops the server as Ctrl-C does"
    assert list((project / "tmp").iterdir()) == []  # MkDocs removed the site it served from
    terminal = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert re.search(r"^  content/briefings/paris-talks/disputes\.yml:\d+:\d+: unknown field '<script>x</script>'",
                     terminal, re.M)
    assert re.search(r"^1 problem in 1 file$", terminal, re.M), terminal
    assert f"Serving on http://127.0.0.1:{port}/" in terminal


def test_every_scaffold_keeps_the_preview_up(tmp_path):
    project = make_project(tmp_path / "p", SMALL_CONTENT)
    briefing = project / "content" / "briefings" / "paris-talks" / "briefing.yml"
    with _served(project, tmp_path / "serve.log") as (server, base):
        page = f"{base}/briefings/paris-talks/index.html"
        _wait_for(page, lambda s, b: s == 200 and "Paris talks" in b, server, "first build")
        for args in (["source", "new-report"], ["person", "marie-curie", "--source", "new-report"],
                     ["organization", "city-council"], ["event", "summit"],
                     ["briefing", "lyon-visit", "--actor", "marie-curie"]):
            done = subprocess.run([sys.executable, "-c", "from generator.cli import main; main()", "new", *args],
                                  cwd=project, capture_output=True, text=True)
            assert done.returncode == 0, done.stdout + done.stderr
        # A save after the scaffolds shows: every build since was of the site, not of problems.
        briefing.write_text(briefing.read_text(encoding="utf-8").replace("title: Paris talks",
                                                                         "title: Geneva round"), encoding="utf-8")
        body = _wait_for(page, lambda s, b: s == 200 and "Geneva round" in b, server, "the edited title")
        assert ERROR_TITLE not in body
    assert "problem" not in (tmp_path / "serve.log").read_text(encoding="utf-8")


def test_live_server_starts_on_broken_content_and_survives_a_template_mistake(tmp_path):
    project = make_project(tmp_path / "p", SMALL_CONTENT)
    people = project / "content" / "people.yml"
    good_people = people.read_text(encoding="utf-8")
    people.write_text(good_people + "- id: [unclosed\n", encoding="utf-8")
    template = project / "templates" / "pages" / "disputes.html"
    good_template = template.read_text(encoding="utf-8")
    with _served(project, tmp_path / "serve.log") as (server, base):
        page = f"{base}/briefings/paris-talks/disputes.html"  # implied by the folder: never built yet
        body = _wait_for(page, lambda s, b: s == 200 and ERROR_TITLE in b, server, "the error page at start")
        assert re.search(r"<code>content/people\.yml:\d+:\d+</code>", body)

        people.write_text(good_people, encoding="utf-8")
        _wait_for(page, lambda s, b: s == 200 and "Tariffs on cheese" in b, server, "the site")

        template.write_text(good_template + "{{ data.titel }}\n", encoding="utf-8")
        body = _wait_for(page, lambda s, b: s == 200 and ERROR_TITLE in b, server, "the template error page")
        assert re.search(r"<code>templates/pages/disputes\.html:\d+:1</code>: template error: ", body)

        template.write_text(good_template, encoding="utf-8")
        _wait_for(page, lambda s, b: s == 200 and "Tariffs on cheese" in b, server, "the site back")


def _in_chromium(task: Callable[[Browser], None]) -> None:
    """Run `task` with a headless Chromium of its own, on a thread of its own.

    Playwright's sync API allows one instance per thread, and the browser tests' session-long one
    may be running on this thread.
    """
    def run() -> None:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                task(browser)
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run).result()


def test_an_open_browser_tab_follows_a_broken_save_and_the_fix_by_itself(tmp_path):
    project = make_project(tmp_path / "p", SMALL_CONTENT)
    disputes = project / "content" / "briefings" / "paris-talks" / "disputes.yml"
    good = disputes.read_text(encoding="utf-8")
    broken = good.replace("- ministry", "- ministy")
    assert broken != good

    with _served(project, tmp_path / "serve.log") as (server, base):
        _wait_for(f"{base}/index.html", lambda s, b: s == 200, server, "first build")

        def follow(browser: Browser) -> None:
            tab = browser.new_page()
            tab.goto(f"{base}/briefings/paris-talks/disputes.html")
            tab.wait_for_function("() => document.body.innerText.includes('Tariffs on cheese')")
            disputes.write_text(broken, encoding="utf-8")
            # No navigation from here on: live reload alone brings each state into the open tab.
            tab.wait_for_function(f"() => document.querySelector('h1').innerText === {ERROR_TITLE!r}",
                                  timeout=STEP_SECONDS * 1000)
            assert "raised_by 'ministy' is not a known person or organisation" in tab.inner_text("main")
            assert tab.url.endswith("/briefings/paris-talks/disputes.html")
            disputes.write_text(good, encoding="utf-8")
            tab.wait_for_function("() => document.body.innerText.includes('Tariffs on cheese')",
                                  timeout=STEP_SECONDS * 1000)
            assert ERROR_TITLE not in tab.inner_text("main")

        _in_chromium(follow)


def test_the_save_signal_answers_writes_to_content_files_only(tmp_path):
    content = tmp_path / "content"
    (content / "briefings" / "visit").mkdir(parents=True)
    signal = SaveSignal([content, tmp_path / "missing"])
    try:
        assert signal.folders == [content]
        agenda = str(content / "briefings" / "visit" / "agenda.yml")
        ignored = [
            events.FileOpenedEvent(agenda),  # every build reads every file
            events.FileClosedNoWriteEvent(agenda),
            events.DirModifiedEvent(str(content / "briefings")),
            events.DirCreatedEvent(str(content / "briefings" / "new")),
            events.FileModifiedEvent(str(content / "briefings" / "visit" / ".agenda.yml.swp")),
            events.FileModifiedEvent(str(tmp_path / "elsewhere.yml")),
        ]
        # Where the system tells of closes, a save is its close; the writes before it are not.
        written = [events.FileModifiedEvent(agenda)]
        if signal.changes == SaveSignal.SETTLED:
            ignored += written
            written = []
        written.append(events.FileCreatedEvent(str(content / "people.yml")))
        for event in ignored:
            signal.on_event(event)
        assert signal.count == 0 and not signal.file.exists()
        seen = written + [
            events.FileClosedEvent(agenda),
            events.FileDeletedEvent(agenda),
            events.FileMovedEvent(str(content / "briefings" / "visit" / ".agenda.yml.tmp"), agenda),
            events.DirDeletedEvent(str(content / "briefings" / "visit")),  # also how a folder moved out is told
        ]
        for n, event in enumerate(seen, start=1):
            signal.on_event(event)
            assert signal.count == n and signal.file.read_text(encoding="utf-8") == str(n)
    finally:
        signal.close()
    assert not signal.folder.exists()


class RecordedSignal(SaveSignal):
    """A save signal that also keeps every event that reached it, in order."""

    def __init__(self, folders: list[Path]) -> None:
        self.events: list[object] = []
        super().__init__(folders)

    def on_event(self, event: object) -> None:
        super().on_event(event)
        self.events.append(event)

    def wait_for(self, path: str) -> None:
        """Wait until an event of `path` has come in (a minute at most)."""
        deadline = time.monotonic() + 60
        while not any(getattr(e, "src_path", "") == path for e in self.events) and time.monotonic() < deadline:
            time.sleep(0.05)


def test_one_save_signals_once_where_closes_are_told(tmp_path):
    if sys.platform != "linux":
        pytest.skip("inotify, which tells of closes, is Linux's")
    for name in ("agenda.yml", "people.yml", "sources.yml"):
        (tmp_path / name).write_text("[]\n", encoding="utf-8")
    folder = tmp_path / "briefings" / "visit"
    folder.mkdir(parents=True)
    (folder / "agenda.yml").write_text("[]\n", encoding="utf-8")
    signal = RecordedSignal([tmp_path])
    assert signal.changes == SaveSignal.SETTLED
    assert signal.start()
    try:
        (tmp_path / "agenda.yml").write_text("title: one\n", encoding="utf-8")
        with (tmp_path / "people.yml").open("w", encoding="utf-8") as saved:
            for n in range(3):  # an editor writing one file in pieces
                saved.write(f"- id: p{n}\n")
                saved.flush()
        (tmp_path / "agenda.yml").unlink()
        last = str(tmp_path / "sources.yml")
        Path(last).unlink()  # events come in order: once this one is in, so are all the others
        signal.wait_for(last)
        assert signal.count == 4  # two saves and two deletions, each once
        folder.rename(tmp_path.parent / (tmp_path.name + "-moved-out"))  # told late, as its folder deleted
        signal.wait_for(str(folder))
        assert signal.count == 5
    finally:
        signal.close()


def test_without_file_events_the_save_signal_says_so(tmp_path, monkeypatch):
    signal = SaveSignal([tmp_path])

    def unavailable() -> None:
        raise OSError("inotify watch limit reached")

    monkeypatch.setattr(signal.observer, "start", unavailable)
    assert signal.start() is False
    signal.close()


def _until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + STEP_SECONDS
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_saves_work_runs_ahead_once_between_builds_and_the_next_build_takes_it():
    ahead, runs = Ahead(), []

    def work() -> str:
        runs.append(ahead.saves)
        return f"built {len(runs)}"

    ahead.saved()  # while a build runs: no work yet
    assert ahead.thread is None and runs == []
    ahead.ready("rebuilder", work)  # the build done: the save it may not have seen starts the work
    assert ahead.take("rebuilder") == "built 1" and runs == [1]
    assert ahead.take("rebuilder") is None  # no save since: the build does its own work
    ahead.ready("rebuilder", work)
    assert runs == [1]
    ahead.saved()
    assert ahead.take("another rebuilder") is None  # the folders or the settings changed meanwhile
    ahead.close()


def test_work_ahead_that_a_later_save_outdates_is_not_taken_and_runs_again_if_there_is_time():
    ahead, started, go, runs = Ahead(), threading.Event(), threading.Event(), []

    def slow() -> str:
        runs.append(ahead.saves)
        started.set()
        assert go.wait(STEP_SECONDS)
        return f"built {len(runs)}"

    ahead.ready("r", slow)
    ahead.saved()
    assert started.wait(STEP_SECONDS)
    ahead.saved()  # a second save while the work for the first runs
    go.set()
    _until(lambda: ahead.thread is None)
    assert runs == [1, 2] and ahead.take("r") == "built 2"

    started.clear()
    go.clear()
    ahead.ready("r", slow)
    ahead.saved()
    assert started.wait(STEP_SECONDS)
    ahead.saved()
    taken: list[object] = []
    builder = threading.Thread(target=lambda: taken.append(ahead.take("r")))
    builder.start()  # MkDocs' build begins before the work is done: it waits, and does its own
    _until(lambda: not ahead.idle)
    go.set()
    builder.join()
    assert taken == [None] and runs == [1, 2, 3]
    ahead.close()


def test_what_the_work_ahead_raises_the_build_that_takes_it_raises():
    ahead = Ahead()

    def broken() -> None:
        raise ContentErrors([ContentError("content/people.yml", 3, 1, "unknown field 'x'")])

    ahead.ready("r", broken)
    ahead.saved()
    with pytest.raises(ContentErrors):
        ahead.take("r")
    ahead.close()


def test_serve_defaults_to_the_loopback_address():
    from generator.cli import serve

    option = next(p for p in serve.params if p.name == "dev_addr")
    assert option.default == "127.0.0.1:8000"


def test_dirty_builds_give_mkdocs_the_changed_pages_and_every_file_after_a_failed_build(tmp_path):
    dirty = DirtyBuilds()
    try:
        first = {path: Page.of(path, path, "", f"<p>{path}</p>") for path in ("a.md", "b.md", "home.md")}
        assert dirty.plan([], first, b"frame", ["home.md"]) is None  # the first build: everything
        dirty.settle([], first, [])
        second = {**first, "a.md": Page.of("a.md", "a.md", "", "<p>changed</p>")}
        assert dirty.plan([], second, b"frame", ["home.md"]) == {"a.md", "home.md"}
        assert dirty.redo == {"a.md"}
        dirty.settle([], second, [])
        dirty.failed = True  # as the plugin marks it when MkDocs' build stops with an error
        assert dirty.plan([], second, b"frame", ["home.md"]) is None and dirty.redo == set()
        dirty.settle([], second, [])
        assert dirty.plan([], second, b"frame", ["home.md"]) == {"home.md"}
        assert dirty.plan([], second, b"another frame", ["home.md"]) is None and dirty.redo == set(second)
    finally:
        dirty.close()


def test_nav_paths_are_the_paths_a_nav_setting_names():
    assert nav_paths([{"Home": "index.md"}, {"Briefings": [{"A": "a/index.md"}, "b.md"]}, "c.md"]) == {
        "index.md", "a/index.md", "b.md", "c.md"}


# ---------------------------------------------------------------------------------------------
# Serve never sticks: template runtime errors, a folder where a file was, requests for other hosts.

@pytest.mark.parametrize("mistake, message", [
    ('{{ "a" + 1 }}', 'template error: can only concatenate str (not "int") to str'),
    ("{% endfro %}", "template error: Encountered unknown tag 'endfro'."),
])
def test_a_template_mistake_stops_a_build_with_one_located_line(tmp_path, monkeypatch, mistake, message):
    from click.testing import CliRunner

    from generator.cli import main

    project = make_project(tmp_path / "p", SMALL_CONTENT)
    monkeypatch.chdir(project)
    template = project / "templates" / "pages" / "disputes.html"
    text = template.read_text(encoding="utf-8")
    template.write_text(text + mistake + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build"])
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    located = [line.strip() for line in result.output.splitlines() if line.startswith("  ")]
    assert located == [f"templates/pages/disputes.html:{text.count(chr(10)) + 1}:1: {message}"]
    assert not (project / "site").exists()


def test_the_save_signal_notices_a_folder_in_place_of_a_content_file(tmp_path):
    content = tmp_path / "content"
    (content / "briefings" / "visit").mkdir(parents=True)
    agenda = content / "briefings" / "visit" / "agenda.yml"
    agenda.write_text("[]\n", encoding="utf-8")
    signal = RecordedSignal([content])
    try:
        assert signal.start()
        agenda.unlink()
        signal.wait_for(str(agenda))
        deleted = signal.count
        assert deleted >= 1
        signal.events.clear()
        agenda.mkdir()
        signal.wait_for(str(agenda))
        assert signal.count == deleted + 1
    finally:
        signal.close()


def test_live_server_shows_a_template_runtime_error_and_refuses_other_hosts(tmp_path):
    project = make_project(tmp_path / "p", SMALL_CONTENT)
    template = project / "templates" / "pages" / "disputes.html"
    good_template = template.read_text(encoding="utf-8")
    with _served(project, tmp_path / "serve.log") as (server, base):
        page = f"{base}/briefings/paris-talks/disputes.html"
        _wait_for(page, lambda s, b: s == 200 and "Tariffs on cheese" in b, server, "the site")
        port = base.rsplit(":", 1)[1]
        for host, status in ((f"127.0.0.1:{port}", 200), (f"localhost:{port}", 200),
                             (f"attacker.example:{port}", 403), ("attacker.example", 403)):
            request = urllib.request.Request(page, headers={"Host": host})
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    answered = response.status
            except urllib.error.HTTPError as exc:
                answered = exc.code
            assert answered == status, host

        template.write_text(good_template + '{{ "a" + 1 }}\n', encoding="utf-8")
        body = _wait_for(page, lambda s, b: s == 200 and ERROR_TITLE in b, server, "the template error page")
        assert re.search(r"<code>templates/pages/disputes\.html:\d+:1</code>: template error: can only concatenate",
                         body)
        template.write_text(good_template, encoding="utf-8")
        _wait_for(page, lambda s, b: s == 200 and "Tariffs on cheese" in b, server, "the site back")
        assert server.poll() is None
