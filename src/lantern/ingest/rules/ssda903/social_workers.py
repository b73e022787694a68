"""DfE SSDA903 rules on social worker episodes (SWEpisodes, from 2023-24) and on previous
permanence (PrevPerm)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from datetime import date, timedelta

from lantern.ingest.rules.common import add_years, claim, code_rule, date_rule, v
from lantern.ingest.rules.engine import Context, Finding, rule
from lantern.ingest.rules.schema import ssda903_fields
from lantern.ingest.rules.ssda903._base import RESPITE, F
from lantern.model.authorities import authority_numbers

SW, E = "SWEpisodes", "Episodes"
SINCE_2024 = (2024, 2027)
FROM_2025 = (2025, 2027)

date_rule(id="903:SW04STG1", dfe_code="SW04STG1", format=F, table=SW, field="SW_DECOM",
          message="Date social worker episode began is not a valid date.", years=SINCE_2024)
date_rule(id="903:SW05STG1", dfe_code="SW05STG1", format=F, table=SW, field="SW_DEC",
          message="Date social worker episode ceased is not a valid date.", years=SINCE_2024)
code_rule(id="903:SW13STG1", dfe_code="SW13STG1", format=F, table=SW, field="SW_REASON",
          message="The reason for social worker change is not valid.", years=SINCE_2024,
          codes=lambda y: ssda903_fields(y)[SW]["SW_REASON"].codes)


# The completeness rules below say when SW_ID, SW_DECOM and SW_REASON may be blank.
for _field in ("SW_ID", "SW_DECOM", "SW_REASON"):
    claim(F, SW, _field, "blank")
# Social worker episodes begun before the 2023-24 year need no worker id or reason.
SW_ITEMS_FROM = date(2023, 4, 1)


def _first_blank(row: dict[str, str | None], fields: tuple[str, ...]) -> str | None:
    return next((f for f in fields if v(row, f) is None), None)


@rule(id="903:SW03STG1", dfe_code="SW03STG1", format=F, severity="error", years=(2024, 2024),
      message="For each social worker episode, information should be complete.",
      fields=["SW_ID", "SW_DECOM", "SW_REASON"], tables=[SW],
      expected="SW_ID, SW_DECOM and SW_REASON completed")
def social_worker_incomplete(ctx: Context) -> Iterable[Finding]:
    for i, row in ctx.enum(SW):
        blank = _first_blank(row, ("SW_ID", "SW_DECOM", "SW_REASON"))
        if blank is not None:
            yield Finding(SW, i, blank, None)


@rule(id="903:SW01aSTG1", dfe_code="SW01aSTG1", format=F, severity="error", years=FROM_2025,
      message="For each social worker episode, information should be complete",
      fields=["SW_DECOM", "SW_ID"], tables=[SW],
      expected="SW_DECOM completed, and SW_ID for an episode begun before 01/04/2023")
def early_social_worker_incomplete(ctx: Context) -> Iterable[Finding]:
    start = ctx.dates(SW, "SW_DECOM")
    for i, row in ctx.enum(SW):
        s = start[i]
        if v(row, "SW_DECOM") is None:
            yield Finding(SW, i, "SW_DECOM", None)
        elif s is not None and s < SW_ITEMS_FROM and v(row, "SW_ID") is None:
            yield Finding(SW, i, "SW_ID", None)


@rule(id="903:SW01bSTG1", dfe_code="SW01bSTG1", format=F, severity="error", years=FROM_2025,
      message="For each social worker episode, information should be complete",
      fields=["SW_DECOM", "SW_ID", "SW_REASON"], tables=[SW],
      expected="SW_ID and SW_REASON completed for an episode begun on or after 01/04/2023")
def late_social_worker_incomplete(ctx: Context) -> Iterable[Finding]:
    start = ctx.dates(SW, "SW_DECOM")
    for i, row in ctx.enum(SW):
        s = start[i]
        blank = _first_blank(row, ("SW_ID", "SW_REASON"))
        if s is not None and s >= SW_ITEMS_FROM and blank is not None:
            yield Finding(SW, i, blank, None)


def _sw_in_order(ctx: Context) -> Iterable[list[int]]:
    """Each child's social worker episodes by SW_DECOM (unreadable dates last)."""
    start = ctx.dates(SW, "SW_DECOM")
    for rows in ctx.by_child(SW).values():
        yield sorted(rows, key=lambda i: (start[i] or date.max, i))


