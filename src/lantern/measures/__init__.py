"""Indicators of KPIS.md: declarations, the engine, drill-down and DfE benchmarks."""
