"""Reading what `flutter analyze` and `flutter test --reporter expanded` print.

`flutter analyze` prints `severity • message • file:line:col • code` (or with `-` between the
parts where the terminal has no bullet), `dart analyze` puts the location second; both end with
"N issues found." or "No issues found!". The expanded test reporter prints one line per test
event, `MM:SS +passed ~skipped -failed: <file>: <test name>`, ending a failed test's line with
`[E]`, and a last line "All tests passed!" or "Some tests failed.".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SEVERITIES = ("error", "warning", "info")
_SEP = r"\s+[•\-]\s+"
_WHERE = r"(?P<file>[^\s:]+):(?P<line>\d+):(?P<column>\d+)"
FLUTTER_ISSUE = re.compile(
    rf"^\s*(?P<severity>error|warning|info){_SEP}(?P<message>.+?){_SEP}{_WHERE}{_SEP}"
    r"(?P<code>[\w.]+)\s*$")
DART_ISSUE = re.compile(
    rf"^\s*(?P<severity>error|warning|info){_SEP}{_WHERE}{_SEP}(?P<message>.+?){_SEP}"
    r"(?P<code>[\w.]+)\s*$")
ANALYZE_SUMMARY = re.compile(r"\b(?:No issues found!|\d+ issues? found\.)")
TEST_EVENT = re.compile(r"^\s*\d+:\d+\s+\+(?P<passed>\d+)(?:\s+~(?P<skipped>\d+))?"
                        r"(?:\s+-(?P<failed>\d+))?:\s+(?P<text>.*?)\s*$")
TEST_DONE = ("All tests passed!", "Some tests failed.", "All tests skipped.", "No tests ran.")
FAILED_MARK = " [E]"
DETAIL_LINES = 3


@dataclass(frozen=True)
class SdkIssue:
    """One finding of `flutter analyze`."""

    severity: str
    message: str
    file: str
    line: int
    column: int
    code: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column} {self.severity} {self.code}: {self.message}"


@dataclass(frozen=True)
class AnalyzeResult:
    issues: list[SdkIssue]
    finished: bool
    """Whether the output ends as the analyzer's own output does (a summary line)."""

    def of(self, severity: str) -> list[SdkIssue]:
        return [i for i in self.issues if i.severity == severity]


@dataclass(frozen=True)
class TestResult:
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    summary: str = ""
    """The last line ("00:05 +12: All tests passed!"), empty when the run never finished."""
    failures: list[str] = field(default_factory=list)
    """Each failed test: its file and name, then what it reported."""


def parse_analyze(output: str, root: str = "") -> AnalyzeResult:
    """The issues in `flutter analyze` (or `dart analyze`) output, paths relative to `root`."""
    issues = []
    for raw in output.splitlines():
        match = FLUTTER_ISSUE.match(raw) or DART_ISSUE.match(raw)
        if match:
            issues.append(SdkIssue(
                match["severity"], match["message"], _relative(match["file"], root),
                int(match["line"]), int(match["column"]), match["code"]))
    return AnalyzeResult(issues, ANALYZE_SUMMARY.search(output) is not None)


def parse_test(output: str, root: str = "") -> TestResult:
    """Counts, the last line and the failures of `flutter test --reporter expanded` output."""
    lines = output.splitlines()
    result = TestResult()
    failures: list[str] = []
    for n, raw in enumerate(lines):
        event = TEST_EVENT.match(raw)
        if event is None:
            continue
        text = event["text"]
        if text.endswith(FAILED_MARK.strip()) and raw.rstrip().endswith(FAILED_MARK):
            name = _relative(text[: -len(FAILED_MARK)].strip(), root)
            detail = [d.strip() for d in lines[n + 1:n + 1 + DETAIL_LINES]
                      if d.strip() and not TEST_EVENT.match(d)]
            failures.append(" ".join([name, *(f"— {d}" for d in detail[:2])]))
        if text in TEST_DONE:
            result = TestResult(int(event["passed"]), int(event["failed"] or 0),
                                int(event["skipped"] or 0), raw.strip())
    return TestResult(result.passed, result.failed, result.skipped, result.summary, failures)


def _relative(text: str, root: str) -> str:
    """`text` with the project root taken out of the paths in it."""
    return text.replace(root.rstrip("/") + "/", "") if root else text
