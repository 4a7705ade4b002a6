"""The offline plan reviewers: each panel member runs the checks that match its focus."""

from __future__ import annotations

from collections.abc import Callable

from pipeline.answers import Plan, PlanReview
from pipeline.asks import PlanReviewAsk
from pipeline.engines.offline.names import EntityName

LAYERS = ("lib/utils/", "lib/models/", "lib/services/", "lib/data/", "lib/theme/",
          "lib/routing/route_paths.dart", "lib/state/", "lib/widgets/", "lib/screens/",
          "lib/routing/", "lib/app.dart", "lib/main.dart")
ROUTER_HINTS = ("rout", "lib/app.dart")
FOCUS_WORDS = {
    "architect": ("layer", "dependency", "architecture", "granularity"),
    "product": ("feature", "coverage", "product", "user"),
    "tester": ("test",),
    "skeptic": ("missing", "unimported", "unrouted", "link"),
}

Check = Callable[[Plan], list[str]]


def _layer(path: str) -> int | None:
    matches = [(len(prefix), i) for i, prefix in enumerate(LAYERS) if path.startswith(prefix)]
    return max(matches)[1] if matches else None


def dependency_direction(plan: Plan) -> list[str]:
    """Lower layers never import higher ones (a model never imports a screen)."""
    found = []
    for spec in plan.files:
        own = _layer(spec.path)
        for dep in spec.depends_on:
            theirs = _layer(dep)
            if own is not None and theirs is not None and theirs > own:
                found.append(f"{spec.path} must not depend on {dep}: it is a higher layer")
    return found


def known_dependencies(plan: Plan) -> list[str]:
    """Every dependency is a planned file."""
    planned = {f.path for f in plan.files}
    return [f"{f.path} depends on {d}, which is not planned"
            for f in plan.files for d in f.depends_on if d not in planned]


def screens_per_entity(plan: Plan) -> list[str]:
    """Every entity has a model, a list screen and a detail or edit screen."""
    paths = {f.path for f in plan.files}
    found = []
    for name in plan.entities:
        snake = EntityName.parse(name).snake
        screens = [p for p in paths if p.startswith(f"lib/screens/{snake}_")]
        if f"lib/models/{snake}.dart" not in paths:
            found.append(f"add a model for {name}: lib/models/{snake}.dart")
        if not any("list" in p for p in screens):
            found.append(f"add a list screen for {name}: lib/screens/{snake}_list_screen.dart")
        if not any(w in p for p in screens for w in ("detail", "edit", "form")):
            found.append(
                f"add a detail/edit screen for {name}: lib/screens/{snake}_detail_screen.dart")
    return found


def tests_for_models_and_state(plan: Plan) -> list[str]:
    """Every model and state file is imported by some test."""
    tested = {d for f in plan.files if f.path.startswith("test/") for d in f.depends_on}
    return [f"add a test for {f.path}" for f in plan.files
            if f.path.startswith(("lib/models/", "lib/state/")) and f.path not in tested]


def everything_imported(plan: Plan) -> list[str]:
    """Every lib file except main.dart is imported by another planned file."""
    used = {d for f in plan.files for d in f.depends_on}
    return [f"{f.path} is imported by nothing: import it where it is used or drop it"
            for f in plan.files if f.path.startswith("lib/") and f.path.endswith(".dart")
            and f.path != "lib/main.dart" and f.path not in used]


def screens_routed(plan: Plan) -> list[str]:
    """Every screen is imported by the router (or the app that routes)."""
    routed = {d for f in plan.files if any(h in f.path for h in ROUTER_HINTS)
              for d in f.depends_on}
    return [f"route {f.path}: no router file depends on it" for f in plan.files
            if f.path.startswith("lib/screens/") and f.path not in routed]


CHECKS: dict[str, tuple[Check, ...]] = {
    "architect": (dependency_direction, known_dependencies),
    "product": (screens_per_entity,),
    "tester": (tests_for_models_and_state,),
    "skeptic": (everything_imported, screens_routed),
}


def checks_for(name: str, focus: str) -> tuple[Check, ...]:
    """The checks of a reviewer: by name, else by the words of its focus, else all of them."""
    if name in CHECKS:
        return CHECKS[name]
    lowered = focus.lower()
    chosen = [c for role, words in FOCUS_WORDS.items() if any(w in lowered for w in words)
              for c in CHECKS[role]]
    return tuple(chosen) or tuple(c for checks in CHECKS.values() for c in checks)


def review_plan(ask: PlanReviewAsk) -> PlanReview:
    """Approve when the reviewer's checks pass; reject with one feedback item per problem."""
    if ask.problems:
        return PlanReview(approve=False, feedback=list(ask.problems))
    feedback = [item for check in checks_for(ask.reviewer.name, ask.reviewer.focus)
                for item in check(ask.plan)]
    return PlanReview(approve=not feedback, feedback=feedback)
