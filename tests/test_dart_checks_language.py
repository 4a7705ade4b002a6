"""Language rules that need no types: reserved words as names, duplicate declarations and
duplicate named arguments — what each reports, and the published shapes it stays silent on."""

from __future__ import annotations

from pipeline.checks import Diagnostic, check_files
from tests.pubspecs import app_pubspec

PUBSPEC = app_pubspec(tests=False)


def _found(rule: str, main: str, **others: str) -> list[tuple[int, str]]:
    files = {"pubspec.yaml": PUBSPEC, "lib/main.dart": main,
             **{f"lib/{name}.dart": text for name, text in others.items()}}
    found: list[Diagnostic] = check_files(files)
    return [(d.line, d.message) for d in found if d.rule == rule]


def test_reserved_words_used_as_names_are_errors_with_a_fix() -> None:
    main = "void main() {\n  final case = 3;\n  var class = 'x';\n}\nint twice(int in) => 2;\n"
    files = {"pubspec.yaml": PUBSPEC, "lib/main.dart": main}
    found = [d for d in check_files(files) if d.rule == "reserved-word"]
    assert [(d.line, d.message) for d in found] == [
        (2, "'case' is a reserved word and cannot be used as a name"),
        (3, "'class' is a reserved word and cannot be used as a name"),
        (5, "'in' is a reserved word and cannot be used as a name"),
    ]
    assert found[0].fix == "Rename it, e.g. 'caseValue'"


def test_builtin_identifiers_void_type_arguments_and_tear_offs_are_legal() -> None:
    main = """\
import 'package:flutter/material.dart';

class Item {
  Item(this.get, {required this.late});
  final int get;
  final bool late;
  static Item make() => Item(1, late: true);
}

void main() {
  final on = 1, required = 2, show = on + required;
  final make = Item.new;
  Navigator.of(context).push(MaterialPageRoute<void>(builder: (_) => const Text('x')));
  print([make, show]);
}
"""
    assert _found("reserved-word", main) == []


def test_a_class_member_declared_twice_is_reported_at_the_second() -> None:
    main = """\
class Recipe {
  final String name;
  final String name;
  Recipe(this.name);
  void save() {}
  static void save() {}
}
"""
    assert _found("duplicate-definition", main) == [
        (3, "The name 'name' is already defined (line 2)"),
        (6, "The name 'save' is already defined (line 5)"),
    ]


def test_enum_values_parameters_and_locals_declared_twice() -> None:
    main = """\
enum Mood { happy, sad, happy }
void pick(int a, {int? b, int? a}) {
  final x = 1;
  var y = 2, x = 3;
}
"""
    assert _found("duplicate-definition", main) == [
        (1, "The name 'happy' is already defined (line 1)"),
        (2, "The name 'a' is already defined (line 2)"),
        (4, "The name 'x' is already defined (line 3)"),
    ]


def test_top_level_duplicates_are_found_across_a_library_and_its_parts() -> None:
    main = "part 'helpers.dart';\nint total() => 1;\nvoid main() {}\n"
    helpers = "part of 'main.dart';\nint total() => 2;\n"
    assert _found("duplicate-definition", main, helpers=helpers) == [
        (2, "The name 'total' is already defined (line lib/main.dart:2)"),
    ]


def test_pairs_scopes_wildcards_and_unnamed_extensions_are_not_duplicates() -> None:
    main = """\
class Counter {
  Counter();
  Counter.named();
  int _value = 0;
  int get value => _value;
  set value(int v) => _value = v;
  void named() {}
  void run(void Function(int a) first, void Function(int a) second) {
    for (var i = 0; i < 2; i++) {}
    for (var i = 0; i < 2; i++) {}
    if (first == second) { final x = 1; print(x); } else { final x = 2; print(x); }
    [1, 2].forEach((_) {});
    final pick = (int _, int _) => 0;
    print(pick);
  }
}
extension on String { int get size => length; }
extension on int { int get size => this; }
int get top => 1;
set top(int v) {}
"""
    assert _found("duplicate-definition", main) == []


def test_a_named_argument_given_twice_is_reported_once_per_repeat() -> None:
    main = """\
import 'package:flutter/material.dart';

Widget title(TextStyle bold) => Text('a', style: bold, maxLines: 1, style: bold);
Widget nested(TextStyle s) => Padding(padding: EdgeInsets.zero, child: Text('b', style: s));
"""
    assert _found("duplicate-named-argument", main) == [
        (3, "The argument 'style' is given twice")]


def test_an_operator_declared_twice_is_a_duplicate_but_unary_and_binary_minus_are_two() -> None:
    main = """\
class Money {
  const Money(this.cents);
  final int cents;
  Money operator -() => Money(-cents);
  Money operator -(Money other) => Money(cents - other.cents);
  bool operator ==(Object other) => other is Money && other.cents == cents;
  bool operator ==(Object other) => identical(this, other);
  @override
  int get hashCode => cents;
}
"""
    assert _found("duplicate-definition", main) == [
        (7, "The name 'operator ==' is already defined (line 6)")]
