"""`analyzer: exclude:` of analysis_options.yaml: files the analyzer never reports on.

Each analysis_options.yaml excludes globs relative to its own directory (`lib/generated/**`,
`**/*.g.dart`). Excluded files still exist: imports of them resolve, they are only not judged.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping

import yaml

OPTIONS = "analysis_options.yaml"


def glob_pattern(glob: str) -> re.Pattern[str]:
    """A regular expression for a glob as package:glob reads it (`*`, `**`, `?`, `{a,b}`)."""
    out: list[str] = []
    index = 0
    depth = 0
    while index < len(glob):
        char = glob[index]
        if glob.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
            continue
        if glob.startswith("**", index):
            out.append(".*")
            index += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "{":
            out.append("(?:")
            depth += 1
        elif char == "}" and depth:
            out.append(")")
            depth -= 1
        elif char == "," and depth:
            out.append("|")
        elif char == "[":
            end = glob.find("]", index)
            if end == -1:
                out.append(re.escape(char))
            else:
                out.append(glob[index : end + 1].replace("[!", "[^"))
                index = end
        else:
            out.append(re.escape(char))
        index += 1
    # A glob naming a directory (`build`, `lib/gen/`) excludes everything under it.
    return re.compile("".join(out).rstrip("/") + "(?:/.*)?\\Z")


def _globs(text: str) -> list[str]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return []
    analyzer = data.get("analyzer") if isinstance(data, dict) else None
    exclude = analyzer.get("exclude") if isinstance(analyzer, dict) else None
    if not isinstance(exclude, list):
        return []
    return [g for g in exclude if isinstance(g, str) and g.strip()]


class Exclusions:
    """The exclude globs of every analysis_options.yaml of a project."""

    def __init__(self, files: Mapping[str, str]) -> None:
        self.rules: list[tuple[str, re.Pattern[str]]] = [
            (posixpath.dirname(path), glob_pattern(glob.strip().removeprefix("./")))
            for path, text in sorted(files.items())
            if posixpath.basename(path) == OPTIONS
            for glob in _globs(text or "")
        ]

    def excludes(self, path: str) -> bool:
        """Whether an analysis_options.yaml above `path` excludes it."""
        for directory, pattern in self.rules:
            if directory and not path.startswith(directory + "/"):
                continue
            relative = path[len(directory) + 1 :] if directory else path
            if pattern.match(relative):
                return True
        return False

    def judged(self, paths: Iterable[str]) -> set[str]:
        """The paths no exclude glob covers."""
        return {p for p in paths if not self.excludes(p)}
