"""Statutory timescales for one-off events: ICPC, assessment, initial health assessment,
PEP review and return home interview (definitions as the matching KPIS.md indicators)."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb

from lantern.calendar import add_working_days

from ..model import AlertRule, DueRow, Params, Step
from ._common import day, rows


def icpc_due(con: duckdb.DuckDBPyConnection, on: date, p: Params) -> list[DueRow]:
    """Section 47 enquiries started with no ICPC held yet, unless the enquiry concluded
    that none was needed (NFA or ICPC not required) or the referral closed."""
    n = int(p["within_wd"])
    sql = """
        SELECT s.s47e_person_id, s.s47e_s47_enquiry_id, s.s47e_s47_start_date,
               r.cine_close_date, s.s47e_s47_completed_by_team
        FROM ssd_s47_enquiry s
        LEFT JOIN ssd_cin_episodes r ON r.cine_referral_id = s.s47e_referral_id
        WHERE s.s47e_s47_start_date <= $on
          AND coalesce(s.s47e_icpc_not_required, 'N') <> 'Y'
          AND coalesce(s.s47e_s47_nfa, 'N') <> 'Y'
          AND (r.cine_close_date IS NULL OR r.cine_close_date >= $on)
          AND NOT EXISTS (
              SELECT 1 FROM ssd_initial_cp_conference c
              WHERE c.icpc_s47_enquiry_id = s.s47e_s47_enquiry_id AND c.icpc_icpc_date <= $on)
    """
    return [DueRow(child, s47, add_working_days(start, n),
                   f"section 47 started {day(start)} + {n} working days", ends=closed, team=team)
            for child, s47, start, closed, team in rows(con, sql, on)]


def assessment_due(con: duckdb.DuckDBPyConnection, on: date, p: Params) -> list[DueRow]:
    """Referrals (not NFA, not closed) with no assessment authorised yet."""
    n = int(p["within_wd"])
    sql = """
        SELECT r.cine_person_id, r.cine_referral_id, r.cine_referral_date, r.cine_close_date,
               r.cine_referral_team
        FROM ssd_cin_episodes r
        WHERE r.cine_referral_date <= $on
          AND coalesce(r.cine_referral_nfa, 'N') <> 'Y'
          AND (r.cine_close_date IS NULL OR r.cine_close_date >= $on)
          AND NOT EXISTS (
              SELECT 1 FROM ssd_cin_assessments a
              WHERE a.cina_referral_id = r.cine_referral_id AND a.cina_assessment_auth_date <= $on)
    """
    return [DueRow(child, ref, add_working_days(start, n),
                   f"referral {day(start)} + {n} working days", ends=closed, team=team)
            for child, ref, start, closed, team in rows(con, sql, on)]


def iha_due(con: duckdb.DuckDBPyConnection, on: date, p: Params) -> list[DueRow]:
    """Periods of care open with no completed initial health assessment since they began."""
    n = int(p["within_wd"])
    sql = """
        SELECT c.child_id, c.cla_id, c.start, c.ends
        FROM open_cla c
        WHERE NOT EXISTS (
            SELECT 1 FROM ssd_cla_health h
            WHERE h.clah_person_id = c.child_id AND h.clah_health_check_type = 'IHA'
              AND coalesce(h.clah_health_check_status, 'Completed') = 'Completed'
              AND h.clah_health_check_date BETWEEN c.start AND $on)
    """
    return [DueRow(child, cla_id, add_working_days(start, n),
                   f"entered care {day(start)} + {n} working days", ends=ends)
            for child, cla_id, start, ends in rows(con, sql, on)]


def pep_due(con: duckdb.DuckDBPyConnection, on: date, p: Params) -> list[DueRow]:
    """Children looked after of compulsory school age (`lantern.facts.school`, the rule
    ``pep_current_pct`` uses): next PEP review 122 days (a term, as ``pep_current_pct``)
    after the latest in the period; the first 20 working days after entering care or
    reaching school age."""
    days, first = int(p["interval_days"]), int(p["first_wd"])
    sql = """
        SELECT c.child_id, c.cla_id, c.start, c.ends, c.school_from,
               max(r.pepr_pep_review_date)
        FROM open_cla c
        LEFT JOIN lantern_pep_reviews r
          ON r.pepr_person_id = c.child_id AND r.pepr_pep_review_date BETWEEN c.start AND $on
        WHERE c.school_age
        GROUP BY ALL
    """
    out = []
    for child, cla_id, start, ends, school_from, last in rows(con, sql, on):
        if last is not None:
            out.append(DueRow(child, cla_id, last + timedelta(days=days),
                              f"last PEP review {day(last)} + {days} days", ends=ends))
        else:
            base = max(start, school_from)
            what = "entered care" if base == start else "reached school age"
            out.append(DueRow(child, cla_id, add_working_days(base, first),
                              f"{what} {day(base)} + {first} working days (no PEP review)",
                              ends=ends))
    return out


def rhi_due(con: duckdb.DuckDBPyConnection, on: date, p: Params) -> list[DueRow]:
    """Missing or away episodes that have ended with no return home interview recorded
    (unless the child declined it)."""
    hours = int(p["within_hours"])
    sql = """
        SELECT m.miss_person_id, m.miss_table_id, m.miss_missing_episode_end_date
        FROM ssd_missing m
        WHERE m.miss_missing_episode_end_date <= $on
          AND m.miss_missing_episode_end_date >= $on - INTERVAL 1 YEAR
          AND coalesce(m.miss_missing_rhi_accepted, 'Y') <> 'N'
          AND (m.miss_rhi_completed_date IS NULL OR m.miss_rhi_completed_date > $on)
    """
    return [DueRow(child, miss_id, end + timedelta(days=hours // 24),
                   f"returned {day(end)} + {hours} hours")
            for child, miss_id, end in rows(con, sql, on)]


ICPC = AlertRule(
    id="icpc_15wd",
    family="timescales",
    title="Initial child protection conference",
    population="section 47 enquiries started with no ICPC held, not concluded NFA or "
               "'ICPC not required', referral not closed",
    due="section 47 start + 15 working days",
    due_items=icpc_due,
    requires=("ssd_s47_enquiry",),
    params={"within_wd": 15},
    leads=(Step(5, ("worker",)), Step(2, ("worker", "team_manager"))),
    default_service="safeguarding",
)

ASSESSMENT = AlertRule(
    id="assessment_45wd",
    family="timescales",
    title="Assessment authorised",
    population="referrals not NFA and not closed with no assessment authorised",
    due="referral date + 45 working days",
    due_items=assessment_due,
    requires=("ssd_cin_episodes",),
    params={"within_wd": 45},
    default_service="front_door",
)

IHA = AlertRule(
    id="iha_20wd",
    family="timescales",
    title="Initial health assessment",
    population="children looked after with no completed IHA since the period of care began",
    due="period of care start + 20 working days",
    due_items=iha_due,
    requires=("ssd_cla_episodes",),
    params={"within_wd": 20},
    default_service="cared_for",
)

PEP = AlertRule(
    id="pep_review",
    family="timescales",
    title="Personal education plan review",
    population="children looked after of compulsory school age",
    due="latest PEP review in the period of care + 122 days (termly, local); with none, "
        "entering care (or reaching school age: the 1 September after the 5th birthday) "
        "+ 20 working days",
    due_items=pep_due,
    requires=("ssd_cla_episodes", "lantern_pep_reviews"),
    params={"interval_days": 122, "first_wd": 20},
    default_service="cared_for",
)

RHI = AlertRule(
    id="rhi_72h",
    family="timescales",
    title="Return home interview",
    population="missing or away episodes ended in the last year with no return home interview "
               "(not declined)",
    due="return date + 72 hours (3 calendar days; dates carry no time)",
    due_items=rhi_due,
    requires=("ssd_missing",),
    params={"within_hours": 72},
    leads=(Step(3, ("worker",)),),
    expire_after_days=28,
    default_service="safeguarding",
)

RULES = (ICPC, ASSESSMENT, IHA, PEP, RHI)
