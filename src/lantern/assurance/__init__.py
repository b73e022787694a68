"""Assurance: targets and status words, the two-month decline rule, SPC, exceptions.

Pure functions over the indicator engine's rows; nothing here computes an
indicator or knows about the CLI or the web.
"""

from lantern.assurance.decline import (
    DeclineCheck,
    DeclineTrigger,
    check_decline,
    decline_checks,
    find_deep_dives,
    two_month_decline,
)
from lantern.assurance.exceptions import (
    ExceptionItem,
    build_exceptions,
    group_by_service,
    order_exceptions,
)
from lantern.assurance.inputs import IndicatorMeta, IndicatorRow, SeriesPoint
from lantern.assurance.spc import Limits, SpcPoint, SpcResult, SpcSegment, classify, xmr_limits
from lantern.assurance.targets import (
    Target,
    benchmark_comparison,
    default_targets,
    load_targets,
    since_last_period,
    status_for,
)

__all__ = [
    "DeclineCheck",
    "DeclineTrigger",
    "ExceptionItem",
    "IndicatorMeta",
    "IndicatorRow",
    "Limits",
    "SeriesPoint",
    "SpcPoint",
    "SpcResult",
    "SpcSegment",
    "Target",
    "benchmark_comparison",
    "build_exceptions",
    "check_decline",
    "classify",
    "decline_checks",
    "default_targets",
    "find_deep_dives",
    "group_by_service",
    "load_targets",
    "order_exceptions",
    "since_last_period",
    "status_for",
    "two_month_decline",
    "xmr_limits",
]
