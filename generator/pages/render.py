"""Stage 4: the dataset through Jinja page templates to pages (source path -> title and HTML).

A pure function of the dataset, its index and the page templates. Templates run in a stock Jinja
environment with autoescaping and StrictUndefined: a missing field is an error, never an empty
string. The HTML of links and citation marks is written by small functions (fragments.py) that
the templates call as they call their macros; the helpers here give them plain data only:
addresses, labels as plain text, footnote numbers. Links
between pages are relative, so the site also reads from disk without a server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from operator import attrgetter
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Iterator, Mapping, NamedTuple, Sequence

import jinja2

from ..errors import counted
from ..content.addresses import shown_address
from ..content.excerpt import shorten
from .fragments import FRAGMENTS
from .glossary import link_first_uses
from ..dataset.history import NO_GIT, History
from .linked import LINKED_DATA
from .markup import render_inline, render_markdown
from ..dataset.model import BriefingBundle, Dataset, Index
from .numbering import source_numbers
from ..content.schema import Briefing, Citation
from ..dataset.timeline import (actor_entries, date_label, briefing_span, by_relation, context_entries, group_timeline,
                                item_date, range_labels, role_period, site_entries)
from ..urls import BRIEFING_PARTS, Linker, folder_of, host, page_path, record_anchor, with_fragment

# The nav lists only the newest briefings; the home page lists them all. Every page carries the
# nav, so a nav that grew with the archive would make the build quadratic in the briefings.
NAV_BRIEFINGS = 10
# A page with this many sections or more gets a contents list under its heading.
CONTENTS_FROM = 4
_SECTION = re.compile(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', re.S)
_TAG = re.compile(r"<[^>]+>")
# Where the contents list goes: after the page's heading and the paragraph that leads it.
_HEADING_END = re.compile(r'</h1>\n(?:<p class="lede">[^\n]*?</p>\n?)?')
# What each kind of record is called on the site: in lists of appearances and citations (the
# templates' `kind_names`, exported by _macros.html as KIND_NAMES) and in search results.
KIND_NAMES = MappingProxyType({
    "briefing": "Briefing", "agenda": "Agenda", "dispute": "Dispute", "agreement": "Agreement",
    "statement": "Statement", "context": "Context", "person": "Person", "organization": "Organisation",
    "source": "Source", "event": "Shared event"})


@dataclass(frozen=True)
class Page:
    """One generated page: where it goes, its title and description, and its body HTML.

    The HTML is kept as UTF-8 (`body`): a build holds every page at once, and as text a page with
    one character beyond Latin-1 (a curly quote, a Chinese name) takes two bytes a character.
    """

    path: str
    title: str
    description: str
    body: bytes
    in_nav: bool = False

    @classmethod
    def of(cls, path: str, title: str, description: str, html: str, in_nav: bool = False) -> Page:
        return cls(path, title, description, html.encode("utf-8"), in_nav)

    @property
    def html(self) -> str:
        return self.body.decode("utf-8")


class RecordLink(NamedTuple):
    """Where a link to a record leads (relative address and fragment) and its label (plain text)."""

    href: str
    label: str


class CiteMark(NamedTuple):
    """One citation mark: its source's footnote number, the mark's own id, and its tooltip (plain
    text: the source's title and the passages cited)."""

    number: int
    id: str
    title: str


class Passage(NamedTuple):
    """A cited place in a source: its paragraph (None for quoted words alone), the address of the
    place, and the words quoted from it."""

    para: int | None
    href: str
    quotes: tuple[str, ...]


class Footnote(NamedTuple):
    """One cited source of a page: its number, the source, the address of its page, the places
    cited (by paragraph, then quoted words alone), and the ids of the marks citing it."""

    number: int
    source: Any
    href: str
    passages: tuple[Passage, ...]
    marks: tuple[str, ...]


def locator(citation: Citation) -> str:
    """Where in its source a citation points, as plain text: "paragraph 4", the quoted words, both,
    or "" for the source as a whole."""
    quote = f"“{citation.quote}”" if citation.quote else ""
    if citation.para:
        return f"paragraph {citation.para}" + (f": {quote}" if quote else "")
    return quote


# The fields of a citation, as a key: equal citations are the same footnote.
citation_key = attrgetter("source", "para", "quote")


class Links:
    """Relative addresses, and record links as data, from the pages of one folder.

    Every page of a folder links to a page with the same address, so each is made once per
    folder; labels do not depend on the folder and are shared by the whole render (`labels`).
    """

    def __init__(self, folder: str, data: Dataset,
                 labels: dict[tuple[str, str | None, str | None], str] | None = None) -> None:
        self.folder = folder
        self.data = data
        self.linker = Linker(folder)
        self._labels = {} if labels is None else labels
        self._urls: dict[tuple[str, str | None, str | None], str] = {}
        self._records: dict[tuple[str, str | None, str | None], RecordLink] = {}

    def url(self, kind: str, rid: str | None = None, briefing: str | None = None, fragment: str = "") -> str:
        """The relative address of a page (see urls.page_path), with a fragment if given."""
        key = (kind, rid, briefing)
        target = self._urls.get(key)
        if target is None:
            target = self._urls[key] = self.linker.file(page_path(kind, rid, briefing))
        return with_fragment(target, fragment)

    def asset(self, path: str) -> str:
        """The relative address of a page (by source path) or of a file of the site, such as an export."""
        return self.linker.file(path)

    def passage(self, citation: Citation) -> str:
        """The address of the passage a citation cites."""
        return self.linker.passage(citation)

    def record(self, kind: str, record: Any, briefing: str | None) -> RecordLink:
        """A link to where a record is shown, labelled with its name. `briefing` is None for
        shared records."""
        # A record is known by its kind, its briefing and its id (a briefing by the first two).
        key = (kind, briefing, None if kind == "briefing" else record.id)
        link = self._records.get(key)
        if link is None:
            label = self._labels.get(key)
            if label is None:
                label = self._labels[key] = self.record_label(kind, record)
            link = self._records[key] = RecordLink(self.linker.record(kind, key[2], briefing), label)
        return link

    def record_label(self, kind: str, record: Any) -> str:
        """A record's name in a link; quotation marks only around a source's exact words, which are
        shown whole (a paraphrase is shortened, never inside a quotation it holds)."""
        if kind == "statement":
            speaker = self.data.actor(record.speaker).name
            if record.kind == "quote":
                return f"{speaker}: “{' '.join(record.text.split())}”"
            return f"{speaker} (paraphrase): {shorten(record.text, 80)}"
        return record.title if hasattr(record, "title") else record.name

    def actor(self, actor_id: str) -> RecordLink:
        """A link to a person's or an organisation's page, labelled with the name."""
        kind = "person" if actor_id in self.data.people else "organization"
        return self.record(kind, self.data.actor(actor_id), None)


class Citations:
    """Numbers the sources cited on one page and lists them as footnotes: each source once, with
    the passages cited.

    On a briefing's pages each source has the number `numbers` gives it (numbering.source_numbers),
    the same on every page of the briefing; elsewhere, and for a source `numbers` lacks, sources
    are numbered in order of first citation on the page, after the numbers `numbers` gives.
    A list of citations (one fact) gets one mark per source, in the order of their numbers.
    """

    def __init__(self, links: Links, numbers: Mapping[str, int] = MappingProxyType({})) -> None:
        self.links = links
        self.numbers = numbers
        # By source id: its number, the ids of its marks, and its cited passages by citation key.
        self._notes: dict[str, tuple[int, list[str], dict[tuple[Any, ...], Citation]]] = {}
        self._next = len(numbers) + 1

    def _number(self, source_id: str) -> int:
        number = self.numbers.get(source_id)
        if number is None:
            number, self._next = self._next, self._next + 1
        return number

    def __call__(self, citations: list[Citation]) -> list[CiteMark]:
        """The marks of a list of citations, one per source."""
        cited: dict[str, list[Citation]] = {}
        for citation in citations:
            cited.setdefault(citation.source, []).append(citation)
            if citation.source not in self._notes:
                self._notes[citation.source] = (self._number(citation.source), [], {})
            self._notes[citation.source][2].setdefault(citation_key(citation), citation)
        marks = []
        for source_id, group in cited.items():
            number, ids, _ = self._notes[source_id]
            ids.append(f"cite-{number}" if not ids else f"cite-{number}-{len(ids) + 1}")
            places = "; ".join(dict.fromkeys(filter(None, map(locator, group))))
            title = self.links.data.sources[source_id].title
            marks.append(CiteMark(number, ids[-1], f"{title}, {places}" if places else title))
        return sorted(marks)

    def footnotes(self) -> list[Footnote]:
        """The sources cited on the page so far, in the order of their numbers."""
        data, links = self.links.data, self.links
        return sorted(Footnote(number, data.sources[sid], links.url("source", sid), self._places(passages.values()),
                               tuple(ids))
                      for sid, (number, ids, passages) in self._notes.items())

    def _places(self, citations: Iterable[Citation]) -> tuple[Passage, ...]:
        # By paragraph: a citation of it (for its address) and the words quoted from it.
        places: dict[int | None, tuple[Citation, dict[str, None]]] = {}
        for c in citations:
            if c.para or c.quote:
                quotes = places.setdefault(c.para, (c, {}))[1]
                if c.quote:
                    quotes[c.quote] = None
        return tuple(Passage(para, self.links.passage(c), tuple(quotes))
                     for para, (c, quotes) in sorted(places.items(), key=lambda item: (item[0] is None, item[0] or 0)))


def group_by(records: Sequence[Any], attribute: str) -> dict[Any, list[Any]]:
    """Records by the value of an attribute (dotted for an attribute of an attribute), the groups
    in the order of their first record and each in the order of `records`; a record whose
    attribute is a list is in the group of each of its values. Templates look records up in it
    instead of filtering a list once per item of another."""
    groups: dict[Any, list[Any]] = {}
    value_of = attrgetter(attribute)
    for record in records:
        value = value_of(record)
        for key in dict.fromkeys(value) if isinstance(value, list) else (value,):
            groups.setdefault(key, []).append(record)
    return groups


def sections(html: str) -> list[tuple[str, str]]:
    """The (id, plain-text label) of each second-level heading of a page's HTML, in order."""
    return [(unescape(ident), " ".join(unescape(_TAG.sub("", label)).split()))
            for ident, label in _SECTION.findall(html)]


def with_contents(html: str, contents: Any) -> str:
    """A page's HTML with a contents list of its sections (`contents`, the `_macros.html` macro)
    under its heading, if it has `CONTENTS_FROM` sections or more and a heading."""
    found = sections(html)
    heading = _HEADING_END.search(html)
    if len(found) < CONTENTS_FROM or heading is None:
        return html
    return html[:heading.end()] + str(contents(found)) + html[heading.end():]


def make_environment(templates: Path, bytecode_cache: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """The Jinja environment for page templates: autoescape on, undefined values are errors.
    `bytecode_cache` keeps compiled templates across environments (see rebuild.py)."""
    env = jinja2.Environment(
        bytecode_cache=bytecode_cache,
        loader=jinja2.FileSystemLoader(str(templates)),
        auto_reload=False,  # an environment serves one render: no need to look at the files again
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["markdown"] = render_markdown
    env.filters["inline"] = render_inline
    env.filters["group_by"] = group_by
    env.filters["date_label"] = date_label
    env.filters["counted"] = counted
    env.filters["address"] = shown_address
    env.filters["shorten"] = shorten
    env.globals["anchor"] = record_anchor
    env.globals["kind_names"] = KIND_NAMES
    # Functions of their arguments alone: what they read of the dataset, a page hands them.
    env.globals.update(briefing_span=briefing_span, by_relation=by_relation, context_entries=context_entries,
                       group_timeline=group_timeline, site_entries=site_entries, actor_entries=actor_entries,
                       range_labels=range_labels, item_date=item_date, agenda_days=agenda_days,
                       role_period=role_period, host=host, **LINKED_DATA)
    # The hot pieces of HTML, in Python; `_macros.html` exports them with its macros.
    env.globals.update(FRAGMENTS)
    return env


def _by_briefing(data: Dataset, exports: Sequence[Any]) -> Mapping[str | None, tuple[Any, ...]]:
    """The exports of each briefing (None: of the whole site), in the order of `exports`."""
    groups: dict[str | None, list[Any]] = {None: [], **{bundle.id: [] for bundle in data.briefings}}
    for export in exports:
        groups.setdefault(export.briefing, []).append(export)
    return MappingProxyType({briefing: tuple(found) for briefing, found in groups.items()})


def _jobs(data: Dataset, history: History) -> Iterator[tuple[str, str, dict[str, Any], bool]]:
    """(page path, template, extra context, in nav) for every page of the site; `history` is the
    content's (history.read_history), for the changes pages."""
    yield page_path("home"), "home.html", {}, True
    yield page_path("timeline"), "timeline.html", {}, True
    for rank, bundle in enumerate(data.briefings):
        yield (page_path("briefing", briefing=bundle.id), "briefing.html", {"bundle": bundle},
               rank < NAV_BRIEFINGS)
        for part in BRIEFING_PARTS:
            extra = {"bundle": bundle, "history": history.of_briefing(bundle.id)} if part == "changes" else {"bundle": bundle}
            yield page_path(part, briefing=bundle.id), f"{part}.html", extra, False
    for rid, record in data.events.items():
        yield page_path("event", rid), "event.html", {"record": record}, False
    for kind, collection, name in (("person", data.people, "person"),
                                   ("organization", data.organizations, "organization"),
                                   ("source", data.sources, "source")):
        yield page_path(kind), f"{name}_index.html", {}, True
        for rid, record in collection.items():
            yield page_path(kind, rid), f"{name}.html", {"record": record}, False
    yield page_path("data"), "data_index.html", {}, True


class Listed(NamedTuple):
    """What a list of briefings shows of one: its id, its briefing record and `agenda_days`. Not
    the rest of its folder: a page that lists every briefing (the home page) is made again after
    an edit to a briefing's records only when this changes."""

    id: str
    briefing: Briefing
    days: tuple[str, str] | None


def agenda_days(bundle: BriefingBundle) -> tuple[str, str] | None:
    """The weekdays of a briefing's first and last agenda item; None without an agenda."""
    return (bundle.agenda[0].day, bundle.agenda[-1].day) if bundle.agenda else None


def site_nav(pages: Iterable[Page]) -> list:
    """MkDocs `nav` for the pages marked in_nav: home, a Briefings section, then the indexes."""
    nav: list = []
    briefings: list = []
    for page in pages:
        if page.in_nav:
            target = briefings if page.path.startswith("briefings/") else nav
            target.append({page.title: page.path})
    return nav[:1] + ([{"Briefings": briefings}] if briefings else []) + nav[1:]


def page_globals(data: Dataset, index: Index, exports: Sequence[Any] = ()) -> dict[str, Any]:
    """What every page template sees besides its own page: the dataset, its index, the exports
    (export.Export) that pages link to, each briefing as a list shows it (Listed) and how often
    each source is cited."""
    return {"data": data, "index": index, "actor": data.actor, "exports": exports,
            "exports_by_briefing": _by_briefing(data, exports),
            "listing": tuple(Listed(b.id, b.briefing, agenda_days(b)) for b in data.briefings),
            # How often each source is cited: the list of sources shows the count, not the facts.
            "citation_counts": {sid: len(facts) for sid, facts in index.citations.items()}}


def render_pages(data: Dataset, index: Index, templates: Path, exports: Sequence[Any] = (),
                 history: History = History(note=NO_GIT)) -> Mapping[str, Page]:
    """Every page of the site, by source path. Page templates set `title` and `description`.

    `exports` lists the export files (export.Export) that pages link to; `history` is the
    content's (history.read_history), none by default.
    """
    env = make_environment(templates)
    # Shared by every page, so macros imported without context see them too.
    env.globals.update(page_globals(data, index, exports))
    return render_jobs(env, _jobs(data, history))


def render_jobs(env: jinja2.Environment, jobs: Iterable[tuple[str, str, dict[str, Any], bool]], *,
                shared: bool = True) -> Mapping[str, Page]:
    """The page of each job of `_jobs`, by source path, with the page globals of `env`.

    `shared`: labels and tooltips are made once for all the pages; without it each page makes
    its own, so that each page reads the globals itself (see track.py).
    """
    data = env.globals["data"]
    # Each page's context starts from a copy of this dict, handed to the template as it is
    # (make_module's `shared`): quicker than the template's own copy of the globals, a chain of maps.
    base = dict(env.globals)
    contents = env.get_template("_macros.html").module.contents
    links: Links | None = None
    labels: dict[tuple[str, str | None, str | None], str] = {}
    numbers: dict[str, Mapping[str, int]] = {}
    pages: dict[str, Page] = {}
    for path, template_name, extra, in_nav in jobs:
        folder = folder_of(path)
        if not shared:
            links, labels, numbers = None, {}, {}
        if links is None or links.folder != folder:  # pages come folder by folder
            links = Links(folder, data, labels)
        bundle = extra.get("bundle")
        if bundle is not None and bundle.id not in numbers:
            numbers[bundle.id] = source_numbers(bundle, data)
        # What a template sees of its own page; what every page shares is in the globals.
        context = {**base, "links": links, "url": links.url, "asset": links.asset,
                   "cite": Citations(links, numbers[bundle.id]) if bundle is not None else Citations(links),
                   **extra}
        module = env.get_template(template_name).make_module(context, shared=True)
        html = str(module)
        if bundle is not None and bundle.briefing.glossary:
            html = link_first_uses(html, [(t.term, links.url("disputes", briefing=bundle.id, fragment=f"term-{t.id}"))
                                          for t in bundle.briefing.glossary])
        pages[path] = Page.of(path, str(module.title).strip(), str(getattr(module, "description", "")).strip(),
                           with_contents(html, contents), in_nav)
    return MappingProxyType(pages)
