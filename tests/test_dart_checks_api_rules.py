"""The API rules (static members, arguments, instance members, removed names, literal types)
on a project judged against a small hand-written SDK index (tests/api_fixtures.py)."""

from __future__ import annotations

import pytest

from pipeline.checks import check_files
from pipeline.checks.analysis import Analysis
from pipeline.checks.api_load import SHIPPED
from pipeline.checks.checker import run_rules
from pipeline.checks.diagnostic import Diagnostic
from pipeline.checks.rules import (
    arguments,
    instance_member,
    literal_type,
    removed_api,
    static_member,
)
from tests.api_fixtures import sdk_index
from tests.pubspecs import app_pubspec

PUBSPEC = app_pubspec(tests=False)
RULES = (static_member.RULE, arguments.RULE, instance_member.RULE, removed_api.RULE,
         literal_type.RULE)
HEADER = "import 'package:flutter/material.dart';\n\n"


def found(source: str, **others: str) -> list[Diagnostic]:
    files = {"pubspec.yaml": PUBSPEC, "lib/a.dart": HEADER + source, **others}
    return run_rules(Analysis(files, sdk=sdk_index()), RULES, {"lib/a.dart"})


def messages(source: str, **others: str) -> list[str]:
    return [f"{d.rule}: {d.message}" for d in found(source, **others)]


def test_misspelled_static_member_and_enum_value_with_the_near_miss_as_fix() -> None:
    [color, alignment] = found("final a = [Colors.bleu, MainAxisAlignment.centre];\n")
    assert (color.rule, color.message) == (
        "unknown-static-member", "The getter 'bleu' isn't defined for the type 'Colors'")
    assert color.fix == "Colors has no static member 'bleu'; did you mean 'blue'?"
    assert (alignment.rule, alignment.message) == (
        "unknown-enum-value", "There's no constant named 'centre' in 'MainAxisAlignment'")
    assert alignment.fix == "MainAxisAlignment has no value 'centre'; did you mean 'center'?"
    assert (color.line, color.column) == (3, 19)


def test_unknown_named_argument_says_which_parameter_was_meant() -> None:
    [titel] = found("final w = ListTile(titel: Text('a'));\n")
    assert (titel.rule, titel.message) == (
        "unknown-argument", "The named parameter 'titel' isn't defined for 'ListTile'")
    assert titel.fix == "ListTile has no parameter 'titel'; did you mean 'title'?"


def test_missing_required_and_wrong_positional_counts() -> None:
    assert messages("final a = ElevatedButton(child: Text('go'));\n"
                    "final b = Text();\nfinal c = Text('a', 'b');\n") == [
        "missing-argument: The named parameter 'onPressed' is required by 'ElevatedButton', "
        "but there's no corresponding argument",
        "missing-argument: 'Text' expects 1 positional argument(s), but 0 found",
        "too-many-arguments: Too many positional arguments for 'Text': 1 expected, but 2 found",
    ]


def test_removed_classes_members_and_parameters_name_their_replacement() -> None:
    found_here = messages(
        "Widget f(BuildContext context) {\n"
        "  final style = Theme.of(context).textTheme.headline6;\n"
        "  return RaisedButton(onPressed: () {}, child: Text('x'));\n}\n")
    assert found_here == [
        "removed-api: 'RaisedButton' was removed from Flutter; use 'ElevatedButton'",
        "removed-api: 'TextTheme.headline6' was removed from Flutter; use 'titleLarge'",
    ]


def test_a_method_a_project_class_does_not_have() -> None:
    notifier = ("import 'package:flutter/material.dart';\n\n"
                "class RecipeNotifier extends ChangeNotifier {\n"
                "  final List<String> recipes = [];\n"
                "  void addRecipe(String recipe) {\n    recipes.add(recipe);\n"
                "    notifyListeners();\n  }\n}\n")
    [missing] = found("import 'notifier.dart';\n\n"
                      "void save(RecipeNotifier notifier) {\n  notifier.saveRecipe('soup');\n"
                      "  notifier.addRecipe('soup');\n}\n", **{"lib/notifier.dart": notifier})
    assert (missing.rule, missing.message) == (
        "unknown-member", "The method 'saveRecipe' isn't defined for the type 'RecipeNotifier'")
    assert missing.fix is not None and "addRecipe" in missing.fix


def test_a_private_field_types_its_uses() -> None:
    """`_api.fechAll()` where the class declares `final RecipeApi _api;`."""
    api = "class RecipeApi {\n  Future<List<String>> fetchAll() async => [];\n}\n"
    assert messages("import 'api.dart';\n\nclass Store {\n  Store(this._api);\n"
                    "  final RecipeApi _api;\n  void load() { _api.fechAll(); _api.fetchAll(); }\n"
                    "}\n", **{"lib/api.dart": api}) == [
        "unknown-member: The method 'fechAll' isn't defined for the type 'RecipeApi'"]


def test_a_literal_of_the_wrong_basic_type() -> None:
    assert messages("final int count = 'three';\nconst double width = 2;\nint? n = null;\n"
                    "String s = 'a' 'b';\nfinal bool done = 1;\n") == [
        "wrong-type: A value of type 'String' can't be assigned to a variable of type 'int'",
        "wrong-type: A value of type 'int' can't be assigned to a variable of type 'bool'",
    ]


