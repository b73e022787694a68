"""One sample request per route for the role-matrix test: (method, path template, form).

Paths use {child}, {worker} and {team}, filled from the test authority. Every route the
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
    "child": ("GET", "/children/{child}", None),
    "child_chronology_csv": ("GET", "/children/{child}/chronology.csv", None),
    "teams": ("GET", "/teams", None),
    "team": ("GET", "/teams/{team}", None),
    "worker": ("GET", "/workers/{worker}", None),
    "exceptions": ("GET", "/exceptions", None),
    "loads": ("GET", "/loads", None),
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
}
