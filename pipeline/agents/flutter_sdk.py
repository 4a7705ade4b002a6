"""The Judge's real oracles: `flutter analyze` and `flutter test` on the finished app.

They run only where running generated code is allowed and a Flutter SDK is installed: the
`factory run` command on a developer's machine. The GitHub App never executes what it
generates (DESIGN.md), so there both checkpoints say "not verified" with that reason, and the
repository's own CI is the oracle. Where no SDK is found they say so, and score nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pipeline.agents.outcome import Outcome, failed, passed
from pipeline.agents.plan_rules import path_problem
from pipeline.agents.sdk_output import (
    SEVERITIES,
    AnalyzeResult,
    TestResult,
    parse_analyze,
    parse_test,
)

NO_SDK = "not verified: no Flutter SDK on this machine (flutter is not on PATH)"
NOT_EXECUTED = ("not verified: generated code is never executed here (the GitHub App does not "
                "run what it generates; the repository's CI is the oracle there)")
NOT_RUN = "not verified: the SDK checks did not run"
TIMEOUT_S = 900.0
"""A cold `flutter test` compiles every test: minutes on a small machine, never an hour."""
SHOWN_ISSUES = 3
TAIL_LINES = 4


@dataclass(frozen=True)
class SdkReport:
    """The two SDK checkpoints' outcomes."""

    analyze: Outcome
    test: Outcome

    @classmethod
    def unverified(cls, reason: str) -> SdkReport:
        return cls(Outcome.unverified(reason), Outcome.unverified(reason))


class SdkOracle(Protocol):
    """Runs the SDK's checks on a finished project, or says why it does not."""

    async def verify(self, files: Mapping[str, str]) -> SdkReport: ...


@dataclass(frozen=True)
class NoExecution:
    """Never runs anything: every SDK checkpoint is "not verified", for `reason`."""

    reason: str = NOT_EXECUTED

    async def verify(self, files: Mapping[str, str]) -> SdkReport:
        return SdkReport.unverified(self.reason)


@dataclass(frozen=True)
class _Run:
    exit_code: int | None
    """None when the command did not finish within the time allowed."""
    output: str


@dataclass(frozen=True)
class LocalFlutter:
    """Runs the Flutter SDK found on PATH (or in FLUTTER_ROOT) in a scratch copy of the app."""

    environ: Mapping[str, str] | None = None
    timeout_s: float = TIMEOUT_S

    def executable(self) -> str | None:
        """The `flutter` command: on PATH, or FLUTTER_ROOT/bin/flutter."""
        env = os.environ if self.environ is None else self.environ
        found = shutil.which("flutter", path=env.get("PATH", ""))
        root = env.get("FLUTTER_ROOT")
        if found is None and root and (Path(root) / "bin" / "flutter").is_file():
            found = str(Path(root) / "bin" / "flutter")
        return found

    async def verify(self, files: Mapping[str, str]) -> SdkReport:
        flutter = self.executable()
        if flutter is None:
            return SdkReport.unverified(NO_SDK)
        with tempfile.TemporaryDirectory(prefix="factory-sdk-") as tmp:
            root = Path(tmp)
            for path, text in files.items():
                if path_problem(path) is None:
                    (root / path).parent.mkdir(parents=True, exist_ok=True)
                    (root / path).write_text(text, encoding="utf-8")
            pub = await self._run([flutter, "pub", "get"], root)
            if pub.exit_code != 0:
                return SdkReport.unverified(
                    f"not verified: `flutter pub get` {_ended(pub)}: {_tail(pub.output)}")
            analyze = await self._run([flutter, "analyze"], root)
            test = await self._run([flutter, "test", "--reporter", "expanded"], root)
        return SdkReport(_analyze_outcome(analyze, tmp), _test_outcome(test, tmp))

    async def _run(self, command: list[str], cwd: Path) -> _Run:
        env = dict(os.environ if self.environ is None else self.environ)
        try:
            process = await asyncio.create_subprocess_exec(
                *command, cwd=cwd, env=env, stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        except OSError as exc:
            return _Run(None, f"could not start {command[0]}: {exc.strerror or exc}")
        try:
            out, _ = await asyncio.wait_for(process.communicate(), self.timeout_s)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            return _Run(None, f"stopped after {self.timeout_s:g} s")
        return _Run(process.returncode, out.decode("utf-8", "replace"))


def _analyze_outcome(run: _Run, root: str) -> Outcome:
    result: AnalyzeResult = parse_analyze(run.output, root)
    if run.exit_code is None or not result.finished:
        return Outcome.unverified(
            f"not verified: `flutter analyze` {_ended(run)} without its summary: "
            f"{_tail(run.output)}")
    errors, warnings, infos = (result.of(s) for s in SEVERITIES)
    counts = f"{len(errors)} errors, {len(warnings)} warnings, {len(infos)} infos"
    shown = "; ".join(str(i) for i in (errors + warnings + infos)[:SHOWN_ISSUES])
    if errors or warnings:
        return failed(f"flutter analyze: {counts}: {shown}", blocks=bool(errors))
    return passed(f"flutter analyze: {counts}" + (f" ({shown})" if shown else ""))


def _test_outcome(run: _Run, root: str) -> Outcome:
    result: TestResult = parse_test(run.output, root)
    if run.exit_code is None or not result.summary:
        return Outcome.unverified(
            f"not verified: `flutter test` {_ended(run)} without its summary: "
            f"{_tail(run.output)}")
    if result.failed or run.exit_code != 0:
        shown = "; ".join(result.failures[:SHOWN_ISSUES]) or _tail(run.output)
        return failed(f"flutter test: {result.summary} {shown}", blocks=True)
    return passed(f"flutter test: {result.summary}")


def _ended(run: _Run) -> str:
    return "did not finish" if run.exit_code is None else f"ended with exit code {run.exit_code}"


def _tail(output: str) -> str:
    lines = [line.strip() for line in output.strip().splitlines() if line.strip()]
    return " / ".join(lines[-TAIL_LINES:]) or "no output"
