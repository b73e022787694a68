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

import duckdb

from lantern.calendar import add_months, add_working_days

from ..model import AlertRule, DueRow, Params, Step
from ._common import birthday, day, rows


def long_term_match_due(con: duckdb.DuckDBPyConnection, on: date, p: Params) -> list[DueRow]:
    months = int(p["months"])
    types = list(p["placement_types"])
    sql = """
        SELECT c.child_id, pl.clap_cla_placement_id, pl.clap_cla_placement_start_date,
               pl.clap_cla_placement_end_date, pl.clap_cla_placement_type
        FROM open_cla c
        JOIN ssd_cla_placement pl ON pl.clap_cla_placement_id = c.placement_id
        WHERE pl.clap_cla_placement_type IN (SELECT unnest($types))
          AND pl.clap_cla_placement_start_date <= $on
    """
    return [DueRow(child, pid, add_months(start, months),
                   f"placement ({place}) started {day(start)} + {months} months", ends=ends)
            for child, pid, start, ends, place in rows(con, sql, on, types=types)]


def transition_panel_due(con: duckdb.DuckDBPyConnection, on: date, p: Params) -> list[DueRow]:
    age = int(p["age"])
    sql = f"""
        SELECT c.child_id, c.cla_id, c.dob, c.ends FROM open_cla c
        WHERE c.dob BETWEEN $on - INTERVAL {age} YEAR - INTERVAL 3 MONTH
                        AND $on - INTERVAL {age} YEAR + INTERVAL 3 MONTH
    """
    return [DueRow(child, cla_id, birthday(dob, age),
                   f"{age}th birthday {day(birthday(dob, age))}: refer to the Transition Panel",
                   ends=ends)
            for child, cla_id, dob, ends in rows(con, sql, on)]


def personal_adviser_due(con: duckdb.DuckDBPyConnection, on: date, p: Params) -> list[DueRow]:
    years, months = int(p["age_years"]), int(p["age_months"])
    sql = f"""
        SELECT c.child_id, c.cla_id, c.dob, c.ends FROM open_cla c
        WHERE c.dob > $on - INTERVAL 18 YEAR
          AND c.dob <= $on - INTERVAL {years} YEAR - INTERVAL {months} MONTH + INTERVAL 2 MONTH
          AND NOT EXISTS (
              SELECT 1 FROM ssd_involvements i
              WHERE i.invo_person_id = c.child_id AND i.invo_professional_role_id = 'PA'
                AND i.invo_involvement_start_date <= $on
                AND (i.invo_involvement_end_date IS NULL OR i.invo_involvement_end_date >= $on))
    """
    out = []
    for child, cla_id, dob, ends in rows(con, sql, on):
        due = birthday(dob, years, months)
        out.append(DueRow(child, cla_id, due,
                          f"aged {years} years {months} months on {day(due)}, "
                          "no personal adviser allocated", ends=ends))
    return out


def homeless_due(con: duckdb.DuckDBPyConnection, on: date, p: Params) -> list[DueRow]:
    """Contacts whose source or outcome text mentions homelessness, about a young person
    aged 16 or 17 that day, with no assessment started since. The duty ends at 18."""
    n = int(p["start_within_wd"])
    sql = """
        SELECT c.cont_person_id, c.cont_contact_id, c.cont_contact_date, pers.pers_dob
        FROM ssd_contacts c
        JOIN ssd_person pers ON pers.pers_person_id = c.cont_person_id
        WHERE c.cont_contact_date <= $on
          AND lower(coalesce(c.cont_contact_source_desc, '') || ' ' ||
                    coalesce(c.cont_contact_outcome_json, '')) LIKE '%homeless%'
          AND c.cont_contact_date >= pers.pers_dob + INTERVAL 16 YEAR
          AND c.cont_contact_date < pers.pers_dob + INTERVAL 18 YEAR
          AND $on < pers.pers_dob + INTERVAL 18 YEAR
          AND NOT EXISTS (
              SELECT 1 FROM ssd_cin_assessments a
              WHERE a.cina_person_id = c.cont_person_id
                AND a.cina_assessment_start_date BETWEEN c.cont_contact_date AND $on)
    """
    return [DueRow(child, cid, add_working_days(d, n),
                   f"presented as homeless {day(d)} + {n} working days to start an assessment",
                   ends=birthday(dob, 18))
            for child, cid, d, dob in rows(con, sql, on)]


def schedule3_due(con: duckdb.DuckDBPyConnection, on: date, p: Params) -> list[DueRow]:
    """Placed with parents: an assessment within 10 working days of the placement (Care
    Planning Regulations 2010, reg. 19 urgent placements) and renewed every 6 months
    (local: 'current')."""
    n, months = int(p["within_wd"]), int(p["current_months"])
    sql = """
        SELECT c.child_id, pl.clap_cla_placement_id, pl.clap_cla_placement_start_date,
               pl.clap_cla_placement_end_date,
               (SELECT max(a.cina_assessment_auth_date) FROM ssd_cin_assessments a
                WHERE a.cina_person_id = c.child_id AND a.cina_assessment_auth_date <= $on)
        FROM open_cla c
        JOIN ssd_cla_placement pl ON pl.clap_cla_placement_id = c.placement_id
        WHERE pl.clap_cla_placement_type IN (SELECT unnest($types))
    """
    out = []
    for child, pid, start, ends, last in rows(con, sql, on, types=list(p["placement_types"])):
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
    params={"age": 14},
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
    params={"age_years": 15, "age_months": 9},
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
    params={"start_within_wd": 10},
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
