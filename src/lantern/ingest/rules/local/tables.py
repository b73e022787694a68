"""The local tables' rules, all derived from the model's declaration of each table.

Each local table (`source: local` in tables.yml) gets: required fields present, the key
unique, dates real, numbers numbers (not negative), codes from codes.yml, every id naming
a row that exists (a person, a team, an arrangement: in the same ingest, or loaded
already; `foreign_key`, `id_list`) and dates in order (`not_before`). Every rule has an id
`local:<table>:<check>` and names the file, row, field, value and what was expected.

Ids are looked up in the same ingest's file of the referred table when there is one
(loading it replaces the warehouse's rows), else in the rows loaded already, which the
pipeline hands over as tables named `warehouse:<table>` (`REFERENCE`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from lantern.formats.local_csv import local_tables
from lantern.ingest.rules.common import age, code_rule, v
from lantern.ingest.rules.engine import Context, Finding, clean, rule
from lantern.model import Table, code_sets

REFERENCE = "warehouse:"  # prefix of the tables of rows loaded already
ID_SEPARATOR = ";"


@dataclass(frozen=True)
class DateOrder:
    """`later` (when given) is not before `earlier`; `earlier` is in the row of `parent`
    that the column `key` names when the order spans two tables."""

    table: str
    earlier: str
    later: str
    parent: str | None = None
    key: str | None = None

    @property
    def message(self) -> str:
        where = f"{self.parent}.{self.earlier}" if self.parent else self.earlier
        return f"The date is before {where}."


def date_orders() -> tuple[DateOrder, ...]:
    """Every `not_before` of the model's local tables (e.g. a deregistration not before
    the approval; a visit not before its arrangement's notification)."""
    out = []
    for t in local_tables().values():
        for c in t.columns:
            if not c.not_before:
                continue
            parent, _, earlier = c.not_before.rpartition(".")
            key = next((k.name for k in t.columns if parent and k.foreign_key
                        and k.foreign_key.startswith(f"{parent}.")), None)
            out.append(DateOrder(t.name, earlier, c.name, parent or None, key))
    return tuple(out)


@dataclass(frozen=True)
class AgeCheck:
    """A query (it does not block a load) when the person is not aged `low`..`high` on the
    row's date: the indicators count only the ages the table is about."""

    table: str
    person: str
    on: str
    low: int
    high: int
    message: str


AGE_CHECKS: tuple[AgeCheck, ...] = (
    AgeCheck("lantern_homeless_presentations", "hmls_person_id", "hmls_presented_date",
             16, 17, "The young person was not 16 or 17 on the day they presented."),
    AgeCheck("lantern_private_fostering", "pfa_person_id", "pfa_start_date", 0, 15,
             "The child was 16 or over when the arrangement started: private fostering is "
             "of children under 16 (under 18 if disabled)."),
)


def rule_id(table: str, check: str) -> str:
    return f"local:{table.removeprefix('lantern_')}:{check}"


# -- lookups ---------------------------------------------------------------------------

def source_of(ctx: Context, table: str) -> str:
    """The table's rows to look ids up in: this ingest's file, else those loaded."""
    return table if ctx.has(table) else REFERENCE + table


def known(ctx: Context, ref: str) -> frozenset[str]:
    """Every value of `table.column` (the ingest's file, or loaded already)."""
    table, col = ref.split(".")
    name = source_of(ctx, table)
    return ctx.memo(f"known:{name}.{col}", lambda: frozenset(
        x for r in ctx.rows(name) if (x := clean(r.get(col))) is not None))


def parent_dates(ctx: Context, parent: str, key: str, fld: str) -> dict[str, date | None]:
    """Row key -> date of `fld` in `parent` (keyed by its primary key)."""
    name = source_of(ctx, parent)
    pk = local_tables()[parent].primary_key[0]
    dates = ctx.dates(name, fld)
    return {k: dates[i] for i, r in ctx.enum(name) if (k := clean(r.get(pk))) is not None}


