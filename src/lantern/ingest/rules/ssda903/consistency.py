"""Cross-file consistency of one SSDA903 return: children, dates of birth, sex, duplicates.

Ids and messages are those of the community 903 validator's internal checks (INTnn in
903_2024_25_rule_info.csv); they are not DfE-coded rules.
"""

from __future__ import annotations

from collections.abc import Iterable

from lantern.ingest.rules.common import v
from lantern.ingest.rules.engine import Check, Context, Finding, rule
from lantern.ingest.rules.ssda903._base import F, header_row, sex_norm

_IN_HEADER = {"INT01": "AD1", "INT02": "PlacedAdoption", "INT03": "Episodes", "INT04": "Missing",
              "INT05": "OC2", "INT06": "OC3", "INT07": "PrevPerm", "INT08": "Reviews",
              "INT09": "UASC"}
_SAME_DOB = {"INT11": "AD1", "INT12": "PlacedAdoption", "INT13": "Missing", "INT14": "OC2",
             "INT15": "OC3", "INT16": "PrevPerm", "INT17": "Reviews", "INT18": "UASC"}
_ONCE = {"INT31": "AD1", "INT32": "Header", "INT33": "OC2", "INT34": "OC3", "INT35": "PrevPerm",
         "INT36": "UASC"}


def _in_header(table: str) -> Check:
    def check(ctx: Context) -> Iterable[Finding]:
        if not ctx.has("Header"):
            return
        known = header_row(ctx)
        for i, row in ctx.enum(table):
            child = v(row, "CHILD")
            if child is not None and child not in known:
                yield Finding(table, i, "CHILD", child)

    return check


def _same_dob(table: str) -> Check:
    def check(ctx: Context) -> Iterable[Finding]:
        known = header_row(ctx)
        for i, row in ctx.enum(table):
            h = known.get(v(row, "CHILD") or "")
            if h is not None and v(row, "DOB") != ctx.value("Header", h, "DOB"):
                yield Finding(table, i, "DOB", v(row, "DOB"))

    return check


def _once(table: str) -> Check:
    def check(ctx: Context) -> Iterable[Finding]:
        for child, rows in ctx.by_child(table).items():
            if len(rows) > 1:
                for i in rows:
                    yield Finding(table, i, "CHILD", child)

    return check


for _id, _t in _IN_HEADER.items():
    rule(id=f"903:{_id}", dfe_code=_id, format=F, severity="error", family="consistency",
         message=f"Internal Check: Child in {_t} does not exist in Header."
         if _id != "INT01" else "Data Integrity Check: Child in AD1 does not exist in Header.",
         fields=["CHILD"], tables=[_t, "Header"],
         expected="every child in the return listed in the Header")(_in_header(_t))
for _id, _t in _SAME_DOB.items():
    rule(id=f"903:{_id}", dfe_code=_id, format=F, severity="error", family="consistency",
         message=f"Internal Check: DOB in {_t} is different to DOB in Header.",
         fields=["DOB"], tables=[_t, "Header"],
         expected="the DOB given for the child in the Header")(_same_dob(_t))
for _id, _t in _ONCE.items():
    rule(id=f"903:{_id}", dfe_code=_id, format=F, severity="error", family="consistency",
         message=f"Internal Check: Child should only exist once in {_t}.",
         fields=["CHILD"], tables=[_t],
         expected=f"one {_t} row per child")(_once(_t))


@rule(id="903:INT21", dfe_code="INT21", format=F, severity="error", family="consistency",
      message="Internal Check: SEX in UASC is different to SEX in Header.", fields=["SEX"],
      tables=["UASC", "Header"], expected="the SEX given for the child in the Header")
def uasc_sex(ctx: Context) -> Iterable[Finding]:
    known = header_row(ctx)
    for i, row in ctx.enum("UASC"):
        h = known.get(v(row, "CHILD") or "")
        if h is not None and sex_norm(v(row, "SEX")) != sex_norm(ctx.value("Header", h, "SEX")):
            yield Finding("UASC", i, "SEX", v(row, "SEX"))
