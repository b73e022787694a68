"""Hand-worked cases for exploitation, missing, placements at distance and early help
(KPIS.md "Thematic"). Month end 31 March 2024 unless said (rolling 12 months from 1 April
2023; FYTD the same; 31 March − 6 months = 30 September 2023)."""

from __future__ import annotations

import pytest

from lantern.measures.engine import compute
from tests.measures_fixtures import figure, merge, rows, warehouse

P = rows("ssd_person", *({"pers_person_id": f"C{n}", "pers_dob": "2008-06-01"}
                         for n in range(1, 6)))


def expl(aid: str, on: str, rag: str = "AMBER", child: str = "C1") -> dict:
    return {"expl_assessment_id": aid, "expl_person_id": child, "expl_assessment_date": on,
            "expl_rag": rag}


def exploitation(*items: dict) -> dict:
    return merge(P, rows("lantern_exploitation_assessments", *items))


# ----------------------------------------------------------------------- exploitation


def test_exploitation_assessments_window_boundaries() -> None:
    # 1 Apr 2023 is the rolling window's first day, 31 Mar 2023 is before it; 31 Mar 2024
    # is its last and in March's month; 1 Apr 2024 is after month end
    data = exploitation(expl("A1", "2023-03-31"), expl("A2", "2023-04-01"),
                        expl("A3", "2024-03-31", child="C2"), expl("A4", "2024-04-01"))
    assert figure(data, "exploitation_assessments", "2024-03", "rolling_12m")[0] == 2
    assert figure(data, "exploitation_assessments", "2024-03", "in_month")[0] == 1
    assert figure(data, "exploitation_assessments", "2024-03", "fytd")[0] == 2


def test_exploitation_assessments_count_assessments_not_children() -> None:
    data = exploitation(expl("A1", "2024-03-01"), expl("A2", "2024-03-15"))
    assert figure(data, "exploitation_assessments", "2024-03", "in_month")[0] == 2


def test_exploitation_assessments_need_the_table() -> None:
    [r, *_] = compute(warehouse(P), ["2024-03"], kpis=["exploitation_assessments"])
    assert (r.status, r.reason) == ("not_available", "no exploitation risk assessments loaded")


def test_exploitation_red_within_six_months() -> None:
    # 31 Mar 2024 − 6 months = 30 Sep 2023: red on 30 Sep counts, red on 29 Sep does not
    data = exploitation(expl("A1", "2023-09-30", "RED"),
                        expl("A2", "2023-09-29", "RED", child="C2"))
    assert figure(data, "exploitation_red", "2024-03")[0] == 1


def test_exploitation_red_is_the_latest_grade() -> None:
    # C1: red then amber — not red now; C2: amber then red — red; C3: red on or before
    # month end and amber on 1 April (after month end) — red
    data = exploitation(expl("A1", "2024-01-01", "RED"), expl("A2", "2024-02-01"),
                        expl("A3", "2024-01-01", child="C2"),
                        expl("A4", "2024-02-01", "red", child="C2"),
                        expl("A5", "2024-03-31", "RED", child="C3"),
                        expl("A6", "2024-04-01", child="C3"))
    assert figure(data, "exploitation_red", "2024-03")[0] == 2


def test_exploitation_red_leap_month_end() -> None:
    # 31 Aug 2024 − 6 months = 29 Feb 2024 (leap day): red on 29 Feb counts, 28 Feb not
    data = exploitation(expl("A1", "2024-02-29", "RED"),
                        expl("A2", "2024-02-28", "RED", child="C2"))
    assert figure(data, "exploitation_red", "2024-08")[0] == 1


# ----------------------------------------------------------------------- missing


def miss(mid: str, start: str, child: str = "C1", kind: str = "M") -> dict:
    return {"miss_table_id": mid, "miss_person_id": child,
            "miss_missing_episode_start_date": start, "miss_missing_episode_type": kind}


def missing(*items: dict) -> dict:
    return merge(P, rows("ssd_missing", *items))


def test_missing_children_are_distinct_children() -> None:
    # C1 missing twice in March counts once; C2 "away" (A) is not missing
    data = missing(miss("M1", "2024-03-01"), miss("M2", "2024-03-20"),
                   miss("M3", "2024-03-05", "C2", "A"))
    assert figure(data, "missing_children", "2024-03", "in_month")[0] == 1


def test_missing_children_window_boundaries() -> None:
    # started 31 Mar 2023: before the rolling window; 1 Apr 2023 and 31 Mar 2024: in it
    data = missing(miss("M1", "2023-03-31"), miss("M2", "2023-04-01", "C2"),
                   miss("M3", "2024-03-31", "C3"))
    assert figure(data, "missing_children", "2024-03", "rolling_12m")[0] == 2
    assert figure(data, "missing_children", "2024-03", "in_month")[0] == 1


