"""Who may use which route: one table, read by the app to authorise every request and by
the role-matrix test to check it.

Each route (by its name) has one entry per role, in `ROLES` order:

- ``A`` allowed: the route works, showing only children in the person's scope;
- ``S`` suppressed: aggregates only, with any figure about 1-4 children, or from which
  one could be worked out, withheld (`security.disclosure`);
- ``F`` forbidden: HTTP 403.

Notes on particular rows: the alert inbox and the work list name children, so the
aggregate-only roles have none (and admin, who sees no children, neither); the work list
is the managers' (team manager: their team, head of service: their service, divisional
director, DCS and performance analyst: the authority) — social workers have their own
items in the inbox. Validation reports quote the rows they reject (child-level data) and
open only to the performance analyst, who must also have authority scope. Targets are
set by the admin and the performance analyst; the access log is the admin's. The
improvement plan and its actions are read by everyone but the admin (board members and
inspectors: aggregates only, and no evidence files, which may name children) and changed
by its editors: performance analyst, head of service, divisional director, DCS. Sign-off
is offered to editors; the gate itself then admits only the sign-off roles (divisional
director and DCS by default) and never the action's lead, and says why when it refuses.
Deep dives and meetings are read by managers and above (board members and inspectors:
the tracker and the figures with small counts suppressed, never a child); heads of
service and above manage deep dives in their scope and commission them; the performance
analyst also records meetings.
Case audits: auditors and managers audit (`quality.audits.AUDITOR_ROLES`: auditor,
team manager, head of service), moderators (`MODERATOR_ROLES`) open audits to moderate
them and see the moderation queue; board members and inspectors see only the programme's
counts, never an audit or a child.
Downloads (CSV, Excel) follow the page they download.
The theme pages show indicators as the scorecard does; the workforce theme names the
social workers over the caseload limit only to `security.policy.NAMED_WORKER_ROLES`
(board members and inspectors: the caseload distribution with small numbers withheld).
The monthly reports are read by leaders and auditors (drafts only by those who shape
them: `web.routes.reports.DRAFT_READERS`) and by board members, who see published
editions without their files (whose figures are not suppressed); the chain's own rules
decide who may take each step, and commentary is written by the roles configured.

Routes in `PUBLIC` need no sign-in (sign in, health check, static files, the OpenAPI
schema). Every other route must be in `MATRIX`; the app refuses to start otherwise.
"""

from __future__ import annotations

from typing import Literal

from lantern.security.policy import ROLES

Access = Literal["allowed", "suppressed", "forbidden"]
_CODES: dict[str, Access] = {"A": "allowed", "S": "suppressed", "F": "forbidden"}

