"""The plan's DAG as a Mermaid flowchart a person reads at a glance (the report, the check run).

Dependencies run left to right. Only the edges no other path implies are drawn (the
transitive reduction); configuration files and widely used leaf utilities sit in boxes of
their own without edges, since nearly every file depends on them; files are grouped by layer
(models, data, state, widgets, screens, app, tests) and filled by status.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

from pipeline.answers import Plan

NODE_ID = re.compile(r"[^A-Za-z0-9_]")
MAX_NODES = 60
"""Beyond this a Mermaid graph stops being readable in a PR; the table still lists all."""
UTILITY_FAN_IN = 3
"""A leaf outside the models used by at least this many files is a shared utility."""
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("models", ("lib/models/", "lib/domain/")),
    ("data", ("lib/data/", "lib/services/", "lib/repositories/", "lib/api/")),
    ("state", ("lib/state/", "lib/providers/", "lib/notifiers/", "lib/blocs/",
               "lib/controllers/")),
    ("widgets", ("lib/widgets/", "lib/components/")),
    ("screens", ("lib/screens/", "lib/pages/", "lib/views/")),
    ("tests", ("test/", "integration_test/")),
)
"""Layer name -> path prefixes, in the order the boxes are declared; other Dart files are
`app` (entry point, routing, theme)."""
APP_LAYER, CONFIG_BOX, SHARED_BOX = "app", "config", "shared"
BOX_TITLES = {CONFIG_BOX: "config · used by every file", SHARED_BOX: "shared · used widely"}
SPACING = '%%{init: {"flowchart": {"nodeSpacing": 15, "rankSpacing": 50}}}%%'
"""Tighter than Mermaid's defaults, so a 40-file plan fits a PR page's width."""
STATUS_STYLES = {
    "done": "fill:#d4f7d4,stroke:#2e7d32", "failed": "fill:#f7d4d4,stroke:#c62828",
    "running": "fill:#fff3c4,stroke:#f9a825", "blocked": "fill:#e0e0e0,stroke:#757575",
}
"""Mermaid style per file status; pending files keep the theme's default."""


def layer_of(path: str) -> str:
    """The layer a file belongs to, by its directory."""
    if not path.endswith(".dart"):
        return CONFIG_BOX
    return next((name for name, prefixes in LAYERS if path.startswith(prefixes)), APP_LAYER)


def _reduced(deps: Mapping[str, set[str]]) -> list[tuple[str, str]]:
    """The (dependency, dependent) edges that no longer path already implies."""
    reach: dict[str, set[str]] = {}

    def below(node: str) -> set[str]:
        if node not in reach:
            reach[node] = set()
            for dep in deps[node]:
                reach[node] |= {dep} | below(dep)
        return reach[node]

    return [(dep, node) for node in deps for dep in sorted(deps[node])
            if not any(dep in below(other) for other in deps[node] if other != dep)]


def _node(path: str) -> str:
    return "n_" + NODE_ID.sub("_", path)


def mermaid_dag(plan: Plan, levels: list[list[str]], status: dict[str, str] | None = None) -> str:
    """A Mermaid flowchart of the plan: boxes by layer, reduced edges, nodes styled by status."""
    status = status or {}
    order = [path for group in levels for path in group][:MAX_NODES]
    shown = set(order)
    deps = {f.path: {d for d in f.depends_on if d in shown} for f in plan.files
            if f.path in shown}
    fan_in = Counter(d for ds in deps.values() for d in ds)
    box = {p: layer_of(p) for p in order}
    for path in order:
        if box[path] not in (CONFIG_BOX, "models") and fan_in[path] >= UTILITY_FAN_IN and not (
                deps[path] - {p for p in shown if box[p] == CONFIG_BOX}):
            box[path] = SHARED_BOX
    graph = {p: {d for d in ds if box[d] not in (CONFIG_BOX, SHARED_BOX)}
             for p, ds in deps.items() if box[p] not in (CONFIG_BOX, SHARED_BOX)}
    lines = ["```mermaid", SPACING, "flowchart LR"]
    for name in (CONFIG_BOX, SHARED_BOX, *(n for n, _ in LAYERS[:-1]), APP_LAYER, "tests"):
        members = [p for p in order if box[p] == name]
        if not members:
            continue
        lines.append(f'  subgraph {name}["{BOX_TITLES.get(name, name)}"]')
        if name in BOX_TITLES:  # no edges in or out, so Mermaid honours it: a narrow column
            lines.append("    direction LR")
        for path in members:
            used = f" ← {fan_in[path]}" if name == SHARED_BOX else ""
            lines.append(f'    {_node(path)}["{path.rsplit("/", 1)[-1]}{used}"]')
        lines.append("  end")
    lines += [f"  {_node(dep)} --> {_node(path)}" for dep, path in _reduced(graph)]
    for kind, style in STATUS_STYLES.items():
        nodes = [_node(p) for p in order if status.get(p) == kind]
        if nodes:
            lines.append(f"  classDef {kind} {style}")
            lines.append(f"  class {','.join(nodes)} {kind}")
    lines.append("```")
    return "\n".join(lines)
