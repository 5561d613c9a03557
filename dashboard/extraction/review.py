"""Reviewing drafts before they join the dataset. Pure: frames and values in, frames out; no Streamlit.

- :func:`draft_article` drafts one :class:`Article` through the extractor (its date passed when the extractor
  takes one); :func:`review_table` turns drafts into one review table: an accept flag, the reason a row is
  doubtful (doubtful rows first), the fields a person may edit, and what they rest on (quote, article).
- :class:`PlaceResolver` resolves a typed place name offline: the drafts' and the dataset's own places first,
  then the extractor's names (:class:`~dashboard.extraction.toponyms.ToponymIndex`); an ambiguous name
  ("Georgia") gives its candidates, each with its country and coordinates, for the person to choose.
- :func:`merge` adds the accepted rows to the dataset: ids made unique, places reused by name and coordinates
  (a different place of the same name is named apart, never moved), each article a seed of the dataset, and
  the rows checked by the upload's own rules. It raises :class:`~dashboard.errors.DatasetError` listing every
  problem by article, review row and column, and then nothing is merged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import inspect
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

import pandas as pd

from ..dataset.schema import (
    EVENT_COLUMNS,
    EVENT_ID_PATTERN,
    LIST_SEPARATOR,
    LOADED_COLUMNS,
    GeocodeResult,
    LocationPrecision,
)
from ..errors import DatasetError, Problem
from ..geography.countries import country_name, find_country, is_iso3
from .extract import Draft, extract_draft
from .toponyms import ToponymIndex

__all__ = [
    "DOUBT_BELOW",
    "EDITABLE_COLUMNS",
    "Article",
    "Merged",
    "PlaceResolver",
    "Resolution",
    "article_name",
    "draft_article",
    "known_seeds",
    "merge",
    "place_label",
    "review_table",
    "row_places",
]

DOUBT_BELOW = 0.6  # an old-style draft (confidence only): rows below this are doubtful
MAX_CANDIDATES = 8  # of an ambiguous name, the most likely ones
SAME_PLACE_KM = 50.0  # two candidates of one name and country this close are one place ("Paris" city and département)
DOMINANT_RATIO = 20  # a city this many times bigger than every other of its name is the one meant
MIN_CITY_POPULATION = 15_000  # a smaller town is a candidate only when nothing else has the name
COORDINATE_TOLERANCE = 1e-5  # degrees: the dataset writes five decimals
EDITABLE_COLUMNS = ["accept", "title", "event_type", "start_date", "end_date", "date_precision", "place",
                    "participants", "sources"]
# The review table: what the editor shows (in this order), then what a row carries along unseen.
SHOWN_COLUMNS = ["accept", "doubt", "title", "place", "place_found", "event_type", "start_date", "end_date",
                 "date_precision", "participants", "sources", "quote", "seed"]
CARRIED_COLUMNS = ["event_id", "date_basis", "date_note", "notes", "confidence"]
_KIND_ORDER = {"region": 0, "country": 1, "division": 2, "continent": 3, "city": 4}
_NAMED_APART = re.compile(r"^(?P<name>.+?) \((?P<country>[A-Z]{3})\)$")  # "Georgia (USA)", as the extractor writes
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Article:
    """An article to draft: its file name as a seed of the dataset, its text and, if known, its date."""

    name: str
    text: str
    date: dt.date | None = None


def article_name(text: str, *, file_name: str | None = None, date: dt.date | None = None,
                 known: Mapping[str, str] = {}) -> str:
    """The seed file name an article gets: an uploaded file's own name, pasted text ``pasted-<date>-<hash8>.txt``.
    A name that ``known`` (seed name -> text) gives another text gets the text's hash, so no seed is replaced."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    if file_name is None:
        return f"pasted-{date.isoformat() if date else 'undated'}-{digest}.txt"
    stem = re.sub(r"[^\w.-]+", "-", PurePath(file_name.replace("\\", "/")).stem).strip(".-") or "article"
    name = f"{stem}.txt"
    if name in known and " ".join(known[name].split()) != " ".join(text.split()):
        name = f"{stem}-{digest}.txt"
    return name


def draft_article(article: Article, *, index: ToponymIndex | None = None) -> Draft:
    """The extractor's draft of ``article``: with its date when the extractor takes one, else with its year
    (none: the extractor infers it from the text)."""
    if "date" in inspect.signature(extract_draft).parameters:
        return extract_draft(article.text, seed=article.name, date=article.date, index=index)
    return extract_draft(article.text, seed=article.name, year=article.date.year if article.date else None,
                         index=index)


