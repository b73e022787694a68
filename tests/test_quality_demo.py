"""The demo's year of case audits on the demo authority: built through the same calls
people make, its grades follow the simulated practice (teams whose visit or conference
timeliness fell in late 2023 are graded good or better less often until the summer of
2024), with moderation, actions, dip samples, family feedback and re-audits, and the
quality-assurance indicators for November 2024 available in `lantern kpis`' rows."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lantern.appdb import make_engine, migrate
from lantern.quality import demo
from lantern.quality.kpis import kpi_rows
from lantern.quality.models import Audit, AuditDipSample, AuditModeration


def test_a_year_of_audits_that_follows_the_practice(demo_home: Path, tmp_path: Path) -> None:
    shutil.copyfile(demo_home / "warehouse.duckdb", tmp_path / "warehouse.duckdb")
    engine = make_engine(f"sqlite:///{tmp_path / 'app.sqlite'}")
    migrate(engine)
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    try:
        said = demo.build(engine, con, "2024-11", date(2024, 11, 30))
        weak = demo.struggling_teams(con)
        assert demo.build(engine, con, "2024-11", date(2024, 11, 30)).startswith("kept")
    finally:
        con.close()
    assert weak and "case audits over 2023-12 to 2024-11" in said
    with Session(engine) as s:
        audits = list(s.scalars(select(Audit).where(Audit.status == "submitted")))
        assert {a.month for a in audits} >= {"2023-12", "2024-06", "2024-11"}
        early = [a for a in audits if a.month <= "2024-06" and a.re_audit_of is None]

        def good_share(rows: list[Audit]) -> float:
            return sum(a.overall_band in ("good", "outstanding") for a in rows) / len(rows)

        struggling = [a for a in early if a.team_id in weak]
        others = [a for a in early if a.team_id not in weak]
        assert struggling and others and good_share(struggling) < good_share(others)
        assert s.scalar(select(func.count()).select_from(AuditModeration)) >= 10
        assert s.scalar(select(func.count()).select_from(AuditDipSample)) >= 1
        assert any(a.re_audit_of is not None for a in audits)
        assert any(a.family_rating is not None for a in audits)
        rows = kpi_rows(s, ["2024-11"], la_code="880")
    assert {r["status"] for r in rows} == {"ok"}
    assert len({r["kpi_id"] for r in rows}) == 6
