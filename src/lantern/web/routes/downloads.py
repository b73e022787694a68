"""Downloads: the scorecard, an indicator's breakdowns and the children behind it as CSV
or Excel (the monthly reports are `routes.reports`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import Response

from lantern.casework.labels import PERIOD_TEXT
from lantern.measures.catalogue import get
from lantern.measures.drill import child_ids
from lantern.web import exports, labels
from lantern.web import services as sv
from lantern.web.deps import ViewerDep, WhDep, log_child_access
from lantern.web.routes import pages
from lantern.web.routes.found import children_behind, kpi_or_404

router = APIRouter(include_in_schema=False)


@router.get("/scorecard/export.{fmt}", name="scorecard_export")
def scorecard_export(request: Request, fmt: str, viewer: ViewerDep, wh: WhDep,
                     month: pages.Month = None, view: str | None = None) -> Response:
    """The scorecard as the page shows it (the same view; suppressed for board roles)."""
    exports.check_format(fmt)
    month = sv.valid_month(wh, month)
    views = dict(pages._views(wh))
    if view is None:
        b, v = sv.default_breakdown(viewer.principal)
        view = "authority" if v is None else f"{b}:{v}"
    if view not in views:
        raise HTTPException(422, "Choose a view from the scorecard's list.")
    breakdown, _, value = view.partition(":")
    sections = sv.scorecard(wh, month, viewer.principal, breakdown, value or None)
    columns, headers, rows = exports.scorecard_table(sections)
    for r in rows:
        r["period"] = PERIOD_TEXT.get(r["period"], r["period"])
    slug = view.replace(":", "-")
    return exports.table_response(fmt, f"scorecard-{month}-{slug}", columns, rows, headers,
                                  f"Scorecard {month}")


BREAKDOWN_COLUMNS = ("breakdown", "label", "breakdown_value", "period", "value", "numerator",
                     "denominator")
BREAKDOWN_HEADERS = ("Breakdown", "Group", "Code", "Period", "Value", "Numerator",
                     "Denominator")


@router.get("/indicators/{kpi_id}/breakdowns.{fmt}", name="indicator_breakdowns_export")
def indicator_breakdowns_export(request: Request, kpi_id: str, fmt: str, viewer: ViewerDep,
                                wh: WhDep, month: pages.Month = None) -> Response:
    """Every breakdown of the indicator page for the month, one row per group."""
    exports.check_format(fmt)
    kpi_or_404(kpi_id)
    month = sv.valid_month(wh, month)
    got = sv.indicator(wh, kpi_id, month, viewer.principal)
    rows: list[dict[str, Any]] = []
    for b, found in got["breakdowns"].items():
        for r in labels.labelled(wh, b, found):
            rows.append({**r, "breakdown": sv.BREAKDOWN_LABELS[b],
                         "period": PERIOD_TEXT.get(r.get("period", ""), r.get("period")),
                         "breakdown_value": "" if b == "worker" else r.get("breakdown_value")})
    return exports.table_response(fmt, f"{kpi_id}-{month}-breakdowns", BREAKDOWN_COLUMNS,
                                  rows, BREAKDOWN_HEADERS, get(kpi_id).title)


@router.get("/indicators/{kpi_id}/children.xlsx", name="indicator_children_xlsx")
def indicator_children_xlsx(request: Request, kpi_id: str, viewer: ViewerDep, wh: WhDep,
                            month: pages.Month = None, by: str = "authority",
                            value: str | None = None) -> Response:
    from lantern.measures.drill import columns as drill_columns

    month, rows = children_behind(wh, viewer, kpi_id, month, by, value)
    log_child_access(request, viewer, "export_indicator_children",
                     child_ids(rows), detail=f"{kpi_id} {month}")
    columns, named = labels.named_children(wh, rows, drill_columns(kpi_id))
    return exports.table_response("xlsx", f"{kpi_id}-{month}-children", columns, named,
                                  title=get(kpi_id).title)
