"""One sample request per route for the role-matrix test: (method, path template, form).

Paths use {child}, {worker}, {team}, {report} and {monthly_report}, filled from the test
authority. Every route the
app declares in `lantern.web.access.MATRIX` must have a sample here (the test checks).
"""

from __future__ import annotations

SAMPLES: dict[str, tuple[str, str, dict[str, str] | None]] = {
    "home": ("GET", "/", None),
    "sign_out": ("POST", "/sign-out", {}),
    "scorecard": ("GET", "/scorecard", None),
    "board": ("GET", "/board", None),
    "indicator": ("GET", "/indicators/cp_plans_open", None),
    "indicator_children": ("GET", "/indicators/cp_plans_open/children", None),
    "indicator_children_csv": ("GET", "/indicators/cp_plans_open/children.csv", None),
    "indicator_children_xlsx": ("GET", "/indicators/cp_plans_open/children.xlsx", None),
    "indicator_breakdowns_export": ("GET", "/indicators/cp_plans_open/breakdowns.xlsx", None),
    "scorecard_export": ("GET", "/scorecard/export.csv", None),
    "reports": ("GET", "/reports", None),
    "report_file": ("GET", "/reports/{monthly_report}", None),
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
NOT_FOUND_WHEN_ALLOWED = frozenset({"inbox_item", "inbox_acknowledge", "inbox_snooze"})
