"""The nouns the offline engine knows: their fields, icons and synonyms.

Each entry is `noun: (icon, "field:kind …")`. Kinds are text, longtext, int, double, bool, date
and list (of strings); every model also gets `id` and `createdAt`. The first field is the one a
list shows as the item's title.
"""

from __future__ import annotations

from dataclasses import dataclass

FIELD_KINDS = ("text", "longtext", "int", "double", "bool", "date", "list")
GENERIC_ICON = "label_outline"
GENERIC_FIELDS = "name:text notes:longtext favorite:bool"

NOUNS: dict[str, tuple[str, str]] = {
    "recipe": ("menu_book", "title:text ingredients:list instructions:longtext servings:int "
               "prepMinutes:int favorite:bool"),
    "shopping list": ("shopping_cart", "name:text items:list store:text completed:bool"),
    "meal plan": ("calendar_month", "title:text day:date meals:list notes:longtext"),
    "meal": ("restaurant", "name:text eatenOn:date calories:int notes:longtext"),
    "ingredient": ("kitchen", "name:text quantity:double unit:text"),
    "task": ("check_circle_outline", "title:text notes:longtext dueDate:date priority:int "
             "done:bool"),
    "note": ("note", "title:text body:longtext tags:list pinned:bool"),
    "expense": ("receipt_long", "title:text amount:double category:text spentOn:date"),
    "income": ("savings", "source:text amount:double receivedOn:date"),
    "budget": ("account_balance_wallet", "name:text limit:double month:date notes:longtext"),
    "account": ("account_balance", "name:text balance:double institution:text"),
    "transaction": ("swap_horiz", "description:text amount:double category:text date:date"),
    "workout": ("fitness_center", "name:text date:date durationMinutes:int exercises:list "
                "notes:longtext"),
    "exercise": ("sports_gymnastics", "name:text sets:int reps:int weightKg:double"),
    "habit": ("repeat", "name:text description:longtext streak:int doneToday:bool"),
    "goal": ("flag", "title:text description:longtext targetDate:date progress:int "
             "achieved:bool"),
    "book": ("book", "title:text author:text pages:int rating:int finished:bool"),
    "movie": ("movie", "title:text director:text year:int rating:int watched:bool"),
    "song": ("music_note", "title:text artist:text album:text durationSeconds:int"),
    "playlist": ("queue_music", "name:text songs:list description:longtext"),
    "contact": ("person", "name:text email:text phone:text notes:longtext"),
    "event": ("event", "title:text date:date location:text notes:longtext"),
    "appointment": ("schedule", "title:text date:date location:text notes:longtext"),
    "reminder": ("alarm", "title:text remindOn:date notes:longtext done:bool"),
    "plant": ("local_florist", "name:text species:text wateringDays:int lastWatered:date"),
    "pet": ("pets", "name:text species:text birthday:date notes:longtext"),
    "trip": ("flight", "destination:text startDate:date endDate:date notes:longtext"),
    "place": ("place", "name:text address:text visited:bool notes:longtext"),
    "project": ("work", "name:text description:longtext deadline:date archived:bool"),
    "journal entry": ("edit_note", "title:text body:longtext mood:int date:date"),
    "mood": ("mood", "label:text score:int note:longtext date:date"),
    "flashcard": ("style", "front:text back:longtext deck:text learned:bool"),
    "deck": ("collections_bookmark", "name:text description:longtext cards:list"),
    "course": ("school", "title:text teacher:text credits:int notes:longtext"),
    "lesson": ("class_", "title:text date:date topics:list notes:longtext"),
    "vehicle": ("directions_car", "name:text plate:text mileage:int nextService:date"),
    "item": ("inventory_2", "name:text quantity:int location:text notes:longtext"),
    "product": ("shopping_bag", "name:text price:double stock:int description:longtext"),
    "order": ("local_shipping", "reference:text customer:text total:double delivered:bool"),
    "customer": ("group", "name:text email:text phone:text notes:longtext"),
    "client": ("business", "name:text company:text email:text notes:longtext"),
    "invoice": ("request_quote", "number:text client:text amount:double dueDate:date "
                "paid:bool"),
    "bookmark": ("bookmark", "title:text url:text tags:list notes:longtext"),
    "sleep log": ("bedtime", "night:date hours:double quality:int notes:longtext"),
    "water log": ("water_drop", "day:date glasses:int notes:longtext"),
    "gift": ("card_giftcard", "title:text recipient:text price:double bought:bool"),
    "wine": ("wine_bar", "name:text winery:text vintage:int rating:int"),
    "hive": ("hive", "name:text location:text queenSeen:bool lastInspected:date"),
    "inspection": ("fact_check", "title:text date:date findings:longtext passed:bool"),
    "tag": ("sell", "name:text description:longtext"),
    "chore": ("cleaning_services", "title:text assignee:text dueDate:date done:bool"),
    "case": ("gavel", "title:text client:text court:text nextHearing:date notes:longtext "
             "closed:bool"),
    "series": ("live_tv", "title:text network:text seasons:int episodesWatched:int "
               "finished:bool"),
    "episode": ("movie_filter", "title:text season:int number:int watched:bool"),
    "line item": ("receipt", "description:text quantity:int unitPrice:double"),
    "species": ("eco", "name:text family:text seen:bool notes:longtext"),
    "sighting": ("visibility", "species:text seenOn:date location:text count:int "
                 "notes:longtext"),
    "location": ("place", "name:text region:text notes:longtext"),
    "loan": ("handshake", "item:text borrower:text dueDate:date returned:bool"),
}

SYNONYMS = {
    "todo": "task", "to-do": "task", "to do": "task", "todo item": "task", "errand": "task",
    "grocery list": "shopping list", "grocery": "shopping list", "groceries": "shopping list",
    "shopping": "shopping list", "meal planner": "meal plan", "diary entry": "journal entry",
    "journal": "journal entry", "diary": "journal entry", "spending": "expense",
    "film": "movie", "friend": "contact", "person": "contact",
    "card": "flashcard", "car": "vehicle", "memo": "note", "run": "workout",
    "training": "workout", "medication": "reminder", "purchase": "expense", "class": "course",
    "tv series": "series", "tv show": "series", "matter": "case", "legal case": "case",
}


@dataclass(frozen=True)
class Field:
    """One model field: its Dart name and kind."""

    name: str
    kind: str


def canonical(noun: str) -> str | None:
    """The lexicon's name for a noun phrase (singular, lower case), or None if unknown."""
    noun = SYNONYMS.get(noun, noun)
    return noun if noun in NOUNS else None


def fields_of(noun: str) -> list[Field]:
    """The fields of an entity, from the lexicon or the generic fallback."""
    spec = NOUNS[noun][1] if noun in NOUNS else GENERIC_FIELDS
    fields = []
    for item in spec.split():
        name, kind = item.split(":")
        if kind not in FIELD_KINDS:
            raise ValueError(f"unknown field kind {kind!r} for {noun}")
        fields.append(Field(name, kind))
    if not any(f.kind == "text" for f in fields):
        fields.insert(0, Field("name", "text"))
    return fields


def entity_fields(label: str) -> list[Field]:
    """The fields of the entity labelled `label` (`shopping list`, or a renamed `card entry`)."""
    return fields_of(canonical(label) or label)


def icon_of(noun: str) -> str:
    """The Material icon name for an entity."""
    return NOUNS[noun][0] if noun in NOUNS else GENERIC_ICON
