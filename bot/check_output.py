"""What the Code Factory check run shows: a live progress table, the DAG, and annotations.

https://docs.github.com/rest/checks/runs#update-a-check-run (output limits: 65,535 characters
for summary and text; at most 50 annotations per request).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.answers import Plan
from pipeline.events import FileFailed, Finding
from pipeline.markdown import cell, mermaid_dag
from pipeline.status import RunStatus

CHECK_NAME = "Code Factory"
OUTPUT_LIMIT = 65535
ANNOTATIONS_PER_REQUEST = 50
ANNOTATION_MESSAGE_LIMIT = 64 * 1024 - 1
TRUNCATED = "\n\n… (truncated to fit GitHub's limit)"
CONCLUSION = {
    RunStatus.SUCCEEDED: "success",
    RunStatus.FAILED: "failure",
    RunStatus.KILLED: "failure",
    RunStatus.ERROR: "failure",
    RunStatus.CANCELLED: "cancelled",
}
ANNOTATION_LEVEL = {"error": "failure", "warning": "warning", "notice": "notice"}
GATE_MARK = {True: "✅", False: "❌"}
TABLE_HEAD = (
    "| stage | level | files done | failed | retrying | tokens | cost | elapsed |\n"
    "|---|---|---|---|---|---|---|---|"
)


def fit(text: str, limit: int = OUTPUT_LIMIT) -> str:
    """`text` cut to `limit` characters, saying so when it was cut."""
    if len(text) <= limit:
        return text
    return text[: limit - len(TRUNCATED)] + TRUNCATED


def _elapsed(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"


@dataclass
class Display:
    """The run as the check run shows it, updated event by event."""

    engine: str = ""
    stage: str = "queued"
    level: int = 0
    levels: int = 0
    files_total: int = 0
    files_done: int = 0
    files_failed: int = 0
    files_retrying: int = 0
    tokens: int = 0
    cost_usd: float = 0.0
    elapsed_s: float = 0.0
    gates: list[tuple[str, bool, str]] = field(default_factory=list)
    commits: list[tuple[str, str]] = field(default_factory=list)
    plan: Plan | None = None
    dag_levels: list[list[str]] = field(default_factory=list)
    file_status: dict[str, str] = field(default_factory=dict)
    models: list[str] = field(default_factory=list)
    """Who answers each role (`critic: anthropic · claude-sonnet-4-6`), from the pipeline."""
    votes: list[str] = field(default_factory=list)
    """The latest panel round's votes, each naming its model."""
    notes: list[str] = field(default_factory=list)
    """How the engines had to answer (a feature a server lacks)."""
    ci: list[str] = field(default_factory=list)
    """What the repository's CI reported, what was repaired, whether it went green."""

    def summary(self, headline: str = "") -> str:
        """The markdown table (and gates and commits) for the check run's summary."""
        level = f"{self.level}/{self.levels}" if self.levels else "—"
        files = f"{self.files_done}/{self.files_total}" if self.files_total else "—"
        lines = [headline, ""] if headline else []
        lines += [
            TABLE_HEAD,
            f"| {self.stage} | {level} | {files} | {self.files_failed} | {self.files_retrying} "
            f"| {self.tokens:,} | ${self.cost_usd:.2f} | {_elapsed(self.elapsed_s)} |",
        ]
        if self.gates:
            lines += ["", "**Gates**", ""]
            lines += [f"- {GATE_MARK[ok]} {gate}: {cell(why)}" for gate, ok, why in self.gates]
        if self.commits:
            lines += ["", "**Commits**", ""]
            lines += [f"- `{sha[:7]}` {key}" for key, sha in self.commits]
        for title, items in (("Repository CI", self.ci), ("Panel votes", self.votes),
                             ("Models", self.models), ("Engine notes", self.notes)):
            if items:
                lines += ["", f"**{title}**", "", *(f"- {cell(item)}" for item in items)]
        if self.engine:
            lines += ["", f"Engine: `{self.engine}`"]
        return fit("\n".join(lines))

    def text(self) -> str:
        """The plan's DAG as Mermaid, nodes coloured by file status."""
        if self.plan is None:
            return ""
        return fit(mermaid_dag(self.plan, self.dag_levels, self.file_status))


def finding_notes(findings: list[Finding], title: str) -> list[dict[str, Any]]:
    """Check-run annotations for findings at their lines."""
    return [
        {"path": f.path, "start_line": max(1, f.line), "end_line": max(1, f.line),
         "annotation_level": ANNOTATION_LEVEL[f.severity],
         "message": fit(f.message, ANNOTATION_MESSAGE_LIMIT), "title": title}
        for f in findings
    ]


def annotations_for(event: FileFailed) -> list[dict[str, Any]]:
    """Check-run annotations for a failed file: its findings, or the reviewer's feedback."""
    notes = finding_notes(event.findings, "static check")
    if event.feedback.strip():
        notes.append({
            "path": event.path, "start_line": 1, "end_line": 1, "annotation_level": "failure",
            "title": f"review feedback after {event.attempts} attempts",
            "message": fit(event.feedback, ANNOTATION_MESSAGE_LIMIT),
        })
    return notes


def chunks(items: list[dict[str, Any]], size: int = ANNOTATIONS_PER_REQUEST
           ) -> list[list[dict[str, Any]]]:
    """`items` in requests of at most `size` (GitHub's per-request annotation limit)."""
    return [items[i:i + size] for i in range(0, len(items), size)]
