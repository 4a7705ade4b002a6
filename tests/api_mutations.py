"""Mutations that break a file's use of Flutter's API the way models do, and a corpus to run
them on: Flutter's own API samples (../shared/dart-sources/flutter/examples/api).

What counts as a real break is decided from the published sources, not from our index: a
misspelling is kept only if the word occurs nowhere in the Flutter and Dart sources, and a
required parameter is one whose constructor says `required` in the source.

Run `python -m tests.api_mutations` for the tables in docs/checks.md (on examples/api and on
our fixture projects).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tree_sitter import Node

from pipeline.checks import check_files
from pipeline.checks.parsing import parse, text_of, walk

SOURCES = Path(__file__).resolve().parents[2] / "shared" / "dart-sources"
EXAMPLES_API = SOURCES / "flutter" / "examples" / "api"
SOURCE_TREES = ("flutter/packages/flutter/lib", "flutter/packages/flutter_test/lib",
                "flutter/engine/src/flutter/lib/ui", "dart-sdk/lib")
SEED = 11
PER_KIND = 150
"""Mutations measured per kind on the corpus (a seeded sample keeps the run short)."""
API_KINDS = (
    "misspelled-static-member",
    "unknown-named-argument",
    "missing-required-argument",
    "removed-api",
    "unknown-project-member",
    "wrong-literal-type",
    "duplicate-named-argument",
)
WORD = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
REMOVED_TYPES = {"ElevatedButton": "RaisedButton", "TextButton": "FlatButton",
                 "OutlinedButton": "OutlineButton"}
REMOVED_TEXT_STYLES = {"titleLarge": "headline6", "bodyMedium": "bodyText2",
                       "bodyLarge": "bodyText1", "bodySmall": "caption",
                       "titleMedium": "subtitle1", "titleSmall": "subtitle2",
                       "headlineSmall": "headline5", "headlineMedium": "headline4",
                       "displaySmall": "headline3", "displayMedium": "headline2",
                       "displayLarge": "headline1", "labelLarge": "button",
                       "labelSmall": "overline"}
PROJECT_TYPE = re.compile(r"^(?:\w+ )*(?:class|enum|mixin) (\w+)", re.M)
BINDING = r"\b(?:_*[A-Z]\w*(?:<[^;{{}}()]*>)?\??|int|double|num|bool|var|final|const)\s+{name}\b"
"""A name bound with a type or a keyword before it: `Recipe recipe`, `final x`, `num high`."""
UNTYPED_PARAMETERS = re.compile(r"\(([\w\s,]*)\)\s*(?:async\s*)?(?:=>|\{)")
"""A closure's parameter list of bare names, `(context, recipe) {`: each binds a name again."""
TYPED_DECLARATIONS = ("declaration", "formal_parameter", "initialized_variable_definition")
WRONG_LITERALS = (("int", "count", "'three'"), ("String", "label", "3"),
                  ("bool", "done", "'yes'"), ("double", "width", "'wide'"))


@dataclass(frozen=True)
class FileMutation:
    """One broken copy of one file."""

    kind: str
    path: str
    description: str
    text: str


@dataclass(frozen=True)
class Source:
    """One file to break, with what its project declares."""

    path: str
    text: str
    words: frozenset[str]
    """Every identifier written in any of the project's files."""
    types: frozenset[str]
    """The classes, enums and mixins the project's files declare."""


@lru_cache(maxsize=1)
def source_words() -> frozenset[str]:
    """Every identifier written anywhere in the published Flutter and Dart sources."""
    words: set[str] = set()
    for tree in SOURCE_TREES:
        for file in (SOURCES / tree).rglob("*.dart"):
            words |= set(WORD.findall(file.read_text(encoding="utf-8", errors="replace")))
    return frozenset(words)


@lru_cache(maxsize=1)
def _class_sources() -> dict[str, str]:
    """Class name -> the text of the Flutter file declaring it."""
    found: dict[str, str] = {}
    for file in (SOURCES / SOURCE_TREES[0]).rglob("*.dart"):
        text = file.read_text(encoding="utf-8", errors="replace")
        for name in re.findall(r"^(?:abstract |base |final |sealed |interface )*class (\w+)",
                               text, re.M):
            found.setdefault(name, text)
    return found


