"""Trackers from the seeds (2023 improvement plan, 2018 inspection):

- long-term matching: every child 11 months in the same placement is referred for
  consideration (here: a foster placement that is not already long-term, U1/U4);
- Transition Panel: looked-after young people reaching 14;
- personal adviser allocated by 15 years 9 months;
- 16/17-year-olds presenting as homeless are assessed (when contacts record it);
- Schedule 3 (placed with parents, PLACE P1): a current assessment.
"""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir

from lantern import facts
from lantern.calendar import add_months, add_working_days
from lantern.facts._base import people

from ..model import AlertRule, DueRow, Params, Step
from ._common import Source, birthday, day, fetch, on_date, open_cla


def _placements(src: Source, on: date, types: list[str]) -> ir.Table:
    """Children looked after on ``on`` whose current placement's type is in ``types``."""
    c = open_cla(src, on)
    pl = src.t("ssd_cla_placement")
    j = c.join(pl, pl.clap_cla_placement_id == c.placement_id)
    return j.filter(j.clap_cla_placement_type.isin(types))


def long_term_match_due(src: Source, on: date, p: Params) -> list[DueRow]:
    months = int(p["months"])
    j = _placements(src, on, list(p["placement_types"]))
    j = j.filter(j.clap_cla_placement_start_date <= on_date(on))
    cols = ("child_id", "clap_cla_placement_id", "clap_cla_placement_start_date",
            "clap_cla_placement_end_date", "clap_cla_placement_type")
    return [DueRow(child, pid, add_months(start, months),
                   f"placement ({place}) started {day(start)} + {months} months", ends=ends)
            for child, pid, start, ends, place in fetch(src, j, *cols)]


def transition_panel_due(src: Source, on: date, p: Params) -> list[DueRow]:
    age, around = int(p["age"]), int(p["window_months"])
    born = add_months(on, -12 * age)
    c = open_cla(src, on)
    c = c.filter(c.dob.between(ibis.literal(add_months(born, -around), "date"),
                               ibis.literal(add_months(born, around), "date")))
    return [DueRow(child, cla_id, birthday(dob, age),
                   f"{age}th birthday {day(birthday(dob, age))}: refer to the Transition Panel",
                   ends=ends)
            for child, cla_id, dob, ends in fetch(src, c, "child_id", "cla_id", "dob", "ends")]


def personal_adviser_due(src: Source, on: date, p: Params) -> list[DueRow]:
    years, months = int(p["age_years"]), int(p["age_months"])
    ahead, adult = int(p["ahead_months"]), int(p["until_age"])
    c = open_cla(src, on)
    # years, then months, then ahead: each step clamps to the month's length
    due_by = add_months(add_months(add_months(on, -12 * years), -months), ahead)
    c = c.filter((c.dob > ibis.literal(add_months(on, -12 * adult), "date"))
                 & (c.dob <= ibis.literal(due_by, "date")))
    pa = facts.open_involvements(src, on, (facts.PERSONAL_ADVISER,)).select(_pc="child_id")
    c = c.anti_join(pa, c.child_id == pa._pc)
    out = []
    for child, cla_id, dob, ends in fetch(src, c, "child_id", "cla_id", "dob", "ends"):
        due = birthday(dob, years, months)
        out.append(DueRow(child, cla_id, due,
                          f"aged {years} years {months} months on {day(due)}, "
                          "no personal adviser allocated", ends=ends))
    return out


def _years_on(d: ir.DateValue, years: int) -> ir.DateValue:
    return (d.cast("timestamp") + ibis.interval(years=years)).cast("date")


def homeless_due(src: Source, on: date, p: Params) -> list[DueRow]:
    """Contacts whose source or outcome text mentions homelessness, about a young person
    aged 16 or 17 that day, with no assessment started since. The duty ends at 18."""
    n, lo, hi = int(p["start_within_wd"]), int(p["from_age"]), int(p["until_age"])
    c = src.t("ssd_contacts")
    per = people(src).select(_pid="person_id", dob="dob")
    c = c.join(per, per._pid == c.cont_person_id)
    said = (c.cont_contact_source_desc.fill_null("") + " "
            + c.cont_contact_outcome_json.fill_null("")).lower()
    c = c.filter((c.cont_contact_date <= on_date(on)) & said.contains("homeless")
                 & (c.cont_contact_date >= _years_on(c.dob, lo))
                 & (c.cont_contact_date < _years_on(c.dob, hi))
                 & (on_date(on) < _years_on(c.dob, hi)))
    a = src.t("ssd_cin_assessments")
    a = a.filter(a.cina_assessment_start_date <= on_date(on))
    c = c.anti_join(a, (a.cina_person_id == c.cont_person_id)
                    & (a.cina_assessment_start_date >= c.cont_contact_date))
    cols = ("cont_person_id", "cont_contact_id", "cont_contact_date", "dob")
    return [DueRow(child, cid, add_working_days(d, n),
                   f"presented as homeless {day(d)} + {n} working days to start an assessment",
                   ends=birthday(dob, hi))
            for child, cid, d, dob in fetch(src, c, *cols)]


