"""`bench check`: how fast the static checks read a corpus, its slowest file, and a 3 MB file.

The corpora are Flutter's `examples/api` (about 600 samples and their tests) and the framework
itself (`packages/flutter`, about 700 files: too slow for the test suite, so its error count is
measured here) when `../shared` holds them, else the fixture projects under `tests/fixtures/`.
Each corpus is checked as one project (files/s, errors: all of them false, since upstream CI
keeps these analyzer-clean); each file of examples/api is then checked alone beside its pubspec
to find the slowest; and a generated 3 MB file (a class of constants, like
`material/icons.dart`) is checked alone.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from pipeline.checks import check_files
from pipeline.checks.checker import read_project

REPO = Path(__file__).resolve().parents[2]
FLUTTER_SOURCES = REPO.parent / "shared" / "dart-sources" / "flutter"
EXAMPLES_API = FLUTTER_SOURCES / "examples" / "api"
FRAMEWORK = FLUTTER_SOURCES / "packages" / "flutter"
FIXTURES = REPO / "tests" / "fixtures"
PUBSPEC = "pubspec.yaml"
BIG_FILE_BYTES = 3_000_000
BIG_FILE_ENTRY = (
    "  /// <i class=\"material-icons md-36\">icon_{n}</i> &#x2014; material icon named "
    "\"icon {n}\".\n"
    "  static const IconData icon_{n} = IconData(0x{n:05x}, fontFamily: 'MaterialIcons');\n\n"
)
COLUMNS: tuple[str, ...] = ("case", "files", "bytes", "seconds", "files/s", "errors")


def corpora() -> list[tuple[str, Path, bool]]:
    """The projects to read, and whether to look for the slowest file in each: examples/api and
    the framework when present, else the bundled fixtures."""
    if EXAMPLES_API.is_dir():
        framework = [("flutter/packages/flutter", FRAMEWORK, False)] if FRAMEWORK.is_dir() else []
        return [("flutter/examples/api", EXAMPLES_API, True), *framework]
    return [(f"tests/fixtures/{p.name}", p, True) for p in sorted(FIXTURES.iterdir())
            if (p / PUBSPEC).is_file()]


def generated_file(size: int = BIG_FILE_BYTES) -> str:
    """A generated Dart file of about `size` bytes: one class of many documented constants."""
    parts = ["import 'package:flutter/widgets.dart';\n\nabstract final class Glyphs {\n"]
    total, n = 0, 0
    while total < size:
        entry = BIG_FILE_ENTRY.format(n=n)
        parts.append(entry)
        total += len(entry)
        n += 1
    parts.append("}\n")
    return "".join(parts)


def _timed(files: dict[str, str]) -> tuple[float, int]:
    start = time.perf_counter()
    found = check_files(files)
    return time.perf_counter() - start, sum(d.severity == "error" for d in found)


def _case(name: str, files: dict[str, str]) -> dict[str, Any]:
    dart = [p for p in files if p.endswith(".dart")]
    seconds, errors = _timed(files)
    return {"case": name, "files": len(dart), "bytes": sum(len(files[p]) for p in dart),
            "seconds": seconds, "files_per_s": len(dart) / seconds if seconds else 0.0,
            "errors": errors}


def _slowest(name: str, files: dict[str, str]) -> dict[str, Any]:
    """Each Dart file checked alone beside the pubspec; the one that took longest."""
    worst = ("", 0.0)
    for path in (p for p in files if p.endswith(".dart")):
        single = {path: files[path], PUBSPEC: files.get(PUBSPEC, "")}
        seconds, _errors = _timed(single)
        if seconds > worst[1]:
            worst = (path, seconds)
    path, seconds = worst
    return {"case": f"slowest file: {name}/{path}", "files": 1, "bytes": len(files.get(path, "")),
            "seconds": seconds, "files_per_s": 1 / seconds if seconds else 0.0, "errors": None}


def run() -> dict[str, Any]:
    """Every case, timed once each in this process."""
    cases: list[dict[str, Any]] = []
    for name, root, slowest in corpora():
        files = read_project(root)
        cases.append(_case(name, files))
        if slowest:
            cases.append(_slowest(name, files))
    big = {PUBSPEC: "name: big\nenvironment:\n  sdk: ^3.5.0\ndependencies:\n  flutter:\n"
                    "    sdk: flutter\n", "lib/glyphs.dart": generated_file()}
    cases.append(_case("generated 3 MB file", big))
    return {"cases": cases}


def rows(result: dict[str, Any]) -> list[list[str]]:
    """One row per case."""
    return [
        [c["case"], str(c["files"]), str(c["bytes"]), f"{c['seconds']:.2f}",
         f"{c['files_per_s']:.0f}", "-" if c["errors"] is None else str(c["errors"])]
        for c in result["cases"]
    ]