def required_named(class_name: str) -> frozenset[str]:
    """The `required` named parameters of a Flutter class's unnamed constructor, as written."""
    text = _class_sources().get(class_name)
    if text is None:
        return frozenset()
    match = re.search(rf"^\s*(?:const )?{class_name}\(\{{(.*?)\}}\)", text, re.M | re.S)
    if match is None:
        return frozenset()
    return frozenset(re.findall(r"required\s+(?:this\.|super\.|[\w.]+(?:<[^()]*?>)?\??\s+)(\w+)",
                                match.group(1)))


def typos(name: str, rng: random.Random) -> Iterator[str]:
    """Realistic one-slip misspellings that no published source uses."""
    words = source_words()
    inner = list(range(1, len(name) - 1)) or [0]
    i = rng.choice(inner)
    candidates = [name[:i] + name[i + 1 :], name[:i] + name[i] + name[i:]]
    if i + 1 < len(name) and name[i] != name[i + 1]:
        candidates.append(name[:i] + name[i + 1] + name[i] + name[i + 2 :])
    for slip in candidates:
        if slip != name and slip not in words and slip.isidentifier():
            yield slip


def _replace(text: str, node: Node, new: str) -> str:
    raw = text.encode()
    return (raw[: node.start_byte] + new.encode() + raw[node.end_byte :]).decode()


def _callee(arguments: Node) -> str | None:
    """The class a call's arguments go to: `Name(...)`, `const Name(...)`, `Name.named(...)`."""
    parent = arguments.parent
    if parent is not None and parent.type == "const_object_expression":
        first = next((c for c in parent.children if c.type == "type_identifier"), None)
        named = [c for c in parent.children if c.type == "identifier"]
        return text_of(first) if first is not None and not named else None
    selector = parent.parent if parent is not None else None
    head = selector.prev_sibling if selector is not None else None
    if head is None or head.type != "identifier" or selector is None:
        return None
    return text_of(head)


def static_members(source: Source, rng: random.Random) -> Iterator[FileMutation]:
    """`Colors.blue` -> `Colors.bleu`, `MainAxisAlignment.center` -> `...centre`-like slips."""
    path, text = source.path, source.text
    words = source_words()
    seen: set[str] = set()
    for node in walk(parse(text).root_node):
        if node.type != "unconditional_assignable_selector":
            continue
        selector = node.parent
        head = selector.prev_sibling if selector is not None else None
        member = next((c for c in node.children if c.type == "identifier"), None)
        if head is None or member is None or head.type != "identifier":
            continue
        owner, name = text_of(head), text_of(member)
        if not owner[:1].isupper() or owner not in _class_sources() or owner in seen:
            continue
        if not name[:1].islower() or name not in words:
            continue
        seen.add(owner)
        for slip in typos(name, rng):
            yield FileMutation("misspelled-static-member", path, f"{owner}.{name}->{slip}",
                               _replace(text, member, slip))
            break


def named_arguments(source: Source, rng: random.Random) -> Iterator[FileMutation]:
    """`ListTile(title: ...)` -> `ListTile(titel: ...)` on Flutter classes."""
    path, text = source.path, source.text
    seen: set[tuple[str, str]] = set()
    for node in walk(parse(text).root_node):
        if node.type != "named_argument" or node.parent is None:
            continue
        callee = _callee(node.parent)
        label = node.named_children[0].named_children[0] if node.named_children else None
        if callee is None or label is None or callee not in _class_sources():
            continue
        name = text_of(label)
        if (callee, name) in seen:
            continue
        seen.add((callee, name))
        for slip in typos(name, rng):
            yield FileMutation("unknown-named-argument", path, f"{callee}({name}->{slip}:)",
                               _replace(text, label, slip))
            break


def required_arguments(source: Source, rng: random.Random) -> Iterator[FileMutation]:
    """Drop a `required` named argument: `ElevatedButton(onPressed: f, child: c)` -> no
    onPressed."""
    path, text = source.path, source.text
    del rng
    for node in walk(parse(text).root_node):
        if node.type != "named_argument" or node.parent is None:
            continue
        callee = _callee(node.parent)
        label = node.named_children[0].named_children[0] if node.named_children else None
        if callee is None or label is None or text_of(label) not in required_named(callee):
            continue
        end = node.end_byte
        following = node.next_sibling
        if following is not None and following.type == ",":
            end = following.end_byte
        raw = text.encode()
        mutated = (raw[: node.start_byte] + raw[end:]).decode()
        yield FileMutation("missing-required-argument", path, f"{callee}(-{text_of(label)})",
                           mutated)


