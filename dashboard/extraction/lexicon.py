"""Event words of news English: which word names which kind of event, as a noun or a verb.

The event type of a clause comes from its event word (its *trigger*), not from any keyword anywhere in the sentence:
"Moscow and Beijing announced a partnership" is an agreement (the announced noun), "Russia mobilized troops …
under the excuse of military drills" a deployment (the main verb). Light verbs ("hold", "announce", "take part in")
take the type of their object noun; verbs of saying make an official statement when no event is their object.
The events of general news (deaths, disease cases, disasters, protests, elections, arrests …) are type ``other``
with a class (:data:`KINDS`) that keeps "the death" from referring back to "the outbreak".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from ..dataset.schema import EventType

__all__ = ["KINDS", "LIGHT_VERBS", "SAY_VERBS", "TYPE_KEYWORDS", "VERB_FORMS", "Trigger", "event_type_of",
           "find_triggers", "third_person", "verb_forms"]

X, D, C, A, V, S, OT = (EventType.MILITARY_EXERCISE, EventType.TROOP_DEPLOYMENT, EventType.ARMED_CONFLICT,
                       EventType.DIPLOMATIC_AGREEMENT, EventType.DIPLOMATIC_VISIT, EventType.OFFICIAL_STATEMENT,
                       EventType.OTHER)
# Nouns that name an event, with the verb a title uses for them ("Russia's invasion" → "Russia invades").
NOUNS: dict[str, tuple[EventType, str]] = {
    **dict.fromkeys(["drill", "drills", "exercise", "exercises", "maneuver", "maneuvers", "manoeuvre", "manoeuvres",
                     "war game", "war games", "wargames", "joint operations", "naval operations"], (X, "hold")),
    **dict.fromkeys(["deployment", "deployments", "mobilization", "mobilisation", "buildup", "build-up",
                     "troop movements"], (D, "deploy")),
    "invasion": (C, "invade"), "war": (C, ""), "attack": (C, "attack"), "attacks": (C, "attack"),
    "offensive": (C, "launch"), "fighting": (C, "fight"), "shelling": (C, "shell"), "clashes": (C, "clash"),
    "bombing": (C, "bomb"), "airstrike": (C, "strike"), "airstrikes": (C, "strike"), "air strikes": (C, "strike"),
    "assault": (C, "attack"), "battle": (C, "fight"), "siege": (C, "besiege"), "occupation": (C, "occupy"),
    "raid": (C, "raid"), "raids": (C, "raid"), "ambush": (C, "ambush"),
    **dict.fromkeys(["agreement", "treaty", "partnership", "pact", "accord", "deal", "alliance", "ceasefire",
                     "truce", "memorandum"], (A, "sign")),
    "visit": (V, "visit"), "visits": (V, "visit"), "state visit": (V, "visit"), "summit": (V, "attend"),
    "trip": (V, "visit"), "talks": (V, "hold"), "meeting": (V, "meet"),
    # General news events outside the security vocabulary: type ``other``, told apart by their class (KINDS).
    **dict.fromkeys(["flood", "floods", "flooding", "earthquake", "earthquakes", "quake", "storm", "cyclone",
                     "hurricane", "typhoon", "tornado", "tsunami", "wildfire", "wildfires", "landslide", "mudslide",
                     "avalanche", "eruption", "drought", "heatwave", "heat wave", "blaze", "forest fire"], (OT, "")),
    **dict.fromkeys(["explosion", "blast", "crash", "collision", "derailment", "accident", "collapse",
                     "poisoning", "food poisoning", "spill", "leak"], (OT, "")),
    **dict.fromkeys(["outbreak", "outbreaks", "epidemic", "pandemic", "case", "cases", "infection", "infections"],
                    (OT, "")),
    **dict.fromkeys(["death", "deaths", "fatality", "fatalities", "death toll"], (OT, "")),
    **dict.fromkeys(["protest", "protests", "demonstration", "demonstrations", "rally", "rallies", "riot", "riots",
                     "vigil", "vigils", "general strike"], (OT, "")),
    **dict.fromkeys(["election", "elections", "referendum", "by-election", "runoff", "run-off"], (OT, "")),
    **dict.fromkeys(["arrest", "arrests", "detention", "trial", "verdict", "conviction"], (OT, "")),
    **dict.fromkeys(["shooting", "stabbing", "murder", "kidnapping", "hijacking", "massacre"], (OT, "")),
    **dict.fromkeys(["evacuation", "evacuations", "cull", "culling", "quarantine", "lockdown", "recall"], (OT, "")),
}
# Verbs that name an event themselves (base form); "send troops" and the like are phrases.
VERBS: dict[str, EventType] = {
    "practice": X, "practise": X,
    "deploy": D, "mobilize": D, "mobilise": D, "amass": D, "send troops": D, "send forces": D,
    "send soldiers": D, "move troops": D,
    "invade": C, "attack": C, "shell": C, "bomb": C, "take over": C, "capture": C, "occupy": C,
    "fight": C, "clash": C, "raid": C, "ambush": C,
    "sign": A, "visit": V, "meet": V, "flood": OT, "erupt": OT, "explode": OT,
    "die": OT, "kill": OT, "infect": OT, "test positive": OT, "hospitalize": OT, "hospitalise": OT,
    "protest": OT, "demonstrate": OT, "riot": OT, "rally": OT,
    "elect": OT, "vote": OT, "re-elect": OT, "arrest": OT, "detain": OT, "convict": OT, "sentence": OT,
    "evacuate": OT, "crash": OT, "collapse": OT, "cull": OT, "quarantine": OT, "resign": OT, "free": OT,
    "pardon": OT, "injure": OT, "wound": OT,
}
# The class of an event of type ``other`` (and of a few others): mentions refer back only within a class ("the
# death" to "the boy died", not to "the outbreak"), and a reviewer sees what kind of event it is.
KINDS: dict[str, tuple[str, ...]] = {
    "disaster": ("flood", "floods", "flooding", "earthquake", "earthquakes", "quake", "storm", "cyclone", "hurricane",
                 "typhoon", "tornado", "tsunami", "wildfire", "wildfires", "landslide", "mudslide", "avalanche",
                 "eruption", "drought", "heatwave", "heat wave", "blaze", "forest fire", "erupt", "evacuation",
                 "evacuations", "evacuate"),
    "accident": ("explosion", "blast", "crash", "collision", "derailment", "accident", "collapse", "explode",
                 "poisoning", "food poisoning", "spill", "leak"),
    "disease": ("outbreak", "outbreaks", "epidemic", "pandemic", "case", "cases", "infection", "infections",
                "infect", "test positive", "hospitalize", "hospitalise", "cull", "culling", "quarantine",
                "lockdown"),
    "death": ("death", "deaths", "fatality", "fatalities", "death toll", "die", "kill", "injure", "wound"),
    "protest": ("protest", "protests", "demonstration", "demonstrations", "rally", "rallies", "riot", "riots",
                "vigil", "vigils", "general strike", "demonstrate"),
    "election": ("election", "elections", "referendum", "by-election", "runoff", "run-off", "elect", "vote",
                 "re-elect", "resign"),
    "justice": ("arrest", "arrests", "detention", "trial", "verdict", "conviction", "detain", "convict", "sentence",
                "free", "pardon"),
    "crime": ("shooting", "stabbing", "murder", "kidnapping", "hijacking", "massacre"),
    "recall": ("recall",),
}
KIND_OF = {word: kind for kind, words in KINDS.items() for word in words}
# Nouns that name an event only with a count or a qualifier before them ("15 confirmed cases", "the first five
# cases", "a new case"), not "in some cases"; "death" is the event "the death of a boy", not "sentenced to death".
_LICENSED = {"case": re.compile(r"\b(?:\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|dozens?|hundreds?|"
                                r"thousands?|new|confirmed|suspected|first|human|fatal|probable|reported|more)\s+"
                                r"(?:[\w-]+\s+){0,2}$", re.IGNORECASE)}
_LICENSED["cases"] = _LICENSED["case"]
# An event noun used as a modifier names no event: "riot police", "flood defences", "election campaign posters".
_MODIFIER_OF = re.compile(r"\s+(?:police|gear|squad|control|shields?|defen[cs]es|victims?|zone|warnings?|risk|"
                          r"season|campaign|workers?|rates?|tolls?|sites?|response|preparedness|plans?|sentences?|penalty|row|"
                          r"threats?|squads?|certificates?)\b",
                          re.IGNORECASE)
_NOT_EVENT_BEFORE = {"death": re.compile(r"\b(?:to|with)\s+$", re.IGNORECASE),  # "sentenced to death"
                     "deaths": re.compile(r"\bno\s+$", re.IGNORECASE),
                     # "social mobilization" against a disease is no troop movement
                     "mobilization": re.compile(r"\b(?:social|community|public|political|resource)\s+$",
                                                re.IGNORECASE)}
_NOT_EVENT_BEFORE["mobilisation"] = _NOT_EVENT_BEFORE["mobilization"]
# Verbs that take the type of the event noun they govern ("held drills", "took part in the exercises").
LIGHT_VERBS = ("hold", "conduct", "stage", "launch", "carry out", "begin", "start", "join", "participate in",
               "take part in", "attend", "organize", "organise", "resume", "host", "announce", "unveil", "agree")
# Verbs of saying: the speaker's statement, unless the speaker is an outlet (then only a source).
SAY_VERBS = ("say", "declare", "tell", "inform", "highlight", "report", "write", "note", "add", "warn", "confirm",
             "claim", "announce", "stress", "emphasize", "emphasise", "insist", "deny", "condemn", "urge",
             "criticize", "criticise", "accuse", "ask", "call on", "call for", "appeal", "recommend", "advise",
             "comment", "reveal", "explain", "order")
_IRREGULAR = {"hold": ["held"], "send": ["sent"], "meet": ["met"], "fight": ["fought"], "begin": ["began", "begun"],
              "tell": ["told"], "write": ["wrote", "written"], "say": ["said"], "take": ["took", "taken"],
              "carry": ["carried"], "deny": ["denied"], "move": ["moved"], "stage": ["staged"],
              "free": ["freed"], "sentence": ["sentenced"], "die": ["died"], "re-elect": ["re-elected"]}
_VERB_CONTEXT = re.compile(r"(?:\b(?:to|will|would|could|can|may|might|must|did|does|do|not|shall|n’t|n't)\s+)$",
                           re.IGNORECASE)
_NOUN_CONTEXT = re.compile(r"(?:\b(?:the|a|an|this|these|those|that|its|their|his|her|our|such|similar|joint)|"
                           r"[’']s)\s+(?:[\w-]+\s+){0,3}$", re.IGNORECASE)

_DETERMINED = re.compile(r"\b(?:a|an|the|this|its|their|his|her)\s+(?:[\w-]+\s+)?$", re.IGNORECASE)
_SUBJECT_BEFORE = re.compile(r"(?:\b[A-Z][\w-]*|\b(?:they|it|he|she|we|troops|forces|officials|leaders))\s+"
                             r"(?:(?:also|now|then|later|jointly)\s+)?$")

_PROPER_BEFORE = re.compile(r"\b(?!(?:The|A|An|This|These|Those|Its|Their|His|Her)\s)[A-Z][\w-]*\s+$")

# Words that suggest a type in a one-line title (a table's row, where there is no clause to read), most specific
# first: :mod:`dashboard.dataset.columns` guesses a missing type from them.
TYPE_KEYWORDS: list[tuple[EventType, tuple[str, ...]]] = [
    (X, ("drill", "exercise", "maneuver", "manoeuvre", "war game", "practic", "joint operation")),
    (D, ("deploy", "mobiliz", "mobilis", "send troops", "sent troops", "troops to")),
    (C, ("invasion", "invad", "war ", "attack", "offensive", "fighting", "shelling", "clash", "take over")),
    (A, ("agreement", "treaty", "partnership", "pact", "accord", "signed", "ties")),
    (V, ("visit", "summit", "met with", "trip to")),
    (S, ("said", "declared", "announced", "stated", "statement", "press release", "informed", "spokesman",
         "spokeswoman", "told")),
]

Form = Literal["noun", "verb", "light", "say"]


@dataclass(frozen=True)
class Trigger:
    """An event word at ``text[start:end]``: its type, its form, and the verb a title uses (base form)."""

    start: int
    end: int
    text: str
    event_type: EventType
    form: Form
    verb: str
    kind: str = ""  # the class of the event word: "disease", "death", "protest" … ("" for the security types)


def verb_forms(base: str) -> list[str]:
    """A verb phrase's forms ("take over" → takes over, took over, taken over, taking over)."""
    head, _, rest = base.partition(" ")
    tail = f" {rest}" if rest else ""
    stem = head[:-1] if head.endswith("e") else head
    past = _IRREGULAR.get(head, [head + "d" if head.endswith("e") else
                                 head[:-1] + "ied" if head.endswith("y") and head[-2] not in "aeiou" else head + "ed"])
    third = head + ("es" if head.endswith(("s", "sh", "ch", "x")) else "s")
    if head.endswith("y") and head[-2] not in "aeiou":
        third = head[:-1] + "ies"
    return [f"{form}{tail}" for form in dict.fromkeys([head, third, *past, stem + "ing"])]


