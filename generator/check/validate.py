"""Stage 2: check every document against the schema, then every reference between records.

Per-record checks run first; cross-reference checks (ids unique, references resolve, citations
point at real paragraphs, dates agree) run after them on the records that passed. Every problem
is collected, never raised one at a time.
"""

from __future__ import annotations

import datetime as dt
import re
from types import MappingProxyType
from typing import Any, Callable, Iterable, NamedTuple

from pydantic import ValidationError

from ..errors import ContentError, did_you_mean
from ..read.load import Content
from ..read.parse import Document, Path_
from ..dataset.model import BriefingBundle, Dataset, collect_refs, event_order, iter_records, iter_records_toward, iter_refs, may_hold_field
from ..content.fields import ID_PATTERN, WEEKDAYS, id_problem
from .formats import old_role_forms, para_hint
from .linkcheck import read_link_report
from .schema_errors import describe, schema_error
from ..content.schema import KINDS, AgendaItem, Briefing, Citation, Record
from ..dataset.track import Reuse

_ID_RE = re.compile(ID_PATTERN)


class Located(NamedTuple):
    """A validated record and where it was written. (A tuple: a large archive has many.)"""

    record: Record
    doc: Document
    at: Path_

    def error(self, sub: Path_, message: str, hint: str | None = None) -> ContentError:
        return self.doc.error(self.at + sub, message, hint)


def validate_document(doc: Document) -> tuple[list[Located], list[ContentError], set[str]]:
    """The records of one document that pass the schema, the others' problems, and the valid ids
    of those that fail (so that references to them are not reported a second time as unknown)."""
    errors: list[ContentError] = []
    broken: set[str] = set()
    file_kind = KINDS[doc.kind]
    if file_kind.is_list:
        items = doc.data if doc.data is not None else []
        if not isinstance(items, list):
            errors.append(doc.error((), f"{file_kind.filename} should be a list of records, "
                                        f"not {describe(items)}",
                                    "start each record with '- ' (or write [] for none)"))
            return [], errors, broken
        entries = [((i,), item) for i, item in enumerate(items)]
    else:
        if not isinstance(doc.data, dict):
            what = "empty" if doc.data is None else f"{describe(doc.data)}"
            errors.append(doc.error((), f"{file_kind.filename} should be a mapping of fields, not {what}",
                                    "start from `briefing new briefing SLUG`"))
            return [], errors, broken
        entries = [((), doc.data)]
    located: list[Located] = []
    for at, item in entries:
        validate_entry(doc, at, item, located, errors, broken)
    return located, errors, broken


def validate_entry(doc: Document, at: Path_, item: Any, located: list[Located], errors: list[ContentError],
                   broken: set[str]) -> None:
    """Check the record `item`, at `at` in `doc`, against the schema: add it to `located` if it
    passes, its problems to `errors` and, if it fails, its valid id to `broken`."""
    model = KINDS[doc.kind].model
    try:
        record = model.model_validate(item)
    except ValidationError as exc:
        errors.extend(schema_error(doc, at, model, e) for e in exc.errors())
        rid = item.get("id") if isinstance(item, dict) else None
        if isinstance(rid, str) and _ID_RE.fullmatch(rid):
            broken.add(rid)
    else:
        located.append(Located(record, doc, at))
        _check_claims(located[-1], errors)


def _check_claims(item: Located, errors: list[ContentError]) -> None:
    """Each list of claims in `item` has exactly one preferred claim: the account the page shows;
    a `difference` is said by the other accounts, of themselves, never by the preferred one."""
    if not may_hold_field(type(item.record), "claims"):
        return
    for path, sub in iter_records_toward(item.record, "claims"):
        claims = sub.claims if "claims" in type(sub).model_fields else None
        if not claims:
            continue
        preferred = [i for i, claim in enumerate(claims) if claim.rank == "preferred"]
        if not preferred:
            errors.append(item.doc.error(item.at + path + ("claims",), "'claims' has no preferred claim",
                                         "mark the account the briefing stands by with 'rank: preferred'",
                                         key=True))
        for i in preferred:
            if claims[i].difference is not None:
                errors.append(item.error(path + ("claims", i, "difference"),
                                         "the preferred claim has a 'difference'",
                                         "say how the other accounts differ on each of them"))
        for i in preferred[1:]:
            pos = item.doc.position(item.at + path + ("claims", preferred[0], "rank"))
            errors.append(item.error(path + ("claims", i, "rank"), "a second preferred claim",
                                     f"the first is at {item.doc.path}:{pos.line}:{pos.column}; "
                                     "mark the others 'also-reported' or 'disputed'"))


