"""Settings changed in the app and kept in the app database (``AppSetting``): local KPI
targets.

A target set in Lantern overrides the package default (``targets.yml``) and the file
named by ``LANTERN_TARGETS``. The scorecards read targets through one path only
(`assurance.targets.load_targets`, as ``assure_month`` does), so the effective set is
written once to a YAML file in that same shape, named by a hash of its content, under
``LANTERN_HOME/web/``: every request after a change opens the warehouse with the new
file, and cached figures keyed by the old file are not reused.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from lantern.appdb.models import AppSetting, User, utcnow
from lantern.assurance.targets import Target, load_targets
from lantern.config import Settings
from lantern.security.policy import Principal

PREFIX = "kpi_target:"


@dataclass(frozen=True)
class TargetOverride:
    kpi_id: str
    target: float | None  # None: no target for this indicator
    tolerance: float
    updated_at: datetime
    updated_by: str  # user name, or "" when unknown


def overrides(engine: Engine | None) -> dict[str, TargetOverride]:
    """Targets set in Lantern, by indicator."""
    if engine is None:
        return {}
    q = (select(AppSetting, User.username).outerjoin(User, User.id == AppSetting.updated_by)
         .where(AppSetting.key.startswith(PREFIX)))
    out: dict[str, TargetOverride] = {}
    with Session(engine) as s:
        for row, username in s.execute(q):
            value = json.loads(row.value)
            kpi = row.key.removeprefix(PREFIX)
            out[kpi] = TargetOverride(kpi, value.get("target"), float(value.get("tolerance", 0)),
                                      row.updated_at, username or "")
    return out


def _number(raw: str, name: str, *, required: bool) -> float | None:
    raw = raw.strip().replace(",", "")
    if not raw:
        if required:
            raise ValueError(f"Enter a {name}")
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"The {name} must be a number, like 80 or 12.5") from None
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"The {name} must be a number, like 80 or 12.5")
    return value


def parse_target(target: str, tolerance: str) -> tuple[float | None, float]:
    """(target, tolerance) from a form; a blank target means "no target". Raises
    ValueError with a message fit to show."""
    t = _number(target, "target", required=False)
    tol = _number(tolerance, "tolerance", required=False) or 0.0
    if tol < 0:
        raise ValueError("The tolerance must be 0 or more")
    return t, tol


def set_target(engine: Engine, principal: Principal, kpi_id: str, target: float | None,
               tolerance: float) -> None:
    value = json.dumps({"target": target, "tolerance": tolerance})
    with Session(engine) as s, s.begin():
        row = s.get(AppSetting, PREFIX + kpi_id)
        if row is None:
            s.add(AppSetting(key=PREFIX + kpi_id, value=value, updated_at=utcnow(),
                             updated_by=principal.user_id))
        else:
            row.value, row.updated_at, row.updated_by = value, utcnow(), principal.user_id


def clear_target(engine: Engine, kpi_id: str) -> None:
    """Back to the configured target (package default or LANTERN_TARGETS)."""
    with Session(engine) as s, s.begin():
        s.execute(delete(AppSetting).where(AppSetting.key == PREFIX + kpi_id))


def configured_path(settings: Settings) -> str | None:
    return str(settings.targets) if settings.targets else None


def effective(settings: Settings, found: dict[str, TargetOverride]) -> dict[str, Target]:
    """The targets the scorecards use: configured ones overlaid by those set in Lantern."""
    out = load_targets(configured_path(settings))
    for kpi, o in found.items():
        if o.target is None:
            out.pop(kpi, None)
        else:
            by = f" by {o.updated_by}" if o.updated_by else ""
            out[kpi] = Target(kpi, o.target, o.tolerance,
                              f"set in Lantern{by} on {o.updated_at:%d %b %Y}")
    return out


def targets_path(settings: Settings, engine: Engine | None) -> str | None:
    """The targets file the app reads: the configured one when nothing is set in Lantern,
    else a file holding the effective set (written once per distinct content)."""
    found = overrides(engine)
    if not found:
        return configured_path(settings)
    eff = effective(settings, found)
    base = load_targets(None)
    doc: dict[str, Any] = {"targets": {
        **{k: None for k in base if k not in eff},
        **{k: {"target": t.target, "tolerance": t.tolerance, "source": t.source}
           for k, t in sorted(eff.items())}}}
    text = yaml.safe_dump(doc, sort_keys=True)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    folder = settings.home / "web"
    path = folder / f"targets-{digest}.yml"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        Path(tmp).replace(path)
    return str(path)
