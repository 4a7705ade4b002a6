"""The offline file reviewer: approves a file only when checks are clean and it is complete."""

from __future__ import annotations

import re

from pipeline.answers import FileReview
from pipeline.asks import FileReviewAsk
from pipeline.engines.offline.dart_scan import declared_names, imported_paths

APPROVED = "Static checks clean, every planned export declared and every planned import present."


def review_file(ask: FileReviewAsk) -> FileReview:
    """Reject with what to fix: check findings, missing exports, missing planned imports."""
    problems = [f"fix the static check finding: {f}" for f in ask.findings]
    path = ask.spec.path
    if path.endswith(".dart"):
        declared = declared_names(ask.content)
        for name in ask.spec.exports:
            if name not in declared:
                problems.append(f"declare the planned export `{name}` in {path}")
        imported = imported_paths(path, ask.content, ask.plan.app_name)
        for dep in ask.spec.depends_on:
            if dep.endswith(".dart") and dep not in imported:
                problems.append(f"import {dep} ({_package_uri(ask.plan.app_name, dep)})")
    if problems:
        return FileReview(approve=False, feedback="\n".join(problems))
    return FileReview(approve=True, feedback=APPROVED)


def _package_uri(app: str, path: str) -> str:
    return re.sub(r"^lib/", f"package:{app}/", path)
