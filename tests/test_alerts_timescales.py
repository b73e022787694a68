"""One-off timescales: ICPC 15 wd, assessment 45 wd, IHA 20 wd, PEP termly, RHI 72 hours.
Every expected date is counted by hand in the comment beside it."""

from __future__ import annotations

from datetime import date

from lantern.alerts import run_alerts
from lantern.alerts.rules import rule
from tests.alerts_fixtures import Warehouse


def items(w: Warehouse, on: date, rule_id: str) -> list:
    return run_alerts(w.con, on, rules=[rule(rule_id)])


def base() -> Warehouse:
    return Warehouse().staffed().child("C1").allocate("C1")


def s47(w: Warehouse, sid: str, start: date, **cols: object) -> Warehouse:
    return w.add("ssd_s47_enquiry", s47e_s47_enquiry_id=sid, s47e_person_id="C1",
                 s47e_s47_start_date=start, **cols)


def test_icpc_within_15_working_days_over_christmas() -> None:
    # S47 from Fri 15 Dec 2023: +15 wd: 18-22 Dec (5), 25-26 Dec holidays, 27-29 Dec (8),
    # 1 Jan holiday, 2-5 Jan (12), 8-10 Jan (15) -> due Wed 10 Jan 2024.
    w = s47(base(), "S1", date(2023, 12, 15))
    # Mon 8 Jan: 2 working days to go (9, 10 Jan) - worker and team manager.
    [i] = items(w, date(2024, 1, 8), "icpc_15wd")
    assert (i.due_date, i.days_overdue, i.notify) == (date(2024, 1, 10), -2, ("W1", "TM1"))
    [t] = items(w, date(2024, 1, 10), "icpc_15wd")
    assert t.status == "due_today"
    # The conference held on 9 Jan clears it.
    w.add("ssd_initial_cp_conference", icpc_icpc_id="I1", icpc_s47_enquiry_id="S1",
          icpc_person_id="C1", icpc_cp_plan_id="P1", icpc_icpc_date=date(2024, 1, 9))
    assert items(w, date(2024, 1, 10), "icpc_15wd") == []


def test_icpc_not_due_when_enquiry_concluded_without_conference() -> None:
    w = s47(base(), "S1", date(2023, 12, 15), s47e_s47_nfa="Y")
    s47(w, "S2", date(2023, 12, 15), s47e_icpc_not_required="Y")
    assert items(w, date(2024, 1, 10), "icpc_15wd") == []


def test_icpc_referral_closed_before_due() -> None:
    w = base().add("ssd_cin_episodes", cine_referral_id="R1", cine_person_id="C1",
                   cine_referral_date=date(2023, 12, 14), cine_close_date=date(2024, 1, 5))
    s47(w, "S1", date(2023, 12, 15), s47e_referral_id="R1")
    # Due 10 Jan but the referral closed on 5 Jan (before the due date).
    assert items(w, date(2024, 1, 3), "icpc_15wd") == []


def referral(w: Warehouse, rid: str, d: date, **cols: object) -> Warehouse:
    return w.add("ssd_cin_episodes", cine_referral_id=rid, cine_person_id="C1",
                 cine_referral_date=d, **cols)


def test_assessment_45_working_days_over_easter_and_may_day() -> None:
    # Referral Thu 29 Feb 2024: +45 wd: 1 Mar (1), 4-8 (6), 11-15 (11), 18-22 (16),
    # 25-28 (20), Easter 29 Mar and 1 Apr skipped, 2-5 Apr (24), 8-12 (29), 15-19 (34),
    # 22-26 (39), 29-30 Apr (41), 1-3 May (44), 6 May bank holiday, 7 May (45) -> Tue 7 May.
    w = referral(base(), "R1", date(2024, 2, 29))
    assert items(w, date(2024, 3, 1), "assessment_45wd") == []
    # Tue 23 Apr: 24, 25, 26, 29, 30 Apr, 1, 2, 3, 7 May = 9 working days to go.
    [i] = items(w, date(2024, 4, 23), "assessment_45wd")
    assert (i.due_date, i.days_overdue, i.status) == (date(2024, 5, 7), -9, "due_soon")
    # An assessment authorised on 22 Apr clears it; one started but not authorised does not.
    w.add("ssd_cin_assessments", cina_assessment_id="A0", cina_person_id="C1",
          cina_referral_id="R1", cina_assessment_start_date=date(2024, 3, 1))
    assert len(items(w, date(2024, 4, 23), "assessment_45wd")) == 1
    w.add("ssd_cin_assessments", cina_assessment_id="A1", cina_person_id="C1",
          cina_referral_id="R1", cina_assessment_start_date=date(2024, 3, 1),
          cina_assessment_auth_date=date(2024, 4, 22))
    assert items(w, date(2024, 4, 23), "assessment_45wd") == []


def test_assessment_not_for_nfa_or_closed_referrals() -> None:
    w = referral(base(), "R1", date(2024, 2, 29), cine_referral_nfa="Y")
    # Closed on 30 Apr, before the 7 May due date.
    referral(w, "R2", date(2024, 2, 29), cine_close_date=date(2024, 4, 30))
    assert items(w, date(2024, 4, 23), "assessment_45wd") == []


