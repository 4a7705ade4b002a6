"""The offline Judge: answers judgement checkpoints, and traces features, from the files.

Every verdict names the file and line that decided it. Features are traced to the line of the
screen or method that performs them; a feature the templates cannot build is reported as not
built, with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pipeline.answers import CheckpointVerdict, FeatureEvidence, JudgeOpinion
from pipeline.asks import CheckpointQuestion, JudgeAsk
from pipeline.engines.offline.capabilities import resolve, site_of
from pipeline.engines.offline.idea import read_idea
from pipeline.engines.offline.names import EntityName
from pipeline.engines.offline.planner import app_class_of, idea_entities

EMPTY_STATE = re.compile(r"\bEmptyState\(|No \w[\w ]* yet")
LOADING = re.compile(r"\bCircularProgressIndicator\(|\bLinearProgressIndicator\(")
ERROR_STATE = re.compile(r"Could not load|\berror\b")
BACK = re.compile(r"\bcontext\.pop\(|Navigator\.of\(context\)\.pop\(")
UNKNOWN = "The offline judge has no rule for this checkpoint, so it cannot claim a pass."
MOVED = "the template's {symbol} is not in {path} any more"

Answer = Callable[[JudgeAsk], tuple[bool, str]]


def _line(text: str, pattern: re.Pattern[str]) -> int | None:
    match = pattern.search(text)
    return None if match is None else text.count("\n", 0, match.start()) + 1


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
        line = _line(ask.files.get(model, ""), re.compile(rf"\bclass {entity.cls}\b"))
        if line and all(s in ask.files for s in screens):
            found.append(f"{entity.cls} ({model}:{line})")
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
    lines: dict[str, int] = {}
    for pattern, what in ((EMPTY_STATE, "empty state"), (LOADING, "progress indicator"),
                          (ERROR_STATE, "error state")):
        for path in lists:
            line = _line(ask.files[path], pattern)
            if line is None:
                return False, f"{path}: no {what}"
            lines.setdefault(what, line)
    first = lists[0]
    shown = ", ".join(f"{what} :{line}" for what, line in lines.items())
    return True, f"{len(lists)} list screens show empty, loading and error states " \
                 f"(e.g. {first}: {shown})"


def navigation(ask: JudgeAsk) -> tuple[bool, str]:
    """Home links to every list; every screen is routed; forms go back after saving."""
    home_path = "lib/screens/home_screen.dart"
    home = ask.files.get(home_path, "")
    router = next(((p, t) for p, t in sorted(ask.files.items()) if "rout" in p and "Route(" in t),
                  None)
    if not home or router is None:
        return False, "no home screen or no router with routes"
    router_path, routes = router
    for path in sorted(p for p in ask.files if p.startswith("lib/screens/")):
        screen = re.search(r"class (\w+Screen) extends", ask.files[path])
        if screen and f"{screen.group(1)}(" not in routes:
            return False, f"{path}: {screen.group(1)} has no route in {router_path}"
    for name in ask.plan.entities:
        entity = EntityName.parse(name)
        if f"RoutePaths.{entity.vars}" not in home:
            return False, f"{home_path}: no link to the {entity.lower_labels} list"
        detail = f"lib/screens/{entity.snake}_detail_screen.dart"
        if _line(ask.files.get(detail, ""), BACK) is None:
            return False, f"{detail}: never returns to its list"
    return True, f"{home_path} links to {len(ask.plan.entities)} lists; every screen is " \
                 f"routed in {router_path}; forms pop back after save"


RULES: dict[str, Answer] = {"J24": fits_the_idea, "J25": ux_states, "J26": navigation}
"""The checkpoint each rule answers, by id (the checkpoint table in pipeline/agents)."""


def answer(question: CheckpointQuestion, ask: JudgeAsk) -> CheckpointVerdict:
    """One verdict, from the rule for the checkpoint's id."""
    rule = RULES.get(question.id)
    if rule is None:
        return CheckpointVerdict(id=question.id, passed=False, evidence=UNKNOWN)
    passed, evidence = rule(ask)
    return CheckpointVerdict(id=question.id, passed=passed, evidence=evidence)


def trace_features(ask: JudgeAsk) -> list[FeatureEvidence]:
    """For each feature asked about, the line that performs it, or why it is not built."""
    entities = [EntityName.parse(e) for e in ask.plan.entities]
    evidence = []
    for capability in resolve(ask.features, entities):
        feature = capability.feature
        site = site_of(capability)
        if site is None:
            evidence.append(FeatureEvidence(feature=feature, built=False, note=capability.reason))
            continue
        line = _line(ask.files.get(site.path, ""), site.pattern)
        if line is None:
            note = MOVED.format(symbol=site.symbol, path=site.path)
            evidence.append(FeatureEvidence(feature=feature, built=False, note=note))
            continue
        evidence.append(FeatureEvidence(feature=feature, built=True, file=site.path, line=line,
                                        symbol=site.symbol))
    return evidence


def judge(ask: JudgeAsk) -> JudgeOpinion:
    """Verdicts for every checkpoint question and evidence per feature, with a summary."""
    verdicts = [answer(q, ask) for q in ask.checkpoints]
    features = trace_features(ask)
    passed = sum(v.passed for v in verdicts)
    built = sum(f.built for f in features)
    summary = (f"Offline judge (rules over the files, no model): {passed}/{len(verdicts)} "
               f"passed; {built}/{len(features)} named features built.")
    return JudgeOpinion(verdicts=verdicts, summary=summary, features=features)
