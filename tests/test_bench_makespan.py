"""Tests for the paper makespans: critical path, list scheduling and level-by-level."""

import pytest

from pipeline.bench.makespan import critical_path, level_schedule, list_schedule
from pipeline.dag import Dag

# a -> b -> c is the long chain; x and y are short and independent of it.
DEPS = {"a": [], "b": ["a"], "c": ["b"], "x": [], "y": ["x"]}
DURATIONS = {"a": 3.0, "b": 3.0, "c": 3.0, "x": 1.0, "y": 5.0}


def test_critical_path_is_the_longest_chain_by_duration() -> None:
    assert critical_path(Dag(DEPS), DURATIONS) == 9.0
    assert critical_path(Dag({}), {}) == 0.0


def test_one_at_a_time_takes_the_sum_of_durations() -> None:
    assert list_schedule(Dag(DEPS), DURATIONS, 1) == sum(DURATIONS.values())


def test_unlimited_concurrency_reaches_the_critical_path() -> None:
    assert list_schedule(Dag(DEPS), DURATIONS, 10) == critical_path(Dag(DEPS), DURATIONS)


def test_tallest_first_keeps_the_long_chain_moving_at_concurrency_one_slot_short() -> None:
    # Two slots: a (height 3) and x (height 2) start; b follows a at 3, y follows x at 1.
    assert list_schedule(Dag(DEPS), DURATIONS, 2) == 9.0


def test_levels_wait_for_their_slowest_file() -> None:
    # level 1: a, x (3 s); level 2: b, y (5 s); level 3: c (3 s).
    assert level_schedule(Dag(DEPS), DURATIONS, 10) == 11.0
    assert level_schedule(Dag(DEPS), DURATIONS, 1) == sum(DURATIONS.values())


def test_concurrency_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="concurrency"):
        list_schedule(Dag(DEPS), DURATIONS, 0)
