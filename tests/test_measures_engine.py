"""The indicator engine: windows, breakdowns, statuses, drill-down, docs and benchmarks."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import ibis
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantern.measures.benchmarks import benchmark, parse_value, period_end_year
from lantern.measures.catalogue import INDICATORS, get, render_catalogue_markdown
from lantern.measures.core import BREAKDOWNS, add_months, age_years
from lantern.measures.drill import children, children_by_month
from lantern.measures.engine import compute, month_ends, month_range
from tests.measures_fixtures import figure, merge, rows, warehouse
from tests.measures_random import random_dataset

ROOT = Path(__file__).resolve().parents[1]


def test_catalogue_covers_kpis_sections() -> None:
    ids = [i.id for i in INDICATORS]
    assert len(ids) == 76 == len(set(ids))
    for i in INDICATORS:
        assert i.unit == ("pct" if i.id.endswith("_pct") else "rate" if i.id.endswith(
            "_per_10k") else "mean" if i.id.endswith(("_days", "_wd", "_avg")) else "count"), i.id


def test_definitions_are_the_kpis_text() -> None:
    kpis = Path("/work/shared/KPIS.md")
    if not kpis.exists():
        pytest.skip("KPIS.md not available")
    text = kpis.read_text("utf-8")
    for i in INDICATORS:
        assert f"| `{i.id}` | {i.definition} |" in text, i.id


def test_docs_page_is_generated() -> None:
    assert (ROOT / "docs" / "indicators.md").read_text("utf-8") == render_catalogue_markdown()


def test_add_months_matches_relativedelta() -> None:
    days = [date(2023, 1, 28) + timedelta(days=k) for k in range(0, 800, 3)]
    days += [date(2024, 2, 29), date(2023, 8, 31), date(2025, 3, 31), date(2024, 1, 31)]
    t = ibis.memtable({"d": days})
    e = t.select("d", *[add_months(t.d, n).name(f"m{n + 40}") for n in (-30, -24, -12, -3,
                                                                         3, 6, 12)])
    con = ibis.duckdb.connect()
    for r in con.to_pyarrow(e).to_pylist():
        for n in (-30, -24, -12, -3, 3, 6, 12):
            assert r[f"m{n + 40}"] == r["d"] + relativedelta(months=n), (r["d"], n)


def test_age_years_clamps_leap_birthdays() -> None:
    t = ibis.memtable({"dob": [date(2008, 2, 29), date(2008, 2, 29), date(2010, 6, 15),
                               date(2010, 6, 15)],
                       "at": [date(2026, 2, 28), date(2026, 2, 27), date(2026, 6, 14),
                              date(2026, 6, 15)]})
    con = ibis.duckdb.connect()
    got = con.to_pyarrow(t.select(a=age_years(t.dob, t.at))).column("a").to_pylist()
    # 29 Feb 2008 + 18 years = 28 Feb 2026 (relativedelta); the day before is 17
    assert got == [18, 17, 15, 16]


def test_month_ends() -> None:
    assert month_ends(["2024-02", date(2024, 2, 10)]) == [date(2024, 2, 29)]
    got = month_ends(month_range("2023-11", "2024-02"))
    assert got == [date(2023, 11, 30), date(2023, 12, 31), date(2024, 1, 31),
                   date(2024, 2, 29)]


def test_not_available_when_tables_empty() -> None:
    con = warehouse({"ssd_person": [{"pers_person_id": "C1"}]})
    rows_ = compute(con, ["2024-03"], population=10000, la_code="880")
    assert {r.status for r in rows_} == {"not_available"}
    r = next(r for r in rows_ if r.kpi_id == "cp_visits_10wd_pct")
    assert r.value is None and r.numerator is None
    assert r.reason == "no rows loaded in ssd_cp_plans, ssd_cp_visits"
    # drill-down of an unavailable indicator lists nobody
    assert children(con, "cp_visits_10wd_pct", "2024-03") == []


def test_no_denominator_and_zero_count() -> None:
    data = rows("ssd_cin_episodes", {"cine_referral_id": "R1", "cine_person_id": "C1",
                                     "cine_referral_date": "2020-01-01"})
    # a percentage with nobody in the window: null value, counts 0
    assert figure(data, "referral_nfa_pct", "2024-03") == (0, 0, None, "no_denominator")
    # a count with nothing in the window is a real 0
    assert figure(data, "referrals", "2024-03") == (0, None, 0.0, "ok")


WORKERS = merge(
    rows("ssd_person",
         {"pers_person_id": "C1", "pers_dob": "2019-03-31", "pers_sex": "M",
          "pers_ethnicity": "BAFR"},
         {"pers_person_id": "C2", "pers_dob": "2006-03-01", "pers_sex": "F",
          "pers_ethnicity": "NOBT"},
         {"pers_person_id": "C3", "pers_dob": "2014-01-01", "pers_sex": "F",
          "pers_ethnicity": "CHNE"}),
    rows("ssd_disability", {"disa_table_id": "D1", "disa_person_id": "C1",
                            "disa_disability_code": "AUT"},
         {"disa_table_id": "D2", "disa_person_id": "C2", "disa_disability_code": "NONE"}),
    rows("ssd_department", {"dept_team_id": "T1", "dept_team_parent_id": "front_door"},
         {"dept_team_id": "T2", "dept_team_parent_id": "safeguarding"}),
    rows("ssd_involvements",
         # C1: worker W1 in T1 until 14 Mar 2024, then W2 in T2 from 15 Mar
         {"invo_involvements_id": "I1", "invo_person_id": "C1", "invo_professional_id": "W1",
          "invo_professional_team": "T1", "invo_professional_role_id": "SW",
          "invo_involvement_start_date": "2024-01-01", "invo_involvement_end_date": "2024-03-14"},
         {"invo_involvements_id": "I2", "invo_person_id": "C1", "invo_professional_id": "W2",
          "invo_professional_team": "T2", "invo_professional_role_id": "SW",
          "invo_involvement_start_date": "2024-03-15"},
         # C2 has only a personal adviser: unallocated
         {"invo_involvements_id": "I3", "invo_person_id": "C2", "invo_professional_id": "W3",
          "invo_professional_team": "T1", "invo_professional_role_id": "PA",
          "invo_involvement_start_date": "2024-01-01"}),
    rows("ssd_cin_episodes",
         {"cine_referral_id": "R1", "cine_person_id": "C1", "cine_referral_date": "2024-03-14",
          "cine_referral_nfa": "Y"},
         {"cine_referral_id": "R2", "cine_person_id": "C1", "cine_referral_date": "2024-03-15",
          "cine_referral_nfa": "N"},
         {"cine_referral_id": "R3", "cine_person_id": "C2", "cine_referral_date": "2024-03-20",
          "cine_referral_nfa": "N"},
         {"cine_referral_id": "R4", "cine_person_id": "C3", "cine_referral_date": "2024-03-21",
          "cine_referral_nfa": "Y"}),
)


@pytest.mark.parametrize(("breakdown", "value", "expected"), [
    # referral 14 Mar is W1's (his involvement ends that day, still open); 15 Mar is W2's
    ("worker", "W1", (1, 1)),
    ("worker", "W2", (0, 1)),
    # a PA involvement is not an allocated social worker
    ("worker", "unallocated", (1, 2)),
    ("team", "T1", (1, 1)),
    ("service", "safeguarding", (0, 1)),
    ("service", "unallocated", (1, 2)),
    # C1 is 4 on 14 Mar 2024 (born 31 Mar 2019); C2 is 18 on 20 Mar 2024; C3 is 10
    ("age_band", "0-4", (1, 2)),
    ("age_band", "18+", (0, 1)),
    ("age_band", "10-15", (1, 1)),
    ("sex", "F", (1, 2)),
    # BAFR -> Black; NOBT -> Not known; CHNE -> Other
    ("ethnicity", "Black", (1, 2)),
    ("ethnicity", "Not known", (0, 1)),
    ("ethnicity", "Other", (1, 1)),
    # AUT is a disability, NONE is not
    ("disability", "Y", (1, 2)),
    ("disability", "N", (1, 2)),
])
def test_breakdowns(breakdown: str, value: str, expected: tuple) -> None:
    got = figure(WORKERS, "referral_nfa_pct", "2024-03", "in_month", breakdown=breakdown,
                 value=value)
    assert got[:2] == expected


def test_rates_only_for_authority() -> None:
    con = warehouse(WORKERS)
    out = compute(con, ["2024-03"], kpis=["referral_rate_per_10k"], breakdowns=BREAKDOWNS,
                  population=10000, la_code="880")
    assert {(r.breakdown, r.breakdown_value, r.period) for r in out} == {
        ("authority", "880", "rolling_12m")}


def test_drill_rows_explain() -> None:
    con = warehouse(WORKERS)
    kids = children(con, "referral_nfa_pct", "2024-03", period="in_month")
    assert [(k["child_id"], k["event_id"], k["in_numerator"], k["worker"]) for k in kids] == [
        ("C1", "R1", True, "W1"), ("C3", "R4", True, "unallocated"),
        ("C1", "R2", False, "W2"), ("C2", "R3", False, "unallocated")]
    assert kids[0]["reason"] == "referral NFA"
    assert kids[0]["date_1_label"] == "referral date"


def _check_invariants(con: object, month: str) -> None:
    out = compute(con, [month], breakdowns=BREAKDOWNS, population=25400, la_code="880")
    by_key = {(r.kpi_id, r.period, r.breakdown, r.breakdown_value): r for r in out}
    for r in out:
        assert r.status in ("ok", "no_denominator", "not_available")
        ind = get(r.kpi_id)
        if r.status != "ok":
            assert r.value is None
            continue
        if ind.unit == "pct":
            assert 0 <= r.numerator <= r.denominator
            assert r.value == pytest.approx(100 * r.numerator / r.denominator)
        elif ind.unit == "count":
            assert r.numerator >= 0 and r.denominator is None
        elif ind.unit == "mean":
            assert r.denominator > 0
    # every figure of every breakdown equals its drill-down: one listing per indicator
    # and period, grouped by each breakdown attribute
    for ind in INDICATORS:
        for period in ind.all_periods:
            auth = by_key.get((ind.id, period, "authority", "880"))
            assert auth is not None
            if auth.status == "not_available":
                continue
            kids = children(con, ind.id, month, period=period)
            for b in ind.all_breakdowns:
                groups = Counter("880" if b == "authority" else k[b] for k in kids)
                nums = Counter("880" if b == "authority" else k[b] for k in kids
                               if k["in_numerator"])
                for bv, n in groups.items():
                    r = by_key[(ind.id, period, b, bv)]
                    if ind.unit == "pct":
                        assert (r.numerator, r.denominator) == (nums[bv], n), (ind.id, b, bv)
                    elif ind.unit == "mean":
                        assert r.denominator == n
                    else:
                        assert r.numerator == n, (ind.id, period, b, bv)
                listed = {(ind.id, period, b, bv) for bv in groups}
                # A rate's denominator is the population, not children: a rate of 0 per
                # 10,000 is a figure with nobody behind it.
                shown = {k for k in by_key if k[:3] == (ind.id, period, b)
                         and by_key[k].status == "ok" and (
                             by_key[k].numerator
                             or (by_key[k].denominator and ind.unit != "rate"))}
                assert shown <= listed, (ind.id, period, b)


# One example of 60 children, not two of 25: a drill-down costs the same whatever the
# number of children (compiling its query is most of it), so this checks more records
# at half the cost.
@settings(max_examples=1, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(seed=st.integers(0, 10_000), month=st.sampled_from(["2024-03", "2024-04", "2025-02"]))
def test_property_figures_match_drilldown(seed: int, month: str) -> None:
    con = warehouse(random_dataset(seed, n_children=60))
    _check_invariants(con, month)


@settings(max_examples=1, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(seed=st.integers(0, 10_000))
def test_property_drilling_several_months_at_once_equals_one_at_a_time(seed: int) -> None:
    """Reports drill the last three months of an indicator in one query; each month's
    rows must be exactly that month's own drill-down (flow windows overlap; snapshots
    are per window end). Three indicators of each kind, every period."""
    con = warehouse(random_dataset(seed, n_children=25))
    months = ["2024-02", "2024-03", "2024-04"]
    kinds: dict[str, list[str]] = {}
    for ind in INDICATORS:
        kinds.setdefault(ind.kind, []).append(ind.id)
    assert set(kinds) == {"flow", "snapshot", "window", "rolling_36m"}
    for ind in (get(i) for ids in kinds.values() for i in ids[:3]):
        for period in ind.all_periods:
            together = children_by_month(con, ind.id, months, period=period)
            assert [f"{m:%Y-%m}" for m in together] == months
            for m, listed in together.items():
                assert listed == children(con, ind.id, m, period=period), (ind.id, period, m)


def test_benchmark_torbay() -> None:
    b = benchmark("icpc_15wd_pct", "880")
    assert b["lait"] == "CP_conf_15days" and b["la_name"] == "Torbay"
    assert b["period"] == "2025" and b["year_ending"] == "2025-03-31"
    assert b["authority"] == 91.8 and b["england"] == 81.4
    assert b["region"] == "South West" and b["region_value"] == 84.4
    assert b["neighbours_count"] + b["neighbours_excluded"] == 10


def test_benchmark_suppressed_and_missing() -> None:
    # Barnet's 2024 social worker stability value is published as '-'
    b = benchmark("sw_changes_3plus_pct", "302")
    assert b["authority"] is None and b["authority_published"] == "-"
    assert b["region"] == "London (Outer)" and b["region_value"] is not None
    assert b["neighbours_count"] + b["neighbours_excluded"] == 10
    # local indicators have no DfE measure
    assert benchmark("assessment_mean_wd", "880")["available"] is False
    assert parse_value("x") is None and parse_value("c") is None and parse_value("") is None
    assert parse_value("7.0000000000000007E-2") == pytest.approx(0.07)
    assert period_end_year("2024-25") == 2025 and period_end_year("2025") == 2025
    assert period_end_year("0") is None


def test_an_indicator_without_data_gives_no_rows_for_other_breakdowns() -> None:
    """Its not_available row is the authority's: asked only for breakdowns, it gives
    none (the assurance store asks for characteristics apart from the authority, and a
    second authority row made its stored months unreadable)."""
    con = warehouse({})
    only = compute(con, ["2024-02"], breakdowns=("age_band", "sex"), la_code="880",
                   kpis=["foster_households", "cla_open"])
    assert only == []
    rows = compute(con, ["2024-02"], breakdowns=("authority", "age_band"), la_code="880",
                   kpis=["foster_households"])
    assert [(r.breakdown, r.period, r.status) for r in rows] == [
        ("authority", "snapshot", "not_available")]
