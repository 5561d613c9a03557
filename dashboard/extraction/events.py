"""Group an article's event mentions into events, and read each event's place, participants and dates.

Which mentions are one event (general rules of news English, in this order):

1. the same name ("Vostok 2022");
2. a statement by the same speaker ("the Ministry of Defense" after "the Chinese Ministry of Defense", "Price"
   after "Ned Price");
3. a definite mention ("the drills", "the war in Ukraine", "Russia's invasion of Ukraine") or an alluded event
   refers back to the last event of its type, unless their tenses (future, past) or countries disagree;
4. an elaboration ("Specifically, naval forces … will practice joint operations") continues the last event;
5. anything else, and "similar", "another", "previous" mentions, start a new event.

"These troops" lend the actors of the last event to the sentence's own. An event's place is the most specific
place named after a locative word in its mentions ("in", "to", "close to", an attacked or visited object); other
places that do not contain it (a sea, another country) are drafted as *parts* of the event, with its dates. With no
place, a government's statement is placed at its capital, a "similar" event at the place of the event it is
compared with, a capitals' joint act at the first capital; a general news event told without a place ("Around 70
people were detained") where its sentence or the story before it is; each such place is marked as a doubt.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from ..dataset.schema import DatePrecision, EventType, GeocodeResult, LocationPrecision
from ..geography.countries import is_iso3
from ..geography.gazetteer import read_capitals
from ..paths import CAPITALS_PATH
from .clauses import EventMention
from .dates import DateSpan, find_dates, overlaps
from .toponyms import Mention, Resolved

__all__ = ["Article", "Event", "PlaceChoice", "group_events"]

LOCATIVES = ("in", "at", "into", "inside", "within", "across", "to", "towards", "toward", "over", "on", "from",
             "through", "throughout",
             # verbs whose object is where the event is: "floods hit Bavaria", "the flooding reached Austria"
             "hit", "hits", "struck", "strikes", "reached", "reaches", "swept", "affected", "battered", "ravaged",
             "devastated")
PROXIMITY = ("near", "close to", "off", "around", "outside", "nearby", "off the coast of", "next to")
# Event types whose place's country is a party: the host of troops, the target of an attack, the visited.
HOST_TYPES = (EventType.TROOP_DEPLOYMENT, EventType.ARMED_CONFLICT, EventType.DIPLOMATIC_VISIT,
              EventType.MILITARY_EXERCISE, EventType.OTHER)
PRECISION_ORDER = {DatePrecision.DAY: 0, DatePrecision.WEEK: 1, DatePrecision.MONTH: 2, DatePrecision.YEAR: 3}
_SPEAKER_STOP = frozenset({"The", "US", "U.S.", "UK", "State", "Department", "Ministry", "Government", "Office"})


@dataclass(frozen=True)
class PlaceChoice:
    """An event's place: the resolved point, how it was chosen, and the other candidates when it was a choice."""

    result: GeocodeResult
    confidence: float
    written: str  # as the article writes it ("" when assumed)
    how: str  # "named", "capital", "similar", "actor"
    preposition: str = "in"
    others: tuple[str, ...] = ()
    mention: EventMention | None = None


@dataclass
class Article:
    """What the grouping reads from: the text, its place mentions, and how to date it."""

    text: str
    mentions: Sequence[Mention]
    resolved: Sequence[Resolved]
    year: int
    date: date | None = None


@dataclass
class Event:
    """Mentions of one event, and what they say of it."""

    mentions: list[EventMention]
    event_type: EventType
    name: str | None = None
    compared_to: Event | None = None
    parent: Event | None = None
    place: PlaceChoice | None = None
    participants: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    dates: DateSpan | None = None
    incomplete: bool = False  # "among others"
    about: Event | None = None  # the event a statement speaks about
    during: Event | None = None  # the event it happens during

    @property
    def first(self) -> EventMention:
        return self.mentions[0]

    @property
    def tense(self) -> str:
        return next((m.tense for m in self.mentions if m.role == "main"), self.first.tense)


