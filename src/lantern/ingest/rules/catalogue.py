"""The catalogue of validation rules: every declared rule and every DfE code not yet declared.

`lantern rules` prints it. DfE's published rule lists (`data/dfe_rules.csv`: collection,
code, first and last collection year, message) say which DfE codes apply in which year;
the declared rules say what Lantern checks. A DfE code with no declared rule is listed
with status "not implemented", never as checked.
"""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources
from typing import Any

from lantern.ingest.rules.engine import RULE_YEARS, RULES, Rule, rule_years, year_label
from lantern.ingest.source import Severity

COLLECTIONS = ("cin", "ssda903")
IMPLEMENTED, NOT_IMPLEMENTED = "implemented", "not implemented"


def year_span(years: tuple[int, ...]) -> str:
    """(2023, 2024, 2025) -> "2022-23 to 2024-25"."""
    if not years:
        return ""
    first, last = year_label(years[0]), year_label(years[-1])
    return first if first == last else f"{first} to {last}"


@dataclass(frozen=True)
class Listed:
    """One DfE code as published: its collection, years (31 March years) and message."""

    collection: str
    code: str
    first_year: int
    last_year: int
    message: str

    @property
    def severity(self) -> Severity:
        # DfE's CIN census queries carry a Q suffix; a rule DfE words as a warning (903
        # EPI) is one; everything else is an error
        if self.message.upper().startswith("WARNING"):
            return "warning"
        return "query" if self.code.upper().endswith("Q") else "error"

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(range(self.first_year, self.last_year + 1))


@dataclass(frozen=True)
class Entry:
    """One line of `lantern rules`."""

    id: str
    dfe_code: str | None
    collection: str
    severity: str
    years: tuple[int, ...]
    message: str
    status: str

    @property
    def year_span(self) -> str:
        return year_span(self.years)

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["years"] = list(self.years)
        return out


@cache
def dfe_lists() -> tuple[Listed, ...]:
    """DfE's published rule codes for each collection, 2022-23 onwards."""
    text = resources.files("lantern.ingest.rules").joinpath("data", "dfe_rules.csv").read_text(
        encoding="utf-8")
    return tuple(Listed(r["collection"], r["code"], int(r["first_year"]), int(r["last_year"]),
                        r["message"]) for r in csv.DictReader(text.splitlines()))


def _declared(r: Rule) -> Entry:
    return Entry(r.id, r.dfe_code, r.format, r.severity, rule_years(r), r.message, IMPLEMENTED)


def _missing(listed: Listed) -> Entry:
    prefix = "903" if listed.collection == "ssda903" else "cin"
    return Entry(f"{prefix}:{listed.code}", listed.code, listed.collection, listed.severity,
                 listed.years, listed.message, NOT_IMPLEMENTED)


def catalogue(year: int | None = None, collection: str | None = None) -> list[Entry]:
    """Every rule (declared, or only listed by DfE) for a collection year and collection:
    DfE codes by number, then Lantern's own checks."""
    declared = {(r.format, r.dfe_code) for r in RULES.values() if r.dfe_code}
    entries = [_declared(r) for r in RULES.values() if r.format in RULE_YEARS]
    entries += [_missing(x) for x in dfe_lists() if (x.collection, x.code) not in declared]
    entries = [e for e in entries if (collection is None or e.collection == collection)
               and (year is None or year in e.years)]
    return sorted(entries, key=_order)


def _order(e: Entry) -> tuple[str, int, int, int, str]:
    code = e.dfe_code or ""
    lead = code[:len(code) - len(code.lstrip("0123456789"))]
    return (e.collection, 0 if code else 1, 0 if lead else 1, int(lead or 0), e.id)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def render_markdown(entries: list[Entry]) -> str:
    """The catalogue as a Markdown table (`lantern rules --format md`)."""
    out = ["| id | DfE code | collection | severity | years | message | status |",
           "|---|---|---|---|---|---|---|"]
    for e in entries:
        out.append(f"| `{e.id}` | {e.dfe_code or ''} | {e.collection} | {e.severity} | "
                   f"{e.year_span} | {_cell(e.message)} | {e.status} |")
    return "\n".join(out) + "\n"
