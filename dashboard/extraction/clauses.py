"""One sentence read as event mentions: its main event, and the events its adjuncts allude to.

A sentence of news English is split, by punctuation and a few function words, into regions:

- *attribution*: who reports it ("According to NBC News", "TASS, Russia's state news agency, reports that",
  ", The Guardian writes,"): sources, never participants or places;
- *direct speech* (a quotation of six words or more): the speaker's words, an official statement's content;
- *adjuncts* that allude to another event ("just before Russia's invasion of Ukraine", "as a response to
  Nancy Pelosi's visit", "in reference to the war in Ukraine"): each event word there is an *allusion*;
- the *main clause*: the rest, whose event is the sentence's main mention.

The main event is what the clause's participants take part in ("send troops … to participate in drills" is the
drills), else its event verb ("mobilized troops"), else a light verb's object ("held maneuvers"), else its event noun
("the war in Ukraine has put a strain"). An official speaker's verb of saying makes a statement unless what they
say is itself an event (an event verb after "that", or an announced event noun: "announced a partnership").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from ..dataset.schema import EventType
from .lexicon import SAY_VERBS, VERB_FORMS, Trigger, find_triggers
from .sources import is_outlet

__all__ = ["EventMention", "read_sentence"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())

Span = tuple[int, int]
Determiner = Literal["definite", "indefinite", "similar"]

_ADJUNCT = re.compile(r"\b(?:because|although|though|unless|whether|if|"
                      r"just before|shortly before|shortly after|just after|before|after|following|ahead of|"
                      r"amid|as a response to|in response to|in reference to|in retaliation for|under the excuse of|"
                      r"under the pretext of|in the wake of|during)\b", re.IGNORECASE)
_ACCORDING = re.compile(r",?\s*\baccording to\b[^,.;]*", re.IGNORECASE)
_SPEECH = re.compile(r"[“\"]([^”\"]+)[”\"]")
_PARTICIPATION = ("participate in", "take part in", "join", "attend")
_LEAD_WORDS = _words(
    "in on at under earlier later previously meanwhile however nonetheless nevertheless specifically also "
    "moreover furthermore still yet then now since after before last this yesterday today tomorrow monday "
    "tuesday wednesday thursday friday saturday sunday january february march april may june july august "
    "september october november december from as by until till over for throughout within")
_FINITE = re.compile(r"\b(?:is|are|was|were|has|have|had|will|would)\b|^(?:at least|at most)\b", re.IGNORECASE)
_TAIL_END = re.compile(r"(?:\s+(?:on|in|at)\s+[\w ]{1,30}|\s+(?:today|yesterday|late \w+))?\s*[.!?]?\s*$")
_NEGATION = re.compile(r"\b(?:not|never|no|nor|n[’']t|without|any|every|(?:fail|refus|declin)\w*\s+to|unable\s+to)"
                       r"\s+(?:[\w-]+\s+){0,2}$"
                       r"|n[’']t\s+(?:[\w-]+\s+){0,1}$", re.IGNORECASE)
_REPORTING = ("confirm", "report", "announce", "declare", "reveal", "record")
_RELATIVE = re.compile(r"(?:\b(?:who|which)|\b[a-z]+s\s+that)\s+(?:(?:have|has|had|were|was|had\s+been)\s+)?$")
_POSSIBLE = re.compile(r"\b(?:may|might|could|would|can|if|whether)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
# A passive verb of saying names its speaker after "by": "The death was confirmed by a WHO laboratory in Hong Kong".
_BY_AGENT = re.compile(r"\s+by\s+((?:the\s+|a\s+|an\s+)?[^,.;“\"]+?)(?=\s+(?:in|at|on|after|before|during|for|"
                       r"to|that|as)\b|[,.;“\"]|$)")
_PASSIVE = re.compile(r"\b(?:was|were|been|being|is|are|be)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
_SPEAKER_CUT = re.compile(r"\s+(?:in|on|at|during|via|through)\s+(?:a|an|its|their|his|her)\s", re.IGNORECASE)
_TRAILING = _words("has have had also was were is are will would then later earlier both too now already however "
                   "meanwhile though therefore")
_OFFICIAL_NOUNS = _words(
    "official spokesman spokeswoman spokesperson minister ministry department government authority authorities "
    "police army military president premier chancellor secretary agency organisation organization expert "
    "scientist doctor governor mayor council commission embassy kremlin office prosecutor court spokespeople "
    "leader commander laboratory lab institute centre center officer inspector examiner researcher "
    "union party association federation committee bureau service administration regulator coroner board")
_SIMILAR = _words(
    "similar another other previous earlier new further second fresh separate")
_PREPOSITIONS = _words(
    "before after to of in on at for from with by as under amid during following into than about excuse "
    "response reference")
_PRONOUNS = _words(
    "it they he she we i you had has have been was were")
_DEFINITE = _words(
    "the these this those that such its their his her our")
# What an event noun's own phrase may run over: prepositional phrases ("invasion of Ukraine", "visit to the
# Taipei government"), up to punctuation or a verb or conjunction that starts another clause.
_NP_STOP = re.compile(r"[,.;:!?“”\"]|\s(?:is|are|was|were|has|have|had|will|would|that|which|who|while|as|but|"
                      r"and\s+(?!the\b)[a-z]+ed|said|says)\b")
# "due to be held" is the future; "due to bird flu" a cause.
_DUE_TO = r"due to\s+(?:be|begin|start|take|hold|meet|open|arrive|visit|sign|vote|return|launch|resume|end|go)\b"
# A subject noun's predicate that makes the whole clause about its event ("will take place in …, include …").
_EVENT_PREDICATE = re.compile(r"\b(?:take place|took place|takes place|be held|was held|were held|are held|"
                              r"include|includes|included|involve|involves|begin|began|begins|start|started|starts|"
                              r"end|ended|continue|continued|scheduled|set to|" + _DUE_TO + r"|mobilize|last|run)\b",
                              re.IGNORECASE)
_FUTURE = re.compile(r"\b(?:will|shall|scheduled|planned|set to|" + _DUE_TO + r"|plans? to|to be held)\b",
                     re.IGNORECASE)
_PAST = re.compile(r"\b(?:\w+ed|was|were|had|held|sent|took|met|began|fought|said|told)\b", re.IGNORECASE)
_ELABORATION = re.compile(r"(?:Specifically|In particular|As part of|For example|For instance|Among them)\b")
_TROOPS = re.compile(r"^(?:These|Those|The|Its|Their)\s+(?:troops|forces|soldiers|units)\b|^They\b")
_KNOWN_SUBJECT = re.compile(r"(?i:the|this|that|these|those|he|she)\b(?!\s+(?:first|second|other|new|next)\b)")
_TREND = re.compile(r"(?:\s+[\w-]+){0,5}?\s+(?:have|has|had|are|is|were|was|continue(?:s|d)? to)?\s*(?:\w+ly\s+)?"
                    r"(?:risen|rose|rise|rising|increased|increase|increasing|grown|grew|growing|fallen|fell|falling|"
                    r"declined|decline|declining|dropped|doubled|tripled|climbed|on the rise|on the increase)\b",
                    re.IGNORECASE)
_ATTEMPT = re.compile(r"\b(?:try|tried|tries|trying|attempt|attempted|attempting|sought|seek|seeks) to\s+$")
_NAME = re.compile(r"\b(?:dubbed|called|named|code-named|codenamed|known as)\s+[“\"‘']?((?:[A-Z0-9][\w-]*\s?)+)")
_NAMED_YEAR = re.compile(r"\b([A-Z][a-z][\w-]*(?:\s[A-Z][\w-]*){0,2}\s(?:19|20)\d\d)\b")
_NOT_NAMES = _words(
    "in on at since by until during of from the and previously january february march april may june july "
    "august september october november december")


@dataclass
class EventMention:
    """One mention of an event in a sentence, by character offsets in the article."""

    sentence: int
    sentence_span: Span
    trigger: Trigger  # the word that gives the event type
    event_type: EventType
    verb: str  # base form for a title: "hold", "mobilize", "take over"
    role: Literal["main", "allusion"]
    scope: list[Span]  # where its places, participants and date are read
    subject: list[Span]  # where its actors are named
    determiner: Determiner = "indefinite"
    name: str | None = None
    speaker: str | None = None  # a statement's speaker, as written
    speaker_span: Span | None = None
    about: Trigger | None = None  # the event noun a statement speaks about
    tense: str = "present"
    elaboration: bool = False
    troops_anaphora: bool = False
    attempt: bool = False
    sources: list[str] = field(default_factory=list)
    marker: str = ""  # an allusion's adjunct word: "during", "before", "after" …
    kind: str = ""  # the event word's class ("disease", "death", "protest" …), see lexicon.KINDS
    agent: str | None = None  # who announces or confirms the event ("Health officials in the Gaza Strip")
    told_at: int = 0  # where the agent's verb of saying ends: the title's object starts there


def read_sentence(text: str, span: Span, number: int) -> list[EventMention]:
    """The event mentions of ``text[span[0]:span[1]]``: its main mention (if any) first, then its allusions."""
    start, end = span
    speech = [(m.start(), m.end()) for m in _SPEECH.finditer(text, start, end) if len(m.group(1).split()) >= 6]
    attribution = [(m.start(), m.end()) for m in _ACCORDING.finditer(text, start, end)]
    adjuncts = _adjuncts(text, start, end, speech + attribution)
    found = find_triggers(text, start, end)
    triggers = [t for t in found if not _inside(t.start, speech) and not _negated(text, start, t)
                and not _adjectival(text, start, t, found)]
    says = [t for t in triggers if t.form == "say" or (t.form == "light" and t.verb in SAY_VERBS)]
    outlets: list[str] = []
    for say in says:  # an outlet's verb of saying is attribution: "TASS … reports that", "The Guardian writes"
        who = _speaker_span(text, start, say, speech + attribution + adjuncts)
        if who and is_outlet(text[who[0]:who[1]], say.verb):
            attribution.append((who[0], _after_that(text, say.end)))
            outlets.append(text[who[0]:who[1]])
        else:
            tail = _reporting_tail(text, start, end, say, triggers)
            if tail is not None:
                attribution.append(tail)
    excluded = speech + attribution + adjuncts
    main_triggers = [t for t in triggers if not _inside(t.start, excluded)]
    mentions: list[EventMention] = []
    main = _main_mention(text, span, number, main_triggers, excluded)
    if main is not None:
        main.tense = _tense(text, span, excluded)
        main.elaboration = bool(_ELABORATION.match(text, start))
        main.name = _name(text, start, end)
        mentions.append(main)
    for trigger in triggers:
        adjunct = next((a for a in adjuncts if a[0] <= trigger.start < a[1]), None)
        if adjunct is not None and trigger.form in ("noun", "verb"):
            allusion = _allusion(text, span, number, trigger, adjunct, main)
            allusion.marker = text[adjunct[0]:adjunct[1]].split()[0].lower()
            mentions.append(allusion)
    return mentions


def _reporting_tail(text: str, start: int, end: int, say: Trigger, triggers: Sequence[Trigger]) -> Span | None:
    """A reporting clause after what happened ("Three people have died since Saturday, the Ministry of Health
    said."): attribution, so the sentence's event is what happened, not a statement about it."""
    comma = text.rfind(",", start, say.start)
    if comma < 0 or not _TAIL_END.match(text, say.end, end) or "”" in text[start:say.start]:
        return None
    who = text[comma + 1:say.start].strip()
    if not who or len(who.split()) > 8 or not any(t.form in ("noun", "verb") and t.end <= comma for t in triggers):
        return None
    return comma, end


def _negated(text: str, start: int, trigger: Trigger) -> bool:
    """A negated or merely possible event is no event ("does not spread", "no deaths", "could spread"); a statement
    keeps its own negation ("did not confirm" is still said)."""
    if trigger.form in ("say", "light"):
        return False
    before = text[max(start, trigger.start - 30):trigger.start]
    negation = _NEGATION.search(before)
    if negation and not re.search(r"(?:\b(?:a|an|the)\s+[“\"‘]?|[“\"‘])$", before[:negation.start()]):
        return True  # not a compound: a “no limits partnership”
    if trigger.form == "verb" and _RELATIVE.search(before):
        return True  # "all the patients that died of the disease did not reach …": a description, not the clause
    return bool(trigger.kind) and bool(_POSSIBLE.search(before))


def _adjectival(text: str, start: int, trigger: Trigger, triggers: Sequence[Trigger]) -> bool:
    """A participle qualifying an event noun is no verb: "15 confirmed cases", "the reported deaths"."""
    if trigger.form == "noun" or not trigger.text.lower().endswith("ed"):
        return False
    if trigger.kind and re.search(r"\b(?:the|a|an|its|their|his|her|these|those)\s+$",
                                  text[max(start, trigger.start - 8):trigger.start], re.IGNORECASE):
        return True  # "the infected children", "the injured"
    follows = next((t for t in triggers if t.start > trigger.end), None)
    if follows is None or follows.form != "noun" or text[trigger.end:follows.start].strip():
        return False
    return bool(re.search(r"(?:\b(?:the|a|an|all|its|their|of|with|and|more|new|several|many|some|few|other|"
                          r"\d[\d,]*)|[’']s)\s+$",
                          text[max(start, trigger.start - 20):trigger.start], re.IGNORECASE))


def _inside(position: int, regions: Sequence[Span]) -> bool:
    return any(a <= position < b for a, b in regions)


def _adjuncts(text: str, start: int, end: int, excluded: Sequence[Span]) -> list[Span]:
    spans: list[Span] = []
    for match in _ADJUNCT.finditer(text, start, end):
        if _inside(match.start(), excluded + spans):
            continue
        stop = re.compile(r"[,;]").search(text, match.end(), end)
        spans.append((match.start(), stop.start() if stop else end))
    return spans


def _after_that(text: str, position: int) -> int:
    match = re.compile(r"\s*(?:that\b|,)?").match(text, position)
    return match.end() if match else position


def _clause_start(text: str, start: int, end: int, excluded: Sequence[Span]) -> int:
    """Where the main clause begins: after leading adjuncts, attributions and adverbials ("Meanwhile,")."""
    position = start
    while position < end:
        while position < end and text[position] in " ,":
            position += 1
        region = next((r for r in excluded if r[0] <= position < r[1]), None)
        if region is not None:
            position = region[1]
            continue
        comma = text.find(",", position, end)
        words = text[position:comma].split() if comma > 0 else []
        lead = words[0].lower() if words else ""
        if (words and len(words) <= 10 and (lead in _LEAD_WORDS or lead.endswith("ly") or lead.isdigit())
                and not _FINITE.search(text, position, comma)):  # "At least 12 people were killed, …" is a clause
            position = comma + 1
            continue
        return position
    return position


def _speaker_span(text: str, start: int, say: Trigger, excluded: Sequence[Span]) -> Span | None:
    """Who speaks: the words after a closing quote (“…,” Price declared), else after the verb ("…,” declared the
    Ministry), else the clause's subject ("TASS, Russia's state news agency, reports")."""
    before = text[start:say.start]
    quote = max(before.rfind("”"), before.rfind('"'))
    if quote >= 0:
        left = start + quote + 1
        if text[left:say.start].strip(" ,"):
            return _trimmed(text, left, say.start)
        stop = re.compile(r"[,.;]").search(text, say.end)
        return _trimmed(text, say.end, stop.start() if stop else len(text))
    if _PASSIVE.search(before):  # "Death was confirmed": no speaker here, unless "by" someone
        by = _BY_AGENT.match(text, say.end)
        found = _trimmed(text, by.start(1), by.end(1)) if by else None
        return found if found is not None and _plausible_speaker(text, found) else None
    left = _clause_start(text, start, say.start, excluded)
    found = _trimmed(text, left, say.start) if left < say.start else None
    return found if found is not None and _plausible_speaker(text, found) else None


def _trimmed(text: str, a: int, b: int) -> Span | None:
    """The span without surrounding commas and spaces, a trailing "in a statement", auxiliaries or adverbs
    ("the Ministry has also"), and a leading article."""
    while a < b and text[a] in " ,":
        a += 1
    cut = _SPEAKER_CUT.search(text, a, b)
    b = cut.start() if cut else b
    while b > a:
        b = len(text[:b].rstrip(" ,"))
        tail = re.search(r"[\w’'-]+$", text[a:b])
        if tail is None or not (tail.group().lower() in _TRAILING or tail.group().endswith("ly")):
            break
        b = a + tail.start()
    return (a, b) if a < b else None


def _plausible_speaker(text: str, span: Span) -> bool:
    """A speaker is an official noun ("officials", "the ministry"), a name of two capitalised words ("Ned
    Price", "World Health Organization"), or a word the article capitalises inside a sentence too ("Price");
    not "Tests" or "His response", capitalised only because they start the sentence."""
    words = re.findall(r"[\w’'.-]+", text[span[0]:span[1]])
    if not words or len(words) > 15:
        return False
    if any(w.lower().rstrip("s") in _OFFICIAL_NOUNS or w.lower() in _OFFICIAL_NOUNS for w in words):
        return True
    if any(re.fullmatch(r"[A-Z]{2,6}", w) for w in words):  # an organisation's acronym: "WHO", "FAO", "UN"
        return True
    if re.search(r"\b[A-Z][\w’'.-]*\s+(?:of\s+(?:the\s+)?)?[A-Z]", text[span[0]:span[1]]):
        return True
    capitals = [w for w in words if w[:1].isupper() and w.lower() not in _DEFINITE]
    return any(re.search(rf"[a-z,;:]\s+{re.escape(w)}\b", text) for w in capitals)


def _main_mention(text: str, span: Span, number: int, triggers: list[Trigger],
                  excluded: Sequence[Span]) -> EventMention | None:
    start, end = span
    clause = _clause_start(text, start, end, excluded)
    region = _regions(start, end, excluded)
    says = [t for t in triggers if t.form == "say" or (t.form == "light" and t.verb in SAY_VERBS)]
    for say in says:
        speaker = _speaker_span(text, start, say, excluded)
        announced = _object_noun(text, say, triggers, direct=True)
        if announced is not None and announced.kind and say.verb not in _REPORTING:
            announced = None  # "They said the infections were …": what follows is a clause, not an object
        if announced is not None:  # "announced a partnership": the event announced, by the speaker
            mention = _mention(text, span, number, announced, say.verb, region, [(clause, say.start)], "main")
            if announced.kind and speaker is not None:  # "officials confirmed five cases": they tell, not do
                mention.agent, mention.told_at = text[speaker[0]:speaker[1]], say.end
            return mention
        content = [t for t in triggers if t.start > say.end and t not in says]
        event = _content_event(text, content, triggers)
        if event is not None:  # "informed that it will send troops … to participate in drills"
            trigger, verb = event
            subject = [(clause, say.start), *([speaker] if speaker else [])]
            if trigger.kind and trigger.form == "verb":  # "announced that 5 teals have tested positive"
                subject = [(_after_that(text, say.end), trigger.start)]
            return _mention(text, span, number, trigger, verb, region, subject, "main")
        if speaker is not None:
            mention = _mention(text, span, number, say, say.verb, region, [speaker], "main")
            mention.event_type = EventType.OFFICIAL_STATEMENT
            mention.speaker, mention.speaker_span = text[speaker[0]:speaker[1]], speaker
            mention.about = next((t for t in triggers if t.form == "noun"), None)
            return mention
    # "Deaths due to bird flu have steadily risen": a trend, a state of things, is no event
    nouns = [t for t in triggers if t.form == "noun" and not _TREND.match(text, t.end)]
    triggers = [t for t in triggers if t.form != "noun" or t in nouns]
    lead = nouns[0] if nouns and triggers and nouns[0] is triggers[0] else None
    event = None if lead is not None and _EVENT_PREDICATE.search(text[lead.end:lead.end + 80]) else \
        _content_event(text, triggers, triggers)
    if event is None:
        if not nouns:
            return None
        noun = nouns[0]
        after = text[noun.end:end]
        phrase = _noun_phrase(text, noun, start)
        comma = re.compile(r"[,;]").search(text, noun.end, end)
        # "floods swept through Bavaria on Saturday": the clause up to its first comma; an event predicate
        # ("will take place … and include …") makes the whole clause the event's
        scope = region if _EVENT_PREDICATE.search(after[:80]) else \
            [(phrase[0], comma.start() if comma else end)]
        return _mention(text, span, number, noun, noun.verb, scope, [(phrase[0], noun.start)], "main")
    trigger, verb = event
    return _mention(text, span, number, trigger, verb, region, [(clause, trigger.start)], "main")


def _content_event(text: str, content: list[Trigger], triggers: list[Trigger]) -> tuple[Trigger, str] | None:
    """The event a clause reports as happening: what its participants take part in, else its event verb (with the
    type of its object: "practiced maneuvers"), else a light verb's object ("held maneuvers")."""
    for light in content:
        if light.form == "light" and light.verb in _PARTICIPATION:
            noun = _object_noun(text, light, triggers)
            if noun is not None:
                return noun, "take part in"
    for verb in content:
        if verb.form == "verb":
            return verb, verb.verb
    for light in content:
        if light.form == "light" and light.verb not in SAY_VERBS:
            noun = _object_noun(text, light, triggers)
            if noun is not None:
                return noun, light.verb
    return None


def _object_noun(text: str, verb: Trigger, triggers: list[Trigger], *, direct: bool = False) -> Trigger | None:
    """The event noun a verb governs: within six words after it, no clause break between; ``direct``: as its
    object, with no other verb or pronoun between ("announced a “no limits partnership”", not "said it had
    launched an offensive")."""
    for noun in triggers:
        if noun.form == "noun" and noun.start > verb.end:
            gap = text[verb.end:noun.start]
            words = [w.lower() for w in re.findall(r"[\w’'-]+", gap)]
            if direct and (len(words) > 4 or any(w in _PRONOUNS or w in VERB_FORMS or w.endswith("ed")
                                                 for w in words)):
                return None
            if len(words) <= 6 and not re.search(r"[,;.]|\bthat\b", gap):
                return noun
            return None
    return None


def _regions(start: int, end: int, excluded: Sequence[Span]) -> list[Span]:
    """``[start, end)`` without the excluded regions."""
    cuts = sorted((max(a, start), min(b, end)) for a, b in excluded if a < end and b > start)
    regions, position = [], start
    for a, b in cuts:
        if a > position:
            regions.append((position, a))
        position = max(position, b)
    if position < end:
        regions.append((position, end))
    return regions


def _noun_phrase(text: str, noun: Trigger, floor: int) -> Span:
    """An event noun's own phrase: its determiner or possessor before it, its prepositional phrases after it."""
    words = list(re.finditer(r"[\w’'-]+", text[max(floor, noun.start - 60):noun.start]))
    left = noun.start
    for word in reversed(words[-5:]):
        w = word.group()
        if re.search(r"[,.;:]", text[max(floor, noun.start - 60) + word.end():left]) or w.lower() in _PREPOSITIONS:
            break
        left = max(floor, noun.start - 60) + word.start()
        if w.lower() in _DEFINITE or w.lower() in ("a", "an"):
            break
    stop = _NP_STOP.search(text, noun.end)
    right = stop.start() if stop else len(text)
    cut = list(re.finditer(r"\S+", text[noun.end:right]))
    if len(cut) > 10:
        right = noun.end + cut[9].end()
    return left, right


def _determiner(text: str, noun: Trigger, floor: int) -> Determiner:
    left, _ = _noun_phrase(text, noun, floor)
    words = [w.lower() for w in re.findall(r"[\w’'-]+", text[left:noun.start])]
    if any(w in _SIMILAR for w in words):
        return "similar"
    if words and (words[0] in _DEFINITE or any(w.endswith(("’s", "'s")) for w in words)):
        return "definite"
    return "indefinite"


def _mention(text: str, span: Span, number: int, trigger: Trigger, verb: str, scope: list[Span],
             subject: list[Span], role: Literal["main", "allusion"]) -> EventMention:
    noun = trigger if trigger.form == "noun" else None
    if noun is None:  # "practiced similar maneuvers": the object noun tells a verb's determiner
        noun = next((t for t in find_triggers(text, trigger.end, min(span[1], trigger.end + 60))
                     if t.form == "noun"), None)
    determiner = _determiner(text, noun, span[0]) if noun is not None else "indefinite"
    event_type = trigger.event_type
    if trigger.form in ("light", "say") and noun is not None:
        event_type = noun.event_type
    subject_text = " ".join(text[a:b] for a, b in subject).strip()
    kind = noun.kind if trigger.form in ("light", "say") and noun is not None else trigger.kind
    own_subject = re.split(r",\s+|\s+that\s+", subject_text)[-1]  # "investigations have shown that the victims"
    if trigger.form == "verb" and kind and noun is None and _KNOWN_SUBJECT.match(own_subject):
        determiner = "definite"  # "The boy died in Tulungagung": the boy whose death was reported
    return EventMention(number, span, trigger, event_type, verb, role, scope, subject, determiner,
                        troops_anaphora=bool(_TROOPS.match(subject_text)),
                        attempt=bool(_ATTEMPT.search(text[max(span[0], trigger.start - 30):trigger.start])),
                        kind=kind)


def _allusion(text: str, span: Span, number: int, trigger: Trigger, adjunct: Span,
              main: EventMention | None) -> EventMention:
    if trigger.form == "noun":
        phrase = _noun_phrase(text, trigger, adjunct[0])
        mention = _mention(text, span, number, trigger, trigger.verb, [phrase], [(phrase[0], trigger.start)],
                           "allusion")
    else:  # "just before invading Ukraine": the main clause's subject invades
        subject = main.subject if main is not None else []
        mention = _mention(text, span, number, trigger, trigger.verb, [(trigger.start, adjunct[1])], subject,
                           "allusion")
        mention.determiner = "definite"
    mention.tense = "past"
    return mention


def _tense(text: str, span: Span, excluded: Sequence[Span]) -> str:
    clause = " ".join(text[a:b] for a, b in _regions(*span, excluded))
    if _FUTURE.search(clause):
        return "future"
    return "past" if _PAST.search(clause) else "present"


def _name(text: str, start: int, end: int) -> str | None:
    """An event's proper name: after "dubbed", "called" …, or a capitalised name with a year ("Vostok 2022")."""
    match = _NAME.search(text, start, end)
    if match:
        return match.group(1).strip()
    for match in _NAMED_YEAR.finditer(text, start, end):
        if match.group(1).split()[0].lower() not in _NOT_NAMES:
            return match.group(1)
    return None
