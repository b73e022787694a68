"""Statutory reviews: child protection review conferences and looked-after reviews.

CP (``cp_reviews_on_time_pct``): first review by plan start + 3 months, then each by the
previous review + 6 months. Looked after (``cla_reviews_on_time_pct``): first by period
start + 20 working days, second by the first + 3 months, then every 6 months.

The seeds' rule (2023 improvement plan): "social workers receive a prompt at the 10-day
stage that a report is due for a Cared For review. At the five-day point, the Heads of
Services ... are included" - the looked-after review's lead times.
"""

from __future__ import annotations

from datetime import date

from lantern import facts
from lantern.calendar import add_months, add_working_days

from ..model import AlertRule, DueRow, Params, Step
from ._common import Source, day, fetch, latest_of, on_date, open_cla


def cp_review_due(src: Source, on: date, p: Params) -> list[DueRow]:
    first, then = int(p["first_months"]), int(p["then_months"])
    pl = facts.cp_plans_open(src, on, per_child=False)
    r = src.t("ssd_cp_reviews")
    j = pl.left_join(r, (r.cppr_cp_plan_id == pl.plan_id) & (r.cppr_cp_review_date > pl.start)
                     & (r.cppr_cp_review_date <= on_date(on)))
    keys = ["child", "plan_id", "start", "end"]
    out = []
    for child, plan, start, ends, last in fetch(
            src, latest_of(j, keys, j.cppr_cp_review_date), *keys, "last"):
        if last is None:
            due, basis = add_months(start, first), f"plan start {day(start)} + {first} months"
        else:
            due, basis = add_months(last, then), f"last review {day(last)} + {then} months"
        out.append(DueRow(child, plan, due, basis, ends=ends))
    return out


def cla_review_due(src: Source, on: date, p: Params) -> list[DueRow]:
    first_wd, second, then = int(p["first_wd"]), int(p["second_months"]), int(p["then_months"])
    c = open_cla(src, on)
    r = src.t("ssd_cla_reviews")
    r = r.filter(r.clar_cla_review_cancelled.fill_null("N") != "Y")
    j = c.left_join(r, (r.clar_cla_id == c.cla_id) & (r.clar_cla_review_date > c.start)
                    & (r.clar_cla_review_date <= on_date(on)))
    keys = ["child_id", "cla_id", "start", "ends"]
    g = j.group_by(keys).aggregate(held=j.clar_cla_review_date.count(),
                                   last=j.clar_cla_review_date.max())
    out = []
    for child, cla_id, start, ends, held, last in fetch(src, g, *keys, "held", "last"):
        if held == 0:
            due = add_working_days(start, first_wd)
            basis = f"entered care {day(start)} + {first_wd} working days (first review)"
        elif held == 1:
            due = add_months(last, second)
            basis = f"first review {day(last)} + {second} months"
        else:
            due = add_months(last, then)
            basis = f"last review {day(last)} + {then} months"
        out.append(DueRow(child, cla_id, due, basis, ends=ends))
    return out


CP_REVIEW = AlertRule(
    id="cp_review",
    family="reviews",
    title="Child protection review conference",
    population="children on a child protection plan open on the date",
    due="plan start + 3 months for the first review, then the previous review + 6 months",
    due_items=cp_review_due,
    requires=("ssd_cp_plans",),
    params={"first_months": 3, "then_months": 6},
    leads=(Step(10, ("worker",)), Step(5, ("worker", "team_manager"))),
    default_service="safeguarding",
)

CLA_REVIEW = AlertRule(
    id="cla_review",
    family="reviews",
    title="Looked-after review (report due)",
    population="children looked after on the date (periods of care, V3/V4 short breaks excluded)",
    due="period start + 20 working days, then the first review + 3 months, then every 6 months",
    due_items=cla_review_due,
    requires=("ssd_cla_episodes",),
    params={"first_wd": 20, "second_months": 3, "then_months": 6},
    # The seeds' rule: prompt the worker 10 working days before; from 5 include the HoS.
    leads=(Step(10, ("worker",)), Step(5, ("worker", "head_of_service"))),
    default_service="cared_for",
)

RULES = (CP_REVIEW, CLA_REVIEW)
