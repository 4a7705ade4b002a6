"""Markdown renderings of a plan: its file table and its DAG as a Mermaid graph."""

from __future__ import annotations

import re

from pipeline.answers import Plan

NODE_ID = re.compile(r"[^A-Za-z0-9_]")
STATUS_STYLES = {"done": "fill:#d4f7d4", "failed": "fill:#f7d4d4", "running": "fill:#fff3c4"}
"""Mermaid fill per file status."""
MERMAID_MAX_NODES = 60
"""Beyond this a Mermaid graph stops being readable in a PR; the table still lists all."""


def mermaid_dag(plan: Plan, levels: list[list[str]], status: dict[str, str] | None = None) -> str:
    """A Mermaid flowchart of the plan, one subgraph per level, nodes styled by status."""
    status = status or {}
    lines = ["```mermaid", "flowchart LR"]
    shown = {p for group in levels for p in group[:MERMAID_MAX_NODES]}
    for number, group in enumerate(levels, start=1):
        lines.append(f"  subgraph L{number}[level {number}]")
        for path in group:
            if path in shown:
                lines.append(f'    {_node(path)}["{path.rsplit("/", 1)[-1]}"]')
        lines.append("  end")
    for spec in plan.files:
        for dep in spec.depends_on:
            if dep in shown and spec.path in shown:
                lines.append(f"  {_node(dep)} --> {_node(spec.path)}")
    for kind, style in STATUS_STYLES.items():
        nodes = [_node(p) for p, s in sorted(status.items()) if s == kind and p in shown]
        if nodes:
            lines.append(f"  classDef {kind} {style}")
            lines.append(f"  class {','.join(nodes)} {kind}")
    lines.append("```")
    return "\n".join(lines)


def cell(text: str) -> str:
    """Text made safe for one markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _node(path: str) -> str:
    return "n_" + NODE_ID.sub("_", path)


def render_plan(plan: Plan, levels: list[list[str]]) -> str:
    """The approved plan as markdown: summary, Mermaid DAG and the file table by level."""
    level_of = {p: n for n, group in enumerate(levels, start=1) for p in group}
    lines = [
        f"## Plan: {plan.title}",
        "",
        plan.summary,
        "",
        f"{len(plan.files)} files ({len(plan.dart_files)} Dart) in {len(levels)} DAG levels; "
        f"entities: {', '.join(plan.entities) or '—'}; "
        f"packages: {', '.join(plan.packages) or '—'}.",
        "",
        mermaid_dag(plan, levels),
        "",
        "| Level | File | Purpose | Exports | Depends on |",
        "|---:|---|---|---|---|",
    ]
    for spec in sorted(plan.files, key=lambda f: (level_of.get(f.path, 0), f.path)):
        lines.append(
            f"| {level_of.get(spec.path, '?')} | `{spec.path}` | {cell(spec.purpose)} | "
            f"{', '.join(spec.exports) or '—'} | {', '.join(spec.depends_on) or '—'} |"
        )
    if plan.features:
        lines += ["", "| Feature | Files that implement it |", "|---|---|"]
        lines += [f"| {cell(f.feature)} | "
                  f"{', '.join(f'`{p}`' for p in f.files) or cell('none: ' + f.note)} |"
                  for f in plan.features]
    return "\n".join(lines)
