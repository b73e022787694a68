"""The report chain's rules: each transition by its role, wrong role, out of order,
sending back (needs a reason, and the reviewer's role), publication is final; the due
date counted in working days."""

from __future__ import annotations

from datetime import date

import pytest

from lantern.reports.chain import (
    STATES,
    Refused,
    allowed_moves,
    check_move,
    due_date,
    is_late,
    load_chain_config,
    parse_config,
)

CFG = load_chain_config()
FORWARD = [
    ("draft", "quality_checked", "performance_analyst", ""),
    ("quality_checked", "themes_added", "divisional_director", "Referrals up; ICPCs later."),
    ("themes_added", "endorsed", "dcs", ""),
    ("endorsed", "published", "dcs", ""),
    ("endorsed", "published", "performance_analyst", ""),
]


@pytest.mark.parametrize(("state", "to", "role", "comment"), FORWARD)
def test_each_step_by_its_role(state: str, to: str, role: str, comment: str) -> None:
    move = check_move(state, to, role, comment, CFG)
    assert (move.from_state, move.to_state, move.kind) == (state, to, "advance")


@pytest.mark.parametrize(("state", "to", "role"), [
    ("draft", "quality_checked", "dcs"),
    ("draft", "quality_checked", "social_worker"),
    ("quality_checked", "themes_added", "performance_analyst"),
    ("themes_added", "endorsed", "divisional_director"),
    ("endorsed", "published", "board_member"),
])
def test_wrong_role_is_refused_naming_who_may(state: str, to: str, role: str) -> None:
    with pytest.raises(Refused, match="is a step for") as got:
        check_move(state, to, role, "ok", CFG)
    assert CFG.title(CFG.steps[to][0]) in str(got.value)


@pytest.mark.parametrize(("state", "to"), [
    ("draft", "themes_added"), ("draft", "endorsed"), ("draft", "published"),
    ("quality_checked", "endorsed"), ("themes_added", "published"),
])
def test_out_of_order_is_refused(state: str, to: str) -> None:
    role = CFG.steps[to][0]
    with pytest.raises(Refused, match="out of order"):
        check_move(state, to, role, "a comment", CFG)


def test_same_state_and_unknown_state_are_refused() -> None:
    with pytest.raises(Refused, match="already"):
        check_move("endorsed", "endorsed", "dcs", "", CFG)
    with pytest.raises(Refused, match="no state"):
        check_move("draft", "approved", "dcs", "", CFG)


def test_themes_need_the_themes() -> None:
    with pytest.raises(Refused, match="needs the themes"):
        check_move("quality_checked", "themes_added", "divisional_director", "  ", CFG)


def test_send_back_needs_a_reason() -> None:
    with pytest.raises(Refused, match="needs a reason"):
        check_move("quality_checked", "draft", "divisional_director", "", CFG)
    with pytest.raises(Refused, match="needs a reason"):
        check_move("endorsed", "themes_added", "dcs", "   ", CFG)


def test_send_back_by_the_reviewer_or_the_step_owner() -> None:
    # The divisional director reviews the quality check; the DCS reviews the themes.
    back = check_move("quality_checked", "draft", "divisional_director", "Recheck CIN", CFG)
    assert (back.kind, back.to_state) == ("send_back", "draft")
    assert check_move("themes_added", "quality_checked", "dcs", "Sharpen", CFG).kind == (
        "send_back")
    # Two steps back at once is allowed to the reviewer (the DCS may return to draft).
    assert check_move("themes_added", "draft", "dcs", "Figures wrong", CFG).to_state == "draft"
    with pytest.raises(Refused, match="only"):
        check_move("themes_added", "quality_checked", "social_worker", "no", CFG)


def test_published_is_final() -> None:
    for to in STATES:
        with pytest.raises(Refused, match="published and frozen"):
            check_move("published", to, "dcs", "reason", CFG)


def test_allowed_moves_for_the_viewer() -> None:
    assert [m.to_state for m in allowed_moves("draft", "performance_analyst", CFG)] == [
        "quality_checked"]
    assert [m.to_state for m in allowed_moves("themes_added", "dcs", CFG)] == [
        "draft", "quality_checked", "endorsed"]
    assert allowed_moves("draft", "board_member", CFG) == []


def test_roles_come_from_configuration() -> None:
    cfg = parse_config({"steps": {"quality_checked": ["head_of_service"],
                                  "themes_added": ["divisional_director"],
                                  "endorsed": ["dcs"], "published": ["dcs"]}})
    assert check_move("draft", "quality_checked", "head_of_service", "", cfg).kind == "advance"
    with pytest.raises(Refused):
        check_move("draft", "quality_checked", "performance_analyst", "", cfg)
    with pytest.raises(ValueError, match="no role may take"):
        parse_config({"steps": {"quality_checked": ["dcs"]}})
    with pytest.raises(ValueError, match="unknown steps"):
        parse_config({"steps": {"approved": ["dcs"]}})


@pytest.mark.parametrize(("month", "due"), [
    # 1 Dec 2024 is a Sunday: Mon 2 .. Fri 13 December are the ten working days.
    ("2024-11", date(2024, 12, 13)),
    # 1 Jan 2025 is New Year's Day: counting starts after it, Thu 2 Jan .. Wed 15 Jan.
    ("2024-12", date(2025, 1, 15)),
    # 1 Apr 2024 is Easter Monday: Tue 2 .. Mon 15 April.
    ("2024-03", date(2024, 4, 15)),
    # May 2023: the Coronation bank holiday (Mon 8 May) and the early May one (1 May).
    ("2023-04", date(2023, 5, 16)),
    # February of a leap year (29 days): 1 Mar 2024 is a Friday; Mon 4 .. Fri 15 March.
    ("2024-02", date(2024, 3, 15)),
])
def test_due_date_is_ten_working_days_after_the_first(month: str, due: date) -> None:
    assert due_date(month) == due


def test_late_reports() -> None:
    assert not is_late("2024-11", "themes_added", date(2024, 12, 13))
    assert is_late("2024-11", "themes_added", date(2024, 12, 16))
    assert not is_late("2024-11", "published", date(2025, 6, 1), date(2024, 12, 13))
    assert is_late("2024-11", "published", date(2025, 6, 1), date(2024, 12, 16))
