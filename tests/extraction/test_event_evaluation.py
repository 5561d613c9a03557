"""The event-level evaluation: the match rule on small tables, and the seed against the curated dataset."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from dashboard.cli import main
from dashboard.extraction.event_evaluation import participant_f1, radius_km, score_tables
from dashboard.paths import EVENTS_PATH, SEEDS_DIR

SEED = "000_0441dc0ab698eb74.txt"
PLACES = pd.DataFrame([
    {"place": "Kyiv", "latitude": "50.45", "longitude": "30.52", "location_precision": "2", "country": "UKR"},
    {"place": "Bucha", "latitude": "50.54", "longitude": "30.21", "location_precision": "2", "country": "UKR"},
    {"place": "Lviv", "latitude": "49.84", "longitude": "24.03", "location_precision": "2", "country": "UKR"},
])


def _event(event_id: str, place: str, start: str, end: str, basis: str, participants: str) -> dict[str, str]:
    return {"event_id": event_id, "place": place, "start_date": start, "end_date": end, "date_basis": basis,
            "participants": participants, "seed": "a.txt"}


@pytest.mark.parametrize(("drafted", "matched", "why"), [
    (_event("d", "Bucha", "2022-03-01", "2022-03-01", "article", "RUS;UKR"), 1, None),  # 24 km: within 161
    (_event("d", "Lviv", "2022-03-01", "2022-03-01", "article", "RUS;UKR"), 0, "km from Kyiv"),  # 470 km
    (_event("d", "Kyiv", "2021-03-01", "2021-03-01", "article", "RUS;UKR"), 0, "dates"),  # the gold's dates missed
])
def test_match_rule(drafted: dict, matched: int, why: str | None):
    gold = pd.DataFrame([_event("g", "Kyiv", "2022-02-24", "2022-04-02", "article", "RUS;UKR")])
    scores = score_tables(gold, PLACES, pd.DataFrame([drafted]), PLACES)
    assert len(scores.matched) == matched
    assert why is None or why in scores.unmatched_gold[0][1]


def test_background_dates_are_not_compared():
    gold = pd.DataFrame([_event("g", "Kyiv", "2022-02-24", "2022-04-02", "background", "RUS;UKR")])
    drafted = pd.DataFrame([_event("d", "Kyiv", "2021-01-01", "2021-12-31", "article", "RUS")])
    scores = score_tables(gold, PLACES, drafted, PLACES)
    assert (scores.recall, scores.precision, round(scores.participant_f1, 2)) == (1.0, 1.0, 0.67)


def test_matching_is_one_to_one_best_first():
    gold = pd.DataFrame([_event("g1", "Kyiv", "2022-03-01", "2022-03-01", "background", "RUS;UKR"),
                         _event("g2", "Kyiv", "2022-03-01", "2022-03-01", "background", "BLR")])
    drafted = pd.DataFrame([_event("d1", "Kyiv", "2022-03-01", "2022-03-01", "article", "BLR")])
    scores = score_tables(gold, PLACES, drafted, PLACES)
    assert [(g, d) for g, d, _ in scores.matched] == [("g2", "d1")] and scores.unmatched_gold[0][0] == "g1"


@pytest.mark.parametrize(("gold", "drafted", "f1"), [("RUS;UKR", "RUS;UKR", 1.0), ("RUS;UKR", "RUS", 2 / 3),
                                                     ("", "", 1.0), ("USA", "", 0.0)])
def test_participant_f1(gold: str, drafted: str, f1: float):
    assert participant_f1(gold, drafted) == pytest.approx(f1)


def test_radius_by_precision():
    assert radius_km(2, "UKR") == 161 and radius_km(7, "") > radius_km(5, "RUS") > radius_km(4, "RUS") > 161
    assert radius_km(6, "RUS") > radius_km(6, "BEL") >= 161  # a country's own size


@pytest.mark.parametrize("date", [None, "2022-08-17"])
def test_seed_meets_the_targets(tmp_path: Path, capsys: pytest.CaptureFixture[str], date: str | None):
    """Vostok 2022 one event; at least 10 of the 12 curated events matched; at most 15 drafted; with and without
    the article's date."""
    argv = ["evaluate-events", str(EVENTS_PATH), str(SEEDS_DIR / SEED), *(["--date", date] if date else [])]
    assert main(argv) == 0
    out = capsys.readouterr().out
    recall = next(line for line in out.splitlines() if line.startswith("matched/gold"))
    precision = next(line for line in out.splitlines() if line.startswith("matched/drafted"))
    matched, gold = map(int, recall.split()[2].split("/"))
    drafted = int(precision.split()[2].split("/")[1])
    assert gold == 12 and matched >= 10 and drafted <= 15
    assert "matched: vostok-2022 ← vostok-2022" in out


def test_cli_extract_with_date_then_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEEDS_DIR / SEED, seeds / SEED)
    assert main(["extract", str(seeds / SEED), "--out", str(tmp_path / "d"), "--date", "2022-08-17"]) == 0
    capsys.readouterr()
    assert main(["validate", str(tmp_path / "d"), "--seeds", str(seeds)]) == 0


def test_cli_evaluate_events_missing_article(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["evaluate-events", str(EVENTS_PATH), str(tmp_path / "none.txt")]) == 2
    assert "cannot read" in capsys.readouterr().err
