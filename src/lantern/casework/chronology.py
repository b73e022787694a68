"""A child's chronology: every recorded event, in date order, built from the warehouse.

Each source below is one declared query over one canonical table: which column dates
the event, what it is called and a short detail. A table that is not loaded is skipped.
Nothing is typed in by hand, so the chronology is always as complete as the extract.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from lantern.casework._sql import table_names
from lantern.casework.labels import Names, names
from lantern.model import label

#: Event categories, for filtering and badges, in the order a case usually moves.
CATEGORIES: dict[str, str] = {
    "contact": "Contact",
    "early_help": "Early help",
    "referral": "Referral",
    "assessment": "Assessment",
    "strategy": "Strategy discussion and section 47",
    "conference": "Conference",
    "plan": "Plan",
    "review": "Review",
    "visit": "Visit",
    "care": "Care episode",
    "placement": "Placement",
    "legal_status": "Legal status",
    "missing": "Missing episode",
    "health": "Health",
    "education": "Education",
    "exploitation": "Exploitation",
    "permanence": "Permanence",
    "care_leaver": "Care leaver",
    "allocation": "Allocation",
}


@dataclass(frozen=True)
class Source:
    table: str
    category: str
    date_col: str
    person_col: str
    id_col: str
    title: str  # SQL expression
    detail: str = "''"  # SQL expression


SEP = "\x1f"  # between the parts of a detail (a character no record holds)
SEP_SQL = "chr(31)"


def _parts(*exprs: str) -> str:
    """A detail of several parts (NULL parts left out). A part ``key=value`` is a code
    or id that `describe` turns into words (`PARTS`); any other part is already words."""
    return f"concat_ws({SEP_SQL}, {', '.join(exprs)})"


def _yn(col: str, yes: str, no: str) -> str:
    return f"CASE WHEN {col} = 'Y' THEN '{yes}' WHEN {col} = 'N' THEN '{no}' END"


SOURCES: tuple[Source, ...] = (
    Source("ssd_contacts", "contact", "cont_contact_date", "cont_person_id", "cont_contact_id",
           "'Contact received'",
           _parts("'from=' || cont_contact_source_desc", "'json=' || cont_contact_outcome_json")),
    Source("ssd_early_help_episodes", "early_help", "earl_episode_start_date", "earl_person_id",
           "earl_episode_id", "'Early help episode started'",
           _parts("'reason=' || earl_episode_reason", "'by=' || earl_episode_organisation")),
    Source("ssd_early_help_episodes", "early_help", "earl_episode_end_date", "earl_person_id",
           "earl_episode_id", "'Early help episode ended'",
           _parts("'ended=' || earl_episode_end_reason")),
    Source("ssd_cin_episodes", "referral", "cine_referral_date", "cine_person_id",
           "cine_referral_id", "'Referral'",
           _parts("'source=' || cine_referral_source_code",
                  "'need=' || cine_cin_primary_need_code",
                  "CASE WHEN cine_referral_nfa = 'Y' THEN 'no further action' END")),
    Source("ssd_cin_episodes", "referral", "cine_close_date", "cine_person_id",
           "cine_referral_id", "'Children in need episode closed'",
           _parts("coalesce('closure=' || cine_referral_closure_reason_code, "
                  "cine_close_reason)")),
    Source("ssd_cin_assessments", "assessment", "cina_assessment_start_date", "cina_person_id",
           "cina_assessment_id", "'Assessment started'",
           _yn("cina_assessment_child_seen", "child seen", "child not seen")),
    Source("ssd_cin_assessments", "assessment", "cina_assessment_auth_date", "cina_person_id",
           "cina_assessment_id", "'Assessment authorised'",
           "CASE WHEN cina_assessment_outcome_nfa = 'Y' THEN 'no further action' ELSE "
           "'json=' || cina_assessment_outcome_json END"),
    Source("ssd_s47_enquiry", "strategy", "s47e_s47_start_date", "s47e_person_id",
           "s47e_s47_enquiry_id", "'Strategy discussion; section 47 enquiry started'"),
    Source("ssd_s47_enquiry", "strategy", "s47e_s47_end_date", "s47e_person_id",
           "s47e_s47_enquiry_id", "'Section 47 enquiry completed'",
           "CASE WHEN s47e_s47_nfa = 'Y' THEN 'no further action' "
           "WHEN s47e_icpc_not_required = 'Y' THEN 'no conference needed' ELSE "
           "'json=' || s47e_s47_outcome_json END"),
    Source("ssd_initial_cp_conference", "conference", "icpc_icpc_date", "icpc_person_id",
           "icpc_icpc_id", "'Initial child protection conference'",
           _yn("icpc_icpc_outcome_cp_flag", "outcome: a child protection plan",
               "outcome: no child protection plan")),
    Source("ssd_cp_plans", "plan", "cppl_cp_plan_start_date", "cppl_person_id",
           "cppl_cp_plan_id", "'Child protection plan started'",
           _parts("'category=' || cppl_cp_plan_initial_category")),
    Source("ssd_cp_plans", "plan", "cppl_cp_plan_end_date", "cppl_person_id",
           "cppl_cp_plan_id", "'Child protection plan ended'"),
    Source("ssd_cp_reviews", "conference", "cppr_cp_review_date", "cppr_person_id",
           "cppr_cp_review_id", "'Child protection review conference'",
           _parts("'due ' || strftime(cppr_cp_review_due, '%-d %B %Y')",
                  _yn("cppr_cp_review_outcome_continue_cp", "plan continues", "plan ends"))),
    Source("ssd_cp_visits", "visit", "cppv_cp_visit_date", "cppv_person_id",
           "cppv_cp_visit_id", "'Child protection visit'",
           _parts(_yn("cppv_cp_visit_seen", "child seen", "child not seen"),
                  _yn("cppv_cp_visit_seen_alone", "seen alone", "not seen alone"))),
    Source("ssd_cin_plans", "plan", "cinp_cin_plan_start_date", "cinp_person_id",
           "cinp_cin_plan_id", "'Child in need plan started'"),
    Source("ssd_cin_plans", "plan", "cinp_cin_plan_end_date", "cinp_person_id",
           "cinp_cin_plan_id", "'Child in need plan ended'"),
    Source("ssd_cin_visits", "visit", "cinv_cin_visit_date", "cinv_person_id",
           "cinv_cin_visit_id", "'Child in need visit'",
           _yn("cinv_cin_visit_seen", "child seen", "child not seen")),
    Source("ssd_cla_episodes", "care", "clae_cla_episode_start_date", "clae_person_id",
           "clae_cla_episode_id",
           "CASE WHEN clae_cla_episode_start_reason = 'S' THEN 'Started to be looked after' "
           "ELSE 'Care episode changed' END",
           _parts("'rne=' || clae_cla_episode_start_reason", "'legal=' || clae_legal_status")),
    Source("ssd_cla_episodes", "care", "clae_cla_episode_ceased_date", "clae_person_id",
           "clae_cla_episode_id",
           "CASE WHEN clae_cla_episode_ceased_reason = 'X1' THEN 'Care episode ended' "
           "ELSE 'Ceased to be looked after' END",
           _parts("'rec=' || clae_cla_episode_ceased_reason")),
    Source("ssd_cla_placement", "placement", "clap_cla_placement_start_date", "clap_person_id",
           "clap_cla_placement_id", "'Placement started'",
           _parts("'place=' || clap_cla_placement_type",
                  "round(clap_cla_placement_distance, 1) || ' miles from home'")),
    Source("ssd_cla_placement", "placement", "clap_cla_placement_end_date", "clap_person_id",
           "clap_cla_placement_id", "'Placement ended'",
           _parts("'placechange=' || clap_cla_placement_change_reason")),
    Source("ssd_legal_status", "legal_status", "lega_legal_status_start_date", "lega_person_id",
           "lega_legal_status_id", "'Legal status'", _parts("'legal=' || lega_legal_status")),
    Source("ssd_cla_reviews", "review", "clar_cla_review_date", "clar_person_id",
           "clar_cla_review_id", "'Looked-after review'",
           _parts("'due ' || strftime(clar_cla_review_due_date, '%-d %B %Y')",
                  "'participation=' || clar_cla_review_participation")),
    Source("ssd_cla_visits", "visit", "clav_cla_visit_date", "clav_person_id",
           "clav_cla_visit_id", "'Looked-after child visit'",
           _yn("clav_cla_visit_seen", "child seen", "child not seen")),
    Source("ssd_missing", "missing", "miss_missing_episode_start_date", "miss_person_id",
           "miss_table_id",
           "CASE WHEN miss_missing_episode_type = 'A' THEN 'Away from placement' "
           "ELSE 'Missing' END",
           _parts("'returned ' || strftime(miss_missing_episode_end_date, '%-d %B %Y')",
                  "'return interview ' || strftime(miss_rhi_completed_date, '%-d %B %Y')")),
    Source("ssd_cla_health", "health", "clah_health_check_date", "clah_person_id",
           "clah_health_check_id",
           "CASE clah_health_check_type WHEN 'IHA' THEN 'Initial health assessment' "
           "WHEN 'HEALTH_ASSESSMENT' THEN 'Health assessment' WHEN 'DENTAL' THEN 'Dental check' "
           "ELSE coalesce(clah_health_check_type, 'Health check') END",
           "coalesce(clah_health_check_status, '')"),
    Source("lantern_pep_reviews", "education", "pepr_pep_review_date", "pepr_person_id",
           "pepr_pep_review_id", "'Personal education plan review'"),
    Source("lantern_exploitation_assessments", "exploitation", "expl_assessment_date",
           "expl_person_id", "expl_assessment_id", "'Exploitation assessment'",
           _parts("'rag=' || expl_rag")),
    Source("ssd_permanence", "permanence", "perm_adm_decision_date", "perm_person_id",
           "perm_table_id", "'Adoption decision (agency decision maker)'"),
    Source("ssd_permanence", "permanence", "perm_placement_order_date", "perm_person_id",
           "perm_table_id", "'Placement order'"),
    Source("ssd_permanence", "permanence", "perm_matched_date", "perm_person_id",
           "perm_table_id", "'Matched with adopters'"),
    Source("ssd_permanence", "permanence", "perm_placed_for_adoption_date", "perm_person_id",
           "perm_table_id", "'Placed for adoption'"),
    Source("ssd_permanence", "permanence", "perm_adoption_order_date", "perm_person_id",
           "perm_table_id", "'Adoption order'"),
    Source("ssd_care_leavers", "care_leaver", "clea_care_leaver_latest_contact",
           "clea_person_id", "clea_table_id", "'Care leaver contact'",
           f"concat_ws({SEP_SQL}, " + _yn("clea_care_leaver_in_touch", "in touch", "not in touch")
           + ", 'accommodation=' || clea_care_leaver_accommodation, "
           "'activity=' || clea_care_leaver_activity)"),
    Source("ssd_involvements", "allocation", "invo_involvement_start_date", "invo_person_id",
           "invo_involvements_id",
           "CASE invo_professional_role_id WHEN 'SW' THEN 'Social worker allocated' "
           "WHEN 'PA' THEN 'Personal adviser allocated' ELSE 'Worker allocated' END",
           _parts("'worker=' || invo_professional_id", "'team=' || invo_professional_team")),
    Source("ssd_involvements", "allocation", "invo_involvement_end_date", "invo_person_id",
           "invo_involvements_id", "'Allocation ended'",
           _parts("'worker=' || invo_professional_id",
                  "'workerchange=' || invo_worker_change_reason")),
)


#: Parts of a detail that are codes or ids: (code set in `model/codes.yml`, or
#: "workers" / "teams" for names, or None for words), and the sentence they make.
PARTS: dict[str, tuple[str | None, str]] = {
    "from": (None, "Contact from {}"),
    "reason": (None, "Reason: {}"),
    "by": (None, "Provided by {}"),
    "ended": (None, "Outcome: {}"),
    "source": ("referral_source", "Referred by {}"),
    "need": ("primary_need", "Main need: {}"),
    "closure": ("reason_for_closure", "Reason: {}"),
    "category": ("category_of_abuse", "Category: {}"),
    "rne": ("rne", "{}"),
    "legal": ("legal_status", "Legal status: {}"),
    "rec": ("rec", "Reason: {}"),
    "place": ("place", "Placement: {}"),
    "placechange": ("reason_place_change", "Reason: {}"),
    "participation": ("review_participation", "How the child took part: {}"),
    "rag": ("rag", "Risk: {}"),
    "accommodation": ("care_leaver_accommodation", "Accommodation: {}"),
    "activity": ("care_leaver_activity", "Activity: {}"),
    "worker": ("workers", "Worker: {}"),
    "team": ("teams", "Team: {}"),
    "workerchange": ("worker_change_reason", "Reason for the change: {}"),
}
#: Keys of the outcome JSON some tables hold, as sentences.
JSON_WORDS = {("icpc", True): "An initial child protection conference is needed",
              ("icpc", False): "No initial child protection conference is needed"}


def _json_part(text: str) -> list[str]:
    try:
        doc = json.loads(text)
    except ValueError:
        return [text]
    if not isinstance(doc, dict):
        return [str(doc)]
    out = []
    for k, v in doc.items():
        if (k, v) in JSON_WORDS:
            out.append(JSON_WORDS[(k, v)])
        elif v not in (None, "", [], {}):
            out.append(f"{str(k).replace('_', ' ').capitalize()}: {v}")
    return out


def _part(piece: str, n: Names) -> list[str]:
    key, eq, value = piece.partition("=")
    if not eq or (key not in PARTS and key != "json"):
        return [piece]
    if key == "json":
        return _json_part(value)
    code_set, template = PARTS[key]
    if code_set == "workers":
        words = n.workers.get(value, value)
    elif code_set == "teams":
        words = n.teams.get(value, value)
    else:
        words = label(code_set, value) if code_set else value
    return [template.format(words)]


def describe(detail: str, n: Names) -> str:
    """A detail as sentences: codes by their labels, workers and teams by name
    ("source=2A" and "need=N1" -> "Referred by Schools. Main need: Abuse or neglect.")."""
    pieces = [p for raw in detail.split(SEP) if raw.strip() for p in _part(raw.strip(), n)]
    return " ".join(f"{p[0].upper()}{p[1:]}{'' if p.endswith('.') else '.'}" for p in pieces)


@dataclass(frozen=True)
class Event:
    date: date
    category: str
    title: str
    detail: str
    source: str  # canonical table
    record_id: str

    @property
    def category_label(self) -> str:
        return CATEGORIES.get(self.category, self.category)

    def as_dict(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "category": self.category,
                "category_label": self.category_label, "title": self.title,
                "detail": self.detail, "source": self.source, "record_id": self.record_id}


#: All children's events, as `prepare_chronology` writes them.
PREPARED = "_casework_chronology"


def _select(s: Source, k: int, child_filter: str) -> str:
    return (f"SELECT CAST({s.person_col} AS VARCHAR) AS child_id, {s.date_col} AS d, "
            f"'{s.category}' AS category, CAST({s.title} AS VARCHAR) AS title, "
            f"CAST({s.detail} AS VARCHAR) AS detail, '{s.table}' AS source, "
            f"CAST({s.id_col} AS VARCHAR) AS record_id, {k} AS k "
            f"FROM {s.table} WHERE {s.date_col} IS NOT NULL{child_filter}")


def prepare_chronology(con: duckdb.DuckDBPyConnection) -> None:
    """Write every child's events to one table (``PREPARED``), ordered by child, so that
    `chronology` with ``prepared=True`` reads one child's events with one small scan.
    For a private, read-only copy of the warehouse (the web app's in-memory copy); never
    for the warehouse file itself."""
    present = table_names(con)
    parts = [_select(s, k, "") for k, s in enumerate(SOURCES) if s.table in present]
    body = (" UNION ALL ".join(parts) if parts else
            "SELECT NULL::VARCHAR AS child_id, NULL::DATE AS d, NULL::VARCHAR AS category, "
            "NULL::VARCHAR AS title, NULL::VARCHAR AS detail, NULL::VARCHAR AS source, "
            "NULL::VARCHAR AS record_id, 0 AS k WHERE false")
    con.execute(f"CREATE OR REPLACE TABLE {PREPARED} AS SELECT * FROM ({body}) "
                "WHERE child_id IS NOT NULL ORDER BY child_id, d, k, record_id")


def chronology(con: duckdb.DuckDBPyConnection, child_id: str, *,
               until: date | None = None,
               categories: set[str] | None = None, prepared: bool = False) -> list[Event]:
    """Every recorded event for ``child_id`` in date order (oldest first), optionally
    only up to ``until`` and only some categories. ``prepared``: read the table
    `prepare_chronology` wrote on ``con`` (the same events, faster)."""
    params: dict[str, Any] = {"child": child_id}
    if until is not None:
        params["until"] = until
    if prepared:
        where = " AND d <= $until" if until is not None else ""
        if categories is not None:
            wanted = sorted(c for c in categories if c in CATEGORIES)
            if not wanted:
                return []
            where += f" AND category IN ({', '.join(repr(c) for c in wanted)})"
        sql = (f"SELECT d, category, title, detail, source, record_id, k FROM {PREPARED} "
               f"WHERE child_id = $child{where} ORDER BY d, k, record_id")
    else:
        present = table_names(con)
        chosen = [(k, s) for k, s in enumerate(SOURCES) if s.table in present
                  and (categories is None or s.category in categories)]
        if not chosen:
            return []
        until_filter = " AND {col} <= $until" if until is not None else ""
        sql = " UNION ALL ".join(
            _select(s, k, f" AND {s.person_col} = $child"
                    + until_filter.format(col=s.date_col))
            for k, s in chosen)
        sql = (f"SELECT d, category, title, detail, source, record_id, k FROM ({sql}) "
               "ORDER BY d, k, record_id")
    got = con.execute(sql, params).fetchall()
    n = names(con) if got else Names({}, {}, {})
    return [Event(d, c, t or "", describe(det or "", n), src, rid or "")
            for d, c, t, det, src, rid, _ in got]
