"""Rebuilds equal full builds: after each edit of a series, what `Rebuilder.build` returns is byte
for byte what a fresh `build` of the same folders returns, and only the pages an edit touches
are rendered again."""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

from generator.build import Built, build
from generator.read.cache import CACHE_VARIABLE
from generator.errors import ContentErrors
from generator.read.parse import parse_yaml
from generator.check.validate import validate_entry
from generator.incremental import rebuild
from generator.incremental.rebuild import Rebuilder
from generator.mkdocs.saves import Ahead
from generator.pages.search import search_documents
from generator.dataset.track import Reads, TrackedMapping, same, track_globals

from support import ARCHIVE_CONTENT, ROOT

BRIEFING = "follow-up"
COPY = "follow-up-copy"


def read(path: Path):
    """A content file's plain value, read as the generator reads it (dates stay text)."""
    return parse_yaml(path.read_text(encoding="utf-8"), str(path), "any").data


def write(path: Path, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(value, allow_unicode=True, sort_keys=False), encoding="utf-8")


def edit(path: Path, change) -> None:
    """Change a content file's plain value in place with `change`."""
    value = read(path)
    change(value)
    write(path, value)


def by_id(records: list, rid: str) -> dict:
    return next(record for record in records if record["id"] == rid)


def assert_equal(rebuilt: Built, full: Built) -> None:
    """The same pages (path, title, description, HTML, place in the nav) in the same order, the
    same export files byte for byte, and the same search documents."""
    assert list(rebuilt.pages) == list(full.pages)
    for path, page in full.pages.items():
        assert rebuilt.pages[path] == page, path
    assert list(rebuilt.exports.items()) == list(full.exports.items())
    assert search_documents(rebuilt.data, rebuilt.pages) == search_documents(full.data, full.pages)


@pytest.fixture
def project(request, tmp_path, tmp_path_factory, monkeypatch):
    """Copies of the fixture archive and the page templates, and a Rebuilder of them, the same
    one throughout, as `briefing serve` keeps it. (`briefing build`, which starts from the build
    database instead, is tests/test_incremental.py's.) With the parameter "item by item", every
    list file is parsed and checked one item at a time, as a long one is."""
    if getattr(request, "param", None) == "item by item":
        monkeypatch.setattr(rebuild, "LONG_TEXT", 0)
    content, templates = tmp_path / "content", tmp_path / "templates"
    shutil.copytree(ARCHIVE_CONTENT, content)
    shutil.copytree(ROOT / "templates" / "pages", templates)
    state = Rebuilder(content, templates)
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path_factory.mktemp("cache")))

    def step(problems: bool = False):
        """Rebuild, and compare with a fresh full build (and the search documents as serve makes them);
        returns the Rebuilder. With `problems`, both must stop with the same problems, returned."""
        rebuilder = state
        if problems:
            with pytest.raises(ContentErrors) as stopped:
                rebuilder.build()
            with pytest.raises(ContentErrors) as full_stopped:
                build(content, templates)
            assert stopped.value.errors == full_stopped.value.errors
            return stopped.value.errors
        rebuilt, full = rebuilder.build(), build(content, templates)
        assert_equal(rebuilt, full)
        assert (rebuilder.search_documents(rebuilt.data, rebuilt.pages)
                == search_documents(full.data, full.pages))
        return rebuilder

    return content, templates, step


