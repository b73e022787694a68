"""Small hand-made canonical datasets for the statutory format writers' tests.

`cin_rows()` is children in need work (referrals to CP plans) across the 2023–2025
census years; `cla_rows()` is looked-after children, leavers and adoption across the
2023–2025 SSDA903 years. `dataset()` combines them into a full Dataset.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pyarrow as pa

from tests.datasets import make_dataset

Rows = dict[str, list[dict[str, Any]]]
D = date


def _person(pid: str, sex: str | None, dob: date, **extra: Any) -> dict[str, Any]:
    return {"pers_person_id": pid, "pers_sex": sex, "pers_dob": dob,
            "pers_ethnicity": "WBRI", **extra}


def cin_rows() -> Rows:
    return {
        "ssd_person": [
            _person("C1", "F", D(2015, 5, 10), pers_upn="A123456789012"),
            _person("C2", "M", D(2012, 1, 3)),
            _person("C3", "U", D(2019, 8, 8), pers_ethnicity=None),
            _person("C4", "M", D(2010, 2, 2)),
        ],
        "ssd_disability": [
            {"disa_table_id": "D1", "disa_person_id": "C4", "disa_disability_code": "MOB"},
            {"disa_table_id": "D2", "disa_person_id": "C4", "disa_disability_code": "LD"},
        ],
        "ssd_contacts": [
            {"cont_contact_id": "K1", "cont_person_id": "C1", "cont_contact_date": D(2023, 11, 1),
             "cont_contact_source_code": "2A"},
            {"cont_contact_id": "K2", "cont_person_id": "C1", "cont_contact_date": D(2023, 5, 1),
             "cont_contact_source_code": "6"},
        ],
        "ssd_cin_episodes": [
            # C1: open from June 2023 with an assessment, s47, ICPC and a CP plan.
            {"cine_referral_id": "R1", "cine_person_id": "C1", "cine_referral_date": D(2023, 6, 1),
             "cine_referral_source_code": "2A", "cine_cin_primary_need_code": "N1",
             "cine_referral_nfa": "N"},
            # C2: closed before the 2023-24 year began.
            {"cine_referral_id": "R2", "cine_person_id": "C2", "cine_referral_date": D(2022, 5, 1),
             "cine_referral_source_code": "6", "cine_cin_primary_need_code": "N4",
             "cine_referral_nfa": "N", "cine_close_date": D(2023, 2, 1),
             "cine_referral_closure_reason_code": "RC7"},
            # C3: a same-day NFA in February 2024.
            {"cine_referral_id": "R3", "cine_person_id": "C3", "cine_referral_date": D(2024, 2, 1),
             "cine_referral_source_code": "1A", "cine_cin_primary_need_code": "N9",
             "cine_referral_nfa": "Y", "cine_close_date": D(2024, 2, 1),
             "cine_referral_closure_reason_code": "RC8", "cine_referral_team": "T1"},
            # C4: open since 2020 with nothing else: in every year's census.
            {"cine_referral_id": "R4", "cine_person_id": "C4", "cine_referral_date": D(2020, 1, 1),
             "cine_referral_source_code": "3A", "cine_cin_primary_need_code": "N2",
             "cine_referral_nfa": "N"},
        ],
        "ssd_cin_assessments": [
            {"cina_assessment_id": "A1", "cina_person_id": "C1", "cina_referral_id": "R1",
             "cina_assessment_start_date": D(2023, 6, 2), "cina_assessment_auth_date":
             D(2023, 6, 20), "cina_assessment_child_seen": "Y", "cina_assessment_outcome_nfa": "N"},
            {"cina_assessment_id": "A3", "cina_person_id": "C3", "cina_referral_id": "R3",
             "cina_assessment_start_date": D(2024, 2, 1), "cina_assessment_auth_date":
             D(2024, 2, 1), "cina_assessment_child_seen": "Y", "cina_assessment_outcome_nfa": "Y"},
        ],
        "ssd_assessment_factors": [
            {"cinf_table_id": "F1", "cinf_assessment_id": "A1",
             "cinf_assessment_factors_json": '["3A", "4A"]'},
        ],
        "ssd_cin_plans": [
            {"cinp_cin_plan_id": "CP1", "cinp_referral_id": "R1", "cinp_person_id": "C1",
             "cinp_cin_plan_start_date": D(2024, 10, 1)},
        ],
        "ssd_s47_enquiry": [
            {"s47e_s47_enquiry_id": "S1", "s47e_referral_id": "R1", "s47e_person_id": "C1",
             "s47e_s47_start_date": D(2023, 7, 3), "s47e_s47_end_date": D(2023, 7, 20),
             "s47e_icpc_not_required": "N"},
        ],
        "ssd_initial_cp_conference": [
            {"icpc_icpc_id": "I1", "icpc_s47_enquiry_id": "S1", "icpc_person_id": "C1",
             "icpc_cp_plan_id": "P1", "icpc_icpc_date": D(2023, 7, 20),
             "icpc_icpc_outcome_cp_flag": "Y"},
        ],
        "ssd_cp_plans": [
            # Open across 31 March 2024: in the 2024 and the 2025 census.
            {"cppl_cp_plan_id": "P1", "cppl_referral_id": "R1", "cppl_icpc_id": "I1",
             "cppl_person_id": "C1", "cppl_cp_plan_start_date": D(2023, 7, 20),
             "cppl_cp_plan_end_date": D(2024, 9, 30), "cppl_cp_plan_initial_category": "NEG",
             "cppl_previous_cp_plans": 1},
        ],
        "ssd_cp_reviews": [
            {"cppr_cp_review_id": f"V{i}", "cppr_cp_plan_id": "P1", "cppr_person_id": "C1",
             "cppr_cp_review_date": d}
            for i, d in enumerate([D(2023, 10, 15), D(2024, 3, 10), D(2024, 8, 10)])
        ],
        "ssd_cp_visits": [
            {"cppv_cp_visit_id": "CV1", "cppv_cp_plan_id": "P1", "cppv_person_id": "C1",
             "cppv_cp_visit_date": D(2024, 3, 1), "cppv_cp_visit_seen": "Y",
             "cppv_cp_visit_seen_alone": "Y"},
        ],
        "ssd_involvements": [
            {"invo_involvements_id": "W3", "invo_person_id": "C3", "invo_professional_id": "SW1",
             "invo_professional_role_id": "SW", "invo_professional_team": "T1",
             "invo_involvement_start_date": D(2024, 2, 1),
             "invo_involvement_end_date": D(2024, 2, 1)},
        ],
        "ssd_professionals": [
            {"prof_professional_id": "SW1", "prof_professional_name": "Ann Smith"},
        ],
        "ssd_department": [{"dept_team_id": "T1", "dept_team_name": "Front Door"}],
    }


def cla_rows() -> Rows:
    def episode(eid: str, pid: str, cla: str, start: date, rne: str, ls: str, place: str,
                ceased: date | None = None, rec: str | None = None) -> dict[str, Any]:
        return {"clae_cla_episode_id": eid, "clae_person_id": pid, "clae_cla_id": cla,
                "clae_cla_episode_start_date": start, "clae_cla_episode_start_reason": rne,
                "clae_legal_status": ls, "clae_cla_primary_need_code": "N1",
                "clae_cla_placement_id": place, "clae_cla_episode_ceased_date": ceased,
                "clae_cla_episode_ceased_reason": rec}

    def placement(plid: str, start: date, kind: str, end: date | None = None,
                  reason: str | None = None) -> dict[str, Any]:
        return {"clap_cla_placement_id": plid, "clap_cla_placement_start_date": start,
                "clap_cla_placement_type": kind, "clap_cla_placement_provider": "PR1",
                "clap_cla_placement_postcode": "AB1 2CD", "clap_cla_placement_urn": "SC123",
                "clap_cla_placement_end_date": end, "clap_cla_placement_change_reason": reason}

    return {
        "ssd_person": [
            _person("L1", "F", D(2010, 1, 15), pers_upn="B123456789012"),
            _person("L2", "M", D(2006, 2, 1)),
            _person("L3", "F", D(2005, 6, 1)),
            _person("L4", "M", D(2020, 1, 1)),
            _person("L5", "M", D(2007, 3, 1)),
        ],
        "ssd_cla_episodes": [
            episode("E1", "L1", "Q1", D(2022, 1, 10), "S", "C2", "PL1", D(2023, 6, 1), "X1"),
            episode("E2", "L1", "Q1", D(2023, 6, 1), "P", "C2", "PL2"),
            episode("E3", "L2", "Q2", D(2019, 5, 1), "S", "V2", "PL3", D(2022, 3, 1), "E4A"),
            episode("E4", "L4", "Q4", D(2021, 3, 1), "S", "E1", "PL4", D(2023, 12, 1), "E11"),
            episode("E5", "L5", "Q5", D(2023, 5, 2), "S", "V2", "PL5"),
        ],
        "ssd_cla_placement": [
            placement("PL1", D(2022, 1, 10), "U4", D(2023, 6, 1), "CARPL"),
            placement("PL2", D(2023, 6, 1), "K2"),
            placement("PL3", D(2019, 5, 1), "U6", D(2022, 3, 1)),
            placement("PL4", D(2021, 3, 1), "A5", D(2023, 12, 1)),
            placement("PL5", D(2023, 5, 2), "U6"),
        ],
        "ssd_cla_reviews": [
            {"clar_cla_review_id": "RV1", "clar_cla_id": "Q1", "clar_person_id": "L1",
             "clar_cla_review_date": D(2023, 7, 1), "clar_cla_review_participation": "PN1"},
            {"clar_cla_review_id": "RV2", "clar_cla_id": "Q1", "clar_cla_review_date":
             D(2022, 12, 1), "clar_cla_review_participation": "PN1"},
            {"clar_cla_review_id": "RV3", "clar_cla_id": "Q1", "clar_person_id": "L1",
             "clar_cla_review_date": D(2023, 8, 1), "clar_cla_review_cancelled": "Y"},
        ],
        "ssd_cla_health": [
            {"clah_health_check_id": "H1", "clah_person_id": "L1", "clah_health_check_type":
             "HEALTH_ASSESSMENT", "clah_health_check_date": D(2023, 9, 1),
             "clah_health_check_status": "Completed"},
            {"clah_health_check_id": "H2", "clah_person_id": "L1", "clah_health_check_type":
             "DENTAL", "clah_health_check_date": D(2023, 10, 1),
             "clah_health_check_status": "Completed"},
        ],
        "ssd_cla_immunisations": [
            {"clai_person_id": "L1", "clai_immunisations_status": "Y",
             "clai_immunisations_status_date": D(2023, 5, 1)},
        ],
        "ssd_sdq_scores": [
            {"csdq_table_id": "Q1", "csdq_person_id": "L1", "csdq_sdq_completed_date":
             D(2023, 11, 1), "csdq_sdq_score": "14"},
        ],
        "ssd_missing": [
            {"miss_table_id": "M1", "miss_person_id": "L1", "miss_missing_episode_type": "M",
             "miss_missing_episode_start_date": D(2023, 8, 5),
             "miss_missing_episode_end_date": D(2023, 8, 6), "miss_missing_rhi_offered": "Y",
             "miss_missing_rhi_accepted": "N"},
            {"miss_table_id": "M2", "miss_person_id": "L1", "miss_missing_episode_type": "A",
             "miss_missing_episode_start_date": D(2024, 3, 30),
             "miss_missing_episode_end_date": D(2024, 4, 2)},
        ],
        "ssd_involvements": [
            {"invo_involvements_id": "W1", "invo_person_id": "L1", "invo_professional_id": "SW2",
             "invo_professional_role_id": "SW", "invo_professional_team": "T2",
             "invo_involvement_start_date": D(2022, 1, 10),
             "invo_involvement_end_date": D(2023, 6, 30)},
            {"invo_involvements_id": "W2", "invo_person_id": "L1", "invo_professional_id": "SW3",
             "invo_professional_role_id": "SW", "invo_professional_team": "T2",
             "invo_involvement_start_date": D(2023, 7, 1), "invo_worker_change_reason": "LEFTRL"},
            {"invo_involvements_id": "W4", "invo_person_id": "L3", "invo_professional_id": "PA1",
             "invo_professional_role_id": "PA", "invo_professional_team": "T3",
             "invo_involvement_start_date": D(2023, 6, 1)},
        ],
        "ssd_professionals": [
            {"prof_professional_id": "SW2", "prof_professional_name": "Bo Jones"},
            {"prof_professional_id": "SW3", "prof_professional_name": "Cy Patel"},
            {"prof_professional_id": "PA1", "prof_professional_name": "Di Reed"},
        ],
        "ssd_department": [
            {"dept_team_id": "T2", "dept_team_name": "Children in Care"},
            {"dept_team_id": "T3", "dept_team_name": "Leaving Care"},
        ],
        "ssd_care_leavers": [
            {"clea_table_id": "CL1", "clea_person_id": "L3", "clea_oc3_birthday": D(2023, 6, 1),
             "clea_care_leaver_in_touch": "YES", "clea_care_leaver_activity": "F2",
             "clea_care_leaver_accommodation": "U1", "clea_care_leaver_accom_suitable": "Y",
             "clea_care_leaver_eligibility": "Former relevant",
             "clea_care_leaver_latest_contact": D(2024, 1, 5)},
        ],
        "ssd_permanence": [
            {"perm_table_id": "PM1", "perm_person_id": "L4", "perm_cla_id": "Q4",
             "perm_adm_decision_date": D(2021, 9, 1), "perm_placement_order_date": D(2022, 1, 5),
             "perm_matched_date": D(2023, 5, 1), "perm_placed_for_adoption_date": D(2023, 6, 1),
             "perm_adopted_by_carer_flag": "N", "perm_number_of_adopters": "2",
             "perm_adopter_sex": "MF", "perm_adopter_legal_status": "L11",
             "perm_adoption_order_date": D(2023, 12, 1)},
        ],
        "ssd_immigration_status": [
            {"immi_immigration_status_id": "U1", "immi_person_id": "L5",
             "immi_immigration_status": "UASC", "immi_immigration_status_start_date":
             D(2023, 5, 1), "immi_immigration_status_end_date": D(2025, 3, 1)},
        ],
        "ssd_cla_previous_permanence": [
            {"lapp_table_id": "PP1", "lapp_person_id": "L5",
             "lapp_previous_permanence_option": "Z1"},
        ],
    }


def merge(*parts: Rows) -> Rows:
    out: Rows = {}
    for part in parts:
        for table, table_rows in part.items():
            out.setdefault(table, []).extend(table_rows)
    return out


def dataset(*parts: Rows) -> dict[str, pa.Table]:
    return make_dataset(merge(*parts) if parts else merge(cin_rows(), cla_rows()))
