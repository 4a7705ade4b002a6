"""An API index on disk: a zip of JSON documents, deterministic bytes, decoded lazily.

The head document holds each library's outline (public names, exports, extensions), enough to
follow exports; a library's own document is read and a type decoded only when asked for.
"""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from collections.abc import Callable, Iterator, Mapping
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from pipeline.checks.api_index import ApiIndex
from pipeline.checks.api_model import (
    Constructor,
    LibraryApi,
    LibraryRef,
    Member,
    MemberKind,
    Outline,
    Param,
    Signature,
    TypeApi,
    Typedef,
    TypeKind,
)

FORMAT = 1
HEAD = "index.json"
EPOCH = (1980, 1, 1, 0, 0, 0)
V = TypeVar("V")
TUPLES = ("type_params", "mixins", "interfaces", "on", "modifiers", "values")


def _encode(value: Any) -> Any:
    """Dataclasses as objects of their non-default fields; tuples as lists; enums as values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        encoded: dict[str, Any] = {}
        for field in dataclasses.fields(value):
            item = getattr(value, field.name)
            default = field.default
            if default is dataclasses.MISSING and field.default_factory is not dataclasses.MISSING:
                default = field.default_factory()
            if default is dataclasses.MISSING or item != default:
                encoded[field.name] = _encode(item)
        return encoded
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _encode(v) for k, v in value.items()}
    return value


def _signature(data: dict[str, Any]) -> Signature:
    return Signature(
        tuple(Param(**p) for p in data.get("params", ())),
        data.get("returns"),
        tuple(data.get("type_params", ())),
    )


def _member(name: str, data: dict[str, Any]) -> Member:
    signature = data.get("signature")
    return Member(**{**data, "name": name, "kind": MemberKind(data["kind"]),
                     "signature": _signature(signature) if signature is not None else None})


def _members(data: dict[str, list[dict[str, Any]]]) -> dict[str, tuple[Member, ...]]:
    return {name: tuple(_member(name, m) for m in found) for name, found in data.items()}


def _lazy_members(raw: dict[str, list[dict[str, Any]]]) -> Mapping[str, tuple[Member, ...]]:
    """A type's members by name, decoded when first looked up (Icons has 8,826)."""
    return _Decoded(list(raw), lambda name: tuple(_member(name, m) for m in raw[name]))


def _constructor(name: str, data: dict[str, Any]) -> Constructor:
    return Constructor(**{**data, "name": name, "signature": _signature(data["signature"])})


def _type(library: str, name: str, data: dict[str, Any]) -> TypeApi:
    tuples: dict[str, Any] = {k: tuple(data[k]) for k in TUPLES if k in data}
    constructors = data.get("constructors", {})
    fields: dict[str, Any] = {
        **data, **tuples, "name": name, "library": library, "kind": TypeKind(data["kind"]),
        "members": _lazy_members(data.get("members", {})),
        "constructors": {n: _constructor(n, c) for n, c in constructors.items()},
    }
    return TypeApi(**fields)


def _ref(data: dict[str, Any]) -> LibraryRef:
    show = data.get("show")
    return LibraryRef(data["uri"], tuple(show) if show is not None else None,
                      tuple(data.get("hide", ())), data.get("prefix"))


class _Decoded(Mapping[str, V]):
    """Keys known up front; each value decoded on first access, then kept."""

    def __init__(self, keys: list[str], decode: Callable[[str], V]) -> None:
        self._keys = keys
        self._known = set(keys)
        self._decode = decode
        self._decoded: dict[str, V] = {}

    def __getitem__(self, key: str) -> V:
        found = self._decoded.get(key)
        if found is None:
            if key not in self._known:
                raise KeyError(key)
            found = self._decoded[key] = self._decode(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._known


def _lazy_types(library: str, raw: dict[str, dict[str, Any]]) -> Mapping[str, TypeApi]:
    """A library's types by name, each decoded on first access."""
    return _Decoded(list(raw), lambda name: _type(library, name, raw[name]))


def _library(uri: str, data: dict[str, Any]) -> LibraryApi:
    typedefs = {n: Typedef(**{**t, "name": n, "type_params": tuple(t.get("type_params", ()))})
                for n, t in data.get("typedefs", {}).items()}
    return LibraryApi(
        uri, _lazy_types(uri, data.get("types", {})), _members(data.get("functions", {})), typedefs,
        tuple(_ref(r) for r in data.get("imports", ())),
        tuple(_ref(r) for r in data.get("exports", ())),
    )


def _outline(data: dict[str, Any]) -> Outline:
    return Outline(tuple(data.get("names", ())), tuple(_ref(r) for r in data.get("exports", ())),
                   tuple(data.get("extensions", ())))


def _unnamed(encoded: dict[str, Any]) -> dict[str, Any]:
    """A library's encoding without the names its keys already give."""
    encoded = {k: v for k, v in encoded.items() if k != "uri"}
    for name, data in encoded.get("types", {}).items():
        data.pop("name", None)
        data.pop("library", None)
        for found in data.get("members", {}).values():
            for member in found:
                member.pop("name", None)
        for constructor in data.get("constructors", {}).values():
            constructor.pop("name", None)
            constructor.setdefault("signature", {})
        encoded["types"][name] = data
    for found in encoded.get("functions", {}).values():
        for member in found:
            member.pop("name", None)
    for typedef in encoded.get("typedefs", {}).values():
        typedef.pop("name", None)
    return encoded


def _entry(uri: str) -> str:
    return f"libraries/{uri}.json"


def _compact(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _write(archive: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name, date_time=EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, text.encode("utf-8"), compresslevel=9)


def dump_index(index: ApiIndex) -> bytes:
    """The index as a zip of JSON documents; the same index always gives the same bytes."""
    uris = sorted(index.libraries)
    outlined = sorted({*uris, *(index.outlines or ())})
    outlines = {uri: _encode(index.outline(uri)) for uri in outlined}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        head = {"format": FORMAT, "sources": list(index.sources), "libraries": uris,
                "outlines": outlines}
        _write(archive, HEAD, _compact(head))
        for uri in uris:
            _write(archive, _entry(uri), _compact(_unnamed(_encode(index.libraries[uri]))))
    return buffer.getvalue()


def save_index(index: ApiIndex, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(dump_index(index))
    temporary.replace(path)


def read_index(path: Path) -> ApiIndex | None:
    """The index stored at `path`; None when it is missing, unreadable or of another format."""
    try:
        archive = zipfile.ZipFile(path)
        head = json.loads(archive.read(HEAD))
        if not isinstance(head, dict) or head.get("format") != FORMAT:
            return None
        outlines = {uri: _outline(data) for uri, data in head["outlines"].items()}
        libraries = _Decoded(list(head["libraries"]), lambda uri: _library(
            uri, json.loads(archive.read(_entry(uri)))))
        sources = tuple(head.get("sources", ()))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, zipfile.BadZipFile):
        return None
    return ApiIndex(libraries, sources, outlines)
