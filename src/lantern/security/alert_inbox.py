"""The in-app alert inbox: acknowledgements and snoozes (with a reason), stored in the
app database and visible to managers.

An alert item is identified by (rule_id, child_id, subject_id, due_date) — the fields of
``lantern.alerts.AlertItem``, which can be passed wherever an ``AlertKey`` is expected.
The latest action on an item decides its state: acknowledged, snoozed until a date, or
open. A new due date (the next visit, the next review) is a new item, so it is open again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, Protocol

from sqlalchemy import Engine, Select, and_, or_, select
from sqlalchemy.orm import Session

from lantern.appdb.models import AlertAction, User, utcnow
from lantern.security.policy import Principal

Action = Literal["acknowledge", "snooze"]
State = Literal["open", "acknowledged", "snoozed"]


class AlertKeyLike(Protocol):
    @property
    def rule_id(self) -> str: ...
    @property
    def child_id(self) -> str | None: ...
    @property
    def subject_id(self) -> str: ...
    @property
    def due_date(self) -> date: ...


@dataclass(frozen=True)
class AlertKey:
    rule_id: str
    child_id: str | None
    subject_id: str
    due_date: date


def key_of(item: AlertKeyLike) -> AlertKey:
    return AlertKey(item.rule_id, item.child_id, item.subject_id, item.due_date)


@dataclass(frozen=True)
class AlertActionRow:
    id: int
    at: datetime
    user_id: int
    username: str
    display_name: str
    rule_id: str
    child_id: str | None
    subject_id: str
    due_date: date
    action: str
    reason: str
    snooze_until: date | None

    @property
    def key(self) -> AlertKey:
        return AlertKey(self.rule_id, self.child_id, self.subject_id, self.due_date)


@dataclass(frozen=True)
class ItemState:
    state: State
    last: AlertActionRow | None  # the action deciding the state (None when never acted)


class InboxError(ValueError):
    """A refused inbox action, with a message fit to show the person."""


def _add(engine: Engine, principal: Principal, item: AlertKeyLike, action: Action,
         reason: str, until: date | None, now: datetime | None) -> AlertActionRow:
    row = AlertAction(
        at=now or utcnow(), user_id=principal.user_id, rule_id=item.rule_id,
        child_id=item.child_id, subject_id=item.subject_id, due_date=item.due_date,
        action=action, reason=reason.strip(), snooze_until=until,
    )
    with Session(engine, expire_on_commit=False) as s, s.begin():
        s.add(row)
    return AlertActionRow(row.id, row.at, principal.user_id, principal.username,
                          principal.display_name, row.rule_id, row.child_id,
                          row.subject_id, row.due_date, row.action, row.reason,
                          row.snooze_until)


def acknowledge(engine: Engine, principal: Principal, item: AlertKeyLike, *,
                reason: str = "", now: datetime | None = None) -> AlertActionRow:
    """Mark an item acknowledged (seen and being dealt with); a note is optional."""
    if principal.aggregate_only:
        raise InboxError("your role sees aggregates only and cannot act on alerts")
    return _add(engine, principal, item, "acknowledge", reason, None, now)


def snooze(engine: Engine, principal: Principal, item: AlertKeyLike, *, reason: str,
           until: date, now: datetime | None = None, as_of: date | None = None
           ) -> AlertActionRow:
    """Hide an item until ``until`` (exclusive of earlier days); a reason is required.

    ``as_of`` is the date the work lists are computed at (the data date of the loaded
    extract): the snooze must end after it, because that is the date the lists compare
    it with (`states`). Without it, the calendar date of ``now``."""
    if principal.aggregate_only:
        raise InboxError("your role sees aggregates only and cannot act on alerts")
    if not reason.strip():
        raise InboxError("a snooze needs a reason")
    day = as_of or (now or utcnow()).date()
    if until <= day:
        what = "the date the work list is at" if as_of is not None else "today"
        raise InboxError(f"the date to snooze until must be after {what}, "
                         f"{day.day} {day:%B %Y}")
    return _add(engine, principal, item, "snooze", reason, until, now)


def actions_for(engine: Engine, *, child_id: str | None = None,
                child_ids: Iterable[str] | None = None,
                items: Iterable[AlertKeyLike] | None = None,
                user_ids: Iterable[int] | None = None,
                limit: int | None = None) -> list[AlertActionRow]:
    """Actions (newest first), filtered by child, children, items and/or who acted.
    Managers see their team's actions by passing the children (or items) in scope."""
    q = (select(AlertAction, User.username, User.display_name)
         .join(User, User.id == AlertAction.user_id)
         .order_by(AlertAction.at.desc(), AlertAction.id.desc()))
    if child_id is not None:
        q = q.where(AlertAction.child_id == child_id)
    if child_ids is not None:
        q = q.where(AlertAction.child_id.in_(list(child_ids)))
    if user_ids is not None:
        q = q.where(AlertAction.user_id.in_(list(user_ids)))
    rows: list[AlertActionRow] = []
    with Session(engine) as s:
        if items is None:
            rows = _rows(s, q.limit(limit) if limit is not None else q)
        else:
            keys = sorted({key_of(i) for i in items}, key=repr)
            # Narrow in SQL by (rule, subject, due date), in chunks (SQLite's expression
            # depth); child_id (nullable) is matched exactly below.
            for start in range(0, len(keys), 200):
                chunk = keys[start:start + 200]
                rows += _rows(s, q.where(or_(*(and_(AlertAction.rule_id == k.rule_id,
                                                    AlertAction.subject_id == k.subject_id,
                                                    AlertAction.due_date == k.due_date)
                                               for k in chunk))))
            wanted = set(keys)
            rows = [r for r in rows if r.key in wanted]
            rows.sort(key=lambda r: (r.at, r.id), reverse=True)
            if limit is not None:
                rows = rows[:limit]
    return rows


def _rows(s: Session, q: Select) -> list[AlertActionRow]:
    return [
        AlertActionRow(a.id, a.at, a.user_id, username, display, a.rule_id, a.child_id,
                       a.subject_id, a.due_date, a.action, a.reason, a.snooze_until)
        for a, username, display in s.execute(q)
    ]

def states(engine: Engine, items: Iterable[AlertKeyLike], on: date) -> dict[AlertKey, ItemState]:
    """Each item's state on ``on``: the latest action decides; a snooze ends on its
    ``snooze_until`` date (the item is open again that day)."""
    keys = [key_of(i) for i in items]
    latest: dict[AlertKey, AlertActionRow] = {}
    for r in actions_for(engine, items=keys):
        latest.setdefault(r.key, r)  # newest first
    out: dict[AlertKey, ItemState] = {}
    for k in keys:
        last = latest.get(k)
        if last is None:
            out[k] = ItemState("open", None)
        elif last.action == "acknowledge":
            out[k] = ItemState("acknowledged", last)
        elif last.snooze_until is not None and last.snooze_until > on:
            out[k] = ItemState("snoozed", last)
        else:
            out[k] = ItemState("open", last)
    return out
