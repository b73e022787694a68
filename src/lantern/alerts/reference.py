"""The alert rules reference page, generated from the declarations (docs from the code)."""

from __future__ import annotations

from .model import DEFAULT_ESCALATION, AlertRule, Step
from .rules import RULES


def _steps(steps: tuple[Step, ...], when: str) -> str:
    return "; ".join(f"{s.days} wd {when}: {', '.join(s.roles)}" for s in steps)


def reference_markdown(rules: tuple[AlertRule, ...] = RULES) -> str:
    out = ["# Alert rules", "",
           "Generated from `lantern.alerts.rules`. Working days (wd) as KPIS.md. Default "
           f"escalation: {_steps(DEFAULT_ESCALATION, 'overdue')}.", ""]
    for r in rules:
        params = ", ".join(f"`{k}` = {v}" for k, v in r.params.items()) or "none"
        esc = _steps(r.escalation, "overdue") if r.escalation else "default"
        out += [f"## `{r.id}` — {r.title}", "",
                f"- **Family**: {r.family}",
                f"- **Applies to**: {r.population}",
                f"- **Due**: {r.due}",
                f"- **Parameters**: {params}",
                f"- **Reminders**: {_steps(r.leads, 'before')}",
                f"- **Escalation**: {esc}",
                f"- **Who must act**: {r.actor}",
                f"- **Needs data in**: {', '.join(f'`{t}`' for t in r.requires)}", ""]
        if r.expire_after_days is not None:
            out.insert(-1, f"- **Shown until**: {r.expire_after_days} days after the due date")
    return "\n".join(out)