def group_events(mentions: Sequence[EventMention], article: Article) -> list[Event]:
    """The events of an article, each with its place, participants and dates, parts after their event."""
    events = _group(mentions, article)
    _link_during(mentions, events)
    drafted: list[Event] = []
    for event in events:
        _actors(event, events, article)
        event.dates = _dates(event, article)
        general = event.first.kind and event.first.role == "main" and event.first.speaker is None
        if general and not any(_places(m, article) for m in event.mentions):
            # general news names people, not countries, as actors: the story's place, not a subject's name
            event.place = _place_before(event, drafted, article) if _told(event, article) else None
            placed = [event]
        else:
            placed = _placed(event, article)
        for part in placed[1:]:
            _actors(part, events, article)
        drafted += placed
    for event in drafted:
        event.participants = _participants(event, article)
    return [e for e in drafted if e.place is not None]


def _group(mentions: Sequence[EventMention], article: Article) -> list[Event]:
    """Each mention added to the event it refers to, or made a new event."""
    events: list[Event] = []
    for mention in mentions:
        target = _target(mention, events, article)
        if target is not None:
            target.mentions.append(mention)
            target.name = target.name or mention.name
            continue
        if mention.role == "allusion" and mention.determiner != "definite" and not _places(mention, article):
            continue  # "under the excuse of military drills", "seen during previous outbreaks": nothing to map
        event = Event([mention], mention.event_type, mention.name)
        if mention.about is not None:  # what a statement speaks about: of its type, the article's main event
            same = [e for e in events if e.event_type == mention.about.event_type and e.first.speaker is None]
            event.about = max(same, key=lambda e: len(e.mentions), default=None)
        if mention.determiner == "similar":
            event.compared_to = next((e for e in reversed(events) if e.event_type == mention.event_type), None)
        events.append(event)
    return events


def _link_during(mentions: Sequence[EventMention], events: Sequence[Event]) -> None:
    """"During the summit, X signed …": the sentence's main event happens during the alluded one."""
    for mention in mentions:
        if mention.role == "allusion" and mention.marker == "during":
            host = next((e for e in events if mention in e.mentions), None)
            own = next((e for e in events if e.first.sentence == mention.sentence and e.first.role == "main"
                        and e is not host), None)
            if host is not None and own is not None:
                own.during = host


# --- which event a mention belongs to -------------------------------------------------------------------------


def _target(mention: EventMention, events: Sequence[Event], article: Article) -> Event | None:
    if mention.name:
        named = next((e for e in events if e.name == mention.name), None)
        if named is not None:
            return named
    if mention.speaker is not None:
        return next((e for e in reversed(events) if e.first.speaker and _same_speaker(e, mention)), None)
    if mention.determiner == "similar":
        return None
    if mention.determiner == "definite":  # an allusion never refers to its own sentence's main event
        return next((e for e in reversed(events) if _compatible(e, mention, article)
                     and not (mention.role == "allusion" and e.first.sentence == mention.sentence)), None)
    if mention.elaboration and events and _compatible(events[-1], mention, article):
        return events[-1]
    return None


def _same_speaker(event: Event, mention: EventMention) -> bool:
    def words(speaker: str) -> set[str]:
        return {w for w in re.findall(r"[A-Z][\w.]+", speaker) if w not in _SPEAKER_STOP}
    theirs = set().union(*(words(m.speaker) for m in event.mentions if m.speaker))
    ours = words(mention.speaker or "")
    if ours and ours <= theirs:
        return True
    return not ours and mention.speaker.lower().removeprefix("the ") in event.first.speaker.lower()


def _compatible(event: Event, mention: EventMention, article: Article) -> bool:
    """Same type, no clash of tense ("will take place" against "held"), and where both name a country, a common
    one ("the war in Ukraine" and "Russia's invasion of Ukraine")."""
    if event.event_type != mention.event_type or event.first.speaker is not None:
        return False
    kinds = {m.kind for m in event.mentions if m.kind}
    if (kinds or mention.kind) and mention.kind not in kinds:  # "the death" is not "the outbreak"
        return False
    if {event.tense, mention.tense} == {"future", "past"}:
        return False
    if mention.role == "main":
        return True
    ours = {r.place.result.country for r, _ in _places(mention, article)}
    theirs = {r.place.result.country for m in event.mentions for r, _ in _places(m, article)}
    return not (ours and theirs) or bool(ours & theirs)


