"""The offline Critic: scores an idea on the five criteria from what it names, by rules.

A concrete idea (things to keep, what users do with them, who it is for) scores well however
short it is; each reason says what would raise a low score. The Critic also lists the features
the idea names, and says plainly which of them the offline engine cannot build.
"""

from __future__ import annotations

import re

from pipeline.answers import CRITERIA, CriterionScore, CriticReport
from pipeline.engines.offline.capabilities import resolve
from pipeline.engines.offline.compliance import assess
from pipeline.engines.offline.features import named_features
from pipeline.engines.offline.idea import BREAK_WORDS, STOP_WORDS, Reading, app_name_of, read_idea
from pipeline.engines.offline.planner import app_class_of, idea_entities, package_name

AMBITIOUS = re.compile(
    r"\b(?:ai|artificial intelligence|machine learning|blockchain|nft|real-?time video|"
    r"augmented reality|ar|vr|social network|marketplace|like uber|like facebook|metaverse)\b",
    re.IGNORECASE,
)
SPRAWL = re.compile(r"\b(?:everything|all-in-one|platform|super app|any kind of)\b", re.IGNORECASE)
AUDIENCE_CUE = re.compile(r"\b(?:for|helps?|lets|so that)\b", re.IGNORECASE)
NOT_AN_AUDIENCE = frozenset({"week", "weekend", "today", "tonight", "now", "free", "fun", "sale",
                             "instance", "example", "work", "home", "life", "ever", "later"})
ENGLISH_ONLY = ("the offline engine reads English only and found no English here: write the "
                "idea in English, or choose a model engine (--engine anthropic or claude-cli)")
LATIN_SHARE = 0.5
"""Below this share of ASCII letters an idea is in another script, which the rules cannot read."""
SUMMARY = ("Offline critic (rule-based, no model): {score:.1f}/10 from {entities} entities, "
           "{features} actions and {words} meaningful words. {risk}")
OFFLINE_LIMITS = (" The offline engine builds list, detail, edit and search screens; it cannot "
                  "build {names}, so the Judge will fail the app for them.")


def criticize(idea: str) -> CriticReport:
    """Score `idea` on CRITERIA, list its features and assess its compliance risk."""
    reading = read_idea(idea)
    features = list(named_features(reading))
    signals = _Signals(reading, features)
    scores = {
        "clarity": _clarity(signals),
        "user_value": _user_value(signals),
        "feasibility": _feasibility(signals),
        "scope": _scope(signals),
        "differentiation": _differentiation(signals),
    }
    if _other_script(idea):  # scored 0 so that the gate's message leads with the reason
        scores["clarity"] = (0, ENGLISH_ONLY[0].upper() + ENGLISH_ONLY[1:])
    criteria = [CriterionScore(name=n, score=scores[n][0], reason=scores[n][1]) for n in CRITERIA]
    risk = assess(idea)
    mean = sum(c.score for c in criteria) / len(criteria)
    summary = SUMMARY.format(
        score=mean, entities=len(reading.entities), features=len(features),
        words=len(reading.content_words),
        risk=f"Compliance risk {risk.level.value} ({risk.category}).",
    )
    entities = idea_entities(reading, app_class_of(package_name(app_name_of(reading))))
    unbuilt = [c.feature for c in resolve(features, entities) if not c.built]
    if unbuilt:
        summary += OFFLINE_LIMITS.format(names=", ".join(f'"{f}"' for f in unbuilt))
    return CriticReport(criteria=criteria, compliance=risk, summary=summary, features=features)


class _Signals:
    """What the scores are computed from."""

    def __init__(self, reading: Reading, features: list[str]) -> None:
        self.reading = reading
        self.features = features
        self.entities = len(reading.entities)
        self.actions = len(features)
        self.words = len(reading.content_words)
        self.audience = _audience(reading)
        self.kind = bool(reading.kinds)
        self.hard = sorted({m.group(0).lower() for m in AMBITIOUS.finditer(reading.text)})
        self.sprawl = sorted({m.group(0).lower() for m in SPRAWL.finditer(reading.text)})


