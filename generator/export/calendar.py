"""An iCalendar file (RFC 5545) per briefing agenda: one event per item with a cited date, or a
date derived from its weekday within the briefing's cited dates."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Mapping
from zoneinfo import ZoneInfo

import icalendar

from ..dataset.model import BriefingBundle
from ..dataset.timeline import derived_date, item_date
from ..content.schema import AgendaItem, Citation, Source
from .site import ID_DOMAIN, Linker, SiteInfo

# The official civil time of countries with one national time zone. Agenda times are local
# times; where the country of an item is not listed here the time is written as an iCalendar
# "floating" time (local time, zone unknown) rather than a guessed zone.
NATIONAL_TIME_ZONES = {"CN": "Asia/Shanghai", "HK": "Asia/Hong_Kong", "TW": "Asia/Taipei",
                       "JP": "Asia/Tokyo", "KR": "Asia/Seoul", "SG": "Asia/Singapore",
                       "IN": "Asia/Kolkata", "GB": "Europe/London", "FR": "Europe/Paris",
                       "DE": "Europe/Berlin", "BE": "Europe/Brussels", "CH": "Europe/Zurich"}

_ICS_STATUS = {"planned": "TENTATIVE", "happened": "CONFIRMED", "cancelled": "CANCELLED"}



# icalendar reads a backslash before N in a text as a line break ("\\N", RFC 5545's escape) before
# it escapes the text, so a written "\\N" would come back as a new line. A word joiner (U+2060,
# invisible) between the two keeps the text as written.
_LITERAL_N = "\\N"


def ics_text(text: str) -> str:
    """Text for an iCalendar property, which icalendar escapes: see _LITERAL_N."""
    return text.replace(_LITERAL_N, "\\\u2060N")


def calendar_path(briefing: str) -> str:
    """Where a briefing's agenda calendar goes."""
    return f"briefings/{briefing}/agenda.ics"


def has_calendar(bundle: BriefingBundle) -> bool:
    """Whether the briefing gets an agenda calendar: only if some item can be put on a date.

    RFC 5545 requires a calendar to hold at least one component.
    """
    return any(item_date(bundle, item) for item in bundle.agenda)


def agenda_calendar(bundle: BriefingBundle, sources: Mapping[str, Source], site: SiteInfo,
                    link: Linker) -> bytes:
    """The briefing's agenda as iCalendar: one event per item with a cited or derived date.

    A derived date says so in its event's description. Items that cannot be put on a date (a
    weekday that fits no day, or several, of the briefing's dates) are named in the calendar's
    description instead.
    """
    briefing = bundle.briefing
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{ID_DOMAIN}//briefing agenda//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # icalendar does not know these two as text properties and would not escape a line break.
    calendar.add("name", icalendar.vText(ics_text(f"{briefing.title}: agenda")))
    calendar.add("x-wr-calname", icalendar.vText(ics_text(f"{briefing.title}: agenda")))
    undated = [item for item in bundle.agenda if item_date(bundle, item) is None]
    description = f"Agenda of {briefing.title}, from {site.name}."
    if undated:
        description += ("\n\nNot in this calendar because no cited source gives their date:\n"
                        + "\n".join(f"- {item.day}: {item.title}" for item in undated))
    calendar.add("description", ics_text(description))
    events = [_agenda_event(bundle, item, sources, site, link) for item in bundle.agenda
              if item_date(bundle, item)]
    # The zones the events' times are in, each as a VTIMEZONE before the events (RFC 5545 3.6.5).
    for tzid in sorted({e["dtstart"].params["TZID"] for e in events if "TZID" in e["dtstart"].params}):
        calendar.add_component(_vtimezone(tzid))
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()


@cache
def _vtimezone(tzid: str) -> icalendar.Timezone:
    """icalendar's VTIMEZONE of a zone, made once per process: it takes longer than a calendar."""
    return icalendar.Timezone.from_tzid(tzid)


def _stamp(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(), dt.timezone.utc)


def _time_zone(bundle: BriefingBundle, item: AgendaItem) -> ZoneInfo | None:
    """The zone of the item's city: from the briefing's place of that city, else its only country."""
    countries = [p.country for p in bundle.briefing.places if p.city == item.city]
    if not countries:
        countries = sorted({p.country for p in bundle.briefing.places})
    zone = NATIONAL_TIME_ZONES.get(countries[0]) if len(countries) == 1 else None
    return ZoneInfo(zone) if zone else None


def _citation_text(sources: Mapping[str, Source], citation: Citation, link: Linker, absolute: bool) -> str:
    """A citation as plain text; with the source page's address only when that address is absolute."""
    source = sources[citation.source]
    text = source.title + (f", paragraph {citation.para}" if citation.para else "")
    if citation.quote:
        text += f": \u201c{citation.quote}\u201d"
    if not absolute:
        return text
    return f"{text} <{link.passage(citation)}>"


def _event_description(bundle: BriefingBundle, item: AgendaItem, sources: Mapping[str, Source], link: Linker,
                       absolute: bool) -> str:
    parts = [item.summary.strip()]
    derived = derived_date(bundle, item)
    if derived:
        b = bundle.briefing
        parts.append(f"Date derived from the weekday: the sources give only \"{item.day}\"; {derived} is the "
                     f"only {item.day} within the briefing's cited dates ({b.start} to {b.end or b.start}).")
    if item.outcomes:
        parts.append("Outcomes:\n" + "\n".join(f"- {o}" for o in item.outcomes))
    parts.append("Sources:\n" + "\n".join(f"- {_citation_text(sources, c, link, absolute)}"
                                             for c in item.sources))
    return "\n\n".join(parts)


def _agenda_event(bundle: BriefingBundle, item: AgendaItem, sources: Mapping[str, Source], site: SiteInfo,
                  link: Linker) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"{item.id}.{bundle.id}.agenda@{ID_DOMAIN}")
    event.add("dtstamp", _stamp(bundle.briefing.updated))
    day = dt.date.fromisoformat(item_date(bundle, item) or "")
    if item.time is None:
        event.add("dtstart", day)
    else:
        hour, minute = map(int, item.time.split(":"))
        event.add("dtstart", dt.datetime.combine(day, dt.time(hour, minute), _time_zone(bundle, item)))
    event.add("summary", ics_text(item.title))
    event.add("location", ics_text(", ".join(filter(None, (item.venue, item.city)))))
    # A calendar file has no base address, so relative links would lead nowhere.
    event.add("description", ics_text(_event_description(bundle, item, sources, link, bool(site.url))))
    event.add("status", _ICS_STATUS[item.status])
    event.add("categories", [item.kind])
    if site.url:
        event.add("url", link.record("agenda", item.id, bundle.id))
    return event