def referenced(names: Iterable[str]) -> dict[str, set[str]]:
    """Table -> columns the rules of local tables `names` look up in other tables."""
    out: dict[str, set[str]] = {}
    for name in names:
        t = local_tables().get(name)
        if t is None:
            continue
        for c in t.columns:
            ref = c.foreign_key or c.id_list
            if ref:
                table, col = ref.split(".")
                out.setdefault(table, set()).add(col)
        if any(a.table == name for a in AGE_CHECKS):
            out.setdefault("ssd_person", set()).update({"pers_person_id", "pers_dob"})
        for o in date_orders():
            if o.table == name and o.parent:
                out.setdefault(o.parent, set()).update(
                    {o.earlier, *local_tables()[o.parent].primary_key})
    return out


# -- rule factories ---------------------------------------------------------------------

def _declare(t: Table, check: str, message: str, fields: list[str], expected: str,
             family: str) -> Callable[[Callable[[Context], Iterable[Finding]]], object]:
    return rule(id=rule_id(t.name, check), format="ssd", severity="error", family=family,
                message=message, fields=fields, tables=[t.name], expected=expected)


def required_rule(t: Table) -> None:
    fields = [c.name for c in t.columns if c.required]

    @_declare(t, "required", "A required field is blank.", fields,
              "a value in every required column", "structure")
    def check(ctx: Context) -> Iterable[Finding]:
        for i, row in ctx.enum(t.name):
            for f in fields:
                if v(row, f) is None:
                    yield Finding(t.name, i, f, None)


def unique_rule(t: Table) -> None:
    pk = t.primary_key[0]

    @_declare(t, "unique", f"The id {pk} is on another row of the file too.", [pk],
              "a different id on every row", "structure")
    def check(ctx: Context) -> Iterable[Finding]:
        seen: dict[str, int] = {}
        for i, row in ctx.enum(t.name):
            value = v(row, pk)
            if value is None:
                continue
            if value in seen:
                yield Finding(t.name, i, pk, value,
                              expected=f"a different id from row {seen[value] + 2}")
            seen.setdefault(value, i)


def dates_rule(t: Table) -> None:
    fields = [c.name for c in t.columns if c.type == "date"]
    if not fields:
        return

    @_declare(t, "dates", "The date is not a real date as YYYY-MM-DD.", fields,
              "a real date as YYYY-MM-DD (e.g. 2024-03-31), or blank where optional",
              "structure")
    def check(ctx: Context) -> Iterable[Finding]:
        for f in fields:
            parsed = ctx.dates(t.name, f)
            for i, row in ctx.enum(t.name):
                if v(row, f) is not None and parsed[i] is None:
                    yield Finding(t.name, i, f, v(row, f))


def _number(value: str, whole: bool) -> float | None:
    try:
        n = float(int(value)) if whole else float(value)
    except ValueError:
        return None
    return n if n >= 0 else None


def numbers_rule(t: Table) -> None:
    cols = [c for c in t.columns if c.type in ("int", "float")]
    if not cols:
        return

    @_declare(t, "numbers", "The value is not a number of zero or more.",
              [c.name for c in cols], "a number of zero or more (whole for counts), e.g. 2 "
              "or 3.5", "structure")
    def check(ctx: Context) -> Iterable[Finding]:
        for c in cols:
            for i, row in ctx.enum(t.name):
                raw = v(row, c.name)
                if raw is not None and _number(raw, c.type == "int") is None:
                    yield Finding(t.name, i, c.name, raw)


def code_rules(t: Table) -> None:
    for c in t.columns:
        if c.codes:
            members = code_sets()[c.codes]
            code_rule(id=rule_id(t.name, f"code:{c.name}"), format="ssd", table=t.name,
                      field=c.name, message=f"The value is not a {c.codes} code.",
                      codes=_codes(members),
                      expected=("one of " + ", ".join(members)
                                + ("" if c.required else ", or blank")),
                      family="structure")