Validate = Callable[[Document], tuple[list[Located], list[ContentError], set[str]]]

_NOUNS = {
    "source": "source", "person": "person", "organization": "organisation",
    "actor": "person or organisation", "agenda": "agenda item of this briefing",
    "dispute": "dispute of this briefing", "agreement": "agreement of this briefing",
    "issue": "dispute or agreement of this briefing",
    "event": "shared event (events.yml) or briefing",
}


def _label(path: Path_) -> str:
    name = next(p for p in reversed(path) if isinstance(p, str))
    if not isinstance(path[-1], int):
        return name
    return name[:-3] + "y" if name.endswith("ies") else name.rstrip("s")


class _Unknowable(dict):
    """The ids of a file that could not be read: any reference to it may be right."""

    def __contains__(self, key: object) -> bool:
        return True


class Records(NamedTuple):
    """The records of a content folder that pass the schema, by (kind, briefing), before their
    references are checked; `broken`: the ids of those that fail, by (kind, briefing) too."""

    content: Content
    by_kind: dict[tuple[str, str | None], list[Located]]
    broken: dict[tuple[str, str | None], set[str]]

    def names(self, records: Iterable[str], kind: str, briefing: str | None) -> dict[str, None]:
        """The ids a reference to `kind` may name: those of `records` and of the records of that
        kind that fail the schema (reported once, not again as unknown), or any id at all if one
        of its files could not be read."""
        names = dict.fromkeys(records)
        names.update(dict.fromkeys(self.broken.get((kind, briefing), ())))
        return _Unknowable(names) if (kind, briefing) in self.content.unreadable else names


class Shared(NamedTuple):
    """What the checks of a briefing need of the shared files: the ids each shared kind of
    reference may name (see `Records.names`), and the number of paragraphs of each source."""

    names: dict[str, dict[str, None]]
    paragraphs: dict[str, int]


def read_records(content: Content, errors: list[ContentError], validate: Validate = validate_document) -> Records:
    """Check every document of `content` against the schema (with `validate`, as validate_document);
    the problems go to `errors`."""
    by_kind: dict[tuple[str, str | None], list[Located]] = {}
    broken: dict[tuple[str, str | None], set[str]] = {}
    for doc in content.documents:
        key = (doc.kind, doc.briefing)
        located, problems, failed = validate(doc)
        by_kind.setdefault(key, []).extend(located)
        errors.extend(problems)
        if failed:
            broken.setdefault(key, set()).update(failed)
    return Records(content, by_kind, broken)


def check_shared(records: Records, errors: list[ContentError]) -> tuple[dict[str, dict[str, Located]], Shared]:
    """Check the shared files' records: ids unique, references and citations known, paragraphs
    in order. Returns those records by kind and id, and what the briefings' checks need of them."""
    nouns = {"source": "source", "person": "person", "organization": "organisation", "event": "event"}
    shared = {kind: _unique(records.by_kind.get((kind, None), []), noun, errors) for kind, noun in nouns.items()}
    actors = [*shared["person"].values(), *shared["organization"].values()]
    _unique(actors, "person or organisation", errors)
    names = {kind: records.names(shared[kind], kind, None) for kind in nouns}
    names["actor"] = _merge(names["person"], names["organization"])
    for item in shared["source"].values():
        _check_paragraph_numbers(item, errors)
    for item in shared["person"].values():
        errors.extend(old_role_forms(item.record, item.error))
    paragraphs = {sid: len(source.record.paragraphs) for sid, source in shared["source"].items()}
    summary = Shared(names, paragraphs)
    _check_links([*actors, *shared["event"].values()], names, summary, errors)
    return shared, summary


