"""A retry is told what the static checks found: a first attempt that passes a wrong named
argument is rejected with the checker's message and fix, and the second attempt is approved.

The anthropic engine runs against the Messages API fake over loopback HTTP; the fake answers
with the offline engine, except that the first attempt of one widget passes `titel:` to
`ListTile`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from pipeline.answers import FileBody
from pipeline.asks import Ask, FileAsk
from pipeline.checks.api_load import SHIPPED
from pipeline.config import FactoryConfig
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.canned_answers import offline_answerer
from tests.test_engines_e2e import clean_env, run_anthropic

BROKEN = "lib/widgets/recipe_tile.dart"
MESSAGE = "The named parameter 'titel' isn't defined for 'ListTile'"
FIX = "ListTile has no parameter 'titel'; did you mean 'title'?"

__all__ = ["clean_env"]  # the autouse fixture: a data directory of each test's own, no keys


@pytest.mark.skipif(not SHIPPED.is_file(), reason=f"{SHIPPED} (the shipped API index, which "
                    "knows ListTile's parameters) is absent")
def test_a_wrong_named_argument_is_rejected_with_its_fix_and_the_retry_is_approved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    offline = offline_answerer(FactoryConfig())
    asked: list[FileAsk] = []

    async def answer(ask: Ask) -> BaseModel:
        given = await offline(ask)
        if isinstance(ask, FileAsk) and ask.spec.path == BROKEN:
            asked.append(ask)
            assert isinstance(given, FileBody)
            if ask.attempt == 1:
                tile = given.content.index("ListTile(")
                title = given.content.index("title:", tile)
                broken = given.content[:title] + "titel:" + given.content[title + 6 :]
                return FileBody(content=broken)
        return given

    code, summary = run_anthropic(FakeAnthropic(answer=answer), monkeypatch, capsys, tmp_path)

    assert code == 0, summary
    assert summary["status"] == "succeeded" and summary["failed"] == []
    assert [a.attempt for a in asked] == [1, 2]
    feedback = asked[1].feedback or ""
    assert MESSAGE in feedback and FIX in feedback, feedback
    written = (tmp_path / "app" / BROKEN).read_text()
    assert "titel" not in written and "title:" in written
