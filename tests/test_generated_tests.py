"""The generated entity tests catch data loss: shown on the old shadowing bug, without an SDK.

The offline engine once wrote `_all.any((item) => item.id == item.id)` for an entity named
item: always true once the list held anything, so every later save replaced nothing and was
lost. Its tests saved into an empty list only, and passed. These tests put that bug back into
a generated notifier and run the generated tests against a model of it (tests/notifier_model.py).
"""

from __future__ import annotations

import pytest

from tests.notifier_model import ExpectationFailed, body_of, run_test
from tests.offline_app import write_app

INVOICES = "An invoice tracker with line items"
DATA_LOSS = "save two, edit one, reload, delete one"
SAVED_ONCE = ("starts empty and finds what it saved", "keeps line items in the store")


def shadowing_bug(notifier: str, var: str) -> str:
    """The old bug: the lambda's parameter takes the saved value's name and shadows it."""
    buggy = notifier.replace("(saved) => saved.id", f"({var}) => {var}.id")
    buggy = buggy.replace(f"for (final saved in _all) saved.id == {var}.id ? {var} : saved",
                          f"for (final {var} in _all) {var}.id == {var}.id ? {var} : {var}")
    assert buggy != notifier and f"{var}.id == {var}.id" in buggy
    return buggy


@pytest.fixture(scope="module")
def invoices() -> dict[str, str]:
    return write_app(INVOICES).files


def test_the_invoice_app_keeps_line_items_apart_from_their_lambda(
        invoices: dict[str, str]) -> None:
    notifier = invoices["lib/state/line_item_notifier.dart"]
    assert "_all.any((saved) => saved.id == lineItem.id)" in notifier


@pytest.mark.parametrize("entity", ["line_item", "invoice"])
def test_every_generated_notifier_test_passes_on_the_generated_notifier(
        invoices: dict[str, str], entity: str) -> None:
    tests = invoices[f"test/{entity}_test.dart"]
    notifier = invoices[f"lib/state/{entity}_notifier.dart"]
    for name in (DATA_LOSS, "starts empty and finds what it saved"):
        run_test(body_of(tests, name), notifier)


def test_the_data_loss_test_fails_on_the_old_shadowing_bug(invoices: dict[str, str]) -> None:
    buggy = shadowing_bug(invoices["lib/state/line_item_notifier.dart"], "lineItem")
    with pytest.raises(ExpectationFailed) as failure:
        run_test(body_of(invoices["test/line_item_test.dart"], DATA_LOSS), buggy)
    assert "Expected: ['first', 'second'] Actual: ['first']" in str(failure.value)


def test_tests_that_save_only_once_never_saw_the_bug(invoices: dict[str, str]) -> None:
    """Why the old suite passed: saving into an empty list works even with the bug."""
    buggy = shadowing_bug(invoices["lib/state/line_item_notifier.dart"], "lineItem")
    for name in SAVED_ONCE:
        run_test(body_of(invoices["test/line_item_test.dart"], name), buggy)
