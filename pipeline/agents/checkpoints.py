"""The Judge's 26 checkpoints (100 points): 21 decided by code, 5 by the engine's judgement.

Each code checkpoint is a function of the finished project that returns pass/fail with
evidence naming the file, the line and the check that decided it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from pipeline.answers import Plan
from pipeline.checks import Diagnostic, check_files, declared_names, imports_of, project_rules


@dataclass
class Project:
    """The finished project as the Judge sees it."""

    plan: Plan
    files: dict[str, str]
    failed: list[str]
    plan_approved: bool
    min_files: int
    max_files: int
    levels: int

    @cached_property
    def diagnostics(self) -> list[Diagnostic]:
        return check_files(self.files) + project_rules(self.files)

    @cached_property
    def imports(self) -> dict[str, set[str]]:
        return {p: imports_of(p, self.files) for p in self.files if p.endswith(".dart")}

    def findings(self, rules: tuple[str, ...], *, warnings: bool) -> list[Diagnostic]:
        """Diagnostics of the given rules: errors, and warnings too when `warnings`."""
        severities = ("error", "warning") if warnings else ("error",)
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


Decision = tuple[bool, str]
Decider = Callable[[Project], Decision]


@dataclass(frozen=True)
class Checkpoint:
    id: str
    title: str
    points: int
    decide: Decider | None = None
    """None means the engine judges it; `question` is then what it is asked."""
    question: str = ""


def _first(diags: list[Diagnostic], passed_text: str) -> Decision:
    if not diags:
        return True, passed_text
    d = diags[0]
    more = f" (+{len(diags) - 1} more)" if len(diags) > 1 else ""
    return False, f"{d.file}:{d.line} [{d.rule}] {d.message}{more}"


def _all(items: list[str], what: str, missing: list[str]) -> Decision:
    if missing:
        more = f" (+{len(missing) - 1} more)" if len(missing) > 1 else ""
        return False, f"{missing[0]}: {what}{more}"
    return True, f"all {len(items)} checked"


def _planned_present(p: Project) -> Decision:
    planned = [f.path for f in p.plan.files]
    return _all(planned, "planned but missing", [x for x in planned if x not in p.files])


def _dart_count(p: Project) -> Decision:
    n = sum(1 for x in p.files if x.endswith(".dart"))
    ok = p.min_files <= n <= p.max_files
    return ok, f"{n} Dart files (range {p.min_files}-{p.max_files})"


def _rule(*rules: str, warnings: bool = False) -> Decider:
    what = "findings" if warnings else "errors"
    return lambda p: _first(p.findings(rules, warnings=warnings), f"no {'/'.join(rules)} {what}")


def _all_errors(p: Project) -> Decision:
    return _first([d for d in p.diagnostics if d.severity == "error"], "no errors from the checks")


def _imported(p: Project) -> Decision:
    lib = [x for x in p.files if x.startswith("lib/") and x.endswith(".dart")]
    used = set().union(*p.imports.values()) if p.imports else set()
    orphans = [x for x in lib if x != "lib/main.dart" and x not in used]
    return _all(lib, "nothing imports it", orphans)


def _edges_real(p: Project) -> Decision:
    missing = [
        f"{f.path}" for f in p.plan.files
        if f.path.endswith(".dart") and f.path in p.files
        and not {d for d in f.depends_on if d.endswith(".dart")} <= p.imports.get(f.path, set())
    ]
    return _all([f.path for f in p.plan.files], "does not import every planned dependency", missing)


def _exports_declared(p: Project) -> Decision:
    declared = declared_names(p.files)
    missing = [
        f"{f.path} ({', '.join(sorted(set(f.exports) - declared.get(f.path, set())))})"
        for f in p.plan.files
        if f.path in p.files and f.path.endswith(".dart")
        and not set(f.exports) <= declared.get(f.path, set())
    ]
    return _all([f.path for f in p.plan.files], "planned exports not declared", missing)


def _entities_reachable(p: Project) -> Decision:
    from_main = p.reachable_from("lib/main.dart")
    models = p.lib_files("models")
    screens = p.lib_files("screens")
    unreachable = [m for m in models if m not in from_main]
    unreachable += [s for s in screens if s not in from_main]
    if not models:
        return False, "lib/models/: no model files"
    return _all(models + screens, "not reachable from lib/main.dart", unreachable)


def _main_runapp(p: Project) -> Decision:
    return _rule("main-runapp")(p) if "lib/main.dart" in p.files else (False, "no lib/main.dart")


def _tests_for(folder: str, *, required: bool) -> Decider:
    """Every file under lib/<folder>/ is imported by a test; `required`: the folder must exist."""
    def decide(p: Project) -> Decision:
        tests = [x for x in p.files if x.startswith("test/")]
        tested = set().union(*(p.imports.get(t, set()) for t in tests)) if tests else set()
        targets = p.lib_files(folder)
        if not targets:
            return not required, f"lib/{folder}/: no files"
        return _all(targets, "no test imports it", [x for x in targets if x not in tested])
    return decide


WIDGET_TEST = re.compile(r"\btestWidgets\s*\(")


def _widget_test(p: Project) -> Decision:
    for path, text in sorted(p.files.items()):
        if path.startswith("test/") and WIDGET_TEST.search(text):
            return True, f"{path} calls testWidgets"
    return False, "test/: no file calls testWidgets"


JSON_METHODS = re.compile(r"\bfromJson\b[\s\S]*\btoJson\b|\btoJson\b[\s\S]*\bfromJson\b")


def _json_roundtrip(p: Project) -> Decision:
    models = p.lib_files("models")
    return _all(models, "no fromJson/toJson pair",
                [m for m in models if not JSON_METHODS.search(p.files[m])])


def _no_failed(p: Project) -> Decision:
    if p.failed:
        return False, f"{p.failed[0]}: failed every attempt (+{len(p.failed) - 1} more)"
    return True, "every file approved by its reviewer"


def _plan_approved(p: Project) -> Decision:
    verdict = "approved" if p.plan_approved else "did not approve"
    return p.plan_approved, f"the panel {verdict} a plan of {p.levels} DAG levels"


CHECKPOINTS: tuple[Checkpoint, ...] = (
    Checkpoint("C01", "Every planned file is present", 5, _planned_present),
    Checkpoint("C02", "Dart file count within range", 3, _dart_count),
    Checkpoint("C03", "Syntax is clean", 6, _rule("syntax")),
    Checkpoint("C04", "Every name resolves", 6, _rule("unknown-name", "missing-import")),
    Checkpoint("C05", "Every import resolves", 5, _rule("unresolved-import")),
    Checkpoint("C06", "Static checks clean", 4, _all_errors),
    Checkpoint("C07", "Every lib file is imported", 4, _imported),
    Checkpoint("C08", "Plan edges are real imports", 4, _edges_real),
    Checkpoint("C09", "Planned exports are declared", 4, _exports_declared),
    Checkpoint("C10", "Entities and screens reachable from main", 5, _entities_reachable),
    Checkpoint("C11", "lib/main.dart calls runApp", 3, _main_runapp),
    Checkpoint("C12", "A test for each model", 4, _tests_for("models", required=True)),
    Checkpoint("C13", "A test for each state class", 3, _tests_for("state", required=False)),
    Checkpoint("C14", "Widget tests present", 3, _widget_test),
    Checkpoint("C15", "No placeholders or TODOs", 4, _rule("placeholder", warnings=True)),
    Checkpoint("C16", "pubspec.yaml valid", 3, _rule(
        "pubspec-missing", "pubspec-invalid", "pubspec-name", "pubspec-sdk", "pubspec-flutter")),
    Checkpoint("C17", "pubspec consistent with imports", 3, _rule("pubspec-missing-dependency")),
    Checkpoint("C18", "analysis_options.yaml present", 2, _rule("analysis-options", warnings=True)),
    Checkpoint("C19", "Nothing under .github/", 2, _rule("github-dir")),
    Checkpoint("C20", "Models round-trip JSON", 3, _json_roundtrip),
    Checkpoint("C21", "Every file passed review", 3, _no_failed),
    Checkpoint("C22", "Plan approved by the panel", 2, _plan_approved),
    Checkpoint("J23", "Fits the idea", 7, question=(
        "Does the app implement what the idea asks for: its entities and the actions on them?")),
    Checkpoint("J24", "Empty, loading and error states", 4, question=(
        "Do list screens show an empty state, and do async operations show progress/errors?")),
    Checkpoint("J25", "Navigation makes sense", 4, question=(
        "Can a user reach every screen from home and get back, with sensible titles?")),
    Checkpoint("J26", "Every feature has a screen or action", 4, question=(
        "Does each feature named in the idea have a screen, button or action that performs it?")),
)
