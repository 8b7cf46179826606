"""An Atom feed (RFC 4287) of the briefings.

Written with ElementTree rather than a feed library: the one maintained candidate (feedgen)
pulls in lxml for a document of a dozen element types, and ElementTree already escapes text and
attributes and writes the same bytes for the same tree.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..dataset.history import History, RecordChange
from ..pages.markup import render_markdown
from ..dataset.model import Dataset
from ..content.schema import Briefing
from ..dataset.timeline import date_label
from .site import TAG_PREFIX, Linker, SiteInfo

ATOM_NS = "http://www.w3.org/2005/Atom"
FEED = "feed.atom"
CHANGES_FEED = "changes.atom"


def changes_feed_path(briefing: str | None = None) -> str:
    """The path of the feed of changes of a briefing, or of the whole site (None)."""
    return f"briefings/{briefing}/{CHANGES_FEED}" if briefing else CHANGES_FEED


def _atom_time(day: str) -> str:
    return f"{day}T00:00:00Z"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = text
    return element


def atom_feed(data: Dataset, site: SiteInfo) -> bytes:
    """An Atom feed of the briefings, newest first, ids as tag: URIs."""
    link = Linker(site, FEED)
    feed = ET.Element("feed", {"xmlns": ATOM_NS})
    _sub(feed, "id", TAG_PREFIX + "briefings")
    _sub(feed, "title", site.name)
    if site.description:
        _sub(feed, "subtitle", site.description)
    newest = max((b.briefing.updated for b in data.briefings), default="2000-01-01")
    _sub(feed, "updated", _atom_time(newest))
    _sub(_sub(feed, "author"), "name", site.name)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=link.file(FEED))
    _sub(feed, "link", rel="alternate", type="text/html", href=link.page("home"))
    for bundle in data.briefings:
        briefing = bundle.briefing
        entry = _sub(feed, "entry")
        _sub(entry, "id", f"{TAG_PREFIX}briefings/{bundle.id}")
        _sub(entry, "title", briefing.title)
        _sub(entry, "updated", _atom_time(briefing.updated))
        _sub(entry, "link", rel="alternate", type="text/html",
             href=link.page("briefing", briefing=bundle.id))
        if briefing.subtitle:
            _sub(entry, "summary", briefing.subtitle)
        _sub(entry, "content", _entry_html(briefing), type="html")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _entry_html(briefing: Briefing) -> str:
    # The feed carries the summary as HTML text (type="html"); ElementTree escapes it once more.
    html = str(render_markdown(briefing.summary))
    if briefing.takeaways:
        html += "<ul>" + "".join(f"<li>{render_markdown(t.text)}</li>" for t in briefing.takeaways) + "</ul>"
    return html


def changes_feed(history: History, site: SiteInfo, briefing: str | None = None, title: str = "") -> bytes:
    """An Atom feed of the revisions of the content (of one briefing's records, with `briefing`),
    newest first: one entry per commit, dated by the commit, ids as tag: URIs."""
    path = changes_feed_path(briefing)
    link = Linker(site, path)
    if briefing:
        history = history.of_briefing(briefing)
    feed = ET.Element("feed", {"xmlns": ATOM_NS})
    _sub(feed, "id", TAG_PREFIX + path.removesuffix(".atom"))
    _sub(feed, "title", f"Changes: {title or site.name}")
    # A feed needs a date: the newest revision's, else a fixed one (never the clock).
    _sub(feed, "updated", history.revisions[0].date if history.revisions else _atom_time("2000-01-01"))
    _sub(_sub(feed, "author"), "name", site.name)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=link.file(path))
    page = link.page("changes", briefing=briefing) if briefing else link.page("home")
    _sub(feed, "link", rel="alternate", type="text/html", href=page)
    for revision in history.revisions:
        entry = _sub(feed, "entry")
        _sub(entry, "id", f"{TAG_PREFIX}{path.removesuffix('.atom')}/{revision.commit}")
        _sub(entry, "title", ("Correction: " if revision.correction else "") + (
            revision.note or f"Updated {date_label(revision.date[:10])}"))
        _sub(entry, "updated", revision.date)
        if briefing:
            _sub(entry, "link", rel="alternate", type="text/html", href=f"{page}#{revision.anchor}")
        _sub(entry, "content", "\n".join(change_words(c, not briefing) for c in revision.changes)
             or "The history of the content starts here in this copy.", type="text")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


_ACTIONS = {"added": "added", "removed": "removed", "changed": "updated"}


def change_words(change: RecordChange, in_site: bool = True) -> str:
    """One change as a line of plain text for readers: "Dispute “Export controls” updated: status:
    raised → resolved"; in the feed of the whole site, after the id of its briefing."""
    if change.action == "unreadable":
        return "Some records could not be compared in this revision."
    where = f"{change.briefing}: " if change.briefing and in_site else ""
    fields = f": {'; '.join(change.fields)}" if change.fields else ""
    return f"{where}{_KIND_WORDS.get(change.kind, change.kind)} “{change.title}” {_ACTIONS[change.action]}{fields}"


_KIND_WORDS = {"briefing": "Briefing", "agenda": "Agenda item", "dispute": "Dispute", "agreement": "Agreement",
               "statement": "Statement", "context": "Context event", "person": "Person",
               "organization": "Organisation", "source": "Source", "event": "Shared event"}
