"""What every export says about the site: its identity, fixed ids, and addresses of its pages."""

from __future__ import annotations

from dataclasses import dataclass

from ..content.schema import Citation
from ..urls import output_path, page_path, record_place, relative, source_anchor, with_fragment

# Identifiers that must never change once published (calendar UIDs, feed and entry ids) are
# built from this fixed name rather than from site_url, which a site may add or move later.
ID_DOMAIN = "briefing-sites.invalid"
TAG_PREFIX = f"tag:{ID_DOMAIN},2026:"


@dataclass(frozen=True)
class SiteInfo:
    """What the exports say about the site itself: its name, description and public address."""

    name: str
    url: str | None = None
    description: str | None = None


class Linker:
    """Addresses of pages and files from one export file: absolute under site.url when it is
    set, else relative to the file. Each page's address is made once per file."""

    def __init__(self, site: SiteInfo, from_path: str) -> None:
        self._root = site.url.rstrip("/") + "/" if site.url else None
        self._from = from_path
        self._files: dict[str, str] = {}
        # Many records cite the same passage: its address is made once per file.
        self._passages: dict[tuple[str, int | None], str] = {}

    def file(self, path: str) -> str:
        """The address of a file of the site, by its path (a page by its source path, see urls.page_path)."""
        address = self._files.get(path)
        if address is None:
            address = self._files[path] = (self._root + output_path(path) if self._root
                                           else relative(self._from, path))
        return address

    def page(self, kind: str, rid: str | None = None, briefing: str | None = None, fragment: str = "") -> str:
        """The address of a page (see urls.page_path), with a fragment if given."""
        return with_fragment(self.file(page_path(kind, rid, briefing)), fragment)

    def passage(self, citation: Citation) -> str:
        """The address of the passage a citation cites."""
        key = (citation.source, citation.para)
        address = self._passages.get(key)
        if address is None:
            address = self._passages[key] = self.page("source", citation.source, fragment=source_anchor(citation))
        return address

    def record(self, kind: str, record_id: str | None, briefing: str | None) -> str:
        """The address of a record's place on the site (see urls.record_place)."""
        path, fragment = record_place(kind, record_id, briefing)
        return with_fragment(self.file(path), fragment)
