"""Reading what a CI job's log blames, and mapping it to the files the factory planned."""

from __future__ import annotations

from pipeline.ci_diagnostics import CiDiagnostic, blame, parse_log, project_path

PLANNED = ["lib/main.dart", "lib/models/invoice.dart", "test/invoice_test.dart"]
ROOT = "/home/runner/work/app/app"
AT = "2026-12-02T10:00:04.2000000Z"

ANALYZE_PLAIN = f"""\
{AT} Analyzing app...
{AT}   error • Undefined name 'totl' • lib/models/invoice.dart:12:5 • undefined_identifier
{AT} warning - Unused import • {ROOT}/lib/main.dart:3:8 - unused_import
{AT} 2 issues found. (ran in 2.1s)
"""

ANALYZE_MACHINE = (
    f"ERROR|COMPILE_TIME_ERROR|UNDEFINED_IDENTIFIER|{ROOT}/lib/models/invoice.dart|12|5|4|"
    "Undefined name 'totl'.\n"
    f"INFO|LINT|PREFER_CONST_CONSTRUCTORS|{ROOT}/lib/generated_plugin.dart|7|3|9|Use 'const'.\n")

TEST_FAILED = f"""\
00:03 +2: {ROOT}/test/invoice_test.dart: total sums line items
00:03 +2 -1: {ROOT}/test/invoice_test.dart: total sums line items [E]
  Expected: <30>
    Actual: <20>
  package:matcher                                    expect
  package:flutter_test/src/widget_tester.dart 474:18  expect
  package:invoices/models/invoice.dart 21:7          Invoice.total
  test/invoice_test.dart 14:5                        main.<fn>
00:04 +2 -1: Some tests failed.
"""


def test_plain_analyze_output_with_timestamps_names_file_line_and_code() -> None:
    found = parse_log(ANALYZE_PLAIN)
    assert [(d.file, d.line, d.source) for d in found] == [
        ("lib/models/invoice.dart", 12, "analyze"), (f"{ROOT}/lib/main.dart", 3, "analyze")]
    assert found[0].message == "error undefined_identifier: Undefined name 'totl'"


def test_machine_format_is_read() -> None:
    found = parse_log(ANALYZE_MACHINE)
    assert [(d.file, d.line) for d in found] == [
        (f"{ROOT}/lib/models/invoice.dart", 12), (f"{ROOT}/lib/generated_plugin.dart", 7)]
    assert found[0].message == "error undefined_identifier: Undefined name 'totl'."


def test_failed_test_is_placed_at_the_first_frame_in_the_project() -> None:
    [failure] = parse_log(TEST_FAILED)
    assert (failure.file, failure.line, failure.source) == (
        "package:invoices/models/invoice.dart", 21, "test")
    assert "total sums line items" in failure.message and "Expected: <30>" in failure.message


def test_failed_test_without_frames_blames_its_test_file() -> None:
    [failure] = parse_log(f"00:01 +0 -1: {ROOT}/test/invoice_test.dart: loads [E]\n"
                          "  Test failed. See exception logs above.\n")
    assert (failure.file, failure.line) == (f"{ROOT}/test/invoice_test.dart", 0)


def test_a_log_without_findings_blames_nothing() -> None:
    assert parse_log("Run flutter analyze\nNo issues found! (ran in 1.2s)\n") == []


def test_paths_map_to_planned_files() -> None:
    assert project_path(f"{ROOT}/lib/main.dart", PLANNED) == "lib/main.dart"
    assert project_path("package:invoices/models/invoice.dart", PLANNED) == (
        "lib/models/invoice.dart")
    assert project_path("test/invoice_test.dart", PLANNED) == "test/invoice_test.dart"
    assert project_path(f"{ROOT}/lib/other/main.dart", PLANNED) is None
    assert project_path("lib/generated_plugin.dart", PLANNED) is None


def test_blame_splits_planned_files_from_the_rest() -> None:
    found = parse_log(ANALYZE_MACHINE + ANALYZE_PLAIN + TEST_FAILED)
    blamed, others = blame(found, PLANNED)
    assert sorted(blamed) == ["lib/main.dart", "lib/models/invoice.dart"]
    assert len(blamed["lib/models/invoice.dart"]) == 3
    assert others == [CiDiagnostic(f"{ROOT}/lib/generated_plugin.dart", 7,
                                   "info prefer_const_constructors: Use 'const'.", "analyze")]
