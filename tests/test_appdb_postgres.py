"""The app database on SQLite and a real PostgreSQL server: migrations from empty, models
that match them, UTC times, concurrent starts."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from lantern.appdb import (
    AlertAction,
    Base,
    User,
    current_revision,
    head_revision,
    make_engine,
    migrate,
    session_factory,
)
from tests.appdb_fixtures import app_engine, app_url

__all__ = ["app_engine", "app_url"]

TABLES = {"users", "access_log", "alert_actions", "app_settings", "alembic_version"}


def test_migrates_from_empty(app_url: str) -> None:
    engine = make_engine(app_url)
    assert current_revision(engine) is None
    migrate(app_url)  # by URL
    migrate(engine)  # again: nothing to do
    assert current_revision(engine) == head_revision() == "0005"
    assert set(inspect(engine).get_table_names()) >= TABLES
    if engine.dialect.name == "postgresql":
        with engine.connect() as con:
            triggers = set(con.execute(text(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'access_log'::regclass "
                "AND NOT tgisinternal")).scalars())
        assert triggers == {"access_log_no_update_delete", "access_log_no_truncate"}
    else:
        with engine.connect() as con:
            triggers = set(con.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'access_log'")).scalars())
        assert triggers == {"access_log_no_update", "access_log_no_delete"}
    engine.dispose()


def test_models_match_the_migrations(app_engine: Engine) -> None:
    with app_engine.connect() as con:
        diff = compare_metadata(MigrationContext.configure(con), Base.metadata)
    assert diff == []


def test_times_are_utc(app_engine: Engine) -> None:
    bst = timezone(timedelta(hours=1))
    with session_factory(app_engine)() as s, s.begin():
        s.add(User(username="u1", display_name="U", role="dcs", scope_type="authority",
                   created_at=datetime(2024, 6, 1, 10, 0, 0, 5, tzinfo=bst)))
    with Session(app_engine) as s:
        u = s.scalars(select(User)).one()
        assert u.created_at == datetime(2024, 6, 1, 9, 0, 0, 5, tzinfo=UTC)
        assert u.created_at.tzinfo == UTC
        assert u.disabled is False and u.failed_logins == 0
    with pytest.raises(StatementError, match="naive datetime"), Session(app_engine) as s:
        s.add(User(username="u2", display_name="U", role="dcs", scope_type="authority",
                   created_at=datetime(2024, 6, 1)))
        s.commit()


def test_constraints(app_engine: Engine) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), Session(app_engine) as s, s.begin():
        s.add(User(username="u1", display_name="U", role="dcs", scope_type="galaxy"))
    with pytest.raises(IntegrityError), Session(app_engine) as s, s.begin():
        s.add(AlertAction(user_id=999, rule_id="r", subject_id="s", due_date=date(2024, 1, 1),
                          action="acknowledge"))  # no such user


def test_concurrent_migrations(app_url: str) -> None:
    errors: list[BaseException] = []

    def go() -> None:
        try:
            migrate(app_url)
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=go) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    engine = make_engine(app_url)
    assert current_revision(engine) == head_revision() == "0005"
    engine.dispose()
