"""The same project builds with ProperDocs (the maintained MkDocs 1.6 line) as with MkDocs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.config import load_config

from generator.build import build
from generator.export import SiteInfo
from support import ARCHIVE_CONTENT, ROOT

# ProperDocs renamed the element ids in its search plugin's script (mkdocs-search-query ->
# properdocs-search-query); that file is the plugin's own asset, not something we generate.
SEARCH_SCRIPT = "search/main.js"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of the project's configuration, templates and pages, with the fixture archive."""
    root = tmp_path_factory.mktemp("project")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    for name in ("templates", "docs"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copytree(ARCHIVE_CONTENT, root / "content")
    return root


def _build(tool: str, project: Path, out: Path) -> dict[str, bytes]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    result = subprocess.run([sys.executable, "-m", tool, "build", "-f", str(project / "mkdocs.yml"),
                             "-d", str(out)], cwd=project, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def sites(project, tmp_path_factory) -> dict[str, dict[str, bytes]]:
    out = tmp_path_factory.mktemp("out")
    return {tool: _build(tool, project, out / tool) for tool in ("mkdocs", "properdocs")}


def test_properdocs_builds_the_same_files_as_mkdocs(sites):
    assert sorted(sites["properdocs"]) == sorted(sites["mkdocs"])
    assert "briefings/visit/index.html" in sites["mkdocs"]
    assert "briefings/visit/agenda.ics" in sites["mkdocs"]


def _body(html: bytes) -> bytes:
    """A page without its head, which may name the program that built it."""
    return html[html.index(b"<body"):]


def test_properdocs_pages_and_exports_are_byte_identical_to_mkdocs(sites):
    different = []
    for path, content in sites["mkdocs"].items():
        other = sites["properdocs"][path]
        same = _body(other) == _body(content) if path.endswith(".html") else other == content
        if path != SEARCH_SCRIPT and not same:
            different.append(path)
    assert different == []


def test_both_builds_publish_the_exports_the_pipeline_makes(project, sites):
    config = load_config(str(project / "mkdocs.yml"))
    site = SiteInfo(config.site_name, config.site_url or None, config.site_description or None)
    exports = build(project / "content", project / "templates" / "pages", site).exports
    for files in sites.values():
        assert {path: files.get(path) for path in exports} == dict(exports)


def test_the_feed_is_announced_in_every_page_head(sites):
    for tool, files in sites.items():
        for path in ("index.html", "briefings/visit/agenda.html"):
            head = files[path].decode("utf-8").split("</head>")[0]
            href = "feed.atom" if path == "index.html" else "../../feed.atom"
            link = f'<link rel="alternate" type="application/atom+xml" title="Briefings" href="{href}">'
            assert link in head, tool
