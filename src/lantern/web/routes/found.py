"""What a route names, found in the viewer's scope or answered with 404: shared by the
pages and the API, so both refuse the same things in the same words."""

from __future__ import annotations

from fastapi import HTTPException
from sqlalchemy import Engine

from lantern import casework
from lantern.measures.catalogue import Indicator, from_app_db, get, ids
from lantern.web import services as sv
from lantern.web.deps import Viewer


def kpi_or_404(kpi_id: str) -> Indicator:
    if kpi_id not in ids() and not from_app_db(kpi_id):
        raise HTTPException(404, f"No indicator {kpi_id!r}.")
    return get(kpi_id)


def drill_columns(kpi_id: str) -> tuple[str, ...]:
    """A drill-down's columns: the audits' for a quality-assurance indicator, else the
    children's."""
    from lantern.measures.drill import columns
    from lantern.quality.kpis import AUDIT_COLUMNS

    return AUDIT_COLUMNS if from_app_db(kpi_id) else columns(kpi_id)


def team_or_404(wh: sv.Wh, viewer: Viewer, team_id: str) -> casework.Team:
    team = casework.team(wh.con, team_id)
    if team is None or not sv.team_visible(wh, viewer.principal, team_id):
        raise HTTPException(404, "No such team in your scope.")
    return team


def child_or_404(wh: sv.Wh, viewer: Viewer, child_id: str) -> casework.ChildRecord:
    """The child, if they exist and are in the viewer's scope; otherwise 404 (the same
    answer either way, so scope does not reveal who exists)."""
    if not sv.child_visible(wh, viewer.principal, child_id):
        raise HTTPException(404, "No such child in your scope.")
    record = sv.child_record(wh, child_id)
    if record is None:
        raise HTTPException(404, "No such child in your scope.")
    return record


def children_behind(wh: sv.Wh, viewer: Viewer, kpi_id: str, month: str | None, by: str,
                    value: str | None, engine: Engine
                    ) -> tuple[str, list[dict[str, object]]]:
    """(the month shown, the children behind the figure in the viewer's scope; for a
    quality-assurance indicator, the audits behind it, from the app database on
    ``engine``)."""
    kpi_or_404(kpi_id)
    if by not in sv.BREAKDOWN_LABELS:
        raise HTTPException(422, f"Unknown breakdown {by!r}.")
    month = sv.valid_month(wh, month)
    if from_app_db(kpi_id):  # the case audits behind the figure, in the viewer's scope
        return month, sv.indicator_audits(wh, engine, kpi_id, month, viewer.principal,
                                          breakdown=by, value=value)
    return month, sv.indicator_children(wh, kpi_id, month, viewer.principal, breakdown=by,
                                        value=value)