# --- places ----------------------------------------------------------------------------------------------------


def _inside(position: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a <= position < b for a, b in spans)


def _places(mention: EventMention, article: Article) -> list[tuple[Resolved, str]]:
    """The places the mention locates itself at, with the locative word before each ("in", "close to")."""
    found = []
    for resolved in article.resolved:
        if _inside(resolved.mention.start, mention.scope):
            preposition = _preposition(article.text, resolved.mention.start, mention)
            if preposition is not None:
                found.append((resolved, preposition))
    return found


def _preposition(text: str, start: int, mention: EventMention) -> str | None:
    """The locative word before a place ("in the", "close to"); the trigger itself for an object ("take over
    Kyiv", "invasion of Ukraine"); None when the place is no location of the event (a subject, "of" a ministry)."""
    before = text[max(mention.sentence_span[0], start - 40):start]
    before = re.sub(r"(?:\bthe\s+|\brelatively\s+|\bjust\s+)+$", "", before, flags=re.IGNORECASE).rstrip().lower()
    for word in sorted(PROXIMITY, key=len, reverse=True):
        if before.endswith(" " + word) or before == word:
            return word
    if mention.trigger.end <= start and not text[mention.trigger.end:start].strip(" of"):
        return "of" if "of" in text[mention.trigger.end:start] else ""
    last = before.split()[-1] if before.split() else ""
    return last if last in LOCATIVES else None


def _rank(resolved: Resolved) -> float:
    precision = int(resolved.place.result.precision)
    return 5.5 if precision == LocationPrecision.WATER_OR_AIRSPACE else precision


def _contains(outer: GeocodeResult, inner: GeocodeResult) -> bool:
    return bool(outer.country) and outer.country == inner.country and outer.precision >= inner.precision


def _placed(event: Event, article: Article) -> list[Event]:
    """The event with its place, and a part for each other place that does not contain that place."""
    located = [(m, r, p) for m in event.mentions for r, p in _places(m, article)]
    if not located:
        event.place = _fallback_place(event, article)
        return [event]
    best = min(located, key=lambda x: (_rank(x[1]), x[1].mention.start))
    event.place = _choice(best[1], best[2], "named", best[0])
    parts: dict[tuple, Event] = {}
    for mention in event.mentions:
        own = [(r, p) for r, p in _places(mention, article)]
        if mention.role != "main" or not own or mention is best[0]:
            continue
        r, p = min(own, key=lambda x: (_rank(x[0]), x[0].mention.start))
        if _contains(r.place.result, event.place.result) or r.place.result.name == event.place.result.name:
            continue
        if r.place.result.country and r.place.result.country == event.place.result.country:
            continue
        key = (r.place.result.name, r.place.result.latitude)
        part = parts.setdefault(key, Event([], event.event_type, None, parent=event))
        part.mentions.append(mention)
        part.place = _choice(r, p, "named", mention)
        part.dates = event.dates
    if parts:
        event.mentions = [m for m in event.mentions if not any(m in p.mentions for p in parts.values())]
    return [event, *parts.values()]


_COUNT = re.compile(r"\b(?:\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
                    r"dozens?|hundreds?|thousands?|another)\s+(?:[\w-]+\s+){0,3}$", re.IGNORECASE)
_HAPPENS = re.compile(r"(?:\s+[\w-]+){0,4}?\s+(?:was|were|is|are)?\s*(?:held|scheduled|took place|occurred|began|"
                      r"broke out|erupted|turned|started|ended|happened|struck|hit)\b", re.IGNORECASE)


