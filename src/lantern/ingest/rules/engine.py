"""The small generic engine: a registry of declared rules, a context, and `run`.

A rule is a function `(ctx) -> Iterable[Finding]` declared with `@rule(...)`. The
engine knows nothing about any particular rule: it gives each rule a `Context` over
one format's tables of one collection year and turns each `Finding` into a
`Problem` carrying the file, the row's locator, the rule's message and expectation.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from typing import Any, NamedTuple, TypeVar, cast

from lantern.ingest.source import Format, Problem, Severity, SourceTable

T = TypeVar("T")
log = logging.getLogger(__name__)


class Finding(NamedTuple):
    """One failing value: which table, which row (index into `rows`), which field.

    `row_index` None means the table as a whole (e.g. a missing column); `value`
    None means blank/absent. `message`/`expected` override the rule's own text when
    a rule needs to say something more specific (e.g. naming the missing column).
    """

    table: str
    row_index: int | None
    field: str
    value: str | None
    message: str | None = None
    expected: str | None = None


Check = Callable[["Context"], Iterable[Finding]]
Tally = Counter[str]
Count = Callable[["Context"], Tally]
Judge = Callable[[Tally, "Context"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    format: Format
    severity: Severity
    message: str
    fields: tuple[str, ...]
    tables: tuple[str, ...]
    expected: str
    check: Check
    dfe_code: str | None = None
    family: str = "dfe"  # structure | logic | consistency | dfe
    years: tuple[int, int] | None = None  # inclusive collection years the rule applies to
    # A field compared across the whole file (e.g. an id that must be unique). A file read
    # in chunks runs such a rule once more, over the rows whose value of it repeats.
    across: str | None = None
    # A rule about the return as a whole (DfE's "LA level" rules, e.g. 2887Q): `count`
    # tallies what it needs from any part of the return, and `check` judges the tally of
    # the part it is given. A file read in chunks is tallied chunk by chunk, its tallies
    # added up, and judged once (`judge`).
    count: Count | None = None
    judge: Judge | None = None

    def applies_to(self, year: int | None) -> bool:
        if self.years is None or year is None:
            return True
        return self.years[0] <= year <= self.years[1]


RULES: dict[str, Rule] = {}

# The collection years (the 31 March) DfE's published rule lists cover, per collection. A
# return from another year is checked against the nearest of them, and told so.
RULE_YEARS: dict[str, tuple[int, int]] = {"ssda903": (2023, 2027), "cin": (2023, 2026)}


def rules_year(fmt: str, year: int | None) -> int | None:
    """The year whose rules check a return of `year`: itself, or the nearest covered."""
    span = RULE_YEARS.get(fmt)
    if span is None or year is None:
        return year
    return min(max(year, span[0]), span[1])


def year_label(year: int) -> str:
    """A collection year as people write it: 2025 (the 31 March) -> "2024-25"."""
    return f"{year - 1}-{year % 100:02d}"


def nearest_year_note(fmt: str, year: int | None) -> str | None:
    """What to tell the person when a return's year is outside the rule sets."""
    used = rules_year(fmt, year)
    if year is None or used is None or used == year:
        return None
    first, last = RULE_YEARS[fmt]
    return (f"a {year_label(year)} {fmt} return is outside the years Lantern has rules for "
            f"({year_label(first)} to {year_label(last)}): checked against the "
            f"{year_label(used)} rules")


def rule_years(r: Rule) -> tuple[int, ...]:
    """The collection years a rule is checked in, within its collection's covered years."""
    first, last = RULE_YEARS.get(r.format, (0, -1))
    if r.years is not None:
        first, last = max(first, r.years[0]), min(last, r.years[1])
    return tuple(range(first, last + 1))


def rule(
    *,
    id: str,
    format: Format,
    severity: Severity,
    message: str,
    fields: Iterable[str],
    tables: Iterable[str],
    expected: str,
    dfe_code: str | None = None,
    family: str = "dfe",
    years: tuple[int, int] | None = None,
    across: str | None = None,
) -> Callable[[Check], Check]:
    """Declare a validation rule and register it in `RULES` under `id`."""

    def register(fn: Check) -> Check:
        if id in RULES:
            raise ValueError(f"duplicate validation rule id {id!r}")
        RULES[id] = Rule(
            id=id, format=format, severity=severity, message=message, fields=tuple(fields),
            tables=tuple(tables), expected=expected, check=fn, dfe_code=dfe_code,
            family=family, years=years, across=across,
        )
        return fn

    return register


