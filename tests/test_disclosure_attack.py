"""The board's view attacked as an attacker would: can a count of 1-4 be worked out?

A board member signs in to an authority whose data end in November 2024 and collects
everything the board sees for 2024-11: the scorecard for the authority, every service
and every team (with their 24-month series), every indicator's page and API answer
(with its breakdowns), the exceptions and the home page. From those figures alone the
attacker then

- reads every published row's counts (for a percentage, the children in the
  numerator and those not in it: "0 of 3" gives away 3 children);
- subtracts: for every breakdown of every indicator, month and period, the
  authority's counts less every published row (and each service's counts less its
  teams), which is what the withheld rows and anything unlisted add up to;
- propagates: a group with one unknown left gives it away, which then feeds the other
  groups, until nothing more comes out;
- adds up months: a 12-month figure less the months shown in the chart beside it
  leaves what the months not shown add up to.

No count of 1-4 may come out. The attacker here is independent of
`security.disclosure` (propagation, not elimination). On the code before secondary
suppression this test finds, among others, the withheld row given back by subtracting
the published ones and per-worker figures.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from html import unescape
from typing import Any

import duckdb
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from lantern.casework.labels import exception_text, names
from lantern.months import Month
from tests.web_support import WebHome, board_home, client_for, make_app

MONTH = "2024-11"
Key = tuple[str, str]  # (breakdown, value); ("authority", "") for the total
TOTAL: Key = ("authority", "")
Table = dict[Key, tuple[int, ...]]


@pytest.fixture(scope="module")
def home() -> WebHome:
    return board_home()


@pytest.fixture(scope="module")
def app(home: WebHome) -> FastAPI:
    return make_app(home)


@pytest.fixture(scope="module")
def board(app: FastAPI) -> TestClient:
    return client_for(app, "board_member")


@pytest.fixture(scope="module")
def answers(board: TestClient) -> dict[str, Any]:
    return fetch_all(board)


def fetch_all(board: TestClient) -> dict[str, Any]:
    """Every board-visible API answer and page for the month, fetched once."""
    out: dict[str, Any] = {"views": views(board), "indicators": board.get(
        "/api/indicators").json()}
    paths = [f"/api/scorecard?month={MONTH}", f"/api/exceptions?month={MONTH}"]
    for view in out["views"]:
        b, _, v = view.partition(":")
        paths.append(f"/api/scorecard?month={MONTH}&breakdown={b}&value={v}")
    paths += [f"/api/indicators/{i['kpi_id']}?month={MONTH}" for i in out["indicators"]]
    for path in paths:
        r = board.get(path)
        assert r.status_code == 200, path
        out[path] = r.json()
    for path in ["/", "/board", f"/exceptions?month={MONTH}",
                 *(f"/indicators/{i['kpi_id']}?month={MONTH}" for i in out["indicators"])]:
        r = board.get(path)
        assert r.status_code == 200, path
        out[path] = r.text
    return out


@pytest.fixture(scope="module")
def team_service(home: WebHome) -> dict[str, str]:
    """Which service each team is in: the organisation chart, public knowledge."""
    import duckdb

    from lantern.casework import team_services

    con = duckdb.connect(str(home.home / "warehouse.duckdb"), read_only=True)
    try:
        return {t: s for t, s in team_services(con).items() if s}
    finally:
        con.close()


# --------------------------------------------------------------------------- collecting


def counts(unit: str, numerator: Any, denominator: Any, value: Any) -> tuple[int, ...] | None:
    """A published row's counts of children, or None when withheld."""
    if value is None and numerator in (None, "withheld"):
        return None
    num = numerator if isinstance(numerator, int | float) else None
    den = denominator if isinstance(denominator, int | float) else None
    if unit == "pct":
        if num is None or den is None:
            return None
        return (round(num), round(den - num))
    if unit in ("mean", "day"):
        return None if den is None else (round(den),)
    if unit == "count" and den is None:
        return None if value is None else (round(value),)
    return None if num is None else (round(num),)


