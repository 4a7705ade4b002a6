"""Building an API index from a source tree: every library its entry points reach."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tree_sitter import Tree

from pipeline.checks.api_extract import library_api
from pipeline.checks.api_index import ApiIndex
from pipeline.checks.api_model import Constructor, LibraryApi, Outline, Param, TypeApi
from pipeline.checks.api_sources import SourceTree, absolute_uri
from pipeline.checks.directives import Kind, directives
from pipeline.checks.parsing import parse_once

ABSENT_LIBRARIES = {
    "package:characters/characters.dart": ("CharacterRange", "Characters", "StringCharacters"),
}
"""What libraries that Flutter re-exports whole, and the published sources lack, export."""


def _parse(path: Path) -> Tree | None:
    try:
        source = path.read_bytes()
    except OSError:
        return None
    return parse_once(source)


def _library(tree: SourceTree, uri: str) -> LibraryApi | None:
    path = tree.locate(uri)
    main = _parse(path) if path is not None else None
    if path is None or main is None:
        return None
    trees = [main]
    for part in (d for d in directives(main) if d.kind == Kind.PART):
        part_uri = absolute_uri(part.uri, uri)
        part_path = tree.locate(part_uri) if part_uri else path.parent / part.uri
        part_tree = _parse(part_path) if part_path is not None else None
        if part_tree is not None:
            trees.append(part_tree)
    return library_api(uri, trees, lambda written: absolute_uri(written, uri))


def build_index(tree: SourceTree) -> ApiIndex:
    """Extract every library reachable from the tree's entry points by import or export."""
    libraries: dict[str, LibraryApi] = {}
    queue = tree.entry_points()
    seen = set(queue)
    while queue:
        uri = queue.pop()
        library = _library(tree, uri)
        if library is None:
            continue
        libraries[uri] = library
        for ref in (*library.imports, *library.exports):
            if ref.uri not in seen and tree.locate(ref.uri) is not None:
                seen.add(ref.uri)
                queue.append(ref.uri)
    ordered = _typed_super_parameters({uri: libraries[uri] for uri in sorted(libraries)})
    outlines = {uri: library.outline() for uri, library in ordered.items()}
    for uri, names in ABSENT_LIBRARIES.items():
        outlines.setdefault(uri, Outline(names))
    return ApiIndex(ordered, tree.describe(), outlines)


def _typed_super_parameters(libraries: dict[str, LibraryApi]) -> dict[str, LibraryApi]:
    """`super.x` parameters take the type of the parameter they pass on to."""
    index = ApiIndex(libraries)
    done: dict[tuple[str, str], TypeApi] = {}

    def typed(type_api: TypeApi, depth: int = 0) -> TypeApi:
        key = (type_api.library, type_api.name)
        if key in done:
            return done[key]
        parent = index.resolve(type_api.supertype, type_api.library) if (
            type_api.supertype) else None
        if parent is not None and depth < 32:
            parent = typed(parent, depth + 1)
        constructors = {name: _pass_on(c, parent) for name, c in type_api.constructors.items()}
        done[key] = replace(type_api, constructors=constructors)
        return done[key]

    result: dict[str, LibraryApi] = {}
    for uri, library in libraries.items():
        types = {name: typed(t) for name, t in library.types.items()}
        result[uri] = replace(library, types=types)
    return result


def _pass_on(constructor: Constructor, parent: TypeApi | None) -> Constructor:
    if parent is None or constructor.super_call is None:
        return constructor
    target = parent.constructors.get(constructor.super_call)
    if target is None:
        return constructor
    positional = list(target.signature.positional)
    params: list[Param] = []
    for param in constructor.signature.params:
        if param.origin == "super" and param.type is None:
            if param.named:
                passed = target.signature.named.get(param.name)
            else:
                passed = positional.pop(0) if positional else None
            if passed is not None:
                param = replace(param, type=passed.type)
        params.append(param)
    return replace(constructor, signature=replace(constructor.signature, params=tuple(params)))
