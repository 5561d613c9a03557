"""Fixtures for the engine tests: random datasets with awkward text in the loaded frame's form, and the Spark
session (``spark`` marker: skipped without Java or PySpark locally, mandatory when ``CI`` is set)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator

import pandas as pd
import pytest
from hypothesis import strategies as st

from dashboard.dataset.schema import LOADED_COLUMNS
from dashboard.dataset.search import SearchAliases
from dashboard.engine.spec import FilterSpec


def spark_missing() -> str | None:
    """Why Spark cannot run here, or ``None``."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no Java (apt-get install openjdk-17-jre-headless)"
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    """One local Spark session for the module (starting one costs seconds): ``local[2]``, UTC."""
    reason = spark_missing()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"Spark tests are mandatory in CI: {reason}")
        pytest.skip(reason)
    from dashboard.engine.backends import spark_session
    from dashboard.engine.config import engine_config

    session = spark_session(engine_config("local[2]"))
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


# --- random datasets ------------------------------------------------------------------------------------------

# Words that meet under folding, punctuation, aliases and abbreviations, other scripts.
WORDS = ["Kyiv", "Kiev", "KYÏV", "Київ", "Киев", "Zürich", "ZURICH", "Zu\u0308rich", "U.S.", "US", "us", "USA",
         "50,000", "50.000", "Sea", "of", "Japan", "drills", "(drills", "drill-ready", "Straße", "STRASSE", "ﬁve",
         "½", "東京", "ガ東京", "Łódź", "lodz", "Russia's", "Russia’s", "Gaza", "Strip", "Palestinian", "Beijing",
         "Peking", "北京", "Tōkyō", "tokyo", "ΣΟΦΊΑ", "σοφία", "…", "—", "İstanbul", "istanbul", "a_b", "Vostok-2022"]
PLAIN = "aeiouksyzAEIOUKSYZ,.-’'…\u00a0"
ODD = "äöüÄÖÜéÉßẞıİłŁøØﬁ½²кКиИйЙёЁσΣςἀ东京ガ\u0301\u0308"
COUNTRIES = ["RUS", "UKR", "USA", "CHN", "FRA"]
OUTLETS = ["TASS", "Al Jazeera", "Reuters", "AP", "Le Monde", "El País"]
TYPES = ["armed_conflict", "military_exercise", "diplomatic_visit", "other"]
DAY0 = dt.date(2019, 1, 1)

PLACES = [
    ("city:703448", ["Kyiv", "Kiev", "Kiew", "Киев"]),
    ("city:1816670", ["Beijing", "Peking", "北京"]),
    ("country:PSE", ["Palestinian Territory", "Palestine, State of"]),
    ("city:1850147", ["Tokyo", "東京"]),
]
CURATED = [("Gaza Strip", "Palestinian Territory", "alias"), ("US", "United States", "abbreviation"),
           ("U.S.", "United States", "abbreviation"), ("USA", "United States", "abbreviation")]
ALIASES = SearchAliases(PLACES, CURATED)

phrases = st.lists(st.sampled_from(WORDS), max_size=5).flatmap(
    lambda words: st.lists(st.sampled_from([" ", " ", ", ", "-", "\n", "/"]), min_size=len(words),
                           max_size=len(words)).map(lambda gaps: "".join(w + g for w, g in zip(words, gaps,
                                                                                                 strict=True))))
texts = st.one_of(phrases, st.text(alphabet=PLAIN + ODD + " ", max_size=20), st.just(""))


@st.composite
def event_rows(draw: st.DrawFn, index: int) -> dict[str, object]:
    start = DAY0 + dt.timedelta(days=draw(st.integers(0, 3 * 365)))
    end = start + dt.timedelta(days=draw(st.sampled_from([0, 0, 1, 6, 30, 364, 500])))
    return {
        "event_id": f"e{index}", "title": draw(texts), "event_type": draw(st.sampled_from(TYPES)),
        "start_date": pd.Timestamp(start), "end_date": pd.Timestamp(end), "date_precision": "day",
        "date_basis": "table", "date_note": "", "place": draw(texts),
        "latitude": draw(st.one_of(st.floats(-89.9, 89.9), st.sampled_from([0.0, 85.06, -85.06, 89.0]))),
        "longitude": draw(st.one_of(st.floats(-180.0, 180.0), st.sampled_from([-180.0, 0.0, 179.99, 180.0]))),
        "location_precision": draw(st.integers(1, 7)), "place_country": draw(st.sampled_from(["", *COUNTRIES])),
        "coord_source": "test", "participants": tuple(draw(st.lists(st.sampled_from(COUNTRIES), unique=True,
                                                                    max_size=3))),
        "sources": tuple(draw(st.lists(st.sampled_from(OUTLETS), unique=True, max_size=3))),
        "quote": draw(texts), "seed": "", "notes": draw(texts),
    }


@st.composite
def frames(draw: st.DrawFn, max_rows: int = 12) -> pd.DataFrame:
    """A loaded frame (as load_events returns it) of up to ``max_rows`` random events."""
    n = draw(st.integers(0, max_rows))
    rows = [draw(event_rows(i)) for i in range(n)]
    frame = pd.DataFrame(rows, columns=LOADED_COLUMNS)
    for column in ("start_date", "end_date"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[us]")
    return frame.astype({"latitude": float, "longitude": float, "location_precision": int})


def _some(values: list[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(values), max_size=3, unique=True)


queries = st.one_of(
    st.lists(st.sampled_from([*WORDS, "ky", "zur", "kyiv drills", "sea of jap", "U.S", "Gaza Strip", "50,0",
                                      "pal", "東", "...", "Kie"]), max_size=3).map(" ".join),
    st.text(alphabet=PLAIN + ODD + " ", max_size=6))

dates = st.none() | st.dates(DAY0 - dt.timedelta(days=30), DAY0 + dt.timedelta(days=4 * 365))
specs = st.builds(
    lambda start, end, countries, types, sources, text: FilterSpec.of(
        start=start, end=end, countries=countries, event_types=types, sources=sources, text=text),
    dates, dates, _some([*COUNTRIES, "DEU"]), _some(TYPES), _some([*OUTLETS, "Al", "Monde"]), st.none() | queries)
