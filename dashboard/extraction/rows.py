"""Drafted events as rows of the dataset: a short title, the dates and their note, quote, notes and doubt.

A title says who does what where ("Russia mobilizes troops to Belarus", "Vostok 2022: joint military maneuvers in
the Russian Far East", "Chinese Ministry of Defense comments on Vostok 2022"), built from the event's trigger,
actors and place, never a truncated sentence. The ``doubt`` column gives a reviewer the reason to check a row first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..dataset.schema import LIST_SEPARATOR, QUOTE_ELISION, DateBasis, DatePrecision, EventType
from ..geography.countries import country_name
from .clauses import EventMention
from .events import Event
from .lexicon import VERB_FORMS, find_triggers, third_person
from .sources import find_sources

__all__ = ["event_row", "is_plural", "title_of"]

NO_DATE_FACTOR = 0.7  # an event the article does not date is less certain
ASSUMED_PLACE_FACTOR = 0.7  # a place the article does not name for the event
_SLUG = re.compile(r"[^a-z0-9]+")
_TITLE_PREPOSITIONS = frozenset(["in", "at", "to", "near", "close to", "off", "around", "into", "across", "over",
                                 "outside", "next to", "towards", "toward"])
# Verbs whose place is their object: "invades Ukraine", "visits Taipei", "tries to take over Kyiv".
DIRECT_VERBS = frozenset(["invade", "visit", "attack", "occupy", "besiege", "take over", "capture"])
_SUBJECT_TAIL = frozenset(["has", "have", "had", "also", "was", "were", "is", "are", "will", "would", "then",
                           "later", "earlier", "official", "been", "used", "to", "try"])
_OF_TAIL = re.compile(r"\s+(?:of|from)\s+(?:(?!(?:earlier|later|on|in|at|since|after|before|last|this|yesterday|today"
                      r"|was|were|is|are|has|had)\b)[\w’'-]+\s?){1,5}?(?=\s*(?:[,.;]|$|\s(?:earlier|later|on|in|at|"
                      r"since|after|before|last|this|yesterday|today|was|were|is|are|has|had)\b))", re.IGNORECASE)
_SAID_LEAD = re.compile(r"^(?:\s*(?:,|in a statement|in a press release|on \w+day|today|yesterday|also|on|"
                        r"in an interview))*\s*", re.IGNORECASE)
_FUNCTION_WORDS = frozenset(["the", "a", "an", "of", "to", "in", "on", "at", "and", "or", "for", "with", "by", "from",
                             "that", "be", "is", "are", "was", "were", "its", "their", "about", "after", "before",
                             "because", "when", "while", "as", "than"])
_HEAD_CUT = re.compile(r",|\s(?:of|in|at|for|from|with|on|to|who|which|that|near)\s", re.IGNORECASE)
_CONJUNCTS = re.compile(r",\s+|\s+that\s+|\s+and\s+(?=(?:\d|one|two|three|four|five|six|seven|eight|nine|ten|the|a|"
                        r"an|at|some|several|many|more|over|around|about)\b)")
_SUBJECT_LEAD = re.compile(r"^(?:(?:that|shown that|and|but|then|so|the|these|those|this)\s+)+", re.IGNORECASE)
_AUXILIARIES = frozenset(["be", "being", "been", "is", "are", "was", "were", "has", "have", "had", "will", "would",
                          "may", "might", "could", "can", "reportedly", "also"])
_PASSIVE_FORMS = frozenset(["detained", "arrested", "killed", "injured", "wounded", "infected", "hospitalized",
                            "hospitalised", "evacuated", "elected", "convicted", "sentenced", "freed", "released",
                            "pardoned", "culled", "quarantined", "re-elected"])
# A verb's object: up to a clause break, a preposition that starts a place or time, or a relative clause.
_OBJECT = re.compile(r"((?:\s+(?!(?:in|at|on|near|since|after|before|during|from|when|while|who|which|that|as|because|"
                     r"following|last|this|earlier|later|yesterday|today|by)\b)[\w’'%$-]+(?:,\d{3})*){0,6})",
                     re.IGNORECASE)
_NUMBER_WORDS = frozenset(["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                           "twelve", "twenty", "dozens", "hundreds", "thousands", "millions", "another", "several",
                           "many", "both", "at", "around", "about", "over", "some", "all"])
_KIND_LABEL = {"disaster": "Disaster", "accident": "Accident", "disease": "Disease cases", "death": "Deaths",
               "protest": "Protest", "election": "Election", "justice": "Arrest or trial", "crime": "Crime",
               "recall": "Recall"}
_PLURAL_HEADS = frozenset(["people", "police", "children", "men", "women", "staff", "personnel", "media", "cattle",
                           "authorities", "officials", "sheep", "troops", "forces"])
_SINGULAR_HEADS = frozenset(["organization", "organisation", "department", "ministry", "service", "administration",
                             "agency", "centre", "center", "council", "commission", "institute", "office", "bureau",
                             "union", "committee", "government", "laboratory", "lab", "board", "party", "court"])
# What a count of general news events keeps in a title: "15 confirmed cases", "40 new cases", "3,172 deaths".
_QUALIFIERS = frozenset(["confirmed", "suspected", "reported", "new", "human", "fatal", "probable", "recorded"])
_PHRASE_STOP = frozenset(["the", "these", "this", "those", "in", "of", "to", "dubbed", "its", "their", "his",
                          "her", "with", "from", "for", "by", "and", "or", "than", "after", "before"])


def event_row(event: Event, text: str, seed: str, reference: tuple[int, str], place_name: str) -> dict[str, str]:
    """One row of ``events.csv`` (plus ``confidence`` and ``doubt``) for a drafted event."""
    doubts = _doubts(event)
    confidence = event.place.confidence if event.place else 0.0
    confidence *= 1.0 if event.dates else NO_DATE_FACTOR
    confidence *= ASSUMED_PLACE_FACTOR if event.place and event.place.how != "named" else 1.0
    main = [m for m in event.mentions if m.role == "main"]
    return {
        "event_id": "",
        "title": title_of(event, text),
        "event_type": event.event_type.value,
        **_date_columns(event, reference),
        "place": place_name,
        "participants": LIST_SEPARATOR.join(event.participants),
        "sources": LIST_SEPARATOR.join(dict.fromkeys(s for m in main for s in find_sources(
            text[m.sentence_span[0]:m.sentence_span[1]], [event.place.written if event.place else ""]))),
        "quote": QUOTE_ELISION.join(dict.fromkeys(text[m.sentence_span[0]:m.sentence_span[1]]
                                                  for m in sorted(event.mentions, key=lambda m: m.sentence))),
        "seed": seed,
        "notes": _notes(event),
        "confidence": f"{confidence:.2f}",
        "doubt": "; ".join(doubts),
    }


def event_id(title: str, taken: set[str]) -> str:
    """A unique id from the title: "russia-mobilizes-troops-to-belarus"."""
    base = _SLUG.sub("-", title.lower()).strip("-")[:70].rstrip("-") or "event"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


# --- titles ----------------------------------------------------------------------------------------------------


def title_of(event: Event, text: str) -> str:
    """Who does what where, from the event's best mention."""
    where = _where(event)
    if not where and event.place is not None and event.place.how in ("sentence", "context") and event.first.kind:
        where = f" in {event.place.result.name}"  # its sentence names the place (the doubt says it is assumed)
    if event.name:
        return f"{event.name}: {_noun_phrase(event, text)}{where}"
    mention = _title_mention(event)
    if mention.speaker is not None:
        return _statement_title(event, mention, text)
    if mention.agent:  # "Health officials in the Gaza Strip confirm the territory's first five cases"
        return _told_title(event, mention, text)
    if mention.kind and mention.trigger.form == "verb":  # "Three babies die in Pingliang"
        told = _kind_title(event, mention, text)
        return told or f"{_KIND_LABEL.get(mention.kind, 'Event')}{where}"  # no subject to tell it by
    actors = _actor_names(event, text)
    if not mention.verb or (not actors and mention.trigger.form == "noun"):
        phrase = _noun_phrase(event, text)
        return f"{phrase[:1].upper()}{phrase[1:]}{where}"
    plural = " and " in actors or actors.endswith(" others") if event.actors else is_plural(actors)
    actors = actors[:1].upper() + actors[1:]
    attempt = f"{'try' if plural else 'tries'} to {mention.verb}"  # "… used to try to take over Kyiv"
    verb_phrase = attempt if mention.attempt else third_person(mention.verb, plural)
    obj = _object(event, mention, text)
    direct = not obj and (mention.verb in DIRECT_VERBS or event.place.preposition in ("", "of"))
    return f"{actors} {verb_phrase}{obj}{_where(event, direct=direct)}"


