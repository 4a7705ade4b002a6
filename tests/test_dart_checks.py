"""pipeline.checks: syntax, imports, names, pubspec and project rules on small literal projects."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.checks import (
    Diagnostic,
    check_files,
    declared_names,
    has_errors,
    imports_of,
    project_rules,
)
from pipeline.checks.checker import read_project
from tests.pubspecs import app_pubspec

FIXTURES = Path(__file__).parent / "fixtures"
PUBSPEC = app_pubspec("provider: ^6.1.0")
TRICKY = """\
library app.tricky;

import 'dart:async';
import 'dart:math' as math show max, Random;
import 'package:flutter/material.dart';
import 'package:provider/provider.dart';
import 'model.dart' deferred as lazy;
import 'model.dart' if (dart.library.io) 'model_io.dart';

part 'tricky_part.dart';

typedef Json = Map<String, Object?>;
typedef Mapper<T, R extends Object> = R Function(T value);

sealed class Shape {
  const Shape();
  factory Shape.unit() = Square;
}

final class Square extends Shape {
  const Square([this.side = 1]);
  const Square.big() : side = 10;
  final double side;
}

base mixin Area on Shape {
  double get area;
  set scale(double factor) {}
}

abstract interface class Repo<T extends Comparable<T>> {
  Future<List<T>> all();
}

extension type const Cents(int raw) {
  Cents operator +(Cents other) => Cents(raw + other.raw);
}

extension on String {
  String get shout => toUpperCase();
  String twice() => '$this$shout';
}

enum Level { low, high; bool get isHigh => this == high; }

class Counter with ChangeNotifier {
  Counter._internal();
  static final Counter instance = Counter._internal();
  late final int _start = _seed();
  int value = 0;
  int _seed() => math.Random().nextInt(3);
  void increment() {
    value = math.max(value + 1, _start);
    notifyListeners();
  }
}

@immutable
class Board extends StatelessWidget {
  const Board({super.key, this.items = const [], required this.level});

  final List<(String, int)> items;
  final Level level;

  @override
  Widget build(BuildContext context) {
    final counter = context.watch<Counter>();
    final ({int total, String label}) summary = (total: items.length, label: 'x');
    final (first, count) = items.isEmpty ? ('none', 0) : items.first;
    final Json json = {'first': first};
    final mapper = (int v) => v * 2;
    Mapper<int, String> show = (v) => '$v';
    final children = <Widget>[
      for (final (name, n) in items)
        if (n > 0) Text('$name: ${mapper(n)} ${summary.label}') else const SizedBox.shrink(),
      ...[Text(show(count))],
    ];
    final paint = Paint()
      ..color = Colors.red
      ..strokeWidth = 2;
    final shape = Shape.unit();
    final described = switch (shape) {
      Square(side: final s) when s > 1 => 'big $s',
      Square(:final side) => 'small $side ${json.length}',
    };
    if (json case {'first': String f}) debugPrint(f.shout);
    unawaited(lazy.loadLibrary());
    return Column(
      key: ValueKey(counter.value),
      children: [
        Text(described, style: TextStyle(color: paint.color)),
        ...children,
        if (level.isHigh) Text(helperFromPart()),
      ],
    );
  }
}

class Wallet implements Repo<num> {
  @override
  Future<List<num>> all() async => [const Cents(5) + const Cents(7)];
}
"""
TRICKY_PART = """\
part of 'tricky.dart';

