"""Seeded fault injection: a deterministic share of first attempts break, retries never do."""

import pytest

from pipeline.answers import FileBody, FileReview
from pipeline.asks import FileAsk, FileReviewAsk
from pipeline.config import FactoryConfig
from pipeline.engines.offline import OfflineEngine
from pipeline.engines.offline.faults import FAULTS, fault_for, inject
from tests.offline_app import RECIPES, generate_app, make_plan, write_app


def test_the_share_of_broken_files_follows_the_rate() -> None:
    paths = [f"lib/file_{i}.dart" for i in range(2000)]
    broken = [p for p in paths if fault_for(7, p, 0.25, attempt=1)]
    assert 0.2 < len(broken) / len(paths) < 0.3
    assert {fault_for(7, p, 0.25, 1) for p in broken} == set(FAULTS)


def test_faults_depend_on_seed_and_path_only() -> None:
    paths = [f"lib/file_{i}.dart" for i in range(200)]
    first = [fault_for(1, p, 0.5, 1) for p in paths]
    assert first == [fault_for(1, p, 0.5, 1) for p in paths]
    assert first != [fault_for(2, p, 0.5, 1) for p in paths]


def test_no_faults_at_rate_zero_on_retries_or_outside_dart() -> None:
    assert fault_for(0, "lib/a.dart", 0.0, 1) is None
    assert fault_for(0, "lib/a.dart", 1.0, 2) is None
    assert fault_for(0, "pubspec.yaml", 1.0, 1) is None
    assert fault_for(0, "lib/a.dart", 1.0, 1) in FAULTS


@pytest.mark.parametrize("fault", FAULTS)
async def test_each_fault_is_rejected_and_attempt_two_is_approved(fault: str) -> None:
    plan = make_plan(RECIPES)
    spec = plan.spec("lib/state/recipe_notifier.dart")
    engine = OfflineEngine(FactoryConfig(fault_rate=1.0))
    good = (await engine.ask(FileAsk(idea=RECIPES, plan=plan, spec=spec, attempt=2),
                             FileBody)).answer.content
    broken = inject(good, fault, spec.exports)
    assert broken != good
    review = (await engine.ask(FileReviewAsk(idea=RECIPES, plan=plan, spec=spec,
                                             content=broken), FileReview)).answer
    assert not review.approve and review.feedback
    approved = (await engine.ask(FileReviewAsk(idea=RECIPES, plan=plan, spec=spec,
                                               content=good), FileReview)).answer
    assert approved.approve


async def test_a_faulty_run_retries_exactly_the_predicted_files() -> None:
    config = FactoryConfig(fault_rate=0.3, seed=11)
    app = await generate_app(RECIPES, config)
    predicted = {f.path for f in app.plan.files if fault_for(11, f.path, 0.3, 1)}
    assert predicted
    assert {p for p, n in app.attempts.items() if n == 2} == predicted
    assert max(app.attempts.values()) == 2
    assert app.failed == []
    assert write_app(RECIPES).files == app.files
