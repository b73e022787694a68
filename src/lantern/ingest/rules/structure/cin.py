"""CIN census structure: the flattened layout (cin/tables.py) and every element as the XSD says.

Occurrence (minOccurs), types, enumerations and patterns come from the year's XSD
(schema.py). Fields a DfE rule checks (e.g. 8500 LAchildID) are left to it.
"""

from __future__ import annotations

from collections.abc import Iterable

from lantern.ingest.rules.cin._base import unborn
from lantern.ingest.rules.cin.tables import (
    ASSESSMENT_INDEX,
    CHILD_INDEX,
    CIN_INDEX,
    CIN_TABLES,
    CPP_INDEX,
    SEX_ELEMENTS,
)
from lantern.ingest.rules.common import claimed, v
from lantern.ingest.rules.engine import Context, Finding, rule
from lantern.ingest.rules.schema import CIN_XSD_YEARS, FieldSpec, cin_elements

TABLES = list(CIN_TABLES)


def sex_codes() -> frozenset[str]:
    """Codes either sex element may hold in any year: GenderCurrent's 0/1/2/9 (to 2024) and
    Sex's M/F/U (from 2025). Returns carry either element with either code set (the
    2024 public sample has <Sex>1</Sex> and <Sex>M</Sex>); the DfE's rules accept both."""
    out: set[str] = set()
    for year in CIN_XSD_YEARS:
        for name, spec in cin_elements(year).get("ChildIdentifiers", {}).items():
            if name in SEX_ELEMENTS:
                out |= spec.codes
    return frozenset(out)


def _has_sex(row: dict[str, str | None]) -> bool:
    return any(v(row, e) is not None for e in SEX_ELEMENTS)


def _specs(ctx: Context, kind: str, check: str) -> Iterable[tuple[str, FieldSpec]]:
    elements = cin_elements(ctx.collection_year)
    for name in TABLES:
        if not ctx.has(name):
            continue
        cols = set(ctx.tables[name].columns)
        for fld, spec in elements.get(name, {}).items():
            if fld in cols and (kind == "*" or spec.kind == kind) \
                    and not claimed("cin", name, fld, check):
                yield name, spec


@rule(id="cin:layout", format="cin", severity="error", family="structure",
      message="A flattened CIN table lacks a field or link key of the agreed layout.",
      fields=["(any)"], tables=TABLES,
      expected="the fields and keys listed in lantern.ingest.rules.cin.tables")
def layout(ctx: Context) -> Iterable[Finding]:
    for name, lay in CIN_TABLES.items():
        if not ctx.has(name):
            continue
        have = set(ctx.tables[name].columns)
        for col in (*lay.fields, *lay.keys):
            if col in SEX_ELEMENTS and have & set(SEX_ELEMENTS):
                continue
            if col not in have:
                yield Finding(name, None, col, None,
                              message=f"The CIN {name} table has no {col} column.",
                              expected=f"a {col} column (see cin/tables.py)")


@rule(id="cin:required", format="cin", severity="error", family="structure",
      message="An element the CIN census XSD requires is missing or empty.",
      fields=["(schema)"], tables=TABLES, expected="the element present with a value")
def required(ctx: Context) -> Iterable[Finding]:
    for name, spec in _specs(ctx, "*", "blank"):
        if not spec.required:
            continue
        for i, row in ctx.enum(name):
            if v(row, spec.name) is None:
                if spec.name in SEX_ELEMENTS and (_has_sex(row) or unborn(row)):
                    # GenderCurrent or Sex: either element satisfies the XSD's one; an
                    # unborn child's missing sex is DfE 8750's to report
                    continue
                yield Finding(name, i, spec.name, None,
                              message=f"{spec.name} is missing but is required.")


@rule(id="cin:date", format="cin", severity="error", family="structure",
      message="A date element does not hold a real date.", fields=["(schema dates)"],
      tables=TABLES, expected="a real date as YYYY-MM-DD")
def real_dates(ctx: Context) -> Iterable[Finding]:
    for name, spec in _specs(ctx, "date", "date"):
        parsed = ctx.dates(name, spec.name)
        for i, row in ctx.enum(name):
            raw = v(row, spec.name)
            if raw is not None and parsed[i] is None:
                yield Finding(name, i, spec.name, raw, message=f"{spec.name} is not a real date.")


