"""Reviewing a draft: seed names for articles, the review table, typed places resolved offline (candidates for an
ambiguous name), the merge into the dataset (unique ids, places reused or named apart, validated, all or nothing),
and the .zip that carries a dataset's articles."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pandas as pd
import pytest

from dashboard.dataset.bundle import bundle_zip, read_zip
from dashboard.dataset.ingest import ingest_bytes
from dashboard.dataset.loading import load_events
from dashboard.dataset.schema import GeocodeResult, LocationPrecision
from dashboard.errors import DatasetError, UnreadableFileError
from dashboard.extraction import review as review_module
from dashboard.extraction.extract import Draft
from dashboard.extraction.review import (
    Article,
    PlaceResolver,
    Resolution,
    article_name,
    draft_article,
    known_seeds,
    merge,
    place_label,
    review_table,
    row_places,
)
from dashboard.extraction.toponyms import ToponymIndex
from dashboard.paths import SEEDS_DIR

SEED = "000_0441dc0ab698eb74.txt"
SEED_TEXT = (SEEDS_DIR / SEED).read_text(encoding="utf-8")
PASTED = article_name(SEED_TEXT, date=dt.date(2022, 8, 17))


@pytest.fixture(scope="module")
def index() -> ToponymIndex:
    return ToponymIndex()


@pytest.fixture(scope="module")
def draft(index: ToponymIndex) -> Draft:
    return draft_article(Article(PASTED, SEED_TEXT, dt.date(2022, 8, 17)), index=index)


@pytest.fixture(scope="module")
def dataset() -> pd.DataFrame:
    return load_events()


@pytest.fixture
def review(draft: Draft) -> pd.DataFrame:
    return review_table([draft])


def resolutions(resolver: PlaceResolver, review: pd.DataFrame) -> dict[int, Resolution]:
    return {number: resolver.resolve(place) for number, place in review["place"].items()}


def seeds() -> dict[str, str]:
    return {**known_seeds(SEEDS_DIR), PASTED: SEED_TEXT}


# --- articles -------------------------------------------------------------------------------------------------


def test_pasted_text_gets_a_stable_name_from_its_date_and_hash():
    assert re.fullmatch(r"pasted-2022-08-17-[0-9a-f]{8}\.txt", PASTED)
    assert article_name(SEED_TEXT, date=dt.date(2022, 8, 17)) == PASTED  # the same text, the same name
    assert article_name(SEED_TEXT + " More.", date=dt.date(2022, 8, 17)) != PASTED
    assert article_name("Some text.").startswith("pasted-undated-")


@pytest.mark.parametrize(("file_name", "known", "expected"), [
    ("story.txt", {}, "story.txt"),
    ("C:\\Users\\me\\story one.txt", {}, "story-one.txt"),  # a browser may send a path; spaces are not kept
    (SEED, {SEED: SEED_TEXT}, SEED),  # the bundled article itself: the same seed
    (SEED, {SEED: "another text"}, None),  # another text under a bundled name: never replaces it
])
def test_an_uploaded_article_keeps_its_file_name_unless_another_text_has_it(file_name, known, expected):
    name = article_name(SEED_TEXT, file_name=file_name, known=known)
    if expected is None:
        assert re.fullmatch(r"000_0441dc0ab698eb74-[0-9a-f]{8}\.txt", name)
    else:
        assert name == expected


def test_the_article_date_is_passed_when_the_extractor_takes_one(monkeypatch):
    calls = []

    def with_date(text, *, seed, date=None, year=None, index=None):
        calls.append({"seed": seed, "date": date, "year": year})
        return "draft"

    def without_date(text, *, seed, year=None, index=None):
        calls.append({"seed": seed, "year": year})
        return "draft"

    article = Article("a.txt", "Text.", dt.date(2022, 8, 17))
    monkeypatch.setattr(review_module, "extract_draft", with_date)
    draft_article(article)
    monkeypatch.setattr(review_module, "extract_draft", without_date)
    draft_article(article)
    draft_article(Article("b.txt", "Text."))
    assert calls == [{"seed": "a.txt", "date": dt.date(2022, 8, 17), "year": None},
                     {"seed": "a.txt", "year": 2022}, {"seed": "b.txt", "year": None}]


# --- the review table ------------------------------------------------------------------------------------------


def test_the_review_table_puts_doubtful_rows_first_with_their_reason(review, draft):
    assert len(review) == len(draft.events) and list(review.index) == list(range(1, len(review) + 1))
    assert review["accept"].all()
    doubtful = review["doubt"] != ""
    assert doubtful.any() and not doubtful.all()
    assert doubtful.iloc[:doubtful.sum()].all()  # every doubtful row before every other
    assert all(isinstance(day, dt.date) for day in review["start_date"])
    assert set(review["seed"]) == {PASTED}


def test_a_drafts_own_doubt_is_shown_as_it_is():
    events = pd.DataFrame([{"event_id": "a", "title": "A", "doubt": "", "start_date": "2022-01-01",
                            "end_date": "2022-01-01", "confidence": "0.1"},
                           {"event_id": "b", "title": "B", "doubt": "place guessed", "start_date": "2022-01-01",
                            "end_date": "2022-01-01", "confidence": "0.9"}])
    for column in ("event_type", "date_precision", "place", "participants", "sources", "quote", "seed"):
        events[column] = ""
    table = review_table([Draft(events, pd.DataFrame())])
    assert list(table["title"]) == ["B", "A"] and list(table["doubt"]) == ["place guessed", ""]


# --- places ----------------------------------------------------------------------------------------------------


def test_an_ambiguous_name_offers_its_candidates_with_country_and_coordinates(index):
    georgia = PlaceResolver(index).resolve("Georgia")
    assert georgia.ambiguous and georgia.found is None
    by_country = {c.country: c for c in georgia.candidates}
    assert set(by_country) >= {"GEO", "USA"}
    assert by_country["GEO"].precision == LocationPrecision.COUNTRY
    assert by_country["USA"].precision == LocationPrecision.ADM1 and by_country["USA"].longitude < -80
    chosen = georgia.choose(place_label(by_country["USA"]))
    assert chosen.found == by_country["USA"] and not chosen.ambiguous
    assert "United States (USA)" in place_label(by_country["USA"])


@pytest.mark.parametrize(("typed", "country", "precision"), [
    ("Vladivostok", "RUS", LocationPrecision.NEAR_NAMED_PLACE),
    ("vladivostok", "RUS", LocationPrecision.NEAR_NAMED_PLACE),  # as typed, lower case
    ("Georgia (USA)", "USA", LocationPrecision.ADM1),  # the extractor's way of naming apart
    ("Paris", "FRA", LocationPrecision.NEAR_NAMED_PLACE),  # Paris, Texas is offered, not chosen
    ("Angola", "AGO", LocationPrecision.COUNTRY),  # a country over a same-named town
])
def test_a_typed_name_is_resolved_offline(index, typed, country, precision):
    found = PlaceResolver(index).resolve(typed).found
    assert found is not None and (found.country, found.precision) == (country, precision)


def test_known_places_answer_first_and_unknown_names_say_so(index, dataset):
    resolver = PlaceResolver(index, row_places(dataset))
    far_east = resolver.resolve("Russian Far East").found
    row = dataset[dataset["place"] == "Russian Far East"].iloc[0]
    assert (far_east.latitude, far_east.longitude) == (row["latitude"], row["longitude"])
    missing = resolver.resolve("Xyzzy Plateau")
    assert missing.found is None and not missing.candidates and "not found" in missing.describe()


# --- merging ---------------------------------------------------------------------------------------------------


def test_accepted_rows_join_the_dataset_with_unique_ids_and_reused_places(index, dataset, review, draft):
    review.loc[1, "accept"] = False
    review.loc[2, "event_id"] = "vostok-2022"  # the id of a curated event
    resolver = PlaceResolver(index, {**row_places(dataset), **row_places(draft.places)})
    merged = merge(dataset, review, resolutions(resolver, review), seeds=seeds())
    assert len(merged.events) == len(dataset) + len(review) - 1
    assert merged.events["event_id"].is_unique
    assert "vostok-2022-2" in set(merged.added["event_id"])
    assert merged.seeds == {PASTED: SEED_TEXT}
    points = merged.events.groupby("place")[["latitude", "longitude"]].nunique()
    assert (points == 1).all().all()  # one name, one point
    curated = dataset.set_index("event_id")
    after = merged.events.set_index("event_id").loc[curated.index]
    pd.testing.assert_frame_equal(after, curated)  # nothing of the dataset changed


def test_a_place_of_the_same_name_elsewhere_is_named_apart(index, dataset, review):
    there = GeocodeResult("Sea of Japan", 10.0, 10.0, LocationPrecision.WATER_OR_AIRSPACE, "", "test")
    places = resolutions(PlaceResolver(index, row_places(dataset)), review)
    review.loc[1, "place"] = "Sea of Japan"
    places[1] = Resolution("Sea of Japan", there)
    merged = merge(dataset, review, places, seeds=seeds())
    added = merged.added.set_index("title").loc[review.at[1, "title"]]
    assert added["place"] == "Sea of Japan (sea)" and added["latitude"] == 10.0
    kept = merged.events[merged.events["place"] == "Sea of Japan"]
    assert set(kept["latitude"]) == {40.0}  # the curated place is not moved


def test_problems_name_article_row_and_column_and_nothing_is_merged(index, dataset, review):
    places = resolutions(PlaceResolver(index, row_places(dataset)), review)
    review.loc[3, "quote"] = "Words the article never wrote."
    review.loc[4, "participants"] = "Atlantis"
    places[5] = PlaceResolver(index).resolve("Georgia")  # ambiguous, not chosen
    before = dataset.copy()
    with pytest.raises(DatasetError) as raised:
        merge(dataset, review, places, seeds=seeds())
    where = {(p.file, p.row, p.column) for p in raised.value.problems}
    assert (PASTED, 5, "place") in where
    pd.testing.assert_frame_equal(dataset, before)
    places[5] = places[5].choose(place_label(places[5].candidates[0]))
    with pytest.raises(DatasetError) as raised:
        merge(dataset, review, places, seeds=seeds())
    where = {(p.file, p.row, p.column) for p in raised.value.problems}
    assert {(PASTED, 3, "quote"), (PASTED, 4, "participants")} <= where


def test_participants_may_be_typed_as_country_names(index, dataset, review):
    review["accept"] = False
    review.loc[1, ["accept", "participants"]] = [True, "Russia, China; KAZ"]
    merged = merge(dataset, review, resolutions(PlaceResolver(index, row_places(dataset)), review), seeds=seeds())
    assert merged.added["participants"].iloc[0] == ("RUS", "CHN", "KAZ")


def test_nothing_accepted_is_a_problem(index, dataset, review):
    review["accept"] = False
    with pytest.raises(DatasetError, match="no row is accepted"):
        merge(dataset, review, {}, seeds=seeds())


# --- the dataset with its articles -----------------------------------------------------------------------------


def test_a_zip_with_the_articles_uploads_back_valid_with_nothing_lost(index, dataset, review, draft):
    resolver = PlaceResolver(index, {**row_places(dataset), **row_places(draft.places)})
    merged = merge(dataset, review, resolutions(resolver, review), seeds=seeds())
    archive = bundle_zip(merged.events, merged.seeds)
    assert sorted(zipfile.ZipFile(io.BytesIO(archive)).namelist()) == ["events.csv", f"seeds/{PASTED}"]
    bundle = read_zip(archive, "mine.zip")
    assert bundle.seeds == {PASTED: SEED_TEXT}
    back = ingest_bytes(bundle.table, bundle.table_name, seeds={**known_seeds(SEEDS_DIR), **bundle.seeds})
    assert back.valid, back.problems[:3]
    pd.testing.assert_frame_equal(back.events, merged.events[back.events.columns])
    without = ingest_bytes(bundle.table, bundle.table_name, seeds=known_seeds(SEEDS_DIR))
    assert not without.valid  # the CSV alone would lose them: why the .zip carries the articles


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(("members", "fragment"), [
    ({"a.txt": b"text"}, "must hold one table"),
    ({"a.csv": b"x", "b.csv": b"y"}, "must hold one table"),
    ({f"{n}.txt": b"t" for n in range(1001)} | {"a.csv": b"x"}, "the limit is 1,000"),
])
def test_an_archive_without_exactly_one_table_is_refused(members, fragment):
    with pytest.raises(UnreadableFileError, match=fragment):
        read_zip(_zip(members), "bad.zip")


def test_a_damaged_archive_is_refused():
    with pytest.raises(UnreadableFileError, match="not a readable ZIP"):
        read_zip(b"PK\x03\x04 not really", "bad.zip")


def test_archive_metadata_and_folders_are_ignored():
    bundle = read_zip(_zip({"__MACOSX/._events.csv": b"junk", "data/events.csv": b"a,b\n1,2\n",
                            "data/seeds/x.txt": b"article"}), "ok.zip")
    assert bundle.table_name == "ok.zip/events.csv" and bundle.seeds == {"x.txt": "article"}
