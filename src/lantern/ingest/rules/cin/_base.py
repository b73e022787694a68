"""What the CIN rules share: the census period and links between the flattened tables."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from lantern.ingest.rules.cin.tables import CHILD_ID, CHILD_INDEX, CIN_INDEX
from lantern.ingest.rules.common import v
from lantern.ingest.rules.engine import Context, Finding
from lantern.ingest.source import Format

F: Format = "cin"


def census_period(ctx: Context) -> tuple[date, date] | None:
    """(1 April, ReferenceDate): the Header's ReferenceDate, else 31 March of the year."""
    ref = None
    refs = ctx.dates("Header", "ReferenceDate")
    if refs and refs[0] is not None:
        ref = refs[0]
    elif ctx.year_end is not None:
        ref = ctx.year_end
    if ref is None:
        return None
    if ref.year <= 1:  # no year before it: a ReferenceDate 100 reports
        return None
    try:
        start = ref.replace(year=ref.year - 1) + timedelta(days=1)
    except ValueError:  # 29 February
        start = ref.replace(year=ref.year - 1, day=28) + timedelta(days=1)
    return start, ref


def child_rows(ctx: Context) -> dict[str, int]:
    """child_index -> the ChildIdentifiers row."""
    return ctx.memo("cin:child_rows", lambda: {
        k: rows[0] for k, rows in ctx.by_child("ChildIdentifiers", CHILD_INDEX).items()})


def cin_rows(ctx: Context) -> dict[str, int]:
    """cin_index -> the CINdetails row."""
    return ctx.memo("cin:cin_rows", lambda: {
        k: rows[0] for k, rows in ctx.by_child("CINdetails", CIN_INDEX).items()})


def child_id(ctx: Context, table: str, i: int) -> str | None:
    return v(ctx.rows(table)[i], CHILD_ID)


def before_referral(ctx: Context, table: str, field: str) -> Iterator[Finding]:
    """Every row of `table` whose `field` date is before its CIN episode's referral date."""
    episodes = cin_rows(ctx)
    referred = ctx.dates("CINdetails", "CINreferralDate")
    for i, d in enumerate(ctx.dates(table, field)):
        c = episodes.get(ctx.value(table, i, CIN_INDEX) or "")
        began = referred[c] if c is not None else None
        if d is not None and began is not None and d < began:
            yield Finding(table, i, field, ctx.value(table, i, field))


def unborn(row: dict[str, str | None]) -> bool:
    """A child recorded by expected date of birth only (DfE 8750's unborn child)."""
    return v(row, "PersonBirthDate") is None and v(row, "ExpectedPersonBirthDate") is not None