def third_person(base: str, plural: bool) -> str:
    """The present tense of a base verb phrase for a title: "hold" → "holds" (one actor) or "hold" (several)."""
    return base if plural else verb_forms(base)[1]


def _pattern(phrases: list[str]) -> re.Pattern[str]:
    words = sorted({p.replace(" ", r"\s+") for p in phrases}, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(words) + r")\b", re.IGNORECASE)


_BASE_OF = {form: base for base in [*VERBS, *LIGHT_VERBS, *SAY_VERBS] for form in verb_forms(base)}
# "send 2,000 troops": the number between the verb and its object is allowed.
VERB_FORMS = frozenset(_BASE_OF)
_VERB_RE = re.compile(r"\b(" + "|".join(sorted((f.replace(" troops", r"(?:\s+[\d,]+|\s+more)?\s+troops")
                                                 .replace(" forces", r"(?:\s+[\d,]+)?\s+forces")
                                                 .replace(" ", r"\s+") for f in _BASE_OF), key=len, reverse=True))
                      + r")\b", re.IGNORECASE)
_NOUN_RE = _pattern(list(NOUNS))


def find_triggers(text: str, start: int, end: int) -> list[Trigger]:
    """Every event word in ``text[start:end]``, in order; a word both noun and verb ("attack", "visit") is read by
    what comes before it ("an attack", "to attack")."""
    found: dict[int, Trigger] = {}
    for match in _NOUN_RE.finditer(text, start, end):
        word = " ".join(match.group().lower().split())
        before = text[max(start, match.start() - 40):match.start()]
        if (word in _LICENSED and not _LICENSED[word].search(before)) or (
                word in _NOT_EVENT_BEFORE and _NOT_EVENT_BEFORE[word].search(before)) or (
                _MODIFIER_OF.match(text, match.end())):
            continue
        event_type, verb = NOUNS[word]
        found[match.start()] = Trigger(match.start(), match.end(), match.group(), event_type, "noun", verb,
                                       KIND_OF.get(word, ""))
    for trigger in _verbs(text, start, end):
        if ((re.match(r"\s+that\b", text[trigger.end:trigger.end + 6])
             and not _DETERMINED.search(text[max(start, trigger.start - 30):trigger.start]))  # "a press release that"
                or _reads_as_verb(text, trigger.start, trigger.text, trigger.start in found)):
            found[trigger.start] = trigger
    return sorted(found.values(), key=lambda t: t.start)


