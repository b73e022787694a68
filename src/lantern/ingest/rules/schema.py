"""The statutory schemas as data: fields, types, blanks allowed and code sets, by year.

SSDA903 comes from the liia-tools YAML (2024) with each later year's diff applied in
order; the CIN census from the DfE XSD of the year. Both are shipped in `data/`
(see data/README.md) and read once per year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml
from lxml import etree

from lantern.ingest.rules.cin.tables import CIN_TABLES

DATA = resources.files(__package__).joinpath("data")
SSDA903_BASE_YEAR = 2024
SSDA903_DIFF_YEARS = (2025, 2026)
CIN_XSD_YEARS = range(2022, 2027)


@dataclass(frozen=True)
class FieldSpec:
    """What the schema says one field holds."""

    table: str
    name: str
    kind: str  # date | code | integer | string
    required: bool
    codes: frozenset[str] = frozenset()
    pattern: str | None = None
    minimum: int | None = None

    def matches(self, value: str) -> bool:
        return self.pattern is None or re.fullmatch(self.pattern, value) is not None


# -- SSDA903 -----------------------------------------------------------------------

# The YAML names tables in the 903 validator's spelling; diffs use lower case.
_903_TABLE_NAMES = {"SocialWorker": "SWEpisodes"}


def _903_field(table: str, name: str, spec: dict[str, Any]) -> FieldSpec:
    required = spec.get("canbeblank") in (False, "no")
    if "date" in spec:
        return FieldSpec(table, name, "date", required)
    if "numeric" in spec:
        return FieldSpec(table, name, "integer", required)
    if "category" in spec:
        cats = spec["category"] or []
        codes = frozenset(
            str(c["code"]).strip() for c in cats if isinstance(c, dict) and "code" in c
        )
        if codes:
            return FieldSpec(table, name, "code", required, codes)
    return FieldSpec(table, name, "string", required)


def _yaml(text: str) -> Any:
    """YAML through libyaml when PyYAML has it (ten times faster than the pure loader)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@cache
def ssda903_fields(collection_year: int | None) -> dict[str, dict[str, FieldSpec]]:
    """Table -> field -> spec for the 903 return of `collection_year` (31 March year)."""
    raw = _yaml(DATA.joinpath("SSDA903_schema_2024.yml").read_text(encoding="utf-8"))
    column_map: dict[str, dict[str, Any]] = raw["column_map"]
    year = collection_year or SSDA903_BASE_YEAR
    lower = {k.lower(): k for k in column_map}
    for diff_year in SSDA903_DIFF_YEARS:
        if diff_year > year:
            break
        text = DATA.joinpath(f"SSDA903_schema_{diff_year}.diff.yml").read_text(encoding="utf-8")
        for key, change in (_yaml(text) or {}).items():
            parts = key.split(".")  # column_map.<table>.<FIELD>.<attribute>
            if len(parts) != 4 or parts[0] != "column_map" or change.get("type") != "modify":
                continue
            table = lower.get(parts[1].lower(), parts[1])
            column_map.setdefault(table, {}).setdefault(parts[2], {})[parts[3]] = change["value"]
    out: dict[str, dict[str, FieldSpec]] = {}
    for table, fields in column_map.items():
        name = _903_TABLE_NAMES.get(table, table)
        out[name] = {f: _903_field(name, f, spec or {}) for f, spec in fields.items()}
    return out


# -- CIN census ----------------------------------------------------------------------

XS = "{http://www.w3.org/2001/XMLSchema}"


def cin_xsd_year(collection_year: int | None) -> int:
    year = collection_year or CIN_XSD_YEARS.stop - 1
    return min(max(year, CIN_XSD_YEARS.start), CIN_XSD_YEARS.stop - 1)


