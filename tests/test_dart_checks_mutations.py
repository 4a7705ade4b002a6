"""pipeline.checks on broken copies of the fixture projects: detection rate per mutation kind.

The measured table lives in docs/checks.md; `python -m tests.checks_mutations` reprints it.
"""

from __future__ import annotations

import pytest

from pipeline.checks import check_files
from pipeline.checks.api_load import SHIPPED
from tests.api_mutations import (
    API_KINDS,
    EXAMPLES_API,
    SOURCES,
    Table,
    api_samples,
    measure_corpus,
)
from tests.checks_mutations import (
    INDEX,
    KINDS,
    PROJECTS,
    Mutation,
    api_examples,
    load,
    markdown,
    measure,
)

PER_KIND = 120
"""Mutations judged per kind and corpus here: a seeded sample keeps the suite inside CI's
budget; `python -m tests.checks_mutations` judges every one for docs/checks.md."""
OVERALL_RATE = 0.95
KIND_RATE = 0.90
API_SAMPLE = 20
"""API mutations judged per kind on examples/api here (each is a check of one sample file)."""
FIXTURE_API_SAMPLE = 6
"""API mutations judged per kind on the fixtures here (each is a check of a whole project)."""


def _needs_index() -> None:
    if not INDEX.is_file():
        pytest.skip(f"{INDEX} is absent: the mutations draw their names from the shared API "
                    "reference index, which sits beside the repository only in CI")


@pytest.fixture(scope="module")
def table() -> Table:
    _needs_index()
    return measure({project: load(project) for project in PROJECTS}, per_kind=PER_KIND)


@pytest.fixture(scope="module")
def examples_table() -> Table:
    _needs_index()
    examples = api_examples()
    if not examples:
        pytest.skip("../shared/dart-sources/flutter/examples/api is absent")
    return measure(examples, per_kind=PER_KIND)


@pytest.mark.parametrize("project", PROJECTS)
def test_unbroken_fixtures_have_no_false_positive(project: str) -> None:
    assert check_files(load(project)) == []


def test_every_kind_has_many_mutations(table: Table) -> None:
    assert set(table) == set(KINDS)
    for kind, (_hits, total, _misses) in table.items():
        assert total >= 7, kind
    assert sum(total for _hits, total, _misses in table.values()) >= 600


def _rates_hold(table: Table) -> None:
    hits = sum(h for h, _t, _m in table.values())
    total = sum(t for _h, t, _m in table.values())
    assert hits / total >= OVERALL_RATE, markdown(table)
    for kind, (kind_hits, kind_total, misses) in table.items():
        if kind_total:
            assert kind_hits / kind_total >= KIND_RATE, (kind, misses)


def test_detection_rate_overall_and_per_kind(table: Table) -> None:
    _rates_hold(table)


def test_a_mutation_is_detected_by_an_error() -> None:
    files = load("recipes")
    broken = dict(files)
    broken["lib/app.dart"] = files["lib/app.dart"].replace("MaterialApp(", "MaterialAp(", 1)
    mutation = Mutation("recipes", "misspelled-widget", "MaterialApp", broken)
    [found] = [d for d in check_files(mutation.files) if d.severity == "error"]
    assert found.message == "Undefined name 'MaterialAp'. Did you mean 'MaterialApp'?"


@pytest.mark.skipif(not EXAMPLES_API.is_dir(), reason=f"{EXAMPLES_API} (../shared) is absent")
@pytest.mark.skipif(not SHIPPED.is_file(), reason=f"{SHIPPED} (the shipped API index) is absent")
def test_api_mutations_of_the_flutter_samples_are_caught_without_false_errors() -> None:
    """A seeded sample of each API mutation kind on examples/api (the full table:
    `python -m tests.checks_mutations`)."""
    table, false_errors = measure_corpus({"examples/api": api_samples()}, per_kind=API_SAMPLE,
                                         alone=True)
    assert false_errors == []
    for kind, (hits, total, misses) in table.items():
        assert total >= API_SAMPLE // 2, kind
        assert hits / total >= KIND_RATE, (kind, misses)


@pytest.mark.skipif(not SOURCES.is_dir(), reason=f"{SOURCES} (../shared) is absent")
@pytest.mark.skipif(not SHIPPED.is_file(), reason=f"{SHIPPED} (the shipped API index) is absent")
def test_api_mutations_of_the_fixture_projects_are_caught() -> None:
    """A seeded sample of each API mutation kind on our fixtures, each judged in its whole
    project (the full table: `python -m tests.api_mutations`)."""
    table, false_errors = measure_corpus({project: load(project) for project in PROJECTS},
                                         per_kind=FIXTURE_API_SAMPLE)
    assert false_errors == []
    assert set(table) == set(API_KINDS)
    for kind, (hits, total, misses) in table.items():
        assert total >= 1, kind
        assert hits / total >= KIND_RATE, (kind, misses)


def test_detection_rate_on_flutters_api_samples(examples_table: Table) -> None:
    assert sum(total for _hits, total, _misses in examples_table.values()) >= 500
    _rates_hold(examples_table)
