"""Indexes the SSDA903 rules share: dates of birth, each child's episodes in order."""

from __future__ import annotations

from datetime import date

from lantern.ingest.rules.common import v
from lantern.ingest.rules.engine import Context
from lantern.ingest.source import Format

F: Format = "ssda903"
TEMPORARY = frozenset({"T0", "T1", "T2", "T3", "T4"})
RESPITE = frozenset({"V3", "V4"})
ADOPTED = frozenset({"E11", "E12"})
PLACED_FOR_ADOPTION = frozenset({"A3", "A4", "A5", "A6"})
SEX_MALE = frozenset({"1", "M"})
SEX_FEMALE = frozenset({"2", "F"})


def header_dob(ctx: Context, table: str = "Header") -> dict[str, date]:
    """CHILD -> date of birth from the Header (first row of a child wins)."""

    def make() -> dict[str, date]:
        out: dict[str, date] = {}
        dobs = ctx.dates(table, "DOB")
        for i, row in ctx.enum(table):
            child, dob = v(row, "CHILD"), dobs[i]
            if child is not None and dob is not None and child not in out:
                out[child] = dob
        return out

    return ctx.memo(f"dob:{table}", make)


def header_row(ctx: Context, table: str = "Header") -> dict[str, int]:
    """CHILD -> row index of the child's (first) Header row."""

    def make() -> dict[str, int]:
        return {child: rows[0] for child, rows in ctx.by_child(table).items()}

    return ctx.memo(f"hrow:{table}", make)


def episodes_in_order(ctx: Context, table: str = "Episodes") -> dict[str, list[int]]:
    """CHILD -> the child's episode row indexes by DECOM (unparseable DECOM last)."""

    def make() -> dict[str, list[int]]:
        decom = ctx.dates(table, "DECOM")
        far = date.max
        return {
            child: sorted(rows, key=lambda i: (decom[i] or far, i))
            for child, rows in ctx.by_child(table).items()
        }

    return ctx.memo(f"eps:{table}", make)


def sex_norm(value: str | None) -> str | None:
    """1/2 (to 2023-24) and M/F (from 2024-25) as M/F, to compare across years."""
    return {"1": "M", "2": "F"}.get(value or "", value)


def continuously_looked_after(ctx: Context) -> frozenset[str]:
    """Children looked after continuously for the 12 months to 31 March (the OC2 cohort).

    DfE's definition in the SSDA903 validation rules: a child with episodes in the year is
    continuously looked after unless an episode ends in the year with LS V3/V4 (respite)
    or with REC other than X1 (care ended), or an episode starts in the year with RNE S
    (care began).
    """

    def make() -> frozenset[str]:
        start, end = ctx.year_start, ctx.year_end
        if start is None or end is None:
            return frozenset()
        decom, dec = ctx.dates("Episodes", "DECOM"), ctx.dates("Episodes", "DEC")
        seen: set[str] = set()
        out_: set[str] = set()
        for i, row in ctx.enum("Episodes"):
            child, s, e = v(row, "CHILD"), decom[i], dec[i]
            if child is None or s is None or s > end or (e is not None and e < start):
                continue
            seen.add(child)
            ended = e is not None and (v(row, "LS") in RESPITE or v(row, "REC") != "X1")
            if ended or (s > start and v(row, "RNE") == "S"):
                out_.add(child)
        return frozenset(seen - out_)

    return ctx.memo("cla12", make)
