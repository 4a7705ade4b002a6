"""Kill gates: decide, before expensive stages run, whether an idea is worth building."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from pipeline.answers import CriticReport, RiskLevel
from pipeline.status import RunStatus

MIN_CRITIC_SCORE = "min_critic_score"
COMPLIANCE_RISK = "compliance_risk"
CANNIBALIZATION = "cannibalization"
BUDGET = "budget"

WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset(
    "a an and app application for of the to with in on my our your that this is it be by as "
    "or from lets let me we i you can which where who who's into their them they build make "
    "simple small new".split()
)

UNCOUNTED = frozenset({RunStatus.KILLED, RunStatus.ERROR, RunStatus.CANCELLED})
"""Runs that built nothing: a killed, errored or cancelled run of the same idea does not count
against a new one, so trying again after a budget kill or a crash is not a duplicate."""
RESUMABLE = frozenset({RunStatus.FAILED, RunStatus.QUEUED, RunStatus.RUNNING})
"""A duplicate of one of these is better resumed than built again."""


ADVICE = {
    "clarity": "name the things the app keeps and what users do with them "
               "(\"track hives and inspections, search them\")",
    "user_value": "say who it is for and what it helps them do (\"for beekeepers, to see "
                  "which hive needs a visit\")",
    "feasibility": "keep it to what one phone app does with local storage; drop or narrow "
                   "the hardest part",
    "scope": "bound it to two to four kinds of things and a handful of actions",
    "differentiation": "say what is specific about it: the domain, the audience, what it does "
                       "that a generic notes app does not",
}
"""What would raise each criterion: the message of a killed idea says it."""
RISK_ADVICE = ("to pass, leave out the {category} part ({words}) or say plainly that the app "
               "does not touch it")
RISK_WORDS = re.compile(r'"([^"]+)"')


@dataclass(frozen=True)
class GateResult:
    gate: str
    passed: bool
    reason: str


def min_critic_score(report: CriticReport, minimum: float) -> GateResult:
    """Kill ideas whose mean critic score is below `minimum`."""
    weakest = sorted(report.criteria, key=lambda c: c.score)[:2]
    weak = "; ".join(f"{c.name.replace('_', ' ')} {c.score}/10: {c.reason}" for c in weakest)
    if report.score < minimum:
        advice = "; ".join(ADVICE.get(c.name, f"raise {c.name}") for c in weakest)
        return GateResult(
            MIN_CRITIC_SCORE, False,
            f"critic score {report.score:.1f} is below the minimum {minimum:g} (weakest: {weak}). "
            f"To pass: {advice}",
        )
    return GateResult(MIN_CRITIC_SCORE, True, f"critic score {report.score:.1f} ≥ {minimum:g}")


def compliance_risk(report: CriticReport) -> GateResult:
    """Kill ideas the Critic rates a high compliance risk."""
    risk = report.compliance
    if risk.level is RiskLevel.HIGH:
        words = ", ".join(RISK_WORDS.findall(risk.reason)) or risk.category
        advice = RISK_ADVICE.format(category=risk.category, words=words)
        return GateResult(
            COMPLIANCE_RISK, False,
            f"high compliance risk ({risk.category}): {risk.reason}; {advice}",
        )
    return GateResult(COMPLIANCE_RISK, True, f"{risk.level.value} risk ({risk.category})")


def _vector(text: str) -> Counter[str]:
    words = (w.rstrip("s") if len(w) > 3 else w for w in WORD.findall(text.lower()))
    return Counter(w for w in words if w not in STOPWORDS)


def similarity(a: str, b: str) -> float:
    """Cosine similarity of two ideas' content words, 0..1."""
    va, vb = _vector(a), _vector(b)
    dot = sum(va[w] * vb[w] for w in va.keys() & vb.keys())
    norm = math.sqrt(sum(v * v for v in va.values())) * math.sqrt(sum(v * v for v in vb.values()))
    return dot / norm if norm else 0.0


@dataclass(frozen=True)
class Duplicate:
    """The earlier run closest to an idea, and how similar it is (0..1)."""

    run_id: str
    idea: str
    status: RunStatus
    score: float


def closest(idea: str, earlier: list[tuple[str, str, RunStatus]]) -> Duplicate | None:
    """The earlier run that counts (see UNCOUNTED) and is most similar to `idea`."""
    best: Duplicate | None = None
    for run_id, other, status in earlier:
        if status in UNCOUNTED:
            continue
        score = similarity(idea, other)
        if best is None or score > best.score:
            best = Duplicate(run_id, other, status, score)
    return best


def cannibalization(idea: str, earlier: list[tuple[str, str, RunStatus]], threshold: float,
                    allow_duplicate: bool = False) -> GateResult:
    """Kill an idea that duplicates an earlier run's idea, naming that run."""
    found = closest(idea, earlier)
    if found is None:
        return GateResult(CANNIBALIZATION, True, "no earlier ideas" + (
            " that count (killed, errored and cancelled runs do not)" if earlier else ""))
    if found.score < threshold:
        return GateResult(CANNIBALIZATION, True,
                          f"closest earlier idea {found.score:.0%} similar (run {found.run_id})")
    what = (f"duplicates run {found.run_id} ({found.score:.0%} similar, {found.status.value}): "
            f"\"{_short(found.idea)}\"")
    if allow_duplicate:
        return GateResult(CANNIBALIZATION, True, f"{what}; built again as asked (allow_duplicate)")
    instead = "resume that run" if found.status in RESUMABLE else "refine the idea"
    return GateResult(CANNIBALIZATION, False, f"{what}; {instead}, or allow a duplicate")


def budget(projected: float, spent: float, limit: float) -> GateResult:
    """Kill a run whose projected spend exceeds its budget, before code generation."""
    total = projected + spent
    if total > limit:
        return GateResult(
            BUDGET, False,
            f"projected cost ${total:.2f} (spent ${spent:.2f} + codegen ${projected:.2f}) "
            f"exceeds the budget ${limit:.2f}; raise it with --budget",
        )
    return GateResult(BUDGET, True, f"projected cost ${total:.2f} within ${limit:.2f}")


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