@rule(id="903:SW02STG1", dfe_code="SW02STG1", format=F, severity="error", years=SINCE_2024,
      message="Social worker ID does not begin with the characters ‘SW’ or ‘XX’.",
      fields=["SW_ID"], tables=[SW],
      expected="SW_ID starting SW (or XX when not known); from 2025-26 at least 4 characters")
def social_worker_id(ctx: Context) -> Iterable[Finding]:
    shortest = 4 if (ctx.collection_year or 0) >= 2026 else 0
    for i, row in ctx.enum(SW):
        sw_id = v(row, "SW_ID")
        if sw_id is not None and (sw_id[:2] not in ("SW", "XX") or len(sw_id) < shortest):
            yield Finding(SW, i, "SW_ID", sw_id)


@rule(id="903:SW06STG2", dfe_code="SW06STG2", format=F, severity="error", years=SINCE_2024,
      message="Social worker episode data should be within the social worker data reporting "
              "year.", fields=["SW_DECOM"], tables=[SW],
      expected="SW_DECOM on or before 31 March of the collection year")
def social_worker_starts_late(ctx: Context) -> Iterable[Finding]:
    end = ctx.year_end
    for i, d in enumerate(ctx.dates(SW, "SW_DECOM")):
        if end is not None and d is not None and d > end:
            yield Finding(SW, i, "SW_DECOM", ctx.value(SW, i, "SW_DECOM"))


@rule(id="903:SW07STG2", dfe_code="SW07STG2", format=F, severity="error", years=SINCE_2024,
      message="Social worker episode end date should be on or after the start of the social "
              "worker reporting period, and should be on or before the collection end date.",
      fields=["SW_DEC"], tables=[SW],
      expected="SW_DEC between 1 April of the year before the collection year and 31 March "
               "of the collection year (the two-year social worker reporting period)")
def social_worker_ends_outside(ctx: Context) -> Iterable[Finding]:
    start, end = ctx.year_start, ctx.year_end
    if start is None or end is None:
        return
    first = add_years(start, -1)
    for i, d in enumerate(ctx.dates(SW, "SW_DEC")):
        if d is not None and not first <= d <= end:
            yield Finding(SW, i, "SW_DEC", ctx.value(SW, i, "SW_DEC"))


@rule(id="903:SW08STG2", dfe_code="SW08STG2", format=F, severity="error", years=SINCE_2024,
      message="A new social worker episode has started, but the previous episode has not "
              "ended.", fields=["SW_DEC"], tables=[SW],
      expected="SW_DEC completed on every social worker episode but the child's last")
def social_worker_not_ended(ctx: Context) -> Iterable[Finding]:
    for rows in _sw_in_order(ctx):
        for i in rows[:-1]:
            if ctx.value(SW, i, "SW_DEC") is None:
                yield Finding(SW, i, "SW_DEC", None)


@rule(id="903:SW14STG2", dfe_code="SW14STG2", format=F, severity="error", years=(2024, 2024),
      message="Social worker episode date ceased is blank.", fields=["SW_DEC"], tables=[SW],
      expected="SW_DEC completed on every social worker episode but the child's last")
def social_worker_end_blank(ctx: Context) -> Iterable[Finding]:
    return social_worker_not_ended(ctx)


@rule(id="903:SW09STG2", dfe_code="SW09STG2", format=F, severity="error", years=SINCE_2024,
      message="Social worker episode appears to have lasted for less than 24 hours.",
      fields=["SW_DECOM", "SW_DEC"], tables=[SW], expected="SW_DEC later than SW_DECOM")
def social_worker_same_day(ctx: Context) -> Iterable[Finding]:
    start, end = ctx.dates(SW, "SW_DECOM"), ctx.dates(SW, "SW_DEC")
    for i in range(len(start)):
        if start[i] is not None and start[i] == end[i]:
            yield Finding(SW, i, "SW_DEC", ctx.value(SW, i, "SW_DEC"))


@rule(id="903:SW10STG2", dfe_code="SW10STG2", format=F, severity="error", years=SINCE_2024,
      message="A new social worker episode has started before the end date of the previous "
              "social worker episode.", fields=["SW_DECOM", "SW_DEC"], tables=[SW],
      expected="each social worker episode starting on or after the previous one's SW_DEC")
