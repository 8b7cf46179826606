"""Shared fixtures: small content trees written from text or dicts inside each test."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent

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
