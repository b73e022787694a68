"""DfE SSDA903 rules on who the return's other tables are for: care leavers (OC3), children
with no episodes, the mother field, and children looked after only for short breaks."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from lantern.ingest.rules.common import add_years, claim, v
from lantern.ingest.rules.engine import Context, Finding, rule
from lantern.ingest.rules.ssda903._base import (
    ADOPTED,
    RESPITE,
    SEX_FEMALE,
    SEX_MALE,
    F,
    episodes_in_order,
    header_dob,
)

E = "Episodes"
LEAVER_ITEMS = ("IN_TOUCH", "ACTIV", "ACCOM")
# Tables that hold nothing for a care leaver who was not looked after in the year (1012).
OTHER_TABLES = ("PlacedAdoption", "Missing", "Reviews", "AD1", "PrevPerm", "OC2")


def _leaver_info(ctx: Context) -> dict[str, int]:
    """CHILD -> OC3 row, for care leavers with any care leaver item completed."""
    return {v(r, "CHILD") or "": i for i, r in ctx.enum("OC3")
            if any(v(r, f) is not None for f in LEAVER_ITEMS)}


def _in_year(ctx: Context, respite: bool = True) -> frozenset[str]:
    """Children with an episode overlapping the collection year (an open one reaching it);
    with `respite` False, an episode other than a short break (V3/V4)."""
    def make() -> frozenset[str]:
        start, end = ctx.dates(E, "DECOM"), ctx.dates(E, "DEC")
        first, last = ctx.year_start, ctx.year_end
        out = set()
        for i, row in ctx.enum(E):
            s, e = start[i], end[i]
            if not respite and v(row, "LS") in RESPITE:
                continue
            if (s is not None and (last is None or s <= last)
                    and (first is None or e is None or e >= first)):
                out.add(v(row, "CHILD") or "")
        return frozenset(out)

    return ctx.memo(f"eps:in-year:{respite}", make)


Select = Callable[[Context, dict[str, int]], Iterable[str]]


def _leaver_rule(code: str, message: str, expected: str, tables: list[str],
                 select: Select, years: tuple[int, int] | None = None) -> None:
    """Declare a rule flagging the OC3 row of the care leavers `select` picks out."""
    def check(ctx: Context) -> Iterable[Finding]:
        info = _leaver_info(ctx)
        for child in sorted(set(select(ctx, info))):
            i = info[child]
            yield Finding("OC3", i, "IN_TOUCH", ctx.value("OC3", i, "IN_TOUCH"))

    rule(id=f"903:{code}", dfe_code=code, format=F, severity="error", message=message,
         fields=list(LEAVER_ITEMS), tables=["OC3", *tables], expected=expected,
         years=years)(check)


def _transferred(ctx: Context, info: dict[str, int]) -> Iterable[str]:
    for child, rows in episodes_in_order(ctx).items():
        if child in info and ctx.value(E, rows[-1], "REC") == "E3":
            yield child


_leaver_rule("1011", "This child is recorded as having his/her care transferred to another "
             "local authority for the final episode and therefore should not have the care "
             "leaver information completed.",
             "no care leaver information when the last episode ended with REC E3", [E],
             select=_transferred)


def _never_in_care(ctx: Context, info: dict[str, int]) -> Iterable[str]:
    # A relevant child was looked after after their 16th birthday. For a young person
    # whose 17th birthday is in the year that care falls in this year's or last year's
    # episodes; older care leavers' care may be in returns Lantern is not given.
    first, last, dobs = ctx.year_start, ctx.year_end, header_dob(ctx)
    if not ctx.has("Episodes_last") or first is None or last is None:
        return
    seen = set(ctx.by_child(E)) | set(ctx.by_child("Episodes_last"))
    for child in info:
        dob = dobs.get(child)
        if child not in seen and dob is not None and first <= add_years(dob, 17) <= last:
            yield child


_leaver_rule("1002", "This child has no previous episodes of care, therefore should not have "
             "care leaver information recorded.",
             "care leaver information for a young person 17 in the year only when they have "
             "episodes this year or last year (checked when last year's episodes are "
             "supplied)", [E, "Episodes_last", "Header"],
             select=_never_in_care)


def _care_episodes(ctx: Context) -> dict[str, list[tuple[str, int]]]:
    """CHILD -> this year's and last year's episodes, as (table, row), by DECOM; an episode
    in both returns is taken from this year's (last year's may still have been open)."""
    out: dict[str, list[tuple[str, int]]] = {}
    for table in (E, "Episodes_last"):
        decom = ctx.dates(table, "DECOM")
        for child, rows in ctx.by_child(table).items():
            have = {ctx.dates(t, "DECOM")[i] for t, i in out.get(child, [])}
            out.setdefault(child, []).extend(
                (table, i) for i in rows if decom[i] is not None and decom[i] not in have)
    for eps in out.values():
        eps.sort(key=lambda e: ctx.dates(e[0], "DECOM")[e[1]] or date.max)
    return out


def _not_relevant(ctx: Context, info: dict[str, int]) -> Iterable[str]:
    # A relevant or former relevant child was looked after for 13 weeks since their 14th
    # birthday, some of it after their 16th, and was not adopted. Lantern sees the
    # episodes of this year (and last year, when supplied): an adoption ending the latest
    # of them is conclusive; no care after the 16th birthday is only when that birthday
    # falls inside the years supplied (earlier care is in returns Lantern is not given).
    first, dobs = ctx.year_start, header_dob(ctx)
    if first is None:
        return
    since = add_years(first, -1) if ctx.has("Episodes_last") else first
    for child, eps in _care_episodes(ctx).items():
        dob = dobs.get(child)
        if child not in info or not eps:
            continue
        table, last = eps[-1]
        adopted = ctx.value(table, last, "REC") in ADOPTED
        sixteen = add_years(dob, 16) if dob is not None else None
        if adopted or (sixteen is not None and sixteen >= since and not any(
                _in_care_on_or_after(ctx, t, i, sixteen) for t, i in eps)):
            yield child


def _in_care_on_or_after(ctx: Context, table: str, i: int, day: date) -> bool:
    """An episode (not a short break) running on or after `day`."""
    ended = ctx.dates(table, "DEC")[i]
    return ctx.value(table, i, "LS") not in RESPITE and (ended is None or ended > day)


_leaver_rule("1001", "The episodes recorded for this young person suggest they are not a "
             "relevant or a former relevant child and therefore should not have care leaver "
             "information completed.",
             "care leaver information only for a young person whose latest episode did not "
             "end in adoption (E11, E12) and who was looked after (not a short break) after "
             "their 16th birthday, judged when that birthday falls in this year or last year "
             "(last year's episodes supplied)", [E, "Episodes_last", "Header"],
             select=_not_relevant)


def _birthday_before(dob: date, on: date) -> date:
    """The child's most recent birthday on or before `on`."""
    years = on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
    return add_years(dob, years)


