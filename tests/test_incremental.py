"""Every `briefing build` starts from the last one (generator/incremental/update.py, state.py):
after any change, to the content, the code, a template or a setting, its site is byte for byte
the site of a clean build (`--clean`, in a project of its own), and it renders fewer pages when
the change touches fewer."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import export
from generator.cli import main
from generator.mkdocs.plugin import BriefingPlugin
from generator.incremental.state import documents_folder
from generator.read.cache import CACHE_VARIABLE, cache_file

from support import ARCHIVE_CONTENT, ROOT, make_project, snapshot

RENDERED = re.compile(r"built \d+ pages? into .*?(?: \((\d+) rendered anew|$)", re.M)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


class Pair:
    """Two copies of a project: one built by plain `briefing build` after each change, one by
    `briefing build --clean`."""

    def __init__(self, tmp_path: Path) -> None:
        self.kept = make_project(tmp_path / "kept", ARCHIVE_CONTENT)
        self.clean = make_project(tmp_path / "clean", ARCHIVE_CONTENT)

    def edit(self, name: str, old: str, new: str) -> None:
        for project in (self.kept, self.clean):
            _edit(project / name, old, new)

    def build(self) -> int | None:
        """Build both and compare their sites; how many pages the plain build rendered (None: all)."""
        rendered = _build(self.kept)
        _build(self.clean, "--clean")
        assert snapshot(self.kept / "site") == snapshot(self.clean / "site")
        return rendered


def _build(project: Path, *options: str) -> int | None:
    result = CliRunner().invoke(main, ["build", "-f", str(project / "mkdocs.yml"), *options])
    assert result.exit_code == 0, result.output
    found = RENDERED.search(result.output)
    assert found, result.output
    return int(found.group(1)) if found.group(1) else None


@pytest.fixture
def pair(tmp_path, monkeypatch) -> Pair:
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "cache"))
    found = Pair(tmp_path)
    assert found.build() is None  # the first build renders every page
    return found


CONTENT_EDITS = [
    # (file, old, new): one record of a briefing; a shared person; a shared source; a shared event
    ("content/briefings/visit/agenda.yml", "title: Talks with the Minister", "title: Talks with the Trade Minister"),
    ("content/people.yml", "name: Bo Envoy", "name: Bo En-voy"),
    ("content/sources.yml", "title: ", "title: Revised, "),
    ("content/events.yml", "title: ", "title: Renamed, "),
    # a participant added to an agenda item: the person's pages must show it
    ("content/briefings/visit/agenda.yml", "    - li-minister\n", "    - li-minister\n    - bo-envoy\n"),
]


def test_edits_one_after_another_build_the_site_a_clean_build_writes(pair):
    for name, old, new in CONTENT_EDITS[:2]:
        pair.edit(name, old, new)
        rendered = pair.build()
        assert rendered is not None and rendered > 0
    assert pair.build() == 0  # nothing changed: nothing is rendered
    assert BriefingPlugin.asked == {} and BriefingPlugin.previous_site is None  # asked for one build only


def test_with_a_site_address_the_sitemap_lists_every_page_after_an_edit(tmp_path, monkeypatch):
    """With site_url set, MkDocs is given every page, kept or not: its sitemap lists them all."""
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "cache"))
    pair = Pair(tmp_path)
    for project in (pair.kept, pair.clean):
        config = project / "mkdocs.yml"
        config.write_text(config.read_text(encoding="utf-8") + "site_url: https://example.org/briefings/\n",
                          encoding="utf-8")
    pair.build()
    pair.edit(*CONTENT_EDITS[0])
    assert pair.build() is not None
    sitemap = (pair.kept / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count("<loc>") == len(list((pair.kept / "site").rglob("*.html"))) - 2  # not 404, search


def _documents(project: Path) -> dict[str, int]:
    """The search documents kept beside the build database: when each one was written, by path."""
    folder = documents_folder(project / "content")
    assert folder is not None
    return {path.relative_to(folder).as_posix(): path.stat().st_mtime_ns for path in folder.rglob("*.html")}


def test_an_edit_renders_only_the_pages_it_touches_and_makes_only_their_search_documents_and_rows(
        pair, monkeypatch):
    pages = len(list((pair.kept / "site").rglob("*.html")))
    before = _documents(pair.kept)
    assert len(before) > pages / 2
    pair.edit(*CONTENT_EDITS[0])
    # The CSV rows of every other group of records are the last site's (update.KeptExports).
    made: list[tuple[str, str | None]] = []
    csv_parts = export._csv_parts

    def counted(collection, entries):
        made.append((collection.name, entries[0].briefing if entries else None))
        return csv_parts(collection, entries)

    with monkeypatch.context() as patched:
        patched.setattr(export, "_csv_parts", counted)
        rendered = _build(pair.kept)
    _build(pair.clean, "--clean")
    assert snapshot(pair.kept / "site") == snapshot(pair.clean / "site")
    assert made and {briefing for _, briefing in made} == {"visit"}
    assert rendered is not None and 0 < rendered < pages / 2
    after = _documents(pair.kept)
    assert after.keys() == before.keys()
    written = {path for path in after if after[path] != before[path]}
    assert "briefings/visit/agenda.html" in written and len(written) <= rendered


@pytest.mark.parametrize("edit", CONTENT_EDITS[2:5], ids=["source", "event", "participant"])
def test_shared_records_and_references(pair, edit):
    pair.edit(*edit)
    pair.build()


def test_records_reordered_and_a_briefing_removed(pair):
    people = pair.kept / "content" / "people.yml"
    first, _, rest = people.read_text(encoding="utf-8").partition("- id: li-minister")
    reordered = "- id: li-minister" + rest.rstrip("\n") + "\n" + first
    for project in (pair.kept, pair.clean):
        (project / "content" / "people.yml").write_text(reordered, encoding="utf-8")
    pair.build()
    pair.edit("content/briefings/follow-up/briefing.yml", "events: [visit, chip-rules, trade-forum]",
              "events: [chip-rules, trade-forum]")
    for project in (pair.kept, pair.clean):
        shutil.rmtree(project / "content" / "briefings" / "visit")
    pair.build()
    assert not (pair.kept / "site" / "briefings" / "visit").exists()


def test_the_last_site_is_never_written_to(pair, tmp_path):
    site = pair.kept / "site"
    before = snapshot(site)
    # Another name for every file of the last site: its files stay on disk as they were.
    held = tmp_path / "held"
    shutil.copytree(site, held, copy_function=os.link)
    pair.edit(*CONTENT_EDITS[0])
    pair.build()
    assert snapshot(held) == before


def test_a_damaged_database_or_a_changed_output_is_a_build_from_what_is_there(pair):
    database = cache_file(pair.kept / "content", ".sqlite")
    assert database is not None and database.exists()
    database.write_bytes(b"not a database" * 100)
    assert pair.build() is None  # everything rendered anew
    page = next((pair.kept / "site" / "people").glob("*.html"))
    page.write_text("edited by hand", encoding="utf-8")
    assert pair.build() == 1
    assert page.read_text(encoding="utf-8") != "edited by hand"


def test_a_change_to_the_code_a_template_or_a_setting_builds_what_a_clean_build_does(tmp_path):
    """A copy of the package, imported before the installed one, so that its modules can be edited."""
    package = tmp_path / "package"
    shutil.copytree(ROOT / "generator", package / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    kept = make_project(tmp_path / "kept", ARCHIVE_CONTENT)
    clean = make_project(tmp_path / "clean", ARCHIVE_CONTENT)
    env = {**os.environ, "PYTHONPATH": str(package), CACHE_VARIABLE: str(tmp_path / "cache")}

    def built(project: Path, *options: str) -> dict:
        subprocess.run([sys.executable, "-c", "from generator.cli import main; main()", "build",
                        "-f", str(project / "mkdocs.yml"), *options], env=env, cwd=tmp_path, check=True, capture_output=True)
        return snapshot(project / "site")

    def compare() -> None:
        assert built(kept) == built(clean, "--clean")

    compare()
    # A module of a subpackage: the description of an export, shown on the data page.
    _edit(package / "generator" / "export" / "__init__.py", "One row per citation:", "One row for each citation:")
    compare()
    assert "One row for each citation" in (kept / "site" / "data" / "index.html").read_text(encoding="utf-8")
    # A page template, in each project.
    for project in (kept, clean):
        template = project / "templates" / "pages" / "person.html"
        _edit(template, "{%", "{# an edit #}{%")
        template.write_text(template.read_text(encoding="utf-8").replace("</h1>", " (edited)</h1>", 1),
                            encoding="utf-8")
    compare()
    # A setting of mkdocs.yml.
    for project in (kept, clean):
        _edit(project / "mkdocs.yml", "site_name: Briefings", "site_name: Briefings of the archive")
    compare()
    assert "Briefings of the archive" in (kept / "site" / "index.html").read_text(encoding="utf-8")