def schedule3_due(src: Source, on: date, p: Params) -> list[DueRow]:
    """Placed with parents: an assessment within 10 working days of the placement (Care
    Planning Regulations 2010, reg. 19 urgent placements) and renewed every 6 months
    (local: 'current')."""
    n, months = int(p["within_wd"]), int(p["current_months"])
    j = _placements(src, on, list(p["placement_types"]))
    a = src.t("ssd_cin_assessments")
    a = a.filter(a.cina_assessment_auth_date <= on_date(on))
    a = a.group_by(_ap=a.cina_person_id).aggregate(last=a.cina_assessment_auth_date.max())
    j = j.left_join(a, a._ap == j.child_id)
    cols = ("child_id", "clap_cla_placement_id", "clap_cla_placement_start_date",
            "clap_cla_placement_end_date", "last")
    out = []
    for child, pid, start, ends, last in fetch(src, j, *cols):
        first = add_working_days(start, n)
        basis = f"placed with parents {day(start)} + {n} working days"
        if last is not None and add_months(last, months) > first:
            basis = f"last assessment authorised {day(last)} + {months} months"
        due = max(first, add_months(last, months)) if last is not None else first
        out.append(DueRow(child, pid, due, basis, ends=ends))
    return out


LONG_TERM_MATCH = AlertRule(
    id="long_term_match_11m",
    family="trackers",
    title="Consider for a long-term match",
    population="children looked after in a foster placement that is not long-term "
               "(PLACE U2, U3, U5, U6)",
    due="placement start + 11 months",
    due_items=long_term_match_due,
    requires=("ssd_cla_episodes", "ssd_cla_placement"),
    params={"months": 11, "placement_types": ("U2", "U3", "U5", "U6")},
    leads=(Step(20, ("worker",)),),
    default_service="cared_for",
)

TRANSITION_PANEL = AlertRule(
    id="transition_panel_14",
    family="trackers",
    title="Refer to the Transition Panel",
    population="children looked after reaching 14",
    due="14th birthday (no panel record is loaded: the prompt stands for 28 days)",
    due_items=transition_panel_due,
    requires=("ssd_cla_episodes", "ssd_person"),
    params={"age": 14, "window_months": 3},
    leads=(Step(20, ("worker",)),),
    expire_after_days=28,
    default_service="cared_for",
)

PERSONAL_ADVISER = AlertRule(
    id="personal_adviser_15y9m",
    family="trackers",
    title="Allocate a personal adviser",
    population="children looked after aged 15 years 9 months to 17 with no personal adviser "
               "(a PA involvement) open on the date",
    due="15 years 9 months of age",
    due_items=personal_adviser_due,
    requires=("ssd_cla_episodes", "ssd_person"),
    params={"age_years": 15, "age_months": 9, "ahead_months": 2, "until_age": 18},
    leads=(Step(20, ("worker",)),),
    default_service="cared_for",
)

HOMELESS = AlertRule(
    id="homeless_16_17",
    family="trackers",
    title="Assess a 16/17-year-old presenting as homeless",
    population="contacts recording homelessness (source or outcome text) about a young person "
               "aged 16 or 17, with no assessment started since; until the 18th birthday",
    due="contact date + 10 working days to start an assessment (local)",
    due_items=homeless_due,
    requires=("ssd_contacts",),
    params={"start_within_wd": 10, "from_age": 16, "until_age": 18},
    leads=(Step(5, ("worker", "team_manager")),),
    default_service="front_door",
)

SCHEDULE3 = AlertRule(
    id="schedule3_assessment",
    family="trackers",
    title="Schedule 3 (placed with parents) assessment",
    population="children looked after placed with parents (PLACE P1)",
    due="placement start + 10 working days, or the latest authorised assessment + 6 months "
        "if later (local)",
    due_items=schedule3_due,
    requires=("ssd_cla_episodes", "ssd_cla_placement"),
    params={"within_wd": 10, "current_months": 6, "placement_types": ("P1",)},
    leads=(Step(10, ("worker",)), Step(5, ("worker", "head_of_service"))),
    default_service="cared_for",
)

RULES = (LONG_TERM_MATCH, TRANSITION_PANEL, PERSONAL_ADVISER, HOMELESS, SCHEDULE3)
