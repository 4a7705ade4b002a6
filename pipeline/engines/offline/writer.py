"""The offline executor's writer: a planned file's body, rendered from `templates/flutter/`.

Import lines come from the spec's `depends_on` (planned files) and the file kind's package
imports, so the generated imports are the plan's edges, no more and no fewer.
"""

from __future__ import annotations

import hashlib
import re

from pipeline.answers import FileSpec, Plan
from pipeline.engines.offline.capabilities import fields_for, resolve
from pipeline.engines.offline.dart_fields import field_context, label_of, subtitle_of
from pipeline.engines.offline.layout import PUBSPEC, Kind, Planned, expand
from pipeline.engines.offline.lexicon import canonical, icon_of
from pipeline.engines.offline.names import EntityName
from pipeline.engines.offline.planner import app_class_of
from pipeline.engines.offline.render import Value, load_template, render
from pipeline.errors import EngineError

DESCRIPTION = "Keeps your {labels} on your device."
NOTE_PREFIX = {".dart": "// ", ".yaml": "# ", ".md": "> "}
NOTE_TEXT = ("Retry note (recorded; the offline engine renders the same template and could not "
             "apply it): {note}")
MARKER_WORDS = re.compile(r"\b(?:todo|fixme|xxx|tbd)\b", re.IGNORECASE)


def write_file(plan: Plan, spec: FileSpec, note: str | None = None) -> str:
    """The content of `spec`'s file for `plan`."""
    planned = _find(plan, spec.path)
    context: dict[str, Value] = {
        **app_context(plan), "imports": _imports(planned.kind, spec, plan.app_name),
    }
    if planned.entity is not None:
        context.update(entity_context(planned.entity, plan))
    body = render(load_template(planned.kind.template), context)
    if note:
        body = _with_note(spec.path, body, note)
    return body


def entities_of(plan: Plan) -> list[EntityName]:
    """The plan's entities as names."""
    return [EntityName.parse(e) for e in plan.entities]


def app_context(plan: Plan) -> dict[str, Value]:
    """Values shared by every template of the app."""
    entities = entities_of(plan)
    labels = ", ".join(e.lower_labels for e in entities)
    seed = hashlib.sha256(plan.app_name.encode()).hexdigest()[:6].upper()
    return {
        "app": plan.app_name,
        "app_class": app_class_of(plan.app_name),
        "title": plan.title,
        "description": DESCRIPTION.format(labels=labels),
        "seed": seed,
        "has_about": "lib/screens/about_screen.dart" in {f.path for f in plan.files},
        "entities": [entity_context(e, plan) for e in entities],
    }


def entity_context(entity: EntityName, plan: Plan) -> dict[str, Value]:
    """Values for one entity: its name forms, icon, and fields (the lexicon's, and those the
    plan's features need)."""
    noun = canonical(entity.lower_label) or entity.lower_label
    features = [f.feature for f in plan.features]
    fields = fields_for(entity, resolve(features, entities_of(plan)))
    title = next(f.name for f in fields if f.kind == "text")
    kinds = {f.kind for f in fields}
    return {
        "cls": entity.cls, "var": entity.var, "vars": entity.vars, "snake": entity.snake,
        "route": entity.route, "label": entity.label, "labels": entity.labels,
        "lower_label": entity.lower_label, "lower_labels": entity.lower_labels,
        "icon": icon_of(noun), "title_field": title,
        "fields": [field_context(f, entity.cls, title) for f in fields],
        "field_list": ", ".join(label_of(f.name).lower() for f in fields),
        "subtitle": subtitle_of(entity.var, [f for f in fields if f.name != title]),
        "has_int": "int" in kinds, "has_double": "double" in kinds, "has_list": "list" in kinds,
    }


def _find(plan: Plan, path: str) -> Planned:
    app_class = app_class_of(plan.app_name)
    optional = {f.path for f in plan.files}
    for planned in expand(entities_of(plan), app_class, optional):
        if planned.path == path:
            return planned
    raise EngineError(f"the offline engine has no template for {path}")


def _imports(kind: Kind, spec: FileSpec, app: str) -> str:
    """Import directives: dart: libraries, then packages and planned files, sorted."""
    lines = [f"import '{i}';" for i in kind.imports if i.startswith("dart:")]
    packages = [i for i in kind.imports if i.startswith("package:")]
    if PUBSPEC not in spec.depends_on:
        packages = []
    packages += [f"package:{app}/{d.removeprefix('lib/')}" for d in spec.depends_on
                 if d.endswith(".dart")]
    if lines and packages:
        lines.append("")
    lines += [f"import '{p}';" for p in sorted(packages)]
    return "\n".join(lines)


def _with_note(path: str, body: str, note: str) -> str:
    suffix = "." + path.rsplit(".", 1)[-1]
    prefix = NOTE_PREFIX.get(suffix, "# ")
    clean = MARKER_WORDS.sub("note", " ".join(note.split()))
    return f"{prefix}{NOTE_TEXT.format(note=clean)}\n{body}"