class Seen:
    """Every figure the board was shown: (kpi, month, period) -> key -> counts (None:
    listed but withheld)."""

    def __init__(self) -> None:
        self.tables: dict[tuple[str, str, str], dict[Key, tuple[int, ...] | None]] = (
            defaultdict(dict))
        self.units: dict[str, str] = {}

    def add(self, kpi: str, month: str, period: str, key: Key,
            got: tuple[int, ...] | None) -> None:
        table = self.tables[(kpi, month, period)]
        before = table.get(key)
        assert before is None or got is None or before == got, (
            f"{kpi} {month} {period} {key}: shown as {before} and {got}")
        if got is not None or key not in table:
            table[key] = got

    def scorecard_row(self, r: dict[str, Any], key: Key, month: str) -> None:
        unit = self.units[r["kpi_id"]] = r["unit"]
        self.add(r["kpi_id"], month, r["period"], key,
                 counts(unit, r["numerator"], r["denominator"], r["value"]))
        for pt in r["series"]:
            self.add(r["kpi_id"], pt["month"], r["chart_period"] or r["period"], key,
                     counts(unit, pt["numerator"], pt["denominator"], pt["value"]))


def views(board: TestClient) -> list[str]:
    page = board.get(f"/scorecard?month={MONTH}").text
    return sorted(set(re.findall(r'<option value="((?:service|team):[^"]+)"', page)))


def collect(answers: dict[str, Any]) -> Seen:
    seen = Seen()
    auth = answers[f"/api/scorecard?month={MONTH}"]
    assert auth["month"] == MONTH
    for s in auth["sections"]:
        for r in s["rows"]:
            seen.scorecard_row(r, TOTAL, MONTH)
    for view in answers["views"]:
        b, _, v = view.partition(":")
        got = answers[f"/api/scorecard?month={MONTH}&breakdown={b}&value={v}"]
        for s in got["sections"]:
            for r in s["rows"]:
                seen.scorecard_row(r, (b, v), MONTH)
    for ind in answers["indicators"]:
        got = answers[f"/api/indicators/{ind['kpi_id']}?month={MONTH}"]
        seen.scorecard_row(got["row"], TOTAL, MONTH)
        for b, rows in got["breakdowns"].items():
            for r in rows:
                seen.add(ind["kpi_id"], MONTH, r["period"], (b, r["breakdown_value"]),
                         counts(ind["unit"], r["numerator"], r["denominator"], r["value"]))
    return seen


# --------------------------------------------------------------------------- attacking


def groups(table: dict[Key, tuple[int, ...] | None], team_service: dict[str, str]
           ) -> Iterator[tuple[Key, list[Key], str]]:
    """(total, members, remainder name): every breakdown adds up to the authority and
    teams to their service; what the members do not account for is the remainder."""
    for b in sorted({k[0] for k in table} - {"authority"}):
        yield TOTAL, [k for k in table if k[0] == b], f"rest of {b}"
    for s in [k for k in table if k[0] == "service"]:
        yield s, [k for k in table if k[0] == "team" and team_service.get(k[1]) == s[1]], (
            f"rest of {s[1]}")


def attack(table: dict[Key, tuple[int, ...] | None],
           team_service: dict[str, str]) -> list[str]:
    """Every count of 1-4 that can be worked out from one table, described."""
    found = [f"{k} shows {c}" for k, c in table.items()
             if c is not None and any(0 < x < 5 for x in c)]
    known: dict[Key, tuple[int, ...]] = {k: c for k, c in table.items() if c is not None}
    if not known:
        return found
    width = len(next(iter(known.values())))
    gs = list(groups(table, team_service))
    for _ in range(len(table) + 2):  # propagate until nothing new comes out
        progress = False
        for total, members, rest in gs:
            if total not in known:
                continue
            unknown = [m for m in members if m not in known]
            residual = tuple(known[total][c] - sum(known[m][c] for m in members
                                                   if m in known) for c in range(width))
            if any(0 < x < 5 for x in residual):
                found.append(f"{total} less published rows leaves {residual} for "
                             f"{unknown or rest}")
            if len(unknown) == 1 and all(x >= 0 for x in residual):
                # An attacker who takes the rest as nothing (true of services and
                # teams, whose every child is in a team) gets the row back.
                known[unknown[0]] = residual
                progress = True
                if any(0 < x < 5 for x in residual):
                    found.append(f"{unknown[0]} worked out as {residual}")
        if not progress:
            break
    return found


def attack_all(seen: Seen, team_service: dict[str, str]) -> list[str]:
    return [f"{kpi} {month} {period}: {what}"
            for (kpi, month, period), table in sorted(seen.tables.items())
            for what in attack(table, team_service)] + attack_windows(seen)


