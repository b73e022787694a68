"""Statistical disclosure control for the aggregate-only roles (board member, inspector).

Primary suppression alone (withhold a group of 1-4 children) can be undone: the
authority's total minus every published group gives back the withheld one, and a
percentage with its denominator gives back both counts. This module decides, for one
indicator, month and period, which rows of a published table are withheld so that no
published figure, total or difference reveals a count of 1-4:

- every row is reduced to its *cells*, the counts of children it publishes: for a
  percentage the children in the numerator and those not in it (``0 of 3`` reveals 3
  children who were not seen in time); for a mean the children averaged; for a count
  the count; for a rate per 10,000 its numerator;
- a row is withheld whole (value, numerator and denominator) — primary suppression —
  when any of its cells is 1-4;
- the rows of a breakdown add up to the authority (and teams to their service); what
  no row accounts for (children with no team, say) is an unpublished *remainder*,
  which the attacker is taken to know when it is zero;
- an attacker knows every published row and every such sum. We solve the system as
  they would (exact Gaussian elimination) and, while any single withheld cell or any
  sum of withheld cells comes out at 1-4, withhold the next-smallest published row of
  a group that holds it (secondary suppression, as statistical disclosure control
  does).

A rolling window is the sum of its months, so a 12-month headline shown beside its
in-month chart is a group too (`protect_window`): months are withheld until the window
less the months shown is not 1-4.

Across months (`protect_series`): this month's 12-month figure less last month's is
this month's in-month count less that of a year ago, so with one of them published the
other follows. Each figure's windows and months are decided month by month from a fixed
first month, seeing only earlier months, so this month's page and next month's withhold
the same figures; a published window is checked against itself and against every
window published before it (one identity at a time, not the whole system at once).

The authority's own row is only ever withheld by primary suppression (every group
holds its remainder, so a group whose withheld rows could not be protected would have
a total of 1-4 itself), which is why each breakdown can be protected on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Protocol

from lantern.months import Month
from lantern.security.policy import SUPPRESS_BELOW

AUTHORITY = "authority"
REMAINDER = "remainder"
Key = tuple[str, str]  # (breakdown, breakdown value); (AUTHORITY, "") for the total
TOTAL: Key = (AUTHORITY, "")


class Row(Protocol):
    """An indicator row (`measures.engine.KpiRow`)."""

    @property
    def breakdown(self) -> str: ...

    @property
    def breakdown_value(self) -> str: ...

    @property
    def numerator(self) -> float | None: ...

    @property
    def denominator(self) -> float | None: ...

    @property
    def value(self) -> float | None: ...


@dataclass(frozen=True)
class Group:
    """Published rows that add up to a total (remainder included)."""

    total: Key
    members: tuple[Key, ...]


def cells(unit: str, numerator: float | None, denominator: float | None,
          value: float | None) -> tuple[int, ...]:
    """The counts of children a row publishes (see the module's docstring)."""
    num = round(numerator or 0)
    den = round(denominator or 0)
    if unit == "pct":
        return (num, den - num)
    if unit in ("mean", "day"):
        return (den,)
    if unit == "count" and denominator is None:
        return (round(value or 0),)
    return (num,)


def small(n: int | Fraction) -> bool:
    return 0 < n < SUPPRESS_BELOW


# --------------------------------------------------------------------------- the attacker


def _rref(rows: list[list[Fraction]]) -> list[list[Fraction]]:
    """Reduced row echelon form of an augmented matrix (last column the constants)."""
    m = [r[:] for r in rows]
    width = len(m[0]) - 1 if m else 0
    pivot_row = 0
    for col in range(width):
        found = next((i for i in range(pivot_row, len(m)) if m[i][col] != 0), None)
        if found is None:
            continue
        m[pivot_row], m[found] = m[found], m[pivot_row]
        p = m[pivot_row][col]
        m[pivot_row] = [x / p for x in m[pivot_row]]
        for i in range(len(m)):
            if i != pivot_row and m[i][col] != 0:
                f = m[i][col]
                m[i] = [a - f * b for a, b in zip(m[i], m[pivot_row], strict=True)]
        pivot_row += 1
    return m[:pivot_row]


def derived_small(values: Mapping[Key, tuple[int, ...]], groups: Sequence[Group],
                  withheld: set[Key]) -> set[Key]:
    """The withheld keys an attacker can pin down to a count of 1-4, alone or as a sum
    of withheld cells, from the published rows and the groups' sums."""
    unknown = sorted(withheld)
    index = {k: n for n, k in enumerate(unknown)}
    width = len(next(iter(values.values()), ()))
    leaks: set[Key] = set()
    for col in range(width):
        eqs: list[list[Fraction]] = []
        for g in groups:
            row = [Fraction(0)] * (len(unknown) + 1)
            const = Fraction(0)
            for k, sign in ((g.total, -1), *((m, 1) for m in g.members)):
                if k in index:
                    row[index[k]] += sign
                else:
                    const -= sign * values[k][col]
            row[-1] = const
            if any(row[:-1]):
                eqs.append(row)
                leaks |= _sum_leak(row, unknown)
        for row in _rref(eqs) if eqs else []:
            leaks |= _sum_leak(row, unknown)
    return leaks


def _sum_leak(row: list[Fraction], unknown: list[Key]) -> set[Key]:
    """The keys of an equation that says "these withheld cells add up to 1-4"."""
    coef = {unknown[i]: c for i, c in enumerate(row[:-1]) if c != 0}
    signs = set(coef.values())
    if len(signs) != 1:
        return set()
    total = row[-1] / next(iter(signs))
    return set(coef) if small(total) else set()


# --------------------------------------------------------------------------- protection


def protect(values: Mapping[Key, tuple[int, ...]], groups: Sequence[Group]) -> set[Key]:
    """The keys to withhold: primary (a cell of 1-4), remainders (never published), and
    secondary until the attacker derives no count of 1-4."""
    withheld = {k for k, v in values.items() if any(small(c) for c in v)}
    # A remainder is never published, but one of zero (every child of a service is
    # in one of its teams) the attacker may know all the same.
    withheld |= {m for g in groups for m in g.members
                 if m[0] == REMAINDER and any(values[m])}
    for _ in range(len(values) + 1):
        leaks = derived_small(values, groups, withheld)
        if not leaks:
            return withheld
        nxt = _next_smallest(values, groups, withheld, leaks)
        if nxt is None:  # nothing left to withhold: withhold the totals as well
            withheld |= {g.total for g in groups if set(g.members) & leaks}
            continue
        withheld.add(nxt)
    return withheld


def _next_smallest(values: Mapping[Key, tuple[int, ...]], groups: Sequence[Group],
                   withheld: set[Key], leaks: set[Key]) -> Key | None:
    """The smallest published row in the narrowest group that holds a leaking cell (a
    team's service before the whole authority, so the protection stays local); rows
    with some children before empty ones (withholding a known zero protects nothing)."""
    holding = sorted((g for g in groups if set(g.members) & leaks or g.total in leaks),
                     key=lambda g: len(g.members))
    for g in holding:
        candidates = [m for m in g.members if m not in withheld]
        if candidates:
            return min(candidates, key=lambda k: (sum(values[k]) == 0, sum(values[k]), k))
    return None


def table(unit: str, rows: Iterable[Row], team_service: Mapping[str, str],
          breakdowns: Sequence[str]) -> tuple[dict[Key, tuple[int, ...]], list[Group]]:
    """The cells and groups of one indicator's rows for one month and period: each
    breakdown adds up to the authority, and teams to their service, with remainders."""
    values: dict[Key, tuple[int, ...]] = {}
    for r in rows:
        if r.breakdown == AUTHORITY or r.breakdown in breakdowns:
            key = TOTAL if r.breakdown == AUTHORITY else (r.breakdown, r.breakdown_value)
            values[key] = cells(unit, r.numerator, r.denominator, r.value)
    if TOTAL not in values:
        return {}, []
    width = len(values[TOTAL])
    groups: list[Group] = []

    def add(total: Key, members: list[Key], name: str) -> None:
        rem = (REMAINDER, name)
        values[rem] = tuple(values[total][c] - sum(values[m][c] for m in members)
                            for c in range(width))
        groups.append(Group(total, (*members, rem)))

    for b in breakdowns:
        add(TOTAL, [k for k in values if k[0] == b], b)
    if "team" in breakdowns and "service" in breakdowns:
        for s in [k for k in values if k[0] == "service"]:
            add(s, [k for k in values if k[0] == "team" and team_service.get(k[1]) == s[1]],
                f"team:{s[1]}")
    return values, groups


def withheld_rows(unit: str, rows: Iterable[Row], team_service: Mapping[str, str],
                  breakdowns: Sequence[str]) -> frozenset[Key]:
    """The rows of one indicator, month and period an aggregate-only viewer may not
    see (``(breakdown, value)``; ``TOTAL`` for the authority)."""
    rows = list(rows)
    out: set[Key] = set()
    # Breakdowns share only the authority's total, which only primary suppression
    # withholds, so each family is protected on its own (and the systems stay small).
    families = [tuple(b for b in ("service", "team") if b in breakdowns),
                *((b,) for b in breakdowns if b not in ("service", "team"))]
    for fam in families:
        values, groups = table(unit, rows, team_service, fam)
        if values:
            out |= protect(values, groups)
    if not any(r.breakdown == AUTHORITY for r in rows):
        return frozenset(out)
    auth = next(r for r in rows if r.breakdown == AUTHORITY)
    if any(small(c) for c in cells(unit, auth.numerator, auth.denominator, auth.value)):
        out.add(TOTAL)
    return frozenset(k for k in out if k[0] != REMAINDER)


def withhold(row: dict[str, Any], label: str) -> dict[str, Any]:
    """A row dictionary as published when withheld: no value, counts as ``label``."""
    out = dict(row)
    for k in ("numerator", "denominator"):
        if out.get(k) is not None:
            out[k] = label
    out["value"] = None
    out["suppressed"] = True
    return out


# --------------------------------------------------------------------------- exceptions

#: What each kind of exception says when its figures are withheld (by its rule where
#: the kind has several).
_WITHOUT_FIGURES: dict[str, str] = {
    "deep_dive": "worsened in each of the last two months: a deep dive is required",
    "spc_concern": "shows special cause variation of concern on its SPC chart",
    "target_failure": "is not meeting its target",
    "not_available": "could not be calculated this month",
    "denominator_drop": "had more than half fewer children in its denominator than last "
                        "month: the data are being checked",
}


class ExceptionLike(Protocol):
    """An exception (`assurance.exceptions.ExceptionItem`)."""

    @property
    def kind(self) -> str: ...

    @property
    def rule(self) -> str: ...

    @property
    def message(self) -> str: ...

    @property
    def breakdown(self) -> str: ...

    @property
    def breakdown_value(self) -> str: ...


def board_exception(item: ExceptionLike, title: str, *, figures: bool) -> str:
    """An exception's explanation for aggregate-only roles: as written when every
    figure it quotes is published to them (``figures``), otherwise the same
    explanation with its figures withheld."""
    if figures:
        return item.message
    what = _WITHOUT_FIGURES.get(item.rule) or _WITHOUT_FIGURES.get(item.kind, "needs attention")
    where = ("the whole authority" if item.breakdown == AUTHORITY
             else f"the {item.breakdown_value.replace('_', ' ')} {item.breakdown}")
    return f"{title} for {where} {what}. Figures withheld: they concern few children."


# --------------------------------------------------------------------------- windows


def protect_window(unit: str, window: Row | None, months: Mapping[str, Row | None],
                   published: set[str]) -> tuple[set[str], bool]:
    """A rolling window (say 12 months) is the sum of its months: with the window's
    figure and some of its months published, the rest add up to the difference. Which
    of the published ``months`` (their in-month rows; None for no row, i.e. nothing)
    to withhold as well so that difference is not 1-4, and whether the window itself
    must go (when no published month is left to withhold)."""
    if window is None:
        return set(), False
    zero = (0,) * len(cells(unit, 0, 0, 0))
    have = {m: cells(unit, r.numerator, r.denominator, r.value) if r is not None else zero
            for m, r in months.items()}
    total = cells(unit, window.numerator, window.denominator, window.value)
    shown = set(published) & set(have)
    extra: set[str] = set()
    while True:
        rest = tuple(t - sum(have[m][c] for m in shown) for c, t in enumerate(total))
        if not any(small(x) for x in rest):
            return extra, False
        left = [m for m in shown if any(have[m])]
        if not left:
            return extra, True
        m = min(left, key=lambda k: (sum(have[k]), k))
        shown.discard(m)
        extra.add(m)


# --------------------------------------------------------------------------- across months

Cells = tuple[int, ...]


@dataclass(frozen=True)
class SeriesCells:
    """One cell's figures month by month (an indicator at one scope): each month's
    rolling ``windows`` and in-month ``months`` as counts of children (None: no row,
    nothing counted), and those already withheld month by month (primary and secondary
    suppression within the month's table)."""

    span: int  # months in a window: 12 for rolling 12 months
    windows: Mapping[str, Cells | None]
    months: Mapping[str, Cells | None]
    withheld_windows: frozenset[str] = frozenset()
    withheld_months: frozenset[str] = frozenset()


def _equation_leaks(terms: Mapping[str, int], known: Mapping[str, Cells],
                    hidden: set[str], const: Cells) -> bool:
    """One published identity, ``const = Σ sign·I(month)``: does it pin a sum of
    unknown months to 1-4 (as `_sum_leak`), or give back a single month withheld in its
    own month's table (whose secondary suppression protects a small cell there)?"""
    unknown = {m: s for m, s in terms.items() if s and m not in known}
    signs = set(unknown.values())
    if len(signs) != 1:
        return False
    sign = next(iter(signs))
    for c, total in enumerate(const):
        pinned = sign * (total - sum(s * known[m][c] for m, s in terms.items()
                                     if s and m in known))
        if small(pinned) or (len(unknown) == 1 and set(unknown) <= hidden):
            return True
    return False


def _window_terms(m: str, span: int) -> dict[str, int]:
    """A rolling window as the sum of its months."""
    end = Month.parse(m)
    return {str(end - k): 1 for k in range(span)}


def protect_series(cell: SeriesCells, order: Sequence[str]
                   ) -> tuple[frozenset[str], frozenset[str]]:
    """Cross-month differencing: this month's 12-month figure less last month's is this
    month's in-month count less that of a year ago, so with one of them published the
    other follows. Which windows and months (of ``order``, oldest first) to withhold.

    Decided month by month from the first of ``order``, each month seeing only the
    months before it, so every page that shows a month (this month's, next month's)
    withholds the same figures: a month's in-month figure goes first, its window if
    that is not enough. A published window is checked against itself (the window less
    its months shown) and against every window published before it (their
    difference); months before ``order`` are unknown to the attacker."""
    known: dict[str, Cells] = {}
    published: dict[str, Cells] = {}  # window month -> its counts
    out_w: set[str] = set()
    out_m: set[str] = set()
    hidden = set(cell.withheld_months)  # withheld in their own month's table, or here
    width = len(next((c for c in (*cell.windows.values(), *cell.months.values()) if c), ()))
    zero = (0,) * width
    for m in order:
        window, month = cell.windows.get(m), cell.months.get(m)
        month_ok = m not in cell.withheld_months
        window_ok = window is not None and m not in cell.withheld_windows
        for keep_month, keep_window in ((month_ok, window_ok), (False, window_ok),
                                        (month_ok, False), (False, False)):
            trial = dict(known)
            if keep_month:
                trial[m] = month if month is not None else zero
            if not keep_window or window is None:
                break
            if not _window_leaks(m, window, trial, hidden | ({m} - set(trial)), published,
                                 cell.span):
                break
        if keep_month:
            known[m] = month if month is not None else zero
        else:
            out_m.add(m)
            hidden.add(m)
        if keep_window and window is not None:
            published[m] = window
        else:
            out_w.add(m)
    return frozenset(out_w), frozenset(out_m)


def _window_leaks(m: str, window: Cells, known: Mapping[str, Cells], hidden: set[str],
                  published: Mapping[str, Cells], span: int) -> bool:
    mine = _window_terms(m, span)
    if _equation_leaks(mine, known, hidden, window):
        return True
    for q, earlier in published.items():
        terms = dict(mine)
        for k in _window_terms(q, span):
            terms[k] = terms.get(k, 0) - 1
        diff = tuple(a - b for a, b in zip(window, earlier, strict=True))
        if _equation_leaks(terms, known, hidden, diff):
            return True
    return False


def authority_window_withheld(unit: str, span: int, windows: Sequence[Any],
                              months: Sequence[Any], month: str) -> bool:
    """Whether the authority's rolling figure for ``month`` is withheld across months,
    from its charts' points (each with ``month``, ``numerator``, ``denominator``,
    ``value``; windows oldest first): the same decision the scorecard makes for the
    whole authority, whose figures are withheld within a month only when small."""
    def counted(points: Sequence[Any]) -> dict[str, Cells]:
        return {p.month: cells(unit, p.numerator, p.denominator, p.value) for p in points
                if p.value is not None or p.numerator is not None}

    w, m = counted(windows), counted(months)
    cell = SeriesCells(span, w, m, frozenset(k for k, c in w.items() if any(map(small, c))),
                       frozenset(k for k, c in m.items() if any(map(small, c))))
    out, _ = protect_series(cell, [p.month for p in windows])
    return month in out


# --------------------------------------------------------------------------- count grids


def withheld_cells(grid: Mapping[tuple[str, str], int]) -> frozenset[tuple[str, str]]:
    """The cells of a published grid of counts (row, column) -> n, whose column totals
    are published too (e.g. social workers by team and caseload band, with the
    authority's count in each band), that aggregate-only roles may not see: primary and
    secondary suppression as for indicator rows (`protect`); a withheld column total is
    returned as (AUTHORITY, column). Row totals are taken as unpublished."""
    values: dict[Key, tuple[int, ...]] = {k: (n,) for k, n in grid.items()}
    groups = []
    for col in sorted({c for _, c in grid}):
        total: Key = (AUTHORITY, col)
        values[total] = (sum(n for (_, c), n in grid.items() if c == col),)
        groups.append(Group(total, tuple(k for k in grid if k[1] == col)))
    return frozenset(protect(values, groups))
