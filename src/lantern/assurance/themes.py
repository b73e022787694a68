"""The themes (`themes.yml`): workforce, exploitation and missing, early help, placements,
fostering, MARAC, private fostering, LADO and youth homelessness — each a title, why it
matters, its indicators in order and the data they read.

A theme is a view of indicators declared in the catalogue (`measures.catalogue`); it
computes nothing. An id the catalogue does not hold (an indicator this version of
Lantern does not compute) is kept in the declaration and reported as such, so a theme
page says what is missing rather than dropping it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from lantern.measures.catalogue import INDICATORS

#: The engine's reason when an indicator's tables are empty (`measures.engine.availability`).
_NO_ROWS = re.compile(r"^no rows loaded in (?P<tables>[a-z0-9_, ]+)$")
NOT_COMPUTED = "not computed by this version of Lantern"
#: An indicator the month's stored figures do not hold (added since the data were loaded).
NOT_STORED = "not calculated when the data were last loaded: load them again"


@dataclass(frozen=True)
class Theme:
    key: str
    title: str
    why: str
    kpis: tuple[str, ...]
    data: tuple[tuple[str, str], ...]  # (table, what a person calls its rows)
    caseload_bands: tuple[int, ...] = ()  # upper bounds of the bands (workforce)
    headline: str | None = None  # shown in the board pack beside the report's headlines

    @property
    def computed(self) -> tuple[str, ...]:
        """The theme's indicators the catalogue holds, in the theme's order."""
        known = {i.id for i in INDICATORS}
        return tuple(k for k in self.kpis if k in known)

    @property
    def missing(self) -> tuple[str, ...]:
        """The theme's indicators this version does not compute."""
        return tuple(k for k in self.kpis if k not in self.computed)

    def reason_text(self, reason: str | None) -> str:
        """An indicator's not_available reason in the theme's words: "no rows loaded in
        lantern_establishment" reads "no establishment loaded"."""
        if not reason:
            return "no data loaded"
        found = _NO_ROWS.match(reason.strip())
        if found is None:
            return reason
        names = dict(self.data)
        tables = [t.strip() for t in found["tables"].split(",") if t.strip()]
        words = [names.get(t) or _plain_table(t) for t in tables]
        return "no " + _and(words) + " loaded"


def _plain_table(table: str) -> str:
    """A table no theme names, as words: ``ssd_cla_episodes`` -> "cla episodes"."""
    return re.sub(r"^(ssd|lantern)_", "", table).replace("_", " ")


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _theme(d: dict[str, Any]) -> Theme:
    return Theme(key=str(d["key"]), title=str(d["title"]), why=" ".join(str(d["why"]).split()),
                 kpis=tuple(str(k) for k in d["kpis"]),
                 data=tuple((str(t), str(w)) for t, w in (d.get("data") or {}).items()),
                 caseload_bands=tuple(int(b) for b in d.get("caseload_bands") or ()),
                 headline=str(d["headline"]) if d.get("headline") else None)


@cache
def themes() -> tuple[Theme, ...]:
    """Every theme, in the declaration's order."""
    raw = yaml.safe_load(resources.files("lantern.assurance").joinpath("themes.yml")
                         .read_text("utf-8"))
    got = tuple(_theme(d) for d in raw)
    keys = [t.key for t in got]
    if len(set(keys)) != len(keys):  # pragma: no cover - guards copy/paste mistakes
        raise RuntimeError("themes.yml: a theme key is repeated")
    return got


def theme(key: str) -> Theme:
    """The theme of ``key``; KeyError when there is none."""
    for t in themes():
        if t.key == key:
            return t
    raise KeyError(f"unknown theme {key!r}")


def home_theme(kpi_id: str, area: str, service_areas: frozenset[str]) -> Theme | None:
    """The theme an indicator belongs to when it belongs to no service area (its
    `area` is not one of ``service_areas``): the first theme that lists it."""
    if area in service_areas:
        return None
    return next((t for t in themes() if kpi_id in t.kpis), None)


def distinct_reasons(reasons: Iterable[str | None]) -> list[str]:
    """Each missing-data reason once, in order (an indicator reading two tables gives
    "no A loaded; no B loaded")."""
    out: dict[str, None] = {}
    for r in reasons:
        for part in (r or "").split("; "):
            if part:
                out.setdefault(part, None)
    return list(out)