@pytest.mark.parametrize("project", ["whole files", "item by item"], indirect=True)
def test_a_series_of_edits_rebuilds_to_what_a_full_build_makes(project):
    content, templates, step = project
    folder = content / "briefings" / BRIEFING
    assert len(step().rendered) > 30  # the first build renders every page
    assert step().rendered == ()  # nothing changed, nothing rendered

    # A person renamed: their page, and the pages that name them.
    edit(content / "people.yml", lambda people: by_id(people, "li-minister").update(name="Li Min-ister"))
    rendered = step().rendered
    assert "people/li-minister.md" in rendered and f"briefings/{BRIEFING}/agenda.md" in rendered
    assert "people/ada-secretary.md" not in rendered

    # An agenda item removed.
    edit(folder / "agenda.yml", lambda agenda: agenda.remove(by_id(agenda, "dinner")))
    assert f"briefings/{BRIEFING}/agenda.md" in step().rendered

    # A briefing added (newer, so first on the home page and in the navigation).
    shutil.copytree(folder, content / "briefings" / COPY)
    edit(content / "briefings" / COPY / "briefing.yml",
         lambda briefing: briefing.update(title="A later visit", updated="2024-01-15"))
    assert f"briefings/{COPY}/index.md" in step().rendered

    # An edit inside one briefing leaves the other briefing's parts alone.
    edit(content / "briefings" / COPY / "agenda.yml",
         lambda agenda: agenda[0].update(summary="Edited: **a new summary**."))
    rendered = step().rendered
    assert f"briefings/{COPY}/agenda.md" in rendered
    assert f"briefings/{BRIEFING}/agenda.md" not in rendered
    assert f"briefings/{BRIEFING}/disputes.md" not in rendered
    assert "index.md" not in rendered  # the home page lists briefings, not their agendas (render.Listed)
    assert "sources/index.md" not in rendered  # the list of sources counts citations, it does not show them
    # Without its dates, the home page shows a briefing's first and last agenda weekday.
    edit(content / "briefings" / COPY / "briefing.yml", lambda briefing: [briefing.pop(k, None) for k in ("start", "end")])
    assert "index.md" in step().rendered
    edit(content / "briefings" / COPY / "agenda.yml",
         lambda agenda: (agenda[0].pop("date"), agenda[0].update(day="Sunday")))
    assert "index.md" in step().rendered

    # A source's paragraph described differently: every page citing it shows the new tooltip.
    edit(content / "sources.yml", lambda sources: sources[0]["paragraphs"][0].update(about="Another topic"))
    step()
    # A source renamed: its title shows in the footnotes of every page citing it (from a macro).
    edit(content / "sources.yml", lambda sources: by_id(sources, "follow-up-report").update(title="A renamed source"))
    assert f"briefings/{BRIEFING}/memo.md" in step().rendered
    # A source's address failed its check: each footnote of it leads to its archived copy, and says
    # so (fragments.py reads the link report through the page globals, so each such page is made again).
    (content / "link-report.yml").write_text("- source: article\n  url: https://example.org/news/visit\n"
                                             "  checked: '2024-01-10'\n  ok: false\n  problem: Not found\n",
                                             encoding="utf-8")
    rebuilder = step()
    failed = {path for path, page in rebuilder.last.pages.items() if "archived copy: the address failed" in page.html}
    assert failed and failed <= set(rebuilder.rendered)
    (content / "link-report.yml").unlink()
    assert failed <= set(step().rendered)

    # Templates changed: one imported by many pages, then one of a single kind of page.
    macros = templates / "_macros.html"
    text = macros.read_text(encoding="utf-8")
    assert "Sources" in text
    macros.write_text(text.replace("Sources", "Cited sources"), encoding="utf-8")
    assert f"briefings/{BRIEFING}/agenda.md" in step().rendered
    person = templates / "person.html"
    person.write_text(person.read_text(encoding="utf-8") + "<p>Edited template.</p>\n", encoding="utf-8")
    rendered = step().rendered
    assert "people/li-minister.md" in rendered and f"briefings/{BRIEFING}/agenda.md" not in rendered

    # The older briefing updated last: the order of briefings changes.
    edit(folder / "briefing.yml", lambda briefing: briefing.update(updated="2024-02-01"))
    step()

    # A record of a long list that fails the schema, then fixed: both builds report the same
    # problem, and the rebuild is whole again.
    people = (content / "people.yml").read_text(encoding="utf-8")
    edit(content / "people.yml", lambda found: by_id(found, "li-minister").update(nickname="Li"))
    assert any("nickname" in e.message for e in step(problems=True))
    (content / "people.yml").write_text(people, encoding="utf-8")
    step()

    # A person added, then a record pointing at them.
    edit(content / "people.yml", lambda people: people.append(
        {**copy.deepcopy(people[0]), "id": "new-person", "name": "A New Person"}))
    step()
    edit(folder / "agenda.yml", lambda agenda: agenda[0]["participants"].append("new-person"))
    assert "people/new-person.md" in step().rendered

    # A mistake stops both builds alike; the fix brings the rebuild back to a full build's pages.
    broken = (folder / "agenda.yml").read_text(encoding="utf-8")
    (folder / "agenda.yml").write_text(broken.replace("new-person", "no-such-person"), encoding="utf-8")
    step(problems=True)
    (folder / "agenda.yml").write_text(broken, encoding="utf-8")
    step()

    # The person removed while the unchanged agenda still names them: its folder is checked
    # again against the shared files as they are now, as a full check does.
    people = (content / "people.yml").read_text(encoding="utf-8")
    edit(content / "people.yml", lambda found: found.remove(by_id(found, "new-person")))
    assert any("new-person" in e.message for e in step(problems=True))
    (content / "people.yml").write_text(people, encoding="utf-8")
    step()

    # The added briefing deleted.
    shutil.rmtree(content / "briefings" / COPY)
    assert not any(path.startswith(f"briefings/{COPY}/") for path in step().last.pages)


