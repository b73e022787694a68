"""The embedded warehouse: one DuckDB file of canonical tables, loaded all-or-nothing."""

from lantern.warehouse.store import LoadError, LoadResult, Warehouse

__all__ = ["LoadError", "LoadResult", "Warehouse"]