def _statement_title(event: Event, mention: EventMention, text: str) -> str:
    """"X comments on <the event it speaks of>", else what X says, warns or asks ("UN warns civilians …"), else
    "X makes a statement"; the verb agrees with the speaker ("officials say", "the ministry says")."""
    speaker = _clean(_head_apposition(mention.speaker or ""))
    plural = is_plural(speaker)
    if event.about is not None and event.about.name:
        return f"{speaker} {'comment' if plural else 'comments'} on {event.about.name}"
    said = _said(mention, text)
    if said:
        return f"{speaker} {third_person(mention.verb, plural)} {said}"
    about = _about(event, text)
    if about:
        return f"{speaker} {'comment' if plural else 'comments'} on {about}"
    return f"{speaker} {'make' if plural else 'makes'} a statement"


def _told_title(event: Event, mention: EventMention, text: str) -> str:
    """An event someone announces or confirms, titled as they tell it: "WHO confirms the death of a boy"."""
    agent = _clean(_head_apposition(mention.agent or ""))
    end = mention.trigger.end
    tail = _OF_TAIL.match(text, end, mention.sentence_span[1])
    obj = _shortened(text[mention.told_at:tail.end() if tail else end])
    where = "" if event.place is None or event.place.written in agent else _where(event)
    return f"{agent} {third_person(mention.verb, is_plural(agent))} {obj}{where}"


