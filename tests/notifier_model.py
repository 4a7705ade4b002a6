"""Runs a generated entity test against a model of the generated notifier, without a Dart SDK.

No Flutter SDK runs here, so `flutter test` cannot show that a generated test catches a bug.
This module does the next best thing, in two parts:
- `NotifierModel` is the notifier's `save`, `remove` and `load`, read from the generated Dart
  source: which names its `save` compares (`saved.id == lineItem.id`, or the old bug's
  `item.id == item.id`) and which record it keeps, evaluated as written. Storage is a
  dictionary holding the JSON list the repository writes, so "reload" really reloads.
- `run_test` interprets the statements of one generated test (the small set of forms the
  entity-test template writes: construct, save, copyWith, reload, remove, expect) and raises
  `ExpectationFailed` with Expected/Actual, as `flutter test` would report it. A statement of
  any other form raises `Unsupported`, so the interpreter never passes what it cannot read.
"""

from __future__ import annotations

import ast
import json
import re
from types import SimpleNamespace
from typing import Any

SAVE_PARAM = re.compile(r"Future<void> save\(\w+ (\w+)\) async \{")
EXISTS = re.compile(r"final exists = _all\.any\(\((\w+)\) => (\w+)\.id == (\w+)\.id\);")
REPLACE = re.compile(
    r"\? \[for \(final (\w+) in _all\) (\w+)\.id == (\w+)\.id \? (\w+) : (\w+)\]")
REMOVE = re.compile(r"_all = \[for \(final (\w+) in _all\) if \((\w+)\.id != id\) (\w+)\];")
STORAGE_KEY = "items"
STRING = r"'(?:[^'\\]|\\.)*'"


class ExpectationFailed(AssertionError):
    """An `expect` of the generated test failed."""


class Unsupported(ValueError):
    """A statement the interpreter does not know how to run."""


class NotifierModel:
    """The generated notifier's list logic, as its Dart source writes it."""

    def __init__(self, source: str, store: dict[str, str]) -> None:
        self.param = _one(SAVE_PARAM, source)[0]
        self.exists = _one(EXISTS, source)
        self.replace = _one(REPLACE, source)
        self.remove_ = _one(REMOVE, source)
        self.store = store
        self.all: list[SimpleNamespace] = []
        self.drafts = 0

    def _value(self, name: str, element: SimpleNamespace, record: SimpleNamespace,
               loop: str) -> SimpleNamespace:
        """What `name` means inside the lambda: the loop's element shadows the parameter."""
        if name == loop:
            return element
        if name == self.param:
            return record
        raise Unsupported(f"save() refers to {name!r}")

    def save(self, record: SimpleNamespace) -> None:
        loop, left, right = self.exists
        exists = any(self._value(left, e, record, loop).id
                     == self._value(right, e, record, loop).id for e in self.all)
        if exists:
            var, a, b, then, other = self.replace
            self.all = [self._value(then, e, record, var)
                        if self._value(a, e, record, var).id == self._value(b, e, record, var).id
                        else self._value(other, e, record, var) for e in self.all]
        else:
            self.all = [*self.all, record]
        self._write()

    def remove(self, id_: str) -> None:
        var, compared, kept = self.remove_
        if not var == compared == kept:
            raise Unsupported("remove() keeps or compares another name than its loop's")
        self.all = [e for e in self.all if e.id != id_]
        self._write()

    def load(self) -> None:
        self.all = [SimpleNamespace(**r) for r in json.loads(self.store.get(STORAGE_KEY, "[]"))]

    def draft(self) -> SimpleNamespace:
        self.drafts += 1
        return SimpleNamespace(id=f"draft-{self.drafts}")

    def by_id(self, id_: str) -> SimpleNamespace | None:
        return next((e for e in self.all if e.id == id_), None)

    def _write(self) -> None:
        self.store[STORAGE_KEY] = json.dumps([vars(e) for e in self.all])


def _one(pattern: re.Pattern[str], source: str) -> tuple[str, ...]:
    match = pattern.search(source)
    if match is None:
        raise Unsupported(f"the notifier has no {pattern.pattern!r}")
    return match.groups()


def body_of(test_source: str, name_start: str) -> str:
    """The body of the test whose name starts with `name_start`."""
    start = test_source.index(f"test('{name_start}")
    body = test_source.index("async {", start) + len("async {")
    depth, i = 1, body
    while depth:
        depth += {"{": 1, "}": -1}.get(test_source[i], 0)
        i += 1
    return test_source[body:i - 1]


