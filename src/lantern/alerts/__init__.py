"""Alerts and work lists: every statutory deadline for every child, reminded before it is
due and escalated when it is missed.

Rules are declared in `alerts.rules` (one module per family); `run_alerts` turns them into
the day's items; `digest` emails each person their own items once a day.
"""

from __future__ import annotations

from .command import SmtpSettings, alerts_command, load_addresses
from .digest import SendResult, by_recipient, compose, send_digests, send_digests_async
from .model import (
    DEFAULT_ESCALATION,
    AlertConfig,
    AlertItem,
    AlertRule,
    DueRow,
    Step,
    load_config,
)
from .reference import reference_markdown
from .rules import RULES, rule
from .run import available, run_alerts, summary, to_json, to_table

__all__ = [
    "DEFAULT_ESCALATION",
    "RULES",
    "AlertConfig",
    "AlertItem",
    "AlertRule",
    "DueRow",
    "SendResult",
    "SmtpSettings",
    "Step",
    "alerts_command",
    "available",
    "by_recipient",
    "compose",
    "load_addresses",
    "load_config",
    "reference_markdown",
    "rule",
    "run_alerts",
    "send_digests",
    "send_digests_async",
    "summary",
    "to_json",
    "to_table",
]
