"""Draft a dataset from an article: one candidate event per sentence that names a place, for a person to review.

``extract_draft(text, seed=...)`` returns the events and places tables in the dataset's own format (validation
accepts them, the app loads them), plus a ``confidence`` column, sorted so the doubtful rows come first:

- places are found and resolved by :mod:`dashboard.extraction.toponyms` (longest match first, aliases and demonyms,
  the data layer's offline gazetteer, disambiguated by kind, population and the countries the article names);
- each event quotes its sentence verbatim and cites the article's file name as its seed;
- participants are the countries the sentence names; sources are the outlets it names;
- dates found in the sentence ("August 30 to September 5", "in 2018", "earlier this year") are resolved against
  the article's reference year, inferred from the text ("Vostok 2022"; "in 2018 … four years" → 2022) or given.
  A sentence without a date gets the reference year at year precision, marked as background and as a guess.

The core never prints and never touches the network.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from ..dataset.schema import (
    EVENT_COLUMNS,
    LIST_SEPARATOR,
    PLACE_COLUMNS,
    DateBasis,
    DatePrecision,
    EventType,
    LocationPrecision,
)
from ..errors import DashboardError
from ..files import atomic_write_text
from ..geography.countries import is_iso3
from .toponyms import Mention, Resolved, ToponymIndex, find_mentions, resolve_mentions

__all__ = [
    "DateSpan",
    "Draft",
    "ExtractionError",
    "PlaceMention",
    "event_type_of",
    "extract_draft",
    "find_dates",
    "find_sources",
    "infer_year",
    "place_mentions",
    "split_sentences",
    "write_draft",
]

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"]
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20}
# Event types by keywords, most specific first; the first that matches wins.
TYPE_KEYWORDS: list[tuple[EventType, tuple[str, ...]]] = [
    (EventType.MILITARY_EXERCISE, ("drill", "exercise", "maneuver", "manoeuvre", "war game", "practic",
                                    "joint operation")),
    (EventType.TROOP_DEPLOYMENT, ("deploy", "mobiliz", "mobilis", "send troops", "sent troops", "troops to")),
    (EventType.ARMED_CONFLICT, ("invasion", "invad", "war ", "attack", "offensive", "fighting", "shelling",
                                "clash", "take over")),
    (EventType.DIPLOMATIC_AGREEMENT, ("agreement", "treaty", "partnership", "pact", "accord", "signed", "ties")),
    (EventType.DIPLOMATIC_VISIT, ("visit", "summit", "met with", "trip to")),
    (EventType.OFFICIAL_STATEMENT, ("said", "declared", "announced", "stated", "statement", "press release",
                                    "informed", "spokesman", "spokeswoman", "told")),
]
# Outlets a sentence may name as its source; "according to X" adds others.
KNOWN_OUTLETS = ("Al Jazeera", "AP", "Associated Press", "AFP", "BBC", "Bloomberg", "CNN", "Fox News", "Interfax",
                 "NBC News", "NHK", "RIA Novosti", "Reuters", "RT", "Sputnik", "TASS", "The Guardian",
                 "The New York Times", "New York Times", "The Washington Post", "Washington Post", "Xinhua",
                 "Yonhap", "Kyodo", "Global Times", "South China Morning Post", "Financial Times",
                 "The Wall Street Journal", "Wall Street Journal", "Le Monde", "Der Spiegel", "Deutsche Welle")
LOCATIVES = ("in", "at", "near", "off", "around", "into", "inside", "across", "over", "to", "within")
NO_DATE_FACTOR = 0.7  # an event dated only by the article's reference year is less certain
GUESSED_TYPE_FACTOR = 0.6  # no keyword told the event type

_MONTH = r"(january|february|march|april|may|june|july|august|september|october|november|december)"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_RANGE = r"\s*(?:to|until|through|till|and|[–-])\s*"
_DATE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("mdmd", re.compile(rf"\b{_MONTH} {_DAY}{_RANGE}{_MONTH} {_DAY}\b", re.IGNORECASE)),
    ("dmdm", re.compile(rf"\b{_DAY} {_MONTH}{_RANGE}{_DAY} {_MONTH}\b", re.IGNORECASE)),
    ("mdd", re.compile(rf"\b{_MONTH} {_DAY}{_RANGE}{_DAY}\b", re.IGNORECASE)),
    ("md", re.compile(rf"\b{_MONTH} {_DAY}\b(?!\s*(?:percent|%))", re.IGNORECASE)),
    ("dm", re.compile(rf"\b{_DAY} {_MONTH}\b", re.IGNORECASE)),
    ("month", re.compile(rf"\b(?:in|since|during|early|mid|late|by|until|of) {_MONTH}\b", re.IGNORECASE)),
    ("relative", re.compile(r"\b(earlier|later) this year|\b(this|last|next) year\b", re.IGNORECASE)),
    ("year", re.compile(r"\b(19[5-9]\d|20\d\d)\b")),
]
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])([\"”’)]?)\s+(?=[\"“‘(]?[A-Z0-9])|\n+")
_ABBREVIATION = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Prof|Gen|Sen|Gov|Rep|No|vs|etc|Inc|Ltd|Jr|Sr)|\b(?:[A-Z]\.)+)"
                           r"\.?[\"”’)]?\s*$")
_ACCORDING_TO = re.compile(r"\baccording to (?:the )?((?:[A-Z][\w&.’'-]*)(?: (?:[A-Z][\w&.’'-]*|of|de))*)")
_SLUG = re.compile(r"[^a-z0-9]+")


class ExtractionError(DashboardError, ValueError):
    """Raised when an article cannot be drafted: unreadable, empty, or with no year to date its events by."""


@dataclass(frozen=True)
class PlaceMention:
    """A resolved place mention: 0-based half-open span, coordinates, UCDP precision, country, confidence."""

    start: int
    end: int
    text: str
    name: str
    latitude: float
    longitude: float
    precision: int
    country: str
    confidence: float


@dataclass(frozen=True)
class DateSpan:
    start: date
    end: date
    precision: DatePrecision
    text: str


@dataclass(frozen=True)
class Draft:
    """The two tables of a draft dataset, doubtful events first."""

    events: pd.DataFrame
    places: pd.DataFrame


def place_mentions(text: str, index: ToponymIndex) -> list[PlaceMention]:
    """Every place mention of ``text`` resolved offline; the extractor's answer the evaluation scores."""
    return [_place_mention(r) for r in resolve_mentions(find_mentions(text, index), text)]