def social_workers_overlap(ctx: Context) -> Iterable[Finding]:
    start, end = ctx.dates(SW, "SW_DECOM"), ctx.dates(SW, "SW_DEC")
    for rows in _sw_in_order(ctx):
        for prev, i in itertools.pairwise(rows):
            e, s = end[prev], start[i]
            if e is not None and s is not None and s < e:
                yield Finding(SW, i, "SW_DECOM", ctx.value(SW, i, "SW_DECOM"))


def _looked_after_at_year_end(ctx: Context) -> set[str]:
    """Children with an episode (not a short break) open on 31 March."""
    start, dec, end = ctx.dates(E, "DECOM"), ctx.dates(E, "DEC"), ctx.year_end
    out: set[str] = set()
    if end is None:
        return out
    for i, row in ctx.enum(E):
        s, e = start[i], dec[i]
        if s is not None and s <= end and (e is None or e > end) \
                and v(row, "LS") not in RESPITE:
            out.add(v(row, "CHILD") or "")
    return out


def _without_social_worker(ctx: Context, open_only: bool) -> Iterable[Finding]:
    if not ctx.has(SW):  # a return without the social worker file is 2022-23's layout
        return
    workers = ctx.by_child(SW)
    children = _looked_after_at_year_end(ctx)
    for child in sorted(children):
        rows = workers.get(child, [])
        if open_only:
            rows = [i for i in rows if ctx.value(SW, i, "SW_DEC") is None]
        if not rows:
            first = ctx.by_child(E)[child][0]
            yield Finding(E, first, "CHILD", child)


@rule(id="903:SW01STG1", dfe_code="SW01STG1", format=F, severity="error", years=(2024, 2024),
      message="Child looked after on 31 March, but no social worker episode information is "
              "reported", fields=["CHILD", "DEC"], tables=[E, SW],
      expected="a social worker episode for every child looked after on 31 March")
def no_social_worker(ctx: Context) -> Iterable[Finding]:
    return _without_social_worker(ctx, open_only=False)


@rule(id="903:SW17STG2", dfe_code="SW17STG2", format=F, severity="error", years=(2026, 2027),
      message="There is no social worker episode open at 31 March", fields=["CHILD", "SW_DEC"],
      tables=[E, SW],
      expected="a social worker episode with no SW_DEC for every child looked after on 31 "
               "March")
def no_open_social_worker(ctx: Context) -> Iterable[Finding]:
    return _without_social_worker(ctx, open_only=True)


# A social worker episode ending within this many days of 31 March may be the last one
# reported; one ending earlier must be followed by the next within as many days (SW11a/b).
SW_HANDOVER_DAYS = 5


def _in_care_on(ctx: Context) -> Callable[[str, date], bool]:
    """Whether a child was looked after (not a short break) on a day, by this year's
    episodes: the social worker episodes run on while the child is looked after, and may
    stop while they are not (a case closed and opened again)."""
    start, dec = ctx.dates(E, "DECOM"), ctx.dates(E, "DEC")
    episodes = ctx.by_child(E)

    def looked_after(child: str, day: date) -> bool:
        return any(ctx.value(E, i, "LS") not in RESPITE and (s := start[i]) is not None
                   and s <= day and (dec[i] is None or dec[i] > day)  # type: ignore[operator]
                   for i in episodes.get(child, []))

    return looked_after


@rule(id="903:SW11aSTG2", dfe_code="SW11aSTG2", format=F, severity="error", years=(2024, 2024),
      message="Social worker episode has ended before 31 March and no subsequent social worker "
              "episode has been provided.", fields=["SW_DEC", "SW_DECOM"], tables=[SW, E],
      expected="for a child looked after when a social worker episode ended (on or before 26 "
               "March), the next episode starting within 5 days of that end")
def social_worker_gap(ctx: Context) -> Iterable[Finding]:
    start, end, last_day = ctx.dates(SW, "SW_DECOM"), ctx.dates(SW, "SW_DEC"), ctx.year_end
    if last_day is None:
        return
    looked_after = _in_care_on(ctx)
    for rows in _sw_in_order(ctx):
        for n, i in enumerate(rows):
            e = end[i]
            if e is None or e > last_day - timedelta(days=SW_HANDOVER_DAYS) \
                    or not looked_after(ctx.value(SW, i, "CHILD") or "", e):
                continue
            nxt = rows[n + 1] if n + 1 < len(rows) else None
            if nxt is None:
                yield Finding(SW, i, "SW_DEC", ctx.value(SW, i, "SW_DEC"))
            elif (s := start[nxt]) is None or abs((s - e).days) > SW_HANDOVER_DAYS:
                yield Finding(SW, nxt, "SW_DECOM", ctx.value(SW, nxt, "SW_DECOM"))


