"""The exception report: kinds, severities, grouping by service, ordering."""

from __future__ import annotations

from lantern.assurance.exceptions import (
    ExceptionItem,
    build_exceptions,
    group_by_service,
    order_exceptions,
)
from lantern.assurance.inputs import add_months
from lantern.assurance.targets import Target

MONTH = "2025-01"


def row(kpi: str, month: str, bd: str, bv: str, value: float | None, den: int | None = 100,
        period: str = "snapshot", status: str = "ok", service: str | None = None,
        reason: str | None = None) -> dict[str, object]:  # fmt: skip
    return {
        "kpi_id": kpi, "month": month, "period": period, "breakdown": bd,
        "breakdown_value": bv, "numerator": None, "denominator": den, "value": value,
        "status": status, "service": service, "reason": reason,
    }  # fmt: skip


META = {
    "a_pct": {"polarity": "high", "headline_period": "snapshot", "title": "Visits on time",
              "unit": "pct"},
    "b_pct": {"polarity": "high", "headline_period": "snapshot", "unit": "pct"},
    "c_count": {"polarity": "neutral", "headline_period": "snapshot"},
    "d_pct": {"polarity": "low", "headline_period": "snapshot", "unit": "pct"},
    "f_flow": {"polarity": "high", "headline_period": "rolling_12m"},
}
TARGETS = {"a_pct": Target("a_pct", 80, 5), "f_flow": Target("f_flow", 50, 0)}


def months_to(month: str, n: int) -> list[str]:
    return [add_months(month, i - n + 1) for i in range(n)]


def scenario() -> list[dict[str, object]]:
    m3 = months_to(MONTH, 3)
    rows = []
    # a_pct: authority 82, 81, 79 -> decline (high) and worse within tolerance (medium).
    # service Safeguarding 70, 65, 60 -> decline (high) and worse than target (high).
    # team T1 of Safeguarding, denominators 5 -> below the minimum: nothing.
    for m, a, s, t in zip(m3, [82, 81, 79], [70, 65, 60], [50, 40, 30], strict=True):
        rows.append(row("a_pct", m, "authority", "LA", a))
        rows.append(row("a_pct", m, "service", "Safeguarding", s, den=20))
        rows.append(row("a_pct", m, "team", "T1", t, den=5, service="Safeguarding"))
    # b_pct: not available this month at authority and service -> one item, authority.
    rows.append(row("b_pct", MONTH, "authority", "LA", None, den=None,
                    status="not_available", reason="no visit records"))  # fmt: skip
    rows.append(row("b_pct", MONTH, "service", "Safeguarding", None, den=None,
                    status="not_available"))  # fmt: skip
    # c_count: denominator 40 -> 15 (< 20): more than half gone (low). 40 -> 20 would not be.
    rows.append(row("c_count", add_months(MONTH, -1), "authority", "LA", 4, den=40))
    rows.append(row("c_count", MONTH, "authority", "LA", 3, den=15))
    rows.append(row("c_count", add_months(MONTH, -1), "service", "Children in care", 4, den=40))
    rows.append(row("c_count", MONTH, "service", "Children in care", 3, den=20))
    # d_pct (low is good): 12, 10 alternating for 12 months, then 20.
    # mean = (132 + 20)/13 = 11.69; mR̄ = (2*11 + 10)/12 = 2.667; upper = 11.69 + 7.09 = 18.78
    # -> 20 is outside: SPC concern (high). 12 -> 10 is better, so no decline.
    d_vals = [12, 10] * 6 + [20]
    for m, v in zip(months_to(MONTH, 13), d_vals, strict=True):
        rows.append(row("d_pct", m, "service", "Children in care", v))
    return rows


def test_build_exceptions_kinds_and_order() -> None:
    items = build_exceptions(scenario(), META, MONTH, TARGETS)
    got = [(i.service, i.kind, i.severity, i.kpi_id, i.breakdown_value, i.rule) for i in items]
    assert got == [
        ("Whole authority", "deep_dive", "high", "a_pct", "LA", "two_month_decline"),
        ("Whole authority", "target_failure", "medium", "a_pct", "LA",
         "Worse than target, within tolerance (higher is better)"),
        ("Whole authority", "data_quality", "medium", "b_pct", "LA", "not_available"),
        ("Whole authority", "data_quality", "low", "c_count", "LA", "denominator_drop"),
        # Safeguarding's and Children in care's worst items are both high; deep_dive sorts
        # before spc_concern, so Safeguarding comes first.
        ("Safeguarding", "deep_dive", "high", "a_pct", "Safeguarding", "two_month_decline"),
        ("Safeguarding", "target_failure", "high", "a_pct", "Safeguarding",
         "Worse than target (higher is better)"),
        ("Children in care", "spc_concern", "high", "d_pct", "Children in care",
         "outside_limits"),
    ]  # fmt: skip


def test_small_decline_listed_as_watch_without_children() -> None:
    """#13.9: "34.3, 34.4, 34.4" (lower is better) is a watch, not a deep dive."""
    meta = {"d_pct": {"polarity": "low", "headline_period": "snapshot", "unit": "pct",
                      "title": "Repeat plans"}}
    rows = [row("d_pct", m, "authority", "LA", v)
            for m, v in zip(months_to(MONTH, 3), [34.31, 34.38, 34.42], strict=True)]
    asked: list[str] = []

    def lookup(kpi: str, month: str, bd: str, bv: str) -> list[str]:
        asked.append(month)
        return ["c1"]

    items = build_exceptions(rows, meta, MONTH, {}, children_lookup=lookup)
    assert [(i.kind, i.severity) for i in items] == [("watch", "low")]
    assert "34.3" in items[0].message and "watch, no deep dive" in items[0].message
    assert items[0].children == () and asked == []


