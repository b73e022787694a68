"""Deep dives from trigger to closure.

- ``store_triggers``: each firing of the decline rule is stored once (indicator, scope,
  month), frozen with its three values and the children behind them; a firing on an
  indicator and scope whose deep dive is still open attaches to it, otherwise it opens a
  new deep dive. Storing a month again changes nothing.
- ``commission``: a deep dive asked for by the chief executive, the board's chair, a mock
  inspection or a service, on a theme (and optionally an indicator).
- Working one: ``edit`` (lead, due date, terms of reference, method, audit sample,
  findings, recommendations), ``add_update``, actions in the shared tracker
  (``lantern.actions``, source ``deep_dive``), ``mark_process_change``.
- ``close``: on recovery (``recovery.recovery_check``, figures stored with the closure)
  or by a named senior person with a reason; ``reopen`` with a reason. Every one of these
  is an event in the append-only ``deep_dive_events``.

Functions taking a ``Session`` write inside the caller's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lantern.actions.tracker import TrackerError
from lantern.appdb.models import User
from lantern.assurance.decline import DeclineTrigger
from lantern.assurance.inputs import better_sign
from lantern.governance.models import (
    COMMISSIONED_KINDS,
    TRIGGERED,
    DeepDive,
    DeepDiveEvent,
    DeepDiveTrigger,
    DeepDiveUpdate,
)
from lantern.governance.recovery import RecoveryCheck
from lantern.security.policy import Principal

CLOSE_ROLES: tuple[str, ...] = ("head_of_service", "divisional_director", "dcs")
"""Who may manage deep dives (in their scope) and close one with a reason."""

EDITABLE = ("terms_of_reference", "method", "audit_sample", "findings", "recommendations")


class DeepDiveError(TrackerError):
    """A change refused, with a sentence saying why."""


@dataclass(frozen=True)
class SyncResult:
    month: str
    opened: tuple[str, ...]  # refs of deep dives opened
    attached: tuple[str, ...]  # refs a repeat firing attached to
    already: int  # firings stored before


def get(s: Session, ref: str) -> DeepDive:
    dd = s.scalar(select(DeepDive).where(DeepDive.ref == ref))
    if dd is None and ref.isdigit():
        dd = s.get(DeepDive, int(ref))
    if dd is None:
        raise DeepDiveError(f"no deep dive {ref!r}")
    return dd


def _event(s: Session, dd: DeepDive, kind: str, actor: Principal | None, on: date, *,
           reason: str = "", figures: dict[str, Any] | None = None) -> None:
    s.add(DeepDiveEvent(deep_dive_id=dd.id, kind=kind, on=on,
                        user_id=actor.user_id if actor else None,
                        username=actor.username if actor else "lantern", reason=reason,
                        figures=json.dumps(figures, sort_keys=True) if figures else ""))


def _next_ref(s: Session, on: date) -> str:
    n = (s.scalar(select(func.max(DeepDive.id))) or 0) + 1
    return f"DD-{on:%Y}-{n:03d}"


def _trigger_row(dd: DeepDive, t: DeclineTrigger) -> DeepDiveTrigger:
    figures = {"months": list(t.months), "values": list(t.values),
               "numerators": list(t.numerators), "denominators": list(t.denominators),
               "period": t.period, "polarity": t.polarity, "rule": t.rule}
    children: dict[str, list[Any]] = {
        m: list(kids) for m, kids in zip(t.months, t.children, strict=False)}
    for m, kids in zip(t.months, t.counted, strict=False):
        children[m] = [{"child_id": c, "in_numerator": k, "records": n} for c, k, n in kids]
    return DeepDiveTrigger(deep_dive_id=dd.id, kpi_id=t.kpi_id, breakdown=t.breakdown,
                           breakdown_value=t.breakdown_value, month=t.months[-1],
                           figures=json.dumps(figures), children=json.dumps(children))


@dataclass(frozen=True)
class CountedChild:
    """A child in a frozen figure: how many of their records were in the numerator, of
    how many counted (None for a trigger frozen before this was kept)."""

    child_id: str
    in_numerator: int | None = None
    records: int | None = None

    def against(self, polarity: str) -> bool:
        """True when the child counts against the figure: a record outside the numerator
        of a higher-is-better measure (late, not seen), or inside that of a
        lower-is-better one (re-referred, repeat plan)."""
        if self.in_numerator is None or self.records is None:
            return False
        sign = better_sign(polarity)
        if sign > 0:
            return self.in_numerator < self.records
        return sign < 0 and self.in_numerator > 0


def trigger_children(t: DeepDiveTrigger) -> dict[str, list[CountedChild]]:
    """A trigger's children per month, whether frozen as ids (before in_numerator was
    kept) or as records with their numerator counts."""
    out: dict[str, list[CountedChild]] = {}
    for month, kids in json.loads(t.children or "{}").items():
        out[month] = [CountedChild(k) if isinstance(k, str) else
                      CountedChild(str(k["child_id"]), int(k["in_numerator"]),
                                   int(k["records"])) for k in kids]
    return out


def open_for(s: Session, kpi_id: str, breakdown: str, value: str) -> DeepDive | None:
    return s.scalar(select(DeepDive).where(
        DeepDive.kpi_id == kpi_id, DeepDive.breakdown == breakdown,
        DeepDive.breakdown_value == value, DeepDive.status == "open").order_by(DeepDive.id))


def store_triggers(s: Session, month: str, triggers: Sequence[DeclineTrigger], *,
                   on: date) -> SyncResult:
    """Store the month's firings (idempotent); ``on`` is the date they are recorded."""
    opened: list[str] = []
    attached: list[str] = []
    already = 0
    for t in triggers:
        key = (DeepDiveTrigger.kpi_id == t.kpi_id, DeepDiveTrigger.breakdown == t.breakdown,
               DeepDiveTrigger.breakdown_value == t.breakdown_value,
               DeepDiveTrigger.month == t.months[-1])
        if s.scalar(select(DeepDiveTrigger.id).where(*key)) is not None:
            already += 1
            continue
        dd = open_for(s, t.kpi_id, t.breakdown, t.breakdown_value)
        if dd is None:
            dd = DeepDive(ref=_next_ref(s, on), kind=TRIGGERED, kpi_id=t.kpi_id,
                          breakdown=t.breakdown, breakdown_value=t.breakdown_value,
                          trigger_month=t.months[-1], status="open", opened_on=on,
                          theme="", terms_of_reference="", method="", audit_sample="",
                          findings="", recommendations="")
            s.add(dd)
            s.flush()
            _event(s, dd, "opened", None, on, reason=f"two-month decline to {month}")
            opened.append(dd.ref)
        else:
            _event(s, dd, "trigger_attached", None, on,
                   reason=f"declined again to {t.months[-1]}")
            attached.append(dd.ref)
        s.add(_trigger_row(dd, t))
        s.flush()
    return SyncResult(month, tuple(opened), tuple(attached), already)


