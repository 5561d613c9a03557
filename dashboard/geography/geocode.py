"""The geocoding chain: a persistent cache, the offline gazetteer, and — only when asked for — Nominatim.

Built on geopy. The online geocoder is passed in (tests pass a fake), always wrapped in geopy's
``RateLimiter`` (one request a second, Nominatim's usage policy) and called with a timeout. As in geopy,
"not found" is ``None`` and a failing service raises (:class:`GeocodingError`, :class:`GeocodingTimeout`).

Only online answers are cached: offline answers are recomputed every time, so a newer gazetteer shows up
as a change to review instead of being masked by old entries.

Degrading, not failing: a cache file that cannot be read is set aside and the run goes on without it, a cache entry
of the wrong shape is skipped, and an answer the validator would reject (a city with no ISO country) leaves its
place unresolved instead of aborting the run. What was set aside or skipped is told in ``GeocodeCache.warnings``
for the caller to show; the core never prints.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

import pandas as pd
from geopy.exc import GeocoderServiceError, GeocoderTimedOut
from geopy.extra.rate_limiter import RateLimiter
from geopy.location import Location

from ..dataset.schema import LocationPrecision
from ..dataset.validation import validate_places
from ..errors import GeocodingError, GeocodingTimeout
from ..files import atomic_write_text
from .countries import alpha2, alpha3, normalise_name
from .gazetteer import GeocodeResult, OfflineGazetteer

__all__ = [
    "DEFAULT_TIMEOUT",
    "MIN_DELAY_SECONDS",
    "GeocodeCache",
    "GeocoderChain",
    "Unresolved",
    "build_query",
    "cache_entry_result",
    "geocode_places",
    "make_nominatim",
    "parse_location",
]

MIN_DELAY_SECONDS = 1.0  # Nominatim's usage policy: at most one request per second
DEFAULT_TIMEOUT = 10.0
# After this many failures in a row (no network, service down) the rest of a run stays offline: waiting out a
# timeout for every remaining place helps nobody.
MAX_CONSECUTIVE_FAILURES = 3
CACHE_VERSION = 1
# The shape put() writes each cache entry in; an entry of any other shape is skipped on reading.
_ENTRY_TYPES: dict[str, type | tuple[type, ...]] = {"name": str, "latitude": (int, float), "longitude": (int, float),
                                                    "precision": int, "country": str, "source": str}

# Nominatim's addresstype (or type) -> UCDP precision. Unknown kinds fall to "wider region": when in doubt,
# claim less precision, not more.
_NOMINATIM_PRECISION: dict[str, LocationPrecision] = {
    **dict.fromkeys(["house", "building", "amenity", "military", "aeroway", "road"], LocationPrecision.EXACT),
    **dict.fromkeys(["city", "town", "village", "hamlet", "suburb", "neighbourhood", "quarter", "borough",
                     "city_district", "municipality"], LocationPrecision.NEAR_NAMED_PLACE),
    **dict.fromkeys(["county", "district"], LocationPrecision.ADM2),
    **dict.fromkeys(["state", "province", "region"], LocationPrecision.ADM1),
    "country": LocationPrecision.COUNTRY,
    **dict.fromkeys(["sea", "ocean", "bay", "strait", "water"], LocationPrecision.WATER_OR_AIRSPACE),
}


class OnlineGeocoder(Protocol):
    """What the chain needs of a geopy geocoder."""

    def geocode(self, query: str, *, exactly_one: bool = True, timeout: float | None = None,
                **kwargs: Any) -> Location | None: ...


def make_nominatim(user_agent: str, *, timeout: float = DEFAULT_TIMEOUT) -> OnlineGeocoder:
    """geopy's Nominatim with a real user agent. geopy itself refuses its default one."""
    from geopy.geocoders import Nominatim

    if not user_agent.strip():
        raise GeocodingError("Nominatim needs a user agent naming your application and a contact")
    return Nominatim(user_agent=user_agent, timeout=timeout)


def build_query(name: str, country: str | None) -> dict[str, Any]:
    """Keyword arguments for ``Nominatim.geocode``: the name, limited to the country when there is one."""
    query: dict[str, Any] = {"query": name, "exactly_one": True, "addressdetails": True}
    if country and (code := alpha2(country)):
        query["country_codes"] = code.lower()
    return query


def parse_location(location: Location) -> GeocodeResult:
    """A geopy ``Location`` from Nominatim as a result, with a precision read from its kind."""
    raw = location.raw or {}
    kind = raw.get("addresstype") or raw.get("type") or ""
    precision = _NOMINATIM_PRECISION.get(kind, LocationPrecision.WIDER_REGION)
    code = (raw.get("address") or {}).get("country_code", "")
    source = f"Nominatim {raw.get('osm_type', '?')}/{raw.get('osm_id', '?')} ({kind or 'unknown kind'}): " \
             f"{location.address}"
    return GeocodeResult(location.address.split(",")[0], round(location.latitude, 5),
                         round(location.longitude, 5), precision, alpha3(code), source)


