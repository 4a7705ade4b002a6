"""Entry point of the `factory` console script.

Only the chosen subcommand's module is imported: `factory check` must not pay for loading the
web server, the store and the benchmarks.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from pipeline.errors import FactoryError
from pipeline.status import EXIT_ERROR

COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("factory.commands.run", "generate a Flutter app from an idea, locally"),
    "check": ("factory.commands.check",
              "static checks of a Flutter project (exit 1 when it finds errors)"),
    "serve": ("factory.commands.serve", "run the GitHub App: webhooks plus a worker"),
    "worker": ("factory.commands.worker", "execute queued runs from the shared database"),
    "db": ("factory.commands.db", "manage the run database (FACTORY_DATABASE_URL)"),
    "bench": ("factory.commands.bench", "measure the brief's headline numbers"),
}
"""name -> (module with `configure(parser)` and `main(args)`, one-line help), in help order."""

Handler = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    """Usage mistakes are bad input: one line and exit 3 (2 means a kill gate fired)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser with every subcommand listed and `command`'s arguments configured."""
    parser = _Parser(
        prog="factory",
        description="Code Factory: turn an app idea into a complete Flutter app.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        if name == command:
            importlib.import_module(module).configure(sub)
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    return next((a for a in argv if not a.startswith("-")), None)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, dispatch, and turn our own errors into one clear line and exit code 3."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(_command_in(args_list)).parse_args(args_list)
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
