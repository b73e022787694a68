"""The SSDA903 children looked after return: one CSV per table, written from the model.

The year runs 1 April to 31 March. Episodes open at any time in the year are written
whole; a date after 31 March (an episode still open then) is left blank, so a past
year's files are the files as they would have been returned then. Dates are dd/mm/yyyy.

`SSDA903_COLUMNS` and `FILE_NAMES` are the layout (csc-validator-be-903 config) and
are module-level so the reader can reuse them.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from lantern.calendar import add_months
from lantern.formats._common import (
    Dataset,
    Row,
    as_at,
    collection_window,
    group_by,
    index_by,
    latest,
    overlaps,
    rows,
    upn_or_unknown,
    within,
)

SSDA903_COLUMNS: dict[str, list[str]] = {
    "Header": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    "Episodes": ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"],
    "Reviews": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    "UASC": ["CHILD", "SEX", "DOB", "DUC"],
    "OC2": ["CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK",
            "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE",
            "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"],
    "OC3": ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
    "AD1": ["CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR",
            "LS_ADOPTR"],
    "PlacedAdoption": ["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED",
                       "REASON_PLACED_CEASED"],
    "PrevPerm": ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
    "Missing": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
    "SWEpisodes": ["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"],
}

FILE_NAMES: dict[str, str] = {
    "Header": "header.csv",
    "Episodes": "episodes.csv",
    "Reviews": "reviews.csv",
    "UASC": "uasc.csv",
    "OC2": "oc2.csv",
    "OC3": "oc3.csv",
    "AD1": "ad1.csv",
    "PlacedAdoption": "placed_for_adoption.csv",
    "PrevPerm": "previous_permanence.csv",
    "Missing": "missing.csv",
    "SWEpisodes": "sw_episodes.csv",
}

DATE_FORMAT = "%d/%m/%Y"
FIRST_M_F_U_YEAR = 2025  # SEX was 1/2 until 2023-24; M/F/U from 2024-25 (schema 2025 diff)
ADOPTED = frozenset({"E11", "E12"})
SHORT_BREAKS = frozenset({"V3", "V4"})  # respite-only children have no OC2 outcomes
HEALTH_ASSESSMENTS = frozenset({"IHA", "HEALTH_ASSESSMENT"})
HEALTH_CHECK_MAX_AGE = 5  # HEALTH_CHECK (surveillance) is for children under 5
# From 2024-25 supported accommodation must be Ofsted-registered: H5 (semi-independent,
# not subject to children's homes regulations) and P2 (independent living) left the
# code set and such placements are returned as K3 (supported accommodation).
PLACE_FROM_2025: dict[str, str] = {"H5": "K3", "P2": "K3"}
# OC3: a young person who has died or returned home has no activity or accommodation.
NO_OC3_DETAIL = frozenset({"DIED", "RHOM"})
NOT_ASKED = "0"  # their ACTIV and ACCOM
# An SDQ is due for children aged 4 to 16; SDQ1 says none was, by age (DfE rule 197B).
SDQ_LAST_AGE = 16
SDQ_OUT_OF_AGE = "SDQ1"
# Supported accommodation (H5, later K3) registered with Ofsted from the 2023-24 year.
H5_REGISTERED_FROM = date(2023, 4, 1)
# Previous permanence not recorded for a child new to care: DfE's code for unknown.
PREV_PERM_UNKNOWN = "Z1"
SINGLE_ADOPTER = frozenset({"M1", "F1"})
COUPLE_ADOPTERS = frozenset({"MM", "FF", "MF"})
LS_SINGLE = "L0"


def placements_without_urn(collection_year: int | None) -> frozenset[str]:
    """Placement types that have no Ofsted URN (DfE rule 222), by collection year: P2 (to
    2023-24) and H5 (to 2022-23) went, and Z1 became Z11-Z14 from 2025-26."""
    y = collection_year or FIRST_M_F_U_YEAR
    out = {"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4"}
    out |= {"Z11", "Z12", "Z13", "Z14"} if y >= 2026 else {"Z1"}
    if y <= 2024:
        out.add("P2")
    if y <= 2023:
        out.add("H5")
    return frozenset(out)


def sex_code(sex: str | None, collection_year: int) -> str | None:
    """SEX as the year's return codes it: 1/2 up to 2024, M/F/U from 2025."""
    if collection_year >= FIRST_M_F_U_YEAR:
        return sex if sex in ("M", "F", "U") else None
    return {"M": "1", "F": "2"}.get(sex or "")  # no code for U before 2025: left blank


