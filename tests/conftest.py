"""Shared fixtures: content trees written inside each test, and the fixture archive's site built once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings
from playwright.sync_api import sync_playwright

from generator.read.cache import CACHE_VARIABLE

from support import (ARCHIVE_CONTENT, CHROMIUM, CHROMIUM_ARGS, MINIMAL, MISSING_TOOLS, build_site, served,
                     write_content)

# CI runs the property tests on the same examples every time: a failure there is a defect of the
# code, never the luck of the draw. Locally they explore new examples on each run.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session", autouse=True)
def parse_cache(tmp_path_factory):
    """Every check and build of the tests, in this process and in the commands it runs, keeps its
    parses in a cache of the session's own (see generator/read/cache.py): never the user's, and every
    test passes through the cache as a real run does."""
    folder = tmp_path_factory.mktemp("parse-cache")
    before = os.environ.get(CACHE_VARIABLE)
    os.environ[CACHE_VARIABLE] = str(folder)
    yield folder
    if before is None:
        os.environ.pop(CACHE_VARIABLE, None)
    else:
        os.environ[CACHE_VARIABLE] = before


@pytest.fixture
def content(tmp_path, monkeypatch):
    """A function writing the minimal content under tmp/content, with files replaced, added or
    (as None) removed.

    The working folder is tmp, so errors read `content/...` as they do in a real project.
    """
    monkeypatch.chdir(tmp_path)

    def make(files: dict[str, object] | None = None) -> Path:
        tree = {**MINIMAL, **(files or {})}
        return write_content(tmp_path / "content", {k: v for k, v in tree.items() if v is not None})

    return make


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The fixture archive's site (tests/fixtures/archive) with a site_url, built once for the session."""
    return build_site(tmp_path_factory.mktemp("site") / "project", ARCHIVE_CONTENT,
                      site_url="https://briefings.example.org/")


@pytest.fixture(scope="session")
def site_url(built_site: Path):
    """The built site, served on a free loopback port for the session."""
    with served(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium for the session (test_browser.py, test_reader_layout.py)."""
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: {MISSING_TOOLS}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
