"""Dates as spans of days, honest about their precision, and the timelines built from them.

A date written `2023-08` is the whole of August 2023: it is not before or after `2023-08-28`,
it contains it. Every dated thing (a briefing, a shared event, a context event) becomes a `Span`
of days with its precision, and timelines group by year and month so that a month-only date is
listed under its month, never wedged between two days by a string comparison.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable, Literal

from ..content.fields import WEEKDAYS
from ..content.schema import AgendaItem
from .model import BriefingBundle, Dataset, Index

Precision = Literal["year", "month", "day"]
MONTH_NAMES = tuple(calendar.month_name)


@dataclass(frozen=True)
class Span:
    """The days a date covers, first and last (ISO dates), and how precise it is."""

    first: str
    last: str
    precision: Precision

    @property
    def year(self) -> int:
        return int(self.first[:4])

    @property
    def month(self) -> int:
        return int(self.first[5:7])


def span_of(when: str) -> Span:
    """The span of a date written YYYY, YYYY-MM or YYYY-MM-DD."""
    parts = when.split("-")
    year = int(parts[0])
    if len(parts) == 1:
        return Span(f"{year:04d}-01-01", f"{year:04d}-12-31", "year")
    month = int(parts[1])
    if len(parts) == 2:
        days = calendar.monthrange(year, month)[1]
        return Span(f"{when}-01", f"{when}-{days:02d}", "month")
    return Span(when, when, "day")


def date_label(when: str) -> str:
    """A date as readers read it, exactly as precise as written: "9 August 2023", "August 2023", "2023"."""
    span = span_of(when)
    if span.precision == "year":
        return str(span.year)
    month = f"{MONTH_NAMES[span.month]} {span.year}"
    return month if span.precision == "month" else f"{int(when[8:10])} {month}"


def at_label(when: str) -> str:
    """A date after "was": "on 28 August 2023", "in August 2023", "in 2023"."""
    return ("on " if span_of(when).precision == "day" else "in ") + date_label(when)


def role_period(role: Any) -> str:
    """When a role (schema.Role) was held, in words, as far as its dates say and no further:
    "from 12 March 2023 to May 2024", "from 12 March 2023, still held in August 2023", "in August
    2023"; its `period` where it has no dates; "" where it has neither."""
    since = f"from {date_label(role.since)}" if role.since else ""
    if role.until:
        return f"{since} to {date_label(role.until)}" if since else f"until {date_label(role.until)}"
    if role.as_of:
        return f"{since}, still held {at_label(role.as_of)}" if since else at_label(role.as_of)
    return since or role.period or ""

def range_labels(first: str, last: str) -> tuple[str, str, str]:
    """Two different days (ISO dates) as readers read a range, in the style of `date_label`: the
    words of the first day, the separator and the words of the last, what they share said once:
    ("27", "–", "30 August 2023"), ("31 August", " – ", "2 September 2023")."""
    if first[:7] == last[:7]:
        return str(int(first[8:10])), "–", date_label(last)
    if first[:4] == last[:4]:
        return date_label(first).rsplit(" ", 1)[0], " – ", date_label(last)
    return date_label(first), " – ", date_label(last)


def briefing_span(bundle: BriefingBundle) -> Span | None:
    """The days of a briefing's event: its start to its end, else its agenda's cited dates; None
    when no date is known."""
    b = bundle.briefing
    if b.start:
        return Span(b.start, b.end or b.start, "day")
    dates = sorted(item.date for item in bundle.agenda if item.date)
    return Span(dates[0], dates[-1], "day") if dates else None


def relation(span: Span, to: Span | None) -> str:
    """Where `span` lies against `to`: "before", "after", "during" (they overlap), or "related"
    when `to` has no date."""
    if to is None:
        return "related"
    if span.last < to.first:
        return "before"
    if span.first > to.last:
        return "after"
    return "during"


@dataclass(frozen=True)
class Entry:
    """One thing on a timeline: a briefing (`bundle`) or an event (`record`, of `kind` "event" or
    "context"), with its span; `briefing` is the briefing a context event belongs to."""

    kind: str
    record: Any
    span: Span | None
    briefing: str | None = None

    @property
    def title(self) -> str:
        return self.record.briefing.title if self.kind == "briefing" else self.record.title

    @property
    def when(self) -> str:
        """The date as written: the event's `when`, a briefing's first day."""
        return self.span.first if self.kind == "briefing" and self.span else getattr(self.record, "when", "")

    @property
    def sort_key(self) -> tuple[str, str, str]:
        span = self.span
        return (span.first, span.last, self.kind + (self.briefing or "") + self.ident) if span else ("", "", "")

    @property
    def ident(self) -> str:
        return self.record.id


@dataclass(frozen=True)
class Month:
    """The entries of one month: those with a day, newest first, then those dated only by the month."""

    year: int
    month: int
    days: tuple[Entry, ...]
    whole: tuple[Entry, ...]

    @property
    def name(self) -> str:
        return f"{MONTH_NAMES[self.month]} {self.year}"

    @property
    def anchor(self) -> str:
        return f"m{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class Year:
    """The entries of one year by month, newest month first, then those dated only by the year."""

    year: int
    months: tuple[Month, ...]
    whole: tuple[Entry, ...]

    @property
    def anchor(self) -> str:
        return f"y{self.year:04d}"


