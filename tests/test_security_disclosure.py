"""Secondary suppression (`security.disclosure`) on hand-worked tables."""

from __future__ import annotations

from dataclasses import dataclass

from lantern.security.disclosure import (
    REMAINDER,
    TOTAL,
    Group,
    board_exception,
    cells,
    derived_small,
    protect,
    protect_window,
    withheld_rows,
)


@dataclass(frozen=True)
class R:
    breakdown: str
    breakdown_value: str
    numerator: float | None
    denominator: float | None
    value: float | None = None


def pct(b: str, v: str, num: int, den: int) -> R:
    return R(b, v, num, den, 100 * num / den if den else None)


def test_cells_count_the_children_either_side() -> None:
    assert cells("pct", 0, 3, 0.0) == (0, 3)  # "0 of 3": 3 children not seen in time
    assert cells("pct", 99, 135, 73.3) == (99, 36)
    assert cells("mean", 120.0, 4, 30.0) == (4,)
    assert cells("count", 7, None, 7) == (7,)
    assert cells("rate", 12, 40_000, 3.0) == (12,)


def test_the_seen_leak_by_sex() -> None:
    # Seen on the board's icpc_15wd_pct: F 99/135, M 124/178, total 224/314, so the
    # withheld U row came back as 1/1. U must take the next-smallest row with it.
    rows = [pct("authority", "880", 224, 314), pct("sex", "F", 99, 135),
            pct("sex", "M", 124, 178), pct("sex", "U", 1, 1)]
    got = withheld_rows("pct", rows, {}, ("sex",))
    assert got == {("sex", "U"), ("sex", "F")}


def test_zero_of_a_few_is_withheld() -> None:
    rows = [pct("authority", "880", 50, 80), pct("sex", "F", 0, 3),
            pct("sex", "M", 20, 30), pct("sex", "U", 30, 47)]
    got = withheld_rows("pct", rows, {}, ("sex",))
    # F is 0 of 3; withholding F alone leaves (0, 3) to be had by subtraction, so the
    # smallest other row (M, 30 children) goes too.
    assert got == {("sex", "F"), ("sex", "M")}


def test_nothing_small_nothing_withheld() -> None:
    rows = [pct("authority", "880", 60, 100), pct("sex", "F", 30, 50),
            pct("sex", "M", 30, 50)]
    assert withheld_rows("pct", rows, {}, ("sex",)) == frozenset()


def test_a_small_authority_is_withheld_whole() -> None:
    rows = [pct("authority", "880", 3, 3), pct("sex", "F", 3, 3)]
    assert TOTAL in withheld_rows("pct", rows, {}, ("sex",))


def test_children_with_no_team_are_protected() -> None:
    # 100 children: teams account for 97; the 3 with no team are a remainder that
    # subtraction would give back, so the smallest team is withheld with them.
    rows = [R("authority", "880", 100, None, 100), R("team", "T1", 60, None, 60),
            R("team", "T2", 37, None, 37)]
    got = withheld_rows("count", rows, {}, ("team",))
    assert got == {("team", "T2")}


def test_teams_within_their_service() -> None:
    # Service A = T1 + T2, service B = T3 + T4. T1 has 2 children: withheld. Against
    # the authority, T1 with the next-smallest team anywhere would do, but within
    # service A the other withheld team must be T2 or A's total gives T1 back.
    ts = {"T1": "A", "T2": "A", "T3": "B", "T4": "B"}
    rows = [R("authority", "880", 100, None, 100), R("service", "A", 42, None, 42),
            R("service", "B", 58, None, 58), R("team", "T1", 2, None, 2),
            R("team", "T2", 40, None, 40), R("team", "T3", 8, None, 8),
            R("team", "T4", 50, None, 50)]
    got = withheld_rows("count", rows, ts, ("service", "team"))
    assert got == {("team", "T1"), ("team", "T2")}


def test_the_attacker_uses_elimination() -> None:
    # Three groups over the same withheld cells: x + y = 7, y + z = 13, x + z = 12.
    # No one group pins a cell down, but together they give x = 3 and y = 4.
    values = {("a", "x"): (3,), ("a", "y"): (4,), ("a", "z"): (9,),
              ("t", "1"): (7,), ("t", "2"): (13,), ("t", "3"): (12,)}
    groups = [Group(("t", "1"), (("a", "x"), ("a", "y"))),
              Group(("t", "2"), (("a", "y"), ("a", "z"))),
              Group(("t", "3"), (("a", "x"), ("a", "z")))]
    leaks = derived_small(values, groups, {("a", "x"), ("a", "y"), ("a", "z")})
    assert ("a", "x") in leaks and ("a", "y") in leaks


def test_protect_stops_every_derivation() -> None:
    values = {TOTAL: (40,), ("b", "1"): (2,), ("b", "2"): (3,), ("b", "3"): (10,),
              ("b", "4"): (25,), (REMAINDER, "b"): (0,)}
    groups = [Group(TOTAL, (("b", "1"), ("b", "2"), ("b", "3"), ("b", "4"),
                            (REMAINDER, "b")))]
    got = protect(values, groups)
    # 1 and 2 are small; together they are 5, which gives nothing away.
    assert got == {("b", "1"), ("b", "2")}
    assert not derived_small(values, groups, got)


@dataclass(frozen=True)
class E:
    kind: str
    rule: str
    message: str
    breakdown: str
    breakdown_value: str


def test_board_exception_keeps_the_reason_and_drops_the_figures() -> None:
    e = E("deep_dive", "two_month_decline",
          "ICPC in 15 days for service front_door worsened (2024-09 50, 2024-10 25)...",
          "service", "front_door")
    assert board_exception(e, "ICPC in 15 days", figures=True) == e.message
    text = board_exception(e, "ICPC in 15 days", figures=False)
    assert text == ("ICPC in 15 days for the front door service worsened in each of the "
                    "last two months: a deep dive is required. Figures withheld: they "
                    "concern few children.")
    assert not any(ch.isdigit() for ch in text.replace("15", ""))


def test_a_window_less_the_months_shown() -> None:
    # 12 months hold 69 referrals; the chart withholds March (2) and April (1) as
    # small, but 69 less the ten months shown gives back their 3. The smallest month
    # shown (June, 5; October's 5 comes later) is withheld too, leaving 8.
    counts = dict(zip([f"2024-{m:02d}" for m in range(1, 13)],
                      [6, 7, 2, 1, 8, 5, 6, 7, 9, 5, 6, 7], strict=True))
    months = {m: R("authority", "880", n, None, n) for m, n in counts.items()}
    shown = set(counts) - {"2024-03", "2024-04"}
    window = R("authority", "880", 69, None, 69)
    assert protect_window("count", window, months, shown) == ({"2024-06"}, False)
    assert protect_window("count", window, months, shown - {"2024-06"}) == (set(), False)
    # A window of 3 children, every month withheld: nothing to add, the window goes.
    small_window = R("authority", "880", 3, None, 3)
    assert protect_window("count", small_window, {"2024-01": None}, set()) == (set(), True)