def _verbs(text: str, start: int, end: int) -> Iterator[Trigger]:
    for match in _VERB_RE.finditer(text, start, end):
        words = match.group().lower().split()
        key = " ".join(w for w in words if not w[0].isdigit() and w != "more")
        base = _BASE_OF.get(key)
        if base is None:
            continue
        if base in SAY_VERBS and base not in LIGHT_VERBS + tuple(VERBS):
            yield Trigger(match.start(), match.end(), match.group(), S, "say", base)
        elif base in VERBS:
            yield Trigger(match.start(), match.end(), match.group(), VERBS[base], "verb", base, KIND_OF.get(base, ""))
        else:
            yield Trigger(match.start(), match.end(), match.group(), S, "light", base)


def _reads_as_verb(text: str, start: int, word: str, noun: bool) -> bool:
    """Past forms are verbs; "-ing" forms unless a determiner comes first ("the fighting"); a base or "-s" form
    ("signs", "visit") after a modal, "to" or a subject ("China signs", "they visit"), never after a determiner."""
    head = word.lower().split()[0]
    if head.endswith(("ed", "ied")) or head in {f for forms in _IRREGULAR.values() for f in forms}:
        return True
    before = text[max(0, start - 40):start]
    if head.endswith("ing"):
        return not _NOUN_CONTEXT.search(before)
    if _VERB_CONTEXT.search(before) or _PROPER_BEFORE.search(before):
        # a proper name before the verb ("The Guardian writes"), not a determiner ("The attack")
        return True
    if noun or _NOUN_CONTEXT.search(before):
        return False
    return bool(_SUBJECT_BEFORE.search(before))


def event_type_of(sentence: str) -> tuple[EventType, str | None]:
    """The type of the sentence's first event word and the word; (official_statement, None) when it has none.

    A compatibility helper for single sentences; the extractor types each clause by its own trigger."""
    triggers = [t for t in find_triggers(sentence, 0, len(sentence)) if t.form != "light"]
    typed = [t for t in triggers if t.form != "say"] or triggers
    if not typed:
        return S, None
    return typed[0].event_type, typed[0].text
