"""`factory check DIR`: static checks of a Flutter project, as text or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipeline.checks import ERROR, INFO, WARNING, check_directory, has_errors
from pipeline.checks.diagnostic import SEVERITIES
from pipeline.errors import BadInput

EXIT_CLEAN = 0
EXIT_ERRORS = 1
SUMMARY = "{errors} error(s), {warnings} warning(s), {infos} info(s)"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the `check` arguments."""
    parser.add_argument("directory", metavar="DIR", type=Path, help="the project root")
    parser.add_argument("--json", action="store_true", help="print diagnostics as a JSON list")
    parser.add_argument("--factory-rules", action="store_true",
                        help="also run the factory's own app rules (runApp in main.dart, tests, "
                             "no placeholders, analysis_options.yaml, nothing under .github/)")
    parser.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    """Run the checks and print them; 1 when any diagnostic is an error."""
    root: Path = args.directory
    if not root.exists():
        raise BadInput(f"{root} does not exist")
    if not root.is_dir():
        raise BadInput(f"{root} is not a directory")
    diagnostics = check_directory(root, factory_rules=args.factory_rules)
    if args.json:
        json.dump([d.to_dict() for d in diagnostics], sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for diagnostic in diagnostics:
            print(diagnostic)
        counts = {s: sum(d.severity == s for d in diagnostics) for s in SEVERITIES}
        print(SUMMARY.format(errors=counts[ERROR], warnings=counts[WARNING], infos=counts[INFO]),
              file=sys.stderr)
    return EXIT_ERRORS if has_errors(diagnostics) else EXIT_CLEAN
