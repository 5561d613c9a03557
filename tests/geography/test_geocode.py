"""The geocoding chain with a fake online geocoder: cache, offline, online, not found, failures, atomicity."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd
import pytest
from geopy.exc import GeocoderRateLimited, GeocoderTimedOut, GeocoderUnavailable
from geopy.location import Location

from dashboard.dataset.loading import read_table
from dashboard.dataset.schema import LocationPrecision
from dashboard.dataset.validation import validate_places
from dashboard.errors import GeocodingError, GeocodingTimeout
from dashboard.geography.gazetteer import GeocodeResult, OfflineGazetteer
from dashboard.geography.geocode import (
    CACHE_VERSION,
    GeocodeCache,
    GeocoderChain,
    build_query,
    cache_entry_result,
    geocode_places,
    make_nominatim,
    parse_location,
)
from dashboard.paths import PLACES_PATH

HOSTOMEL_RAW = {"osm_type": "relation", "osm_id": 1, "addresstype": "town",
                "address": {"country_code": "ua"}}


class FakeGeocoder:
    """Answers like geopy's Nominatim from a dict; raises what it is told to; records every call."""

    def __init__(self, answers: dict[str, Location | None] | None = None, error: Exception | None = None):
        self.answers = answers or {}
        self.error = error
        self.calls: list[dict] = []

    def geocode(self, query, *, exactly_one=True, timeout=None, **kwargs):
        self.calls.append({"query": query, "timeout": timeout, **kwargs})
        if self.error is not None:
            raise self.error
        return self.answers.get(query)


def hostomel() -> Location:
    return Location("Hostomel, Bucha Raion, Kyiv Oblast, Ukraine", (50.5697, 30.2655), HOSTOMEL_RAW)


@pytest.fixture(scope="module")
def gazetteer() -> OfflineGazetteer:
    return OfflineGazetteer()


def chain(gazetteer, tmp_path, online=None) -> GeocoderChain:
    return GeocoderChain(gazetteer, cache=GeocodeCache(tmp_path / "cache.json"), online=online,
                         min_delay_seconds=0)


def test_offline_hit_needs_no_online_call(gazetteer, tmp_path):
    fake = FakeGeocoder()
    result = chain(gazetteer, tmp_path, fake).resolve("Kyiv", "UKR")
    assert result.precision == LocationPrecision.NEAR_NAMED_PLACE and result.source.startswith("GeoNames 703448")
    assert fake.calls == [] and not (tmp_path / "cache.json").exists()  # offline answers are not cached


def test_online_path_is_used_only_when_offline_fails_and_is_cached(gazetteer, tmp_path):
    fake = FakeGeocoder({"Hostomel Airport": hostomel()})
    result = chain(gazetteer, tmp_path, fake).resolve("Hostomel Airport", "UKR")
    assert (result.latitude, result.longitude, result.country) == (50.5697, 30.2655, "UKR")
    assert result.source.startswith("Nominatim relation/1 (town)")
    assert fake.calls == [{"query": "Hostomel Airport", "timeout": 10.0, "addressdetails": True,
                           "country_codes": "ua"}]
    entries = json.loads((tmp_path / "cache.json").read_text())["entries"]
    assert list(entries) == ["hostomel airport|UKR"]


def test_cache_hit_makes_no_call(gazetteer, tmp_path):
    first = FakeGeocoder({"Hostomel Airport": hostomel()})
    chain(gazetteer, tmp_path, first).resolve("Hostomel Airport", "UKR")
    second = FakeGeocoder(error=AssertionError("must not be called"))
    again = chain(gazetteer, tmp_path, second).resolve("hostomel  airport", "UKR")  # folded key
    assert again.latitude == 50.5697 and second.calls == []


def test_not_found_is_none(gazetteer, tmp_path):
    assert chain(gazetteer, tmp_path, FakeGeocoder()).resolve("Nowhere-on-Earth") is None
    assert chain(gazetteer, tmp_path).resolve("Nowhere-on-Earth") is None  # offline only


@pytest.mark.parametrize(
    ("error", "raised"),
    [
        (GeocoderTimedOut("slow"), GeocodingTimeout),
        (GeocoderUnavailable("down"), GeocodingError),  # e.g. no network
        (GeocoderRateLimited("slow down", retry_after=1), GeocodingError),
    ],
)
def test_service_failures_raise_the_package_s_errors(gazetteer, tmp_path, error, raised):
    with pytest.raises(raised, match="Nowhere"):
        chain(gazetteer, tmp_path, FakeGeocoder(error=error)).resolve("Nowhere")
    assert not (tmp_path / "cache.json").exists()


