"""Who may see what: roles, scopes, small-number suppression, accounts and the access log."""

from lantern.security.policy import (
    AGGREGATE_ONLY,
    ROLES,
    SCOPE_TYPES,
    SUPPRESSED,
    Principal,
    can_see_children,
    child_in_scope,
    suppress_count,
    suppress_kpi_row,
)

__all__ = [
    "AGGREGATE_ONLY",
    "ROLES",
    "SCOPE_TYPES",
    "SUPPRESSED",
    "Principal",
    "can_see_children",
    "child_in_scope",
    "suppress_count",
    "suppress_kpi_row",
]
