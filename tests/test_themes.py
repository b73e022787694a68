"""The themes (`assurance.themes`), the caseload distribution behind the workforce theme
(`casework.caseload_bands`) and the withholding of its small numbers
(`security.disclosure.withheld_cells`): hand-worked cases at the boundaries."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from lantern.assurance.themes import home_theme, theme, themes
from lantern.casework.caseload_bands import band_labels, band_of, caseload_bands
from lantern.measures.catalogue import INDICATORS
from lantern.reports.build import AREA_SECTIONS, section_of
from lantern.security.disclosure import AUTHORITY, withheld_cells
from tests.measures_fixtures import dates, warehouse

#: The Thematic section of KPIS.md, in its order: every one belongs to a theme.
THEMATIC = (
    "sw_caseload_avg", "sw_caseload_over_limit_pct", "sw_agency_pct", "sw_turnover_pct",
    "sw_vacancy_pct", "supervision_on_time_pct", "exploitation_assessments",
    "exploitation_red", "missing_children", "missing_repeat_pct", "cla_placed_20miles_pct",
    "early_help_open", "early_help_step_up_pct", "early_help_step_down_pct",
    "foster_households", "foster_approvals", "foster_review_current_pct",
    "foster_dbs_current_pct", "foster_medical_current_pct", "foster_tsd_pct",
    "marac_referrals", "marac_repeat_pct", "pf_notifications", "pf_initial_visit_7wd_pct",
    "pf_visits_on_time_pct", "lado_referrals", "lado_decision_1wd_pct",
    "lado_resolved_1m_pct", "homeless_1617_assessed_pct")


# --------------------------------------------------------------------------- declaration


def test_the_nine_themes_hold_every_thematic_indicator_once() -> None:
    keys = [t.key for t in themes()]
    assert keys == ["workforce", "exploitation-missing", "early-help", "placements",
                    "fostering", "marac", "private-fostering", "lado", "youth-homelessness"]
    listed = [k for t in themes() for k in t.kpis]
    assert sorted(k for k in listed if k in THEMATIC) == sorted(THEMATIC)  # each once
    known = {i.id for i in INDICATORS}
    # Indicators of the other sections a theme shows too (return interviews, stability)
    # must exist: a typo would read "not computed" for ever.
    assert {k for k in listed if k not in THEMATIC} <= known
    assert all(t.why and t.title and t.data for t in themes())


def test_every_indicator_outside_the_service_areas_has_a_theme() -> None:
    """A new indicator of no service area is listed under its theme, never silently in
    "Cared for children" (the old default)."""
    for ind in INDICATORS:
        if ind.area in AREA_SECTIONS:
            continue
        found = home_theme(ind.id, ind.area, frozenset(AREA_SECTIONS))
        assert found is not None, f"{ind.id} ({ind.area}) belongs to no theme"
        assert section_of(ind.id, ind.area) == f"theme-{found.key}"
    assert section_of("cla_open", "Children looked after") == "cared_for"


def test_every_table_a_themes_indicator_reads_is_named_in_the_theme() -> None:
    """So that "not available" names the missing data in words, not as a table."""
    by_id = {i.id: i for i in INDICATORS}
    for t in themes():
        named = dict(t.data)
        for kpi in t.computed:
            local = [tb for tb in by_id[kpi].tables if tb.startswith("lantern_")]
            assert set(local) <= set(named), (t.key, kpi, local)


def test_an_indicators_reason_reads_in_the_themes_words() -> None:
    workforce = theme("workforce")
    assert workforce.reason_text("no rows loaded in lantern_establishment") == (
        "no establishment loaded")
    fostering = theme("private-fostering")
    assert fostering.reason_text(
        "no rows loaded in lantern_private_fostering, lantern_private_fostering_visits") == (
        "no private fostering notifications or private fostering visits loaded")
    # a table the theme does not name reads as words, without its prefix
    assert workforce.reason_text("no rows loaded in ssd_cla_episodes") == (
        "no cla episodes loaded")
    # any other reason is the engine's own
    assert workforce.reason_text("no 0-17 population configured") == (
        "no 0-17 population configured")
    with pytest.raises(KeyError):
        theme("no-such-theme")


# --------------------------------------------------------------------------- caseload bands


def test_band_boundaries() -> None:
    bounds = (5, 10, 15, 20, 25, 30)
    assert band_labels(bounds) == ("1 to 5", "6 to 10", "11 to 15", "16 to 20", "21 to 25",
                                   "26 to 30", "31 or more")
    assert band_of(1, bounds) == 0
    assert band_of(5, bounds) == 0  # a caseload equal to a bound is in that band
    assert band_of(6, bounds) == 1
    assert band_of(20, bounds) == 3  # the limit itself is not over it
    assert band_of(21, bounds) == 4
    assert band_of(30, bounds) == 5
    assert band_of(31, bounds) == 6
    assert band_of(43, bounds) == 6


ON = date(2024, 2, 29)  # a leap-year month end


def _worker(wid: str, name: str, team: str, title: str = "Social Worker",
            start: str | None = "2020-01-01", end: str | None = None) -> dict[str, Any]:
    return {"prof_professional_id": wid, "prof_professional_name": name,
            "prof_professional_department": team, "prof_professional_job_title": title,
            "prof_start_date": start, "prof_end_date": end}


def _cases(worker: str, team: str, n: int, *, first: int = 0, role: str = "SW",
           end: str | None = None) -> list[dict[str, Any]]:
    return [{"invo_involvements_id": f"{worker}-{role}-{k}", "invo_person_id": f"C{k}",
             "invo_professional_id": worker, "invo_professional_team": team,
             "invo_professional_role_id": role, "invo_involvement_start_date": "2023-06-01",
             "invo_involvement_end_date": end} for k in range(first, first + n)]


def _bands_case() -> Any:
    dept = [{"dept_team_id": "T1", "dept_team_name": "Safeguarding 1",
             "dept_team_parent_id": "S1", "dept_team_parent_name": "Safeguarding"},
            {"dept_team_id": "T2", "dept_team_name": "Assessment",
             "dept_team_parent_id": "S2", "dept_team_parent_name": "Front door"}]
    workers = [
        _worker("W1", "Ann Over", "T1"),  # 21 children: over the limit of 20
        _worker("W2", "Bob Limit", "T1"),  # exactly 20: at the limit, not over it
        # leaves on the month end: still in post that day, so counted
        _worker("W3", "Cat Leaving", "T2", end="2024-02-29"),
        _worker("W4", "Dan Gone", "T2", end="2024-02-28"),  # left the day before: not
        _worker("W5", "Eve Adviser", "T2", title="Personal Adviser"),  # not a social worker
        _worker("W6", "Fay Manager", "T2", title="team manager"),  # title case ignored
    ]
    involvements = [
        *_cases("W1", "T1", 21), *_cases("W2", "T1", 20, first=100),
        # W3: 6 children, one of them ending on the month end (still open that day)
        *_cases("W3", "T2", 5, first=200), *_cases("W3", "T2", 1, first=205, end="2024-02-29"),
        # and one ended the day before: not held
        *_cases("W3", "T2", 1, first=206, end="2024-02-28"),
        *_cases("W4", "T2", 3, first=300), *_cases("W5", "T2", 4, first=400, role="SW"),
        *_cases("W6", "T2", 2, first=500),
        # a personal adviser's case does not count towards a social worker's caseload
        *_cases("W6", "T2", 9, first=600, role="PA"),
    ]
    return warehouse({"ssd_department": dept, "ssd_professionals": [dates(w) for w in workers],
                      "ssd_involvements": [dates(i) for i in involvements]})


def test_caseload_bands_count_social_workers_in_post_by_team() -> None:
    con = _bands_case()
    got = caseload_bands(con, ON, (5, 10, 15, 20, 25, 30), limit=20)
    by_team = {t.team_id: t.counts for t in got.teams}
    assert by_team == {
        "T1": (0, 0, 0, 1, 1, 0, 0),  # Bob 20 in 16-20, Ann 21 in 21-25
        "T2": (1, 1, 0, 0, 0, 0, 0),  # Fay 2 in 1-5, Cat 6 in 6-10 (Dan, Eve left out)
    }
    assert [t.team_name for t in got.teams] == ["Assessment", "Safeguarding 1"]
    assert got.totals == (1, 1, 0, 1, 1, 0, 0)
    assert [(o.name, o.team_name, o.caseload) for o in got.over_limit] == [
        ("Ann Over", "Safeguarding 1", 21)]
    # a day later Cat has left and her case ending on the 29th is closed
    later = caseload_bands(con, date(2024, 3, 1), (5, 10, 15, 20, 25, 30), limit=20)
    assert {t.team_id: t.counts for t in later.teams}["T2"] == (1, 0, 0, 0, 0, 0, 0)
    # a lower limit puts Bob over it too
    low = caseload_bands(con, ON, (5, 10, 15, 20, 25, 30), limit=19)
    assert [o.name for o in low.over_limit] == ["Ann Over", "Bob Limit"]


# --------------------------------------------------------------------------- disclosure


def test_small_counts_in_a_grid_are_withheld_with_their_complements() -> None:
    grid = {("T1", "1 to 5"): 3, ("T2", "1 to 5"): 10, ("T3", "1 to 5"): 12,
            ("T1", "6 to 10"): 0, ("T2", "6 to 10"): 7, ("T3", "6 to 10"): 8}
    hidden = withheld_cells(grid)
    # 3 is withheld (primary); the band's total (25) is published, so one more cell of
    # the band must go or 25 - 10 - 12 gives the 3 back: the smallest, 10.
    assert ("T1", "1 to 5") in hidden
    assert ("T2", "1 to 5") in hidden
    assert ("T3", "1 to 5") not in hidden
    assert (AUTHORITY, "1 to 5") not in hidden  # 25: published
    # nothing small in the other band: all published (a zero is not small)
    assert not {k for k in hidden if k[1] == "6 to 10"}


def test_a_small_band_total_is_withheld() -> None:
    hidden = withheld_cells({("T1", "31 or more"): 1, ("T2", "31 or more"): 2})
    assert hidden == {("T1", "31 or more"), ("T2", "31 or more"), (AUTHORITY, "31 or more")}


def test_each_missing_data_reason_is_said_once() -> None:
    from lantern.assurance.themes import distinct_reasons

    # private fostering: one indicator reads both tables, another only the first
    got = distinct_reasons([
        "no private fostering arrangements loaded",
        "no private fostering arrangements loaded; no private fostering visits loaded",
        None])
    assert got == ["no private fostering arrangements loaded",
                   "no private fostering visits loaded"]