def _kind_title(event: Event, mention: EventMention, text: str) -> str:
    """A general news event told by its verb: its subject as written (the last of coordinated clauses: "three
    babies" of "35 people have become ill and three babies died"), the verb agreeing with it, a short object."""
    subject = " ".join(text[a:b] for a, b in mention.subject)
    if re.search(r"[“”\"]", subject):
        return ""
    words: list[str] = []
    for part in reversed(_CONJUNCTS.split(subject.strip())):  # the last conjunct that is more than an adverb
        words = _SUBJECT_LEAD.sub("", part).split()
        while words and (words[-1].lower() in _SUBJECT_TAIL or words[-1].lower() in _AUXILIARIES
                         or words[-1].endswith("ly")):
            words.pop()
        if words:
            break
    if words and words[0].lower() in _AUXILIARIES | {"managed", "tried", "to"}:
        return ""  # no subject of its own: "… but has managed to limit the fatalities of all people infected"
    if len(words) > 8:  # "a cholera epidemic in the African country of Zimbabwe": its head
        words = _HEAD_CUT.split(" ".join(words), maxsplit=1)[0].split()
    if not words or len(words) > 8:
        return ""
    subject = " ".join(words)
    obj = _OBJECT.match(text, mention.trigger.end, mention.sentence_span[1])
    phrase = obj.group(1).strip() if obj else ""
    if mention.trigger.text.lower().split()[0] in _PASSIVE_FORMS and re.search(
            r"\b(?:was|were|been|being|is|are)$", " ".join(text[a:b] for a, b in mention.subject).strip()):
        verb = f"{'are' if is_plural(subject) else 'is'} {mention.trigger.text.split()[0]}"  # "70 people are detained"
        phrase = ""
    else:
        verb = third_person(mention.verb, is_plural(subject))
    title = " ".join(w for w in (subject, verb, _shortened(phrase, 6)) if w)
    where = "" if event.place is None or (event.place.written and event.place.written in title) else _where(event)
    if not where and event.place is not None and event.place.how in ("sentence", "context"):
        where = f" in {event.place.result.name}"  # assumed, as its doubt says
    if event.place is not None and re.search(rf"\b{re.escape(event.place.result.name)}\b", title):
        where = ""  # "Libya frees six foreign medical personnel", not "… in Libya"
    return f"{title[:1].upper()}{title[1:]}{where}"


