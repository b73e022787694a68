"""Jinja2 environment: Lantern's templates, govuk-frontend-jinja macros, HTMX fragments."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    select_autoescape,
)
from jinja2_fragments.fastapi import Jinja2Blocks

from lantern.assurance.exceptions import KIND_TEXT
from lantern.assurance.spc import icon_words
from lantern.assurance.targets import (
    BETTER,
    ON,
    POLARITY_TEXT,
    WELL_WORSE,
    WORSE,
    status_bands,
)
from lantern.casework.labels import PERIOD_TEXT
from lantern.model import label
from lantern.months import Month
from lantern.reports.render import (
    POINT_LABELS,
    chart_caption,
    chart_table,
    format_value,
    period_label,
)
from lantern.web import charts

TEMPLATES = Path(__file__).parent / "templates"

BAND_TAG = {BETTER: "govuk-tag--green", ON: "govuk-tag--green", WORSE: "govuk-tag--yellow",
            WELL_WORSE: "govuk-tag--red"}
STATUS_TAG = {text: BAND_TAG[band] for text, band in status_bands().items()}
SINCE_TAG = {"Improved": "govuk-tag--green", "Declined": "govuk-tag--red"}
ALERT_TAG = {"escalated": "govuk-tag--red", "overdue": "govuk-tag--orange",
             "due_today": "govuk-tag--yellow", "due_soon": "govuk-tag--blue"}
SEVERITY_TAG = {"high": "govuk-tag--red", "medium": "govuk-tag--orange",
                "low": "govuk-tag--grey"}


def month_name(month: str) -> str:
    return Month.parse(month).label()


def fmt_count(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    return f"{value:,.0f}"


def fmt_date(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{value.day} {value:%b %Y}"


def fmt_when(value: Any) -> str:
    """A moment as people read it: "6 Dec 2026, 10:43" (UTC), not
    "2026-12-06 10:43:46.321941"."""
    if isinstance(value, datetime):
        return f"{value.day} {value:%b %Y, %H:%M}"
    return fmt_date(value)


def csrf_token(request: Request) -> str:
    return str(request.state.session.get("csrf", ""))


_DICT_ATTRIBUTES = frozenset(dir(dict))


class PageEnvironment(Environment):
    """Jinja's environment, quicker on the dictionaries the pages are made of.

    ``row.title`` in a template tries ``getattr(row, "title")`` first; on a dictionary
    that raises AttributeError, and raising and catching it was a fifth of the time
    spent rendering the scorecard. A dictionary's only attributes are its class's, so
    for any other name the item is looked up directly: the same result, without the
    exception."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def make_templates() -> Jinja2Blocks:
    env = PageEnvironment(
        loader=ChoiceLoader([
            FileSystemLoader(str(TEMPLATES)),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]),
        autoescape=select_autoescape(), trim_blocks=True, lstrip_blocks=True,
        # Templates are part of the installed package: compile each once per process
        # rather than checking its file on every render.
        auto_reload=False)
    templates = Jinja2Blocks(env=env)
    env.filters["fmt"] = format_value
    env.filters["count"] = fmt_count
    env.filters["date"] = fmt_date
    env.filters["when"] = fmt_when
    env.filters["label"] = label  # a code by its label: {{ child.sex | label("sex") }}
    env.filters["month_name"] = month_name  # '2024-03' as people read it: "March 2024"
    env.globals.update(
        csrf_token=csrf_token, spc_words=icon_words, kind_text=KIND_TEXT, status_tag=STATUS_TAG,
        polarity_text=POLARITY_TEXT,
        since_tag=SINCE_TAG, alert_tag=ALERT_TAG, severity_tag=SEVERITY_TAG,
        point_label=POINT_LABELS, sparkline=charts.sparkline, chart=charts.chart,
        chart_views=charts.chart_views, chart_caption=chart_caption, chart_table=chart_table,
        period_label=period_label,
        period_text=PERIOD_TEXT,
    )
    return templates
