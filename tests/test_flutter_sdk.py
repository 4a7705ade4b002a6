"""The Judge's SDK checkpoints against a stand-in `flutter` that answers like the real one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.agents.flutter_sdk import NO_SDK, NOT_EXECUTED, LocalFlutter, NoExecution
from pipeline.agents.sdk_output import parse_analyze, parse_test
from tests.offline_app import write_app

STANDIN = Path(__file__).resolve().parent / "standin_flutter"
IDEA = "An invoice tracker with line items"


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return write_app(IDEA).files


def with_standin(tmp_path: Path, **behaviour: str) -> LocalFlutter:
    env = {"PATH": f"{STANDIN}{os.pathsep}{os.environ['PATH']}",
           "STANDIN_FLUTTER_LOG": str(tmp_path / "calls.log"), **behaviour}
    return LocalFlutter(environ=env)


def calls(tmp_path: Path) -> list[str]:
    log = tmp_path / "calls.log"
    return [line.split(" @ ")[0] for line in log.read_text().splitlines()] if log.exists() else []


async def test_without_an_sdk_both_checkpoints_say_not_verified(files: dict[str, str]) -> None:
    report = await LocalFlutter(environ={"PATH": "/nonexistent"}).verify(files)
    for outcome in (report.analyze, report.test):
        assert not outcome.passed and not outcome.verified and not outcome.blocks
        assert outcome.evidence == NO_SDK
        assert outcome.evidence.startswith("not verified: no Flutter SDK on this machine")


async def test_the_github_app_path_never_executes_anything(
        files: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", f"{STANDIN}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("STANDIN_FLUTTER_LOG", str(tmp_path / "calls.log"))
    report = await NoExecution().verify(files)
    assert report.analyze.evidence == report.test.evidence == NOT_EXECUTED
    assert not report.analyze.verified and calls(tmp_path) == []


async def test_a_clean_app_passes_with_the_tools_output_as_evidence(
        files: dict[str, str], tmp_path: Path) -> None:
    report = await with_standin(tmp_path).verify(files)
    assert calls(tmp_path) == ["pub get", "analyze", "test --reporter expanded"]
    assert report.analyze.passed and report.analyze.verified
    assert report.analyze.evidence == "flutter analyze: 0 errors, 0 warnings, 0 infos"
    assert report.test.passed
    assert report.test.evidence.startswith("flutter test: 00:")
    assert report.test.evidence.endswith(": All tests passed!")


async def test_analyzer_errors_fail_and_block_naming_file_and_line(
        files: dict[str, str], tmp_path: Path) -> None:
    outcome = (await with_standin(tmp_path, STANDIN_FLUTTER_ANALYZE="errors").verify(files)).analyze
    assert not outcome.passed and outcome.verified and outcome.blocks
    assert "1 errors, 1 warnings" in outcome.evidence
    assert ("lib/main.dart:7:9 error undefined_method: The method 'saveAll' isn't defined for "
            "the type 'KeyValueStore'") in outcome.evidence


async def test_warnings_fail_without_blocking_and_infos_pass(
        files: dict[str, str], tmp_path: Path) -> None:
    warned = (await with_standin(tmp_path, STANDIN_FLUTTER_ANALYZE="warnings").verify(files))
    assert not warned.analyze.passed and not warned.analyze.blocks
    assert "unused_local_variable" in warned.analyze.evidence
    infos = (await with_standin(tmp_path, STANDIN_FLUTTER_ANALYZE="infos").verify(files))
    assert infos.analyze.passed and "prefer_const_constructors" in infos.analyze.evidence


async def test_a_failing_test_fails_and_blocks_naming_the_test(
        files: dict[str, str], tmp_path: Path) -> None:
    outcome = (await with_standin(tmp_path, STANDIN_FLUTTER_TEST="fail").verify(files)).test
    assert not outcome.passed and outcome.verified and outcome.blocks
    assert "Some tests failed." in outcome.evidence
    assert "test/" in outcome.evidence
    assert "Expected: ['First', 'Second, edited']" in outcome.evidence


async def test_a_failed_pub_get_leaves_both_unverified_with_its_output(
        files: dict[str, str], tmp_path: Path) -> None:
    report = await with_standin(tmp_path, STANDIN_FLUTTER_PUB="fail").verify(files)
    assert calls(tmp_path) == ["pub get"]
    assert not report.analyze.verified and not report.test.verified
    assert "`flutter pub get` ended with exit code 1" in report.test.evidence
    assert "version solving failed" in report.test.evidence


def test_both_analyzer_formats_are_read() -> None:
    output = (
        "Analyzing app...\n\n"
        "   info • Use 'const' • lib/a.dart:3:5 • prefer_const_constructors\n"
        "  error - /work/app/lib/b.dart:10:2 - Undefined name 'x' - undefined_identifier\n"
        "warning • Dead code • lib/c.dart:1:1 • dead_code\n\n3 issues found. (ran in 1.0s)\n")
    result = parse_analyze(output, "/work/app")
    assert result.finished
    assert [(i.severity, i.file, i.line, i.code) for i in result.issues] == [
        ("info", "lib/a.dart", 3, "prefer_const_constructors"),
        ("error", "lib/b.dart", 10, "undefined_identifier"),
        ("warning", "lib/c.dart", 1, "dead_code"),
    ]
    assert not parse_analyze("Analyzing app...\nOops, crashed\n").finished


def test_expanded_test_output_is_read() -> None:
    output = (
        "00:01 +0: loading /w/app/test/a_test.dart\n"
        "00:02 +1: /w/app/test/a_test.dart: A survives a JSON round trip\n"
        "00:03 +1 -1: /w/app/test/a_test.dart: ANotifier save two [E]\n"
        "  Expected: ['a', 'b']\n    Actual: ['a']\n\n"
        "00:04 +1 ~1 -1: Some tests failed.\n")
    result = parse_test(output, "/w/app")
    assert (result.passed, result.failed, result.skipped) == (1, 1, 1)
    assert result.summary == "00:04 +1 ~1 -1: Some tests failed."
    assert result.failures == [
        "test/a_test.dart: ANotifier save two — Expected: ['a', 'b'] — Actual: ['a']"]
