"""Mutation harness for pipeline.checks: break fixture projects in known ways, count detections.

Run `python -m tests.checks_mutations` from the repo root to print the table in docs/checks.md.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.checks import check_files
from pipeline.checks.checker import read_project
from pipeline.checks.parsing import parse, text_of, walk
from tests.api_mutations import EXAMPLES_API, Table, api_samples, measure_corpus

FIXTURES = Path(__file__).parent / "fixtures"
PROJECTS = ("recipes", "habits", "weather")
SHARED = Path(__file__).resolve().parents[2] / "shared"
INDEX = SHARED / "flutter-api" / "index.json"
EXAMPLES_SAMPLED = 40
"""How many of examples/api's ~580 sample files become one-file projects to break."""
SEED = 8
KINDS = (
    "deleted-import",
    "renamed-class",
    "misspelled-widget",
    "missing-file-import",
    "undeclared-package",
    "broken-syntax",
    "reserved-word",
    "duplicate-member",
)
PACKAGE_USES = {
    "provider": ("ChangeNotifierProvider", "Consumer", "Provider", "watch", "read"),
    "go_router": ("GoRouter", "GoRoute", "GoRouterState", "go", "push"),
    "http": ("http",),
    "shared_preferences": ("SharedPreferences",),
    "intl": ("DateFormat",),
    "uuid": ("Uuid",),
}
"""Words whose presence shows a package import is used (names and extension members)."""
WORD = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
CLOSERS = (";", ")", "}", "]")
RESERVED_NAMES = ("case", "class", "default", "new", "switch", "in", "is", "with", "var", "do")
"""Reserved words a model reaches for as names (`final case = ...`, `String default`)."""
NAMED_DECLARATIONS = ("initialized_variable_definition", "formal_parameter")


@dataclass(frozen=True)
class Mutation:
    """One broken copy of a fixture project."""

    project: str
    kind: str
    description: str
    files: dict[str, str]


@lru_cache(maxsize=1)
def index_names() -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """Per-library names and the union, from the shared reference index (tests only)."""
    data = json.loads(INDEX.read_text(encoding="utf-8"))
    libraries = {uri: frozenset(names) for uri, names in data["libraries"].items()}
    return libraries, frozenset(data["union"])


def load(project: str) -> dict[str, str]:
    """A fixture project as a file map."""
    return read_project(FIXTURES / project)


def _code_words(text: str) -> set[str]:
    """Identifiers outside directives, strings and comments."""
    words: set[str] = set()
    for node in walk(parse(text).root_node):
        if node.type in ("identifier", "type_identifier") and not _in_directive(node):
            words.add(text_of(node))
    return words


def _in_directive(node: object) -> bool:
    current = getattr(node, "parent", None)
    while current is not None:
        if current.type in ("import_or_export", "part_directive", "part_of_directive"):
            return True
        current = current.parent
    return False


def _import_lines(text: str) -> list[tuple[str, str]]:
    """(line, uri) for each single-line import of a file."""
    found = []
    for line in text.splitlines():
        match = re.match(r"^import\s+'([^']+)'.*;\s*$", line)
        if match:
            found.append((line, match.group(1)))
    return found


def _provides(files: dict[str, str], path: str, uri: str) -> set[str]:
    """Names an import makes available, as ground truth for whether deleting it breaks code."""
    libraries, _union = index_names()
    if uri in libraries:
        return set(libraries[uri])
    if uri.startswith("package:"):
        package, _, rest = uri[len("package:") :].partition("/")
        if package in PACKAGE_USES:
            return set(PACKAGE_USES[package])
        target = f"lib/{rest}"
    else:
        target = str(Path(path).parent / uri).replace("\\", "/")
        target = re.sub(r"[^/]+/\.\./", "", target)
    text = files.get(target, "")
    names = set(re.findall(r"^(?:class|enum|mixin|typedef|extension)\s+(\w+)", text, re.M))
    names |= {
        m for m in re.findall(r"^(?:final|const|[A-Z]\w*(?:<[^>]*>)?)\s+(\w+)", text, re.M)
    }
    names |= set(re.findall(r"^\w[\w<>?, ]*\s+(\w+)\(", text, re.M))
    return names


