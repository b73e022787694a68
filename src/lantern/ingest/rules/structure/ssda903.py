"""SSDA903 structure: columns present, CHILD present, and every field as the schema says.

The schema's two numeric fields (NB_ADOPTR, SDQ_SCORE) are checked by DfE rules 175
and 180, so there is no generic integer rule here.

Field types, blanks allowed and code sets come from the year's schema (schema.py).
A field that a DfE rule already checks (e.g. 102 for Header DOB) is left to it.
"""

from __future__ import annotations

from collections.abc import Iterable

from lantern.formats.ssda903 import SSDA903_COLUMNS
from lantern.ingest.rules.common import claim, claimed, v
from lantern.ingest.rules.engine import Context, Finding, rule
from lantern.ingest.rules.schema import ssda903_fields

TABLES = list(SSDA903_COLUMNS)
for _table in TABLES:
    claim("ssda903", _table, "CHILD", "blank")


def _current(ctx: Context) -> Iterable[str]:
    return (t for t in TABLES if ctx.has(t))


@rule(id="903:columns", format="ssda903", severity="error", family="structure",
      message="A column of the SSDA903 table is missing from the file.",
      fields=["(any)"], tables=TABLES,
      expected="every column of the table's DfE layout in the header row")
def columns_present(ctx: Context) -> Iterable[Finding]:
    for name in _current(ctx):
        have = {c.strip() for c in ctx.tables[name].columns}
        for col in SSDA903_COLUMNS[name]:
            if col not in have:
                yield Finding(name, None, col, None,
                              message=f"The {name} file has no {col} column.",
                              expected=f"a {col} column in the header row")


@rule(id="903:child-missing", format="ssda903", severity="error", family="structure",
      message="The child's LA identifier (CHILD) is blank.", fields=["CHILD"], tables=TABLES,
      expected="the child's LA identifier on every row")
def child_present(ctx: Context) -> Iterable[Finding]:
    for name in _current(ctx):
        if "CHILD" not in ctx.tables[name].columns:
            continue
        for i, row in ctx.enum(name):
            if v(row, "CHILD") is None:
                yield Finding(name, i, "CHILD", None)


def _specs(ctx: Context, kind: str, check: str) -> Iterable[tuple[str, str]]:
    fields = ssda903_fields(ctx.collection_year)
    for name in _current(ctx):
        cols = set(ctx.tables[name].columns)
        for fld, spec in fields.get(name, {}).items():
            if fld in cols and (kind == "*" or spec.kind == kind) \
                    and not claimed("ssda903", name, fld, check):
                yield name, fld


@rule(id="903:blank", format="ssda903", severity="error", family="structure",
      message="A field the SSDA903 return requires is blank.", fields=["(schema)"],
      tables=TABLES, expected="a value (the schema does not allow this field blank)")
def required_present(ctx: Context) -> Iterable[Finding]:
    fields = ssda903_fields(ctx.collection_year)
    for name, fld in _specs(ctx, "*", "blank"):
        if not fields[name][fld].required:
            continue
        for i, row in ctx.enum(name):
            if v(row, fld) is None:
                yield Finding(name, i, fld, None, message=f"{fld} is blank but is required.")


@rule(id="903:date", format="ssda903", severity="error", family="structure",
      message="A date field does not hold a real date.", fields=["(schema dates)"],
      tables=TABLES, expected="a real date as dd/mm/yyyy")
def real_dates(ctx: Context) -> Iterable[Finding]:
    for name, fld in _specs(ctx, "date", "date"):
        parsed = ctx.dates(name, fld)
        for i, row in ctx.enum(name):
            raw = v(row, fld)
            if raw is not None and parsed[i] is None:
                yield Finding(name, i, fld, raw, message=f"{fld} is not a real date.")


@rule(id="903:code", format="ssda903", severity="error", family="structure",
      message="A coded field holds a value outside the year's code set.",
      fields=["(schema codes)"], tables=TABLES,
      expected="a code from the year's SSDA903 code set")
def in_code_set(ctx: Context) -> Iterable[Finding]:
    fields = ssda903_fields(ctx.collection_year)
    for name, fld in _specs(ctx, "code", "code"):
        codes = fields[name][fld].codes
        shown = ", ".join(sorted(codes))
        for i, row in ctx.enum(name):
            raw = v(row, fld)
            if raw is not None and raw not in codes:
                yield Finding(name, i, fld, raw, message=f"{fld} is not a valid code.",
                              expected=f"one of {shown}")
