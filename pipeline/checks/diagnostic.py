"""The one finding every check reports: where, which rule, how bad, and what to do."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)


@dataclass(frozen=True)
class Diagnostic:
    """A finding at a 1-based line and column of a project-relative posix path.

    `fix` is the correction, when the rule knows one ("did you mean 'title'?").
    """

    file: str
    line: int
    column: int
    rule: str
    severity: str
    message: str
    fix: str | None = None

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of `factory check --json`: `fix` only where one is known."""
        shape = asdict(self)
        if self.fix is None:
            del shape["fix"]
        return shape

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where}: {self.severity} [{self.rule}] {self.message}"


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, int, str]:
    """Order by file, then position, then rule."""
    return (diagnostic.file, diagnostic.line, diagnostic.column, diagnostic.rule)


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    """Whether any diagnostic fails a review."""
    return any(d.severity == ERROR for d in diagnostics)
