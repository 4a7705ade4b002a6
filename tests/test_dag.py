"""Tests for the pure dependency graph."""

import pytest

from pipeline.dag import CycleError, Dag, find_cycle

DIAMOND = {"a": [], "b": ["a"], "c": ["a"], "d": ["b", "c"], "x": []}


def test_levels_are_longest_chain_below() -> None:
    dag = Dag(DIAMOND)
    assert dag.levels == {"a": 1, "x": 1, "b": 2, "c": 2, "d": 3}
    assert dag.by_level() == [["a", "x"], ["b", "c"], ["d"]]
    assert dag.level_count == 3


def test_heights_measure_the_chain_of_dependents() -> None:
    assert Dag(DIAMOND).heights() == {"a": 3, "b": 2, "c": 2, "d": 1, "x": 1}


def test_ready_hands_out_each_node_once_as_its_dependencies_finish() -> None:
    dag = Dag(DIAMOND)
    assert dag.ready() == ["a", "x"]
    assert dag.ready() == []
    dag.done("a")
    assert dag.ready() == ["b", "c"]
    dag.done("b")
    assert dag.ready() == []
    dag.done("c")
    assert dag.ready() == ["d"]
    assert dag.is_active()


def test_dependents_are_transitive() -> None:
    assert Dag(DIAMOND).dependents("a") == {"b", "c", "d"}
    assert Dag(DIAMOND).dependents("d") == set()


def test_cycle_names_its_nodes() -> None:
    with pytest.raises(CycleError) as info:
        Dag({"a": ["c"], "b": ["a"], "c": ["b"], "z": []})
    assert set(info.value.cycle) == {"a", "b", "c"}
    assert "dependency cycle" in str(info.value)


def test_unknown_dependency_is_rejected() -> None:
    with pytest.raises(KeyError, match="ghost"):
        Dag({"a": ["ghost"]})


def test_find_cycle_ignores_unknown_nodes() -> None:
    assert find_cycle({"a": ["ghost"], "b": ["a"]}) is None
    assert find_cycle({"a": ["b"], "b": ["a"]}) is not None