def review_table(drafts: Sequence[Draft]) -> pd.DataFrame:
    """The drafts' events as one review table (:data:`SHOWN_COLUMNS` + :data:`CARRIED_COLUMNS`), doubtful rows
    first, each accepted; indexed 1, 2, … as the editor numbers its rows."""
    frames = [_review_rows(draft.events) for draft in drafts if not draft.events.empty]
    if not frames:
        return _empty_review()
    table = pd.concat(frames, ignore_index=True)
    table = table.iloc[(table["doubt"] == "").argsort(kind="stable")].reset_index(drop=True)
    table.index = pd.RangeIndex(1, len(table) + 1)
    return table


def _review_rows(events: pd.DataFrame) -> pd.DataFrame:
    events = events.fillna("").astype(str)
    doubt = events["doubt"] if "doubt" in events.columns else events.apply(_doubt_of, axis=1)
    return pd.DataFrame({
        "accept": True,
        "doubt": doubt.to_numpy(),
        "title": events["title"],
        "event_type": events["event_type"],
        "start_date": [_day(value) for value in events["start_date"]],
        "end_date": [_day(value) for value in events["end_date"]],
        "date_precision": events["date_precision"],
        "place": events["place"],
        "place_found": "",
        "participants": events["participants"],
        "sources": events["sources"],
        "quote": events["quote"],
        "seed": events["seed"],
        **{column: events[column] if column in events.columns else "" for column in CARRIED_COLUMNS},
    })


def _empty_review() -> pd.DataFrame:
    table = pd.DataFrame({column: pd.Series(dtype=object) for column in SHOWN_COLUMNS + CARRIED_COLUMNS})
    table["accept"] = table["accept"].astype(bool)
    return table


def _doubt_of(row: pd.Series) -> str:
    """Why a row of a draft that gives only a confidence is doubtful ("" when it is not), from its notes."""
    try:
        confidence = float(row.get("confidence", "") or "nan")
    except ValueError:
        confidence = math.nan
    if not confidence < DOUBT_BELOW:
        return ""
    reasons = [f"low confidence ({confidence:.2f})"]
    if "is a guess" in str(row.get("notes", "")):
        reasons.append("event type guessed")
    if str(row.get("date_note", "")).startswith("Guess"):
        reasons.append("no date given, year assumed")
    return "; ".join(reasons)


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


# --- places ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Resolution:
    """A typed place name resolved: the place found (None when not found, or ambiguous until one is chosen)
    and, for an ambiguous name, its candidates, most likely first."""

    typed: str
    found: GeocodeResult | None
    candidates: tuple[GeocodeResult, ...] = ()

    @property
    def ambiguous(self) -> bool:
        """Several places and none chosen yet."""
        return self.found is None and len(self.candidates) > 1

    @property
    def alternatives(self) -> bool:
        """Whether there is a choice to offer: several candidates (one may be chosen already)."""
        return len(self.candidates) > 1

    def choose(self, label: str | None) -> Resolution:
        """This resolution with the candidate labelled ``label`` (see :func:`place_label`) chosen."""
        chosen = next((c for c in self.candidates if place_label(c) == label), None)
        return self if chosen is None else Resolution(self.typed, chosen, self.candidates)

    def describe(self) -> str:
        """What the review table says of it: the place found, or what to do."""
        if self.found is not None:
            return place_label(self.found)
        if self.ambiguous:
            return f"ambiguous: {len(self.candidates)} places, choose one below the table"
        return "not found offline: type another name"


def place_label(place: GeocodeResult) -> str:
    """"Georgia — state or province, United States (USA) · 32.65, -83.45"; "Georgia — country (GEO) · …"."""
    kind = _PRECISION_WORDS.get(int(place.precision), "place")
    if place.precision == LocationPrecision.COUNTRY:
        where = f" ({place.country})"
    else:
        where = f", {country_name(place.country)} ({place.country})" if place.country else ""
    return f"{place.name} — {kind}{where} · {place.latitude:.2f}, {place.longitude:.2f}"


_PRECISION_WORDS = {1: "exact place", 2: "city or town", 3: "district", 4: "state or province", 5: "region",
                    6: "country", 7: "sea or ocean"}