def test_missing_children_by_age_band() -> None:
    # C1 born 1 Jun 2008 is 15 on 1 Mar 2024 (10-15); C5 born 1 Jun 2006 is 17 (16-17)
    data = merge(rows("ssd_person", {"pers_person_id": "C1", "pers_dob": "2008-06-01"},
                      {"pers_person_id": "C5", "pers_dob": "2006-06-01"}),
                 rows("ssd_missing", miss("M1", "2024-03-01"), miss("M2", "2024-03-02", "C5")))
    assert figure(data, "missing_children", "2024-03", "in_month", breakdown="age_band",
                  value="10-15")[0] == 1
    assert figure(data, "missing_children", "2024-03", "in_month", breakdown="age_band",
                  value="16-17")[0] == 1


def test_missing_repeat_is_three_or_more_in_the_window() -> None:
    # C1: 3 episodes in March (repeat); C2: 2 in March plus 1 on 29 Feb (leap day) —
    # 2 in March's month, 3 in the rolling year
    data = missing(miss("M1", "2024-03-01"), miss("M2", "2024-03-10"),
                   miss("M3", "2024-03-31"), miss("M4", "2024-03-02", "C2"),
                   miss("M5", "2024-03-03", "C2"), miss("M6", "2024-02-29", "C2"))
    assert figure(data, "missing_repeat_pct", "2024-03", "in_month")[:3] == (1, 2, 50.0)
    assert figure(data, "missing_repeat_pct", "2024-03", "rolling_12m")[:3] == (2, 2, 100.0)


def test_missing_repeat_ignores_away_episodes() -> None:
    # two M and one A: not a repeat
    data = missing(miss("M1", "2024-03-01"), miss("M2", "2024-03-10"),
                   miss("M3", "2024-03-11", kind="A"))
    assert figure(data, "missing_repeat_pct", "2024-03", "in_month")[:3] == (0, 1, 0.0)


def test_missing_repeat_without_missing_has_no_denominator() -> None:
    data = missing(miss("M1", "2023-01-01"))
    assert figure(data, "missing_repeat_pct", "2024-03", "in_month")[3] == "no_denominator"


# ----------------------------------------------------------------------- distance


def placed(child: str, start: str, distance: float | None, end: str | None = None) -> dict:
    return {"ep": {"clae_cla_episode_id": f"E{child}", "clae_person_id": child,
                   "clae_cla_episode_start_date": start, "clae_cla_episode_ceased_date": end,
                   "clae_cla_episode_start_reason": "S", "clae_legal_status": "C2",
                   "clae_cla_id": f"P{child}", "clae_cla_placement_id": f"PL{child}"},
            "pl": {"clap_cla_placement_id": f"PL{child}", "clap_cla_placement_type": "U6",
                   "clap_cla_placement_distance": distance,
                   "clap_cla_placement_start_date": start}}


def distances(*items: dict) -> dict:
    return merge(P, rows("ssd_cla_episodes", *(i["ep"] for i in items)),
                 rows("ssd_cla_placement", *(i["pl"] for i in items)))


def test_distance_over_20_miles_not_at_20() -> None:
    data = distances(placed("C1", "2024-01-01", 20.0), placed("C2", "2024-01-01", 20.1),
                     placed("C3", "2024-01-01", 3.5))
    num, den, value, _ = figure(data, "cla_placed_20miles_pct", "2024-03")
    assert (num, den) == (1, 3) and value == pytest.approx(100 / 3)


def test_distance_only_where_recorded() -> None:
    # C2's placement has no distance: outside the denominator (not counted as near)
    data = distances(placed("C1", "2024-01-01", 40.0), placed("C2", "2024-01-01", None))
    assert figure(data, "cla_placed_20miles_pct", "2024-03")[:3] == (1, 1, 100.0)


def test_distance_of_children_looked_after_at_month_end() -> None:
    # C1's episode ends on month end (still looked after); C2's ended the day before;
    # C3's starts on 1 April
    data = distances(placed("C1", "2024-01-01", 30.0, end="2024-03-31"),
                     placed("C2", "2024-01-01", 30.0, end="2024-03-30"),
                     placed("C3", "2024-04-01", 30.0))
    assert figure(data, "cla_placed_20miles_pct", "2024-03")[:2] == (1, 1)


# ----------------------------------------------------------------------- early help


def eh(eid: str, start: str, end: str | None = None, child: str = "C1") -> dict:
    return {"earl_episode_id": eid, "earl_person_id": child, "earl_episode_start_date": start,
            "earl_episode_end_date": end}


def ref(rid: str, on: str, close: str | None = None, nfa: str = "N", child: str = "C1") -> dict:
    return {"cine_referral_id": rid, "cine_person_id": child, "cine_referral_date": on,
            "cine_close_date": close, "cine_referral_nfa": nfa}


