"""What each page reads: tracking stand-ins for the values every page template shares.

A page is a pure function of its template, its own context and the shared globals (the dataset,
its index, the list of exports). `track_globals` hands the templates stand-ins for the globals
that note each read in a `Reads`: a key of a mapping (`data.people["wang-wentao"]`), a whole
mapping when a page iterates it or takes its length (`data.people|length`), a whole value
otherwise (`data.briefings`). A read is a key, `(path, part)`, which `resolve` can look up
again in the globals of another build; a page must be rendered again exactly when one of its
keys now resolves to a different value (`same`). Records are immutable, so a value read stands
for everything a template can reach through it.

Methods of a global run with the stand-in as `self`, so what they read is noted too
(`data.actor(id)` reads `data.people` and `data.organizations` by key).
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from functools import partial
from types import MappingProxyType
from typing import Any, Callable, Iterable, Iterator, TypeVar


class _Missing:
    """The type of MISSING."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()
"""What a key of a mapping resolves to when the mapping does not hold it."""

ALL = ("all",)
"""The part of a read that is a whole mapping (its keys, values and order)."""

WHOLE = ("value",)
"""The part of a read that is a whole value (a tuple, say)."""

Key = tuple[tuple[str, ...], tuple[Any, ...]]
T = TypeVar("T")


def key_of(item: Any) -> tuple[str, Any]:
    """The part of a read that is one key of a mapping."""
    return ("key", item)


def resolve(values: Mapping[str, Any], key: Key) -> Any:
    """What a read resolves to in `values` (the raw globals): a mapping's item (MISSING if it
    has none), or a whole value (a whole mapping is the mapping itself, compared item by item
    in order by `same`). A build never changes its globals once made: each build makes new
    ones, so a value kept from the last build still holds what that build's pages read."""
    path, part = key
    value = values[path[0]]
    for name in path[1:]:
        value = getattr(value, name)
    if part[0] == "key":
        return value.get(part[1], MISSING)
    return value


def resolve_all(values: Mapping[str, Any], keys: Iterable[Key]) -> dict[Key, Any]:
    """What each of `keys` resolves to in `values` (as `resolve`; MISSING where the globals no
    longer hold its path), looking each path up once: a page reads many keys of one mapping."""
    holders: dict[tuple[str, ...], Any] = {}
    found: dict[Key, Any] = {}
    for key in keys:
        path, part = key
        holder = holders.get(path, _UNSET)
        if holder is _UNSET:
            holder = holders[path] = _holder(values, path)
        if holder is MISSING:
            found[key] = MISSING
        elif part[0] == "key":
            found[key] = holder.get(part[1], MISSING)
        else:
            found[key] = holder
    return found


_UNSET = object()


