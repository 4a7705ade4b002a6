"""The SDK's own analyzer (`dart analyze --format=machine`), run when an SDK is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from pipeline.checks.diagnostic import ERROR, INFO, WARNING, Diagnostic

TIMEOUT_SECONDS = 300
"""A cold analyzer on a large app takes a minute or two; past this it is stuck."""
SEVERITY = {"ERROR": ERROR, "WARNING": WARNING, "INFO": INFO}
FIELDS = 8  # SEVERITY|TYPE|CODE|FILE|LINE|COLUMN|LENGTH|MESSAGE


def find_dart(environ: dict[str, str] | None = None) -> str | None:
    """The `dart` executable: on PATH, or inside FLUTTER_ROOT or beside `flutter`."""
    env = os.environ if environ is None else environ
    path = env.get("PATH", "")
    found = shutil.which("dart", path=path)
    if found:
        return found
    candidates = []
    if env.get("FLUTTER_ROOT"):
        candidates.append(Path(env["FLUTTER_ROOT"]) / "bin" / "dart")
    flutter = shutil.which("flutter", path=path)
    if flutter:
        candidates.append(Path(flutter).parent / "dart")
    return next((str(c) for c in candidates if c.is_file() and os.access(c, os.X_OK)), None)


def parse_machine(output: str, root: Path) -> list[Diagnostic]:
    """Diagnostics from the analyzer's machine format, with paths relative to `root`."""
    found = []
    resolved_root = root.resolve()
    for raw in output.splitlines():
        fields = raw.split("|", FIELDS - 1)
        if len(fields) != FIELDS or fields[0] not in SEVERITY:
            continue
        severity, _kind, code, file, line, column, _length, message = fields
        try:
            relative = Path(file).resolve().relative_to(resolved_root).as_posix()
            number, col = int(line), int(column)
        except ValueError:
            continue
        found.append(Diagnostic(relative, number, col, code.lower(), SEVERITY[severity],
                                message.replace("\\|", "|").strip()))
    return found


def run_analyzer(root: Path, dart: str | None = None) -> list[Diagnostic]:
    """The analyzer's diagnostics for a project, or none when no SDK is installed."""
    executable = dart or find_dart()
    if executable is None:
        return []
    try:
        completed = subprocess.run(
            [executable, "analyze", "--format=machine", str(root)],
            capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    # The machine format goes to stderr; older SDKs wrote it to stdout.
    return parse_machine(completed.stderr + "\n" + completed.stdout, root)
