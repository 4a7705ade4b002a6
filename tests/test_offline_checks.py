"""Whole offline apps pass the project's own static checks with no errors."""

import pytest

from pipeline.checks import check_files, project_rules
from tests.offline_app import BEES, EXPENSES, RECIPES, write_app


@pytest.mark.parametrize("idea", [RECIPES, BEES, EXPENSES, "todo"])
def test_a_generated_app_has_no_error_diagnostics(idea: str) -> None:
    files = write_app(idea).files
    diagnostics = check_files(files) + project_rules(files)
    errors = [f"{d.file}:{d.line} [{d.rule}] {d.message}" for d in diagnostics
              if d.severity == "error"]
    assert errors == []
    warnings = [f"{d.file}:{d.line} [{d.rule}] {d.message}" for d in diagnostics
                if d.severity == "warning"]
    assert warnings == []
