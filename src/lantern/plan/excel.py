"""The plan as an Excel workbook (openpyxl): one sheet per level, one row per item, the
same document as the YAML (``transfer.document``), so the two round-trip alike.

Sheets: Plan (field, value), Inspections, Recommendations, Themes, Objectives (with their
theme), Actions (with their theme and objective). Indicators are written
``icpc_15wd_pct; cp_visits_10wd_pct (target 85)``; recommendations ``OF-2018-03; OF-2018-07``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

COLUMNS: dict[str, tuple[str, ...]] = {
    "Inspections": ("name", "body", "date", "type"),
    "Recommendations": ("ref", "inspection", "text", "repeated_from"),
    "Themes": ("ref", "title"),
    "Objectives": ("theme", "ref", "title"),
    "Actions": ("theme", "objective", "ref", "title", "outcome", "lead", "due", "status",
                "kpis", "recommendations", "quarterly_outcome", "cancel_reason"),
}
KPI_CELL = re.compile(r"^([A-Za-z0-9_]+)(?:\s*\(target\s+(-?[0-9]+(?:\.[0-9]+)?)\))?$")
OPTIONAL = {"repeated_from", "quarterly_outcome", "cancel_reason"}


def _kpis_cell(kpis: list[Any]) -> str:
    return "; ".join(k if isinstance(k, str) else f"{k['id']} (target {k['target']})"
                     for k in kpis)


def _sheet(wb: Workbook, name: str, rows: list[list[Any]]) -> None:
    ws: Worksheet = wb.create_sheet(name)
    ws.append(list(COLUMNS[name]))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"


def write_workbook(doc: dict[str, Any], path: Path) -> None:
    wb = Workbook()
    head = wb.active
    assert head is not None
    head.title = "Plan"
    head.append(["field", "value"])
    head.append(["title", doc["plan"]["title"]])
    head.append(["version", doc["plan"]["version"]])
    _sheet(wb, "Inspections", [[i["name"], i["body"], i["date"], i["type"]]
                               for i in doc.get("inspections", [])])
    _sheet(wb, "Recommendations", [[r["ref"], r["inspection"], r["text"],
                                    r.get("repeated_from")] for r in doc["recommendations"]])
    themes, objectives, actions = [], [], []
    for t in doc["themes"]:
        themes.append([t["ref"], t["title"]])
        for o in t["objectives"]:
            objectives.append([t["ref"], o["ref"], o["title"]])
            for a in o["actions"]:
                actions.append([t["ref"], o["ref"], a["ref"], a["title"], a["outcome"],
                                a["lead"], a["due"], a["status"], _kpis_cell(a["kpis"]),
                                "; ".join(a["recommendations"]),
                                a.get("quarterly_outcome"), a.get("cancel_reason")])
    _sheet(wb, "Themes", themes)
    _sheet(wb, "Objectives", objectives)
    _sheet(wb, "Actions", actions)
    wb.save(path)


def _text(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, datetime):
        return v.date() if v.time() == datetime.min.time() else v
    return v if isinstance(v, date) else str(v).strip()


def _rows(wb: Any, name: str) -> list[dict[str, Any]]:
    if name not in wb.sheetnames:
        return []
    rows = list(wb[name].iter_rows(values_only=True))
    if not rows:
        return []
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    out = []
    for row in rows[1:]:
        if all(v is None or str(v).strip() == "" for v in row):
            continue
        item = {h: _text(v) for h, v in zip(header, row, strict=False) if h}
        out.append({k: v for k, v in item.items() if not (k in OPTIONAL and v == "")})
    return out


def _kpis(cell: str) -> list[Any]:
    out: list[Any] = []
    for part in (p.strip() for p in cell.split(";") if p.strip()):
        m = KPI_CELL.match(part)
        if m is None or m.group(2) is None:
            out.append(part)  # an unknown or malformed id is reported by the import check
        else:
            target = float(m.group(2))
            out.append({"id": m.group(1), "target": int(target) if target.is_integer()
                        else target})
    return out


def _version(raw: Any) -> Any:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return raw


def read_workbook(path: Path) -> dict[str, Any]:
    """The workbook as a plan document (checked afterwards like a YAML one)."""
    wb = load_workbook(path, read_only=True, data_only=True)
    head = {str(r[0]).strip(): r[1] for r in wb["Plan"].iter_rows(min_row=2, values_only=True)
            if r and r[0] is not None} if "Plan" in wb.sheetnames else {}
    doc: dict[str, Any] = {"plan": {"title": _text(head.get("title")),
                                    "version": _version(head.get("version"))}}
    inspections = [{**i, "date": i.get("date") or None} for i in _rows(wb, "Inspections")]
    if inspections:
        doc["inspections"] = inspections
    doc["recommendations"] = _rows(wb, "Recommendations")
    actions = _rows(wb, "Actions")
    objectives = _rows(wb, "Objectives")
    doc["themes"] = []
    for t in _rows(wb, "Themes"):
        obs = []
        for o in (o for o in objectives if o["theme"] == t["ref"]):
            mine = [a for a in actions if a["theme"] == t["ref"] and a["objective"] == o["ref"]]
            obs.append({"ref": o["ref"], "title": o["title"], "actions": [
                {**{k: v for k, v in a.items() if k not in ("theme", "objective")},
                 "kpis": _kpis(a.get("kpis", "")),
                 "recommendations": [r.strip() for r in a.get("recommendations", "").split(";")
                                     if r.strip()]} for a in mine]})
        doc["themes"].append({"ref": t["ref"], "title": t["title"], "objectives": obs})
    wb.close()
    return doc
