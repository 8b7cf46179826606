"""The one definition of the content: record types, field rules, references and documentation.

Validation (validate.py), the JSON Schema that editors' YAML language servers read (`briefing
schema`), and the field reference in the authoring guide are all generated from these models.
Pydantic was chosen over a hand-kept JSON Schema file because it gives typed, immutable records
to the later stages as well as validation and the schema, from the same lines.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from .fields import (ActorRef, AgendaRef, ApproxDate, Country, Date, EventRef, Id, IssueRef, Markdown,
                     OrganizationRef, PersonRef, Text, TextFile, Time, Url, Weekday, WikidataId)
from .records import Citation, Citations, Claim, EditorNote, Paragraph, Record, SharedDraft, Source

# Defined in records.py:
__all__ = ["Citation", "Citations", "Claim", "EditorNote", "Paragraph", "Record", "SharedDraft", "Source"]

class Role(Record):
    """A position a person holds or held."""

    title: Text
    """The title, as the source states it: "Commerce Secretary", "Vice Premier"."""
    organization: OrganizationRef | None = None
    """The organisation the role belongs to."""
    period: Text | None = None
    """When the role was held, in words, where `since`, `until` and `as_of` cannot say it."""
    since: ApproxDate | None = None
    """When the holder took the role, where a cited source gives it: '2023-03-12' or '2023-03'."""
    until: ApproxDate | None = None
    """When the holder left the role, where a cited source gives it."""
    as_of: ApproxDate | None = None
    """When the cited sources show the role held, as precisely as they give it ('2023-08' for a
    briefing of August 2023): pages read "in August 2023", never implying it is held still."""
    sources: Citations
    """Where the role is stated."""


class Actor(Record):
    """What a person and an organisation have in common: an id, names, a country, a Wikidata item.

    Statements, disputes, agreements and events name either (an `ActorRef`); pages and exports
    treat these fields of both alike."""

    id: Id
    """The id: usually the name in lowercase with hyphens, like 'wang-wentao', or a common short
    form, like 'mofcom'."""
    name: Text
    """The full name, as the sources write it in English."""
    name_zh: Text | None = None
    """The name in Chinese characters, where known."""
    country: Country | None = None
    """The country the person or organisation belongs to; for an official, the one they serve."""
    wikidata: WikidataId | None = None
    """The Wikidata item, like 'Q42', only where you are sure it is this person's or organisation's own."""

    def display_name(self) -> str:
        """The name, with the Chinese name in brackets where known: "Wang Wentao (王文涛)"."""
        return f"{self.name} ({self.name_zh})" if self.name_zh else self.name

    def other_names(self) -> tuple[tuple[str, str], ...]:
        """The names besides `name`, each with what it is: ("王文涛", "Chinese")."""
        return ((self.name_zh, "Chinese"),) if self.name_zh else ()


class Person(Actor):
    """A person named in a briefing."""

    roles: list[Role] = Field(min_length=1)
    """The person's roles, current one first, each once (cite every source that names it), with
    its organisation; the title without the country ("Commerce Secretary"), which the site adds."""
    sources: Citations
    """Where the person is mentioned."""
    draft: SharedDraft = False


class Organization(Actor):
    """A ministry, department, government, company or other body."""

    short_name: Text | None = None
    """A common short form, like 'MOFCOM'."""
    kind: Literal["government", "ministry", "department", "agency", "company", "association",
                  "international", "other"]
    """What sort of body it is."""
    parent: OrganizationRef | None = None
    """The organisation this one is part of."""
    url: Url | None = None
    """The organisation's website."""
    sources: Citations
    """Where the organisation is mentioned."""
    draft: SharedDraft = False

    def other_names(self) -> tuple[tuple[str, str], ...]:
        """The short form first, then the names every actor may have."""
        return (((self.short_name, "short name"),) if self.short_name else ()) + super().other_names()


class Place(Record):
    """A city a briefing's event took place in."""

    city: Text
    """The city."""
    country: Country
    """The country code."""


class Takeaway(Record):
    """One key point of a briefing, with its citations."""

    text: Markdown
    """The point, in a sentence or two."""
    sources: Citations
    """Where it comes from."""


