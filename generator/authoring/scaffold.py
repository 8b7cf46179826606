"""Scaffolds for `briefing new`: records with every field present and explained, valid as written.

Each field is written under a comment made from its docstring and its type in words (the same
words as the authoring guide's reference); optional fields whose example would be a made-up fact
are written commented out. A scaffold cites an existing source and names an existing person or
organisation, and is a draft (`draft: true`), so `briefing check` passes the moment it is written,
with its placeholders listed as notes; the editor replaces the `TODO` text and the placeholders.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, get_args

from pydantic import BaseModel

from ..errors import ContentError
from ..read.load import BRIEFING_FILES, BRIEFINGS_DIR, read_text
from ..read.parse import Document, parse_yaml
from .reference import description, field_words
from ..content.fields import id_problem
from ..content.schema import KINDS

WIDTH = 100
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9-]*|\d{4}-\d{2}-\d{2}")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


NOUNS = {"source": "source", "person": "person", "organization": "organisation", "event": "event",
         "briefing": "briefing"}
_SHARING_IDS = {"person": ("organization",), "organization": ("person",)}


class ScaffoldError(Exception):
    """A scaffold that cannot be written; the message says why and what to do."""


@dataclass(frozen=True)
class Off:
    """An optional field's example, written commented out."""

    value: Any


@dataclass(frozen=True)
class Subject:
    """What a scaffold refers to: the source it cites, the actor it names, and today's date."""

    source: str
    actor: str | None = None
    actor_is_person: bool = True
    organization: str | None = None
    today: dt.date = dt.date(2000, 1, 1)


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if _PLAIN.fullmatch(value) and value.lower() not in _YAML_WORDS:
        return value
    return json.dumps(value, ensure_ascii=False)


def _comment(text: str, indent: int) -> list[str]:
    pad = " " * indent
    return textwrap.wrap(text, WIDTH - indent - 2, initial_indent=pad + "# ", subsequent_indent=pad + "# ",
                         break_on_hyphens=False, break_long_words=False)


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def emit(model: type[BaseModel], values: dict[str, Any], indent: int,
         documented: set[type] | None) -> list[str]:
    """YAML lines of one record at `indent`.

    The fields of a model not yet in `documented` get comments (the first record of each kind in a
    file explains it; later ones stay short); `documented=None` writes no comments at all.
    """
    lines: list[str] = []
    explain = documented is not None and model not in documented
    for name, info in model.model_fields.items():
        value = values[name]
        off = isinstance(value, Off)
        value = value.value if off else value
        if explain:
            words = field_words(info).replace("`", "")
            optional = "" if info.is_required() else " Optional" + (": uncomment to use." if off else ".")
            lines += _comment(f"{description(model, name)} Type: {words}.{optional}", indent)
        block = _field(name, value, _model_of(info.annotation), indent, documented)
        lines += [line[:indent] + "# " + line[indent:] for line in block] if off else block
    if documented is not None:
        documented.add(model)
    return lines


def _field(name: str, value: Any, inner: type[BaseModel] | None, indent: int,
           documented: set[type] | None) -> list[str]:
    pad = " " * indent
    if isinstance(value, dict):
        return [f"{pad}{name}:"] + emit(inner, value, indent + 2, documented)
    if isinstance(value, list) and value and isinstance(value[0], dict):
        lines = [f"{pad}{name}:"]
        for item in value:
            lines += as_list_item(emit(inner, item, indent + 4, documented), indent + 2)
        return lines
    if isinstance(value, list):
        return [f"{pad}{name}: [" + ", ".join(_scalar(v) for v in value) + "]"]
    return [f"{pad}{name}: {_scalar(value)}"]


def as_list_item(lines: list[str], dash_at: int) -> list[str]:
    """A record's lines (indented by dash_at + 2) as an item of a block list."""
    first = lines[0]
    return [first[:dash_at] + "- " + first[dash_at + 2:]] + lines[1:]


# Off, so that a scaffold's note never holds a TODO that would stop a build.
NOTE = Off("how the sources differ, or what is still to check (never shown in the reader's text)")


def _cite(subject: Subject) -> dict[str, Any]:
    return {"source": subject.source, "para": Off(1),
            "quote": Off("a few words of the source that support the fact")}


def _name_from_id(rid: str) -> str:
    return " ".join(part.capitalize() for part in rid.split("-"))


