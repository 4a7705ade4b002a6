"""The project's own libraries in the API model, over the index of the SDK and packages.

Each project library gets the URI `project:<path>`, whatever package it belongs to, and its
imports are made absolute the same way; an import we cannot follow keeps the URI it was
written with, so the resolver sees that the library imports something the index lacks.
Private members are kept: a class's own `final RecipeApi _api;` types `_api.fetchAll()`.
"""

from __future__ import annotations

from pipeline.checks.api_extract import library_api
from pipeline.checks.api_index import ApiIndex
from pipeline.checks.api_load import combined
from pipeline.checks.api_model import LibraryApi
from pipeline.checks.project import Project

SCHEME = "project:"


def project_uri(path: str) -> str:
    """The URI a project file's library has in the combined index."""
    return f"{SCHEME}{path}"


def _libraries(project: Project) -> dict[str, LibraryApi]:
    found: dict[str, LibraryApi] = {}
    for path, library in project.library_of.items():
        if library != path:
            continue

        def absolute(uri: str, source: str = path) -> str:
            target = project.resolve(source, uri)
            return project_uri(target) if target is not None else uri

        trees = [project.dart[unit].tree for unit in project.unit_paths(path)]
        found[project_uri(path)] = library_api(project_uri(path), trees, absolute, private=True)
    return found


def project_index(project: Project, base: ApiIndex) -> ApiIndex:
    """An index holding the project's libraries and everything `base` knows."""
    return combined(ApiIndex(_libraries(project)), base)
