"""Names and labels for the pages, read once per copy of the warehouse
(`casework.labels` holds the rules; this module only caches them)."""

from __future__ import annotations

from typing import Any

from lantern.casework.labels import Names, names, value_label, value_order
from lantern.measures.subjects import RECORD_BREAKDOWNS
from lantern.web import services as sv
from lantern.web.cache import RESULTS


def all_names(wh: sv.Wh) -> Names:
    return RESULTS.get(wh.key("names"), lambda: names(wh.con))


def service_names(wh: sv.Wh) -> dict[str, str]:
    n = all_names(wh)
    return {s: n.service(s) for s in {*n.services, *sv.team_services(wh).values()} if s}


def label_of(wh: sv.Wh, breakdown: str, value: str | None) -> str:
    return value_label(all_names(wh), breakdown, value)


def labelled(wh: sv.Wh, breakdown: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Breakdown rows with ``label`` (the value by name), in reading order: age bands
    by age, named groups alphabetically, groups the engine could not place last."""
    n = all_names(wh)
    out = [{**r, "label": value_label(n, breakdown, r.get("breakdown_value"))} for r in rows]
    if breakdown == "age_band":
        return sorted(out, key=lambda r: value_order(breakdown, r.get("breakdown_value")))
    return sorted(out, key=lambda r: (value_order(breakdown, r.get("breakdown_value"))[0],
                                      str(r["label"]).lower()))


#: Columns added to a download of the children behind a figure: each code by its label.
NAMED_COLUMNS = (("service", "service_name"), ("team", "team_name"), ("worker", "worker_name"),
                 ("age_band", "age_band_label"), ("sex", "sex_label"),
                 ("disability", "disability_label"),
                 *((b, f"{b}_label") for b in RECORD_BREAKDOWNS))


def named_children(wh: sv.Wh, rows: list[dict[str, Any]], columns: tuple[str, ...]
                   ) -> tuple[list[str], list[dict[str, Any]]]:
    """The drill-down rows with a label beside each coded column (team T004 ->
    "Safeguarding Team 1", sex F -> "Female"), and the columns to write."""
    n = all_names(wh)
    extra = [(code, named) for code, named in NAMED_COLUMNS if code in columns]
    out = [{**r, **{named: value_label(n, code, None if r.get(code) is None else
                                       str(r.get(code))) for code, named in extra}}
           for r in rows]
    return [*columns, *(named for _, named in extra)], out