def _told(event: Event, article: Article) -> bool:
    """Whether an event without a place of its own is told as happening: by a verb ("70 people were detained"), a
    count ("14 fatalities") or a predicate ("the demonstration turned violent"), not a bare noun ("infection")."""
    trigger = event.first.trigger
    if trigger.form != "noun":
        return True
    before = article.text[max(event.first.sentence_span[0], trigger.start - 40):trigger.start]
    return bool(_COUNT.search(before) or _HAPPENS.match(article.text, trigger.end))


def _place_before(event: Event, drafted: Sequence[Event], article: Article) -> PlaceChoice | None:
    """A general news event with no place of its own ("Around 70 people were detained"): news text keeps its
    place until it names another, so the place of the nearest event before it that names one, as a doubt."""
    own = [r for r in article.resolved if _inside(r.mention.start, [event.first.sentence_span])
           and r.place.result.country and not _inside(r.mention.start, event.first.subject)]  # not "Police arrest"
    if own:  # a place its sentence names in another role ("in front of Seoul City Hall, where a vigil …")
        best = min(own, key=lambda r: (_rank(r), r.mention.start))
        return PlaceChoice(best.place.result, best.confidence * 0.6, best.mention.text, "sentence")
    before = [e for e in drafted if e.place is not None and e.place.how in ("named", "sentence") and e.parent is None
              and e.first.sentence < event.first.sentence]
    if before:
        place = max(before, key=lambda e: e.first.sentence).place
        return PlaceChoice(place.result, place.confidence * 0.6, "", "context")
    # none yet: the place the article has named most often up to here (the story's place)
    seen = [r for r in article.resolved if r.mention.start < event.first.sentence_span[1] and r.place.result.country]
    if not seen:
        return None
    counts: dict[str, int] = {}
    for r in seen:
        counts[r.place.result.name] = counts.get(r.place.result.name, 0) + 1
    best = max(seen, key=lambda r: counts[r.place.result.name])
    return PlaceChoice(best.place.result, best.confidence * 0.5, "", "context")


def _choice(resolved: Resolved, preposition: str, how: str, mention: EventMention | None) -> PlaceChoice:
    return PlaceChoice(resolved.place.result, resolved.confidence, resolved.mention.text, how, preposition,
                       mention=mention)


@functools.cache
def _capitals() -> dict[str, GeocodeResult | None]:
    return read_capitals(CAPITALS_PATH)


def _fallback_place(event: Event, article: Article) -> PlaceChoice | None:
    """A place the article does not name as the event's: a government's seat, the compared event's place, the
    first capital acting, or the acting country."""
    if event.first.speaker is not None:
        spans = [m.speaker_span for m in event.mentions if m.speaker_span]
        named = [r for r in article.resolved if _inside(r.mention.start, spans)
                 and r.place.result.precision < LocationPrecision.COUNTRY]
        if named:  # "Krasnodar officials said": where the speaker is
            best = min(named, key=lambda r: (_rank(r), r.mention.start))
            return PlaceChoice(best.place.result, best.confidence, best.mention.text, "speaker")
        for code in event.actors:
            capital = _capitals().get(code)
            if capital is not None:
                return PlaceChoice(capital, 0.5, "", "capital")
        # an organisation without a seat in the article ("the FAO asked countries neighbouring Turkey"): the
        # place it speaks of
        spoken = [r for m in event.mentions for r in article.resolved if _inside(r.mention.start, m.scope)
                  and r.place.result.country]
        if spoken:
            return PlaceChoice(spoken[0].place.result, spoken[0].confidence * 0.6, spoken[0].mention.text, "topic")
    if event.during is not None and event.during.place is not None:
        return PlaceChoice(event.during.place.result, event.during.place.confidence * 0.8, "", "during")
    if event.compared_to is not None and event.compared_to.place is not None:
        return PlaceChoice(event.compared_to.place.result, event.compared_to.place.confidence * 0.6, "", "similar")
    subjects = [r for m in event.mentions for r in article.resolved if _inside(r.mention.start, m.subject)]
    cities = [r for r in subjects if r.place.kind == "city" and r.place.capital]
    pool = cities or subjects
    if not pool:
        return None
    first = pool[0]
    others = tuple(dict.fromkeys(r.mention.text for r in pool[1:] if r.mention.text != first.mention.text))
    return PlaceChoice(first.place.result, first.confidence * 0.6, first.mention.text, "actor", "in", others)


