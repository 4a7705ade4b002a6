"""The offline Judge: verdicts with file and line evidence, features traced, honest failures."""

from pipeline.agents.checkpoints import CHECKPOINTS
from pipeline.agents.feature_trace import trace
from pipeline.asks import CheckpointQuestion, JudgeAsk
from pipeline.engines.offline.critic import criticize
from pipeline.engines.offline.judge import judge
from tests.offline_app import BEES, RECIPES, GeneratedApp, write_app

QUESTIONS = [CheckpointQuestion(id=c.id, question=c.question)
             for c in CHECKPOINTS if c.decide is None]
INVOICES = "An invoice app that exports each invoice as a PDF and emails it to the client"


def _ask(app: GeneratedApp, idea: str, files: dict[str, str] | None = None) -> JudgeAsk:
    return JudgeAsk(idea=idea, plan=app.plan, files=files or app.files, checkpoints=QUESTIONS,
                    features=criticize(idea).features)


def test_a_bee_app_passes_every_question_with_file_and_line_evidence() -> None:
    app = write_app(BEES)
    opinion = judge(_ask(app, BEES))
    verdicts = {v.id: v for v in opinion.verdicts}
    assert [v.id for v in opinion.verdicts] == ["J24", "J25", "J26"]
    assert all(v.passed for v in verdicts.values()), verdicts
    assert "Hive (lib/models/hive.dart:5)" in verdicts["J24"].evidence
    assert "3 list screens" in verdicts["J25"].evidence
    assert "lib/screens/harvest_list_screen.dart: empty state :" in verdicts["J25"].evidence
    assert "3/3 passed; 3/3 named features built" in opinion.summary


def test_each_built_feature_is_traced_to_the_line_that_performs_it() -> None:
    app = write_app(BEES)
    ask = _ask(app, BEES)
    evidence = {e.feature: e for e in judge(ask).features}
    assert set(evidence) == {"track hive", "track inspection", "track harvest"}
    hive = evidence["track hive"]
    assert (hive.built, hive.file, hive.symbol) == (
        True, "lib/screens/hive_detail_screen.dart", "_save")
    assert "Future<void> _save()" in app.files[hive.file].splitlines()[hive.line - 1]
    assert all(t.found for t in trace(ask.features, list(evidence.values()), app.files))


def test_features_the_templates_cannot_build_are_reported_with_the_reason() -> None:
    app = write_app(INVOICES)
    evidence = {e.feature: e for e in judge(_ask(app, INVOICES)).features}
    assert set(evidence) == {"export invoice as pdf", "email invoice to client"}
    assert not any(e.built for e in evidence.values())
    assert "nothing that can export" in evidence["export invoice as pdf"].note


def test_deriving_one_entity_from_another_is_not_built() -> None:
    idea = RECIPES.replace("generate a shopping list", "build a shopping list from recipes")
    app = write_app(idea)
    evidence = {e.feature: e for e in judge(_ask(app, idea)).features}
    assert evidence["save recipe"].built
    assert evidence["plan meal"].built and evidence["plan meal"].symbol == "_pickDay"
    derived = evidence["build shopping list from recipe"]
    assert not derived.built and "derives shopping list from recipe" in derived.note


def test_missing_pieces_fail_with_the_file_that_lacks_them() -> None:
    app = write_app(BEES)
    files = dict(app.files)
    files["lib/screens/hive_list_screen.dart"] = files[
        "lib/screens/hive_list_screen.dart"].replace("EmptyState(", "Placeholder(").replace(
        " yet'", "'")
    files["lib/routing/app_router.dart"] = files["lib/routing/app_router.dart"].replace(
        "const InspectionListScreen()", "const SizedBox()")
    files["lib/screens/hive_detail_screen.dart"] = files[
        "lib/screens/hive_detail_screen.dart"].replace("_save", "_store")
    del files["lib/models/harvest.dart"]
    opinion = judge(_ask(app, BEES, files))
    verdicts = {v.id: v for v in opinion.verdicts}
    assert verdicts["J25"].evidence == "lib/screens/hive_list_screen.dart: no empty state"
    assert verdicts["J26"].evidence == ("lib/screens/inspection_list_screen.dart: "
                                        "InspectionListScreen has no route in "
                                        "lib/routing/app_router.dart")
    assert verdicts["J24"].evidence == "not built: Harvest"
    assert not any(v.passed for v in verdicts.values())
    hive = next(e for e in opinion.features if e.feature == "track hive")
    assert not hive.built and "_save is not in lib/screens/hive_detail_screen.dart" in hive.note


def test_a_question_without_a_rule_is_not_passed() -> None:
    app = write_app(BEES)
    ask = JudgeAsk(idea=BEES, plan=app.plan, files=app.files,
                   checkpoints=[CheckpointQuestion(id="X1", question="Is the code witty?")])
    verdict = judge(ask).verdicts[0]
    assert not verdict.passed and "no rule" in verdict.evidence