def run_test(body: str, notifier_source: str) -> None:
    """Run one generated test's statements against a fresh store and notifier model."""
    store: dict[str, str] = {}
    env: dict[str, Any] = {"notifier": NotifierModel(notifier_source, store)}
    for statement in _statements(body):
        _run(statement, env, notifier_source, store)


def _statements(body: str) -> list[str]:
    """Statements split at top-level semicolons, strings and brackets respected."""
    out, depth, start, i = [], 0, 0, 0
    while i < len(body):
        ch = body[i]
        if ch == "'":
            i = body.index("'", i + 1) + 1
            continue
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(ch, 0)
        if ch == ";" and depth == 0:
            out.append(" ".join(body[start:i].split()))
            start = i + 1
        i += 1
    return [s for s in out if s]


def _record(args: str) -> SimpleNamespace:
    """`id: 'first', createdAt: DateTime.utc(2024, 1, 1), title: 'First',` as a record."""
    values: dict[str, Any] = {}
    for m in re.finditer(rf"(\w+): ({STRING}|DateTime\.utc\([^)]*\))", args):
        raw = m.group(2)
        values[m.group(1)] = ast.literal_eval(raw) if raw.startswith("'") else raw
    return SimpleNamespace(**values)


def _changed(record: SimpleNamespace, args: str) -> SimpleNamespace:
    return SimpleNamespace(**{**vars(record), **vars(_record(args))})


def _value(expr: str, env: dict[str, Any]) -> Any:
    """The value of one expression of the forms the template writes."""
    expr = expr.strip()
    if re.fullmatch(r"[a-z]\w*", expr) and expr in env:
        return env[expr]
    if m := re.fullmatch(rf"(\w+)\.copyWith\((\w+: {STRING})\)", expr):
        return _changed(env[m.group(1)], m.group(2))
    if m := re.fullmatch(rf"(\w+)\.draft\(\)\.copyWith\((\w+: {STRING})\)", expr):
        return _changed(env[m.group(1)].draft(), m.group(2))
    if m := re.fullmatch(r"[A-Z]\w*\((.*)\)", expr):
        return _record(m.group(1))
    if m := re.fullmatch(r"(\w+)\.items", expr):
        return list(env[m.group(1)].all)
    if m := re.fullmatch(r"(\w+)\.items\.single\.(\w+)", expr):
        items = env[m.group(1)].all
        if len(items) != 1:
            raise ExpectationFailed(f"Bad state: {len(items)} elements where one was expected")
        return getattr(items[0], m.group(2))
    if m := re.fullmatch(r"(\w+)\.items\.map\(\((\w+)\) => \2\.(\w+)\)\.toList\(\)", expr):
        return [getattr(e, m.group(3)) for e in env[m.group(1)].all]
    if m := re.fullmatch(r"(\w+)\.byId\((\w+)\.id\)", expr):
        return env[m.group(1)].by_id(env[m.group(2)].id)
    if m := re.fullmatch(r"(\w+)\.count", expr):
        return len(env[m.group(1)].all)
    if expr == "isEmpty":
        return []
    if re.fullmatch(r"\[[\w\s,]*\]", expr):
        return [env[n] for n in re.findall(r"\w+", expr)]
    if re.fullmatch(rf"{STRING}|\[\s*(?:{STRING}\s*,?\s*)*\]|\d+", expr):
        return ast.literal_eval(expr)
    raise Unsupported(f"expression {expr!r}")


def _run(statement: str, env: dict[str, Any], source: str, store: dict[str, str]) -> None:
    if m := re.fullmatch(r"await (\w+)\.load\(\)", statement):
        env[m.group(1)].load()
    elif m := re.fullmatch(r"final (\w+) = \w+Notifier\(\w+Repository\(store\)\)", statement):
        env[m.group(1)] = NotifierModel(source, store)
    elif m := re.fullmatch(r"final (\w+) = (.+)", statement):
        env[m.group(1)] = _value(m.group(2), env)
    elif m := re.fullmatch(r"await (\w+)\.save\((.+)\)", statement):
        env[m.group(1)].save(_value(m.group(2), env))
    elif m := re.fullmatch(r"await (\w+)\.remove\((\w+)\.id\)", statement):
        env[m.group(1)].remove(env[m.group(2)].id)
    elif m := re.fullmatch(r"expect\((.+?), (isEmpty|\[.*\]|'.*'|\w+|\d+),?\s*\)", statement):
        actual, expected = _value(m.group(1), env), _value(m.group(2), env)
        if actual != expected:
            raise ExpectationFailed(f"{m.group(1)}: Expected: {expected!r} Actual: {actual!r}")
    else:
        raise Unsupported(f"statement {statement!r}")
