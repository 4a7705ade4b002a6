"""The compliance-risk rules: regulated or harmful areas an idea's words point to."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.answers import ComplianceRisk, RiskLevel

NO_RISK_REASON = "no regulated or harmful area is named in the idea"


@dataclass(frozen=True)
class RiskRule:
    category: str
    level: RiskLevel
    pattern: re.Pattern[str]
    why: str


def _words(*stems: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(stems) + r")\b", re.IGNORECASE)


RULES = (
    RiskRule("gambling", RiskLevel.HIGH, _words(
        r"casinos?", r"bet(?:s|ting|tor)?", r"gambl\w*", r"wagers?(?:ing)?", r"sportsbooks?",
        r"poker", r"roulette", r"slot machines?", r"lotter(?:y|ies)", r"bookmakers?"),
        "real-money gambling needs licences per jurisdiction and age verification"),
    RiskRule("medical", RiskLevel.HIGH, _words(
        r"diagnos\w*", r"prescri\w*", r"dosages?", r"dosing", r"treatment plans?",
        r"symptom checker", r"cure", r"medical advice"),
        "diagnosing or prescribing makes the app a regulated medical device"),
    RiskRule("weapons", RiskLevel.HIGH, _words(
        r"weapons?", r"guns?", r"firearms?", r"rifles?", r"pistols?", r"ammunition", r"ammo",
        r"explosives?", r"bombs?", r"grenades?", r"silencers?"),
        "weapons and explosives are restricted goods and a safety hazard"),
    RiskRule("drugs", RiskLevel.HIGH, _words(
        r"cocaine", r"heroin", r"meth", r"narcotics?", r"illegal drugs?", r"drug dealing"),
        "illegal drugs cannot be traded or promoted"),
    RiskRule("surveillance", RiskLevel.HIGH, _words(
        r"spy(?:ing)? on", r"stalk\w*", r"secretly track\w*", r"without (?:them|their) knowing"),
        "tracking people without consent breaks privacy law"),
    RiskRule("hacking", RiskLevel.HIGH, _words(
        r"malware", r"phishing", r"keyloggers?", r"ransomware", r"crack passwords?"),
        "tools for intrusion or fraud cause direct harm"),
    RiskRule("adult", RiskLevel.HIGH, _words(r"porn\w*", r"escorts?", r"nsfw"),
        "adult content needs age verification and store approval"),
    RiskRule("finance", RiskLevel.MEDIUM, _words(
        r"invest\w*", r"stock tips", r"trading signals?", r"crypto\w*", r"loans?", r"credit score"),
        "financial advice and products are regulated; keep it to personal bookkeeping"),
    RiskRule("health", RiskLevel.MEDIUM, _words(
        r"medications?", r"symptoms?", r"health records?", r"blood pressure", r"glucose"),
        "health data is sensitive personal data"),
    RiskRule("minors", RiskLevel.MEDIUM, _words(r"kids?", r"children", r"child", r"teens?"),
        "apps for children face stricter privacy rules"),
)


def assess(idea: str) -> ComplianceRisk:
    """The highest risk any rule finds, naming the category and quoting the trigger words."""
    for level in (RiskLevel.HIGH, RiskLevel.MEDIUM):
        for rule in RULES:
            if rule.level is not level:
                continue
            triggers = sorted({m.group(0).lower() for m in rule.pattern.finditer(idea)})
            if triggers:
                quoted = ", ".join(f'"{t}"' for t in triggers)
                return ComplianceRisk(
                    level=level, category=rule.category,
                    reason=f"the idea mentions {quoted}: {rule.why}",
                )
    return ComplianceRisk(level=RiskLevel.LOW, category="none", reason=NO_RISK_REASON)