def help_(*episodes: dict, refs: tuple[dict, ...] = ()) -> dict:
    return merge(P, rows("ssd_early_help_episodes", *episodes), rows("ssd_cin_episodes", *refs))


def test_early_help_open_at_month_end() -> None:
    # ended on month end: open; ended the day before or starting 1 April: not
    data = help_(eh("H1", "2024-01-01", "2024-03-31"), eh("H2", "2024-01-01", "2024-03-30", "C2"),
                 eh("H3", "2024-04-01", child="C3"), eh("H4", "2023-01-01", child="C4"))
    assert figure(data, "early_help_open", "2024-03")[0] == 2


def test_early_help_open_counts_episodes() -> None:
    # two open episodes of one child are two episodes
    data = help_(eh("H1", "2024-01-01"), eh("H2", "2024-02-01"))
    assert figure(data, "early_help_open", "2024-03")[0] == 2


def test_early_help_open_needs_episodes() -> None:
    [r] = compute(warehouse(P), ["2024-03"], kpis=["early_help_open"])
    assert (r.status, r.reason) == ("not_available", "no early-help episodes loaded")


def test_step_up_ended_within_30_days() -> None:
    # referral 15 Mar 2024: C1's early help ended 14 Feb (30 days before): stepped up;
    # C2's ended 13 Feb (31 days): not
    data = help_(eh("H1", "2023-10-01", "2024-02-14"), eh("H2", "2023-10-01", "2024-02-13", "C2"),
                 refs=(ref("R1", "2024-03-15"), ref("R2", "2024-03-15", child="C2")))
    assert figure(data, "early_help_step_up_pct", "2024-03", "in_month")[:3] == (1, 2, 50.0)


def test_step_up_open_on_the_referral_date() -> None:
    # C1's early help is open (no end); C2's starts on the referral date (open that day);
    # C3's starts the day after the referral: not
    data = help_(eh("H1", "2023-10-01"), eh("H2", "2024-03-15", child="C2"),
                 eh("H3", "2024-03-16", child="C3"),
                 refs=(ref("R1", "2024-03-15"), ref("R2", "2024-03-15", child="C2"),
                       ref("R3", "2024-03-15", child="C3")))
    assert figure(data, "early_help_step_up_pct", "2024-03", "in_month")[:2] == (2, 3)


def test_step_up_counts_every_referral() -> None:
    # an NFA referral is still a referral; an early help episode open on both referral
    # dates steps both up; one of another child does not
    data = help_(eh("H1", "2023-10-01", "2024-03-31"), eh("H2", "2023-10-01", child="C5"),
                 refs=(ref("R1", "2024-03-01", nfa="Y"), ref("R2", "2024-03-20"),
                       ref("R3", "2024-03-20", child="C2")))
    assert figure(data, "early_help_step_up_pct", "2024-03", "in_month")[:2] == (2, 3)


def test_step_down_cin_closed_within_30_days() -> None:
    # early help starts 15 Mar 2024: C1's CIN episode closed 14 Feb (30 days before):
    # stepped down; C2's closed 13 Feb (31 days): not; C3's closed the same day: stepped down
    data = help_(eh("H1", "2024-03-15"), eh("H2", "2024-03-15", child="C2"),
                 eh("H3", "2024-03-15", child="C3"),
                 refs=(ref("R1", "2023-09-01", "2024-02-14"),
                       ref("R2", "2023-09-01", "2024-02-13", child="C2"),
                       ref("R3", "2023-09-01", "2024-03-15", child="C3")))
    num, den, value, _ = figure(data, "early_help_step_down_pct", "2024-03", "in_month")
    assert (num, den) == (2, 3) and value == pytest.approx(200 / 3)


def test_step_down_not_after_the_start_nor_nfa() -> None:
    # C1's CIN episode closes the day after early help began: not a step down; C2's
    # closing referral was NFA (not a CIN episode): not
    data = help_(eh("H1", "2024-03-15"), eh("H2", "2024-03-15", child="C2"),
                 refs=(ref("R1", "2023-09-01", "2024-03-16"),
                       ref("R2", "2024-03-01", "2024-03-10", nfa="Y", child="C2")))
    assert figure(data, "early_help_step_down_pct", "2024-03", "in_month")[:2] == (0, 2)


def test_step_down_window_is_the_early_help_start() -> None:
    # early help starting 1 Apr 2023 is in the rolling year to March 2024, 31 Mar 2023 not
    data = help_(eh("H1", "2023-04-01"), eh("H2", "2023-03-31", child="C2"),
                 refs=(ref("R1", "2023-01-01", "2023-03-20"),))
    assert figure(data, "early_help_step_down_pct", "2024-03", "rolling_12m")[:2] == (1, 1)
