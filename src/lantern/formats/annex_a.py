"""Ofsted ILACS Annex A: the eleven child-level lists, as one .xlsx, from the model.

Each list is a sheet ("List 1" … "List 11") whose first row is the list's headers,
spelled as in the liia-tools Annex A schema so the usual Annex A tools read the file.
Event lists (1–5) hold events dated in the window; caseload lists (6–10) hold what was
open at any point in it. Values are the statutory codes (M/F/U, WBRI, 1A, N1, Y/N …),
dates are real dates shown dd/mm/yyyy, and nothing dated after the window is shown.

`ANNEX_A_COLUMNS` and `LIST_TITLES` are module-level so the reader can reuse them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from lantern.calendar import add_months
from lantern.facts.care import SHORT_BREAKS
from lantern.formats._common import (
    Allocations,
    Dataset,
    Row,
    age_on,
    as_at,
    children_on,
    group_by,
    index_by,
    latest,
    overlaps,
    periods_of_care,
    previous_cp_plans,
    rows,
    within,
)

_CHILD = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
_DISABILITY = "Does the Child have a Disability"
_ALLOCATED = ["Allocated Team", "Allocated Worker"]

ANNEX_A_COLUMNS: dict[str, list[str]] = {
    "List 1": [*_CHILD, "Date of Contact", "Contact Source"],
    "List 2": [*_CHILD, "Assessment start date", "Assessment completion date",
               "Organisation completing assessment"],
    "List 3": [*_CHILD, "Date of referral", "Referral Source", "Referral NFA?",
               "Number of Referrals in Last 12 Months", *_ALLOCATED],
    "List 4": [*_CHILD, _DISABILITY, "Continuous Assessment Start Date",
               "Child Seen During Continuous Assessment",
               "Continuous Assessment Date of Authorisation",
               "Was the child assessed as requiring LA children's social care support?",
               *_ALLOCATED],
    "List 5": [*_CHILD, _DISABILITY,
               "Strategy discussion initiating Section 47 Enquiry Start Date",
               "Was an Initial Child Protection Conference deemed unnecessary?",
               "Date of Initial Child Protection Conference",
               "Did the Initial Child Protection Conference Result in a Child Protection Plan",
               "Number of Section 47 Enquiries in the last 12 months",
               "Number of ICPCs in the last 12 months", *_ALLOCATED],
    "List 6": [*_CHILD, _DISABILITY, "CIN Start Date", "Primary Need Code",
               "Date Child Was Last Seen", "CIN Closure Date", "Reason for Closure",
               "Case Status", *_ALLOCATED],
    "List 7": [*_CHILD, _DISABILITY, "Child Protection Plan Start Date",
               "Initial Category of Abuse", "Latest Category of Abuse",
               "Date of the Last Statutory Visit", "Was the Child Seen Alone?",
               "Date of latest review conference", "Child Protection Plan End Date",
               "Subject to Emergency Protection Order or Protected Under Police Powers in Last"
               " Six Months (Y/N)",
               "Number of Previous Child Protection Plans", *_ALLOCATED],
    "List 8": [*_CHILD,
               "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
               _DISABILITY, "Date Started to be Looked After", "Child's Category of Need",
               "Is this a second or subsequent period of being a Looked After Child within the"
               " last 12 months (Y/N)",
               "Start date of current legal status", "Child's Legal Status",
               "Date of Latest Statutory Review", "Date of Last Social Work Visit",
               "What is the permanence plan for this child?",
               "Date of Last IRO Visit / Contact to the Child", "Date of Last Health Assessment",
               "Date of Last Dental Check", "Number of Placements in the Last 12 months",
               "Date Ceased to be Looked After", "Reason Ceased to be Looked After",
               "Start Date of Most Recent Placement", "Placement Type", "Placement Provider",
               "Placement postcode", "URN of Placement", "Placement Location", "LA of Placement",
               "Number of Episodes the Child has been 'Missing' from their Placement in the last"
               " 12 months",
               "Number of Episodes the Child has been 'Absent' from their Placement in the last"
               " 12 months",
               "Was the child offered a Return Interview after their last missing episode (Y/N)?",
               "Did the child accept a Return Interview after their last missing episode (Y/N)?",
               *_ALLOCATED],
    "List 9": [*_CHILD,
               "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)",
               _DISABILITY, *_ALLOCATED, "Allocated Personal Advisor", "Eligibility Category",
               "Latest Pathway Plan Review Date", "LA in Touch", "Latest Date of Contact",
               "Type of Accommodation", "Suitability of Accommodation", "Activity Status"],
    "List 10": ["Child Unique ID", "Family identifier", "Gender", "Ethnicity", "Date of Birth",
                "Age of Child (Years)", _DISABILITY, "Date the Child Entered Care",
                "Date of Decision that Child Should be Placed for Adoption",
                "Date of Placement Order", "Date of Matching Child and Prospective Adopters",
                "Date Placed for Adoption", "Date of Adoption Order",
                "Date of Decision that Child Should No Longer be Placed for Adoption",
                "Reason Why Child No Longer Placed for Adoption",
                "Date the child was placed for fostering in FFA or concurrent planning placement"],
    "List 11": ["Individual adopter identifier", "Family identifier", "Gender", "Ethnicity",
                "Disability", "Is the (prospective) adopter fostering for adoption?",
                "Date enquiry received", "Date Stage 1 started", "Date Stage 1 ended",
                "Date Stage 2 started", "Date Stage 2 ended", "Date application submitted",
                "Date application approved", "Date adopter matched with child(ren)",
                "Date child/children placed with adopter(s)", "No. of children placed",
                "Date of Adoption Order", "Date of leaving adoption process",
                "Reason for leaving adoption process"],
}

LIST_TITLES: dict[str, str] = {
    "List 1": "Contacts", "List 2": "Early Help Assessments", "List 3": "Referrals",
    "List 4": "Assessments", "List 5": "Section 47 enquiries and ICPCs",
    "List 6": "Children in Need", "List 7": "Child Protection", "List 8": "Children in Care",
    "List 9": "Care Leavers", "List 10": "Adoption", "List 11": "Adopters",
}

# From the 2026 template "Gender" is headed "Sex" on every list (same M/F/U values).
GENDER_HEADER, SEX_HEADER = "Gender", "Sex"
DATE_FORMAT = "dd/mm/yyyy"
CASE_STATUS = {  # Annex A list 6 vocabulary, most intensive service first
    "cla": "a) Looked after child", "cp": "b) Child Protection plan",
    "cin": "c) Child in need plan", "assessment": "d) Open assessment",
    "closed": "e) Closed episode",
}
EMERGENCY_LEGAL_STATUS = frozenset({"L1", "L2"})  # police protection, emergency protection order
HEALTH_ASSESSMENTS = frozenset({"IHA", "HEALTH_ASSESSMENT"})
CARE_LEAVER_AGES = range(16, 26)
VISIT_TABLES = (  # (table, person, date, seen) of the visits that show a child was seen
    ("ssd_cin_visits", "cinv_person_id", "cinv_cin_visit_date", "cinv_cin_visit_seen"),
    ("ssd_cp_visits", "cppv_person_id", "cppv_cp_visit_date", "cppv_cp_visit_seen"),
    ("ssd_cla_visits", "clav_person_id", "clav_cla_visit_date", "clav_cla_visit_seen"),
)


def write_annex_a(
    data: Dataset, path: Path, *, start: date, end: date, sex_header: bool = False
) -> Path:
    """Write the Annex A workbook for the window [start, end] (inclusive)."""
    if start > end:
        raise ValueError(f"the window starts ({start}) after it ends ({end})")
    lists = _AnnexA(data, start, end).lists()
    wb = Workbook(write_only=True)  # streams rows: no cell objects kept per sheet
    for name, headers in ANNEX_A_COLUMNS.items():
        ws = wb.create_sheet(title=name)
        ws.append([SEX_HEADER if sex_header and h == GENDER_HEADER else h for h in headers])
        for record in lists[name]:
            ws.append([_cell(ws, record.get(h)) for h in headers])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _cell(ws: Any, value: Any) -> Any:
    if isinstance(value, date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return value


def _yn(flag: bool) -> str:
    return "Y" if flag else "N"


class _AnnexA:
    """The canonical tables indexed for one window."""

    def __init__(self, data: Dataset, start: date, end: date) -> None:
        self.data, self.lo, self.hi = data, start, end
        self.year_ago = add_months(end, -12)
        self.people = index_by(rows(data, "ssd_person"), "pers_person_id")
        self.disabled = {
            d["disa_person_id"] for d in rows(data, "ssd_disability")
            if d["disa_disability_code"] not in (None, "NONE")
        }
        self.alloc = Allocations(data)
        self.referrals = group_by(rows(data, "ssd_cin_episodes"), "cine_person_id")
        self.cla = group_by(rows(data, "ssd_cla_episodes"), "clae_person_id")
        self.periods = periods_of_care(data)  # one definition: lantern.facts
        self.cp_plans = group_by(rows(data, "ssd_cp_plans"), "cppl_person_id")
        self.immigration = group_by(rows(data, "ssd_immigration_status"), "immi_person_id")
        self.missing = group_by(rows(data, "ssd_missing"), "miss_person_id")
        self.assessments_by_referral = group_by(rows(data, "ssd_cin_assessments"),
                                                "cina_referral_id")
        self.legal_status = group_by(rows(data, "ssd_legal_status"), "lega_person_id")
        self.placements = index_by(rows(data, "ssd_cla_placement"), "clap_cla_placement_id")
        self.cla_reviews = group_by(rows(data, "ssd_cla_reviews"), "clar_person_id")
        self.cla_visits = group_by(rows(data, "ssd_cla_visits"), "clav_person_id")
        self.health = group_by(rows(data, "ssd_cla_health"), "clah_person_id")
        self.advisers = Allocations(data, role="PA")
        # The case status at the window's end reads the derived facts (lantern.facts)
        self.looked_after_at_end = children_on(data, "looked_after", end)
        self.on_plan_at_end = children_on(data, "cp_plans_open", end)

    def lists(self) -> dict[str, list[Row]]:
        builders: dict[str, Callable[[], list[Row]]] = {
            "List 1": self.contacts, "List 2": self.early_help, "List 3": self.referral_list,
            "List 4": self.assessments, "List 5": self.section47s, "List 6": self.children_in_need,
            "List 7": self.child_protection, "List 8": self.children_in_care,
            "List 9": self.care_leavers, "List 10": self.adoption, "List 11": lambda: [],
        }
        return {name: build() for name, build in builders.items()}

    # -------------------------------------------------------------- shared columns

    def child(self, person_id: str, on: date) -> Row:
        """The child columns every list starts with; age on `on`."""
        p = self.people.get(person_id, {})
        return {
            "Child Unique ID": person_id,
            GENDER_HEADER: p.get("pers_sex"),
            "Ethnicity": p.get("pers_ethnicity"),
            "Date of Birth": p.get("pers_dob"),
            "Age of Child (Years)": age_on(p.get("pers_dob"), on),
            _DISABILITY: _yn(person_id in self.disabled),
        }

    def allocated(self, person_id: str, on: date, team: str | None = None,
                  worker: str | None = None) -> Row:
        team_name, worker_name = self.alloc.team_and_worker(person_id, on, team, worker)
        return {"Allocated Team": team_name, "Allocated Worker": worker_name}

    def caseload_date(self, ended: date | None) -> date:
        """The date a caseload row describes: its end if within the window, else the window end."""
        return as_at(ended, self.hi) or self.hi

    # -------------------------------------------------------------- lists 1–5: events

    def contacts(self) -> list[Row]:
        return _sort([
            {**self.child(c["cont_person_id"], c["cont_contact_date"]),
             "Date of Contact": c["cont_contact_date"],
             "Contact Source": c["cont_contact_source_code"]}
            for c in rows(self.data, "ssd_contacts")
            if within(c["cont_contact_date"], self.lo, self.hi)
        ], "Date of Contact")

    def early_help(self) -> list[Row]:
        out = []
        for e in rows(self.data, "ssd_early_help_episodes"):
            started, ended = e["earl_episode_start_date"], e["earl_episode_end_date"]
            if within(started, self.lo, self.hi) or within(ended, self.lo, self.hi):
                out.append({**self.child(e["earl_person_id"], started or self.hi),
                            "Assessment start date": started,
                            "Assessment completion date": as_at(ended, self.hi),
                            "Organisation completing assessment": e["earl_episode_organisation"]})
        return _sort(out, "Assessment start date")

    def referral_list(self) -> list[Row]:
        out = []
        for person, refs in self.referrals.items():
            for r in refs:
                on = r["cine_referral_date"]
                if not within(on, self.lo, self.hi):
                    continue
                recent = sum(within(x["cine_referral_date"], add_months(on, -12), on)
                             for x in refs)
                out.append({**self.child(person, on), "Date of referral": on,
                            "Referral Source": r["cine_referral_source_code"],
                            "Referral NFA?": r["cine_referral_nfa"],
                            "Number of Referrals in Last 12 Months": recent,
                            **self.allocated(person, on, r["cine_referral_team"],
                                             r["cine_referral_worker_id"])})
        return _sort(out, "Date of referral")

    def assessments(self) -> list[Row]:
        out = []
        for a in rows(self.data, "ssd_cin_assessments"):
            started, authorised = a["cina_assessment_start_date"], a["cina_assessment_auth_date"]
            if not overlaps(started, authorised, self.lo, self.hi):
                continue
            shown = as_at(authorised, self.hi)
            support = None if shown is None else _yn(a["cina_assessment_outcome_nfa"] != "Y")
            out.append({
                **self.child(a["cina_person_id"], started),
                "Continuous Assessment Start Date": started,
                "Child Seen During Continuous Assessment": a["cina_assessment_child_seen"],
                "Continuous Assessment Date of Authorisation": shown,
                "Was the child assessed as requiring LA children's social care support?": support,
                **self.allocated(a["cina_person_id"], started, a["cina_assessment_team"],
                                 a["cina_assessment_worker_id"]),
            })
        return _sort(out, "Continuous Assessment Start Date")

    def section47s(self) -> list[Row]:
        icpcs = rows(self.data, "ssd_initial_cp_conference")
        by_s47 = group_by(icpcs, "icpc_s47_enquiry_id")
        icpc_dates = group_by(icpcs, "icpc_person_id")
        s47s = rows(self.data, "ssd_s47_enquiry")
        starts = group_by(s47s, "s47e_person_id")
        out = []
        for s in s47s:
            person, on = s["s47e_person_id"], s["s47e_s47_start_date"]
            if not within(on, self.lo, self.hi):
                continue
            year_before = add_months(on, -12)
            icpc = latest(by_s47.get(s["s47e_s47_enquiry_id"], []), "icpc_icpc_date", self.hi)
            out.append({
                **self.child(person, on),
                "Strategy discussion initiating Section 47 Enquiry Start Date": on,
                "Was an Initial Child Protection Conference deemed unnecessary?":
                    s["s47e_icpc_not_required"],
                "Date of Initial Child Protection Conference": icpc and icpc["icpc_icpc_date"],
                "Did the Initial Child Protection Conference Result in a Child Protection Plan":
                    icpc and icpc["icpc_icpc_outcome_cp_flag"],
                "Number of Section 47 Enquiries in the last 12 months": sum(
                    within(x["s47e_s47_start_date"], year_before, on) for x in starts[person]),
                "Number of ICPCs in the last 12 months": sum(
                    within(x["icpc_icpc_date"], year_before, on)
                    for x in icpc_dates.get(person, [])),
                **self.allocated(person, on, s["s47e_s47_completed_by_team"],
                                 s["s47e_s47_completed_by_worker_id"]),
            })
        return _sort(out, "Strategy discussion initiating Section 47 Enquiry Start Date")

    # -------------------------------------------------------------- list 6: children in need

    def children_in_need(self) -> list[Row]:
        seen = self._seen_dates()
        out = []
        for person, refs in self.referrals.items():
            for r in refs:
                # A referral that was NFA'd never became a child-in-need episode.
                if r["cine_referral_nfa"] == "Y" or not overlaps(
                        r["cine_referral_date"], r["cine_close_date"], self.lo, self.hi):
                    continue
                closed = as_at(r["cine_close_date"], self.hi)
                on = self.caseload_date(closed)
                out.append({
                    **self.child(person, on),
                    "CIN Start Date": r["cine_referral_date"],
                    "Primary Need Code": r["cine_cin_primary_need_code"],
                    "Date Child Was Last Seen": max(
                        (d for d in seen.get(person, []) if d <= self.hi), default=None),
                    "CIN Closure Date": closed,
                    "Reason for Closure": (r["cine_referral_closure_reason_code"]
                                           if closed else None),
                    "Case Status": self._case_status(person, r, closed),
                    **self.allocated(person, on, r["cine_referral_team"],
                                     r["cine_referral_worker_id"]),
                })
        return _sort(out, "CIN Start Date")

    def _seen_dates(self) -> dict[str, list[date]]:
        """Dates each child was seen on a CIN, CP or looked-after visit."""
        out: dict[str, list[date]] = {}
        for table, person_col, date_col, seen_col in VISIT_TABLES:
            for v in rows(self.data, table):
                if v[seen_col] == "Y" and v[date_col] and v[person_col]:
                    out.setdefault(v[person_col], []).append(v[date_col])
        return out

    def _case_status(self, person: str, referral: Row, closed: date | None) -> str:
        if closed is not None:
            return CASE_STATUS["closed"]
        hi = self.hi
        if person in self.looked_after_at_end:
            return CASE_STATUS["cla"]
        if person in self.on_plan_at_end:
            return CASE_STATUS["cp"]
        open_assessment = any(
            overlaps(a["cina_assessment_start_date"], a["cina_assessment_auth_date"], hi, hi)
            for a in self.assessments_by_referral.get(referral["cine_referral_id"], []))
        # An open episode with no plan recorded is still a child in need: (c) is nearest.
        return CASE_STATUS["assessment" if open_assessment else "cin"]

    # -------------------------------------------------------------- list 7: child protection

    def child_protection(self) -> list[Row]:
        visits = group_by(rows(self.data, "ssd_cp_visits"), "cppv_cp_plan_id")
        reviews = group_by(rows(self.data, "ssd_cp_reviews"), "cppr_cp_plan_id")
        out = []
        for person, plans in self.cp_plans.items():
            for p in plans:
                if not overlaps(p["cppl_cp_plan_start_date"], p["cppl_cp_plan_end_date"],
                                self.lo, self.hi):
                    continue
                ended = as_at(p["cppl_cp_plan_end_date"], self.hi)
                on = self.caseload_date(ended)
                visit = latest(visits.get(p["cppl_cp_plan_id"], []), "cppv_cp_visit_date", self.hi)
                review = latest(reviews.get(p["cppl_cp_plan_id"], []), "cppr_cp_review_date",
                                self.hi)
                out.append({
                    **self.child(person, on),
                    "Child Protection Plan Start Date": p["cppl_cp_plan_start_date"],
                    "Initial Category of Abuse": p["cppl_cp_plan_initial_category"],
                    "Latest Category of Abuse": (p["cppl_cp_plan_latest_category"]
                                                 or p["cppl_cp_plan_initial_category"]),
                    "Date of the Last Statutory Visit": visit and visit["cppv_cp_visit_date"],
                    "Was the Child Seen Alone?": visit and visit["cppv_cp_visit_seen_alone"],
                    "Date of latest review conference": review and review["cppr_cp_review_date"],
                    "Child Protection Plan End Date": ended,
                    ANNEX_A_COLUMNS["List 7"][-4]: _yn(self._emergency_protection(person, on)),
                    "Number of Previous Child Protection Plans": previous_cp_plans(p, plans),
                    **self.allocated(person, on),
                })
        return _sort(out, "Child Protection Plan Start Date")

    def _emergency_protection(self, person: str, on: date) -> bool:
        since = add_months(on, -6)
        spells = [(s["lega_legal_status"], s["lega_legal_status_start_date"],
                   s["lega_legal_status_end_date"])
                  for s in self.legal_status.get(person, [])]
        spells += [(e["clae_legal_status"], e["clae_cla_episode_start_date"],
                    e["clae_cla_episode_ceased_date"]) for e in self.cla.get(person, [])]
        return any(ls in EMERGENCY_LEGAL_STATUS and overlaps(s, e, since, on)
                   for ls, s, e in spells)

    # -------------------------------------------------------------- list 8: children in care

    def children_in_care(self) -> list[Row]:
        """Children with a period of care (`lantern.facts`) open at any point in the window."""
        in_window = {
            person: [p for p in periods if overlaps(p["p_start"], p["p_end"], self.lo, self.hi)]
            for person, periods in self.periods.items()}
        return _sort([self._cla_row(person, periods[-1])
                      for person, periods in in_window.items() if periods],
                     "Date Started to be Looked After")

    def _cla_row(self, person: str, period: Row) -> Row:
        """The row of the child's latest period of care in the window, described on the date
        it ended (when in the window) or at the window's end."""
        eps = sorted((e for e in self.cla.get(person, [])
                      if e["clae_cla_id"] == period["period_id"]
                      and e["clae_cla_episode_start_date"]
                      and e["clae_cla_episode_start_date"] <= self.hi
                      and e["clae_legal_status"] not in SHORT_BREAKS),
                     key=lambda e: (e["clae_cla_episode_start_date"], e["clae_cla_episode_id"]))
        last = eps[-1]
        left = as_at(period["p_end"], self.hi)
        on = self.caseload_date(left)
        last_year = [e for e in self.cla.get(person, [])
                     if e["clae_legal_status"] not in SHORT_BREAKS
                     and overlaps(e["clae_cla_episode_start_date"],
                                  e["clae_cla_episode_ceased_date"], self.year_ago, self.hi)]
        return {
            **self.child(person, on),
            ANNEX_A_COLUMNS["List 8"][5]: _yn(self._uasc(person, self.year_ago, {"UASC"})),
            "Date Started to be Looked After": period["p_start"],
            "Child's Category of Need": last["clae_cla_primary_need_code"],
            ANNEX_A_COLUMNS["List 8"][9]: _yn(len({e["clae_cla_id"] for e in last_year}) > 1),
            "Start date of current legal status": _legal_status_start(eps),
            "Child's Legal Status": last["clae_legal_status"],
            **self._cla_dates(person, last),
            "Number of Placements in the Last 12 months": len(
                {e["clae_cla_placement_id"] for e in last_year if e["clae_cla_placement_id"]}),
            "Date Ceased to be Looked After": left,
            "Reason Ceased to be Looked After": last["clae_cla_episode_ceased_reason"]
            if left else None,
            **self._placement(last),
            **self._missing(person),
            **self.allocated(person, on),
        }

    def _cla_dates(self, person: str, last: Row) -> Row:
        reviews = [r for r in self.cla_reviews.get(person, [])
                   if r["clar_cla_review_cancelled"] != "Y"]
        visits = self.cla_visits.get(person, [])
        health = [h for h in self.health.get(person, [])
                  if h["clah_health_check_status"] == "Completed"]
        review = latest(reviews, "clar_cla_review_date", self.hi)
        visit = latest(visits, "clav_cla_visit_date", self.hi)
        assessment = latest(
            [h for h in health if h["clah_health_check_type"] in HEALTH_ASSESSMENTS],
            "clah_health_check_date", self.hi)
        dental = latest([h for h in health if h["clah_health_check_type"] == "DENTAL"],
                        "clah_health_check_date", self.hi)
        return {
            "Date of Latest Statutory Review": review and review["clar_cla_review_date"],
            "Date of Last Social Work Visit": visit and visit["clav_cla_visit_date"],
            "Date of Last IRO Visit / Contact to the Child":
                as_at(last["clae_cla_last_iro_contact_date"], self.hi),
            "Date of Last Health Assessment": assessment and assessment["clah_health_check_date"],
            "Date of Last Dental Check": dental and dental["clah_health_check_date"],
        }

    def _placement(self, episode: Row) -> Row:
        p = self.placements.get(episode["clae_cla_placement_id"], {})
        return {
            "Start Date of Most Recent Placement": p.get("clap_cla_placement_start_date"),
            "Placement Type": p.get("clap_cla_placement_type"),
            "Placement Provider": p.get("clap_cla_placement_provider"),
            "Placement postcode": p.get("clap_cla_placement_postcode"),
            "URN of Placement": p.get("clap_cla_placement_urn"),
        }

    def _missing(self, person: str) -> Row:
        recent = [m for m in self.missing.get(person, [])
                  if within(m["miss_missing_episode_start_date"], self.year_ago, self.hi)]
        last = latest([m for m in recent if m["miss_missing_episode_type"] == "M"],
                      "miss_missing_episode_start_date")
        headers = ANNEX_A_COLUMNS["List 8"][-6:-2]
        return dict(zip(headers, [
            sum(m["miss_missing_episode_type"] == "M" for m in recent),
            sum(m["miss_missing_episode_type"] == "A" for m in recent),
            last and last["miss_missing_rhi_offered"],
            last and last["miss_missing_rhi_accepted"],
        ], strict=True))

    def _uasc(self, person: str, since: date, statuses: set[str]) -> bool:
        return any(s["immi_immigration_status"] in statuses
                   and overlaps(s["immi_immigration_status_start_date"] or date.min,
                                s["immi_immigration_status_end_date"], since, self.hi)
                   for s in self.immigration.get(person, []))

    # -------------------------------------------------------------- lists 9–10

    def care_leavers(self) -> list[Row]:
        out = []
        for person, records in group_by(rows(self.data, "ssd_care_leavers"),
                                        "clea_person_id").items():
            for r in records:
                r["_as_of"] = r["clea_oc3_birthday"] or r["clea_care_leaver_latest_contact"]
            record = latest(records, "_as_of", self.hi)
            age = age_on(self.people.get(person, {}).get("pers_dob"), self.hi)
            if record is None or age not in CARE_LEAVER_AGES:
                continue
            out.append(self._care_leaver_row(person, record))
        return _sort(out)

    def _care_leaver_row(self, person: str, r: Row) -> Row:
        adviser = r["clea_care_leaver_personal_advisor"]
        if adviser is None:  # else the personal adviser (PA) involvement open at the end
            pa = self.advisers.involvement(person, self.hi) or {}
            adviser = self.advisers.worker_name(pa.get("invo_professional_id"))
        return {
            **self.child(person, self.hi),
            ANNEX_A_COLUMNS["List 9"][5]: _yn(self._uasc(person, date.min,
                                                         {"UASC", "Former UASC"})),
            **self.allocated(person, self.hi, r["clea_care_leaver_allocated_team"],
                             r["clea_care_leaver_worker_id"]),
            "Allocated Personal Advisor": adviser,
            "Eligibility Category": r["clea_care_leaver_eligibility"],
            "Latest Pathway Plan Review Date": as_at(r["clea_pathway_plan_review_date"], self.hi),
            "LA in Touch": r["clea_care_leaver_in_touch"],
            "Latest Date of Contact": as_at(r["clea_care_leaver_latest_contact"], self.hi),
            "Type of Accommodation": r["clea_care_leaver_accommodation"],
            "Suitability of Accommodation": r["clea_care_leaver_accom_suitable"],
            "Activity Status": r["clea_care_leaver_activity"],
        }

    def adoption(self) -> list[Row]:
        out = []
        for p in rows(self.data, "ssd_permanence"):
            adopted = p["perm_adoption_order_date"]
            reversed_on = p["perm_decision_reversed_date"]
            decided = p["perm_adm_decision_date"]
            # Active in the window: decided by its end, not adopted or reversed before it.
            if (decided is None or decided > self.hi or (adopted and adopted < self.lo)
                    or (reversed_on and reversed_on < self.lo)):
                continue
            out.append(self._adoption_row(p))
        return _sort(out)

    def _adoption_row(self, p: Row) -> Row:
        person = p["perm_person_id"]
        period = [e for e in self.cla.get(person, []) if e["clae_cla_id"] == p["perm_cla_id"]]
        entered = min((e["clae_entered_care_date"] or e["clae_cla_episode_start_date"]
                       for e in period if e["clae_cla_episode_start_date"]), default=None)
        reversed_on = as_at(p["perm_decision_reversed_date"], self.hi)
        return {
            **self.child(person, self.hi),
            "Family identifier": None,
            "Date the Child Entered Care": entered,
            "Date of Decision that Child Should be Placed for Adoption":
                p["perm_adm_decision_date"],
            "Date of Placement Order": as_at(p["perm_placement_order_date"], self.hi),
            "Date of Matching Child and Prospective Adopters": as_at(p["perm_matched_date"],
                                                                     self.hi),
            "Date Placed for Adoption": as_at(p["perm_placed_for_adoption_date"], self.hi),
            "Date of Adoption Order": as_at(p["perm_adoption_order_date"], self.hi),
            "Date of Decision that Child Should No Longer be Placed for Adoption": reversed_on,
            "Reason Why Child No Longer Placed for Adoption":
                p["perm_decision_reversed_reason"] if reversed_on else None,
            ANNEX_A_COLUMNS["List 10"][-1]: as_at(p["perm_placed_ffa_cp_date"], self.hi),
        }


