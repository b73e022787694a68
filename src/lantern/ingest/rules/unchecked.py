"""DfE rules Lantern deliberately does not check, and why.

Declared once here; docs/validation-rules.md prints them beside the catalogue, and
`lantern rules` lists each as *not implemented*. A rule belongs here only when Lantern
cannot check it honestly (the data it needs is not in the return or the model, or DfE
derives it after submission), not merely because it has not been written yet.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Unchecked:
    codes: tuple[str, ...]
    collection: str  # "ssda903" | "cin"
    reason: str


UNCHECKED: tuple[Unchecked, ...] = ()