# --- actors and participants -------------------------------------------------------------------------------


def _countries(spans: Sequence[tuple[int, int]], article: Article, *, capitals: bool = False,
               skip: Sequence[int] = ()) -> list[str]:
    """The countries named in ``spans`` (as countries, demonyms, inside names), in order; with ``capitals``, the
    country of a capital city too ("Moscow and Beijing announced": their governments act)."""
    codes: list[str] = []
    for mention in article.mentions:
        if not _inside(mention.start, spans) or mention.start in skip:
            continue
        countries = [c.result.country for c in mention.candidates if c.kind == "country"]
        if capitals and not countries:
            chosen = next((r.place for r in article.resolved if r.mention is mention), None)
            countries = [chosen.result.country] if chosen is not None and chosen.capital else []
        if len(set(countries)) == 1 and is_iso3(countries[0]) and countries[0] not in codes:
            codes.append(countries[0])
    return codes


def _actors(event: Event, events: Sequence[Event], article: Article) -> None:
    """Who acts: the countries of the mentions' subjects or speaker; "these troops" borrow the last event's."""
    for mention in event.mentions:
        spans = [mention.speaker_span] if mention.speaker_span else mention.subject
        found = _countries(spans, article, capitals=True)
        if not found and mention.troops_anaphora:
            earlier = [e for e in events if e.first.sentence < mention.sentence and e.actors]
            found = list(earlier[-1].actors) if earlier else []
        event.actors += [c for c in found if c not in event.actors]


def _participants(event: Event, article: Article) -> list[str]:
    """Every country the article names for the event: its actors, the countries its mentions name (not a place
    it is only near), and the country of a place hosting or suffering it."""
    if event.first.speaker is not None:
        return list(event.actors) or ([event.place.result.country] if event.place else [])
    codes = list(event.actors) if event.parent is None else []
    if (event.place is not None and event.place.how in ("context", "sentence")
            and event.place.result.country not in codes):
        codes.append(event.place.result.country)  # it happens there: the place's country is a party
    for mention in event.mentions:
        near = [r.mention.start for r, p in _places(mention, article) if p in PROXIMITY]
        codes += [c for c in _countries(mention.scope, article, skip=near) if c not in codes]
        if mention.role == "allusion":
            codes += [c for c in _countries(mention.subject, article, capitals=True) if c not in codes]
        for resolved, preposition in _places(mention, article):
            country = resolved.place.result.country
            if (preposition not in PROXIMITY and event.event_type in HOST_TYPES and country
                    and country not in codes):
                codes.append(country)
        if re.search(r"\bamong others\b|\band others\b", " ".join(article.text[a:b] for a, b in mention.scope)):
            event.incomplete = True
    return codes


# --- dates -------------------------------------------------------------------------------------------------


def _dates(event: Event, article: Article) -> DateSpan | None:
    """The most precise dates the event's mentions give; a name's year ("Vostok 2022") dates a day without one."""
    year = int(match.group()) if event.name and (match := re.search(r"(?:19|20)\d\d", event.name)) else article.year
    found = []
    for mention in event.mentions:
        scope = " ".join(article.text[a:b] for a, b in mention.scope)
        span = find_dates(scope, year, article=article.date)
        if span is not None:
            found.append(span)
    if not found:
        return None
    best = min(PRECISION_ORDER[s.precision] for s in found)
    chosen = [s for s in found if PRECISION_ORDER[s.precision] == best]
    if len(chosen) == 1 or not all(overlaps((a.start, a.end), (chosen[0].start, chosen[0].end)) for a in chosen):
        return chosen[0]
    return DateSpan(min(s.start for s in chosen), max(s.end for s in chosen), chosen[0].precision,
                    "; ".join(dict.fromkeys(s.text for s in chosen)), any(s.relative for s in chosen))
