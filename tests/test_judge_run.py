"""`factory run` and the honest Judge: named features not built exit 1, and the SDK checkpoints
read the stand-in `flutter` when it is on PATH and say "not verified" when it is not."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from factory.cli import main

STANDIN = Path(__file__).resolve().parent / "standin_flutter"
PDF_INVOICES = "An invoice app that exports each invoice as a PDF and emails it to the client"
CASES = "A case tracker for a law firm"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FACTORY_DATA_DIR", str(tmp_path / "data"))
    for name in ("FACTORY_DATABASE_URL", "FACTORY_ENGINE", "FACTORY_CONFIG_FILE",
                 "ANTHROPIC_API_KEY", "FLUTTER_ROOT"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "data"


def no_flutter(monkeypatch: pytest.MonkeyPatch) -> None:
    """PATH without any `flutter`, as on this machine and in CI."""
    keep = [p for p in os.environ["PATH"].split(os.pathsep)
            if not (Path(p) / "flutter").exists()]
    monkeypatch.setenv("PATH", os.pathsep.join(keep))


def run(capsys: pytest.CaptureFixture[str], idea: str, out: Path) -> tuple[int, dict[str, str]]:
    code = main(["run", idea, "--out", str(out), "--json"])
    return code, json.loads(capsys.readouterr().out)


def judge_rows(out: Path) -> dict[str, str]:
    report = (out / "FACTORY_REPORT.md").read_text()
    return {line.split(" | ")[0].strip("| "): line for line in report.splitlines()
            if line.startswith(("| C", "| S", "| F", "| J"))}


def test_features_the_engine_cannot_build_exit_1_and_are_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    no_flutter(monkeypatch)
    code, summary = run(capsys, PDF_INVOICES, tmp_path / "app")
    assert code == 1 and summary["status"] == "failed"
    assert "Not built: export invoice as pdf; email invoice to client." in summary["outcome"]
    report = (tmp_path / "app" / "FACTORY_REPORT.md").read_text()
    assert "**Not built:** export invoice as pdf; email invoice to client." in report
    assert "**Fails whatever the score:** F23 Every named feature is built." in report
    assert "it cannot build \"export invoice as pdf\", \"email invoice to client\"" in report
    assert "| export invoice as pdf | none: the offline engine cannot build this" in report


def test_without_flutter_the_sdk_checkpoints_are_not_verified(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    no_flutter(monkeypatch)
    code, summary = run(capsys, CASES, tmp_path / "app")
    assert code == 0, summary
    rows = judge_rows(tmp_path / "app")
    for cid in ("S21", "S22"):
        assert "| 0/5 | ⚪ | not verified: no Flutter SDK on this machine" in rows[cid]
    assert "track case: lib/screens/case_detail_screen.dart:" in rows["F23"]


def test_with_flutter_on_path_its_output_decides_the_sdk_checkpoints(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", f"{STANDIN}{os.pathsep}{os.environ['PATH']}")
    code, _ = run(capsys, CASES, tmp_path / "clean")
    rows = judge_rows(tmp_path / "clean")
    assert code == 0
    assert "| 5/5 | ✅ | flutter analyze: 0 errors, 0 warnings, 0 infos |" in rows["S21"]
    assert "| 5/5 | ✅ | flutter test: 00:" in rows["S22"] and "All tests passed!" in rows["S22"]

    monkeypatch.setenv("STANDIN_FLUTTER_TEST", "fail")
    monkeypatch.setenv("STANDIN_FLUTTER_ANALYZE", "errors")
    code, summary = run(capsys, "A TV series tracker", tmp_path / "broken")
    rows = judge_rows(tmp_path / "broken")
    assert code == 1 and summary["status"] == "failed"
    assert "| 0/5 | ❌ | flutter analyze: 1 errors, 1 warnings, 0 infos: lib/main.dart:7:9 " \
           "error undefined_method" in rows["S21"]
    assert "Some tests failed." in rows["S22"] and "[E]" not in rows["S22"]
    assert "Expected: ['First', 'Second, edited']" in rows["S22"]
    assert "S21 flutter analyze" in summary["outcome"]