def test_messages_are_one_plain_sentence() -> None:
    items = build_exceptions(scenario(), META, MONTH, TARGETS)
    for it in items:
        assert it.message.endswith(".")
        assert it.message.count(". ") == 0, it.message
    first = items[0]
    assert first.message.startswith("Visits on time for the authority worsened")
    assert first.values == {"2024-11": 82.0, "2024-12": 81.0, "2025-01": 79.0}
    dq = next(i for i in items if i.rule == "not_available")
    assert "no visit records" in dq.message


def test_small_denominators_do_not_raise_target_failures() -> None:
    items = build_exceptions(scenario(), META, MONTH, TARGETS)
    assert not [i for i in items if i.breakdown == "team"]
    lenient = build_exceptions(scenario(), META, MONTH, TARGETS, min_denominator=5)
    team = [(i.kind, i.service) for i in lenient if i.breakdown == "team"]
    assert team == [("deep_dive", "Safeguarding"), ("target_failure", "Safeguarding")]


def test_spc_needs_twelve_points_and_can_rebase() -> None:
    # 11 points: [12, 10]*5 + [20]; mean 130/11 = 11.82, mR̄ = (18 + 8)/10 = 2.6,
    # upper = 11.82 + 6.92 = 18.74 -> 20 is outside, but 11 < 12 points: not charted.
    rows = [r for r in scenario() if r["kpi_id"] == "d_pct"][2:]
    assert not build_exceptions(rows, META, MONTH, {})
    assert build_exceptions(rows, META, MONTH, {}, spc_min_points=11)
    # rebasing at the last month leaves a one-point segment with no limits: no concern
    d_rows = [r for r in scenario() if r["kpi_id"] == "d_pct"]
    assert build_exceptions(d_rows, META, MONTH, {})
    assert not build_exceptions(d_rows, META, MONTH, {}, process_changes={"d_pct": [MONTH]})
    assert not build_exceptions(d_rows, META, MONTH, {}, process_changes={"*": [MONTH]})


def test_spc_uses_in_month_for_rolling_flows() -> None:
    # rolling_12m headline rising steadily (no concern), in_month values stable then a drop.
    # in_month: 10, 12 alternating for 12 months, then 0 -> mean 132/13 = 10.15,
    # mR̄ = (22 + 12)/12 = 2.833, lower = 10.15 - 7.54 = 2.62 -> 0 is outside, low: concern.
    rows = []
    for i, m in enumerate(months_to(MONTH, 13)):
        rows.append(row("f_flow", m, "authority", "LA", 60 + i, period="rolling_12m"))
        rows.append(row("f_flow", m, "authority", "LA", ([10, 12] * 6 + [0])[i],
                        period="in_month"))  # fmt: skip
    items = build_exceptions(rows, META, MONTH, TARGETS)
    assert [(i.kind, i.rule) for i in items] == [("spc_concern", "outside_limits")]
    assert "in the month" in items[0].message and "in_month" not in items[0].message
    # without in_month rows a rolling headline is not charted
    rolling_only = [r for r in rows if r["period"] == "rolling_12m"]
    assert build_exceptions(rolling_only, META, MONTH, TARGETS) == []


def test_denominator_drop_boundary() -> None:
    # exactly half (40 -> 20) is not "more than half"
    items = build_exceptions(scenario(), META, MONTH, TARGETS)
    assert not [i for i in items if i.service == "Children in care" and i.kind == "data_quality"]


def test_team_service_mapping_and_grouping() -> None:
    rows = [
        row("a_pct", m, "team", "T9", v)
        for m, v in zip(months_to(MONTH, 3), [70, 65, 60], strict=True)
    ]
    items = build_exceptions(rows, META, MONTH, TARGETS, team_service={"T9": "Front door"})
    assert {i.service for i in items} == {"Front door"}
    no_map = build_exceptions(rows, META, MONTH, TARGETS)
    assert {i.service for i in no_map} == {"Service not recorded"}
    grouped = group_by_service(build_exceptions(scenario(), META, MONTH, TARGETS))
    assert list(grouped) == ["Whole authority", "Safeguarding", "Children in care"]


def test_order_exceptions_by_severity_then_kind() -> None:
    def item(kind: str, severity: str, service: str) -> ExceptionItem:
        return ExceptionItem(kind, severity, service, "k", "service", service, "x.")

    items = [
        item("data_quality", "low", "B"),
        item("target_failure", "medium", "A"),
        item("spc_concern", "medium", "A"),
        item("data_quality", "medium", "Whole authority"),
        item("target_failure", "high", "B"),
    ]
    got = [(i.service, i.kind, i.severity) for i in order_exceptions(items)]
    assert got == [
        ("Whole authority", "data_quality", "medium"),
        ("B", "target_failure", "high"),
        ("B", "data_quality", "low"),
        ("A", "spc_concern", "medium"),
        ("A", "target_failure", "medium"),
    ]