def test_initial_health_assessment_20_working_days() -> None:
    # Entered care Mon 11 Mar 2024: +20 wd: 12-15 Mar (4), 18-22 (9), 25-28 (13), Easter
    # skipped, 2-5 Apr (17), 8-10 Apr (20) -> due Wed 10 Apr.
    w = base().cla_episode("L1", "C1", date(2024, 3, 11))
    # An IHA from an earlier period (2023) does not count for this one.
    w.add("ssd_cla_health", clah_health_check_id="H0", clah_person_id="C1",
          clah_health_check_type="IHA", clah_health_check_date=date(2023, 6, 1),
          clah_health_check_status="Completed")
    # Tue 2 Apr: 3, 4, 5, 8, 9, 10 Apr = 6 working days to go.
    [i] = items(w, date(2024, 4, 2), "iha_20wd")
    assert (i.due_date, i.days_overdue) == (date(2024, 4, 10), -6)
    w.add("ssd_cla_health", clah_health_check_id="H1", clah_person_id="C1",
          clah_health_check_type="IHA", clah_health_check_date=date(2024, 4, 5),
          clah_health_check_status="Completed")
    assert items(w, date(2024, 4, 8), "iha_20wd") == []


def test_pep_termly_122_days_and_school_age() -> None:
    w = Warehouse().staffed()
    for c, dob in (("C1", date(2012, 5, 1)), ("C2", date(2021, 1, 1)),
                   ("C3", date(2007, 7, 1))):
        w.child(c, dob).allocate(c).cla_episode(f"L{c}", c, date(2023, 1, 9))
        w.add("lantern_pep_reviews", pepr_pep_review_id=f"PEP{c}", pepr_person_id=c,
              pepr_pep_review_date=date(2023, 11, 1))
    # C1 (aged 11): 1 Nov 2023 + 122 days: +29 = 30 Nov, +31 = 31 Dec (60), +31 = 31 Jan (91),
    # +29 = 29 Feb (120, leap year), +2 = Sat 2 Mar 2024 (122).
    # C2 is aged 3 and C3 reached 16 on 1 Jul 2023 (school year 2022/23, left 30 Jun 2023).
    [i] = items(w, date(2024, 3, 1), "pep_review")
    assert (i.child_id, i.due_date, i.status, i.days_overdue) == ("C1", date(2024, 3, 2),
                                                                   "due_soon", 0)


def test_pep_alert_and_indicator_name_the_same_children() -> None:
    """One school-age rule (lantern.facts.school: aged 5 to 15 at the 31 August starting
    the school year) for the PEP alert and pep_current_pct. The alert used to start at the
    5th birthday and stop at the last Friday of June after the 16th."""
    from lantern.measures.drill import children

    w = Warehouse().staffed()
    kids = {"C1": date(2019, 8, 31),  # 5 on 31 Aug 2024: school age from 1 Sep 2024
            "C2": date(2019, 9, 1),  # 5 on 1 Sep 2024: not until 1 Sep 2025
            "C3": date(2008, 8, 31),  # 16 on 31 Aug 2024: left on 1 Sep 2024
            "C4": date(2008, 9, 1)}  # 15 on 31 Aug 2024: one more school year
    for c, dob in kids.items():
        w.child(c, dob).allocate(c).cla_episode(f"L{c}", c, date(2024, 9, 2))
    # the rule runs only once PEP reviews are loaded: one for a child not in care
    w.add("lantern_pep_reviews", pepr_pep_review_id="PEP9", pepr_person_id="C9",
          pepr_pep_review_date=date(2024, 1, 1))
    on = date(2024, 9, 30)
    alerted = sorted(i.child_id for i in items(w, on, "pep_review"))
    assert alerted == ["C1", "C4"]
    listed = children(w.con, "pep_current_pct", "2024-09")
    assert sorted(k["child_id"] for k in listed) == alerted
    # first PEP due 20 working days from entering care (2 Sep), after reaching school age
    [c1] = [i for i in items(w, on, "pep_review") if i.child_id == "C1"]
    assert c1.basis.startswith("entered care 2 Sep 2024")


def missing(w: Warehouse, mid: str, end: date, **cols: object) -> Warehouse:
    return w.add("ssd_missing", miss_table_id=mid, miss_person_id="C1",
                 miss_missing_episode_start_date=end, miss_missing_episode_end_date=end,
                 miss_missing_episode_type="M", **cols)


def test_return_home_interview_72_hours_over_a_weekend() -> None:
    # Returned Thu 29 Feb 2024: 72 hours later is Sun 3 Mar.
    w = missing(base(), "M1", date(2024, 2, 29))
    [i] = items(w, date(2024, 3, 1), "rhi_72h")
    # Fri 1 Mar to Sun 3 Mar holds no working day: due soon with 0 working days to go.
    assert (i.due_date, i.status, i.days_overdue) == (date(2024, 3, 3), "due_soon", 0)
    # Mon 4 Mar: 1 working day late.
    [late] = items(w, date(2024, 3, 4), "rhi_72h")
    assert (late.status, late.days_overdue) == ("escalated", 1)
    # Completed on Sat 2 Mar: nothing outstanding.
    w2 = missing(base(), "M1", date(2024, 2, 29), miss_rhi_completed_date=date(2024, 3, 2))
    assert items(w2, date(2024, 3, 4), "rhi_72h") == []


def test_return_home_interview_declined_or_stale() -> None:
    w = missing(base(), "M1", date(2024, 2, 29), miss_missing_rhi_accepted="N")
    # Returned 1 Jan 2024, due 4 Jan: by 1 Mar it is 57 days old (> 28) and no longer shown.
    missing(w, "M2", date(2024, 1, 1))
    assert items(w, date(2024, 3, 1), "rhi_72h") == []
