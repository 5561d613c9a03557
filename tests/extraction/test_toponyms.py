"""The place resolver's general rules, one test (or table) per rule, on short texts: no gold file needed.

Each rule came from a kind of error on the GeoVirus development half (see the README's figures); these tests pin the
rule itself, including what it must not do.
"""

from __future__ import annotations

import pytest
from geopy.distance import distance

from dashboard.dataset.schema import LocationPrecision
from dashboard.extraction.toponyms import Resolved, ToponymIndex, find_mentions, resolve_mentions


@pytest.fixture(scope="module")
def index() -> ToponymIndex:
    return ToponymIndex()


def _resolve(text: str, index: ToponymIndex) -> list[Resolved]:
    return resolve_mentions(find_mentions(text, index), text)


def _places(text: str, index: ToponymIndex) -> dict[str, tuple[str, str, int]]:
    """mention -> (resolved name, ISO3, UCDP precision); a name said twice keeps its last reading."""
    return {r.mention.text: (r.place.result.name, r.place.result.country, int(r.place.result.precision))
            for r in _resolve(text, index)}


def _point(text: str, name: str, index: ToponymIndex) -> tuple[float, float]:
    [place] = [r.place.result for r in _resolve(text, index) if r.mention.text == name]
    return place.latitude, place.longitude


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return distance(a, b).km


ADM1, ADM2, CITY = int(LocationPrecision.ADM1), int(LocationPrecision.ADM2), int(LocationPrecision.NEAR_NAMED_PLACE)


# --- gazetteer coverage: GeoNames' English first-order names and second-order divisions ---------------------


@pytest.mark.parametrize(("text", "name", "expected", "near"), [
    # countrystatecity writes "Jawa Timur"; GeoNames (and the news) "East Java". Gold: Surabaya's province.
    ("The boy died in Tulungagung, East Java province.", "East Java", ("East Java", "IDN", ADM1), (-7.5, 112.5)),
    ("Villages in Crimea were hit.", "Crimea", ("Crimea", "UKR", ADM1), (45.3, 34.4)),
    # A county is found by its full name, in the state the neighbour names (eleven states have a Scott County).
    ("Cases in Scott County, Indiana.", "Scott County", ("Scott County", "USA", ADM2), (38.69, -85.74)),
    ("The Santa Clara County medical examiner reported it.", "Santa Clara County",
     ("Santa Clara County", "USA", ADM2), (37.3, -121.9)),
])
def test_geonames_divisions_fill_the_gazetteer(index: ToponymIndex, text: str, name: str, expected: tuple,
                                               near: tuple[float, float]):
    assert _places(text, index)[name] == expected
    assert _km(_point(text, name, index), near) < 100


def test_a_second_order_division_needs_its_type_word(index: ToponymIndex):
    assert "Scott" not in _places("Rick Scott visited Tampa.", index)  # not Scott County


# --- cue words stay inside their clause ------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "present", "absent"), [
    # "County" before the comma does not make "Indiana" part of a feature ...
    ("Austin, in Scott County, Indiana, was the epicenter.", "Indiana", None),
    ("A ranch in Salinas Valley, California.", "California", "Salinas"),  # ... but still drops "Salinas" itself
    ("Birds at Lake Titicaca, Peru, were tested.", "Peru", "Titicaca"),
])
def test_cue_words_stay_inside_their_clause(index: ToponymIndex, text: str, present: str, absent: str | None):
    places = _places(text, index)
    assert present in places
    assert absent is None or absent not in places


# --- apostrophe names ----------------------------------------------------------------------------------------


def test_a_name_with_an_elided_connector_matches(index: ToponymIndex):
    places = _places("Exports from Côte d'Ivoire and Ghana rose.", index)
    assert places["Côte d'Ivoire"][1:] == ("CIV", int(LocationPrecision.COUNTRY))
    assert places["Ghana"][1] == "GHA"


def test_an_elided_word_alone_starts_no_name(index: ToponymIndex):
    assert _places("The l'Aquila of nowhere.", index).keys() <= {"Aquila", "l'Aquila"}  # no crash, no wider span


# --- one reading per name within an article --------------------------------------------------------------------


def test_one_reading_per_name_follows_its_most_confident_mention(index: ToponymIndex):
    text = "Flooding hit New York state on Monday. Officials in New York said the rain would stop."
    readings = {(r.place.result.name, int(r.place.result.precision)) for r in _resolve(text, index)}
    assert readings == {("New York", ADM1)}