def test_a_template_mistake_leaves_the_next_rebuild_whole(project):
    content, templates, step = project
    step()
    person = templates / "person.html"
    good = person.read_text(encoding="utf-8")
    person.write_text(good + "{{ record.no_such_field }}\n", encoding="utf-8")
    with pytest.raises(Exception):
        step()
    person.write_text(good, encoding="utf-8")
    edit(content / "people.yml", lambda people: people[0].update(name="Renamed"))
    step()


def test_tracked_globals_note_each_key_read_and_whole_mappings():
    data = {"people": {"a": 1, "b": 2}}
    reads = Reads({"people": data["people"], "order": (1, 2)})
    tracked = track_globals(reads.values, reads)
    assert isinstance(tracked["people"], TrackedMapping)
    assert tracked["people"]["a"] == 1 and "c" not in tracked["people"]
    assert reads.page() == {(("people",), ("key", "a")), (("people",), ("key", "c"))}
    assert len(tracked["people"]) == 2 and list(tracked["order"]) == [1, 2]
    assert reads.page() == {(("people",), ("all",)), (("order",), ("value",))}


@pytest.mark.parametrize("project", ["kept"], indirect=True)  # the objects of one process
def test_a_save_to_one_record_leaves_the_others_of_its_file_the_same_objects(project):
    content, _, step = project
    before = step().last.values["data"]
    edit(content / "people.yml", lambda people: by_id(people, "li-minister").update(name="Li Min-ister"))
    after = step().last.values["data"]
    assert after.people["li-minister"] is not before.people["li-minister"]
    assert after.people["li-minister"].name == "Li Min-ister"
    others = [pid for pid in before.people if pid != "li-minister"]
    assert others and all(after.people[pid] is before.people[pid] for pid in others)


@pytest.mark.parametrize("project", ["item by item"], indirect=True)
def test_a_save_to_a_long_list_parses_and_checks_only_the_item_it_changed(project, monkeypatch):
    content, _, step = project
    edit(content / "people.yml", lambda people: None)  # written as `edit` writes, once
    step()
    parsed, checked = [], []
    monkeypatch.setattr(rebuild, "parse_yaml", lambda text, *rest: parsed.append(text) or parse_yaml(text, *rest))
    monkeypatch.setattr(rebuild, "validate_entry", lambda doc, at, *rest: checked.append(at) or validate_entry(doc, at, *rest))
    edit(content / "people.yml", lambda people: by_id(people, "li-minister").update(name="Li Min-ister"))
    step()
    assert len(parsed) == 1 and "Li Min-ister" in parsed[0]
    people = read(content / "people.yml")
    assert checked == [(people.index(by_id(people, "li-minister")),)]


def test_same_tells_a_reordered_mapping_from_the_original():
    assert same({"a": 1, "b": 2}, {"a": 1, "b": 2})
    assert not same({"a": 1, "b": 2}, {"b": 2, "a": 1})
    assert not same((1,), (True,))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


SITEMAPS = ("sitemap.xml", "sitemap.xml.gz")


def sitemap_pages(sitemap: bytes) -> set[str]:
    return set(re.findall(r"<loc>([^<]*)</loc>", sitemap.decode("utf-8")))