def return_rule(*, id: str, format: Format, severity: Severity, message: str,
                fields: Iterable[str], tables: Iterable[str], expected: str, count: Count,
                dfe_code: str | None = None, years: tuple[int, int] | None = None
                ) -> Callable[[Judge], Judge]:
    """Declare a rule about the whole return: `count(ctx)` tallies a part of it, the
    decorated `judge(tally, ctx)` yields a Finding (row None) when the return breaks it."""

    def register(judge: Judge) -> Judge:
        def check(ctx: Context) -> Iterable[Finding]:
            return judge(count(ctx), ctx)

        rule(id=id, format=format, severity=severity, message=message, fields=fields,
             tables=tables, expected=expected, dfe_code=dfe_code, years=years)(check)
        RULES[id] = replace(RULES[id], count=count, judge=judge)
        return judge

    return register


# -- values ------------------------------------------------------------------------

def clean(value: str | None) -> str | None:
    """The value without surrounding spaces; None when blank."""
    if value is None:
        return None
    v = value.strip()
    return v or None


_DATE_FORMATS: dict[Format, str] = {
    "ssda903": "%d/%m/%Y",
    "cin": "%Y-%m-%d",
    "ssd": "%Y-%m-%d",
    "annex_a": "%d/%m/%Y",
}


