"""Helpers for the tests: content trees to write, scratch projects to build, and the paths they use.

Fixtures live in conftest.py; the whole-site checker is tests/sitecheck.py.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Mapping

import yaml
from click.testing import CliRunner, Result

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
# The browser of the browser tests (conftest.py's `browser`), installed by scripts/install-test-tools.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
MISSING_TOOLS = "run scripts/install-test-tools (make test does) to install Chromium and the npm test tools"
# A small fictional briefing that uses every field of every record kind.
FIXTURE_CONTENT = ROOT / "tests" / "fixtures" / "briefing-site" / "content"
# The same briefing in a fictional archive of three that share people, sources and events: a
# briefing listed as another's event, a person in all three, statuses that change over time.
ARCHIVE_CONTENT = ROOT / "tests" / "fixtures" / "archive" / "content"
# The archive's briefing that uses every field: the one whose pages the browser tests open.
ARCHIVE_RICHEST = "visit"

# The smallest content that passes every check: one source, one person, one organisation,
# one briefing with one agenda item.
MINIMAL = {
    "sources.yml": [{
        "id": "article", "title": "An article", "publisher": "A publisher", "kind": "article",
        "paragraphs": [{"n": 1, "about": "The meeting"}, {"n": 2, "about": "The concerns"}],
    }],
    "people.yml": [{
        "id": "wang-wentao", "name": "Wang Wentao", "name_zh": "王文涛", "country": "CN",
        "roles": [{"title": "Commerce Minister", "organization": "mofcom",
                   "sources": [{"source": "article", "para": 1}]}],
        "sources": [{"source": "article", "para": 1}],
    }],
    "organizations.yml": [{
        "id": "mofcom", "name": "Ministry of Commerce", "kind": "ministry", "country": "CN",
        "sources": [{"source": "article", "para": 1}],
    }],
    "briefings/visit/briefing.yml": {
        "title": "A visit", "places": [{"city": "Beijing", "country": "CN"}], "status": "concluded",
        "updated": "2023-08-30", "start": "2023-08-27", "end": "2023-08-30",
        "summary": "A minister met a secretary.", "sources": [{"source": "article", "para": 1}],
    },
    "briefings/visit/agenda.yml": [{
        "id": "meeting", "title": "Meeting", "day": "Monday", "date": "2023-08-28", "city": "Beijing",
        "kind": "meeting", "status": "happened", "participants": ["wang-wentao"],
        "summary": "They met.", "sources": [{"source": "article", "para": 1}],
    }],
}


def _cite_report(para: int | None = 1) -> list[dict[str, Any]]:
    """Citations of the report, at paragraph `para` or as a whole."""
    return [{"source": "report", "para": para} if para else {"source": "report"}]


# A small, valid content tree: one source, two people, one organisation, one briefing.
SMALL_CONTENT: dict[str, Any] = {
    "sources.yml": [{
        "id": "report", "title": "A news report", "publisher": "The Daily", "kind": "news-report",
        "date": "2024-03-01",
        "paragraphs": [{"n": 1, "about": "the visit"}, {"n": 2, "about": "the talks"}],
    }],
    "organizations.yml": [{
        "id": "ministry", "name": "Ministry of Trade", "kind": "ministry", "country": "FR",
        "sources": _cite_report(),
    }],
    "people.yml": [
        {"id": "ada-lovelace", "name": "Ada Lovelace", "country": "GB",
         "roles": [{"title": "Envoy", "sources": _cite_report()}], "sources": _cite_report()},
        {"id": "blaise-pascal", "name": "Blaise Pascal", "country": "FR",
         "roles": [{"title": "Minister", "organization": "ministry", "sources": _cite_report()}],
         "sources": _cite_report()},
    ],
    "briefings/paris-talks/briefing.yml": {
        "title": "Paris talks", "places": [{"city": "Paris", "country": "FR"}], "status": "concluded",
        "updated": "2024-03-02", "principals": ["ada-lovelace"], "summary": "Two envoys met.",
        "sources": _cite_report(),
    },
    "briefings/paris-talks/agenda.yml": [{
        "id": "meeting", "title": "First meeting", "day": "Friday", "city": "Paris", "kind": "meeting",
        "status": "happened", "participants": ["ada-lovelace", "blaise-pascal"],
        "summary": "They met.", "sources": _cite_report(2),
    }],
    "briefings/paris-talks/disputes.yml": [{
        "id": "tariffs", "title": "Tariffs on cheese", "category": "tariffs", "raised_by": ["ministry"],
        "description": "The ministry objected.", "status": "raised", "sources": _cite_report(),
    }],
}


# Quotes, commas, a semicolon, a newline, markup characters, an entity and Chinese.
HOSTILE = 'He said "no", she said \'yes\'; a, b\nsecond line <b>bold</b> & &amp; 王文涛'
HOSTILE_TITLE = 'Talks on "chips", tariffs & <export> controls; 商务部 visit'
HOSTILE_VENUE = 'Diaoyutai, "Building 5" <east> & 钓鱼台'
HOSTILE_QUOTE = 'a "frank", constructive & <useful> talk; 坦诚'


# Functions, not shared lists: YAML would write a shared list once with an anchor, which the
# loader refuses.
def _cite_article() -> list[dict]:
    """Citations of the article's first paragraph, with a quote."""
    return [{"source": "article", "para": 1, "quote": HOSTILE_QUOTE}]


