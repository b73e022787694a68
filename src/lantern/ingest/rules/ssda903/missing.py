"""DfE SSDA903 rules on missing / away from placement without authorisation periods."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date

from lantern.ingest.rules.common import claim, code_rule, date_rule, v
from lantern.ingest.rules.engine import Context, Finding, rule
from lantern.ingest.rules.schema import ssda903_fields
from lantern.ingest.rules.ssda903._base import F, episodes_in_order

M = "Missing"
claim(F, M, "MIS_START", "blank")  # 564
claim(F, M, "MISSING", "blank")  # 565, 566

date_rule(id="903:1004", dfe_code="1004", format=F, table=M, field="MIS_START",
          message="The start date of the missing episode or episode that the child was away from "
                  "placement without authorisation is not a valid date.")
date_rule(id="903:1005", dfe_code="1005", format=F, table=M, field="MIS_END",
          message="The end date of the missing episode or episode that the child was away from "
                  "placement without authorisation is not a valid date.")
code_rule(id="903:1006", dfe_code="1006", format=F, table=M, field="MISSING",
          message="Missing type invalid.", codes=lambda y: ssda903_fields(y)[M]["MISSING"].codes)


@rule(id="903:564", dfe_code="564", format=F, severity="error",
      message="Child was missing or away from placement without authorisation and the date "
              "started is blank.", fields=["MISSING", "MIS_START"], tables=[M],
      expected="MIS_START completed when MISSING is")
def start_blank(ctx: Context) -> Iterable[Finding]:
    for i, row in ctx.enum(M):
        if v(row, "MISSING") is not None and v(row, "MIS_START") is None:
            yield Finding(M, i, "MIS_START", None)


@rule(id="903:565", dfe_code="565", format=F, severity="error",
      message="The date that the child started to be missing or away from placement without "
              "authorisation has been completed but whether the child was missing or away from "
              "placement without authorisation has not been completed.",
      fields=["MISSING", "MIS_START"], tables=[M], expected="MISSING (M or A) completed")
def start_without_type(ctx: Context) -> Iterable[Finding]:
    for i, row in ctx.enum(M):
        if v(row, "MIS_START") is not None and v(row, "MISSING") is None:
            yield Finding(M, i, "MISSING", None)


@rule(id="903:566", dfe_code="566", format=F, severity="error",
      message="The date that the child's episode of being missing or away from placement without "
              "authorisation ended has been completed but whether the child was missing or away "
              "without authorisation has not been completed.", fields=["MISSING", "MIS_END"],
      tables=[M], expected="MISSING (M or A) completed")
def end_without_type(ctx: Context) -> Iterable[Finding]:
    for i, row in ctx.enum(M):
        if v(row, "MIS_END") is not None and v(row, "MISSING") is None:
            yield Finding(M, i, "MISSING", None)


@rule(id="903:567", dfe_code="567", format=F, severity="error",
      message="The date that the missing episode or episode that the child was away from "
              "placement without authorisation ended is before the date that it started.",
      fields=["MIS_END", "MIS_START"], tables=[M], expected="MIS_END on or after MIS_START")
def end_before_start(ctx: Context) -> Iterable[Finding]:
    s_, e_ = ctx.dates(M, "MIS_START"), ctx.dates(M, "MIS_END")
    for i in range(len(s_)):
        s, e = s_[i], e_[i]
        if s is not None and e is not None and e < s:
            yield Finding(M, i, "MIS_END", ctx.value(M, i, "MIS_END"))


@rule(id="903:570", dfe_code="570", format=F, severity="error",
      message="The date that the child started to be missing or away from placement without "
              "authorisation is after the end of the collection year.", fields=["MIS_START"],
      tables=[M], expected="MIS_START on or before 31 March of the collection year")
def start_after_year(ctx: Context) -> Iterable[Finding]:
    end = ctx.year_end
    for i, s in enumerate(ctx.dates(M, "MIS_START")):
        if end is not None and s is not None and s > end:
            yield Finding(M, i, "MIS_START", ctx.value(M, i, "MIS_START"))


@rule(id="903:571", dfe_code="571", format=F, severity="error",
      message="The date that the child ceased to be missing or away from placement without "
              "authorisation is before the start or after the end of the collection year.",
      fields=["MIS_END"], tables=[M], expected="MIS_END within the collection year")
def end_outside_year(ctx: Context) -> Iterable[Finding]:
    start, end = ctx.year_start, ctx.year_end
    for i, e in enumerate(ctx.dates(M, "MIS_END")):
        if start is not None and end is not None and e is not None and not start <= e <= end:
            yield Finding(M, i, "MIS_END", ctx.value(M, i, "MIS_END"))


@rule(id="903:574", dfe_code="574", format=F, severity="error",
      message="A new missing/away from placement without authorisation period cannot start when "
              "the previous missing/away from placement without authorisation period is still "
              "open. Missing/away from placement without authorisation periods should also not "
              "overlap.", fields=["MIS_END", "MIS_START"], tables=[M],
      expected="each period starting after the previous one ended")
def overlapping(ctx: Context) -> Iterable[Finding]:
    s_, e_ = ctx.dates(M, "MIS_START"), ctx.dates(M, "MIS_END")
    for rows in ctx.by_child(M).values():
        ordered = sorted((i for i in rows if s_[i] is not None), key=lambda i: (s_[i], i))
        for prev, nxt in itertools.pairwise(ordered):
            prev_end: date | None = e_[prev]
            nxt_start = s_[nxt]
            assert nxt_start is not None
            if prev_end is None or nxt_start < prev_end:
                yield Finding(M, nxt, "MIS_START", ctx.value(M, nxt, "MIS_START"))


@rule(id="903:586", dfe_code="586", format=F, severity="error",
      message="Dates of missing periods are before child’s date of birth.", fields=["MIS_START"],
      tables=[M], expected="MIS_START on or after the child's date of birth")
def before_birth(ctx: Context) -> Iterable[Finding]:
    s_, dob_ = ctx.dates(M, "MIS_START"), ctx.dates(M, "DOB")
    for i in range(len(s_)):
        s, dob = s_[i], dob_[i]
        if s is not None and dob is not None and s < dob:
            yield Finding(M, i, "MIS_START", ctx.value(M, i, "MIS_START"))


# -- missing periods against the child's care ---------------------------------------------

def _left_care(ctx: Context) -> dict[str, date]:
    """CHILD -> the day the child ceased to be looked after (last episode's DEC, REC not X1)."""
    dec = ctx.dates("Episodes", "DEC")
    out: dict[str, date] = {}
    for child, rows in episodes_in_order(ctx).items():
        last = rows[-1]
        ended = dec[last]
        if ended is not None and ctx.value("Episodes", last, "REC") not in (None, "X1"):
            out[child] = ended
    return out


@rule(id="903:577", dfe_code="577", format=F, severity="error",
      message="Child ceased to be looked after but there is a missing/away from placement "
              "without authorisation period without an end date.",
      fields=["MIS_END", "DEC", "REC"], tables=[M, "Episodes"],
      expected="MIS_END completed for a child who has left care")
def open_missing_after_care(ctx: Context) -> Iterable[Finding]:
    left = _left_care(ctx)
    for i, row in ctx.enum(M):
        if v(row, "MIS_START") is not None and v(row, "MIS_END") is None \
                and v(row, "CHILD") in left:
            yield Finding(M, i, "MIS_END", None)


@rule(id="903:578", dfe_code="578", format=F, severity="error",
      message="The date that the child started to be missing is after the child ceased to be "
              "looked after.", fields=["MIS_START", "DEC"], tables=[M, "Episodes"],
      expected="MIS_START on or before the day the child left care")
def missing_after_care(ctx: Context) -> Iterable[Finding]:
    left = _left_care(ctx)
    for i, d in enumerate(ctx.dates(M, "MIS_START")):
        ended = left.get(ctx.value(M, i, "CHILD") or "")
        if d is not None and ended is not None and d > ended:
            yield Finding(M, i, "MIS_START", ctx.value(M, i, "MIS_START"))


def _within(d: date, began: date | None, ended: date | None) -> bool:
    return began is not None and began <= d and (ended is None or d <= ended)


@rule(id="903:581", dfe_code="581", format=F, severity="error",
      message="Child is missing but has not yet started to be looked after.",
      fields=["MIS_START", "DECOM"], tables=[M, "Episodes"],
      expected="MIS_START within one of the child's episodes of care")
def missing_outside_care(ctx: Context) -> Iterable[Finding]:
    # Before care began, or in a gap between two periods of care; a start after the child
    # left care is 578's.
    decom, dec = ctx.dates("Episodes", "DECOM"), ctx.dates("Episodes", "DEC")
    eps, left = episodes_in_order(ctx), _left_care(ctx)
    for i, d in enumerate(ctx.dates(M, "MIS_START")):
        child = ctx.value(M, i, "CHILD") or ""
        rows = eps.get(child, [])
        if d is None or not rows or (child in left and d > left[child]):
            continue
        if not any(_within(d, decom[j], dec[j]) for j in rows):
            yield Finding(M, i, "MIS_START", ctx.value(M, i, "MIS_START"))
