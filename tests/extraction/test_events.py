"""Event-level drafting on short articles written for these tests (a summit, a flood, an attack): the rules are
general news English, not the seed's."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard.extraction.dates import find_dates
from dashboard.extraction.extract import extract_draft
from dashboard.extraction.rows import is_plural
from dashboard.extraction.toponyms import ToponymIndex

SUMMIT = """Leaders meet in Brussels
European Union leaders met in Brussels on Monday for a two-day summit on energy prices.
French President Emmanuel Macron said the bloc must act together.
During the summit, Germany and Poland signed an agreement on gas storage, according to Reuters.
Last week, Hungarian Prime Minister Viktor Orbán visited Beijing.
"""
FLOOD = """Floods hit Bavaria
Heavy floods swept through Bavaria on Saturday, forcing thousands of people from their homes.
The flooding also reached Austria, where the Danube burst its banks in Linz.
Germany's interior ministry said on Sunday that 2,000 soldiers had been deployed to Passau.
"""
ATTACK = """Gunmen attack police post in northern Mali
Gunmen attacked a police post in Gao, Mali, last week, killing four officers, according to AFP.
The attack was the third in the region this month.
Mali's army said it had launched an offensive near Timbuktu in response to the attack.
"""
ARTICLE_DATE = date(2023, 6, 14)  # a Wednesday


@pytest.fixture(scope="module")
def index() -> ToponymIndex:
    return ToponymIndex()


def _draft(text: str, index: ToponymIndex) -> pd.DataFrame:
    return extract_draft(text, seed="a.txt", date=ARTICLE_DATE, index=index).events.set_index("title")


def test_summit(index: ToponymIndex):
    events = _draft(SUMMIT, index)
    meeting = events.loc["European Union leaders meet in Brussels"]
    assert (meeting["event_type"], meeting["start_date"], meeting["place"]) == ("diplomatic_visit", "2023-06-12",
                                                                                  "Brussels")  # "on Monday"
    deal = events.loc["Germany and Poland sign an agreement"]  # a verb with its object, during the summit
    assert (deal["event_type"], deal["place"], deal["participants"], deal["sources"]) == (
        "diplomatic_agreement", "Brussels", "DEU;POL", "Reuters")
    assert "happens during" in deal["doubt"]
    visit = events.loc["Hungary visits Beijing"]  # "last week": the calendar week before the article's
    assert (visit["start_date"], visit["end_date"], visit["date_precision"]) == ("2023-06-05", "2023-06-11", "week")
    statement = events.loc["French President Emmanuel Macron says the bloc must act together"]  # what was said
    assert statement["date_basis"] == "background" and "seat of the speaker" in statement["doubt"]


def test_flood(index: ToponymIndex):
    events = _draft(FLOOD, index)
    assert len(events) == 3  # the floods, their part in Austria, the deployment; the headline adds nothing
    floods = events[events["place"] == "Bavaria"].iloc[0]
    assert (floods["event_type"], floods["start_date"], floods["participants"]) == ("other", "2023-06-10", "DEU")
    austria = events[events["place"] == "Austria"].iloc[0]  # "the flooding" refers back; another country: a part
    assert austria["start_date"] == "2023-06-10" and "part" in austria["notes"]
    troops = events.loc["Germany deploys troops to Passau"]  # what the ministry said happened, not a statement
    assert (troops["event_type"], troops["start_date"], troops["participants"]) == ("troop_deployment",
                                                                                     "2023-06-11", "DEU")


def test_attack(index: ToponymIndex):
    events = _draft(ATTACK, index)
    assert len(events) == 2  # "the attack" twice refers back to the first
    attack = events[events["place"] == "Gao"].iloc[0]
    assert (attack["event_type"], attack["date_precision"], attack["sources"]) == ("armed_conflict", "week", "AFP")
    assert attack["quote"].count(" […] ") == 2
    offensive = events.loc["Mali launches an offensive near Timbuktu"]  # the army said it launched: the event
    assert offensive["date_basis"] == "background" and offensive["participants"] == "MLI"


@pytest.mark.parametrize(("sentence", "start", "end", "precision"), [
    ("They met on Monday.", date(2023, 6, 12), date(2023, 6, 12), "day"),  # the last Monday
    ("They will meet on Friday.", date(2023, 6, 16), date(2023, 6, 16), "day"),  # the future: the next Friday
    ("It happened last week.", date(2023, 6, 5), date(2023, 6, 11), "week"),
    ("Earlier this year, it rained.", date(2023, 1, 1), date(2023, 6, 14), "year"),  # up to the article
    ("It rained in February.", date(2023, 2, 1), date(2023, 2, 28), "month"),
    ("It rained in November.", date(2022, 11, 1), date(2022, 11, 30), "month"),  # past: last November
    ("It will rain in November.", date(2023, 11, 1), date(2023, 11, 30), "month"),
    ("Two days ago it rained.", date(2023, 6, 12), date(2023, 6, 12), "day"),
    ("Yesterday it rained.", date(2023, 6, 13), date(2023, 6, 13), "day"),
])
def test_relative_dates(sentence: str, start: date, end: date, precision: str):
    found = find_dates(sentence, 2023, article=ARTICLE_DATE)
    assert (found.start, found.end, found.precision.value) == (start, end, precision)


def test_relative_dates_need_the_article_date():
    assert find_dates("They met on Monday.", 2023) is None  # never guessed
    assert find_dates("Earlier this year, it rained.", 2023).end == date(2023, 12, 31)


# --- general news: events outside the security vocabulary (type ``other``) ------------------------------------

OUTBREAK = """Cholera spreads in Malawi
The World Health Organization confirmed 40 new cases of cholera in Blantyre on Tuesday.
Three people have died in Lilongwe since Saturday, the Ministry of Health said.
Cholera does not spread through the air.
"""
QUAKE = """Earthquake strikes eastern Turkey
A magnitude 6.1 earthquake struck Van province on Sunday, destroying dozens of buildings.
At least 12 people were killed and 80 injured, officials said.
Earthquakes are common in the region.
"""
PROTEST = """Thousands march in Santiago
Thousands of students protested in Santiago on Thursday against rising tuition fees.
Police arrested 35 protesters after clashes near the presidential palace.
The students say they will continue until the government listens.
"""


def test_outbreak(index: ToponymIndex):
    events = _draft(OUTBREAK, index)
    assert len(events) == 2, events.index.tolist()  # "does not spread" is a state, not an event
    cases = events.loc["World Health Organization confirms 40 new cases of cholera in Blantyre"]  # who tells it
    assert (cases["event_type"], cases["place"], cases["start_date"], cases["participants"]) == (
        "other", "Blantyre", "2023-06-13", "MWI")
    assert "event type outside the vocabulary: other" in cases["doubt"]
    deaths = events.loc["Three people die in Lilongwe"]  # ", the Ministry of Health said" only reports it
    assert (deaths["place"], deaths["start_date"], deaths["date_precision"]) == ("Lilongwe", "2023-06-10", "day")


def test_earthquake(index: ToponymIndex):
    events = _draft(QUAKE, index)
    assert len(events) == 2, events.index.tolist()  # "Earthquakes are common": background, not an event
    quake = events.loc["Magnitude 6.1 earthquake in Van"]
    assert (quake["event_type"], quake["start_date"], quake["participants"]) == ("other", "2023-06-11", "TUR")
    killed = events.loc["At least 12 people are killed in Van"]  # no place of its own: the story's, as a doubt
    assert killed["place"] == "Van" and "place assumed" in killed["doubt"]
    assert killed["date_basis"] == "background"  # never an invented date


def test_protest(index: ToponymIndex):
    events = _draft(PROTEST, index)
    assert len(events) == 2, events.index.tolist()  # the students' intention is no event
    protest = events.loc["Thousands of students protest in Santiago"]  # a plural subject: "protest", not "protests"
    assert (protest["event_type"], protest["start_date"], protest["participants"]) == ("other", "2023-06-08", "CHL")
    arrests = events.loc["Police arrest 35 protesters in Santiago"]  # "Police" acts; not the town in Poland
    assert arrests["place"] == "Santiago" and arrests["participants"] == "CHL"


@pytest.mark.parametrize(("subject", "plural"), [
    ("Health officials in the Gaza Strip", True),  # the head noun, not the last word
    ("United Nations Food and Agriculture Organization", False),  # "and" inside a name
    ("Russia and China", True),
    ("Two people", True),
    ("5 out of 11 teals", True),
    ("WHO", False),
    ("United States Department of Agriculture", False),
    ("Gunmen", True),
    ("The boy", False),
])
def test_titles_agree_with_their_subject(subject: str, plural: bool):
    assert is_plural(subject) is plural


@pytest.mark.parametrize(("text", "title_start"), [
    ("Health officials in the Gaza Strip confirmed the territory's first five cases of swine flu earlier today.",
     "Health officials in the Gaza Strip confirm the territory's first five cases of swine flu"),
    ("The Food and Agriculture Organization has asked countries neighbouring Turkey to be cautious.",
     "Food and Agriculture Organization asks countries neighbouring Turkey to be cautious"),
    ("Two people have died in Turkey so far, after contracting the virus.", "Two people die in Turkey"),
])
def test_general_news_titles(index: ToponymIndex, text: str, title_start: str):
    titles = extract_draft(text, seed="a.txt", year=2009, index=index).events["title"].tolist()
    assert any(t.startswith(title_start) for t in titles), titles


@pytest.mark.parametrize("text", [
    "The virus does not spread between humans in Turkey.",  # negated
    "Deaths from the disease have steadily risen in Indonesia.",  # a trend
    "In some cases in Indonesia the virus is harmless.",  # "cases" without a count
    "Riot police stood by in Seoul.",  # a modifier, not a riot
    "The virus could kill thousands in Europe.",  # merely possible
])
def test_states_are_not_events(index: ToponymIndex, text: str):
    assert extract_draft(text, seed="a.txt", year=2009, index=index).events.empty
