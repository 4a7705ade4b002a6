"""The TaskReviewer: static checks first, then the engine's review of one generated file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pipeline.answers import FileReview, FileSpec, Plan
from pipeline.asks import FileReviewAsk
from pipeline.checks import Diagnostic, check_files
from pipeline.context import RunContext
from pipeline.engines.base import Usage
from pipeline.offload import off_loop

WHOLE_PROJECT_RULES = frozenset({"pubspec-unused-dependency"})
"""Findings that only mean something once every file exists; a file under review is judged
with just the files finished before it, so these are left to the Judge."""

TRUNCATED_FEEDBACK = (
    "The answer was cut off at the model's output limit; write the complete file, more concisely."
)

INVALID_FEEDBACK = "The answer could not be used; answer exactly in the requested format."

REFUSED_FEEDBACK = "The model refused to write this file; write it as the spec describes."

REVIEW_FAILED = (
    "The reviewer could not judge this attempt (not a fault of the file); it is reviewed again"
)


@dataclass(frozen=True)
class Verdict:
    approved: bool
    feedback: str
    findings: list[Diagnostic]
    cost: Usage | None = None
    """What the model's answer cost, not yet in the ledger: billed with the attempt."""


def file_findings(files: dict[str, str], path: str) -> list[Diagnostic]:
    """The static-check findings on `path` among `files`, less the whole-project ones."""
    return [d for d in check_files(files, only={path}, factory_rules=True)
            if d.rule not in WHOLE_PROJECT_RULES]


def format_findings(findings: list[Diagnostic]) -> str:
    """Static-check findings as feedback lines a model can act on, each with its fix hint
    when the check knows one ("ListTile has no parameter 'titel'; did you mean 'title'?")."""
    return "\n".join(
        f"{d.file}:{d.line}:{d.column}: {d.rule}: {d.message}" + (f" ({d.fix})" if d.fix else "")
        for d in findings
    )


async def review_file(
    ctx: RunContext, plan: Plan, spec: FileSpec, content: str, context: Mapping[str, str],
    *, model_review: bool = True,
) -> Verdict:
    """Judge one attempt in the context of the files finished so far.

    Errors from the static checks reject the attempt without paying for a model review;
    warnings go to the reviewer as findings, with the file's dependencies beside it (whether
    it compiles depends on them). A file the factory derived itself (`model_review=False`)
    is judged by the static checks alone. The model review is billed with the attempt
    (`Verdict.cost`), so a crash before the attempt is recorded leaves no bill for it.
    """
    diagnostics = await off_loop(file_findings, {**context, spec.path: content}, spec.path)
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors:
        return Verdict(False, "Static checks failed:\n" + format_findings(errors), errors)
    if not model_review:
        return Verdict(True, "derived from the plan and the conventions; static checks clean", [])
    warnings = [format_findings([d]) for d in diagnostics]
    dependencies = {d: context[d] for d in spec.depends_on if d in context}
    ask = FileReviewAsk(idea=ctx.idea, plan=plan, spec=spec, content=content,
                        dependencies=dependencies, findings=warnings)
    review, cost = await ctx.ask_for_attempt(spec.path, ask, FileReview)
    feedback = review.feedback or ("approved" if review.approve else "rejected without feedback")
    return Verdict(review.approve, feedback, [], cost)
