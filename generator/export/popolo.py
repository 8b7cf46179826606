"""People, organisations, their memberships and the events as Popolo JSON (popoloproject.com).

Popolo dates are ISO 8601 with reduced precision allowed, so every date keeps the precision the
content gives it ("2023", "2023-08", "2023-08-28"). A person's memberships are their roles that
name an organisation, dated by the role's `since` and `until` where given; a role without an
organisation has no Popolo membership.
"""

from __future__ import annotations

from typing import Any

from ..content.fields import wikidata_url
from ..dataset.model import Dataset
from ..dataset.timeline import item_date
from ..content.schema import Actor, Organization, Person

POPOLO_JSON = "data/popolo.json"


def popolo_json(data: Dataset) -> dict[str, Any]:
    """The dataset's people, organisations, memberships and events as one Popolo JSON value."""
    memberships = [
        {"id": f"{person.id}-{n}", "person_id": person.id, "organization_id": role.organization,
         "role": role.title, **({"label": role.period} if role.period else {}),
         **({"start_date": role.since} if role.since else {}), **({"end_date": role.until} if role.until else {})}
        for person in data.people.values()
        for n, role in enumerate(person.roles, start=1) if role.organization
    ]
    return {"persons": [_person(p) for p in data.people.values()],
            "organizations": [_organization(o) for o in data.organizations.values()],
            "memberships": memberships, "events": _events(data)}


def _person(person: Person) -> dict[str, Any]:
    out = {"id": person.id, "name": person.name, **_names_and_ids(person)}
    if person.country:
        out["national_identity"] = person.country
    return out


def _organization(org: Organization) -> dict[str, Any]:
    out = {"id": org.id, "name": org.name, "classification": org.kind, **_names_and_ids(org)}
    if org.parent:
        out["parent_id"] = org.parent
    if org.url:
        out["links"] = [{"url": org.url, "note": "website"}, *out.get("links", [])]
    return out


def _names_and_ids(actor: Actor) -> dict[str, Any]:
    """Other names (the short form, the Chinese name) and identifiers (the Wikidata item)."""
    out: dict[str, Any] = {}
    names = [{"name": name, "note": note} for name, note in actor.other_names()]
    if names:
        out["other_names"] = names
    if actor.wikidata:
        out["identifiers"] = [{"scheme": "wikidata", "identifier": actor.wikidata}]
        out.setdefault("links", []).append({"url": wikidata_url(actor.wikidata), "note": "Wikidata"})
    return out


def _events(data: Dataset) -> list[dict[str, Any]]:
    """Shared events, then each briefing's event followed by its agenda items (ids
    'briefing/item', each with the briefing as its parent)."""
    events = [{"id": e.id, "name": e.title, "classification": "event", "start_date": e.when}
              for e in data.events.values()]
    for bundle in data.briefings:
        briefing = bundle.briefing
        events.append({"id": bundle.id, "name": briefing.title, "classification": "briefing",
                       "status": briefing.status, **_dated(briefing.start, briefing.end),
                       "location": "; ".join(place.city for place in briefing.places)})
        for item in bundle.agenda:
            events.append({"id": f"{bundle.id}/{item.id}", "name": item.title, "classification": item.kind,
                           "status": item.status, "parent_id": bundle.id,
                           "location": f"{item.venue}, {item.city}" if item.venue else item.city,
                           **_dated(item_date(bundle, item), None)})
    return events


def _dated(start: str | None, end: str | None) -> dict[str, str]:
    # Popolo dates with a time must give the zone, which the content does not: days only.
    return {key: value for key, value in (("start_date", start), ("end_date", end)) if value}