def attack_windows(seen: Seen) -> list[str]:
    """A 12-month window is the sum of its months: the window's figure less the months
    shown leaves what the others add up to."""
    from lantern.assurance.inputs import add_months

    found = []
    for (kpi, month, period), table in sorted(seen.tables.items()):
        if period != "rolling_12m":
            continue
        inside = [seen.tables.get((kpi, add_months(month, -k), "in_month"), {})
                  for k in range(12)]
        if not any(inside):
            continue
        for key, total in table.items():
            if total is None:
                continue
            shown = [t[key] for t in inside if t.get(key) is not None]
            rest = tuple(x - sum(c[i] for c in shown) for i, x in enumerate(total))
            if any(0 < x < 5 for x in rest):
                found.append(f"{kpi} {month} {key}: the 12 months less those shown "
                             f"leave {rest}")
    return found


def test_no_count_of_1_to_4_can_be_worked_out(answers: dict[str, Any],
                                              team_service: dict[str, str]) -> None:
    seen = collect(answers)
    assert len(seen.tables) > 100, "the board saw too little to test"
    leaks = attack_all(seen, team_service)
    assert not leaks, f"{len(leaks)} small counts can be worked out, e.g.\n" + "\n".join(
        leaks[:15])
    withheld = sum(c is None for t in seen.tables.values() for c in t.values())
    assert withheld, "nothing was withheld: the fixture has no small groups to protect"


def test_no_per_worker_figures(answers: dict[str, Any]) -> None:
    for ind in answers["indicators"]:
        kpi = ind["kpi_id"]
        assert "worker" not in answers[f"/api/indicators/{kpi}?month={MONTH}"]["breakdowns"]
        assert "By worker" not in answers[f"/indicators/{kpi}?month={MONTH}"], kpi
    for path in ("/", "/board"):
        assert "/workers/" not in answers[path]


def test_pages_show_what_the_api_shows(answers: dict[str, Any]) -> None:
    """The indicator pages publish no figure the API does not (so attacking the API
    covers them): each breakdown table's counts are the API's."""
    for ind in answers["indicators"]:
        kpi = ind["kpi_id"]
        api = answers[f"/api/indicators/{kpi}?month={MONTH}"]["breakdowns"]
        page = answers[f"/indicators/{kpi}?month={MONTH}"]
        shown = _page_tables(page)
        for b, rows in api.items():
            want = sorted(_cells(r) for r in rows)
            caption = next((c for c in shown if c.lower().endswith(b.replace("_", " "))),
                           None)
            assert caption is not None, f"{kpi}: no table for {b}"
            assert sorted(shown[caption]) == want, f"{kpi} by {b}"


def _cells(r: dict[str, Any]) -> tuple[str, str]:
    def text(x: Any) -> str:
        return "–" if x is None else x if isinstance(x, str) else f"{x:,.0f}"
    return (text(r["numerator"]), text(r["denominator"]))


def _page_tables(page: str) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for caption, body in re.findall(r"<caption[^>]*>\s*(By [^<]+?)\s*</caption>(.*?)</table>",
                                    page, flags=re.S):
        rows = re.findall(r'<th scope="row"[^>]*>.*?</th>\s*<td[^>]*>.*?</td>\s*'
                          r"<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>", body, flags=re.S)
        out[caption] = [(unescape(a).strip(), unescape(b).strip()) for a, b in rows]
    return out


def test_board_reads_why_exceptions_fired(answers: dict[str, Any], home: WebHome) -> None:
    got = answers[f"/api/exceptions?month={MONTH}"]["services"]
    items = [e for v in got.values() for e in v]
    assert items, "the month has exceptions"
    assert all(e["breakdown"] in ("authority", "service") for e in items)
    assert all(e["message"] for e in items), "every exception is explained to the board"
    assert all(e["children"] is None for e in items)
    page = unescape(answers[f"/exceptions?month={MONTH}"])
    con = duckdb.connect(str(home.home / "warehouse.duckdb"), read_only=True)
    try:
        n = names(con)
    finally:
        con.close()
    for e in items:  # the page names the team or service the API gives by id
        assert exception_text(e["message"], e["breakdown"], e["breakdown_value"], n) in page
    # The home page's headline figures are the scorecard's (already attacked above).
    assert "Board view" in answers["/"]


