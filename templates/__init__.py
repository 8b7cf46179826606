"""The templates a site is built with, installed with the package as `generator.templates`: the
page templates (`pages/`, the briefing plugin's `templates_dir` when mkdocs.yml names none) and the
MkDocs theme (`theme/`, the theme named `briefing`)."""

from pathlib import Path

PAGES = Path(__file__).parent / "pages"
"""The page templates shipped with the package."""
