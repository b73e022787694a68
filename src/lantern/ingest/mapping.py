"""SourceTable → module records: a statutory row in the canonical vocabulary.

A *module record* is one CIN/SSDA903/Annex A module instance (a referral, a CP plan,
a care episode…) keyed by the child and its start date, with values already in the
canonical column names (links to parents as `_`-prefixed values). `merge.py` merges
records of several collection years; `canonical.py` turns the survivors into tables.
The statutory names come from the formats/ modules' maps.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from lantern.formats import annex_a as fa
from lantern.formats import cin_census as fc
from lantern.formats import ssda903 as f9
from lantern.ingest.readers import problem
from lantern.ingest.source import Format, Problem, SourceTable

RANKS: dict[Format, int] = {"annex_a": 0, "ssd": 1, "cin": 2, "ssda903": 2}
Convert = Callable[[str], Any]
# source field -> (canonical column or _link, kind)
Fields = dict[str, tuple[str, str]]


@dataclass(frozen=True)
class Record:
    module: str
    key: tuple[str, ...]
    values: dict[str, Any]
    year: int
    rank: int
    source_file: str
    source_row: int

    @property
    def order(self) -> tuple[int, int, str, int]:
        """Later collection first-class; then statutory over Annex A; then position."""
        return (self.year, self.rank, self.source_file, self.source_row)


@dataclass(frozen=True)
class Spec:
    module: str
    child: str
    key: tuple[str, ...]  # source fields whose values (after conversion) key the record
    fields: Fields


# ---------------------------------------------------------------- the maps

_CIN_PERSON: Fields = {
    **{tag: (col, "date" if col.endswith(("_dob", "_date")) else "str")
       for tag, col in fc.PERSON_FIELDS.items() if tag != "Ethnicity"},
    "GenderCurrent": ("_gender_current", "sex"), "Sex": ("_sex", "sex"),
}
CIN_SPECS: dict[str, Spec] = {
    "ChildIdentifiers": Spec("person", "LAchildID", (), _CIN_PERSON),
    "ChildCharacteristics": Spec("person", "LAchildID", (),
                                 {"Ethnicity": ("pers_ethnicity", "str")}),
    "CINdetails": Spec("referral", "LAchildID", ("CINreferralDate",), {
        **{tag: (col, "date" if col.endswith("_date") else "str")
           for tag, col in fc.REFERRAL_FIELDS.items()},
        "ReferralNFA": ("cine_referral_nfa", "yn"), "DateOfInitialCPC": ("_icpc_date", "date"),
    }),
    "Assessments": Spec("assessment", "LAchildID", ("AssessmentActualStartDate",), {
        "AssessmentActualStartDate": ("cina_assessment_start_date", "date"),
        "AssessmentAuthorisationDate": ("cina_assessment_auth_date", "date"),
        fc.CIN_INDEX: ("_referral", "referral"),
    }),
    "CINplanDates": Spec("cin_plan", "LAchildID", ("CINPlanStartDate",), {
        "CINPlanStartDate": ("cinp_cin_plan_start_date", "date"),
        "CINPlanEndDate": ("cinp_cin_plan_end_date", "date"),
        fc.CIN_INDEX: ("_referral", "referral"),
    }),
    "Section47": Spec("s47", "LAchildID", ("S47ActualStartDate",), {
        "S47ActualStartDate": ("s47e_s47_start_date", "date"),
        "DateOfInitialCPC": ("_icpc_date", "date"),
        "ICPCnotRequired": ("s47e_icpc_not_required", "yn"),
        fc.CIN_INDEX: ("_referral", "referral"),
    }),
    "ChildProtectionPlans": Spec("cp_plan", "LAchildID", ("CPPstartDate",), {
        "CPPstartDate": ("cppl_cp_plan_start_date", "date"),
        "CPPendDate": ("cppl_cp_plan_end_date", "date"),
        "InitialCategoryOfAbuse": ("cppl_cp_plan_initial_category", "str"),
        "LatestCategoryOfAbuse": ("cppl_cp_plan_latest_category", "str"),
        "NumberOfPreviousCPP": ("cppl_previous_cp_plans", "int"),
        fc.CIN_INDEX: ("_referral", "referral"),
    }),
    "Reviews": Spec("cp_review", "LAchildID", ("_plan", "CPPreviewDate"), {
        "CPPreviewDate": ("cppr_cp_review_date", "date"), fc.CPP_INDEX: ("_plan", "plan"),
    }),
}

SSDA903_SPECS: dict[str, Spec] = {
    "Header": Spec("person", "CHILD", (), {
        "CHILD": ("pers_person_id", "str"), "SEX": ("pers_sex", "sex903"),
        "DOB": ("pers_dob", "date"), "ETHNIC": ("pers_ethnicity", "str"),
        "UPN": ("_upn", "str"), "MOTHER": ("pers_is_mother", "flag")}),
    "Episodes": Spec("episode", "CHILD", ("DECOM",), {
        "DECOM": ("clae_cla_episode_start_date", "date"),
        "RNE": ("clae_cla_episode_start_reason", "str"), "LS": ("clae_legal_status", "str"),
        "CIN": ("clae_cla_primary_need_code", "str"), "PLACE": ("clap_cla_placement_type", "str"),
        "PLACE_PROVIDER": ("clap_cla_placement_provider", "str"),
        "DEC": ("clae_cla_episode_ceased_date", "date"),
        "REC": ("clae_cla_episode_ceased_reason", "str"),
        "REASON_PLACE_CHANGE": ("clap_cla_placement_change_reason", "str"),
        "PL_POST": ("clap_cla_placement_postcode", "str"), "URN": ("clap_cla_placement_urn", "str"),
    }),
    "Reviews": Spec("cla_review", "CHILD", ("REVIEW",), {
        "REVIEW": ("clar_cla_review_date", "date"),
        "REVIEW_CODE": ("clar_cla_review_participation", "str")}),
    "UASC": Spec("uasc", "CHILD", (), {"DUC": ("immi_immigration_status_end_date", "date")}),
    "OC2": Spec("oc2", "CHILD", ("_year",), {
        "SDQ_SCORE": ("csdq_sdq_score", "str"), "SDQ_REASON": ("csdq_sdq_reason", "str"),
        "IMMUNISATIONS": ("_immunised", "flag"), "TEETH_CHECK": ("_teeth", "flag"),
        "HEALTH_ASSESSMENT": ("_assessed", "flag")}),
    "OC3": Spec("oc3", "CHILD", ("_year",), {
        "DOB": ("_dob", "date"), "IN_TOUCH": ("clea_care_leaver_in_touch", "str"),
        "ACTIV": ("clea_care_leaver_activity", "str"),
        "ACCOM": ("clea_care_leaver_accommodation", "str")}),
    "AD1": Spec("ad1", "CHILD", ("DATE_INT",), {
        "DATE_INT": ("perm_adm_decision_date", "date"), "DATE_MATCH": ("perm_matched_date", "date"),
        "FOSTER_CARE": ("perm_adopted_by_carer_flag", "flag"),
        "NB_ADOPTR": ("perm_number_of_adopters", "str"), "SEX_ADOPTR": ("perm_adopter_sex", "str"),
        "LS_ADOPTR": ("perm_adopter_legal_status", "str")}),
    "PlacedAdoption": Spec("placed_adoption", "CHILD", ("DATE_PLACED",), {
        "DATE_PLACED": ("perm_adm_decision_date", "date"),
        "DATE_PLACED_CEASED": ("perm_decision_reversed_date", "date"),
        "REASON_PLACED_CEASED": ("perm_decision_reversed_reason", "str")}),
    "PrevPerm": Spec("prev_perm", "CHILD", ("_year",), {
        "PREV_PERM": ("lapp_previous_permanence_option", "str"),
        "LA_PERM": ("lapp_previous_permanence_la", "str"),
        "DATE_PERM": ("lapp_previous_permanence_order_date", "str")}),
    "Missing": Spec("missing", "CHILD", ("MIS_START",), {
        "MISSING": ("miss_missing_episode_type", "str"),
        "MIS_START": ("miss_missing_episode_start_date", "date"),
        "MIS_END": ("miss_missing_episode_end_date", "date")}),
    "SWEpisodes": Spec("sw_episode", "CHILD", ("SW_DECOM",), {
        "SW_ID": ("invo_professional_id", "str"),
        "SW_DECOM": ("invo_involvement_start_date", "date"),
        "SW_DEC": ("invo_involvement_end_date", "date"),
        "SW_REASON": ("invo_worker_change_reason", "str")}),
}

_AA_CHILD: Fields = {"Gender": ("pers_sex", "sex_aa"), "Ethnicity": ("pers_ethnicity", "str"),
                     "Date of Birth": ("pers_dob", "date")}
_L5, _L7 = fa.ANNEX_A_COLUMNS["List 5"], fa.ANNEX_A_COLUMNS["List 7"]
ANNEX_A_SPECS: dict[str, Spec] = {
    "List 1": Spec("contact", "Child Unique ID", ("Date of Contact", "Contact Source"), {
        "Date of Contact": ("cont_contact_date", "date"),
        "Contact Source": ("cont_contact_source_code", "str")}),
    "List 2": Spec("early_help", "Child Unique ID", ("Assessment start date",), {
        "Assessment start date": ("earl_episode_start_date", "date"),
        "Assessment completion date": ("earl_episode_end_date", "date"),
        "Organisation completing assessment": ("earl_episode_organisation", "str")}),
    "List 3": Spec("referral", "Child Unique ID", ("Date of referral",), {
        "Date of referral": ("cine_referral_date", "date"),
        "Referral Source": ("cine_referral_source_code", "str"),
        "Referral NFA?": ("cine_referral_nfa", "yn"),
        "Allocated Team": ("cine_referral_team", "str"),
        "Allocated Worker": ("cine_referral_worker_id", "str")}),
    "List 4": Spec("assessment", "Child Unique ID", ("Continuous Assessment Start Date",), {
        "Continuous Assessment Start Date": ("cina_assessment_start_date", "date"),
        "Child Seen During Continuous Assessment": ("cina_assessment_child_seen", "yn"),
        "Continuous Assessment Date of Authorisation": ("cina_assessment_auth_date", "date"),
        fa.ANNEX_A_COLUMNS["List 4"][9]: ("_support", "yn")}),
    "List 5": Spec("s47", "Child Unique ID", (_L5[6],), {
        _L5[6]: ("s47e_s47_start_date", "date"), _L5[7]: ("s47e_icpc_not_required", "yn"),
        _L5[8]: ("_icpc_date", "date")}),
    "List 6": Spec("referral", "Child Unique ID", ("CIN Start Date",), {
        "CIN Start Date": ("cine_referral_date", "date"),
        "Primary Need Code": ("cine_cin_primary_need_code", "str"),
        "CIN Closure Date": ("cine_close_date", "date"),
        "Reason for Closure": ("cine_referral_closure_reason_code", "str")}),
    "List 7": Spec("cp_plan", "Child Unique ID", (_L7[6],), {
        _L7[6]: ("cppl_cp_plan_start_date", "date"),
        _L7[7]: ("cppl_cp_plan_initial_category", "str"),
        _L7[8]: ("cppl_cp_plan_latest_category", "str"),
        _L7[12]: ("cppl_cp_plan_end_date", "date"), _L7[14]: ("cppl_previous_cp_plans", "int")}),
}
ANNEX_A_UNMAPPED = ("List 8", "List 9", "List 10", "List 11")


# ---------------------------------------------------------------- conversion

_AA_SEX = {"m": "M", "male": "M", "f": "F", "female": "F", "u": "U", "unknown": "U",
           "notstatedrecorded": "U", "neither": "U", "indeterminate": "U"}
_AA_YN = {"y": "Y", "yes": "Y", "n": "N", "no": "N", "true": "Y", "false": "N", "1": "Y",
          "0": "N"}
_EXPECTED = {
    "date": "a real date", "int": "a whole number", "yn": "yes or no (Y/N, true/false, 1/0)",
    "flag": "1 or 0", "sex": "M, F, U (Sex) or 1, 2, 0, 9 (GenderCurrent)",
    "sex903": "1 or 2 (to 2024), M, F or U (from 2025)", "sex_aa": "M, F or U",
}


class _BadValue(Exception):
    pass


def _date(value: str, formats: tuple[str, ...]) -> date:
    for fmt in formats:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise _BadValue


def _lookup(table: dict[str, str], value: str, fold: Callable[[str], str] = str) -> str:
    try:
        return table[fold(value)]
    except KeyError:
        raise _BadValue from None


def converters(fmt: Format) -> dict[str, Convert]:
    dates: tuple[str, ...] = {
        "cin": (fc.READ_DATE_FORMAT,), "ssda903": (f9.DATE_FORMAT,),
        "annex_a": fa.READ_DATE_FORMATS, "ssd": ("%Y-%m-%d",)}[fmt]

    def to_int(v: str) -> int:
        try:
            return int(v)
        except ValueError:
            raise _BadValue from None

    return {
        "str": lambda v: v,
        "date": lambda v: _date(v, dates),
        "int": to_int,
        "yn": lambda v: _lookup(fc.YES_NO_READ if fmt == "cin" else _AA_YN, v, str.lower),
        "flag": lambda v: _lookup(f9.FLAG_READ, v),
        "sex": lambda v: _lookup(fc.SEX_READ, v, str.upper),
        "sex903": lambda v: _lookup(f9.SEX_READ, v, str.upper),
        "sex_aa": lambda v: _lookup(_AA_SEX, v, fa.header_key),
    }


_TRAILING_NUMBER = re.compile(r"(\d+)\D*$")


def source_row(locator: str) -> int:
    """The row (CSV, sheet) or line (XML) number at the end of a locator."""
    m = _TRAILING_NUMBER.search(locator)
    return int(m.group(1)) if m else 0


# ---------------------------------------------------------------- mapping


@dataclass
class Mapped:
    records: list[Record]
    problems: list[Problem]


class _Mapper:
    def __init__(self, table: SourceTable, lineage: str, links: dict[str, dict[str, str]]):
        self.table, self.lineage, self.links = table, lineage, links
        self.convert = converters(table.format)
        self.problems: list[Problem] = []

    def value(self, i: int, fld: str, kind: str) -> Any:
        raw = self.table.rows[i].get(fld)
        if raw is None or not raw.strip():
            return None
        raw = raw.strip()
        if kind in self.links:
            return self.links[kind].get(raw)
        try:
            return self.convert[kind](raw)
        except _BadValue:
            self.problems.append(problem(
                self.table.file, self.table.locators[i], fld, raw, f"read-{kind}",
                f"cannot be read as {_EXPECTED.get(kind, kind)}", _EXPECTED.get(kind, kind)))
            return None

    def records(self, spec: Spec) -> Iterator[Record]:
        year = self.table.collection_year or 0
        for i in range(len(self.table.rows)):
            child = self.value(i, spec.child, "str")
            values = {col: self.value(i, fld, kind) for fld, (col, kind) in spec.fields.items()}
            key = [_key_part(values, spec, k, year) for k in spec.key]
            if child is None or any(k is None for k in key):
                continue  # no identity: reported by the validation rules, not loadable
            if spec.module == "person":
                values = _person_values(child, values)
            yield Record(spec.module, (child, *(str(k) for k in key)), values, year,
                         RANKS[self.table.format], self.lineage,
                         source_row(self.table.locators[i]))


def _person_values(child: str, values: dict[str, Any]) -> dict[str, Any]:
    """One sex column whatever the year called it; a UPN 'unknown' code in its own column."""
    out = {k: v for k, v in values.items() if not k.startswith("_")}
    out["pers_person_id"] = child
    sex = values.get("_sex") or values.get("_gender_current")
    if sex is not None:
        out["pers_sex"] = sex
    upn = values.get("_upn")
    if upn is not None:
        out["pers_upn_unknown" if upn.upper() in f9.UPN_UNKNOWN_CODES else "pers_upn"] = upn
    return out


def _key_part(values: dict[str, Any], spec: Spec, key: str, year: int) -> Any:
    if key == "_year":
        return year
    if key.startswith("_"):
        return values.get(key)
    return values.get(spec.fields[key][0])


def _cin_links(tables: list[SourceTable]) -> dict[str, dict[str, str]]:
    """cin_index → referral date, cpp_index → plan start, assessment_index → its start."""
    by_name = {t.name: t for t in tables if t.format == "cin"}
    links: dict[str, dict[str, str]] = {"referral": {}, "plan": {}, "assessment": {}}
    for name, id_field, date_field, link in (
        ("CINdetails", fc.CIN_INDEX, "CINreferralDate", "referral"),
        ("ChildProtectionPlans", fc.CPP_INDEX, "CPPstartDate", "plan"),
        ("Assessments", fc.ASSESSMENT_INDEX, "AssessmentActualStartDate", "assessment"),
    ):
        table = by_name.get(name)
        for row in table.rows if table else []:
            try:
                d = _date((row.get(date_field) or "").strip(), (fc.READ_DATE_FORMAT,))
            except _BadValue:
                continue
            links[link][str(row.get(id_field))] = d.isoformat()
    return links


def map_tables(tables: list[SourceTable], lineage: dict[str, str]) -> Mapped:
    """Module records of every mapped table (one file's tables, or several files')."""
    out = Mapped([], [])
    by_file: dict[str, list[SourceTable]] = defaultdict(list)
    for t in tables:
        by_file[str(t.file)].append(t)
    for file, file_tables in by_file.items():
        links = _cin_links(file_tables)
        for t in file_tables:
            specs = {"cin": CIN_SPECS, "ssda903": SSDA903_SPECS,
                     "annex_a": ANNEX_A_SPECS}.get(t.format, {})
            spec = specs.get(t.name)
            name = lineage.get(file, file)
            if t.format == "annex_a":
                name = f"{name}#{t.name}"
            mapper = _Mapper(t, name, links)
            if spec is not None:
                out.records += list(mapper.records(spec))
                if t.format == "annex_a":
                    out.records += list(mapper.records(Spec("person", spec.child, (), _AA_CHILD)))
            out.records += _aggregates(t, mapper)
            out.problems += mapper.problems
    return out


def _aggregates(t: SourceTable, m: _Mapper) -> list[Record]:
    """Many-rows-to-one modules: a child's disabilities, an assessment's factors."""
    if t.format != "cin" or t.name not in ("Disabilities", "AssessmentFactors"):
        return []
    group: dict[tuple[str, ...], list[str]] = defaultdict(list)
    first_row: dict[tuple[str, ...], int] = {}
    field = "Disability" if t.name == "Disabilities" else "AssessmentFactors"
    for i, row in enumerate(t.rows):
        child, code = row.get("LAchildID"), row.get(field)
        if not child or not code:
            continue
        if t.name == "Disabilities":
            key: tuple[str, ...] = (child,)
        else:
            started = m.links["assessment"].get(str(row.get(fc.ASSESSMENT_INDEX)))
            if started is None:
                continue
            key = (child, started)
        if code.strip() not in group[key]:
            group[key].append(code.strip())
        first_row.setdefault(key, source_row(t.locators[i]))
    module = "disability" if t.name == "Disabilities" else "factors"
    return [Record(module, key, {"codes": json.dumps(codes)}, t.collection_year or 0,
                   RANKS["cin"], m.lineage, first_row[key]) for key, codes in group.items()]


# ---------------------------------------------------------------- SSD extract


def ssd_to_arrow(table: SourceTable, lineage: str) -> tuple[Any, list[Problem]]:
    """An SSD extract table as typed Arrow with lineage; unreadable values are problems."""
    import pyarrow as pa

    from lantern.ingest.canonical import LINEAGE
    from lantern.model import table as model_table

    spec = model_table(table.name)
    kinds = {"str": "str", "date": "date", "int": "int", "float": "float"}
    convert = {**converters("ssd"), "float": _float}
    mapper = _Mapper(table, lineage, {})
    mapper.convert = convert
    cols: dict[str, list[Any]] = {c.name: [] for c in spec.columns}
    for i in range(len(table.rows)):
        for c in spec.columns:
            cols[c.name].append(mapper.value(i, c.name, kinds[c.type]))
    cols["_source_file"] = [lineage] * len(table.rows)
    cols["_source_row"] = [source_row(loc) for loc in table.locators]
    schema = pa.schema([*spec.arrow_schema(), *LINEAGE])
    return pa.table(cols, schema=schema), mapper.problems


def _float(v: str) -> float:
    try:
        return float(v)
    except ValueError:
        raise _BadValue from None
