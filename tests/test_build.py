"""Whole builds through MkDocs with the plugin: `briefing build` on a small project."""

from __future__ import annotations

from click.testing import CliRunner

from generator.cli import main
from support import ARCHIVE_CONTENT, ROOT, copy_site_files


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
    assert ("content/organizations.yml:1:3: missing field 'name' (the full name, as the sources write it "
            "in English)") in caplog.text
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


# `briefing check` on a small archive with mistakes of every stage.


def _archive(tmp_path, briefings: int):
    import sys

    sys.path.insert(0, str(ROOT))
    from benchmarks.synth import write_archive

    return write_archive(ARCHIVE_CONTENT, tmp_path / "content", briefings)


def _mistakes(root):
    """Mistakes of every stage in the shared files and in several briefing folders."""
    def edit(name, old, new, count=1):
        path = root / name
        text = path.read_text(encoding="utf-8")
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    edit("people.yml", "  name: Ada Secretary\n", "  name: Ada Secretary\n  nmae: typo\n")  # fails the schema
    edit("people.yml", "- id: li-minister-0\n", "- id: ada-secretary-1\n")  # a duplicate id
    edit("organizations.yml", "  country: US\n", "  country: US\n  country: CN\n")  # unreadable: any id may be right
    edit("sources.yml", "  - n: 2\n", "  - n: 5\n")  # out of order
    edit("people.yml", "para: 1\n", "para: 99\n")  # a paragraph its source lacks
    edit("briefings/follow-up-0/agenda.yml", "- li-minister-0\n", "- li-ministr-0\n")  # unknown
    edit("briefings/visit-1/agenda.yml", "  day: Monday\n", "  day: Moonday\n")  # fails the schema
    edit("briefings/visit-1/statements.yml", "\n", "\n  - [unclosed\n")  # unreadable
    edit("briefings/follow-up-3/agenda.yml", "para: 1\n", "para: 77\n", 3)
    edit("briefings/visit-4/briefing.yml", "status: ", "status: ongoing\nstatus: ")  # duplicate key
    (root / "briefings" / "earlier-call-5" / "notes.txt").write_text("x", encoding="utf-8")
    (root / "briefings" / "follow-up-6" / "briefing.yml").unlink()


def _raised(root):
    import pytest

    from generator.build import check
    from generator.errors import ContentErrors

    with pytest.raises(ContentErrors) as caught:
        check(root)
    return caught.value.errors


def test_check_summary_counts_the_briefings_and_records_of_the_dataset(tmp_path):
    from generator.build import check, check_summary

    archive = _archive(tmp_path, 6)
    data = check(tmp_path / "content")
    summary = check_summary(tmp_path / "content")
    assert (summary.errors, summary.briefings, summary.records) == ([], 6, archive.records)
    seed = check_summary(ARCHIVE_CONTENT)
    assert (seed.briefings, seed.records) == (3, 28) and len(data.briefings) == 6


def test_check_summary_reports_every_problem_check_raises_and_no_dataset(tmp_path):
    from generator.build import check_summary

    _archive(tmp_path, 8)
    _mistakes(tmp_path / "content")
    expected = _raised(tmp_path / "content")
    assert len(expected) >= 12 and len({e.path for e in expected}) >= 8
    summary = check_summary(tmp_path / "content")
    assert (summary.errors, summary.data, summary.briefings, summary.records) == (expected, None, 0, 0)


def test_build_checks_the_content_once(content, monkeypatch):
    from generator import build

    calls = []
    load_content = build.load_content
    monkeypatch.setattr(build, "load_content", lambda root, *rest: calls.append(root) or load_content(root, *rest))
    build.build(content(), ROOT / "templates" / "pages")
    assert len(calls) == 1
