"""A synthetic archive of N briefings, derived from a seed content folder (the example briefing).

Each synthetic briefing is a copy of a seed briefing with a fresh folder id and its own text.
People, organisations and the sources they cite form a shared pool that grows with N: pool
copy k serves briefings k, k + copies, k + 2 copies, ..., so every person, organisation and
source page has a bounded number of appearances and the archive grows linearly. Sources cited
only by briefing records are copied per briefing. Every copy of a Markdown field gets a distinct
suffix, so caches keyed on the text cannot make the benchmark faster than real content.
"""

from __future__ import annotations

import math
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

import yaml

from generator.build import check
from generator.fields import TEXTS_DIR
from generator.model import Dataset, iter_records, iter_refs, ref_kind
from generator.schema import KINDS, Markdown, Record

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


def _copy(record: Record, rename: dict[str, Any], suffix: str) -> dict[str, Any]:
    """`record` as plain YAML values, with its references renamed and its Markdown made distinct."""
    tree = record.model_dump(mode="python", exclude_defaults=True)
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
    """Sources cited by people or organisations: they travel with the shared pool."""
    cited = set()
    for record in [*seed.people.values(), *seed.organizations.values()]:
        cited.update(target for _, kind, target in iter_refs(record) if kind == "source")
    return cited


def _dump(value: Any) -> str:
    return yaml.dump(value, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=1000)


def write_archive(seed_dir: Path, out: Path, briefings: int) -> Archive:
    """Write a content folder of `briefings` synthetic briefings derived from `seed_dir` into `out`."""
    seed = check(seed_dir)
    if not seed.briefings:
        raise ValueError(f"{seed_dir} holds no briefing to derive an archive from")
    copies = max(1, math.ceil(briefings / BRIEFINGS_PER_POOL_COPY))
    pool_sources = _pool_sources(seed)
    sources: list[dict] = []
    people: list[dict] = []
    organizations: list[dict] = []

    def pool_rename(k: int) -> dict[str, dict[str, str]]:
        actors = {**{p: f"{p}-{k}" for p in seed.people}, **{o: f"{o}-{k}" for o in seed.organizations}}
        return {"person": actors, "organization": actors, "actor": actors,
                "source": {s: f"{s}-{k}" for s in pool_sources}}

    for k in range(copies):
        rename = pool_rename(k)
        for collection, target in ((seed.people, people), (seed.organizations, organizations)):
            for rid, record in collection.items():
                target.append(_copy(record, rename, f"(pool {k})") | {"id": rename["actor"][rid]})
        for sid in sorted(pool_sources):
            sources.append(_copy(seed.sources[sid], rename, f"(pool {k})") | {"id": rename["source"][sid]})

    briefing_dir = out / "briefings"
    for i in range(briefings):
        bundle = seed.briefings[i % len(seed.briefings)]
        bid = f"{bundle.id}-{i}"
        rename = pool_rename(i % copies)
        own = {s: f"{s}-b{i}" for s in seed.sources if s not in pool_sources}
        rename["source"] = {**rename["source"], **own}
        for sid, new in own.items():
            sources.append(_copy(seed.sources[sid], rename, f"(briefing {i})") | {"id": new})
        folder = briefing_dir / bid
        folder.mkdir(parents=True)
        header = _copy(bundle.briefing, rename, f"(briefing {i})")
        header["title"] = f"{header['title']} ({i})"
        (folder / KINDS["briefing"].filename).write_text(_dump(header), encoding="utf-8")
        for kind, records in (("agenda", bundle.agenda), ("dispute", bundle.disputes),
                              ("agreement", bundle.agreements), ("statement", bundle.statements),
                              ("context", bundle.context)):
            if records:
                text = _dump([_copy(r, rename, f"(briefing {i})") for r in records])
                (folder / KINDS[kind].filename).write_text(text, encoding="utf-8")

    for kind, records in (("source", sources), ("person", people), ("organization", organizations)):
        (out / KINDS[kind].filename).write_text(_dump(records), encoding="utf-8")
    if (seed_dir / TEXTS_DIR).is_dir():  # the sources' texts, which every copy of a source names
        shutil.copytree(seed_dir / TEXTS_DIR, out / TEXTS_DIR)
    per_briefing = [sum(1 for _ in b.records()) for b in seed.briefings]
    records = len(sources) + len(people) + len(organizations) + sum(
        per_briefing[i % len(per_briefing)] for i in range(briefings))
    return Archive(out, briefings, records)