def _codes(members: dict[str, str]) -> Callable[[int | None], Iterable[str]]:
    return lambda _year: members.keys()


def exists_rules(t: Table) -> None:
    for c in t.columns:
        if c.foreign_key:
            _exists_rule(t, c.name, c.foreign_key, listed=False)
        elif c.id_list:
            _exists_rule(t, c.name, c.id_list, listed=True)


def _exists_rule(t: Table, col: str, ref: str, *, listed: bool) -> None:
    ref_table, ref_col = ref.split(".")
    what = f"an existing {ref_col} of {ref_table}, loaded already or in the same ingest"
    expected = f"ids separated by '{ID_SEPARATOR}', each {what}" if listed else what
    message = ("An id in the list names no one known." if listed
               else f"The id names no row of {ref_table}.")

    @_declare(t, f"exists:{col}", message, [col], expected, "consistency")
    def check(ctx: Context) -> Iterable[Finding]:
        ids = known(ctx, ref)
        for i, row in ctx.enum(t.name):
            raw = v(row, col)
            if raw is None:
                continue
            values = [x.strip() for x in raw.split(ID_SEPARATOR)] if listed else [raw]
            missing = [x for x in values if x not in ids]
            if missing:
                yield Finding(t.name, i, col, raw,
                              message=f"{message} ({', '.join(missing)})" if listed else None)


def order_rule(o: DateOrder) -> None:
    t = local_tables()[o.table]
    where = f"{o.parent}.{o.earlier}" if o.parent else o.earlier
    expected = f"a date on or after {where}"

    @_declare(t, f"order:{o.later}", o.message, [o.later], expected, "logic")
    def check(ctx: Context) -> Iterable[Finding]:
        later = ctx.dates(o.table, o.later)
        if o.parent and o.key:
            by_key = parent_dates(ctx, o.parent, o.key, o.earlier)
            earlier = [by_key.get(clean(r.get(o.key)) or "") for r in ctx.rows(o.table)]
        else:
            earlier = ctx.dates(o.table, o.earlier)
        for i, (first, then) in enumerate(zip(earlier, later, strict=True)):
            if first is not None and then is not None and then < first:
                yield Finding(t.name, i, o.later, v(ctx.rows(o.table)[i], o.later),
                              expected=f"{expected} ({first.isoformat()})")


def age_rule(a: AgeCheck) -> None:
    expected = f"a person aged {a.low} to {a.high} on {a.on} (from ssd_person.pers_dob)"

    @rule(id=rule_id(a.table, f"age:{a.person}"), format="ssd", severity="query",
          family="logic", message=a.message, fields=[a.person], tables=[a.table],
          expected=expected)
    def check(ctx: Context) -> Iterable[Finding]:
        people = source_of(ctx, "ssd_person")
        dobs = dict(zip((clean(r.get("pers_person_id")) for r in ctx.rows(people)),
                        ctx.dates(people, "pers_dob"), strict=True))
        for i, row in ctx.enum(a.table):
            dob, day = dobs.get(v(row, a.person)), ctx.dates(a.table, a.on)[i]
            if dob is None or day is None:
                continue  # an unknown birth date or a bad date (its own rule) says nothing
            years = age(dob, day)
            if not a.low <= years <= a.high:
                yield Finding(a.table, i, a.person, v(row, a.person),
                              expected=f"{expected}; born {dob.isoformat()}, aged {years} "
                                       f"on {day.isoformat()}")


def declare_all() -> None:
    for t in local_tables().values():
        required_rule(t)
        unique_rule(t)
        dates_rule(t)
        numbers_rule(t)
        code_rules(t)
        exists_rules(t)
    for o in date_orders():
        order_rule(o)
    for a in AGE_CHECKS:
        age_rule(a)


declare_all()
