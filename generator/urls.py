"""Where everything is on the site: the path of each page, the anchor of each record, and
relative links between site paths. Pages, exports and the dev server all ask here, so the URL
scheme lives in one place.

Page paths are MkDocs source paths (`people/wang-wentao.md`); `output_path` gives the file the
built site holds (`people/wang-wentao.html`). Ids match a strict pattern (no "/" or "."), so
every path below stays inside the site.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

BRIEFING_PARTS = ("agenda", "disputes", "agreements", "statements", "context", "memo", "changes")
"""The pages of a briefing besides its landing page, in the order its navigation lists them."""

# The folder of the page of each shared record kind, which also holds the kind's index page.
_COLLECTION_FOLDERS = {"person": "people", "organization": "organizations", "source": "sources",
                       "event": "events", "data": "data"}

# Record kinds shown as a section of a briefing part: the part's page and the section's anchor.
_RECORD_PARTS = {"agenda": "agenda", "context": "context", "dispute": "disputes", "agreement": "agreements",
                 "statement": "statements"}


def page_path(kind: str, rid: str | None = None, briefing: str | None = None) -> str:
    """The source path of a page: `home`, `timeline`, `briefing` or a briefing part (with
    `briefing`), or a person, organisation, shared event or source (with `rid`; without it, the
    index of its kind), or `data`."""
    if kind == "home":
        return "index.md"
    if kind == "timeline":
        return "timeline.md"
    if kind == "briefing":
        return f"briefings/{briefing}/index.md"
    if kind in BRIEFING_PARTS:
        return f"briefings/{briefing}/{kind}.md"
    folder = _COLLECTION_FOLDERS[kind]
    return f"{folder}/{rid}.md" if rid else f"{folder}/index.md"


def output_path(path: str) -> str:
    """The path of a page's file in the built site; any other file keeps its path."""
    return path[:-3] + ".html" if path.endswith(".md") else path


def relative(from_page: str, to_path: str) -> str:
    """The relative link from a page (its source path) to a page or file of the site."""
    return relative_to_folder(folder_of(from_page), output_path(to_path))


def folder_of(page: str) -> str:
    """The folder of a page's built file, "" for the site's root."""
    return output_path(page).rpartition("/")[0]


def relative_to_folder(folder: str, target: str) -> str:
    """posixpath.relpath(target, folder) for site paths, which hold no "." or ".." segments:
    a plain string function, without relpath's look at the working directory."""
    parts, base = target.split("/"), folder.split("/") if folder else []
    common = 0
    while common < min(len(parts), len(base)) and parts[common] == base[common]:
        common += 1
    return "/".join([".."] * (len(base) - common) + parts[common:]) or "."


class Linker:
    """Addresses of the site's pages and files from one folder of the site ("" for its root): the
    one place links are made, for pages, exports and search alike. Relative to the folder, or
    absolute under `root` (the site's address, ending in "/") when it is given. Each file's and
    each cited passage's address is made once."""

    def __init__(self, folder: str, root: str | None = None) -> None:
        self.folder = folder
        self.root = root
        self._files: dict[str, str] = {}
        # Many records cite the same passage: its address is made once.
        self._passages: dict[tuple[str, int | None], str] = {}

    def file(self, path: str) -> str:
        """The address of a file of the site, by its path (a page by its source path, see page_path)."""
        address = self._files.get(path)
        if address is None:
            address = self._files[path] = (self.root + output_path(path) if self.root is not None
                                           else relative_to_folder(self.folder, output_path(path)))
        return address

    def page(self, kind: str, rid: str | None = None, briefing: str | None = None, fragment: str = "") -> str:
        """The address of a page (see page_path), with a fragment if given."""
        return with_fragment(self.file(page_path(kind, rid, briefing)), fragment)

    def passage(self, citation: Any) -> str:
        """The address of the passage a citation cites."""
        key = (citation.source, citation.para)
        address = self._passages.get(key)
        if address is None:
            address = self._passages[key] = self.page("source", citation.source, fragment=source_anchor(citation))
        return address

    def record(self, kind: str, record_id: str | None, briefing: str | None) -> str:
        """The address of a record's place on the site (see record_place)."""
        path, fragment = record_place(kind, record_id, briefing)
        return with_fragment(self.file(path), fragment)


def record_anchor(kind: str, rid: str) -> str:
    """The id of the section that shows a record of a briefing part (`agenda-<id>`, `dispute-<id>`)."""
    return f"{kind}-{rid}"


def source_anchor(citation: Any) -> str:
    """The fragment of a source page that a citation points at: its paragraph, or the top."""
    return f"p{citation.para}" if citation.para else "top"


def record_place(kind: str, record_id: str | None, briefing: str | None) -> tuple[str, str]:
    """The page path and fragment ("" for none) where a record of a kind is shown.

    `briefing` is None for shared records (people, organisations, sources); a briefing itself is
    known by `briefing` alone.
    """
    if kind == "briefing":
        return page_path("briefing", briefing=briefing), ""
    part = _RECORD_PARTS.get(kind)
    if part is not None:
        return page_path(part, briefing=briefing), record_anchor(kind, record_id or "")
    return page_path(kind, record_id), ""


def with_fragment(address: str, fragment: str) -> str:
    """An address with `#fragment` added, if there is one."""
    return f"{address}#{fragment}" if fragment else address


def host(address: str) -> str:
    """The host an external address leads to, without a leading "www.": how a page names the site
    a source is on ("einpresswire.com")."""
    name = urlsplit(address).hostname or ""
    return name.removeprefix("www.")
