"""``python -m dashboard import --engine-layout``: published files into the query engine's layout, which the
engine then answers (and a second import adds files beside the first, rewriting none)."""

from __future__ import annotations

from dashboard.cli import main
from dashboard.dataset.importing import import_engine_dataset
from dashboard.engine import FilterSpec, open_store
from dashboard.engine.config import EngineConfig

from .samples import write_acled, write_gdelt_zip, write_synthetic, write_ucdp


def test_import_writes_the_engine_layout_the_engine_queries(tmp_path):
    files = [write_acled(tmp_path / "acled.csv"), write_ucdp(tmp_path / "ged.csv"),
             write_gdelt_zip(tmp_path / "20230415120000.export.CSV.zip")]
    out = tmp_path / "engine"
    result = import_engine_dataset(files, out)
    assert (result.rows, result.written, len(result.problems)) == (19, 9, 10)  # as the single-file import
    assert list(out.glob("year=*/part-*.parquet")) and not list(tmp_path.glob(".engine.import-*"))
    store = open_store(out, engine=EngineConfig("duckdb"))
    assert store.count(FilterSpec()) == 9
    row = store.event("acled-ken999")
    assert row["date_precision"].iloc[0] == "week" and row["seed"].iloc[0] == "external: ACLED"
    assert {"KEN"} <= set(store.options().countries)


def test_import_cli_adds_to_an_engine_folder_in_chunks(tmp_path, capsys):
    out = tmp_path / "engine"
    first = write_synthetic("acled", 2_500, tmp_path)
    assert main(["import", str(first), "--out", str(out), "--engine-layout"]) == 0
    assert "imported 2,500 of 2,500 rows" in capsys.readouterr().out
    files = set(out.rglob("*.parquet"))
    second = write_synthetic("ucdp", 1_200, tmp_path)
    assert main(["import", str(second), "--out", str(out)]) == 0  # an existing folder: the engine's layout
    assert files < set(out.rglob("*.parquet"))  # the first import's files are all still there
    assert open_store(out, engine=EngineConfig("duckdb")).count(FilterSpec()) == 3_700
