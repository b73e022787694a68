"""Regenerate the docs pages that are generated from declarations (`make docs`).

Each page is also checked by a test, which fails until this is run after a change to
the model, the indicator catalogue, the validation rules or the alert rules.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lantern.alerts.reference import reference_markdown
from lantern.ingest.rules import render_rules_markdown
from lantern.measures.catalogue import render_catalogue_markdown
from lantern.model.docs import render_data_dictionary

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES: dict[str, Callable[[], str]] = {
    "data-dictionary.md": render_data_dictionary,
    "indicators.md": render_catalogue_markdown,
    "validation-rules.md": render_rules_markdown,
    "alerts.md": reference_markdown,
}


def main() -> None:
    for name, render in PAGES.items():
        path = DOCS / name
        text = render()
        changed = not path.exists() or path.read_text(encoding="utf-8") != text
        path.write_text(text, encoding="utf-8")
        print(f"{path.relative_to(DOCS.parent)}: {'updated' if changed else 'unchanged'}")


if __name__ == "__main__":
    main()
