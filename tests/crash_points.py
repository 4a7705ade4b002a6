"""Issue 12's crash points: the GitHub requests of a run at which a bot process is SIGKILLed.

Each point names the request (an operation of GitHub's OpenAPI description, narrowed by what
its body says) and whether the kill comes before GitHub applied it (it never happened) or after
(it happened, and the bot never saw the answer). Reads have only the second variant: GitHub's
state is the same either way. The level points kill at every DAG level's commit (or ref
update) in turn, in one run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.fakes.github_state import Call, Repo

IDEA = ("Tally counter", "A tally counter app to count things with named counters.")
"""A small app the offline critic passes and the Judge approves: 35 files in 8 DAG levels."""
LEVELS = 8
GATE_IDEA = ("Casino night", "An online casino app for sports betting and poker with "
             "real-money wagers.")
"""An idea the compliance gate kills (see tests/test_github_e2e.py)."""

Matcher = Callable[[Call, Repo], bool]


def _body(call: Call) -> dict[str, Any]:
    return call.body if isinstance(call.body, dict) else {}


def commented(heading: str) -> Matcher:
    return lambda call, repo: heading in str(_body(call).get("body", ""))


def concluded(*conclusions: str) -> Matcher:
    return lambda call, repo: _body(call).get("conclusion") in conclusions


def level_commit(level: int) -> Matcher:
    """The commit of DAG level `level` (its trailer names the key)."""
    return lambda call, repo: str(_body(call).get("message", "")).rstrip().endswith(
        f"/level-{level}")


def level_ref(level: int) -> Matcher:
    """The ref update that moves the branch to level `level`'s commit."""
    def matches(call: Call, repo: Repo) -> bool:
        sha = _body(call).get("sha")
        return isinstance(sha, str) and repo.git.commit_info(sha).message.rstrip().endswith(
            f"/level-{level}")
    return matches


def anything(call: Call, repo: Repo) -> bool:
    return True


@dataclass(frozen=True)
class Kill:
    """One kill: at the first request of `operation` that `matches`."""

    operation: str
    matches: Matcher = anything


@dataclass(frozen=True)
class Point:
    name: str
    kills: tuple[Kill, ...]
    variants: tuple[bool, ...] = (False, True)
    """Which of before (False) and after (True) GitHub applied the request."""
    idea: tuple[str, str] = IDEA


FINAL = ("success", "failure", "action_required", "cancelled", "skipped", "timed_out")
"""A check's conclusion at the end of a run (a superseded one is "neutral")."""

POINTS = [
    Point("ack", (Kill("apps/create-installation-access-token"),), variants=(False,)),
    Point("config-read", (Kill("repos/get-content"),), variants=(True,)),
    Point("reaction", (Kill("reactions/create-for-issue"),)),
    Point("branch", (Kill("git/create-ref"),)),
    Point("pr", (Kill("pulls/create"),)),
    Point("check-create", (Kill("checks/create"),)),
    Point("critic-comment", (Kill("issues/create-comment", commented("## Critic report")),)),
    Point("level-commits", tuple(Kill("git/create-commit", level_commit(level))
                                 for level in range(1, LEVELS + 1))),
    # Before a ref update is after its commit, as GitHub and the store see it: one variant.
    Point("level-ref-updates", tuple(Kill("git/update-ref", level_ref(level))
                                     for level in range(1, LEVELS + 1)), variants=(True,)),
    Point("judge-comment", (Kill("issues/create-comment", commented("## Judge report")),)),
    Point("final-check", (Kill("checks/update", concluded(*FINAL)),)),
    Point("ready-for-review", (Kill("graphql"),)),
    Point("gate-check", (Kill("checks/update", concluded(*FINAL)),), idea=GATE_IDEA),
    Point("gate-comment", (Kill("issues/create-comment", commented("Code Factory stopped")),),
          idea=GATE_IDEA),
]
