"""`lantern plan ...` end to end on the web-test authority: the sign-off gate (refused
without impact, for the lead, with the target met in 2 of 3 months; accepted with 3, and
with an observed statement), status as JSON, publish and diff, recommendations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lantern.cli import app
from tests.plan_fixtures import GateFigures, import_gate_plan
from tests.web_support import WebHome, copy_app_db, web_home

runner = CliRunner()


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], GateFigures]:
    wh: WebHome = web_home()
    url = copy_app_db(wh)
    g = import_gate_plan(wh, url, tmp_path_factory.mktemp("plan"))
    return {"LANTERN_HOME": str(wh.home), "LANTERN_DATABASE_URL": url}, g


def _run(env: dict[str, str], *args: str) -> tuple[int, str]:
    r = runner.invoke(app, ["plan", *args], env=env)
    out = r.output if args[-1] == "json" else " ".join(r.output.split())  # unwrap lines
    return r.exit_code, out


def test_sign_off_gate_from_the_command_line(env: tuple) -> None:
    e, g = env
    code, out = _run(e, "sign-off", "G1", "--as", "divisional_director")
    assert code == 1 and "no evidenced impact" in out and "Traceback" not in out
    code, out = _run(e, "sign-off", "G2", "--as", "divisional_director")
    assert code == 1 and "the action's lead cannot sign it off" in out
    code, out = _run(e, "sign-off", "G4", "--as", "head_of_service")
    assert code == 1 and "only a divisional director or DCS" in out
    code, out = _run(e, "sign-off", "G3", "--as", "dcs")
    assert code == 1 and "in 2 of the last 3 months" in out
    code, out = _run(e, "sign-off", "G4", "--as", "dcs")
    assert code == 0, out
    assert "Signed off G4" in out and "in 3 of the last 3 months" in out
    code, out = _run(e, "sign-off", "G1", "--as", "dcs", "--statement",
                     "Families told the audit the conference came sooner.",
                     "--kind", "audit_finding", "--reference", "Audit 2024-03")
    assert code == 0, out
    code, out = _run(e, "sign-off", "G1", "--as", "dcs", "--kind", "nonsense",
                     "--statement", "x")
    assert code == 2
    code, out = _run(e, "status", "--month", g.months[-1], "--format", "json")
    assert code == 0, out
    by_ref = {r["ref"]: r for r in json.loads(out)}
    assert (by_ref["G1"]["status"], by_ref["G1"]["rag"]) == ("signed_off", "blue")
    assert by_ref["G3"]["status"] == "done_awaiting_impact"
    keys = {"ref", "theme", "objective", "title", "lead", "due", "status", "rag",
            "rag_reason", "kpis", "recommendations"}
    assert all(keys <= set(r) and r["rag_reason"] for r in by_ref.values())


def test_publish_diff_recommendations_and_export(env: tuple, tmp_path: Path) -> None:
    e, _ = env
    code, out = _run(e, "publish")
    assert code == 0 and "Published version 1" in out
    code, out = _run(e, "publish")
    assert code == 0 and "Published version 2" in out
    code, out = _run(e, "diff", "1", "2", "--format", "json")
    assert code == 0 and json.loads(out)["added"] == []
    code, out = _run(e, "diff", "1", "9")
    assert code == 1 and "no published version 9" in out
    code, out = _run(e, "recommendations", "--format", "json")
    recs = {r["ref"]: r for r in json.loads(out)}
    assert recs["OF-2024-02"]["repeated_from"] == "OF-2021-01" and recs["OF-2024-02"]["repeated"]
    for name in ("plan.yml", "plan.xlsx"):
        code, out = _run(e, "export", "--out", str(tmp_path / name))
        assert code == 0 and (tmp_path / name).stat().st_size > 0
    code, out = _run(e, "export", "--out", str(tmp_path / "plan.txt"))
    assert code == 2


def test_a_refused_import_is_one_line_per_problem(env: tuple, tmp_path: Path) -> None:
    e, _ = env
    bad = tmp_path / "bad.yml"
    bad.write_text('plan: {title: "P", version: 1}\nrecommendations: []\nthemes:\n'
                   '  - ref: "1"\n    title: "T"\n    objectives:\n'
                   '      - ref: "1.1"\n        title: "O"\n        actions:\n'
                   '          - {ref: "X1", title: "X", lead: nobody, due: 2024-13-01, '
                   'status: in_progress, kpis: [], recommendations: []}\n', "utf-8")
    code, out = _run(e, "import", str(bad))
    assert code == 1
    assert "actions[0].lead: unknown lead 'nobody'" in out
    assert "actions[0].due: '2024-13-01' is not a date" in out
    assert "nothing was imported" in out and "Traceback" not in out
