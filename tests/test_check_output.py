"""Check-run output: limits, annotation levels, and request chunks."""

from __future__ import annotations

from bot.check_output import OUTPUT_LIMIT, Display, annotations_for, chunks, fit
from pipeline.events import FileFailed, Finding


def test_fit_cuts_and_says_so() -> None:
    assert fit("short") == "short"
    cut = fit("x" * (OUTPUT_LIMIT + 1))
    assert len(cut) == OUTPUT_LIMIT and cut.endswith("(truncated to fit GitHub's limit)")


def test_annotations_keep_lines_and_map_severities() -> None:
    event = FileFailed(run_id="r", path="lib/a.dart", attempts=3, feedback="", findings=[
        Finding(path="lib/a.dart", line=0, message="m0", severity="warning"),
        Finding(path="lib/a.dart", line=12, message="m12", severity="notice")])
    notes = annotations_for(event)
    assert [(n["start_line"], n["annotation_level"]) for n in notes] == [
        (1, "warning"), (12, "notice")]
    with_feedback = annotations_for(event.model_copy(update={"feedback": "use const"}))
    assert with_feedback[-1]["message"] == "use const"
    assert "3 attempts" in with_feedback[-1]["title"]


def test_chunks_of_fifty() -> None:
    items = [{"n": i} for i in range(101)]
    assert [len(c) for c in chunks(items)] == [50, 50, 1]
    assert chunks([]) == []


def test_summary_before_a_plan_and_with_gates() -> None:
    display = Display(engine="offline", stage="gates")
    display.gates.append(("compliance_risk", False, "gambling | needs licences"))
    summary = display.summary("Killed")
    assert summary.startswith("Killed\n")
    assert "| gates | — | — |" in summary
    assert "❌ compliance_risk: gambling \\| needs licences" in summary
    assert display.text() == ""