# Column order is ROLES: social_worker, team_manager, head_of_service, divisional_director,
# dcs, performance_analyst, auditor, iro, board_member, inspector, admin.
_TABLE = """
route                      sw tm hs dd dc pa au io bm in ad
home                       A  A  A  A  A  A  A  A  S  S  A
sign_out                   A  A  A  A  A  A  A  A  A  A  A
scorecard                  A  A  A  A  A  A  A  A  S  S  F
board                      A  A  A  A  A  A  A  A  S  S  F
indicator                  A  A  A  A  A  A  A  A  S  S  F
themes                     A  A  A  A  A  A  A  A  S  S  F
theme                      A  A  A  A  A  A  A  A  S  S  F
indicator_children         A  A  A  A  A  A  A  A  F  F  F
indicator_children_csv     A  A  A  A  A  A  A  A  F  F  F
indicator_children_xlsx    A  A  A  A  A  A  A  A  F  F  F
indicator_breakdowns_export A  A  A  A  A  A  A  A  S  S  F
scorecard_export           A  A  A  A  A  A  A  A  S  S  F
child                      A  A  A  A  A  A  A  A  F  F  F
child_chronology_csv       A  A  A  A  A  A  A  A  F  F  F
teams                      A  A  A  A  A  A  A  A  F  F  F
team                       A  A  A  A  A  A  A  A  F  F  F
worker                     A  A  A  A  A  A  A  A  F  F  F
exceptions                 F  A  A  A  A  A  A  A  S  S  F
loads                      F  F  A  A  A  A  F  F  F  F  A
validation_report          F  F  F  F  F  A  F  F  F  F  F
inbox                      A  A  A  A  A  A  A  A  F  F  F
inbox_item                 A  A  A  A  A  A  A  A  F  F  F
inbox_acknowledge          A  A  A  A  A  A  A  A  F  F  F
inbox_snooze               A  A  A  A  A  A  A  A  F  F  F
work                       F  A  A  A  A  A  F  F  F  F  F
work_export                F  A  A  A  A  A  F  F  F  F  F
admin_users                F  F  F  F  F  F  F  F  F  F  A
admin_user_add             F  F  F  F  F  F  F  F  F  F  A
admin_user_disable         F  F  F  F  F  F  F  F  F  F  A
admin_user_role            F  F  F  F  F  F  F  F  F  F  A
admin_targets              F  F  F  F  F  A  F  F  F  F  A
admin_target_edit          F  F  F  F  F  A  F  F  F  F  A
admin_target_save          F  F  F  F  F  A  F  F  F  F  A
admin_access_log           F  F  F  F  F  F  F  F  F  F  A
plan                       A  A  A  A  A  A  A  A  S  S  F
plan_recommendations       A  A  A  A  A  A  A  A  S  S  F
plan_versions              A  A  A  A  A  A  A  A  S  S  F
plan_publish               F  F  A  A  A  A  F  F  F  F  F
my_actions                 A  A  A  A  A  A  A  A  S  S  F
action                     A  A  A  A  A  A  A  A  S  S  F
action_update              F  F  A  A  A  A  F  F  F  F  F
action_edit                F  F  A  A  A  A  F  F  F  F  F
action_evidence            F  F  A  A  A  A  F  F  F  F  F
action_links               F  F  A  A  A  A  F  F  F  F  F
action_evidence_file       A  A  A  A  A  A  A  A  F  F  F
action_sign_off            F  F  A  A  A  A  F  F  F  F  F
deep_dives                 F  A  A  A  A  A  A  A  S  S  F
deep_dive                  F  A  A  A  A  A  A  A  S  S  F
deep_dive_edit             F  F  A  A  A  F  F  F  F  F  F
deep_dive_update           F  F  A  A  A  F  F  F  F  F  F
deep_dive_action           F  F  A  A  A  F  F  F  F  F  F
deep_dive_process_change   F  F  A  A  A  F  F  F  F  F  F
deep_dive_close            F  F  A  A  A  F  F  F  F  F  F
deep_dive_reopen           F  F  A  A  A  F  F  F  F  F  F
deep_dive_commission       F  F  A  A  A  F  F  F  F  F  F
meetings                   F  A  A  A  A  A  A  A  S  S  F
meeting                    F  A  A  A  A  A  A  A  S  S  F
meeting_add                F  F  A  A  A  A  F  F  F  F  F
meeting_minutes            F  F  A  A  A  A  F  F  F  F  F
meeting_action             F  F  A  A  A  A  F  F  F  F  F
reports                    F  A  A  A  A  A  A  F  S  F  F
report_month               F  A  A  A  A  A  A  F  S  F  F
report_file                F  A  A  A  A  A  A  F  F  F  F
report_advance             F  F  A  A  A  A  F  F  F  F  F
report_commentary          F  F  A  A  A  A  F  F  F  F  F
indicator_commentary       F  F  A  A  A  A  F  F  F  F  F
board_pack                 F  F  A  A  A  A  A  F  S  S  F
audits                     F  A  A  A  F  A  A  F  F  F  F
audit                      F  A  A  A  F  A  A  F  F  F  F
audit_save                 F  A  A  F  F  F  A  F  F  F  F
audits_moderation          F  F  A  A  F  A  A  F  F  F  F
audit_moderate             F  F  A  A  F  A  A  F  F  F  F
audits_programme           F  A  A  A  A  A  A  F  S  S  F
api_docs                   A  A  A  A  A  A  A  A  A  A  A
api_me                     A  A  A  A  A  A  A  A  A  A  A
api_indicators             A  A  A  A  A  A  A  A  A  A  A
api_scorecard              A  A  A  A  A  A  A  A  S  S  F
api_indicator              A  A  A  A  A  A  A  A  S  S  F
api_indicator_children     A  A  A  A  A  A  A  A  F  F  F
api_child                  A  A  A  A  A  A  A  A  F  F  F
api_child_chronology       A  A  A  A  A  A  A  A  F  F  F
api_teams                  A  A  A  A  A  A  A  A  F  F  F
api_team                   A  A  A  A  A  A  A  A  F  F  F
api_worker                 A  A  A  A  A  A  A  A  F  F  F
api_my_work                A  A  A  A  A  A  A  A  F  F  F
api_exceptions             F  A  A  A  A  A  A  A  S  S  F
api_loads                  F  F  A  A  A  A  F  F  F  F  A
api_inbox                  A  A  A  A  A  A  A  A  F  F  F
api_work                   F  A  A  A  A  A  F  F  F  F  F
"""

PUBLIC: frozenset[str] = frozenset({
    "sign_in", "sign_in_submit", "sign_in_oidc", "sign_in_oidc_callback", "healthz",
    "static", "openapi", "favicon",
})


def _parse(table: str) -> dict[str, dict[str, Access]]:
    lines = [ln.split() for ln in table.strip().splitlines()]
    header, body = lines[0], lines[1:]
    if len(header) - 1 != len(ROLES):
        raise RuntimeError("access table: one column per role in ROLES order")
    out: dict[str, dict[str, Access]] = {}
    for cells in body:
        route, codes = cells[0], cells[1:]
        if len(codes) != len(ROLES) or route in out:
            raise RuntimeError(f"access table: bad or repeated row for {route!r}")
        out[route] = {role: _CODES[c] for role, c in zip(ROLES, codes, strict=True)}
    return out


MATRIX: dict[str, dict[str, Access]] = _parse(_TABLE)


def access(route: str, role: str) -> Access:
    """What ``role`` may do on ``route``; unknown routes and roles are forbidden."""
    return MATRIX.get(route, {}).get(role, "forbidden")
