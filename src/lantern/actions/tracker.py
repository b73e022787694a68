"""The action tracker's service: create and change actions, with every field change
written once to the append-only history; updates, evidence, impact records; the
sign-off gate; "my actions".

Functions taking a ``Session`` write inside the caller's transaction (an import writes a
whole plan or nothing); ``ActionTracker`` wraps each in its own transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lantern.actions.models import (
    EVIDENCE_KINDS,
    IMPACT_KINDS,
    STATUSES,
    Action,
    ActionEvidence,
    ActionHistory,
    ActionImpact,
    ActionIndicator,
    ActionRecommendation,
    ActionUpdate,
    Recommendation,
)
from lantern.appdb.models import User, utcnow
from lantern.security.policy import Principal

OBSERVED_KINDS: tuple[str, ...] = tuple(k for k in IMPACT_KINDS if k != "measured")
STATUS_LABELS = {
    "not_started": "Not started", "in_progress": "In progress",
    "done_awaiting_impact": "Done, awaiting impact", "signed_off": "Signed off",
    "cancelled": "Cancelled",
}
IMPACT_LABELS = {
    "measured": "Measured impact", "child_family_feedback": "Child and family feedback",
    "audit_finding": "Audit finding", "staff_feedback": "Staff feedback",
}
MAX_EVIDENCE_BYTES = 25 * 1024 * 1024


class TrackerError(ValueError):
    """A change refused, with a message fit to show to the person who asked."""


@dataclass(frozen=True)
class KpiLink:
    kpi_id: str
    target: float | None = None  # the action's own success target, if any


@dataclass(frozen=True)
class ActionDraft:
    """What a source gives to create an action."""

    ref: str
    title: str
    lead: str  # username
    due: date
    source_kind: str
    source_id: str
    outcome: str = ""
    status: str = "not_started"
    cancel_reason: str = ""
    quarterly_outcome: str = ""
    kpis: tuple[KpiLink, ...] = ()
    recommendations: tuple[str, ...] = ()  # recommendation refs
    position: int = 0


@dataclass(frozen=True)
class ActionView:
    id: int
    ref: str
    title: str
    outcome: str
    lead_id: int
    lead: str  # username
    lead_name: str
    due: date
    status: str
    cancel_reason: str
    source_kind: str
    source_id: str
    quarterly_outcome: str
    position: int
    created_at: datetime
    signed_off_at: datetime | None
    signed_off_by: str | None
    kpis: tuple[KpiLink, ...] = ()
    recommendations: tuple[str, ...] = ()
    status_since: datetime | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


# --------------------------------------------------------------------------- reading


def _user_names(s: Session, ids: Iterable[int | None]) -> dict[int, User]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u for u in s.scalars(select(User).where(User.id.in_(wanted)))}


def load_views(s: Session, actions: Sequence[Action]) -> list[ActionView]:
    """Views of these actions with their indicators, recommendations and lead names
    (a fixed number of queries, whatever the number of actions)."""
    ids = [a.id for a in actions]
    if not ids:
        return []
    kpis: dict[int, list[KpiLink]] = {}
    for ai in s.scalars(select(ActionIndicator).where(ActionIndicator.action_id.in_(ids))
                        .order_by(ActionIndicator.position, ActionIndicator.id)):
        kpis.setdefault(ai.action_id, []).append(KpiLink(ai.kpi_id, ai.target))
    recs: dict[int, list[str]] = {}
    for action_id, ref in s.execute(
            select(ActionRecommendation.action_id, Recommendation.ref)
            .join(Recommendation, Recommendation.id == ActionRecommendation.recommendation_id)
            .where(ActionRecommendation.action_id.in_(ids)).order_by(Recommendation.ref)):
        recs.setdefault(action_id, []).append(ref)
    since = {r[0]: r[1] for r in s.execute(
        select(ActionHistory.action_id, func.max(ActionHistory.at))
        .where(ActionHistory.action_id.in_(ids), ActionHistory.field.in_(("status", "created")))
        .group_by(ActionHistory.action_id))}
    users = _user_names(s, [a.lead_id for a in actions] + [a.signed_off_by for a in actions])
    out = []
    for a in actions:
        lead = users.get(a.lead_id)
        signer = users.get(a.signed_off_by) if a.signed_off_by else None
        out.append(ActionView(
            a.id, a.ref, a.title, a.outcome, a.lead_id, lead.username if lead else "",
            lead.display_name if lead else "", a.due, a.status, a.cancel_reason,
            a.source_kind, a.source_id, a.quarterly_outcome, a.position, a.created_at,
            a.signed_off_at, signer.display_name if signer else None,
            tuple(kpis.get(a.id, ())), tuple(recs.get(a.id, ())), since.get(a.id)))
    return out


def get_action(s: Session, ref: str) -> Action:
    a = s.scalars(select(Action).where(Action.ref == ref)).first()
    if a is None:
        raise TrackerError(f"no action with reference {ref!r}")
    return a


# --------------------------------------------------------------------------- writing


def system_actor(name: str) -> Principal:
    """Who the history names for a change made from the command line without an account
    (an import): ``name``, with no user id."""
    return Principal(user_id=0, username=name[:64], display_name=name, role="admin",
                     scope_type="authority")


def _text(value: Any) -> str | None:
    """A field's value as the history shows it."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return ", ".join(_text(v) or "" for v in value)
    if isinstance(value, KpiLink):
        return value.kpi_id if value.target is None else f"{value.kpi_id} (target {value.target:g})"
    return str(value)