def test_timeout_is_also_a_builtin_timeout_error(gazetteer, tmp_path):
    with pytest.raises(TimeoutError):
        chain(gazetteer, tmp_path, FakeGeocoder(error=GeocoderTimedOut())).resolve("Nowhere")


def test_online_calls_go_through_a_rate_limiter(gazetteer):
    limited = GeocoderChain(gazetteer, online=FakeGeocoder())
    assert limited._call.min_delay_seconds == 1.0  # Nominatim's policy, by default


def test_rate_limiter_spaces_calls(gazetteer):
    fake = FakeGeocoder()
    online = GeocoderChain(gazetteer, online=fake, min_delay_seconds=0.2)
    started = time.monotonic()
    online.resolve("Nowhere one")
    online.resolve("Nowhere two")
    assert len(fake.calls) == 2 and time.monotonic() - started >= 0.2  # a lower bound only: never flaky


def test_cache_write_is_atomic_when_interrupted(tmp_path, monkeypatch):
    cache = GeocodeCache(tmp_path / "cache.json")
    result = GeocodeResult("A", 1.0, 2.0, LocationPrecision.EXACT, "UKR", "test")
    cache.put("a", None, result)
    before = (tmp_path / "cache.json").read_bytes()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("os.replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cache.put("b", None, result)
    assert (tmp_path / "cache.json").read_bytes() == before  # old content, whole
    assert [p.name for p in tmp_path.iterdir()] == ["cache.json"]  # no temporary file left behind


@pytest.mark.parametrize("content", [
    "{not json",
    "\xff\xfe",  # not UTF-8
    json.dumps({"version": CACHE_VERSION + 1, "entries": {}}),  # a newer tool's cache: kept, not misread
    json.dumps({"version": CACHE_VERSION, "entries": ["a list"]}),
])
def test_an_unreadable_cache_is_set_aside_and_the_cache_starts_empty(tmp_path, content):
    path = tmp_path / "cache.json"
    path.write_bytes(content.encode("latin-1") if content.startswith("\xff") else content.encode())
    before = path.read_bytes()
    cache = GeocodeCache(path)
    cache.load()
    assert cache.get("a", None) is None and not path.exists()
    [aside] = tmp_path.glob("cache.json.corrupt-*")
    assert aside.read_bytes() == before  # kept for a person to look at
    assert len(cache.warnings) == 1 and f"set aside as {aside.name}" in cache.warnings[0]
    cache.put("a", None, GeocodeResult("A", 1.0, 2.0, LocationPrecision.EXACT, "UKR", "test"))
    assert GeocodeCache(path).get("a", None).name == "A"  # the new cache works


def test_a_second_corrupt_cache_in_the_same_second_does_not_replace_the_first(tmp_path, monkeypatch):
    monkeypatch.setattr("time.strftime", lambda fmt: "20250101T000000")
    for text in ("{first", "{second"):
        (tmp_path / "cache.json").write_text(text)
        GeocodeCache(tmp_path / "cache.json").load()
    assert sorted(p.read_text() for p in tmp_path.glob("cache.json.corrupt-*")) == ["{first", "{second"]


def test_a_corrupt_cache_that_cannot_be_set_aside_is_left_untouched(tmp_path, monkeypatch):
    def refused(self, target):
        raise PermissionError(13, "Permission denied")

    (tmp_path / "cache.json").write_text("{not json")
    monkeypatch.setattr(Path, "rename", refused)
    cache = GeocodeCache(tmp_path / "cache.json")
    cache.put("a", None, GeocodeResult("A", 1.0, 2.0, LocationPrecision.EXACT, "UKR", "test"))
    assert cache.get("a", None).name == "A"  # kept in memory for this run…
    assert (tmp_path / "cache.json").read_text() == "{not json"  # … and the file is never overwritten
    assert "could not set it aside (Permission denied)" in cache.warnings[0]


def test_a_cache_that_cannot_be_saved_keeps_answers_for_the_run(gazetteer, tmp_path, monkeypatch):
    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("dashboard.geography.geocode.atomic_write_text", disk_full)
    fake = FakeGeocoder({"Hostomel Airport": hostomel(), "Antonov Airport": hostomel()})
    online = chain(gazetteer, tmp_path, fake)
    for name in ("Hostomel Airport", "Antonov Airport", "Hostomel Airport"):
        assert online.resolve(name, "UKR").latitude == 50.5697
    assert len(fake.calls) == 2  # the third is answered from memory
    assert online.cache.warnings == [f"{tmp_path / 'cache.json'}: cannot save the cache (No space left on device); "
                                     "from here on, online answers are not saved"]  # once, not per answer


GOOD_ENTRY = {"name": "Hostomel", "latitude": 50.5697, "longitude": 30.2655, "precision": 2, "country": "UKR",
              "source": "Nominatim"}


@pytest.mark.parametrize("entry", [
    {k: v for k, v in GOOD_ENTRY.items() if k != "source"},  # a key missing
    {**GOOD_ENTRY, "extra": 1},  # a key GeocodeResult does not take
    {**GOOD_ENTRY, "latitude": "50.5697"},  # a number as text
    {**GOOD_ENTRY, "latitude": True},  # bool is an int to isinstance, not a latitude
    {**GOOD_ENTRY, "longitude": 200.0},  # off the globe
    {**GOOD_ENTRY, "precision": 9},  # not a UCDP code
    {**GOOD_ENTRY, "country": None},
    ["Hostomel", 50.5697, 30.2655],  # not an object at all
])
def test_an_entry_of_the_wrong_shape_is_skipped_with_one_warning(tmp_path, entry):
    path = tmp_path / "cache.json"
    entries = {"bad one|": entry, "bad two|": entry, "hostomel|UKR": GOOD_ENTRY}
    path.write_text(json.dumps({"version": CACHE_VERSION, "entries": entries}), encoding="utf-8")
    cache = GeocodeCache(path)
    assert cache.get("bad one", None) is None and cache.get("Hostomel", "UKR").latitude == 50.5697
    assert cache.warnings == [f"{path}: skipped 2 cache entries of the wrong shape (first: 'bad one|'); they go "
                              "when the cache is next saved"]
    assert cache_entry_result(GOOD_ENTRY) is not None


def test_kosovo_cities_resolve_with_a_country_the_validator_accepts(gazetteer):
    """GeoNames gives Kosovo's cities the user-assigned code XK, which pycountry lacks: they used to come back with
    no country, which the validator rejects (country required unless precision 7)."""
    places = pd.DataFrame({"place": ["Pristina", "Prizren"], "latitude": "", "longitude": "",
                           "location_precision": "", "country": "", "coord_source": ""})
    table, unresolved = geocode_places(places, GeocoderChain(gazetteer))
    assert unresolved == [] and list(table["country"]) == ["XKX", "XKX"]
    assert validate_places(table, file="places.csv") == []


def test_nominatim_s_kosovo_code_is_read_and_asked_as_xkx():
    raw = {"addresstype": "city", "address": {"country_code": "xk"}}
    assert parse_location(Location("Prizren, Kosovo", (42.2139, 20.7397), raw)).country == "XKX"
    assert build_query("Prizren", "XKX")["country_codes"] == "xk"


def test_an_answer_the_validator_rejects_leaves_its_place_unresolved_not_the_run_invalid(gazetteer, tmp_path):
    """An online answer with no country (disputed ground, a place outside any country) at city precision: that place
    stays as it was and is listed with the reason; the others are filled."""
    nowhere = Location("Somewhere disputed", (35.0, 77.0), {"addresstype": "village", "osm_type": "node", "osm_id": 3})
    fake = FakeGeocoder({"Somewhere disputed": nowhere})
    places = read_table(PLACES_PATH).head(3).assign(latitude="", longitude="", location_precision="", coord_source="")
    places.loc[1, ["place", "country"]] = ["Somewhere disputed", ""]
    table, unresolved = geocode_places(places, chain(gazetteer, tmp_path, fake))
    assert [(u.row, u.place) for u in unresolved] == [(2, "Somewhere disputed")]
    assert unresolved[0].reason.startswith("answer rejected (country: required unless the place is open sea")
    assert "Nominatim node/3 (village)" in unresolved[0].reason
    assert table.loc[1].to_dict() == places.loc[1].to_dict()  # put back as it was
    assert table.loc[0, "latitude"] and table.loc[2, "latitude"]  # the others are filled
    problems = validate_places(table, file="places.csv")
    assert {p.row for p in problems} == {2}  # only the unresolved row lacks values, as unresolved rows do


def test_a_country_in_the_table_makes_a_country_less_answer_usable(gazetteer, tmp_path):
    nowhere = Location("Somewhere disputed", (35.0, 77.0), {"addresstype": "village"})
    places = pd.DataFrame({"place": ["Somewhere disputed"], "latitude": "", "longitude": "",
                           "location_precision": "", "country": "IND", "coord_source": ""})
    fake = FakeGeocoder({"Somewhere disputed": nowhere})
    table, unresolved = geocode_places(places, chain(gazetteer, tmp_path, fake))
    assert unresolved == [] and table.loc[0, "country"] == "IND"


def test_query_and_parse_are_separate_and_pure():
    assert build_query("Kyiv", "UKR") == {"query": "Kyiv", "exactly_one": True, "addressdetails": True,
                                          "country_codes": "ua"}
    assert "country_codes" not in build_query("Sea of Japan", None)
    sea = Location("Sea of Japan", (40.0, 135.0), {"addresstype": "sea", "osm_type": "node", "osm_id": 2})
    assert parse_location(sea).precision == LocationPrecision.WATER_OR_AIRSPACE
    odd = Location("Somewhere", (1.0, 2.0), {"addresstype": "something_new"})
    assert parse_location(odd).precision == LocationPrecision.WIDER_REGION  # unknown kinds claim less


def test_nominatim_needs_a_user_agent():
    with pytest.raises(GeocodingError, match="user agent"):
        make_nominatim(" ")
    assert make_nominatim("news-event-map-tests/1 (tests@example.org)").headers["User-Agent"].startswith(
        "news-event-map-tests")


def test_the_places_file_is_what_the_chain_produces_offline(gazetteer):
    """Re-run the offline chain on every place: the committed coordinates must come out again."""
    places = read_table(PLACES_PATH)
    emptied = places.assign(latitude="", longitude="", location_precision="", coord_source="")
    regenerated, unresolved = geocode_places(emptied, GeocoderChain(gazetteer))
    assert unresolved == []
    assert regenerated.to_dict("records") == places.to_dict("records")


def test_geocode_places_reports_what_it_cannot_resolve(gazetteer):
    places = read_table(PLACES_PATH).head(2)
    places.loc[1, ["place", "latitude", "longitude"]] = ["Nowhere-on-Earth", "", ""]
    table, unresolved = geocode_places(places, GeocoderChain(gazetteer))
    assert [(u.row, u.place) for u in unresolved] == [(2, "Nowhere-on-Earth")]
    assert "not found offline" in unresolved[0].reason
    assert table.loc[0].to_dict() == places.loc[0].to_dict()  # rows with coordinates are left alone


def test_geocode_places_records_service_errors_per_place(gazetteer, tmp_path):
    places = read_table(PLACES_PATH).head(1).assign(place="Nowhere-on-Earth", latitude="", longitude="")
    failing = chain(gazetteer, tmp_path, FakeGeocoder(error=GeocoderUnavailable("no network")))
    _, unresolved = geocode_places(places, failing)
    assert "no network" in unresolved[0].reason


def test_places_path_exists():
    assert Path(PLACES_PATH).is_file()


def test_after_repeated_failures_the_run_stays_offline(gazetteer, tmp_path):
    failing = FakeGeocoder(error=GeocoderUnavailable("no network"))
    places = read_table(PLACES_PATH).assign(latitude="", longitude="")
    places["place"] = [f"Nowhere {i}" for i in range(len(places) - 2)] + ["Kyiv", "Sea of Japan"]
    table, unresolved = geocode_places(places, chain(gazetteer, tmp_path, failing))
    assert len(failing.calls) == 3  # then no more waiting on a dead service
    assert [u.place for u in unresolved] == [f"Nowhere {i}" for i in range(len(places) - 2)]
    assert "failed 3 times in a row" in unresolved[-1].reason
    assert table.loc[len(places) - 2, "coord_source"].startswith("GeoNames")  # offline answers still come
    assert not (tmp_path / "cache.json").exists()


def test_a_cached_answer_is_used_when_the_service_is_down(gazetteer, tmp_path):
    chain(gazetteer, tmp_path, FakeGeocoder({"Hostomel Airport": hostomel()})).resolve("Hostomel Airport", "UKR")
    down = chain(gazetteer, tmp_path, FakeGeocoder(error=GeocoderUnavailable("no network")))
    assert down.resolve("Hostomel Airport", "UKR").latitude == 50.5697
    assert json.loads((tmp_path / "cache.json").read_text())["entries"]  # and the cache is intact


def test_cache_written_under_an_older_folding_still_answers(tmp_path):
    """Keys are re-folded on read: an entry saved as "são paulo|BRA" (accents kept, as names were once folded)
    answers for "Sao Paulo" now that accents and hyphens are folded too."""
    entry = {"name": "São Paulo", "latitude": -23.5475, "longitude": -46.63611, "precision": 2, "country": "BRA",
             "source": "Nominatim"}
    path = tmp_path / "cache.json"
    path.write_text(json.dumps({"version": CACHE_VERSION, "entries": {"são paulo|BRA": entry,
                                                                     "port-au-prince|": {**entry, "name": "P"}}}),
                    encoding="utf-8")
    cache = GeocodeCache(path)
    assert cache.get("Sao Paulo", "BRA").latitude == -23.5475
    assert cache.get("Port au Prince", None).name == "P"
