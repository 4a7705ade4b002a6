"""What `flutter gen-l10n` would write, synthesized from l10n.yaml and the .arb files.

An app that localizes with `generate: true` imports a file that only exists after a build:
`package:flutter_gen/gen_l10n/app_localizations.dart` (the synthetic package, kept under
`.dart_tool/flutter_gen/`) or, with `synthetic-package: false`, a file in its `output-dir`
(by default the arb directory). The check writes the same API in its place: the localizations
class (`output-class`, default `AppLocalizations`) with a getter per message key, a method per
key with placeholders, `of(context)`, `delegate`, `localizationsDelegates` and
`supportedLocales`. Synthesized files are read like any other, and never reported on.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from pipeline.checks.package_roots import PackageRoot, PackageRoots, section

L10N_YAML = "l10n.yaml"
SYNTHETIC_PACKAGE = "flutter_gen"
SYNTHETIC_ROOT = ".dart_tool/flutter_gen"
"""Where `package:flutter_gen/x` lives, below the package root."""
IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
ICU_ARGUMENT = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:,\s*(\w+))?")
PLURAL = "plural"


@dataclass(frozen=True)
class L10nConfig:
    """The l10n.yaml settings that shape the generated API (paths relative to the root)."""

    arb_dir: str = "lib/l10n"
    template: str = "app_en.arb"
    output_file: str = "app_localizations.dart"
    output_class: str = "AppLocalizations"
    output_dir: str | None = None
    nullable_getter: bool = True


def _config(text: str | None) -> L10nConfig:
    try:
        data = yaml.safe_load(text or "") or {}
    except yaml.YAMLError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    defaults = L10nConfig()

    def text_field(key: str, default: str) -> str:
        value = data.get(key)
        return value.strip().rstrip("/") if isinstance(value, str) and value.strip() else default

    output_dir = data.get("output-dir")
    return L10nConfig(
        arb_dir=text_field("arb-dir", defaults.arb_dir),
        template=text_field("template-arb-file", defaults.template),
        output_file=text_field("output-localization-file", defaults.output_file),
        output_class=text_field("output-class", defaults.output_class),
        output_dir=output_dir.strip().rstrip("/") if isinstance(output_dir, str) else None,
        nullable_getter=data.get("nullable-getter") is not False,
    )


def _arguments(message: str) -> dict[str, str | None]:
    """The top-level ICU arguments of a message (`{name}`, `{count, plural, ...}`) and their
    kinds; the texts nested inside a plural or select are not arguments."""
    found: dict[str, str | None] = {}
    depth = 0
    for index, char in enumerate(message):
        if char == "{":
            if depth == 0:
                match = ICU_ARGUMENT.match(message, index + 1)
                if match is not None:
                    found.setdefault(match.group(1), match.group(2))
            depth += 1
        elif char == "}" and depth:
            depth -= 1
    return found


def _placeholders(message: object, meta: object) -> list[tuple[str, str]]:
    """(name, Dart type) of each placeholder of a message, in declaration order."""
    declared = meta.get("placeholders") if isinstance(meta, dict) else None
    kinds = _arguments(str(message))
    names = list(declared) if isinstance(declared, dict) else list(kinds)
    found = []
    for name in names:
        if not isinstance(name, str) or not IDENTIFIER.match(name):
            continue
        spec = declared.get(name) if isinstance(declared, dict) else None
        typed = spec.get("type") if isinstance(spec, dict) else None
        default = "num" if kinds.get(name) == PLURAL else "Object"
        found.append((name, typed if isinstance(typed, str) and typed else default))
    return found


def _messages(arbs: list[dict[str, Any]]) -> dict[str, list[tuple[str, str]]]:
    """Every message key of the .arb files with its placeholders (the first file wins)."""
    found: dict[str, list[tuple[str, str]]] = {}
    for arb in arbs:
        for key, message in arb.items():
            if key.startswith("@") or key in found or not IDENTIFIER.match(key):
                continue
            found[key] = _placeholders(message, arb.get(f"@{key}"))
    return found


def _locale(path: str, arb: dict[str, Any]) -> str | None:
    declared = arb.get("@@locale")
    if isinstance(declared, str) and declared:
        return declared
    stem = posixpath.basename(path).removesuffix(".arb")
    _prefix, _, locale = stem.partition("_")
    return locale or None


def localizations_source(config: L10nConfig, arbs: Mapping[str, dict[str, Any]]) -> str:
    """The Dart source of the localizations class, as gen-l10n shapes it."""
    name = config.output_class
    locales = sorted({loc for path, arb in arbs.items() if (loc := _locale(path, arb))})
    supported = ", ".join(
        "Locale({})".format(", ".join(repr(part) for part in loc.replace("-", "_").split("_")))
        for loc in locales
    )
    nullable = "?" if config.nullable_getter else ""
    lines = [
        "// Synthesized by the checks from l10n.yaml and the .arb files, as gen-l10n writes it.",
        "import 'package:flutter/widgets.dart';",
        "import 'package:intl/intl.dart' as intl;",
        "",
        f"abstract class {name} {{",
        f"  {name}(String locale) : localeName = locale;",
        "",
        "  final String localeName;",
        "",
        f"  static {name}{nullable} of(BuildContext context) =>",
        f"      Localizations.of<{name}>(context, {name}){'' if nullable else '!'};",
        "",
        f"  static const LocalizationsDelegate<{name}> delegate = _{name}Delegate();",
        "",
        "  static const List<LocalizationsDelegate<dynamic>> localizationsDelegates ="
        " <LocalizationsDelegate<dynamic>>[delegate];",
        "",
        f"  static const List<Locale> supportedLocales = <Locale>[{supported}];",
    ]
    template = [a for p, a in arbs.items() if posixpath.basename(p) == config.template]
    for key, placeholders in _messages([*template, *arbs.values()]).items():
        lines.append("")
        if placeholders:
            params = ", ".join(f"{kind} {param}" for param, kind in placeholders)
            lines.append(f"  String {key}({params});")
        else:
            lines.append(f"  String get {key};")
    lines += [
        "}",
        "",
        f"class _{name}Delegate extends LocalizationsDelegate<{name}> {{",
        f"  const _{name}Delegate();",
        "",
        "  @override",
        f"  Future<{name}> load(Locale locale) => throw UnsupportedError('synthesized');",
        "",
        "  @override",
        "  bool isSupported(Locale locale) => true;",
        "",
        "  @override",
        f"  bool shouldReload(_{name}Delegate old) => false;",
        "}",
        "",
    ]
    return "\n".join(lines)


def _arbs(files: Mapping[str, str], root: PackageRoot, arb_dir: str) -> dict[str, dict[str, Any]]:
    directory = posixpath.normpath(root.path_of(arb_dir))
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(files):
        if path.endswith(".arb") and posixpath.dirname(path) == directory:
            try:
                data = json.loads(files[path] or "{}")
            except json.JSONDecodeError:
                continue
            if isinstance(data, dict):
                found[path] = data
    return found


def synthesized(files: Mapping[str, str], roots: PackageRoots) -> dict[str, str]:
    """Project path -> source of each gen-l10n output the project's packages expect."""
    made: dict[str, str] = {}
    for root in roots:
        options = files.get(root.path_of(L10N_YAML))
        generates = section(root.pubspec or {}, "flutter").get("generate") is True
        if options is None and not generates:
            continue
        config = _config(options)
        arbs = _arbs(files, root, config.arb_dir)
        if not arbs:
            continue
        source = localizations_source(config, arbs)
        for directory in (f"{SYNTHETIC_ROOT}/gen_l10n", config.output_dir or config.arb_dir):
            path = posixpath.normpath(root.path_of(f"{directory}/{config.output_file}"))
            if path not in files:
                made[path] = source
    return made
