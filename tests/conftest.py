"""Shared fixtures: content trees written inside each test, and the example site built once."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import EXAMPLE_CONTENT, MINIMAL, build_site, write_content


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
    """The example site with a site_url, built once for the session."""
    return build_site(tmp_path_factory.mktemp("site") / "project", EXAMPLE_CONTENT,
                      site_url="https://briefings.example.org/")
