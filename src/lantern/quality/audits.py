"""Case audits from sample to learning: allocate a month's sample, save a draft, submit
(every domain graded on the tool's scale, an overall grade, family feedback), actions
into the shared tracker (source ``audit``), moderation of a share of audits (the
moderator's grade stands; a change keeps its reason), the lead auditor's dip samples of
audit actions, and re-audit.

Functions taking a ``Session`` write inside the caller's transaction.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lantern.actions.tracker import ActionDraft, actions_from, create, get_action
from lantern.appdb.models import User
from lantern.quality.models import (
    Audit,
    AuditAnswer,
    AuditDipSample,
    AuditFinding,
    AuditGrade,
    AuditModeration,
)
from lantern.quality.sampling import Draw, exclusion_start
from lantern.quality.tools import Tool
from lantern.security.policy import Principal

SOURCE = "audit"
MODERATION_SHARE = 0.2
AUDITOR_ROLES = ("auditor", "team_manager", "head_of_service")
MODERATOR_ROLES = ("auditor", "head_of_service", "divisional_director",
                   "performance_analyst")


class AuditError(ValueError):
    """A change refused, with a sentence saying why."""


@dataclass
class Submission:
    """What the form (or a paper audit) gives: grades by domain, narratives, answers,
    findings (text, learning theme), the overall grade and the family's feedback."""

    grades: dict[str, str] = field(default_factory=dict)
    narratives: dict[str, str] = field(default_factory=dict)
    answers: dict[str, bool] = field(default_factory=dict)
    findings: list[tuple[str, str]] = field(default_factory=list)
    overall: str = ""
    family_contacted: bool | None = None
    family_words: str = ""
    family_rating: int | None = None


def get(s: Session, ref: str) -> Audit:
    a = s.scalar(select(Audit).where(Audit.ref == ref))
    if a is None:
        raise AuditError(f"no audit {ref!r}")
    return a


def auditor_pool(s: Session, roles: Sequence[str] = AUDITOR_ROLES) -> dict[str, str]:
    """username -> the auditor's own team ('' when not tied to one team)."""
    users = s.scalars(select(User).where(User.role.in_(list(roles)),
                                         User.disabled.is_(False)))
    return {u.username: (u.scope_value or "") if u.scope_type == "team" else ""
            for u in users}


def recently_audited(s: Session, month: str, months: int) -> set[str]:
    """Subjects with an audit in the ``months`` months before ``month``."""
    start = exclusion_start(month, months)
    return set(s.scalars(select(Audit.subject_id).where(Audit.month >= start,
                                                        Audit.month < month)))


def allocate(s: Session, tool: Tool, month: str, draws: Sequence[Draw]) -> list[Audit]:
    """The month's audits from a sample (again: the ones already allocated)."""
    existing = list(s.scalars(select(Audit).where(Audit.tool_id == tool.id,
                                                  Audit.month == month).order_by(Audit.id)))
    if existing:
        return existing
    ids = {u.username: u.id for u in s.scalars(select(User))}
    out = []
    for n, d in enumerate(draws, 1):
        a = Audit(ref=f"AUD-{month}-{tool.id[:2].upper()}{n:03d}", tool_id=tool.id,
                  month=month, subject_kind=tool.subject, subject_id=d.subject_id,
                  team_id=d.team_id, service_id=d.service_id, sample_reason=d.reason,
                  auditor_id=ids.get(d.auditor) if d.auditor else None, status="allocated",
                  overall_grade="", overall_band="", family_words="")
        s.add(a)
        out.append(a)
    s.flush()
    return out


def problems(tool: Tool, sub: Submission, *, submitting: bool) -> dict[str, str]:
    """Field -> what is wrong (the form's error summary); a draft may be incomplete."""
    errs: dict[str, str] = {}
    grades = tool.scale.grades
    for d in tool.domains:
        g = sub.grades.get(d.id, "")
        if g and g not in grades:
            errs[f"grade-{d.id}"] = f"{d.title}: choose a grade on the tool's scale"
        elif submitting and not g:
            errs[f"grade-{d.id}"] = f"Grade {d.title.lower()}"
    if sub.overall and sub.overall not in grades:
        errs["overall"] = "Choose an overall grade on the tool's scale"
    elif submitting and not sub.overall and tool.overall == "auditor_judgement":
        errs["overall"] = "Give your overall grade"
    if submitting and sub.family_contacted is None:
        errs["family_contacted"] = "Say whether the child or family was contacted"
    if sub.family_rating is not None and not 1 <= sub.family_rating <= 5:
        errs["family_rating"] = "The family's rating is from 1 to 5"
    return errs


def overall_grade(tool: Tool, sub: Submission) -> str:
    """The auditor's judgement, or the lowest domain grade where the tool says so."""
    if tool.overall == "lowest_domain" and sub.grades:
        order = tool.scale.grades  # best first
        return max(sub.grades.values(), key=order.index)
    return sub.overall


