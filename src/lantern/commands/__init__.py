"""Typer sub-apps registered by ``lantern.cli`` (thin: parse, call, print)."""