def _covers(began: date | None, ended: date | None, day: date) -> bool:
    """An episode running on `day` (still open, or ceasing after it)."""
    return began is not None and began <= day and (ended is None or ended > day)


def _still_looked_after(ctx: Context, info: dict[str, int]) -> Iterable[str]:
    end, dobs = ctx.year_end, header_dob(ctx)
    start, dec = ctx.dates(E, "DECOM"), ctx.dates(E, "DEC")
    for child, rows in ctx.by_child(E).items():
        dob = dobs.get(child)
        if child not in info or dob is None or end is None:
            continue
        if not add_years(dob, 17) <= end < add_years(dob, 19):
            continue
        bday = _birthday_before(dob, end)
        if any(_covers(start[i], dec[i], bday) for i in rows):
            yield child


_leaver_rule("1007", "Care leaver information is not required for 17- or 18-year olds who are "
             "still looked after [on their 17th or 18th birthday.]",
             "no care leaver information for a young person aged 17 or 18 at 31 March who "
             "was looked after on their latest birthday", [E, "Header"],
             select=_still_looked_after)


def _left_after_birthday(ctx: Context, info: dict[str, int]) -> Iterable[str]:
    end, dobs, dec = ctx.year_end, header_dob(ctx), ctx.dates(E, "DEC")
    for child, rows in ctx.by_child(E).items():
        dob = dobs.get(child)
        if child not in info or dob is None or end is None:
            continue
        ended = [d for d in (dec[i] for i in rows) if d is not None]
        for age_ in (17, 18):
            bday = add_years(dob, age_)
            if bday <= end < add_years(dob, age_ + 1) and any(d >= bday for d in ended):
                yield child
                break


_leaver_rule("1016", "Care leaver information is not required for 17- or 18-year olds who "
             "cease to be looked after, after their birthday.",
             "no care leaver information for a 17-year-old (at 31 March) whose care ended on "
             "or after their 17th birthday, or an 18-year-old's after their 18th", [E, "Header"],
             select=_left_after_birthday, years=(2024, 2027))


