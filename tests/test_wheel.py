"""The package installs: a wheel built from the sources alone, installed into a fresh virtual
environment, checks and builds a site outside the checkout with nothing from the checkout, and a
project of content alone builds the same site with the templates and theme the wheel brings."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import yaml

from support import FIXTURE_CONTENT, ROOT, make_project

IGNORED = shutil.ignore_patterns("__pycache__")


def run(command: list, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run([str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result


def files_of(folder: Path) -> list[str]:
    """The files under `folder`, as paths relative to it, except Python's bytecode."""
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*")
                  if path.is_file() and "__pycache__" not in path.relative_to(folder).parts)


def contents(site: Path) -> dict[str, bytes]:
    return {name: (site / name).read_bytes() for name in files_of(site)}


def test_the_wheel_installs_and_builds_a_site_outside_the_checkout(tmp_path):
    # The files a fresh clone gives the build (no egg-info, no build folder, nothing of the tests).
    source = tmp_path / "source"
    for folder in ("generator", "templates"):
        shutil.copytree(ROOT / folder, source / folder, ignore=IGNORED)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["BRIEFING_CACHE"] = "off"
    wheels = tmp_path / "wheels"
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", wheels, source],
        tmp_path, env)
    (wheel,) = wheels.glob("*.whl")
    # Every module of every stage, and every template and theme file, under generator/templates/.
    held = set(zipfile.ZipFile(wheel).namelist())
    wanted = {f"generator/{name}" for name in files_of(ROOT / "generator")}
    wanted |= {f"generator/templates/{name}" for name in files_of(ROOT / "templates")}
    assert sorted(wanted - held) == []

    fresh = tmp_path / "venv"
    venv.create(fresh, with_pip=True)
    python = fresh / "bin" / "python"
    # The same versions as the test environment's, so pip takes them from its cache or mirror.
    run([python, "-m", "pip", "install", "--quiet", "-c", ROOT / "requirements.lock", wheel], tmp_path, env)

    project = make_project(tmp_path / "project")
    where = run([python, "-c", "import generator.export, generator.mkdocs.plugin; print(generator.export.__file__)"],
                project, env).stdout
    assert Path(where.strip()).is_relative_to(fresh)
    run([fresh / "bin" / "briefing", "check"], project, env)
    run([fresh / "bin" / "briefing", "build"], project, env)
    site = project / "site"
    assert (site / "index.html").is_file() and (site / "pagefind" / "pagefind.js").is_file()
    assert any(site.glob("**/*.ics")) and any(site.glob("**/*.csv"))  # the exports, from generator/export/

    # A project of content alone: its mkdocs.yml names the theme `briefing` and no templates folder,
    # so the plugin takes the page templates of the package. (MkDocs wants a docs folder, if empty.)
    bare = tmp_path / "bare"
    shutil.copytree(FIXTURE_CONTENT, bare / "content")
    (bare / "docs").mkdir()
    ours = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config = {"site_name": ours["site_name"], "site_description": ours["site_description"],
              "use_directory_urls": False, "strict": True, "theme": {"name": "briefing"}, "plugins": ["briefing"]}
    (bare / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    run([fresh / "bin" / "briefing", "build"], bare, env)
    # The same site as the project with the repository's templates, theme and mkdocs.yml.
    built, expected = contents(bare / "site"), contents(site)
    assert sorted(built) == sorted(expected)
    assert [name for name in expected if built[name] != expected[name]] == []