@rule(id="cin:code", format="cin", severity="error", family="structure",
      message="A coded element holds a value outside the XSD enumeration.",
      fields=["(schema codes)"], tables=TABLES, expected="a code from the year's CIN census XSD")
def in_code_set(ctx: Context) -> Iterable[Finding]:
    for name, spec in _specs(ctx, "code", "code"):
        if spec.name in SEX_ELEMENTS:
            continue  # checked below, both elements against both code sets
        shown = ", ".join(sorted(spec.codes))
        for i, row in ctx.enum(name):
            raw = v(row, spec.name)
            if raw is not None and raw not in spec.codes:
                yield Finding(name, i, spec.name, raw, message=f"{spec.name} is not a valid code.",
                              expected=f"one of {shown}")
    yield from _sex_codes(ctx)


def _sex_codes(ctx: Context) -> Iterable[Finding]:
    table = "ChildIdentifiers"
    if not ctx.has(table):
        return
    codes = sex_codes()
    shown = ", ".join(sorted(codes))
    cols = set(ctx.tables[table].columns)
    for name in SEX_ELEMENTS:
        if name not in cols or claimed("cin", table, name, "code"):
            continue
        for i, row in ctx.enum(table):
            raw = v(row, name)
            if raw is not None and raw not in codes:
                yield Finding(table, i, name, raw, message=f"{name} is not a valid code.",
                              expected=f"one of {shown} (GenderCurrent or Sex codes)")


@rule(id="cin:pattern", format="cin", severity="error", family="structure",
      message="An element does not match the XSD pattern (UPN, former UPN, LEA, serial number).",
      fields=["UPN", "FormerUPN", "LEA", "SerialNo"], tables=TABLES,
      expected="a value matching the XSD pattern")
def patterns(ctx: Context) -> Iterable[Finding]:
    for name, spec in _specs(ctx, "string", "pattern"):
        if spec.pattern is None:
            continue
        for i, row in ctx.enum(name):
            raw = v(row, spec.name)
            if raw is not None and not spec.matches(raw):
                what = ("a letter, 11 digits and a final digit or letter (13 characters)"
                        if "UPN" in spec.name else f"the pattern {spec.pattern}")
                yield Finding(name, i, spec.name, raw,
                              message=f"{spec.name} does not have the required format.",
                              expected=what)


@rule(id="cin:integer", format="cin", severity="error", family="structure",
      message="A numeric element is not a whole number of zero or more.",
      fields=["NumberOfPreviousCPP", "Year"], tables=TABLES, expected="a whole number, 0 or more")
def integers(ctx: Context) -> Iterable[Finding]:
    for name, spec in _specs(ctx, "integer", "integer"):
        for i, row in ctx.enum(name):
            raw = v(row, spec.name)
            if raw is not None and not raw.isdigit():
                yield Finding(name, i, spec.name, raw,
                              message=f"{spec.name} is not a whole number of zero or more.")


_PARENTS = {  # table -> (key, parent table that defines it)
    "ChildCharacteristics": (CHILD_INDEX, "ChildIdentifiers"),
    "Disabilities": (CHILD_INDEX, "ChildIdentifiers"),
    "CINdetails": (CHILD_INDEX, "ChildIdentifiers"),
    "Assessments": (CIN_INDEX, "CINdetails"),
    "AssessmentFactors": (ASSESSMENT_INDEX, "Assessments"),
    "CINplanDates": (CIN_INDEX, "CINdetails"),
    "Section47": (CIN_INDEX, "CINdetails"),
    "ChildProtectionPlans": (CIN_INDEX, "CINdetails"),
    "Reviews": (CPP_INDEX, "ChildProtectionPlans"),
}


@rule(id="cin:orphan-row", format="cin", severity="error", family="consistency",
      message="A row's link key does not match any row of its parent table.",
      fields=[CHILD_INDEX, CIN_INDEX, ASSESSMENT_INDEX, CPP_INDEX], tables=TABLES,
      expected="a key that matches a parent row (a reader fault if not)")
def orphans(ctx: Context) -> Iterable[Finding]:
    for name, (key, parent) in _PARENTS.items():
        if not ctx.has(name) or not ctx.has(parent):
            continue
        known = set(ctx.by_child(parent, key))
        for i, row in ctx.enum(name):
            k = v(row, key)
            if k not in known:
                yield Finding(name, i, key, k, message=f"{name} row links to no {parent} ({key}).")
