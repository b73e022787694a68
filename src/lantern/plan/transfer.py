"""Import and export of the plan with its recommendations, as YAML or Excel.

The YAML shape (tests and checks outside the repository rely on it)::

    plan: {title: "Continuous Improvement Plan", version: 4}
    inspections:            # optional: body, date and type of an inspection
      - {name: "Ofsted 2018", body: Ofsted, date: 2018-06-15, type: "ILACS"}
    recommendations:
      - {ref: OF-2018-03, inspection: "Ofsted 2018", text: "...", repeated_from: OF-2016-07}
    themes:
      - ref: "1"
        title: "..."
        objectives:
          - ref: "1.1"
            title: "..."
            actions:
              - {ref: "1.1.1", title: "...", outcome: "...", lead: USERNAME, due: 2024-03-31,
                 status: in_progress, kpis: [icpc_15wd_pct, {id: cp_visits_10wd_pct, target: 85}],
                 recommendations: [OF-2018-03]}

An action may also carry ``quarterly_outcome`` and (when cancelled) ``cancel_reason``.
Import checks everything first: an unknown lead, indicator or recommendation, a bad date or
status refuses the whole file with one line per problem (file, path in the document, what
was expected) and nothing is written. ``signed_off`` is reached only through the sign-off
gate, so a file can keep an action signed off but cannot sign one off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lantern.actions import tracker
from lantern.actions.models import STATUSES, Action, Inspection, Recommendation
from lantern.actions.tracker import ActionDraft, KpiLink
from lantern.appdb.models import User
from lantern.measures.catalogue import ids as kpi_ids
from lantern.plan.models import Objective, PlanVersion, Theme
from lantern.plan.service import SOURCE_KIND, PlanError, the_plan, tree
from lantern.security.policy import Principal


class ImportRefused(PlanError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem{'s' * (len(problems) != 1)}: "
                         "nothing was imported")


# --------------------------------------------------------------------------- export


def _number(x: float | None) -> float | int | None:
    return int(x) if x is not None and float(x).is_integer() else x


def _kpi_item(k: KpiLink) -> Any:
    return k.kpi_id if k.target is None else {"id": k.kpi_id, "target": _number(k.target)}


def _action_doc(a: tracker.ActionView) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "ref": a.ref, "title": a.title, "outcome": a.outcome, "lead": a.lead, "due": a.due,
        "status": a.status, "kpis": [_kpi_item(k) for k in a.kpis],
        "recommendations": list(a.recommendations)}
    if a.quarterly_outcome:
        doc["quarterly_outcome"] = a.quarterly_outcome
    if a.cancel_reason:
        doc["cancel_reason"] = a.cancel_reason
    return doc


def _inspections_doc(s: Session) -> list[dict[str, Any]]:
    out = []
    for i in s.scalars(select(Inspection).order_by(Inspection.date, Inspection.name)):
        if i.body or i.date or i.type:
            out.append({"name": i.name, "body": i.body, "date": i.date, "type": i.type})
    return out


def _recommendations_doc(s: Session) -> list[dict[str, Any]]:
    names = {i.id: i.name for i in s.scalars(select(Inspection))}
    recs = list(s.scalars(select(Recommendation).order_by(Recommendation.id)))
    refs = {r.id: r.ref for r in recs}
    out = []
    for r in recs:
        item: dict[str, Any] = {"ref": r.ref, "inspection": names[r.inspection_id],
                                "text": r.text}
        if r.repeated_from_id:
            item["repeated_from"] = refs[r.repeated_from_id]
        out.append(item)
    return out


def document(s: Session) -> dict[str, Any]:
    """The plan and its recommendations in the import/export shape."""
    t = tree(s)
    plan = t.plan
    doc: dict[str, Any] = {"plan": {"title": plan.title if plan else "",
                                    "version": plan.version if plan else 1}}
    insp = _inspections_doc(s)
    if insp:
        doc["inspections"] = insp
    doc["recommendations"] = _recommendations_doc(s)
    doc["themes"] = [
        {"ref": th.theme.ref, "title": th.theme.title,
         "objectives": [{"ref": o.objective.ref, "title": o.objective.title,
                         "actions": [_action_doc(a) for a in o.actions]}
                        for o in th.objectives]}
        for th in t.themes]
    return doc


def to_yaml(doc: dict[str, Any]) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100,
                          default_flow_style=False)


# --------------------------------------------------------------------------- checking


@dataclass
class Checker:
    """Collects one line per problem: file, path in the document, what was expected."""

    file: str
    problems: list[str] = field(default_factory=list)

    def add(self, path: str, message: str) -> None:
        self.problems.append(f"{self.file}: {path}: {message}")

    def text(self, node: Any, key: str, path: str, *, required: bool = True) -> str:
        value = node.get(key) if isinstance(node, dict) else None
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(f"{path}.{key}", "missing: expected text")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.add(f"{path}.{key}", f"expected text, found {value!r}")
            return ""
        return str(value)

    def items(self, node: Any, key: str, path: str) -> list[Any]:
        value = node.get(key) if isinstance(node, dict) else None
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(f"{path}.{key}", "expected a list")
            return []
        return value


def _due(c: Checker, raw: Any, path: str) -> date | None:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            pass
    c.add(path, f"{raw!r} is not a date: expected YYYY-MM-DD, e.g. 2024-03-31")
    return None


def _kpis(c: Checker, raw: list[Any], path: str, known: set[str]) -> tuple[KpiLink, ...]:
    out = []
    for i, item in enumerate(raw):
        p = f"{path}.kpis[{i}]"
        kpi, target = (item, None) if isinstance(item, str) else (
            (item.get("id"), item.get("target")) if isinstance(item, dict) else (None, None))
        if not isinstance(kpi, str):
            c.add(p, "expected an indicator id or {id: ..., target: ...}")
            continue
        if kpi not in known:
            c.add(p, f"unknown indicator {kpi!r}: expected an id from docs/indicators.md")
            continue
        if target is not None and (isinstance(target, bool)
                                   or not isinstance(target, int | float)):
            c.add(f"{p}.target", f"expected a number, found {target!r}")
            continue
        out.append(KpiLink(kpi, None if target is None else float(target)))
    return tuple(out)


@dataclass
class Parsed:
    title: str = ""
    version: int = 1
    inspections: dict[str, dict[str, Any]] = field(default_factory=dict)
    recommendations: list[dict[str, Any]] = field(default_factory=list)
    themes: list[dict[str, Any]] = field(default_factory=list)  # with parsed actions
    actions: list[tuple[str, str, ActionDraft]] = field(default_factory=list)


def _check_plan(c: Checker, doc: dict[str, Any], out: Parsed) -> None:
    head = doc.get("plan")
    if not isinstance(head, dict):
        c.add("plan", "missing: expected {title: ..., version: N}")
        return
    out.title = c.text(head, "title", "plan")
    version = head.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        c.add("plan.version", f"expected a whole number of 1 or more, found {version!r}")
    else:
        out.version = version


def _check_inspections(c: Checker, doc: dict[str, Any], out: Parsed) -> None:
    for i, item in enumerate(c.items(doc, "inspections", "")):
        p = f"inspections[{i}]"
        name = c.text(item, "name", p)
        when = item.get("date") if isinstance(item, dict) else None
        out.inspections[name] = {
            "body": c.text(item, "body", p, required=False),
            "type": c.text(item, "type", p, required=False),
            "date": None if when is None else _due(c, when, f"{p}.date")}


def _check_recommendations(c: Checker, s: Session, doc: dict[str, Any], out: Parsed) -> None:
    in_db = set(s.scalars(select(Recommendation.ref)))
    seen: set[str] = set()
    raw = c.items(doc, "recommendations", "")
    mine = {str(r.get("ref")) for r in raw if isinstance(r, dict)}
    for i, item in enumerate(raw):
        p = f"recommendations[{i}]"
        ref = c.text(item, "ref", p)
        if ref in seen:
            c.add(f"{p}.ref", f"{ref!r} appears twice: expected each reference once")
        seen.add(ref)
        rec = {"ref": ref, "inspection": c.text(item, "inspection", p),
               "text": c.text(item, "text", p, required=False),
               "repeated_from": c.text(item, "repeated_from", p, required=False) or None}
        if rec["repeated_from"] and rec["repeated_from"] not in mine | in_db:
            c.add(f"{p}.repeated_from", f"unknown recommendation {rec['repeated_from']!r}: "
                  "expected the ref of another recommendation")
        if rec["repeated_from"] == ref:
            c.add(f"{p}.repeated_from", "a recommendation cannot repeat itself")
        out.recommendations.append(rec)


def _check_action(c: Checker, s: Session, item: Any, p: str, known: dict[str, Any],
                  position: int) -> ActionDraft | None:
    ref = c.text(item, "ref", p)
    title = c.text(item, "title", p)
    lead = c.text(item, "lead", p)
    if lead and lead not in known["users"]:
        c.add(f"{p}.lead", f"unknown lead {lead!r}: expected the username of an account "
              "(lantern users list)")
    due = _due(c, item.get("due") if isinstance(item, dict) else None, f"{p}.due")
    status = c.text(item, "status", p, required=False) or "not_started"
    reason = c.text(item, "cancel_reason", p, required=False)
    if status not in STATUSES:
        c.add(f"{p}.status", f"{status!r}: expected one of {', '.join(STATUSES)}")
    elif status == "cancelled" and not reason:
        c.add(f"{p}.cancel_reason", "missing: a cancelled action needs its reason")
    elif status == "signed_off" and known["signed_off"].get(ref) is not True:
        c.add(f"{p}.status", "signed_off: an action is signed off only through the sign-off "
              "gate (lantern plan sign-off), not by import")
    elif known["signed_off"].get(ref) and status != "signed_off":
        c.add(f"{p}.status", f"{ref} is signed off: expected signed_off")
    if known["other_source"].get(ref):
        c.add(f"{p}.ref", f"{ref!r} is already an action of {known['other_source'][ref]}: "
              "expected a reference not used elsewhere")
    kpis = _kpis(c, c.items(item, "kpis", p), p, known["kpis"])
    recs = c.items(item, "recommendations", p)
    for j, r in enumerate(recs):
        if str(r) not in known["recommendations"]:
            c.add(f"{p}.recommendations[{j}]", f"unknown recommendation {r!r}: expected a "
                  "ref listed under recommendations")
    if not (ref and title and lead and due):
        return None
    return ActionDraft(ref=ref, title=title, lead=lead, due=due, source_kind=SOURCE_KIND,
                       source_id="", outcome=c.text(item, "outcome", p, required=False),
                       status=status, cancel_reason=reason,
                       quarterly_outcome=c.text(item, "quarterly_outcome", p, required=False),
                       kpis=kpis, recommendations=tuple(str(r) for r in recs),
                       position=position)


def _known(s: Session, out: Parsed) -> dict[str, Any]:
    existing = {a.ref: a for a in s.scalars(select(Action))}
    return {
        "users": set(s.scalars(select(User.username).where(User.disabled.is_(False)))),
        "kpis": set(kpi_ids()),
        "recommendations": {r["ref"] for r in out.recommendations}
        | set(s.scalars(select(Recommendation.ref))),
        "signed_off": {ref: a.status == "signed_off" for ref, a in existing.items()},
        "other_source": {ref: a.source_kind.replace("_", " ") for ref, a in existing.items()
                         if a.source_kind != SOURCE_KIND},
    }


def _check_themes(c: Checker, s: Session, doc: dict[str, Any], out: Parsed) -> None:
    known = _known(s, out)
    seen: set[str] = set()
    theme_refs: set[str] = set()
    for i, th in enumerate(c.items(doc, "themes", "")):
        tp = f"themes[{i}]"
        theme_ref = c.text(th, "ref", tp)
        if theme_ref in theme_refs:
            c.add(f"{tp}.ref", f"theme {theme_ref!r} appears twice: expected each once")
        theme_refs.add(theme_ref)
        objectives: list[dict[str, str]] = []
        for j, ob in enumerate(c.items(th, "objectives", tp)):
            op = f"{tp}.objectives[{j}]"
            objective = {"ref": c.text(ob, "ref", op), "title": c.text(ob, "title", op)}
            if objective["ref"] in {o["ref"] for o in objectives}:
                c.add(f"{op}.ref", f"objective {objective['ref']!r} appears twice in this "
                      "theme: expected each once")
            objectives.append(objective)
            for k, item in enumerate(c.items(ob, "actions", op)):
                ap = f"{op}.actions[{k}]"
                draft = _check_action(c, s, item, ap, known, len(out.actions))
                if draft is None:
                    continue
                if draft.ref in seen:
                    c.add(f"{ap}.ref", f"{draft.ref!r} appears twice: expected each once")
                seen.add(draft.ref)
                out.actions.append((theme_ref, objective["ref"], draft))
        out.themes.append({"ref": theme_ref, "title": c.text(th, "title", tp),
                           "objectives": objectives})


def check(s: Session, doc: Any, file: str) -> Parsed:
    """The document parsed, or ``ImportRefused`` listing every problem."""
    c = Checker(file)
    out = Parsed()
    if not isinstance(doc, dict):
        raise ImportRefused([f"{file}: (top): expected a mapping with plan, recommendations "
                             "and themes"])
    _check_plan(c, doc, out)
    _check_inspections(c, doc, out)
    _check_recommendations(c, s, doc, out)
    _check_themes(c, s, doc, out)
    if c.problems:
        raise ImportRefused(c.problems)
    return out


# --------------------------------------------------------------------------- writing


def _write_recommendations(s: Session, parsed: Parsed) -> None:
    inspections = {i.name: i for i in s.scalars(select(Inspection))}
    for name in dict.fromkeys([*parsed.inspections, *(r["inspection"] for r in
                                                      parsed.recommendations)]):
        details = parsed.inspections.get(name, {})
        insp = inspections.get(name) or Inspection(name=name, body="", type="")
        insp.body, insp.type = details.get("body", insp.body), details.get("type", insp.type)
        insp.date = details.get("date", insp.date)
        s.add(insp)
        inspections[name] = insp
    s.flush()
    recs = {r.ref: r for r in s.scalars(select(Recommendation))}
    numbers: dict[str, int] = {}
    for r in parsed.recommendations:
        numbers[r["inspection"]] = numbers.get(r["inspection"], 0) + 1
        rec = recs.get(r["ref"]) or Recommendation(ref=r["ref"])
        rec.inspection_id, rec.text = inspections[r["inspection"]].id, r["text"]
        rec.number = numbers[r["inspection"]]
        s.add(rec)
        recs[r["ref"]] = rec
    s.flush()
    for r in parsed.recommendations:
        src = recs.get(r["repeated_from"]) if r["repeated_from"] else None
        recs[r["ref"]].repeated_from_id = src.id if src else None
    s.flush()


def _write_tree(s: Session, parsed: Parsed) -> dict[tuple[str, str], Objective]:
    plan = the_plan(s, create=True)
    assert plan is not None
    # A published version is frozen: a file carrying its number drafts the next one.
    published = s.scalar(select(func.max(PlanVersion.version))
                         .where(PlanVersion.plan_id == plan.id)) or 0
    plan.title, plan.version = parsed.title, max(parsed.version, published + 1)
    themes = {t.ref: t for t in s.scalars(select(Theme).where(Theme.plan_id == plan.id))}
    objectives: dict[tuple[str, str], Objective] = {}
    for i, th in enumerate(parsed.themes):
        theme = themes.get(th["ref"]) or Theme(plan_id=plan.id, ref=th["ref"])
        theme.title, theme.position = th["title"], i
        s.add(theme)
        s.flush()
        mine = {o.ref: o for o in s.scalars(select(Objective)
                                            .where(Objective.theme_id == theme.id))}
        for j, ob in enumerate(th["objectives"]):
            o = mine.get(ob["ref"]) or Objective(theme_id=theme.id, ref=ob["ref"])
            o.title, o.position = ob["title"], j
            s.add(o)
            objectives[th["ref"], ob["ref"]] = o
    s.flush()
    return objectives


def _write_action(s: Session, actor: Principal, draft: ActionDraft,
                  at: datetime | None) -> None:
    existing = s.scalars(select(Action).where(Action.ref == draft.ref)).first()
    if existing is None:
        tracker.create(s, actor, draft, at=at)
        return
    tracker.update(s, actor, draft.ref, at=at, title=draft.title, outcome=draft.outcome,
                   lead=draft.lead, due=draft.due, quarterly_outcome=draft.quarterly_outcome,
                   kpis=draft.kpis, recommendations=draft.recommendations,
                   position=draft.position, source_id=draft.source_id)
    if draft.status != "signed_off":
        tracker.change_status(s, actor, draft.ref, draft.status, reason=draft.cancel_reason,
                              at=at)


def apply(s: Session, actor: Principal, parsed: Parsed, *, at: datetime | None = None,
          only: Callable[[str], bool] | None = None) -> int:
    """Write a checked document (in the caller's transaction); ``only`` picks the actions
    by reference (default all). Returns the number of actions written. Themes, objectives
    and actions not in the file are kept (actions are never deleted: cancel them)."""
    _write_recommendations(s, parsed)
    objectives = _write_tree(s, parsed)
    n = 0
    for theme_ref, objective_ref, draft in parsed.actions:
        if only is not None and not only(draft.ref):
            continue
        source = str(objectives[theme_ref, objective_ref].id)
        _write_action(s, actor, ActionDraft(**{**draft.__dict__, "source_id": source}), at)
        n += 1
    s.flush()
    return n


class _Loader(yaml.SafeLoader):
    """Safe YAML with dates left as text, so a bad date (2025-02-30) is reported with its
    place in the document instead of failing the whole parse."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def read_document(path: Path) -> Any:
    """A YAML or Excel file as a plan document (Excel through ``excel.read``)."""
    if path.suffix.lower() == ".xlsx":
        from lantern.plan.excel import read_workbook

        return read_workbook(path)
    try:
        return yaml.load(path.read_text("utf-8"), Loader=_Loader)  # a SafeLoader subclass
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "(top)"
        raise ImportRefused([f"{path}: {where}: not valid YAML ({getattr(e, 'problem', e)})"]
                            ) from None


def import_file(s: Session, actor: Principal, path: Path) -> int:
    """Check and write a plan file in the caller's transaction (refused whole or written)."""
    return apply(s, actor, check(s, read_document(path), str(path)))