def _history(s: Session, action_id: int, actor: Principal, name: str, before: Any,
             after: Any, at: datetime) -> None:
    # user id 0: a command-line run with no account (``system_actor``).
    s.add(ActionHistory(action_id=action_id, at=at, user_id=actor.user_id or None,
                        username=actor.username, field=name, before=_text(before),
                        after=_text(after)))


def _lead_id(s: Session, username: str) -> int:
    uid = s.scalars(select(User.id).where(User.username == username)).first()
    if uid is None:
        raise TrackerError(f"no user {username!r} to lead the action")
    return uid


def _recommendation_ids(s: Session, refs: Iterable[str]) -> list[int]:
    refs = list(dict.fromkeys(refs))
    found = {r[0]: r[1] for r in s.execute(select(Recommendation.ref, Recommendation.id)
                                           .where(Recommendation.ref.in_(refs)))}
    missing = [r for r in refs if r not in found]
    if missing:
        raise TrackerError(f"no recommendation {', '.join(missing)}")
    return [found[r] for r in refs]


def _check_status(status: str, cancel_reason: str) -> None:
    if status not in STATUSES:
        raise TrackerError(f"status {status!r}: expected one of {', '.join(STATUSES)}")
    if status == "cancelled" and not cancel_reason.strip():
        raise TrackerError("a cancelled action needs the reason it was cancelled")


def create(s: Session, actor: Principal, draft: ActionDraft, *,
           at: datetime | None = None) -> Action:
    """A new action (history: one ``created`` entry). ``signed_off`` cannot be created:
    it is reached only through the sign-off gate."""
    at = at or utcnow()
    if not draft.ref.strip() or not draft.title.strip():
        raise TrackerError("an action needs a reference and a title")
    if s.scalars(select(Action.id).where(Action.ref == draft.ref)).first() is not None:
        raise TrackerError(f"an action with reference {draft.ref!r} already exists")
    _check_status(draft.status, draft.cancel_reason)
    if draft.status == "signed_off":
        raise TrackerError("an action is signed off through the sign-off gate, not created so")
    a = Action(ref=draft.ref, title=draft.title, outcome=draft.outcome,
               lead_id=_lead_id(s, draft.lead), due=draft.due, status=draft.status,
               cancel_reason=draft.cancel_reason if draft.status == "cancelled" else "",
               source_kind=draft.source_kind, source_id=draft.source_id,
               quarterly_outcome=draft.quarterly_outcome, position=draft.position,
               created_at=at)
    s.add(a)
    s.flush()
    _set_kpis(s, a, draft.kpis)
    _set_recommendations(s, a, draft.recommendations)
    lead = s.scalars(select(User.display_name).where(User.username == draft.lead)).first()
    summary = (f"{draft.title}; lead {lead or draft.lead}; due {draft.due:%-d %b %Y}; "
               f"{STATUS_LABELS[draft.status].lower()}")
    _history(s, a.id, actor, "created", None, summary, at)
    return a


def _set_kpis(s: Session, a: Action, kpis: Sequence[KpiLink]) -> None:
    for old in s.scalars(select(ActionIndicator).where(ActionIndicator.action_id == a.id)):
        s.delete(old)
    s.flush()
    seen: set[str] = set()
    for i, k in enumerate(kpis):
        if k.kpi_id in seen:
            raise TrackerError(f"indicator {k.kpi_id} is linked twice")
        seen.add(k.kpi_id)
        s.add(ActionIndicator(action_id=a.id, kpi_id=k.kpi_id, target=k.target, position=i))


