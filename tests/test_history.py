"""The content's git history as changes pages and feeds (generator/dataset/history.py)."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from generator.dataset import history as history_module
from generator.build import build
from generator.dataset.history import NO_GIT, describe_fields, read_history
from generator.read.parse import parse_yaml

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

# ---------------------------------------------------------------------------------------------
# The repository is untrusted input: its configuration, its commit messages and its blobs.

def _marker_program(tmp_path: Path, name: str) -> tuple[Path, Path]:
    """A program that leaves a file behind when run, and that file."""
    marker = tmp_path / f"{name}-ran"
    program = tmp_path / f"{name}.sh"
    program.write_text(f"#!/bin/sh\ntouch '{marker}'\nexit 1\n", encoding="utf-8")
    program.chmod(0o755)
    return program, marker


def _rev(repo: SimpleNamespace, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo.content), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


def _commit_object(repo: SimpleNamespace, text: str) -> str:
    """Write a commit object as given (headers and message) and make it the branch's head."""
    done = subprocess.run(["git", "-C", str(repo.content), "hash-object", "-t", "commit", "-w", "--stdin"],
                          input=text.encode("utf-8"), check=True, capture_output=True)
    commit = done.stdout.decode().strip()
    _git(repo.content.parent, "update-ref", "HEAD", commit)
    return commit


def test_a_signed_commit_runs_no_program_of_the_repositorys_config(repo: SimpleNamespace, tmp_path: Path):
    program, marker = _marker_program(tmp_path, "gpg")
    _edit(repo.content, "disputes.yml", lambda records: [{**records[0], "status": "unresolved"}] + records[1:])
    _git(repo.content.parent, "add", "-A")
    tree, parent = _rev(repo, "write-tree"), _rev(repo, "rev-parse", "HEAD")
    _commit_object(repo, f"tree {tree}\nparent {parent}\nauthor E <e@example.invalid> 1767268800 +0000\n"
                         "committer E <e@example.invalid> 1767268800 +0000\n"
                         "gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n"
                         "\nSigned\n")
    _git(repo.content.parent, "config", "log.showSignature", "true")
    _git(repo.content.parent, "config", "gpg.program", str(program))
    history = read_history(repo.content)
    assert history.available and history.revisions[0].message == "Signed" and not marker.exists()


