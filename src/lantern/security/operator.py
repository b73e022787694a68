"""Who is at the command line, for the access log: commands that show or write
children's identities (`lantern children`, `lantern export`) record one entry per child
under the operating-system login, as the web app records the signed-in person."""

from __future__ import annotations

import getpass
from collections.abc import Iterable

from lantern.config import Settings
from lantern.security.policy import Principal

OPERATOR_ROLE = "command_line"


def operator() -> Principal:
    """The person running the command: ``cli:<login>``, authority-wide (the command
    line reads the whole warehouse)."""
    try:
        login = getpass.getuser()
    except (OSError, KeyError):  # no login name in this environment
        login = "unknown"
    return Principal(0, f"cli:{login}", login, OPERATOR_ROLE, "authority")


def record_operator_access(settings: Settings, action: str, child_ids: Iterable[str], *,
                           path: str = "", detail: str = "") -> int:
    """One access-log entry per child (in one transaction) in the app database the
    settings name, migrating it first if needed. Returns the number written."""
    from lantern.appdb import make_engine, migrate
    from lantern.security.access_log import AccessLog

    ids = sorted(set(child_ids))
    if not ids:
        return 0
    migrate(settings.app_database_url)
    return AccessLog(make_engine(settings.app_database_url)).record_many(
        operator(), action, ids, path=path, detail=detail)
