"""What a CI log blames: `flutter analyze` / `dart analyze` findings and failed `flutter test`s.

A CI job's log is the raw output of its steps, each line possibly prefixed with a timestamp
(`2026-12-02T10:00:00.1234567Z `). This module reads the analyzer's plain formats (through
`sdk_output`), its `--format=machine` form (`SEVERITY|TYPE|CODE|FILE|LINE|COLUMN|LENGTH|MESSAGE`)
and failed tests with the first stack frame in the project's own code, and maps each finding to
a file of the project: those are the files a repair may touch, the rest are only reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.agents.sdk_output import TEST_EVENT, parse_analyze

_STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ")
_MACHINE = re.compile(r"^(?P<severity>ERROR|WARNING|INFO)\|\w+\|(?P<code>\w+)\|(?P<file>[^|]+)"
                      r"\|(?P<line>\d+)\|\d+\|\d+\|(?P<message>.*)$")
_FRAME = re.compile(r"^\s*(?P<file>(?:package:[\w.]+/)?[\w./-]+\.dart) (?P<line>\d+):\d+\s")
_FOREIGN = re.compile(r"^package:(?:flutter|flutter_test|test|test_api|test_core|matcher|"
                      r"stack_trace)/")
FAILED_MARK = "[E]"


@dataclass(frozen=True)
class CiDiagnostic:
    """One finding of a CI job: where it is, what it says, which tool said it."""

    file: str
    line: int
    message: str
    source: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line} {self.source}: {self.message}"


def parse_log(log: str) -> list[CiDiagnostic]:
    """Every analyzer finding and failed test in a CI job's log, in the order they appear."""
    lines = [_STAMP.sub("", raw) for raw in log.splitlines()]
    found: list[CiDiagnostic] = []
    for n, line in enumerate(lines):
        machine = _MACHINE.match(line.strip())
        if machine:
            found.append(CiDiagnostic(machine["file"], int(machine["line"]),
                                      f"{machine['severity'].lower()} {machine['code'].lower()}: "
                                      f"{machine['message']}", "analyze"))
            continue
        for issue in parse_analyze(line).issues:
            found.append(CiDiagnostic(issue.file, issue.line,
                                      f"{issue.severity} {issue.code}: {issue.message}", "analyze"))
        event = TEST_EVENT.match(line)
        if event and event["text"].endswith(FAILED_MARK):
            found.append(_failed_test(event["text"][: -len(FAILED_MARK)].strip(), lines[n + 1:]))
    return found


def _failed_test(header: str, after: list[str]) -> CiDiagnostic:
    """A failed test, placed at the first stack frame of the project's own code below it."""
    test_file, _, name = header.partition(": ")
    detail = ""
    for line in after:
        if TEST_EVENT.match(line):
            break
        frame = _FRAME.match(line)
        if frame and not _FOREIGN.match(frame["file"]):
            return CiDiagnostic(frame["file"], int(frame["line"]),
                                f"test failed: {name or header}{detail}", "test")
        if not detail and line.strip():
            detail = f" — {line.strip()}"
    return CiDiagnostic(test_file, 0, f"test failed: {name or header}{detail}", "test")


def project_path(path: str, planned: Iterable[str]) -> str | None:
    """The planned file a CI path names (absolute runner path, `package:` URI or relative)."""
    if path.startswith("package:"):
        path = "lib/" + path.split("/", 1)[1] if "/" in path else path
    path = path.replace("\\", "/")
    for file in planned:
        if path == file or path.endswith("/" + file):
            return file
    return None


def blame(diagnostics: Iterable[CiDiagnostic],
          planned: Iterable[str]) -> tuple[dict[str, list[CiDiagnostic]], list[CiDiagnostic]]:
    """The diagnostics per planned file they blame, and those in files the factory did not write."""
    files = sorted(planned, key=len, reverse=True)
    blamed: dict[str, list[CiDiagnostic]] = {}
    others: list[CiDiagnostic] = []
    for diagnostic in diagnostics:
        file = project_path(diagnostic.file, files)
        if file is None:
            others.append(diagnostic)
        else:
            blamed.setdefault(file, []).append(diagnostic)
    return blamed, others