def _said(mention: EventMention, text: str) -> str:
    """What a statement says, when its clause tells it after the verb ("warned that civilians … should be given
    more information"): up to the first clause break, at most twelve words."""
    say = mention.trigger
    if mention.speaker_span is not None and mention.speaker_span[0] >= say.end:
        before = text[mention.sentence_span[0]:say.start]
        if "”" in before or '"' in before:
            return ""  # "…,” declared the Ministry: the words are in the quotation
        # "The death was confirmed by a WHO laboratory": what is confirmed is the subject
        subject = re.sub(r"\s+(?:\w+ly\s+)?(?:was|were|been|being|is|are|has|have|had)(?:\s+\w+ly)?\s*$", "",
                         before.strip())
        return _shortened(subject[:1].lower() + subject[1:]) if subject.split()[:1] and subject.split()[0] in (
            "The", "This", "These", "Those", "Its", "Their") else ""
    rest = _SAID_LEAD.sub("", text[say.end:mention.sentence_span[1]])
    if not rest or rest[0] in "“\"‘'(":
        return ""
    return _shortened(re.split(r"[,;:.](?=\s|$)|[“\"(]|\s[–—-]\s", rest, maxsplit=1)[0])


def _shortened(phrase: str, limit: int = 12) -> str:
    words = phrase.split()
    cut = len(words) > limit
    words = words[:limit]
    while words and words[-1].lower() in _FUNCTION_WORDS:
        words.pop()
    return " ".join(words) + (" …" if cut else "")


def is_plural(subject: str) -> bool:
    """Whether a subject as written takes a plural verb: its head noun ("Health officials in the Gaza Strip",
    "Two people") or a coordination ("Russia and China"); not a name ("United States Department of Agriculture",
    "Food and Agriculture Organization") or an acronym ("WHO")."""
    head_phrase = _HEAD_CUT.split(subject.strip(), maxsplit=1)[0]
    words = re.findall(r"[\w’'.-]+", head_phrase)
    if not words:
        return False
    head = words[-1]
    count = words[0].lower().replace(",", "")
    if (count.isdigit() and count != "1") or count in _NUMBER_WORDS:  # "Three", "5 out of 11 teals", "Another 100"
        return True
    if re.search(r"\band\b", head_phrase) and head.lower() not in _SINGULAR_HEADS:
        return True
    if head.lower() in _PLURAL_HEADS or (head.lower().endswith("men") and len(head) > 4):  # "gunmen", "women"
        return True
    if head.isupper() or head.lower() in _SINGULAR_HEADS or (head[:1].isupper() and len(words) > 1 and all(
            w[:1].isupper() for w in words)):
        return False  # "WHO", "the Ministry", a proper name: "Nicolas Sarkozy", "United States"
    return head.lower().endswith("s") and not head.lower().endswith(("ss", "us", "is", "news"))


def _head_apposition(speaker: str) -> str:
    """The speaker before an apposition: "Mahmoud Daher" of "Mahmoud Daher, a senior official for the WHO"."""
    return re.split(r",\s", speaker)[0].strip() or speaker