def record_values(kind: str, rid: str | None, subject: Subject) -> dict[str, Any]:
    """The example values of a scaffold record of `kind`, every field present."""
    cite = [_cite(subject)]
    # Off: most facts have one account; uncommented, a fact where the sources differ.
    # The preferred account says no difference (the others say how they differ from it).
    claims = Off([{"text": "TODO: the account the briefing stands by.", "rank": "preferred", "sources": cite,
                   "difference": Off(None)},
                  {"text": "TODO: another source's account.", "rank": "also-reported", "sources": cite,
                   "difference": Off("TODO: how this account differs from the preferred one, in one sentence.")}])
    today = subject.today.isoformat()
    actor = subject.actor
    person = actor if subject.actor_is_person else None
    organization = actor if not subject.actor_is_person else None
    # What every person and organisation has (schema.Actor), and their citations and draft mark.
    named = {"id": rid, "name": f"TODO: {_name_from_id(rid or 'x')}", "name_zh": Off("TODO"), "country": Off("US"),
             "wikidata": Off("Q42"), "sources": cite, "draft": True}
    examples: dict[str, dict[str, Any]] = {
        "source": {
            "id": rid, "title": "TODO: the source's own title", "standfirst": Off("TODO: its subtitle"),
            "publisher": "TODO: who published it", "kind": "article", "date": Off(today),
            "author": Off("TODO: who wrote it"), "url": Off("https://example.com/the-article"),
            "republication": Off(True),
            "archive_url": Off("https://web.archive.org/web/2023/https://example.com/the-article"),
            "description": Off("TODO: what the source is and how the briefing uses it."),
            "paragraphs": [{"n": 1, "about": "TODO: what the first paragraph covers, in your own words"}],
            "text_file": Off(f"texts/{rid or 'the-source'}.txt"),
            "excerpts": Off(["TODO: a short passage of the source, word for word"]),
            "editor_note": NOTE, "draft": True,
        },
        "person": {
            **named,
            "roles": [{"title": "TODO: the role, as the source states it",
                       "organization": Off(subject.organization or "an-organisation-id"),
                       "period": Off("since 2023"), "since": Off(today), "until": Off(today),
                       "as_of": Off(today), "sources": cite}],
        },
        "organization": {
            **named, "short_name": Off("TODO"), "kind": "other",
            "parent": Off(subject.organization or "an-organisation-id"), "url": Off("https://example.com"),
        },
        "briefing": {
            "title": "TODO: the briefing's headline", "subtitle": Off("TODO: one line under the headline"),
            "start": Off(today), "end": Off(today),
            "places": [{"city": "TODO: the city", "country": "US"}],
            "status": "upcoming", "updated": today, "as_of": Off(today), "draft": True,
            "principals": [person] if person else Off(["a-person-id"]),
            "summary": "TODO: what happened, in a paragraph.",
            "takeaways": [{"text": "TODO: a key point, in a sentence or two.", "sources": cite}],
            "glossary": [{"id": "a-term", "term": "TODO: a term readers may not know",
                          "definition": "TODO: what it means, as the sources support it.", "sources": cite}],
            "why_it_matters": [{"text": "TODO: why the event matters, in a sentence or two.", "sources": cite}],
            "what_to_watch": [{"text": "TODO: what is expected next, in a sentence or two.", "sources": cite}],
            "claims": claims, "events": Off(["an-event-or-briefing-id"]), "sources": cite,
        },
        "event": {
            "id": rid, "when": str(subject.today.year), "when_text": Off("earlier this year"),
            "title": "TODO: what happened, in a few words",
            "summary": "TODO: what happened and why it matters.",
            # Off: the scaffold knows no one who took part (the last person in a file would be a guess).
            "actors": Off(["a-person-or-organisation-id"]),
            "claims": claims, "sources": cite, "editor_note": NOTE, "draft": True,
        },
        "agenda": {
            "id": "first-engagement", "title": "TODO: a short name for the engagement", "day": "Monday",
            "date": Off("2023-08-28"), "time": Off("09:30"), "city": "TODO: the city",
            "venue": Off("TODO: the building"), "kind": "meeting", "status": "planned",
            "participants": [person] if person else [],
            "organizations": [organization] if organization else [],
            "summary": "TODO: what happened, or what is planned.",
            "outcomes": Off(["TODO: what came out of it, one line each"]), "sources": cite, "editor_note": NOTE,
        },
        "dispute": {
            "id": "first-dispute", "title": "TODO: the concern, in a few words", "category": "other",
            "raised_by": [actor], "raised_at": "first-engagement",
            "description": "TODO: what the concern is.",
            "measure": Off("TODO: what the measure is, as the sources describe it."),
            "measure_sources": Off(cite), "ask": Off("TODO: what the side that raised it asks for."),
            "ask_sources": Off(cite),
            "response": {"by": [actor], "position": "TODO: the other side's stated position.",
                         "sources": cite},
            "claims": claims,
            "status": "raised",
            "history": [{"when": today, "status": Off("raised"), "text": "TODO: what happened, and when.",
                         "sources": cite}],
            "sources": cite, "editor_note": NOTE,
        },
        "agreement": {
            "id": "first-agreement", "title": "TODO: the agreement, in a few words", "parties": [actor],
            "agreed_at": "first-engagement", "description": "TODO: what was agreed.", "claims": claims,
            "next_steps": [{"text": "TODO: what is to happen next.", "when": Off(today),
                            "when_text": Off("early next year"), "sources": cite, "editor_note": NOTE}],
            "sources": cite, "editor_note": NOTE,
        },
        "statement": {
            "id": "first-statement", "speaker": actor, "kind": "paraphrase",
            "text": "TODO: what was said, in your own words (or the exact words, with kind: quote).",
            "date": Off(today), "at": "first-engagement", "about": ["first-dispute"], "sources": cite,
            "editor_note": NOTE,
        },
        "context": {
            "id": "first-background-event", "when": str(subject.today.year),
            "when_text": Off("earlier this year"),
            "title": "TODO: what happened before, in a few words",
            "summary": "TODO: what happened and why it matters.", "actors": [actor], "claims": claims,
            "sources": cite, "editor_note": NOTE, "event": Off("an-event-or-briefing-id"),
        },
    }
    return examples[kind]


