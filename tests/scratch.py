"""Scratch projects for tests: the repository's mkdocs.yml and templates, with content written from dicts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import siteproject
from conftest import ROOT


def _cite(para: int | None = 1) -> list[dict[str, Any]]:
    return [{"source": "report", "para": para} if para else {"source": "report"}]


# A small, valid content tree: one source, two people, one organisation, one briefing.
CONTENT: dict[str, Any] = {
    "sources.yml": [{
        "id": "report", "title": "A news report", "publisher": "The Daily", "kind": "news-report",
        "date": "2024-03-01",
        "paragraphs": [{"n": 1, "about": "the visit"}, {"n": 2, "about": "the talks"}],
    }],
    "organizations.yml": [{
        "id": "ministry", "name": "Ministry of Trade", "kind": "ministry", "country": "FR",
        "sources": _cite(),
    }],
    "people.yml": [
        {"id": "ada-lovelace", "name": "Ada Lovelace", "country": "GB",
         "roles": [{"title": "Envoy", "sources": _cite()}], "sources": _cite()},
        {"id": "blaise-pascal", "name": "Blaise Pascal", "country": "FR",
         "roles": [{"title": "Minister", "organization": "ministry", "sources": _cite()}], "sources": _cite()},
    ],
    "briefings/paris-talks/briefing.yml": {
        "title": "Paris talks", "places": [{"city": "Paris", "country": "FR"}], "status": "concluded",
        "updated": "2024-03-02", "principals": ["ada-lovelace"], "summary": "Two envoys met.",
        "sources": _cite(),
    },
    "briefings/paris-talks/agenda.yml": [{
        "id": "meeting", "title": "First meeting", "day": "Friday", "city": "Paris", "kind": "meeting",
        "status": "happened", "participants": ["ada-lovelace", "blaise-pascal"],
        "summary": "They met.", "sources": _cite(2),
    }],
    "briefings/paris-talks/disputes.yml": [{
        "id": "tariffs", "title": "Tariffs on cheese", "category": "tariffs", "raised_by": ["ministry"],
        "description": "The ministry objected.", "status": "raised", "sources": _cite(),
    }],
}


def make_project(root: Path, files: dict[str, Any] | None = None, *, copy_content: bool = False) -> Path:
    """A project in `root` like the repository's, with the files given (CONTENT by default) as its
    content, or with `copy_content` the repository's own example content."""
    return siteproject.make_project(root, ROOT / "content" if copy_content else
                                    (CONTENT if files is None else files))
