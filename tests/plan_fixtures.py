"""A small plan on the web-test authority for the sign-off gate, with success targets set
from the engine's own figures so the gate meets a target in exactly 3 or 2 of the last 3
months (the values differ by authority; the targets are chosen to fall between them)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb

from tests.web_support import WebHome

CANDIDATES = ("assessment_45wd_pct", "cp_visits_10wd_pct", "cin_visits_on_time_pct",
              "cla_visits_on_time_pct", "cp_reviews_on_time_pct")


@dataclass(frozen=True)
class GateFigures:
    kpi: str
    months: tuple[str, ...]
    values: tuple[float, ...]

    @property
    def met_in_three(self) -> float:
        return min(self.values)

    @property
    def met_in_two(self) -> float:
        low, second = sorted(self.values)[:2]
        return round((low + second) / 2, 3)


@cache
def gate_figures(home: Path) -> GateFigures:
    """An indicator (high is good) whose last three months' values all differ."""
    from lantern.actions.figures import indicator_metas, months_back
    from lantern.assurance.inputs import latest_complete_month
    from lantern.casework.dates import data_date
    from lantern.measures.engine import compute
    from lantern.warehouse.meta import read_authority

    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        months = months_back(latest_complete_month(data_date(con)), 3)
        authority = read_authority(con)
        rows = compute(con, months, kpis=list(CANDIDATES), population=authority.population,
                       la_code=authority.la_code)
    finally:
        con.close()
    metas = indicator_metas()
    for kpi in CANDIDATES:
        got = {r.month: r.value for r in rows if r.kpi_id == kpi and r.breakdown == "authority"
               and r.period == metas[kpi].headline_period and r.status == "ok"}
        values = tuple(got.get(m) for m in months)
        if None not in values and len(set(values)) == 3:
            return GateFigures(kpi, tuple(months), values)  # type: ignore[arg-type]
    raise AssertionError("no candidate indicator with three distinct monthly values")


def gate_plan(g: GateFigures, prefix: str = "") -> str:
    """G1: no indicator. G2: led by the divisional director. G3: target met in 2 of 3 months.
    G4: met in all 3. All done and awaiting impact, led by the head of service unless said."""
    def action(ref: str, lead: str, kpis: str) -> str:
        return (f'          - {{ref: "{ref}", title: "Action {ref}", outcome: "Better", '
                f"lead: {prefix}{lead}, due: 2030-01-31, status: done_awaiting_impact, "
                f"kpis: [{kpis}], recommendations: [OF-2024-02]}}\n")
    return (
        'plan: {title: "Continuous Improvement Plan", version: 1}\n'
        "recommendations:\n"
        '  - {ref: OF-2021-01, inspection: "Ofsted 2021", text: "Conferences late."}\n'
        '  - {ref: OF-2024-02, inspection: "Ofsted 2024", text: "Still late.", '
        "repeated_from: OF-2021-01}\n"
        "themes:\n"
        '  - ref: "1"\n    title: "Child protection"\n    objectives:\n'
        '      - ref: "1.1"\n        title: "Timely conferences"\n        actions:\n'
        + action("G1", "head_of_service", "")
        + action("G2", "divisional_director", f"{{id: {g.kpi}, target: {g.met_in_three}}}")
        + action("G3", "head_of_service", f"{{id: {g.kpi}, target: {g.met_in_two}}}")
        + action("G4", "head_of_service", f"{{id: {g.kpi}, target: {g.met_in_three}}}"))


def import_gate_plan(wh: WebHome | Path, database_url: str, folder: Path,
                     prefix: str = "") -> GateFigures:
    from sqlalchemy.orm import Session

    from lantern.actions.tracker import system_actor
    from lantern.appdb import make_engine
    from lantern.plan.transfer import import_file

    g = gate_figures(wh if isinstance(wh, Path) else wh.home)
    path = folder / "gate.yml"
    path.write_text(gate_plan(g, prefix), "utf-8")
    engine = make_engine(database_url)
    with Session(engine) as s, s.begin():
        import_file(s, system_actor("test"), path)
    engine.dispose()
    return g
