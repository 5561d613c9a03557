"""``python -m dashboard``: exit codes, one line per problem, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.cli import main
from dashboard.dataset.loading import read_table
from dashboard.paths import PLACES_PATH
from tests.conftest import edit_csv


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dashboard", *args], capture_output=True, text=True, timeout=120)


def test_validate_bundled_data_exits_0():
    result = run("validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("valid: 12 events at 10 places")


def test_validate_broken_copy_exits_1_naming_each_problem(dataset_dir: Path):
    edit_csv(dataset_dir / "events.csv", 3, "end_date", "2000-01-01")
    edit_csv(dataset_dir / "events.csv", 4, "participants", "CHN;RUSSIA")
    edit_csv(dataset_dir / "places.csv", 2, "longitude", "200")
    result = run("validate", str(dataset_dir))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[-1] == "invalid: 3 problem(s)"
    assert [line.split(": ")[0] for line in lines[:-1]] == [
        f"{dataset_dir / 'events.csv'}, row 3, column 'end_date'",
        f"{dataset_dir / 'events.csv'}, row 4, column 'participants'",
        f"{dataset_dir / 'places.csv'}, row 2, column 'longitude'",
    ]
    assert "Traceback" not in result.stderr


def test_validate_accepts_an_events_file_and_explicit_places(dataset_dir: Path, capsys):
    assert main(["validate", str(dataset_dir / "events.csv"), "--places", str(dataset_dir / "places.csv")]) == 0
    assert "valid: 12 events" in capsys.readouterr().out


def test_validate_a_missing_path_exits_2_with_a_message(tmp_path: Path, capsys):
    assert main(["validate", str(tmp_path / "nope.csv")]) == 2  # unreadable, not invalid
    assert "nope.csv: file not found" in capsys.readouterr().err


def test_no_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exited:
        main([])
    assert exited.value.code == 2 and "COMMAND" in capsys.readouterr().err


def test_geocode_fills_missing_coordinates_offline(tmp_path: Path, capsys):
    places = read_table(PLACES_PATH)
    places.loc[[3, 9], ["latitude", "longitude", "location_precision", "coord_source"]] = ""
    path = tmp_path / "places.csv"
    places.to_csv(path, index=False, lineterminator="\n")
    assert main(["geocode", "--places", str(path), "--cache", str(tmp_path / "cache.json")]) == 0
    assert path.read_text(encoding="utf-8") == PLACES_PATH.read_text(encoding="utf-8")
    captured = capsys.readouterr()
    assert "10 of 10 places have coordinates" in captured.out
    assert "2/2" in captured.err  # the progress bar


def test_geocode_reports_unresolved_places_and_exits_1(tmp_path: Path, capsys):
    path = tmp_path / "places.csv"
    path.write_text("place,latitude,longitude,location_precision,country,coord_source\n"
                    "Kiev,,,,,\nNowhere-on-Earth,,,,,\n", encoding="utf-8")
    assert main(["geocode", "--places", str(path), "--cache", str(tmp_path / "cache.json")]) == 1
    err = capsys.readouterr().err
    assert f"{path}, row 2: could not resolve 'Nowhere-on-Earth': not found offline (try --online)" in err
    written = read_table(path)
    assert written.loc[0, "coord_source"].startswith("GeoNames 703448 'Kyiv'")  # what resolved is kept
    assert written.loc[1, "latitude"] == ""


def test_geocode_on_an_unreadable_file_changes_nothing(tmp_path: Path, capsys):
    path = tmp_path / "places.csv"
    path.write_bytes(b"\xff\xfe\x00\x01")
    assert main(["geocode", "--places", str(path)]) == 2
    assert "not UTF-8" in capsys.readouterr().err and path.read_bytes() == b"\xff\xfe\x00\x01"


def test_geocode_online_refuses_an_empty_user_agent(dataset_dir: Path, capsys):
    places = dataset_dir / "places.csv"
    assert main(["geocode", "--online", "--user-agent", " ", "--places", str(places)]) == 2
    assert "user agent" in capsys.readouterr().err
