"""`factory db upgrade` migrates the configured database, and says what it did."""

from __future__ import annotations

from pathlib import Path

import pytest

from factory.cli import build_parser
from factory.commands import db
from pipeline.store import migrate
from tests.databases import scratch_database


def _upgrade(capsys: pytest.CaptureFixture[str]) -> str:
    args = build_parser("db").parse_args(["db", "upgrade"])
    assert args.handler is db.main
    assert db.main(args) == 0
    return capsys.readouterr().out.strip()


def test_upgrade_sqlite_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FACTORY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("FACTORY_DATABASE_URL", raising=False)
    assert _upgrade(capsys).endswith(f"schema upgraded from nothing to {migrate.head()}")
    assert (tmp_path / "data" / "factory.db").is_file()
    assert _upgrade(capsys).endswith(f"schema already at {migrate.head()}")


def test_upgrade_postgres(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with scratch_database("test_db", migrated=False) as url:
        monkeypatch.setenv("FACTORY_DATABASE_URL", url)
        out = _upgrade(capsys)
        assert out.startswith("postgresql+asyncpg://postgres@127.0.0.1:5432/test_db_")
        assert out.endswith(f"schema upgraded from nothing to {migrate.head()}")
        assert _upgrade(capsys).endswith(f"schema already at {migrate.head()}")


def test_db_needs_an_action() -> None:
    with pytest.raises(SystemExit):
        build_parser("db").parse_args(["db"])