def check_briefings(records: Records, shared: Shared, errors: list[ContentError],
                    reuse: Reuse | None = None) -> list[BriefingBundle]:
    """Check the records of each briefing folder against each other and the shared files;
    the briefings whose folder has a briefing.yml, by id.

    With `reuse` (a rebuild's, whose unchanged files give the same documents), a folder whose
    documents are the same objects as last time, checked against the same shared ids, gives the
    last time's problems and bundle, without being checked again."""
    reuse = reuse or Reuse()
    docs_of: dict[str, list[Document]] = {}
    for doc in records.content.documents:
        if doc.briefing:
            docs_of.setdefault(doc.briefing, []).append(doc)
    # A briefing may list shared events and other briefings as its context: one set of ids.
    errors.extend(item.error(("id",), f"event id '{item.record.id}' is also a briefing's id",
                             "give the event another id: briefings list both by id")
                  for item in records.by_kind.get(("event", None), []) if item.record.id in docs_of)
    shared = shared._replace(names={**shared.names, "event": _merge(shared.names["event"], dict.fromkeys(docs_of))})
    # Compared once, not once per folder: a token that stays the same object while the ids do
    # (an unreadable file's namespace, which accepts any id, differs from a readable one's).
    token = reuse.get(("shared",), (tuple((kind, type(names), tuple(names)) for kind, names in shared.names.items()),
                                    tuple(shared.paragraphs.items())), object)
    bundles = []
    for bid in sorted(docs_of):
        unreadable = frozenset(pair for pair in records.content.unreadable if pair[1] == bid)

        def check(bid: str = bid) -> tuple[BriefingBundle | None, list[ContentError]]:
            found: list[ContentError] = []
            return _check_briefing(bid, docs_of[bid], records, shared, found), found

        bundle, problems = reuse.get(("briefing", bid), (tuple(docs_of[bid]), unreadable, token), check)
        errors.extend(problems)
        bundles.append(bundle)
    reuse.next_build()
    return [bundle for bundle in bundles if bundle is not None]


def _merge(*namespaces: dict) -> dict:
    merged = {k: v for names in namespaces for k, v in names.items()}
    return _Unknowable(merged) if any(isinstance(n, _Unknowable) for n in namespaces) else merged


def _unique(records: list[Located], what: str, errors: list[ContentError]) -> dict[str, Located]:
    seen: dict[str, Located] = {}
    for item in records:
        rid = item.record.id
        if rid in seen:
            first = seen[rid]
            pos = first.doc.position(first.at + ("id",))
            errors.append(item.error(("id",), f"duplicate {what} id '{rid}'",
                                     f"first used at {first.doc.path}:{pos.line}:{pos.column}"))
        else:
            seen[rid] = item
    return seen


def _unique_terms(briefing: Located, errors: list[ContentError]) -> None:
    """Each glossary term of a briefing has its own id: the id is the address of its entry."""
    first: dict[str, int] = {}
    for i, term in enumerate(briefing.record.glossary):
        if term.id in first:
            pos = briefing.doc.position(briefing.at + ("glossary", first[term.id], "id"))
            errors.append(briefing.error(("glossary", i, "id"), f"duplicate glossary term id '{term.id}'",
                                         f"first used at {briefing.doc.path}:{pos.line}:{pos.column}"))
        else:
            first[term.id] = i


def _check_links(items: list[Located], namespaces: dict[str, dict[str, None]], shared: Shared,
                 errors: list[ContentError]) -> None:
    """`_check_refs` and `_check_citations` for each of `items`; first for all of them at once,
    without paths, and one record at a time only if some reference or citation is wrong."""
    refs: dict[str, list[str]] = {kind: [] for kind in namespaces}
    citations: list[Citation] = []
    for item in items:
        collect_refs(item.record, refs, citations)
    unknown = any(not isinstance(namespaces[kind], _Unknowable) and set(targets).difference(namespaces[kind])
                  for kind, targets in refs.items())
    counts = shared.paragraphs
    beyond = any(c.para is not None and c.para > counts.get(c.source, c.para) for c in citations)
    if unknown or beyond:
        for item in items:
            _check_refs(item, namespaces, errors)
            _check_citations(item, counts, errors)


def _check_refs(item: Located, namespaces: dict[str, dict[str, None]], errors: list[ContentError]) -> None:
    for path, kind, target in iter_refs(item.record):
        names = namespaces[kind]
        if target not in names:
            errors.append(item.error(path, f"{_label(path)} '{target}' is not a known {_NOUNS[kind]}",
                                     did_you_mean(target, names)))


def _check_citations(item: Located, paragraphs: dict[str, int], errors: list[ContentError]) -> None:
    """Each citation of `item` names a paragraph its source has; `paragraphs`: how many each source has."""
    for path, sub in iter_records(item.record):
        if not isinstance(sub, Citation) or sub.para is None or sub.source not in paragraphs:
            continue
        count = paragraphs[sub.source]
        if count == 0:
            errors.append(item.error(path + ("para",), f"source '{sub.source}' has no numbered paragraphs",
                                     para_hint()))
        elif sub.para > count:
            errors.append(item.error(path + ("para",), f"source '{sub.source}' has no paragraph {sub.para}",
                                     f"it has paragraphs 1 to {count}"))


