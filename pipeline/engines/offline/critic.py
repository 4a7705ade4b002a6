"""The offline Critic: scores an idea on the five criteria from what it names, by rules."""

from __future__ import annotations

import re

from pipeline.answers import CRITERIA, CriterionScore, CriticReport
from pipeline.engines.offline.compliance import assess
from pipeline.engines.offline.idea import APP_WORDS, Reading, read_idea

AMBITIOUS = re.compile(
    r"\b(?:ai|artificial intelligence|machine learning|blockchain|nft|real-?time video|"
    r"augmented reality|ar|vr|social network|marketplace|like uber|like facebook|metaverse)\b",
    re.IGNORECASE,
)
SPRAWL = re.compile(r"\b(?:everything|all-in-one|platform|super app|any kind of)\b", re.IGNORECASE)
AUDIENCE = re.compile(r"\b(?:for (?!the\b)\w+|so that|helps?|families|students|teams?)\b",
                      re.IGNORECASE)
ENGLISH_ONLY = ("the offline engine reads English only and found no English here: write the "
                "idea in English, or choose a model engine (--engine anthropic or claude-cli)")
LATIN_SHARE = 0.5
"""Below this share of ASCII letters an idea is in another script, which the rules cannot read."""
SUMMARY = ("Offline critic (rule-based, no model): {score:.1f}/10 from {entities} entities, "
           "{features} actions and {words} meaningful words. {risk}")


def criticize(idea: str) -> CriticReport:
    """Score `idea` on CRITERIA and assess its compliance risk."""
    reading = read_idea(idea)
    scores = {
        "clarity": _clarity(reading),
        "user_value": _user_value(reading),
        "feasibility": _feasibility(reading),
        "scope": _scope(reading),
        "differentiation": _differentiation(reading),
    }
    if _other_script(idea):  # scored 0 so that the gate's message leads with the reason
        scores["clarity"] = (0, ENGLISH_ONLY[0].upper() + ENGLISH_ONLY[1:])
    criteria = [CriterionScore(name=n, score=scores[n][0], reason=scores[n][1]) for n in CRITERIA]
    risk = assess(idea)
    mean = sum(c.score for c in criteria) / len(criteria)
    risk_text = f"Compliance risk {risk.level.value} ({risk.category})."
    summary = SUMMARY.format(
        score=mean, entities=len(reading.entities), features=_feature_count(reading),
        words=len(reading.content_words), risk=risk_text,
    )
    return CriticReport(criteria=criteria, compliance=risk, summary=summary)


def _other_script(idea: str) -> bool:
    letters = [c for c in idea if c.isalpha()]
    return bool(letters) and sum(c.isascii() for c in letters) < LATIN_SHARE * len(letters)


def _clamp(value: float) -> int:
    return max(0, min(10, round(value)))


def _feature_count(reading: Reading) -> int:
    implied = any(w in APP_WORDS - {"app", "apps", "application"} for w in reading.words)
    return len(reading.features) + (1 if implied and not reading.features else 0)


def _entities_text(reading: Reading) -> str:
    if not reading.entities:
        return "names no things the app would manage"
    names = ", ".join(e.cls for e in reading.entities)
    return f"names {len(reading.entities)} thing(s) to manage ({names})"


def _features_text(reading: Reading) -> str:
    if not reading.features:
        return "no concrete actions"
    return f"{len(reading.features)} action(s) ({', '.join(reading.features[:4])})"


def _clarity(r: Reading) -> tuple[int, str]:
    score = 1.0 + 2 * min(len(r.entities), 3) + min(_feature_count(r), 3)
    score += 0.25 * min(len(r.content_words), 8)
    return _clamp(score), f"The idea {_entities_text(r)} and {_features_text(r)}."


def _user_value(r: Reading) -> tuple[int, str]:
    audience = bool(AUDIENCE.search(r.text))
    score = 2 + 1.5 * min(_feature_count(r), 4) + (1 if audience else 0)
    score += (1 if len(r.entities) >= 2 else 0) + 0.25 * min(len(r.content_words), 8)
    who = "says who it is for or what it helps with" if audience else "does not say who it serves"
    return _clamp(score), f"It {who}; value comes from {_features_text(r)}."


def _feasibility(r: Reading) -> tuple[int, str]:
    if not r.entities:
        return 3, "Nothing concrete to build yet, so feasibility cannot be shown."
    hard = sorted({m.group(0).lower() for m in AMBITIOUS.finditer(r.text)})
    score = 4 + 1.5 * min(len(r.known_entities), 3) - 2 * len(hard)
    if len(r.known_entities) < len(r.entities):
        score += 1
    why = f"needs {', '.join(hard)}" if hard else "is plain data entry, lists and local storage"
    return _clamp(score), f"A mobile app that {why}; {len(r.entities)} entity type(s) to store."


def _scope(r: Reading) -> tuple[int, str]:
    count = len(r.entities)
    score = {0: 1, 1: 4}.get(count, 8 if count <= 4 else 6)
    if 2 <= _feature_count(r) <= 6:
        score += 1
    sprawl = sorted({m.group(0).lower() for m in SPRAWL.finditer(r.text)})
    score -= 2 * len(sprawl)
    if sprawl:
        return _clamp(score), f"Open-ended wording ({', '.join(sprawl)}) makes the scope unbounded."
    if count < 2:
        return _clamp(score), "Too little is named to bound the scope of a 25-40 file app."
    return _clamp(score), f"{count} entities fit a 25-40 file app."


def _differentiation(r: Reading) -> tuple[int, str]:
    score = 2 + 0.5 * min(len(r.content_words), 10)
    score += (1 if len(r.features) >= 2 else 0) + (1 if len(r.entities) >= 3 else 0)
    score = min(score, 9)
    if len(r.content_words) < 4:
        return _clamp(score), "A generic idea; nothing sets it apart from existing apps."
    return _clamp(score), (
        f"It combines {len(r.content_words)} specific terms into its own mix of features."
    )
