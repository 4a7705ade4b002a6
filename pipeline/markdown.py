"""Markdown renderings of a plan: its file table and its DAG as a Mermaid graph."""

from __future__ import annotations

from pipeline.answers import Plan
from pipeline.dag_picture import mermaid_dag

__all__ = ["cell", "mermaid_dag", "render_plan"]


def cell(text: str) -> str:
    """Text made safe for one markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


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
