"""The features an idea names, as short verb phrases ("export invoice as pdf").

A feature is a verb with what it acts on and, when the idea says it, how ("by category", "as
pdf", "from recipes"): `track hive`, `log expense by category`, `email invoice to client`.
Kind words give one too ("a case tracker" → `track case`), and so do nouns that stand for a
capability ("with reminders" → `send reminders`). Verbs of which the user is the subject
("books I read") are the user's doing, not the app's, and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.engines.offline.idea import (
    BREAK_WORDS,
    FEATURE_VERBS,
    JOINERS,
    KIND_WORDS,
    NOUN_VERBS,
    STOP_WORDS,
    Reading,
)
from pipeline.engines.offline.lexicon import canonical
from pipeline.engines.offline.plurals import singular

SUBJECTS = frozenset({"i", "we", "you", "they", "he", "she", "kids", "children", "people"})
"""A verb right after one of these is something the user does ("movies we watch")."""
NOUN_MARKERS = frozenset({
    "with", "of", "the", "a", "an", "my", "your", "our", "their", "his", "her", "its", "some",
    "any", "each", "every", "all", "many", "few", "own", "new", "per",
})
"""A word right after one of these is a noun, even when it could be a verb ("with sets")."""
PRONOUNS = frozenset({"it", "them", "this", "these", "those", "one"})

DETERMINERS = frozenset({
    "a", "an", "the", "my", "your", "our", "their", "his", "her", "its", "some", "any", "each",
    "every", "all", "own",
})
PREPOSITIONS = frozenset({"as", "to", "from", "by", "into", "via", "per"})
OBJECT_REACH = 4
"""How many words after a verb its object may start."""
CAPABILITY_NOUNS = {
    "pdf": "export as pdf", "pdfs": "export as pdf", "csv": "export as csv",
    "spreadsheet": "export as spreadsheet", "excel": "export as spreadsheet",
    "export": "export", "exports": "export", "email": "send email", "emails": "send email",
    "notification": "send notifications", "notifications": "send notifications",
    "alert": "send alerts", "alerts": "send alerts", "reminder": "send reminders",
    "reminders": "send reminders", "chart": "draw charts", "charts": "draw charts",
    "graph": "draw charts", "graphs": "draw charts", "statistics": "compute statistics",
    "stats": "compute statistics", "analytics": "compute statistics",
    "insights": "compute statistics",
    "photo": "attach photos", "photos": "attach photos", "picture": "attach photos",
    "pictures": "attach photos", "image": "attach photos", "images": "attach photos",
    "camera": "use camera", "barcode": "scan barcodes", "barcodes": "scan barcodes",
    "audio": "capture audio", "voice": "use voice",
    "qr": "scan barcodes", "map": "map view", "maps": "map view", "gps": "map view",
    "sync": "sync to cloud", "cloud": "sync to cloud", "backup": "back up",
    "backups": "back up", "login": "sign in", "password": "sign in", "passwords": "sign in",
    "payment": "take payments", "payments": "take payments", "chat": "chat",
    "messaging": "chat", "calendar": "calendar view", "timer": "run timer",
    "timers": "run timer", "countdown": "run timer", "sharing": "share",
    "dark": "switch to dark mode", "booking": "take bookings", "bookings": "take bookings",
    "reservation": "take bookings", "reservations": "take bookings",
}
"""Nouns that name a capability rather than a thing to keep."""
LIST_LIKE = frozenset({"chart", "charts", "graph", "graphs", "map", "maps", "calendar"})
"""Capability nouns that, after another noun, name a kind of list ("chore chart")."""
CAPABILITY_FOLLOWERS = {"dark": frozenset({"mode", "theme"})}
"""Capability nouns that count only with the next word ("dark mode", not "dark chocolate")."""


@dataclass(frozen=True)
class Feature:
    """A verb phrase: `verb` the `thing`, optionally `prep` a `detail` ("by category")."""

    verb: str
    thing: str = ""
    prep: str = ""
    detail: str = ""

    @property
    def text(self) -> str:
        return " ".join(p for p in (self.verb, self.thing, self.prep, self.detail) if p)

    @classmethod
    def parse(cls, text: str) -> Feature:
        """A feature from its text, however the critic phrased it ("Export invoices as PDF")."""
        words = [w.strip(".,;:!?()\"'") for w in text.lower().split()]
        words = [w for w in words if w and w not in DETERMINERS]
        if not words:
            return cls("")
        verb = verb_of(words[0]) or words[0]
        rest = words[1:]
        cut = next((i for i, w in enumerate(rest) if w in PREPOSITIONS), len(rest))
        thing = _noun(" ".join(rest[:cut]))
        detail = _noun(" ".join(rest[cut + 1:])) if cut < len(rest) else ""
        return cls(verb, thing, rest[cut] if cut < len(rest) else "", detail)


def verb_of(word: str) -> str | None:
    """The feature verb `word` is a form of ("exports", "tracking", "planned"), or None."""
    candidates = [word]
    if word.endswith("s"):
        candidates += [word[:-1], word[:-2]]
    if word.endswith(("ing", "ed")):
        stem = word[:-3] if word.endswith("ing") else word[:-2]
        candidates += [stem, stem + "e", stem[:-1]]
    return next((c for c in candidates if c in FEATURE_VERBS), None)


def named_features(reading: Reading) -> tuple[str, ...]:
    """Every feature the idea names, in the order it names them, each once."""
    words = reading.words
    noun_at = {start: (noun, size) for start, size, noun in reading.spans}
    taken = {i for start, size, _ in reading.spans for i in range(start, start + size)}
    kind_at = dict(reading.kinds)
    found: list[tuple[int, Feature]] = [
        (i - 1, Feature(KIND_WORDS[words[i]], noun)) for i, noun in reading.kinds]
    consumed: set[int] = set()
    last_thing = ""
    for i, word in enumerate(words):
        if i in taken or i in kind_at or i in consumed:
            continue
        if words[i:i + 3] == ("keep", "track", "of"):
            consumed.add(i)  # "keep track of X" tracks X
            continue
        verb = verb_of(word)
        if verb is None or not _is_verb_here(words, i, verb):
            continue
        thing, end = _object(words, i + 1, noun_at)
        if thing in PRONOUNS:
            thing = last_thing
        prep, detail, end = _qualifier(words, end, noun_at)
        found.append((i, Feature(verb, thing, prep, detail)))
        while thing and end + 1 < len(words) and words[end] in JOINERS:
            more, after = _object(words, end + 1, noun_at)
            if not more or more in PRONOUNS or verb_of(words[end + 1]) is not None:
                break
            found.append((end + 1, Feature(verb, more)))
            end = after
        consumed.update(range(i, end))
        last_thing = thing or last_thing
    for i, word in enumerate(words):
        text = CAPABILITY_NOUNS.get(word)
        followers = CAPABILITY_FOLLOWERS.get(word)
        if text is None or i in consumed or i in kind_at:
            continue
        if followers is not None and (i + 1 >= len(words) or words[i + 1] not in followers):
            continue
        if i > 0 and _is_content_noun(words[i - 1]) and word in LIST_LIKE:
            continue  # "a chore chart", "a seating map": a kind of list, not a capability
        found.append((i, Feature.parse(text)))
    ordered: dict[str, None] = {}
    for _, feature in sorted(found, key=lambda pair: pair[0]):
        if feature.verb:
            ordered.setdefault(feature.text, None)
    return tuple(ordered)


def _is_verb_here(words: tuple[str, ...], i: int, verb: str) -> bool:
    """Whether the verb-like word at `i` is used as a verb here, not as a noun or adjective."""
    word = words[i]
    before = words[i - 1] if i else ""
    after = words[i + 1] if i + 1 < len(words) else ""
    if word in STOP_WORDS and before != "to":
        return False  # "favorite recipes"
    if _is_content_noun(before) and (singular(before) == before or before.endswith("ing")):
        return False  # "garden plots", "bird watch", "a reading list"; not "neighbours list"
    if verb in NOUN_VERBS and before in JOINERS and (not after.isalpha() or after in JOINERS):
        return False  # "games owned, plays and player scores"
    return not _is_noun_here(words, i) and not _is_users_doing(words, i)


def _is_content_noun(word: str) -> bool:
    """A plain noun that can stand before another noun ("vet" in "vet visits", "reading" in
    "a reading list")."""
    return (word.isalpha() and not word.endswith("ly") and word not in STOP_WORDS
            and word not in BREAK_WORDS and word not in JOINERS and word not in NOUN_MARKERS
            and word not in SUBJECTS and word not in PRONOUNS
            and (verb_of(word) is None or word.endswith("ing")))


def _is_noun_here(words: tuple[str, ...], i: int) -> bool:
    """"with sets", "a weekly chart", "a reading club": a determiner or "with"/"of" (then
    perhaps adjectives) before a verb-like word."""
    j = i - 1
    while j >= 0 and words[j] in STOP_WORDS and words[j] not in NOUN_MARKERS:
        j -= 1
    return j >= 0 and words[j] in NOUN_MARKERS


def _is_users_doing(words: tuple[str, ...], i: int) -> bool:
    """"books I read", "places we visit" (but "where I can export" asks the app to export)."""
    return i > 0 and words[i - 1] in SUBJECTS


def _object(words: tuple[str, ...], start: int,
            noun_at: dict[int, tuple[str, int]]) -> tuple[str, int]:
    """What a verb acts on, and where the words after it resume."""
    for j in range(start, min(start + OBJECT_REACH, len(words))):
        word = words[j]
        if word in PRONOUNS:
            return word, j + 1
        if word.endswith("'s"):
            continue  # "my kid's vaccinations"
        if j not in noun_at and (word in BREAK_WORDS or word in JOINERS or not word.isalpha()):
            return "", j
        if j not in noun_at and (word in STOP_WORDS or word in NOUN_MARKERS):
            continue
        return _compound(words, j, noun_at)
    return "", start


def _compound(words: tuple[str, ...], start: int,
              noun_at: dict[int, tuple[str, int]]) -> tuple[str, int]:
    """The noun starting at `start`, through any nouns that follow it ("book loans" → loan)."""
    noun, end = "", start
    while end < len(words):
        if end in noun_at:
            noun, size = noun_at[end]
            end += size
            continue
        word = words[end]
        after = words[end + 1] if end + 1 < len(words) else ""
        verb = verb_of(word)
        noun_like = verb in NOUN_VERBS and (not after.isalpha() or after in JOINERS
                                           or after in BREAK_WORDS or after in PREPOSITIONS)
        if (noun and (word in STOP_WORDS or word in BREAK_WORDS or word in JOINERS
                      or word in PREPOSITIONS or (verb is not None and not noun_like))) \
                or not word.isalpha():
            break
        noun, end = _noun(word), end + 1
    return noun, end


def _qualifier(words: tuple[str, ...], start: int,
               noun_at: dict[int, tuple[str, int]]) -> tuple[str, str, int]:
    """A preposition and its noun right after the object ("as a pdf", "by category")."""
    if start >= len(words) or words[start] not in PREPOSITIONS:
        return "", "", start
    detail, end = _object(words, start + 1, noun_at)
    if not detail or detail in PRONOUNS:
        return "", "", start
    return words[start], detail, end


def _noun(text: str) -> str:
    """A noun phrase in the singular, by its lexicon name where the lexicon knows it."""
    words = text.split()
    if not words:
        return ""
    phrase = " ".join((*words[:-1], singular(words[-1])))
    return canonical(phrase) or canonical(" ".join(words)) or phrase
