"""DfE SSDA903 rules on a child's unaccompanied asylum-seeking (UASC) status, this year and
against last year: 105, 303 and 205A-D.

The status (0 or 1) is an item of the child's header in DfE's XML return; the CSV layout has
no such column: there a child is UASC when the UASC file holds a row for them (how DfE's
portal reads the CSVs). A Header that carries a UASC column is read as given; otherwise the
status is read from the UASC file, and a year whose status can be read neither way (no
Header column, no UASC file) is not compared.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from lantern.ingest.rules.common import add_years, v
from lantern.ingest.rules.engine import Context, Finding, rule
from lantern.ingest.rules.ssda903._base import F

STATUS = "UASC"  # the status item's name, in the XML return and a Header column
STATUS_CODES = frozenset({"0", "1"})
ALL = ("Header", "Header_last", "UASC", "UASC_last")


def stated(ctx: Context, header: str = "Header") -> bool:
    """Whether this year's (or `Header_last`'s) Header carries the status item."""
    table = ctx.tables.get(header)
    return table is not None and STATUS in table.columns


def status(ctx: Context, last: bool = False) -> dict[str, str | None] | None:
    """CHILD -> UASC status in the year's Header (last year's with `last`): the item as
    given, or "1"/"0" by whether the UASC file holds the child; None when neither says."""
    header, uasc = ("Header_last", "UASC_last") if last else ("Header", "UASC")

    def make() -> dict[str, str | None] | None:
        if stated(ctx, header):
            return {v(r, "CHILD") or "": v(r, STATUS) for r in ctx.rows(header)}
        if not ctx.has(uasc):
            return None
        listed = ctx.by_child(uasc)
        children = {v(r, "CHILD") or "" for r in ctx.rows(header)} | set(listed)
        return {c: "1" if c in listed else "0" for c in children}

    return ctx.memo(f"uasc:{header}", make)


def _duc(ctx: Context, table: str) -> dict[str, int]:
    """CHILD -> the child's (first) row in a UASC table."""
    return {c: rows[0] for c, rows in ctx.by_child(table).items()}


@rule(id="903:105", dfe_code="105", format=F, severity="error",
      message="Data entry for Unaccompanied Asylum-Seeking Children (UASC) status of child is "
              "invalid or has not been completed.", fields=[STATUS], tables=["Header"],
      expected="UASC status 0 or 1 (a return whose Header carries it: the XML return)")
def status_invalid(ctx: Context) -> Iterable[Finding]:
    if not stated(ctx):
        return  # the CSV layout: the UASC file is the status, always 0 or 1
    for i, row in ctx.enum("Header"):
        if v(row, STATUS) not in STATUS_CODES:
            yield Finding("Header", i, STATUS, v(row, STATUS))


@rule(id="903:303", dfe_code="303", format=F, severity="error",
      message="If date Unaccompanied Asylum-Seeking Child (UASC) status ceased is not null, "
              "UASC status must be coded 1.", fields=["DUC", STATUS], tables=["UASC", "Header"],
      expected="UASC status 1 in the Header for a child with a DUC")
def ceased_without_status(ctx: Context) -> Iterable[Finding]:
    now = status(ctx)
    if now is None or not stated(ctx):
        return  # read from the UASC file, a child with a DUC is UASC by definition
    for i, row in ctx.enum("UASC"):
        child = v(row, "CHILD") or ""
        if v(row, "DUC") is not None and child in now and now[child] != "1":
            yield Finding("UASC", i, "DUC", v(row, "DUC"))


def _both_years(ctx: Context) -> tuple[dict[str, str | None], dict[str, str | None]] | None:
    now, before = status(ctx), status(ctx, last=True)
    return None if now is None or before is None else (now, before)


def _in_year(d: date | None, start: date, end: date) -> bool:
    return d is not None and start <= d <= end


@rule(id="903:205A", dfe_code="205A", format=F, severity="error",
      message="Child identified as UASC last year is no longer UASC this year, but date UASC "
              "ceased in both years does not support this.", fields=["CHILD", "DUC"],
      tables=list(ALL),
      expected="for a child UASC last year and not this year: a DUC last year (and this "
               "year's, when given) on or before 31 March of this year: the status ended by "
               "then")