def removed_names(source: Source, rng: random.Random) -> Iterator[FileMutation]:
    """Today's names swapped for the removed ones models still write."""
    path, text = source.path, source.text
    del rng
    seen: set[str] = set()
    for node in walk(parse(text).root_node):
        name = text_of(node)
        if node.type == "identifier" and name in REMOVED_TYPES and name not in seen:
            previous = node.prev_sibling
            if previous is not None and previous.type == ".":
                continue
            seen.add(name)
            yield FileMutation("removed-api", path, f"{name}->{REMOVED_TYPES[name]}",
                               _replace(text, node, REMOVED_TYPES[name]))
        if node.type == "identifier" and name in REMOVED_TEXT_STYLES and name not in seen:
            selector = node.parent.parent if node.parent is not None else None
            receiver = selector.prev_sibling if selector is not None else None
            if receiver is None or not text_of(receiver).endswith("textTheme"):
                continue
            seen.add(name)
            yield FileMutation("removed-api", path, f"textTheme.{name}->"
                               f"{REMOVED_TEXT_STYLES[name]}",
                               _replace(text, node, REMOVED_TEXT_STYLES[name]))


def _typed_receivers(source: Source) -> set[str]:
    """Names the file declares once, with a written type that is one of the project's classes:
    `final Recipe recipe;`, `(Habit habit)`; a name also bound elsewhere in the file (`var`,
    `final`, a typed pattern variable `num high`, a closure's untyped parameter) is left out."""
    typed: set[str] = set()
    for node in walk(parse(source.text).root_node):
        if node.type not in TYPED_DECLARATIONS:
            continue
        name = node.child_by_field_name("name")
        written = name.prev_named_sibling if name is not None else None
        if node.type == "declaration":
            names = [n for n in walk(node) if n.type == "initialized_identifier"]
            name = names[0].named_children[0] if len(names) == 1 else None
            written = names[0].parent.prev_named_sibling if name and names[0].parent else None
        if name is not None and written is not None and written.type == "type_identifier" and (
            text_of(written) in source.types
        ):
            typed.add(text_of(name))
    untyped = {item.strip() for names in UNTYPED_PARAMETERS.findall(source.text)
               for item in names.split(",")}
    return {n for n in typed - untyped
            if len(re.findall(BINDING.format(name=n), source.text)) == 1}


def project_members(source: Source, rng: random.Random) -> Iterator[FileMutation]:
    """`widget.title` -> `widget.titel` (a member the file's own widget class does not have),
    `recipe.title` -> `recipe.ttle` where `recipe` is declared once as one of the project's
    classes; the slip is a word no project file and no published source holds."""
    path, text = source.path, source.text
    receivers = {"widget"} | _typed_receivers(source)
    seen: set[tuple[str, str]] = set()
    for node in walk(parse(text).root_node):
        if node.type != "unconditional_assignable_selector":
            continue
        selector = node.parent
        head = selector.prev_sibling if selector is not None else None
        member = next((c for c in node.children if c.type == "identifier"), None)
        if head is None or member is None or text_of(head) not in receivers:
            continue
        receiver, name = text_of(head), text_of(member)
        if (receiver, name) in seen:
            continue
        seen.add((receiver, name))
        for slip in typos(name, rng):
            if slip not in source.words:
                yield FileMutation("unknown-project-member", path, f"{receiver}.{name}->{slip}",
                                   _replace(text, member, slip))
                break


def wrong_literals(source: Source, rng: random.Random) -> Iterator[FileMutation]:
    """`final int count = 'three';` as the first statement of the file's first method body."""
    path, text = source.path, source.text
    for node in walk(parse(text).root_node):
        if node.type == "block" and node.parent is not None and (
            node.parent.type == "function_body"
        ):
            declared, name, value = rng.choice(WRONG_LITERALS)
            line = f"\n    final {declared} {name} = {value};"
            raw = text.encode()
            at = node.start_byte + 1
            mutated = (raw[:at] + line.encode() + raw[at:]).decode()
            yield FileMutation("wrong-literal-type", path, f"{declared} {name} = {value}",
                               mutated)
            return


