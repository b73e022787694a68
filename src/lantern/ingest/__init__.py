"""Ingestion: read statutory files, validate them with declared rules, load all or nothing."""