class PlaceResolver:
    """Typed place names to places, offline. ``known`` (the drafts' and the dataset's places, by name) answers
    first and as it is; then the extractor's names (aliases, regions, countries, divisions, cities). Answers are
    remembered per name."""

    def __init__(self, index: ToponymIndex, known: Mapping[str, GeocodeResult] = {}) -> None:
        self._index = index
        self._known = dict(known)
        self._cache: dict[str, Resolution] = {}

    def resolve(self, typed: str) -> Resolution:
        name = " ".join(str(typed).split())
        if name not in self._cache:
            self._cache[name] = self._resolve(name)
        return self._cache[name]

    def _resolve(self, name: str) -> Resolution:
        if not name:
            return Resolution(name, None)
        if name in self._known:
            return Resolution(name, self._known[name])
        named = _NAMED_APART.match(name)  # "Georgia (USA)": the name within that country
        options = self._options(named["name"] if named else name)
        if named:
            options = [o for o in options if o.result.country == named["country"]]
        options = options[:MAX_CANDIDATES]
        candidates = tuple(o.result for o in options)
        return Resolution(name, candidates[0] if _dominant(options) else None, candidates)

    def _options(self, name: str) -> list[_Option]:
        """The places ``name`` may mean, most likely first: one per place (a city and its same-named division
        are one, at the more precise point), small towns only when nothing bigger has the name, alternate names
        only when no place is called so."""
        found, _ = self._index.candidates(name)
        exact = [c for c in found if c.kind != "city" or c.exact] or list(found)
        sizable = [c for c in exact if c.kind != "city" or c.population >= MIN_CITY_POPULATION] or exact
        ranked = sorted(sizable, key=lambda c: (_KIND_ORDER.get(c.kind, 9), -c.population))
        options: list[_Option] = []
        for c in ranked:
            same = next((i for i, o in enumerate(options) if _same_place(c.result, o.result)), None)
            if same is None:
                options.append(_Option(c.result, c.kind, c.population))
            else:  # one place: the more precise point, the larger figure
                kept = options[same]
                better = c.result if c.result.precision < kept.result.precision else kept.result
                options[same] = _Option(better, kept.kind, max(kept.population, c.population))
        return options


@dataclass(frozen=True)
class _Option:
    result: GeocodeResult
    kind: str
    population: int


def _dominant(options: Sequence[_Option]) -> bool:
    """Whether the first option is what the name means unless said otherwise: the only one; or a country or
    region over same-named cities ("Angola", not Angola, Indiana); or a place twenty times the size of every
    other, all cities ("Paris", not Paris, Texas). A country and a state ("Georgia") stay for the person."""
    if len(options) == 1:
        return True
    if not options or any(o.kind != "city" for o in options[1:]):
        return False
    first = options[0]
    return first.kind in ("country", "region") or \
        all(first.population >= DOMINANT_RATIO * max(o.population, 1) for o in options[1:])


def _same_place(a: GeocodeResult, b: GeocodeResult) -> bool:
    return a.country == b.country and _km(a, b) < SAME_PLACE_KM


def _km(a: GeocodeResult, b: GeocodeResult) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(h, 1.0)))


def row_places(places: pd.DataFrame) -> dict[str, GeocodeResult]:
    """Places by name, from a draft's places table (PLACE_COLUMNS) or a loaded dataset (``place_country``)."""
    if places.empty:
        return {}
    country = "place_country" if "place_country" in places.columns else "country"
    table = places.drop_duplicates("place")
    return {str(row["place"]): GeocodeResult(str(row["place"]), float(row["latitude"]), float(row["longitude"]),
                                             LocationPrecision(int(row["location_precision"])),
                                             str(row[country] or ""), str(row["coord_source"]))
            for _, row in table.iterrows()}


# --- merging --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Merged:
    """The dataset with the accepted rows added (a loaded frame), the rows added, and the articles they cite."""

    events: pd.DataFrame
    added: pd.DataFrame
    seeds: dict[str, str]


def merge(dataset: pd.DataFrame, review: pd.DataFrame, places: Mapping[int, Resolution], *,
          seeds: Mapping[str, str]) -> Merged:
    """The accepted rows of ``review`` added to ``dataset`` (a loaded frame), each at its resolved place
    (``places``: review row -> resolution). ``seeds`` holds every article's text by file name (the bundled ones,
    the dataset's, the drafted ones). Raises :class:`DatasetError` with every problem (file: the row's article,
    row: the review row, column: the review column); nothing is merged then."""
    accepted = review[review["accept"].astype(bool)]
    if accepted.empty:
        raise DatasetError([Problem("draft", None, "accept", "no row is accepted: tick Accept for the rows to add")])
    problems = {number: _row_problems(number, row, places.get(number)) for number, row in accepted.iterrows()}
    checkable = accepted[[not found for found in problems.values()]]  # the rest cannot be written as rows yet
    from ..dataset.ingest import ingest  # the upload checks, ~0.15 s to import: only when rows are added

    result = ingest(_new_rows(dataset, checkable, places), file="draft", seeds=seeds) if not checkable.empty \
        else None
    numbers = list(checkable.index)
    found = [p for row in problems.values() for p in row]
    found += [Problem(str(checkable.at[numbers[p.row - 1], "seed"]) if p.row else "draft",
                      numbers[p.row - 1] if p.row else None, p.column, p.message)
              for p in (result.problems if result is not None else [])]
    if found:
        raise DatasetError(found)
    added = result.events
    for column in dataset.columns.difference(added.columns):  # the dataset's own extra columns
        added[column] = ""
    merged = pd.concat([dataset, added[dataset.columns.union(added.columns, sort=False)]], ignore_index=True)
    cited = set(added["seed"])
    return Merged(merged, added, {name: text for name, text in seeds.items() if name in cited})


