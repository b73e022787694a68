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


UNCHECKED: tuple[Unchecked, ...] = (
    Unchecked(("164", "169", "179", "218", "230", "392a", "392c", "406", "411", "420", "452", "453",
               "454", "503G", "503H", "503J", "1015"), "ssda903",
              "They test the placement distance (PL_DISTANCE), the local authority of the "
              "placement (PL_LA) and its location (PL_LOCATION), which DfE derives from the "
              "home and placement postcodes after submission with the ONS postcode directory; "
              "a return does not carry them and Lantern ships no postcode directory, so it "
              "cannot tell a real postcode from a well-formed one (218 and 230, a URN "
              "required, exempt placements outside England, which only PL_LA says). 214 and "
              "398, "
              "which test "
              "the postcodes themselves, are checked."),
    Unchecked(("392b",), "ssda903",
              "Lantern's data model holds no home address, so the returns Lantern writes "
              "leave HOME_POST blank and this rule would refuse every one of them (as DfE's "
              "portal would). It is checked again once the model holds the child's home "
              "postcode."),
    Unchecked(("219", "221", "224", "227", "228", "229", "1008"), "ssda903",
              "They compare the URN with Ofsted's register of providers (its type, postcode, "
              "provider and registration dates), which is not part of a return and which "
              "Lantern does not hold; 222 (a URN where none should be) is checked."),
    Unchecked(tuple(str(c) for c in range(700, 711)), "ssda903",
              "They check the deprivation of liberty orders (DoLO) the 2026-27 return adds; "
              "that table is not yet in Lantern's SSDA903 layout or data model."),
    Unchecked(("543",), "ssda903",
              "Convictions (CONVICTED) are not in Lantern's data model, so the returns "
              "Lantern writes leave it blank and this rule would refuse every one of them."),
)