def _set_recommendations(s: Session, a: Action, refs: Sequence[str]) -> None:
    for old in s.scalars(select(ActionRecommendation)
                         .where(ActionRecommendation.action_id == a.id)):
        s.delete(old)
    s.flush()
    for rid in _recommendation_ids(s, refs):
        s.add(ActionRecommendation(action_id=a.id, recommendation_id=rid))


EDITABLE = ("title", "outcome", "lead", "due", "quarterly_outcome", "kpis",
            "recommendations", "position", "source_id")


def update(s: Session, actor: Principal, ref: str, *, at: datetime | None = None,
           **changes: Any) -> list[str]:
    """Change fields (any of ``EDITABLE``); each field whose value changes is written once
    to the history. Returns the names of the fields changed. Status moves through
    ``change_status`` / ``sign_off``."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TrackerError(f"cannot change {', '.join(sorted(unknown))} here")
    at = at or utcnow()
    a = get_action(s, ref)
    view = load_views(s, [a])[0]
    changed = []
    for name, new in changes.items():
        old = getattr(view, name)
        if name in ("kpis", "recommendations"):
            new = tuple(new)
        if new == old:
            continue
        if name == "lead":
            a.lead_id = _lead_id(s, new)
        elif name == "kpis":
            _set_kpis(s, a, new)
        elif name == "recommendations":
            _set_recommendations(s, a, new)
        else:
            setattr(a, name, new)
        _history(s, a.id, actor, name, old, new, at)
        changed.append(name)
    s.flush()
    return changed


def change_status(s: Session, actor: Principal, ref: str, status: str, *,
                  reason: str = "", at: datetime | None = None) -> bool:
    """Move an action to ``status`` (not ``signed_off``: see ``sign_off``). Cancelling needs a
    reason. A signed-off action stays signed off. Returns False when nothing changed."""
    _check_status(status, reason)
    if status == "signed_off":
        raise TrackerError("an action is signed off through the sign-off gate")
    at = at or utcnow()
    a = get_action(s, ref)
    if a.status == "signed_off":
        raise TrackerError(f"{a.ref} is signed off; its status can no longer change")
    if a.status == status and (status != "cancelled" or a.cancel_reason == reason):
        return False
    _history(s, a.id, actor, "status", a.status, status, at)
    if status == "cancelled":
        _history(s, a.id, actor, "cancel_reason", a.cancel_reason or None, reason, at)
        a.cancel_reason = reason
    elif a.cancel_reason:
        _history(s, a.id, actor, "cancel_reason", a.cancel_reason, None, at)
        a.cancel_reason = ""
    a.status = status
    s.flush()
    return True


def add_update(s: Session, actor: Principal, ref: str, text: str, *,
               at: datetime | None = None) -> ActionUpdate:
    if not text.strip():
        raise TrackerError("Enter the update")
    u = ActionUpdate(action_id=get_action(s, ref).id, at=at or utcnow(),
                     user_id=actor.user_id, text=text.strip())
    s.add(u)
    s.flush()
    return u


def evidence_path(home: Path, sha256: str) -> Path:
    """Where an uploaded evidence file is kept: under LANTERN_HOME, by its SHA-256."""
    return home / "evidence" / sha256[:2] / sha256


def add_evidence(s: Session, actor: Principal, ref: str, *, home: Path, kind: str,
                 text: str = "", url: str = "", filename: str = "", content: bytes = b"",
                 content_type: str = "", at: datetime | None = None) -> ActionEvidence:
    """Evidence of one kind: ``text`` (a statement), ``link`` (an http(s) address) or
    ``file`` (kept under ``home``/evidence by its SHA-256; the name is kept for people)."""
    if kind not in EVIDENCE_KINDS:
        raise TrackerError(f"evidence kind {kind!r}: expected one of {', '.join(EVIDENCE_KINDS)}")
    a = get_action(s, ref)
    ev = ActionEvidence(action_id=a.id, at=at or utcnow(), user_id=actor.user_id, kind=kind,
                        text=text.strip(), url="", filename="", content_type="", sha256="")
    if kind == "text" and not ev.text:
        raise TrackerError("Enter the evidence")
    if kind == "link":
        if not url.strip().lower().startswith(("https://", "http://")):
            raise TrackerError("Enter a link starting https:// or http://")
        ev.url = url.strip()
    if kind == "file":
        _store_file(ev, home, filename, content, content_type)
    s.add(ev)
    s.flush()
    return ev


def _store_file(ev: ActionEvidence, home: Path, filename: str, content: bytes,
                content_type: str) -> None:
    if not content:
        raise TrackerError("Choose a file to upload (it was empty or missing)")
    if len(content) > MAX_EVIDENCE_BYTES:
        raise TrackerError(f"The file must be smaller than {MAX_EVIDENCE_BYTES // 2**20} MB")
    digest = hashlib.sha256(content).hexdigest()
    path = evidence_path(home, digest)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(content)
        tmp.replace(path)
    ev.filename = Path(filename or "evidence").name[:255]
    ev.content_type = content_type[:120] or "application/octet-stream"
    ev.size, ev.sha256 = len(content), digest


def record_impact(s: Session, actor: Principal, ref: str, *, kind: str, statement: str,
                  reference: str, observed_on: date, at: datetime | None = None,
                  figures: dict[str, Any] | None = None) -> ActionImpact:
    """An impact record. Observed kinds need a statement and a reference (where it can be
    found: the audit, the feedback survey); ``measured`` is written by the sign-off gate."""
    if kind not in IMPACT_KINDS:
        raise TrackerError(f"impact kind {kind!r}: expected one of {', '.join(OBSERVED_KINDS)}")
    if kind != "measured" and (not statement.strip() or not reference.strip()):
        raise TrackerError("An observed impact needs a statement and a reference")
    imp = ActionImpact(action_id=get_action(s, ref).id, at=at or utcnow(),
                       user_id=actor.user_id, kind=kind, observed_on=observed_on,
                       statement=statement.strip(), reference=reference.strip(),
                       figures=json.dumps(figures, sort_keys=True) if figures else "")
    s.add(imp)
    s.flush()
    return imp


def my_actions(s: Session, user_id: int, *, include_closed: bool = False) -> list[ActionView]:
    """Every action this person leads, whatever its source, soonest due first."""
    q = select(Action).where(Action.lead_id == user_id)
    if not include_closed:
        q = q.where(Action.status.not_in(("signed_off", "cancelled")))
    return load_views(s, list(s.scalars(q.order_by(Action.due, Action.ref))))


def actions_from(s: Session, source_kind: str,
                 source_ids: Iterable[str] | None = None) -> list[ActionView]:
    """The actions one source asked for (e.g. every action of the plan's objectives)."""
    q = select(Action).where(Action.source_kind == source_kind)
    if source_ids is not None:
        q = q.where(Action.source_id.in_(list(source_ids)))
    return load_views(s, list(s.scalars(q.order_by(Action.position, Action.ref))))


@dataclass
class Timeline:
    """What happened to an action, newest first: updates, evidence, impact, history."""

    updates: list[tuple[ActionUpdate, str]] = field(default_factory=list)
    evidence: list[tuple[ActionEvidence, str]] = field(default_factory=list)
    impacts: list[tuple[ActionImpact, str]] = field(default_factory=list)
    history: list[tuple[ActionHistory, str]] = field(default_factory=list)


def timeline(s: Session, ref: str) -> Timeline:
    a = get_action(s, ref)
    ups = list(s.scalars(select(ActionUpdate).where(ActionUpdate.action_id == a.id)))
    evs = list(s.scalars(select(ActionEvidence).where(ActionEvidence.action_id == a.id)))
    imps = list(s.scalars(select(ActionImpact).where(ActionImpact.action_id == a.id)))
    hist = list(s.scalars(select(ActionHistory).where(ActionHistory.action_id == a.id)
                          .order_by(ActionHistory.at.desc(), ActionHistory.id.desc())))
    names = _user_names(s, [*(x.user_id for x in ups), *(x.user_id for x in evs),
                            *(x.user_id for x in imps), *(h.user_id for h in hist)])

    def who(uid: int) -> str:
        return names[uid].display_name if uid in names else "unknown"

    def newest(items: list[Any]) -> list[tuple[Any, str]]:
        return [(x, who(x.user_id)) for x in sorted(items, key=lambda x: (x.at, x.id),
                                                    reverse=True)]

    # History rows keep the name of who changed it (a command-line import has no account).
    return Timeline(newest(ups), newest(evs), newest(imps),
                    [(h, names[h.user_id].display_name if h.user_id in names else h.username)
                     for h in hist])


__all__ = [
    "ActionDraft",
    "ActionView",
    "KpiLink",
    "Timeline",
    "TrackerError",
    "actions_from",
    "add_evidence",
    "add_update",
    "change_status",
    "create",
    "evidence_path",
    "get_action",
    "load_views",
    "my_actions",
    "record_impact",
    "timeline",
    "update",
]
