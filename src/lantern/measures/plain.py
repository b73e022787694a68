"""Each indicator's definition in plain English (`plain_english.yml`), shown beside the
formula of the catalogue so a reader need not decode `wd(referral date, ...) ≤ 45`."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml


@cache
def plain_definitions() -> dict[str, str]:
    text = resources.files("lantern.measures").joinpath("plain_english.yml").read_text("utf-8")
    return {str(k): str(v) for k, v in (yaml.safe_load(text) or {}).items()}


def plain(kpi_id: str) -> str:
    """The indicator's plain-English definition ("" when none is written)."""
    return plain_definitions().get(kpi_id, "")