def test_a_missing_object_fetches_nothing_from_a_promisor_remote(repo: SimpleNamespace, tmp_path: Path):
    program, marker = _marker_program(tmp_path, "ssh")
    for key, value in (("core.repositoryformatversion", "1"), ("extensions.partialClone", "origin"),
                       ("remote.origin.url", "ssh://example.invalid/content"), ("remote.origin.promisor", "true"),
                       ("core.sshCommand", str(program))):
        _git(repo.content.parent, "config", key, value)
    blob = _rev(repo, "rev-parse", f"HEAD:./briefings/{BRIEFING}/statements.yml")
    (repo.content.parent / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    read_history(repo.content)
    assert not marker.exists()


def test_git_variables_of_the_caller_are_ignored(repo: SimpleNamespace, monkeypatch):
    # As a hook exports them: relative to the repository's top, not to the content folder.
    monkeypatch.setenv("GIT_DIR", ".git")
    monkeypatch.setenv("GIT_WORK_TREE", ".")
    history = read_history(repo.content)
    assert history.available and len(history.revisions) == 3


def _edit_and_commit(repo: SimpleNamespace, message: str, day: int, status: str = "resolved") -> None:
    _edit(repo.content, "disputes.yml", lambda records: [{**records[0], "status": status}] + records[1:])
    _git(repo.content.parent, "commit", "-q", "-am", message, day=day)


def test_separators_in_a_subject_are_text(repo: SimpleNamespace):
    _edit_and_commit(repo, "One \x1e two \x1f three", day=4, status="unresolved")
    history = read_history(repo.content)
    assert [r.message for r in history.revisions][:2] == ["One two three", "Statement withdrawn"]


def test_a_forged_subject_cannot_show_another_branch(repo: SimpleNamespace):
    """A subject written as the old log format's separators named a commit of an unmerged branch
    as the parent to compare with: its values reached the feeds."""
    _git(repo.content.parent, "checkout", "-q", "-b", "embargo")
    _edit(repo.content, "disputes.yml", lambda records: [{**records[0], "ask": "EMBARGOED-WORDS"}] + records[1:])
    _git(repo.content.parent, "commit", "-q", "-am", "Not yet", day=4)
    secret = _rev(repo, "rev-parse", "HEAD")
    _git(repo.content.parent, "checkout", "-q", "-")
    head = _rev(repo, "rev-parse", "HEAD")
    _edit_and_commit(repo, f"x\x1e{head}\x1f{secret}\x1f2026-01-05T12:00:00+00:00\x1fforged", day=5,
                     status="unresolved")
    built = build(repo.content, TEMPLATES)
    assert not any(b"EMBARGOED" in text for text in built.exports.values())
    assert not any("EMBARGOED" in page.html for page in built.pages.values())
    assert [r.commit for r in read_history(repo.content).revisions].count(head) == 1


def test_subjects_lose_control_characters_and_are_cut(repo: SimpleNamespace):
    _edit_and_commit(repo, "Bell\x07 escape\x1b[2J \uffff" + "long " * 1000, day=4, status="unresolved")
    message = read_history(repo.content).revisions[0].message
    assert message.startswith("Bell escape[2J ") and len(message) <= 201 and message.endswith("…")
    built = build(repo.content, TEMPLATES)
    for feed in ("changes.atom", f"briefings/{BRIEFING}/changes.atom"):
        ET.fromstring(built.exports[feed])  # well-formed
        assert b"\x07" not in built.exports[feed] and b"\x1b" not in built.exports[feed]


def test_a_change_made_in_a_merge_commit_is_shown(repo: SimpleNamespace):
    _git(repo.content.parent, "checkout", "-q", "-b", "side")
    _edit(repo.content, "statements.yml", lambda records: records)  # no change on the side branch itself
    _edit_and_commit(repo, "Side: status", day=4, status="unresolved")
    _git(repo.content.parent, "checkout", "-q", "-")
    _git(repo.content.parent, "merge", "-q", "--no-ff", "--no-commit", "side", day=5)
    _edit(repo.content, "disputes.yml", lambda records: [{**records[0], "ask": "Settled in the merge"}] + records[1:])
    _git(repo.content.parent, "commit", "-q", "-am", "Merge side", day=5)
    history = read_history(repo.content).of_briefing(BRIEFING)
    merge = history.revisions[0]
    assert merge.message == "Merge side"
    [change] = merge.changes
    assert any(words.startswith("ask:") for words in change.fields)
    # The revisions shown end at what the site shows: each change once, on the main line.
    assert [r.message for r in history.revisions] == ["Merge side", "Statement withdrawn", "Dispute resolved",
                                                      "First <b>version</b>"]


def test_a_blob_over_the_limit_is_not_read_and_says_so(repo: SimpleNamespace, monkeypatch, caplog):
    monkeypatch.setattr(history_module, "MAX_BLOB_BYTES", 5_000)
    agenda = repo.content / "briefings" / BRIEFING / "agenda.yml"
    before = agenda.read_text(encoding="utf-8")
    agenda.write_text(before + "# " + "x" * 6_000 + "\n", encoding="utf-8")
    _git(repo.content.parent, "commit", "-q", "-am", "Large", day=4)
    agenda.write_text(before, encoding="utf-8")
    _git(repo.content.parent, "commit", "-q", "-am", "Small again", day=5)
    parsed = []
    monkeypatch.setattr(history_module, "parse_yaml", lambda text, *args: parsed.append(len(text)) or parse_yaml(text, *args))
    with caplog.at_level(logging.WARNING):
        history = read_history(repo.content).of_briefing(BRIEFING)
    assert parsed and max(parsed) < 5_000
    # Both revisions hold the large version, before or after: neither is compared, and both say so.
    for revision in history.revisions[:2]:
        assert [(c.record, c.action) for c in revision.changes] == [
            (f"briefings/{BRIEFING}/agenda.yml", "not compared: a version is larger than 5,000 bytes")]
    assert [r.message for r in history.revisions][:2] == ["Small again", "Large"]
    assert "larger than 5,000 bytes" in caplog.text


def test_each_blob_is_parsed_once_and_kept(repo: SimpleNamespace, monkeypatch):
    parsed = []
    monkeypatch.setattr(history_module, "parse_yaml", lambda text, *args: parsed.append(args[0]) or parse_yaml(text, *args))
    known: dict = {}
    first = read_history(repo.content, known=known)
    blobs = len(parsed)
    # Every file added, then two changed: each version of a file once.
    files = len(_rev(repo, "ls-files", "--", ".").split())
    assert blobs == files + 2
    assert read_history(repo.content, known=known) == first and len(parsed) == blobs


def test_long_lists_are_compared_in_linear_time():
    class Item:
        compared = 0

        def __init__(self, n: int) -> None:
            self.n = n

        def __eq__(self, other: object) -> bool:
            Item.compared += 1
            return isinstance(other, Item) and other.n == self.n

        def __hash__(self) -> int:
            return hash(self.n)

    old, new = [Item(n) for n in range(8_000)], [Item(n) for n in range(1, 8_001)]
    assert describe_fields({"items": old}, {"items": new}) == ("items: 1 item added; 1 item removed",)
    assert Item.compared < 5 * 8_000
