"""The independent scan the property test relies on: it finds each old bug, and nothing else."""

from __future__ import annotations

import pytest

from tests.dart_scan import scan
from tests.offline_app import write_app

CASES = "Track legal cases and clients for a law firm"


@pytest.fixture(scope="module")
def cases() -> dict[str, str]:
    return write_app(CASES).files


def test_a_generated_app_scans_clean(cases: dict[str, str]) -> None:
    assert [p for path, text in cases.items() if path.endswith(".dart")
            for p in scan(path, text)] == []


@pytest.mark.parametrize(("path", "old", "new", "found"), [
    ("lib/state/case_notifier.dart", "caseEntry", "case", "reserved word 'case'"),
    ("lib/routing/route_paths.dart", "static const caseEntries", "static const caseEntry",
     "class RoutePaths declares 'caseEntry' 2 times"),
    ("lib/state/case_notifier.dart", "(saved) => saved.id == caseEntry.id",
     "(caseEntry) => caseEntry.id == caseEntry.id", "compares a value with itself"),
    ("lib/screens/case_list_screen.dart", "final caseEntry = items[index];",
     "final context = items[index];", "'context' declared 2 times in one scope"),
    ("lib/models/case.dart", "class Case {", "class Function {", "'Function' names a type"),
    ("lib/models/case.dart", "class Case {", "class Case {{", "does not parse"),
    ("test/case_test.dart", "createdAt: DateTime.utc(2024, 5, 17, 9, 30),",
     "createdAt: DateTime.utc(2024, 5, 17, 9, 30),\n        labels: ['a', 'b'],",
     "could be const"),
])
def test_each_old_bug_is_found(cases: dict[str, str], path: str, old: str, new: str,
                               found: str) -> None:
    assert old in cases[path]
    problems = scan(path, cases[path].replace(old, new))
    assert any(found in p for p in problems), problems