def commission(s: Session, actor: Principal, *, kind: str, theme: str, on: date,
               kpi_id: str | None = None, breakdown: str = "authority",
               breakdown_value: str = "", lead: str | None = None, due: date | None = None,
               terms_of_reference: str = "") -> DeepDive:
    if kind not in COMMISSIONED_KINDS:
        raise DeepDiveError(f"kind {kind!r}: expected one of {', '.join(COMMISSIONED_KINDS)}")
    if not theme.strip():
        raise DeepDiveError("a commissioned deep dive needs a theme")
    dd = DeepDive(ref=_next_ref(s, on), kind=kind, kpi_id=kpi_id or None, theme=theme.strip(),
                  breakdown=breakdown, breakdown_value=breakdown_value, status="open",
                  opened_on=on, due=due, lead_id=_user_id(s, lead) if lead else None,
                  terms_of_reference=terms_of_reference, method="", audit_sample="",
                  findings="", recommendations="")
    s.add(dd)
    s.flush()
    _event(s, dd, "opened", actor, on, reason=f"commissioned: {theme.strip()}")
    return dd


def _user_id(s: Session, username: str) -> int:
    uid = s.scalar(select(User.id).where(User.username == username))
    if uid is None:
        raise DeepDiveError(f"no user {username!r}")
    return uid


def edit(s: Session, ref: str, *, lead: str | None = None, due: date | None = None,
         **texts: str) -> DeepDive:
    """Set the lead, due date and the written parts (``EDITABLE``)."""
    dd = get(s, ref)
    unknown = set(texts) - set(EDITABLE)
    if unknown:
        raise DeepDiveError(f"cannot edit {', '.join(sorted(unknown))}")
    if lead is not None:
        dd.lead_id = _user_id(s, lead) if lead else None
    if due is not None:
        dd.due = due
    for name, value in texts.items():
        setattr(dd, name, value.strip())
    return dd


