"""The indicator catalogue: every declaration, in KPIS.md order."""

from __future__ import annotations

from lantern.measures import (
    adoption,
    care_leavers,
    cared_for,
    child_protection,
    children_in_need,
    front_door,
    local_services,
    themes,
    workforce,
)
from lantern.measures.core import Indicator

INDICATORS: tuple[Indicator, ...] = (
    *front_door.INDICATORS,
    *child_protection.INDICATORS,
    *children_in_need.INDICATORS,
    *cared_for.INDICATORS,
    *care_leavers.INDICATORS,
    *adoption.INDICATORS,
    *workforce.INDICATORS,
    *themes.INDICATORS,
    *local_services.INDICATORS,
)

_BY_ID = {i.id: i for i in INDICATORS}
if len(_BY_ID) != len(INDICATORS):  # pragma: no cover - guards copy/paste mistakes
    raise RuntimeError("duplicate indicator id in the catalogue")


def get(kpi_id: str) -> Indicator:
    try:
        return _BY_ID[kpi_id]
    except KeyError:
        raise KeyError(f"unknown indicator {kpi_id!r}") from None


def ids() -> list[str]:
    return [i.id for i in INDICATORS]


HOW_TO_ADD = """## How to add an indicator

1. Pick the service-area module (`front_door.py`, `child_protection.py`,
   `children_in_need.py`, `cared_for.py`, `care_leavers.py`, `adoption.py`,
   `workforce.py`, `themes.py`, `local_services.py` for the local tables) and copy a
   neighbour of the same kind (`flow`, `snapshot`, `window`, `rolling_36m`) and subject
   (`child`, or `worker`, `team`, `household`, `referral`, `arrangement`,
   `presentation`: `subjects.py`).
2. Write `rows(ctx, params)`: an Ibis expression (no SQL strings) returning one row per
   denominator member through `standard()` / `snapshot_rows()` / `window_rows()` — child,
   event, the date that windows it, `in_numerator`, a one-line `reason` and the two
   dates that decided it. Snapshots cross-join `ctx.months` (all month ends at once);
   count working days with `wd_between` / `add_wd` (calendar join); add months with
   `add_months` (clamped like `relativedelta`).
   Read derived facts (who is allocated, looked after, on a plan, in need, of school
   age; periods of care; caseloads) from `lantern.facts` with `on=ctx.months,
   as_of="month_end"` — never re-derive them.
3. Declare the `Indicator` right below its rows function (id, title, the KPIS.md
   sentence as `definition`, kind, polarity, unit, DfE `lait` name, required `tables`,
   and every window or limit as a named `params` entry, never a literal in the rows
   function), and list it in the module's `INDICATORS` (KPIS.md order). The engine,
   drill-down, breakdowns and this page pick it up. Rows that are not children give
   `subject_id` and `child_id=None` (the child, where the row is about one); figures
   over FTE are `weighted` (rows' `weight`, `numerator_weight`); say what is missing
   without a local table in `missing` ("no establishment loaded").
4. Add at least three hand-worked cases to `tests/test_measures_<area>.py`, each with a
   comment saying why, including the exact boundaries.
5. Regenerate this page: `make docs`.
"""

PERIOD_TEXT = {
    "flow": "in_month, rolling_12m (headline), fytd",
    "window": "in_month, rolling_12m (headline), fytd — counted per window",
    "snapshot": "snapshot at month end",
    "rolling_36m": "rolling_36m (36 months to month end)",
}


def render_catalogue_markdown() -> str:
    """docs/indicators.md, generated from the declarations."""
    out = [
        "# Indicators",
        "",
        "Generated from `src/lantern/measures` by `render_catalogue_markdown()`; do not",
        "edit by hand. Definitions are those of the indicator catalogue (`KPIS.md`); each",
        "figure can be listed child by child (`lantern children KPI_ID --month M`).",
        "",
        "Values: `_pct` a percentage 0–100, `_days` / `_wd` a mean (numerator = total,",
        "denominator = rows), `_per_10k` a rate on the 0–17 population (numerator = count,",
        "denominator = population), otherwise a count (denominator empty). A denominator of",
        "0 gives status `no_denominator`; missing source tables give `not_available`.",
        "Breakdowns: authority, service, team, worker (allocated `SW` involvement open at",
        "the event date or month end, else `unallocated`), age_band, sex, ethnicity,",
        "disability; rates are reported for the authority only.",
        "",
    ]
    area = None
    for i in INDICATORS:
        if i.area != area:
            area = i.area
            out += [f"## {area}", ""]
        periods = PERIOD_TEXT[i.kind]
        if i.periods is not None:
            periods = ", ".join(i.periods)
        out += [f"### `{i.id}` — {i.title}", "", i.definition, ""]
        out.append(f"- kind: {i.kind}; periods: {periods}")
        out.append(f"- unit: {i.unit}; polarity: {i.polarity}"
                   + ("; local standard" if i.local else ""))
        if i.lait:
            out.append(f"- DfE benchmark (LAIT): `{i.lait}`")
        if i.subject != "child":
            out.append(f"- rows: {i.subject_info.plural}"
                       + ("; weighted by FTE" if i.weighted else "")
                       + "; breakdowns: " + ", ".join(i.all_breakdowns))
        out.append("- tables: " + ", ".join(f"`{t}`" for t in i.tables))
        if i.params:
            out.append("- parameters: " + ", ".join(f"`{k}` = {v}" for k, v in
                                                     i.params.items()))
        if i.note:
            out.append(f"- note: {i.note}")
        out.append("")
    out.append(HOW_TO_ADD)
    return "\n".join(out)
