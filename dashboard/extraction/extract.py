"""Draft a dataset from an article: one row per EVENT the article reports or alludes to, for a person to review.

``extract_draft(text, seed=..., date=...)`` returns the events and places tables in the dataset's own format
(validation accepts them, the app loads them), plus ``confidence`` and ``doubt`` columns, the doubtful rows first:

- sentences are read as event mentions (:mod:`.clauses`: main clause, allusions, attribution, speech) whose type
  comes from their event word (:mod:`.lexicon`);
- mentions are grouped into events, which get their place, participants and dates (:mod:`.events`); places are
  found and resolved by :mod:`.toponyms`, dates by :mod:`.dates` against the article's date or reference year;
- each event quotes the sentences it rests on verbatim (joined with " […] ") and cites the article as its seed;
  its title, notes and doubt come from :mod:`.rows`.

The core never prints and never touches the network.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..dataset.schema import EVENT_COLUMNS, PLACE_COLUMNS, GeocodeResult, LocationPrecision
from ..errors import DashboardError
from ..files import atomic_write_text
from .clauses import read_sentence
from .dates import DateSpan, find_dates, infer_year
from .events import Article, Event, group_events
from .lexicon import TYPE_KEYWORDS, event_type_of
from .rows import event_id, event_row, sort_rows
from .sentences import is_headline, split_sentences
from .sources import find_sources
from .toponyms import Resolved, ToponymIndex, find_mentions, resolve_mentions

__all__ = [
    "DRAFT_EVENT_COLUMNS",
    "TYPE_KEYWORDS",
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

DRAFT_EVENT_COLUMNS = [*EVENT_COLUMNS, "confidence", "doubt"]


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


# --- the draft ---------------------------------------------------------------------------------------------------


def extract_draft(text: str, *, seed: str, year: int | None = None, index: ToponymIndex | None = None,
                  date: dt.date | None = None) -> Draft:
    """The draft events and places of an article; ``seed`` is its file name, ``date`` the day it was published
    (relative dates need it), ``year`` its reference year when there is no date (inferred from the text if neither
    is given)."""
    if not text.strip():
        raise ExtractionError(f"{seed}: the article is empty")
    reference = _reference_year(text, seed, year, date)
    index = index or ToponymIndex()
    mentions = find_mentions(text, index)
    resolved = [r for r in resolve_mentions(mentions, text) if _placeable(r)]
    sentences = [span for span in split_sentences(text) if not is_headline(text, span)]
    event_mentions = [m for number, span in enumerate(sentences, start=1) for m in read_sentence(text, span, number)]
    events = group_events(event_mentions, Article(text, mentions, resolved, reference[0], date))
    names = _place_names([_result(r) for r in resolved] + [e.place.result for e in events])
    rows = [event_row(e, text, seed, reference, names[_key(e.place.result)]) for e in events]
    taken: set[str] = set()
    for row in rows:
        row["event_id"] = event_id(row["title"], taken)
    return Draft(pd.DataFrame(sort_rows(rows), columns=DRAFT_EVENT_COLUMNS).astype(str),
                 _places_table(resolved, events, names))


def _reference_year(text: str, seed: str, year: int | None, date: dt.date | None) -> tuple[int, str]:
    if date is not None:
        return date.year, f"{date.year} (the article's date, {date.isoformat()})"
    if year is not None:
        return year, f"{year} (given with --year)"
    inferred = infer_year(text)
    if inferred is None:
        raise ExtractionError(f"{seed}: the article names no year; give its date with --date or its year with --year")
    return inferred[0], f"{inferred[0]} ({inferred[1]})"


def _placeable(resolved: Resolved) -> bool:
    """Places the dataset can hold: with a country, or open sea (continents have neither)."""
    result = resolved.place.result
    return bool(result.country) or result.precision == LocationPrecision.WATER_OR_AIRSPACE


def _result(resolved: Resolved) -> GeocodeResult:
    return resolved.place.result


def _key(result: GeocodeResult) -> tuple[str, str, float, float]:
    return result.name, result.country, round(result.latitude, 5), round(result.longitude, 5)


def _place_names(results: Sequence[GeocodeResult]) -> dict[tuple[str, str, float, float], str]:
    """A unique places.csv name per distinct place; "Georgia (USA)" where two places share a name."""
    keys = {_key(r) for r in results}
    counts: dict[str, int] = {}
    for key in keys:
        counts[key[0]] = counts.get(key[0], 0) + 1
    return {key: key[0] if counts[key[0]] == 1 else f"{key[0]} ({key[1] or 'sea'})" for key in keys}


def _places_table(resolved: Sequence[Resolved], events: Sequence[Event], names: dict) -> pd.DataFrame:
    """Every place the article names (a reviewer may move an event there) and every event's place."""
    rows: dict[str, dict[str, str]] = {}
    located = [(r.place.result, r.confidence) for r in resolved] + [(e.place.result, e.place.confidence)
                                                                    for e in events]
    for result, confidence in located:
        name = names[_key(result)]
        confidence = max(confidence, float(rows[name]["confidence"])) if name in rows else confidence
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
