"""What a reader hands to validation: a file's tables in the file's own vocabulary.

Validation rules (DfE codes) are written against the statutory field names, so a
reader first yields `SourceTable`s (raw text values, as in the file) with a locator per
row; only after validation are they mapped to the canonical model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Format = Literal["ssd", "cin", "ssda903", "annex_a"]
Severity = Literal["error", "warning", "query"]
Part = Literal["all", "rows", "across", "return"]  # which rules run: see `rules.validate`


@dataclass
class SourceTable:
    """One logical table of one file: e.g. SSDA903 'Episodes', CIN 'Section47'.

    `rows` hold the raw text of each field exactly as read (None when absent/empty);
    `locators[i]` says where row i came from: "row 12" for CSV/XLSX (1-based, counting
    the header as row 1) or an XML path such as "/Message/Children/Child[3]/CINdetails[1]".
    `key_fields` name the fields that identify a child (CHILD, LAchildID, ...).
    """

    format: Format
    name: str
    file: Path
    columns: list[str]
    rows: list[dict[str, str | None]] = field(default_factory=list)
    locators: list[str] = field(default_factory=list)
    collection_year: int | None = None

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, said so a person can find and fix it."""

    file: str
    locator: str
    field: str
    value: str | None
    rule_id: str
    severity: Severity
    message: str
    expected: str

    def one_line(self) -> str:
        shown = "(blank)" if self.value in (None, "") else repr(self.value)
        return (
            f"{self.file} {self.locator}, {self.field} = {shown}: {self.message} "
            f"[rule {self.rule_id}; expected {self.expected}]"
        )
