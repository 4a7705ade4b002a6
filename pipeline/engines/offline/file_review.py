"""The offline file reviewer: approves a file only when it parses and is complete.

The pipeline rejects static-check errors before a reviewer is asked, so `findings` holds
warnings: they go back with the verdict but do not block it, since a deterministic writer
would only write the same file again. What blocks is checked here: syntax, planned exports,
planned imports, and YAML that loads.
"""

from __future__ import annotations

import re

import yaml

from pipeline.answers import FileReview
from pipeline.asks import FileReviewAsk
from pipeline.checks import check_files, declared_names, imports_of

APPROVED = "Parses, declares every planned export and imports every planned dependency."
WARNINGS = "Warnings to consider: {warnings}"


def review_file(ask: FileReviewAsk) -> FileReview:
    """Reject with exactly what to fix: a syntax error, missing exports, missing imports."""
    problems: list[str] = []
    path = ask.spec.path
    if path.endswith(".dart"):
        # Stand-ins for the planned files and the package name, so imports resolve.
        files = {"pubspec.yaml": f"name: {ask.plan.app_name}\n"}
        files |= {d: "" for d in ask.spec.depends_on if d.endswith(".dart")}
        files[path] = ask.content
        syntax = [d for d in check_files({path: ask.content}) if d.rule == "syntax"]
        if syntax:
            problems.append(f"fix {path}:{syntax[0].line}: {syntax[0].message}")
        declared = declared_names(files).get(path, set())
        for name in ask.spec.exports:
            if name not in declared:
                problems.append(f"declare the planned export `{name}` in {path}")
        imported = imports_of(path, files)
        for dep in ask.spec.depends_on:
            if dep.endswith(".dart") and dep not in imported:
                problems.append(f"import {dep} ({_package_uri(ask.plan.app_name, dep)})")
    if path.endswith((".yaml", ".yml")):
        try:
            yaml.safe_load(ask.content)
        except yaml.YAMLError as exc:
            problems.append(f"fix the YAML of {path}: {str(exc).splitlines()[0]}")
    notes = [WARNINGS.format(warnings="; ".join(ask.findings))] if ask.findings else []
    if problems:
        return FileReview(approve=False, feedback="\n".join(problems + notes))
    return FileReview(approve=True, feedback="\n".join([APPROVED, *notes]))


def _package_uri(app: str, path: str) -> str:
    return re.sub(r"^lib/", f"package:{app}/", path)
