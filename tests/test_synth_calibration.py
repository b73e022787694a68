"""The default scenario reproduces the Torbay figures and the 2023-24 story.

Counts are computed here directly from the Arrow tables with the KPIS.md definitions
("open on a date" = started on or before and not ended before it).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from functools import cache
from typing import Any

import pyarrow as pa
import pytest

from lantern.calendar import month_end, wd
from lantern.synth import load_scenario, simulate


@cache
def default_run() -> dict[str, pa.Table]:
    return simulate(load_scenario("torbay"), seed=42, start=date(2014, 12, 1),
                    end=date(2024, 11, 30))


def rows(data: dict[str, pa.Table], name: str) -> list[dict[str, Any]]:
    return data[name].to_pylist()


def is_open(start: date | None, end: date | None, on: date) -> bool:
    return start is not None and start <= on and (end is None or end >= on)


def month_ends(first: date, last: date) -> list[date]:
    out, d = [], first
    while d <= last:
        out.append(month_end(d.year, d.month))
        d = out[-1] + timedelta(days=1)
    return out


def cp_open(data: dict[str, pa.Table], on: date) -> int:
    return len({r["cppl_person_id"] for r in rows(data, "ssd_cp_plans")
                if is_open(r["cppl_cp_plan_start_date"], r["cppl_cp_plan_end_date"], on)})


def cla_open(data: dict[str, pa.Table], on: date) -> int:
    return len({r["clae_person_id"] for r in rows(data, "ssd_cla_episodes")
                if r["clae_legal_status"] not in ("V3", "V4")
                and is_open(r["clae_cla_episode_start_date"], r["clae_cla_episode_ceased_date"],
                            on)})


def referrals_by_fy(data: dict[str, pa.Table]) -> Counter[int]:
    """Referrals per financial year, keyed by the year the FY ends (2024 = 2023-24)."""
    return Counter(fy(r["cine_referral_date"]) for r in rows(data, "ssd_cin_episodes"))


def adoptions_by_fy(data: dict[str, pa.Table]) -> Counter[int]:
    return Counter(fy(r["clae_cla_episode_ceased_date"]) for r in rows(data, "ssd_cla_episodes")
                   if r["clae_cla_episode_ceased_reason"] in ("E11", "E12"))


def fy(d: date) -> int:
    return d.year + 1 if d.month >= 4 else d.year


def icpc_15wd_pct(data: dict[str, pa.Table], first: date, last: date) -> float:
    s47 = {r["s47e_s47_enquiry_id"]: r["s47e_s47_start_date"]
           for r in rows(data, "ssd_s47_enquiry")}
    held = [(s47[r["icpc_s47_enquiry_id"]], r["icpc_icpc_date"])
            for r in rows(data, "ssd_initial_cp_conference")
            if first <= r["icpc_icpc_date"] <= last]
    return sum(wd(a, b) <= 15 for a, b in held) / len(held)


def cp_visits_10wd_pct(data: dict[str, pa.Table], on: date) -> float:
    seen: dict[str, list[date]] = {}
    for v in rows(data, "ssd_cp_visits"):
        if v["cppv_cp_visit_seen"] == "Y":
            seen.setdefault(v["cppv_cp_plan_id"], []).append(v["cppv_cp_visit_date"])
    plans = [p for p in rows(data, "ssd_cp_plans")
             if is_open(p["cppl_cp_plan_start_date"], p["cppl_cp_plan_end_date"], on)
             and wd(p["cppl_cp_plan_start_date"], on) > 10]
    ok = 0
    for p in plans:
        latest = max((d for d in seen.get(p["cppl_cp_plan_id"], []) if d <= on), default=None)
        ok += latest is not None and wd(latest, on) <= 10
    return ok / len(plans)


def test_cp_plans_stay_in_range() -> None:
    data = default_run()
    counts = [cp_open(data, me) for me in month_ends(date(2014, 12, 1), date(2024, 11, 30))]
    assert min(counts) >= 145 and max(counts) <= 255, (min(counts), max(counts))


def test_looked_after_stay_in_range() -> None:
    data = default_run()
    counts = [cla_open(data, me) for me in month_ends(date(2014, 12, 1), date(2024, 11, 30))]
    assert min(counts) >= 230 and max(counts) <= 350, (min(counts), max(counts))


def test_referrals_per_year() -> None:
    by_fy = referrals_by_fy(default_run())
    for year in range(2016, 2025):
        assert 2600 <= by_fy[year] <= 3400, (year, by_fy[year])


def test_adoptions_per_year() -> None:
    by_fy = adoptions_by_fy(default_run())
    for year in range(2016, 2025):
        assert 10 <= by_fy[year] <= 25, (year, by_fy[year])


def test_cp_surge_and_recovery() -> None:
    data = default_run()
    mid_2023 = cp_open(data, date(2023, 6, 30))
    for me in (date(2024, 1, 31), date(2024, 2, 29)):
        assert cp_open(data, me) > 200 and cp_open(data, me) > mid_2023
    assert 140 <= cp_open(data, date(2024, 11, 30)) <= 180


def test_timeliness_declines_in_the_story() -> None:
    data = default_run()
    icpc_2022 = icpc_15wd_pct(data, date(2022, 1, 1), date(2022, 12, 31))
    icpc_oct = icpc_15wd_pct(data, date(2023, 10, 1), date(2023, 10, 31))
    assert icpc_oct < icpc_2022 - 0.1, (icpc_2022, icpc_oct)
    visits_2022 = sum(cp_visits_10wd_pct(data, month_end(2022, m)) for m in range(1, 13)) / 12
    visits_oct = cp_visits_10wd_pct(data, date(2023, 10, 31))
    assert visits_oct < visits_2022 - 0.1, (visits_2022, visits_oct)


@pytest.mark.parametrize("month", [11])
def test_timeliness_recovers(month: int) -> None:
    data = default_run()
    assert icpc_15wd_pct(data, date(2024, 7, 1), date(2024, month, 30)) > 0.75
    assert cp_visits_10wd_pct(data, month_end(2024, month)) > 0.8
