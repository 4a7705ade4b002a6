"""A property of the offline engine: whatever the idea names, the app it writes compiles.

300 ideas are drawn from a vocabulary of every Dart reserved word, built-in identifier and
contextual keyword, irregular plurals (series, species, news, fish, sheep…), Flutter and Dart
SDK class names (Color, Route, State, Card, Image, List, Map, Key, Timer…) and the names the
templates themselves use (items, context, notifier…). Every app must have no error under the
project's checks (whichever checker is installed) and none under the independent scan in
tests/dart_scan.py. The offline planner and writer are driven directly (no store, no
reviews), so the 300 apps take one to two minutes on a loaded 2-core machine, in chunks.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from pipeline.checks import check_files, project_rules
from tests.dart_scan import BUILT_IN, RESERVED, scan
from tests.offline_app import make_plan, write_app

IDEAS = 300
CHUNKS = 10
SEED = 15
CONTEXTUAL = ("async await base hide inline native of on patch sealed show source sync type "
              "when yield").split()
IRREGULAR = ("series species news fish sheep deer moose aircraft offspring salmon trout people "
             "children mice geese feet teeth men women leaves lives knives cacti criteria "
             "analyses oxen data media").split()
SDK_CLASSES = (
    "Color Route State Card Image List Map Key Timer Icon Text Widget Theme Title Table Row "
    "Column Stack Form Page Path Size Step Tab Switch Slider Chip Badge Banner Border Center "
    "Container Drawer Flow Focus Hero Ink Intent Listener Material Navigator Notification "
    "Offset Overlay Padding Radio Record Set Stream String Future Duration Error Exception "
    "Object Type Uri Symbol Pattern Match Finder Matcher Provider Consumer Selector Change "
    "Value Grid Expansion Checkbox Pop Description Category Summary Factory Element Action "
    "Interval Split View Thumb Easing Tween Function Iterable Comparable Enum Null Sink").split()
PLAIN = ("recipe hive book invoice case home item note tag client episode loan sighting "
         "location plant pet trip goal habit chore order product customer budget").split()
TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates" / "flutter"
PATTERNS = (
    "Track {0}, {1}, {2} and {3}",
    "A {a} tracker with {1}, {2} and {3}",
    "Keep {0} and {1} for my {2} and {3}: search them",
    "A {a} log with {1}, {2} and {3}",
    "Manage {0} with {1}, {2} and {3}, then edit and delete them",
    "An app to collect {0}, {1}, {2} and {3}",
    "Organize {0} of {1}, {2} and {3}",
    "A {a} checklist with {1}, {2} and {3}",
)
"""Every pattern uses all four words it is given."""


@cache
def template_words() -> list[str]:
    """Lower-case identifiers the Dart templates write (`items`, `context`, `notifier`…)."""
    words: set[str] = set()
    for path in TEMPLATE_DIR.glob("*.dart"):
        text = re.sub(r"\{\{[#^/]?\w+\}\}", " ", path.read_text(encoding="utf-8"))
        words |= set(re.findall(r"\b[a-z][a-z]{2,}\b", text))
    return sorted(words)


def vocabulary() -> list[str]:
    """Every word the ideas are made of."""
    words = [*sorted(RESERVED), *sorted(BUILT_IN), *CONTEXTUAL, *IRREGULAR,
             *(w.lower() for w in SDK_CLASSES), *template_words(), *PLAIN]
    return list(dict.fromkeys(w.lower() for w in words))


def _plural(word: str) -> str:
    if word in IRREGULAR:
        return word
    return word + ("es" if word.endswith(("s", "x", "ch", "sh")) else "s")


@cache
def ideas() -> list[str]:
    rng = random.Random(SEED)
    words = vocabulary()
    made = []
    for n in range(IDEAS):
        # Walk the vocabulary so every word is used, then draw the rest at random.
        picks = [words[(n * 4 + k) % len(words)] if n * 4 < len(words) else rng.choice(words)
                 for k in range(4)]
        pattern = PATTERNS[n % len(PATTERNS)]
        made.append(pattern.format(*(_plural(w) for w in picks), a=picks[0]))
    return made


@cache
def plans() -> list[list[str]]:
    """Each idea's entities, by class name."""
    return [make_plan(idea).entities for idea in ideas()]


def test_the_vocabulary_covers_every_keyword_irregular_plural_and_sdk_class() -> None:
    words = set(vocabulary())
    assert (RESERVED | BUILT_IN | set(CONTEXTUAL)) <= words | {"Function"}
    assert {"series", "species", "news", "fish", "sheep"} <= words
    assert {"color", "route", "state", "card", "image", "list", "map", "key", "timer"} <= words
    assert {"items", "context", "notifier", "item", "home"} <= words
    assert len(ideas()) >= 300 and len(set(ideas())) == len(ideas())
    assert all(word in " ".join(ideas()) for word in words)


def test_the_ideas_reach_the_naming_code() -> None:
    """Keywords, plurals and SDK names really become entities, so the property means something."""
    entity_words = Counter(w for entities in plans() for e in entities
                           for w in re.findall(r"[A-Z][a-z0-9]*", e))
    seen = {w.lower() for w in entity_words}
    assert len(seen & (RESERVED | BUILT_IN | set(CONTEXTUAL))) >= 25
    assert {"series", "species", "news", "fish", "sheep"} <= seen
    assert len(seen & {w.lower() for w in SDK_CLASSES}) >= 40


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_every_app_has_no_error_under_the_checks_or_the_independent_scan(chunk: int) -> None:
    problems: list[str] = []
    for n in range(chunk, IDEAS, CHUNKS):
        idea, app = ideas()[n], write_app(ideas()[n])
        diagnostics = check_files(app.files) + project_rules(app.files)
        problems += [f"{idea!r}: {d}" for d in diagnostics if d.severity == "error"]
        problems += [f"{idea!r}: {p}" for path, text in sorted(app.files.items())
                     if path.endswith(".dart") for p in scan(path, text)]
    assert problems == [], f"{len(problems)} problems, first: {problems[:10]}"


@pytest.mark.parametrize("index", [0, 1, 2])
def test_every_app_can_be_started_as_its_readme_says(index: int) -> None:
    app = write_app(ideas()[index * 97])
    readme = app.files["README.md"]
    steps = ["flutter create --project-name", "flutter pub get", "flutter test", "flutter run"]
    assert all(step in readme for step in steps)
    assert [readme.index(s) for s in steps] == sorted(readme.index(s) for s in steps)
    assert f"--project-name {app.plan.app_name} ." in readme
    assert ".dart_tool/" in app.files[".gitignore"] and "build/" in app.files[".gitignore"]