_FAST_DATES = {"%d/%m/%Y": (re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})"), (3, 2, 1)),
               "%Y-%m-%d": (re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"), (1, 2, 3))}


def parse_date(value: str | None, fmt: str) -> date | None:
    """A real date in `fmt`, else None (blank, malformed or impossible like 31/02)."""
    v = clean(value)
    if v is None:
        return None
    return _parse(v, fmt)


@lru_cache(maxsize=1 << 16)
def _parse(v: str, fmt: str) -> date | None:
    # A return repeats its dates (births, year ends, episode boundaries), and strptime is
    # the costliest step of checking a file: the two statutory formats are matched by a
    # pattern (what strptime accepts for them: 1-2 digit day and month) and remembered.
    fast = _FAST_DATES.get(fmt)
    if fast is not None:
        m = fast[0].fullmatch(v)
        if m is None:
            return None
        y, mo, d = (int(m.group(k)) for k in fast[1])
        try:
            return date(y, mo, d)
        except ValueError:
            return None
    try:
        return datetime.strptime(v, fmt).date()
    except ValueError:
        return None


# -- context -----------------------------------------------------------------------

@dataclass
class Context:
    """One format's tables for one collection year, by name (`Episodes`, `Header_last`)."""

    format: Format
    collection_year: int | None
    tables: dict[str, SourceTable]
    _dates: dict[tuple[str, str], list[date | None]] = field(default_factory=dict)
    _by_child: dict[tuple[str, str], dict[str, list[int]]] = field(default_factory=dict)
    _memo: dict[str, Any] = field(default_factory=dict)

    def memo(self, key: str, make: Callable[[], T]) -> T:
        """A value derived from the tables, computed once per context (shared indexes)."""
        if key not in self._memo:
            self._memo[key] = make()
        return cast(T, self._memo[key])

    @property
    def date_format(self) -> str:
        return _DATE_FORMATS[self.format]

    def has(self, name: str) -> bool:
        return name in self.tables

    def rows(self, name: str) -> list[dict[str, str | None]]:
        t = self.tables.get(name)
        return t.rows if t is not None else []

    def enum(self, name: str) -> Iterator[tuple[int, dict[str, str | None]]]:
        return enumerate(self.rows(name))

    def value(self, name: str, i: int, fld: str) -> str | None:
        return clean(self.rows(name)[i].get(fld))

    def dates(self, name: str, fld: str) -> list[date | None]:
        """The parsed dates of one column (None where blank or invalid), cached."""
        key = (name, fld)
        got = self._dates.get(key)
        if got is None:
            fmt = self.date_format
            got = [parse_date(r.get(fld), fmt) for r in self.rows(name)]
            self._dates[key] = got
        return got

    def by_child(self, name: str, key: str = "CHILD") -> dict[str, list[int]]:
        """Row indexes of a table grouped by a (cleaned) key column, cached."""
        k = (name, key)
        got = self._by_child.get(k)
        if got is None:
            got = defaultdict(list)
            for i, r in enumerate(self.rows(name)):
                v = clean(r.get(key))
                if v is not None:
                    got[v].append(i)
            got = dict(got)
            self._by_child[k] = got
        return got

    @property
    def year_start(self) -> date | None:
        """1 April before the collection year's 31 March."""
        return date(self.collection_year - 1, 4, 1) if self.collection_year else None

    @property
    def year_end(self) -> date | None:
        """31 March of the collection year (the census reference date)."""
        return date(self.collection_year, 3, 31) if self.collection_year else None


# -- running -------------------------------------------------------------------------

def _contexts(tables: list[SourceTable]) -> list[Context]:
    """Group tables by format and year; a same-named older table becomes `<name>_last`."""
    by_format: dict[Format, list[SourceTable]] = defaultdict(list)
    for t in tables:
        by_format[t.format].append(t)
    contexts = []
    for fmt, ts in by_format.items():
        years = [t.collection_year for t in ts if t.collection_year is not None]
        current = max(years) if years else None
        named: dict[str, SourceTable] = {}
        for t in ts:
            name = t.name
            if (current is not None and t.collection_year is not None
                    and t.collection_year < current and not name.endswith("_last")):
                name = f"{name}_last"
            named[name] = t
        contexts.append(Context(format=fmt, collection_year=current, tables=named))
    return contexts


def _problem(ctx: Context, r: Rule, f: Finding) -> Problem:
    table = ctx.tables.get(f.table)
    if table is None:
        file, locator = "(not supplied)", f.table
    else:
        file = str(table.file)
        if f.row_index is None:
            locator = f.table
        elif f.row_index < len(table.locators):
            locator = table.locators[f.row_index]
        else:
            locator = f"row {f.row_index + 2}"
    return Problem(
        file=file, locator=locator, field=f.field, value=f.value, rule_id=r.id,
        severity=r.severity, message=f.message or r.message, expected=f.expected or r.expected,
    )


def run(tables: list[SourceTable], rules: Iterable[Rule],
        tallies: dict[str, Tally] | None = None) -> list[Problem]:
    """Run `rules` over `tables`; a rule that crashes is reported, never fatal.

    `tallies` (rule id -> tally) is for a return read in parts: a return-level rule then
    adds this part's tally to it instead of judging the part. Given with no tables' rows
    (`judge_tallies`), the rules judge the tallies."""
    rules = list(rules)
    problems: list[Problem] = []
    for ctx in _contexts(tables):
        for r in rules:
            if r.format != ctx.format or not r.applies_to(rules_year(ctx.format,
                                                                     ctx.collection_year)):
                continue
            if not any(ctx.has(t) for t in r.tables):
                continue
            try:
                if tallies is not None and r.count is not None:
                    tallies.setdefault(r.id, Counter()).update(r.count(ctx))
                    continue
                for f in r.check(ctx):
                    problems.append(_problem(ctx, r, f))
            except Exception as exc:  # a bug in one rule must not hide the others
                problems.append(_crashed(r, exc))
    return problems


def judge_tallies(tables: list[SourceTable], rules: Iterable[Rule],
                  tallies: dict[str, Tally]) -> list[Problem]:
    """Judge the return-level rules on a whole return's tallies; `tables` (rows not
    needed) say which file and year they belong to."""
    problems: list[Problem] = []
    for ctx in _contexts(tables):
        for r in rules:
            if r.judge is None or r.format != ctx.format or not r.applies_to(
                    rules_year(ctx.format, ctx.collection_year)) \
                    or not any(ctx.has(t) for t in r.tables):
                continue
            try:
                for f in r.judge(tallies.get(r.id, Counter()), ctx):
                    problems.append(_problem(ctx, r, f))
            except Exception as exc:
                problems.append(_crashed(r, exc))
    return problems


def _crashed(r: Rule, exc: Exception) -> Problem:
    log.exception("validation rule %s failed", r.id)
    return Problem(file="(validation)", locator=r.id, field="", value=None, rule_id=r.id,
                   severity="warning", message=f"rule {r.id} could not be checked: {exc!r}",
                   expected="the rule to run; please report this as a Lantern bug")
