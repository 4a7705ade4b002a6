"""The offline Judge: answers judgement checkpoints with evidence computed from the files."""

from __future__ import annotations

import re
from collections.abc import Callable

from pipeline.answers import CheckpointVerdict, JudgeOpinion
from pipeline.asks import CheckpointQuestion, JudgeAsk
from pipeline.engines.offline.idea import read_idea
from pipeline.engines.offline.names import EntityName
from pipeline.engines.offline.planner import app_class_of, idea_entities

EMPTY_STATE = re.compile(r"\bEmptyState\(|No \w[\w ]* yet")
LOADING = re.compile(r"\bCircularProgressIndicator\(|\bLinearProgressIndicator\(")
ERROR_STATE = re.compile(r"Could not load|\berror\b")
BACK = re.compile(r"\bcontext\.pop\(|Navigator\.of\(context\)\.pop\(")
UNKNOWN = ("The offline judge has no rule for this question, so it cannot claim a pass.")
FEATURE_EVIDENCE = {
    "search": re.compile(r"onChanged: \w+\.search"), "filter": re.compile(r"\.search\("),
    "delete": re.compile(r"\.remove\("), "remove": re.compile(r"\.remove\("),
    "edit": re.compile(r"\.save\("), "save": re.compile(r"\.save\("),
    "add": re.compile(r"\.save\("), "create": re.compile(r"\.save\("),
    "log": re.compile(r"\.save\("), "track": re.compile(r"\.save\("),
    "record": re.compile(r"\.save\("), "keep": re.compile(r"\.save\("),
    "store": re.compile(r"\.save\("), "plan": re.compile(r"showDatePicker\("),
    "schedule": re.compile(r"showDatePicker\("), "set": re.compile(r"\.save\("),
    "mark": re.compile(r"SwitchListTile\("), "favorite": re.compile(r"SwitchListTile\("),
    "rate": re.compile(r"\brating\b"), "tag": re.compile(r"\btags\b"),
    "view": re.compile(r"ListView"), "browse": re.compile(r"ListView"),
    "organize": re.compile(r"ListView"), "manage": re.compile(r"\.save\("),
}

Answer = Callable[[JudgeAsk], tuple[bool, str]]


def fits_the_idea(ask: JudgeAsk) -> tuple[bool, str]:
    """Each entity the idea names is a model class with a list and a detail screen."""
    app_class = app_class_of(ask.plan.app_name)
    wanted = idea_entities(read_idea(ask.idea), app_class) or [
        EntityName.parse(e) for e in ask.plan.entities]
    found, missing = [], []
    for entity in wanted:
        model = f"lib/models/{entity.snake}.dart"
        screens = [f"lib/screens/{entity.snake}_list_screen.dart",
                   f"lib/screens/{entity.snake}_detail_screen.dart"]
        declared = re.search(rf"\bclass {entity.cls}\b", ask.files.get(model, ""))
        if declared and all(s in ask.files for s in screens):
            found.append(f"{entity.cls} ({model})")
        else:
            missing.append(entity.cls)
    if not wanted or missing:
        return False, f"not built: {', '.join(missing) or 'no entities'}"
    return True, f"every entity of the idea is a model with list and detail screens: " \
                 f"{', '.join(found)}"


def ux_states(ask: JudgeAsk) -> tuple[bool, str]:
    """Every list screen shows an empty state, progress while loading, and load errors."""
    lists = sorted(p for p in ask.files
                   if p.startswith("lib/screens/") and p.endswith("_list_screen.dart"))
    if not lists:
        return False, "lib/screens/: no list screens"
    for pattern, what in ((EMPTY_STATE, "empty state"), (LOADING, "progress indicator"),
                          (ERROR_STATE, "error state")):
        lacking = [p for p in lists if not pattern.search(ask.files[p])]
        if lacking:
            return False, f"{lacking[0]}: no {what}"
    return True, f"{len(lists)} list screens show empty, loading and error states"


def navigation(ask: JudgeAsk) -> tuple[bool, str]:
    """Home links to every list; every screen is routed; forms go back after saving."""
    home = ask.files.get("lib/screens/home_screen.dart", "")
    router = next((t for p, t in sorted(ask.files.items()) if "rout" in p and "Route(" in t), "")
    if not home or not router:
        return False, "no home screen or no router with routes"
    for path in sorted(p for p in ask.files if p.startswith("lib/screens/")):
        screen = re.search(r"class (\w+Screen) extends", ask.files[path])
        if screen and f"{screen.group(1)}(" not in router:
            return False, f"{path}: {screen.group(1)} has no route"
    for name in ask.plan.entities:
        vars_ = EntityName.parse(name).vars
        if f"RoutePaths.{vars_}" not in home:
            return False, f"lib/screens/home_screen.dart: no link to {name} list"
        detail = ask.files.get(f"lib/screens/{EntityName.parse(name).snake}_detail_screen.dart")
        if detail is None or not BACK.search(detail):
            return False, f"{name} detail screen never returns to its list"
    return True, f"home links to {len(ask.plan.entities)} lists; every screen is routed; " \
                 "forms pop back after save"


def features(ask: JudgeAsk) -> tuple[bool, str]:
    """Each action the idea names has a screen or action performing it."""
    reading = read_idea(ask.idea)
    if not reading.features:
        return False, "the idea names no actions to check"
    code = "\n".join(t for p, t in ask.files.items() if p.startswith("lib/"))
    done: list[str] = []
    missing: list[str] = []
    for feature in reading.features:
        pattern = FEATURE_EVIDENCE.get(feature.split()[0])
        (done if pattern and pattern.search(code) else missing).append(feature)
    if missing:
        return False, f"no screen or action for: {', '.join(missing)}"
    return True, f"actions present for: {', '.join(done)}"


RULES: tuple[tuple[tuple[str, ...], Answer], ...] = (
    (("empty", "loading"), ux_states),
    (("navigation", "reach", "navigate"), navigation),
    (("feature",), features),
    (("entities", "fit", "idea"), fits_the_idea),
    (("action",), features),
)


def answer(question: CheckpointQuestion, ask: JudgeAsk) -> CheckpointVerdict:
    """One verdict, from the first rule whose keywords the question contains."""
    text = question.question.lower()
    for words, rule in RULES:
        if any(w in text for w in words):
            passed, evidence = rule(ask)
            return CheckpointVerdict(id=question.id, passed=passed, evidence=evidence)
    return CheckpointVerdict(id=question.id, passed=False, evidence=UNKNOWN)


def judge(ask: JudgeAsk) -> JudgeOpinion:
    """Verdicts for every checkpoint question, with a one-line summary."""
    verdicts = [answer(q, ask) for q in ask.checkpoints]
    passed = sum(v.passed for v in verdicts)
    summary = f"Offline judge (rules over the files, no model): {passed}/{len(verdicts)} passed."
    return JudgeOpinion(verdicts=verdicts, summary=summary)
