"""What a quarter's audits say: the quality-assurance indicators of `shared/KPIS.md`
computed over the audits in a window (one definition, used by `lantern audits summary`
and the quarterly report), grades by team, learning themes, moderation agreement, the
audit actions and the lead auditor's dip samples, and the previous quarter beside it.

Definitions (flow over the window's audits):

- ``audits_completed``: audits submitted in the window;
- ``audits_good_or_better_pct``: of those, the grade that stands (the moderator's where
  moderated) good or outstanding;
- ``audits_inadequate_pct``: of those, inadequate;
- ``audit_moderation_agreement_pct``: of audits moderated in the window, the moderator's
  grade equal to the auditor's;
- ``audit_actions_on_time_pct``: of audit actions due in the window, completed (done or
  signed off) on or before the due date;
- ``family_feedback_pct``: of audits submitted, feedback from the child or family
  recorded (their words or a rating).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lantern.actions.models import ActionHistory
from lantern.actions.tracker import actions_from
from lantern.measures.quality import INDICATORS as QA_INDICATORS
from lantern.months import Month
from lantern.quality.audits import SOURCE, final_band, moderations
from lantern.quality.models import Audit, AuditDipSample, AuditFinding, AuditModeration
from lantern.quality.tools import Tool, load_tools

GOOD = ("good", "outstanding")
TITLES = {i.id: i.title for i in QA_INDICATORS}  # declared in the catalogue
DONE = ("done_awaiting_impact", "signed_off")


class QuarterError(ValueError):
    pass


@dataclass(frozen=True)
class Window:
    first: date
    last: date
    label: str

    @classmethod
    def quarter(cls, text: str) -> Window:
        """'2024Q3' -> July to September 2024 (calendar quarters)."""
        t = text.strip().upper()
        if len(t) != 6 or t[4] != "Q" or not t[:4].isdigit() or t[5] not in "1234":
            raise QuarterError(f"quarter {text!r}: expected YYYYQn, e.g. 2024Q3")
        year, q = int(t[:4]), int(t[5])
        first = Month(year, 3 * q - 2)
        return cls(first.first, (first + 2).last, t)

    def previous(self) -> Window:
        year, q = int(self.label[:4]), int(self.label[5])
        return Window.quarter(f"{year - (q == 1)}Q{4 if q == 1 else q - 1}")

    def holds(self, d: date | None) -> bool:
        return d is not None and self.first <= d <= self.last


def pct(n: int, d: int) -> float | None:
    return None if d == 0 else round(100.0 * n / d, 1)


def _submitted(s: Session, w: Window) -> list[Audit]:
    return list(s.scalars(select(Audit).where(Audit.status == "submitted",
                                              Audit.submitted_on >= w.first,
                                              Audit.submitted_on <= w.last)
                          .order_by(Audit.submitted_on, Audit.ref)))


# A tally: indicator -> (breakdown, breakdown value) -> [numerator, denominator]; the
# authority's key is ("authority", "").
Tally = dict[str, dict[tuple[str, str], list[int]]]
PCT_IDS = tuple(k for k in TITLES if k != "audits_completed")


def scope_keys(a: Audit) -> list[tuple[str, str]]:
    """Where one audit counts: the authority, and its service and team when recorded
    (the child's team when sampled)."""
    return [("authority", "")] + [(b, v) for b, v in (("service", a.service_id),
                                                       ("team", a.team_id)) if v]


# Who is behind each indicator in a window: indicator -> [(the audit counted, whether
# it is in the numerator)] (an action or moderation counts under its audit).
Members = dict[str, list[tuple[Audit, bool]]]


def members(s: Session, w: Window, tools: dict[str, Tool]) -> Members:
    """The audits behind each of the six indicators over the window, each with whether
    it is in the numerator: the one definition `tally` counts and the drill-down lists."""
    out: Members = {k: [] for k in TITLES}
    audits = _submitted(s, w)
    mods = moderations(s, [a.id for a in audits])
    for a in audits:
        band = final_band(a, mods.get(a.id), tools[a.tool_id])
        out["audits_completed"].append((a, True))
        out["audits_good_or_better_pct"].append((a, band in GOOD))
        out["audits_inadequate_pct"].append((a, band == "inadequate"))
        out["family_feedback_pct"].append(
            (a, bool(a.family_words.strip()) or a.family_rating is not None))
    for m in s.scalars(select(AuditModeration).where(AuditModeration.on >= w.first,
                                                     AuditModeration.on <= w.last)):
        audit = s.get(Audit, m.audit_id)
        assert audit is not None
        out["audit_moderation_agreement_pct"].append((audit, m.grade == m.auditor_grade))
    due = [a for a in actions_from(s, SOURCE) if w.holds(a.due)]
    done_on = _done_on(s, [a.id for a in due])
    for action in due:
        audit = s.get(Audit, int(action.source_id))
        assert audit is not None
        out["audit_actions_on_time_pct"].append(
            (audit, action.status in DONE and action.id in done_on
             and done_on[action.id] <= action.due))
    return out


def tally(s: Session, w: Window, tools: dict[str, Tool]) -> Tally:
    """The six indicators' counts over the window, for the authority, each service and
    each team: the one count `indicators`, the quarter's summary and the monthly
    indicator rows (`kpi_rows`) all read."""
    out: Tally = {k: {} for k in TITLES}
    for kpi, counted in members(s, w, tools).items():
        for a, hit in counted:
            for key in scope_keys(a):
                cell = out[kpi].setdefault(key, [0, 0])
                cell[0] += hit
                cell[1] += 1
    return out


def indicators(s: Session, w: Window, tools: dict[str, Tool]) -> dict[str, Any]:
    """The six quality-assurance indicators for the window, with their counts."""
    t = tally(s, w, tools)
    out: dict[str, Any] = {"audits_completed": t["audits_completed"].get(
        ("authority", ""), [0, 0])[0]}
    for kpi in PCT_IDS:
        n, d = t[kpi].get(("authority", ""), [0, 0])
        out[kpi] = {"value": pct(n, d), "numerator": n, "denominator": d}
    return out


def _done_on(s: Session, ids: Sequence[int]) -> dict[int, date]:
    """The day each action was first marked done (from its append-only history)."""
    rows = s.execute(select(ActionHistory.action_id, func.min(ActionHistory.at))
                     .where(ActionHistory.action_id.in_(list(ids)),
                            ActionHistory.field == "status",
                            ActionHistory.after.in_(list(DONE)))
                     .group_by(ActionHistory.action_id))
    return {i: at.date() for i, at in rows}


def summary(s: Session, quarter: str, tools: dict[str, Tool] | None = None
            ) -> dict[str, Any]:
    """The quarter's audit summary and the previous quarter's indicators beside it."""
    tools = tools or load_tools()
    w = Window.quarter(quarter)
    audits = _submitted(s, w)
    mods = moderations(s, [a.id for a in audits])
    by_team: dict[str, list[str]] = {}
    for a in audits:
        by_team.setdefault(a.team_id or "unallocated", []).append(
            final_band(a, mods.get(a.id), tools[a.tool_id]))
    themes = Counter(f.theme or "untagged" for f in s.scalars(
        select(AuditFinding).where(AuditFinding.audit_id.in_([a.id for a in audits]))))
    dips = list(s.scalars(select(AuditDipSample).where(AuditDipSample.on >= w.first,
                                                       AuditDipSample.on <= w.last)))
    return {
        "quarter": w.label, "from": w.first.isoformat(), "to": w.last.isoformat(),
        "indicators": indicators(s, w, tools),
        "previous": {"quarter": w.previous().label,
                     "indicators": indicators(s, w.previous(), tools)},
        "by_tool": dict(Counter(a.tool_id for a in audits)),
        "by_team": [{"team": team, "audits": len(b), "good_or_better_pct":
                     pct(sum(x in GOOD for x in b), len(b)),
                     "grades": dict(Counter(b))} for team, b in sorted(by_team.items())],
        "themes": [{"theme": t, "findings": n} for t, n in themes.most_common()],
        "dip_samples": {"sampled": len(dips), "happened": sum(d.happened for d in dips)},
        "re_audits": _re_audits(s, audits, tools),
    }


def _re_audits(s: Session, audits: Sequence[Audit], tools: dict[str, Tool]
               ) -> list[dict[str, str]]:
    """Each re-audit in the window with the grade before and after."""
    out = []
    for a in audits:
        if a.re_audit_of is None:
            continue
        first = s.get(Audit, a.re_audit_of)
        if first is not None:
            mods = moderations(s, [first.id, a.id])
            out.append({"audit": a.ref, "first": first.ref,
                        "before": final_band(first, mods.get(first.id), tools[first.tool_id]),
                        "after": final_band(a, mods.get(a.id), tools[a.tool_id])})
    return out


def bands_by_month(s: Session, w: Window, tools: dict[str, Tool]
                   ) -> list[dict[str, Any]]:
    """For each month of the window, the grades that stand of the audits submitted in
    it, counted by band (the quarterly report's "grades over time")."""
    audits = _submitted(s, w)
    mods = moderations(s, [a.id for a in audits])
    out: dict[str, Counter[str]] = {}
    month = Month(w.first.year, w.first.month)
    while month.first <= w.last:
        out[str(month)] = Counter()
        month = month + 1
    for a in audits:
        assert a.submitted_on is not None
        key = str(Month(a.submitted_on.year, a.submitted_on.month))
        out[key][final_band(a, mods.get(a.id), tools[a.tool_id])] += 1
    return [{"month": m, "grades": dict(c), "audits": sum(c.values())}
            for m, c in out.items()]


def family_feedback(s: Session, w: Window) -> dict[str, Any]:
    """Of the window's audits: the family contacted, feedback recorded, ratings 1-5."""
    audits = _submitted(s, w)
    ratings = Counter(a.family_rating for a in audits if a.family_rating is not None)
    rated = sum(ratings.values())
    return {"audits": len(audits),
            "contacted": sum(a.family_contacted is True for a in audits),
            "feedback": sum(bool(a.family_words.strip()) or a.family_rating is not None
                            for a in audits),
            "ratings": {r: ratings.get(r, 0) for r in range(1, 6)},
            "mean_rating": None if rated == 0 else
            round(sum(r * n for r, n in ratings.items()) / rated, 1)}


def actions_status(s: Session, w: Window) -> dict[str, Any]:
    """The actions raised by the window's audits, by their status now, and those past
    their due date and not done (or cancelled)."""
    acts = actions_from(s, SOURCE, [str(a.id) for a in _submitted(s, w)])
    today = date.today()
    overdue = sum(a.due < today and a.status not in (*DONE, "cancelled") for a in acts)
    return {"actions": len(acts), "by_status": dict(Counter(a.status for a in acts)),
            "overdue": overdue}
