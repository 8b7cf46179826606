"""The cache of parsed files kept between runs (generator/cache.py): same results, less parsing."""

from __future__ import annotations

import orjson
import pytest

from generator import cache
from generator.build import check_summary
from generator.cache import CACHE_VARIABLE, ParseStore


@pytest.fixture
def parses(monkeypatch, tmp_path):
    """A fresh cache folder, and the list of the paths that cache.ParseStore parses."""
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "cache"))
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


def test_by_default_the_cache_is_in_the_users_cache_folder_not_the_project(content, monkeypatch, tmp_path):
    monkeypatch.delenv(CACHE_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    root = content()
    check_summary(root)
    assert len(list((tmp_path / "user-cache" / "briefing-sites").glob("*.json"))) == 1
    assert not any(p.name.endswith(".json") for p in root.rglob("*"))
