"""The small pieces of HTML that page templates write thousands of times: links to records and
actors, citation marks, dates, a source's byline and where its title leads, a footnote.

Each is a function the templates call by the name of the macro it stands for (make_environment
registers FRAGMENTS as globals; `_macros.html` exports them with its macros), and writes exactly
what that macro wrote, a call of a Python function being far cheaper than a call of a macro. The
page structure stays in the templates. Every value from the content is escaped (markupsafe), and
each returns Markup, as a macro does. What they read of the dataset comes through their arguments
or, for the checks of sources' addresses, through the page globals at call time (the stand-ins that
note a page's reads while pages are tracked, see track.py): never a dataset held from before.
"""

from __future__ import annotations

from functools import lru_cache
from types import MappingProxyType
from typing import Any, Iterable

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from ..content.addresses import shown_address
from ..dataset.timeline import date_label
from ..urls import host


@lru_cache(maxsize=65536)
def _link(href: str, label: str) -> Markup:
    """A link to a page of the site: pages link to the same record from one folder many times."""
    return Markup(f'<a href="{escape(href)}">{escape(label)}</a>')


def record_link(links: Any, kind: str, record: Any, briefing: str | None) -> Markup:
    """A link to where a record is shown (see urls.record_place), labelled with its name."""
    return _link(*links.record(kind, record, briefing))


def actor_link(links: Any, actor_id: str) -> Markup:
    """A link to a person's or an organisation's page, labelled with the name."""
    return _link(*links.actor(actor_id))


def actor_list(links: Any, ids: Iterable[str]) -> Markup:
    """Linked actors as a phrase: "A", "A and B", "A, B and C"."""
    names = [str(actor_link(links, actor_id)) for actor_id in ids]
    if len(names) > 1:
        return Markup(f"{', '.join(names[:-1])} and {names[-1]}")
    return Markup("".join(names))


def agenda_link(bundle: Any, agenda_id: str, links: Any) -> Markup:
    """A link to an agenda item of a briefing, with its day: "Meeting with ... (Tuesday)"."""
    item = bundle.by_id["agenda", agenda_id]
    return Markup(f"{record_link(links, 'agenda', item, bundle.id)} ({escape(item.day)})")


def cites(marks: list[Any]) -> Markup:
    """The marks of a list of citations (from the page's `cite`) as one link, "[1, 3]", to the
    footnote of the first: one tap target at least 24 px wide, with no gaps between the numbers or
    around them. Each number keeps its mark's id, for the footnotes' back links. A word joiner
    keeps the mark on the line of the word or punctuation it follows."""
    if not marks:
        return Markup("")
    first = marks[0]
    titles = escape("\n".join(mark.title for mark in marks))
    # Numbers are written as integers (":d"), which need no escaping.
    others = "".join(f', <span id="{escape(mark.id)}">{mark.number:d}</span>' for mark in marks[1:])
    return Markup(f'<sup class="cites">&#8288;<a class="cite" id="{escape(first.id)}" href="#note-{first.number:d}"'
                  f' title="{titles}">[{first.number:d}{others}]</a></sup>')


def date(value: str) -> Markup:
    """A date as readers read it ("28 August 2023", as precise as written), kept whole on narrow
    screens; every date of the pages is written in this one style."""
    return Markup(f'<time class="date" datetime="{escape(value)}">{escape(date_label(value))}</time>')


def source_byline(source: Any) -> Markup:
    """Who published a source and when, as far as known."""
    byline = escape(source.publisher or "publisher not named")
    return Markup(f"{byline}, {escape(date_label(source.date))}") if source.date else byline


@pass_context
def source_where(context: Context, source: Any) -> Markup:
    """Where a source's title leads, in words: the site of its address, whether that is a copy
    elsewhere, or that no address is known; an address that failed its last check leads to the
    archived copy, and says so."""
    check = context["data"].links.get(source.id)
    if not source.url:
        return Markup("no web address known")
    if check and not check.ok and source.archive_url:
        return Markup(f"an archived copy: the address failed when checked on {escape(date_label(check.checked))}")
    if source.republication:
        return Markup(f"a republication on {escape(host(shown_address(source.url)))}, not the publisher’s own site")
    return Markup(f"at {escape(host(shown_address(source.url)))}")


@pass_context
def source_link(context: Context, source: Any, page_href: str) -> Markup:
    """A source's title, linked straight to its address (its archived copy if the address failed
    its last check), else to its page on this site."""
    check = context["data"].links.get(source.id)
    title = escape(source.title)
    if source.url and check and not check.ok and source.archive_url:
        return Markup(f'<a class="external" href="{escape(source.archive_url)}" rel="external noopener noreferrer">{title}</a>')
    if source.url:
        return Markup(f'<a class="external" href="{escape(source.url)}" rel="external noopener noreferrer">{title}</a>')
    return Markup(f'<a href="{escape(page_href)}">{title}</a>')


@pass_context
def footnote(context: Context, note: Any) -> Markup:
    """One entry of a page's footnotes (render.Footnote): the source, linked; its address for print;
    its byline and where its title leads; its archived copy and its page here; the passages cited;
    and one link back to the first mark citing it, with how many marks cite it."""
    source, number = note.source, escape(note.number)
    html = f'<li id="note-{number}" value="{number}">{source_link(context, source, note.href)}'
    if source.url:
        html += f'<span class="print-address"> {escape(shown_address(source.url))}</span>'
    html += f' <span class="meta">({source_byline(source)}; {source_where(context, source)})</span>'
    if source.archive_url:
        html += f' · <a class="external" href="{escape(source.archive_url)}" rel="external noopener noreferrer">archived copy</a>'
    if source.url:
        html += f'<span class="no-print"> · <a class="source-page" href="{escape(note.href)}">about this source</a></span>'
    if note.passages:
        html += f'<br><span class="passages">{"; ".join(map(_passage, note.passages))}</span>'
    count = len(note.marks)
    back = f"Back to citation {number}" if count == 1 else f"Back to citation {number}, the first of {count} places"
    places = f" {count} places" if count > 1 else ""
    return Markup(f'{html} <a class="back" href="#{escape(note.marks[0])}" aria-label="{back}">↩{places}</a></li>')


def _passage(place: Any) -> str:
    """A cited place of a footnote (render.Passage): its paragraph, linked, and the words quoted
    from it; words quoted alone are each linked to where they are."""
    href = escape(place.href)
    quotes = ", ".join(f'<span class="quote">“{escape(quote)}”</span>' if place.para
                       else f'<a class="quote" href="{href}">“{escape(quote)}”</a>' for quote in place.quotes)
    if not place.para:
        return quotes
    return f'<a href="{href}">paragraph {escape(place.para)}</a>' + (f": {quotes}" if place.quotes else "")


FRAGMENTS = MappingProxyType({function.__name__: function for function in (
    record_link, actor_link, actor_list, agenda_link, cites, date, source_byline, source_where, source_link,
    footnote)})
"""The fragments by the names templates call them."""
