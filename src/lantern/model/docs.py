"""The data dictionary page, generated from the model declaration (docs/data-dictionary.md)."""

from __future__ import annotations

from lantern.model import Column, Table, code_sets, tables


def render_data_dictionary() -> str:
    lines = [
        "# Data dictionary",
        "",
        "Generated from `src/lantern/model/tables.yml` and `codes.yml` by",
        "`lantern.model.docs.render_data_dictionary()`; do not edit by hand.",
        "Tables and columns follow the Standard Safeguarding Dataset (SSD); **local**",
        "marks Lantern's extensions. Every warehouse table also has `_source_file` and",
        "`_source_row` (where each row came from).",
        "",
    ]
    sets = code_sets()
    for t in tables().values():
        origin = "local extension" if t.local else "SSD"
        lines += [f"## `{t.name}` ({origin})", ""]
        if t.description:
            lines += [t.description, ""]
        lines += ["| column | type | key | codes | returns | description |",
                  "|---|---|---|---|---|---|"]
        for c in t.columns:
            key = "PK" if c.primary_key else (f"→ `{c.foreign_key}`" if c.foreign_key else "")
            codes = f"`{c.codes}` ({len(sets[c.codes])})" if c.codes else ""
            desc = ("**local** " if c.local else "") + c.description.replace("|", "/")
            lines.append(f"| `{c.name}` | {c.type}{' (required)' if c.required else ''} | "
                         f"{key} | {codes} | {', '.join(c.returns)} | {desc} |")
        lines.append("")
        if t.local:
            lines += _template_section(t)
    lines += ["## Code sets", ""]
    for name, members in sets.items():
        shown = "; ".join(f"`{k}` {v}" for k, v in members.items())
        lines += [f"- **{name}**: {shown}"]
    return "\n".join(lines) + "\n"


def _template_section(t: Table) -> list[str]:
    """How a council fills the local table's CSV template (`lantern template`)."""
    return [f"Template: `lantern template {t.name}` prints the header line below; save it "
            "as a CSV file (any name), add one row per record and load it with "
            "`lantern ingest FILE.csv`. The file replaces the table's rows as a whole; it "
            "is checked by the `local:` rules in docs/validation-rules.md and refused "
            "whole if any row is wrong.", "",
            "```", ",".join(t.column_names), "```", "",
            "| column | how to fill it |", "|---|---|",
            *[f"| `{c.name}` | {how_to_fill(c).replace('|', '/')} |" for c in t.columns],
            ""]


def how_to_fill(c: Column) -> str:
    """What a person types in a column of a local template, said plainly."""
    parts = ["required" if c.required else "optional (blank when not known)"]
    if c.primary_key:
        parts.append("unique in the file")
    if not c.codes:
        parts.append({"date": "a date as YYYY-MM-DD", "int": "a whole number, 0 or more",
                      "float": "a number, 0 or more (decimals with a point, e.g. 3.5)",
                      "str": "text"}[c.type])
    else:
        members = code_sets()[c.codes]
        parts.append("one of " + ", ".join(f"`{k}` ({v})" for k, v in members.items()))
    for ref, how in ((c.foreign_key, "an existing"), (c.id_list, "ids separated by `;`, "
                                                      "each an existing")):
        if ref:
            ref_table, ref_col = ref.split(".")
            parts.append(f"{how} `{ref_col}` of `{ref_table}` (loaded already or in the "
                         "same ingest)")
    if c.not_before:
        parent, _, earlier = c.not_before.rpartition(".")
        parts.append(f"not before `{earlier}`" + (f" of the `{parent}` row it names"
                                                    if parent else ""))
    if c.description:
        parts.append(c.description)
    if c.identity:
        parts.append("an adult's identity: shown only to the roles configured to see it "
                     "(LANTERN_IDENTITY_ROLES), each view access-logged")
    return "; ".join(parts)
