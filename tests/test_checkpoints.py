"""The Judge's checkpoints: 26 of them, 100 points, and each code decider on good and bad input."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.agents.checkpoints import CHECKPOINTS, Checkpoint, Project
from pipeline.agents.flutter_sdk import SdkReport
from pipeline.agents.outcome import Outcome
from pipeline.answers import FeatureEvidence
from pipeline.checks import Diagnostic
from pipeline.ci_report import CiReport
from tests.support.scripted import FILES, plan

GOOD = {p: text for p, (text, _, _) in FILES.items()}
PASS_MARK = 80


def project(files: dict[str, str] | None = None, **changes: object) -> Project:
    fields: dict[str, object] = dict(plan=plan(), files=GOOD if files is None else files,
                                     failed=[], min_files=2, max_files=10)
    fields.update(changes)
    return Project(**fields)  # type: ignore[arg-type]


def by_id(cid: str) -> Checkpoint:
    return next(c for c in CHECKPOINTS if c.id == cid)


def decide(cid: str, p: Project) -> Outcome:
    decider = by_id(cid).decide
    assert decider is not None
    return decider(p)


def test_26_checkpoints_worth_100_points_with_unique_ids() -> None:
    assert len(CHECKPOINTS) == 26
    assert sum(c.points for c in CHECKPOINTS) == 100
    assert len({c.id for c in CHECKPOINTS}) == 26
    judged = [c for c in CHECKPOINTS if c.decide is None]
    assert judged and all(c.question for c in judged)


def test_an_app_that_does_not_compile_or_lacks_a_feature_cannot_pass_on_points() -> None:
    """Losing the analyzer-errors or the feature checkpoint alone drops below the pass mark."""
    for cid in ("C05", "F23"):
        assert 100 - by_id(cid).points < PASS_MARK, cid


def test_every_code_checkpoint_passes_a_sound_project() -> None:
    good = project()
    for c in CHECKPOINTS:
        if c.decide is not None and c.decided_by == "code":
            outcome = c.decide(good)
            assert outcome.passed and not outcome.blocks, f"{c.id} {c.title}: {outcome.evidence}"


def without(path: str) -> dict[str, str]:
    return {p: t for p, t in GOOD.items() if p != path}


def edit(path: str, old: str, new: str) -> dict[str, str]:
    assert old in GOOD[path]
    return {**GOOD, path: GOOD[path].replace(old, new)}


@pytest.mark.parametrize(("cid", "broken", "evidence"), [
    ("C01", project(without("lib/screens/note_screen.dart")), "lib/screens/note_screen.dart"),
    ("C02", project(max_files=3), "5 Dart files (range 2-3)"),
    ("C03", project(edit("lib/models/note.dart", "class Note {", "class Note {{")),
     "lib/models/note.dart:"),
    ("C04", project(edit("lib/main.dart", "runApp(const MaterialApp(",
                         "runApp(const MaterialAp(")), "lib/main.dart:"),
    ("C04", project(edit("lib/main.dart", "'models/note.dart'", "'models/nope.dart'")),
     "unresolved-import"),
    ("C05", project(edit("lib/main.dart", "'models/note.dart'", "'models/nope.dart'")),
     "lib/main.dart:3 [unresolved-import]"),
    ("C06", project({**GOOD, "lib/orphan.dart": "class Orphan {}\n"}), "lib/orphan.dart"),
    ("C07", project(edit("lib/main.dart", "import 'models/note.dart';\n", "")),
     "lib/main.dart (does not import lib/models/note.dart)"),
    ("C08", project(edit("lib/models/note.dart", "class Note", "class Memo")), "Note"),
    ("C10", project(edit("lib/main.dart", "runApp(", "print(")), "main-runapp"),
    ("C11", project(without("test/models/note_test.dart")), "lib/models/note.dart"),
    ("C12", project(without("test/widget_test.dart")), "testWidgets"),
    ("C13", project(edit("lib/models/note.dart", "final String title;",
                         "final String title;\n  // TODO: add a body")), "placeholder"),
    ("C14", project(without("pubspec.yaml")), "pubspec"),
    ("C15", project(edit("lib/models/note.dart", "class Note",
                         "import 'package:http/http.dart';\n\nclass Note")), "http"),
    ("C16", project(without("analysis_options.yaml")), "analysis_options"),
    ("C17", project({**GOOD, ".github/workflows/x.yml": "on: push\n"}), ".github"),
    ("C18", project(edit("lib/models/note.dart", "toJson", "asMap")), "lib/models/note.dart"),
    ("C19", project(failed=["lib/main.dart"]), "lib/main.dart: failed every attempt"),
])
def test_each_code_checkpoint_fails_with_evidence(cid: str, broken: Project, evidence: str) -> None:
    outcome = decide(cid, broken)
    assert not outcome.passed, f"{cid} passed on a broken project: {outcome.evidence}"
    assert outcome.verified
    assert evidence in outcome.evidence


@pytest.mark.parametrize(("cid", "line"), [
    ("C10", "lib/main.dart:7 calls runApp"),
    ("C12", "test/widget_test.dart:6 calls testWidgets"),
    ("C18", "lib/models/note.dart:6 fromJson, :8 toJson"),
])
def test_passing_code_checkpoints_name_the_line_that_decided_them(cid: str, line: str) -> None:
    assert line in decide(cid, project()).evidence


def test_syntax_and_analyzer_errors_fail_the_judge_whatever_the_score() -> None:
    broken = project(edit("lib/models/note.dart", "class Note {", "class Note {{"))
    assert decide("C03", broken).blocks
    assert decide("C05", broken).blocks
    assert not decide("C04", broken).blocks


def test_an_error_of_a_rule_the_judge_has_never_heard_of_still_counts() -> None:
    """C05 counts error-severity diagnostics from whichever checker is present."""
    p = project()
    p.__dict__["diagnostics"] = [  # what the cached property would hold
        Diagnostic("lib/main.dart", 4, 1, "duplicate-member", "error", "declared twice")]
    outcome = decide("C05", p)
    assert not outcome.passed and outcome.blocks
    assert "lib/main.dart:4 [duplicate-member] declared twice" in outcome.evidence


def test_the_sdk_checkpoints_read_the_sdk_report() -> None:
    bare = project()
    assert not decide("S21", bare).verified and "not verified" in decide("S21", bare).evidence
    clean = replace(bare, sdk=SdkReport(Outcome(True, "flutter analyze: 0 errors"),
                                        Outcome(False, "flutter test: 1 failed", blocks=True)))
    assert decide("S21", clean).passed
    assert decide("S22", clean).blocks


def test_the_ci_checkpoint_reads_the_repository_ci_report() -> None:
    local = decide("R20", project())
    assert not local.verified and "local run has no repository CI" in local.evidence
    none = CiReport(state="none").outcome()
    assert not none.verified and none.evidence == "not verified: no CI on this repository"
    link = "https://github.com/o/r/commit/abc1234/checks"
    green = decide("R20", project(ci=CiReport(state="passed", head="abc1234def", link=link,
                                               jobs=["analyze", "test"]).outcome()))
    assert green.passed and link in green.evidence and "analyze, test" in green.evidence
    red = decide("R20", project(ci=CiReport(
        state="failed", head="abc1234def", link=link, failed_jobs=["test"],
        blamed={"lib/main.dart": ["lib/main.dart:3 analyze: error"]}).outcome()))
    assert not red.passed and red.blocks and red.verified
    assert "test" in red.evidence and "lib/main.dart" in red.evidence and link in red.evidence


def test_features_are_built_only_with_evidence_that_checks_out() -> None:
    features = ["show notes", "export notes as pdf"]
    claims = [
        FeatureEvidence(feature="Show notes", built=True, file="lib/screens/note_screen.dart",
                        line=16, symbol="ListView"),
        FeatureEvidence(feature="export notes as pdf", built=False, note="no pdf library"),
    ]
    outcome = decide("F23", project(features=features, claims=claims))
    assert not outcome.passed and outcome.blocks
    assert "not built: export notes as pdf (no pdf library)" in outcome.evidence
    assert "show notes" not in outcome.evidence
    built = decide("F23", project(features=features[:1], claims=claims))
    assert built.passed and "lib/screens/note_screen.dart:16 ListView" in built.evidence
    assert decide("F23", project()).passed  # nothing named, nothing to trace


def test_docs_list_every_checkpoint_with_its_points() -> None:
    docs = (Path(__file__).resolve().parents[1] / "docs" / "judge.md").read_text()
    for c in CHECKPOINTS:
        assert f"| {c.id} | {c.title} | {c.points} |" in docs, c.id


def test_the_judge_counts_each_project_rule_finding_once() -> None:
    judged = project(edit("lib/models/note.dart", "class Note {",
                          "int later() => throw UnimplementedError();\n\nclass Note {"))
    placeholders = [d for d in judged.diagnostics if d.rule == "placeholder"]
    assert len(placeholders) == 1
