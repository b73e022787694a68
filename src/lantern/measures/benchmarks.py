"""DfE published benchmarks (LAIT) for the indicators that carry a ``lait`` name.

Data: ``measures/data`` (DfE, Open Government Licence v3.0; see its README).
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections import defaultdict
from functools import cache
from importlib import resources
from typing import Any

from lantern.measures.catalogue import get

SUPPRESSED = {"", "x", "c", "-", "z", "..", ":", "u", "low", "k"}
ENGLAND = "970"


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
def _authorities() -> dict[str, dict[str, str]]:
    return {r["la_number"]: r for r in csv.DictReader(io.StringIO(_text(
        "local_authorities.csv")))}


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


def benchmark(kpi_id: str, la_code: str) -> dict[str, Any]:
    """The authority's published value, England, its region and the mean of its 10
    statistical neighbours for the latest year England is published for the
    indicator's ``lait`` measure. ``la_code`` is the DfE authority number (Torbay =
    '880'). Suppressed values (x, c, -, blank) are left out and counted."""
    ind = get(kpi_id)
    la = _authorities().get(str(la_code))
    if la is None:
        raise KeyError(f"unknown local authority number {la_code!r}")
    out: dict[str, Any] = {"kpi_id": kpi_id, "lait": ind.lait, "la_code": str(la_code),
                           "la_name": la["la_name"]}
    if not ind.lait:
        return {**out, "available": False, "reason": "DfE publishes no comparable measure"}
    by_period = _values().get(ind.lait)
    if not by_period:
        return {**out, "available": False, "reason": f"no published values for {ind.lait}"}
    years = sorted(((period_end_year(p), p) for p in by_period
                    if period_end_year(p) and parse_value(by_period[p].get(ENGLAND)) is not None),
                   reverse=True)
    if not years:
        return {**out, "available": False, "reason": "England value not published"}
    year, period = years[0]
    vals = by_period[period]
    region_code, region_name = _region_codes().get(_norm(la["region"]), (None, la["region"]))
    neigh = _neighbours().get(str(la_code), [])
    nvals = [parse_value(vals.get(n)) for n in neigh]
    published = [v for v in nvals if v is not None]
    d = _dictionary().get(ind.lait, {})
    return {
        **out,
        "available": True,
        "measure": d.get("measure", ""),
        "polarity": d.get("polarity", ""),
        "period": period,
        "year_ending": f"{year}-03-31",
        "authority": parse_value(vals.get(str(la_code))),
        "authority_published": vals.get(str(la_code)),
        "england": parse_value(vals.get(ENGLAND)),
        "region": region_name,
        "region_value": parse_value(vals.get(region_code)) if region_code else None,
        "neighbours_mean": sum(published) / len(published) if published else None,
        "neighbours_count": len(published),
        "neighbours_excluded": len(nvals) - len(published),
        "neighbours": neigh,
    }
