"""Requirements, traced: each feature the idea names, found in the code or reported missing.

The Critic lists the features; the Judge's engine says, for each, which file and line perform it
and the symbol on that line; code then checks that claim against the files. A feature counts as
built only when the cited file is under lib/, the line exists, and the symbol is on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.answers import FeatureEvidence

NO_CLAIM = "the Judge's engine cited no code for it"
SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Trace:
    """One requirement: where the code performs it, or why it counts as not built."""

    feature: str
    found: str = ""
    """`file:line symbol`, empty when the feature is not built."""
    missing: str = ""


def normalized(feature: str) -> str:
    """A feature's text for matching: lower case, single spaces, no end punctuation."""
    return SPACES.sub(" ", feature.strip().lower()).strip(" .")


def trace(features: list[str], claims: list[FeatureEvidence],
          files: dict[str, str]) -> list[Trace]:
    """Each feature with its verified evidence, or the reason it is not built."""
    by_feature = {normalized(c.feature): c for c in claims}
    return [_trace_one(feature, by_feature.get(normalized(feature)), files)
            for feature in features]


def _trace_one(feature: str, claim: FeatureEvidence | None, files: dict[str, str]) -> Trace:
    if claim is None:
        return Trace(feature, missing=NO_CLAIM)
    if not claim.built:
        return Trace(feature, missing=claim.note or "the Judge's engine found it not built")
    where = f"{claim.file}:{claim.line}"
    if not claim.file.startswith("lib/") or claim.file not in files:
        return Trace(feature, missing=f"cited {where}, which is no file under lib/")
    lines = files[claim.file].splitlines()
    if not 1 <= claim.line <= len(lines):
        return Trace(feature, missing=f"cited {where}, past the end of the file")
    text = lines[claim.line - 1]
    symbol = claim.symbol.strip()
    pattern = rf"(?<![\w$]){re.escape(symbol)}(?![\w$])"
    if not symbol or text.lstrip().startswith("//") or not re.search(pattern, text):
        return Trace(feature, missing=f"cited {where}, which does not show `{symbol}`")
    return Trace(feature, found=f"{where} {symbol}")
