"""The former worst cases of issue 10, generated in a temporary folder and run through ``python -m dashboard
validate FILE`` (a fresh process each, as a user runs it): a table of outcome, wall seconds and peak memory.

    .venv/bin/python scripts/worst_cases.py [--only NAME ...] [--keep DIR]

Wall seconds include the interpreter's start and imports (about 0.7 s on a 2-core Xeon). Target: each case
done within 2 s, or refused at once with a message naming the limit.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DOWNLOADED = ROOT / "tests" / "corpus" / "downloaded.csv"
PLACE_FIELDS = ["latitude", "longitude", "location_precision", "place_country", "coord_source"]

Case = Callable[[Path], tuple[Path, list[str]]]  # folder -> (file to validate, extra arguments)


def _rows() -> pd.DataFrame:
    return pd.read_csv(DOWNLOADED, dtype=str, keep_default_na=False)


def _csv_text(table: pd.DataFrame) -> str:
    return table.to_csv(index=False, lineterminator="\n")


def _repeat_to(header: str, body: str, size: int) -> str:
    """``header`` then copies of the ``body`` lines up to about ``size`` characters."""
    return header + body * max(1, (size - len(header)) // len(body))


def long_header(size: int) -> Case:
    def make(folder: Path) -> tuple[Path, list[str]]:
        table = _rows().head(1).assign(**{"n" * 1_000_000: "x"}, **{f"c{i}": "" for i in range(200)})
        header, _, body = _csv_text(table).partition("\n")
        path = folder / f"long_header_{size // 10**6}mb.csv"
        path.write_text(_repeat_to(header + "\n", body, size), encoding="utf-8")
        return path, []
    return make


def parquet_2m(folder: Path) -> tuple[Path, list[str]]:
    table = pd.concat([_rows()] * (2_000_000 // 12 + 1), ignore_index=True).head(2_000_000)
    table["event_id"] = [f"e{i}" for i in range(len(table))]
    path = folder / "rows_2m.parquet"
    table.to_parquet(path, compression="zstd")
    return path, []


def duplicate_ids(folder: Path) -> tuple[Path, list[str]]:
    table = _rows()
    table["notes"] = table["notes"] + " " + "padding " * 40  # about 1 KB a row, as real rows with notes
    header, _, body = _csv_text(table).partition("\n")
    path = folder / "duplicate_ids_31mb.csv"
    path.write_text(_repeat_to(header + "\n", body, 31 * 10**6), encoding="utf-8")
    return path, []


def big_seed(folder: Path) -> tuple[Path, list[str]]:
    seeds = folder / "seeds"
    seeds.mkdir()
    words = ["the", "troops", "of", "joint", "exercise", "said", "ministry", "in", "far", "east", "Russia", "and"]
    (seeds / "big.txt").write_text(" ".join(words[i * 7 % len(words)] for i in range(9_000_000)), encoding="utf-8")
    table = _rows().head(1)
    table = pd.concat([table] * 2_000, ignore_index=True).assign(
        event_id=[f"e{i}" for i in range(2_000)], quote=[f"quote number {i} that is not there" for i in range(2_000)],
        seed="big.txt")
    path = folder / "quotes_against_50mb_seed.csv"
    path.write_text(_csv_text(table), encoding="utf-8")
    return path, ["--seeds", str(seeds)]


def case_variants(folder: Path) -> tuple[Path, list[str]]:
    base = _rows().drop(columns=PLACE_FIELDS).head(1)
    names = ["".join(c.upper() if (i >> k) & 1 else c for k, c in enumerate(name))
             for name in ("vladivostok", "khabarovsk") for i in range(2**10)] * 11
    table = pd.concat([base] * len(names), ignore_index=True).assign(
        place=names, event_id=[f"e{i}" for i in range(len(names))])
    table["notes"] = ""
    path = folder / "place_case_variants.csv"
    path.write_text(_csv_text(table), encoding="utf-8")
    return path, []


def many_columns(folder: Path) -> tuple[Path, list[str]]:
    header = ",".join(f"column_{i}" for i in range(10_000)) + "\n"
    path = folder / "columns_10k_rows_500.csv"
    path.write_text(header + ("1," * 9_999 + "1\n") * 500, encoding="utf-8")
    return path, []


def nested_geojson(folder: Path) -> tuple[Path, list[str]]:
    path = folder / "nested_400.geojson"
    document = '{"type": "FeatureCollection", "features": ' + "[" * 400 + "]" * 400 + "}"
    path.write_text(document + " " * (2048 - len(document)), encoding="utf-8")
    return path, []


def far_dates(folder: Path) -> tuple[Path, list[str]]:
    path = folder / "dates_0001_9999.csv"
    path.write_text(_csv_text(_rows().assign(start_date="0001-01-01", end_date="9999-12-31")), encoding="utf-8")
    return path, []


CASES: dict[str, Case] = {
    "1 MB CSV, 1M-char header name": long_header(10**6),
    "95 MB CSV, 1M-char header name": long_header(95 * 10**6),
    "Parquet of 2M valid events": parquet_2m,
    "31 MB CSV, duplicated ids": duplicate_ids,
    "0.5 MB of rows vs a 50 MB seed": big_seed,
    "22k case-variant place names": case_variants,
    "10,000 columns x 500 rows": many_columns,
    "2 KB GeoJSON nested 400 deep": nested_geojson,
    "dates 0001-01-01 and 9999-12-31": far_dates,
}


# ``python -m dashboard`` itself, reporting its own peak memory last: VmHWM (Linux), which unlike ru_maxrss
# does not carry the parent's peak across fork and exec.
_CHILD = ("import sys\nfrom dashboard.cli import main\ncode = main(sys.argv[1:])\n"
          "peak = [line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM')]\n"
          "print(f'@@peak {peak[0]}', file=sys.stderr)\nsys.exit(code)")


def run(path: Path, extra: list[str]) -> tuple[str, float, float]:
    """Outcome, wall seconds and peak resident MB of ``python -m dashboard validate`` on ``path``."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _CHILD, "validate", str(path), *extra], cwd=ROOT,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    err, _, peak = done.stderr.rpartition("@@peak ")
    return _outcome(done.returncode, done.stdout, err, path), seconds, int(peak or 0) / 1024


def _outcome(code: int, out: str, err: str, path: Path) -> str:
    if code == 0:
        return out.strip().split(" (")[0]
    lines = err.strip().splitlines()
    first = lines[0].replace(str(path), "").lstrip(", :") if lines else ""
    if code == 1:
        return f"{lines[-1]}; first: {first}"[:150]
    return f"exit {code}: {first}"[:150]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", help="cases whose name contains one of these words")
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep the files")
    args = parser.parse_args()
    chosen = {name: case for name, case in CASES.items()
              if not args.only or any(word.lower() in name.lower() for word in args.only)}
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        print("| case | input | outcome | wall s | peak RSS MB |")
        print("|---|---:|---|---:|---:|")
        for name, make in chosen.items():
            path, extra = make(folder)
            size = path.stat().st_size
            outcome, seconds, peak = run(path, extra)
            shown = f"{size / 10**6:.1f} MB" if size >= 10**5 else f"{size / 1024:.1f} KB"
            print(f"| {name} | {shown} | {outcome.replace('|', '/')} | {seconds:.2f} | {peak:.0f} |", flush=True)


if __name__ == "__main__":
    main()