def render_record(kind: str, rid: str | None, subject: Subject) -> list[str]:
    """The YAML lines of one scaffold record, as a list item for list files."""
    file_kind = KINDS[kind]
    if file_kind.is_list:
        return as_list_item(emit(file_kind.model, record_values(kind, rid, subject), 2, set()), 0)
    return emit(file_kind.model, record_values(kind, rid, subject), 0, set())


def file_header(file: Path, kind: str, project: Path) -> list[str]:
    """The first lines of a new content file: its JSON Schema for editors, and what it holds."""
    file_kind = KINDS[kind]
    schema = project / "schema" / (file_kind.filename.removesuffix(".yml") + ".schema.json")
    relative = Path(os.path.relpath(schema, file.parent)).as_posix()
    what = " ".join((file_kind.model.__doc__ or "").split())
    holds = "A list of records, each starting with '- '. " if file_kind.is_list else ""
    return [f"# yaml-language-server: $schema={relative}",
            *_comment(f"{file_kind.filename}: {holds}{what} Every field is explained above it; "
                      "optional fields that are commented out are off until you uncomment them. "
                      "The field reference is in AUTHORING.md.", 0), ""]


def check_id(value: str, what: str) -> str:
    """`value` if it is a valid id, else a ScaffoldError in the schema's own words."""
    problem = id_problem(value)
    if problem is None:
        return value
    message, hint = problem
    raise ScaffoldError(f"{what} '{value}': {message}" + (f" ({hint})" if hint else ""))


@dataclass(frozen=True)
class SharedFile:
    """A shared content file as it stands: its text and the records it holds."""

    path: Path
    display: str
    text: str | None
    records: tuple[dict, ...]

    @property
    def ids(self) -> list[str]:
        return [r["id"] for r in self.records if isinstance(r, dict) and isinstance(r.get("id"), str)]


def read_shared(content: Path, kind: str) -> SharedFile:
    """A shared file's text and records; a ScaffoldError if it cannot be read as a list."""
    file = content / KINDS[kind].filename
    display = f"{content.as_posix()}/{file.name}"
    if not file.exists():
        return SharedFile(file, display, None, ())
    text = read_text(file, display)
    parsed = text if isinstance(text, ContentError) else parse_yaml(text, display, kind)
    if isinstance(parsed, ContentError):
        raise ScaffoldError(f"{parsed} (fix it first; `briefing check` lists every problem)")
    data = parsed.data if parsed.data is not None else []
    if not isinstance(data, list):
        raise ScaffoldError(f"{display} should be a list of records; fix it first (`briefing check`)")
    return SharedFile(file, display, text, tuple(data))


def _pick(shared: SharedFile, wanted: str | None, what: str, command: str) -> str | None:
    if wanted is None:
        return shared.ids[-1] if shared.ids else None
    if wanted not in shared.ids:
        raise ScaffoldError(f"there is no {what} '{wanted}' in {shared.display} "
                            f"(add it with `briefing new {command} {wanted}`)")
    return wanted


