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
    out += _catalogue_by_code() + _readings()
    return "\n".join(out)


def _catalogue_by_code() -> list[str]:
    """Every DfE code of the published lists by collection, with its years and status."""
    from lantern.ingest.rules.catalogue import catalogue

    out = ["## Every DfE rule by code, with its years", "",
           "The DfE's published rule lists, 2022-23 to 2025-26 (SSDA903 also 2026-27), "
           "as `lantern rules` prints them. *not implemented* means Lantern does not check "
           "the rule yet: run DfE's own validator or another for those.", ""]
    for fmt, title in FORMATS.items():
        entries = [e for e in catalogue(collection=fmt) if e.dfe_code]
        done = sum(e.status == "implemented" for e in entries)
        out += [f"### {title}: {done} of {len(entries)} implemented", "",
                "| DfE code | severity | years | message | status |", "|---|---|---|---|---|"]
        out += [f"| {e.dfe_code} | {e.severity} | {e.year_span} | {_cell(e.message)} | "
                f"{e.status} |" for e in entries]
        out.append("")
    return out


def _readings() -> list[str]:
    from lantern.ingest.rules.readings import READINGS

    out = ["## Where Lantern reads a rule differently from other validators", "",
           "Compared with Data to Insight's validators on the same files "
           "(bench/RESULTS.md has the rule-by-rule agreement).", ""]
    for r in READINGS:
        out += [f"### {FORMATS[r.collection]} {', '.join(r.codes)}", "",
                f"- Rule: {r.rule_text}", f"- Lantern: {r.lantern}", f"- Why: {r.reason}", ""]
    return out