def _place_mention(resolved: Resolved) -> PlaceMention:
    m, r = resolved.mention, resolved.place.result
    return PlaceMention(m.start, m.end, m.text, r.name, r.latitude, r.longitude, int(r.precision), r.country,
                        resolved.confidence)


# --- sentences, years and dates ---------------------------------------------------------------------------------


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) with surrounding whitespace trimmed; a headline line is a sentence too."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_BREAK.finditer(text):
        end = match.start() + len(match.group(1) or "")
        if "\n" not in match.group() and _ABBREVIATION.search(text[start:end]):
            continue  # "Dr. Moll", "the U.S. Army"
        spans.append((start, end))
        start = match.end()
    spans.append((start, len(text)))
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def infer_year(text: str) -> tuple[int, str] | None:
    """The article's reference year and why: the latest year it names, or a year plus an elapsed span
    ("in 2018 … in just four years" → 2022). None when the text names no year."""
    years = [(int(m.group()), f"the article names {m.group()}") for m in re.finditer(r"\b(?:19[5-9]\d|20\d\d)\b",
                                                                                      text)]
    pattern = r"\b(19[5-9]\d|20\d\d)\b[^\n]{0,160}?\b(\d+|" + "|".join(NUMBER_WORDS) + r") years\b"
    for m in re.finditer(pattern, text, re.IGNORECASE):
        count = NUMBER_WORDS.get(m.group(2).lower()) or int(m.group(2))
        years.append((int(m.group(1)) + count, f"{m.group(1)} plus '{m.group(2)} years'"))
    return max(years) if years else None


def find_dates(sentence: str, year: int) -> DateSpan | None:
    """The first date the sentence gives, as a span with its precision, resolved against ``year``."""
    for kind, pattern in _DATE_PATTERNS:
        match = pattern.search(sentence)
        if match is not None:
            span = _date_span(kind, match, year, _year_in(sentence, year))
            if span is not None:
                return span
    return None


def _year_in(sentence: str, year: int) -> int:
    match = re.search(r"\b(19[5-9]\d|20\d\d)\b", sentence)
    return int(match.group()) if match else year


