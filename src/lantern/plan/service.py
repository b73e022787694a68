"""The plan as people read it: themes → objectives → actions (from the shared tracker),
inspection recommendations with their derived status, published versions and their
comparison."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lantern.actions.models import Action, ActionRecommendation, Inspection, Recommendation
from lantern.actions.tracker import STATUS_LABELS, ActionView, actions_from
from lantern.appdb.models import User, utcnow
from lantern.plan.models import Objective, Plan, PlanVersion, Theme
from lantern.security.policy import Principal

SOURCE_KIND = "plan_objective"
DEFAULT_TITLE = "Continuous Improvement Plan"


class PlanError(ValueError):
    """Refused, with a message fit to show."""


def the_plan(s: Session, *, create: bool = False) -> Plan | None:
    """The authority's plan (one per app database)."""
    plan = s.scalars(select(Plan).order_by(Plan.id)).first()
    if plan is None and create:
        plan = Plan(title=DEFAULT_TITLE, version=1)
        s.add(plan)
        s.flush()
    return plan


@dataclass
class ObjectiveNode:
    objective: Objective
    actions: list[ActionView] = field(default_factory=list)


@dataclass
class ThemeNode:
    theme: Theme
    objectives: list[ObjectiveNode] = field(default_factory=list)


@dataclass
class PlanTree:
    plan: Plan | None
    themes: list[ThemeNode] = field(default_factory=list)

    def actions(self) -> list[tuple[ThemeNode, ObjectiveNode, ActionView]]:
        return [(t, o, a) for t in self.themes for o in t.objectives for a in o.actions]


def tree(s: Session) -> PlanTree:
    plan = the_plan(s)
    if plan is None:
        return PlanTree(None)
    themes = list(s.scalars(select(Theme).where(Theme.plan_id == plan.id)
                            .order_by(Theme.position, Theme.id)))
    objectives = list(s.scalars(select(Objective).where(
        Objective.theme_id.in_([t.id for t in themes])).order_by(Objective.position,
                                                                 Objective.id)))
    by_objective: dict[str, list[ActionView]] = {}
    for view in actions_from(s, SOURCE_KIND, [str(o.id) for o in objectives]):
        by_objective.setdefault(view.source_id, []).append(view)
    nodes = {t.id: ThemeNode(t) for t in themes}
    for o in objectives:
        nodes[o.theme_id].objectives.append(ObjectiveNode(o, by_objective.get(str(o.id), [])))
    return PlanTree(plan, list(nodes.values()))


# --------------------------------------------------------------------------- recommendations


@dataclass(frozen=True)
class RecommendationView:
    ref: str
    inspection: str
    number: int
    text: str
    repeated_from: str | None
    repeated_from_inspection: str | None
    actions: tuple[tuple[str, str, str], ...]  # (ref, title, status)
    status: str


def recommendation_status(statuses: list[str]) -> str:
    """A recommendation's status from its actions' statuses (cancelled ones don't count)."""
    live = [x for x in statuses if x != "cancelled"]
    if not live:
        return "No action yet"
    if all(x == "signed_off" for x in live):
        return "Met: every action signed off"
    if all(x in ("signed_off", "done_awaiting_impact") for x in live):
        return "Actions done, awaiting impact"
    if all(x == "not_started" for x in live):
        return "Not started"
    return "In progress"


def inspections(s: Session) -> list[tuple[Inspection, list[RecommendationView]]]:
    """Each inspection (oldest first) with its recommendations in number order."""
    found = list(s.scalars(select(Inspection).order_by(Inspection.date, Inspection.name)))
    recs = list(s.scalars(select(Recommendation).order_by(Recommendation.number,
                                                          Recommendation.ref)))
    by_id = {r.id: r for r in recs}
    names = {i.id: i.name for i in found}
    linked: dict[int, list[tuple[str, str, str]]] = {}
    for rid, ref, title, status in s.execute(
            select(ActionRecommendation.recommendation_id, Action.ref, Action.title,
                   Action.status).join(Action, Action.id == ActionRecommendation.action_id)
            .order_by(Action.ref)):
        linked.setdefault(rid, []).append((ref, title, status))
    out = []
    for insp in found:
        views = []
        for r in (r for r in recs if r.inspection_id == insp.id):
            src = by_id.get(r.repeated_from_id) if r.repeated_from_id else None
            acts = tuple(linked.get(r.id, []))
            views.append(RecommendationView(
                r.ref, insp.name, r.number, r.text, src.ref if src else None,
                names.get(src.inspection_id) if src else None, acts,
                recommendation_status([a[2] for a in acts])))
        out.append((insp, views))
    return out