class Term(Record):
    """A term a reader may not know, explained in a briefing's glossary."""

    id: Id
    """The term's id within the briefing, used in the glossary's addresses."""
    term: Text
    """The term as the pages write it; its first use on each page of the briefing links here."""
    definition: Markdown
    """What it means here, as the cited sources support it."""
    sources: Citations
    """Where the facts of the definition come from."""


class Briefing(Record):
    """A briefing: one event or visit, with its summary and key takeaways (briefing.yml)."""

    title: Text
    """The briefing's headline."""
    subtitle: Text | None = None
    """A one-line description under the headline."""
    start: Date | None = None
    """The first day of the event, where a cited source gives it; orders the archive, newest first."""
    end: Date | None = None
    """The last day of the event, where a cited source gives it."""
    places: list[Place] = Field(min_length=1)
    """Where it took place."""
    status: Literal["upcoming", "ongoing", "concluded"]
    """Whether the event is still to come, under way or over. Of a concluded briefing, agenda
    items still `planned` are shown as scheduled but not confirmed."""
    updated: Date
    """When the briefing was last revised; shown beside it and in the feed."""
    as_of: Date | None = None
    """The date the briefing's facts are as of: what the sources say up to that day. A later
    development is told with its own date (a dispute's `history`, a context event's `when`)."""
    draft: bool = False
    """true while the briefing is being written: checked, but left out of the published site
    (`briefing build --drafts` and `briefing serve --drafts` show it)."""
    principals: list[PersonRef] = Field(default_factory=list)
    """The main people involved, shown in the at-a-glance panel."""
    summary: Markdown
    """What happened, in a paragraph."""
    takeaways: list[Takeaway] = Field(default_factory=list)
    """The key points a reader should leave with."""
    glossary: list[Term] = Field(default_factory=list)
    """Terms explained on the disputes page, each linked from its first use on every page."""
    why_it_matters: list[Takeaway] = Field(default_factory=list)
    """Why the event matters, a sentence or two each, shown at a glance."""
    what_to_watch: list[Takeaway] = Field(default_factory=list)
    """What is announced or expected next, a sentence or two each, shown at a glance."""
    claims: list[Claim] = Field(default_factory=list)
    """Where the sources disagree on a fact of the briefing: each source's account, one preferred."""
    events: list[EventRef] = Field(default_factory=list)
    """Shared events (events.yml) and other briefings that belong on this briefing's context timeline."""
    sources: Citations
    """Where the summary, dates and places come from."""


class AgendaItem(Record):
    """One engagement of the visit: a meeting, a call, travel (agenda.yml)."""

    id: Id
    """The item's id within the briefing."""
    title: Text
    """A short name for the engagement."""
    day: Weekday
    """The weekday, as the sources give it."""
    date: Date | None = None
    """The calendar date, only where a cited source gives it; must fall on `day`. Without it, the
    agenda's calendar file derives the date from `day` where one day of the briefing's dates fits."""
    time: Time | None = None
    """Local start time, where known."""
    city: Text
    """The city."""
    venue: Text | None = None
    """The building or place, where known."""
    kind: Literal["meeting", "talks", "courtesy-call", "working-session", "visit", "travel",
                  "departure", "arrival", "other"]
    """What sort of engagement it was."""
    status: Literal["planned", "happened", "cancelled"]
    """`happened` only where a cited source confirms it took place; `planned` where the sources
    report it as scheduled (shown as "not confirmed" once the briefing is concluded)."""
    participants: list[PersonRef] = Field(default_factory=list)
    """The people who took part, or were scheduled to."""
    organizations: list[OrganizationRef] = Field(default_factory=list)
    """The organisations involved or hosting."""
    summary: Markdown
    """What happened (or is planned)."""
    outcomes: list[Text] = Field(default_factory=list)
    """What came out of it, one line each."""
    sources: Citations
    """Where the engagement is reported."""
    editor_note: EditorNote = None


