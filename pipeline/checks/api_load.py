"""The API index the checks use: the one shipped with the project, and a local SDK's.

A local SDK (FLUTTER_ROOT, or `flutter`/`dart` on PATH) is indexed at first use and cached by
its version under the user's cache directory; its libraries take precedence over the shipped
ones, which still cover the packages an SDK does not hold (provider, go_router, ...).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from pipeline.checks.api_build import build_index
from pipeline.checks.api_index import ApiIndex
from pipeline.checks.api_model import Outline
from pipeline.checks.api_sources import SourceTree, find_local_sdk
from pipeline.checks.api_store import FORMAT, read_index, save_index
from pipeline.errors import ConfigError

SHIPPED = Path(__file__).parent / "data" / "api-index.zip"
MISSING = ("the API index shipped with Code Factory is missing or unreadable ({path}): "
           "reinstall the package, or rebuild it with "
           "`factory check --build-index ../shared/dart-sources --out {path}`")
V = TypeVar("V")


def cache_dir(environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "code-factory"


def cached_path(tree: SourceTree, environ: dict[str, str] | None = None) -> Path:
    """Where the index of a local SDK is cached: by format and by the SDK's version."""
    return cache_dir(environ) / f"api-index-{FORMAT}-{tree.fingerprint()}.zip"


def local_index(tree: SourceTree, environ: dict[str, str] | None = None) -> ApiIndex:
    """The index of a local SDK, from the cache or built (and cached) now."""
    cached = cached_path(tree, environ)
    index = read_index(cached)
    if index is None:
        index = build_index(tree)
        with contextlib.suppress(OSError):  # an unwritable cache only costs a rebuild
            save_index(index, cached)
    return index


class _Layered(Mapping[str, V]):
    """Two mappings read as one, the first one's keys hiding the second one's."""

    def __init__(self, first: Mapping[str, V], second: Mapping[str, V]) -> None:
        self._first = first
        self._second = second

    def __getitem__(self, key: str) -> V:
        return self._first[key] if key in self._first else self._second[key]

    def __iter__(self) -> Iterator[str]:
        yield from self._first
        yield from (k for k in self._second if k not in self._first)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __contains__(self, key: object) -> bool:
        return key in self._first or key in self._second


def _outlines(index: ApiIndex) -> Mapping[str, Outline]:
    if index.outlines is not None:
        return index.outlines
    return {uri: index.libraries[uri].outline() for uri in index.libraries}


def combined(first: ApiIndex, second: ApiIndex) -> ApiIndex:
    """One index of both; a library in `first` hides the same URI in `second`."""
    return ApiIndex(_Layered(first.libraries, second.libraries),
                    (*first.sources, *second.sources),
                    _Layered(_outlines(first), _outlines(second)))


def load_sdk_index(environ: dict[str, str] | None = None) -> ApiIndex | None:
    """The index of the locally installed SDK (None when there is none)."""
    tree = find_local_sdk(environ)
    return local_index(tree, environ) if tree is not None else None


def read_shipped(path: Path = SHIPPED) -> ApiIndex:
    """The index shipped with the project. Without it every Flutter name would look unknown,
    so its absence is an error, never an empty index."""
    index = read_index(path)
    if index is None:
        raise ConfigError(MISSING.format(path=path))
    return index


def load_index(environ: dict[str, str] | None = None) -> ApiIndex:
    """The shipped index, combined with a local SDK's when one is installed."""
    shipped = read_shipped()
    local = load_sdk_index(environ)
    return combined(local, shipped) if local is not None else shipped


@lru_cache(maxsize=1)
def load() -> ApiIndex:
    """The index for this process (read once: lookups are memoized on it)."""
    return load_index()
