"""DfE benchmarks compare like with like: rates and percentages only, counts as rates per
10,000, with the year, the region, the neighbours and a five-year trend."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

from lantern.cli import app as cli_app
from lantern.measures.benchmarks import benchmark, compared_value
from tests.web_support import TEAM, WebHome, client_for, make_app, web_home

# Published by DfE for England (LAIT, years ending 31 March 2021-2025).
ENGLAND_REFERRAL_RATE = [507.1, 552.8, 538.1, 515.7, 519.4]
ENGLAND_REFERRALS_2025 = 632_830


def test_a_count_is_compared_as_a_rate_per_10000() -> None:
    b = benchmark("referrals", "880")
    assert b["compared_as"] == "rate_per_10k" and b["unit"] == "rate"
    assert b["lait"] == "CPP_Total_Rateper10,000"
    assert b["england"] == 519.4 and b["authority"] == 712.6  # not 632,830 and 1,768
    # Torbay's 3,114 referrals in a year among 25,000 children: 1,245.6 per 10,000.
    assert compared_value("referrals", 3114, 25_000) == pytest.approx(1245.6)
    assert compared_value("referrals", 3114, None) is None
    assert compared_value("icpc_15wd_pct", 71.3, 25_000) == 71.3  # a % stays a %
    assert benchmark("cla_open", "880")["lait"] == "LAC"
    assert benchmark("cp_plans_open", "880")["england"] == 40.6


def test_a_count_without_a_published_rate_is_not_compared() -> None:
    b = benchmark("adoptions", "880")
    assert b["available"] is False and "rate per 10,000" in b["reason"]


def test_year_region_neighbours_and_five_year_trend() -> None:
    b = benchmark("referrals", "880")
    assert b["published"] == 2025 and b["year_ending"] == "2025-03-31"
    assert b["region"] == "South West" and b["region_value"] == 466.4
    assert [n["la_name"] for n in b["neighbours"]][:3] == ["Tameside", "Sunderland",
                                                           "Plymouth"]
    assert len(b["neighbours"]) == 10
    assert [y["published"] for y in b["trend"]] == [2021, 2022, 2023, 2024, 2025]
    assert [y["england"] for y in b["trend"]] == ENGLAND_REFERRAL_RATE
    assert b["trend"][-1]["neighbours_mean"] == b["neighbours_mean"]


def test_cli_shows_the_same() -> None:
    got = CliRunner().invoke(cli_app, ["benchmarks", "referrals", "--la", "880"],
                             env={"COLUMNS": "200"})
    assert got.exit_code == 0, got.output
    out = got.output
    for text in ("year ending 31 March 2025", "rates per 10,000", "South West", "Tameside",
                 "Telford and Wrekin", "507.1", "519.4"):
        assert text in out, text
    assert f"{ENGLAND_REFERRALS_2025:,}" not in out and str(ENGLAND_REFERRALS_2025) not in out


def test_the_workforce_census_year_ends_on_30_september() -> None:
    """The children's social work workforce census counts at 30 September: its year is
    never called one ending 31 March (as the JSON's `benchmark_year_ending` says too)."""
    b = benchmark("sw_agency_pct", "880")
    assert (b["ends"], b["year_ending"]) == ("30 September", f"{b['published']}-09-30")
    got = CliRunner().invoke(cli_app, ["benchmarks", "sw_agency_pct", "--la", "880"],
                             env={"COLUMNS": "200"})
    assert got.exit_code == 0, got.output
    assert f"year ending 30 September {b['published']}" in got.output
    assert "31 March" not in got.output


@pytest.fixture(scope="module")
def web() -> FastAPI:
    wh: WebHome = web_home()
    return make_app(wh)


def test_pages_compare_like_with_like(web: FastAPI) -> None:
    c = client_for(web, "head_of_service")
    rows = {r["kpi_id"]: r for s in c.get("/api/scorecard").json()["sections"]
            for r in s["rows"]}
    assert rows["referrals"]["england"] == 519.4 and rows["referrals"]["benchmark_unit"] == "rate"
    assert rows["referrals"]["compared"] is not None
    team = {r["kpi_id"]: r for s in c.get(f"/api/scorecard?breakdown=team&value={TEAM}")
            .json()["sections"] for r in s["rows"]}
    assert all(r["england"] is None and r["stat_neighbours"] is None for r in team.values())
    page = c.get("/indicators/referrals").text
    for text in ("year ending 31 March 2025", "South West", "Tameside", "Five-year trend",
                 "per 10,000"):
        assert text in page, text
    assert "632,830" not in page
    api = c.get("/api/indicators/icpc_15wd_pct").json()["benchmark"]
    assert api["region"] == "South West" and len(api["trend"]) == 5
