"""Request dependencies: who is asking, may they use this route, and the warehouse."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Request

from lantern.security.policy import Principal, social_worker_scope
from lantern.web import app_settings, labels
from lantern.web.access import Access, access
from lantern.web.services import NoWarehouse, Wh, open_warehouse, warm_up
from lantern.web.snapshot import Stamp, WarehouseBusy, stamp_of
from lantern.web.stores import Stores


class SignInRequired(Exception):
    """No signed-in user (or the session timed out): pages redirect, the API says 401."""

    def __init__(self, expired: bool = False) -> None:
        super().__init__("sign in required")
        self.expired = expired


@dataclass(frozen=True)
class Viewer:
    principal: Principal
    access: Access
    route: str

    @property
    def suppressed(self) -> bool:
        return self.access == "suppressed" or self.principal.aggregate_only


def stores(request: Request) -> Stores:
    return request.app.state.stores


def session_principal(request: Request) -> Principal | None:
    uid = request.state.session.get("uid")
    if uid is None:
        return None
    return stores(request).users.principal(int(uid))


def get_viewer(request: Request) -> Viewer:
    """The signed-in person, authorised for this route by the table in `web.access`."""
    route = request.scope.get("route")
    name = getattr(route, "name", "") or ""
    principal = session_principal(request)
    if principal is None:
        raise SignInRequired(expired=bool(getattr(request.state, "session_expired", False)))
    principal = social_worker_scope(principal, request.app.state.config.social_worker_scope)
    request.state.principal = principal
    decision = access(name, principal.role)
    if decision == "forbidden":
        raise HTTPException(403, "Your role does not give access to this page.")
    return Viewer(principal, decision, name)


def open_app_warehouse(app: FastAPI) -> Wh:
    """The warehouse as the app's requests read it (its data date, its targets)."""
    config, settings = app.state.config, app.state.settings
    today = date.fromisoformat(config.today) if config.today else None
    return open_warehouse(settings, today, app_settings.targets_path(
        settings, app.state.stores.engine))


def warm(app: FastAPI) -> Stamp | None:
    """Compute what the first pages need (the latest month's figures, the work lists,
    the children's records) before anyone asks. Returns the stamp of the copy of the
    warehouse warmed (None when there is none to warm)."""
    try:
        wh = open_app_warehouse(app)
    except (NoWarehouse, WarehouseBusy):
        return None
    try:
        warm_up(wh)
    except Exception:  # the first request meets the same problem and reports it
        logging.getLogger(__name__).exception("could not compute the first pages' figures")
    finally:
        wh.con.close()
    return wh.stamp


def keep_warm(app: FastAPI, stop: threading.Event, every: float = 30.0) -> None:
    """Warm now and again after every load (the warehouse file's stamp differs from the
    copy warmed), checking every ``every`` seconds until ``stop`` is set: run by `serve`
    in each server process, so the first person after a nightly load does not wait for
    the new figures either."""
    path = app.state.settings.warehouse_path
    warmed: Stamp | None = None
    while True:
        now = stamp_of(path)
        if now is not None and now != warmed:
            warmed = warm(app)
        if stop.wait(every):
            return


def get_wh(request: Request) -> Iterator[Wh]:
    try:
        wh = open_app_warehouse(request.app)
    except NoWarehouse:
        raise HTTPException(503, "No data has been loaded yet: run `lantern demo` or "
                                 "`lantern ingest` first.") from None
    except WarehouseBusy:
        raise HTTPException(503, "Data is being loaded: try again in a minute.",
                            headers={"Retry-After": "30"}) from None
    # The header names the person's team or service: the names, cached per copy.
    request.state.names = labels.all_names(wh)
    try:
        yield wh
    finally:
        wh.close()


ViewerDep = Annotated[Viewer, Depends(get_viewer)]

WhDep = Annotated[Wh, Depends(get_wh)]


def log_child_access(request: Request, viewer: Viewer, action: str,
                     child_ids: list[str], detail: str = "") -> None:
    """Every view or export of a child's identity: ONE access-log entry per view (the
    children it named in the entry), not one per row."""
    if not child_ids:
        return
    stores(request).access_log.record_view(
        viewer.principal, action, child_ids, path=str(request.url.path), detail=detail)
