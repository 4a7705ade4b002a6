"""unknown-name, missing-import, unknown-prefix: a name the file cannot see.

Why: the analyzer's `undefined_identifier`, `undefined_class`, `undefined_function` and
`undefined_prefixed_name`. A name the project declares elsewhere is a missing import (and says
which); a near miss of a visible name is a misspelling (and says of what); a lower-case receiver
before an upper-case member that no import names is an undefined prefix. A file that imports a
library we only partly know is judged only on names that library could not export; a name that
may come from a library we do not know at all (an unknown package, a missing generated part) is
never reported, not even as a near miss of a known name.

Example::

    import 'package:flutter/material.dart';
    final w = Contaner();   // error: Undefined name 'Contaner'. Did you mean 'Container'?
"""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.checks.analysis import Analysis
from pipeline.checks.diagnostic import ERROR, WARNING, Diagnostic
from pipeline.checks.libraries import CLOSED_DART, Family, home_of
from pipeline.checks.nearmiss import closest, index_of
from pipeline.checks.packages import PACKAGE_NAMES, import_hint
from pipeline.checks.parsing import position
from pipeline.checks.removed import REMOVED_TYPES
from pipeline.checks.rules.base import FileRule
from pipeline.checks.scope import Namespace
from pipeline.checks.usages import Reference, Use

ALWAYS_KNOWN = frozenset({"dynamic", "void", "Never", "Function", "Object", "Null", "_"})
AMBIGUOUS_MEMBERS = frozenset({"e", "log"})
"""Closed `dart:` names too common as inherited members to judge inside a class body."""
MAX_NAMES_LISTED = 4
PREFIX_LIBRARIES = {"math": "dart:math", "convert": "dart:convert", "io": "dart:io",
                    "developer": "dart:developer", "ui": "dart:ui", "p": "package:path/path.dart"}
"""Conventional prefixes and the libraries they usually stand for."""
MISSING_IMPORT = "Undefined name '{name}': import '{uri}'"
DID_YOU_MEAN = "Undefined name '{name}'. Did you mean '{suggestion}'?"
UNDEFINED = "Undefined name '{name}'"
UNDEFINED_PREFIX = "Undefined prefix '{name}': add \"as {name}\" to the import it stands for"
PREFIX_HINT = "Undefined prefix '{name}': import '{uri}' as {name}"
ADD_IMPORT = "import '{uri}';"
RENAME = "Replace '{name}' with '{suggestion}'"
"""Corrections, carried in the diagnostic's `fix`."""


def _is_type_like(name: str) -> bool:
    return name.lstrip("_$")[:1].isupper()


