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
    "borrow", "borrows", "lend", "lends", "add", "adds", "create", "creates", "schedule",
    "schedules", "rate", "rates", "review", "reviews", "attend", "monitor", "measure", "assign",
    "buy", "inspect", "maintain", "study", "learn", "practice",
})
STOP_WORDS = frozenset({
    "a", "an", "the", "my", "your", "our", "their", "his", "her", "its", "all", "any", "some",
    "each", "every", "own", "app", "apps", "application", "platform", "system", "thing",
    "things", "stuff", "something", "way", "ways", "it", "them", "this", "that", "these", "those",
    "daily", "weekly", "monthly", "new", "favorite", "favourite", "personal", "simple", "small",
    "cool", "nice", "good", "great", "easy", "quick", "various", "multiple", "many", "more",
    "other", "user", "users", "people", "everyone", "someone", "me", "you", "us", "time",
    "week", "day", "month", "year", "help", "make", "use", "data", "info", "information",
    "one", "ones", "myself", "yourself", "ourselves", "themselves",
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
    "email", "mail", "text", "message", "chat", "call", "print", "upload", "download",
    "backup", "publish", "post", "invite", "follow", "comment", "vote", "rank",
    "recommend", "suggest", "predict", "analyze", "analyse", "chart", "graph", "plot",
    "visualize", "visualise", "summarize", "summarise", "translate", "transcribe", "convert",
    "estimate", "forecast", "measure", "detect", "identify", "recognize", "recognise",
    "photograph", "snap", "attach", "pay", "charge", "bill", "reserve", "stream",
    "locate", "navigate", "geotag", "alert", "book", "order", "update", "change", "rename",
    "remove", "complete", "finish", "pin", "star", "tick", "enter", "register", "build",
    "catalog", "catalogue", "lend", "borrow", "return", "sign", "login", "lock", "encrypt",
    "shuffle", "randomize", "randomise", "quiz", "average", "report", "group",
    "categorize", "categorise", "label", "show", "note", "preview", "duplicate", "restore",
    "undo", "merge", "connect", "integrate", "automate", "pick", "define", "arrange", "swap",
    "trade", "exchange", "sell", "rent", "cancel", "attend", "join", "donate", "bid",
    "request", "approve", "reject", "ship", "deliver", "refund", "monitor", "weigh",
    "inspect", "maintain", "service", "repair", "fix", "clean", "grow", "sow", "prune",
    "harvest", "feed", "walk", "bake", "brew", "learn", "study", "practice", "practise",
    "memorize", "memorise", "listen", "draw", "sketch", "bookmark", "display",
})
NOUN_VERBS = frozenset("""
play order book note list log record plan set count check review rate tag change report post
call text message chart graph group label bill show visit watch water return alert comment
vote follow average total sum plot star pin store harvest walk service repair fix feed bake
brew study practice sketch draw bookmark request trade swap bid ship display
""".split())
"""Verbs that are as often nouns ("vet visits", "oil changes", "plays")."""
KIND_WORDS = {
    "tracker": "track", "planner": "plan", "log": "log", "logbook": "log", "diary": "keep",
    "journal": "keep", "organizer": "organize", "organiser": "organize", "manager": "manage",
    "checklist": "list", "catalog": "catalog", "catalogue": "catalog", "inventory": "track",
    "keeper": "keep", "notebook": "keep", "register": "record", "database": "keep",
    "box": "keep", "collection": "collect", "counter": "count",
}
"""Words that name the kind of app ("a case tracker"): the word before is what it keeps, and
the kind implies the action ("track cases")."""
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
    spans: tuple[tuple[int, int, str], ...]
    """Lexicon nouns as (start, size, lexicon name), in order of appearance."""
    kinds: tuple[tuple[int, str], ...]
    """Kind words ("tracker") as (position, the noun they follow), in order."""

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
    unique: dict[str, None] = {}
    named = [(start, n) for start, _, n in spans] + _listed_nouns(words)
    # "A case tracker": the noun before a kind word is an entity when the lexicon knows it or
    # the idea names nothing else ("a garden planner to track plants" keeps plants, not gardens).
    kinds = [(i, n) for i, n in _kind_nouns(words, spans) if n in NOUNS or not named]
    ordered = sorted(named + [(i - 1, n) for i, n in kinds])
    for _, noun in ordered:
        if noun not in unique and not _is_attribute(noun, unique):
            unique[noun] = None
    entities = tuple(EntityName.parse(n) for n in list(unique)[:MAX_ENTITIES])
    known = tuple(n for n in unique if n in NOUNS)
    return Reading(text, words, entities, known, tuple(spans), tuple(kinds))


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


def _is_verb_form(word: str) -> bool:
    """"sort", "sorted", "saves", "tracking": a form of a feature verb."""
    stems = (word, word[:-1], word[:-2], word[:-3]) if word.endswith(("s", "d", "g")) else (word,)
    return any(stem in FEATURE_VERBS for stem in stems)


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
    last = meaningful[-1] if meaningful else ""
    verb = _is_verb_form(last) and last not in NOUN_VERBS and singular(last) not in NOUN_VERBS
    if not meaningful or len(chunk) > 3 or verb:
        return []
    noun = singular(meaningful[-1])
    if len(noun) < 3 or noun in STOP_WORDS:
        return []
    return [canonical(noun) or noun]


def _kind_nouns(words: tuple[str, ...],
                spans: list[tuple[int, int, str]]) -> list[tuple[int, str]]:
    """Kind words that follow a noun ("case tracker", "species checklist"), each with that
    noun (from the lexicon where it knows the word)."""
    lexicon_end = {start + size - 1: noun for start, size, noun in spans}
    found: list[tuple[int, str]] = []
    for i in range(1, len(words)):
        before = words[i - 1]
        if words[i] not in KIND_WORDS or before in KIND_WORDS:
            continue
        if i - 1 in lexicon_end:
            found.append((i, lexicon_end[i - 1]))
        elif (before.isalpha() and len(before) >= 3 and before not in STOP_WORDS
              and before not in BREAK_WORDS and before not in FEATURE_VERBS
              and before not in APP_WORDS):
            noun = singular(before)
            found.append((i, canonical(noun) or noun))
    return found
