"""`briefing links` (generator/linkcheck.py) against a local server, and the report through a build."""

from __future__ import annotations

import copy
import datetime as dt
import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import build
from generator.cli import main
from generator.check.linkcheck import LINK_REPORT, check_address, check_links, report_text
from generator.read.load import load_content
from generator.incremental.rebuild import Rebuilder
from generator.content.schema import Source

from support import MINIMAL, ROOT, write_content

# A timeout short enough for the tests: the server never answers that address at all, so the
# outcome does not depend on how long anything takes.
TIMEOUT = 0.5


class _Handler(BaseHTTPRequestHandler):
    """200, 301 to the 200, 404, 410, no answer at all, and a reset connection, by path."""

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        if self.path == "/ok":
            self._answer(200, b"a page")
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/missing":
            self._answer(404, b"not here")
        elif self.path == "/gone":
            self._answer(410, b"gone for good")
        elif self.path == "/silent":
            self.server.stop.wait()  # no answer until the test is over
        elif self.path == "/reset":
            # The request was read: closing with a zero linger sends the client a reset.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def server():
    """The base address of a local server answering as `_Handler` does."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    httpd.stop = threading.Event()
    httpd.handle_error = lambda request, address: None  # the reset connection's handler cannot finish
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.stop.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.mark.parametrize("path, ok, status, final, problem", [
    ("/ok", True, 200, None, None),
    ("/moved", True, 200, "/ok", None),
    ("/missing", False, 404, None, "404 Not Found"),
    ("/gone", False, 410, None, "410 Gone"),
    ("/silent", False, None, None, "no answer within 0.5 s"),
    ("/reset", False, None, None, "the connection was reset"),
])
def test_each_kind_of_answer(server, path, ok, status, final, problem):
    found = check_address(server + path, timeout=TIMEOUT)
    assert found == (ok, status, server + final if final else None, problem)


def test_a_refused_connection_is_a_problem_too():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    assert check_address(f"http://127.0.0.1:{port}/", timeout=TIMEOUT) == (
        False, None, None, "the connection was refused")


def addressed_content(server: str) -> dict:
    """MINIMAL with a source for each kind of answer, one of them with an archived copy."""
    files = copy.deepcopy(MINIMAL)
    for name in ("ok", "moved", "missing", "gone", "silent", "reset"):
        files["sources.yml"].append({"id": f"source-{name}", "title": f"The {name} source", "kind": "article",
                                     "url": f"{server}/{name}"})
    files["sources.yml"][3]["archive_url"] = "https://web.archive.org/web/2023/https://example.com/missing"
    cite_all = [{"source": f"source-{name}"} for name in ("ok", "moved", "missing", "gone", "silent", "reset")]
    files["briefings/visit/briefing.yml"]["sources"] += cite_all
    return files


def test_briefing_links_writes_the_report_and_exits_1_when_an_address_failed(server, tmp_path, monkeypatch):
    content = write_content(tmp_path / "content", addressed_content(server))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["links", "--content", "content", "--timeout", str(TIMEOUT)])
    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == [
        f"source-moved: {server}/moved leads to {server}/ok (update 'url' if it has moved for good)",
        f"source-missing: {server}/missing: 404 Not Found (the site leads to the archived copy, "
        "https://web.archive.org/web/2023/https://example.com/missing)",
        f"source-gone: {server}/gone: 410 Gone (add an archived copy as 'archive_url', or correct 'url')",
        f"source-silent: {server}/silent: no answer within 0.5 s (add an archived copy as 'archive_url', or correct 'url')",
        f"source-reset: {server}/reset: the connection was reset (add an archived copy as 'archive_url', "
        "or correct 'url')",
        "checked 6 addresses: 2 answered, 4 failed; wrote content/link-report.yml"]
    report = (content / LINK_REPORT).read_text(encoding="utf-8")
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    assert report.startswith("# yaml-language-server: $schema=../schema/link-report.schema.json\n")
    assert f"- source: source-gone\n  url: {server}/gone\n  checked: '{today}'\n  ok: false\n  status: 410\n" in report
    # What the build reads back is what was written: written again, the same text.
    data = build(content, ROOT / "templates" / "pages").data
    assert report_text(data.links.values()) == report
    assert data.links["source-moved"].final_url == f"{server}/ok"


def test_briefing_links_leaves_the_report_alone_when_no_server_answers(tmp_path, monkeypatch):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    files = copy.deepcopy(MINIMAL)
    files["sources.yml"][0]["url"] = f"http://127.0.0.1:{port}/article"
    content = write_content(tmp_path / "content", files)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["links", "--content", "content", "--timeout", str(TIMEOUT)])
    assert result.exit_code == 1
    assert result.output == ("no server answered at all (article: the connection was refused); is this computer "
                             "online? The report is unchanged (--even-if-none-answer writes it anyway)\n")
    assert not (content / LINK_REPORT).exists()
    result = CliRunner().invoke(main, ["links", "--content", "content", "--timeout", str(TIMEOUT),
                                       "--even-if-none-answer"])
    assert result.exit_code == 1
    assert "problem: the connection was refused" in (content / LINK_REPORT).read_text(encoding="utf-8")


def _checks(server: str, today: str = "2026-12-01") -> list:
    sources = [Source(id=f"source-{name}", title="t", kind="article", url=f"{server}/{name}")
               for name in ("ok", "missing")]
    return check_links(sources, dt.date.fromisoformat(today), timeout=TIMEOUT)


def test_the_site_says_when_an_address_was_checked_and_leads_a_failed_one_to_its_archived_copy(server, tmp_path):
    content = write_content(tmp_path / "content", addressed_content(server))
    (content / LINK_REPORT).write_text(report_text(_checks(server)), encoding="utf-8")
    pages = build(content, ROOT / "templates" / "pages").pages
    ok = pages["sources/source-ok.md"].html
    assert (f'<a class="external" href="{server}/ok" rel="external noopener noreferrer">{server}/ok</a> '
            '<span class="meta">(answered when checked on <time datetime="2026-12-01">1 December 2026</time>)</span>'
            ) in ok
    missing = pages["sources/source-missing.md"].html
    assert ('<a class="external" href="https://web.archive.org/web/2023/https://example.com/missing" '
            'rel="external noopener noreferrer">archived copy</a> <span class="link-failed">(the address '
            f'{server}/missing failed when checked on <time datetime="2026-12-01">1 December 2026</time>: '
            '404 Not Found)</span>') in missing
    # The briefing's footnotes say the same.
    assert "failed when checked on" in pages["briefings/visit/index.md"].html
    # A source not in the report, or whose address changed since, shows no check.
    assert "checked on" not in pages["sources/source-gone.md"].html


def test_a_report_entry_of_a_changed_address_or_a_gone_source_is_left_out(server, tmp_path):
    files = addressed_content(server)
    files["sources.yml"][1]["url"] = f"{server}/elsewhere"
    content = write_content(tmp_path / "content", files)
    checks = _checks(server)
    stale = checks[0].model_copy(update={"source": "no-such-source"})
    (content / LINK_REPORT).write_text(report_text([*checks, stale]), encoding="utf-8")
    assert set(build(content, ROOT / "templates" / "pages").data.links) == {"source-missing"}


def test_a_broken_report_is_a_problem_at_its_place(tmp_path, monkeypatch):
    content = write_content(tmp_path / "content", copy.deepcopy(MINIMAL))
    (content / LINK_REPORT).write_text("- source: article\n  url: ftp://example.com\n  checked: '2026-12-01'\n"
                                       "  ok: maybe\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--content", "content"])
    assert result.exit_code == 1
    assert "content/link-report.yml:2:8: 'ftp://example.com' is not a web address" in result.output
    assert "content/link-report.yml:4:7: " in result.output


def test_a_rebuild_after_a_new_report_equals_a_full_build(server, tmp_path):
    content = write_content(tmp_path / "content", addressed_content(server))
    templates = ROOT / "templates" / "pages"
    rebuilder = Rebuilder(content, templates)
    rebuilder.build()
    for today in ("2026-12-01", "2026-12-02"):
        (content / LINK_REPORT).write_text(report_text(_checks(server, today)), encoding="utf-8")
        rebuilt, full = rebuilder.build(), build(content, templates)
        assert dict(rebuilt.pages) == dict(full.pages)
        assert f'datetime="{today}"' in rebuilt.pages["sources/source-missing.md"].html


def test_the_report_is_not_a_record_and_not_a_stray_file(tmp_path):
    content = write_content(tmp_path / "content", copy.deepcopy(MINIMAL))
    (content / LINK_REPORT).write_text(report_text([]), encoding="utf-8")
    loaded, errors = load_content(content)
    assert errors == [] and loaded.link_report is not None
    assert all(doc.path != loaded.link_report.path for doc in loaded.documents)
    assert Path(loaded.link_report.path).name == LINK_REPORT