String helperFromPart() => Level.low.name + Square.big().side.toString();
"""
MODEL = "class Model {}\n"


def project(**dart: str) -> dict[str, str]:
    """A minimal valid project plus the given lib/ files (keys use __ for /)."""
    files = {
        "pubspec.yaml": PUBSPEC,
        "analysis_options.yaml": "include: package:flutter_lints/flutter.yaml\n",
        "lib/main.dart": (
            "import 'package:flutter/material.dart';\n"
            "import 'package:provider/provider.dart';\n\n"
            "void main() => runApp(Provider.value(value: 1, child: const Placeholder()));\n"
        ),
        "test/app_test.dart": (
            "import 'package:flutter_test/flutter_test.dart';\n\n"
            "void main() => test('adds', () => expect(1 + 1, 2));\n"
        ),
    }
    files.update({f"lib/{name.replace('__', '/')}.dart": text for name, text in dart.items()})
    return files


def errors(files: dict[str, str], path: str | None = None) -> list[Diagnostic]:
    """Error diagnostics, optionally of one file."""
    return [
        d for d in check_files(files)
        if d.severity == "error" and (path is None or d.file == path)
    ]


@pytest.mark.parametrize("name", ["recipes", "habits", "weather"])
def test_fixture_projects_are_clean(name: str) -> None:
    assert check_files(read_project(FIXTURES / name)) == []


def test_tricky_dart_reports_nothing() -> None:
    files = project(tricky=TRICKY, tricky_part=TRICKY_PART, model=MODEL, model_io=MODEL)
    assert [str(d) for d in check_files(files)] == []


def test_diagnostic_serialises_every_field() -> None:
    diagnostic = Diagnostic("lib/a.dart", 3, 7, "syntax", "error", "Syntax error")
    assert diagnostic.to_dict() == {
        "file": "lib/a.dart", "line": 3, "column": 7, "rule": "syntax",
        "severity": "error", "message": "Syntax error",
    }
    assert has_errors([diagnostic])
    assert str(diagnostic) == "lib/a.dart:3:7: error [syntax] Syntax error"


def test_syntax_error_has_position_and_message() -> None:
    files = project(broken="void f() {\n  final x = [1, 2;\n}\n")
    found = errors(files, "lib/broken.dart")
    assert found and all(d.rule == "syntax" for d in found)
    assert found[0].line == 2
    assert found[0].message.startswith("Syntax error")


def test_missing_project_import_names_the_file() -> None:
    files = project(
        state__recipe_store="class RecipeStore {}\n",
        screen="import 'package:flutter/material.dart';\n\n"
        "Widget build() => Text('${RecipeStore()}');\n",
    )
    [found] = errors(files, "lib/screen.dart")
    assert found.rule == "missing-import"
    assert found.message == "Undefined name 'RecipeStore': import 'state/recipe_store.dart'"
    assert (found.line, found.column) == (3, 27)


def test_tests_are_told_to_use_package_uris() -> None:
    files = project(model="class Model {}\n")
    files["test/model_test.dart"] = (
        "import 'package:flutter_test/flutter_test.dart';\n\n"
        "void main() => test('m', () => expect(Model(), isNotNull));\n"
    )
    [found] = errors(files, "test/model_test.dart")
    assert found.message == "Undefined name 'Model': import 'package:app/model.dart'"


def test_misspelled_flutter_widget_is_a_near_miss() -> None:
    files = project(home="import 'package:flutter/material.dart';\n\n"
                         "Widget home() => const Scafold(body: Colum(children: []));\n")
    messages = [d.message for d in errors(files, "lib/home.dart")]
    assert messages == [
        "Undefined name 'Scafold'. Did you mean 'Scaffold'?",
        "Undefined name 'Colum'. Did you mean 'Column'?",
    ]


def test_unknown_name_without_open_imports_is_an_error() -> None:
    files = project(pure="import 'dart:math';\n\nfinal value = Frobnicator(max(1, 2));\n")
    [found] = errors(files, "lib/pure.dart")
    assert found.message == "Undefined name 'Frobnicator'"


def test_known_names_of_unimported_libraries_say_what_to_import() -> None:
    files = project(codec="String encode(Object o) => jsonEncode(o);\n")
    [found] = errors(files, "lib/codec.dart")
    assert found.message == "Undefined name 'jsonEncode': import 'dart:convert'"


def test_names_of_indexed_packages_and_flutter_say_what_to_import() -> None:
    """From the shipped API index, not a list of ours: none of these names was in one."""
    files = project(routes=(
        "final config = RoutingConfig(routes: []);\n"
        "final bar = BottomAppBar();\n"
    ))
    messages = sorted(d.message for d in errors(files, "lib/routes.dart"))
    assert messages == [
        "Undefined name 'BottomAppBar': import 'package:flutter/material.dart'",
        "Undefined name 'RoutingConfig': import 'package:go_router/go_router.dart'",
    ]


def test_names_an_unknown_package_may_export_are_never_reported() -> None:
    """`XFile` comes from file_selector, which nobody here knows: it is no misspelt `File`."""
    files = project(fancy=(
        "import 'dart:io';\n\n"
        "import 'package:flutter/material.dart';\n"
        "import 'package:file_selector/file_selector.dart';\n\n"
        "Future<File?> pick() async {\n"
        "  final XFile? chosen = await openFile();\n"
        "  return chosen == null ? null : File(chosen.path);\n}\n"
        "Widget frame() => Contaner();\n"
    ))
    files["pubspec.yaml"] = PUBSPEC.replace("  provider: ^6.1.0\n",
                                            "  provider: ^6.1.0\n  file_selector: ^1.0.3\n")
    assert errors(files, "lib/fancy.dart") == []
    files["lib/fancy.dart"] = files["lib/fancy.dart"].replace(
        "import 'package:file_selector/file_selector.dart';\n", "")
    messages = [d.message for d in errors(files, "lib/fancy.dart")]
    assert "Undefined name 'Contaner'. Did you mean 'Container'?" in messages


def test_locals_parameters_members_and_named_arguments_are_never_reported() -> None:
    files = project(scope=(
        "import 'package:flutter/material.dart';\n\n"
        "class Box<T> extends StatefulWidget {\n"
        "  const Box({super.key, required this.Item});\n"
        "  final T Item;\n"
        "  @override\n  State<Box<T>> createState() => _BoxState<T>();\n}\n\n"
        "class _BoxState<T> extends State<Box<T>> {\n"
        "  @override\n  Widget build(BuildContext context) {\n"
        "    final Local = widget.Item;\n"
        "    setState(() {});\n"
        "    return Text('$Local ${widget.Item} ${mounted}', textAlign: TextAlign.start);\n"
        "  }\n}\n"
    ))
    assert errors(files) == []


def test_only_limits_the_report_to_the_given_paths() -> None:
    files = project(a="final a = Missing1();\n", b="final b = Missing2();\n")
    reported = check_files(files, only=["lib/b.dart"])
    assert {d.file for d in reported} == {"lib/b.dart"}
    assert [d.message for d in reported] == ["Undefined name 'Missing2'"]


def test_undefined_prefix_names_the_import() -> None:
    files = project(api="Future<http.Response> fetch() async => throw 0;\n")
    files["pubspec.yaml"] = PUBSPEC + "  http: ^1.0.0\n"
    [found] = errors(files, "lib/api.dart")
    assert found.rule == "unknown-prefix"
    assert found.message == "Undefined prefix 'http': import 'package:http/http.dart' as http"


def test_provider_extension_needs_its_import() -> None:
    body = (
        "import 'package:flutter/material.dart';\n{extra}\n"
        "Widget count(BuildContext context) => Text('${{context.watch<int>()}}');\n"
    )
    unimported = project(count=body.format(extra=""))
    [found] = errors(unimported, "lib/count.dart")
    assert found.message == (
        "Undefined method 'context.watch': import 'package:provider/provider.dart'"
    )
    imported = project(count=body.format(extra="import 'package:provider/provider.dart';"))
    assert errors(imported, "lib/count.dart") == []


def test_renamed_class_leaves_a_mismatched_constructor() -> None:
    files = project(card="class RecipeTile {\n  const RecipeCard(this.title);\n"
                         "  final String title;\n}\n")
    found = errors(files, "lib/card.dart")
    assert "constructor-name" in {d.rule for d in found}


def test_unresolved_imports_and_parts() -> None:
    files = project(
        links=(
            "import 'dart:htmlx';\n"
            "import 'package:flutter/materials.dart';\n"
            "import 'nowhere.dart';\n"
            "part 'links.g.dart';\n"
        ),
    )
    found = [(d.rule, d.severity, d.message) for d in check_files(files)
             if d.file == "lib/links.dart"]
    assert found == [
        ("unresolved-import", "error", "Unknown library: 'dart:htmlx'"),
        ("unresolved-import", "error", "Unknown library: 'package:flutter/materials.dart'"),
        ("unresolved-import", "error", "Target of URI doesn't exist: 'nowhere.dart'"),
        ("unresolved-part", "warning",
         "Target of URI hasn't been generated: 'links.g.dart' (run build_runner)"),
    ]


def test_names_from_a_missing_generated_part_are_not_reported() -> None:
    files = project(user=(
        "part 'user.g.dart';\n\n"
        "class User {\n  factory User.fromJson(Map<String, dynamic> j) => _$UserFromJson(j);\n}\n"
    ))
    assert errors(files, "lib/user.dart") == []


def test_pubspec_fields_and_dependencies() -> None:
    files = project(net="import 'package:http/http.dart';\n\nfinal c = Client();\n")
    files["pubspec.yaml"] = "name: App\ndependencies:\n  uuid: ^4.0.0\n"
    files["test/extra_test.dart"] = "import 'package:mocktail/mocktail.dart';\n"
    found = {(d.file, d.rule, d.severity) for d in check_files(files)}
    assert {
        ("pubspec.yaml", "pubspec-name", "error"),
        ("pubspec.yaml", "pubspec-sdk", "error"),
        ("lib/net.dart", "pubspec-missing-dependency", "error"),
        ("test/extra_test.dart", "pubspec-missing-dependency", "error"),
        ("pubspec.yaml", "pubspec-unused-dependency", "warning"),
    } <= found


def test_endorsed_platform_packages_and_sky_engine_are_used_without_an_import() -> None:
    """A federated plugin depends on its platform implementations only to endorse them
    (`default_package:`), and the framework declares sky_engine for dart:ui: nothing imports
    either, so neither is an unused dependency."""
    pubspec = (
        "name: prefs\nenvironment:\n  sdk: ^3.5.0\n"
        "flutter:\n  plugin:\n    platforms:\n"
        "      android:\n        default_package: prefs_android\n"
        "      web:\n        default_package: prefs_web\n"
        "dependencies:\n  flutter:\n    sdk: flutter\n  sky_engine:\n    sdk: flutter\n"
        "  prefs_android: ^2.0.0\n  prefs_web: ^2.0.0\n  uuid: ^4.0.0\n"
    )
    files = {"pubspec.yaml": pubspec,
             "lib/prefs.dart": "import 'package:flutter/foundation.dart';\n\nconst on = kIsWeb;\n"}
    unused = [d.message for d in check_files(files) if d.rule == "pubspec-unused-dependency"]
    assert unused == ["Package 'uuid' is declared but never imported"]


def undeclared(files: dict[str, str]) -> set[tuple[str, str]]:
    """(package, severity) of each undeclared-package diagnostic."""
    return {(d.message.split("'")[1], d.severity) for d in check_files(files)
            if d.rule == "pubspec-missing-dependency"}


def test_an_undeclared_package_that_still_resolves_is_a_warning() -> None:
    """Flutter brings in `meta`; firebase_core (whose dependencies we do not know) may bring
    in `http`; pubspec.lock, when present, says what resolved."""
    files = project(net=(
        "import 'package:http/http.dart';\nimport 'package:meta/meta.dart';\n\n"
        "@immutable\nclass Net {\n  final c = Client();\n}\n"
    ))
    assert undeclared(files) == {("http", "error"), ("meta", "warning")}
    files["pubspec.yaml"] = PUBSPEC.replace("  provider:", "  firebase_core: ^3.0.0\n  provider:")
    assert undeclared(files) == {("http", "warning"), ("meta", "warning")}
    files["pubspec.lock"] = "packages:\n  meta:\n    version: 1.15.0\n"
    assert undeclared(files) == {("http", "error"), ("meta", "warning")}


def test_test_files_may_use_dev_dependencies() -> None:
    files = project()
    files["pubspec.yaml"] = PUBSPEC + "  mocktail: ^1.0.0\n"
    files["test/mock_test.dart"] = (
        "import 'package:flutter_test/flutter_test.dart';\n"
        "import 'package:mocktail/mocktail.dart';\n\n"
        "class _Api extends Mock {}\n\nvoid main() => test('m', () => expect(_Api(), isNotNull));\n"
    )
    assert errors(files) == []


def test_invalid_or_missing_pubspec_is_an_error() -> None:
    files = project()
    files["pubspec.yaml"] = "name: [unclosed\n"
    assert [d.rule for d in errors(files)] == ["pubspec-invalid"]
    del files["pubspec.yaml"]
    assert [d.rule for d in errors(files)] == ["pubspec-missing"]


def test_project_rules() -> None:
    files = {
        "lib/main.dart": (
            "import 'package:flutter/material.dart';\n\n"
            "void main() {}\n\n"
            "class A extends StatelessWidget {\n  const A({super.key});\n"
            "  @override\n  Widget build(BuildContext context) {}\n}\n\n"
            "// TODO: finish\nint later() => throw UnimplementedError();\n"
        ),
        ".github/workflows/ci.yml": "",
    }
    found = {(d.file, d.rule, d.severity) for d in project_rules(files)}
    assert found == {
        ("lib/main.dart", "main-runapp", "error"),
        ("test", "no-tests", "warning"),
        ("analysis_options.yaml", "analysis-options", "warning"),
        ("lib/main.dart", "placeholder", "error"),
        ("lib/main.dart", "placeholder", "warning"),
        (".github/workflows/ci.yml", "github-dir", "error"),
    }
    assert len([d for d in project_rules(files) if d.rule == "placeholder"]) == 3
    assert project_rules(project()) == []


def test_factory_rules_are_not_errors_of_the_default_check() -> None:
    files = project(main="void main() {}\n\nint later() => throw UnimplementedError();\n")
    files["pubspec.yaml"] = "name: tool\nenvironment:\n  sdk: ^3.5.0\n"
    files[".github/workflows/ci.yml"] = ""
    del files["test/app_test.dart"]
    factory = {"main-runapp", "placeholder", "pubspec-flutter", "github-dir", "no-tests"}
    assert not {d.rule for d in check_files(files)} & factory
    assert factory <= {d.rule for d in check_files(files, factory_rules=True)}


def test_declared_names_and_imports_of() -> None:
    files = project(
        a="import 'b.dart';\nexport 'c.dart' show C;\nclass A {}\nenum E { x }\n"
          "final a = 1;\nint get g => 1;\ntypedef F = int Function();\n"
          "extension Ext on int {}\nmixin M {}\nclass _Private {}\n",
        b="class B {}\n",
        c="class C {}\n",
    )
    assert declared_names(files)["lib/a.dart"] == {
        "A", "E", "a", "g", "F", "Ext", "M", "_Private",
    }
    assert imports_of("lib/a.dart", files) == {"lib/b.dart", "lib/c.dart"}
    assert imports_of("lib/main.dart", files) == set()
    assert imports_of("pubspec.yaml", files) == set()


def test_exports_carry_names_through_show_and_hide() -> None:
    files = project(
        models__all="export 'one.dart' show One;\nexport 'two.dart' hide Hidden;\n",
        models__one="class One {}\nclass NotShown {}\n",
        models__two="class Two {}\nclass Hidden {}\n",
        use="import 'models/all.dart';\n\nfinal items = [One(), Two(), NotShown(), Hidden()];\n",
    )
    messages = {d.message for d in errors(files, "lib/use.dart")}
    assert messages == {
        "Undefined names 'NotShown', 'Hidden': import 'models/one.dart'",
    } or messages == {
        "Undefined name 'NotShown': import 'models/one.dart'",
        "Undefined name 'Hidden': import 'models/two.dart'",
    }


def test_transitive_and_synthetic_packages_are_not_errors() -> None:
    files = project(extra=(
        "import 'package:collection/collection.dart';\n"
        "import 'package:flutter_gen/gen_l10n/app_localizations.dart';\n\n"
        "final first = [1].firstOrNull;\n"
    ))
    found = [(d.rule, d.severity) for d in check_files(files) if d.file == "lib/extra.dart"]
    assert found == [("pubspec-missing-dependency", "warning")]


def test_imports_that_leave_the_project_are_not_judged() -> None:
    files = project(shared=(
        "import '../../common/lib/widgets.dart';\n\nfinal banner = SharedBanner();\n"
    ))
    assert errors(files, "lib/shared.dart") == []