@dataclass(frozen=True)
class Timeline:
    """Entries grouped by year and month, newest first; `undated`: briefings with no known date."""

    years: tuple[Year, ...]
    undated: tuple[Entry, ...]

    def __len__(self) -> int:
        return sum(len(m.days) + len(m.whole) for y in self.years for m in y.months) + sum(
            len(y.whole) for y in self.years) + len(self.undated)


def group_timeline(entries: Iterable[Entry]) -> Timeline:
    """The entries by year and month, newest first, each month-only or year-only date listed after
    the days of its month or the months of its year."""
    by_year: dict[int, dict[int | None, list[Entry]]] = {}
    undated = []
    for entry in entries:
        if entry.span is None:
            undated.append(entry)
            continue
        month = None if entry.span.precision == "year" else entry.span.month
        by_year.setdefault(entry.span.year, {}).setdefault(month, []).append(entry)
    years = []
    for year in sorted(by_year, reverse=True):
        groups = by_year[year]
        months = []
        for month in sorted((m for m in groups if m is not None), reverse=True):
            found = sorted(groups[month], key=lambda e: e.sort_key, reverse=True)
            months.append(Month(year, month, tuple(e for e in found if e.span.precision == "day"),
                                tuple(e for e in found if e.span.precision == "month")))
        years.append(Year(year, tuple(months), tuple(sorted(groups.get(None, ()), key=lambda e: e.sort_key,
                                                             reverse=True))))
    return Timeline(tuple(years), tuple(undated))


def site_entries(data: Dataset) -> list[Entry]:
    """Every briefing and shared event of the site, as timeline entries."""
    entries = [Entry("briefing", bundle, briefing_span(bundle)) for bundle in data.briefings]
    entries += [Entry("event", event, span_of(event.when)) for event in data.events.values()]
    return entries


def context_entries(data: Dataset, index: Index, bundle: BriefingBundle) -> list[Entry]:
    """The context of a briefing: its own context events, the shared events it lists and the other
    briefings it lists (but those a context entry is about, which that entry shows), oldest first."""
    entries = [Entry("context", event, span_of(event.when), bundle.id) for event in bundle.context]
    told = {event.event for event in bundle.context}  # an entry about an event stands for it
    for ref in bundle.briefing.events:
        if ref in told:
            continue
        if ref in data.events:
            entries.append(Entry("event", data.events[ref], span_of(data.events[ref].when)))
        elif ref in index.bundles:  # a listed draft is absent from a published build
            other = index.bundles[ref]
            entries.append(Entry("briefing", other, briefing_span(other)))
    return sorted(entries, key=oldest_first)


def oldest_first(entry: Entry) -> tuple[int, int, int, tuple[str, str, str]]:
    """The order of an oldest-first timeline: by year and month, a date known only to the month
    after the days of that month, and one known only to the year after the months of that year
    (the same places as on the newest-first Timeline page)."""
    span = entry.span
    if span is None:
        return (0, 0, 0, entry.sort_key)
    rank = {"day": 0, "month": 1, "year": 2}[span.precision]
    return (span.year, 13 if rank == 2 else span.month, rank, entry.sort_key)


def by_relation(entries: Iterable[Entry], to: Span | None) -> dict[str, list[Entry]]:
    """Entries under "before", "during", "after" (or "related" if `to` has no date), in that order."""
    groups: dict[str, list[Entry]] = {"before": [], "during": [], "after": [], "related": []}
    for entry in entries:
        groups["related" if entry.span is None else relation(entry.span, to)].append(entry)
    return {name: found for name, found in groups.items() if found}


def actor_entries(data: Dataset, index: Index, actor_id: str) -> list[Entry]:
    """The briefings a person or organisation appears in and the shared events they took part
    in, newest first (briefings with no known date last)."""
    entries = [Entry("briefing", bundle, briefing_span(bundle))
               for bundle, _ in index.appearances_by_briefing.get(actor_id, ())]
    entries += [Entry("event", event, span_of(event.when)) for event in index.events_of.get(actor_id, ())]
    return sorted(entries, key=lambda e: (e.span is not None, e.sort_key), reverse=True)


def derived_date(bundle: BriefingBundle, item: AgendaItem) -> str | None:
    """The one day within the briefing's cited dates (`start` to `end`) that falls on the item's
    weekday; None if the item has its own date, the briefing has no dates, or no day or more than
    one day fits."""
    b = bundle.briefing
    if item.date or not b.start:
        return None
    first, last = dt.date.fromisoformat(b.start), dt.date.fromisoformat(b.end or b.start)
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    fitting = [day for day in days if WEEKDAYS[day.weekday()] == item.day]
    return fitting[0].isoformat() if len(fitting) == 1 else None


def item_date(bundle: BriefingBundle, item: AgendaItem) -> str | None:
    """The item's date: cited, else derived from its weekday (see `derived_date`)."""
    return item.date or derived_date(bundle, item)
