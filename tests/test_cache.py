"""The cache of parsed files kept between runs (generator/read/cache.py): same results, less work.
(The build database kept beside it: tests/test_incremental.py.)"""

from __future__ import annotations

import contextlib
import logging
import os
import threading

import orjson
import pytest

from generator.read import cache
from generator.build import check_summary
from generator.read.cache import CACHE_VARIABLE, ParseStore, cache_file
from generator.read.parse import MAX_DEPTH


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


def test_an_entry_deeper_than_parsing_allows_is_parsed_again(content, parses):
    root = content({"people.yml": "- id: a\n  name: A\n  role: nobody\n"})
    first = check_summary(root)
    store = ParseStore(root)
    written = orjson.loads(store.file.read_bytes())
    deep: list = []
    for _ in range(MAX_DEPTH + 5):
        deep = [deep]
    places = MAX_DEPTH + 6  # one per list, each holding the next
    written["entries"] = {key: [deep, [0] * places, []] for key in written["entries"]}
    store.file.write_bytes(orjson.dumps(written))
    parses.clear()
    _same(check_summary(root), first)
    assert len(parses) == len(list(root.rglob("*.yml")))
    assert cache._places([[1, {"a": [2]}], {}]) == 8  # three lists, two mappings, one key, two numbers


@pytest.mark.parametrize("where", ["project", "content"])
def test_a_cache_folder_inside_the_project_is_refused(where, content, monkeypatch, tmp_path, caplog):
    root = content()
    folder = tmp_path / ".cache" if where == "project" else root / ".cache"
    monkeypatch.setenv(CACHE_VARIABLE, str(folder))
    with caplog.at_level(logging.WARNING):
        assert ParseStore(root).file is None
        assert cache_file(root, ".sqlite") is None
        check_summary(root)
    assert not folder.exists()
    assert "inside the project" in caplog.text