def _cite_later() -> list[dict]:
    """Citations of the article's second paragraph."""
    return [{"source": "article", "para": 2}]


SAMPLE_SOURCES = [
    {"id": "article", "title": "Raimondo visits Beijing", "publisher": "Example News", "kind": "article",
     "date": "2023-08-30", "url": "https://news.example.org/a?x=1&y=2",
     "paragraphs": [{"n": 1, "about": "the meeting"}, {"n": 2, "about": "the outcome"}]},
    {"id": "readout", "title": "Readout, \"final\" & <short>", "publisher": "商务部", "kind": "readout"},
]
SAMPLE_PEOPLE = [
    {"id": "gina-raimondo", "name": 'Gina "G." Raimondo, <US> & co', "country": "US",
     "roles": [{"title": "Commerce Secretary", "organization": "doc", "sources": _cite_article()}],
     "sources": _cite_article()},
    {"id": "wang-wentao", "name": "Wang Wentao", "name_zh": "王文涛", "country": "CN",
     "roles": [{"title": "Minister of Commerce", "organization": "mofcom", "period": HOSTILE,
                "sources": _cite_later()}], "sources": [{"source": "readout"}]},
]
SAMPLE_ORGANIZATIONS = [
    {"id": "mofcom", "name": "Ministry of Commerce", "name_zh": "商务部", "short_name": "MOFCOM",
     "country": "CN", "kind": "ministry", "sources": _cite_article()},
    {"id": "doc", "name": "Department of Commerce", "country": "US", "kind": "department",
     "url": "https://www.commerce.gov/", "sources": _cite_article()},
]
_VISIT = {
    "briefing.yml": {
        "title": HOSTILE_TITLE, "subtitle": HOSTILE, "start": "2023-08-27", "end": "2023-08-30",
        "places": [{"city": "Beijing", "country": "CN"}, {"city": "Shanghai", "country": "CN"}],
        "status": "concluded", "updated": "2023-09-01", "principals": ["gina-raimondo", "wang-wentao"],
        "summary": "Talks *in* Beijing & Shanghai.",
        "takeaways": [{"text": "A working group.", "sources": _cite_later()}], "sources": _cite_article()},
    "agenda.yml": [
        {"id": "arrival", "title": "Arrival in Beijing", "day": "Sunday", "date": "2023-08-27",
         "city": "Beijing", "kind": "arrival", "status": "happened", "summary": "She arrives.",
         "sources": _cite_article()},
        {"id": "meet-wang", "title": HOSTILE_TITLE, "day": "Monday", "date": "2023-08-28", "time": "09:30",
         "city": "Beijing", "venue": HOSTILE_VENUE, "kind": "meeting", "status": "happened",
         "participants": ["gina-raimondo", "wang-wentao"], "organizations": ["mofcom", "doc"],
         "summary": "They *met*.", "outcomes": [HOSTILE, "A second outcome"],
         "sources": _cite_article() + _cite_later()},
        {"id": "shanghai-visit", "title": "Visit to Shanghai", "day": "Wednesday", "city": "Shanghai",
         "kind": "visit", "status": "happened", "summary": "A visit.", "sources": _cite_later()},
    ],
    "disputes.yml": [
        {"id": "tariffs", "title": HOSTILE_TITLE, "category": "tariffs",
         "raised_by": ["mofcom", "wang-wentao"],
         "raised_at": "meet-wang", "description": "Section 301 tariffs.",
         "response": {"by": ["gina-raimondo"], "position": "Not negotiable.", "sources": _cite_later()},
         "status": "raised", "sources": _cite_article()},
    ],
    "agreements.yml": [
        {"id": "working-group", "title": "A working group", "parties": ["doc", "mofcom"],
         "agreed_at": "meet-wang", "description": "On trade.",
         "claims": [{"text": "Four agreements.", "rank": "preferred", "sources": _cite_later()},
                    {"text": HOSTILE, "rank": "disputed", "sources": _cite_article()}],
         "next_steps": [{"text": "First meeting.", "when": "2024", "when_text": HOSTILE,
                        "sources": _cite_later()}],
         "sources": _cite_later()},
    ],
    "statements.yml": [
        {"id": "frank", "speaker": "gina-raimondo", "kind": "quote", "text": HOSTILE, "date": "2023-08-28",
         "at": "meet-wang", "about": ["tariffs", "working-group"], "sources": _cite_article()},
    ],
    "context.yml": [
        {"id": "export-rules", "when": "2023-07", "when_text": "in July", "title": "New export rules",
         "summary": "Rules were announced.", "actors": ["doc"], "sources": [{"source": "readout"}]},
    ],
}
_EARLIER = {
    "briefing.yml": {
        "title": "An earlier call", "places": [{"city": "Washington", "country": "US"}],
        "status": "concluded", "updated": "2023-06-01", "summary": "A call.", "sources": _cite_later()},
    "agenda.yml": [
        {"id": "call", "title": "Phone call", "day": "Thursday", "date": "2023-06-01", "time": "14:00",
         "city": "Washington", "kind": "talks", "status": "happened", "summary": "A call.",
         "sources": _cite_later()},
    ],
}
_UNDATED = {
    "briefing.yml": {
        "title": "A week of talks", "places": [{"city": "Brussels", "country": "BE"}],
        "status": "concluded", "updated": "2023-01-01", "summary": "Talks.", "sources": _cite_later()},
    "agenda.yml": [
        {"id": "talks", "title": "Talks", "day": "Friday", "city": "Brussels", "kind": "talks",
         "status": "happened", "summary": "Talks.", "sources": _cite_later()},
    ],
}
SAMPLE_BRIEFINGS = {"visit": _VISIT, "earlier-call": _EARLIER, "undated-week": _UNDATED}


