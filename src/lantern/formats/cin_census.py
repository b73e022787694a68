"""The DfE children in need (CIN) census XML, written from the canonical model.

The census covers 1 April to 31 March; its reference date is 31 March of the
collection year. A child is in it when a CIN episode (referral) was open at any
point in the year, and each episode carries only the modules that belong to the
year. Dates after the reference date are left out, so a past year's file is the
file as it would have been returned then.

Element names and their order are module-level data (`SEQUENCES`, `SCHEMA_VARIANTS`)
so the reader can reuse them; the order is that of the XSD sequences.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from lxml import etree

from lantern import __version__ as _lantern_version
from lantern.calendar import add_working_days
from lantern.formats._common import (
    Dataset,
    Row,
    as_at,
    collection_window,
    earliest,
    group_by,
    index_by,
    overlaps,
    previous_cp_plans,
    rows,
    upn_or_unknown,
    within,
)

SCHEMA_YEARS = range(2022, 2027)
ICPC_TARGET_WORKING_DAYS = 15
# Codes the census added in 2022-23 (collection year 2023), and the code a return
# before then used for the same case: 5D (LA services - early help) was 5B (LA
# services - other internal); RC9 (closed after assessment, referred to early help)
# was RC8 (closed after assessment, no further action).
FIRST_EARLY_HELP_CODES_YEAR = 2023
EARLIER_CODES: dict[str, dict[str, str]] = {
    "ReferralSource": {"5D": "5B"},
    "ReasonForClosure": {"RC9": "RC8"},
}
CLOSED_AFTER_ASSESSMENT = ("RC8", "RC9")
SERVICES_CEASED = "RC7"  # "case closed ... for any other reason, including no longer in need"
# Assessment factor 21 is "no factors identified": only ever the assessment's one factor.
NO_FACTORS = "21"

# Each complex element's children, in XSD sequence order. ChildIdentifiers varies by
# year (GenderCurrent until 2024, Sex from 2025) so it is completed by the variant.
SEQUENCES: dict[str, tuple[str, ...]] = {
    "Header": ("CollectionDetails", "Source"),
    "CollectionDetails": ("Collection", "Year", "ReferenceDate"),
    "Source": ("SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime"),
    "Child": ("ChildIdentifiers", "ChildCharacteristics", "CINdetails"),
    "ChildCharacteristics": ("Ethnicity", "Disabilities"),
    "Disabilities": ("Disability",),
    "CINdetails": (
        "CINreferralDate", "ReferralSource", "PrimaryNeedCode", "CINclosureDate",
        "ReasonForClosure", "DateOfInitialCPC", "Assessments", "CINPlanDates", "Section47",
        "ReferralNFA", "ChildProtectionPlans",
    ),
    "Assessments": (
        "AssessmentActualStartDate", "AssessmentInternalReviewDate",
        "AssessmentAuthorisationDate", "FactorsIdentifiedAtAssessment",
    ),
    "FactorsIdentifiedAtAssessment": ("AssessmentFactors",),
    "CINPlanDates": ("CINPlanStartDate", "CINPlanEndDate"),
    "Section47": ("S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired"),
    "ChildProtectionPlans": (
        "CPPstartDate", "CPPendDate", "InitialCategoryOfAbuse", "LatestCategoryOfAbuse",
        "NumberOfPreviousCPP", "Reviews",
    ),
    "Reviews": ("CPPreviewDate",),
}

# Element <- canonical column, for the fields that are copied as they are.
PERSON_FIELDS: dict[str, str] = {
    "LAchildID": "pers_person_id",
    "UPN": "pers_upn",
    "UPNunknown": "pers_upn_unknown",
    "PersonBirthDate": "pers_dob",
    "ExpectedPersonBirthDate": "pers_expected_dob",
    "PersonDeathDate": "pers_death_date",
    "Ethnicity": "pers_ethnicity",
}
REFERRAL_FIELDS: dict[str, str] = {
    "CINreferralDate": "cine_referral_date",
    "ReferralSource": "cine_referral_source_code",
    "PrimaryNeedCode": "cine_cin_primary_need_code",
    "CINclosureDate": "cine_close_date",
    "ReasonForClosure": "cine_referral_closure_reason_code",
    "ReferralNFA": "cine_referral_nfa",
}


@dataclass(frozen=True)
class SchemaVariant:
    """What changes between census years: the sex element, its codes and yes/no values."""

    sex_element: str
    sex_codes: dict[str | None, str]
    yes: str
    no: str

    @property
    def child_identifiers(self) -> tuple[str, ...]:
        return (
            "LAchildID", "UPN", "FormerUPN", "UPNunknown", "PersonBirthDate",
            "ExpectedPersonBirthDate", self.sex_element, "PersonDeathDate",
        )


# GenderCurrent: 1 male, 2 female, 0 not recorded, 9 indeterminate. The model's U
# ("not known or indeterminate") goes to 0, the usual case (not recorded, unborn).
_GENDER_CURRENT = SchemaVariant("GenderCurrent", {"M": "1", "F": "2", "U": "0", None: "0"},
                                "true", "false")
# From 2024-25 the XSD has Sex (M/F/U) instead, and yes/no is 1/0 only.
_SEX = SchemaVariant("Sex", {"M": "M", "F": "F", "U": "U", None: "U"}, "1", "0")
SCHEMA_VARIANTS: dict[int, SchemaVariant] = {
    year: _GENDER_CURRENT if year <= 2024 else _SEX for year in SCHEMA_YEARS
}


def schema_year(collection_year: int) -> int:
    """The XSD used for a year: its own, else the nearest one Lantern ships."""
    return min(max(collection_year, SCHEMA_YEARS.start), SCHEMA_YEARS.stop - 1)


def schema_file(collection_year: int) -> Path:
    name = f"CIN_schema_{schema_year(collection_year)}.xsd"
    return Path(str(resources.files(__package__).joinpath("schemas", name)))


@cache
def _schema(year: int) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(schema_file(year))))


def validate_cin_xml(path: Path, collection_year: int, *, strict: bool = False) -> list[str]:
    """Schema errors of a CIN census file ('line N: message'); empty when it is valid.

    The 2022-2024 XSDs type NumberOfPreviousCPP as xs:positiveInteger, yet a child's
    first plan has 0 previous plans, real returns carry 0, the DfE's validation rules
    accept it and the 2025 schema fixed the type. Unless `strict`, that one known
    schema defect is not reported.
    """
    schema = _schema(schema_year(collection_year))
    try:
        doc = etree.parse(str(path))
    except etree.XMLSyntaxError as exc:
        return [f"line {exc.lineno}: {exc.msg}"]
    if schema.validate(doc):
        return []
    errors = list(schema.error_log)  # type: ignore[call-overload]
    if not strict:
        errors = [e for e in errors if not _known_previous_cpp_defect(e.message)]
    return [f"line {e.line}: {e.message}" for e in errors]


def _known_previous_cpp_defect(message: str) -> bool:
    return (
        "NumberOfPreviousCPP" in message
        and "'0'" in message
        and "positiveInteger" in message
    )


# ---------------------------------------------------------------- writing


def write_cin_census(
    data: Dataset,
    path: Path,
    *,
    collection_year: int,
    la_code: str,
    generated: datetime | None = None,
) -> Path:
    """Write the CIN census XML for the year ending 31 March `collection_year`.

    Children are written one at a time (lxml xmlfile), so the file is never held whole.
    `generated` fixes the header DateTime (default: now) for reproducible files.
    """
    if not (len(la_code) == 3 and la_code.isdigit()):
        raise ValueError(f"la_code must be the three-digit LA number, got {la_code!r}")
    census = _Census(data, collection_year)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with etree.xmlfile(str(path), encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("Message"):
            header = _header(collection_year, la_code, generated or datetime.now())
            xf.write(_element("Header", header, census.sequences), pretty_print=True)
            with xf.element("Children"):
                for child in census.children():
                    xf.write(_element("Child", child, census.sequences), pretty_print=True)
    return path


def _header(collection_year: int, la_code: str, generated: datetime) -> dict[str, Any]:
    return {
        "CollectionDetails": {
            "Collection": "CIN",
            "Year": str(collection_year),
            "ReferenceDate": date(collection_year, 3, 31),
        },
        "Source": {
            "SourceLevel": "L",
            "LEA": la_code,
            "SoftwareCode": "Lantern",
            "Release": _lantern_version,
            "SerialNo": "001",
            "DateTime": generated.replace(microsecond=0).isoformat(),
        },
    }


def _element(tag: str, value: dict[str, Any], sequences: dict[str, tuple[str, ...]]) -> Any:
    """Build `tag` from a dict of child values, children in the schema's order."""
    el = etree.Element(tag)
    _fill(el, value, sequences)
    return el