def _object(event: Event, mention: EventMention, text: str) -> str:
    """What the title's verb acts on: the event noun ("holds military maneuvers"), a verb's own object
    ("practice joint operations", "sign an agreement"), "troops" for a deployment; none before a place the verb
    takes directly ("invades Ukraine", "visits Taipei")."""
    if mention.verb in DIRECT_VERBS:
        return ""
    if mention.trigger.form != "verb":
        return " " + _noun_phrase(event, text)
    if mention.verb == "practice":
        return " " + _object_after(mention, text)
    if event.event_type == EventType.TROOP_DEPLOYMENT:
        return "" if "troops" in mention.verb else " troops"
    window = find_triggers(text, mention.trigger.end, min(mention.sentence_span[1], mention.trigger.end + 40))
    noun = next((t for t in window if t.form == "noun"), None)
    return f" {text[mention.trigger.end:noun.end].strip()}" if noun is not None else ""


def _title_mention(event: Event) -> EventMention:
    """The mention a title is built from: an alluded event named with its agent ("Russia's invasion of Ukraine")
    when the event has no clause of its own; else the first with a verb, main mentions before allusions."""
    agents = [m for m in event.mentions if m.role == "allusion" and m.verb and m.trigger.form == "noun"]
    clauses = [m for m in event.mentions if m.role == "main" and (m.trigger.form != "noun" or m.verb)]
    if event.first.speaker is None and agents and not clauses:
        return agents[0]

    def rank(m: EventMention) -> tuple[bool, bool, int]:
        return m.speaker is None and not m.verb, m.role != "main" and m.determiner != "definite", m.sentence
    return min(event.mentions, key=rank)


def _where(event: Event, *, direct: bool = False) -> str:
    place = event.place
    if place is None or place.how != "named":
        return ""
    name = place.result.name
    if place.result.precision in (5, 7) and not name.startswith("The "):
        name = f"the {name}"
    if direct:
        return f" {name}"
    preposition = place.preposition if place.preposition in _TITLE_PREPOSITIONS else "in"  # not "reached"
    return f" {preposition} {name}"


def _noun_phrase(event: Event, text: str) -> str:
    """The event noun with its modifiers as written ("joint military maneuvers", "a “no limits partnership”")."""
    mention = next((m for m in event.mentions if m.trigger.form == "noun"), event.first)
    trigger = mention.trigger
    if trigger.form != "noun":
        return trigger.text
    words = re.findall(r"\S+", text[max(mention.sentence_span[0], trigger.start - 40):trigger.start])
    kept: list[str] = []
    for word in reversed(words):
        qualifier = trigger.kind and (word.lower() in _QUALIFIERS or re.fullmatch(r"\d[\d,]*", word))
        if not qualifier and (re.search(r"[,.;:]$", word) or word.lower() in _PHRASE_STOP or word[:1].isupper()
                              or word.lower().endswith("ed") or word.lower() in VERB_FORMS):
            break
        kept.insert(0, word)
        if word.lower() in ("a", "an"):
            break
    phrase = " ".join([*kept, text[trigger.start:trigger.end]])
    closing = text[trigger.end:trigger.end + 1]
    return phrase + closing if closing in "”\"’" and closing.strip() else phrase


def _object_after(mention, text: str) -> str:
    match = re.match(r"\s*((?:[\w-]+\s){0,3}?[\w-]+?)(?=\s+(?:in|at|near|off|around|to)\b|[,.])",
                     text[mention.trigger.end:mention.sentence_span[1]])
    return match.group(1) if match else "exercises"


def _actor_names(event: Event, text: str) -> str:
    names = [country_name(code) for code in event.actors]
    if not names:  # no country acts: the subject as written ("Nancy Pelosi", "Local police", "Gunmen")
        mention = _title_mention(event)
        subject = " ".join(text[a:b] for a, b in mention.subject)
        words = re.findall(r"[\w’'-]+", subject)
        while words and (words[-1].lower() in _SUBJECT_TAIL or words[-1].endswith("ly")):
            words.pop()
        while words and words[0].lower() in ("the", "a", "an", "these", "those", "this", "just", "before", "after"):
            words.pop(0)
        names = [re.sub(r"[’']s$", "", " ".join(words[-4:]))] if words else []
    if len(names) > 2:
        return f"{names[0]}, {names[1]} and {len(names) - 2} others"
    return " and ".join(names)


