"""Derive src/lantern/model/tables.yml from the Standard Safeguarding Dataset objects.

Run once by hand (python scripts/derive_model.py ../shared/reference/ssd); the output is
committed and then edited only through LOCAL below, so the SSD names stay authoritative.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

SSD_TABLES = [
    "ssd_person", "ssd_disability", "ssd_immigration_status", "ssd_contacts",
    "ssd_early_help_episodes", "ssd_cin_episodes", "ssd_cin_assessments",
    "ssd_assessment_factors", "ssd_cin_plans", "ssd_cin_visits", "ssd_s47_enquiry",
    "ssd_initial_cp_conference", "ssd_cp_plans", "ssd_cp_reviews", "ssd_cp_visits",
    "ssd_cla_episodes", "ssd_cla_placement", "ssd_legal_status", "ssd_cla_reviews",
    "ssd_cla_visits", "ssd_cla_health", "ssd_cla_immunisations", "ssd_sdq_scores",
    "ssd_cla_previous_permanence", "ssd_missing", "ssd_care_leavers", "ssd_permanence",
    "ssd_involvements", "ssd_professionals", "ssd_department",
]
TYPES = {"nvarchar": "str", "nchar": "str", "datetime": "date", "int": "int", "float": "float"}

# Local extensions: fields the seeds or the statutory returns need that the SSD lacks.
LOCAL_COLUMNS: dict[str, dict[str, dict[str, str]]] = {
    "ssd_person": {
        "pers_upn": {"type": "str",
                     "description": "Unique pupil number (the SSD keeps it in ssd_send)"},
    },
    "ssd_cin_episodes": {
        "cine_referral_closure_reason_code": {"type": "str", "codes": "reason_for_closure",
            "description": "CIN census ReasonForClosure code (RC1-RC9); the SSD holds free text"},
    },
    "ssd_s47_enquiry": {
        "s47e_icpc_not_required": {"type": "str", "codes": "yn",
            "description": "CIN census ICPCnotRequired: Y when the enquiry ended without an ICPC"},
    },
    "ssd_cp_plans": {
        "cppl_previous_cp_plans": {"type": "int",
            "description": "CIN census NumberOfPreviousCPP as returned"},
    },
    "ssd_cla_episodes": {
        "clae_legal_status": {"type": "str", "codes": "legal_status",
            "description":
                "SSDA903 LS of the episode (the SSD holds it in ssd_legal_status by date)"},
    },
    "ssd_cla_reviews": {
        "clar_person_id": {"type": "str", "description": "Person of the reviewed period of care"},
    },
    "ssd_missing": {
        "miss_rhi_completed_date": {"type": "date",
            "description": "Date the return home interview was completed (seeds: within 72 hours)"},
    },
    "ssd_care_leavers": {
        "clea_oc3_birthday": {"type": "date",
            "description": "The 17th-21st birthday this SSDA903 OC3 record describes"},
    },
    "ssd_professionals": {
        "prof_start_date": {"type": "date", "description": "Date the worker joined"},
        "prof_end_date": {"type": "date", "description": "Date the worker left (turnover)"},
    },
    "ssd_permanence": {
        "perm_adoption_order_date": {"type": "date",
            "description": "Date of adoption order (Annex A list 10)"},
    },
}

LOCAL_TABLES = {
    "lantern_pep_reviews": {
        "description": "Personal education plan reviews (seeds: PEPs 82 %)",
        "columns": {
            "pepr_pep_review_id": {"type": "str", "primary_key": True, "required": True},
            "pepr_person_id": {"type": "str", "required": True,
                               "foreign_key": "ssd_person.pers_person_id"},
            "pepr_pep_review_date": {"type": "date", "required": True},
        },
    },
    "lantern_exploitation_assessments": {
        "description": "Exploitation risk assessments graded red/amber/green (seeds)",
        "columns": {
            "expl_assessment_id": {"type": "str", "primary_key": True, "required": True},
            "expl_person_id": {"type": "str", "required": True,
                               "foreign_key": "ssd_person.pers_person_id"},
            "expl_assessment_date": {"type": "date", "required": True},
            "expl_rag": {"type": "str", "codes": "rag"},
        },
    },
    "lantern_supervisions": {
        "description": "Case supervision sessions of social workers (workforce alerts)",
        "columns": {
            "supv_supervision_id": {"type": "str", "primary_key": True, "required": True},
            "supv_professional_id": {"type": "str", "required": True,
                                     "foreign_key": "ssd_professionals.prof_professional_id"},
            "supv_supervision_date": {"type": "date", "required": True},
        },
    },
    "lantern_establishment": {
        "description": "Funded social-work posts per team (FTE) from a date (vacancy rate)",
        "columns": {
            "estb_establishment_id": {"type": "str", "primary_key": True, "required": True},
            "estb_team_id": {
                "type": "str",
                "required": True,
                "foreign_key": "ssd_department.dept_team_id",
                "description": "The team the posts belong to",
            },
            "estb_fte": {
                "type": "float",
                "required": True,
                "description": "Funded social-worker FTE in the team",
            },
            "estb_effective_from": {
                "type": "date",
                "required": True,
                "description": "Applies from this date until the next row for the team",
            },
        },
    },
    "lantern_foster_households": {
        "description": "Fostering households: approval and deregistration",
        "columns": {
            "fhh_household_id": {"type": "str", "primary_key": True, "required": True},
            "fhh_household_type": {
                "type": "str",
                "required": True,
                "codes": "foster_household_type",
            },
            "fhh_approval_date": {"type": "date", "required": True},
            "fhh_deregistration_date": {"type": "date", "not_before": "fhh_approval_date"},
        },
    },
    "lantern_foster_checks": {
        "description": "Fostering households' checks as they happen: annual reviews, DBS "
        "checks, medicals and TSD standards completed (one row a check)",
        "columns": {
            "fchk_check_id": {"type": "str", "primary_key": True, "required": True},
            "fchk_household_id": {
                "type": "str",
                "required": True,
                "foreign_key": "lantern_foster_households.fhh_household_id",
            },
            "fchk_check_type": {
                "type": "str",
                "required": True,
                "codes": "foster_check_type",
            },
            "fchk_check_date": {
                "type": "date",
                "required": True,
                # in the household fchk_household_id names
                "not_before": "lantern_foster_households.fhh_approval_date",
                "description": "The day the check was done (a review held, a DBS or medical "
                "completed, the TSD standards signed off)",
            },
        },
    },
    "lantern_marac_referrals": {
        "description": "MARAC referrals (domestic abuse); victims are adults",
        "columns": {
            "mara_referral_id": {"type": "str", "primary_key": True, "required": True},
            "mara_victim_id": {
                "type": "str",
                "required": True,
                "description": "The victim's MARAC identifier (an adult, not a child)",
            },
            "mara_victim_name": {
                "type": "str",
                "identity": True,
                "description": "Victim's name (visible only to roles that need it)",
            },
            "mara_referral_date": {"type": "date", "required": True},
            "mara_referring_agency": {"type": "str", "required": True, "codes": "marac_agency"},
            "mara_children_count": {
                "type": "int",
                "required": True,
                "description": "Children in the household",
            },
            "mara_child_person_ids": {
                "type": "str",
                "id_list": "ssd_person.pers_person_id",
                "description": "Semicolon-separated person ids of children known to us",
            },
            "mara_outcome": {"type": "str", "codes": "marac_outcome"},
        },
    },
    "lantern_private_fostering": {
        "description": "Private fostering arrangements notified to the authority",
        "columns": {
            "pfa_arrangement_id": {"type": "str", "primary_key": True, "required": True},
            "pfa_person_id": {
                "type": "str",
                "required": True,
                "foreign_key": "ssd_person.pers_person_id",
            },
            "pfa_notification_date": {"type": "date", "required": True},
            "pfa_start_date": {"type": "date", "required": True},
            "pfa_end_date": {"type": "date", "not_before": "pfa_start_date"},
            "pfa_carer_name": {
                "type": "str",
                "identity": True,
                "description": "The private foster carer (an adult)",
            },
        },
    },
    "lantern_private_fostering_visits": {
        "description": "Visits to privately fostered children",
        "columns": {
            "pfv_visit_id": {"type": "str", "primary_key": True, "required": True},
            "pfv_arrangement_id": {
                "type": "str",
                "required": True,
                "foreign_key": "lantern_private_fostering.pfa_arrangement_id",
            },
            "pfv_visit_date": {
                "type": "date",
                "required": True,
                # in the arrangement pfv_arrangement_id names
                "not_before": "lantern_private_fostering.pfa_notification_date",
            },
        },
    },
    "lantern_lado_referrals": {
        "description": "LADO: allegations against people working with children",
        "columns": {
            "lado_referral_id": {"type": "str", "primary_key": True, "required": True},
            "lado_subject_name": {
                "type": "str",
                "identity": True,
                "description": "The person the allegation is about (an adult)",
            },
            "lado_person_id": {
                "type": "str",
                "foreign_key": "ssd_person.pers_person_id",
                "description": "The child concerned, where known to children's services",
            },
            "lado_received_date": {"type": "date", "required": True},
            "lado_decision_date": {
                "type": "date",
                "not_before": "lado_received_date",
                "description": "Decision on next steps",
            },
            "lado_meeting_date": {
                "type": "date",
                "not_before": "lado_received_date",
                "description": "Allegations management meeting, if held",
            },
            "lado_outcome": {"type": "str", "codes": "lado_outcome"},
            "lado_closed_date": {"type": "date", "not_before": "lado_received_date"},
            "lado_employer_sector": {"type": "str", "required": True, "codes": "lado_sector"},
        },
    },
    "lantern_homeless_presentations": {
        "description": "Homeless 16- and 17-year-olds presenting to the authority",
        "columns": {
            "hmls_presentation_id": {"type": "str", "primary_key": True, "required": True},
            "hmls_person_id": {
                "type": "str",
                "required": True,
                "foreign_key": "ssd_person.pers_person_id",
            },
            "hmls_presented_date": {"type": "date", "required": True},
            "hmls_assessed_date": {"type": "date", "not_before": "hmls_presented_date"},
            "hmls_told_of_option": {
                "type": "str",
                "codes": "yn",
                "description": "Told of the option to be looked after (s20) with advice",
            },
            "hmls_outcome": {"type": "str", "codes": "homeless_outcome"},
        },
    },
}


# Columns whose values come from a code set in codes.yml.
CODES = {
    "pers_sex": "sex", "pers_ethnicity": "ethnicity", "disa_disability_code": "disability",
    "cont_contact_source_code": "referral_source", "cine_referral_source_code": "referral_source",
    "cine_cin_primary_need_code": "primary_need", "cine_referral_nfa": "yn",
    "cina_assessment_child_seen": "yn", "cina_assessment_outcome_nfa": "yn",
    "cinv_cin_visit_seen": "yn", "cinv_cin_visit_seen_alone": "yn",
    "cinv_cin_visit_bedroom": "yn", "s47e_s47_nfa": "yn", "icpc_icpc_transfer_in": "yn",
    "icpc_icpc_outcome_cp_flag": "yn", "cppl_cp_plan_initial_category": "category_of_abuse",
    "cppl_cp_plan_latest_category": "category_of_abuse", "cppl_cp_plan_ola": "yn",
    "cppr_cp_review_outcome_continue_cp": "yn", "cppr_cp_review_quorate": "yn",
    "cppv_cp_visit_seen": "yn", "cppv_cp_visit_seen_alone": "yn",
    "cppv_cp_visit_bedroom": "yn", "clae_cla_episode_start_reason": "rne",
    "clae_cla_primary_need_code": "primary_need", "clae_cla_episode_ceased_reason": "rec",
    "clap_cla_placement_type": "place", "clap_cla_placement_provider": "placement_provider",
    "clap_cla_placement_change_reason": "reason_place_change", "lega_legal_status": "legal_status",
    "clar_cla_review_cancelled": "yn", "clar_cla_review_participation": "review_participation",
    "clav_cla_visit_seen": "yn", "clav_cla_visit_seen_alone": "yn",
    "clah_health_check_type": "health_check_type",
    "clah_health_check_status": "health_check_status", "clai_immunisations_status": "yn",
    "lapp_previous_permanence_option": "previous_permanence",
    "miss_missing_episode_type": "missing", "miss_missing_rhi_offered": "yn",
    "miss_missing_rhi_accepted": "yn", "clea_care_leaver_in_touch": "care_leaver_in_touch",
    "clea_care_leaver_accommodation": "care_leaver_accommodation",
    "clea_care_leaver_accom_suitable": "yn", "clea_care_leaver_activity": "care_leaver_activity",
    "clea_care_leaver_eligibility": "care_leaver_eligibility",
    "invo_worker_change_reason": "worker_change_reason", "prof_agency_worker_flag": "yn",
    "immi_immigration_status": "immigration_status", "perm_adopted_by_carer_flag": "yn",
    "perm_part_of_sibling_group": "yn",
}
# Keys the SSD leaves undeclared.
PRIMARY_KEYS = {
    "ssd_cla_immunisations": ["clai_person_id", "clai_immunisations_status_date"],
    "ssd_involvements": ["invo_involvements_id"],
    "ssd_department": ["dept_team_id"],
}


def derive(ssd_dir: Path) -> dict[str, object]:
    tables: dict[str, object] = {}
    for name in SSD_TABLES:
        doc = yaml.safe_load((ssd_dir / "objects" / f"{name}.yml").read_text())
        node = doc["nodes"][0]
        cols: dict[str, object] = {}
        for f in node["fields"]:
            col: dict[str, object] = {"type": TYPES.get(str(f.get("type", "")).lower(), "str")}
            if f["name"] in CODES:
                col["codes"] = CODES[f["name"]]
            if f.get("primary_key") or f["name"] in PRIMARY_KEYS.get(name, []):
                col["primary_key"] = True
            required = any("required" in v for v in f.get("validators") or [])
            if required or col.get("primary_key"):
                col["required"] = True
            if f.get("foreign_key"):
                col["foreign_key"] = f["foreign_key"]
            if f.get("returns"):
                col["returns"] = list(f["returns"])
            col["description"] = f.get("description", "")
            cols[f["name"]] = col
        for cname, spec in LOCAL_COLUMNS.get(name, {}).items():
            cols[cname] = {**spec, "local": True}
        tables[name] = {"source": "ssd", "columns": cols}
    for name, spec in LOCAL_TABLES.items():
        tables[name] = {"source": "local", **spec}
    return tables


if __name__ == "__main__":
    out = Path(__file__).resolve().parents[1] / "src/lantern/model/tables.yml"
    data = derive(Path(sys.argv[1]) / "")
    header = "# Canonical model: SSD tables and columns (data-to-insight/ssd-data-model, MIT)\n" \
             "# plus local extensions marked `local: true`. Derived by scripts/derive_model.py.\n"
    out.write_text(header + yaml.safe_dump(data, sort_keys=False, width=100))
    print(f"wrote {out}")
