"""What every export says about the site: its identity, fixed ids, and addresses of its pages."""

from __future__ import annotations

from dataclasses import dataclass

from .. import urls

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


class Linker(urls.Linker):
    """Addresses of pages and files from one export file: absolute under site.url when it is
    set, else relative to the file (see urls.Linker)."""

    def __init__(self, site: SiteInfo, from_path: str) -> None:
        super().__init__(urls.folder_of(from_path), site.url.rstrip("/") + "/" if site.url else None)