def subject_for(content: Path, *, source: str | None, actor: str | None, today: dt.date,
                need_actor: bool) -> Subject:
    """The existing source (and actor) a scaffold will refer to: the ones asked for, else the last."""
    sources = read_shared(content, "source")
    cited = _pick(sources, source, "source", "source")
    if cited is None:
        raise ScaffoldError(f"there is no source to cite in {sources.display}: every fact needs one "
                            "(add it first with `briefing new source ID`)")
    people, organizations = read_shared(content, "person"), read_shared(content, "organization")
    organization = organizations.ids[-1] if organizations.ids else None
    if actor is not None and actor not in people.ids + organizations.ids:
        raise ScaffoldError(f"there is no person or organisation '{actor}' in {people.display} or "
                            f"{organizations.display} (add it with `briefing new person {actor}`)")
    named = actor or (people.ids[-1] if people.ids else organization)
    if need_actor and named is None:
        raise ScaffoldError(f"there is no person or organisation to name in {people.display}: a "
                            "briefing's disputes and statements need one (add one first with "
                            "`briefing new person ID`)")
    return Subject(cited, named, named in people.ids, organization, today)


def append_record(content: Path, kind: str, rid: str, subject: Subject, after: str | None = None) -> Path:
    """Add a scaffold record with id `rid` to the shared file of `kind`, creating the file if
    needed: at its end, or just after the record `after` (people are listed by rank, the most
    senior first)."""
    check_id(rid, NOUNS[kind])
    shared = read_shared(content, kind)
    others = [shared] + [read_shared(content, k) for k in _SHARING_IDS.get(kind, ())]
    for other in others:
        if rid in other.ids:
            shared_ids = " (people and organisations share one set of ids)" if other is not shared else ""
            raise ScaffoldError(f"{other.display} already has a record with id '{rid}'{shared_ids}; "
                                "choose another id, or edit that record")
    if after is not None and after not in shared.ids:
        raise ScaffoldError(f"there is no record '{after}' in {shared.display} to put '{rid}' after")
    record = render_record(kind, rid, subject)
    if shared.text is None:
        text = "\n".join(file_header(shared.path, kind, content.parent) + record) + "\n"
    else:
        existing = shared.text if shared.records else _drop_empty_list(shared.text)
        text = _inserted(existing, shared, after, record, kind) if after is not None else \
            existing.rstrip("\n") + "\n\n" + "\n".join(record) + "\n"
    parsed = parse_yaml(text, shared.display, kind)
    records = parsed.data if isinstance(parsed, Document) and isinstance(parsed.data, list) else []
    ids = [r.get("id") if isinstance(r, dict) else None for r in records]
    place = ids.index(rid) if rid in ids else -1
    if place < 0 or (ids[place - 1] != after if after is not None else place != len(ids) - 1):
        raise ScaffoldError(f"cannot add to {shared.display}: write its records as a block list "
                            "(each starting with '- ') and try again")
    content.mkdir(parents=True, exist_ok=True)
    shared.path.write_text(text, encoding="utf-8")
    return shared.path


def _inserted(text: str, shared: SharedFile, after: str, record: list[str], kind: str) -> str:
    """`text` with `record` put between the record `after` and the next, above the next one's
    comments; at the end if `after` is the last."""
    following = shared.ids.index(after) + 1
    parsed = parse_yaml(text, shared.display, kind)
    if following >= len(shared.ids) or not isinstance(parsed, Document):
        return text.rstrip("\n") + "\n\n" + "\n".join(record) + "\n"
    index = next(i for i, r in enumerate(shared.records)
                 if isinstance(r, dict) and r.get("id") == shared.ids[following])
    lines = text.splitlines()
    at = parsed.position((index,)).line - 1
    while at > 0 and lines[at - 1].lstrip().startswith("#"):
        at -= 1
    return "\n".join(lines[:at] + record + [""] + lines[at:]) + "\n"


def _drop_empty_list(text: str) -> str:
    """The text of a file that holds no records, without its `[]` line, keeping its comments."""
    return "\n".join(line for line in text.splitlines() if line.strip() != "[]") + "\n"


def briefing_files(content: Path, slug: str, subject: Subject) -> Iterator[tuple[Path, str]]:
    """(path, text) of each file of a new briefing folder."""
    folder = content / BRIEFINGS_DIR / slug
    for kind in BRIEFING_FILES.values():
        file = folder / KINDS[kind].filename
        lines = file_header(file, kind, content.parent) + render_record(kind, None, subject)
        yield file, "\n".join(lines) + "\n"


def new_briefing(content: Path, slug: str, subject: Subject) -> list[Path]:
    """Create content/briefings/<slug>/ with a scaffold of each of its files."""
    check_id(slug, "briefing")
    folder = content / BRIEFINGS_DIR / slug
    if folder.exists():
        raise ScaffoldError(f"{folder.as_posix()} already exists; choose another id or edit its files")
    files = list(briefing_files(content, slug, subject))
    folder.mkdir(parents=True)
    for file, text in files:
        file.write_text(text, encoding="utf-8")
    return [file for file, _ in files]