def format_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime(DATE_FORMAT)
    return str(value)


def write_ssda903(data: Dataset, out_dir: Path, *, collection_year: int,
                  as_at: date | None = None) -> list[Path]:
    """Write the eleven SSDA903 CSVs for the year ending 31 March `collection_year`.

    `as_at`: the date the data runs to, when that is before the year's 31 March (an
    in-year return): the year-end outcomes (OC2) are not yet due and are left out."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = _Return(data, collection_year, as_at).tables()
    paths = []
    for name, columns in SSDA903_COLUMNS.items():
        path = out_dir / FILE_NAMES[name]
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(columns)
            for record in tables[name]:
                writer.writerow([format_value(record.get(c)) for c in columns])
        paths.append(path)
    return paths


class _Return:
    """The canonical tables indexed for one year's return."""

    def __init__(self, data: Dataset, collection_year: int, as_at: date | None = None) -> None:
        self.year = collection_year
        self.lo, self.hi = collection_window(collection_year)
        self.year_ended = as_at is None or as_at >= self.hi
        self.data = data
        self.people = index_by(rows(data, "ssd_person"), "pers_person_id")
        self.placements = index_by(rows(data, "ssd_cla_placement"), "clap_cla_placement_id")
        episodes = rows(data, "ssd_cla_episodes")
        self.episodes = sorted(
            (e for e in episodes if overlaps(e["clae_cla_episode_start_date"],
                                             e["clae_cla_episode_ceased_date"], self.lo, self.hi)),
            key=lambda e: (e["clae_person_id"], e["clae_cla_episode_start_date"]),
        )
        self.looked_after = {e["clae_person_id"] for e in self.episodes}
        self.all_episodes = {
            person: sorted(eps, key=lambda e: e["clae_cla_episode_start_date"] or date.min)
            for person, eps in group_by(episodes, "clae_person_id").items()
        }
        self.person_of_period = {e["clae_cla_id"]: e["clae_person_id"] for e in episodes}

    def tables(self) -> dict[str, list[Row]]:
        out: dict[str, list[Row]] = {
            "Episodes": [self._episode(e) for e in self.episodes],
            "Reviews": self._reviews(),
            "UASC": self._uasc(),
            "OC2": self._oc2(),
            "OC3": self._oc3(),
            "AD1": self._ad1(),
            "PlacedAdoption": self._placed_adoption(),
            "PrevPerm": self._prev_perm(),
            "Missing": self._missing(),
            "SWEpisodes": self._sw_episodes(),
        }
        # The header lists every child that appears in any other table.
        children = sorted({r["CHILD"] for t in out.values() for r in t})
        out["Header"] = [self._header(c) for c in children]
        return out

    def _child(self, person_id: str, **fields: Any) -> Row:
        """A row that starts with CHILD and DOB, as most tables do."""
        return {"CHILD": person_id, "DOB": self.people.get(person_id, {}).get("pers_dob"),
                **fields}

    def _header(self, person_id: str) -> Row:
        p = self.people.get(person_id, {})
        upn, unknown = upn_or_unknown(p, self.hi)
        mother = None
        # Asked only of girls looked after in the year (DfE rules 628, 165).
        if (p.get("pers_sex") == "F" and p.get("pers_is_mother") in ("Y", "N")
                and person_id in self.looked_after):
            mother = "1" if p["pers_is_mother"] == "Y" else "0"
        return self._child(
            person_id,
            SEX=sex_code(p.get("pers_sex"), self.year),
            ETHNIC=p.get("pers_ethnicity"),
            UPN=upn or unknown,  # the UPN column holds the UN code when there is none
            MOTHER=mother,
            MC_DOB=None,  # the model holds no child's-child date of birth
        )

    def _episode(self, e: Row) -> Row:
        placement = self.placements.get(e["clae_cla_placement_id"], {})
        ceased = as_at(e["clae_cla_episode_ceased_date"], self.hi)
        # The reason a placement changed belongs to the episode in which it ended.
        change = (placement.get("clap_cla_placement_change_reason")
                  if ceased and placement.get("clap_cla_placement_end_date") == ceased else None)
        place = self._place(placement.get("clap_cla_placement_type"))
        return {
            "CHILD": e["clae_person_id"],
            "DECOM": e["clae_cla_episode_start_date"],
            "RNE": e["clae_cla_episode_start_reason"],
            "LS": e["clae_legal_status"],
            "CIN": e["clae_cla_primary_need_code"],
            "PLACE": place,
            "PLACE_PROVIDER": placement.get("clap_cla_placement_provider"),
            "DEC": ceased,
            "REC": e["clae_cla_episode_ceased_reason"] if ceased else None,
            "REASON_PLACE_CHANGE": change,
            "HOME_POST": None,  # the model holds no home postcode
            "PL_POST": placement.get("clap_cla_placement_postcode"),
            # A placement of a type Ofsted does not register has no URN (DfE rule 222).
            "URN": None if self._without_urn(place, placement)
            else placement.get("clap_cla_placement_urn"),
        }

    def _without_urn(self, place: str | None, placement: Row) -> bool:
        """DfE's placements with no URN (222); semi-independent living (H5) begun before
        2023-24, when it was not yet registered, has none in any year's return (so a
        placement carried over keeps its URN, rule 503F)."""
        if place in placements_without_urn(self.year):
            return True
        started = placement.get("clap_cla_placement_start_date")
        return placement.get("clap_cla_placement_type") == "H5" and started is not None \
            and started < H5_REGISTERED_FROM

    def _place(self, code: str | None) -> str | None:
        if code is not None and self.year >= FIRST_M_F_U_YEAR:
            return PLACE_FROM_2025.get(code, code)
        return code

    def _reviews(self) -> list[Row]:
        out = []
        for r in rows(self.data, "ssd_cla_reviews"):
            person = r["clar_person_id"] or self.person_of_period.get(r["clar_cla_id"])
            if (person and within(r["clar_cla_review_date"], self.lo, self.hi)
                    and r["clar_cla_review_cancelled"] != "Y"):
                out.append(self._child(person, REVIEW=r["clar_cla_review_date"],
                                       REVIEW_CODE=r["clar_cla_review_participation"]))
        return _sorted(out, "REVIEW")

    def _uasc(self) -> list[Row]:
        out = []
        for person, spells in group_by(rows(self.data, "ssd_immigration_status"),
                                       "immi_person_id").items():
            uasc = [s for s in spells if s["immi_immigration_status"] == "UASC"
                    and (s["immi_immigration_status_start_date"] or date.min) <= self.hi]
            if person in self.looked_after and uasc:
                spell = max(uasc, key=lambda s: s["immi_immigration_status_start_date"] or date.min)
                p = self.people.get(person, {})
                out.append(self._child(person, SEX=sex_code(p.get("pers_sex"), self.year),
                                       DUC=_uasc_ceased(spell, p.get("pers_dob"))))
        return _sorted(out)

    # -------------------------------------------------------------- OC2

    def _oc2_children(self) -> list[str]:
        """Looked after on 31 March, continuously for 12 months, not only on short breaks.
        Before that 31 March has come, no child is yet (an in-year return has no OC2)."""
        if not self.year_ended:
            return []
        year_ago = date(self.year - 1, 3, 31)
        out = []
        for person in sorted(self.looked_after):
            eps = [e for e in self.all_episodes[person]
                   if overlaps(e["clae_cla_episode_start_date"],
                               e["clae_cla_episode_ceased_date"], self.hi, self.hi)]
            if not eps or eps[-1]["clae_legal_status"] in SHORT_BREAKS \
                    or _care_ended(eps[-1], self.hi):
                continue
            period = [e for e in self.all_episodes[person]
                      if e["clae_cla_id"] == eps[-1]["clae_cla_id"]]
            entered = eps[-1]["clae_entered_care_date"] or min(
                e["clae_cla_episode_start_date"] for e in period)
            if entered <= year_ago:
                out.append(person)
        return out

    def _oc2(self) -> list[Row]:
        health = group_by(rows(self.data, "ssd_cla_health"), "clah_person_id")
        immunisations = group_by(rows(self.data, "ssd_cla_immunisations"), "clai_person_id")
        sdqs = group_by(rows(self.data, "ssd_sdq_scores"), "csdq_person_id")
        out = []
        for person in self._oc2_children():
            checks = [h for h in health.get(person, [])
                      if h["clah_health_check_status"] == "Completed"
                      and within(h["clah_health_check_date"], self.lo, self.hi)]
            assessed = _flag(any(h["clah_health_check_type"] in HEALTH_ASSESSMENTS for h in checks))
            dob = self.people.get(person, {}).get("pers_dob")
            under_5 = dob is not None and dob > date(self.hi.year - HEALTH_CHECK_MAX_AGE,
                                                     self.hi.month, self.hi.day)
            immunised = latest(immunisations.get(person, []), "clai_immunisations_status_date",
                               self.hi)
            sdq = latest([s for s in sdqs.get(person, [])
                          if within(s["csdq_sdq_completed_date"], self.lo, self.hi)],
                         "csdq_sdq_completed_date")
            reason = sdq and sdq["csdq_sdq_reason"]
            if sdq is None and dob is not None and _age(dob, self.lo) == SDQ_LAST_AGE \
                    and _age(dob, self.hi) > SDQ_LAST_AGE:
                # No form is due once 17: for a child 17 in the year DfE's reason SDQ1 says
                # so (rule 197B); under 4, or 17 by 1 April, neither score nor reason is
                # returned (rules 188, 189).
                reason = SDQ_OUT_OF_AGE
            out.append(self._child(
                person,
                SDQ_SCORE=sdq and sdq["csdq_sdq_score"],
                SDQ_REASON=reason,
                HEALTH_CHECK=assessed if under_5 else None,
                # No immunisation record: not known to be up to date.
                IMMUNISATIONS=_flag(immunised is not None
                                    and immunised["clai_immunisations_status"] == "Y"),
                TEETH_CHECK=_flag(any(h["clah_health_check_type"] == "DENTAL" for h in checks)),
                HEALTH_ASSESSMENT=assessed,
                # The model records no substance misuse problem, so none was identified
                # (DfE rules 544/547 need the item whenever the health items are given).
                SUBSTANCE_MISUSE="0",
                # CONVICTED, INTERVENTION_*: not in the model, left blank.
            ))
        return out

    # -------------------------------------------------------------- leavers, adoption

    def _oc3(self) -> list[Row]:
        out = []
        for c in rows(self.data, "ssd_care_leavers"):
            if not within(c["clea_oc3_birthday"], self.lo, self.hi):
                continue
            # Activity and accommodation are not asked of a young person who has died or
            # gone home to parents: both are returned as 0 (DfE rule 344; the code sets
            # include 0 and neither item may be blank).
            detail = c["clea_care_leaver_in_touch"] not in NO_OC3_DETAIL
            out.append(self._child(
                c["clea_person_id"], IN_TOUCH=c["clea_care_leaver_in_touch"],
                ACTIV=c["clea_care_leaver_activity"] if detail else NOT_ASKED,
                ACCOM=c["clea_care_leaver_accommodation"] if detail else NOT_ASKED))
        return _sorted(out)

    def _adopted_in_year(self) -> set[str]:
        return {
            e["clae_person_id"] for e in self.episodes
            if e["clae_cla_episode_ceased_reason"] in ADOPTED
            and within(e["clae_cla_episode_ceased_date"], self.lo, self.hi)
        }

    def _ad1(self) -> list[Row]:
        adopted = self._adopted_in_year()
        out = [
            self._child(
                p["perm_person_id"],
                DATE_INT=p["perm_adm_decision_date"],
                DATE_MATCH=p["perm_matched_date"],
                FOSTER_CARE=(_flag(p["perm_adopted_by_carer_flag"] == "Y")
                             if p["perm_adopted_by_carer_flag"] else None),
                **_adopters(p),
            )
            for p in rows(self.data, "ssd_permanence")
            if p["perm_person_id"] in adopted
            or within(p["perm_adoption_order_date"], self.lo, self.hi)
        ]
        return _sorted(out)

    def _placed_adoption(self) -> list[Row]:
        out = []
        for p in rows(self.data, "ssd_permanence"):
            decided = as_at(p["perm_adm_decision_date"], self.hi)
            reversed_on = as_at(p["perm_decision_reversed_date"], self.hi)
            if (decided and p["perm_person_id"] in self.looked_after
                    and (reversed_on is None or reversed_on >= self.lo)):
                out.append(self._child(
                    p["perm_person_id"], DATE_PLACED=decided, DATE_PLACED_CEASED=reversed_on,
                    REASON_PLACED_CEASED=p["perm_decision_reversed_reason"] if reversed_on
                    else None,
                ))
        return _sorted(out)

    def _prev_perm(self) -> list[Row]:
        # Asked of children who started to be looked after in the year.
        started = {e["clae_person_id"] for e in self.episodes
                   if e["clae_cla_episode_start_reason"] == "S"
                   and within(e["clae_cla_episode_start_date"], self.lo, self.hi)}
        out = [
            self._child(p["lapp_person_id"], PREV_PERM=p["lapp_previous_permanence_option"],
                        LA_PERM=p["lapp_previous_permanence_la"],
                        DATE_PERM=_text_date(p["lapp_previous_permanence_order_date"]))
            for p in rows(self.data, "ssd_cla_previous_permanence")
            if p["lapp_person_id"] in started
        ]
        # DfE asks it of every child new to care (rule 630): none recorded is unknown.
        recorded = {r["CHILD"] for r in out if r["PREV_PERM"]}
        out += [self._child(c, PREV_PERM=PREV_PERM_UNKNOWN, LA_PERM=None, DATE_PERM=None)
                for c in sorted(started - recorded)]
        return _sorted(out)

    # -------------------------------------------------------------- missing, workers

    def _missing(self) -> list[Row]:
        out = [
            self._child(m["miss_person_id"], MISSING=m["miss_missing_episode_type"],
                        MIS_START=m["miss_missing_episode_start_date"],
                        MIS_END=as_at(m["miss_missing_episode_end_date"], self.hi))
            for m in rows(self.data, "ssd_missing")
            if m["miss_person_id"] in self.looked_after
            and within(m["miss_missing_episode_start_date"], self.lo, self.hi)
        ]
        return _sorted(out, "MIS_START")

    def _sw_episodes(self) -> list[Row]:
        # SW_ID is the social worker's Social Work England registration number where the
        # model holds one; a return loaded into Lantern keeps its SW_ID as the id.
        registered = {p["prof_professional_id"]: p["prof_social_worker_registration_no"]
                      for p in rows(self.data, "ssd_professionals")
                      if p.get("prof_social_worker_registration_no")}
        out = [
            self._child(i["invo_person_id"],
                        SW_ID=registered.get(i["invo_professional_id"],
                                             i["invo_professional_id"]),
                        SW_DECOM=i["invo_involvement_start_date"],
                        SW_DEC=as_at(i["invo_involvement_end_date"], self.hi),
                        SW_REASON=i["invo_worker_change_reason"])
            for i in rows(self.data, "ssd_involvements")
            if i["invo_professional_role_id"] == "SW" and i["invo_person_id"] in self.looked_after
            and overlaps(i["invo_involvement_start_date"], i["invo_involvement_end_date"],
                         self.lo, self.hi)
            # An allocation begun and ended the same day is no social worker episode (SW09).
            and i["invo_involvement_start_date"] != i["invo_involvement_end_date"]
        ]
        return _sorted(out, "SW_DECOM")