def _audience(reading: Reading) -> str:
    """Who the idea is for ("birdwatchers", "a law firm"), or ""."""
    words = reading.words
    for i, word in enumerate(words):
        if not AUDIENCE_CUE.fullmatch(word):
            continue
        for follower in words[i + 1:i + 4]:
            if follower in STOP_WORDS and follower not in ("everyone", "someone", "me", "you"):
                continue
            usable = (follower.isalpha() and follower not in STOP_WORDS
                      and follower not in BREAK_WORDS and follower not in NOT_AN_AUDIENCE)
            if usable:
                return follower
            break
    return ""


def _other_script(idea: str) -> bool:
    letters = [c for c in idea if c.isalpha()]
    return bool(letters) and sum(c.isascii() for c in letters) < LATIN_SHARE * len(letters)


def _clamp(value: float) -> int:
    return max(0, min(10, round(value)))


def _entities_text(s: _Signals) -> str:
    if not s.entities:
        return "names no things the app would keep"
    names = ", ".join(e.cls for e in s.reading.entities)
    return f"names {s.entities} thing(s) to keep ({names})"


def _features_text(s: _Signals) -> str:
    if not s.features:
        return "no actions"
    return f"{s.actions} action(s) ({', '.join(s.features[:4])})"


def _clarity(s: _Signals) -> tuple[int, str]:
    score = 2 + 2.5 * min(s.entities, 2) + 1.5 * min(s.actions, 2) + 0.25 * min(s.words, 6)
    text = f"The idea {_entities_text(s)} and {_features_text(s)}."
    if not s.entities or not s.actions:
        text += " To raise it, name the things it keeps and what users do with them."
    return _clamp(score), text


def _user_value(s: _Signals) -> tuple[int, str]:
    score = 2 + 1.5 * min(s.actions, 2) + (2 if s.audience else 0) + 0.5 * min(s.entities, 3)
    score += 0.25 * min(s.words, 6) + (1 if s.kind else 0)
    who = f"is for {s.audience}" if s.audience else "does not say who it serves"
    text = f"It {who}; value comes from {_features_text(s)}"
    text += ", used again and again as a tracker is." if s.kind else "."
    if not s.audience:
        text += " To raise it, say who it is for."
    return _clamp(score), text


def _feasibility(s: _Signals) -> tuple[int, str]:
    if not s.entities:
        return 3, "Nothing concrete to build yet, so feasibility cannot be shown."
    score = 8 - 2 * len(s.hard)
    why = f"needs {', '.join(s.hard)}" if s.hard else "is plain data entry, lists and local storage"
    return _clamp(score), f"A mobile app that {why}; {s.entities} entity type(s) to store."


def _scope(s: _Signals) -> tuple[int, str]:
    score = {0: 1, 1: 5}.get(s.entities, 7 if s.entities <= 4 else 6)
    if 1 <= s.actions <= 6:
        score += 1
    score -= 2 * len(s.sprawl)
    if s.sprawl:
        return _clamp(score), (f"Open-ended wording ({', '.join(s.sprawl)}) makes the scope "
                               "unbounded. To raise it, name the few things it keeps.")
    if s.entities < 2:
        return _clamp(score), ("A single kind of thing is a small app. To raise it, name what "
                               "else it keeps.")
    return _clamp(score), f"{s.entities} entities fit a 25-40 file app."


def _differentiation(s: _Signals) -> tuple[int, str]:
    score = 2 + 0.5 * min(s.words, 8) + (1 if s.actions >= 2 else 0)
    score += (1 if s.entities >= 3 else 0) + (1 if s.audience else 0)
    score = min(score, 9)
    if s.words < 4:
        return _clamp(score), ("A generic idea; nothing sets it apart from existing apps. To "
                               "raise it, say what is specific: the domain, the audience.")
    return _clamp(score), (
        f"It combines {s.words} specific terms into its own mix of features."
    )