def _about(event: Event, text: str) -> str:
    if event.about is not None:
        return event.about.name or title_of(event.about, text)
    return next((f"the {m.about.text}" for m in event.mentions if m.about is not None), "")


def _clean(speaker: str) -> str:
    speaker = re.sub(r"^(?:the|a)\s+", "", speaker.strip(), flags=re.IGNORECASE)
    return speaker[:1].upper() + speaker[1:]


# --- dates, notes, doubts ----------------------------------------------------------------------------------


def _date_columns(event: Event, reference: tuple[int, str]) -> dict[str, str]:
    when = event.dates
    if when is None:
        year = reference[0]
        return {"start_date": f"{year}-01-01", "end_date": f"{year}-12-31",
                "date_precision": DatePrecision.YEAR.value, "date_basis": DateBasis.BACKGROUND.value,
                "date_note": f"Guess: the article gives no date for this event; the article's year {reference[1]} is "
                             "assumed. Check a public record before use."}
    if event.parent is not None:
        note = f"Part of a larger event: the article gives '{when.text}' for the whole event, not for this part."
    else:
        year = "resolved against the article's date" if when.relative else (
            "the text names the year" if re.search(r"(?:19|20)\d\d", when.text) else
            "the year is the event's name's" if event.name and re.search(r"(?:19|20)\d\d", event.name) else
            f"the year is the article's reference year {reference[1]}")
        note = f"The article gives '{when.text}'; {year}."
    return {"start_date": when.start.isoformat(), "end_date": when.end.isoformat(),
            "date_precision": when.precision.value, "date_basis": DateBasis.ARTICLE.value, "date_note": note}


def _notes(event: Event) -> str:
    notes = ["Draft by python -m dashboard extract; review before use."]
    triggers = list(dict.fromkeys(m.trigger.text for m in event.mentions))
    kind = next((m.kind for m in event.mentions if m.kind), "")
    notes.append(f"Event type from '{triggers[0]}'{f' (a {kind} event)' if kind else ''}." if triggers else "")
    if event.place is not None and event.place.written:
        notes.append(f"Place read from '{event.place.written}'.")
    if event.parent is not None:
        notes.append("A part of an event the article places elsewhere too; count them once.")
    if event.compared_to is not None:
        notes.append("The article compares it with an earlier event of the same kind.")
    if event.incomplete:
        notes.append("The article says the list of participants is incomplete.")
    return " ".join(n for n in notes if n)


def _doubts(event: Event) -> list[str]:
    """Where the drafter is unsure (what the article itself leaves open, "among others", is in the notes)."""
    doubts: list[str] = []
    if event.dates is None:
        doubts.append("no date in the article")
    place = event.place
    if place is not None:
        if place.how == "capital":
            doubts.append("place assumed: the seat of the speaker's government")
        elif place.how == "sentence":
            doubts.append(f"place assumed: '{place.written}', named in the same sentence")
        elif place.how == "context":
            doubts.append("place assumed: the article's place in the sentences before")
        elif place.how == "topic":
            doubts.append("place assumed: a place the statement speaks of")
        elif place.how == "speaker":
            doubts.append("place assumed: where the speaker is")
        elif place.how == "during":
            doubt = "place assumed: that of the event it happens during"
            doubts.append(doubt)
        elif place.how == "similar":
            doubts.append("place assumed: that of the event it is compared with")
        elif place.how == "actor":
            doubts.append(f"place ambiguous: {1 + len(place.others)} candidates "
                          f"({', '.join([place.written, *place.others])})" if place.others else
                          "place assumed: the actor's")
        elif place.confidence < 0.5:
            doubts.append(f"place uncertain ('{place.written}', confidence {place.confidence:.2f})")
    if event.event_type == EventType.OTHER:
        doubts.append("event type outside the vocabulary: other")
    if not event.participants:
        doubts.append("no participant named")
    return doubts


def sort_rows(rows: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    """Doubtful rows first, then by confidence, lowest first."""
    return sorted(rows, key=lambda r: (r["doubt"] == "", float(r["confidence"])))
