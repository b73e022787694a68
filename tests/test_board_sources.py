"""The board pack's deep-dive and plan sections read from the app database: the month's
opened and closed deep dives and those the board follows, by subject and place (never a
child); nothing recorded gives None, so the pack says "no data yet"."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from lantern.governance import deep_dives
from lantern.reports.board_sources import SourceContext
from lantern.reports.board_sources import deep_dives as dd_section
from lantern.reports.board_sources import plan as plan_section
from tests.actions_fixtures import add_people
from tests.appdb_fixtures import app_engine, app_url
from tests.test_governance_deep_dives import trigger

__all__ = ["app_engine", "app_url"]


def _ctx(engine: Engine, month: str) -> SourceContext:
    return SourceContext(engine, None, "880", None, {}, month)


def test_deep_dives_section(app_engine: Engine) -> None:
    assert dd_section(_ctx(app_engine, "2023-11")) is None
    people = add_people(app_engine)
    with Session(app_engine) as s, s.begin():
        opened = deep_dives.store_triggers(s, "2023-11", [trigger("2023-11")],
                                           on=date(2023, 12, 1)).opened[0]
        deep_dives.store_triggers(s, "2023-11", [trigger("2023-11", breakdown="team",
                                                         value="T9")], on=date(2023, 12, 1))
        ce = deep_dives.commission(s, people["dcs"], kind="chief_executive",
                                   theme="Placements at a distance", on=date(2023, 11, 6))
        deep_dives.close(s, people["dcs"], ce.ref, date(2023, 12, 20), reason="Reported")
    got = dd_section(_ctx(app_engine, "2023-12"))
    assert got is not None
    headline, lines = got
    assert headline.startswith("2 opened and 1 closed in the month; 2 open at its end.")
    assert [(t, st) for t, st, _ in lines] == [
        ("Initial conferences within 15 working days of s47 start", "Opened"),
        ("Initial conferences within 15 working days of s47 start (T9)", "Opened"),
        ("Placements at a distance", "Closed")]
    assert opened in lines[0][2]
    # November: only the commissioned one existed, open at the month's end.
    nov = dd_section(_ctx(app_engine, "2023-11"))
    assert nov is not None and nov[0].startswith(
        "1 opened and 0 closed in the month; 1 open at its end.")
    # January: every deep dive open at the month end is accounted for, the authority's
    # by name and the team's counted under its service (the board pack listed 22 of 146).
    jan = dd_section(_ctx(app_engine, "2024-01"))
    assert jan is not None
    assert ("the 1 other the board follows (on the whole authority's figures, or "
            "commissioned); the other 1, on a service's or team's figures, are counted by "
            "service.") in jan[0]
    assert [(t, st) for t, st, _ in jan[1]] == [
        ("Initial conferences within 15 working days of s47 start", "Open"),
        ("Service not recorded: 1 on its own and its teams' figures", "Open")]


def test_no_plan_means_no_section(app_engine: Engine) -> None:
    assert plan_section(_ctx(app_engine, "2024-11")) is None
