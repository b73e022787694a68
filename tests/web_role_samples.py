"""One sample request per route for the role-matrix test: (method, path template, form).

Paths use {child}, {worker}, {team} and {report}, filled from the test authority. Every route the
app declares in `lantern.web.access.MATRIX` must have a sample here (the test checks).
"""

from __future__ import annotations

SAMPLES: dict[str, tuple[str, str, dict[str, str] | None]] = {
    "home": ("GET", "/", None),
    "sign_out": ("POST", "/sign-out", {}),
    "scorecard": ("GET", "/scorecard", None),
    "board": ("GET", "/board", None),
    "indicator": ("GET", "/indicators/cp_plans_open", None),
    "themes": ("GET", "/themes", None),
    "theme": ("GET", "/themes/workforce", None),
    "indicator_children": ("GET", "/indicators/cp_plans_open/children", None),
    "indicator_children_csv": ("GET", "/indicators/cp_plans_open/children.csv", None),
    "indicator_children_xlsx": ("GET", "/indicators/cp_plans_open/children.xlsx", None),
    "indicator_breakdowns_export": ("GET", "/indicators/cp_plans_open/breakdowns.xlsx", None),
    "scorecard_export": ("GET", "/scorecard/export.csv", None),
    "child": ("GET", "/children/{child}", None),
    "child_chronology_csv": ("GET", "/children/{child}/chronology.csv", None),
    "teams": ("GET", "/teams", None),
    "team": ("GET", "/teams/{team}", None),
    "worker": ("GET", "/workers/{worker}", None),
    "exceptions": ("GET", "/exceptions", None),
    "loads": ("GET", "/loads", None),
    "validation_report": ("GET", "/loads/validation/{report}/problems.html", None),
    "inbox": ("GET", "/inbox", None),
    "inbox_item": ("GET", "/inbox/item?rule_id=cp_visit&child_id={child}&subject_id=none"
                          "&due_date=2024-01-01", None),
    "inbox_acknowledge": ("POST", "/inbox/acknowledge", {
        "rule_id": "cp_visit", "child_id": "{child}", "subject_id": "none",
        "due_date": "2024-01-01", "note": ""}),
    "inbox_snooze": ("POST", "/inbox/snooze", {
        "rule_id": "cp_visit", "child_id": "{child}", "subject_id": "none",
        "due_date": "2024-01-01", "reason": "waiting", "until-day": "1",
        "until-month": "1", "until-year": "2099"}),
    "work": ("GET", "/work", None),
    "work_export": ("GET", "/work/export.xlsx", None),
    "admin_users": ("GET", "/admin/users", None),
    "admin_user_add": ("POST", "/admin/users", {
        "username": "added_{role}", "display_name": "Added user", "role": "auditor",
        "scope_type": "authority", "scope_value": "", "professional_id": "",
        "password": "Another-test-password-2"}),
    "admin_user_role": ("POST", "/admin/users/role", {
        "username": "added_{role}", "role": "iro", "scope_type": "authority",
        "scope_value": ""}),
    "admin_user_disable": ("POST", "/admin/users/added_{role}/disable", {}),
    "admin_targets": ("GET", "/admin/targets", None),
    "admin_target_edit": ("GET", "/admin/targets/cp_plans_open", None),
    "admin_target_save": ("POST", "/admin/targets/cp_plans_open", {"action": "reset"}),
    "admin_access_log": ("GET", "/admin/access-log", None),
    "plan": ("GET", "/plan", None),
    "plan_recommendations": ("GET", "/plan/recommendations", None),
    "plan_versions": ("GET", "/plan/versions", None),
    "plan_publish": ("POST", "/plan/publish", {}),
    "my_actions": ("GET", "/actions/mine", None),
    "action": ("GET", "/actions/NO-SUCH", None),
    "action_update": ("POST", "/actions/NO-SUCH/updates", {"text": "An update"}),
    "action_edit": ("POST", "/actions/NO-SUCH/edit", {
        "status": "in_progress", "title": "T", "lead": "{role}", "due-day": "1",
        "due-month": "1", "due-year": "2025"}),
    "action_evidence": ("POST", "/actions/NO-SUCH/evidence", {"kind": "text", "text": "x"}),
    "action_links": ("POST", "/actions/NO-SUCH/links", {"op": "add_kpi",
                                                        "kpi_id": "cp_plans_open"}),
    "action_evidence_file": ("GET", "/actions/NO-SUCH/evidence/1", None),
    "action_sign_off": ("POST", "/actions/NO-SUCH/sign-off", {}),
    "deep_dives": ("GET", "/deep-dives", None),
    "deep_dive": ("GET", "/deep-dives/NO-SUCH", None),
    "deep_dive_edit": ("POST", "/deep-dives/NO-SUCH/edit", {"findings": "x"}),
    "deep_dive_update": ("POST", "/deep-dives/NO-SUCH/updates", {"text": "x"}),
    "deep_dive_action": ("POST", "/deep-dives/NO-SUCH/actions", {
        "title": "x", "lead": "{role}", "due": "2024-06-30"}),
    "deep_dive_process_change": ("POST", "/deep-dives/NO-SUCH/process-change",
                                 {"month": "2024-03"}),
    "deep_dive_close": ("POST", "/deep-dives/NO-SUCH/close", {"reason": "x"}),
    "deep_dive_reopen": ("POST", "/deep-dives/NO-SUCH/reopen", {"reason": "x"}),
    "deep_dive_commission": ("POST", "/deep-dives", {"kind": "service",
                                                     "theme": "Role matrix {role}"}),
    "meetings": ("GET", "/meetings", None),
    "meeting": ("GET", "/meetings/NO-SUCH", None),
    "meeting_add": ("POST", "/meetings", {"kind": "quartet", "held_on": "2024-03-01"}),
    "meeting_minutes": ("POST", "/meetings/NO-SUCH/minutes", {"minutes": "x"}),
    "meeting_action": ("POST", "/meetings/NO-SUCH/actions", {
        "title": "x", "lead": "{role}", "due": "2024-06-30"}),
    "reports": ("GET", "/reports", None),
    "report_month": ("GET", "/reports/2024-03", None),
    "report_file": ("GET", "/reports/2024-03/999999.html", None),
    "report_advance": ("POST", "/reports/2024-03/advance", {
        "run_id": "999999", "to": "quality_checked", "comment": ""}),
    "report_commentary": ("POST", "/reports/2024-03/commentary", {
        "kpi_id": "cp_plans_open", "text": ""}),
    "indicator_commentary": ("POST", "/indicators/cp_plans_open/commentary", {
        "month": "2024-03", "text": ""}),
    "board_pack": ("GET", "/board-pack", None),
    "audits": ("GET", "/audits", None),
    "audit": ("GET", "/audits/NO-SUCH", None),
    "audit_save": ("POST", "/audits/NO-SUCH", {"submit": "draft"}),
    "audits_moderation": ("GET", "/audits/moderation", None),
    "audit_moderate": ("POST", "/audits/NO-SUCH/moderate", {"grade": "good"}),
    "audits_programme": ("GET", "/audits/programme", None),
    "api_docs": ("GET", "/api/docs", None),
    "api_me": ("GET", "/api/me", None),
    "api_indicators": ("GET", "/api/indicators", None),
    "api_scorecard": ("GET", "/api/scorecard", None),
    "api_indicator": ("GET", "/api/indicators/cp_plans_open", None),
    "api_indicator_children": ("GET", "/api/indicators/cp_plans_open/children", None),
    "api_child": ("GET", "/api/children/{child}", None),
    "api_child_chronology": ("GET", "/api/children/{child}/chronology", None),
    "api_teams": ("GET", "/api/teams", None),
    "api_team": ("GET", "/api/teams/{team}", None),
    "api_worker": ("GET", "/api/workers/{worker}", None),
    "api_my_work": ("GET", "/api/my-work", None),
    "api_exceptions": ("GET", "/api/exceptions", None),
    "api_loads": ("GET", "/api/loads", None),
    "api_inbox": ("GET", "/api/inbox", None),
    "api_work": ("GET", "/api/work", None),
}

#: Routes whose sample names an item that does not exist: an allowed role gets 404 (the
#: route ran and looked), a forbidden one 403. Their behaviour is tested in test_web_work.
NOT_FOUND_WHEN_ALLOWED = frozenset({
    "inbox_item", "inbox_acknowledge", "inbox_snooze",
    # The role-matrix authority has no plan: these name an action or plan that is not
    # there. The plan's own behaviour is tested in test_web_plan.
    "plan_publish", "action", "action_update", "action_edit", "action_evidence", "action_links",
    "action_evidence_file", "action_sign_off",
    # Likewise no deep dive or meeting by that name (test_web_governance has real ones).
    "deep_dive", "deep_dive_edit", "deep_dive_update", "deep_dive_action",
    "deep_dive_process_change", "deep_dive_close", "deep_dive_reopen", "meeting",
    "meeting_minutes",
    # No audit by that name (test_web_quality has real ones).
    "audit", "audit_save", "audit_moderate",
    # No report run by that id.
    "report_file", "report_advance"})
