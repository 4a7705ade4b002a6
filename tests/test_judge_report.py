"""The Judge's report: blocking failures fail whatever the score, and it says what is missing."""

from __future__ import annotations

from pipeline.agents.judge import CheckpointResult, JudgeReport, render_judge


def result(cid: str, points: int, *, passed: bool = True, verified: bool = True,
           blocks: bool = False, evidence: str = "seen") -> CheckpointResult:
    return CheckpointResult(id=cid, title=f"title {cid}", points=points, passed=passed,
                            evidence=evidence, decided_by="code", verified=verified,
                            blocks=blocks)


def test_a_blocking_failure_fails_the_app_whatever_the_score() -> None:
    report = JudgeReport(checkpoints=[result("C05", 79), result("F23", 21, passed=False,
                                                                  blocks=True)],
                         score=79, threshold=70, summary="s", not_built=["export as pdf"])
    assert report.score >= report.threshold and not report.passed
    markdown = render_judge(report)
    assert "**FAIL: 79/100**" in markdown
    assert "**Not built:** export as pdf." in markdown
    assert "**Fails whatever the score:** F23 title F23." in markdown


def test_unverified_checkpoints_score_nothing_and_are_marked_as_such() -> None:
    report = JudgeReport(checkpoints=[
        result("C05", 90), result("S21", 10, passed=False, verified=False,
                                  evidence="not verified: no Flutter SDK on this machine")],
        score=90, threshold=80, summary="s")
    assert report.passed
    markdown = render_judge(report)
    assert "(pass mark 80; 1/2 checkpoints, 1 not verified)" in markdown
    assert "| S21 | title S21 | 0/10 | ⚪ | not verified: no Flutter SDK on this machine |" in (
        markdown)


def test_a_report_saved_before_these_fields_still_loads() -> None:
    old = {"checkpoints": [{"id": "C01", "title": "t", "points": 5, "passed": True,
                            "evidence": "e", "decided_by": "code"}],
           "score": 5, "threshold": 80, "summary": "s"}
    report = JudgeReport.model_validate(old)
    assert report.not_built == [] and report.blocking == []
