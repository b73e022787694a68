"""The embedded warehouse: one DuckDB file of canonical tables and its load history."""

from lantern.warehouse.store import LoadResult, Warehouse

__all__ = ["LoadResult", "Warehouse"]
