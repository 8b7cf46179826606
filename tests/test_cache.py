"""The caches kept between runs (generator/read/cache.py, generator/incremental/cache.py): parsed files, and a build's state; same results, less work."""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import stat
import threading

import orjson
import pytest
from click.testing import CliRunner

from generator.incremental import cache as state_cache, rebuild
from generator.read import cache
from generator.build import check_summary
from generator.incremental.cache import BuildStore
from generator.cli import main
from generator.read.cache import CACHE_VARIABLE, ParseStore
from generator.incremental.rebuild import Rebuilder
from generator.mkdocs.plugin import BriefingPlugin
from generator.dataset.track import MISSING

from support import ARCHIVE_CONTENT, ROOT, make_project, snapshot

TEMPLATES = ROOT / "templates" / "pages"


@pytest.fixture
def parses(monkeypatch, tmp_path_factory):
    """A fresh cache folder (outside the project), and the list of the paths that cache.ParseStore
    parses."""
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path_factory.mktemp("cache")))
    parsed: list[str] = []
    real = cache.parse_yaml

    def counting(text, path, kind, briefing=None):
        parsed.append(path)
        return real(text, path, kind, briefing)

    monkeypatch.setattr(cache, "parse_yaml", counting)
    return parsed


def _same(a, b) -> None:
    assert a.errors == b.errors
    assert a.notes == b.notes
    assert a.data == b.data


def test_a_second_check_parses_only_the_files_that_changed(content, parses):
    root = content()
    first = check_summary(root)
    files = len(parses)
    assert files == len(list(root.rglob("*.yml")))
    parses.clear()
    _same(check_summary(root), first)
    assert parses == []
    people = root / "people.yml"
    people.write_text(people.read_text(encoding="utf-8").replace("name: ", "name: Edited ", 1), encoding="utf-8")
    edited = check_summary(root)
    assert parses == ["content/people.yml"]
    assert edited.data is not None and edited.data != first.data


def test_problems_and_their_places_are_the_same_from_the_cache(content, parses):
    root = content({"people.yml": "- id: a\n  name: A\n  role: nobody\n- id: a\n  name: B\n",
                    "sources.yml": "- id: s\n  title: [unclosed\n"})
    first = check_summary(root)
    assert first.errors
    parses.clear()
    again = check_summary(root)
    _same(again, first)
    # A file that does not parse is parsed again each time: only documents are kept.
    assert parses == ["content/sources.yml"]


def test_values_json_cannot_carry_are_never_taken_from_the_cache(content, parses):
    root = content({"people.yml": "- id: a\n  name: A\n  big: 123456789012345678901234567890\n  far: 1.0e999\n"})
    first = check_summary(root)
    assert any("big" in e.message or "far" in e.message for e in first.errors)
    parses.clear()
    _same(check_summary(root), first)
    assert parses == ["content/people.yml"]


def test_a_damaged_cache_file_is_ignored_and_written_anew(content, parses):
    root = content()
    first = check_summary(root)
    store = ParseStore(root)
    assert store.file is not None and store.kept
    store.file.write_bytes(b'{"version": "' + store.version.encode() + b'", "entries": {"x": [1, 2')
    parses.clear()
    _same(check_summary(root), first)
    assert len(parses) == len(list(root.rglob("*.yml")))
    assert ParseStore(root).kept.keys() == store.kept.keys()


def test_an_entry_this_code_did_not_write_is_parsed_again(content, parses):
    root = content()
    first = check_summary(root)
    store = ParseStore(root)
    assert store.file is not None
    written = orjson.loads(store.file.read_bytes())
    written["entries"] = {key: ["not", "an entry"] for key in written["entries"]}
    store.file.write_bytes(orjson.dumps(written))
    parses.clear()
    _same(check_summary(root), first)
    assert len(parses) == len(list(root.rglob("*.yml")))