def _uasc_ceased(spell: Row, dob: date | None) -> date | None:
    """DUC: the date UASC status ended or, for a child still UASC, the date it will (the
    18th birthday, when the status ends): DfE's rules 205B and 304 read it so, and it may
    lie after the year."""
    ended = spell["immi_immigration_status_end_date"]
    if ended is None and dob is not None:
        return add_months(dob, 12 * 18)
    return ended


def _adopters(p: Row) -> Row:
    """NB_ADOPTR, SEX_ADOPTR, LS_ADOPTR. The number of adopters follows from their sexes
    (M1/F1 one, MM/FF/MF two) and a single adopter's legal status is L0 (single); a
    couple's legal status (married, civil partners, unmarried) is only ever recorded."""
    sex = p["perm_adopter_sex"]
    number = p["perm_number_of_adopters"]
    if number is None and sex in SINGLE_ADOPTER | COUPLE_ADOPTERS:
        number = 1 if sex in SINGLE_ADOPTER else 2
    status = p["perm_adopter_legal_status"]
    if status is None and sex in SINGLE_ADOPTER:
        status = LS_SINGLE
    return {"NB_ADOPTR": number, "SEX_ADOPTR": sex, "LS_ADOPTR": status}


def _flag(value: bool) -> str:
    return "1" if value else "0"


