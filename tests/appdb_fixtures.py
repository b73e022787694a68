"""App-database fixtures: each test runs on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine

from lantern.appdb import make_engine, migrate


def fast_hasher() -> PasswordHasher:
    """argon2id with small parameters, so tests that hash many passwords stay quick."""
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(params=["sqlite", "postgresql"])
def app_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'app.sqlite'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def app_engine(app_url: str) -> Iterator[Engine]:
    engine = make_engine(app_url)
    migrate(engine)
    yield engine
    engine.dispose()
