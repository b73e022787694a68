"""Merged module records → canonical tables, with ids, links and lineage.

Statutory returns carry no record ids, so ids are built from the natural keys
(`C1/2023-06-01` is child C1's referral of 1 June 2023): the same record read from
any year's file gets the same id. Care episodes are grouped into periods of care
(`RNE = S` to the first `REC ≠ X1`) and placements (a new one on RNE S/P/B/T/U).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from typing import Any

import pyarrow as pa

from lantern.ingest.merge import Merged
from lantern.model import tables

Row = dict[str, Any]
NEW_PLACEMENT = frozenset({"S", "P", "B", "T", "U"})
LINEAGE = [pa.field("_source_file", pa.string()), pa.field("_source_row", pa.int64())]


def _id(*parts: object) -> str:
    return "/".join(str(p) for p in parts)


def _row(m: Merged, **values: Any) -> Row:
    """Canonical columns of a merged record (its `_` links dropped) plus lineage."""
    own = {k: v for k, v in m.values.items() if not k.startswith("_")}
    return {**own, **values, "_source_file": m.source_file, "_source_row": m.source_row}


class _Builder:
    def __init__(self, merged: dict[str, list[Merged]]) -> None:
        self.m = merged
        self.out: dict[str, list[Row]] = defaultdict(list)

    def get(self, module: str) -> list[Merged]:
        return self.m.get(module, [])

    def add(self, table: str, row: Row) -> None:
        self.out[table].append(row)

    def build(self) -> dict[str, list[Row]]:
        for m in self.get("person"):
            self.add("ssd_person", _row(m))
        for m in self.get("disability"):
            for code in json.loads(m.values["codes"]):
                self.add("ssd_disability", _row(m, disa_table_id=_id(m.key[0], code),
                                                disa_person_id=m.key[0], disa_disability_code=code))
        self.children_in_need()
        self.looked_after()
        self.front_door()
        return dict(self.out)

    # -------------------------------------------------------------- CIN modules

    def children_in_need(self) -> None:
        for m in self.get("referral"):
            self.add("ssd_cin_episodes", _row(m, cine_referral_id=_id(*m.key),
                                              cine_person_id=m.key[0]))
        factors = {m.key: m for m in self.get("factors")}
        for m in self.get("assessment"):
            aid = _id(m.key[0], "A", m.key[1])
            support = m.values.get("_support")
            extra = {} if support is None else {
                "cina_assessment_outcome_nfa": "N" if support == "Y" else "Y"}
            self.add("ssd_cin_assessments", _row(m, cina_assessment_id=aid,
                                                 cina_person_id=m.key[0],
                                                 cina_referral_id=_ref(m), **extra))
            f = factors.get(m.key)
            if f is not None:
                self.add("ssd_assessment_factors", _row(
                    f, cinf_table_id=_id(aid, "F"), cinf_assessment_id=aid,
                    cinf_assessment_factors_json=f.values["codes"]))
        for m in self.get("cin_plan"):
            self.add("ssd_cin_plans", _row(m, cinp_cin_plan_id=_id(m.key[0], "CINP", m.key[1]),
                                           cinp_person_id=m.key[0], cinp_referral_id=_ref(m)))
        self.protection()

    def protection(self) -> None:
        plans = {m.key: _row(m, cppl_cp_plan_id=_id(m.key[0], "CPP", m.key[1]),
                             cppl_person_id=m.key[0], cppl_referral_id=_ref(m))
                 for m in self.get("cp_plan")}
        icpc_dates: set[tuple[str, str | None, str]] = set()
        for m in self.get("s47"):
            sid = _id(m.key[0], "S47", m.key[1])
            self.add("ssd_s47_enquiry", _row(m, s47e_s47_enquiry_id=sid, s47e_person_id=m.key[0],
                                             s47e_referral_id=_ref(m)))
            icpc = m.values.get("_icpc_date")
            if icpc is not None:
                icpc_dates.add((m.key[0], _ref(m), icpc.isoformat()))
                self.icpc(m, _id(sid, "ICPC"), icpc, plans, s47=sid)
        for m in self.get("referral"):
            icpc = m.values.get("_icpc_date")
            if icpc is not None and (m.key[0], _id(*m.key), icpc.isoformat()) not in icpc_dates:
                self.icpc(m, _id(*m.key, "ICPC"), icpc, plans, referral=_id(*m.key))
        for plan in plans.values():
            self.add("ssd_cp_plans", plan)
        for m in self.get("cp_review"):
            self.add("ssd_cp_reviews", _row(
                m, cppr_cp_review_id=_id(m.key[0], "CPR", m.key[1], m.key[2]),
                cppr_person_id=m.key[0], cppr_cp_plan_id=_id(m.key[0], "CPP", m.key[1])))

    def icpc(self, m: Merged, icpc_id: str, on: date, plans: dict[tuple[str, ...], Row],
             s47: str | None = None, referral: str | None = None) -> None:
        plan = plans.get((m.key[0], on.isoformat()))
        if plan is not None:
            plan["cppl_icpc_id"] = icpc_id
        self.add("ssd_initial_cp_conference", {
            "icpc_icpc_id": icpc_id, "icpc_s47_enquiry_id": s47, "icpc_person_id": m.key[0],
            "icpc_referral_id": referral or _ref(m), "icpc_icpc_date": on,
            "icpc_cp_plan_id": plan and plan["cppl_cp_plan_id"],
            "icpc_icpc_outcome_cp_flag": "Y" if plan is not None else "N",
            "_source_file": m.source_file, "_source_row": m.source_row})

    # -------------------------------------------------------------- SSDA903 modules

    def looked_after(self) -> None:
        episodes: dict[str, list[Merged]] = defaultdict(list)
        for m in self.get("episode"):
            episodes[m.key[0]].append(m)
        periods: dict[str, list[tuple[date, date | None, str]]] = {}
        for child, eps in episodes.items():
            periods[child] = self.episodes(child, sorted(eps, key=lambda e: e.key[1]))
        for m in self.get("cla_review"):
            self.add("ssd_cla_reviews", _row(
                m, clar_cla_review_id=_id(m.key[0], "CLAR", m.key[1]), clar_person_id=m.key[0],
                clar_cla_id=_period_on(periods, m.key[0], m.values["clar_cla_review_date"])))
        for m in self.get("uasc"):
            self.add("ssd_immigration_status", _row(
                m, immi_immigration_status_id=_id(m.key[0], "UASC"), immi_person_id=m.key[0],
                immi_immigration_status="UASC"))
        self.outcomes()
        self.adoption(periods)
        for m in self.get("prev_perm"):
            self.add("ssd_cla_previous_permanence", _row(
                m, lapp_table_id=_id(m.key[0], "PP", m.key[1]), lapp_person_id=m.key[0]))
        for m in self.get("missing"):
            self.add("ssd_missing", _row(m, miss_table_id=_id(m.key[0], "MISS", m.key[1]),
                                         miss_person_id=m.key[0]))
        for m in self.get("sw_episode"):
            self.add("ssd_involvements", _row(
                m, invo_involvements_id=_id(m.key[0], "SW", m.key[1]), invo_person_id=m.key[0],
                invo_professional_role_id="SW"))

    def episodes(self, child: str, eps: list[Merged]) -> list[tuple[date, date | None, str]]:
        """Write a child's episodes and placements; return its periods (start, end, id)."""
        periods: list[tuple[date, date | None, str]] = []
        placement: Row | None = None
        previous: Merged | None = None
        for e in eps:
            v = e.values
            start = v["clae_cla_episode_start_date"]
            rec = previous.values.get("clae_cla_episode_ceased_reason") if previous else None
            if previous is None or v.get("clae_cla_episode_start_reason") == "S" or (
                    rec is not None and rec != "X1"):
                periods.append((start, None, _id(child, "P", start.isoformat())))
                placement = None
            period = periods[-1][2]
            if placement is None or v.get("clae_cla_episode_start_reason") in NEW_PLACEMENT:
                placement = self.placement(e, child, period)
            placement["clap_cla_placement_end_date"] = v.get("clae_cla_episode_ceased_date")
            placement["clap_cla_placement_change_reason"] = v.get(
                "clap_cla_placement_change_reason")
            periods[-1] = (periods[-1][0], v.get("clae_cla_episode_ceased_date"), period)
            self.add("ssd_cla_episodes", _row(
                e, clae_cla_episode_id=_id(child, "E", start.isoformat()), clae_person_id=child,
                clae_cla_id=period, clae_entered_care_date=periods[-1][0],
                clae_cla_placement_id=placement["clap_cla_placement_id"]))
            previous = e
        return periods

    def placement(self, e: Merged, child: str, period: str) -> Row:
        start = e.values["clae_cla_episode_start_date"]
        row = {k: v for k, v in e.values.items() if k.startswith("clap_")}
        row.update(clap_cla_placement_id=_id(child, "PL", start.isoformat()), clap_cla_id=period,
                   clap_person_id=child, clap_cla_placement_start_date=start,
                   _source_file=e.source_file, _source_row=e.source_row)
        self.add("ssd_cla_placement", row)
        return row

    def outcomes(self) -> None:
        for m in self.get("oc2"):
            child, year = m.key[0], int(m.key[1])
            on = date(year, 3, 31)
            for flag, kind in (("_assessed", "HEALTH_ASSESSMENT"), ("_teeth", "DENTAL")):
                if m.values.get(flag) == "Y":
                    self.add("ssd_cla_health", _row(
                        m, clah_health_check_id=_id(child, kind, year), clah_person_id=child,
                        clah_health_check_type=kind, clah_health_check_date=on,
                        clah_health_check_status="Completed"))
            if m.values.get("_immunised") is not None:
                self.add("ssd_cla_immunisations", _row(
                    m, clai_person_id=child, clai_immunisations_status=m.values["_immunised"],
                    clai_immunisations_status_date=on))
            if m.values.get("csdq_sdq_score") or m.values.get("csdq_sdq_reason"):
                self.add("ssd_sdq_scores", _row(m, csdq_table_id=_id(child, "SDQ", year),
                                                csdq_person_id=child, csdq_sdq_completed_date=on))
        for m in self.get("oc3"):
            child, year = m.key[0], int(m.key[1])
            self.add("ssd_care_leavers", _row(
                m, clea_table_id=_id(child, "OC3", year), clea_person_id=child,
                clea_oc3_birthday=_birthday_in_year(m.values.get("_dob"), year)))

    def adoption(self, periods: dict[str, list[tuple[date, date | None, str]]]) -> None:
        perm: dict[tuple[str, ...], list[Merged]] = defaultdict(list)
        for m in [*self.get("placed_adoption"), *self.get("ad1")]:
            perm[m.key].append(m)
        for key, parts in sorted(perm.items()):
            values: Row = {}
            for p in parts:
                values.update({k: v for k, v in p.values.items() if v is not None})
            last = max(parts, key=lambda p: (p.year, p.source_file, p.source_row))
            decided = values.get("perm_adm_decision_date")
            self.add("ssd_permanence", {
                **values, "perm_table_id": _id(key[0], "ADM", key[1]), "perm_person_id": key[0],
                "perm_cla_id": _period_on(periods, key[0], decided),
                "_source_file": last.source_file, "_source_row": last.source_row})

    # -------------------------------------------------------------- Annex A only

    def front_door(self) -> None:
        for m in self.get("contact"):
            self.add("ssd_contacts", _row(m, cont_contact_id=_id(m.key[0], "K", *m.key[1:]),
                                          cont_person_id=m.key[0]))
        for m in self.get("early_help"):
            self.add("ssd_early_help_episodes", _row(
                m, earl_episode_id=_id(m.key[0], "EH", m.key[1]), earl_person_id=m.key[0]))


