"""The Judge's 26 checkpoints (100 points): 19 decided by static code checks, 2 by the Flutter
SDK, 1 by the repository's CI, 1 by tracing the named features into the code, 3 by the engine's
judgement.

Each checkpoint decided by code is a function of the finished project returning an Outcome
whose evidence names the file (and the line, where a line decides it). docs/judge.md lists
them all; keep both in step. An app that does not compile (C03, C05, S21), whose CI is red on
the final head (R20) or that lacks a feature the idea names (F23) fails whatever its total.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from pipeline.agents.feature_trace import Trace, trace
from pipeline.agents.flutter_sdk import NOT_RUN, SdkReport
from pipeline.agents.outcome import Outcome, failed, passed
from pipeline.answers import FeatureEvidence, Plan
from pipeline.checks import Diagnostic, check_files, declared_names, imports_of, project_rules
from pipeline.ci_report import LOCAL

ERROR = "error"
WARNING = "warning"
NAME_RULES = ("unknown-name", "missing-import", "unresolved-import", "unknown-prefix")


@dataclass
class Project:
    """The finished project as the Judge sees it."""

    plan: Plan
    files: dict[str, str]
    failed: list[str]
    min_files: int
    max_files: int
    features: list[str] = field(default_factory=list)
    """The features the idea names (the Critic's list): each must be built."""
    sdk: SdkReport = field(default_factory=lambda: SdkReport.unverified(NOT_RUN))
    claims: list[FeatureEvidence] = field(default_factory=list)
    """The engine's evidence for each feature, checked by F23."""
    ci: Outcome = field(default_factory=lambda: Outcome.unverified(LOCAL))
    """The repository's CI on the final head (R20), read by the GitHub App."""

    @cached_property
    def diagnostics(self) -> list[Diagnostic]:
        return check_files(self.files) + project_rules(self.files)

    @cached_property
    def imports(self) -> dict[str, set[str]]:
        return {p: imports_of(p, self.files) for p in self.files if p.endswith(".dart")}

    @cached_property
    def traces(self) -> list[Trace]:
        return trace(self.features, self.claims, self.files)

    def findings(self, rules: tuple[str, ...], *, warnings: bool) -> list[Diagnostic]:
        """Diagnostics of the given rules: errors, and warnings too when `warnings`."""
        severities = (ERROR, WARNING) if warnings else (ERROR,)
        return [d for d in self.diagnostics if d.severity in severities and d.rule in rules]

    def reachable_from(self, start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            path = todo.pop()
            if path in seen or path not in self.files:
                continue
            seen.add(path)
            todo.extend(self.imports.get(path, ()))
        return seen

    def lib_files(self, folder: str) -> list[str]:
        prefix = f"lib/{folder}/"
        return sorted(p for p in self.files if p.startswith(prefix) and p.endswith(".dart"))

    def line_of(self, path: str, pattern: re.Pattern[str]) -> int | None:
        """The 1-based line of `path` where `pattern` first matches, or None."""
        match = pattern.search(self.files.get(path, ""))
        return None if match is None else self.files[path].count("\n", 0, match.start()) + 1


Decider = Callable[[Project], Outcome]


@dataclass(frozen=True)
class Checkpoint:
    id: str
    title: str
    points: int
    decide: Decider | None = None
    """None means the engine judges it; `question` is then what it is asked."""
    question: str = ""
    decided_by: str = "code"
    """`code`, `sdk` or `trace`; engine-judged checkpoints take the engine's name."""


def _first(diags: list[Diagnostic], passed_text: str, *, blocks: bool = False) -> Outcome:
    if not diags:
        return passed(passed_text)
    d = diags[0]
    more = f" (+{len(diags) - 1} more)" if len(diags) > 1 else ""
    return failed(f"{d.file}:{d.line} [{d.rule}] {d.message}{more}", blocks=blocks)


def _all(items: list[str], what: str, missing: list[str], passed_text: str = "") -> Outcome:
    if missing:
        more = f" (+{len(missing) - 1} more)" if len(missing) > 1 else ""
        return failed(f"{missing[0]}: {what}{more}")
    return passed(passed_text or f"all {len(items)} checked")


def _planned_present(p: Project) -> Outcome:
    planned = [f.path for f in p.plan.files]
    return _all(planned, "planned but missing", [x for x in planned if x not in p.files],
                f"all {len(planned)} planned files are present")


def _dart_count(p: Project) -> Outcome:
    n = sum(1 for x in p.files if x.endswith(".dart"))
    text = f"{n} Dart files (range {p.min_files}-{p.max_files})"
    return passed(text) if p.min_files <= n <= p.max_files else failed(text)


def _rule(*rules: str, warnings: bool = False) -> Decider:
    what = "findings" if warnings else "errors"
    return lambda p: _first(p.findings(rules, warnings=warnings), f"no {'/'.join(rules)} {what}")


def _syntax(p: Project) -> Outcome:
    dart = sum(1 for x in p.files if x.endswith(".dart"))
    return _first(p.findings(("syntax",), warnings=False),
                  f"all {dart} Dart files parse", blocks=True)


def _all_errors(p: Project) -> Outcome:
    errors = [d for d in p.diagnostics if d.severity == ERROR]
    return _first(errors, f"0 errors from the static checks over {len(p.files)} files",
                  blocks=True)


def _imported(p: Project) -> Outcome:
    lib = [x for x in p.files if x.startswith("lib/") and x.endswith(".dart")]
    used = set().union(*p.imports.values()) if p.imports else set()
    orphans = [x for x in lib if x != "lib/main.dart" and x not in used]
    return _all(lib, "nothing imports it", orphans,
                f"each of {len(lib) - 1} lib files is imported (lib/main.dart is the entry)")


def _edges_real(p: Project) -> Outcome:
    missing = []
    for spec in p.plan.files:
        if not spec.path.endswith(".dart") or spec.path not in p.files:
            continue
        lacking = sorted(d for d in spec.depends_on
                         if d.endswith(".dart") and d not in p.imports.get(spec.path, set()))
        if lacking:
            missing.append(f"{spec.path} (does not import {', '.join(lacking)})")
    edges = sum(1 for f in p.plan.files for d in f.depends_on if d.endswith(".dart"))
    return _all([f.path for f in p.plan.files], "planned dependency not imported", missing,
                f"all {edges} planned Dart edges are imports")


def _exports_declared(p: Project) -> Outcome:
    declared = declared_names(p.files)
    missing = [
        f"{f.path} ({', '.join(sorted(set(f.exports) - declared.get(f.path, set())))})"
        for f in p.plan.files
        if f.path in p.files and f.path.endswith(".dart")
        and not set(f.exports) <= declared.get(f.path, set())
    ]
    count = sum(len(f.exports) for f in p.plan.files)
    return _all([f.path for f in p.plan.files], "planned exports not declared", missing,
                f"all {count} planned exports are declared")


def _entities_reachable(p: Project) -> Outcome:
    from_main = p.reachable_from("lib/main.dart")
    models = p.lib_files("models")
    screens = p.lib_files("screens")
    if not models:
        return failed("lib/models/: no model files")
    unreachable = [x for x in models + screens if x not in from_main]
    return _all(models + screens, "not reachable from lib/main.dart", unreachable,
                f"{len(models)} models and {len(screens)} screens reachable from lib/main.dart")


RUN_APP = re.compile(r"\brunApp\s*\(")


def _main_runapp(p: Project) -> Outcome:
    if "lib/main.dart" not in p.files:
        return failed("lib/main.dart: missing")
    broken = p.findings(("main-runapp",), warnings=False)
    line = p.line_of("lib/main.dart", RUN_APP)
    return _first(broken, f"lib/main.dart:{line} calls runApp" if line else "no main-runapp errors")


def _tested(p: Project) -> Outcome:
    """Every model and state file is imported by a test; models must exist."""
    tests = sorted(x for x in p.files if x.startswith("test/"))
    tested = {d: t for t in reversed(tests) for d in p.imports.get(t, set())}
    models, state = p.lib_files("models"), p.lib_files("state")
    if not models:
        return failed("lib/models/: no model files")
    targets = models + state
    example = f" (e.g. {models[0]} by {tested[models[0]]})" if models[0] in tested else ""
    return _all(targets, "no test imports it", [x for x in targets if x not in tested],
                f"each of {len(targets)} model and state files is imported by a test{example}")


WIDGET_TEST = re.compile(r"\btestWidgets\s*\(")


def _widget_test(p: Project) -> Outcome:
    for path in sorted(x for x in p.files if x.startswith("test/")):
        line = p.line_of(path, WIDGET_TEST)
        if line:
            return passed(f"{path}:{line} calls testWidgets")
    return failed("test/: no file calls testWidgets")


FROM_JSON = re.compile(r"\.fromJson\s*\(")
TO_JSON = re.compile(r"\btoJson\s*\(\s*\)\s*(?:\{|=>)")


def _json_roundtrip(p: Project) -> Outcome:
    models = p.lib_files("models")
    lacking = [m for m in models
               if p.line_of(m, FROM_JSON) is None or p.line_of(m, TO_JSON) is None]
    if lacking or not models:
        return _all(models, "no fromJson/toJson pair", lacking or ["lib/models/"])
    first = models[0]
    return passed(f"{first}:{p.line_of(first, FROM_JSON)} fromJson, "
                  f":{p.line_of(first, TO_JSON)} toJson (and {len(models) - 1} more models)")


def _no_failed(p: Project) -> Outcome:
    if p.failed:
        return failed(f"{p.failed[0]}: failed every attempt (+{len(p.failed) - 1} more)")
    return passed("every file approved by its reviewer")


def _features_built(p: Project) -> Outcome:
    if not p.features:
        return passed("the Critic named no features to trace")
    missing = [t for t in p.traces if t.missing]
    if missing:
        named = "; ".join(f"{t.feature} ({t.missing})" for t in missing)
        return failed(f"not built: {named}", blocks=True)
    return passed("; ".join(f"{t.feature}: {t.found}" for t in p.traces))


CHECKPOINTS: tuple[Checkpoint, ...] = (
    Checkpoint("C01", "Every planned file is present", 3, _planned_present),
    Checkpoint("C02", "Dart file count within range", 1, _dart_count),
    Checkpoint("C03", "Syntax is clean", 3, _syntax),
    Checkpoint("C04", "Every name and import resolves", 3, _rule(*NAME_RULES)),
    Checkpoint("C05", "No analyzer errors", 21, _all_errors),
    Checkpoint("C06", "Every lib file is imported", 2, _imported),
    Checkpoint("C07", "Plan edges are real imports", 2, _edges_real),
    Checkpoint("C08", "Planned exports are declared", 2, _exports_declared),
    Checkpoint("C09", "Entities and screens reachable from main", 3, _entities_reachable),
    Checkpoint("C10", "lib/main.dart calls runApp", 2, _main_runapp),
    Checkpoint("C11", "A test for each model and state class", 3, _tested),
    Checkpoint("C12", "Widget tests present", 2, _widget_test),
    Checkpoint("C13", "No placeholders or TODOs", 2, _rule("placeholder", warnings=True)),
    Checkpoint("C14", "pubspec.yaml valid", 2, _rule(
        "pubspec-missing", "pubspec-invalid", "pubspec-name", "pubspec-sdk", "pubspec-flutter")),
    Checkpoint("C15", "pubspec consistent with imports", 2, _rule("pubspec-missing-dependency")),
    Checkpoint("C16", "analysis_options.yaml present", 1, _rule("analysis-options", warnings=True)),
    Checkpoint("C17", "Nothing under .github/", 1, _rule("github-dir")),
    Checkpoint("C18", "Models round-trip JSON", 2, _json_roundtrip),
    Checkpoint("C19", "Every file passed review", 3, _no_failed),
    Checkpoint("R20", "Repository CI passes on the final head", 1, lambda p: p.ci,
               decided_by="ci"),
    Checkpoint("S21", "flutter analyze: no errors or warnings", 5, lambda p: p.sdk.analyze,
               decided_by="sdk"),
    Checkpoint("S22", "flutter test passes", 5, lambda p: p.sdk.test, decided_by="sdk"),
    Checkpoint("F23", "Every named feature is built", 21, _features_built, decided_by="trace"),
    Checkpoint("J24", "Fits the idea", 4, question=(
        "Does the app implement what the idea asks for: its entities and the actions on them?")),
    Checkpoint("J25", "Empty, loading and error states", 2, question=(
        "Do list screens show an empty state, and do async operations show progress/errors?")),
    Checkpoint("J26", "Navigation makes sense", 2, question=(
        "Can a user reach every screen from home and get back, with sensible titles?")),
)