def test_one_reading_per_name_keeps_different_names_apart(index: ToponymIndex):
    text = "Officials in Washington state and in Washington, D.C. met in Georgia, near Armenia."
    names = {r.mention.text for r in _resolve(text, index)}
    assert {"Washington", "Georgia", "Armenia"} <= names


# --- a list of states is no "City, State" ----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("Storms hit California, Pennsylvania and Ohio.", ("California", "USA", ADM1)),  # a list: the state
    ("A man from California, Pennsylvania, was hurt.", ("California", "USA", CITY)),  # City, State: the town
])
def test_a_list_of_states_is_no_city_state(index: ToponymIndex, text: str, expected: tuple):
    assert _places(text, index)["California"] == expected


def test_a_list_of_divisions_makes_a_country_name_the_state(index: ToponymIndex):
    text = "The disorder was found in states including Georgia, Oklahoma, Pennsylvania and California."
    assert _places(text, index)["Georgia"] == ("Georgia", "USA", ADM1)
    # A list of countries leaves the country alone.
    assert _places("Troops from Russia, Georgia and Ukraine.", index)["Georgia"][1] == "GEO"


# --- population (or the article's divisions) alone never picks a town over a same-named state -------------------


def test_a_namesake_town_elsewhere_does_not_beat_the_state(index: ToponymIndex):
    # Pennsylvania, named twice, favours its towns; California, Pennsylvania is one, but the name is the state's.
    text = "Pennsylvania farms were hit. Pennsylvania officials said the virus reached California."
    assert _places(text, index)["California"] == ("California", "USA", ADM1)


def test_a_capital_still_beats_a_same_named_state(index: ToponymIndex):
    assert _places("Officials in Washington said so.", index)["Washington"] == ("Washington", "USA", CITY)


# --- the divisions an article names ----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "near"), [
    # Indiana named twice: its Austin, not Texas's ...
    ("Indiana officials counted 80 cases in Austin. Indiana is poor.", (38.76, -85.81)),
    # ... named once, in passing, it does not outweigh the capital of Texas.
    ("Indiana officials counted 80 cases in Austin.", (30.27, -97.74)),
])
def test_a_division_named_more_than_once_favours_its_towns(index: ToponymIndex, text: str, near: tuple):
    assert _km(_point(text, "Austin", index), near) < 50


def test_a_division_named_more_than_once_places_its_counties(index: ToponymIndex):
    text = "Illinois officials said birds died near Rice Lake, in Fulton County. Illinois closed the park."
    assert _km(_point(text, "Fulton County", index), (40.47, -90.21)) < 100


# --- "City, Division" where towns carry no division code ------------------------------------------------------


@pytest.mark.parametrize(("text", "near"), [
    ("Pigs died in Santa Maria, Davao del Sur.", (6.55, 125.46)),
    ("Pigs died in Santa Maria, Ilocos Sur.", (17.37, 120.48)),
])
def test_the_town_nearest_its_division_is_the_one_in_it(index: ToponymIndex, text: str, near: tuple):
    assert _km(_point(text, "Santa Maria", index), near) < 50


# --- "X province" never falls back to a same-named town abroad -------------------------------------------------


def test_a_cued_name_is_no_town_abroad(index: ToponymIndex):
    assert "Springfield" not in _places("Officials in Kenya said cases rose in Springfield province.", index)
    # In the country the article is about, the town may name its province.
    places = _places("Officials in the United States said cases rose in Springfield province.", index)
    assert places["Springfield"][1] == "USA"


# --- names that are not places here ----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "absent"), [
    ('"We must act," said Nelson Mandela in Johannesburg.', "Mandela"),  # one proper name with "Nelson"
    ("Researchers at the University of California found it.", "University"),  # an institution's head word
    ("A bacteriologist at Aberdeen University said so.", "University"),
])
def test_not_places(index: ToponymIndex, text: str, absent: str):
    assert absent not in _places(text, index)


@pytest.mark.parametrize(("text", "present", "place"), [
    ("Crowds gathered in front of Seoul City Hall.", "Seoul", True),  # a place's own public body names it
    ("Queensland Police Inspector Bob Hytch said so.", "Queensland", True),
    ("Kenya Airways cancelled flights.", "Kenya", False),  # a company's name does not
])
def test_public_bodies_name_their_place(index: ToponymIndex, text: str, present: str, place: bool):
    [mention] = [m for m in find_mentions(text, index) if m.text == present]
    assert mention.is_place is place
