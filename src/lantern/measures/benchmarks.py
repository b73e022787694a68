"""DfE published benchmarks (LAIT) for the indicators that carry a ``lait`` name.

Like is compared with like: percentages and rates per 10,000 against England, the
authority's region and the mean of its statistical neighbours; a count (referrals,
children looked after) never against England's count but as a rate per 10,000 children,
with DfE's published rate for the same children (`RATE_OF_COUNT`) and the authority's
own count turned into a rate with its 0-17 population (`compared_value`). Counts DfE
publishes no rate for (adoptions) are not compared. Every comparison names its year
(year ending 31 March, published by DfE that autumn), the region and the neighbours,
and carries the last five published years.

Data: ``measures/data``, and the authorities' names and regions from ``model/data`` (DfE, Open
Government Licence v3.0; see the READMEs).
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections import defaultdict
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from lantern.measures.catalogue import get
from lantern.model.authorities import local_authorities

SUPPRESSED = {"", "x", "c", "-", "z", "..", ":", "u", "low", "k"}
ENGLAND = "970"
TREND_YEARS = 5
PER = 10_000

#: DfE's count measures and the rate per 10,000 children it publishes for the same
#: children: a count indicator is compared only through the rate.
RATE_OF_COUNT: dict[str, str] = {
    "CPP_Total_NumRef": "CPP_Total_Rateper10,000",  # referrals in the year
    "CPP_Num": "CPP_rate",  # children on a CP plan at 31 March
    "CPP_Abuse": "CPP_Abuse_Rate",  # CP plans starting in the year
    "LACnum": "LAC",  # children looked after at 31 March
    "LACnum_Start": "LAC_Start_Rate",  # children starting to be looked after
    "LACceased": "LAC_Cease_Rate",  # children ceasing to be looked after
}


def _text(name: str) -> str:
    f = resources.files("lantern.measures").joinpath("data", name)
    raw = f.read_bytes()
    if name.endswith(".gz"):
        raw = gzip.decompress(raw)
    return raw.decode("utf-8-sig")


def parse_value(v: str | None) -> float | None:
    """A published value as a number; None when suppressed or missing."""
    if v is None or v.strip().lower() in SUPPRESSED:
        return None
    try:
        return float(v)
    except ValueError:
        return None


def period_end_year(period: str) -> int | None:
    """'2025' (year ending 31 March 2025) -> 2025; '2024-25' -> 2025; others None."""
    if re.fullmatch(r"\d{4}", period):
        return int(period) if period != "0" else None
    m = re.match(r"(\d{4})-\d{2}", period)
    return int(m.group(1)) + 1 if m else None


@cache
def _values() -> dict[str, dict[str, dict[str, str]]]:
    """measure -> period -> la_number -> raw value."""
    out: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for r in csv.DictReader(io.StringIO(_text("lait_csc_values.csv.gz"))):
        out[r["measure_short"]][r["period"]][r["la_number"]] = r["value"]
    return out


@cache
def _region_codes() -> dict[str, tuple[str, str]]:
    """Normalised region name -> (region la_number, published name)."""
    out: dict[str, tuple[str, str]] = {}
    for r in csv.DictReader(io.StringIO(_text("lait_csc_values.csv.gz"))):
        if r["region"] == "NA" and r["la_number"] != ENGLAND:
            out[_norm(r["area"])] = (r["la_number"], r["area"])
    return out


def _norm(region: str) -> str:
    s = region.lower().strip()
    m = re.fullmatch(r"(inner|outer) london", s)
    if m:
        s = f"london ({m.group(1)})"
    return s


@cache
def _neighbours() -> dict[str, list[str]]:
    out: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for r in csv.DictReader(io.StringIO(_text("statistical_neighbours_2025.csv"))):
        out[r["la_number"]].append((int(r["rank"]), r["neighbour_la_number"]))
    return {k: [n for _, n in sorted(v)] for k, v in out.items()}


@cache
def _dictionary() -> dict[str, dict[str, str]]:
    return {r["measure_short"]: r for r in csv.DictReader(io.StringIO(_text(
        "lait_csc_dictionary.csv")))}


def compared_value(kpi_id: str, value: float | None, population: int | None) -> float | None:
    """The authority's figure as it is compared with DfE's: a count as a rate per
    10,000 children aged 0-17 (None without a population), anything else as it is."""
    if value is None or get(kpi_id).unit != "count":
        return value
    return value / population * PER if population else None


def _measure_of(kpi_id: str) -> tuple[str | None, str, str | None]:
    """(LAIT measure compared, how: 'value' or 'rate_per_10k', why not compared)."""
    ind = get(kpi_id)
    if not ind.lait:
        return None, "value", "DfE publishes no comparable measure"
    if ind.unit != "count":
        return ind.lait, "value", None
    rate = RATE_OF_COUNT.get(ind.lait)
    if rate is None:
        return None, "rate_per_10k", ("DfE publishes only the number, and a number is "
                                      "compared only as a rate per 10,000 children")
    return rate, "rate_per_10k", None


def _years(by_period: dict[str, dict[str, str]]) -> list[tuple[int, str]]:
    """(year ending 31 March, period) with England published, newest first."""
    return sorted(((y, p) for p in by_period
                   if (y := period_end_year(p)) and parse_value(by_period[p].get(ENGLAND))
                   is not None), reverse=True)


#: Measures whose published year ends on another day than 31 March: the children's
#: social work workforce census counts at 30 September ("year ending 30 September").
YEAR_END_DAY = {"Work_Force_": "09-30"}


def year_end_day(measure: str) -> str:
    """'MM-DD' of the day the measure's published year ends."""
    return next((day for prefix, day in YEAR_END_DAY.items() if measure.startswith(prefix)),
                "03-31")


