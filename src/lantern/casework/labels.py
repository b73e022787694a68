"""What people read instead of codes and ids: teams, services and workers by name,
breakdown values by their labels, age bands in age order.

Breakdown values are the ids and codes the indicator engine groups by (a team id, a
worker's professional id, ``F``, ``Y``, a household's type ``connected``); every
screen, export and report shows them through `value_label`, so one table of names
serves them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

from lantern.casework._sql import rows, table_names
from lantern.measures.subjects import RECORD_BREAKDOWNS
from lantern.model import label

_SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
#: Age bands in age order (not the string order 0-4, 10-15, 16-17, 5-9).
AGE_BAND_ORDER = ("0-4", "5-9", "10-15", "16-17", "18+", "unknown")
#: Breakdowns whose values are codes of a code set in `model/codes.yml`.
CODED_BREAKDOWNS = {"sex": "sex", "disability": "yn"}
#: Values the engine gives children it cannot place in a group.
NOT_PLACED = {"unallocated": "No allocated worker", "unknown": "Not known"}
AGE_WORDS = {"18+": "18 and over", "unknown": "Age not known"}


@dataclass(frozen=True)
class Names:
    """Every team, service and worker (professional) by name, keyed by id."""

    teams: dict[str, str]
    services: dict[str, str]
    workers: dict[str, str]

    def service(self, service_id: str) -> str:
        """The service's name; where the extract names it by its id (``front_door``),
        the id in words ("Front door")."""
        name = self.services.get(service_id) or service_id
        if _SNAKE.match(name):
            return name.replace("_", " ").capitalize()
        return name


def names(con: duckdb.DuckDBPyConnection) -> Names:
    """Names from the department and professionals tables (everyone who ever held a
    case, not only those employed today)."""
    present = table_names(con)
    teams: dict[str, str] = {}
    services: dict[str, str] = {}
    if "ssd_department" in present:
        for r in rows(con, """SELECT DISTINCT dept_team_id, dept_team_name, dept_team_parent_id,
                                     dept_team_parent_name FROM ssd_department"""):
            teams[str(r["dept_team_id"])] = str(r["dept_team_name"] or r["dept_team_id"])
            if r["dept_team_parent_id"] is not None and r["dept_team_parent_name"]:
                services[str(r["dept_team_parent_id"])] = str(r["dept_team_parent_name"])
    workers: dict[str, str] = {}
    if "ssd_professionals" in present:
        workers = {str(r["i"]): str(r["n"] or r["i"]) for r in rows(
            con, "SELECT prof_professional_id AS i, prof_professional_name AS n "
                 "FROM ssd_professionals")}
    return Names(teams, services, workers)


def value_label(n: Names, breakdown: str, value: str | None) -> str:
    """A breakdown value as a person reads it: T003 -> "Assessment team 3", F -> "Female",
    front_door -> "Front door", unallocated -> "No allocated worker"."""
    if value is None or value == "":
        return ""
    if value in NOT_PLACED and breakdown != "age_band":
        return NOT_PLACED[value]
    if breakdown == "team":
        return n.teams.get(value, value)
    if breakdown == "service":
        return n.service(value)
    if breakdown == "worker":
        return n.workers.get(value, value)
    if breakdown in CODED_BREAKDOWNS:
        return label(CODED_BREAKDOWNS[breakdown], value)
    if breakdown in RECORD_BREAKDOWNS:  # a household's type, a referral's sector, ...
        return RECORD_BREAKDOWNS[breakdown].value_label(value)
    if breakdown == "age_band":
        return AGE_WORDS.get(value, value)
    return value


def value_order(breakdown: str, value: str | None) -> tuple[int, str]:
    """Sort key for a breakdown's values: age bands by age, groups the engine could not
    place last, the rest as given (callers sort by label where that reads better)."""
    v = value or ""
    if breakdown == "age_band" and v in AGE_BAND_ORDER:
        return AGE_BAND_ORDER.index(v), v
    return (1 if v in NOT_PLACED else 0), v


def place_label(n: Names, breakdown: str, value: str | None) -> str:
    """Where a figure is from, as a sentence reads it: "the whole authority", "the
    MASH team", "the Assessment Team 2", "the Front door service", "Jo Bloggs' caseload"."""
    if breakdown == "authority" or value is None:
        return "the whole authority"
    if value == "unallocated":  # the same children at every level (KPIS.md Breakdowns)
        return "children with no allocated worker"
    name = value_label(n, breakdown, value)
    if breakdown in ("team", "service"):
        # "the MASH team", but "the Assessment Team 2" rather than "... Team 2 team".
        named = breakdown in name.lower().split()
        return f"the {name}" if named else f"the {name} {breakdown}"
    if breakdown == "worker":
        return f"{name}'s caseload"
    return f"{name} ({BREAKDOWN_WORDS.get(breakdown, breakdown)})"


BREAKDOWN_WORDS = {"age_band": "age band", "sex": "sex", "ethnicity": "ethnic group",
                   "disability": "disability",
                   **{b.id: b.label.lower() for b in RECORD_BREAKDOWNS.values()}}


def exception_text(message: str, breakdown: str, value: str | None, n: Names) -> str:
    """An exception's message with its place by name: the assurance layer writes the
    place as "<breakdown> <value>" (``assurance.exceptions._where``, e.g. "team T003");
    people read "the Assessment team 3 team"."""
    if breakdown == "authority" or value is None:
        return message
    return message.replace(f"{breakdown} {value}", place_label(n, breakdown, value))


#: An indicator's period as a person reads it (the engine's period ids).
PERIOD_TEXT = {"in_month": "in the month", "rolling_12m": "12 months to the month end",
               "fytd": "financial year to date", "snapshot": "at the month end",
               "rolling_36m": "36 months to the month end"}
#: Why a figure has no value (the engine's row status).
AVAILABILITY_TEXT = {"ok": "", "not_available": "not available",
                     "no_denominator": "no children to count this month"}
