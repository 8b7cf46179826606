"""Golden output: the fixture content through the pure pipeline, as files under tests/golden/.

`python -m tests.golden` (or `make golden`) writes them again after an intended change of the
pages or exports; tests/test_golden.py compares a fresh render with them. The output depends on
the content and the code only (every date comes from the content), so nothing needs pinning but
the site's identity below.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Mapping

from generator.build import check, index_dataset
from generator.export import SiteInfo, list_exports, render_exports
from generator.pages.render import render_pages
from generator.urls import output_path

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "tests" / "fixtures" / "briefing-site" / "content"
TEMPLATES = ROOT / "templates" / "pages"
GOLDEN = ROOT / "tests" / "golden"
SITE = SiteInfo("Briefings", "https://briefings.example/", "Briefings on a visit, for the golden test.")
PAGES_INDEX = "pages.json"


def render_golden() -> Mapping[str, bytes]:
    """Every golden file's bytes by its path under tests/golden/: each page's body HTML under
    pages/, each export under exports/, and every page's title, description and nav flag in
    pages.json."""
    data = check(CONTENT)
    pages = render_pages(data, index_dataset(data), TEMPLATES, list_exports(data))
    files = {f"pages/{output_path(path)}": page.html.encode("utf-8") for path, page in pages.items()}
    files.update((f"exports/{path}", body) for path, body in render_exports(data, SITE).items())
    index = {path: {"title": page.title, "description": page.description, "in_nav": page.in_nav}
             for path, page in sorted(pages.items())}
    files[PAGES_INDEX] = (json.dumps(index, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return files


def read_golden() -> Mapping[str, bytes]:
    """The checked-in golden files by their path under tests/golden/."""
    return {path.relative_to(GOLDEN).as_posix(): path.read_bytes()
            for path in sorted(GOLDEN.rglob("*")) if path.is_file()}


def write_golden() -> int:
    """Replace tests/golden/ with a fresh render; the number of files written."""
    files = render_golden()
    shutil.rmtree(GOLDEN, ignore_errors=True)
    for path, body in files.items():
        target = GOLDEN / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
    return len(files)


if __name__ == "__main__":
    print(f"wrote {write_golden()} files to {GOLDEN.relative_to(ROOT)}")
