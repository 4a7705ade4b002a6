"""The spellings of an entity's name: class, variable, file, route and label forms."""

from __future__ import annotations

import re
from dataclasses import dataclass

IRREGULAR_PLURALS = {
    "person": "people", "child": "children", "mouse": "mice", "goose": "geese",
    "foot": "feet", "tooth": "teeth", "man": "men", "woman": "women", "leaf": "leaves",
    "life": "lives", "knife": "knives", "series": "series", "species": "species",
}
IRREGULAR_SINGULARS = {plural: single for single, plural in IRREGULAR_PLURALS.items()}
SINGULAR_ENDINGS_KEPT = ("ss", "us", "is", "news")
WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def singular(word: str) -> str:
    """The singular of an English noun, by the common rules."""
    lower = word.lower()
    if lower in IRREGULAR_SINGULARS:
        return IRREGULAR_SINGULARS[lower]
    if lower.endswith(SINGULAR_ENDINGS_KEPT) or len(lower) <= 3:
        return lower
    if lower.endswith("ies"):
        return lower[:-3] + "y"
    if lower.endswith(("ches", "shes", "sses", "xes", "zes")):
        return lower[:-2]
    if lower.endswith("ves") and lower[:-3] + "f" in IRREGULAR_PLURALS:
        return lower[:-3] + "f"
    if lower.endswith("s"):
        return lower[:-1]
    return lower


def plural(word: str) -> str:
    """The plural of an English noun, by the common rules."""
    lower = word.lower()
    if lower in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[lower]
    if lower.endswith("y") and lower[-2:-1] not in ("a", "e", "i", "o", "u"):
        return lower[:-1] + "ies"
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return lower + "es"
    return lower + "s"


@dataclass(frozen=True)
class EntityName:
    """One entity's name in every form the generated code needs."""

    words: tuple[str, ...]
    """Lower-case singular words, e.g. ("shopping", "list")."""

    @classmethod
    def parse(cls, name: str) -> EntityName:
        """From a class name (`ShoppingList`) or words (`shopping list`)."""
        words = [w.lower() for w in WORD.findall(name.replace("-", " "))]
        if not words:
            raise ValueError(f"no words in entity name {name!r}")
        return cls((*words[:-1], singular(words[-1])))

    @property
    def plural_words(self) -> tuple[str, ...]:
        return (*self.words[:-1], plural(self.words[-1]))

    @property
    def cls(self) -> str:
        """ShoppingList"""
        return "".join(w.capitalize() for w in self.words)

    @property
    def var(self) -> str:
        """shoppingList"""
        return _camel(self.words)

    @property
    def vars(self) -> str:
        """shoppingLists"""
        return _camel(self.plural_words)

    @property
    def snake(self) -> str:
        """shopping_list"""
        return "_".join(self.words)

    @property
    def route(self) -> str:
        """shopping-lists"""
        return "-".join(self.plural_words)

    @property
    def label(self) -> str:
        """Shopping list"""
        return " ".join(self.words).capitalize()

    @property
    def labels(self) -> str:
        """Shopping lists"""
        return " ".join(self.plural_words).capitalize()

    @property
    def lower_label(self) -> str:
        """shopping list"""
        return " ".join(self.words)

    @property
    def lower_labels(self) -> str:
        """shopping lists"""
        return " ".join(self.plural_words)


def _camel(words: tuple[str, ...]) -> str:
    return words[0] + "".join(w.capitalize() for w in words[1:])


def snake_case(text: str) -> str:
    """Lower snake_case of the letters and digits of `text`."""
    return "_".join(w.lower() for w in WORD.findall(text))


RESERVED_CLASS_NAMES = frozenset({
    "Action", "Actions", "Align", "Animation", "Axis", "Badge", "Banner", "Border", "Builder",
    "Canvas", "Card", "Category", "Center", "Checkbox", "Chip", "Color", "Column", "Comparable",
    "Container", "Curve", "DateTime", "Decoration", "Dialog", "Divider", "Drawer", "Duration",
    "Element", "Enum", "Error", "Exception", "Expanded", "Feedback", "Flow", "Form", "Function",
    "Future", "Gradient", "Hero", "Icon", "Image", "Ink", "Intent", "Iterable", "Key", "List",
    "Listener", "Locale", "Map", "Match", "Material", "Navigator", "Notification", "Null",
    "Object", "Offset", "Opacity", "Overlay", "Padding", "Page", "Paint", "Path", "Pattern",
    "Picture", "Placeholder", "Radio", "Radius", "Record", "Rect", "Route", "Router", "Row",
    "Scaffold", "Scrollbar", "Semantics", "Set", "Shadow", "Shortcuts", "Size", "Slider",
    "Spacer", "Stack", "State", "Step", "Stream", "String", "Summary", "Switch", "Symbol", "Tab",
    "Table", "Text", "Theme", "Timer", "Title", "Tooltip", "Transform", "Type", "Uri",
    "Velocity", "Visibility", "Widget", "Zone",
})


def safe_entity(name: EntityName) -> EntityName:
    """`name`, or `<name> entry` when its class would clash with a Flutter or Dart name."""
    if name.cls in RESERVED_CLASS_NAMES:
        return EntityName((*name.words, "entry"))
    return name