def _fill(parent: Any, value: dict[str, Any], sequences: dict[str, tuple[str, ...]]) -> None:
    for tag in sequences[parent.tag]:
        items = value.get(tag)
        for item in items if isinstance(items, list) else [items]:
            if item is None:
                continue
            child = etree.SubElement(parent, tag)
            if isinstance(item, dict):
                _fill(child, item, sequences)
            else:
                child.text = item.isoformat() if isinstance(item, date) else str(item)


class _Census:
    """The canonical tables indexed for one census year."""

    def __init__(self, data: Dataset, collection_year: int) -> None:
        self.year = collection_year
        self.lo, self.hi = collection_window(collection_year)
        self.variant = SCHEMA_VARIANTS[schema_year(collection_year)]
        self.sequences = {**SEQUENCES, "ChildIdentifiers": self.variant.child_identifiers}
        self.people = index_by(rows(data, "ssd_person"), "pers_person_id")
        self.disabilities = group_by(rows(data, "ssd_disability"), "disa_person_id")
        self.referrals = group_by(rows(data, "ssd_cin_episodes"), "cine_person_id")
        self.assessments = group_by(rows(data, "ssd_cin_assessments"), "cina_referral_id")
        self.factors = group_by(rows(data, "ssd_assessment_factors"), "cinf_assessment_id")
        self.plans = group_by(rows(data, "ssd_cin_plans"), "cinp_referral_id")
        self.s47s = group_by(rows(data, "ssd_s47_enquiry"), "s47e_referral_id")
        icpcs = rows(data, "ssd_initial_cp_conference")
        self.icpcs_by_s47 = group_by(icpcs, "icpc_s47_enquiry_id")
        self.icpcs_by_referral = self._icpcs_by_referral(icpcs, rows(data, "ssd_s47_enquiry"))
        cp_plans = rows(data, "ssd_cp_plans")
        self.cp_plans = self._cp_plans_by_referral(cp_plans, index_by(icpcs, "icpc_icpc_id"))
        self.cp_plans_by_person = group_by(cp_plans, "cppl_person_id")
        self.cp_reviews = group_by(rows(data, "ssd_cp_reviews"), "cppr_cp_plan_id")

    @staticmethod
    def _icpcs_by_referral(icpcs: list[Row], s47s: list[Row]) -> dict[Any, list[Row]]:
        # An ICPC names its referral, or is reached through its section 47 enquiry.
        s47_referral = {s["s47e_s47_enquiry_id"]: s["s47e_referral_id"] for s in s47s}
        for i in icpcs:
            i["_referral"] = i["icpc_referral_id"] or s47_referral.get(i["icpc_s47_enquiry_id"])
        return group_by(icpcs, "_referral")

    @staticmethod
    def _cp_plans_by_referral(plans: list[Row], icpcs: dict[Any, Row]) -> dict[Any, list[Row]]:
        for p in plans:
            icpc = icpcs.get(p["cppl_icpc_id"], {})
            p["_referral"] = p["cppl_referral_id"] or icpc.get("_referral")
        return group_by(plans, "_referral")

    # -------------------------------------------------------------- scope

    def in_year(self, start: date | None, end: date | None) -> bool:
        return overlaps(start, end, self.lo, self.hi)

    def children(self) -> Any:
        """Each child with a referral open in the year, in LAchildID order."""
        for person_id in sorted(self.referrals):
            episodes = [
                r for r in self.referrals[person_id]
                if self.in_year(r["cine_referral_date"], r["cine_close_date"])
            ]
            if episodes:
                episodes.sort(key=lambda r: r["cine_referral_date"])
                yield self._child(person_id, episodes)

    # -------------------------------------------------------------- child

    def _child(self, person_id: str, episodes: list[Row]) -> dict[str, Any]:
        person = self.people.get(person_id, {"pers_person_id": person_id})
        return {
            "ChildIdentifiers": self._identifiers(person),
            "ChildCharacteristics": self._characteristics(person),
            "CINdetails": [self._cin_details(r) for r in episodes],
        }

    def _identifiers(self, person: Row) -> dict[str, Any]:
        out = {tag: person.get(col) for tag, col in PERSON_FIELDS.items()}
        out["UPN"], out["UPNunknown"] = upn_or_unknown(person, self.hi)
        out["PersonDeathDate"] = as_at(out["PersonDeathDate"], self.hi)
        codes = self.variant.sex_codes
        out[self.variant.sex_element] = codes.get(person.get("pers_sex"), codes[None])
        return out

    def _characteristics(self, person: Row) -> dict[str, Any]:
        codes = sorted({d["disa_disability_code"] for d in
                        self.disabilities.get(person["pers_person_id"], [])} - {None})
        if len(codes) > 1:
            codes = [c for c in codes if c != "NONE"]  # a real disability outranks NONE
        return {
            # NOBT ("information not yet obtained") is the census code for a missing value.
            "Ethnicity": person.get("pers_ethnicity") or "NOBT",
            "Disabilities": {"Disability": codes or ["NONE"]},
        }

    def _yes_no(self, flag: str | None) -> str:
        return self.variant.yes if flag == "Y" else self.variant.no

    # -------------------------------------------------------------- episode

    def _cin_details(self, referral: Row) -> dict[str, Any]:
        rid = referral["cine_referral_id"]
        out = {tag: referral.get(col) for tag, col in REFERRAL_FIELDS.items()}
        out["CINclosureDate"] = as_at(out["CINclosureDate"], self.hi)
        if out["CINclosureDate"] is None:
            out["ReasonForClosure"] = None  # an episode still open has no reason yet
        if self.year < FIRST_EARLY_HELP_CODES_YEAR:
            for tag, earlier in EARLIER_CODES.items():
                out[tag] = earlier.get(str(out[tag]), out[tag])
        # DfE 2884: a conference is recorded in one place only. One that followed a section
        # 47 enquiry goes in its Section47; CINdetails holds only a conference without one.
        first_icpc = earliest([i for i in self.icpcs_by_referral.get(rid, [])
                               if i.get("icpc_s47_enquiry_id") is None], "icpc_icpc_date")
        if first_icpc is not None:
            out["DateOfInitialCPC"] = as_at(first_icpc["icpc_icpc_date"], self.hi)
        out["ReferralNFA"] = self._yes_no(referral["cine_referral_nfa"])
        out["Assessments"] = self._assessments(rid)
        out["CINPlanDates"] = self._cin_plans(rid)
        out["Section47"] = self._section47s(rid)
        out["ChildProtectionPlans"] = self._cp_plans(rid)
        if out["ReasonForClosure"] in CLOSED_AFTER_ASSESSMENT and (
                out.get("DateOfInitialCPC") or out["CINPlanDates"] or out["Section47"]
                or out["ChildProtectionPlans"]):
            # DfE 2990: "closed after assessment" (RC8, RC9) is for an episode that went no
            # further; one with an enquiry, conference or plan closed for another reason
            out["ReasonForClosure"] = SERVICES_CEASED
        return out

    def _assessments(self, rid: str) -> list[dict[str, Any]]:
        # In the year: started by 31 March and not authorised before 1 April.
        chosen = [a for a in self.assessments.get(rid, [])
                  if self.in_year(a["cina_assessment_start_date"], a["cina_assessment_auth_date"])]
        return [self._assessment(a) for a in sorted(chosen,
                key=lambda a: a["cina_assessment_start_date"])]

    def _assessment(self, a: Row) -> dict[str, Any]:
        authorised = as_at(a["cina_assessment_auth_date"], self.hi)
        factors = _factor_codes(self.factors.get(a["cina_assessment_id"], []))
        return {
            "AssessmentActualStartDate": a["cina_assessment_start_date"],
            "AssessmentAuthorisationDate": authorised,
            # Factors are identified when the assessment is completed (authorised).
            "FactorsIdentifiedAtAssessment": (
                {"AssessmentFactors": factors} if authorised and factors else None
            ),
        }

    def _cin_plans(self, rid: str) -> list[dict[str, Any]]:
        chosen = [p for p in self.plans.get(rid, [])
                  if self.in_year(p["cinp_cin_plan_start_date"], p["cinp_cin_plan_end_date"])]
        return [
            {"CINPlanStartDate": p["cinp_cin_plan_start_date"],
             "CINPlanEndDate": as_at(p["cinp_cin_plan_end_date"], self.hi)}
            for p in sorted(chosen, key=lambda p: p["cinp_cin_plan_start_date"])
        ]

    def _section47s(self, rid: str) -> list[dict[str, Any]]:
        out = []
        for s in sorted(self.s47s.get(rid, []), key=lambda s: s["s47e_s47_start_date"] or date.min):
            icpc = earliest(self.icpcs_by_s47.get(s["s47e_s47_enquiry_id"], []), "icpc_icpc_date")
            icpc_date = icpc["icpc_icpc_date"] if icpc else None
            # An enquiry that led to a conference is over by then even without an end date.
            if not self.in_year(s["s47e_s47_start_date"], s["s47e_s47_end_date"] or icpc_date):
                continue
            out.append({
                "S47ActualStartDate": s["s47e_s47_start_date"],
                "InitialCPCtarget": add_working_days(s["s47e_s47_start_date"],
                                                     ICPC_TARGET_WORKING_DAYS),
                "DateOfInitialCPC": as_at(icpc_date, self.hi),
                "ICPCnotRequired": self._yes_no(self._icpc_not_required(s, icpc)),
            })
        return out

    def _icpc_not_required(self, s47: Row, icpc: Row | None) -> str:
        if s47["s47e_icpc_not_required"] in ("Y", "N"):
            return str(s47["s47e_icpc_not_required"])
        # Not recorded: not required only when the enquiry ended without a conference.
        ended = as_at(s47["s47e_s47_end_date"], self.hi)
        return "Y" if icpc is None and ended is not None else "N"

    def _cp_plans(self, rid: str) -> list[dict[str, Any]]:
        chosen = [p for p in self.cp_plans.get(rid, [])
                  if self.in_year(p["cppl_cp_plan_start_date"], p["cppl_cp_plan_end_date"])]
        return [self._cp_plan(p) for p in sorted(chosen,
                key=lambda p: p["cppl_cp_plan_start_date"])]

    def _cp_plan(self, p: Row) -> dict[str, Any]:
        reviews = sorted(
            r["cppr_cp_review_date"] for r in self.cp_reviews.get(p["cppl_cp_plan_id"], [])
            if within(r["cppr_cp_review_date"], self.lo, self.hi)
        )
        return {
            "CPPstartDate": p["cppl_cp_plan_start_date"],
            "CPPendDate": as_at(p["cppl_cp_plan_end_date"], self.hi),
            "InitialCategoryOfAbuse": p["cppl_cp_plan_initial_category"],
            "LatestCategoryOfAbuse": (p["cppl_cp_plan_latest_category"]
                                      or p["cppl_cp_plan_initial_category"]),
            "NumberOfPreviousCPP": previous_cp_plans(
                p, self.cp_plans_by_person.get(p["cppl_person_id"], [])),
            "Reviews": {"CPPreviewDate": reviews} if reviews else None,
        }


