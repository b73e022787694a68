"""Canonical tables in Spark (local mode), as an Ibis PySpark backend.

The indicator engine (`lantern.measures.engine`) runs on any Ibis backend; this is
the Spark one: `spark_backend(tables)` starts (or reuses) a local SparkSession and
registers each Arrow table as a temporary view under its canonical name. Every
canonical table is registered — an absent one empty, with its canonical columns —
so the engine reports "no rows loaded" exactly as it does on a DuckDB warehouse.

The session is for one machine and makes no network connections: ``local[2]``,
driver bound to 127.0.0.1, no web UI, UTC session time zone (dates round-trip
unchanged), few shuffle partitions (the data of one authority is small).
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Mapping
from typing import Any

import pyarrow as pa

from lantern.model import tables as canonical_tables

SPARK_CONF: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.shuffle.partitions": "4",
    "spark.default.parallelism": "2",
    "spark.sql.adaptive.enabled": "true",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.ansi.enabled": "false",
    "spark.driver.memory": "2g",
    "spark.sql.catalogImplementation": "in-memory",
    "spark.sql.warehouse.dir": os.path.join(os.environ.get("TMPDIR", "/tmp"),
                                            "lantern-spark-warehouse"),
}


def spark_session(*, app_name: str = "lantern", master: str = "local[2]",
                  conf: Mapping[str, str] | None = None) -> Any:
    """A local SparkSession (reused if one is running) with quiet logging."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers: this interpreter
    from pyspark.sql import SparkSession

    b = SparkSession.builder.master(master).appName(app_name)
    for k, v in {**SPARK_CONF, **(conf or {})}.items():
        b = b.config(k, v)
    spark = b.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def canonical_arrow(name: str, data: pa.Table | None) -> pa.Table:
    """``data`` with the canonical columns and types of table ``name`` (plus the lineage
    columns it carries); an empty table when ``data`` is None."""
    model = canonical_tables().get(name)
    if model is None:
        if data is None:
            raise KeyError(f"no canonical table {name!r}")
        return data
    schema = model.arrow_schema()
    if data is None:
        return schema.empty_table()
    cols, fields = [], []
    for f in schema:
        if f.name in data.column_names:
            cols.append(data.column(f.name).cast(f.type))
        else:
            cols.append(pa.nulls(data.num_rows, f.type))
        fields.append(f)
    for extra in data.column_names:
        if extra not in schema.names:
            cols.append(data.column(extra))
            fields.append(data.schema.field(extra))
    return pa.Table.from_arrays(cols, schema=pa.schema(fields))


def load_tables(spark: Any, data: Mapping[str, pa.Table], *, all_canonical: bool = True) -> None:
    """Register each table as a cached temporary view named after it."""
    names = list(canonical_tables()) if all_canonical else []
    names += [n for n in data if n not in names]
    for name in names:
        arrow = canonical_arrow(name, data.get(name))
        with warnings.catch_warnings():
            # PySpark 4 checks the pandas version even for Arrow input.
            warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas",
                                    FutureWarning)
            df = spark.createDataFrame(arrow)
        df.createOrReplaceTempView(name)
        spark.catalog.cacheTable(name)


def spark_backend(tables: Mapping[str, pa.Table], *, app_name: str = "lantern",
                  session: Any = None, conf: Mapping[str, str] | None = None) -> Any:
    """An Ibis PySpark backend over a local SparkSession holding ``tables`` (canonical
    name -> Arrow table; absent canonical tables are registered empty)."""
    import ibis

    spark = session if session is not None else spark_session(app_name=app_name, conf=conf)
    load_tables(spark, tables)
    return ibis.pyspark.connect(spark)


def from_duckdb(con: Any) -> dict[str, pa.Table]:
    """Every canonical table of a DuckDB warehouse (a DuckDB connection or an Ibis
    DuckDB backend), as Arrow tables for `spark_backend`. Uses DuckDB's own API (Ibis
    12's ``list_tables`` fails on DuckDB 2.0)."""
    raw = getattr(con, "con", con)
    present = {r[0] for r in raw.execute(
        "SELECT table_name FROM information_schema.tables").fetchall()}
    out: dict[str, pa.Table] = {}
    for name in canonical_tables():
        if name in present:
            got = raw.table(name).arrow()
            out[name] = got if isinstance(got, pa.Table) else got.read_all()
    return out


def spark_from_warehouse(path: str | os.PathLike[str], *, app_name: str = "lantern") -> Any:
    """`LANTERN_ENGINE=spark` on the embedded warehouse: its canonical tables loaded
    into a local Spark session, as an Ibis backend for the engine."""
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        data = from_duckdb(con)
    return spark_backend(data, app_name=app_name)