def add_update(s: Session, actor: Principal, ref: str, text: str, on: date) -> None:
    if not text.strip():
        raise DeepDiveError("an update needs some text")
    dd = get(s, ref)
    s.add(DeepDiveUpdate(deep_dive_id=dd.id, on=on, user_id=actor.user_id, text=text.strip()))


def mark_process_change(s: Session, actor: Principal, ref: str, month: str, on: date) -> None:
    """The lead says the deep dive changed the process from ``month``: SPC charts of its
    indicator recompute their limits from then."""
    dd = get(s, ref)
    dd.process_change_month = month
    _event(s, dd, "process_change", actor, on, reason=f"process changed from {month}")


def close(s: Session, actor: Principal, ref: str, on: date, *, reason: str = "",
          check: Callable[[DeepDive], RecoveryCheck] | None = None) -> RecoveryCheck | None:
    """Close on recovery (no ``reason``: ``check`` must pass) or by a named senior person
    with a reason. Refusals raise ``DeepDiveError`` saying what is missing."""
    dd = get(s, ref)
    if dd.status != "open":
        raise DeepDiveError(f"{dd.ref} is already closed")
    if reason.strip():
        if actor.role not in CLOSE_ROLES:
            raise DeepDiveError(
                f"closing with a reason needs one of: {', '.join(CLOSE_ROLES)} "
                f"({actor.username} is {actor.role})")
        dd.status, dd.closed_on = "closed", on
        _event(s, dd, "closed_by_reason", actor, on, reason=reason.strip())
        return None
    if dd.kpi_id is None or check is None:
        raise DeepDiveError(f"{dd.ref} has no indicator to recover: close it with a reason")
    result = check(dd)
    if not result.passed:
        raise DeepDiveError(f"not recovered: {'; '.join(result.reasons)}")
    dd.status, dd.closed_on = "closed", on
    _event(s, dd, "closed_on_recovery", actor, on, figures=result.as_json())
    return result


def reopen(s: Session, actor: Principal, ref: str, on: date, reason: str) -> None:
    dd = get(s, ref)
    if dd.status != "closed":
        raise DeepDiveError(f"{dd.ref} is open")
    if not reason.strip():
        raise DeepDiveError("reopening needs a reason")
    dd.status, dd.closed_on = "open", None
    _event(s, dd, "reopened", actor, on, reason=reason.strip())


def latest_trigger(s: Session, dd: DeepDive) -> DeepDiveTrigger | None:
    return s.scalar(select(DeepDiveTrigger).where(DeepDiveTrigger.deep_dive_id == dd.id)
                    .order_by(DeepDiveTrigger.month.desc()))


def triggers(s: Session, dd: DeepDive) -> list[DeepDiveTrigger]:
    return list(s.scalars(select(DeepDiveTrigger).where(DeepDiveTrigger.deep_dive_id == dd.id)
                          .order_by(DeepDiveTrigger.month)))


def events(s: Session, dd: DeepDive) -> list[DeepDiveEvent]:
    return list(s.scalars(select(DeepDiveEvent).where(DeepDiveEvent.deep_dive_id == dd.id)
                          .order_by(DeepDiveEvent.id)))


def updates(s: Session, dd: DeepDive) -> list[DeepDiveUpdate]:
    return list(s.scalars(select(DeepDiveUpdate).where(DeepDiveUpdate.deep_dive_id == dd.id)
                          .order_by(DeepDiveUpdate.on.desc(), DeepDiveUpdate.id.desc())))


def refs_by_subject(s: Session, month: str) -> dict[tuple[str, str, str], str]:
    """(indicator, breakdown, value) -> the deep dive a firing in ``month`` is stored in,
    or else the open deep dive on that subject (so the exception report links each
    trigger to its deep dive)."""
    out = {(d.kpi_id or "", d.breakdown, d.breakdown_value): d.ref for d in s.scalars(
        select(DeepDive).where(DeepDive.status == "open", DeepDive.kpi_id.is_not(None)))}
    rows = s.execute(select(DeepDiveTrigger.kpi_id, DeepDiveTrigger.breakdown,
                            DeepDiveTrigger.breakdown_value, DeepDive.ref)
                     .join(DeepDive, DeepDive.id == DeepDiveTrigger.deep_dive_id)
                     .where(DeepDiveTrigger.month == month))
    out.update({(k, b, v): ref for k, b, v, ref in rows})
    return out
