"""pipeline.checks.collector: the cyclic garbage collector is off while checks run, and back
on as it was when the last one ends."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from pipeline.checks import check_files
from pipeline.checks.collector import collector_paused


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_the_collector_is_off_inside_and_on_after() -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_comes_back_when_a_check_fails() -> None:
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("a rule broke")
    assert gc.isenabled()


def test_overlapping_checks_keep_it_off_until_the_last_ends() -> None:
    first, second = ExitStack(), ExitStack()
    first.enter_context(collector_paused())
    second.enter_context(collector_paused())
    first.close()
    assert not gc.isenabled()
    second.close()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_check_files_leaves_the_collector_on() -> None:
    found = check_files({"lib/main.dart": "void main() { final int n = 'x'; }\n"})
    assert "wrong-type" in [d.rule for d in found]
    assert gc.isenabled()
