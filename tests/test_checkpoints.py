"""The Judge's checkpoints: 26 of them, 100 points, and each code decider on good and bad input."""

from __future__ import annotations

import pytest

from pipeline.agents.checkpoints import CHECKPOINTS, Checkpoint, Project
from tests.support.scripted import FILES, plan

GOOD = {p: text for p, (text, _, _) in FILES.items()}


def project(files: dict[str, str] | None = None, **changes: object) -> Project:
    fields: dict[str, object] = dict(plan=plan(), files=GOOD if files is None else files,
                                     failed=[], plan_approved=True, min_files=2, max_files=10,
                                     levels=4)
    fields.update(changes)
    return Project(**fields)  # type: ignore[arg-type]


def by_id(cid: str) -> Checkpoint:
    return next(c for c in CHECKPOINTS if c.id == cid)


def test_26_checkpoints_worth_100_points_with_unique_ids() -> None:
    assert len(CHECKPOINTS) == 26
    assert sum(c.points for c in CHECKPOINTS) == 100
    assert len({c.id for c in CHECKPOINTS}) == 26
    judged = [c for c in CHECKPOINTS if c.decide is None]
    assert judged and all(c.question for c in judged)


def test_every_code_checkpoint_passes_a_sound_project() -> None:
    good = project()
    for c in CHECKPOINTS:
        if c.decide is not None:
            passed, evidence = c.decide(good)
            assert passed, f"{c.id} {c.title}: {evidence}"


def without(path: str) -> dict[str, str]:
    return {p: t for p, t in GOOD.items() if p != path}


def edit(path: str, old: str, new: str) -> dict[str, str]:
    assert old in GOOD[path]
    return {**GOOD, path: GOOD[path].replace(old, new)}


@pytest.mark.parametrize(("cid", "broken", "evidence"), [
    ("C01", project(without("lib/screens/note_screen.dart")), "lib/screens/note_screen.dart"),
    ("C02", project(max_files=3), "5 Dart files (range 2-3)"),
    ("C03", project(edit("lib/models/note.dart", "class Note {", "class Note {{")),
     "lib/models/note.dart"),
    ("C04", project(edit("lib/main.dart", "runApp(const MaterialApp(",
                         "runApp(const MaterialAp(")), "lib/main.dart"),
    ("C05", project(edit("lib/main.dart", "'models/note.dart'", "'models/nope.dart'")),
     "unresolved-import"),
    ("C07", project({**GOOD, "lib/orphan.dart": "class Orphan {}\n"}), "lib/orphan.dart"),
    ("C08", project(edit("lib/main.dart", "import 'models/note.dart';\n", "")), "lib/main.dart"),
    ("C09", project(edit("lib/models/note.dart", "class Note", "class Memo")), "Note"),
    ("C11", project(edit("lib/main.dart", "runApp(", "print(")), "main-runapp"),
    ("C12", project(without("test/models/note_test.dart")), "lib/models/note.dart"),
    ("C14", project(without("test/widget_test.dart")), "testWidgets"),
    ("C15", project(edit("lib/models/note.dart", "final String title;",
                         "final String title;\n  // TODO: add a body")), "placeholder"),
    ("C16", project(without("pubspec.yaml")), "pubspec"),
    ("C17", project(edit("lib/models/note.dart", "class Note",
                         "import 'package:http/http.dart';\n\nclass Note")), "http"),
    ("C18", project(without("analysis_options.yaml")), "analysis_options"),
    ("C19", project({**GOOD, ".github/workflows/x.yml": "on: push\n"}), ".github"),
    ("C20", project(edit("lib/models/note.dart", "toJson", "asMap")), "lib/models/note.dart"),
    ("C21", project(failed=["lib/main.dart"]), "lib/main.dart: failed every attempt"),
    ("C22", project(plan_approved=False), "did not approve"),
])
def test_each_code_checkpoint_fails_with_evidence(cid: str, broken: Project, evidence: str) -> None:
    decide = by_id(cid).decide
    assert decide is not None
    passed, text = decide(broken)
    assert not passed, f"{cid} passed on a broken project: {text}"
    assert evidence in text
