"""Engines, sessions and migrations for the app database (SQLite or PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

MIGRATIONS = Path(__file__).parent / "migrations"
# pg_advisory_xact_lock key taken while migrating, so concurrent starts don't race.
MIGRATE_LOCK = 0x4C414E01


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for the app database.

    SQLite: foreign keys on, a 30 s busy timeout, and transactions begun by SQLAlchemy
    (``BEGIN``, or ``BEGIN IMMEDIATE`` on a connection with the execution option
    ``sqlite_begin="immediate"`` — a write lock taken at the start, as the access log
    needs). The SQLite file's folder is created if missing.
    """
    u = make_url(url)
    if u.get_backend_name() != "sqlite":
        kwargs.setdefault("pool_pre_ping", True)
        return create_engine(u, **kwargs)

    memory = u.database in (None, "", ":memory:")
    if memory:
        kwargs.setdefault("poolclass", StaticPool)
        kwargs.setdefault("connect_args", {"check_same_thread": False})
    else:
        Path(str(u.database)).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
    engine = create_engine(u, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_con: Any, _record: Any) -> None:
        dbapi_con.isolation_level = None  # let SQLAlchemy emit BEGIN itself
        cur = dbapi_con.cursor()
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA busy_timeout = 30000")
        if not memory:
            cur.execute("PRAGMA journal_mode = WAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(con: Connection) -> None:
        mode = con.get_execution_options().get("sqlite_begin", "deferred")
        con.exec_driver_sql("BEGIN IMMEDIATE" if mode == "immediate" else "BEGIN")

    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def migrate(url: str | Engine, revision: str = "head") -> None:
    """Upgrade the app database to ``revision`` (default the latest), creating it if new.

    Safe to call at every start, from several processes at once: on PostgreSQL an
    advisory lock serialises migrations, on SQLite a write lock (BEGIN IMMEDIATE).
    """
    engine = make_engine(url) if isinstance(url, str) else url
    try:
        con = engine.connect()
        with con:
            if engine.dialect.name == "sqlite":
                con.execution_options(sqlite_begin="immediate")
            with con.begin():
                if engine.dialect.name == "postgresql":
                    con.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATE_LOCK})
                cfg = _alembic_config()
                cfg.attributes["connection"] = con
                command.upgrade(cfg, revision)
    finally:
        if isinstance(url, str):
            engine.dispose()


def head_revision() -> str:
    """The latest migration shipped (one head: the chain has no branches)."""
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(_alembic_config()).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads: {', '.join(heads)}")
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as con:
        return MigrationContext.configure(con).get_current_revision()