def _legal_status_start(period: list[Row]) -> date | None:
    """When the current legal status began: back through the period while LS is unchanged."""
    if not period:
        return None
    start = period[-1]["clae_cla_episode_start_date"]
    for e in reversed(period[:-1]):
        if e["clae_legal_status"] != period[-1]["clae_legal_status"]:
            break
        start = e["clae_cla_episode_start_date"]
    return start


def _sort(records: list[Row], key: str | None = None) -> list[Row]:
    """By child, then by the list's own date (reproducible sheets)."""
    return sorted(records, key=lambda r: (str(r["Child Unique ID"]),
                                          (r.get(key) if key else None) or date.min))


# ---------------------------------------------------------------- reading (maps only)

def header_key(text: object) -> str:
    """A header as matched when reading: case, spacing and punctuation ignored."""
    return "".join(ch for ch in str(text or "").lower() if ch.isalnum())


# Renamed headers read as their canonical header: the 2026 template's "Sex" is "Gender".
READ_HEADER_ALIASES: dict[str, str] = {header_key(SEX_HEADER): GENDER_HEADER}
# Text dates seen in Annex A workbooks, tried in order.
READ_DATE_FORMATS: tuple[str, ...] = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y",
                                      "%d/%m/%y", "%d %b %Y", "%d %B %Y")


def list_name(sheet_title: str) -> str | None:
    """The list a sheet holds, by its title: 'List 3', 'list3 - Referrals', 'LIST_3' → 'List 3'."""
    import re

    m = re.match(r"\s*list[\s_\-]*(\d{1,2})(?!\d)", sheet_title, re.IGNORECASE)
    name = f"List {int(m.group(1))}" if m else None
    return name if name in ANNEX_A_COLUMNS else None