def write_content(root: Path, files: dict[str, object]) -> Path:
    """Write a content tree: str values as they are, other values dumped as YAML."""
    for name, value in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(value, bytes):
            target.write_bytes(value)
        elif isinstance(value, str):
            target.write_text(value, encoding="utf-8")
        else:
            target.write_text(yaml.safe_dump(value, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


def write_sample(root: Path) -> Path:
    """Write the sample content (three briefings with hostile strings) at `root` and return it."""
    files = {"sources.yml": SAMPLE_SOURCES, "people.yml": SAMPLE_PEOPLE,
             "organizations.yml": SAMPLE_ORGANIZATIONS}
    for briefing, parts in SAMPLE_BRIEFINGS.items():
        files.update({f"briefings/{briefing}/{name}": value for name, value in parts.items()})
    return write_content(root, files)


def copy_site_files(where: Path) -> Path:
    """The repository's mkdocs.yml, templates, docs and schema, copied into `where`."""
    where.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "mkdocs.yml", where / "mkdocs.yml")
    for folder in ("templates", "docs", "schema"):
        shutil.copytree(ROOT / folder, where / folder)
    return where


def make_project(where: Path, content: Path | Mapping[str, Any] = FIXTURE_CONTENT, *,
                 site_url: str | None = None) -> Path:
    """A project folder at `where` like the repository's, with `content` as its content folder:
    a folder to copy, or files to write (name -> YAML text or value); `site_url` set if given."""
    copy_site_files(where)
    if isinstance(content, Path):
        shutil.copytree(content, where / "content")
    else:
        write_content(where / "content", dict(content))
    if site_url:
        config = where / "mkdocs.yml"
        config.write_text(config.read_text(encoding="utf-8") + f"site_url: {site_url}\n", encoding="utf-8")
    return where


def build(project: Path) -> Result:
    """`briefing build` for the project, in this process; exceptions stay in `result.exception`."""
    return CliRunner().invoke(main, ["build", "-f", str(project / "mkdocs.yml")])


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """`folder` served over HTTP on a free loopback port while inside; its address."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


def build_site(where: Path, content: Path, *, site_url: str | None = None) -> Path:
    """Build a project at `where` with `content` (see make_project) and return its site folder."""
    project = make_project(where, content, site_url=site_url)
    result = build(project)
    assert result.exit_code == 0, result.output
    return project / "site"


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file and folder under `folder`: relative path -> (bytes, permission bits)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        data = path.read_bytes() if path.is_file() else b""
        found[path.relative_to(folder).as_posix() + ("/" if path.is_dir() else "")] = (
            data, path.stat().st_mode & 0o7777)
    return found


def leftovers(project: Path) -> list[str]:
    """Temporary build folders (`.site-*`) left beside the site."""
    return sorted(p.name for p in project.glob(".site-*"))
