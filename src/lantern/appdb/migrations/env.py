"""Alembic environment: run by ``lantern.appdb.migrate`` with a connection passed in
``config.attributes["connection"]``, or by the ``alembic`` command with a URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from lantern.appdb.engine import make_engine
from lantern.appdb.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        from lantern.config import get_settings

        url = get_settings().app_database_url
    engine = make_engine(url)
    try:
        with engine.connect() as con:
            _run(con)
            con.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("lantern app-database migrations run online only")
run_migrations_online()
