"""Helpers shared by rule declarations: ages, value tests and one-field rule factories.

The factories declare a whole rule in one call (`date_rule(id=..., table=..., field=...)`)
for the many DfE rules that say only "X is not a valid date/code". A field a DfE rule
checks is *claimed*, so the generic structure rules leave it to that rule.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import date

from lantern.ingest.rules.engine import Check, Context, Finding, clean, rule
from lantern.ingest.source import Format, Severity

CLAIMS: set[tuple[str, str, str, str]] = set()  # (format, table, field, kind)


def claim(fmt: Format, table: str, field: str, *kinds: str) -> None:
    """Say a declared rule checks `kinds` ("date", "code", "blank", ...) of this field."""
    for kind in kinds:
        CLAIMS.add((fmt, table, field, kind))


def claimed(fmt: Format, table: str, field: str, kind: str) -> bool:
    return (fmt, table, field, kind) in CLAIMS


def add_years(d: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in other years."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def age(dob: date, on: date) -> int:
    """Whole years of age on a date."""
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def days(a: date, b: date) -> int:
    return (b - a).days


def is_true(value: str | None) -> bool:
    return clean(value) in ("1", "true", "TRUE", "True")


def is_false(value: str | None) -> bool:
    return clean(value) in ("0", "false", "FALSE", "False")


def v(row: dict[str, str | None], field: str) -> str | None:
    """A row's value without surrounding spaces; None when blank."""
    return clean(row.get(field))


def repeated(ctx: Context, table: str, field: str) -> Iterator[Finding]:
    """Every row whose (non-blank) value of `field` is on another row of `table` too."""
    counts = Counter(v(r, field) for r in ctx.rows(table))
    for i, row in ctx.enum(table):
        value = v(row, field)
        if value is not None and counts[value] > 1:
            yield Finding(table, i, field, value)


# -- one-field rule factories ----------------------------------------------------------

def date_rule(*, id: str, format: Format, table: str, field: str, message: str,
              dfe_code: str | None = None, blank_is_error: bool = False,
              severity: Severity = "error", years: tuple[int, int] | None = None) -> Check:
    """Declare: `table.field` must be a real date (and present, if `blank_is_error`)."""
    claim(format, table, field, "date", *(("blank",) if blank_is_error else ()))

    def check(ctx: Context) -> Iterable[Finding]:
        parsed = ctx.dates(table, field)
        for i, row in ctx.enum(table):
            raw = v(row, field)
            if (raw is None and blank_is_error) or (raw is not None and parsed[i] is None):
                yield Finding(table, i, field, raw)

    fmt_text = "dd/mm/yyyy" if format == "ssda903" else "YYYY-MM-DD"
    expected = f"a real date as {fmt_text}" + ("" if blank_is_error else ", or blank")
    return rule(id=id, dfe_code=dfe_code, format=format, severity=severity, message=message,
                fields=[field], tables=[table], expected=expected, years=years)(check)


def code_rule(*, id: str, format: Format, table: str, field: str, message: str,
              codes: Callable[[int | None], Iterable[str]], dfe_code: str | None = None,
              blank_is_error: bool = False, severity: Severity = "error",
              expected: str | None = None, family: str = "dfe",
              years: tuple[int, int] | None = None) -> Check:
    """Declare: `table.field` must be one of `codes(year)` (and present, if required)."""
    claim(format, table, field, "code", *(("blank",) if blank_is_error else ()))

    tail = "" if blank_is_error else ", or blank"

    def check(ctx: Context) -> Iterable[Finding]:
        allowed = frozenset(codes(ctx.collection_year))
        shown = expected or f"one of {', '.join(sorted(allowed))}{tail}"
        for i, row in ctx.enum(table):
            raw = v(row, field)
            if (raw is None and blank_is_error) or (raw is not None and raw not in allowed):
                yield Finding(table, i, field, raw, expected=shown)

    text = expected or f"one of {', '.join(sorted(codes(None)))}{tail}"
    return rule(id=id, dfe_code=dfe_code, format=format, severity=severity, message=message,
                fields=[field], tables=[table], expected=text, family=family,
                years=years)(check)
