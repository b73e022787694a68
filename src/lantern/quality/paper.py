"""Audits done on paper, imported from CSV: one row per audit with its domain grades.

Columns: ``tool``, ``month`` (YYYY-MM), ``subject_id``, ``team_id``, ``auditor``
(username), ``submitted_on`` (YYYY-MM-DD), ``overall``, ``family_contacted`` (yes/no),
``family_rating`` (1-5 or empty), ``family_words``, and one ``grade:<domain id>`` column
for each domain of the tool. The file is checked whole first: any bad row refuses it,
with one line per problem (file, row, field, value, what was expected), and nothing is
written.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lantern.appdb.models import User
from lantern.months import Month
from lantern.quality.audits import Submission, write_parts
from lantern.quality.models import Audit
from lantern.quality.tools import Tool

REQUIRED = ("tool", "month", "subject_id", "team_id", "auditor", "submitted_on", "overall",
            "family_contacted")


class ImportRefused(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem{'s' * (len(problems) != 1)}")
        self.problems = problems


@dataclass(frozen=True)
class PaperAudit:
    tool: Tool
    month: str
    subject_id: str
    team_id: str
    auditor_id: int
    submitted_on: date
    submission: Submission


def _check_row(n: int, row: dict[str, str], tools: dict[str, Tool], users: dict[str, int],
               where: str) -> tuple[PaperAudit | None, list[str]]:
    out: list[str] = []

    def bad(name: str, expected: str) -> None:
        out.append(f"{where}, row {n}, {name} {row.get(name, '')!r}: expected {expected}")

    tool = tools.get(row.get("tool", ""))
    if tool is None:
        bad("tool", f"one of {', '.join(sorted(tools))}")
        return None, out
    try:
        month = str(Month.parse(row.get("month", "")))
    except ValueError:
        bad("month", "YYYY-MM")
        month = ""
    try:
        on = date.fromisoformat(row.get("submitted_on", ""))
    except ValueError:
        bad("submitted_on", "a date YYYY-MM-DD")
        on = date.min
    if row.get("auditor", "") not in users:
        bad("auditor", "the username of an account")
    for key in ("subject_id", "team_id"):
        if not row.get(key, "").strip():
            bad(key, "a value")
    grades = {d.id: row.get(f"grade:{d.id}", "").strip() for d in tool.domains}
    for d in tool.domains:
        if grades[d.id] not in tool.scale.grades:
            bad(f"grade:{d.id}", f"one of {', '.join(tool.scale.grades)}")
    if row.get("overall", "").strip() not in tool.scale.grades:
        bad("overall", f"one of {', '.join(tool.scale.grades)}")
    contacted = row.get("family_contacted", "").strip().lower()
    if contacted not in ("yes", "no"):
        bad("family_contacted", "yes or no")
    rating = row.get("family_rating", "").strip()
    if rating and rating not in {"1", "2", "3", "4", "5"}:
        bad("family_rating", "1 to 5, or empty")
    if out:
        return None, out
    sub = Submission(grades=grades, overall=row["overall"].strip(),
                     family_contacted=contacted == "yes",
                     family_words=row.get("family_words", ""),
                     family_rating=int(rating) if rating else None)
    return PaperAudit(tool, month, row["subject_id"].strip(), row["team_id"].strip(),
                      users[row["auditor"]], on, sub), []


def read(path: Path, s: Session, tools: dict[str, Tool]) -> list[PaperAudit]:
    """Every row checked; ``ImportRefused`` with all the problems if any."""
    users = {u.username: u.id for u in s.scalars(select(User))}
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise ImportRefused([f"{path}, header: missing column(s) {', '.join(missing)}"])
        rows: list[dict[str, Any]] = list(reader)
    if not rows:
        raise ImportRefused([f"{path}: no audits in the file"])
    found, problems = [], []
    for n, row in enumerate(rows, 2):  # row 1 is the header
        got, errs = _check_row(n, row, tools, users, str(path))
        problems += errs
        if got is not None:
            found.append(got)
    if problems:
        raise ImportRefused(problems)
    return found


def write(s: Session, audits: list[PaperAudit]) -> int:
    """Write the checked audits as submitted ones (inside the caller's transaction)."""
    start = (s.scalar(select(Audit.id).order_by(Audit.id.desc())) or 0) + 1
    for n, p in enumerate(audits, start):
        a = Audit(ref=f"AUD-{p.month}-P{n:04d}", tool_id=p.tool.id, month=p.month,
                  subject_kind=p.tool.subject, subject_id=p.subject_id, team_id=p.team_id,
                  service_id="", sample_reason="audited on paper", auditor_id=p.auditor_id,
                  status="submitted", overall_grade=p.submission.overall,
                  overall_band=p.tool.scale.band(p.submission.overall),
                  submitted_on=p.submitted_on,
                  family_contacted=p.submission.family_contacted,
                  family_words=p.submission.family_words.strip(),
                  family_rating=p.submission.family_rating)
        s.add(a)
        s.flush()
        write_parts(s, a, p.submission)
    return len(audits)
