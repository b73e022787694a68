"""docs/validation-rules.md, generated from the registry so it cannot drift."""

from __future__ import annotations

from lantern.ingest.rules.engine import RULES, Rule

FAMILIES = {
    "structure": "Structure (layout, required fields, types, code sets)",
    "consistency": "Cross-file consistency",
    "logic": "Cross-field logic (Lantern's own checks)",
    "dfe": "DfE validation rules",
}
FORMATS = {"ssda903": "SSDA903 (children looked after)", "cin": "CIN census"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").strip()


def _order(r: Rule) -> tuple[str, str, int, str]:
    code = r.dfe_code or ""
    digits = "".join(ch for ch in code if ch.isdigit())
    return (r.format, r.family, int(digits) if digits else 0, r.id)


def render_rules_markdown() -> str:
    """The validation rule catalogue as Markdown, grouped by format and family."""
    out = [
        "# Validation rules",
        "",
        "Generated from the rule declarations in `src/lantern/ingest/rules/` by",
        "`lantern.ingest.rules.render_rules_markdown()`; do not edit by hand.",
        "",
        "Severity: DfE errors are `error`, DfE queries `query`, Lantern's own plausibility "
        "checks `warning`. Each problem names the file, the row (or XML path), the field, "
        "the value, the rule and what a correct value looks like.",
        "",
    ]
    rules = sorted(RULES.values(), key=_order)
    for fmt, title in FORMATS.items():
        these = [r for r in rules if r.format == fmt]
        out += [f"## {title}: {len(these)} rules", ""]
        for fam, fam_title in FAMILIES.items():
            group = [r for r in these if r.family == fam]
            if not group:
                continue
            out += [f"### {fam_title}", "",
                    "| id | severity | message | fields | tables | expected |",
                    "|---|---|---|---|---|---|"]
            for r in group:
                years = f" (years {r.years[0]}-{r.years[1]})" if r.years else ""
                out.append(
                    f"| `{r.id}` | {r.severity} | {_cell(r.message)}{years} | "
                    f"{_cell(', '.join(r.fields))} | {_cell(', '.join(r.tables))} | "
                    f"{_cell(r.expected)} |")
            out.append("")
    return "\n".join(out)
