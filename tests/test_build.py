"""Whole builds through MkDocs with the plugin: `briefing build` on a small project."""

from __future__ import annotations

from click.testing import CliRunner

from generator.cli import main

from conftest import ROOT

from siteproject import copy_site_files


def _project(tmp_path, content):
    content()  # writes tmp_path/content and makes tmp_path the working folder
    return copy_site_files(tmp_path)


def test_build_writes_the_site_with_a_short_nav(tmp_path, content):
    project = _project(tmp_path, content)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("built ")
    site = project / "site"
    for page in ("index.html", "briefings/visit/index.html", "briefings/visit/agenda.html",
                 "people/wang-wentao.html", "organizations/mofcom.html", "sources/article.html"):
        assert (site / page).is_file(), page
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "A visit" in home
    # Record pages are reached from index pages, not listed in every page's navigation.
    person = (site / "people" / "wang-wentao.html").read_text(encoding="utf-8")
    assert "organizations/mofcom.html" in person or "Wang Wentao" in person
    assert not list(tmp_path.glob(".site-*"))


def test_content_error_stops_the_build_and_keeps_the_old_site(tmp_path, content):
    project = _project(tmp_path, content)
    assert CliRunner().invoke(main, ["build"]).exit_code == 0
    before = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    people = (project / "content" / "people.yml").read_text(encoding="utf-8")
    (project / "content" / "people.yml").write_text(people.replace("name: Wang Wentao", "name: 12"),
                                                  encoding="utf-8")
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1
    assert "content/people.yml:" in result.output and "should be text, not the number 12" in result.output
    assert "Traceback" not in result.output
    after = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    assert after == before


def test_mkdocs_build_strict_passes_and_fails_cleanly_on_bad_content(tmp_path, content, caplog):
    import pytest
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    project = _project(tmp_path, content)
    config = load_config(str(project / "mkdocs.yml"), strict=True, site_dir=str(tmp_path / "out"))
    build(config)
    assert (tmp_path / "out" / "briefings" / "visit" / "index.html").is_file()

    (project / "content" / "organizations.yml").write_text("- id: mofcom\n", encoding="utf-8")
    config = load_config(str(project / "mkdocs.yml"), strict=True, site_dir=str(tmp_path / "out"))
    with pytest.raises(Abort):
        build(config)
    assert "content/organizations.yml:1:3: missing field 'name' (the full name in English)" in caplog.text
    # MkDocs had not yet emptied the output folder when the plugin stopped it.
    assert (tmp_path / "out" / "briefings" / "visit" / "index.html").is_file()


def test_links_from_a_markdown_page_to_fragments_of_generated_pages_are_checked(tmp_path, content, caplog):
    # The generated pages work out their ids only when read, and a one-off build lets go of a
    # page's HTML once written; MkDocs checks these links after every page is written.
    import pytest
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    project = _project(tmp_path, content)
    (project / "docs" / "about.md").write_text(
        "# About\n\n[A passage](sources/article.md#p1), [none](sources/article.md#p9), "
        "[a meeting](briefings/visit/agenda.md#no-such-item)\n", encoding="utf-8")
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "out"),
                         validation={"anchors": "warn"})
    with pytest.raises(Abort):  # strict: the two warnings stop the build
        build(config)
    assert (tmp_path / "out" / "about.html").is_file()
    warned = [record.getMessage() for record in caplog.records if "contains a link" in record.getMessage()]
    assert len(warned) == 2, warned
    assert any("sources/article.md' does not contain an anchor '#p9'" in message for message in warned)
    assert any("briefings/visit/agenda.md' does not contain an anchor '#no-such-item'" in message
               for message in warned)


def test_a_rebuild_collects_the_cycles_the_last_build_froze(content):
    # A build freezes what it made (left out of the cycle collector's walks); the next build
    # hands it back, so what has become garbage by then, such as the last build's pages under
    # `mkdocs serve`, is collected rather than frozen again.
    import weakref

    from generator.build import build

    folder, templates = content(), ROOT / "templates" / "pages"
    cycle = _Cycle()
    cycle.itself = cycle
    ref = weakref.ref(cycle)
    build(folder, templates, keep_files=True)
    del cycle
    assert ref() is not None  # frozen with the rest of the build
    build(folder, templates, keep_files=True)
    assert ref() is None


class _Cycle:
    """An object in a reference cycle: only the cycle collector frees it."""
