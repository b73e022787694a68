"""The theme pages: every theme (`/themes`) and one theme's indicators (`/themes/{key}`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from starlette.responses import Response

from lantern.assurance.themes import theme as theme_of
from lantern.web import services as sv
from lantern.web import themes as tv
from lantern.web.deps import ViewerDep, WhDep
from lantern.web.routes._common import render

router = APIRouter(include_in_schema=False)
Month = Annotated[str | None, Query(max_length=20)]


@router.get("/themes", name="themes")
def themes(request: Request, viewer: ViewerDep, wh: WhDep, month: Month = None) -> Response:
    month = sv.valid_month(wh, month)
    return render(request, "themes.html", {
        "active_nav": "themes", "as_of": wh.as_of, "title": "Themes",
        "months": sv.months(wh), "month": month, "month_label": sv.month_label(month),
        "themes": tv.summary(wh, month, viewer.principal), "suppressed": viewer.suppressed})


@router.get("/themes/{key}", name="theme")
def theme(request: Request, key: str, viewer: ViewerDep, wh: WhDep,
          month: Month = None) -> Response:
    try:
        t = theme_of(key)
    except KeyError:
        raise HTTPException(404, "No such theme.") from None
    month = sv.valid_month(wh, month)
    p = viewer.principal
    return render(request, "theme.html", {
        "active_nav": "themes", "as_of": wh.as_of, "title": t.title, "theme": t,
        "months": sv.months(wh), "month": month, "month_label": sv.month_label(month),
        "items": tv.indicators(wh, t, month, p), "labels": sv.BREAKDOWN_LABELS,
        "suppressed": viewer.suppressed, "can_drill": not p.aggregate_only,
        "workforce": tv.workforce(wh, t, month, p) if t.key == tv.WORKFORCE else None})
