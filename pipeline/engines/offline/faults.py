"""Seeded fault injection: a deterministic share of files get a broken first attempt.

Which files break, and how, depends only on the seed and the path, so a run and its tests
can predict it; attempt 2 and later are always written correctly, so retries get exercised.
"""

from __future__ import annotations

import hashlib
import re

FAULTS = ("drop_import", "misspell_export", "syntax_error")
IMPORT_LINE = re.compile(r"^import '[^']+';\n", re.MULTILINE)


def _draw(seed: int, path: str) -> tuple[float, int]:
    digest = hashlib.sha256(f"{seed}:{path}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32, digest[4]


def fault_for(seed: int, path: str, rate: float, attempt: int) -> str | None:
    """The fault to inject in this attempt of `path`, or None for a correct answer."""
    if attempt > 1 or not path.endswith(".dart"):
        return None
    share, pick = _draw(seed, path)
    if share >= rate:
        return None
    return FAULTS[pick % len(FAULTS)]


def inject(content: str, fault: str, exports: list[str]) -> str:
    """`content` broken the way `fault` says; a fault that cannot apply becomes a syntax error."""
    if fault == "drop_import":
        imports = IMPORT_LINE.findall(content)
        if imports:
            return content.replace(imports[-1], "", 1)
    if fault == "misspell_export":
        for name in exports:
            # A top-level declaration starts in column 0: `class Recipe`, `void main(`.
            pattern = re.compile(rf"^(?=\S)([^\n]*?\b){re.escape(name)}\b", re.MULTILINE)
            match = pattern.search(content)
            if match and not match.group(1).startswith("import"):
                wrong = f"{match.group(1)}{name}{name[-1]}"
                return content[:match.start()] + wrong + content[match.end():]
    closing = content.rstrip().rfind("}")
    return content[:closing] + content[closing + 1:] if closing >= 0 else content + "\n}"
