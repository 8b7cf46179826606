"""The pipeline in one place: load -> validate -> index -> render and export. Nothing here writes files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from .errors import ContentErrors
from .export import SiteInfo, list_exports, render_exports
from .load import load_content
from .model import Dataset, Index, index_dataset
from .render import Page, render_pages
from .validate import validate_content


@dataclass(frozen=True)
class Built:
    """What a build produces: the dataset, its index, every page, and every export file by path."""

    data: Dataset
    index: Index
    pages: Mapping[str, Page]
    exports: Mapping[str, bytes]


def check(content_dir: Path) -> Dataset:
    """Load and validate the content; raise ContentErrors with every problem found."""
    content, errors = load_content(content_dir)
    data, more = validate_content(content)
    errors = errors + more
    if errors or data is None:
        raise ContentErrors(errors)
    return data


def build(content_dir: Path, templates_dir: Path, site: SiteInfo = SiteInfo("Briefings")) -> Built:
    """Every page and export file of the site from a content folder and a page-template folder."""
    data = check(content_dir)
    index = index_dataset(data)
    pages = render_pages(data, index, templates_dir, list_exports(data))
    return Built(data, index, pages, render_exports(data, site))