@rule(id="903:SW11bSTG2", dfe_code="SW11bSTG2", format=F, severity="error", years=SINCE_2024,
      message="Social worker episode has ended before 31 March and no subsequent social worker "
              "episode has been provided.", fields=["SW_DEC"], tables=[SW, E],
      expected="for a child looked after on 31 March, after a social worker episode ending in "
               "the last 5 days to 31 March, a next episode with its start date")
def social_worker_not_followed(ctx: Context) -> Iterable[Finding]:
    start, end, last_day = ctx.dates(SW, "SW_DECOM"), ctx.dates(SW, "SW_DEC"), ctx.year_end
    if last_day is None:
        return
    first_day = last_day - timedelta(days=SW_HANDOVER_DAYS)
    at_year_end = _looked_after_at_year_end(ctx)
    for rows in _sw_in_order(ctx):
        for n, i in enumerate(rows):
            e = end[i]
            later = [j for j in rows[n + 1:] if start[j] is not None]
            if e is not None and first_day <= e <= last_day and not later \
                    and ctx.value(SW, i, "CHILD") in at_year_end:
                yield Finding(SW, i, "SW_DEC", ctx.value(SW, i, "SW_DEC"))


def _care_began(ctx: Context) -> dict[str, date]:
    """CHILD -> the first day of the child's care in the year: 1 April, or the DECOM of
    the child's first episode (not a short break) when that is later."""
    first = ctx.year_start
    decom = ctx.dates(E, "DECOM")
    out: dict[str, date] = {}
    if first is None:
        return out
    for i, row in ctx.enum(E):
        child, s = v(row, "CHILD") or "", decom[i]
        if s is not None and v(row, "LS") not in RESPITE:
            out[child] = min(out.get(child, date.max), max(s, first))
    return out


@rule(id="903:SW12STG2", dfe_code="SW12STG2", format=F, severity="error", years=SINCE_2024,
      message="If a child is looked after on 31 March then all social worker episodes for the "
              "full previous year should be reported, even those whilst they were not looked "
              "after", fields=["SW_DECOM"], tables=[E, SW],
      expected="for a child looked after on 31 March, social worker episodes from 1 April (or "
               "from the child's first episode in the year, when later) onwards")
def social_worker_year_not_covered(ctx: Context) -> Iterable[Finding]:
    if not ctx.has(SW):
        return
    began, start = _care_began(ctx), ctx.dates(SW, "SW_DECOM")
    workers = ctx.by_child(SW)
    for child in sorted(_looked_after_at_year_end(ctx)):
        rows = [i for i in workers.get(child, []) if start[i] is not None]
        if not rows or child not in began:
            continue  # no social worker at all is SW01's (SW17's) error
        first = min(rows, key=lambda i: (start[i], i))
        if start[first] > began[child]:  # type: ignore[operator]
            yield Finding(SW, first, "SW_DECOM", ctx.value(SW, first, "SW_DECOM"))


# -- previous permanence ------------------------------------------------------------------

PERM_ITEMS = ("PREV_PERM", "LA_PERM", "DATE_PERM")


@rule(id="903:634", dfe_code="634", format=F, severity="error",
      message="There are entries for previous permanence options, but child has not started to "
              "be looked after from 1 April 2016 onwards.",
      fields=[*PERM_ITEMS, "DECOM"], tables=["PrevPerm", E],
      expected="previous permanence items only for a child whose latest episode starts in the "
               "collection year")
def permanence_without_new_care(ctx: Context) -> Iterable[Finding]:
    first, decom = ctx.year_start, ctx.dates(E, "DECOM")
    if first is None or not ctx.has(E):
        return
    latest = {c: max((d for i in rows if (d := decom[i]) is not None), default=None)
              for c, rows in ctx.by_child(E).items()}
    for i, row in ctx.enum("PrevPerm"):
        last = latest.get(v(row, "CHILD") or "")
        if last is not None and last < first and any(v(row, f) is not None
                                                     for f in PERM_ITEMS):
            field = next(f for f in PERM_ITEMS if v(row, f) is not None)
            yield Finding("PrevPerm", i, field, v(row, field))