class GeocodeCache:
    """Online answers by (name, country), kept in a JSON file that is only ever replaced whole.

    The file is read once, on :meth:`load` or the first look-up. A file that cannot be read (not JSON, another
    version) is renamed ``<name>.corrupt-<time>`` and the cache starts empty; entries of the wrong shape are
    skipped. Each is told once in :attr:`warnings`. Losing a cache costs only new online look-ups; aborting a run
    over one would cost the run.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.warnings: list[str] = []
        self._entries: dict[str, GeocodeResult] | None = None
        self._writable = True  # False when an unreadable file could not be set aside: it must not be overwritten

    @staticmethod
    def key(name: str, country: str | None) -> str:
        return f"{normalise_name(name)}|{country or ''}"

    def load(self) -> None:
        """Read the file now rather than at the first look-up, so its warnings come before a run, not inside it."""
        self._load()

    def get(self, name: str, country: str | None) -> GeocodeResult | None:
        return self._load().get(self.key(name, country))

    def put(self, name: str, country: str | None, result: GeocodeResult) -> None:
        """Keep an answer and save the file; if it cannot be saved, keep answers in memory for the rest of the run
        (told once in :attr:`warnings`): an answer not cached costs a look-up next time, not this run."""
        self._load()[self.key(name, country)] = result
        try:
            self.save()
        except OSError as exc:
            self._writable = False
            self.warnings.append(f"{self.path}: cannot save the cache ({exc.strerror or exc}); from here on, online "
                                 "answers are not saved")

    def save(self) -> None:
        """Write atomically: a temporary file in the same folder, then a rename over the old file."""
        if not self._writable:
            return
        entries = {key: {**asdict(result), "precision": int(result.precision)}
                   for key, result in sorted(self._load().items())}
        payload = {"version": CACHE_VERSION, "entries": entries}
        atomic_write_text(self.path, json.dumps(payload, ensure_ascii=False, indent=1) + "\n")

    def _load(self) -> dict[str, GeocodeResult]:
        if self._entries is None:
            self._entries = self._read()
        return self._entries

    def _read(self) -> dict[str, GeocodeResult]:
        if not self.path.exists():
            return {}
        try:
            payload = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            return self._set_aside(f"unreadable geocoding cache ({exc})")
        if not isinstance(payload, dict) or payload.get("version") != CACHE_VERSION \
                or not isinstance(payload.get("entries", {}), dict):
            return self._set_aside(f"not a version {CACHE_VERSION} geocoding cache")
        entries: dict[str, GeocodeResult] = {}
        skipped: list[str] = []
        for key, entry in payload.get("entries", {}).items():
            result = cache_entry_result(entry)
            if result is None:
                skipped.append(key)
                continue
            # Re-fold the keys: a cache written when names were folded differently (before accents and hyphens
            # were folded) still answers for the same names. Two old keys that now fold alike ("leon", "león")
            # were answers for what is now one query; the later one is kept.
            entries[self.key(*key.rpartition("|")[::2])] = result
        if skipped:
            self.warnings.append(f"{self.path}: skipped {len(skipped)} cache entr{'y' if len(skipped) == 1 else 'ies'}"
                                 f" of the wrong shape (first: {skipped[0]!r}); they go when the cache is next saved")
        return entries

    def _set_aside(self, why: str) -> dict[str, GeocodeResult]:
        """Rename the unreadable file out of the way (kept for a person to look at) and start empty."""
        aside = _free_path(self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}"))
        try:
            self.path.rename(aside)
        except OSError as exc:
            self._writable = False
            self.warnings.append(f"{self.path}: {why}; could not set it aside ({exc.strerror or exc}), so it is "
                                 "left as it is and this run uses no cache")
            return {}
        self.warnings.append(f"{self.path}: {why}; set aside as {aside.name}, starting an empty cache")
        return {}


def cache_entry_result(entry: Any) -> GeocodeResult | None:
    """A cache entry as a result, or None when it is not of the shape :meth:`GeocodeCache.put` writes."""
    if not isinstance(entry, dict) or set(entry) != set(_ENTRY_TYPES):
        return None
    # bool is an int to isinstance, but a latitude of true is no latitude.
    if any(isinstance(entry[k], bool) or not isinstance(entry[k], kind) for k, kind in _ENTRY_TYPES.items()):
        return None
    latitude, longitude = float(entry["latitude"]), float(entry["longitude"])
    if not (math.isfinite(latitude) and math.isfinite(longitude) and abs(latitude) <= 90 and abs(longitude) <= 180):
        return None
    if entry["precision"] not in set(LocationPrecision):
        return None
    return GeocodeResult(entry["name"], latitude, longitude, LocationPrecision(entry["precision"]), entry["country"],
                         entry["source"])


def _free_path(path: Path) -> Path:
    """``path``, or ``path`` with a counter appended if a file of that name exists (two set-asides a second)."""
    candidate, count = path, 1
    while candidate.exists():
        candidate, count = path.with_name(f"{path.name}-{count}"), count + 1
    return candidate


@dataclass
class GeocoderChain:
    """Cache, then the offline gazetteer, then the online geocoder if one was given."""

    gazetteer: OfflineGazetteer
    cache: GeocodeCache | None = None
    online: OnlineGeocoder | None = None
    min_delay_seconds: float = MIN_DELAY_SECONDS
    timeout: float = DEFAULT_TIMEOUT
    max_failures: int = MAX_CONSECUTIVE_FAILURES

    def __post_init__(self) -> None:
        self._call: Callable[..., Location | None] | None = None
        self._failures = 0
        if self.online is not None:
            # Errors must reach us: swallowing them would turn an outage into "not found".
            self._call = RateLimiter(self.online.geocode, min_delay_seconds=self.min_delay_seconds,
                                     max_retries=0, swallow_exceptions=False)

    def resolve(self, name: str, country: str | None = None) -> GeocodeResult | None:
        """Coordinates for ``name``; None when no source knows it; raises when the online service fails."""
        if self.cache is not None and (hit := self.cache.get(name, country)):
            return hit
        if result := self.gazetteer.lookup(name, country):
            return result
        if self._call is None:
            return None
        if self._failures >= self.max_failures:
            raise GeocodingError(f"online geocoder not asked for {name!r}: it failed {self._failures} times in a row")
        result = self._resolve_online(name, country)
        if result is not None and self.cache is not None:
            self.cache.put(name, country, result)
        return result

    def _resolve_online(self, name: str, country: str | None) -> GeocodeResult | None:
        try:
            location = self._call(**build_query(name, country), timeout=self.timeout)
        except GeocoderTimedOut as exc:
            self._failures += 1
            raise GeocodingTimeout(f"online geocoder timed out after {self.timeout:g} s on {name!r}") from exc
        except GeocoderServiceError as exc:
            self._failures += 1
            raise GeocodingError(f"online geocoder failed on {name!r}: {exc}") from exc
        self._failures = 0
        return None if location is None else parse_location(location)


@dataclass(frozen=True)
class Unresolved:
    """A place the chain could not resolve, and why (not found, or the service's error)."""

    row: int
    place: str
    reason: str


def geocode_places(places: pd.DataFrame, chain: GeocoderChain, *, refresh: bool = False,
                   progress: Callable[[Iterable[int]], Iterable[int]] = iter,
                   ) -> tuple[pd.DataFrame, list[Unresolved]]:
    """Fill the coordinates, precision, country and provenance of places that lack coordinates.

    ``places`` is a raw places table (strings). With ``refresh`` every place is resolved again. A country
    already in the table is kept and used as a hint. ``progress`` wraps the row iterator (e.g. ``tqdm``).
    Returns the new table and the places left unresolved; the input is not changed.
    """
    table = places.copy()
    unresolved: list[Unresolved] = []
    filled: dict[int, list[str]] = {}  # row index -> the columns an answer filled
    todo = [i for i in range(len(table)) if refresh or not _has_coordinates(table.iloc[i])]
    for i in progress(todo):
        name, hint = table.at[i, "place"], table.at[i, "country"].strip() or None
        try:
            result = chain.resolve(name, hint)
        except GeocodingError as exc:
            unresolved.append(Unresolved(i + 1, name, str(exc)))
            continue
        if result is None:
            unresolved.append(Unresolved(i + 1, name, "not found" + ("" if chain.online else
                                                                     " offline (try --online)")))
            continue
        table.loc[i, _ANSWER_COLUMNS] = [f"{result.latitude:.5f}", f"{result.longitude:.5f}",
                                         str(int(result.precision)), hint or result.country, result.source]
        # A country given in the table is the table's own (its problems are the validator's to report); the rest
        # is the answer's.
        filled[i] = [c for c in _ANSWER_COLUMNS if c != "country" or not hint]
    unresolved += _reject_unusable(table, places, filled)
    return table, sorted(unresolved, key=lambda item: item.row)


_ANSWER_COLUMNS = ["latitude", "longitude", "location_precision", "country", "coord_source"]


def _reject_unusable(table: pd.DataFrame, places: pd.DataFrame, filled: dict[int, list[str]]) -> list[Unresolved]:
    """Put back, in place, the rows whose answer the validator rejects (a city GeoNames gives no ISO country, an
    online answer outside any country), and say why: one odd answer must not make a whole run's table invalid."""
    rows = sorted(filled)
    rejected: dict[int, str] = {}
    for problem in validate_places(table.iloc[rows].reset_index(drop=True), file="", unique=False) if rows else []:
        i = rows[problem.row - 1] if problem.row else None
        if i is not None and problem.column in filled[i] and i not in rejected:
            rejected[i] = f"answer rejected ({problem.column}: {problem.message}): {table.at[i, 'coord_source']}"
    for i in rejected:
        table.loc[i, _ANSWER_COLUMNS] = places.loc[i, _ANSWER_COLUMNS].to_numpy()
    return [Unresolved(i + 1, table.at[i, "place"], reason) for i, reason in rejected.items()]


def _has_coordinates(row: pd.Series) -> bool:
    return bool(str(row["latitude"]).strip() and str(row["longitude"]).strip())
