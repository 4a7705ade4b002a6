"""English singulars and plurals of nouns, by the common rules and a table of exceptions."""

from __future__ import annotations

IRREGULAR_PLURALS = {
    "person": "people", "child": "children", "mouse": "mice", "goose": "geese",
    "foot": "feet", "tooth": "teeth", "man": "men", "woman": "women", "leaf": "leaves",
    "life": "lives", "knife": "knives", "series": "series", "species": "species",
    "news": "news", "fish": "fish", "sheep": "sheep", "deer": "deer", "moose": "moose",
    "aircraft": "aircraft", "offspring": "offspring", "salmon": "salmon", "trout": "trout",
    "cactus": "cacti", "criterion": "criteria", "analysis": "analyses", "ox": "oxen",
}
"""Nouns the rules get wrong; several have a plural equal to their singular."""
IRREGULAR_SINGULARS = {plural: single for single, plural in IRREGULAR_PLURALS.items()}
SINGULAR_ENDINGS_KEPT = ("ss", "us", "is", "news")


def singular(word: str) -> str:
    """The singular of an English noun, by the common rules."""
    lower = word.lower()
    if lower in IRREGULAR_SINGULARS:
        return IRREGULAR_SINGULARS[lower]
    if lower.endswith(SINGULAR_ENDINGS_KEPT) or len(lower) <= 3:
        return lower
    if lower.endswith("ies"):
        return lower[:-3] + "y"
    if lower.endswith("zzes"):
        return lower[:-3]
    if lower.endswith(("ches", "shes", "sses", "xes")):
        return lower[:-2]
    if lower.endswith("ves") and lower[:-3] + "f" in IRREGULAR_PLURALS:
        return lower[:-3] + "f"
    if lower.endswith("s"):
        return lower[:-1]
    return lower


def plural(word: str) -> str:
    """The plural of an English noun, by the common rules."""
    lower = word.lower()
    if lower in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[lower]
    if lower.endswith("y") and lower[-2:-1] not in ("a", "e", "i", "o", "u"):
        return lower[:-1] + "ies"
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return lower + "es"
    return lower + "s"
