"""The offline gazetteer: regions before countries before cities, aliases, hints and population."""

from __future__ import annotations

import pytest

from dashboard.dataset.schema import LocationPrecision as P
from dashboard.geography.countries import alpha2, alpha3, country_name, find_country, is_iso3, normalise_name
from dashboard.geography.gazetteer import OfflineGazetteer


@pytest.fixture(scope="module")
def gazetteer() -> OfflineGazetteer:
    return OfflineGazetteer()


@pytest.mark.parametrize(
    ("name", "hint", "expected_name", "precision", "country"),
    [
        ("Sea of Japan", None, "Sea of Japan", P.WATER_OR_AIRSPACE, ""),  # not Japan
        ("East Sea", None, "Sea of Japan", P.WATER_OR_AIRSPACE, ""),  # alias
        ("Russia’s far east", None, "Russian Far East", P.WIDER_REGION, "RUS"),  # typographic apostrophe
        ("Russia", None, "Russia", P.COUNTRY, "RUS"),  # pycountry says "Russian Federation"
        ("Taiwan", None, "Taiwan", P.COUNTRY, "TWN"),
        ("Kiev", None, "Kyiv", P.NEAR_NAMED_PLACE, "UKR"),  # transliteration
        ("Moscow", None, "Moscow", P.NEAR_NAMED_PLACE, "RUS"),  # the big one, not Moscow, Idaho
        ("Moscow", "USA", "Moscow", P.NEAR_NAMED_PLACE, "USA"),  # … unless the hint says so
        ("New Delhi", None, "New Delhi", P.NEAR_NAMED_PLACE, "IND"),  # an exact name beats a bigger alias
        ("Washington", "USA", "Washington", P.NEAR_NAMED_PLACE, "USA"),
        ("Pristina", None, "Pristina", P.NEAR_NAMED_PLACE, "XKX"),  # GeoNames says XK, which ISO lacks
        ("Prizren", "XKX", "Prizren", P.NEAR_NAMED_PLACE, "XKX"),  # … and the XKX hint finds XK's cities
    ],
)
def test_lookup(gazetteer, name, hint, expected_name, precision, country):
    result = gazetteer.lookup(name, hint)
    assert (result.name, result.precision, result.country) == (expected_name, precision, country)


def test_a_hint_that_contradicts_the_name_finds_nothing(gazetteer):
    assert gazetteer.lookup("Russian Far East", "CHN") is None
    assert gazetteer.lookup("Russia", "CHN") is None


def test_country_point_lies_in_the_country_not_at_the_capital(gazetteer):
    belarus = gazetteer.lookup("Belarus")
    assert abs(belarus.latitude - 53.5) < 1 and abs(belarus.longitude - 28.0) < 1.5
    assert "Natural Earth" in belarus.source


def test_capitals(gazetteer):
    assert gazetteer.capital("KAZ").name == "Astana"  # GeoNames still says Nur-Sultan; the alias resolves it
    assert gazetteer.capital("RUS").name == "Moscow"
    assert gazetteer.capital("XKX").name == "Pristina"  # GeoNames' XK cities count as XKX's
    assert gazetteer.capital("PLW") is None  # GeoNames names Melekeok, too small for cities15000


@pytest.mark.parametrize(("name", "code"), [("Russian Federation", "RUS"), ("United States", "USA"),
                                            ("RUS", "RUS"), ("UA", "UKR"), ("Kosovo", "XKX"),
                                            ("XK", "XKX"),  # GeoNames' and OpenStreetMap's code for Kosovo
                                            ("Narnia", None)])
def test_find_country(name, code):
    assert find_country(name) == code


def test_country_names_and_codes():
    assert [country_name(c) for c in ("RUS", "TWN", "USA")] == ["Russia", "Taiwan", "United States"]
    assert is_iso3("RUS") and not is_iso3("rus") and not is_iso3("RU") and not is_iso3("ZZZ")


@pytest.mark.parametrize(("two", "three"), [
    ("RU", "RUS"),
    ("XK", "XKX"),  # user-assigned on both sides: pycountry knows neither, EXTRA_CODES maps them
])
def test_alpha2_and_alpha3_are_inverse(two, three):
    assert (alpha2(three), alpha3(two), alpha3(two.lower()), is_iso3(three)) == (two, three, three, True)


@pytest.mark.parametrize(("a", "b"), [
    ("Kasaï", "Kasai"), ("São Paulo", "Sao Paulo"), ("Bogotá", "BOGOTA"), ("Russia’s Far East", "russia's far east"),
    ("  New   York ", "new york"),
])
def test_names_fold_case_accents_apostrophes_and_spaces(a: str, b: str):
    assert normalise_name(a) == normalise_name(b)


@pytest.mark.parametrize(("name", "country", "expected", "precision"), [
    ("California", None, "USA", P.ADM1),  # a division, found after the cities
    ("Punjab", "PAK", "PAK", P.ADM1),  # the country hint picks among same-named divisions
    ("Beijing", None, "CHN", P.NEAR_NAMED_PLACE),  # the city stays first: the curated places do not move
    ("Eastern Africa", None, "", P.WIDER_REGION),
])
def test_divisions_and_wider_regions_are_in_the_gazetteer(name, country, expected, precision):
    result = OfflineGazetteer().lookup(name, country)
    assert result is not None and (result.country, result.precision) == (expected, precision)
