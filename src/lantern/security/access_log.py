"""The access log: who saw which child's identity, when, where. Append-only and
hash-chained.

Each entry's ``hash`` is the SHA-256 of the canonical JSON (sorted keys, no spaces,
UTF-8) of its fields — id, at (UTC, microseconds), user_id, username, role, action,
child_id, path, detail — and ``prev_hash``, the previous entry's hash (64 zeros for the
first). Ids are dense (previous + 1). The database refuses UPDATE and DELETE (triggers,
created by the migration); someone who bypasses that — drops the triggers, edits the
SQLite file — breaks the chain, and ``verify`` names the first entry that no longer
matches. (Removing entries from the end cannot be seen from the chain alone: keep the
count and last hash that ``verify`` reports, e.g. in the monthly report, to compare.)

Writers serialise on a lock so concurrent requests don't fork the chain: a
transaction-level advisory lock on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, and_, insert, literal, or_, select, text

from lantern.appdb.models import AccessLogEntry, utcnow
from lantern.security.policy import Principal

GENESIS = "0" * 64
ADVISORY_LOCK = 0x4C414E02  # pg_advisory_xact_lock key for access-log writers
ACTIONS: tuple[str, ...] = (
    "view_child",  # a child's record page
    "view_children_list",  # a list of children (caseload, KPI drill-down)
    "export_children",  # a CSV/XLSX/PDF download naming children
    "api_child",  # a child's record through the JSON API
    "api_children_list",  # a list of children through the JSON API
    "view_report_children",  # a report or pack naming children
    "view_adult_identity",  # an adult's identity in a local record (security.identities)
)
CHILDREN_MARK = "children:"  # in ``detail``, before the ids a list view named
ACTION_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_T = cast(Table, AccessLogEntry.__table__)


@dataclass(frozen=True)
class AccessEntry:
    id: int
    at: datetime
    user_id: int | None
    username: str
    role: str
    action: str
    child_id: str | None
    path: str
    detail: str
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int  # entries checked (all of them when ok)
    first_bad_id: int | None
    reason: str
    # The hash of the last good entry (the chain head when ok): record it, with the
    # count, to detect entries removed from the end.
    last_hash: str = GENESIS


def _ts(at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(fields: dict[str, Any], prev_hash: str) -> str:
    """SHA-256 (hex) of the canonical JSON of an entry's fields and the previous hash."""
    doc = {
        "id": fields["id"],
        "at": _ts(fields["at"]),
        "user_id": fields["user_id"],
        "username": fields["username"],
        "role": fields["role"],
        "action": fields["action"],
        "child_id": fields["child_id"],
        "path": fields["path"],
        "detail": fields["detail"],
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class AccessLog:
    """The access log in the app database (migrated: ``lantern.appdb.migrate``)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # One write at a time from this process. Each write takes the database's write
        # lock (the entries are hash-chained); SQLite makes a writer that finds it taken
        # sleep and retry with sleeps growing to 100 ms, so under many concurrent page
        # views some waited seconds. Queued here, each waits only for the writes before
        # it; other processes still meet the database's own lock.
        self._writing = threading.Lock()

    def record(self, principal: Principal, action: str, *, child_id: str | None = None,
               path: str = "", detail: str = "", now: datetime | None = None) -> None:
        """Write one entry (in its own transaction, committed on return)."""
        self.record_many(principal, action, [child_id], path=path, detail=detail, now=now)

    def record_many(self, principal: Principal, action: str,
                    child_ids: Iterable[str | None], *, path: str = "", detail: str = "",
                    now: datetime | None = None) -> int:
        """One entry per child (e.g. an export naming many children), in a single
        transaction. Returns the number written."""
        if not ACTION_RE.match(action):
            raise ValueError(f"access-log action {action!r} is not a lower_snake_case name")
        at = now or utcnow()
        ids = list(child_ids)
        if not ids:
            return 0
        with self._writing, self._writer() as con:
            last = con.execute(
                select(_T.c.id, _T.c.hash).order_by(_T.c.id.desc()).limit(1)).first()
            next_id, prev = (1, GENESIS) if last is None else (last.id + 1, last.hash)
            rows = []
            for child in ids:
                fields: dict[str, Any] = {
                    "id": next_id, "at": at, "user_id": principal.user_id,
                    "username": principal.username, "role": principal.role,
                    "action": action, "child_id": child, "path": path, "detail": detail,
                }
                h = entry_hash(fields, prev)
                rows.append({**fields, "prev_hash": prev, "hash": h})
                next_id, prev = next_id + 1, h
            con.execute(insert(_T), rows)
            con.commit()
        return len(rows)

    def record_view(self, principal: Principal, action: str, child_ids: Iterable[str], *,
                    path: str = "", detail: str = "", now: datetime | None = None) -> int:
        """ONE entry for one view or export, however many children it names: a page of
        a work list is one act of looking, not fifty. One child: in ``child_id``; more:
        their ids at the end of ``detail`` (``...children: C1 C2``), which `entries`
        searches as well, so a child's history still lists every list they were in.
        Returns the number written (0 when no child was shown)."""
        ids = sorted(set(child_ids))
        if not ids:
            return 0
        if len(ids) == 1:
            return self.record_many(principal, action, ids, path=path, detail=detail, now=now)
        named = f"{len(ids)} {CHILDREN_MARK} {' '.join(ids)}"
        return self.record_many(principal, action, [None], path=path, now=now,
                                detail=f"{detail}; {named}" if detail else named)

    def _writer(self) -> Connection:
        con = self.engine.connect()
        if self.engine.dialect.name == "sqlite":
            con.execution_options(sqlite_begin="immediate")
        con.begin()
        if self.engine.dialect.name == "postgresql":
            con.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_LOCK})
        return con

    def verify(self, *, batch: int = 5000) -> VerifyResult:
        """Recompute the chain from the first entry; report the first that fails."""
        prev, expected_id, n = GENESIS, 1, 0
        cols = [c.name for c in _T.columns]
        with self.engine.connect() as con:
            result = con.execution_options(yield_per=batch).execute(
                select(_T).order_by(_T.c.id))
            for row in result:
                r = dict(zip(cols, row, strict=True))
                if r["id"] != expected_id:
                    return VerifyResult(False, n, r["id"],
                                        f"entry {r['id']}: expected id {expected_id} "
                                        "(entries missing or renumbered)", prev)
                if r["prev_hash"] != prev:
                    return VerifyResult(False, n, r["id"],
                                        f"entry {r['id']}: prev_hash does not match the "
                                        "previous entry's hash", prev)
                if entry_hash(r, prev) != r["hash"]:
                    return VerifyResult(False, n, r["id"],
                                        f"entry {r['id']}: contents do not match its hash "
                                        "(edited)", prev)
                prev, expected_id, n = r["hash"], expected_id + 1, n + 1
        return VerifyResult(True, n, None, f"{n} entries, chain intact", prev)

    def entries(self, child_id: str | None = None, limit: int = 100, *,
                username: str | None = None, before_id: int | None = None,
                ) -> list[AccessEntry]:
        """Newest first; optionally one child's or one user's entries."""
        q = select(_T).order_by(_T.c.id.desc()).limit(limit)
        if child_id is not None:  # the child's own entries, and the lists naming them
            pattern = "% " + re.sub(r"([\\%_])", r"\\\1", child_id) + " %"
            named = (literal(" ") + _T.c.detail + literal(" ")).like(pattern, escape="\\")
            q = q.where(or_(_T.c.child_id == child_id,
                            and_(_T.c.child_id.is_(None), _T.c.detail.contains(CHILDREN_MARK),
                                 named)))
        if username is not None:
            q = q.where(_T.c.username == username)
        if before_id is not None:
            q = q.where(_T.c.id < before_id)
        with self.engine.connect() as con:
            return [AccessEntry(**row._asdict()) for row in con.execute(q)]

    def count(self) -> int:
        with self.engine.connect() as con:
            return int(con.execute(text("SELECT count(*) FROM access_log")).scalar_one())
