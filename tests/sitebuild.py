"""Builds a whole site for the theme's tests: the project's mkdocs.yml, templates and a content folder.

The site is built once per test session through the same path as `briefing build` (publish), with
the project's configuration, pointed at a content folder and an output folder of the test's own.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.publish import publish

from conftest import ROOT

EXAMPLE_CONTENT = ROOT / "content"


def build_site(out: Path, content: Path, *, site_url: str | None = None) -> Path:
    """Build the project's site from `content` into `out/site` and return that folder."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(out / "docs")
    config["site_dir"] = str(out / "site")
    config["theme"]["custom_dir"] = str(ROOT / "templates" / "theme")
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "briefing" in plugin:
            plugin["briefing"]["content_dir"] = str(content)
            plugin["briefing"]["templates_dir"] = str(ROOT / "templates" / "pages")
    if site_url:
        config["site_url"] = site_url
    (out / "docs").mkdir(parents=True, exist_ok=True)
    config_file = out / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return publish(config_file, out / "site")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The example site, built once for the session."""
    return build_site(tmp_path_factory.mktemp("site"), EXAMPLE_CONTENT, site_url="https://briefings.example.org/")
