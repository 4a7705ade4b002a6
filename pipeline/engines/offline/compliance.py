"""The compliance-risk rules: regulated or harmful areas an idea's words point to, in context.

A flag needs more than a word. A rule names its trigger words, and may ask for context that
confirms them (`needs`: "loans" are finance only with money in the idea) or name context that
rules them out (`unless`: "loans" of library books, "bath bombs", "diagnose car trouble").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.answers import ComplianceRisk, RiskLevel

NO_RISK_REASON = "no regulated or harmful area is named in the idea"
DEFUSED_REASON = "the idea mentions {quoted}, but {context}: no regulated or harmful area"


@dataclass(frozen=True)
class RiskRule:
    category: str
    level: RiskLevel
    pattern: re.Pattern[str]
    why: str
    needs: re.Pattern[str] | None = None
    """Context that must also appear for the words to count."""
    unless: re.Pattern[str] | None = None
    """Context that shows the words mean something harmless."""
    harmless: str = ""
    """What the idea is about when the rule does not fire ("of books, not money")."""


def _words(*stems: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(stems) + r")\b", re.IGNORECASE)


MONEY = _words(r"money", r"cash", r"interest(?: rates?)?", r"credit", r"banks?", r"banking",
               r"lend(?:ing)? money", r"borrow(?:ing)? money", r"repay\w*", r"mortgages?",
               r"payday", r"apr", r"dollars?", r"euros?", r"pounds?", r"debts?", r"lenders?",
               r"financ\w*", r"\$", r"€", r"£")
CHILD_DATA = _words(r"chat\w*", r"messag\w*", r"social", r"shar(?:e|es|ing)", r"photos?",
                    r"pictures?", r"videos?", r"cameras?", r"locations?", r"gps", r"profiles?",
                    r"friends?", r"strangers?", r"meet\w*", r"contacts?", r"accounts?",
                    r"sign[- ]?ups?", r"online", r"posts?", r"followers?", r"ads?",
                    r"advertis\w*", r"collect\w* (?:their|personal) data")
GAME_WORLD = _words(r"video games?", r"board games?", r"rpgs?", r"d&d", r"dnd", r"dungeons",
                    r"tabletop", r"minecraft", r"fortnite", r"fantasy", r"in-game",
                    r"game inventory", r"larp\w*", r"museums?", r"histor\w*")
HARMLESS_TOOLS = _words(r"bath bombs?", r"photo ?bombs?", r"(?:glue|nail|heat|staple|water|"
                        r"squirt|spray|caulk(?:ing)?|massage|grease|label) guns?", r"nerf",
                        r"toy guns?")

RULES = (
    RiskRule("gambling", RiskLevel.HIGH, _words(
        r"casinos?", r"gambl\w*", r"wagers?(?:ing)?", r"sportsbooks?", r"poker", r"roulette",
        r"slot machines?", r"lotter(?:y|ies)", r"bookmakers?"),
        "real-money gambling needs licences per jurisdiction and age verification"),
    RiskRule("gambling", RiskLevel.HIGH, _words(r"bet(?:s|ting|tor)?"),
             "real-money gambling needs licences per jurisdiction and age verification",
             needs=_words(r"money", r"cash", r"odds", r"stakes?", r"payouts?", r"sports",
                          r"casinos?", r"real money", r"bookies?", r"\$", r"€", r"£"),
             harmless="as friendly bets, with no money or odds"),
    RiskRule("medical", RiskLevel.HIGH, _words(
        r"prescrib\w*", r"dosages?", r"dosing", r"treatment plans?", r"symptom checkers?",
        r"medical advice"),
        "diagnosing or prescribing makes the app a regulated medical device"),
    RiskRule("medical", RiskLevel.HIGH, _words(r"diagnos\w*", r"cures?", r"curing"),
             "diagnosing or prescribing makes the app a regulated medical device",
             needs=_words(r"diseases?", r"illness\w*", r"cancer", r"sick\w*", r"patients?",
                          r"symptoms?", r"conditions?", r"skin", r"medical", r"health",
                          r"disorders?", r"infections?", r"injur\w*", r"pain"),
             harmless="of things, not people's health"),
    RiskRule("weapons", RiskLevel.HIGH, _words(
        r"weapons?", r"guns?", r"firearms?", r"rifles?", r"pistols?", r"ammunition", r"ammo",
        r"explosives?", r"bombs?", r"grenades?", r"silencers?"),
        "weapons and explosives are restricted goods and a safety hazard",
        unless=re.compile(f"{GAME_WORLD.pattern}|{HARMLESS_TOOLS.pattern}", re.IGNORECASE),
        harmless="in a game, a collection's history or a harmless tool"),
    RiskRule("drugs", RiskLevel.HIGH, _words(
        r"cocaine", r"heroin", r"meth", r"narcotics?", r"illegal drugs?", r"drug dealing"),
        "illegal drugs cannot be traded or promoted"),
    RiskRule("surveillance", RiskLevel.HIGH, _words(
        r"spy(?:ing)? on", r"stalk(?:ing|er|ers)", r"secretly track\w*",
        r"without (?:them|their|him|her) knowing"),
        "tracking people without consent breaks privacy law"),
    RiskRule("hacking", RiskLevel.HIGH, _words(
        r"malware", r"phishing", r"keyloggers?", r"ransomware", r"crack passwords?"),
        "tools for intrusion or fraud cause direct harm"),
    RiskRule("adult", RiskLevel.HIGH, _words(r"porn\w*", r"escorts?", r"nsfw"),
             "adult content needs age verification and store approval",
             unless=_words(r"weddings?", r"seating", r"tables?"),
             harmless="as wedding escort cards"),
    RiskRule("finance", RiskLevel.MEDIUM, _words(
        r"invest(?:ing|ment|ments|or|ors)?", r"stock tips", r"trading signals?", r"crypto\w*",
        r"credit scores?"),
        "financial advice and products are regulated; keep it to personal bookkeeping"),
    RiskRule("finance", RiskLevel.MEDIUM, _words(r"loans?"),
             "lending money is a regulated financial product",
             needs=MONEY, harmless="of things, not money"),
    RiskRule("health", RiskLevel.MEDIUM, _words(
        r"medications?", r"symptoms?", r"health records?", r"blood pressure", r"glucose",
        r"prescriptions?"),
        "health data is sensitive personal data"),
    RiskRule("minors", RiskLevel.MEDIUM, _words(
        r"kids?", r"children", r"child", r"teens?", r"teenagers?", r"minors?"),
        "apps that collect data from children or let them contact others face strict rules",
        needs=CHILD_DATA,
        harmless="as a family tool that takes no data from children and lets nobody contact "
                 "them"),
)


def assess(idea: str) -> ComplianceRisk:
    """The highest risk a rule confirms, naming the category and quoting every trigger word
    of it; words whose context rules them out are named as such in a low risk."""
    defused: list[str] = []
    for level in (RiskLevel.HIGH, RiskLevel.MEDIUM):
        fired: dict[str, tuple[set[str], str]] = {}
        for rule in (r for r in RULES if r.level is level):
            triggers = {m.group(0).lower() for m in rule.pattern.finditer(idea)}
            if not triggers:
                continue
            ruled_out = rule.unless is not None and rule.unless.search(idea)
            unconfirmed = rule.needs is not None and not rule.needs.search(idea)
            if ruled_out or unconfirmed:
                defused.append(DEFUSED_REASON.format(quoted=_quoted(triggers),
                                                     context=rule.harmless))
                continue
            words, why = fired.setdefault(rule.category, (set(), rule.why))
            words |= triggers
        for category, (words, why) in fired.items():
            return ComplianceRisk(level=level, category=category,
                                  reason=f"the idea mentions {_quoted(words)}: {why}")
    reason = "; ".join(defused) if defused else NO_RISK_REASON
    return ComplianceRisk(level=RiskLevel.LOW, category="none", reason=reason)


def _quoted(words: set[str]) -> str:
    return ", ".join(f'"{w}"' for w in sorted(words))