class Response(Record):
    """The other side's stated position on a dispute."""

    by: list[ActorRef] = Field(min_length=1)
    """Who states it."""
    position: Markdown
    """The position, as stated."""
    sources: Citations
    """Where it is stated."""


DisputeStatus = Literal["raised", "under-discussion", "referred", "unresolved", "resolved"]


class StatusChange(Record):
    """One dated step in a dispute's history: what happened and where the dispute then stood."""

    when: ApproxDate
    """When, as precisely as a cited source gives it."""
    status: DisputeStatus | None = None
    """Where the dispute stood after this step, if the step changed it."""
    text: Markdown
    """What happened."""
    sources: Citations
    """Where it is reported."""


class Dispute(Record):
    """A concern one side raised against the other (disputes.yml)."""

    id: Id
    """The dispute's id within the briefing."""
    title: Text
    """The concern, in a few words."""
    category: Literal["tariffs", "semiconductors", "investment", "subsidies", "sanctions",
                      "export-controls", "market-access", "security", "consular", "diplomatic",
                      "human-rights", "other"]
    """What area of policy it concerns: trade and economic ones (`tariffs` to `market-access`),
    `security` (military channels, defence), `consular` (detained or barred citizens, visas),
    `diplomatic` (Taiwan, representation, channels of talks), `human-rights`; else `other`."""
    raised_by: list[ActorRef] = Field(min_length=1)
    """Who raised it: people and organisations."""
    raised_at: AgendaRef | None = None
    """The agenda item where it was raised."""
    description: Markdown
    """What the concern is, as the side that raised it puts it."""
    measure: Markdown | None = None
    """What the measure complained of is (its law, date, scope, rates or thresholds), as the cited
    sources describe it."""
    measure_sources: list[Citation] = Field(default_factory=list)
    """Where the description of the measure comes from, if not from the dispute's `sources`."""
    ask: Markdown | None = None
    """What the side that raised it asks for, as the cited sources state it."""
    ask_sources: list[Citation] = Field(default_factory=list)
    """Where the ask is stated, if not in the dispute's `sources`."""
    response: Response | None = None
    """The other side's stated position on this concern."""
    claims: list[Claim] = Field(default_factory=list)
    """Where the sources disagree on a fact of the concern (a word, a name): each source's account,
    one preferred."""
    status: DisputeStatus
    """Where the dispute stands now: `raised` (put to the other side), `under-discussion` (the sides
    are talking about it), `referred` (handed to a working group or another forum), `unresolved`
    (the sides stated their positions and stay apart), `resolved`."""
    history: list[StatusChange] = Field(default_factory=list)
    """How it got there: dated steps, oldest first."""
    sources: Citations
    """Where the concern is reported."""
    editor_note: EditorNote = None


class NextStep(Record):
    """A step announced to follow an agreement."""

    text: Markdown
    """What is to happen."""
    when: ApproxDate | None = None
    """When, as precisely as known."""
    when_text: Text | None = None
    """When, in words, if the sources are vague: "on Tuesday", "early 2024"."""
    sources: Citations
    """Where the step is announced."""
    editor_note: EditorNote = None


class Agreement(Record):
    """Something the sides agreed (agreements.yml)."""

    id: Id
    """The agreement's id within the briefing."""
    title: Text
    """The agreement, in a few words."""
    parties: list[ActorRef] = Field(min_length=1)
    """Who agreed: people and organisations."""
    agreed_at: AgendaRef | None = None
    """The agenda item where it was agreed."""
    description: Markdown
    """What was agreed."""
    claims: list[Claim] = Field(default_factory=list)
    """Where the sources disagree on what was agreed: each source's account, one preferred."""
    next_steps: list[NextStep] = Field(default_factory=list)
    """What is to follow, in order."""
    sources: Citations
    """Where the agreement is reported."""
    editor_note: EditorNote = None


