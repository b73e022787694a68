"""England's local authorities by their DfE number (Torbay = 880), discontinued ones too.

Reference data, read by the benchmarks (names, regions) and by the SSDA903 rules (a valid
LA_PERM). `data/local_authorities.csv`: DfE, via dfe-analytical-services/
local-authority-interactive-tool (Open Government Licence v3.0).
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources

# Rows for England and its regions (la_type NA) share the numbering but are not authorities.
NOT_AN_AUTHORITY = "NA"


@cache
def local_authorities() -> dict[str, dict[str, str]]:
    """la_number -> the row (la_number, la_name, region, la_type), regions included."""
    text = resources.files("lantern.model").joinpath("data", "local_authorities.csv") \
        .read_text(encoding="utf-8-sig")
    return {r["la_number"]: r for r in csv.DictReader(io.StringIO(text))}


@cache
def authority_numbers() -> frozenset[str]:
    """The numbers of the authorities themselves (not England or a region)."""
    return frozenset(n for n, r in local_authorities().items()
                     if r["la_type"] != NOT_AN_AUTHORITY)
