"""The app database's tables: what people write through the web and the CLI.

Times are stored in UTC (``UTCDateTime``: aware datetimes in, aware UTC datetimes out,
on SQLite and PostgreSQL alike). The schema itself is created by the Alembic migrations
in ``migrations/versions``; these classes must match them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def one_of(column: str, values: tuple[str, ...]) -> str:
    """A CHECK constraint's text: ``column`` holds one of ``values``."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp always in UTC: naive values are refused on the way in, and values
    come back aware (SQLite keeps no zone, so UTC is attached on the way out)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: app-database times must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # pragma: no cover - SQLite returns datetime already
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(40))
    scope_type: Mapped[str] = mapped_column(String(16))
    scope_value: Mapped[str | None] = mapped_column(String(100))
    professional_id: Mapped[str | None] = mapped_column(String(100))
    password_hash: Mapped[str | None] = mapped_column(String(512))  # None: SSO only
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("scope_type IN ('team', 'service', 'authority')",
                        name="ck_users_scope_type"),
    )


class AccessLogEntry(Base):
    """Append-only (database triggers refuse UPDATE and DELETE) and hash-chained:
    ``hash`` = SHA-256 of the canonical JSON of the other fields, ``prev_hash`` included.
    Ids are assigned by the writer (previous id + 1) under a lock, so they are dense."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    child_id: Mapped[str | None] = mapped_column(String(100))
    path: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_access_log_child_id", "child_id"),
        Index("ix_access_log_user_id", "user_id"),
    )


class AlertAction(Base):
    """An acknowledgement or snooze of one alert item, by one person."""

    __tablename__ = "alert_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    rule_id: Mapped[str] = mapped_column(String(80))
    child_id: Mapped[str | None] = mapped_column(String(100))
    subject_id: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date] = mapped_column(Date)
    action: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    snooze_until: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (
        Index("ix_alert_actions_item", "rule_id", "subject_id", "due_date"),
        Index("ix_alert_actions_child_id", "child_id"),
        CheckConstraint("action IN ('acknowledge', 'snooze')", name="ck_alert_actions_action"),
    )


class AppSetting(Base):
    """Small settings changed in the app (e.g. local KPI targets), as JSON text."""

    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