def _factor_codes(factor_rows: list[Row]) -> list[str]:
    """Codes from the JSON lists of ssd_assessment_factors (e.g. '["3A","4A"]'), in order."""
    codes: list[str] = []
    for row in factor_rows:
        text = row["cinf_assessment_factors_json"]
        try:
            parsed = json.loads(text) if text else []
        except json.JSONDecodeError:
            parsed = [c.strip() for c in str(text).split(",")]  # tolerate "3A,4A"
        for code in parsed if isinstance(parsed, list) else [parsed]:
            if str(code).strip() and str(code).strip() not in codes:
                codes.append(str(code).strip())
    if len(codes) > 1:
        codes = [c for c in codes if c != NO_FACTORS]  # an identified factor outranks "none"
    return codes


# ---------------------------------------------------------------- reading (maps only)

# The flat tables a reader makes of a census (the layout validation expects):
# table -> (element each row comes from, the fields of a row). Rows also carry link
# keys: `child_index` (0-based <Child> position), `LAchildID`, and 0-based file-wide
# positions of their <CINdetails>, <Assessments>, <ChildProtectionPlans>.
CHILD_INDEX, CIN_INDEX, ASSESSMENT_INDEX, CPP_INDEX = (
    "child_index", "cin_index", "assessment_index", "cpp_index")