def _holder(values: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    """The value at `path` in `values`, or MISSING."""
    try:
        return resolve(values, (path, WHOLE))
    except (AttributeError, KeyError):
        return MISSING


def same(old: Any, new: Any) -> bool:
    """Whether two values read are the same for a page: equal, in the same order, of the same types.

    Mappings are compared item by item in order (a dict's `==` ignores the order, a page does not).
    """
    if old is new:
        return True
    if type(old) is not type(new):
        return False
    if type(old) is tuple or type(old) is list:
        if len(old) != len(new):
            return False
        for a, b in zip(old, new):
            # Most items are the same object, or text: no call for those.
            if a is b:
                continue
            if type(a) is not type(b) or not (a == b if type(a) in _SCALARS else same(a, b)):
                return False
        return True
    if type(old) in _MAPPINGS or isinstance(old, Mapping):
        if len(old) != len(new):
            return False
        for (key, a), (other, b) in zip(old.items(), new.items()):
            if type(key) is not type(other) or key != other or not (a is b or same(a, b)):
                return False
        return True
    return bool(old == new)


_SCALARS = frozenset({str, int, float, bool, type(None)})
_MAPPINGS = frozenset({dict, MappingProxyType})  # told at once, without the abstract class's check


class Reads:
    """The reads of the pages rendered with one set of globals: `seen` holds each key read with
    its value then, `current` the keys read by the page being rendered."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.values = values
        self.seen: dict[Key, Any] = {}
        self.current: set[Key] = set()

    def note(self, path: tuple[str, ...], part: tuple[Any, ...]) -> None:
        """Note a read by the current page."""
        key = (path, part)
        if key not in self.seen:
            self.seen[key] = resolve(self.values, key)
        self.current.add(key)

    def page(self) -> frozenset[Key]:
        """The keys read since the last call: those of one page."""
        keys, self.current = frozenset(self.current), set()
        return keys


class TrackedMapping(Mapping):
    """A mapping that notes each read: one key, or the whole mapping."""

    def __init__(self, mapping: Mapping, path: tuple[str, ...], reads: Reads) -> None:
        self._mapping, self._path, self._reads = mapping, path, reads

    def __getitem__(self, item: Any) -> Any:
        self._reads.note(self._path, key_of(item))
        return self._mapping[item]

    def get(self, item: Any, default: Any = None) -> Any:
        self._reads.note(self._path, key_of(item))
        return self._mapping.get(item, default)

    def __contains__(self, item: object) -> bool:
        self._reads.note(self._path, key_of(item))
        return item in self._mapping

    def _whole(self) -> Mapping:
        self._reads.note(self._path, ALL)
        return self._mapping

    def __iter__(self) -> Iterator[Any]:
        return iter(self._whole())

    def __len__(self) -> int:
        return len(self._whole())

    def keys(self):  # type: ignore[override]
        return self._whole().keys()

    def values(self):  # type: ignore[override]
        return self._whole().values()

    def items(self):  # type: ignore[override]
        return self._whole().items()


class TrackedSequence(Sequence):
    """A tuple or list global that notes any use of it as a read of the whole."""

    def __init__(self, value: Sequence, path: tuple[str, ...], reads: Reads) -> None:
        self._value, self._path, self._reads = value, path, reads

    def _whole(self) -> Sequence:
        self._reads.note(self._path, WHOLE)
        return self._value

    def __getitem__(self, index: Any) -> Any:
        return self._whole()[index]

    def __len__(self) -> int:
        return len(self._whole())

    def __iter__(self) -> Iterator[Any]:
        return iter(self._whole())


class TrackedObject:
    """An object global (the dataset, its index) whose attributes note their reads: a mapping
    attribute by key (see TrackedMapping), any other value as a whole. Its methods run with the
    stand-in as `self`."""

    def __init__(self, value: Any, path: tuple[str, ...], reads: Reads) -> None:
        self._value, self._path, self._reads = value, path, reads

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._value, name)
        if inspect.ismethod(value) and value.__self__ is self._value:
            return partial(value.__func__, self)
        path = self._path + (name,)
        if isinstance(value, Mapping):
            return TrackedMapping(value, path, self._reads)
        self._reads.note(path, WHOLE)
        return value


def track_globals(values: Mapping[str, Any], reads: Reads) -> dict[str, Any]:
    """Stand-ins for the page globals `values` that note reads in `reads`.

    A bound method of another global (`actor`, of `data`) runs on that global's stand-in.
    Raises TypeError for a global no stand-in can watch (a string, a number): a page could read
    it unnoticed.
    """
    tracked: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, Mapping):
            tracked[name] = TrackedMapping(value, (name,), reads)
        elif isinstance(value, (tuple, list)):
            tracked[name] = TrackedSequence(value, (name,), reads)
        elif not inspect.ismethod(value) and hasattr(value, "__dict__") and not callable(value):
            tracked[name] = TrackedObject(value, (name,), reads)
    for name, value in values.items():
        if name in tracked:
            continue
        owner = next((other for other, held in values.items()
                      if inspect.ismethod(value) and held is value.__self__ and other in tracked), None)
        if owner is None:
            raise TypeError(f"the page global {name!r} cannot be tracked")
        tracked[name] = partial(value.__func__, tracked[owner])
    return tracked


class Reuse:
    """What one build keeps for the next (`briefing serve`): each piece of an export or of the
    search index by a key, with the values it was made from (its basis). A piece is made again
    unless its basis is the `same` as last time; unchanged records are the same objects build
    after build, so that is mostly a check of identity."""

    def __init__(self) -> None:
        # By key: the key, the basis and the value. A piece kept is kept whole, key included,
        # so a rebuild makes no new objects for what it reuses.
        self._last: dict[Any, tuple[Any, Any, Any]] = {}
        self._now: dict[Any, tuple[Any, Any, Any]] = {}

    def get(self, key: Any, basis: Any, make: Callable[[], T]) -> T:
        """make(), or what it made for `key` last build if `basis` is the same."""
        found = self._last.get(key)
        if found is not None and same(found[1], basis):
            self._now[found[0]] = found
            return found[2]
        value = make()
        self._now[key] = (key, basis, value)
        return value

    def previous(self, key: Any) -> Any:
        """What the last build made for `key`, or None."""
        found = self._last.get(key)
        return None if found is None else found[2]

    def next_build(self) -> None:
        """Keep what this build made, for the next; forget the rest."""
        self._last, self._now = self._now, {}

    def keep_made(self) -> None:
        """Keep what this build made and what the last one made, for the next: a build stopped
        half way (search.Stopped) has not asked for every piece."""
        self._last = {**self._last, **self._now}
        self._now = {}
