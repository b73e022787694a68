"""The indicator figures an action's RAG and sign-off gate read: authority-level values by
month and the standing targets. Callers pass an ``IndicatorFigures``; ``EngineFigures``
computes them with the measures engine (the same definitions as every scorecard)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from lantern.assurance.inputs import IndicatorMeta, add_months, as_meta
from lantern.assurance.targets import Target
from lantern.measures.catalogue import SCORECARD


def indicator_metas() -> dict[str, IndicatorMeta]:
    return {i.id: as_meta(i.id, i) for i in SCORECARD}


def indicator_name(kpi_id: str) -> str:
    meta = indicator_metas().get(kpi_id)
    return meta.title if meta is not None and meta.title else kpi_id


def months_back(last: str, n: int) -> list[str]:
    """The ``n`` months ending with ``last``, oldest first."""
    return [add_months(last, -k) for k in range(n - 1, -1, -1)]


class IndicatorFigures(Protocol):
    latest_month: str  # the latest complete month of data

    def value(self, kpi_id: str, month: str) -> float | None: ...
    def target(self, kpi_id: str) -> Target | None: ...
    def meta(self, kpi_id: str) -> IndicatorMeta | None: ...


@dataclass
class MappingFigures:
    """Figures already known: ``values[(kpi_id, month)]`` at authority level."""

    latest_month: str
    values: dict[tuple[str, str], float | None] = field(default_factory=dict)
    targets: Mapping[str, Target] = field(default_factory=dict)
    metas: Mapping[str, IndicatorMeta] = field(default_factory=indicator_metas)

    def value(self, kpi_id: str, month: str) -> float | None:
        return self.values.get((kpi_id, month))

    def target(self, kpi_id: str) -> Target | None:
        return self.targets.get(kpi_id)

    def meta(self, kpi_id: str) -> IndicatorMeta | None:
        return self.metas.get(kpi_id)


class EngineFigures(MappingFigures):
    """Authority-level headline values computed by the measures engine on request (each
    indicator and month once), for the months up to ``latest_month``."""

    def __init__(self, con: Any, latest_month: str, *, la_code: str,
                 population: int | None, targets: Mapping[str, Target]) -> None:
        super().__init__(latest_month, {}, targets)
        self._con, self._la_code, self._population = con, la_code, population
        self._done: set[tuple[str, str]] = set()

    def prefetch(self, kpi_ids: Iterable[str], months: Iterable[str]) -> None:
        from lantern.measures.engine import compute

        wanted = sorted({(k, m) for k in kpi_ids for m in months if k in self.metas}
                        - self._done)
        if not wanted:
            return
        kpis = sorted({k for k, _ in wanted})
        asked = sorted({m for _, m in wanted})
        rows = compute(self._con, asked, breakdowns=("authority",), kpis=kpis,
                       population=self._population, la_code=self._la_code)
        for r in rows:
            meta = self.metas[r.kpi_id]
            if r.breakdown == "authority" and r.period == meta.headline_period:
                self.values[r.kpi_id, r.month] = r.value if r.status == "ok" else None
        self._done.update((k, m) for k in kpis for m in asked)

    def value(self, kpi_id: str, month: str) -> float | None:
        self.prefetch([kpi_id], [month])
        return self.values.get((kpi_id, month))