def test_inspector_sees_what_the_board_sees(app: FastAPI, board: TestClient) -> None:
    inspector = client_for(app, "inspector")
    for path in (f"/api/scorecard?month={MONTH}", f"/api/indicators/icpc_15wd_pct?month={MONTH}",
                 f"/api/exceptions?month={MONTH}"):
        assert inspector.get(path).json() == board.get(path).json(), path


# --------------------------------------------------------------------------- across months

MONTHS = ("2024-10", "2024-11")


class Figures:
    """What the board saw of each indicator at each scope: 12-month windows and
    in-month counts by month (a count of children per cell; None when withheld)."""

    def __init__(self) -> None:
        self.windows: dict[tuple[str, Key], dict[str, tuple[int, ...] | None]] = (
            defaultdict(dict))
        self.months: dict[tuple[str, Key], dict[str, tuple[int, ...] | None]] = (
            defaultdict(dict))

    @staticmethod
    def _put(into: dict[str, tuple[int, ...] | None], m: str,
             got: tuple[int, ...] | None) -> None:
        if got is not None or m not in into:
            into[m] = got

    def add_row(self, r: dict[str, Any], key: Key, month: str) -> None:
        if r["period"] != "rolling_12m" or (r["chart_period"] or "") != "in_month":
            return
        unit = r["unit"]
        self._put(self.windows[r["kpi_id"], key], month,
                  counts(unit, r["numerator"], r["denominator"], r["value"]))
        for pt in r["series"]:
            self._put(self.months[r["kpi_id"], key], pt["month"],
                      counts(unit, pt["numerator"], pt["denominator"], pt["value"]))


def collect_months(board: TestClient) -> Figures:
    seen = Figures()
    scopes = [("authority", "")] + [tuple(v.split(":", 1)) for v in views(board)]
    for month in MONTHS:
        for b, v in scopes:
            query = f"/api/scorecard?month={month}" + (f"&breakdown={b}&value={v}" if v else "")
            got = board.get(query)
            assert got.status_code == 200, query
            for section in got.json()["sections"]:
                for r in section["rows"]:
                    seen.add_row(r, (b, v), month)
    return seen


def _window(m: str) -> list[str]:
    end = Month.parse(m)
    return [str(end - k) for k in range(12)]


def attack_months(seen: Figures) -> list[str]:
    """Every in-month count of 1-4 given back by two 12-month figures' difference."""
    found = []
    for (kpi, key), windows in sorted(seen.windows.items()):
        months = seen.months[kpi, key]
        known = {m: c for m, c in windows.items() if c is not None}
        for a in known:
            for b in known:
                if a >= b:
                    continue
                terms = {m: 1 for m in _window(b)}
                for m in _window(a):
                    terms[m] = terms.get(m, 0) - 1
                unknown = [m for m, s in terms.items() if s and months.get(m) is None]
                if len(unknown) != 1:
                    continue
                (u,) = unknown
                for c in range(len(known[b])):
                    rest = known[b][c] - known[a][c] - sum(
                        s * months[m][c] for m, s in terms.items()  # type: ignore[index]
                        if s and m != u)
                    value = rest * terms[u]
                    if 0 < value < 5 and u in months:  # shown as withheld on a chart
                        found.append(f"{kpi} {key}: {a} and {b} give {u} as {value}")
    return found


def test_two_months_pages_give_back_no_small_count(board: TestClient) -> None:
    """This month's 12-month figure less last month's is this month's in-month count
    less that of a year ago: with both months' pages and the in-month charts, the
    attacker differences every pair of 12-month figures of a scope and solves for the
    one in-month count left unknown. On the code before `protect_series` this gives
    back 12 counts of 1-4."""
    seen = collect_months(board)
    pairs = sum(len([c for c in w.values() if c is not None]) >= 2
                for w in seen.windows.values())
    assert pairs > 50, "the board saw too few figures in both months to test"
    withheld = sum(c is None for m in seen.months.values() for c in m.values())
    assert withheld, "nothing was withheld: the fixture has no small months to protect"
    leaks = attack_months(seen)
    assert not leaks, f"{len(leaks)} small counts given back, e.g.\n" + "\n".join(leaks[:10])