class Statement(Record):
    """Something a side said: an exact quote or a paraphrase (statements.yml)."""

    id: Id
    """The statement's id within the briefing."""
    speaker: ActorRef
    """Who said it: a person or an organisation."""
    kind: Literal["quote", "paraphrase"]
    """`quote` only when `text` is the exact words of a cited source; otherwise `paraphrase`."""
    text: Text
    """The words: verbatim for a quote, in our words for a paraphrase."""
    date: Date | None = None
    """When it was said, where a cited source gives the date."""
    at: AgendaRef | None = None
    """The agenda item where it was said."""
    about: list[IssueRef] = Field(default_factory=list)
    """The disputes and agreements it bears on."""
    sources: Citations
    """Where it is reported."""
    editor_note: EditorNote = None


class Happening(Record):
    """What a context entry and a shared event have in common: when, what, who, and where from."""

    id: Id
    """The event's id within the briefing."""
    when: ApproxDate
    """When, as precisely as known: 2023, 2023-07 or 2023-08-09. Orders the timeline."""
    when_text: Text | None = None
    """When, as the source words it, if vaguer than `when`: "earlier in 2023". Kept in the data
    exports; pages show `when` plainly, as precise as it is written."""
    title: Text
    """What happened, in a few words."""
    summary: Markdown
    """What happened and why it matters."""
    actors: list[ActorRef] = Field(default_factory=list)
    """The people and organisations involved."""
    claims: list[Claim] = Field(default_factory=list)
    """Where the sources word or report the event differently: each source's account, one preferred."""
    sources: Citations
    """Where it is reported."""
    editor_note: EditorNote = None


class ContextEvent(Happening):
    """Something before or after the event that explains it, for this briefing only (context.yml)."""

    event: EventRef | None = None
    """The shared event (events.yml) or other briefing this entry is about: the timeline shows the
    entry's own title, text and citations, with a link to it, and it counts as listed under the
    briefing's `events` (no need to list it there too)."""


class Event(Happening):
    """An event that several briefings share as context: a visit, an order, a summit (events.yml)."""

    id: Id
    """The event's id, unique across events and briefings; briefings list it under `events`."""
    draft: SharedDraft = False


@dataclass(frozen=True)
class FileKind:
    """One kind of content file: its name, its record model, and whether it holds a list."""

    kind: str
    filename: str
    model: type[Record]
    is_list: bool
    shared: bool


FILE_KINDS: tuple[FileKind, ...] = (
    FileKind("source", "sources.yml", Source, True, True),
    FileKind("person", "people.yml", Person, True, True),
    FileKind("organization", "organizations.yml", Organization, True, True),
    FileKind("event", "events.yml", Event, True, True),
    FileKind("briefing", "briefing.yml", Briefing, False, False),
    FileKind("agenda", "agenda.yml", AgendaItem, True, False),
    FileKind("dispute", "disputes.yml", Dispute, True, False),
    FileKind("agreement", "agreements.yml", Agreement, True, False),
    FileKind("statement", "statements.yml", Statement, True, False),
    FileKind("context", "context.yml", ContextEvent, True, False),
)
KINDS = {k.kind: k for k in FILE_KINDS}


SCHEMA_BASE_URI = "https://briefing-sites.invalid/schema/"


def json_schemas() -> dict[str, dict]:
    """The JSON Schema of each content file, by schema file name (`people.schema.json`, ...)."""
    from pydantic import TypeAdapter

    from .linkreport import LINK_REPORT, LinkCheck

    schemas = {}
    # The report `briefing links` writes beside the content files is read as they are.
    report = FileKind("link-report", LINK_REPORT, LinkCheck, True, True)
    for file_kind in (*FILE_KINDS, report):
        name = file_kind.filename.removesuffix(".yml") + ".schema.json"
        if file_kind.is_list:
            schema = TypeAdapter(list[file_kind.model]).json_schema()
            schema["description"] = f"{file_kind.filename}: a list of records. " + (file_kind.model.__doc__ or "")
        else:
            schema = file_kind.model.model_json_schema()
        schemas[name] = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                         "$id": SCHEMA_BASE_URI + name, "title": file_kind.filename, **schema}
    return schemas


def schema_files() -> dict[str, str]:
    """Schema file name -> its JSON text, exactly as `briefing schema` writes it and the site publishes it."""
    return {name: json.dumps(s, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
            for name, s in sorted(json_schemas().items())}
