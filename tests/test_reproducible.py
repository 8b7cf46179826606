"""Reproducible builds: the same input gives the same site, byte for byte, whatever the hash seed,
time zone or folder of the build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from support import make_project, snapshot


def build_in_subprocess(project: Path, **env: str) -> Path:
    """`briefing build` in a fresh interpreter, in the project folder, with extra environment."""
    environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    environment.update(env)
    subprocess.run([sys.executable, "-c", "from generator.cli import main; main()", "build"],
                   cwd=project, env=environment, check=True, capture_output=True, text=True)
    return project / "site"


def differences(a: Path, b: Path) -> list[str]:
    """Paths under either folder whose bytes differ or that exist in only one."""
    left, right = snapshot(a), snapshot(b)
    return sorted(name for name in left.keys() | right.keys()
                  if left.get(name, (None,))[0] != right.get(name, (None,))[0] or
                  (name in left) != (name in right))


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    first = build_in_subprocess(make_project(tmp_path / "one"), PYTHONHASHSEED="1", TZ="UTC")
    second = build_in_subprocess(make_project(tmp_path / "two"), PYTHONHASHSEED="2",
                                 TZ="Asia/Shanghai")
    assert sorted(p.name for p in first.iterdir())  # the build wrote something to compare
    # Pagefind's search bundle too: its index, metadata and every page's fragment.
    assert any(name.startswith("pagefind/fragment/") for name in snapshot(first))
    assert differences(first, second) == []


def test_difference_check_sees_a_changed_byte(tmp_path: Path) -> None:
    site = build_in_subprocess(make_project(tmp_path / "one"), PYTHONHASHSEED="3")
    copy = tmp_path / "copy"
    shutil.copytree(site, copy)
    assert differences(site, copy) == []
    (copy / "sitemap.xml").write_bytes((copy / "sitemap.xml").read_bytes().replace(b"<", b" <", 1))
    (copy / "extra.html").write_text("x", encoding="utf-8")
    assert differences(site, copy) == ["extra.html", "sitemap.xml"]
