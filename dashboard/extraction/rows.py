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

__all__ = ["event_row", "title_of"]

NO_DATE_FACTOR = 0.7  # an event the article does not date is less certain
ASSUMED_PLACE_FACTOR = 0.7  # a place the article does not name for the event
_SLUG = re.compile(r"[^a-z0-9]+")
_TITLE_PREPOSITIONS = frozenset(["in", "at", "to", "near", "close to", "off", "around", "into", "across", "over",
                                 "outside", "next to", "towards", "toward"])
# Verbs whose place is their object: "invades Ukraine", "visits Taipei", "tries to take over Kyiv".
DIRECT_VERBS = frozenset(["invade", "visit", "attack", "occupy", "besiege", "take over", "capture"])
_SUBJECT_TAIL = frozenset(["has", "have", "had", "also", "was", "were", "is", "are", "will", "would", "then",
                           "later", "earlier", "official", "been", "used", "to", "try"])
_PHRASE_STOP = frozenset(["the", "these", "this", "those", "in", "of", "to", "dubbed", "its", "their", "his",
                          "her"])


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
    if event.name:
        return f"{event.name}: {_noun_phrase(event, text)}{where}"
    mention = _title_mention(event)
    if mention.speaker is not None:
        return _statement_title(event, mention, text)
    actors = _actor_names(event, text)
    if not mention.verb or (not actors and mention.trigger.form == "noun"):
        phrase = _noun_phrase(event, text)
        return f"{phrase[:1].upper()}{phrase[1:]}{where}"
    plural = " and " in actors or actors.endswith("s")
    attempt = f"{'try' if plural else 'tries'} to {mention.verb}"  # "… used to try to take over Kyiv"
    verb_phrase = attempt if mention.attempt else third_person(mention.verb, plural)
    obj = _object(event, mention, text)
    direct = not obj and (mention.verb in DIRECT_VERBS or event.place.preposition in ("", "of"))
    return f"{actors} {verb_phrase}{obj}{_where(event, direct=direct)}"


def _statement_title(event: Event, mention: EventMention, text: str) -> str:
    about, speaker = _about(event, text), _clean(mention.speaker or "")
    plural = " and " in speaker or re.search(r"[^su]s$", speaker) is not None  # "officials", not "news"
    if about:
        return f"{speaker} {'comment' if plural else 'comments'} on {about}"
    return f"{speaker} {'make' if plural else 'makes'} a statement"


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
        if (re.search(r"[,.;:]$", word) or word.lower() in _PHRASE_STOP or word[:1].isupper()
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
    notes.append(f"Event type from '{triggers[0]}'." if triggers else "")
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
