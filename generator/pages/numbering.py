"""One footnote number per source across the pages of a briefing.

A reader who meets the readout as [2] on the overview finds it as [2] on the agreements page and
on the printed memo too. The numbers are a function of the briefing's records alone, not of the
order in which pages are rendered, so a page rendered on its own (briefing serve, --reuse) numbers
its sources as a whole build does.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Iterator, Mapping

from ..dataset.model import BriefingBundle, iter_records
from ..content.schema import Citation, Record


def _cited_records(bundle: BriefingBundle, data: Any) -> Iterator[Record]:
    """The records whose citations a briefing's pages show, in the order their sources are numbered:
    the briefing and its folder's records (overview, agenda, disputes, agreements, statements,
    context), the shared events on its context timeline, then its principals."""
    for _, record in bundle.records():
        yield record
    for ref in bundle.briefing.events:
        if ref in data.events:
            yield data.events[ref]
    for person_id in bundle.briefing.principals:
        yield data.people[person_id]


def source_numbers(bundle: BriefingBundle, data: Any) -> Mapping[str, int]:
    """Each source the briefing's records cite, by id, with its number: 1, 2, ... in the order of
    first citation, walking the records in page order and each record's fields in schema order.
    `data` is the Dataset (or what stands for it while pages are tracked, see track.py)."""
    numbers: dict[str, int] = {}
    for record in _cited_records(bundle, data):
        for _, sub in iter_records(record):
            if isinstance(sub, Citation) and sub.source not in numbers:
                numbers[sub.source] = len(numbers) + 1
    return MappingProxyType(numbers)