def test_off_means_no_cache_file(content, monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_VARIABLE, "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    root = content()
    assert ParseStore(root).file is None
    first = check_summary(root)
    _same(check_summary(root), first)
    assert not (tmp_path / "user-cache").exists()
    assert not any(p.name.endswith(".json") for p in tmp_path.rglob("*"))


def test_by_default_the_cache_is_in_the_users_cache_folder_not_the_project(content, monkeypatch,
                                                                           tmp_path_factory):
    monkeypatch.delenv(CACHE_VARIABLE, raising=False)
    user_cache = tmp_path_factory.mktemp("user-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(user_cache))
    root = content()
    check_summary(root)
    assert len(list((user_cache / "briefing-sites").glob("*.json"))) == 1
    assert not any(p.name.endswith(".json") for p in root.rglob("*"))


# The state of a build kept for the next (`briefing build --reuse`, cache.BuildStore). That a
# stored state rebuilds to what a full build makes, through a series of edits, is checked in
# tests/test_rebuild.py (its "stored" runs).

@pytest.fixture
def stored(content, monkeypatch, tmp_path_factory):
    """A BuildStore asked for, in a fresh cache folder, holding the state of a build of the
    minimal content; and that state."""
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path_factory.mktemp("cache")))
    root = content()
    state = Rebuilder(root, TEMPLATES)
    state.build()
    store = BuildStore(root, (root, TEMPLATES), wanted=True)
    store.save(state)
    assert store.file is not None and store.file.exists()
    return store, state


def test_a_stored_state_is_read_back_whole(stored):
    store, state = stored
    loaded = store.load()
    assert isinstance(loaded, Rebuilder) and loaded is not state
    assert loaded.last is not None and state.last is not None
    assert loaded.last.pages == state.last.pages
    assert loaded.build().pages == state.build().pages
    assert loaded.rendered == ()  # what it read is what it reads now: nothing is rendered again
    assert pickle.loads(pickle.dumps(MISSING)) is MISSING


def test_a_state_is_not_used_for_other_folders_or_settings(stored):
    store, _ = stored
    other = BuildStore(store.key[0], (store.key[0], TEMPLATES, "drafts"), wanted=True)
    assert other.file == store.file and other.load() is None


def test_a_state_written_by_other_code_is_not_used(stored, monkeypatch):
    store, _ = stored
    monkeypatch.setattr(state_cache, "_build_version", lambda: b"briefing build state 1\nother\n")
    assert store.load() is None


def test_a_damaged_state_is_not_used(stored):
    store, _ = stored
    assert store.file is not None
    whole = store.file.read_bytes()
    store.file.write_bytes(whole[: len(whole) // 2])
    assert store.load() is None
    store.file.write_bytes(whole[:-40] + b"\x00" * 40)
    assert store.load() is None


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="files have no owner here")
def test_a_state_that_someone_else_could_have_written_is_not_used(stored):
    store, _ = stored
    assert store.file is not None
    assert stat.S_IMODE(store.file.stat().st_mode) == 0o600
    assert store.load() is not None
    store.file.chmod(0o620)
    assert store.load() is None


def test_a_state_is_kept_only_when_asked_for_and_caching_is_on(content, monkeypatch, tmp_path_factory):
    root = content()
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path_factory.mktemp("cache")))
    assert BuildStore(root, root, wanted=False).file is None
    assert BuildStore(root, root, wanted=True).file is not None
    monkeypatch.setenv(CACHE_VARIABLE, "off")
    assert BuildStore(root, root, wanted=True).file is None


def test_a_build_with_reuse_renders_what_an_edit_touches_and_writes_the_site_a_full_build_writes(
        tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "cache"))
    rendered: list[str] = []
    real = rebuild.render_jobs

    def counting(env, jobs, **kwargs):
        rendered.extend(job[0] for job in jobs)
        return real(env, jobs, **kwargs)

    monkeypatch.setattr(rebuild, "render_jobs", counting)
    reused = make_project(tmp_path / "reused", ARCHIVE_CONTENT)
    plain = make_project(tmp_path / "plain", ARCHIVE_CONTENT)

    def built(project, *options):
        result = CliRunner().invoke(main, ["build", "-f", str(project / "mkdocs.yml"), *options])
        assert result.exit_code == 0, result.output
        return snapshot(project / "site")

    built(reused, "--reuse")
    pages = len(rendered)
    assert pages > 30
    assert list((tmp_path / "cache").glob("*.build"))
    for project in (reused, plain):
        people = project / "content" / "people.yml"
        people.write_text(people.read_text(encoding="utf-8").replace("name: Bo Envoy", "name: Bo En-voy"),
                          encoding="utf-8")
    rendered.clear()
    assert built(reused, "--reuse") == built(plain)
    # The person's page again, and no page that does not show them (the fixture's first briefing).
    assert "people/bo-envoy.md" in rendered and len(rendered) < pages
    assert not [path for path in rendered if path.startswith("briefings/visit/")]
    assert BriefingPlugin.asked == {}  # asked for one build only
    # Nothing changed: nothing is rendered, and the state kept is kept as it is (not written again).
    (state,) = (tmp_path / "cache").glob("*.build")
    written = state.stat().st_ino
    rendered.clear()
    assert built(reused, "--reuse") == built(plain)
    assert rendered == [] and state.stat().st_ino == written


