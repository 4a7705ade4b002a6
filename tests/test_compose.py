"""compose.yaml runs only commands the CLI has, with the settings the code reads."""

from pathlib import Path

import yaml

from factory.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_every_service_command_is_a_factory_subcommand() -> None:
    commands = {name: s["command"] for name, s in COMPOSE["services"].items()
                if s.get("command", [""])[0] == "factory"}
    assert set(commands) == {"migrate", "serve", "worker"}
    for argv in commands.values():
        args = build_parser(argv[1]).parse_args(argv[1:])
        assert callable(args.handler)


def test_shared_store_and_streams_are_configured_for_every_factory_process() -> None:
    for name in ("migrate", "serve", "worker"):
        env = COMPOSE["services"][name]["environment"]
        assert env["FACTORY_DATABASE_URL"].startswith("postgresql+asyncpg://")
        assert env["FACTORY_REDIS_URL"].startswith("redis://")
        assert {"GITHUB_APP_ID", "GITHUB_WEBHOOK_SECRET", "GITHUB_PRIVATE_KEY_PATH"} <= set(env)
    assert COMPOSE["services"]["serve"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully")