def _open_at_end_last_year(ctx: Context, info: dict[str, int]) -> Iterable[str]:
    if not ctx.has("Episodes_last") or not ctx.has(E):
        return
    start = ctx.dates("Episodes_last", "DECOM")
    for child, rows in ctx.by_child("Episodes_last").items():
        dated = [i for i in rows if start[i] is not None]
        if child in info and child not in ctx.by_child(E) and dated and ctx.value(
                "Episodes_last", max(dated, key=lambda i: (start[i], i)), "DEC") is None:
            yield child


_leaver_rule("1010", "This child has no episodes loaded for current year even though there was "
             "an open episode of care at the end of the previous year, and care leaver data "
             "has been entered.",
             "episodes this year for a care leaver whose last episode last year was still "
             "open (checked when last year's episodes are supplied)", [E, "Episodes_last"],
             select=_open_at_end_last_year)


def _died_last_year(ctx: Context, info: dict[str, int]) -> Iterable[str]:
    died = {v(r, "CHILD") for r in ctx.rows("OC3_last") if v(r, "IN_TOUCH") == "DIED"}
    yield from (c for c, i in info.items()
                if c in died and ctx.value("OC3", i, "IN_TOUCH") != "DIED")


_leaver_rule("348", "Care leaver has previously been reported as having died.",
             "IN_TOUCH DIED again for a care leaver reported as having died last year",
             ["OC3_last"], select=_died_last_year, years=(2026, 2027))


@rule(id="903:347", dfe_code="347", format=F, severity="error", years=(2024, 2027),
      message="Care leavers aged under 18 years, can not be accommodated in a Foyer.",
      fields=["ACCOM", "DOB"], tables=["OC3", "Header"],
      expected="ACCOM other than T1, T2 (foyer) for a care leaver under 18 on 31 March")
def foyer_under_18(ctx: Context) -> Iterable[Finding]:
    end, dobs = ctx.year_end, header_dob(ctx)
    for i, row in ctx.enum("OC3"):
        dob = dobs.get(v(row, "CHILD") or "")
        if (end is not None and dob is not None and add_years(dob, 18) > end
                and v(row, "ACCOM") in ("T1", "T2")):
            yield Finding("OC3", i, "ACCOM", v(row, "ACCOM"))


@rule(id="903:3001", dfe_code="3001", format=F, severity="error",
      message="Where care leavers information is being returned for a young person around their "
             "17th birthday, the accommodation cannot be with their former foster carer(s).",
      fields=["ACCOM", "DOB"], tables=["OC3", "Header"],
      expected="ACCOM other than Z1, Z2 (with former foster carers) for a young person whose "
               "17th birthday is in the collection year")
def seventeen_with_foster_carers(ctx: Context) -> Iterable[Finding]:
    first, last, dobs = ctx.year_start, ctx.year_end, header_dob(ctx)
    for i, row in ctx.enum("OC3"):
        dob = dobs.get(v(row, "CHILD") or "")
        if (dob is not None and first is not None and last is not None
                and first <= add_years(dob, 17) <= last and v(row, "ACCOM") in ("Z1", "Z2")):
            yield Finding("OC3", i, "ACCOM", v(row, "ACCOM"))


@rule(id="903:1012", dfe_code="1012", format=F, severity="error",
      message="No other data should be returned for OC3 children who had no episodes in the "
             "current year", fields=["CHILD"], tables=["OC3", E, *OTHER_TABLES],
      expected="no adoption, missing, review, previous permanence or OC2 rows for a care "
               "leaver (OC3) with no episode in the year")
def leaver_with_other_data(ctx: Context) -> Iterable[Finding]:
    if not ctx.has(E):
        return
    leavers = set(ctx.by_child("OC3")) - set(ctx.by_child(E))
    for table in OTHER_TABLES:
        for i, row in ctx.enum(table):
            if v(row, "CHILD") in leavers:
                yield Finding(table, i, "CHILD", v(row, "CHILD"))


@rule(id="903:1014", dfe_code="1014", format=F, severity="error",
      message="UASC information is not required for care leavers",
      fields=["DUC", "IN_TOUCH", "ACTIV", "ACCOM"], tables=["UASC", "OC3", E],
      expected="no UASC row for a care leaver (OC3 completed) with no episode in the year")
def leaver_with_uasc(ctx: Context) -> Iterable[Finding]:
    if not ctx.has(E):
        return
    looked_after, info = _in_year(ctx), _leaver_info(ctx)
    for i, row in ctx.enum("UASC"):
        child = v(row, "CHILD") or ""
        if child in info and child not in looked_after:
            yield Finding("UASC", i, "DUC", v(row, "DUC"))


@rule(id="903:EPI", dfe_code="EPI", format=F, severity="warning",
      message="WARNING: Episodes need to be loaded for this child before further validation is "
             "possible", fields=["CHILD"], tables=["Header", E, "OC3"],
      expected="episodes (or care leaver data) for every child in the Header")
