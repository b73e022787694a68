"""Audit tools as data: one YAML file per tool (``quality/tools/*.yml``, or a folder of
the authority's own in ``LANTERN_AUDIT_TOOLS``) declaring the population sampled, the
domains graded, the grading scale, yes/no practice-standard questions and how the
overall grade is set. A bad tool file is refused with its line and the reason.

Scales
------
- ``ofsted``: outstanding, good, requires_improvement, inadequate (Ofsted's four points);
- ``signs_of_safety``: 0-10 scaling, as Signs of Safety authorities use; 7 and above is
  counted as "good or better", 3 and below as inadequate (``good_from`` and
  ``inadequate_to`` in the file change this).

Every scale maps onto the four Ofsted bands for the indicators (`band`), so audits on
different tools add up in `audits_good_or_better_pct`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

OFSTED = ("outstanding", "good", "requires_improvement", "inadequate")
GRADE_LABELS = {"outstanding": "Outstanding", "good": "Good",
                "requires_improvement": "Requires improvement", "inadequate": "Inadequate"}
POPULATIONS = ("cp_plans_open", "cin_open", "looked_after", "referred_in_month",
               "case_holders")
OVERALL_RULES = ("auditor_judgement", "lowest_domain")
TOOL_IDS = ("child_protection", "children_in_need", "cared_for", "front_door", "supervision")


class ToolError(ValueError):
    """A tool file refused: ``path:line: reason``."""


@dataclass(frozen=True)
class Domain:
    id: str
    title: str


@dataclass(frozen=True)
class Question:
    id: str
    text: str


@dataclass(frozen=True)
class Scale:
    name: str
    good_from: int = 7
    inadequate_to: int = 3

    @property
    def grades(self) -> tuple[str, ...]:
        if self.name == "ofsted":
            return OFSTED
        return tuple(str(n) for n in range(10, -1, -1))

    def band(self, grade: str) -> str:
        """The Ofsted band a grade counts as."""
        if self.name == "ofsted":
            return grade
        n = int(grade)
        if n >= self.good_from:
            return "good" if n < 10 else "outstanding"
        return "inadequate" if n <= self.inadequate_to else "requires_improvement"

    def label(self, grade: str) -> str:
        return GRADE_LABELS[grade] if self.name == "ofsted" else f"{grade} out of 10"


@dataclass(frozen=True)
class Tool:
    id: str
    title: str
    population: str
    scale: Scale
    overall: str
    domains: tuple[Domain, ...]
    questions: tuple[Question, ...]

    @property
    def subject(self) -> str:
        return "worker" if self.population == "case_holders" else "child"


def _line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 1


def _find(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key:
                return v
    return None


def parse_tool(text: str, origin: str) -> Tool:
    """The tool in ``text``; ``ToolError`` names ``origin``, the line and the reason."""
    try:
        root = yaml.compose(text)
        doc = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise ToolError(f"{origin}:{mark.line + 1 if mark else 1}: not valid YAML "
                        f"({getattr(e, 'problem', e)})") from None
    if not isinstance(doc, dict) or root is None:
        raise ToolError(f"{origin}:1: expected a mapping with id, title, population, "
                        "scale, domains")

    def fail(key: str, reason: str) -> ToolError:
        return ToolError(f"{origin}:{_line(_find(root, key) or root)}: {key}: {reason}")

    for key in ("id", "title", "population", "scale", "domains"):
        if not doc.get(key):
            raise fail(key, "missing")
    if doc["population"] not in POPULATIONS:
        raise fail("population", f"{doc['population']!r}, expected one of "
                   f"{', '.join(POPULATIONS)}")
    scale = doc["scale"]
    if scale not in ("ofsted", "signs_of_safety"):
        raise fail("scale", f"{scale!r}, expected ofsted or signs_of_safety")
    overall = doc.get("overall", "auditor_judgement")
    if overall not in OVERALL_RULES:
        raise fail("overall", f"{overall!r}, expected one of {', '.join(OVERALL_RULES)}")
    domains = _items(doc["domains"], "domains", ("id", "title"), fail)
    questions = _items(doc.get("questions") or [], "questions", ("id", "text"), fail)
    return Tool(str(doc["id"]), str(doc["title"]), str(doc["population"]),
                Scale(scale, int(doc.get("good_from", 7)), int(doc.get("inadequate_to", 3))),
                overall, tuple(Domain(d["id"], d["title"]) for d in domains),
                tuple(Question(q["id"], q["text"]) for q in questions))


def _items(items: Any, key: str, fields: tuple[str, ...], fail: Any) -> list[dict[str, str]]:
    if not isinstance(items, list) or (key == "domains" and not items):
        raise fail(key, "expected a list of {" + ", ".join(fields) + "}")
    seen = set()
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict) or any(not item.get(f) for f in fields):
            raise fail(key, f"item {n}: expected {', '.join(fields)}")
        if item["id"] in seen:
            raise fail(key, f"item {n}: id {item['id']!r} appears twice")
        seen.add(item["id"])
    return items


def load_tools(folder: str | Path | None = None) -> dict[str, Tool]:
    """Every tool: the folder given, ``LANTERN_AUDIT_TOOLS``, or the ones shipped."""
    folder = folder or os.environ.get("LANTERN_AUDIT_TOOLS")
    if folder:
        files = [(p.name, p.read_text("utf-8")) for p in sorted(Path(folder).glob("*.yml"))]
        origin = str(folder)
    else:
        base = resources.files("lantern.quality") / "tools"
        files = [(p.name, p.read_text("utf-8")) for p in sorted(base.iterdir(),
                                                                key=lambda p: p.name)
                 if p.name.endswith(".yml")]
        origin = "lantern/quality/tools"
    tools = [parse_tool(text, f"{origin}/{name}") for name, text in files]
    return {t.id: t for t in tools}


def get_tool(tool_id: str, tools: dict[str, Tool] | None = None) -> Tool:
    tools = tools if tools is not None else load_tools()
    if tool_id not in tools:
        raise ToolError(f"no audit tool {tool_id!r}: expected one of {', '.join(sorted(tools))}")
    return tools[tool_id]