def _row_problems(number: int, row: pd.Series, place: Resolution | None) -> list[Problem]:
    seed = str(row["seed"])
    problems = []
    if place is None or place.found is None:
        message = place.describe() if place is not None else "no place resolved"
        problems.append(Problem(seed, number, "place", f"{str(row['place'])[:60]!r}: {message}"))
    for column in ("start_date", "end_date"):
        if not isinstance(row[column], dt.date):
            problems.append(Problem(seed, number, column, "value is required (a date)"))
    return problems


def _new_rows(dataset: pd.DataFrame, accepted: pd.DataFrame, places: Mapping[int, Resolution]) -> pd.DataFrame:
    """The accepted rows as a single-file table of strings: unique ids, participants as codes, each at its
    place under a name that means one point across the dataset and these rows."""
    taken_ids = set(dataset["event_id"]) if "event_id" in dataset.columns else set()
    named = {name: (float(lat), float(lon)) for name, lat, lon in
             dataset[["place", "latitude", "longitude"]].drop_duplicates("place").itertuples(index=False)} \
        if not dataset.empty else {}
    existing = row_places(dataset)
    rows = []
    for number, row in accepted.iterrows():
        found = places[number].found
        name = _place_name(found, named)
        place = existing.get(name, found)  # a place the dataset has keeps its own columns
        event_id = _unique_id(str(row["event_id"]) or str(row["title"]), taken_ids)
        rows.append({
            "event_id": event_id, "title": _text(row["title"]), "event_type": _text(row["event_type"]),
            "start_date": row["start_date"].isoformat(), "end_date": row["end_date"].isoformat(),
            "date_precision": _text(row["date_precision"]), "date_basis": _text(row["date_basis"]),
            "date_note": _text(row["date_note"]), "place": name,
            "latitude": repr(place.latitude), "longitude": repr(place.longitude),
            "location_precision": str(int(place.precision)), "place_country": place.country,
            "coord_source": place.source, "participants": _participants(_text(row["participants"])),
            "sources": LIST_SEPARATOR.join(s.strip() for s in _text(row["sources"]).split(LIST_SEPARATOR)
                                           if s.strip()),
            "quote": _text(row["quote"]), "seed": _text(row["seed"]), "notes": _text(row["notes"]),
        })
    return pd.DataFrame(rows, columns=[*EVENT_COLUMNS, *[c for c in LOADED_COLUMNS if c not in EVENT_COLUMNS]])


def _place_name(found: GeocodeResult, named: dict[str, tuple[float, float]]) -> str:
    """``found``'s name, or "Name (ISO3)", "Name (ISO3) 2"… when the name is another point's; registered."""
    point = (found.latitude, found.longitude)
    base = found.name
    options = [base, f"{base} ({found.country or 'sea'})"]
    options += [f"{options[1]} {n}" for n in range(2, 100)]
    for name in options:
        if name not in named:
            named[name] = point
            return name
        if all(abs(a - b) <= COORDINATE_TOLERANCE for a, b in zip(named[name], point, strict=True)):
            return name
    raise DatasetError([Problem("draft", None, "place", f"too many places called {base!r}")])


def _unique_id(wanted: str, taken: set[str]) -> str:
    """A valid event id from ``wanted``, with "-2", "-3"… when taken; registered."""
    slug = _SLUG.sub("-", wanted.lower()).strip("-")[:72].strip("-") or "draft-event"
    event_id, number = slug, 1
    while event_id in taken or not EVENT_ID_PATTERN.match(event_id):
        number += 1
        event_id = f"{slug}-{number}"
    taken.add(event_id)
    return event_id


def _participants(cell: str) -> str:
    """Codes or country names separated by ";" or ",", as ISO 3166-1 alpha-3 codes where a name is known (an
    unknown one is kept as typed, for the validator to name)."""
    codes = []
    for item in re.split(r"[;,]", cell):
        item = item.strip()
        if item:
            code = item if is_iso3(item) else find_country(item) or item
            if code not in codes:
                codes.append(code)
    return LIST_SEPARATOR.join(codes)


def _text(value: object) -> str:
    """A cell as text: None and NaN (a cell the editor cleared) as ""."""
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip()


def known_seeds(folder: Path) -> dict[str, str]:
    """The texts of the ``.txt`` articles in ``folder`` by file name."""
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(Path(folder).glob("*.txt"))}
