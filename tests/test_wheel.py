"""The package installs: a wheel built from the sources alone, installed into a fresh virtual
environment, checks and builds a site outside the checkout with nothing from the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

from support import ROOT, make_project


def run(command: list, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    result = subprocess.run([str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result


def test_the_wheel_installs_and_builds_a_site_outside_the_checkout(tmp_path):
    # The files a fresh clone gives the build (no egg-info, no build folder, nothing of the tests).
    source = tmp_path / "source"
    shutil.copytree(ROOT / "generator", source / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["BRIEFING_CACHE"] = "off"
    wheels = tmp_path / "wheels"
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", wheels, source],
        tmp_path, env)
    (wheel,) = wheels.glob("*.whl")

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