@rule(id="903:630", dfe_code="630", format=F, severity="error",
      message="Information on previous permanence option should be returned.",
      fields=["RNE", "DECOM", *PERM_ITEMS], tables=[E, "PrevPerm"],
      expected="a PrevPerm row with PREV_PERM (and, unless it is Z1, LA_PERM and DATE_PERM) "
               "for a child who started to be looked after (RNE S) in the year")
def permanence_missing(ctx: Context) -> Iterable[Finding]:
    first, decom = ctx.year_start, ctx.dates(E, "DECOM")
    if not ctx.has("PrevPerm"):
        return
    perm = ctx.by_child("PrevPerm")
    for i, row in ctx.enum(E):
        s = decom[i]
        if first is None or s is None or s < first or v(row, "RNE") != "S":
            continue
        rows = perm.get(v(row, "CHILD") or "", [])
        complete = any(
            ctx.value("PrevPerm", j, "PREV_PERM") is not None and (
                ctx.value("PrevPerm", j, "PREV_PERM") == "Z1"
                or all(ctx.value("PrevPerm", j, f) is not None for f in PERM_ITEMS))
            for j in rows)
        if not complete:
            yield Finding(E, i, "RNE", "S")


claim(F, "PrevPerm", "DATE_PERM", "date")  # 632: a partial date (ZZ) is allowed


def latest_possible(text: str) -> tuple[bool, date | None]:
    """(valid, latest date it can mean) for DATE_PERM: dd/mm/yyyy where the day or month
    may be ZZ and the year ZZZZ when not known. An unknown year can mean any date."""
    parts = text.strip().upper().split("/")
    if len(parts) != 3 or not all(p.isdigit() or set(p) == {"Z"} for p in parts):
        return False, None
    day, month, year = parts
    if year == "ZZZZ":
        return (len(day) == 2 and len(month) == 2), None
    if len(year) != 4 or not year.isdigit():
        return False, None
    m = 12 if month == "ZZ" else int(month)
    if not 1 <= m <= 12:
        return False, None
    last_day = (date(int(year) + m // 12, m % 12 + 1, 1) - timedelta(days=1)).day
    d = last_day if day == "ZZ" else int(day)
    try:
        return True, date(int(year), m, d)
    except ValueError:
        return False, None


@rule(id="903:632", dfe_code="632", format=F, severity="error",
      message="Date of previous permanence order not a valid value. NOTE: This rule may result "
              "in false negatives where the period of care started before the current "
              "collection year", fields=["DATE_PERM", "DECOM"], tables=["PrevPerm", E],
      expected="DATE_PERM as dd/mm/yyyy (ZZ for an unknown day or month, ZZZZ for an unknown "
               "year), before the DECOM of the child's first episode")
def permanence_date(ctx: Context) -> Iterable[Finding]:
    start = ctx.dates(E, "DECOM")
    first = {c: min(d for i in rows if (d := start[i]) is not None)
             for c, rows in ctx.by_child(E).items() if any(start[i] for i in rows)}
    for i, row in ctx.enum("PrevPerm"):
        text = v(row, "DATE_PERM")
        if text is None:
            continue
        valid, latest = latest_possible(text)
        began = first.get(v(row, "CHILD") or "")
        if not valid or (latest is not None and began is not None and latest >= began):
            yield Finding("PrevPerm", i, "DATE_PERM", text)


# Where a previous permanence order was made outside England: Wales, Scotland, Northern
# Ireland, or outside the UK.
OUTSIDE_ENGLAND = ("WAL", "SCO", "NIR", "NUK")

code_rule(id="903:633", dfe_code="633", format=F, table="PrevPerm", field="LA_PERM",
          message="Local authority code where previous permanence option was arranged is not a "
                  "valid value.",
          codes=lambda _year: authority_numbers() | frozenset(OUTSIDE_ENGLAND),
          expected="an English local authority's 3-digit DfE number (one since discontinued "
                   "too, e.g. 909 Cumbria), or WAL, SCO, NIR or NUK (outside the UK), or blank")