class NameCheck:
    """Checks one file's references against what its library can see."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.project = analysis.project

    def check(self, path: str) -> Iterator[Diagnostic]:
        """Diagnostics for one file's references."""
        library = self.project.library_of.get(path)
        if library is None:
            return  # a `part of` file whose library is not in the project: nothing to judge by
        namespace = self.analysis.visible(library)
        # A part sees its library's import prefixes (`part of` files import nothing themselves).
        seen = {p for unit in self.project.unit_paths(library)
                for p in self.project.dart[unit].names.prefixes}
        missing: dict[tuple[str, str], list[tuple[str, Diagnostic]]] = {}
        for reference in self.project.dart[path].names.references:
            name = reference.name
            if name in seen or name in ALWAYS_KNOWN or name in namespace.names:
                continue
            if name in self.project.member_names:
                continue
            if name in REMOVED_TYPES and name not in self.project.declarers:
                continue  # removed-api reports it, with what replaced it
            found = self._judge(path, reference, namespace)
            if found is None:
                continue
            seen.add(name)
            uri = found.message.partition(": import ")[2]
            if found.rule == "missing-import" and uri:
                missing.setdefault((uri, found.severity), []).append((name, found))
            else:
                yield found
        for (uri, _severity), group in missing.items():
            yield _grouped(uri, group)

    def _judge(self, path: str, reference: Reference, namespace: Namespace) -> Diagnostic | None:
        name = reference.name
        as_type = reference.node.type == "type_identifier"
        if reference.use == Use.PREFIX and (as_type or not reference.in_class) and (
            name not in self.project.declarers
        ):
            # Prefixes are never exported: only this file's own imports can declare one.
            uri = PREFIX_LIBRARIES.get(name) or (
                import_hint(name) if name in PACKAGE_NAMES else None
            )
            message = (
                PREFIX_HINT.format(name=name, uri=uri)
                if uri is not None
                else UNDEFINED_PREFIX.format(name=name)
            )
            return self._at(path, reference, "unknown-prefix", ERROR, message)
        checked_fully = (
            _is_type_like(name)
            or reference.use == Use.TYPE
            or not reference.in_class
            or (name in CLOSED_DART and name not in AMBIGUOUS_MEMBERS)
        )
        declarers = self.project.declarers.get(name)
        if declarers:
            unknown = any(o.library.family == Family.UNKNOWN for o in namespace.openings)
            uri = self.project.import_uri(path, declarers[0])
            message = MISSING_IMPORT.format(name=name, uri=uri)
            return self._at(path, reference, "missing-import", WARNING if unknown else ERROR,
                            message, ADD_IMPORT.format(uri=uri))
        if not checked_fully:
            return None
        if name.startswith("_"):
            if namespace.openings and any(
                o.library.family == Family.UNKNOWN for o in namespace.openings
            ):
                return None
            return self._undefined(path, reference, namespace)
        openings = namespace.exporters(name)
        if not openings:
            return self._undefined(path, reference, namespace)
        if any(o.library.family == Family.UNKNOWN for o in openings):
            return None  # it may well come from there (`XFile` is not a misspelt `File`)
        if name in self.analysis.everything_known:
            return None
        suggestion = closest(name, self.analysis.near_indexes(namespace))
        if suggestion is not None and not any(
            o.may_export(suggestion) for o in openings
        ) and suggestion not in namespace.names:
            suggestion = None
        if suggestion is None:
            return None
        message = DID_YOU_MEAN.format(name=name, suggestion=suggestion)
        return self._at(path, reference, "unknown-name", ERROR, message,
                        RENAME.format(name=name, suggestion=suggestion))

    def _undefined(self, path: str, reference: Reference, namespace: Namespace) -> Diagnostic:
        name = reference.name
        home = home_of(name)
        if home is not None:
            message = MISSING_IMPORT.format(name=name, uri=home)
            return self._at(path, reference, "missing-import", ERROR, message,
                            ADD_IMPORT.format(uri=home))
        indexes = [*self.analysis.near_indexes(namespace), index_of(self.analysis.everything_known)]
        suggestion = closest(name, indexes)
        if suggestion is None:
            return self._at(path, reference, "unknown-name", ERROR, UNDEFINED.format(name=name))
        message = DID_YOU_MEAN.format(name=name, suggestion=suggestion)
        return self._at(path, reference, "unknown-name", ERROR, message,
                        RENAME.format(name=name, suggestion=suggestion))

    @staticmethod
    def _at(path: str, reference: Reference, rule: str, severity: str, message: str,
            fix: str | None = None) -> Diagnostic:
        line, column = position(reference.node)
        return Diagnostic(path, line, column, rule, severity, message, fix)


def _grouped(uri: str, group: list[tuple[str, Diagnostic]]) -> Diagnostic:
    """One diagnostic per missing import, at its first use, naming the first few names."""
    first = group[0][1]
    if len(group) == 1:
        return first
    names = ", ".join(f"'{name}'" for name, _ in group[:MAX_NAMES_LISTED])
    more = f" and {len(group) - MAX_NAMES_LISTED} more" if len(group) > MAX_NAMES_LISTED else ""
    message = f"Undefined names {names}{more}: import {uri}"
    return Diagnostic(first.file, first.line, first.column, first.rule, first.severity, message,
                      first.fix)


def check(analysis: Analysis, path: str) -> Iterator[Diagnostic]:
    """Undefined names of one file."""
    return NameCheck(analysis).check(path)


RULE = FileRule(("unknown-name", "missing-import", "unknown-prefix"), check)
