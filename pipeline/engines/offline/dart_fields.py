"""Dart snippets for one model field: declaration, JSON, copyWith, equality, form input."""

from __future__ import annotations

import re

from pipeline.engines.offline.lexicon import Field
from pipeline.engines.offline.plurals import singular

CAMEL_PART = re.compile(r"[A-Z]?[a-z0-9]+")
DART_TYPES = {"text": "String", "longtext": "String", "int": "int", "double": "double",
              "bool": "bool", "date": "DateTime?", "list": "List<String>"}
DEFAULTS = {"text": "''", "longtext": "''", "int": "0", "double": "0", "bool": "false",
            "list": "const []"}
SAMPLES = {"int": "3", "double": "2.5", "bool": "true", "date": "DateTime.utc(2024, 6, 1)",
           "list": "const ['first', 'second']"}


def label_of(name: str) -> str:
    """`prepMinutes` → `Prep minutes`."""
    return " ".join(p.lower() for p in CAMEL_PART.findall(name)).capitalize()


def field_context(field: Field, model: str, title: str) -> dict[str, str | bool]:
    """Everything the templates need to write `field` of class `model`."""
    n, kind = field.name, field.kind
    dart = DART_TYPES[kind]
    label = label_of(n)
    return {
        "name": n,
        "Name": n[0].upper() + n[1:],
        "label": label,
        "type": dart,
        "param": f"this.{n}" if kind == "date" else f"this.{n} = {DEFAULTS[kind]}",
        "copy_type": dart if kind == "date" else f"{dart}?",
        "from_json": _from_json(n, kind),
        "to_json": f"{n}?.toIso8601String()" if kind == "date" else n,
        "equals": f"listEquals(other.{n}, {n})" if kind == "list" else f"other.{n} == {n}",
        "hash": f"Object.hashAll({n})" if kind == "list" else n,
        "sample": SAMPLES.get(kind, f"'Sample {label.lower()}'"),
        "is_title": n == title,
        "is_text": kind == "text",
        "is_searchable": kind in ("text", "longtext"),
        "is_longtext": kind == "longtext",
        "is_int": kind == "int",
        "is_double": kind == "double",
        "is_bool": kind == "bool",
        "is_date": kind == "date",
        "is_list": kind == "list",
        "uses_controller": kind in ("text", "longtext", "int", "double", "list"),
        "controller_text": _controller_text(n, kind),
        "read_back": _read_back(n, kind),
        "noun": singular(label.split()[-1]),
    }


def _from_json(n: str, kind: str) -> str:
    raw = f"json['{n}']"
    return {
        "text": f"{raw} as String? ?? ''",
        "longtext": f"{raw} as String? ?? ''",
        "int": f"({raw} as num?)?.toInt() ?? 0",
        "double": f"({raw} as num?)?.toDouble() ?? 0",
        "bool": f"{raw} as bool? ?? false",
        "date": f"{raw} == null ? null : DateTime.parse({raw} as String)",
        "list": f"({raw} as List<dynamic>? ?? const []).cast<String>()",
    }[kind]


def _controller_text(n: str, kind: str) -> str:
    value = f"_original.{n}"
    if kind in ("int", "double"):
        return f"'${{{value}}}'"
    if kind == "list":
        return f"{value}.join('\\n')"
    return value


def _read_back(n: str, kind: str) -> str:
    text = f"_{n}Controller.text.trim()"
    return {
        "text": text,
        "longtext": text,
        "int": f"int.tryParse({text}) ?? 0",
        "double": f"double.tryParse({text}) ?? 0",
        "list": f"_lines(_{n}Controller.text)",
        "bool": f"_{n}",
        "date": f"_{n}",
    }[kind]


def subtitle_of(var: str, fields: list[Field]) -> str:
    """A Dart string literal summarising an item for its list tile."""
    added = f"added ${{formatDate({var}.createdAt)}}"
    for field in fields:
        ref = f"{var}.{field.name}"
        if field.kind == "list":
            noun = singular(label_of(field.name).split()[-1])
            return f"'${{formatCount({ref}.length, '{noun}')}} · {added}'"
        if field.kind == "int":
            return f"'{label_of(field.name)}: ${{{ref}}} · {added}'"
        if field.kind == "double":
            return f"'{label_of(field.name)}: ${{{ref}.toStringAsFixed(2)}} · {added}'"
    return f"'{added[0].upper()}{added[1:]}'"
