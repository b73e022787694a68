"""The report renders to one self-contained HTML file and to a PDF a person can read."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from lantern.reports.model import ChartPoint, ExceptionLine, Report, ScorecardRow, Section
from lantern.reports.render import (
    chart_alt_text,
    chart_views,
    format_value,
    render_html,
    write_report,
)

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def row(kpi_id: str, title: str, values: list[float], **kw: object) -> ScorecardRow:
    """A rolling-12-month indicator: ``values`` the headline's line; SPC on in-month
    values 2 points above them."""
    series = tuple(
        ChartPoint(f"2023-{m:02d}", v + 2, int(v), 100,
                   "special_cause_concern" if i == len(values) - 1 else "common_cause")
        for i, (m, v) in enumerate(zip(range(1, 13), values, strict=False))
    )
    headline = tuple(ChartPoint(f"2023-{m:02d}", v, int(v), 100, "")
                     for m, v in zip(range(1, 13), values, strict=False))
    base: dict[str, object] = dict(
        kpi_id=kpi_id, title=title, definition="d", unit="pct", polarity="high",
        period="rolling_12m", value=values[-1], numerator=int(values[-1]), denominator=100,
        target=85.0, status_word="Well Below Target", since_last="Declined", england=78.2,
        stat_neighbours=80.1, variation_icon="concern_low", assurance_icon="inconsistent",
        availability="ok", series=series, centre=84.0, upper=95.0, lower=73.0,
        chart_period="in_month", headline_series=headline, limits_from="2023-01",
    )
    base.update(kw)
    return ScorecardRow(**base)  # type: ignore[arg-type]


def sample_report() -> Report:
    icpc = row("icpc_15wd_pct", "ICPC within 15 working days", [88, 87, 86, 84, 80, 71.3])
    visits = row("cp_visits_10wd_pct", "CP visits within 10 working days", [92, 90, 85, 64.8],
                 short_series=True)
    cp = row("cp_plans_open", "Children on CP plans", [180, 200, 231], unit="count",
             polarity="neutral", target=None, status_word="", period="snapshot",
             numerator=None, denominator=None)
    sections = [
        Section("child_protection", "Child protection", [icpc, visits, cp],
                [ExceptionLine("deep_dive", "high", "safeguarding", "icpc_15wd_pct",
                               "authority", "ICPC timeliness fell two months running: 86.0%, "
                               "84.0%, 71.3%.")]),
        Section("cared_for", "Cared for", [row("cla_open", "Children looked after", [300, 302],
                                               unit="count", polarity="neutral")]),
    ]
    return Report(la_code="880", la_name="Demo authority", month="2023-10",
                  month_label="October 2023", generated_on="2023-11-02", due_by="2023-11-14",
                  headlines=[icpc, cp], sections=sections,
                  completeness=["cla_dental_pct: not available — no dental checks loaded"],
                  process_changes=["2024-03-01: deep dive into child protection"])


def test_format_value() -> None:
    assert format_value(71.349, "pct") == "71.3%"
    assert format_value(1234.0, "count") == "1,234"
    assert format_value(None, "pct") == "–"


def test_alt_text_says_latest_limits_and_signals() -> None:
    r = sample_report().sections[0].rows[0]
    headline, in_month = chart_views(r)
    text = chart_alt_text(r, headline)
    assert "Latest value 71.3%" in text and "rolling 12 months" in text
    assert "process limits" not in text  # overlapping months: no SPC on the headline line
    text = chart_alt_text(r, in_month)
    assert "Latest value 73.3%" in text
    assert "process limits 73.0% to 95.0%" in text
    assert "1 points show special cause concern" in text


def test_html_is_self_contained_and_accessible() -> None:
    page = render_html(sample_report())
    assert "<script" not in page
    assert not re.search(r"""(src|href)=["']https?://""", page)
    # each rolling indicator: the headline line and the in-month SPC chart
    assert page.count("<svg") == 8
    assert page.count('role="img"') == 8
    assert page.count("<table class=\"data\">") == 4  # one data table per indicator
    assert "Data table: ICPC within 15 working days" in page
    assert "fewer than 12: trial limits" in page
    assert "ICPC timeliness fell two months running" in page
    assert '<html lang="en-GB">' in page


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pdf_has_a_page_per_section_and_the_headline_figures(tmp_path: Path) -> None:
    pdf = write_report(sample_report(), tmp_path / "report.pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
    assert pages >= 4  # cover, two sections, completeness
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "71.3%" in text and "231" in text
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf),
                    str(ARTIFACTS / "report-render-page")], check=True)
    assert list(ARTIFACTS.glob("report-render-page*.png"))


def test_unknown_extension_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"expected a \.html or \.pdf"):
        write_report(sample_report(), tmp_path / "report.docx")
