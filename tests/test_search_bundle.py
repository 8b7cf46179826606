"""The search bundle: Pagefind indexes documents into `pagefind/`, whole or not at all, and a run
that is stopped leaves nothing behind."""

from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path

import pytest

from generator.mkdocs.search_bundle import BUNDLE_DIR, SearchBundle, SearchBundleError, write_bundle
from generator.pages.search import Stopped

DOCUMENTS = {
    "people/wang.html": '<!DOCTYPE html><html lang="en"><head><title>Wang</title></head><body>'
                        '<h1>Wang Wentao (王文涛)</h1><p>Minister.</p></body></html>',
    "talks.html": '<!DOCTYPE html><html lang="en"><head><title>Talks</title></head><body><h1>Talks</h1>'
                  '<section><h2 id="agenda-meeting">Meeting</h2><p>Wang Wentao (王文涛)</p></section></body></html>',
}


def _fragments(site: Path) -> list[dict]:
    return [json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
            for path in sorted((site / BUNDLE_DIR / "fragment").iterdir())]


def _ours(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.startswith("briefing-search-"))


def test_the_documents_are_indexed_into_the_bundle_and_only_the_runtime_is_kept(tmp_path):
    write_bundle(DOCUMENTS, tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == [BUNDLE_DIR]
    names = {path.name for path in (tmp_path / BUNDLE_DIR).iterdir()}
    assert {"pagefind.js", "pagefind-entry.json", "index", "fragment"} <= names
    assert not any(name.startswith("pagefind-ui") for name in names)
    fragments = {fragment["url"]: fragment for fragment in _fragments(tmp_path)}
    assert set(fragments) == {"/people/wang.html", "/talks.html"}
    assert fragments["/people/wang.html"]["meta"]["title"] == "Wang Wentao (王文涛)"
    assert [anchor["id"] for anchor in fragments["/talks.html"]["anchors"]] == ["agenda-meeting"]


def test_the_same_documents_give_the_same_bytes(tmp_path):
    for name in ("one", "two"):
        write_bundle(DOCUMENTS, tmp_path / name)
    one, two = ({path.relative_to(tmp_path / name): path.read_bytes()
                 for path in (tmp_path / name).rglob("*") if path.is_file()} for name in ("one", "two"))
    assert one == two


def test_a_failed_run_raises_and_leaves_the_last_bundle(tmp_path, monkeypatch):
    write_bundle(DOCUMENTS, tmp_path)
    before = sorted((tmp_path / BUNDLE_DIR).rglob("*"))
    monkeypatch.setattr("generator.mkdocs.search_bundle._OPTIONS", ("--no-such-option",))
    with pytest.raises(SearchBundleError, match="indexing the search documents failed"):
        write_bundle(DOCUMENTS, tmp_path)
    assert sorted((tmp_path / BUNDLE_DIR).rglob("*")) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == [BUNDLE_DIR]


def test_a_stopped_run_leaves_no_bundle_a_later_one_finishes_in_a_thread_and_close_removes_the_documents(
        tmp_path):
    temporary = Path(tempfile.gettempdir())
    already = _ours(temporary)
    bundle = SearchBundle()
    bundle.start(DOCUMENTS, tmp_path / "site", nice=True)
    bundle.finish_later()
    bundle.stop()
    assert not (tmp_path / "site" / BUNDLE_DIR).exists()
    bundle.start(DOCUMENTS, tmp_path / "site", nice=True)
    thread = bundle.finish_later()
    assert thread is not None
    thread.join()
    assert (tmp_path / "site" / BUNDLE_DIR / "pagefind.js").is_file()
    assert sorted(path.name for path in (tmp_path / "site").iterdir()) == [BUNDLE_DIR]
    bundle.close()
    assert _ours(temporary) == already


def test_a_run_writes_only_the_documents_that_changed_and_stops_when_asked(tmp_path):
    bundle = SearchBundle()
    site = tmp_path / "site"
    try:
        bundle.start(DOCUMENTS, site)
        bundle.wait()
        assert bundle.folder is not None
        folder = bundle.folder
        before = (folder / "people/wang.html").stat()
        changed = {**DOCUMENTS, "talks.html": DOCUMENTS["talks.html"].replace("Meeting", "Dinner")}
        bundle.start(changed, site)
        bundle.wait()
        after = (folder / "people/wang.html").stat()
        assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
        assert (folder / "talks.html").read_text(encoding="utf-8") == changed["talks.html"]
        talks = {fragment["url"]: fragment for fragment in _fragments(site)}["/talks.html"]
        assert [anchor["text"] for anchor in talks["anchors"]] == ["Dinner"]
        # A document gone from the site is gone from the folder, and from the bundle.
        bundle.start({"talks.html": changed["talks.html"]}, site)
        bundle.wait()
        assert sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*.html")) == ["talks.html"]
        assert [fragment["url"] for fragment in _fragments(site)] == ["/talks.html"]
        # Asked to stop, a run writes nothing more and starts no indexer; the bundle stays.
        with pytest.raises(Stopped):
            bundle.start(DOCUMENTS, site, stop=lambda: True)
        assert bundle.run is None
        assert [fragment["url"] for fragment in _fragments(site)] == ["/talks.html"]
        bundle.start(DOCUMENTS, site)
        bundle.wait()
        assert {fragment["url"] for fragment in _fragments(site)} == {"/people/wang.html", "/talks.html"}
    finally:
        bundle.close()
    assert not folder.exists()


def test_without_the_indexer_a_build_says_so_and_leaves_the_last_site(tmp_path, monkeypatch, caplog):
    from support import MINIMAL, build, leftovers, make_project, snapshot, write_content

    project = make_project(tmp_path / "project", write_content(tmp_path / "content", MINIMAL))
    assert build(project).exit_code == 0
    before = snapshot(project / "site")
    monkeypatch.setattr("pagefind.service.get_executable", lambda: None)
    result = build(project)
    assert result.exit_code != 0
    # MkDocs logs a plugin's error as its message (on the terminal), then the build fails.
    assert "build failed" in result.output and "Traceback" not in result.output
    assert any("the Pagefind binary is missing" in record.getMessage() for record in caplog.records)
    assert snapshot(project / "site") == before and leftovers(project) == []
