"""Statutory timescales for one-off events: ICPC, assessment, initial health assessment,
PEP review and return home interview (definitions as the matching KPIS.md indicators)."""

from __future__ import annotations

from datetime import date, timedelta

import ibis

from lantern.calendar import add_months, add_working_days

from ..model import AlertRule, DueRow, Params, Step
from ._common import Source, day, fetch, latest_of, on_date, open_cla


def icpc_due(src: Source, on: date, p: Params) -> list[DueRow]:
    """Section 47 enquiries started with no ICPC held yet, unless the enquiry concluded
    that none was needed (NFA or ICPC not required) or the referral closed."""
    n = int(p["within_wd"])
    s = src.t("ssd_s47_enquiry")
    s = s.filter((s.s47e_s47_start_date <= on_date(on))
                 & (s.s47e_icpc_not_required.fill_null("N") != "Y")
                 & (s.s47e_s47_nfa.fill_null("N") != "Y"))
    r = src.t("ssd_cin_episodes").select(_rid="cine_referral_id", closed="cine_close_date")
    s = s.left_join(r, r._rid == s.s47e_referral_id)
    s = s.filter(s.closed.isnull() | (s.closed >= on_date(on)))
    c = src.t("ssd_initial_cp_conference")
    held = c.filter(c.icpc_icpc_date <= on_date(on)).select(_sid="icpc_s47_enquiry_id")
    s = s.anti_join(held, s.s47e_s47_enquiry_id == held._sid)
    cols = ("s47e_person_id", "s47e_s47_enquiry_id", "s47e_s47_start_date", "closed",
            "s47e_s47_completed_by_team")
    return [DueRow(child, s47, add_working_days(start, n),
                   f"section 47 started {day(start)} + {n} working days", ends=closed, team=team)
            for child, s47, start, closed, team in fetch(src, s, *cols)]


def assessment_due(src: Source, on: date, p: Params) -> list[DueRow]:
    """Referrals (not NFA, not closed) with no assessment authorised yet."""
    n = int(p["within_wd"])
    r = src.t("ssd_cin_episodes")
    r = r.filter((r.cine_referral_date <= on_date(on)) & (r.cine_referral_nfa.fill_null("N") != "Y")
                 & (r.cine_close_date.isnull() | (r.cine_close_date >= on_date(on))))
    a = src.t("ssd_cin_assessments")
    done = a.filter(a.cina_assessment_auth_date <= on_date(on)).select(_rid="cina_referral_id")
    r = r.anti_join(done, r.cine_referral_id == done._rid)
    cols = ("cine_person_id", "cine_referral_id", "cine_referral_date", "cine_close_date",
            "cine_referral_team")
    return [DueRow(child, ref, add_working_days(start, n),
                   f"referral {day(start)} + {n} working days", ends=closed, team=team)
            for child, ref, start, closed, team in fetch(src, r, *cols)]


def iha_due(src: Source, on: date, p: Params) -> list[DueRow]:
    """Periods of care open with no completed initial health assessment since they began."""
    n = int(p["within_wd"])
    c = open_cla(src, on)
    h = src.t("ssd_cla_health")
    h = h.filter((h.clah_health_check_type == "IHA")
                 & (h.clah_health_check_status.fill_null("Completed") == "Completed")
                 & (h.clah_health_check_date <= on_date(on)))
    c = c.anti_join(h, (h.clah_person_id == c.child_id) & (h.clah_health_check_date >= c.start))
    return [DueRow(child, cla_id, add_working_days(start, n),
                   f"entered care {day(start)} + {n} working days", ends=ends)
            for child, cla_id, start, ends in fetch(src, c, "child_id", "cla_id", "start",
                                                    "ends")]


def pep_due(src: Source, on: date, p: Params) -> list[DueRow]:
    """Children looked after of compulsory school age (`lantern.facts.school`, the rule
    ``pep_current_pct`` uses): next PEP review 122 days (a term, as ``pep_current_pct``)
    after the latest in the period; the first 20 working days after entering care or
    reaching school age."""
    days, first = int(p["interval_days"]), int(p["first_wd"])
    c = open_cla(src, on)
    c = c.filter(c.school_age)
    r = src.t("lantern_pep_reviews")
    j = c.left_join(r, (r.pepr_person_id == c.child_id)
                    & r.pepr_pep_review_date.between(c.start, on_date(on)))
    keys = ["child_id", "cla_id", "start", "ends", "school_from"]
    out = []
    for child, cla_id, start, ends, school_from, last in fetch(
            src, latest_of(j, keys, j.pepr_pep_review_date), *keys, "last"):
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


def rhi_due(src: Source, on: date, p: Params) -> list[DueRow]:
    """Missing or away episodes that have ended in the ``lookback_months`` before the run
    date with no return home interview recorded (unless the child declined it)."""
    hours = int(p["within_hours"])
    since = add_months(on, -int(p["lookback_months"]))
    m = src.t("ssd_missing")
    end = m.miss_missing_episode_end_date
    m = m.filter((end <= on_date(on)) & (end >= ibis.literal(since, "date"))
                 & (m.miss_missing_rhi_accepted.fill_null("Y") != "N")
                 & (m.miss_rhi_completed_date.isnull()
                    | (m.miss_rhi_completed_date > on_date(on))))
    cols = ("miss_person_id", "miss_table_id", "miss_missing_episode_end_date")
    return [DueRow(child, miss_id, end + timedelta(days=hours // 24),
                   f"returned {day(end)} + {hours} hours")
            for child, miss_id, end in fetch(src, m, *cols)]


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
    params={"within_hours": 72, "lookback_months": 12},
    leads=(Step(3, ("worker",)),),
    expire_after_days=28,
    default_service="safeguarding",
)

RULES = (ICPC, ASSESSMENT, IHA, PEP, RHI)
