"""Small hand-made set-ups for the action tracker: a few people, one action source."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from lantern.actions.figures import MappingFigures
from lantern.actions.tracker import ActionDraft, KpiLink
from lantern.assurance.targets import Target
from lantern.security.accounts import UserStore
from lantern.security.policy import Principal
from tests.appdb_fixtures import fast_hasher

PEOPLE = {  # username: role
    "lead": "head_of_service",
    "director": "divisional_director",
    "dcs": "dcs",
    "analyst": "performance_analyst",
}


def add_people(engine: Engine) -> dict[str, Principal]:
    store = UserStore(engine, hasher=fast_hasher())
    return {name: store.add(name, None, display_name=name.capitalize(), role=role,
                            scope_type="authority") for name, role in PEOPLE.items()}


def draft(ref: str = "A1", **kw: object) -> ActionDraft:
    base: dict[str, object] = dict(
        ref=ref, title="Run ICPCs within 15 working days", lead="lead", due=date(2024, 6, 30),
        source_kind="plan_objective", source_id="1", outcome="Plans made sooner",
        kpis=(KpiLink("icpc_15wd_pct", 70.0),), status="in_progress")
    base.update(kw)
    return ActionDraft(**base)  # type: ignore[arg-type]


def figures(values: dict[str, float | None], kpi: str = "icpc_15wd_pct",
            latest: str = "2024-11") -> MappingFigures:
    """Authority values by month for one indicator; standing target 85 ± 5 (high good)."""
    return MappingFigures(latest, {(kpi, m): v for m, v in values.items()},
                          {kpi: Target(kpi, 85.0, 5.0)})
