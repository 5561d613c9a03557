"""Event-level drafting on short articles written for these tests (a summit, a flood, an attack): the rules are
general news English, not the seed's."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard.extraction.dates import find_dates
from dashboard.extraction.extract import extract_draft
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
    statement = events.loc["French President Emmanuel Macron makes a statement"]
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
