"""docs/validation-rules.md, generated from the registry so it cannot drift."""

from __future__ import annotations

import inspect
from collections import Counter

from lantern.ingest.rules.engine import RULES, Rule, rule

FAMILIES = {
    "structure": "Structure (layout, required fields, types, code sets)",
    "consistency": "Cross-file consistency",
    "logic": "Cross-field logic (Lantern's own checks)",
    "dfe": "DfE validation rules",
}
FORMATS = {"ssda903": "SSDA903 (children looked after)", "cin": "CIN census",
           "ssd": "Local tables (`lantern template TABLE`)"}


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
    out += _catalogue_by_code() + _unchecked() + _readings()
    return "\n".join(out + how_to_add())


def _example() -> Rule:
    """The worked example: the shortest DfE rule declared with `@rule` on a function of
    its own (not made by a factory)."""
    own = [r for r in RULES.values() if r.dfe_code and "<locals>" not in r.check.__qualname__]
    return min(own, key=lambda r: (len(inspect.getsource(r.check)), r.id))


def how_to_add() -> list[str]:
    """The "How to add a validation rule" section, generated from the registry: where
    rules are declared (with how many each module holds), the declaration's parameters
    from `rule`'s signature, and a real declaration as the example."""
    modules = Counter(r.check.__module__ for r in RULES.values())
    params = [p for p in inspect.signature(rule).parameters.values()]
    out = ["## How to add a validation rule", "",
           "1. Choose the module for the rule's format and family (declared rules per "
           "module today):", ""]
    out += [f"   - `{m.replace('.', '/')}.py`: {n}" for m, n in sorted(modules.items())]
    out += ["", "2. Write a check function and declare it with `@rule(...)` right above it. "
            "The check receives a `Context` and yields a `Finding` (table, row, field, "
            "value) for each row that breaks the rule; the engine adds the message, "
            "severity and expected value. Parameters of `@rule`:", ""]
    for p in params:
        default = "" if p.default is inspect.Parameter.empty else f" (default `{p.default!r}`)"
        out.append(f"   - `{p.name}`{default}")
    example = _example()
    src = inspect.getsource(example.check)
    out += ["", f"   For example, `{example.id}` (in `{example.check.__module__}`):", "",
            "   ```python", *[f"   {line}".rstrip() for line in src.rstrip().splitlines()],
            "   ```", "",
            "   A rule about the return as a whole (DfE's \"LA level\" rules, e.g. 2887Q) "
            "is declared with `return_rule(..., count=...)` on a `judge(tally, ctx)`: "
            "`count` adds up what the rule needs from a part of the return (a "
            "`Counter`), and a census read in chunks is judged once on the sum "
            "(`lantern/ingest/rules/cin/returns.py`).", "",
            "3. Add a test with a row that breaks the rule and one that just passes it "
            "(the exact boundary) to the format's rule tests "
            "(`tests/test_rules_ssda903.py` or `tests/test_rules_ssda903_more.py`, "
            "`tests/test_rules_cin.py`).",
            "4. Run `make docs`: this page is regenerated from the declarations, and a "
            "test fails until it is current.", ""]
    return out


def _catalogue_by_code() -> list[str]:
    """Every DfE code of the published lists by collection, with its years and status."""
    from lantern.ingest.rules.catalogue import catalogue

    out = ["## Every DfE rule by code, with its years", "",
           "The DfE's published rule lists, 2022-23 to 2025-26 (SSDA903 also 2026-27), "
           "as `lantern rules` prints them. *not implemented* means Lantern does not check "
           "the rule yet: run DfE's own validator or another for those.", ""]
    for fmt, title in FORMATS.items():
        if fmt == "ssd":
            continue  # local tables have Lantern's rules only, no DfE codes
        entries = [e for e in catalogue(collection=fmt) if e.dfe_code]
        done = sum(e.status == "implemented" for e in entries)
        missing = list(dict.fromkeys(e.dfe_code or e.id for e in entries
                                     if e.status != "implemented"))
        out += [f"### {title}: {done} of {len(entries)} implemented", "",
                f"Not implemented: {', '.join(missing)}." if missing else
                "Every code of the list is implemented; none is deliberately left out.", "",
                "| DfE code | severity | years | message | status |", "|---|---|---|---|---|"]
        out += [f"| {e.dfe_code} | {e.severity} | {e.year_span} | {_cell(e.message)} | "
                f"{e.status} |" for e in entries]
        out.append("")
    return out


def _unchecked() -> list[str]:
    from lantern.ingest.rules.unchecked import UNCHECKED

    if not UNCHECKED:
        return []
    out = ["## Rules Lantern deliberately does not check", "",
           "Listed as *not implemented* above; each needs data a return does not carry.", "",
           "| collection | DfE codes | why not |", "|---|---|---|"]
    out += [f"| {FORMATS[u.collection]} | {', '.join(u.codes)} | {_cell(u.reason)} |"
            for u in UNCHECKED]
    return [*out, ""]


def _readings() -> list[str]:
    from lantern.ingest.rules.readings import READINGS

    out = ["## Where Lantern reads a rule differently from other validators", "",
           "Compared with Data to Insight's validators on the same files "
           "(bench/RESULTS.md has the rule-by-rule agreement).", ""]
    for r in READINGS:
        out += [f"### {FORMATS[r.collection]} {', '.join(r.codes)}", "",
                f"- Rule: {r.rule_text}", f"- Lantern: {r.lantern}", f"- Why: {r.reason}", ""]
    return out
