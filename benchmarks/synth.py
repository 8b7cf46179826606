"""A synthetic archive of N briefings, derived from a seed content folder (by default content/).

Each synthetic briefing is a copy of a seed briefing with a fresh folder id and its own text.
People, organisations, shared events (events.yml) and the sources they cite form a shared pool
that grows with N: pool copy k serves briefings k, k + copies, k + 2 copies, ..., so every
person, organisation, event and source page has a bounded number of appearances and the archive
grows linearly. Sources cited only by briefing records are copied per pool copy too (one copy per briefing
would make sources.yml larger than a content file may be). A briefing's
`events` list names its pool copy's events, and for each seed briefing it lists, the copy of that
briefing made in the same pass over the seed (else in the first pass; left out when the archive
holds no copy of it). Every copy of a Markdown field gets a distinct suffix, so caches keyed on the
text cannot make the benchmark faster than real content.
"""

from __future__ import annotations

import math
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

import yaml

from generator.build import check
from generator.content.fields import TEXTS_DIR
from generator.dataset.model import Dataset, iter_records, iter_refs, ref_kind
from generator.content.schema import KINDS, Markdown, Record

BRIEFINGS_PER_POOL_COPY = 4
_MARKDOWN_META = list(get_args(Markdown)[1:])


@dataclass(frozen=True)
class Archive:
    """What `write_archive` wrote: the content folder and its record counts."""

    content: Path
    briefings: int
    records: int


def _is_markdown(record: Record, name: str) -> bool:
    info = type(record).model_fields[name]
    return info.metadata == _MARKDOWN_META or Markdown in get_args(info.annotation)


def _get(tree: Any, path: tuple) -> Any:
    for part in path:
        tree = tree[part]
    return tree


def _put(tree: Any, path: tuple, value: Any) -> None:
    _get(tree, path[:-1])[path[-1]] = value


def _copy(record: Record, rename: dict[str, Any], suffix: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """`record` as plain YAML values, with its references renamed and its Markdown made distinct;
    `extra` fields added."""
    tree = record.model_dump(mode="python", exclude_defaults=True) | (extra or {})
    for path, kind, target in iter_refs(record):
        new = rename.get(kind, {}).get(target)
        if new is not None:
            _put(tree, path, new)
    for at, sub in iter_records(record):
        for name in type(sub).model_fields:
            if getattr(sub, name) is not None and _is_markdown(sub, name) and ref_kind(sub, name) is None:
                _put(tree, at + (name,), _get(tree, at + (name,)).rstrip() + f" {suffix}")
    return tree


def _pool_sources(seed: Dataset) -> set[str]:
    """Sources cited by people, organisations or shared events: they travel with the shared pool."""
    cited = set()
    for record in [*seed.people.values(), *seed.organizations.values(), *seed.events.values()]:
        cited.update(target for _, kind, target in iter_refs(record) if kind == "source")
    return cited


def _text_file(text_files: dict[str, str], sid: str) -> dict[str, str]:
    return {"text_file": text_files[sid]} if sid in text_files else {}


def _dump(value: Any) -> str:
    return yaml.dump(value, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=1000)


def write_archive(seed_dir: Path, out: Path, briefings: int) -> Archive:
    """Write a content folder of `briefings` synthetic briefings derived from `seed_dir` into `out`."""
    seed = check(seed_dir)
    # The dataset leaves out where a source's text is kept (no page shows it); every copy names it.
    text_files = {entry["id"]: entry["text_file"] for entry in yaml.safe_load(
        (seed_dir / KINDS["source"].filename).read_text(encoding="utf-8")) or [] if entry.get("text_file")}
    if not seed.briefings:
        raise ValueError(f"{seed_dir} holds no briefing to derive an archive from")
    copies = max(1, math.ceil(briefings / BRIEFINGS_PER_POOL_COPY))
    pool_sources = _pool_sources(seed)
    sources: list[dict] = []
    people: list[dict] = []
    organizations: list[dict] = []
    events: list[dict] = []

    def pool_rename(k: int) -> dict[str, dict[str, str]]:
        actors = {**{p: f"{p}-{k}" for p in seed.people}, **{o: f"{o}-{k}" for o in seed.organizations}}
        return {"person": actors, "organization": actors, "actor": actors,
                "source": {s: f"{s}-{k}" for s in pool_sources}, "event": {e: f"{e}-{k}" for e in seed.events}}

    for k in range(copies):
        rename = pool_rename(k)
        for collection, target in ((seed.people, people), (seed.organizations, organizations),
                                   (seed.events, events)):
            for rid, record in collection.items():
                new_id = (rename["event"] if collection is seed.events else rename["actor"])[rid]
                target.append(_copy(record, rename, f"(pool {k})") | {"id": new_id})
        for sid in sorted(pool_sources):
            sources.append(_copy(seed.sources[sid], rename, f"(pool {k})", _text_file(text_files, sid))
                           | {"id": rename["source"][sid]})

    seeds = len(seed.briefings)

    def briefing_copy(j: int, i: int) -> str | None:
        """The id of the copy of seed briefing j that synthetic briefing i lists: the one of the
        same pass over the seed if written, else the first, else None."""
        same = i - i % seeds + j
        found = same if same < briefings else j if j < briefings else None
        return None if found is None else f"{seed.briefings[j].id}-{found}"

    briefing_dir = out / "briefings"
    for i in range(briefings):
        bundle = seed.briefings[i % seeds]
        bid = f"{bundle.id}-{i}"
        rename = pool_rename(i % copies)
        listed = {b.id: briefing_copy(j, i) for j, b in enumerate(seed.briefings)}
        rename["event"] = {**rename["event"], **{old: new for old, new in listed.items() if new}}
        # The briefing's other sources come with its pool copy, written once for its briefings:
        # one copy per briefing would pass the size limit of one content file at 1,000 briefings.
        own = {s: f"{s}-b{i % copies}" for s in seed.sources if s not in pool_sources}
        rename["source"] = {**rename["source"], **own}
        if i < copies:
            for sid, new in own.items():
                sources.append(_copy(seed.sources[sid], rename, f"(pool {i})", _text_file(text_files, sid))
                               | {"id": new})
        folder = briefing_dir / bid
        folder.mkdir(parents=True)
        header = _copy(bundle.briefing, rename, f"(briefing {i})")
        header["title"] = f"{header['title']} ({i})"
        unwritten = {old for old, new in listed.items() if new is None}
        if "events" in header:
            header["events"] = [e for e in header["events"] if e not in unwritten]
        (folder / KINDS["briefing"].filename).write_text(_dump(header), encoding="utf-8")
        for kind, records in (("agenda", bundle.agenda), ("dispute", bundle.disputes),
                              ("agreement", bundle.agreements), ("statement", bundle.statements),
                              ("context", bundle.context)):
            if records:
                text = _dump([_copy(r, rename, f"(briefing {i})") for r in records])
                (folder / KINDS[kind].filename).write_text(text, encoding="utf-8")

    for kind, records in (("source", sources), ("person", people), ("organization", organizations),
                          ("event", events)):
        if records or kind != "event":
            (out / KINDS[kind].filename).write_text(_dump(records), encoding="utf-8")
    if (seed_dir / TEXTS_DIR).is_dir():  # the sources' texts, which every copy of a source names
        shutil.copytree(seed_dir / TEXTS_DIR, out / TEXTS_DIR)
    per_briefing = [sum(1 for _ in b.records()) for b in seed.briefings]
    records = len(sources) + len(people) + len(organizations) + len(events) + sum(
        per_briefing[i % len(per_briefing)] for i in range(briefings))
    return Archive(out, briefings, records)
