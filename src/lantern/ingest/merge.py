"""The multi-year merge: module by module, keyed by child and start date.

A census or SSDA903 return holds only what belongs to its year, so each module
(referral, assessment, CIN plan, section 47, CP plan, review, care episode, missing
episode, …) is merged on its own key: the record from the latest collection wins,
and a record that a later file omits survives. The result depends only on the set
of records, never on the order files were read or loaded in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lantern.ingest.mapping import Record

FIELD_LEVEL = frozenset({"person"})  # a child's details: the latest known value of each


@dataclass(frozen=True)
class Merged:
    module: str
    key: tuple[str, ...]
    values: dict[str, Any]
    year: int
    source_file: str
    source_row: int


def _coalesce(records: list[Record]) -> dict[str, Any]:
    """Field by field, later records' non-blank values over earlier ones."""
    out: dict[str, Any] = {}
    for r in records:
        for k, v in r.values.items():
            if v is not None or k not in out:
                out[k] = v
    return out


def merge_group(records: list[Record]) -> Merged:
    ordered = sorted(records, key=lambda r: r.order)
    last = ordered[-1]
    if last.module not in FIELD_LEVEL:
        # The latest collection's version wins whole; rows of that same collection (e.g.
        # Annex A lists 3 and 6 on one referral) complete each other.
        top = (last.year, last.rank)
        ordered = [r for r in ordered if (r.year, r.rank) == top]
    return Merged(last.module, last.key, _coalesce(ordered), last.year, last.source_file,
                  last.source_row)


def merge(records: Iterable[Record]) -> dict[str, list[Merged]]:
    """Module name -> its merged records, sorted by key."""
    groups: dict[tuple[str, tuple[str, ...]], list[Record]] = defaultdict(list)
    for r in records:
        groups[(r.module, r.key)].append(r)
    out: dict[str, list[Merged]] = defaultdict(list)
    for (module, _), group in sorted(groups.items()):
        out[module].append(merge_group(group))
    return dict(out)
