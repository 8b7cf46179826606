"""The content's git history as changes pages and feeds (generator/dataset/history.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from generator.build import build
from generator.dataset.history import NO_GIT, describe_fields, read_history

from support import FIXTURE_CONTENT, ROOT

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
TEMPLATES = ROOT / "templates" / "pages"
BRIEFING = "visit"


def _git(repo: SimpleNamespace, *args: str, day: int = 1) -> None:
    # Fixed names and dates: the history, and so the pages, are the same on every run.
    date = f"2026-01-0{day}T12:00:00+00:00"
    env = {**os.environ, "GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "e@example.invalid",
           "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "e@example.invalid",
           "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo)}
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def _edit(content: Path, name: str, change) -> None:
    path = content / "briefings" / BRIEFING / name
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump(change(records), allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> SimpleNamespace:
    """The fixture content in a git repository with three revisions: the first, a dispute's
    status changed, a statement removed."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "First <b>version</b>", "-m", "Readers: The first <b>account</b>.", day=1)
    disputes = yaml.safe_load((content / "briefings" / BRIEFING / "disputes.yml").read_text(encoding="utf-8"))
    first = disputes[0]
    _edit(content, "disputes.yml", lambda records: [{**r, "status": "resolved"} if r is records[0] else r
                                                    for r in records])
    _git(tmp_path, "commit", "-q", "-am", "Dispute resolved",
         "-m", "Fixes the status.\n\nCorrection: the concern was resolved.", day=2)
    statements = yaml.safe_load((content / "briefings" / BRIEFING / "statements.yml").read_text(encoding="utf-8"))
    _edit(content, "statements.yml", lambda records: records[:-1])
    _git(tmp_path, "commit", "-q", "-am", "Statement withdrawn", day=3)
    return SimpleNamespace(content=content, first_dispute=(first["id"], first["status"]), removed=statements[-1]["id"])


def test_three_revisions_in_words(repo: SimpleNamespace):
    history = read_history(repo.content).of_briefing(BRIEFING)
    assert [r.message for r in history.revisions] == ["Statement withdrawn", "Dispute resolved", "First <b>version</b>"]
    assert [r.date for r in history.revisions] == [f"2026-01-0{d}T12:00:00+00:00" for d in (3, 2, 1)]
    assert [(r.note, r.correction) for r in history.revisions] == [
        ("", False), ("the concern was resolved.", True), ("The first <b>account</b>.", False)]
    assert [r.anchor for r in history.revisions] == [f"rev-2026-01-0{d}" for d in (3, 2, 1)]
    removed, = history.revisions[0].changes
    assert (removed.kind, removed.record, removed.action) == ("statement", repo.removed, "removed")
    changed, = history.revisions[1].changes
    dispute, status = repo.first_dispute
    assert (changed.record, changed.action, changed.fields) == (dispute, "changed", (f"status: {status} → resolved",))
    assert all(c.action == "added" for c in history.revisions[2].changes)


def test_page_and_feeds(repo: SimpleNamespace):
    built = build(repo.content, TEMPLATES)
    page = built.pages[f"briefings/{BRIEFING}/changes.md"].html
    dispute, status = repo.first_dispute
    # For readers: dates in words, notes marked for readers, records by title; no commit
    # message, commit id or record id.
    assert "Statement withdrawn" not in page and "Dispute resolved" not in page and "Fixes" not in page
    assert "1 January 2026" in page and "2 January 2026</time>: correction</h2>" in page
    assert "<p>the concern was resolved.</p>" in page
    assert f"status: {status} → resolved" in page
    assert "The first &lt;b&gt;account&lt;/b&gt;." in page and "<b>account" not in page
    assert not any(r.commit[:7] in page for r in read_history(repo.content).revisions)
    assert "Statement “" in page and f"<code>{repo.removed}</code>" not in page
    assert 'href="changes.html"' in built.pages[f"briefings/{BRIEFING}/agenda.md"].html
    for feed in (f"briefings/{BRIEFING}/changes.atom", "changes.atom"):
        text = built.exports[feed].decode()
        assert text.count("<entry>") == 3 and f"status: {status} → resolved" in text
        assert "The first &lt;b&gt;account&lt;/b&gt;." in text and "<title>Updated 3 January 2026</title>" in text
        assert "<title>Correction: the concern was resolved.</title>" in text
    again = build(repo.content, TEMPLATES)
    assert again.exports == built.exports
    assert {p: v.html for p, v in again.pages.items()} == {p: v.html for p, v in built.pages.items()}


def test_shallow_clone_shows_what_is_there(repo: SimpleNamespace, tmp_path: Path):
    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", "--depth", "2", f"file://{repo.content.parent}", str(clone))
    history = read_history(clone / "content").of_briefing(BRIEFING)
    assert [r.message for r in history.revisions] == ["Statement withdrawn", "Dispute resolved"]
    assert not history.revisions[1].complete and history.revisions[1].changes == ()


def test_without_git_a_sentence(tmp_path: Path):
    content = shutil.copytree(FIXTURE_CONTENT, tmp_path / "content")
    assert read_history(content).note == NO_GIT
    built = build(content, TEMPLATES)
    assert NO_GIT.replace(",", "") in built.pages[f"briefings/{BRIEFING}/changes.md"].html.replace(",", "")
    assert b"<entry>" not in built.exports["changes.atom"]


def test_fields_in_words():
    assert describe_fields({"status": "planned", "people": ["a"], "text": "x" * 100},
                           {"status": "happened", "people": ["a", "b"], "text": "y" * 100, "note": "n"}) == (
        "note: added (n)", "people: added b", "status: planned → happened", "text: reworded")


def test_a_citation_in_the_history_is_named_by_its_sources_title(repo: SimpleNamespace):
    _edit(repo.content, "agenda.yml", lambda records: [{**records[0], "sources": [*records[0]["sources"],
                                                                                  {"source": "readout"}]},
                                                        *records[1:]])
    _git(repo.content.parent, "commit", "-q", "-am", "Readout cited", day=4)
    page = build(repo.content, TEMPLATES).pages[f"briefings/{BRIEFING}/changes.md"].html
    assert "citation added: Readout of the talks" in page


def test_citations_are_named_by_their_source_and_editors_notes_never_told():
    names = {"readout": "Readout of the talks", "article": "The article"}
    role = {"title": "Commerce Secretary", "sources": [{"source": "article", "para": 1}]}
    with_readout = {**role, "sources": [*role["sources"], {"source": "readout"}]}
    assert describe_fields({"roles": [role], "editor_note": "check", "sources": [{"source": "article"}]},
                           {"roles": [with_readout], "editor_note": "checked", "draft": True,
                            "sources": [{"source": "article", "quote": "a few words"}]}, names) == (
        "role ‘Commerce Secretary’: citation added: Readout of the talks", "citation of The article changed")
    assert describe_fields({"editor_note": "a"}, {}) == ()
    steps = [{"text": "Meet again.", "sources": [{"source": "article"}]}]
    assert describe_fields({"next_steps": steps}, {"next_steps": steps + [{"text": "Write.", "sources": []}]}) == (
        "next step added: ‘Write.’",)


def test_a_revision_that_changes_only_an_editors_note_is_not_shown(repo: SimpleNamespace):
    _edit(repo.content, "agenda.yml", lambda records: [{**records[0], "editor_note": "Check the date."},
                                                        *records[1:]])
    _git(repo.content.parent, "commit", "-q", "-am", "Note for the desk", day=4)
    history = read_history(repo.content)
    assert [r.date[:10] for r in history.revisions] == ["2026-01-03", "2026-01-02", "2026-01-01"]