def repeated_arguments(source: Source, rng: random.Random) -> Iterator[FileMutation]:
    """`Text('a', style: s)` -> `Text('a', style: s, style: s)`: one named argument of each
    argument list pasted again after itself, whatever the call."""
    path, text = source.path, source.text
    for node in walk(parse(text).root_node):
        named = [c for c in node.named_children if c.type == "named_argument"]
        if node.type != "arguments" or not named:
            continue
        argument = rng.choice(named)
        raw = text.encode()
        pasted = raw[: argument.end_byte] + b", " + raw[argument.start_byte : argument.end_byte]
        label = text_of(argument.named_children[0])
        yield FileMutation("duplicate-named-argument", path, f"{label} twice",
                           (pasted + raw[argument.end_byte :]).decode())


GENERATORS: dict[str, Callable[[Source, random.Random], Iterator[FileMutation]]] = {
    "misspelled-static-member": static_members,
    "unknown-named-argument": named_arguments,
    "missing-required-argument": required_arguments,
    "removed-api": removed_names,
    "unknown-project-member": project_members,
    "wrong-literal-type": wrong_literals,
    "duplicate-named-argument": repeated_arguments,
}


def file_mutations(files: dict[str, str], kind: str, seed: int = SEED) -> list[FileMutation]:
    """Every mutation of one kind over the Dart files under lib/ of a file map."""
    rng = random.Random(seed)
    words = frozenset(w for text in files.values() for w in WORD.findall(text))
    types = frozenset(t for text in files.values() for t in PROJECT_TYPE.findall(text))
    found: list[FileMutation] = []
    for path, text in sorted(files.items()):
        if path.startswith("lib/") and path.endswith(".dart"):
            found.extend(GENERATORS[kind](Source(path, text, words, types), rng))
    return found


def api_samples() -> dict[str, str]:
    """The API samples' pubspec and their files under lib/, in path order."""
    files = {"pubspec.yaml": (EXAMPLES_API / "pubspec.yaml").read_text(encoding="utf-8")}
    for file in sorted((EXAMPLES_API / "lib").rglob("*.dart")):
        files[file.relative_to(EXAMPLES_API).as_posix()] = file.read_text(encoding="utf-8")
    return files


Table = dict[str, tuple[int, int, list[str]]]
"""kind -> (detected, total, descriptions of the misses)."""


def _judged(files: dict[str, str], path: str, text: str, alone: bool) -> dict[str, str]:
    """What is checked for one file of a project: that file alone with the project's pubspec,
    or the whole project with it in place."""
    if alone:
        return {"pubspec.yaml": files["pubspec.yaml"], path: text}
    return {**files, path: text}


def _errors(files: dict[str, str]) -> list[str]:
    return [str(d) for d in check_files(files) if d.severity == "error"]


def measure_corpus(
    projects: dict[str, dict[str, str]], per_kind: int = PER_KIND, alone: bool = False,
) -> tuple[Table, list[str]]:
    """kind -> (detected, total, misses) over a seeded sample of each kind drawn from every
    project's mutations, and the errors on the unbroken projects (or, `alone`, the unbroken
    sample files, each judged alone with its project's pubspec) the sample came from."""
    clean: dict[tuple[str, str], bool] = {}
    false_errors: list[str] = []
    table: Table = {}
    for kind in API_KINDS:
        found = [(project, mutation) for project, files in projects.items()
                 for mutation in file_mutations(files, kind)]
        sample = random.Random(SEED).sample(found, min(per_kind, len(found)))
        hits, misses = 0, []
        for project, mutation in sample:
            files = projects[project]
            unbroken = (project, mutation.path if alone else "")
            if unbroken not in clean:
                errors = _errors(_judged(files, mutation.path, files[mutation.path], alone))
                clean[unbroken] = not errors
                false_errors.extend(errors)
            if not clean[unbroken]:
                continue
            if _errors(_judged(files, mutation.path, mutation.text, alone)):
                hits += 1
            else:
                misses.append(f"{project}/{mutation.path}: {mutation.description}")
        table[kind] = (hits, hits + len(misses), misses)
    return table, false_errors


if __name__ == "__main__":
    from tests.checks_mutations import print_api_tables

    print_api_tables()
