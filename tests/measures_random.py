"""Small random warehouses touching every table the indicators read (property tests and
timing). Plausible, not realistic: dates and codes are drawn independently."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from lantern.model import code_sets

START = date(2021, 1, 1)
END = date(2025, 6, 30)


def _d(rng: random.Random, lo: date = START, hi: date = END) -> date:
    return lo + timedelta(days=rng.randint(0, max(0, (hi - lo).days)))


def _after(rng: random.Random, d: date, lo: int, hi: int) -> date:
    return d + timedelta(days=rng.randint(lo, hi))


def random_dataset(seed: int, n_children: int = 40) -> dict[str, list[dict[str, Any]]]:
    rng = random.Random(seed)
    eth = list(code_sets()["ethnicity"])
    out: dict[str, list[dict[str, Any]]] = {k: [] for k in (
        "ssd_person", "ssd_disability", "ssd_department", "ssd_professionals",
        "ssd_involvements", "ssd_cin_episodes", "ssd_cin_assessments", "ssd_cin_plans",
        "ssd_cin_visits", "ssd_s47_enquiry", "ssd_initial_cp_conference", "ssd_cp_plans",
        "ssd_cp_reviews", "ssd_cp_visits", "ssd_cla_episodes", "ssd_cla_placement",
        "ssd_cla_reviews", "ssd_cla_visits", "ssd_cla_health", "lantern_pep_reviews",
        "ssd_missing", "ssd_care_leavers", "ssd_permanence")}
    services = ["front_door", "safeguarding", "cared_for"]
    for t in range(6):
        out["ssd_department"].append({"dept_team_id": f"T{t}",
                                      "dept_team_parent_id": services[t % 3]})
    for w in range(12):
        out["ssd_professionals"].append({"prof_professional_id": f"W{w}",
                                         "prof_professional_department": f"T{w % 6}"})
    seq = 0

    def nid(p: str) -> str:
        nonlocal seq
        seq += 1
        return f"{p}{seq}"

    for i in range(n_children):
        c = f"C{i}"
        dob = _d(rng, date(2002, 1, 1), date(2024, 6, 1))
        if rng.random() < 0.05:
            dob = date(2016, 2, 29)
        out["ssd_person"].append({"pers_person_id": c, "pers_dob": dob,
                                  "pers_sex": rng.choice(["M", "F", "U", None]),
                                  "pers_ethnicity": rng.choice([*eth, None])})
        if rng.random() < 0.3:
            out["ssd_disability"].append({"disa_table_id": nid("D"), "disa_person_id": c,
                                          "disa_disability_code": rng.choice(["NONE", "LD"])})
        s = _d(rng, START, date(2023, 1, 1))
        while s < END and rng.random() < 0.8:
            e = _after(rng, s, 0, 400) if rng.random() < 0.8 else None
            w = rng.randrange(12)
            out["ssd_involvements"].append({
                "invo_involvements_id": nid("I"), "invo_person_id": c,
                "invo_professional_id": f"W{w}", "invo_professional_team": f"T{w % 6}",
                "invo_professional_role_id": rng.choice(["SW", "SW", "PA"]),
                "invo_involvement_start_date": s, "invo_involvement_end_date": e})
            if e is None:
                break
            s = _after(rng, e, 0, 60)
        for _ in range(rng.randint(0, 3)):
            rid = nid("R")
            rd = _d(rng)
            close = _after(rng, rd, 0, 500) if rng.random() < 0.6 else None
            out["ssd_cin_episodes"].append({
                "cine_referral_id": rid, "cine_person_id": c, "cine_referral_date": rd,
                "cine_referral_nfa": rng.choice(["Y", "N", "N", None]), "cine_close_date": close})
            if rng.random() < 0.8:
                a_s = _after(rng, rd, 0, 10)
                out["ssd_cin_assessments"].append({
                    "cina_assessment_id": nid("A"), "cina_person_id": c,
                    "cina_referral_id": rid, "cina_assessment_start_date": a_s,
                    "cina_assessment_auth_date": _after(rng, a_s, 0, 90)
                    if rng.random() < 0.8 else None})
            if rng.random() < 0.3:
                ps = _after(rng, rd, 10, 60)
                out["ssd_cin_plans"].append({
                    "cinp_cin_plan_id": nid("P"), "cinp_person_id": c, "cinp_referral_id": rid,
                    "cinp_cin_plan_start_date": ps,
                    "cinp_cin_plan_end_date": _after(rng, ps, 0, 600)
                    if rng.random() < 0.5 else None})
                for _ in range(rng.randint(0, 6)):
                    out["ssd_cin_visits"].append({
                        "cinv_cin_visit_id": nid("V"), "cinv_person_id": c,
                        "cinv_cin_visit_date": _after(rng, ps, 0, 400)})
            if rng.random() < 0.4:
                sid = nid("S")
                ss = _after(rng, rd, 0, 20)
                out["ssd_s47_enquiry"].append({
                    "s47e_s47_enquiry_id": sid, "s47e_person_id": c, "s47e_referral_id": rid,
                    "s47e_s47_start_date": ss})
                if rng.random() < 0.6:
                    cid, pid = nid("IC"), nid("CP")
                    cd = _after(rng, ss, 0, 30)
                    plan = rng.random() < 0.7
                    out["ssd_initial_cp_conference"].append({
                        "icpc_icpc_id": cid, "icpc_s47_enquiry_id": sid, "icpc_person_id": c,
                        "icpc_cp_plan_id": pid, "icpc_icpc_date": cd,
                        "icpc_icpc_outcome_cp_flag": "Y" if plan else "N"})
                    if plan:
                        pe = _after(rng, cd, 20, 900) if rng.random() < 0.6 else None
                        out["ssd_cp_plans"].append({
                            "cppl_cp_plan_id": pid, "cppl_person_id": c, "cppl_icpc_id": cid,
                            "cppl_cp_plan_start_date": cd, "cppl_cp_plan_end_date": pe,
                            "cppl_previous_cp_plans": rng.choice([0, 0, 1, None])})
                        r = cd
                        for _ in range(rng.randint(0, 4)):
                            r = _after(rng, r, 60, 200)
                            out["ssd_cp_reviews"].append({
                                "cppr_cp_review_id": nid("CR"), "cppr_person_id": c,
                                "cppr_cp_plan_id": pid, "cppr_cp_review_date": r})
                        for _ in range(rng.randint(0, 8)):
                            out["ssd_cp_visits"].append({
                                "cppv_cp_visit_id": nid("CV"), "cppv_person_id": c,
                                "cppv_cp_plan_id": pid, "cppv_cp_visit_date": _after(
                                    rng, cd, 0, 400),
                                "cppv_cp_visit_seen": rng.choice(["Y", "Y", "N"]),
                                "cppv_cp_visit_seen_alone": rng.choice(["Y", "N", None])})
        if rng.random() < 0.5:
            _care(rng, out, c, dob, nid)
        if dob < date(2006, 6, 1):
            for age in (19, 20, 21):
                try:
                    b = dob.replace(year=dob.year + age)
                except ValueError:
                    b = date(dob.year + age, 2, 28)
                if b <= END:
                    out["ssd_care_leavers"].append({
                        "clea_table_id": nid("CL"), "clea_person_id": c, "clea_oc3_birthday": b,
                        "clea_care_leaver_in_touch": rng.choice(["YES", "NO", "DIED", "RHOM",
                                                                 None]),
                        "clea_care_leaver_accommodation": rng.choice(["U1", "B2", "Z1", "0",
                                                                      None]),
                        "clea_care_leaver_activity": rng.choice(["F1", "G4", "P5", "0"])})
    return out


def _care(rng: random.Random, out: dict[str, list[dict[str, Any]]], c: str, dob: date,
          nid: Any) -> None:
    s = _d(rng, START, date(2025, 3, 1))
    for _ in range(rng.randint(1, 2)):
        pid = nid("PC")
        cur = s
        n_eps = rng.randint(1, 4)
        ls = rng.choice(["C2", "V2", "V3", "E1", "C1"])
        place = rng.choice(["U4", "U6", "K2", "A4", "A5", "U1"])
        for k in range(n_eps):
            last = k == n_eps - 1
            end: date | None = _after(rng, cur, 0, 300)
            rec = "X1"
            if last:
                if rng.random() < 0.4:
                    end, rec = None, None
                else:
                    rec = rng.choice(["E11", "E4A", "E13", "E12"])
            rne = "S" if k == 0 else rng.choice(["P", "T", "U", "L", "B"])
            if k > 0 and rne != "L":
                place = rng.choice(["U4", "U6", "K2", "A4", "A5", "U1", "A3"])
            if k > 0 and rng.random() < 0.3:
                ls = rng.choice(["C2", "E1", "V3"])
            plid = nid("PL")
            out["ssd_cla_placement"].append({"clap_cla_placement_id": plid, "clap_cla_id": pid,
                                             "clap_cla_placement_type": place,
                                             "clap_cla_placement_start_date": cur})
            out["ssd_cla_episodes"].append({
                "clae_cla_episode_id": nid("E"), "clae_person_id": c, "clae_cla_id": pid,
                "clae_cla_episode_start_date": cur, "clae_cla_episode_start_reason": rne,
                "clae_cla_episode_ceased_date": end, "clae_cla_episode_ceased_reason": rec,
                "clae_legal_status": ls, "clae_cla_placement_id": plid,
                "clae_entered_care_date": s})
            if end is None:
                break
            cur = end
        r = s
        for _ in range(rng.randint(0, 4)):
            r = _after(rng, r, 10, 200)
            out["ssd_cla_reviews"].append({
                "clar_cla_review_id": nid("LR"), "clar_cla_id": pid, "clar_person_id": c,
                "clar_cla_review_date": r, "clar_cla_review_cancelled": rng.choice(
                    ["N", "N", "Y", None])})
        for _ in range(rng.randint(0, 5)):
            out["ssd_cla_visits"].append({"clav_cla_visit_id": nid("LV"), "clav_cla_id": pid,
                                          "clav_person_id": c,
                                          "clav_cla_visit_date": _after(rng, s, 0, 500)})
        for typ in ("IHA", "HEALTH_ASSESSMENT", "DENTAL"):
            if rng.random() < 0.7:
                out["ssd_cla_health"].append({
                    "clah_health_check_id": nid("H"), "clah_person_id": c,
                    "clah_health_check_type": typ,
                    "clah_health_check_date": _after(rng, s, 0, 400),
                    "clah_health_check_status": rng.choice(["Completed", "Completed", "Planned",
                                                            None])})
        if rng.random() < 0.6:
            out["lantern_pep_reviews"].append({"pepr_pep_review_id": nid("PE"),
                                               "pepr_person_id": c,
                                               "pepr_pep_review_date": _after(rng, s, 0, 400)})
        for _ in range(rng.randint(0, 2)):
            ms = _after(rng, s, 0, 400)
            me = _after(rng, ms, 0, 5) if rng.random() < 0.9 else None
            out["ssd_missing"].append({
                "miss_table_id": nid("M"), "miss_person_id": c,
                "miss_missing_episode_start_date": ms, "miss_missing_episode_end_date": me,
                "miss_missing_episode_type": rng.choice(["M", "A"]),
                "miss_rhi_completed_date": _after(rng, me, 0, 6) if me and rng.random() < 0.8
                else None})
        if rng.random() < 0.5:
            out["ssd_permanence"].append({"perm_table_id": nid("PM"), "perm_person_id": c,
                                          "perm_cla_id": pid,
                                          "perm_matched_date": _after(rng, s, -30, 500)})
        if end is None:
            return
        s = _after(rng, end, 1, 500)
        if s > END:
            return