def save(s: Session, actor: Principal, ref: str, tool: Tool, sub: Submission, *,
         submit: bool, on: date) -> dict[str, str]:
    """Save the audit (a draft, or submitted when ``submit``); the problems if refused."""
    a = get(s, ref)
    if a.status == "submitted":
        raise AuditError(f"{ref} was submitted on {a.submitted_on}: it can be moderated, "
                         "not changed")
    if a.auditor_id not in (None, actor.user_id):
        raise AuditError(f"{ref} is allocated to another auditor")
    errs = problems(tool, sub, submitting=submit)
    if errs:
        return errs
    write_parts(s, a, sub)
    a.overall_grade = overall_grade(tool, sub)
    a.overall_band = tool.scale.band(a.overall_grade) if a.overall_grade else ""
    a.family_contacted, a.family_words = sub.family_contacted, sub.family_words.strip()
    a.family_rating = sub.family_rating
    a.auditor_id = actor.user_id
    a.status = "submitted" if submit else "draft"
    a.submitted_on = on if submit else None
    return {}


def write_parts(s: Session, a: Audit, sub: Submission) -> None:
    for table in (AuditGrade, AuditAnswer, AuditFinding):
        for row in s.scalars(select(table).where(table.audit_id == a.id)):
            s.delete(row)
    s.flush()
    for domain, grade in sub.grades.items():
        s.add(AuditGrade(audit_id=a.id, domain=domain, grade=grade,
                         narrative=sub.narratives.get(domain, "").strip()))
    for question, answer in sub.answers.items():
        s.add(AuditAnswer(audit_id=a.id, question=question, answer=answer))
    for text, theme in sub.findings:
        if text.strip():
            s.add(AuditFinding(audit_id=a.id, text=text.strip(), theme=theme.strip()))


def add_action(s: Session, actor: Principal, ref: str, *, title: str, lead: str,
               due: date) -> str:
    """An action from the audit, in the shared tracker; its reference."""
    a = get(s, ref)
    n = len(actions_from(s, SOURCE, [str(a.id)])) + 1
    action = create(s, actor, ActionDraft(ref=f"{a.ref}-A{n}", title=title, lead=lead,
                                          due=due, source_kind=SOURCE, source_id=str(a.id)))
    return action.ref


def to_moderate(refs: Sequence[str], share: float = MODERATION_SHARE) -> list[str]:
    """The audits chosen for moderation: ``ceil(share × n)`` of the ``n`` given, by a
    fixed hash of each reference (so the choice does not depend on the order or the day
    it is asked)."""
    if not 0 <= share <= 1:
        raise ValueError("the moderation share is between 0 and 1")
    n = math.ceil(share * len(refs))
    return sorted(sorted(refs, key=lambda r: hashlib.sha256(r.encode()).hexdigest())[:n])


def moderate(s: Session, moderator: Principal, ref: str, tool: Tool, *, grade: str,
             reason: str, on: date) -> AuditModeration:
    """The moderator's overall grade, which stands; a different grade needs a reason."""
    a = get(s, ref)
    if a.status != "submitted":
        raise AuditError(f"{ref} is not submitted yet")
    if moderator.role not in MODERATOR_ROLES:
        raise AuditError(f"moderation needs one of: {', '.join(MODERATOR_ROLES)}")
    if a.auditor_id == moderator.user_id:
        raise AuditError("the auditor cannot moderate their own audit")
    if grade not in tool.scale.grades:
        raise AuditError(f"grade {grade!r} is not on the tool's scale")
    if grade != a.overall_grade and not reason.strip():
        raise AuditError("a change of grade needs the reason")
    if s.scalar(select(AuditModeration.id).where(AuditModeration.audit_id == a.id)):
        raise AuditError(f"{ref} is already moderated")
    m = AuditModeration(audit_id=a.id, moderator_id=moderator.user_id, on=on,
                        auditor_grade=a.overall_grade, grade=grade, reason=reason.strip())
    s.add(m)
    return m


def final_band(a: Audit, moderation: AuditModeration | None, tool: Tool) -> str:
    """The grade that stands, as an Ofsted band: the moderator's where moderated."""
    return tool.scale.band(moderation.grade) if moderation else a.overall_band


def dip_sample(s: Session, lead: Principal, action_ref: str, *, happened: bool,
               note: str, on: date) -> AuditDipSample:
    """The lead auditor records whether an audit action really happened."""
    action = get_action(s, action_ref)
    if action.source_kind != SOURCE:
        raise AuditError(f"{action_ref} is not an audit action")
    if lead.role not in MODERATOR_ROLES:
        raise AuditError(f"dip sampling needs one of: {', '.join(MODERATOR_ROLES)}")
    d = AuditDipSample(action_id=action.id, sampled_by=lead.user_id, on=on,
                       happened=happened, note=note.strip())
    s.add(d)
    return d


def re_audit(s: Session, ref: str, month: str, *, auditor: str | None = None) -> Audit:
    """A new audit of the same subject on the same tool, linked to the first."""
    first = get(s, ref)
    if first.status != "submitted":
        raise AuditError(f"{ref} is not submitted: finish it before re-auditing")
    uid = s.scalar(select(User.id).where(User.username == auditor)) if auditor else None
    a = Audit(ref=f"{first.ref}-R{month}", tool_id=first.tool_id, month=month,
              subject_kind=first.subject_kind, subject_id=first.subject_id,
              team_id=first.team_id, service_id=first.service_id,
              sample_reason=f"re-audit after {first.ref}", auditor_id=uid,
              status="allocated", overall_grade="", overall_band="", family_words="",
              re_audit_of=first.id)
    s.add(a)
    s.flush()
    return a


def moderations(s: Session, ids: Sequence[int]) -> Mapping[int, AuditModeration]:
    return {m.audit_id: m for m in s.scalars(
        select(AuditModeration).where(AuditModeration.audit_id.in_(list(ids))))}
