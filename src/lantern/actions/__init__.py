"""One action tracker for every source of actions: the improvement plan, audits, deep
dives, meetings.

An action (``models.Action``) has a reference, title, outcome sought, lead (a user), due
date, status (``not_started``, ``in_progress``, ``done_awaiting_impact``, ``signed_off``,
``cancelled`` with a reason), its source, linked indicators (each optionally with the
action's own success target), linked inspection recommendations, dated updates, a
quarterly outcome statement, evidence (text, link, or a file kept under LANTERN_HOME by
its SHA-256) and impact records. Every field change is written once to
``action_history``, which the database keeps append-only. Its RAG is derived, never
typed (``rag``), and it is signed off only through the gate (``signoff``).

How another source attaches its actions
---------------------------------------
1. Pick a ``source_kind`` (a short lower_snake name: ``audit``, ``deep_dive``,
   ``meeting``…) and add it to ``SOURCES`` below with the label people read and the web
   path of the source page (``{source_id}`` is filled in).
2. Create actions with ``tracker.create(session, actor, ActionDraft(..., source_kind=KIND,
   source_id=str(your_record.id)))`` inside your own transaction (or
   ``ActionTracker.create`` for a transaction of its own). References are unique across
   all sources: prefix yours (e.g. ``AUD-2024-07-1``).
3. List them with ``tracker.actions_from(session, KIND, [ids])``; change them only through
   ``update`` / ``change_status`` / ``add_update`` / ``add_evidence`` /
   ``record_impact`` / ``signoff.sign_off`` so the history stays whole. Do not write the
   tables directly. "My actions" (``tracker.my_actions``) then includes them, and the
   action page (``/actions/{ref}``) shows them whatever their source.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SourceKind:
    label: str
    path: str  # web path of the source, with ``{source_id}``


SOURCES: dict[str, SourceKind] = {
    "plan_objective": SourceKind("Improvement plan", "/plan#objective-{source_id}"),
    "deep_dive": SourceKind("Deep dive", "/deep-dives/{source_id}"),
    "meeting": SourceKind("Meeting", "/meetings/{source_id}"),
    "audit": SourceKind("Case audit", "/audits/{source_id}"),
}


def source_label(kind: str) -> str:
    found = SOURCES.get(kind)
    return found.label if found else kind.replace("_", " ").capitalize()


def source_path(kind: str, source_id: str) -> str | None:
    """The web page of an action's source (None for a source with no page yet)."""
    found = SOURCES.get(kind)
    return found.path.format(source_id=source_id) if found else None