def no_longer_uasc(ctx: Context) -> Iterable[Finding]:
    both, end = _both_years(ctx), ctx.year_end
    if both is None or end is None:
        return
    now, before = both
    duc_now, duc_last = ctx.dates("UASC", "DUC"), ctx.dates("UASC_last", "DUC")
    rows_now, rows_last = _duc(ctx, "UASC"), _duc(ctx, "UASC_last")
    for i, row in ctx.enum("Header"):
        child = v(row, "CHILD") or ""
        if before.get(child) != "1" or now.get(child) == "1":
            continue
        j, k = rows_last.get(child), rows_now.get(child)
        ceased = duc_last[j] if j is not None else None
        ceased_now = duc_now[k] if k is not None else None
        if ceased is None or ceased > end or (ceased_now is not None and ceased_now > end):
            yield Finding("Header", i, "CHILD", child)


@rule(id="903:205B", dfe_code="205B", format=F, severity="error",
      message="Child previously identified as UASC is also UASC this year, but date UASC "
              "ceased in both years does not support this.", fields=["DUC", STATUS],
      tables=list(ALL),
      expected="for a child UASC in both years: last year's DUC the 18th birthday, and this "
               "year's DUC within this year or still that birthday")
def still_uasc(ctx: Context) -> Iterable[Finding]:
    both, start, end = _both_years(ctx), ctx.year_start, ctx.year_end
    if both is None or start is None or end is None:
        return
    now, before = both
    duc_now, duc_last = ctx.dates("UASC", "DUC"), ctx.dates("UASC_last", "DUC")
    dob_last, rows_last = ctx.dates("UASC_last", "DOB"), _duc(ctx, "UASC_last")
    for i, row in ctx.enum("UASC"):
        child = v(row, "CHILD") or ""
        j = rows_last.get(child)
        if now.get(child) != "1" or before.get(child) != "1" or j is None:
            continue
        dob, last_duc, this_duc = dob_last[j], duc_last[j], duc_now[i]
        eighteenth = add_years(dob, 18) if dob is not None else None
        last_was_projected = last_duc is not None and last_duc == eighteenth
        this_fits = _in_year(this_duc, start, end) or (this_duc is not None
                                                       and this_duc == last_duc)
        if not last_was_projected or not this_fits:
            yield Finding("UASC", i, "DUC", v(row, "DUC"))


@rule(id="903:205C", dfe_code="205C", format=F, severity="error",
      message="Child not identified as UASC either this year or last year but date UASC "
              "ceased has been provided.", fields=["DUC", STATUS], tables=list(ALL),
      expected="no DUC for a child whose UASC status is 0 in both years")
def ceased_but_never_uasc(ctx: Context) -> Iterable[Finding]:
    both = _both_years(ctx)
    if both is None:
        return
    now, before = both
    rows_last = _duc(ctx, "UASC_last")
    for i, row in ctx.enum("UASC"):
        child = v(row, "CHILD") or ""
        j = rows_last.get(child)
        given = v(row, "DUC") is not None or (
            j is not None and ctx.value("UASC_last", j, "DUC") is not None)
        if given and now.get(child) != "1" and before.get(child) != "1":
            yield Finding("UASC", i, "DUC", v(row, "DUC"))


@rule(id="903:205D", dfe_code="205D", format=F, severity="error",
      message="Child identified as UASC this year but not identified as UASC status provided "
              "for the child last year.", fields=["CHILD", STATUS], tables=list(ALL),
      expected="a child UASC this year and in last year's Header UASC there too")
def uasc_only_this_year(ctx: Context) -> Iterable[Finding]:
    both = _both_years(ctx)
    if both is None or not ctx.has("Header_last"):
        return
    now, before = both
    for i, row in ctx.enum("Header"):
        child = v(row, "CHILD") or ""
        if now.get(child) == "1" and child in before and before[child] != "1":
            yield Finding("Header", i, "CHILD", child)