def test_dirty_serve_builds_write_what_a_full_build_writes_and_only_what_changed(tmp_path, monkeypatch):
    """MkDocs' builds as `briefing serve` runs them (dirty, the plugin kept across builds) leave
    the same site folder as a fresh `mkdocs build` after each edit, and rewrite only changed files.
    After a save MkDocs is given only the pages to redo and those of the navigation, so the
    preview's sitemap lists those only; a build that changes the navigation gives it all."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    import support

    project = support.make_project(tmp_path / "project", support.ARCHIVE_CONTENT,
                                   site_url="https://briefings.example.org/")
    monkeypatch.chdir(project)
    content, served, extra = project / "content", tmp_path / "served", project / "docs" / "extra.md"
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("not_in_nav: extra.md\n")
    extra.write_text("# Extra\n", encoding="utf-8")
    first = load_config(str(project / "mkdocs.yml"), site_dir=str(served))
    first.plugins.on_startup(command="serve", dirty=True)
    plugin = first.plugins["briefing"]
    # As `briefing serve` does, a save's build is begun as soon as the save is seen (saves.Ahead).
    plugin.ahead = Ahead()
    builders: list[str] = []
    rebuild = Rebuilder.build

    def counted(self: Rebuilder, **kwargs) -> Built:
        builders.append(threading.current_thread().name)
        return rebuild(self, **kwargs)

    monkeypatch.setattr(Rebuilder, "build", counted)
    times: dict[str, int] = {}

    def step(*, whole: bool, ahead: bool = True) -> set[str]:
        """A dirty build and a fresh full build; the files the dirty build wrote. With `ahead`,
        the save is told first, and the dirty build must take the work done for it."""
        builders.clear()
        if ahead:
            plugin.ahead.saved()  # as the save signal does
        mkdocs_build(load_config(str(project / "mkdocs.yml"), site_dir=str(served)), dirty=True)
        assert builders == (["briefing-ahead"] if ahead else [threading.current_thread().name])
        plugin.indexed()  # the export files and the search bundle follow a save's pages
        # In another process: this one's MkDocs hands every build the same plugin object.
        fresh = tmp_path / "fresh"
        subprocess.run([str(Path(sys.executable).with_name("mkdocs")), "build", "--quiet", "--site-dir", str(fresh)],
                       cwd=project, check=True)
        got, want = snapshot(served), snapshot(fresh)
        assert sitemap_pages(got["sitemap.xml"]) <= sitemap_pages(want["sitemap.xml"])
        assert (got["sitemap.xml"] == want["sitemap.xml"]) == whole
        for name in SITEMAPS:
            got.pop(name), want.pop(name)
        assert got == want
        now = {path.relative_to(served).as_posix(): path.stat().st_mtime_ns
               for path in served.rglob("*") if path.is_file()}
        written = {path for path, mtime in now.items() if times.get(path) != mtime} - set(SITEMAPS)
        times.clear()
        times.update(now)
        return written

    try:
        step(whole=True, ahead=False)
        edit(content / "people.yml", lambda people: by_id(people, "li-minister").update(name="Li Min-ister"))
        written = step(whole=False)
        assert "people/li-minister.html" in written and "people/ada-secretary.html" not in written
        assert "data/people.csv" in written and "data/sources.csv" not in written
        shutil.copytree(content / "briefings" / BRIEFING, content / "briefings" / COPY)
        edit(content / "briefings" / COPY / "briefing.yml",
             lambda briefing: briefing.update(title="A later visit", updated="2024-01-15"))
        assert "people/ada-secretary.html" in step(whole=True)  # the navigation changed: every page again
        edit(content / "briefings" / COPY / "agenda.yml", lambda agenda: agenda.pop())
        step(whole=False)
        shutil.rmtree(content / "briefings" / COPY)
        step(whole=True, ahead=False)
        assert not (served / "briefings" / COPY).exists() or not any((served / "briefings" / COPY).rglob("*.html"))
        edit(content / "people.yml", lambda people: by_id(people, "li-minister").update(name="Li Minister"))
        extra.write_text("# Extra\n\nSee [Li Minister](people/li-minister.md).\n", encoding="utf-8")
        os.utime(extra, (extra.stat().st_atime, extra.stat().st_mtime + 5))
        assert "extra.html" in step(whole=True)  # a page of docs/ changed: its links are checked against all
    finally:
        first.plugins.on_shutdown()
