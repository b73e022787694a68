"""What `lantern alerts --date YYYY-MM-DD [--send] [--format table|json]` does, so the CLI
stays thin: run the rules, optionally email the digests, return the text to print."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import duckdb
import yaml

from .digest import SendResult, send_digests
from .model import AlertConfig, load_config
from .run import run_alerts, to_json, to_table


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "localhost"
    port: int = 25
    sender: str = "lantern@localhost"
    username: str | None = None
    password: str | None = None
    start_tls: bool | None = None


def load_addresses(path: str | Path) -> dict[str, str]:
    """A YAML (or JSON) mapping of recipient key -> email address, e.g.
    ``W000102: jo.bloggs@example.gov.uk`` or ``team_manager:T004: duty@example.gov.uk``."""
    raw = yaml.safe_load(Path(path).read_text("utf-8")) or {}
    if not isinstance(raw, Mapping):
        raise ValueError(f"{path}: expected a mapping of recipient key to address")
    return {str(k): str(v) for k, v in raw.items()}


def alerts_command(con: duckdb.DuckDBPyConnection, on: date, *,
                   fmt: Literal["table", "json"] = "table", send: bool = False,
                   config_path: Path | None = None, addresses: Mapping[str, str] | None = None,
                   smtp: SmtpSettings | None = None, sent_log: Path | None = None
                   ) -> tuple[str, SendResult | None]:
    """(text to print, send result or None). ``send`` needs ``addresses`` and ``sent_log``."""
    config = load_config(config_path) if config_path else AlertConfig()
    items = run_alerts(con, on, config=config)
    text = to_json(items) if fmt == "json" else to_table(items)
    if not send:
        return text, None
    if addresses is None or sent_log is None:
        raise ValueError("--send needs an address book and a sent log path")
    s = smtp or SmtpSettings()
    result = send_digests(items, addresses, on, host=s.host, port=s.port, sent_log=sent_log,
                          sender=s.sender, username=s.username, password=s.password,
                          start_tls=s.start_tls)
    return text, result
