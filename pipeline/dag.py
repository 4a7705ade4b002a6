"""The file dependency graph: pure, no I/O. Built on `graphlib.TopologicalSorter`.

A node is ready as soon as its own dependencies are done, not when its whole level is;
levels (longest dependency chain below a node, 1-based) are kept for commits and reports.
"""

from __future__ import annotations

import graphlib
from collections.abc import Iterable, Mapping


class CycleError(ValueError):
    """The graph has a cycle; `cycle` lists the nodes that form it."""

    def __init__(self, cycle: list[str]) -> None:
        super().__init__("dependency cycle: " + " -> ".join(cycle))
        self.cycle = cycle


class Dag:
    """Nodes and their dependencies, with "what is ready" and "mark done"."""

    def __init__(self, deps: Mapping[str, Iterable[str]]) -> None:
        self.deps: dict[str, frozenset[str]] = {n: frozenset(d) for n, d in deps.items()}
        unknown = sorted({d for ds in self.deps.values() for d in ds} - set(self.deps))
        if unknown:
            raise KeyError(f"dependencies on unknown nodes: {', '.join(unknown)}")
        self._sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter(self.deps)
        try:
            self._sorter.prepare()
        except graphlib.CycleError as exc:
            raise CycleError(list(exc.args[1])) from None
        self.levels: dict[str, int] = self._compute_levels()

    def _compute_levels(self) -> dict[str, int]:
        order = graphlib.TopologicalSorter(self.deps).static_order()
        levels: dict[str, int] = {}
        for node in order:
            levels[node] = 1 + max((levels[d] for d in self.deps[node]), default=0)
        return levels

    @property
    def level_count(self) -> int:
        return max(self.levels.values(), default=0)

    def by_level(self) -> list[list[str]]:
        """Nodes grouped by level, each group sorted."""
        groups: list[list[str]] = [[] for _ in range(self.level_count)]
        for node, level in self.levels.items():
            groups[level - 1].append(node)
        return [sorted(g) for g in groups]

    def heights(self) -> dict[str, int]:
        """Length of the longest chain of dependents hanging below each node (a sink is 1).

        Starting the tallest ready node first is what keeps a run near its critical path.
        """
        below: dict[str, set[str]] = {n: set() for n in self.deps}
        for node, deps in self.deps.items():
            for dep in deps:
                below[dep].add(node)
        heights: dict[str, int] = {}
        for node in sorted(self.deps, key=lambda n: -self.levels[n]):
            heights[node] = 1 + max((heights[b] for b in below[node]), default=0)
        return heights

    def dependents(self, node: str) -> set[str]:
        """Every node that depends on `node`, directly or transitively."""
        found: set[str] = set()
        frontier = {node}
        while frontier:
            nxt = {n for n, ds in self.deps.items() if ds & frontier} - found
            found |= nxt
            frontier = nxt
        return found

    def closure(self, node: str) -> set[str]:
        """Every node `node` depends on, directly or transitively."""
        found: set[str] = set()
        frontier = set(self.deps[node])
        while frontier:
            found |= frontier
            frontier = {d for n in frontier for d in self.deps[n]} - found
        return found

    def ready(self) -> list[str]:
        """Nodes that became ready since the last call (each node is returned once)."""
        return sorted(self._sorter.get_ready())

    def done(self, node: str) -> None:
        """Mark a node done, so that its dependents may become ready."""
        self._sorter.done(node)

    def is_active(self) -> bool:
        """True while some node is not yet done."""
        return self._sorter.is_active()


def find_cycle(deps: Mapping[str, Iterable[str]]) -> list[str] | None:
    """The nodes of one cycle, or None (unknown dependencies are ignored here)."""
    known = {n: [d for d in ds if d in deps] for n, ds in deps.items()}
    try:
        graphlib.TopologicalSorter(known).prepare()
    except graphlib.CycleError as exc:
        return list(exc.args[1])
    return None
