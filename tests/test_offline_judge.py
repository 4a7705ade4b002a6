"""The offline Judge: verdicts with evidence from the files, and honest failures."""

from pipeline.asks import CheckpointQuestion, JudgeAsk
from pipeline.engines.offline.judge import judge
from tests.offline_app import BEES, RECIPES, GeneratedApp, write_app

QUESTIONS = [
    CheckpointQuestion(id="J23", question=(
        "Does the app implement what the idea asks for: its entities and the actions on them?")),
    CheckpointQuestion(id="J24", question=(
        "Do list screens show an empty state, and do async operations show progress/errors?")),
    CheckpointQuestion(id="J25", question=(
        "Can a user reach every screen from home and get back, with sensible titles?")),
    CheckpointQuestion(id="J26", question=(
        "Does each feature named in the idea have a screen, button or action that performs it?")),
]


def _ask(app: GeneratedApp, idea: str, files: dict[str, str] | None = None) -> JudgeAsk:
    return JudgeAsk(idea=idea, plan=app.plan, files=files or app.files, checkpoints=QUESTIONS)


def test_a_bee_app_passes_every_question_with_evidence() -> None:
    app = write_app(BEES)
    opinion = judge(_ask(app, BEES))
    verdicts = {v.id: v for v in opinion.verdicts}
    assert [v.id for v in opinion.verdicts] == ["J23", "J24", "J25", "J26"]
    assert all(v.passed for v in verdicts.values()), verdicts
    assert "Hive (lib/models/hive.dart)" in verdicts["J23"].evidence
    assert "3 list screens" in verdicts["J24"].evidence
    assert "4/4 passed" in opinion.summary


def test_features_without_an_action_fail_and_are_named() -> None:
    app = write_app(RECIPES)
    verdicts = {v.id: v for v in judge(_ask(app, RECIPES)).verdicts}
    assert verdicts["J24"].passed, "shopping_list_detail_screen is not a list screen"
    assert not verdicts["J26"].passed
    assert verdicts["J26"].evidence == "no screen or action for: generate shopping list"
    assert verdicts["J23"].passed


def test_missing_pieces_fail_with_the_file_that_lacks_them() -> None:
    app = write_app(BEES)
    files = dict(app.files)
    files["lib/screens/hive_list_screen.dart"] = files[
        "lib/screens/hive_list_screen.dart"].replace("EmptyState(", "Placeholder(").replace(
        " yet'", "'")
    files["lib/routing/app_router.dart"] = files["lib/routing/app_router.dart"].replace(
        "const InspectionListScreen()", "const SizedBox()")
    del files["lib/models/harvest.dart"]
    verdicts = {v.id: v for v in judge(_ask(app, BEES, files)).verdicts}
    assert verdicts["J24"].evidence == "lib/screens/hive_list_screen.dart: no empty state"
    assert verdicts["J25"].evidence == (
        "lib/screens/inspection_list_screen.dart: InspectionListScreen has no route")
    assert verdicts["J23"].evidence == "not built: Harvest"
    assert not any(v.passed for k, v in verdicts.items() if k != "J26")


def test_a_question_without_a_rule_is_not_passed() -> None:
    app = write_app(BEES)
    ask = JudgeAsk(idea=BEES, plan=app.plan, files=app.files,
                   checkpoints=[CheckpointQuestion(id="X1", question="Is the code witty?")])
    verdict = judge(ask).verdicts[0]
    assert not verdict.passed and "no rule" in verdict.evidence