def _check_paragraph_numbers(item: Located, errors: list[ContentError]) -> None:
    for i, paragraph in enumerate(item.record.paragraphs):
        if paragraph.n != i + 1:
            errors.append(item.error(("paragraphs", i, "n"), f"paragraph {paragraph.n} is out of order",
                                     f"expected {i + 1}; number paragraphs 1, 2, 3 in order"))


def _check_dates(briefing: Located, agenda: list[Located], errors: list[ContentError]) -> None:
    b: Briefing = briefing.record
    if b.start and b.end and b.end < b.start:
        errors.append(briefing.error(("end",), f"end {b.end} is before start {b.start}"))
    for item in agenda:
        a: AgendaItem = item.record
        if a.date is None:
            continue
        weekday = WEEKDAYS[dt.date.fromisoformat(a.date).weekday()]
        if weekday != a.day:
            errors.append(item.error(("date",), f"{a.date} is a {weekday}, not a {a.day}",
                                     "correct the date or the day"))
        if (b.start and a.date < b.start) or (b.end and a.date > b.end):
            errors.append(item.error(("date",), f"{a.date} lies outside the briefing's dates "
                                                f"{b.start or '…'} to {b.end or '…'}"))


def validate_content(content: Content, validate: Validate = validate_document, reuse: Reuse | None = None
                     ) -> tuple[Dataset | None, list[ContentError]]:
    """Check every record and every reference (each document with `validate`, as
    validate_document; each briefing folder through `reuse`, see check_briefings); the Dataset
    only when there is no error."""
    errors: list[ContentError] = []
    records = read_records(content, errors, validate)
    shared, summary = check_shared(records, errors)
    bundles = check_briefings(records, summary, errors, reuse)
    links = read_link_report(content.link_report, {k: v.record for k, v in shared["source"].items()}, errors)
    if errors:
        return None, errors
    bundles.sort(key=event_order, reverse=True)
    return Dataset(
        sources=MappingProxyType({k: v.record for k, v in shared["source"].items()}),
        people=MappingProxyType({k: v.record for k, v in shared["person"].items()}),
        organizations=MappingProxyType({k: v.record for k, v in shared["organization"].items()}),
        briefings=tuple(bundles),
        events=MappingProxyType({k: v.record for k, v in shared["event"].items()}),
        links=links,
    ), errors


_LOCAL_KINDS = ("agenda", "dispute", "agreement", "statement", "context")


def _check_briefing(bid: str, docs: list[Document], records: Records, shared: Shared,
                    errors: list[ContentError]) -> BriefingBundle | None:
    """Check the records of the briefing folder `bid`, which holds `docs` (one at least)."""
    header = records.by_kind.get(("briefing", bid), [])
    problem = id_problem(bid)
    if problem is not None:
        message, hint = problem
        errors.append(ContentError(docs[0].path, 1, 1, f"briefing folder name: {message}",
                                   "rename the folder" + (f"; {hint}" if hint else "")))
    if not any(d.kind == "briefing" for d in docs) and ("briefing", bid) not in records.content.unreadable:
        folder = docs[0].path.rsplit("/", 1)[0]
        errors.append(ContentError(f"{folder}/briefing.yml", 1, 1, f"briefing '{bid}' has no briefing.yml",
                                   "every briefing folder needs one; see `briefing new briefing`"))
    local = {kind: _unique(records.by_kind.get((kind, bid), []), kind, errors) for kind in _LOCAL_KINDS}
    scoped = {kind: records.names(local[kind], kind, bid) for kind in ("agenda", "dispute", "agreement")}
    namespaces = {**shared.names, **scoped, "issue": _merge(scoped["dispute"], scoped["agreement"])}
    _check_links(header + [i for located in local.values() for i in located.values()], namespaces, shared,
                 errors)
    if not header:
        return None
    _check_dates(header[0], list(local["agenda"].values()), errors)
    _unique_terms(header[0], errors)
    errors.extend(header[0].error(("events", i), f"briefing '{bid}' lists itself as an event",
                                  "list shared events and other briefings only")
                  for i, listed in enumerate(header[0].record.events) if listed == bid)
    errors.extend(item.error(("event",), f"context entry '{item.record.id}' is about its own briefing",
                             "point it at a shared event or another briefing")
                  for item in local["context"].values() if item.record.event == bid)
    kept = {kind: tuple(i.record for i in local[kind].values()) for kind in local}
    return BriefingBundle(
        id=bid, briefing=header[0].record, agenda=kept["agenda"], disputes=kept["dispute"],
        agreements=kept["agreement"], statements=kept["statement"], context=kept["context"],
    )