# ---------------------------------------------------------------------------------------------
# A cache file is untrusted input: each one refused is ignored with a notice, never a traceback.

PLANTED = "Planted words"


def _planted(root, store: ParseStore) -> bytes:
    """A cache file, as this code writes it, whose entries put PLANTED into every person's name."""
    check_summary(root)
    written = orjson.loads(store.file.read_bytes())
    for entry in written["entries"].values():
        if isinstance(entry[0], list):
            for item in entry[0]:
                if isinstance(item, dict) and "name" in item:
                    item["name"] = PLANTED
    return orjson.dumps(written)


def _names(root) -> set:
    summary = check_summary(root)
    assert summary.data is not None
    return {person.name for person in summary.data.people.values()}


def test_a_cache_file_others_may_write_is_ignored_with_a_notice(content, parses, caplog):
    root = content()
    store = ParseStore(root)
    planted = _planted(root, store)
    store.file.write_bytes(planted)
    store.file.chmod(0o666)
    with caplog.at_level(logging.WARNING):
        assert PLANTED not in _names(root)
    assert "writable by others" in caplog.text and str(store.file) in caplog.text


def test_a_link_in_place_of_the_cache_file_is_not_followed(content, parses, caplog, tmp_path):
    root = content()
    store = ParseStore(root)
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_bytes(_planted(root, store))
    elsewhere.chmod(0o600)
    store.file.unlink()
    store.file.symlink_to(elsewhere)
    with caplog.at_level(logging.WARNING):
        assert PLANTED not in _names(root)
    assert "link" in caplog.text


def test_a_pipe_in_place_of_the_cache_file_is_not_read(content, parses, caplog):
    root = content()
    store = ParseStore(root)
    planted = _planted(root, store)
    store.file.unlink()
    os.mkfifo(store.file, 0o600)
    # A writer waits at the pipe: a reader that opened it would read the planted entries.
    writer = threading.Thread(target=_write_into, args=(store.file, planted), daemon=True)
    writer.start()
    try:
        with caplog.at_level(logging.WARNING):
            assert PLANTED not in _names(root)
        assert "not a regular file" in caplog.text
    finally:
        if writer.is_alive():  # let the writer go: open the pipe, and close it
            os.close(os.open(store.file, os.O_RDONLY | os.O_NONBLOCK))
        writer.join()


def _write_into(pipe, data: bytes) -> None:
    with contextlib.suppress(OSError), open(pipe, "wb") as out:
        out.write(data)


def test_an_entry_whose_places_do_not_fit_its_value_is_parsed_again(content, parses):
    root = content({"people.yml": "- id: a\n  name: A\n  role: nobody\n"})
    first = check_summary(root)
    assert first.errors
    store = ParseStore(root)
    written = orjson.loads(store.file.read_bytes())
    written["entries"] = {key: [entry[0], [], entry[2]] for key, entry in written["entries"].items()}
    store.file.write_bytes(orjson.dumps(written))
    parses.clear()
    _same(check_summary(root), first)
    assert len(parses) == len(list(root.rglob("*.yml")))


@pytest.mark.parametrize("where", ["project", "content"])
def test_a_cache_folder_inside_the_project_is_refused(where, content, monkeypatch, tmp_path, caplog):
    root = content()
    folder = tmp_path / ".cache" if where == "project" else root / ".cache"
    monkeypatch.setenv(CACHE_VARIABLE, str(folder))
    with caplog.at_level(logging.WARNING):
        assert ParseStore(root).file is None
        assert BuildStore(root, root, wanted=True).file is None
        check_summary(root)
    assert not folder.exists()
    assert "inside the project" in caplog.text
