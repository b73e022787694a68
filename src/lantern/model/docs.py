"""The data dictionary page, generated from the model declaration (docs/data-dictionary.md)."""

from __future__ import annotations

from lantern.model import code_sets, tables


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
    lines += ["## Code sets", ""]
    for name, members in sets.items():
        shown = "; ".join(f"`{k}` {v}" for k, v in members.items())
        lines += [f"- **{name}**: {shown}"]
    return "\n".join(lines) + "\n"
