"""`factory db upgrade`: bring the database's schema to the version this factory needs."""

from __future__ import annotations

import argparse
import asyncio

from pipeline.config import Settings
from pipeline.store import migrate
from pipeline.store.open import REFUSALS, make_engine, unreachable


def configure(p: argparse.ArgumentParser) -> None:
    """Add `db` and its `upgrade` subcommand."""
    actions = p.add_subparsers(dest="db_action", required=True, metavar="ACTION")
    actions.add_parser("upgrade", help="migrate the schema to the newest version")
    p.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    """Run the chosen action against the configured database."""
    url = Settings().database()
    print(asyncio.run(_upgrade(url)))
    return 0


async def _upgrade(url: str) -> str:
    engine = make_engine(url)
    try:
        before = await migrate.current(engine)
        await migrate.upgrade(engine)
        after = await migrate.current(engine)
    except REFUSALS as exc:
        raise unreachable(engine, exc) from exc
    finally:
        await engine.dispose()
    where = engine.url.render_as_string(hide_password=True)
    if before == after:
        return f"{where}: schema already at {after}"
    return f"{where}: schema upgraded from {before or 'nothing'} to {after}"