def _date_span(kind: str, m: re.Match[str], reference: int, year: int) -> DateSpan | None:
    g = m.groups()
    try:
        if kind == "mdmd":
            return _days(_day(year, g[0], g[1]), _day(year, g[2], g[3]), m)
        if kind == "dmdm":
            return _days(_day(year, g[1], g[0]), _day(year, g[3], g[2]), m)
        if kind == "mdd":
            return _days(_day(year, g[0], g[1]), _day(year, g[0], g[2]), m)
        if kind in ("md", "dm"):
            day = _day(year, g[0], g[1]) if kind == "md" else _day(year, g[1], g[0])
            return _days(day, day, m)
    except ValueError:
        return None
    if kind == "month":
        month = MONTHS.index(g[0].lower()) + 1
        end = date(year + month // 12, month % 12 + 1, 1).toordinal() - 1
        return DateSpan(date(year, month, 1), date.fromordinal(end), DatePrecision.MONTH, m.group())
    if kind == "relative":
        offset = {"last": -1, "next": 1}.get((g[1] or "").lower(), 0)
        return _whole_year(reference + offset, m.group())
    return _whole_year(int(m.group()), m.group())


def _day(year: int, month: str, day: str) -> date:
    return date(year, MONTHS.index(month.lower()) + 1, int(day))


def _days(start: date, end: date, m: re.Match[str]) -> DateSpan | None:
    return DateSpan(start, end, DatePrecision.DAY, m.group()) if end >= start else None


def _whole_year(year: int, text: str) -> DateSpan:
    return DateSpan(date(year, 1, 1), date(year, 12, 31), DatePrecision.YEAR, text)


# --- event type, participants, sources ----------------------------------------------------------------------------


def event_type_of(sentence: str) -> tuple[EventType, str | None]:
    """The event type the sentence's keywords suggest, and the keyword; (official_statement, None) as a guess."""
    lowered = sentence.lower()
    for event_type, keywords in TYPE_KEYWORDS:
        for keyword in keywords:
            if keyword in lowered:
                return event_type, keyword
    return EventType.OFFICIAL_STATEMENT, None


def find_sources(sentence: str, places: Sequence[str] = ()) -> list[str]:
    """The outlets the sentence names: known outlets, and whoever follows "according to" (not a place)."""
    found = [(m.start(), outlet) for outlet in KNOWN_OUTLETS
             for m in re.finditer(rf"(?<![\w-]){re.escape(outlet)}(?![\w-])", sentence)]
    found += [(m.start(1), m.group(1).rstrip(".")) for m in _ACCORDING_TO.finditer(sentence)
              if m.group(1).rstrip(".") not in places]
    names: list[str] = []
    for _, name in sorted(found):
        if not any(name in other or other in name for other in names):
            names.append(name.replace(LIST_SEPARATOR, ","))
    return names


def _participants(mentions: Sequence[Mention]) -> list[str]:
    """The countries the sentence names (as countries, demonyms or inside names), in order of appearance."""
    codes: list[str] = []
    for mention in mentions:
        countries = [c.result.country for c in mention.candidates if c.kind == "country"]
        if len(countries) == 1 and is_iso3(countries[0]) and countries[0] not in codes:
            codes.append(countries[0])
    return codes


# --- the draft ---------------------------------------------------------------------------------------------------


def extract_draft(text: str, *, seed: str, year: int | None = None, index: ToponymIndex | None = None) -> Draft:
    """The draft events and places of an article; ``seed`` is its file name, ``year`` its reference year."""
    if not text.strip():
        raise ExtractionError(f"{seed}: the article is empty")
    reference = _reference_year(text, seed, year)
    index = index or ToponymIndex()
    mentions = find_mentions(text, index)
    resolved = [r for r in resolve_mentions(mentions, text) if _placeable(r)]
    names = _place_names(resolved)
    rows = []
    for number, (start, end) in enumerate(split_sentences(text), start=1):
        inside = [r for r in resolved if start <= r.mention.start < end]
        if inside:
            sentence_mentions = [m for m in mentions if start <= m.start < end]
            rows.append(_event_row(text, (start, end), number, inside, sentence_mentions, names, reference, seed))
    return Draft(_events_table(rows), _places_table(resolved, names))


def _reference_year(text: str, seed: str, year: int | None) -> tuple[int, str]:
    if year is not None:
        return year, f"{year} (given with --year)"
    inferred = infer_year(text)
    if inferred is None:
        raise ExtractionError(f"{seed}: the article names no year; give its reference year with --year")
    return inferred[0], f"{inferred[0]} ({inferred[1]})"


def _placeable(resolved: Resolved) -> bool:
    """Places the dataset can hold: with a country, or open sea (continents have neither)."""
    result = resolved.place.result
    return bool(result.country) or result.precision == LocationPrecision.WATER_OR_AIRSPACE


def _place_names(resolved: Sequence[Resolved]) -> dict[tuple[str, str, float, float], str]:
    """A unique places.csv name per distinct place; "Georgia (USA)" where two places share a name."""
    keys = {_key(r) for r in resolved}
    counts: dict[str, int] = {}
    for key in keys:
        counts[key[0]] = counts.get(key[0], 0) + 1
    return {key: key[0] if counts[key[0]] == 1 else f"{key[0]} ({key[1] or 'sea'})" for key in keys}


def _key(resolved: Resolved) -> tuple[str, str, float, float]:
    r = resolved.place.result
    return r.name, r.country, r.latitude, r.longitude


def _event_row(text: str, span: tuple[int, int], number: int, inside: Sequence[Resolved],
               mentions: Sequence[Mention], names: dict, reference: tuple[int, str], seed: str) -> dict[str, str]:
    sentence = text[span[0]:span[1]]
    place = _event_place(text, inside)
    event_type, keyword = event_type_of(sentence)
    when = find_dates(sentence, reference[0])
    others = sorted({names[_key(r)] for r in inside} - {names[_key(place)]})
    confidence = place.confidence * (1.0 if keyword else GUESSED_TYPE_FACTOR) * (1.0 if when else NO_DATE_FACTOR)
    return {
        "event_id": _event_id(number, names[_key(place)], event_type),
        "title": _title(sentence),
        "event_type": event_type.value,
        **_date_columns(when, reference),
        "place": names[_key(place)],
        "participants": LIST_SEPARATOR.join(_participants(mentions)),
        "sources": LIST_SEPARATOR.join(find_sources(sentence, [r.mention.text for r in inside])),
        "quote": sentence,
        "seed": seed,
        "notes": _notes(keyword, event_type, place, others),
        "confidence": f"{confidence:.2f}",
    }


def _event_place(text: str, inside: Sequence[Resolved]) -> Resolved:
    """The sentence's place: one after a locative ("in the Sea of Japan") first, then the most precise."""
    def rank(r: Resolved) -> tuple[bool, float, int]:
        before = text[max(0, r.mention.start - 12):r.mention.start].lower().split()
        locative = any(word in LOCATIVES for word in before[-2:])
        precision = int(r.place.result.precision)
        return not locative, 5.5 if precision == 7 else precision, r.mention.start
    return min(inside, key=rank)


def _date_columns(when: DateSpan | None, reference: tuple[int, str]) -> dict[str, str]:
    if when is not None:
        return {"start_date": when.start.isoformat(), "end_date": when.end.isoformat(),
                "date_precision": when.precision.value, "date_basis": DateBasis.ARTICLE.value,
                "date_note": f"The sentence gives '{when.text}'; the year is the article's reference year "
                             f"{reference[1]} unless the sentence names one."}
    year = reference[0]
    return {"start_date": f"{year}-01-01", "end_date": f"{year}-12-31", "date_precision": DatePrecision.YEAR.value,
            "date_basis": DateBasis.BACKGROUND.value,
            "date_note": f"Guess: the sentence gives no date; the article's reference year {reference[1]} is assumed."}


def _event_id(number: int, place: str, event_type: EventType) -> str:
    slug = _SLUG.sub("-", f"{place} {event_type.value}".lower()).strip("-")
    return f"s{number:02d}-{slug}"[:80].rstrip("-")


def _title(sentence: str, width: int = 90) -> str:
    flat = " ".join(sentence.split())
    return flat if len(flat) <= width else flat[:width].rsplit(" ", 1)[0] + "…"


def _notes(keyword: str | None, event_type: EventType, place: Resolved, others: Sequence[str]) -> str:
    notes = ["Draft by python -m dashboard extract; review before use."]
    notes.append(f"Event type from the keyword '{keyword}'." if keyword else
                 f"Event type is a guess ({event_type.value}): no keyword matched.")
    notes.append(f"Place read from '{place.mention.text}' (confidence {place.confidence:.2f}).")
    if others:
        notes.append(f"The sentence also names: {', '.join(others)}.")
    return " ".join(notes)


def _events_table(rows: list[dict[str, str]]) -> pd.DataFrame:
    columns = [*EVENT_COLUMNS, "confidence"]
    table = pd.DataFrame(rows, columns=columns).astype(str)
    order = table["confidence"].astype(float).sort_values(kind="stable").index
    return table.loc[order].reset_index(drop=True)


def _places_table(resolved: Sequence[Resolved], names: dict) -> pd.DataFrame:
    rows: dict[str, dict[str, str]] = {}
    for r in resolved:
        name = names[_key(r)]
        result = r.place.result
        confidence = max(r.confidence, float(rows[name]["confidence"])) if name in rows else r.confidence
        rows[name] = {"place": name, "latitude": f"{result.latitude:.5f}", "longitude": f"{result.longitude:.5f}",
                      "location_precision": str(int(result.precision)), "country": result.country,
                      "coord_source": result.source, "confidence": f"{confidence:.2f}"}
    table = pd.DataFrame(list(rows.values()), columns=[*PLACE_COLUMNS, "confidence"]).astype(str)
    return table.sort_values(["confidence", "place"], kind="stable").reset_index(drop=True)


def write_draft(draft: Draft, out_dir: str | Path) -> tuple[Path, Path]:
    """Write ``events.csv`` and ``places.csv`` into ``out_dir`` (created if needed); returns their paths."""
    folder = Path(out_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExtractionError(f"cannot create {folder}: {exc.strerror}") from None
    events, places = folder / "events.csv", folder / "places.csv"
    atomic_write_text(events, draft.events.to_csv(index=False, lineterminator="\n"))
    atomic_write_text(places, draft.places.to_csv(index=False, lineterminator="\n"))
    return events, places