# --------------------------------------------------------------------------- versions


def canonical(doc: Any) -> str:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)


def publish(s: Session, actor: Principal | None, *, at: datetime | None = None) -> PlanVersion:
    """Freeze the plan as it stands as its current version number (snapshot + SHA-256),
    then start drafting the next version."""
    from lantern.plan.transfer import document

    plan = the_plan(s)
    if plan is None:
        raise PlanError("there is no plan to publish: import one first (lantern plan import)")
    snapshot = canonical(document(s))
    v = PlanVersion(plan_id=plan.id, version=plan.version, published_at=at or utcnow(),
                    published_by=actor.user_id if actor and actor.user_id > 0 else None,
                    snapshot=snapshot, sha256=hashlib.sha256(snapshot.encode()).hexdigest())
    s.add(v)
    plan.version += 1
    s.flush()
    return v


@dataclass(frozen=True)
class VersionInfo:
    version: int
    published_at: Any
    published_by: str
    sha256: str
    intact: bool  # the stored snapshot still hashes to the stored SHA-256


def versions(s: Session) -> list[VersionInfo]:
    rows = s.execute(select(PlanVersion, User.display_name)
                     .outerjoin(User, User.id == PlanVersion.published_by)
                     .order_by(PlanVersion.version))
    return [VersionInfo(v.version, v.published_at, name or "command line", v.sha256,
                        hashlib.sha256(v.snapshot.encode()).hexdigest() == v.sha256)
            for v, name in rows]


def version_document(s: Session, version: int) -> dict[str, Any]:
    v = s.scalars(select(PlanVersion).where(PlanVersion.version == version)).first()
    if v is None:
        known = [str(x.version) for x in versions(s)]
        raise PlanError(f"no published version {version} "
                        f"(published: {', '.join(known) or 'none yet'})")
    if hashlib.sha256(v.snapshot.encode()).hexdigest() != v.sha256:
        raise PlanError(f"version {version}'s stored snapshot no longer matches its SHA-256")
    doc: dict[str, Any] = json.loads(v.snapshot)
    return doc


@dataclass
class VersionDiff:
    v1: int
    v2: int
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)  # ref, title, changes
    status_moves: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"from": self.v1, "to": self.v2, "added": self.added, "removed": self.removed,
                "changed": self.changed, "status_moves": self.status_moves}


def _flat_actions(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for t in doc.get("themes", []):
        for o in t.get("objectives", []):
            for a in o.get("actions", []):
                out[str(a["ref"])] = {**a, "theme": t["ref"], "objective": o["ref"]}
    return out


def compare(s: Session, v1: int, v2: int) -> VersionDiff:
    """What changed between two published versions: actions added, removed, changed (each
    field before and after) and status moves."""
    a, b = _flat_actions(version_document(s, v1)), _flat_actions(version_document(s, v2))
    diff = VersionDiff(v1, v2)
    diff.added = [{"ref": r, "title": b[r]["title"], "status": b[r]["status"]}
                  for r in b if r not in a]
    diff.removed = [{"ref": r, "title": a[r]["title"], "status": a[r]["status"]}
                    for r in a if r not in b]
    for ref in (r for r in b if r in a):
        changes = {k: {"before": a[ref].get(k), "after": b[ref].get(k)}
                   for k in sorted(set(a[ref]) | set(b[ref]))
                   if k != "status" and a[ref].get(k) != b[ref].get(k)}
        if changes:
            diff.changed.append({"ref": ref, "title": b[ref]["title"], "changes": changes})
        if a[ref]["status"] != b[ref]["status"]:
            diff.status_moves.append({
                "ref": ref, "title": b[ref]["title"], "before": a[ref]["status"],
                "after": b[ref]["status"], "before_label": STATUS_LABELS[a[ref]["status"]],
                "after_label": STATUS_LABELS[b[ref]["status"]]})
    return diff
