"""Entry point of the `factory` console script, and the one place a failure becomes a line.

Only the chosen subcommand's module is imported: `factory check` must not pay for loading the
web server, the store and the benchmarks.

Exit codes (README, "Exit codes"): 0 pass, 1 the Judge failed the app, 2 a kill gate fired,
3 bad input or an error, 130 interrupted (Ctrl-C). Every failure ends with one line on stderr;
`--debug` adds the traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import NoReturn

from pipeline.errors import FactoryError
from pipeline.status import EXIT_ERROR, EXIT_INTERRUPTED

COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("factory.commands.run", "generate a Flutter app from an idea, locally"),
    "runs": ("factory.commands.runs", "list the runs in the store, newest first"),
    "check": ("factory.commands.check",
              "static checks of a Flutter project (exit 1 when it finds errors)"),
    "serve": ("factory.commands.serve", "run the GitHub App: webhooks plus a worker"),
    "worker": ("factory.commands.worker", "execute queued runs from the shared database"),
    "db": ("factory.commands.db", "manage the run database (FACTORY_DATABASE_URL)"),
    "bench": ("factory.commands.bench", "measure scheduling, retries, overhead and webhooks"),
}
"""name -> (module with `configure(parser)` and `main(args)`, one-line help), in help order."""

DEBUG_HELP = "show the traceback of a failure (for a bug report)"
BUG_HINT = "this is a bug: run again with --debug and report the traceback"

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
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    # Accepted after the subcommand too; SUPPRESS keeps the sub-parser from resetting it.
    debug = _Parser(add_help=False)
    debug.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP)
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text, parents=[debug])
        if name == command:
            importlib.import_module(module).configure(sub)
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    return next((a for a in argv if not a.startswith("-")), None)


def one_line(exc: BaseException) -> str:
    """What went wrong, on one line: our own errors as they are, others named by type."""
    if isinstance(exc, FactoryError):
        return " ".join(str(exc).split())
    if isinstance(exc, OSError) and exc.strerror:
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror}"
    first = next(iter(str(exc).strip().splitlines()), "")
    return f"unexpected {type(exc).__name__}" + (f": {first}" if first else "") + f"; {BUG_HINT}"


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, dispatch, and turn every failure into one clear line and its exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(_command_in(args_list)).parse_args(args_list)
    handler: Handler = args.handler
    try:
        return handler(args)
    except KeyboardInterrupt:
        print("factory: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # the edge: one line, the traceback only when asked for
        if args.debug:
            traceback.print_exc()
        print(f"factory: error: {one_line(exc)}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
