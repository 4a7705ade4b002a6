"""The factory's own rules for the apps it writes: not Dart errors, so never run by default.

main-runapp, no-tests, analysis-options, github-dir, placeholder, pubspec-flutter: an app the
factory ships has an entry point that calls runApp(), tests, lints, no TODOs or
UnimplementedError bodies, nothing under .github/, and a Flutter SDK dependency. The Judge
scores them; `factory check --factory-rules` shows them.
A library, a pure-Dart package or a flavoured app may rightly break every one of them.

Example::

    int later() => throw UnimplementedError();   // error: Placeholder body: implement it ...
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache

from tree_sitter import Node

from pipeline.checks.analysis import Analysis
from pipeline.checks.diagnostic import ERROR, WARNING, Diagnostic
from pipeline.checks.package_roots import PUBSPEC, load_pubspec, section
from pipeline.checks.parsing import parse, position, text_of, walk
from pipeline.checks.rules.base import ProjectRule

MAIN = "lib/main.dart"
ANALYSIS_OPTIONS = "analysis_options.yaml"
TEST_SUFFIX = "_test.dart"
TODO_COMMENT = re.compile(r"^\s*(//+|/\*+|\*)\s*(TODO|FIXME|XXX)\b", re.IGNORECASE)
NO_FLUTTER = "pubspec.yaml needs 'flutter: sdk: flutter' under dependencies"
PLACEHOLDER_THROWS = frozenset({"UnimplementedError"})
"""Errors thrown in place of an implementation."""


def project_rules(files: Mapping[str, str]) -> list[Diagnostic]:
    """The Judge's project rules over the whole file map."""
    found: list[Diagnostic] = []
    found.extend(_entry_point(files))
    found.extend(_flutter_dependency(files))
    if not any(p.startswith("test/") and p.endswith(TEST_SUFFIX) for p in files):
        found.append(Diagnostic("test", 1, 1, "no-tests", WARNING,
                                "test/ holds no *_test.dart file"))
    if ANALYSIS_OPTIONS not in files:
        found.append(Diagnostic(ANALYSIS_OPTIONS, 1, 1, "analysis-options", WARNING,
                                "analysis_options.yaml is missing (include flutter_lints)"))
    for path in sorted(files):
        if path == ".github" or path.startswith(".github/"):
            found.append(Diagnostic(path, 1, 1, "github-dir", ERROR,
                                    "Nothing may be written under .github/"))
        elif path.endswith(".dart"):
            found.extend(placeholders(path, files[path]))
    return found


def _entry_point(files: Mapping[str, str]) -> Iterator[Diagnostic]:
    text = files.get(MAIN)
    if text is None:
        yield Diagnostic(MAIN, 1, 1, "main-runapp", ERROR, "lib/main.dart is missing")
        return
    calls = (
        n for n in walk(parse(text).root_node)
        if n.type == "identifier" and text_of(n) == "runApp"
    )
    if next(calls, None) is None:
        yield Diagnostic(MAIN, 1, 1, "main-runapp", ERROR, "lib/main.dart never calls runApp()")


def _flutter_dependency(files: Mapping[str, str]) -> Iterator[Diagnostic]:
    data, _problem = load_pubspec(files.get(PUBSPEC, ""))
    if data is None:
        return  # the default rules report an unreadable or missing pubspec
    flutter = section(data, "dependencies").get("flutter")
    if not (isinstance(flutter, dict) and flutter.get("sdk") == "flutter"):
        yield Diagnostic(PUBSPEC, 1, 1, "pubspec-flutter", ERROR, NO_FLUTTER)


def placeholders(path: str, text: str) -> tuple[Diagnostic, ...]:
    """TODO comments, `throw UnimplementedError()` and empty build methods in one file."""
    return _placeholders(path, text)


@lru_cache(maxsize=1024)
def _placeholders(path: str, text: str) -> tuple[Diagnostic, ...]:
    return tuple(_find_placeholders(path, text))


def _find_placeholders(path: str, text: str) -> Iterator[Diagnostic]:
    for node in walk(parse(text).root_node):
        if node.type == "comment" and TODO_COMMENT.match(text_of(node)):
            line, column = position(node)
            yield Diagnostic(path, line, column, "placeholder", WARNING,
                             f"Unfinished work left in a comment: {text_of(node).strip()[:60]}")
        elif node.type == "throw_expression" and _throws_placeholder(node):
            line, column = position(node)
            yield Diagnostic(path, line, column, "placeholder", ERROR,
                             "Placeholder body: implement it instead of throwing "
                             "UnimplementedError")
        elif node.type == "function_body" and _is_empty_build(node):
            line, column = position(node)
            yield Diagnostic(path, line, column, "placeholder", ERROR,
                             "Empty build method: return the widget tree")


def _throws_placeholder(node: Node) -> bool:
    thrown = next((c for c in node.children if c.is_named), None)
    return thrown is not None and text_of(thrown) in PLACEHOLDER_THROWS


def _is_empty_build(body: Node) -> bool:
    signature = body.prev_named_sibling
    if signature is None or signature.type != "method_signature":
        return False
    function = next((c for c in signature.children if c.type == "function_signature"), None)
    name = function.child_by_field_name("name") if function is not None else None
    if name is None or text_of(name) != "build":
        return False
    block = next((c for c in body.children if c.type == "block"), None)
    return block is not None and not any(c.is_named and c.type != "comment" for c in block.children)


def check(analysis: Analysis) -> list[Diagnostic]:
    """The factory rules over an analysed project."""
    return project_rules(analysis.files)


RULE = ProjectRule(
    ("main-runapp", "no-tests", "analysis-options", "github-dir", "placeholder", "pubspec-flutter"),
    check,
)
