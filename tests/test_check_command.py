"""`factory check DIR`: exit codes, text and JSON output, and the SDK analyzer merge."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from factory.cli import main
from pipeline.checks import check_directory, libraries, parsing
from pipeline.checks.analyzer import find_dart, parse_machine

FIXTURES = Path(__file__).parent / "fixtures"
STANDIN = Path(__file__).parent / "standin_dart"
WIDGET = """\
import 'package:flutter/material.dart';

import '{previous}';

class Panel{i} extends StatelessWidget {{
  const Panel{i}({{super.key, this.title = 'Panel {i}'}});

  final String title;

  @override
  Widget build(BuildContext context) {{
    final items = [for (var n = 0; n < {i}; n++) if (n.isEven) Text('$title $n')];
    return Card(
      child: Column(
        crossAxisAlignment: CrossAxisAlignment.start,
        children: [...items, const {previous_class}()],
      ),
    );
  }}
}}
"""


@pytest.fixture
def recipes(tmp_path: Path) -> Path:
    root = tmp_path / "recipes"
    shutil.copytree(FIXTURES / "recipes", root)
    return root


@pytest.fixture
def no_sdk(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.delenv("FLUTTER_ROOT", raising=False)
    libraries.sdk_index.cache_clear()
    yield
    libraries.sdk_index.cache_clear()


@pytest.mark.usefixtures("no_sdk")
def test_clean_project_exits_zero(recipes: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(recipes)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == "0 error(s), 0 warning(s), 0 info(s)"


@pytest.mark.usefixtures("no_sdk")
def test_errors_exit_one_with_json(recipes: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app = recipes / "lib" / "app.dart"
    app.write_text(app.read_text().replace("MaterialApp(", "MaterialAp(", 1))
    assert main(["check", str(recipes), "--json"]) == 1
    [found] = json.loads(capsys.readouterr().out)
    assert found == {
        "file": "lib/app.dart", "line": 11, "column": 12, "rule": "unknown-name",
        "severity": "error", "message": "Undefined name 'MaterialAp'. Did you mean 'MaterialApp'?",
        "fix": "Replace 'MaterialAp' with 'MaterialApp'",
    }


@pytest.mark.usefixtures("no_sdk")
def test_factory_rules_only_on_request(recipes: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A library without lib/main.dart is clean Dart; only the factory's own rules mind."""
    (recipes / "lib" / "main.dart").unlink()
    assert main(["check", str(recipes), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["check", str(recipes), "--json", "--factory-rules"]) == 1
    rules = {d["rule"] for d in json.loads(capsys.readouterr().out)}
    assert rules == {"main-runapp"}


@pytest.mark.usefixtures("no_sdk")
def test_text_output_names_file_line_and_rule(
    recipes: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (recipes / "lib" / "broken.dart").write_text("void f( {\n")
    assert main(["check", str(recipes)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("lib/broken.dart:1:")
    assert "error [syntax]" in out


def test_missing_or_non_directory_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(tmp_path / "nope")]) == 3
    assert capsys.readouterr().err.strip() == f"factory: error: {tmp_path / 'nope'} does not exist"
    file = tmp_path / "file.txt"
    file.write_text("x")
    assert main(["check", str(file)]) == 3
    assert "is not a directory" in capsys.readouterr().err


@pytest.mark.usefixtures("no_sdk")
def test_generated_and_platform_directories_are_skipped(recipes: Path) -> None:
    for skipped in ("build", ".dart_tool", "android"):
        (recipes / skipped).mkdir()
        (recipes / skipped / "junk.dart").write_text("this is not dart {")
    assert check_directory(recipes) == []


@pytest.mark.usefixtures("no_sdk")
def test_a_forty_file_project_checks_clean(recipes: Path) -> None:
    # How fast is for `factory bench overhead` (static checks are part of its per-file cost),
    # not for a test on a loaded machine.
    widgets = recipes / "lib" / "panels"
    widgets.mkdir()
    (widgets / "panel0.dart").write_text(
        "import 'package:flutter/material.dart';\n\n"
        "class Panel0 extends StatelessWidget {\n  const Panel0({super.key});\n\n"
        "  @override\n  Widget build(BuildContext context) => const SizedBox();\n}\n"
    )
    for i in range(1, 27):
        (widgets / f"panel{i}.dart").write_text(
            WIDGET.format(i=i, previous=f"panel{i - 1}.dart", previous_class=f"Panel{i - 1}")
        )
    assert len(list(recipes.rglob("*.dart"))) == 40
    parsing.parse.cache_clear()
    assert check_directory(recipes) == []


def test_analyzer_diagnostics_are_merged(
    recipes: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", f"{STANDIN}:/usr/bin:/bin")
    monkeypatch.delenv("FLUTTER_ROOT", raising=False)
    libraries.sdk_index.cache_clear()
    try:
        assert find_dart() == str(STANDIN / "dart")
        assert main(["check", str(recipes), "--json"]) == 1
    finally:
        libraries.sdk_index.cache_clear()
    found = json.loads(capsys.readouterr().out)
    assert found == [
        {"file": "lib/app.dart", "line": 12, "column": 7, "rule": "undefined_method",
         "severity": "error", "message": "The method 'frob' isn't defined for the type 'int'."},
        {"file": "lib/theme.dart", "line": 3, "column": 1, "rule": "prefer_const_constructors",
         "severity": "info",
         "message": "Use 'const' with the constructor to improve performance."},
    ]


def test_machine_format_keeps_escaped_bars(tmp_path: Path) -> None:
    line = f"WARNING|LINT|X|{tmp_path}/lib/a.dart|2|3|1|Use a \\| b.\n"
    [found] = parse_machine(line + "ERROR|bad line\n", tmp_path)
    assert (found.file, found.line, found.column, found.severity) == ("lib/a.dart", 2, 3, "warning")
    assert found.message == "Use a | b."