def _simple_type(node: etree._Element | None) -> dict[str, Any]:
    """Enumerations, pattern and integer minimum of an xs:simpleType node."""
    out: dict[str, Any] = {"codes": [], "pattern": None, "minimum": None, "base": None}
    patterns: list[str] = []
    if node is None:
        return out
    restriction = node.find(f"{XS}restriction")
    if restriction is None:
        return out
    out["base"] = restriction.get("base")
    for child in restriction:
        tag = child.tag
        if tag == f"{XS}enumeration":
            out["codes"].append(child.get("value"))
        elif tag == f"{XS}pattern":
            patterns.append(child.get("value") or "")
        elif tag == f"{XS}minInclusive":
            out["minimum"] = int(child.get("value") or 0)
    # Sibling xs:pattern facets of one restriction are alternatives (XSD 1.0 §4.3.4):
    # the 2022-2024 upntype allows [A-Za-z]\d{12} or [A-Za-z]\d{11}[A-Za-z].
    if patterns:
        out["pattern"] = "|".join(f"(?:{p})" for p in patterns)
    return out


@cache
def cin_elements(collection_year: int | None) -> dict[str, dict[str, FieldSpec]]:
    """Table -> element -> spec for the CIN census of `collection_year`, from its XSD.

    Each flattened table (cin/tables.py) takes its leaf elements from one or more
    complex elements of the XSD; optional parents (Disabilities, Reviews) make their
    leaves required only within an existing row.
    """
    year = cin_xsd_year(collection_year)
    doc = etree.parse(str(DATA.joinpath(f"CIN_schema_{year}.xsd")))
    root = doc.getroot()
    simple = {n.get("name"): n for n in root.iter(f"{XS}simpleType") if n.get("name")}
    complex_ = {n.get("name"): n for n in root.iter(f"{XS}complexType") if n.get("name")}
    # every element declaration by name, with its parent element's name
    decls: dict[tuple[str, str], etree._Element] = {}
    for el in root.iter(f"{XS}element"):
        parent = el.getparent()
        while parent is not None and not (parent.tag == f"{XS}element" or (
                parent.tag == f"{XS}complexType" and parent.get("name"))):
            parent = parent.getparent()
        owner = ""
        if parent is not None:
            owner = parent.get("name") or ""
        decls[(owner, el.get("name") or "")] = el

    def spec(table: str, el: etree._Element) -> FieldSpec:
        name = el.get("name") or ""
        required = el.get("minOccurs", "1") != "0"
        typ = el.get("type")
        if typ is None:
            st = _simple_type(el.find(f"{XS}simpleType"))
        elif typ in ("xs:date", "xs:dateTime", "xs:gYear"):
            kind = {"xs:date": "date", "xs:dateTime": "string", "xs:gYear": "integer"}[typ]
            return FieldSpec(table, name, kind, required)
        elif typ.startswith("xs:"):
            return FieldSpec(table, name, "integer" if "nteger" in typ else "string", required)
        else:
            st = _simple_type(simple.get(typ))
        if st["codes"]:
            return FieldSpec(table, name, "code", required, frozenset(st["codes"]))
        if st["base"] and "nteger" in st["base"]:
            return FieldSpec(table, name, "integer", required, minimum=st["minimum"])
        return FieldSpec(table, name, "string", required, pattern=st["pattern"])

    type_owner = {  # complex type name -> the element that uses it
        "headertype": "Header", "collectiondetailstype": "CollectionDetails",
        "sourcetype": "Source", "childidentifierstype": "ChildIdentifiers",
        "childcharacteristicstype": "ChildCharacteristics", "cindetailstype": "CINdetails",
        "assessmentstype": "Assessments", "cinplandatesttype": "CINPlanDates",
        "section47type": "Section47", "childprotectionplanstype": "ChildProtectionPlans",
    }
    by_parent: dict[str, dict[str, etree._Element]] = {}
    for (owner, name), el in decls.items():
        parent_name = type_owner.get(owner, owner)
        by_parent.setdefault(parent_name, {})[name] = el
    del complex_

    out: dict[str, dict[str, FieldSpec]] = {}
    for table, layout in CIN_TABLES.items():
        fields: dict[str, FieldSpec] = {}
        for parent in layout.xml_parents:
            for name, el in by_parent.get(parent, {}).items():
                if name in layout.fields:
                    fields[name] = spec(table, el)
        out[table] = fields
    return out
