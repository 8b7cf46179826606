"""Atomic builds: a build that fails at any stage (or is stopped) leaves the previous site
byte-for-byte as it was and no temporary folder behind; a build that succeeds replaces the whole
site, and removes the temporary folders of builds that were killed."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Callable

import mkdocs.commands.build
import mkdocs.utils
import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

import generator.mkdocs.publish
from support import build, leftovers, make_project, snapshot

# Fails while MkDocs writes pages: the theme breaks on one page after others are written.
THEME_BREAK = ('{% if page and page.file.src_uri == "people/li-minister.md" %}'
               '{{ page.no_such_field.attribute }}{% endif %}\n')


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return make_project(tmp_path / "project")


def failed_build_damage(project: Path, break_build: Callable[[Path], None]) -> list[str]:
    """Build the project, break it, build again: what the failed build changed or left behind."""
    first = build(project)
    assert first.exit_code == 0, first.output
    site = project / "site"
    before = snapshot(site)
    break_build(project)
    second = build(project)
    assert second.exit_code != 0, "the broken build should fail"
    after = snapshot(site) if site.exists() else {}
    damage = [f"site/{name} {'changed' if name in after else 'gone'}" if name in before else
              f"site/{name} added" for name in sorted(before.keys() | after.keys())
              if before.get(name) != after.get(name)]
    return damage + [f"{name} left behind" for name in leftovers(project)]


def break_theme(project: Path) -> None:
    main_html = project / "templates" / "theme" / "main.html"
    main_html.write_text(THEME_BREAK + main_html.read_text(encoding="utf-8"), encoding="utf-8")


def break_content(project: Path) -> None:
    people = project / "content" / "people.yml"
    people.write_text(people.read_text(encoding="utf-8").replace("  name: Li Minister",
                                                                 "  nmae: Li Minister"), encoding="utf-8")


def break_page_template(project: Path) -> None:
    (project / "templates" / "pages" / "person.html").write_text("{{ record.no_such_field }}\n",
                                                                   encoding="utf-8")


def test_content_error_leaves_site_untouched(project: Path) -> None:
    assert failed_build_damage(project, break_content) == []
    result = build(project)
    assert "project/content/people.yml:17:3: unknown field 'nmae' (did you mean 'name'?)" in result.output
    assert "the previous site is unchanged" in result.output


def test_page_template_error_leaves_site_untouched(project: Path) -> None:
    assert failed_build_damage(project, break_page_template) == []


def test_theme_error_mid_build_leaves_site_untouched(project: Path) -> None:
    assert failed_build_damage(project, break_theme) == []


def test_failure_while_setting_permissions_leaves_site_untouched(project: Path, monkeypatch) -> None:
    def fail(_root: Path) -> None:
        raise PermissionError("chmod refused")

    assert failed_build_damage(project, lambda _: monkeypatch.setattr(generator.mkdocs.publish, "_make_readable",
                                                                       fail)) == []


@pytest.mark.parametrize("moving", ["old site aside", "new site in"])
def test_failure_during_the_swap_restores_previous_site(project: Path, monkeypatch, moving: str) -> None:
    real_rename = os.rename
    failed = []

    def rename(src, dst) -> None:
        """Fails once: on the first move of the old site (`site` -> ...) or into its place (... -> `site`)."""
        step = ("old site aside" if Path(src).name == "site" else
                "new site in" if Path(dst).name == "site" else None)
        if step == moving and not failed:
            failed.append(step)
            raise OSError("disk full")
        real_rename(src, dst)

    assert failed_build_damage(project, lambda _: monkeypatch.setattr(generator.mkdocs.publish.os, "rename",
                                                                       rename)) == []
    assert failed == [moving]


def test_failed_first_build_leaves_no_site_and_no_temporary_folder(project: Path) -> None:
    break_theme(project)
    result = build(project)
    assert result.exit_code != 0
    assert not (project / "site").exists()
    assert leftovers(project) == []


def test_page_of_deleted_record_disappears(project: Path) -> None:
    assert build(project).exit_code == 0
    assert (project / "site" / "organizations" / "state-council.html").is_file()
    organizations = project / "content" / "organizations.yml"
    text = organizations.read_text(encoding="utf-8")
    text = text.replace("  parent: state-council\n", "")
    text = text[: text.index("- id: state-council")]
    organizations.write_text(text, encoding="utf-8")
    result = build(project)
    assert result.exit_code == 0, result.output
    assert not (project / "site" / "organizations" / "state-council.html").exists()
    assert (project / "site" / "organizations" / "mofcom.html").is_file()
    assert "state-council" not in (project / "site" / "sitemap.xml").read_text(encoding="utf-8")


def test_stray_file_in_site_disappears(project: Path) -> None:
    assert build(project).exit_code == 0
    (project / "site" / "stray.html").write_text("<p>old</p>", encoding="utf-8")
    assert build(project).exit_code == 0
    assert not (project / "site" / "stray.html").exists()


def test_output_is_world_readable_under_a_strict_umask(project: Path) -> None:
    previous = os.umask(0o077)
    try:
        result = build(project)
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.output
    site = project / "site"
    unreadable = [f"{path.relative_to(project)} {oct(path.stat().st_mode & 0o777)}"
                  for path in [site, *site.rglob("*")]
                  if (path.stat().st_mode & (0o555 if path.is_dir() else 0o444)) != (0o555 if path.is_dir()
                                                                                      else 0o444)]
    assert unreadable == []


def _publish_in_place(config_file: Path, site_dir: Path | None = None, *,
                      strict: bool = True) -> generator.mkdocs.publish.Published:
    """A deliberately non-atomic publish: MkDocs builds straight into the site folder."""
    config = load_config(str(config_file), strict=strict)
    mkdocs_build(config)
    return generator.mkdocs.publish.Published(Path(config.site_dir), None)


def test_damage_check_catches_a_non_atomic_publish(project: Path, monkeypatch) -> None:
    """The check above can fail: with a publish that writes in place, a theme error damages the site."""
    monkeypatch.setattr(generator.mkdocs.publish, "publish", _publish_in_place)
    damage = failed_build_damage(project, break_theme)
    assert damage, "a non-atomic publish must show damage"
    assert any(line.endswith(("changed", "gone")) for line in damage)


def _dead_pid() -> int:
    """The pid of a process that has ended."""
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(child.stdout)


def test_a_build_removes_the_staging_folders_of_builds_that_were_killed(project: Path) -> None:
    dead = _dead_pid()
    for name in (f".site-{dead}-x1y2", f".site-{dead}-x1y2-old", ".site-1-alive"):
        (project / name / "people").mkdir(parents=True)
        (project / name / "people" / "index.html").write_text("<p>half</p>", encoding="utf-8")
    result = build(project)
    assert result.exit_code == 0, result.output
    assert leftovers(project) == [".site-1-alive"]  # its build may still be running


def test_sigterm_during_a_build_leaves_the_site_and_no_temporary_folder(project: Path, monkeypatch) -> None:
    def terminated(project: Path) -> None:
        def build_then_sigterm(config, **kwargs) -> None:
            (Path(config.site_dir) / "index.html").write_text("<p>half</p>", encoding="utf-8")
            os.kill(os.getpid(), signal.SIGTERM)

        monkeypatch.setattr(mkdocs.commands.build, "build", build_then_sigterm)

    assert failed_build_damage(project, terminated) == []
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES])
def test_a_file_that_cannot_be_written_gives_one_line_and_leaves_the_site(project: Path, monkeypatch, code) -> None:
    where = str(project / "site-staging" / "people" / "index.html")

    def cannot_write(project: Path) -> None:
        def write_file(content: bytes, output_path: str) -> None:
            raise OSError(code, os.strerror(code), where)

        monkeypatch.setattr(mkdocs.utils, "write_file", write_file)

    assert failed_build_damage(project, cannot_write) == []
    result = build(project)
    assert result.output == f"briefing: cannot write the site: {os.strerror(code)}: {where}\n"
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1