_IN_CIN = (CHILD_INDEX, "LAchildID", CIN_INDEX)
READ_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "Header": ("Header", ("Collection", "Year", "ReferenceDate", "SourceLevel", "LEA",
                          "SoftwareCode", "Release", "SerialNo", "DateTime")),
    "ChildIdentifiers": ("ChildIdentifiers", (
        CHILD_INDEX, "LAchildID", "UPN", "FormerUPN", "UPNunknown", "PersonBirthDate",
        "ExpectedPersonBirthDate", "GenderCurrent", "Sex", "PersonDeathDate")),
    "ChildCharacteristics": ("ChildCharacteristics", (CHILD_INDEX, "LAchildID", "Ethnicity")),
    "Disabilities": ("Disability", (CHILD_INDEX, "LAchildID", "Disability")),
    "CINdetails": ("CINdetails", (*_IN_CIN, *SEQUENCES["CINdetails"][:6], "ReferralNFA")),
    "Assessments": ("Assessments", (*_IN_CIN, ASSESSMENT_INDEX, *SEQUENCES["Assessments"][:3])),
    "AssessmentFactors": ("AssessmentFactors", (*_IN_CIN, ASSESSMENT_INDEX,
                                                "AssessmentFactors")),
    "CINplanDates": ("CINPlanDates", (*_IN_CIN, *SEQUENCES["CINPlanDates"])),
    "Section47": ("Section47", (*_IN_CIN, *SEQUENCES["Section47"])),
    "ChildProtectionPlans": ("ChildProtectionPlans", (
        *_IN_CIN, CPP_INDEX, *SEQUENCES["ChildProtectionPlans"][:5])),
    "Reviews": ("CPPreviewDate", (*_IN_CIN, CPP_INDEX, "CPPreviewDate")),
}
# Blocks the model does not hold yet: read past, with a note.
UNMODELLED_BLOCKS: tuple[str, ...] = ("PreProceedings",)
# GenderCurrent (1 male, 2 female, 0 not recorded, 9 indeterminate) and Sex (M/F/U)
# both read to the model's M/F/U.
SEX_READ: dict[str, str] = {"1": "M", "2": "F", "0": "U", "9": "U", "M": "M", "F": "F",
                            "U": "U"}
# yesnotype: true/false/TRUE/FALSE/1/0 (any case).
YES_NO_READ: dict[str, str] = {"true": "Y", "1": "Y", "false": "N", "0": "N", "y": "Y",
                               "n": "N"}
READ_DATE_FORMAT = "%Y-%m-%d"
