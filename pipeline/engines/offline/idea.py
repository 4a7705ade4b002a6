"""Reading an idea: its domain nouns (the entities), its features, and how specific it is."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pipeline.engines.offline.lexicon import NOUNS, SYNONYMS, canonical, fields_of
from pipeline.engines.offline.names import EntityName, singular, snake_case

MAX_ENTITIES = 5
TOKEN = re.compile(r"[a-z0-9][a-z0-9'-]*|[.,;:!?()]")
LIST_TRIGGERS = frozenset({
    ":", "with", "track", "tracks", "tracking", "manage", "manages", "managing", "log", "logs",
    "logging", "organize", "organise", "store", "save", "saves", "record", "records", "keep",
    "plan", "collect", "catalog", "catalogue", "list", "lists", "of", "share", "follow",
})
STOP_WORDS = frozenset({
    "a", "an", "the", "my", "your", "our", "their", "his", "her", "its", "all", "any", "some",
    "each", "every", "own", "app", "apps", "application", "tool", "platform", "system", "thing",
    "things", "stuff", "something", "way", "ways", "it", "them", "this", "that", "these", "those",
    "daily", "weekly", "monthly", "new", "favorite", "favourite", "personal", "simple", "small",
    "cool", "nice", "good", "great", "easy", "quick", "various", "multiple", "many", "more",
    "other", "user", "users", "people", "everyone", "someone", "me", "you", "us", "time",
    "week", "day", "month", "year", "help", "make", "use", "data", "info", "information",
})
BREAK_WORDS = frozenset({
    "for", "to", "in", "on", "by", "so", "that", "which", "who", "where", "when", "from", "at",
    "into", "per", "like", "can", "will", "should", "using", "via", "then", "while", ".", ";",
    ":", "!", "?", "(", ")", "with", "i", "we", "they", "you", "he", "she", "what", "how",
})
JOINERS = frozenset({",", "and", "or", "&"})
FEATURE_VERBS = frozenset({
    "save", "plan", "track", "log", "record", "generate", "share", "search", "filter", "sort",
    "remind", "schedule", "rate", "tag", "export", "import", "sync", "edit", "add", "create",
    "delete", "organize", "organise", "manage", "mark", "favorite", "favourite", "browse",
    "compare", "calculate", "scan", "notify", "archive", "review", "view", "set", "count",
    "split", "assign", "collect", "keep", "store", "read", "write", "watch", "visit", "buy",
    "cook", "eat", "play", "find", "check", "see", "list", "send", "water",
})
APP_WORDS = frozenset({
    "app", "apps", "application", "tracker", "planner", "manager", "diary", "log", "organizer",
    "organiser", "assistant", "companion", "helper", "journal",
})
RESERVED_APP_NAMES = frozenset({
    "flutter", "provider", "go_router", "shared_preferences", "flutter_test", "flutter_lints",
    "test", "app", "my", "dart",
})


@dataclass(frozen=True)
class Reading:
    """What the offline engine understood of an idea."""

    text: str
    words: tuple[str, ...]
    entities: tuple[EntityName, ...]
    known_entities: tuple[str, ...]
    """Entities found in the lexicon (a subset of `entities`, by lexicon name)."""
    features: tuple[str, ...]
    """Verb phrases, e.g. "plan meals"."""

    @property
    def content_words(self) -> tuple[str, ...]:
        """Distinct words that carry meaning (no stop or break words), in order."""
        seen: dict[str, None] = {}
        for word in self.words:
            if word not in STOP_WORDS and word not in BREAK_WORDS and word not in JOINERS:
                seen.setdefault(word, None)
        return tuple(seen)


def read_idea(text: str) -> Reading:
    """Read the entities and features of an idea (deterministic, no model)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = tuple(TOKEN.findall(ascii_text.lower()))
    spans = _lexicon_nouns(words)
    taken = {i for start, size, _ in spans for i in range(start, start + size)}
    unique: dict[str, None] = {}
    ordered = sorted([(start, n) for start, _, n in spans] + _listed_nouns(words))
    for _, noun in ordered:
        if noun not in unique and not _is_attribute(noun, unique):
            unique[noun] = None
    entities = tuple(EntityName.parse(n) for n in list(unique)[:MAX_ENTITIES])
    known = tuple(n for n in unique if n in NOUNS)
    return Reading(text, words, entities, known, _features(words, spans, taken))


