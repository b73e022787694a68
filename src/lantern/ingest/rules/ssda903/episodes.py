"""DfE SSDA903 rules on care episodes: codes, dates, durations, ages and sequences."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from datetime import date

from lantern.ingest.rules.common import age, claim, code_rule, date_rule, days, v
from lantern.ingest.rules.engine import Context, Finding, rule
from lantern.ingest.rules.schema import ssda903_fields
from lantern.ingest.rules.ssda903._base import (
    ADOPTED,
    RESPITE,
    TEMPORARY,
    F,
    episodes_in_order,
    header_dob,
)

E = "Episodes"
FREEING_ORDERS_END = date(2005, 12, 30)


def _codes(field: str) -> Callable[[int | None], frozenset[str]]:
    return lambda year: ssda903_fields(year)[E][field].codes


date_rule(id="903:141", dfe_code="141", format=F, table=E, field="DECOM",
          message="Date episode began is not a valid date.")
code_rule(id="903:143", dfe_code="143", format=F, table=E, field="RNE",
          message="The reason for new episode code is not a valid code.", codes=_codes("RNE"))
code_rule(id="903:144", dfe_code="144", format=F, table=E, field="LS",
          message="The legal status code is not a valid code.", codes=_codes("LS"))
code_rule(id="903:145", dfe_code="145", format=F, table=E, field="CIN",
          message="Category of need code is not a valid code.", codes=_codes("CIN"))
code_rule(id="903:146", dfe_code="146", format=F, table=E, field="PLACE",
          message="Placement type code is not a valid code.", codes=_codes("PLACE"))
date_rule(id="903:147", dfe_code="147", format=F, table=E, field="DEC",
          message="Date episode ceased is not a valid date.")
code_rule(id="903:149", dfe_code="149", format=F, table=E, field="REC",
          message="Reason episode ceased code is not valid.", codes=_codes("REC"))
code_rule(id="903:1009", dfe_code="1009", format=F, table=E, field="REASON_PLACE_CHANGE",
          message="Reason for placement change is not a valid code.",
          codes=_codes("REASON_PLACE_CHANGE"))


def _each(ctx: Context, test: Callable[[dict[str, str | None]], bool], field: str
          ) -> Iterable[Finding]:
    for i, row in ctx.enum(E):
        if test(row):
            yield Finding(E, i, field, v(row, field))


@rule(id="903:148", dfe_code="148", format=F, severity="error",
      message="Date episode ceased and reason episode ceased must both be coded, or both left "
              "blank.", fields=["DEC", "REC"], tables=[E],
      expected="DEC and REC both completed or both blank")
def dec_rec_together(ctx: Context) -> Iterable[Finding]:
    return _each(ctx, lambda r: (v(r, "DEC") is None) != (v(r, "REC") is None), "REC")


# -- dates against each other and the year --------------------------------------------

@rule(id="903:354", dfe_code="354", format=F, severity="error",
      message="Date episode ceased must be on or before the end of the current collection year.",
      fields=["DECOM"], tables=[E], expected="DECOM on or before 31 March of the collection year")
def started_after_year(ctx: Context) -> Iterable[Finding]:
    end = ctx.year_end
    for i, d in enumerate(ctx.dates(E, "DECOM")):
        if end is not None and d is not None and d > end:
            yield Finding(E, i, "DECOM", ctx.value(E, i, "DECOM"))


@rule(id="903:385", dfe_code="385", format=F, severity="error",
      message="Date episode ceased must be on or before the end of the current collection year.",
      fields=["DEC"], tables=[E], expected="DEC on or before 31 March of the collection year")
def ceased_after_year(ctx: Context) -> Iterable[Finding]:
    end = ctx.year_end
    for i, d in enumerate(ctx.dates(E, "DEC")):
        if end is not None and d is not None and d > end:
            yield Finding(E, i, "DEC", ctx.value(E, i, "DEC"))


@rule(id="903:355", dfe_code="355", format=F, severity="error",
      message="Episode appears to have lasted for less than 24 hours",
      fields=["DEC", "DECOM"], tables=[E], expected="DEC later than DECOM")
def same_day(ctx: Context) -> Iterable[Finding]:
    start, end = ctx.dates(E, "DECOM"), ctx.dates(E, "DEC")
    for i in range(len(start)):
        if start[i] is not None and start[i] == end[i]:
            yield Finding(E, i, "DEC", ctx.value(E, i, "DEC"))


@rule(id="903:356", dfe_code="356", format=F, severity="error",
      message="The date the episode ceased is before the date the same episode started.",
      fields=["DECOM", "DEC"], tables=[E], expected="DEC on or after DECOM")
def ceased_before_start(ctx: Context) -> Iterable[Finding]:
    start, end = ctx.dates(E, "DECOM"), ctx.dates(E, "DEC")
    for i in range(len(start)):
        s, e = start[i], end[i]
        if s is not None and e is not None and e < s:
            yield Finding(E, i, "DEC", ctx.value(E, i, "DEC"))


# DfE deleted 445 from the 2024-25 return on.
@rule(id="903:445", dfe_code="445", format=F, severity="error", years=(2023, 2024),
      message="D1 is not a valid code for episodes starting after December 2005.",
      fields=["DECOM", "LS"], tables=[E], expected="no freeing order (D1) after 30/12/2005")
def freeing_order_late(ctx: Context) -> Iterable[Finding]:
    start = ctx.dates(E, "DECOM")
    for i, row in ctx.enum(E):
        s = start[i]
        if v(row, "LS") == "D1" and s is not None and s > FREEING_ORDERS_END:
            yield Finding(E, i, "LS", "D1")


@rule(id="903:446", dfe_code="446", format=F, severity="error",
      message="E1 is not a valid code for episodes starting before December 2005.",
      fields=["DECOM", "LS"], tables=[E], expected="no placement order (E1) before 30/12/2005")
def placement_order_early(ctx: Context) -> Iterable[Finding]:
    start = ctx.dates(E, "DECOM")
    for i, row in ctx.enum(E):
        s = start[i]
        if v(row, "LS") == "E1" and s is not None and s < FREEING_ORDERS_END:
            yield Finding(E, i, "LS", "E1")


# -- durations ------------------------------------------------------------------------------

def _spells(ctx: Context, field: str, code: str) -> Iterable[list[int]]:
    """Each run of a child's episodes with `field` = `code`, one starting on the day the
    previous one ceased (DfE: consecutive episodes with the same status are one spell)."""
    start, end = ctx.dates(E, "DECOM"), ctx.dates(E, "DEC")
    for rows in episodes_in_order(ctx).values():
        run: list[int] = []
        for i in rows:
            if ctx.value(E, i, field) != code or start[i] is None:
                if run:
                    yield run
                run = []
                continue
            if run and end[run[-1]] != start[i]:
                yield run
                run = []
            run.append(i)
        if run:
            yield run


def _spell_too_long(ctx: Context, field: str, code: str, limit: int) -> Iterable[Finding]:
    """Every episode of a spell lasting more than `limit` days; a spell still open counts
    to the end of the collection year (31 March)."""
    start, end = ctx.dates(E, "DECOM"), ctx.dates(E, "DEC")
    for run in _spells(ctx, field, code):
        began, last = start[run[0]], run[-1]
        ceased = end[last] if ctx.value(E, last, "DEC") is not None else ctx.year_end
        if began is not None and ceased is not None and days(began, ceased) > limit:
            for i in run:
                yield Finding(E, i, "DEC", ctx.value(E, i, "DEC"))


def spell_rule(id: str, message: str, field: str, code: str, limit: int) -> None:
    def check(ctx: Context) -> Iterable[Finding]:
        return _spell_too_long(ctx, field, code, limit)

    rule(id=f"903:{id}", dfe_code=id, format=F, severity="error", message=message,
         fields=["DECOM", "DEC", field], tables=[E],
         expected=f"a spell with {field} {code} (consecutive episodes joined; an open one "
                  f"counted to 31 March) lasting at most {limit} days")(check)


spell_rule("361", "Police protection legal status lasted longer than maximum 72 hours "
            "allowed in the Children Act 1989.", "LS", "L1", 3)
spell_rule("362", "Emergency protection order (EPO) lasted longer than 21 days", "LS", "L2", 21)
spell_rule("363", "Child assessment order (CAO) lasted longer than 7 days allowed in the "
            "Children Act 1989.", "LS", "L3", 7)
spell_rule("365", "Any individual short- term respite placement must not exceed 17 days.",
            "LS", "V3", 17)
spell_rule("376", "Temporary placements coded as being due to holiday of usual foster "
            "carer(s) cannot exceed three weeks.", "PLACE", "T3", 21)


def _longer_than(ctx: Context, field: str, codes: frozenset[str], limit: int
                 ) -> Iterable[Finding]:
    start, end = ctx.dates(E, "DECOM"), ctx.dates(E, "DEC")
    for i, row in ctx.enum(E):
        s, e = start[i], end[i]
        if v(row, field) in codes and s is not None and e is not None and days(s, e) > limit:
            yield Finding(E, i, "DEC", v(row, "DEC"))


def _duration_rule(id: str, message: str, field: str, code: str, limit: int) -> None:
    def check(ctx: Context) -> Iterable[Finding]:
        return _longer_than(ctx, field, frozenset({code}), limit)

    rule(id=f"903:{id}", dfe_code=id, format=F, severity="error", message=message,
         fields=["DECOM", "DEC", field], tables=[E],
         expected=f"an episode with {field} {code} lasting at most {limit} days")(check)


# 375 and 379 were not found to differ from the peer or the rule text (#19): they keep the
# one-closed-episode reading.
_duration_rule("375", "Hospitalisation coded as a temporary placement exceeds six weeks.",
               "PLACE", "T1", 42)
_duration_rule("379", "Temporary placements for unspecified reason (placement code T4) cannot "
               "exceed seven days.", "PLACE", "T4", 7)


# -- ages -----------------------------------------------------------------------------

def _age_at(ctx: Context, when: str, test: Callable[[dict[str, str | None], int], bool],
            field: str) -> Iterable[Finding]:
    dobs = header_dob(ctx)
    on = ctx.dates(E, when)
    for i, row in ctx.enum(E):
        dob, d = dobs.get(v(row, "CHILD") or ""), on[i]
        if dob is not None and d is not None and test(row, age(dob, d)):
            yield Finding(E, i, field, v(row, field))


def _age_rule(id: str, message: str, when: str, field: str, codes: frozenset[str],
              too_young: int | None = None, too_old: int | None = None) -> None:
    def test(row: dict[str, str | None], years: int) -> bool:
        if v(row, field) not in codes:
            return False
        return (too_young is not None and years < too_young) or (
            too_old is not None and years >= too_old)

    def check(ctx: Context) -> Iterable[Finding]:
        return _age_at(ctx, when, test, field)

    shown = "/".join(sorted(codes))
    if too_young is not None:
        expected = f"a child aged {too_young} or over at {when} when {field} is {shown}"
    else:
        expected = f"a child aged under {too_old} at {when} when {field} is {shown}"
    rule(id=f"903:{id}", dfe_code=id, format=F, severity="error", message=message,
         fields=[when, field, "DOB"], tables=[E, "Header"], expected=expected)(check)


_age_rule("352", "Child who started to be looked after was aged 18 or over.", "DECOM", "RNE",
          frozenset({"S"}), too_old=18)
_age_rule("358", "Child with this legal status should not be under 10.", "DECOM", "LS",
          frozenset({"J1", "J2", "J3"}), too_young=10)
_age_rule("372", "Child in youth custody or prison should be at least 10.", "DECOM", "PLACE",
          frozenset({"R5"}), too_young=10)
_age_rule("373", "Child placed in a school should be at least 4 years old.", "DECOM", "PLACE",
          frozenset({"S1"}), too_young=4)
_age_rule("374", "Child in residential employment should be at least 14 years old.", "DECOM",
          "PLACE", frozenset({"P3"}), too_young=14)
_age_rule("386", "Reason episode ceased is adopted but child has reached age 18.", "DEC", "REC",
          ADOPTED, too_old=18)
_age_rule("387", "Reason episode ceased is child moved into independent living arrangement, "
          "but the child is aged under 14.", "DEC", "REC", frozenset({"E5", "E6"}),
          too_young=14)
_age_rule("389", "Reason episode ceased is that child transferred to care of adult social care "
          "services, but child is aged under 16.", "DEC", "REC", frozenset({"E7"}),
          too_young=16)
_age_rule("407", "Reason episode ceased is Special Guardianship Order, but child has reached "
          "age 18.", "DEC", "REC", frozenset({"E45", "E46", "E47", "E48"}), too_old=18)
_age_rule("460", "Reason episode ceased is that child stayed with current carers at age 18 (or "
          "above), but child is aged under 18.", "DEC", "REC", frozenset({"E17"}),
          too_young=18)


# 371's placement code and minimum age change by collection year (year ending 31 March):
# semi-independent living H5 at 14 (2022-23), at 16 (2023-24); supported accommodation K3
# at 16 (from 2024-25). A year before 2023 is read as 2022-23.
SUPPORTED_ACCOMMODATION: dict[int, tuple[str, int]] = {2023: ("H5", 14), 2024: ("H5", 16),
                                                       2025: ("K3", 16)}


def _supported_accommodation(year: int | None) -> tuple[str, int]:
    known = sorted(SUPPORTED_ACCOMMODATION)
    y = max(min(year or known[-1], known[-1]), known[0])
    return SUPPORTED_ACCOMMODATION[max(k for k in known if k <= y)]


@rule(id="903:371", dfe_code="371", format=F, severity="error",
      message="Child in supported accomodation not subject to children’s homes regulations "
              "should be at least 16.", fields=["DECOM", "PLACE", "DOB"], tables=[E, "Header"],
      expected="a child aged 16 or over at DECOM when PLACE is K3 (H5 to 2023-24; aged 14 "
               "or over in 2022-23)")
def supported_accommodation_too_young(ctx: Context) -> Iterable[Finding]:
    code, minimum = _supported_accommodation(ctx.collection_year)
    shown = f"a child aged {minimum} or over at DECOM when PLACE is {code}"
    for f in _age_at(ctx, "DECOM", lambda r, a: v(r, "PLACE") == code and a < minimum, "PLACE"):
        yield f._replace(expected=shown)


@rule(id="903:302", dfe_code="302", format=F, severity="error",
      message="First episode starts before child was born.", fields=["DECOM", "DOB"],
      tables=[E, "Header"], expected="DECOM on or after the child's date of birth")
def before_birth(ctx: Context) -> Iterable[Finding]:
    dobs = header_dob(ctx)
    start = ctx.dates(E, "DECOM")
    for child, rows in episodes_in_order(ctx).items():
        first, dob = rows[0], dobs.get(child)
        began = start[first]
        if dob is not None and began is not None and began < dob:
            yield Finding(E, first, "DECOM", ctx.value(E, first, "DECOM"))


# -- codes against each other ------------------------------------------------------------

def _combo_rule(id: str, message: str, field: str, expected: str,
                test: Callable[[dict[str, str | None]], bool],
                fields: tuple[str, ...] = ("PLACE", "PLACE_PROVIDER")) -> None:
    def check(ctx: Context) -> Iterable[Finding]:
        return _each(ctx, test, field)

    rule(id=f"903:{id}", dfe_code=id, format=F, severity="error", message=message,
         fields=list(fields), tables=[E], expected=expected)(check)


_NOT_OTHER_LA = frozenset({"P1", "R2", "R5"})
_NOT_PUBLIC = frozenset({"P1", "A3", "A4", "A5", "A6", "K1", "K2",
                         "U1", "U2", "U3", "U4", "U5", "U6"})
_combo_rule("366", "A child cannot change placement during the course of an individual "
            "short-term respite break.", "RNE", "RNE = S for every V3 episode",
            lambda r: v(r, "LS") == "V3" and v(r, "RNE") not in (None, "S"), ("LS", "RNE"))
_combo_rule("378", "A child who is placed with parent(s) cannot be looked after under a single "
            "period of accommodation under Section 20 of the Children Act 1989.", "LS",
            "a legal status other than V2 when PLACE is P1",
            lambda r: v(r, "PLACE") == "P1" and v(r, "LS") == "V2", ("LS", "PLACE"))
_combo_rule("380", "A period of care cannot start with a temporary placement.", "RNE",
            "RNE P or B (a change of placement) when PLACE is T0-T4",
            lambda r: v(r, "PLACE") in TEMPORARY and v(r, "RNE") not in (None, "P", "B"),
            ("PLACE", "RNE"))
_combo_rule("381", "A period of care cannot end with a temporary placement.", "PLACE",
            "a placement other than T0-T4 when the period of care ends (REC not X1)",
            lambda r: v(r, "REC") not in (None, "X1") and v(r, "PLACE") in TEMPORARY,
            ("PLACE", "REC"))
_combo_rule("382", "A child receiving respite care cannot be in a temporary placement.", "PLACE",
            "a placement other than T0-T4 when LS is V3 or V4",
            lambda r: v(r, "LS") in RESPITE and v(r, "PLACE") in TEMPORARY, ("LS", "PLACE"))
_combo_rule("384", "A child receiving respite care cannot be in a long-term foster placement ",
            "PLACE", "a placement other than U1 or U4 when LS is V3 or V4",
            lambda r: v(r, "LS") in RESPITE and v(r, "PLACE") in ("U1", "U4"), ("LS", "PLACE"))
_combo_rule("213", "Placement provider information not required.", "PLACE_PROVIDER",
            "PLACE_PROVIDER blank when PLACE is T0-T4 or Z1",
            lambda r: v(r, "PLACE") in TEMPORARY | {"Z1"} and v(r, "PLACE_PROVIDER") is not None)
_combo_rule("527", "A placement provider code of PR1 cannot be associated with placements P1, R2 "
            "or R5.", "PLACE_PROVIDER", "a provider other than PR1 for P1, R2 or R5",
            lambda r: v(r, "PLACE_PROVIDER") == "PR1" and v(r, "PLACE") in _NOT_OTHER_LA)
_combo_rule("528", "A placement provider code of PR2 cannot be associated with placements P1, R2 "
            "or R5.", "PLACE_PROVIDER", "a provider other than PR2 for P1, R2 or R5",
            lambda r: v(r, "PLACE_PROVIDER") == "PR2" and v(r, "PLACE") in _NOT_OTHER_LA)
_combo_rule("529", "Placement provider code of PR3 cannot be associated with placements P1, A3 to "
            "A6, K1, K2 and U1 to U6 as these placements cannot be provided by other public "
            "organisations.", "PLACE_PROVIDER",
            "a provider other than PR3 for P1, A3-A6, K1, K2, U1-U6",
            lambda r: v(r, "PLACE_PROVIDER") == "PR3" and v(r, "PLACE") in _NOT_PUBLIC)
_combo_rule("530", "A placement provider code of PR4 cannot be associated with placement P1.",
            "PLACE_PROVIDER", "a provider other than PR4 for P1",
            lambda r: v(r, "PLACE_PROVIDER") == "PR4" and v(r, "PLACE") == "P1")
_combo_rule("531", "A placement provider code of PR5 cannot be associated with placements P1.",
            "PLACE_PROVIDER", "a provider other than PR5 for P1",
            lambda r: v(r, "PLACE_PROVIDER") == "PR5" and v(r, "PLACE") == "P1")
_combo_rule("550", "A placement provider code of PR0 can only be associated with placement P1.",
            "PLACE_PROVIDER", "PR0 only with PLACE P1",
            lambda r: v(r, "PLACE_PROVIDER") == "PR0" and v(r, "PLACE") not in (None, "P1"))


@rule(id="903:226", dfe_code="226", format=F, severity="error",
      message="Reason for placement change is not required.",
      fields=["PLACE", "REASON_PLACE_CHANGE"], tables=[E],
      expected="REASON_PLACE_CHANGE blank on a T0-T4 episode and on the episode before it")
def reason_for_temporary_move(ctx: Context) -> Iterable[Finding]:
    # DfE: for PLACE T0-T4 the reason is null "in current episode and current episode - 1"
    # (a move into a temporary placement, or back from one, is not a placement change).
    for rows in episodes_in_order(ctx).values():
        for k, i in enumerate(rows):
            if ctx.value(E, i, "PLACE") not in TEMPORARY:
                continue
            mine = ctx.value(E, i, "REASON_PLACE_CHANGE")
            before = ctx.value(E, rows[k - 1], "REASON_PLACE_CHANGE") if k else None
            if mine is not None or before is not None:
                yield Finding(E, i, "REASON_PLACE_CHANGE", mine)


def no_provider(year: int | None) -> frozenset[str]:
    """Placements that have no provider (178): T0-T4 and Z1; from 2025-26 T0-T3, Z11-Z14."""
    if year is not None and year >= 2026:
        return frozenset({"T0", "T1", "T2", "T3", "Z11", "Z12", "Z13", "Z14"})
    return TEMPORARY | {"Z1"}


claim(F, E, "PLACE_PROVIDER", "code")


@rule(id="903:178", dfe_code="178", format=F, severity="error",
      message="Placement provider code is not a valid code.",
      fields=["PLACE_PROVIDER", "PLACE"], tables=[E],
      expected="PR0-PR5, and blank when PLACE is T0-T4 or Z1 (from 2025-26: T0-T3, Z11-Z14)")
def provider_code(ctx: Context) -> Iterable[Finding]:
    codes = _codes("PLACE_PROVIDER")(ctx.collection_year)
    none = no_provider(ctx.collection_year)
    for i, row in ctx.enum(E):
        given = v(row, "PLACE_PROVIDER")
        if given is not None and (given not in codes or v(row, "PLACE") in none):
            yield Finding(E, i, "PLACE_PROVIDER", given)


def _postcode(value: str | None) -> str | None:
    return value.replace(" ", "").upper() if value else None


@rule(id="903:392d", dfe_code="392d", format=F, severity="error",
      message="Home and placement postcodes should not be same unless the placement type is P1.",
      fields=["HOME_POST", "PL_POST", "PLACE"], tables=[E],
      expected="a placement postcode other than the home postcode, unless PLACE is P1")
def placed_at_home_postcode(ctx: Context) -> Iterable[Finding]:
    for i, row in ctx.enum(E):
        home = _postcode(v(row, "HOME_POST"))
        if home is not None and home == _postcode(v(row, "PL_POST")) \
                and v(row, "PLACE") != "P1":
            yield Finding(E, i, "PL_POST", v(row, "PL_POST"))


# -- sequences of a child's episodes ------------------------------------------------------

@rule(id="903:142", dfe_code="142", format=F, severity="error",
      message="A new episode has started, but the previous episode has not ended.",
      fields=["DEC", "REC"], tables=[E], expected="DEC completed on every episode but the last")
def previous_not_ended(ctx: Context) -> Iterable[Finding]:
    for rows in episodes_in_order(ctx).values():
        for i in rows[:-1]:
            if ctx.value(E, i, "DEC") is None:
                yield Finding(E, i, "DEC", None)


@rule(id="903:501", dfe_code="501", format=F, severity="error",
      message="A new episode has started before the end date of the previous episode.",
      fields=["DEC", "DECOM"], tables=[E],
      expected="each episode starting on or after the previous episode's DEC")
def overlapping(ctx: Context) -> Iterable[Finding]:
    start, end = ctx.dates(E, "DECOM"), ctx.dates(E, "DEC")
    for rows in episodes_in_order(ctx).values():
        for prev, nxt in itertools.pairwise(rows):
            e, s = end[prev], start[nxt]
            if e is not None and s is not None and s < e:
                yield Finding(E, nxt, "DECOM", ctx.value(E, nxt, "DECOM"))


@rule(id="903:388", dfe_code="388", format=F, severity="error",
      message="Reason episode ceased is coded new episode begins, but there is no continuation "
              "episode.", fields=["REC"], tables=[E],
      expected="an episode of the same child starting on the DEC of an X1 episode")
def x1_without_next(ctx: Context) -> Iterable[Finding]:
    start, end = ctx.dates(E, "DECOM"), ctx.dates(E, "DEC")
    for rows in episodes_in_order(ctx).values():
        starts = {start[i] for i in rows}
        for i in rows:
            if ctx.value(E, i, "REC") == "X1" and end[i] is not None and end[i] not in starts:
                yield Finding(E, i, "REC", "X1")


@rule(id="903:504", dfe_code="504", format=F, severity="error",
      message="The category of need code differs from that reported at start of current period "
              "of being looked after", fields=["CIN"], tables=[E],
      expected="the CIN code of the period's first (RNE = S) episode")
def need_changed(ctx: Context) -> Iterable[Finding]:
    for rows in episodes_in_order(ctx).values():
        need: str | None = None
        for i in rows:
            rne, cin = ctx.value(E, i, "RNE"), ctx.value(E, i, "CIN")
            if rne == "S":
                need = cin
            elif need is not None and cin is not None and cin != need:
                yield Finding(E, i, "CIN", cin)
