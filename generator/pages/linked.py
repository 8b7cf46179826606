"""Linked data: each record as schema.org JSON-LD, for the `<script type="application/ld+json">`
of its page.

The functions here build plain JSON values; the pages' templates write them through the
`json_ld` filter, which makes them safe inside a script element. Dates keep the precision the
content gives them ("2023", "2023-08" or "2023-08-28"), as ISO 8601 and schema.org allow.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from ..content.fields import wikidata_url
from .markup import script_json
from ..dataset.model import BriefingBundle, Dataset
from ..dataset.timeline import item_date
from ..content.schema import Actor, Event, Organization, Person

CONTEXT = "https://schema.org"
# Agenda item states that schema.org names; a planned or happened item is simply scheduled.
_EVENT_STATUS = {"cancelled": "https://schema.org/EventCancelled"}


def json_ld(value: dict[str, Any]) -> Markup:
    """A JSON-LD value as the text of a script element: JSON whose `<`, `>`, `&` and line
    separators are \\u escapes, so that no content can end the element."""
    return Markup(script_json(value))


def person_ld(person: Person, data: Dataset) -> dict[str, Any]:
    """A person as a schema.org Person, with the organisations of their roles."""
    out = {"@context": CONTEXT, **_actor(person), "jobTitle": person.roles[0].title}
    employers = dict.fromkeys(role.organization for role in person.roles if role.organization)
    if employers:
        out["worksFor"] = [_actor(data.organizations[oid]) for oid in employers]
    return out


def organization_ld(org: Organization, data: Dataset) -> dict[str, Any]:
    """An organisation as a schema.org Organization, with its parent and website."""
    out = {"@context": CONTEXT, **_actor(org)}
    if org.url:
        out["url"] = org.url
    if org.parent:
        out["parentOrganization"] = _actor(data.organizations[org.parent])
    return out


def briefing_ld(bundle: BriefingBundle, data: Dataset) -> dict[str, Any]:
    """A briefing's event as a schema.org Event: its dates, places and principals."""
    briefing = bundle.briefing
    out = {"@context": CONTEXT, "@type": "Event", "name": briefing.title,
           "location": [_place(place.city, place.country) for place in briefing.places]}
    out.update(_dates(briefing.start, briefing.end))
    if briefing.principals:
        out["attendee"] = [_actor(data.people[pid]) for pid in briefing.principals]
    return out


def event_ld(event: Event, data: Dataset) -> dict[str, Any]:
    """A shared event as a schema.org Event, dated as precisely as the content dates it."""
    out = {"@context": CONTEXT, "@type": "Event", "name": event.title, "startDate": event.when}
    if event.actors:
        out["actor"] = [_actor(data.actor(aid)) for aid in event.actors]
    return out


def agenda_ld(bundle: BriefingBundle, data: Dataset) -> dict[str, Any]:
    """A briefing's agenda as a graph of schema.org Events, one per item, each part of the
    briefing's event; an item has a start only where it has a date (cited or derived)."""
    events = []
    for item in bundle.agenda:
        event = {"@type": "Event", "name": item.title, "location": _place(item.city, None, item.venue),
                 "superEvent": {"@type": "Event", "name": bundle.briefing.title}}
        day = item_date(bundle, item)
        if day:
            event["startDate"] = f"{day}T{item.time}" if item.time else day
        if item.status in _EVENT_STATUS:
            event["eventStatus"] = _EVENT_STATUS[item.status]
        if item.participants:
            event["attendee"] = [_actor(data.people[pid]) for pid in item.participants]
        if item.organizations:
            event["organizer"] = [_actor(data.organizations[oid]) for oid in item.organizations]
        events.append(event)
    return {"@context": CONTEXT, "@graph": events}


def _actor(actor: Actor) -> dict[str, Any]:
    """A person or organisation named inside another value: type, names and Wikidata item."""
    out: dict[str, Any] = {"@type": "Person" if isinstance(actor, Person) else "Organization", "name": actor.name}
    other_names = [name for name, _ in actor.other_names()]
    if other_names:
        out["alternateName"] = other_names
    if actor.country:
        out["nationality" if isinstance(actor, Person) else "areaServed"] = {"@type": "Country",
                                                                              "identifier": actor.country}
    if actor.wikidata:
        out["sameAs"] = wikidata_url(actor.wikidata)
    return out


def _place(city: str, country: str | None, venue: str | None = None) -> dict[str, Any]:
    address: dict[str, Any] = {"@type": "PostalAddress", "addressLocality": city}
    if country:
        address["addressCountry"] = country
    return {"@type": "Place", "name": venue or city, "address": address}


def _dates(start: str | None, end: str | None) -> dict[str, str]:
    return {key: value for key, value in (("startDate", start), ("endDate", end)) if value}


LINKED_DATA = {"json_ld": json_ld, "wikidata_url": wikidata_url, "person_ld": person_ld,
               "organization_ld": organization_ld, "briefing_ld": briefing_ld, "event_ld": event_ld,
               "agenda_ld": agenda_ld}
"""What page templates see of this module: JSON-LD makers, the filter, and the Wikidata address."""