def app_name_of(reading: Reading) -> str:
    """A Dart package name from the idea, e.g. `recipe_box` or `habit_tracker`."""
    words = list(reading.words)
    cut = next((i for i, w in enumerate(words) if w in APP_WORDS), None)
    if cut is not None and cut <= 6:
        lead = [w for w in words[:cut] if w.isalpha() and w not in STOP_WORDS
                and w not in BREAK_WORDS][-3:]
        keep_app_word = words[cut] not in ("app", "apps", "application")
        chosen = [*lead, words[cut]] if keep_app_word and lead else lead
    else:
        chosen = []
    if not chosen:
        chosen = [w for w in reading.content_words if w.isalpha()
                  and w not in FEATURE_VERBS and w not in APP_WORDS][:2]
    name = snake_case(" ".join(chosen))
    if name and not name[0].isalpha():
        name = f"app_{name}"
    if not name or name in RESERVED_APP_NAMES:
        name = f"{name or 'my'}_app"
    return name


def _is_attribute(noun: str, entities: dict[str, None]) -> bool:
    """True when `noun` is part of an earlier entity: a list it holds (a recipe's
    ingredients), a field when the noun is not one the lexicon knows (a habit's streak), or
    a word of its name (the meal of a meal plan)."""
    last = noun.split()[-1]
    for entity in (e for e in entities if e in NOUNS):
        for field in fields_of(entity):
            if singular(snake_case(field.name).split("_")[-1]) != last:
                continue
            if field.kind == "list" or noun not in NOUNS:
                return True
    return any(noun in e.split() for e in entities)


def _lexicon_nouns(words: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """Known nouns (one or two words) as (start, size, lexicon name), in order of appearance."""
    found: list[tuple[int, int, str]] = []
    taken: set[int] = set()
    for size in (2, 1):
        for i in range(len(words) - size + 1):
            if taken & set(range(i, i + size)):
                continue
            phrase = " ".join((*words[i:i + size - 1], singular(words[i + size - 1])))
            raw = " ".join(words[i:i + size])
            noun = canonical(phrase) or (SYNONYMS.get(raw) and canonical(raw))
            if noun:
                found.append((i, size, noun))
                taken |= set(range(i, i + size))
    return sorted(found)


def _listed_nouns(words: tuple[str, ...]) -> list[tuple[int, str]]:
    """Nouns in lists after a trigger word ("track hives, inspections and harvests"), each
    with the position where it ends."""
    nouns: list[tuple[int, str]] = []
    for i, word in enumerate(words):
        if word not in LIST_TRIGGERS:
            continue
        chunk: list[str] = []
        for j in range(i + 1, len(words)):
            follower = words[j]
            if follower in JOINERS or (follower in BREAK_WORDS and chunk):
                nouns.extend((j - 1, n) for n in _chunk_noun(chunk))
                chunk = []
                if follower not in JOINERS:
                    break
            elif follower not in BREAK_WORDS:
                chunk.append(follower)
        else:
            nouns.extend((len(words) - 1, n) for n in _chunk_noun(chunk))
    return nouns


def _chunk_noun(chunk: list[str]) -> list[str]:
    meaningful = [w for w in chunk if w not in STOP_WORDS and w.isalpha()]
    if not meaningful or len(chunk) > 3 or meaningful[-1] in FEATURE_VERBS:
        return []
    noun = singular(meaningful[-1])
    if len(noun) < 3 or noun in STOP_WORDS:
        return []
    return [canonical(noun) or noun]


def _features(
    words: tuple[str, ...], spans: list[tuple[int, int, str]], taken: set[int]
) -> tuple[str, ...]:
    """Verb phrases: a feature verb and its object, the next noun or meaningful word."""
    noun_at = {start: noun for start, _, noun in spans}
    features: dict[str, None] = {}
    for i, word in enumerate(words):
        verb = word[:-1] if word.endswith("s") and word[:-1] in FEATURE_VERBS else word
        if verb not in FEATURE_VERBS or i in taken:
            continue
        obj = ""
        for j in range(i + 1, min(i + 5, len(words))):
            if j in noun_at:
                obj = noun_at[j]
                break
            if words[j].isalpha() and words[j] not in STOP_WORDS | BREAK_WORDS:
                obj = words[j]
                break
        features.setdefault(f"{verb} {obj}".strip(), None)
    return tuple(features)
