"""Entry point of the `factory` console script."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import NoReturn

from factory.commands import bench, check, db, run, serve, worker
from pipeline.errors import FactoryError
from pipeline.status import EXIT_ERROR

COMMANDS: tuple[ModuleType, ...] = (run, check, serve, worker, db, bench)
"""Each module registers one subcommand; the order is the order of `factory --help`."""

Handler = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    """Usage mistakes are bad input: one line and exit 3 (2 means a kill gate fired)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="factory",
        description="Code Factory: turn an app idea into a complete Flutter app.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, dispatch, and turn our own errors into one clear line and exit code 3."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except FactoryError as exc:
        print(f"factory: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("factory: interrupted", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
