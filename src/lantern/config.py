"""Settings from the environment (LANTERN_*) with sensible local defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

#: KPIS.md's default social-work job titles (a personal adviser is not a social worker).
SOCIAL_WORK_TITLES = ("Social Worker", "Senior Social Worker", "Advanced Practitioner",
                      "Team Manager")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LANTERN_", extra="ignore")

    home: Path = Path(".lantern")
    database_url: str | None = None
    engine: Literal["duckdb", "spark"] = "duckdb"
    # Population aged 0-17 for rates per 10,000; overrides the warehouse's authority record.
    population: int | None = None
    # Alert digests: SMTP server and the address book (YAML: recipient key -> address).
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_sender: str = "lantern@localhost"
    smtp_username: str | None = None
    smtp_password: str | None = None
    addresses: Path | None = None
    targets: Path | None = None
    # The monthly report's chain, distribution list and responsible officers (YAML; the
    # default is src/lantern/reports/chain.yml) and the web address put in its emails.
    report_chain: Path | None = None
    base_url: str = "http://127.0.0.1:8000"
    # Job titles that make a professional a social worker for the workforce indicators
    # (JSON list, e.g. '["Social Worker", "Practice Lead"]').
    social_work_titles: tuple[str, ...] = SOCIAL_WORK_TITLES
    # Who sees adults' identities in local records (YAML: table.column -> roles; the
    # default is src/lantern/security/identities.yml).
    identity_roles: Path | None = None

    @property
    def warehouse_path(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def archive_dir(self) -> Path:
        return self.home / "archive"

    @property
    def reports_dir(self) -> Path:
        return self.home / "reports"

    @property
    def app_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.home / 'app.sqlite').resolve()}"


def get_settings() -> Settings:
    return Settings()
