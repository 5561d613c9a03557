"""``python -m dashboard``: exit codes, one line per problem, never a traceback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from dashboard import cli
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


# ---------------------------------------------------------------- a bug: one line, the traceback in a log file


def broken_command(args):
    raise KeyError("secret value\nsecond line")


def test_an_internal_error_is_one_line_with_a_reference(monkeypatch, tmp_path: Path, capsys):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    monkeypatch.setattr(cli, "_assets", broken_command)
    assert main(["assets"]) == 3
    (line,) = capsys.readouterr().err.splitlines()
    found = re.fullmatch(r"internal error \(reference ([0-9a-f]{8})\): KeyError: .+ — details in (.+)", line)
    assert found, line
    log = Path(found.group(2))
    assert log == tmp_path / "news-event-map" / "errors.log" == cli.error_log_path()
    text = log.read_text(encoding="utf-8")
    assert f"reference {found.group(1)}: python -m dashboard" in text
    assert "Traceback (most recent call last)" in text and "in broken_command" in text


def test_each_internal_error_is_appended_under_its_own_reference(monkeypatch, tmp_path: Path, capsys):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    monkeypatch.setattr(cli, "_assets", broken_command)
    main(["assets"]), main(["assets"])
    references = re.findall(r"reference ([0-9a-f]{8})", capsys.readouterr().err)
    text = cli.error_log_path().read_text(encoding="utf-8")
    assert len(set(references)) == 2 and all(f"reference {r}:" in text for r in references)


def test_an_unwritable_log_still_gives_one_line(monkeypatch, tmp_path: Path, capsys):
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "a-file"))
    monkeypatch.setattr(cli, "_assets", broken_command)
    assert main(["assets"]) == 3
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("internal error (reference ") and "no details: cannot write" in line


def test_the_error_log_defaults_to_the_temporary_folder(monkeypatch):
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    assert cli.error_log_path().parent == Path(tempfile.gettempdir())


def test_an_internal_error_in_a_real_process_shows_no_traceback(tmp_path: Path):
    result = subprocess.run([sys.executable, "-c", "import sys; import dashboard.cli as c; "
                             "c._assets = lambda args: 1 / 0; sys.exit(c.main(['assets']))"],
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "XDG_STATE_HOME": str(tmp_path)})
    assert result.returncode == 3 and "Traceback" not in result.stderr
    assert result.stderr.startswith("internal error (reference ") and "ZeroDivisionError" in result.stderr


KOSOVO_PLACES = ("place,latitude,longitude,location_precision,country,coord_source\n"
                 "Pristina,,,,,\nPrizren,,,,,\nKiev,,,,,\n")


def test_geocode_gives_kosovo_s_cities_a_country_the_validator_accepts(tmp_path: Path, capsys):
    """GeoNames' XK is written as XKX: the run used to end invalid, with nothing written, on Kosovo's cities."""
    path = tmp_path / "places.csv"
    path.write_text(KOSOVO_PLACES, encoding="utf-8")
    assert main(["geocode", "--places", str(path), "--cache", str(tmp_path / "cache.json")]) == 0, capsys.readouterr()
    assert list(read_table(path)["country"]) == ["XKX", "XKX", "UKR"]


def test_geocode_writes_what_resolved_when_other_rows_already_have_problems(tmp_path: Path, capsys):
    path = tmp_path / "places.csv"
    path.write_text("place,latitude,longitude,location_precision,country,coord_source\n"
                    "Kiev,,,,,\nAtlantis,10,200,2,GRC,legend\n", encoding="utf-8")
    assert main(["geocode", "--places", str(path), "--cache", str(tmp_path / "cache.json")]) == 1
    captured = capsys.readouterr()
    assert f"{path}, row 2, column 'longitude': 200 is outside [-180, 180]" in captured.err
    assert "1 problem(s) left in the file" in captured.out
    assert read_table(path).loc[0, "country"] == "UKR"  # the run was not lost


def test_geocode_with_an_answer_the_validator_rejects_writes_the_rest(tmp_path: Path, capsys, monkeypatch):
    from geopy.location import Location

    from tests.geography.test_geocode import FakeGeocoder

    disputed = Location("Somewhere disputed", (35.0, 77.0), {"addresstype": "village"})  # no country code
    monkeypatch.setattr("dashboard.geography.geocode.make_nominatim",
                        lambda *args, **kwargs: FakeGeocoder({"Somewhere disputed": disputed}))
    path = tmp_path / "places.csv"
    path.write_text(KOSOVO_PLACES + "Somewhere disputed,,,,,\n", encoding="utf-8")
    assert main(["geocode", "--online", "--places", str(path), "--cache", str(tmp_path / "cache.json")]) == 1
    err = capsys.readouterr().err
    assert f"{path}, row 4: could not resolve 'Somewhere disputed': answer rejected (country: required" in err
    written = read_table(path)
    assert list(written["country"]) == ["XKX", "XKX", "UKR", ""] and written.loc[3, "latitude"] == ""


def test_geocode_sets_a_corrupt_cache_aside_and_runs(tmp_path: Path, capsys):
    path, cache = tmp_path / "places.csv", tmp_path / "cache.json"
    path.write_text(KOSOVO_PLACES, encoding="utf-8")
    cache.write_text("{not json", encoding="utf-8")
    assert main(["geocode", "--places", str(path), "--cache", str(cache)]) == 0
    err = capsys.readouterr().err
    [aside] = tmp_path.glob("cache.json.corrupt-*")
    assert err.count("warning:") == 1 and f"set aside as {aside.name}" in err
    assert aside.read_text() == "{not json" and read_table(path).loc[0, "latitude"] != ""


def test_geocode_skips_cache_entries_of_the_wrong_shape_with_one_warning(tmp_path: Path, capsys):
    path, cache = tmp_path / "places.csv", tmp_path / "cache.json"
    path.write_text(KOSOVO_PLACES, encoding="utf-8")
    cache.write_text('{"version": 1, "entries": {"pristina|": {"name": "Pristina"}, "prizren|": {}}}',
                     encoding="utf-8")
    assert main(["geocode", "--places", str(path), "--cache", str(cache)]) == 0
    err = capsys.readouterr().err
    assert err.count("warning:") == 1 and "skipped 2 cache entries of the wrong shape" in err


def _no_geocoding(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("geocoding started")

    monkeypatch.setattr("dashboard.geography.geocode.GeocoderChain.resolve", refuse)


def test_geocode_in_a_read_only_folder_exits_2_before_geocoding(tmp_path: Path, capsys, monkeypatch):
    folder = tmp_path / "read-only"
    folder.mkdir()
    path = folder / "places.csv"
    path.write_text(KOSOVO_PLACES, encoding="utf-8")
    folder.chmod(0o555)
    # The tests run as root, whom mode 0o555 does not stop: os.access is told to answer as for anyone else.
    monkeypatch.setattr("dashboard.files.os.access", lambda *args, **kwargs: False)
    _no_geocoding(monkeypatch)
    try:
        assert main(["geocode", "--places", str(path), "--cache", str(tmp_path / "cache.json")]) == 2
    finally:
        folder.chmod(0o755)
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [f"error: cannot write in {folder}: permission denied"]
    assert captured.out == "" and path.read_text(encoding="utf-8") == KOSOVO_PLACES


def test_geocode_on_a_read_only_mount_exits_2_before_geocoding(tmp_path: Path, capsys, monkeypatch):
    """os.access says yes on a read-only file system; creating a file there says no."""
    def read_only_mount(*args, **kwargs):
        raise OSError(30, "Read-only file system")

    path = tmp_path / "places.csv"
    path.write_text(KOSOVO_PLACES, encoding="utf-8")
    monkeypatch.setattr("dashboard.files.tempfile.NamedTemporaryFile", read_only_mount)
    _no_geocoding(monkeypatch)
    assert main(["geocode", "--places", str(path), "--cache", str(tmp_path / "cache.json")]) == 2
    assert capsys.readouterr().err.splitlines() == [f"error: cannot write in {tmp_path}: Read-only file system"]


def test_geocode_online_checks_the_cache_folder_too(tmp_path: Path, capsys, monkeypatch):
    cache_folder = tmp_path / "cache"
    cache_folder.mkdir()
    path = tmp_path / "places.csv"
    path.write_text(KOSOVO_PLACES, encoding="utf-8")
    real_access = os.access
    monkeypatch.setattr("dashboard.files.os.access", lambda folder, mode: Path(folder) != cache_folder
                        and real_access(folder, mode))
    args = ["geocode", "--places", str(path), "--cache", str(cache_folder / "cache.json")]
    assert main(args) == 0  # offline runs never write the cache
    _no_geocoding(monkeypatch)
    assert main([*args, "--online", "--refresh"]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"error: cannot write in {cache_folder}: permission denied"


def test_geocode_a_table_without_a_needed_column_exits_1_before_geocoding(tmp_path: Path, capsys, monkeypatch):
    path = tmp_path / "places.csv"
    path.write_text("place,latitude,longitude\nKiev,,\n", encoding="utf-8")
    _no_geocoding(monkeypatch)
    assert main(["geocode", "--places", str(path)]) == 1
    assert "column 'location_precision': required column is missing" in capsys.readouterr().err


def test_geocode_that_cannot_write_at_the_end_exits_2_with_one_line(tmp_path: Path, capsys, monkeypatch):
    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    path = tmp_path / "places.csv"
    path.write_text(KOSOVO_PLACES, encoding="utf-8")
    monkeypatch.setattr("dashboard.files.atomic_write_text", disk_full)
    assert main(["geocode", "--places", str(path), "--cache", str(tmp_path / "cache.json")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == f"error: cannot write {path}: No space left on device" and "Traceback" not in "".join(err)


# ---------------------------------------------------------------- validate: any table, through a column mapping

PLAIN = Path(__file__).parent / "corpus" / "plain_table.csv"  # 20 rows of title,date,lat,lon
GARBAGE = Path(__file__).parent / "corpus" / "mapped_garbage.csv"


def test_validate_a_plain_table_with_guessed_columns(capsys):
    assert main(["validate", str(PLAIN)]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"valid: 20 events at 20 places ({PLAIN})\n"
    assert captured.err == (f"{PLAIN}: columns guessed from their names: title=title, date=date, latitude=lat, "
                            "longitude=lon (change them with --map FIELD=COLUMN,... or FIELD= for none)\n")


def test_validate_a_plain_table_beside_a_places_file_is_still_one_table(tmp_path, capsys):
    (tmp_path / "events.csv").write_bytes(PLAIN.read_bytes())
    (tmp_path / "places.csv").write_text("place,latitude,longitude,location_precision,country,coord_source\n")
    assert main(["validate", str(tmp_path / "events.csv")]) == 0, capsys.readouterr().err


def test_validate_with_an_explicit_map(capsys):
    assert main(["validate", str(PLAIN), "--map", "title=title,date=date,lat=lat,lon=lon,notes="]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("valid: 20 events")
    assert "columns from --map, the rest guessed: title=title, date=date, latitude=lat, longitude=lon " in captured.err


@pytest.mark.parametrize(("name", "text"), [
    ("mapping.json", '{"title": "title", "date": "date", "latitude": "lat", "longitude": "lon"}'),
    ("mapping.csv", "field,column\ntitle,title\ndate,date\nlatitude,lat\nlongitude,lon\n"),
])
def test_validate_with_a_mapping_file(tmp_path, capsys, name, text):
    (tmp_path / name).write_text(text, encoding="utf-8")
    assert main(["validate", str(PLAIN), "--mapping", str(tmp_path / name)]) == 0
    assert f"columns from {tmp_path / name}, the rest guessed" in capsys.readouterr().err


@pytest.mark.parametrize(("args", "lines"), [
    (["--map", "title=Headline"], [f"error: {PLAIN}: no column 'Headline' for title (--map)",
                                   f"error: {PLAIN}: its columns are 'title', 'date', 'lat', 'lon'"]),
    (["--map", "titel=title"], ["error: --map item 1: unknown field 'titel' (fields: title, date, start_date, "
                                "end_date, latitude, longitude, place, country, participants, event_type, sources, "
                                "quote, seed, notes, url, event_id, date_precision, date_basis, date_note, "
                                "location_precision, coord_source)"]),
    (["--map", "title=title,title=date"], ["error: --map item 2: field 'title' is mapped twice"]),
    (["--map", "lat=,lon=,place="], [f"error: {PLAIN}: no column gives the place (map latitude and longitude, or "
                                     "place)", f"error: {PLAIN}: its columns are 'title', 'date', 'lat', 'lon'"]),
])
def test_validate_refuses_a_mapping_it_cannot_use_with_exit_2(capsys, args, lines):
    assert main(["validate", str(PLAIN), *args]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == lines and captured.out == ""


def test_validate_a_mapped_table_names_its_own_rows_and_columns(capsys):
    assert main(["validate", str(GARBAGE)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[1:-1] == [
        f"{GARBAGE}, row 1, column 'When': '30/08/2022' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)",
        f"{GARBAGE}, row 2, column 'Lat': 'north' is not a number",
        f"{GARBAGE}, row 2, column 'When': '2022-13' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)",
        f"{GARBAGE}, row 4, column 'Lon': 999 is outside [-180, 180]",
        f"{GARBAGE}, row 5, column 'Lon': '24,75' uses a comma as decimal separator (write a dot: 45.5)",
    ]
    assert lines[-1] == "invalid: 5 problem(s)"


def test_validate_out_writes_the_mapped_table_in_our_format(tmp_path, capsys):
    out = tmp_path / "dataset" / "events.csv"
    assert main(["validate", str(PLAIN), "--out", str(out)]) == 0
    assert f"wrote 20 of 20 rows to {out}" in capsys.readouterr().err
    assert read_table(out).columns[:3].tolist() == ["event_id", "title", "event_type"]
    assert main(["validate", str(out)]) == 0  # our format now: no guessing
    captured = capsys.readouterr()
    assert captured.out.startswith("valid: 20 events") and "guessed" not in captured.err
    assert not list(out.parent.glob(".*.tmp"))  # written whole, through a temporary file


def test_validate_out_writes_the_valid_rows_and_exits_1(tmp_path, capsys):
    out = tmp_path / "mapped.csv"
    assert main(["validate", str(GARBAGE), "--out", str(out)]) == 1
    assert f"wrote 1 of 5 rows to {out}; the 4 with problems are left out" in capsys.readouterr().err
    assert read_table(out)["title"].tolist() == ["Summit in Vilnius"]


def test_validate_out_needs_one_table(dataset_dir: Path, capsys):
    assert main(["validate", str(dataset_dir), "--out", str(dataset_dir / "x.csv")]) == 2
    assert "take one table" in capsys.readouterr().err and not (dataset_dir / "x.csv").exists()


def test_validate_out_in_an_unwritable_folder_exits_2_before_reading(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("dashboard.files.os.access", lambda *args, **kwargs: False)
    assert main(["validate", str(PLAIN), "--out", str(tmp_path / "x.csv")]) == 2
    assert capsys.readouterr().err == f"error: cannot write in {tmp_path}: permission denied\n"