def deleted_imports(project: str, files: dict[str, str]) -> Iterator[Mutation]:
    """Delete each import whose names the file really uses."""
    for path, text in sorted(files.items()):
        if not path.endswith(".dart"):
            continue
        words = _code_words(text)
        for line, uri in _import_lines(text):
            if " as " in line and "deferred" not in line:
                prefix = line.split(" as ")[1].split()[0].rstrip(";")
                if prefix not in words:
                    continue
            elif not (_provides(files, path, uri) & words):
                continue
            mutated = dict(files)
            mutated[path] = text.replace(line + "\n", "", 1)
            yield Mutation(project, "deleted-import", f"{path}: -{uri}", mutated)


def renamed_classes(project: str, files: dict[str, str]) -> Iterator[Mutation]:
    """Rename each public class where it is declared; its users now name nothing."""
    for path, text in sorted(files.items()):
        for name in re.findall(r"^(?:\w+ )*class (\w+)", text, re.M):
            if name.startswith("_"):
                continue
            users = [p for p, t in files.items() if p != path and name in _code_words(t)]
            if not users:
                continue
            mutated = dict(files)
            mutated[path] = re.sub(rf"\bclass {name}\b", f"class {name}Renamed", text, count=1)
            yield Mutation(project, "renamed-class", f"{path}: {name}", mutated)


def _typos(name: str, rng: random.Random) -> Iterator[str]:
    """A few realistic slips of one name: a dropped, doubled, swapped or wrong letter."""
    inner = list(range(1, len(name) - 1)) or [0]
    i = rng.choice(inner)
    yield name[:i] + name[i + 1 :]
    yield name[:i] + name[i] + name[i:]
    if i + 1 < len(name) and name[i] != name[i + 1]:
        yield name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    vowels = "aeiou"
    for j, char in enumerate(name):
        if j and char in vowels:
            yield name[:j] + vowels[(vowels.index(char) + 1) % 5] + name[j + 1 :]
            break


def misspelled_widgets(project: str, files: dict[str, str]) -> Iterator[Mutation]:
    """Misspell each Flutter/Dart name a file uses, at one use, in several ways."""
    _libraries, union = index_names()
    rng = random.Random(SEED)
    declared = {w for t in files.values() for w in re.findall(r"\b\w+\b", t)}
    for path, text in sorted(files.items()):
        if not path.endswith(".dart"):
            continue
        tree = parse(text)
        seen: set[str] = set()
        for node in walk(tree.root_node):
            name = text_of(node)
            if node.type not in ("identifier", "type_identifier") or name in seen:
                continue
            if name not in union or not name[:1].isupper() or _in_directive(node):
                continue
            previous = node.prev_sibling
            if previous is not None and previous.type == ".":
                continue
            seen.add(name)
            for typo in _typos(name, rng):
                if typo in union or typo in declared or typo == name:
                    continue
                raw = text.encode()
                broken = raw[: node.start_byte] + typo.encode() + raw[node.end_byte :]
                mutated = dict(files)
                mutated[path] = broken.decode()
                yield Mutation(project, "misspelled-widget", f"{path}: {name}->{typo}", mutated)


def missing_file_imports(project: str, files: dict[str, str]) -> Iterator[Mutation]:
    """Point each project import at a file that does not exist."""
    for path, text in sorted(files.items()):
        for line, uri in _import_lines(text):
            if uri.startswith(("dart:", "package:")) and not uri.startswith(f"package:{project}"):
                continue
            wrong = line.replace(".dart'", "_old.dart'", 1)
            mutated = dict(files)
            mutated[path] = text.replace(line, wrong, 1)
            yield Mutation(project, "missing-file-import", f"{path}: {uri}", mutated)


