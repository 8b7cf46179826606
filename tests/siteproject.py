"""Scratch copies of the project for whole-build tests: the repository's mkdocs.yml, templates and
docs, with a content folder of the test's choosing, built with the real `briefing build`."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Mapping

from click.testing import CliRunner, Result

from generator.cli import main

from conftest import ROOT, write_content

# A small fictional briefing that uses every field of every record kind.
FIXTURE_CONTENT = Path(__file__).resolve().parent / "fixtures" / "briefing-site" / "content"


def copy_site_files(where: Path) -> Path:
    """The repository's mkdocs.yml, templates, docs and schema, copied into `where`."""
    where.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "mkdocs.yml", where / "mkdocs.yml")
    for folder in ("templates", "docs", "schema"):
        shutil.copytree(ROOT / folder, where / folder)
    return where


def make_project(where: Path, content: Path | Mapping[str, Any] = FIXTURE_CONTENT) -> Path:
    """A project folder at `where` like the repository's, with `content` as its content folder:
    a folder to copy, or files to write (name -> YAML text or value)."""
    copy_site_files(where)
    if isinstance(content, Path):
        shutil.copytree(content, where / "content")
    else:
        write_content(where / "content", dict(content))
    return where


def build(project: Path) -> Result:
    """`briefing build` for the project, in this process; exceptions stay in `result.exception`."""
    return CliRunner().invoke(main, ["build", "-f", str(project / "mkdocs.yml")])


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file and folder under `folder`: relative path -> (bytes, permission bits)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        data = path.read_bytes() if path.is_file() else b""
        found[path.relative_to(folder).as_posix() + ("/" if path.is_dir() else "")] = (
            data, path.stat().st_mode & 0o7777)
    return found


def leftovers(project: Path) -> list[str]:
    """Temporary build folders (`.site-*`) left beside the site."""
    return sorted(p.name for p in project.glob(".site-*"))
