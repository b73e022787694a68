"""Meetings that act on the figures: performance surgeries, IRO performance meetings,
the Quartet, the improvement board, the corporate parenting board.

A meeting keeps its attendees, papers (e.g. the month's report), minutes and decisions;
its actions live in the shared action tracker (source ``meeting``). The next meeting of
the same kind (and service) opens with every action still open from the ones before it,
so nothing agreed is lost between months.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lantern.actions.tracker import ActionView, actions_from
from lantern.governance.models import MEETING_KINDS, Meeting
from lantern.governance.tracker import CLOSED

SOURCE = "meeting"
KIND_LABELS = {
    "performance_surgery": "Performance surgery",
    "iro_performance": "IRO performance meeting",
    "quartet": "Quartet",
    "improvement_board": "Improvement board",
    "corporate_parenting_board": "Corporate parenting board",
}


class MeetingError(ValueError):
    pass


@dataclass(frozen=True)
class Paper:
    title: str
    href: str = ""


def get(s: Session, ref: str) -> Meeting:
    m = s.scalar(select(Meeting).where(Meeting.ref == ref))
    if m is None and ref.isdigit():
        m = s.get(Meeting, int(ref))
    if m is None:
        raise MeetingError(f"no meeting {ref!r}")
    return m


def create(s: Session, *, kind: str, held_on: date, service: str = "", chair: str = "",
           attendees: list[str] | None = None, papers: list[Paper] | None = None,
           minutes: str = "", decisions: str = "", created_by: int | None = None) -> Meeting:
    if kind not in MEETING_KINDS:
        raise MeetingError(f"kind {kind!r}: expected one of {', '.join(MEETING_KINDS)}")
    n = len(list(s.scalars(select(Meeting.id).where(Meeting.kind == kind)))) + 1
    prefix = "".join(w[0] for w in kind.split("_")).upper()
    m = Meeting(ref=f"{prefix}-{held_on:%Y-%m-%d}-{n:02d}", kind=kind, held_on=held_on,
                service=service, chair=chair, attendees="\n".join(attendees or []),
                papers=json.dumps([p.__dict__ for p in papers or []]), minutes=minutes,
                decisions=decisions, created_by=created_by)
    s.add(m)
    s.flush()
    return m


def record(s: Session, ref: str, *, minutes: str | None = None,
           decisions: str | None = None, attendees: list[str] | None = None) -> Meeting:
    m = get(s, ref)
    if minutes is not None:
        m.minutes = minutes.strip()
    if decisions is not None:
        m.decisions = decisions.strip()
    if attendees is not None:
        m.attendees = "\n".join(a.strip() for a in attendees if a.strip())
    return m


def papers(m: Meeting) -> list[Paper]:
    return [Paper(**p) for p in json.loads(m.papers or "[]")]


def attendees(m: Meeting) -> list[str]:
    return [a for a in m.attendees.splitlines() if a.strip()]


def listing(s: Session, kind: str | None = None) -> list[Meeting]:
    q = select(Meeting).order_by(Meeting.held_on.desc(), Meeting.id.desc())
    if kind:
        q = q.where(Meeting.kind == kind)
    return list(s.scalars(q))


def own_actions(s: Session, m: Meeting) -> list[ActionView]:
    return actions_from(s, SOURCE, [str(m.id)])


def carried_forward(s: Session, m: Meeting) -> list[ActionView]:
    """Actions still open from earlier meetings of the same kind and service."""
    earlier = list(s.scalars(select(Meeting.id).where(
        Meeting.kind == m.kind, Meeting.service == m.service,
        (Meeting.held_on < m.held_on) | ((Meeting.held_on == m.held_on) & (Meeting.id < m.id)))))
    if not earlier:
        return []
    return [a for a in actions_from(s, SOURCE, [str(i) for i in earlier])
            if a.status not in CLOSED]
