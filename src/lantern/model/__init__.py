"""The canonical model: every table, column and code set, declared once in YAML.

`tables.yml` follows the Standard Safeguarding Dataset (SSD) names so an authority
running the SSD loads its tables directly; local extensions are marked `local: true`.
DDL, Arrow schemas, CSV headers, validation of types and code sets and the data
dictionary are all generated from this declaration.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import pyarrow as pa
import yaml

SQL_TYPES = {"str": "VARCHAR", "date": "DATE", "int": "BIGINT", "float": "DOUBLE"}
ARROW_TYPES = {"str": pa.string(), "date": pa.date32(), "int": pa.int64(), "float": pa.float64()}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str = ""
    primary_key: bool = False
    required: bool = False
    foreign_key: str | None = None
    codes: str | None = None
    local: bool = False
    # An adult's identity in a local record (MARAC victim, LADO subject, carer): shown
    # only to roles configured to see it, each view access-logged like a child's.
    identity: bool = False
    # Ids separated by `;`, each referring to table.column (e.g. a MARAC referral's children)
    id_list: str | None = None
    # A date not before this column of the same row, or `table.column` of the row this
    # row's foreign key to that table names (a visit not before its arrangement's notification)
    not_before: str | None = None
    returns: tuple[str, ...] = ()

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.type]


@dataclass(frozen=True)
class Table:
    name: str
    source: str
    description: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def primary_key(self) -> list[str]:
        return [c.name for c in self.columns if c.primary_key]

    @property
    def local(self) -> bool:
        return self.source == "local"

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    def ddl(self, schema: str | None = None) -> str:
        """CREATE TABLE statement (DuckDB / PostgreSQL dialect) with lineage columns."""
        qualified = f"{schema}.{self.name}" if schema else self.name
        cols = [f"{c.name} {c.sql_type}" for c in self.columns]
        cols += ["_source_file VARCHAR", "_source_row BIGINT"]
        return f"CREATE TABLE IF NOT EXISTS {qualified} ({', '.join(cols)})"

    def arrow_schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, ARROW_TYPES[c.type]) for c in self.columns])


def _read(name: str) -> Any:
    return yaml.safe_load(resources.files(__package__).joinpath(name).read_text("utf-8"))


@cache
def tables() -> dict[str, Table]:
    """Every canonical table, in dependency order (person first)."""
    out: dict[str, Table] = {}
    for name, spec in _read("tables.yml").items():
        cols = tuple(
            Column(
                name=cname,
                type=c["type"],
                description=c.get("description") or "",
                primary_key=bool(c.get("primary_key")),
                required=bool(c.get("required")),
                foreign_key=c.get("foreign_key"),
                codes=c.get("codes"),
                local=bool(c.get("local")),
                identity=bool(c.get("identity")),
                id_list=c.get("id_list"),
                not_before=c.get("not_before"),
                returns=tuple(c.get("returns", ())),
            )
            for cname, c in spec["columns"].items()
        )
        out[name] = Table(name, spec.get("source", "ssd"), spec.get("description", ""), cols)
    return out


@cache
def code_sets() -> dict[str, dict[str, str]]:
    """Code set name -> {code: label}."""
    return {
        k: {str(code): str(label) for code, label in v.items()}
        for k, v in _read("codes.yml").items()
    }


def label(code_set: str, code: str | None) -> str:
    """A code as a person reads it: its label in ``code_set`` (``WBRI`` -> "White
    British"); the code itself when the set does not hold it, "" for no code."""
    if code is None or code == "":
        return ""
    return code_sets().get(code_set, {}).get(str(code), str(code))


def table(name: str) -> Table:
    return tables()[name]


__all__ = ["Column", "Table", "code_sets", "label", "table", "tables"]
