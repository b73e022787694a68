"""DfE SSDA903 rules on what carries over: unknown-UPN codes against age and time in care,
UASC status against age, missing periods against the placement and last year, episodes
against last year's, and re-entry after adoption."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from lantern.ingest.rules.common import add_years, v
from lantern.ingest.rules.engine import Context, Finding, rule
from lantern.ingest.rules.ssda903._base import ADOPTED, F, episodes_in_order

E, M = "Episodes", "Missing"


@rule(id="903:209", dfe_code="209", format=F, severity="error",
      message="Child looked after is of school age and should not have an unknown Unique Pupil "
              "Number (UPN) code of UN1.", fields=["UPN", "DOB"], tables=["Header"],
      expected="UN1 (not yet of school age) only for a child under 4 on 31 August of the year "
               "before the collection year began")
def school_age_without_upn(ctx: Context) -> Iterable[Finding]:
    first = ctx.year_start
    if first is None:
        return
    # Aged 4 by that 31 August: in school from the September a year and a half before.
    cutoff = date(first.year - 1, 8, 31)
    dobs = ctx.dates("Header", "DOB")
    for i, row in ctx.enum("Header"):
        dob = dobs[i]
        if v(row, "UPN") == "UN1" and dob is not None and add_years(dob, 4) <= cutoff:
            yield Finding("Header", i, "UPN", "UN1")


def _open_on(began: date | None, ended: date | None, day: date) -> bool:
    return began is not None and began <= day and (ended is None or ended > day)


@rule(id="903:210", dfe_code="210", format=F, severity="error",
      message="Children looked after for more than a week at 31 March should not have an "
              "unknown Unique Pupil Number (UPN) code of UN4.", fields=["UPN", "DECOM"],
      tables=["Header", E],
      expected="UN4 (newly looked after) only for a child whose care began in the last week "
               "before 31 March (on or after 24 March)")
def newly_looked_after_too_long(ctx: Context) -> Iterable[Finding]:
    end = ctx.year_end
    if end is None:
        return
    week_before = end - timedelta(days=7)
    start, dec = ctx.dates(E, "DECOM"), ctx.dates(E, "DEC")
    long_stay = set()
    for child, rows in episodes_in_order(ctx).items():
        open_at_end = any(_open_on(start[i], dec[i], end) for i in rows)
        began = start[rows[0]]
        if open_at_end and began is not None and began < week_before:
            long_stay.add(child)
    for i, row in ctx.enum("Header"):
        if v(row, "UPN") == "UN4" and v(row, "CHILD") in long_stay:
            yield Finding("Header", i, "UPN", "UN4")


@rule(id="903:304", dfe_code="304", format=F, severity="error",
      message="Date unaccompanied asylum-seeking child (UASC) status ceased must be on or before "
              "the 18th birthday of a child.", fields=["DUC", "DOB"], tables=["UASC"],
      expected="DUC on or before the child's 18th birthday")
def uasc_after_18(ctx: Context) -> Iterable[Finding]:
    duc, dob = ctx.dates("UASC", "DUC"), ctx.dates("UASC", "DOB")
    for i in range(len(duc)):
        ceased, born = duc[i], dob[i]
        if ceased is not None and born is not None and ceased > add_years(born, 18):
            yield Finding("UASC", i, "DUC", ctx.value("UASC", i, "DUC"))


@rule(id="903:199", dfe_code="199", format=F, severity="error",
      message="Episode information shows child has been previously adopted from care.",
      fields=["REC", "DECOM"], tables=[E, "Episodes_last"],
      expected="no episode starting after one that ended in adoption (REC E11, E12), this year "
               "or last")
def looked_after_after_adoption(ctx: Context) -> Iterable[Finding]:
    adopted: dict[str, date] = {}
    for table in ("Episodes_last", E):
        dec = ctx.dates(table, "DEC")
        for i, row in ctx.enum(table):
            d, child = dec[i], v(row, "CHILD") or ""
            if v(row, "REC") in ADOPTED and d is not None:
                adopted[child] = min(d, adopted.get(child, d))
    start = ctx.dates(E, "DECOM")
    for i, row in ctx.enum(E):
        when = adopted.get(v(row, "CHILD") or "")
        s = start[i]
        if when is not None and s is not None and s >= when:
            yield Finding(E, i, "DECOM", v(row, "DECOM"))


@rule(id="903:562", dfe_code="562", format=F, severity="error",
      message="Episode commenced before the start of the current collection year but there is a "
              "missing continuous episode in the previous year.", fields=["DECOM"],
      tables=[E, "Episodes_last"],
      expected="a child's first episode begun before 1 April is last year's latest episode "
               "(same DECOM)")
def carried_episode_missing_last_year(ctx: Context) -> Iterable[Finding]:
    first = ctx.year_start
    if first is None or not ctx.has("Episodes_last"):
        return
    start, last_start = ctx.dates(E, "DECOM"), ctx.dates("Episodes_last", "DECOM")
    latest: dict[str, date] = {}
    for i, row in ctx.enum("Episodes_last"):
        d, child = last_start[i], v(row, "CHILD") or ""
        if d is not None and (child not in latest or d > latest[child]):
            latest[child] = d
    for child, rows in episodes_in_order(ctx).items():
        i = rows[0]
        s = start[i]
        if s is not None and s < first and latest.get(child) != s:
            yield Finding(E, i, "DECOM", ctx.value(E, i, "DECOM"))


@rule(id="903:575", dfe_code="575", format=F, severity="error",
      message="If the placement from which the child goes missing/away from placement without "
              "authorisation ends, the missing/away from placement without authorisation period "
              "in the missing module must also have an end date.",
      fields=["MIS_END", "MIS_START", "DEC"], tables=[M, E],
      expected="MIS_END completed for a missing period that began during an episode that has "
               "ended")
def missing_open_after_placement(ctx: Context) -> Iterable[Finding]:
    start, dec = ctx.dates(E, "DECOM"), ctx.dates(E, "DEC")
    spans: dict[str, list[tuple[date, date]]] = {}
    for i, row in ctx.enum(E):
        s, e = start[i], dec[i]
        if s is not None and e is not None:
            spans.setdefault(v(row, "CHILD") or "", []).append((s, e))
    went = ctx.dates(M, "MIS_START")
    for i, row in ctx.enum(M):
        w = went[i]
        if v(row, "MIS_END") is None and w is not None and any(
                s <= w <= e for s, e in spans.get(v(row, "CHILD") or "", [])):
            yield Finding(M, i, "MIS_END", None)


@rule(id="903:576", dfe_code="576", format=F, severity="error",
      message="There is an open missing/away from placement without authorisation period in "
              "last year’s return and there is no corresponding period recorded at the start of "
              "this year.", fields=["MIS_START", "MIS_END"], tables=[M, "Missing_last"],
      expected="a missing period still open at the end of last year returned again this year "
               "with the same MIS_START")
def missing_not_carried_over(ctx: Context) -> Iterable[Finding]:
    if not ctx.has("Missing_last") or not ctx.has(M):
        return
    now = ctx.dates(M, "MIS_START")
    this_year = {(v(r, "CHILD"), now[i]) for i, r in ctx.enum(M)}
    before = ctx.dates("Missing_last", "MIS_START")
    for i, row in ctx.enum("Missing_last"):
        if v(row, "MIS_END") is None and before[i] is not None \
                and (v(row, "CHILD"), before[i]) not in this_year:
            yield Finding("Missing_last", i, "MIS_START", v(row, "MIS_START"))


@rule(id="903:626", dfe_code="626", format=F, severity="error",
      message="Child was reported as a mother but the date of birth of the first child is "
              "before the current year which contradicts with the mother status recorded last "
              "year.", fields=["MOTHER", "MC_DOB"], tables=["Header", "Header_last"],
      expected="MC_DOB on or after 1 April for a child who was not a mother last year")
def mother_before_year(ctx: Context) -> Iterable[Finding]:
    first = ctx.year_start
    not_mothers = {v(r, "CHILD") for r in ctx.rows("Header_last") if v(r, "MOTHER") == "0"}
    born = ctx.dates("Header", "MC_DOB")
    for i, row in ctx.enum("Header"):
        b = born[i]
        if (first is not None and b is not None and b < first and v(row, "MOTHER") == "1"
                and v(row, "CHILD") in not_mothers):
            yield Finding("Header", i, "MC_DOB", v(row, "MC_DOB"))


@rule(id="903:NoE", dfe_code="NoE", format=F, severity="error",
      message="This child has no episodes loaded for previous year even though child started to "
              "be looked after before this current year.", fields=["DECOM"],
      tables=[E, "Episodes_last"],
      expected="last year's episodes for a child with an episode begun before 1 April")
def no_episodes_last_year(ctx: Context) -> Iterable[Finding]:
    first = ctx.year_start
    if first is None or not ctx.has("Episodes_last"):
        return
    last_year = set(ctx.by_child("Episodes_last"))
    start = ctx.dates(E, "DECOM")
    for i, row in ctx.enum(E):
        s = start[i]
        if s is not None and s < first and v(row, "CHILD") not in last_year:
            yield Finding(E, i, "DECOM", v(row, "DECOM"))


@rule(id="903:580", dfe_code="580", format=F, severity="error",
      message="Child is missing when cease being looked after but reason episode ceased not "
              "‘E8’.", fields=["REC", "DEC", "MIS_START", "MIS_END"], tables=[E, M],
      expected="REC E8 when the child's care ends during a missing period (MIS_START on or "
               "before DEC, MIS_END blank or on or after it)")
def left_care_while_missing(ctx: Context) -> Iterable[Finding]:
    went, back = ctx.dates(M, "MIS_START"), ctx.dates(M, "MIS_END")
    periods: dict[str, list[tuple[date, date | None]]] = {}
    for i, row in ctx.enum(M):
        w = went[i]
        if w is not None:
            periods.setdefault(v(row, "CHILD") or "", []).append((w, back[i]))
    dec = ctx.dates(E, "DEC")
    for i, row in ctx.enum(E):
        ended, rec = dec[i], v(row, "REC")
        if ended is None or rec in (None, "X1", "E8"):
            continue
        if any(s <= ended and (e is None or e >= ended)
               for s, e in periods.get(v(row, "CHILD") or "", [])):
            yield Finding(E, i, "REC", rec)