def _sorted(records: Iterable[Row], *keys: str) -> list[Row]:
    """Rows by child, then by the given date columns (stable, reproducible files)."""
    return sorted(records, key=lambda r: (r["CHILD"], *(r.get(k) or date.min for k in keys)))


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _age(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def _text_date(text: str | None) -> str | None:
    """PrevPerm dates are text (they may be partial, e.g. zz/05/2019); ISO ones are reformatted."""
    if text and _ISO_DATE.match(text):
        return date.fromisoformat(text).strftime(DATE_FORMAT)
    return text


# ---------------------------------------------------------------- reading (maps only)

# SEX as returned: 1/2 until 2023-24, M/F/U from 2024-25; both read to M/F/U.
SEX_READ: dict[str, str] = {"1": "M", "2": "F", "M": "M", "F": "F", "U": "U"}
def _care_ended(episode: Row, on: date) -> bool:
    """Care ended on the day (DfE's 12-month cohort: an episode ending in the year with REC
    other than X1 breaks it, even on 31 March)."""
    ceased = episode["clae_cla_episode_ceased_date"]
    return ceased is not None and ceased <= on \
        and episode["clae_cla_episode_ceased_reason"] != "X1"


# Flags written 1/0 (FOSTER_CARE, MOTHER, OC2 items) read to the model's Y/N.
FLAG_READ: dict[str, str] = {"1": "Y", "0": "N"}
# UPN column may hold an "unknown" code instead of a UPN.
UPN_UNKNOWN_CODES = frozenset(f"UN{i}" for i in range(1, 11))
# Tables added in later years: the reader recognises them when their columns match.
LATER_TABLES: dict[str, list[str]] = {"DoLo": ["CHILD", "DOB", "DOLO_START", "DOLO_END"]}


# -- the XML return (root EXPSSDA903) that older case systems still produce -------------------
#
# One <CHILD> per child: a <HEADER> holding the child's own items and, nested in it, the
# items of the other tables (a review per <AREVIEW>, a missing episode per <AMISSING>,
# <OC2>, <PERMANENCE>, <AD_PLACED>, <UASC><DUC>, the OC3 and AD1 items directly), then an
# <EPISODE> per care episode. Element names are the CSV column names except CHILDID (CHILD)
# and PL (PLACE).

XML_ROOT = "EXPSSDA903"
XML_NAMES = {"CHILDID": "CHILD", "PL": "PLACE"}
#: A repeated or grouping element under <HEADER> (or <CHILD>) -> the table of one row each.
XML_GROUPS: dict[str, str] = {"AREVIEW": "Reviews", "AMISSING": "Missing", "OC2": "OC2",
                              "PERMANENCE": "PrevPerm", "AD_PLACED": "PlacedAdoption",
                              "UASC": "UASC", "EPISODE": "Episodes"}
#: Tables whose items sit directly in <HEADER>: a row when any of its own items is there.
XML_FLAT = ("Header", "OC3", "AD1")
_CARRIED = ("CHILD", "DOB", "SEX")  # the child's items each table row repeats
# A return may give the UASC status as an item of <HEADER> (<UASC>1</UASC>, with <DUC>
# beside it) rather than as a <UASC> group: read to a Header column of that name, which
# the rules on the status (105, 303, 205A-D) read.
UASC_STATUS = "UASC"


def xml_child_rows(child: Any) -> tuple[list[tuple[str, dict[str, str | None], str]], set[str]]:
    """The table rows one <CHILD> element holds: (table, row, path within the child); and the
    element names not in the layout (for a note)."""
    header = child.find("HEADER")
    items = _items(header) if header is not None else {}
    unknown: set[str] = set()
    out: list[tuple[str, dict[str, str | None], str]] = []
    for flat in XML_FLAT:
        own_items = [c for c in SSDA903_COLUMNS[flat] if c not in _CARRIED]
        if flat == "Header" or any(items.get(c) is not None for c in own_items):
            out.append((flat, _row(flat, items, items), "HEADER"))
    status = items.get(UASC_STATUS)
    if status is not None:  # <UASC>0|1</UASC>, DUC beside it: the status as an item
        out[0][1][UASC_STATUS] = status
        if status == "1" or items.get("DUC") is not None:
            out.append(("UASC", _row("UASC", items, items), "HEADER"))
    for parent, prefix in ((header, "HEADER/"), (child, "")):
        if parent is None:
            continue
        counts: dict[str, int] = {}
        for el in parent:
            tag = str(el.tag)
            table = XML_GROUPS.get(tag)
            if table is None:
                if tag != "HEADER" and (len(el) or parent is child):
                    unknown.add(tag)  # a group or child-level element not in the layout
                continue
            counts[tag] = counts.get(tag, 0) + 1
            own = _items(el)
            if table == "UASC" and not any(v is not None for v in own.values()):
                continue  # <UASC/>: not an unaccompanied asylum-seeking child
            out.append((table, _row(table, own, items), f"{prefix}{tag}[{counts[tag]}]"))
    known = {c for cols in SSDA903_COLUMNS.values() for c in cols}
    unknown |= {k for k in items if k not in known and k not in XML_GROUPS}
    return out, unknown


def _items(el: Any) -> dict[str, str | None]:
    """An element's leaf children by CSV column name: text stripped, empty as None."""
    out: dict[str, str | None] = {}
    for c in el:
        if len(c) == 0:
            out[XML_NAMES.get(str(c.tag), str(c.tag))] = (c.text or "").strip() or None
    return out


def _row(table: str, own: dict[str, str | None], child: dict[str, str | None]
         ) -> dict[str, str | None]:
    return {c: own.get(c) if c in own else child.get(c) for c in SSDA903_COLUMNS[table]}
