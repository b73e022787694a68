"""The full error report of a validation: CSV for spreadsheets, HTML for people."""

from __future__ import annotations

import html
from collections import Counter
from datetime import datetime
from pathlib import Path

from lantern.ingest.source import Problem
from lantern.tabular import write_csv

COLUMNS = ["file", "locator", "field", "value", "rule_id", "severity", "message", "expected"]


def write_report(problems: list[Problem], reports_dir: Path) -> tuple[Path, Path]:
    """Write problems.csv and problems.html under reports_dir/validation/<timestamp>/."""
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S_%f")
    folder = reports_dir / "validation" / stamp
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, html_path = folder / "problems.csv", folder / "problems.html"
    with csv_path.open("w", newline="", encoding="utf-8") as fh:
        # Values are repeated from uploaded files: neutralised against formula injection.
        write_csv(fh, COLUMNS, ([getattr(p, c) for c in COLUMNS] for p in problems))
    html_path.write_text(render_html(problems), encoding="utf-8")
    return csv_path, html_path


def render_html(problems: list[Problem]) -> str:
    counts = Counter((p.rule_id, p.severity) for p in problems)
    summary = "".join(
        f"<tr><td>{html.escape(rule)}</td><td>{sev}</td><td>{n}</td></tr>"
        for (rule, sev), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(getattr(p, c) or ''))}</td>" for c in COLUMNS)
        + "</tr>" for p in problems)
    head = "".join(f"<th scope='col'>{c.replace('_', ' ')}</th>" for c in COLUMNS)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lantern validation report</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem}}table{{border-collapse:collapse}}
td,th{{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top}}
th{{background:#eee}}</style></head><body>
<h1>Validation report</h1>
<p>{len(problems)} problem(s). Nothing was loaded if any is an error.</p>
<h2>By rule</h2>
<table><thead><tr><th scope="col">rule</th><th scope="col">severity</th>
<th scope="col">count</th></tr></thead><tbody>{summary}</tbody></table>
<h2>Every problem</h2>
<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>
</body></html>
"""