def undeclared_packages(project: str, files: dict[str, str]) -> Iterator[Mutation]:
    """Drop each imported package from pubspec.yaml."""
    pubspec = files["pubspec.yaml"]
    for package in PACKAGE_USES:
        if not re.search(rf"^  {package}:", pubspec, re.M):
            continue
        mutated = dict(files)
        mutated["pubspec.yaml"] = re.sub(rf"^  {package}:.*\n", "", pubspec, flags=re.M)
        yield Mutation(project, "undeclared-package", f"pubspec: -{package}", mutated)


def broken_syntax(project: str, files: dict[str, str]) -> Iterator[Mutation]:
    """Delete a closing token (`;`, `)`, `}` or `]`) at random places of each file."""
    rng = random.Random(SEED)
    for path, text in sorted(files.items()):
        if not path.endswith(".dart"):
            continue
        tokens = [n for n in walk(parse(text).root_node) if n.type in CLOSERS]
        for node in rng.sample(tokens, min(4, len(tokens))):
            raw = text.encode()
            mutated = dict(files)
            mutated[path] = (raw[: node.start_byte] + raw[node.end_byte :]).decode()
            yield Mutation(project, "broken-syntax", f"{path}: -{node.type}", mutated)


def reserved_words(project: str, files: dict[str, str]) -> Iterator[Mutation]:
    """Name each local variable and parameter with a reserved word, at its declaration."""
    rng = random.Random(SEED)
    for path, text in sorted(files.items()):
        if not path.endswith(".dart"):
            continue
        for node in walk(parse(text).root_node):
            if node.type not in NAMED_DECLARATIONS:
                continue
            name = next((c for c in reversed(node.children) if c.type == "identifier"), None)
            if node.type == "initialized_variable_definition":
                name = next((c for c in node.children if c.type == "identifier"), None)
            if name is None or not text_of(name):
                continue
            word = rng.choice(RESERVED_NAMES)
            raw = text.encode()
            mutated = dict(files)
            mutated[path] = (raw[: name.start_byte] + word.encode() + raw[name.end_byte :]).decode()
            yield Mutation(project, "reserved-word", f"{path}: {text_of(name)}->{word}", mutated)


def duplicate_members(project: str, files: dict[str, str]) -> Iterator[Mutation]:
    """Declare each method of each class twice, as a model pasting a member again does."""
    for path, text in sorted(files.items()):
        if not path.endswith(".dart"):
            continue
        for node in walk(parse(text).root_node):
            if node.type != "method_signature" or node.parent is None:
                continue
            if node.parent.type != "class_body" or node.next_sibling is None:
                continue
            body = node.next_sibling
            if body.type != "function_body":
                continue
            raw = text.encode()
            member = raw[node.start_byte : body.end_byte]
            mutated = dict(files)
            pasted = raw[: body.end_byte] + b"\n  " + member + raw[body.end_byte :]
            mutated[path] = pasted.decode()
            yield Mutation(project, "duplicate-member", f"{path}: {text_of(node)[:40]}", mutated)


GENERATORS = {
    "deleted-import": deleted_imports,
    "renamed-class": renamed_classes,
    "misspelled-widget": misspelled_widgets,
    "missing-file-import": missing_file_imports,
    "undeclared-package": undeclared_packages,
    "broken-syntax": broken_syntax,
    "reserved-word": reserved_words,
    "duplicate-member": duplicate_members,
}


def api_examples() -> dict[str, dict[str, str]]:
    """A fixed sample of Flutter's API samples (`api_samples`), each file a project of its own
    with the samples' pubspec (they import only Flutter, so each stands alone); empty without
    ../shared."""
    if not EXAMPLES_API.is_dir():
        return {}
    files = api_samples()
    pubspec = files.pop("pubspec.yaml")
    paths = list(files)
    chosen = random.Random(SEED).sample(paths, min(EXAMPLES_SAMPLED, len(paths)))
    return {
        f"examples/api#{number}": {"pubspec.yaml": pubspec, path: files[path]}
        for number, path in enumerate(sorted(chosen, key=paths.index), 1)
    }


def corpora() -> dict[str, dict[str, dict[str, str]]]:
    """Corpus name -> project name -> files: our fixtures, and the sampled API samples."""
    found = {"fixtures": {project: load(project) for project in PROJECTS}}
    examples = api_examples()
    if examples:
        found["examples/api"] = examples
    return found