def header_without_episodes(ctx: Context) -> Iterable[Finding]:
    if not ctx.has(E):
        return
    known = set(ctx.by_child(E)) | set(ctx.by_child("OC3"))
    for i, row in ctx.enum("Header"):
        if v(row, "CHILD") is not None and v(row, "CHILD") not in known:
            yield Finding("Header", i, "CHILD", v(row, "CHILD"))


# -- the mother field --------------------------------------------------------------------

claim(F, "Header", "MOTHER", "code")  # 165 says when MOTHER is invalid


def _in_care_not_respite(ctx: Context) -> frozenset[str]:
    return frozenset(v(r, "CHILD") or "" for r in ctx.rows(E) if v(r, "LS") not in RESPITE)


@rule(id="903:165", dfe_code="165", format=F, severity="error",
      message="Data entry for mother status is invalid.",
      fields=["MOTHER", "SEX", "ACTIV", "ACCOM", "IN_TOUCH", "DECOM"],
      tables=["Header", E, "OC3"],
      expected="MOTHER 0 or 1; blank for a boy; completed for a girl looked after in the year "
               "(not only V3/V4); blank for a care leaver not looked after in the year")
def mother_status(ctx: Context) -> Iterable[Finding]:
    if not ctx.has(E):
        return
    in_year = _in_year(ctx, respite=False)
    leavers = set(_leaver_info(ctx))
    for i, row in ctx.enum("Header"):
        child, sex, mother = v(row, "CHILD") or "", v(row, "SEX"), v(row, "MOTHER")
        bad = (mother is not None and mother not in ("0", "1")) or (
            sex in SEX_MALE and mother is not None) or (
            sex in SEX_FEMALE and mother is None and child in in_year) or (
            sex in SEX_FEMALE and mother is not None and child not in in_year
            and child in leavers)
        if bad:
            yield Finding("Header", i, "MOTHER", mother)


@rule(id="903:393", dfe_code="393", format=F, severity="error",
      message="Child is looked after but mother field is not completed.",
      fields=["MOTHER", "SEX", "LS"], tables=["Header", E],
      expected="MOTHER completed for a girl with an episode under a legal status other than "
               "V3/V4")
def mother_missing(ctx: Context) -> Iterable[Finding]:
    in_care = _in_care_not_respite(ctx)
    for i, row in ctx.enum("Header"):
        if (v(row, "SEX") in SEX_FEMALE and v(row, "MOTHER") is None
                and v(row, "CHILD") in in_care):
            yield Finding("Header", i, "MOTHER", None)


@rule(id="903:607", dfe_code="607", format=F, severity="error",
      message="Child ceased to be looked after in the year, but mother field has not been "
             "completed.", fields=["DEC", "LS", "MOTHER", "REC", "SEX"], tables=["Header", E],
      expected="MOTHER completed for a girl whose care (not V3/V4) ended in the year")
def left_care_mother_missing(ctx: Context) -> Iterable[Finding]:
    first, last, dec = ctx.year_start, ctx.year_end, ctx.dates(E, "DEC")
    left = set()
    for i, r in ctx.enum(E):
        d = dec[i]
        if (v(r, "REC") not in (None, "X1") and v(r, "LS") not in RESPITE and d is not None
                and first is not None and last is not None and first <= d <= last):
            left.add(v(r, "CHILD"))
    for i, row in ctx.enum("Header"):
        if v(row, "SEX") in SEX_FEMALE and v(row, "MOTHER") is None and v(row, "CHILD") in left:
            yield Finding("Header", i, "MOTHER", None)


@rule(id="903:399", dfe_code="399", format=F, severity="error",
      message="Mother field, review field or participation field are completed but child is "
             "looked after under legal status V3 or V4.",
      fields=["LS", "MOTHER", "REVIEW", "REVIEW_CODE"], tables=["Header", E, "Reviews"],
      expected="MOTHER blank and no reviews for a child looked after only under V3/V4")
def short_breaks_only(ctx: Context) -> Iterable[Finding]:
    breaks_only = {c for c, rows in ctx.by_child(E).items()
                   if all(ctx.value(E, i, "LS") in RESPITE for i in rows)}
    for i, row in ctx.enum("Header"):
        if v(row, "CHILD") in breaks_only and v(row, "MOTHER") is not None:
            yield Finding("Header", i, "MOTHER", v(row, "MOTHER"))
    for i, row in ctx.enum("Reviews"):
        if v(row, "CHILD") in breaks_only:
            yield Finding("Reviews", i, "REVIEW", v(row, "REVIEW"))
