"""`factory check DIR`: static checks of a Flutter project, as text or JSON; `--build-index`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from pipeline.checks import ERROR, INFO, WARNING, check_directory, has_errors
from pipeline.checks.api_build import build_index
from pipeline.checks.api_load import cached_path
from pipeline.checks.api_sources import source_tree
from pipeline.checks.api_store import save_index
from pipeline.checks.diagnostic import SEVERITIES
from pipeline.errors import BadInput

EXIT_CLEAN = 0
EXIT_ERRORS = 1
SUMMARY = "{errors} error(s), {warnings} warning(s), {infos} info(s)"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the `check` arguments."""
    parser.add_argument("directory", metavar="DIR", type=Path, nargs="?",
                        help="the project root")
    parser.add_argument("--json", action="store_true", help="print diagnostics as a JSON list")
    parser.add_argument("--factory-rules", action="store_true",
                        help="also run the factory's own app rules (runApp in main.dart, tests, "
                             "no placeholders, analysis_options.yaml, nothing under .github/)")
    parser.add_argument("--build-index", metavar="SDK_DIR", type=Path,
                        help="instead of checking, index the Dart/Flutter API of the sources at "
                             "SDK_DIR (a Flutter SDK, a Dart SDK, or a dart-sources tree)")
    parser.add_argument("--out", metavar="FILE", type=Path,
                        help="with --build-index: where to write the index (default: the cache "
                             "the checks read a local SDK's index from)")
    parser.set_defaults(handler=main)


def build(sdk_dir: Path, out: Path | None) -> int:
    """Index the sources at `sdk_dir` and write the index; say what was written."""
    tree = source_tree(sdk_dir)
    if tree is None:
        raise BadInput(f"{sdk_dir} holds no Flutter SDK, Dart SDK or dart-sources tree")
    started = time.perf_counter()
    index = build_index(tree)
    target = out if out is not None else cached_path(tree)
    save_index(index, target)
    seconds = time.perf_counter() - started
    types = sum(len(index.libraries[uri].types) for uri in index.libraries)
    print(f"{target}: {len(index.libraries)} libraries, {types} types, "
          f"{target.stat().st_size / 1e6:.2f} MB, built in {seconds:.1f} s")
    return EXIT_CLEAN


def main(args: argparse.Namespace) -> int:
    """Run the checks and print them; 1 when any diagnostic is an error."""
    if args.build_index is not None:
        return build(args.build_index, args.out)
    if args.out is not None:
        raise BadInput("--out goes with --build-index")
    root: Path | None = args.directory
    if root is None:
        raise BadInput("give the project directory to check (or --build-index SDK_DIR)")
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
