"""The engine's filter on crafted rows, query by query, against pandas' ``filter_events``: the cases a random
search might rarely draw (a phrase across two fields, a name inside a list, aliases and abbreviations)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard.dataset.filters import filter_events
from dashboard.dataset.schema import LOADED_COLUMNS
from dashboard.engine import Bounds, FilterSpec, IbisStore
from dashboard.engine.backends import duckdb_table
from dashboard.engine.layout import engine_table, write_engine_dataset

from .conftest import ALIASES


def row(event_id: str, *, title: str = "", place: str = "", quote: str = "", notes: str = "", start: str = "2022-01-10",
        end: str | None = None, country: str = "", participants: tuple[str, ...] = (), sources: tuple[str, ...] = (),
        event_type: str = "armed_conflict") -> dict[str, object]:
    return {"event_id": event_id, "title": title, "event_type": event_type, "start_date": pd.Timestamp(start),
            "end_date": pd.Timestamp(end or start), "date_precision": "day", "date_basis": "table", "date_note": "",
            "place": place, "latitude": 50.45, "longitude": 30.52, "location_precision": 2, "place_country": country,
            "coord_source": "test", "participants": participants, "sources": sources, "quote": quote, "seed": "",
            "notes": notes}


ROWS = [
    row("split", title="Talks in Kyiv", place="drills ground"),  # "kyiv drills" runs from title into place
    row("joined", title="Kyiv drills"),
    row("kiev", quote="Shelling near Kiev, officials said"),  # found by "Kyiv" through the aliases only
    row("cyrillic", notes="Обстрел, Киев"),
    row("us-caps", title="US forces"), row("us-lower", title="they told us"),  # an abbreviation is case-exact
    row("gaza", title="Gaza Strip crossing"), row("palestine", place="Palestinian Territory"),
    row("number", quote="about 50.000 troops"), row("accent", title="ZÜRICH summit", place="Straße 5"),
    row("list", participants=("RUS", "UKR"), sources=("Al Jazeera", "TASS"), country="UKR"),
    row("prefix", participants=("RUSS",), sources=("Al",), country="", start="2021-12-31", end="2022-01-01"),
    row("long", start="2020-01-01", end="2023-12-31", event_type="other"),
]
FRAME = pd.DataFrame(ROWS, columns=LOADED_COLUMNS).astype({"start_date": "datetime64[us]",
                                                            "end_date": "datetime64[us]"})
QUERIES = ["kyiv drills", "kyiv-drills", "kyiv,drills", "Kyiv", "kiev", "KYÏV", "Киев", "US", "us", "U.S.",
           "Gaza Strip", "palestinian", "50,000", "zurich", "strasse", "sea of", "(drills", "…", "talks kyiv"]


@pytest.fixture(scope="module")
def duck(tmp_path_factory) -> IbisStore:
    folder = write_engine_dataset([engine_table(FRAME)], tmp_path_factory.mktemp("crafted"))
    return IbisStore(duckdb_table(folder), aliases=ALIASES)


def engine_ids(store: IbisStore, spec: FilterSpec) -> list[str]:
    return sorted(store.events_in_view(spec, Bounds.world(), limit=100)["event_id"])


@pytest.mark.parametrize("aliases", [True, False])
@pytest.mark.parametrize("query", QUERIES)
def test_text_search_gives_the_rows_pandas_gives(duck, query, aliases):
    store = duck if aliases else IbisStore(duck.table)
    spec = FilterSpec.of(text=query)
    expected = sorted(filter_events(FRAME, text=query, aliases=ALIASES if aliases else None)["event_id"])
    assert engine_ids(store, spec) == expected


@pytest.mark.parametrize(("spec", "expected"), [
    (FilterSpec.of(countries=["RUS"]), ["list"]),  # "RUSS" is no "RUS"
    (FilterSpec.of(countries=["UKR"]), ["list"]),  # the place's country or a participant
    (FilterSpec.of(sources=["Al"]), ["prefix"]),  # "Al" is no "Al Jazeera"
    (FilterSpec.of(sources=["TASS", "Al Jazeera"]), ["list"]),
    (FilterSpec.of(start=dt.date(2022, 1, 1), end=dt.date(2022, 1, 1)), ["long", "prefix"]),  # overlap, ends in
    (FilterSpec.of(end=dt.date(2021, 12, 31)), ["long", "prefix"]),
    (FilterSpec.of(event_types=["other"]), ["long"]),
    (FilterSpec.of(text="kyiv drills"), ["joined", "split"]),
])
def test_lists_dates_and_types(duck, spec, expected):
    assert sorted(filter_events(FRAME, **spec.filter_kwargs())["event_id"]) == expected
    assert engine_ids(IbisStore(duck.table), spec) == expected
