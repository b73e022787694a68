"""The CIN census as flat tables: THE layout the CIN reader must produce for validation.

The reader turns one census XML file into these `SourceTable`s (format "cin"), one per
entry of `CIN_TABLES`, named exactly as the keys below. Each row holds:

* the leaf elements listed in `fields`, by their XML element name, as raw text
  (None when the element is absent or empty; dates stay 'YYYY-MM-DD');
* the link keys listed in `keys`, as decimal strings: `child_index` is the 0-based
  position of the `<Child>` in the file; `cin_index`, `assessment_index` and
  `cpp_index` are 0-based positions of that `<CINdetails>`, `<Assessments>` and
  `<ChildProtectionPlans>` counted across the whole file (so each is unique in the
  file and a child row links to its parent by one key);
* `LAchildID` copied from the child's `ChildIdentifiers` on every child-level row,
  so messages can name the child.

One row per element occurrence: one `ChildIdentifiers` and one `ChildCharacteristics`
row per child, one `Disabilities` row per `<Disability>`, one `AssessmentFactors` row
per `<AssessmentFactors>`, one `Reviews` row per `<CPPreviewDate>`, one `Header` row.
`locators[i]` is the XML path of the row's element, e.g.
"/Message/Children/Child[3]/CINdetails[1]/Section47[2]".
ChildIdentifiers carries `GenderCurrent` up to the 2024 census and `Sex` from 2025;
the reader supplies whichever the file has.
"""

from __future__ import annotations

from dataclasses import dataclass

CHILD_INDEX = "child_index"
CIN_INDEX = "cin_index"
ASSESSMENT_INDEX = "assessment_index"
CPP_INDEX = "cpp_index"
CHILD_ID = "LAchildID"

HEADER = "Header"
CHILD_IDENTIFIERS = "ChildIdentifiers"
CHILD_CHARACTERISTICS = "ChildCharacteristics"
DISABILITIES = "Disabilities"
CIN_DETAILS = "CINdetails"
ASSESSMENTS = "Assessments"
ASSESSMENT_FACTORS = "AssessmentFactors"
CIN_PLAN_DATES = "CINplanDates"
SECTION47 = "Section47"
CHILD_PROTECTION_PLANS = "ChildProtectionPlans"
REVIEWS = "Reviews"


@dataclass(frozen=True)
class TableLayout:
    name: str
    xml_path: str  # the element one row stands for
    xml_parents: tuple[str, ...]  # XSD elements whose leaf children are the fields
    fields: tuple[str, ...]
    keys: tuple[str, ...]


CIN_TABLES: dict[str, TableLayout] = {
    t.name: t
    for t in (
        TableLayout(HEADER, "/Message/Header", ("CollectionDetails", "Source"),
                    ("Collection", "Year", "ReferenceDate", "SourceLevel", "LEA",
                     "SoftwareCode", "Release", "SerialNo", "DateTime"), ()),
        TableLayout(CHILD_IDENTIFIERS, "/Message/Children/Child/ChildIdentifiers",
                    ("ChildIdentifiers",),
                    ("LAchildID", "UPN", "FormerUPN", "UPNunknown", "PersonBirthDate",
                     "ExpectedPersonBirthDate", "GenderCurrent", "Sex", "PersonDeathDate"),
                    (CHILD_INDEX,)),
        TableLayout(CHILD_CHARACTERISTICS, "/Message/Children/Child/ChildCharacteristics",
                    ("ChildCharacteristics",), ("Ethnicity",), (CHILD_INDEX, CHILD_ID)),
        TableLayout(DISABILITIES,
                    "/Message/Children/Child/ChildCharacteristics/Disabilities/Disability",
                    ("Disabilities",), ("Disability",), (CHILD_INDEX, CHILD_ID)),
        TableLayout(CIN_DETAILS, "/Message/Children/Child/CINdetails", ("CINdetails",),
                    ("CINreferralDate", "ReferralSource", "PrimaryNeedCode", "CINclosureDate",
                     "ReasonForClosure", "DateOfInitialCPC", "ReferralNFA"),
                    (CHILD_INDEX, CHILD_ID, CIN_INDEX)),
        TableLayout(ASSESSMENTS, "/Message/Children/Child/CINdetails/Assessments",
                    ("Assessments",),
                    ("AssessmentActualStartDate", "AssessmentInternalReviewDate",
                     "AssessmentAuthorisationDate"),
                    (CHILD_INDEX, CHILD_ID, CIN_INDEX, ASSESSMENT_INDEX)),
        TableLayout(ASSESSMENT_FACTORS,
                    "/Message/Children/Child/CINdetails/Assessments/"
                    "FactorsIdentifiedAtAssessment/AssessmentFactors",
                    ("FactorsIdentifiedAtAssessment",), ("AssessmentFactors",),
                    (CHILD_INDEX, CHILD_ID, CIN_INDEX, ASSESSMENT_INDEX)),
        TableLayout(CIN_PLAN_DATES, "/Message/Children/Child/CINdetails/CINPlanDates",
                    ("CINPlanDates",), ("CINPlanStartDate", "CINPlanEndDate"),
                    (CHILD_INDEX, CHILD_ID, CIN_INDEX)),
        TableLayout(SECTION47, "/Message/Children/Child/CINdetails/Section47", ("Section47",),
                    ("S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC",
                     "ICPCnotRequired"),
                    (CHILD_INDEX, CHILD_ID, CIN_INDEX)),
        TableLayout(CHILD_PROTECTION_PLANS,
                    "/Message/Children/Child/CINdetails/ChildProtectionPlans",
                    ("ChildProtectionPlans",),
                    ("CPPstartDate", "CPPendDate", "InitialCategoryOfAbuse",
                     "LatestCategoryOfAbuse", "NumberOfPreviousCPP"),
                    (CHILD_INDEX, CHILD_ID, CIN_INDEX, CPP_INDEX)),
        TableLayout(REVIEWS,
                    "/Message/Children/Child/CINdetails/ChildProtectionPlans/Reviews/"
                    "CPPreviewDate",
                    ("Reviews",), ("CPPreviewDate",),
                    (CHILD_INDEX, CHILD_ID, CIN_INDEX, CPP_INDEX)),
    )
}

# Elements that are one-of-two by year: a layout check accepts either.
SEX_ELEMENTS = ("GenderCurrent", "Sex")