def _ref(m: Merged) -> str | None:
    ref = m.values.get("_referral")
    return _id(m.key[0], ref) if ref else None


def _period_on(periods: dict[str, list[tuple[date, date | None, str]]], child: str,
               on: date | None) -> str | None:
    if on is None:
        return None
    for start, end, pid in periods.get(child, []):
        if start <= on and (end is None or end >= on):
            return pid
    return None


def _birthday_in_year(dob: date | None, year: int) -> date:
    """The birthday that falls in the collection year (OC3 describes it); else 31 March."""
    if dob is not None:
        for y in (year - 1, year):
            try:
                day = dob.replace(year=y)
            except ValueError:  # 29 February in a common year
                day = date(y, 3, 1)
            if date(year - 1, 4, 1) <= day <= date(year, 3, 31):
                return day
    return date(year, 3, 31)


def to_arrow(rows: dict[str, list[Row]]) -> dict[str, pa.Table]:
    """Every canonical table present, with its model schema plus lineage columns."""
    out = {}
    for name, spec in tables().items():
        if name not in rows:
            continue
        schema = pa.schema([*spec.arrow_schema(), *LINEAGE])
        cols = {f.name: [r.get(f.name) for r in rows[name]] for f in schema}
        out[name] = pa.table(cols, schema=schema)
    return out


def build(merged: dict[str, list[Merged]]) -> dict[str, pa.Table]:
    return to_arrow(_Builder(merged).build())