def test_silent_where_nothing_is_certain() -> None:
    assert found(
        "import 'package:mystery/mystery.dart';\n\n"
        "void f(dynamic d, BuildContext context, Gadget g) {\n"
        "  d.whatever(1, 2, 3); g.spin(); context.watch<Gadget>().spin();\n"
        "  Gadget(speed: 1); Mystery.value; context.mounted;\n"
        "}\nclass Wrapper extends Gadget {\n  void f() { spin(); this.spin(); }\n}\n"
        "class Own<String> {\n  final String s = 'x';\n  final String t = 1;\n}\n"
    ) == []


def test_a_project_class_shadowing_a_flutter_name_is_judged_by_its_own_api() -> None:
    assert messages("class Text {\n  Text(this.a, this.b);\n  final int a;\n  final int b;\n}\n"
                    "final t = Text(1, 2);\n") == []


def test_a_tested_or_cast_name_may_be_promoted_and_is_not_judged() -> None:
    """`w is ListTile && w.title`, `e as Foo`, `if (x case ...)`, `switch (x)` promote."""
    assert found(
        "bool f(Widget w, Widget v, Widget u, Widget s) {\n"
        "  final a = v as ListTile;\n  v.title;\n"
        "  if (u case ListTile()) { u.title; }\n"
        "  switch (s) { case ListTile(): s.title; }\n"
        "  return w is ListTile && w.title != null;\n}\n") == []
    assert messages("void f(Widget w) { w.title; }\n") == [
        "unknown-member: The getter 'title' isn't defined for the type 'Widget'"]
    # A member of it tested is not the name itself: `w` stays what it was declared.
    assert messages("void f(Widget w) { switch (w.hashCode) { case 1: w.title; } }\n") == [
        "unknown-member: The getter 'title' isn't defined for the type 'Widget'"]


def test_a_generic_call_read_as_two_comparisons_is_still_a_call() -> None:
    """tree-sitter-dart reads `Foo<T>(x: 1)` as `(Foo < T) > (x: 1)`."""
    assert messages("final w = ElevatedButton<String>(child: Text('a'));\n") == [
        "missing-argument: The named parameter 'onPressed' is required by 'ElevatedButton', "
        "but there's no corresponding argument"]


def test_an_unnamed_extension_or_a_private_member_silences_instance_members() -> None:
    assert found("extension on Widget {\n  int get depth => 1;\n}\n"
                 "int f(Widget w) => w.depth + w.width;\n") == []
    assert found("class Counter extends ChangeNotifier {\n  int _count = 0;\n"
                 "  void _bump() => _count++;\n  void go() { this._bump(); _bump(); }\n}\n"
                 "void f(Counter c) { c._bump(); }\n") == []


needs_index = pytest.mark.skipif(not SHIPPED.is_file(), reason=f"{SHIPPED} is absent")


def flutter_errors(source: str) -> list[str]:
    """Errors with the shipped index (the real Flutter API)."""
    files = {"pubspec.yaml": PUBSPEC, "lib/a.dart": HEADER + source}
    return [f"{d.rule}: {d.message}" for d in check_files(files) if d.severity == "error"]


@needs_index
def test_the_framework_shapes_that_once_gave_false_errors_give_none() -> None:
    """Each from packages/flutter: a block's local does not hide a field outside the block; an
    applied mixin's `on` type comes after the superclass chain (RenderBox's `constraints` is
    BoxConstraints); `.call` on a function-typed value; `key: A<B, C>(x)`, which tree-sitter
    reads as two comparisons (so as one more positional argument)."""
    assert flutter_errors(
        "import 'package:flutter/rendering.dart';\n\n"
        "class T extends StatelessWidget {\n  const T({super.key, this.border});\n"
        "  final TableBorder? border;\n  @override\n  Widget build(BuildContext context) {\n"
        "    for (final i in [1]) {\n      final Border? border = null;\n      print(border);\n"
        "    }\n    return Material(borderRadius: border?.borderRadius);\n  }\n}\n"
        "mixin M on RenderObject {}\n"
        "class R extends RenderProxyBox with M {\n"
        "  @override\n  void performResize() => size = constraints.biggest;\n}\n"
        "Route<dynamic>? make(RouteFactory? f, RouteSettings s) => f?.call(s);\n"
        "class K<A, B> extends LocalKey {\n  const K(this.a);\n  final A a;\n}\n"
        "Widget gap(BuildContext context) => MaterialGap(key: K<BuildContext, int>(context));\n"
    ) == []


@needs_index
def test_with_the_real_index_the_kinds_models_get_wrong_are_caught() -> None:
    assert flutter_errors(
        "Widget f(BuildContext context) => ListTile(\n"
        "  titel: Text('a', style: Theme.of(context).textTheme.headline6),\n"
        "  leading: Icon(Icons.addd, color: Colors.bleu),\n"
        "  trailing: ElevatedButton(child: Text('b')),\n);\n"
    ) == [
        "unknown-argument: The named parameter 'titel' isn't defined for 'ListTile'",
        "removed-api: 'TextTheme.headline6' was removed from Flutter; use 'titleLarge'",
        "unknown-static-member: The getter 'addd' isn't defined for the type 'Icons'",
        "unknown-static-member: The getter 'bleu' isn't defined for the type 'Colors'",
        "missing-argument: The named parameter 'onPressed' is required by 'ElevatedButton', "
        "but there's no corresponding argument",
    ]