def _year(vals: dict[str, str], la_code: str, region_code: str | None,
          neigh: list[str], year: int, period: str, end_day: str = "03-31") -> dict[str, Any]:
    nvals = [parse_value(vals.get(n)) for n in neigh]
    published = [v for v in nvals if v is not None]
    ends = date.fromisoformat(f"{year}-{end_day}")
    return {
        "period": period, "year_ending": f"{year}-{end_day}", "published": year,
        "ends": f"{ends.day} {ends:%B}",  # '31 March', '30 September': for people
        "authority": parse_value(vals.get(la_code)),
        "england": parse_value(vals.get(ENGLAND)),
        "region_value": parse_value(vals.get(region_code)) if region_code else None,
        "neighbours_mean": sum(published) / len(published) if published else None,
        "neighbours_count": len(published),
        "neighbours_excluded": len(nvals) - len(published),
    }


def benchmark(kpi_id: str, la_code: str) -> dict[str, Any]:
    """The authority's published value, England, its region and the mean of its 10
    statistical neighbours for the latest year England is published for the
    indicator's measure (for a count, DfE's rate per 10,000 of the same children), with
    the five latest years as a trend. ``la_code`` is the DfE authority number (Torbay =
    '880'). Suppressed values (x, c, -, blank) are left out and counted."""
    ind = get(kpi_id)
    la = local_authorities().get(str(la_code))
    if la is None:
        raise KeyError(f"unknown local authority number {la_code!r}")
    measure, compared_as, why_not = _measure_of(kpi_id)
    out: dict[str, Any] = {"kpi_id": kpi_id, "lait": measure, "la_code": str(la_code),
                           "la_name": la["la_name"], "compared_as": compared_as,
                           "unit": "rate" if compared_as == "rate_per_10k" else ind.unit}
    if measure is None:
        return {**out, "available": False, "reason": why_not}
    by_period = _values().get(measure)
    if not by_period:
        return {**out, "available": False, "reason": f"no published values for {measure}"}
    years = _years(by_period)
    if not years:
        return {**out, "available": False, "reason": "England value not published"}
    region_code, region_name = _region_codes().get(_norm(la["region"]), (None, la["region"]))
    neigh = _neighbours().get(str(la_code), [])
    trend = [_year(by_period[p], str(la_code), region_code, neigh, y, p, year_end_day(measure))
             for y, p in years[:TREND_YEARS]]
    latest = trend[0]
    d = _dictionary().get(measure, {})
    names = local_authorities()
    return {
        **out, **latest,
        "available": True,
        "measure": d.get("measure", ""),
        "polarity": d.get("polarity", ""),
        "authority_published": by_period[latest["period"]].get(str(la_code)),
        "region": region_name,
        "neighbours": [{"la_code": n, "la_name": names.get(n, {}).get("la_name", n),
                        "value": parse_value(by_period[latest["period"]].get(n))}
                       for n in neigh],
        "trend": trend[::-1],  # oldest first, as a chart reads
    }


#: The keys `comparators` adds beside a figure (the `lantern kpis` JSON's authority rows).
COMPARATOR_KEYS = ("england", "statistical_neighbours", "benchmark_year_ending")


def comparators(kpi_id: str, la_code: str) -> dict[str, Any] | None:
    """England's value and the mean of the statistical neighbours for the latest
    published year, with the day that year ends (the workforce census: 30 September) —
    only where DfE publishes the indicator's own measure in the figure's own unit; a
    count, which DfE compares as a rate per 10,000 children, gets none beside it."""
    try:
        b = benchmark(kpi_id, la_code)
    except KeyError:  # an authority number DfE does not know
        return None
    if not b.get("available") or b.get("compared_as") != "value":
        return None
    mean = b["neighbours_mean"]
    return {"england": b["england"],
            "statistical_neighbours": None if mean is None else round(mean, 2),
            "benchmark_year_ending": b["year_ending"]}