def mutations(projects: dict[str, dict[str, str]]) -> Iterator[Mutation]:
    """Every mutation of every project of one corpus."""
    for project, files in projects.items():
        for kind in KINDS:
            yield from GENERATORS[kind](project, files)


def detected(mutation: Mutation) -> bool:
    """Whether the checks report at least one error on the broken project."""
    return any(d.severity == "error" for d in check_files(mutation.files))


def _sampled(found: Iterator[Mutation], per_kind: int) -> Iterator[Mutation]:
    """A seeded sample of at most `per_kind` mutations of each kind, in their order."""
    by_kind: dict[str, list[Mutation]] = {}
    for mutation in found:
        by_kind.setdefault(mutation.kind, []).append(mutation)
    rng = random.Random(SEED)
    for all_of_kind in by_kind.values():
        if len(all_of_kind) <= per_kind:
            yield from all_of_kind
            continue
        chosen = set(rng.sample(range(len(all_of_kind)), per_kind))
        yield from (m for i, m in enumerate(all_of_kind) if i in chosen)


def measure(projects: dict[str, dict[str, str]], per_kind: int | None = None) -> Table:
    """The detection table of one corpus: every mutation, or a seeded sample per kind (the
    test suite's budget; `python -m tests.checks_mutations` measures them all)."""
    table: Table = {kind: (0, 0, []) for kind in KINDS}
    found = mutations(projects)
    for mutation in found if per_kind is None else _sampled(found, per_kind):
        hits, total, misses = table[mutation.kind]
        if detected(mutation):
            hits += 1
        else:
            misses.append(f"{mutation.project}/{mutation.description}")
        table[mutation.kind] = (hits, total + 1, misses)
    return table


def markdown(table: Table) -> str:
    """The measured table as markdown."""
    lines = ["| Mutation kind | Detected | Total | Rate |", "|---|---|---|---|"]
    hits_all = total_all = 0
    for kind, (hits, total, _misses) in table.items():
        hits_all, total_all = hits_all + hits, total_all + total
        rate = f"{100 * hits / total:.1f} %" if total else "—"
        lines.append(f"| {kind} | {hits} | {total} | {rate} |")
    lines.append(
        f"| **all** | {hits_all} | {total_all} | {100 * hits_all / max(total_all, 1):.1f} % |"
    )
    return "\n".join(lines)


def api_corpora() -> dict[str, tuple[dict[str, dict[str, str]], bool]]:
    """Corpus name -> (projects, each file judged alone) for the API mutations: Flutter's
    samples, each file alone with their pubspec (when ../shared holds them), and our fixture
    projects, each mutated file judged in its whole project."""
    found = {}
    if EXAMPLES_API.is_dir():
        found["flutter/examples/api"] = ({"examples/api": api_samples()}, True)
    found["fixtures"] = ({project: load(project) for project in PROJECTS}, False)
    return found


def print_api_tables() -> None:
    """Print the API mutation table of each corpus with its misses and false errors."""
    for corpus, (projects, alone) in api_corpora().items():
        table, false_errors = measure_corpus(projects, alone=alone)
        print(f"\nAPI mutations of {corpus} (a seeded sample per kind)\n")
        print(markdown(table))
        print(f"\nerrors on the unbroken {'sample files' if alone else 'projects'}: "
              f"{len(false_errors)}")
        for error in false_errors:
            print(f"false error: {error}")
        for kind, (_hits, _total, misses) in table.items():
            for miss in misses:
                print(f"missed {kind}: {miss}")


if __name__ == "__main__":
    if not INDEX.is_file():
        raise SystemExit(f"{INDEX} is absent: the mutations need the shared API reference index "
                         "beside the repository (../shared/flutter-api/index.json)")
    for corpus, projects in corpora().items():
        measured = measure(projects)
        print(f"\n{corpus} ({len(projects)} projects)\n")
        print(markdown(measured))
        for kind, (_hits, _total, misses) in measured.items():
            for miss in misses:
                print(f"missed {kind}: {miss}")
    print_api_tables()
