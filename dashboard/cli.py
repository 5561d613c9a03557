"""The command line: ``python -m dashboard validate|geocode|assets|import|…``.

Thin: builds core objects, calls them, and turns the package's errors into one-line messages and exit codes
(0 success, 1 invalid data or unresolved places, 2 unusable input, 3 a bug of ours: one line with a reference,
the traceback in the error log). Never a traceback on the terminal.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .errors import DashboardError, DatasetError, UnreadableFileError, error_reference
from .paths import GEOCODE_CACHE_PATH, PLACES_PATH, SEEDS_DIR

__all__ = ["main"]

EXIT_OK, EXIT_INVALID, EXIT_UNUSABLE, EXIT_BUG = 0, 1, 2, 3


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.command(args)
    except UnreadableFileError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print("unreadable", file=sys.stderr)
        return EXIT_UNUSABLE
    except DatasetError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"invalid: {len(exc.problems)} problem(s)", file=sys.stderr)
        return EXIT_INVALID
    except DashboardError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug of ours: one line for the user, the traceback in a file for the report
        print(_internal_error(exc), file=sys.stderr)
        return EXIT_BUG


def _internal_error(exc: Exception) -> str:
    """Append ``exc``'s traceback to the error log under a fresh reference; return the one line to print."""
    import datetime as dt  # here, not at the top: only a bug needs them
    import traceback

    reference = error_reference()
    summary = f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:200]
    log = error_log_path()
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"--- {dt.datetime.now().astimezone():%Y-%m-%d %H:%M:%S %z} reference {reference}: "
                         f"python -m dashboard {' '.join(sys.argv[1:])}\n{''.join(traceback.format_exception(exc))}")
    except OSError as problem:  # still no traceback on the terminal
        return (f"internal error (reference {reference}): {summary} — no details: cannot write {log} "
                f"({problem.strerror or problem})")
    return f"internal error (reference {reference}): {summary} — details in {log}"


def error_log_path() -> Path:
    """Where internal errors' tracebacks go: ``$XDG_STATE_HOME/news-event-map/errors.log`` when that is set
    (the place for logs an application keeps), else ``news-event-map-errors.log`` in the temporary folder,
    which every system has and lets us write."""
    if state := os.environ.get("XDG_STATE_HOME"):
        return Path(state) / "news-event-map" / "errors.log"
    return Path(tempfile.gettempdir()) / "news-event-map-errors.log"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check a dataset; exit 0 if valid, 1 if not, 2 if unreadable")
    validate.add_argument("path", nargs="?", type=Path,
                          help="a folder with events.csv and places.csv, an events CSV with places.csv beside it, or "
                               "one table with its places' columns (CSV, GeoJSON or Parquet, as the app downloads); "
                               "default: the bundled data")
    validate.add_argument("--places", type=Path, help="places CSV, if not beside the events file")
    validate.add_argument("--seeds", type=Path, help="folder of seed articles the quotes come from")
    mapping = validate.add_mutually_exclusive_group()
    mapping.add_argument("--map", metavar="FIELD=COLUMN,...",
                         help="which column of a table in another format gives each field, e.g. "
                              "title=Headline,date=Date,latitude=Lat,longitude=Lon (without it, guessed from the "
                              "column names)")
    mapping.add_argument("--mapping", type=Path, metavar="FILE",
                         help="the same as --map, from a JSON object or a two-column CSV (field,column)")
    validate.add_argument("--out", type=Path, metavar="DATASET.csv",
                          help="write the table's valid rows in the dataset's own format (one table only)")
    validate.set_defaults(command=_validate)

    geocode = commands.add_parser("geocode", help="fill in coordinates of places that lack them")
    geocode.add_argument("--places", type=Path, default=PLACES_PATH, help="places CSV to fill in place")
    geocode.add_argument("--online", action="store_true",
                         help="ask OpenStreetMap's Nominatim for places the offline gazetteer lacks")
    geocode.add_argument("--user-agent", default="news-event-map/0.1 (set --user-agent to your app and contact)",
                         help="user agent sent to Nominatim (its policy asks for your app and a contact)")
    geocode.add_argument("--cache", type=Path, default=GEOCODE_CACHE_PATH, help="cache of online answers")
    geocode.add_argument("--refresh", action="store_true", help="resolve every place again, not just new ones")
    geocode.set_defaults(command=_geocode)

    assets = commands.add_parser("assets", help="copy the map's Leaflet files from installed packages for serving")
    assets.set_defaults(command=_assets)
    extract = commands.add_parser("extract", help="draft events and places from an article, offline, for review")
    extract.add_argument("article", type=Path, help="the article as a UTF-8 text file (cited as the seed)")
    extract.add_argument("--out", type=Path, help="folder for the draft events.csv and places.csv "
                         "(default: draft-<article name>)")
    extract.add_argument("--year", type=int, help="the article's reference year, if the text does not tell it")
    extract.add_argument("--date", type=_iso_date, metavar="YYYY-MM-DD",
                         help="the article's date, which resolves 'on Monday', 'last week', 'earlier this year'")
    extract.set_defaults(command=_extract)

    events = commands.add_parser("evaluate-events", help="draft articles and score the drafts against a gold dataset "
                                 "event by event: recall, precision, participant F1")
    events.add_argument("gold", type=Path, help="gold events.csv (its places.csv beside it)")
    events.add_argument("articles", type=Path, nargs="+", metavar="ARTICLE", help="the articles (gold seeds)")
    events.add_argument("--date", type=_iso_date, metavar="YYYY-MM-DD", help="the articles' date")
    events.set_defaults(command=_evaluate_events)

    evaluate = commands.add_parser("evaluate-places", help="score the place extractor on gold toponyms "
                                   "(GeoVirus XML): precision, recall, accuracy within 161 km")
    evaluate.add_argument("gold", nargs="?", type=Path, help="gold file (default: $NEWS_EVENT_MAP_GOLD or "
                          "../shared/eval/geovirus-dev.xml)")
    evaluate.add_argument("--errors", type=int, default=0, metavar="N",
                          help="also list up to N missed, spurious and distant mentions")
    evaluate.set_defaults(command=_evaluate_places)
    bench = commands.add_parser("bench", help="time loading, filtering and the map on synthetic events, 1k to 1M")
    bench.add_argument("--sizes", type=int, nargs="+", metavar="N", help="event counts (default: 1k 10k 100k 1M)")
    bench.add_argument("--seed", type=int, default=0, help="seed of the synthetic data")
    bench.add_argument("--engine", action="store_true",
                       help="measure the query engine's page (DuckDB over the engine's layout) side by side with "
                            "the in-memory path instead (default sizes: 100k 1M 10M)")
    bench.add_argument("--folder", type=Path, metavar="DIR",
                       help="with --engine: where the engine's datasets are kept and reused (events-N; default: "
                            "engine-bench in the temporary folder); 10^7 events take ~1 GB and ~10 minutes to write")
    bench.add_argument("--memory-max", type=int, default=1_000_000, metavar="N",
                       help="with --engine: the largest size also measured in memory (default 1M)")
    bench.set_defaults(command=_bench)
    imports = commands.add_parser("import", help="bring ACLED, UCDP GED or GDELT files into the dataset's format")
    imports.add_argument("files", nargs="+", type=Path, metavar="FILE",
                         help="ACLED exports (CSV, XLSX), UCDP GED CSV files, GDELT event files (.CSV, .CSV.zip)")
    imports.add_argument("--out", type=Path, required=True, metavar="DATASET",
                         help="the events file to write (.parquet or .csv; without a suffix, Parquet for large "
                              "imports); places.csv is written beside it")
    imports.add_argument("--format", choices=["auto", "acled", "ucdp", "gdelt"], default="auto",
                         help="the files' layout (default: detected from each file's header or shape)")
    imports.add_argument("--engine-layout", action="store_true",
                         help="write the query engine's layout instead: DATASET is a folder of Parquet files "
                              "partitioned by year, which the app queries in place (for millions of events); an "
                              "existing such folder is added to. Implied when DATASET is an existing folder")
    imports.set_defaults(command=_import)
    return parser


def _validate(args: argparse.Namespace) -> int:
    from .dataset.loading import load_events, resolve_paths

    single = args.map is not None or args.mapping is not None or args.out is not None
    if args.path is not None and args.path.is_file() and (single or _is_single_table(args.path, args.places)):
        return _validate_single(args)
    if single:
        print("error: --map, --mapping and --out take one table (a CSV, GeoJSON or Parquet file)", file=sys.stderr)
        return EXIT_UNUSABLE
    frame = load_events(args.path, places_path=args.places, seeds_dir=args.seeds)
    events_file, places_file = resolve_paths(args.path, args.places)
    print(f"valid: {len(frame)} events at {frame['place'].nunique()} places ({events_file}, {places_file})")
    return EXIT_OK


def _is_single_table(path: Path, places: Path | None) -> bool:
    """Whether ``path`` holds its places' columns itself, rather than naming places in a places.csv beside it:
    decided by its columns, as the app decides, so that validate and the app check the same thing."""
    if places is not None:
        return False
    if path.suffix.lower() in (".geojson", ".json") or not (path.parent / PLACES_PATH.name).exists():
        return True
    from .dataset.columns import needs_mapping

    columns = _columns(path)
    return "latitude" in columns or needs_mapping(columns)  # another format: mapped, as one table


def _columns(path: Path) -> set[str]:
    """The column names of a CSV or Parquet file, read from its header only ("" if unreadable)."""
    try:
        if path.suffix.lower() == ".parquet":
            import pyarrow.parquet

            return set(pyarrow.parquet.read_schema(path).names)
        with path.open("rb") as handle:
            header = handle.readline(65536).decode("utf-8-sig", errors="replace")
    except (OSError, ValueError):
        return set()
    return {name.strip().strip('"') for name in next(csv.reader([header]), [])}


def _validate_single(args: argparse.Namespace) -> int:
    """One table, through a mapping if given (or guessed, for a table in another format): the guesses and
    every problem on stderr, the verdict on stdout, and with ``--out`` the valid rows written in our format."""
    from .dataset.columns import MappingError, parse_mapping_spec, read_mapping_file
    from .dataset.ingest import ingest_path
    from .files import unwritable

    if args.out is not None and (reason := unwritable(args.out.parent)) is not None:
        print(f"error: cannot write in {args.out.parent}: {reason}", file=sys.stderr)
        return EXIT_UNUSABLE
    try:
        mapping = parse_mapping_spec(args.map) if args.map is not None else \
            read_mapping_file(args.mapping) if args.mapping is not None else None
        result = ingest_path(args.path, seeds=args.seeds or SEEDS_DIR, mapping=mapping, guess=True)
    except MappingError as exc:  # one line for each thing to fix
        for message in exc.messages:
            print(f"error: {message}", file=sys.stderr)
        return EXIT_UNUSABLE
    if result.mapping is not None:
        how = "guessed from their names" if mapping is None else f"from {mapping.origin}, the rest guessed"
        print(f"{args.path}: columns {how}: {result.mapping.describe()} (change them with --map FIELD=COLUMN,... "
              "or FIELD= for none)", file=sys.stderr)
    if args.out is not None and not _write_dataset(result.events, args.out, result.rows):
        return EXIT_UNUSABLE
    if result.problems:
        raise DatasetError(result.problems)
    print(f"valid: {len(result.events)} events at {result.events['place'].nunique()} places ({args.path})")
    return EXIT_OK


def _write_dataset(events, out: Path, rows: int) -> bool:
    """Write the valid rows in the dataset's own CSV format, whole or not at all; False (said) if it failed."""
    from .dataset.export import to_csv
    from .files import atomic_write_text

    try:
        atomic_write_text(out, to_csv(events).decode("utf-8"))
    except OSError as exc:  # checked before the run, but a disk can fill up meanwhile
        print(f"error: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return False
    left = f"; the {rows - len(events)} with problems are left out" if len(events) < rows else ""
    print(f"wrote {len(events)} of {rows} rows to {out}{left}", file=sys.stderr)
    return True


def _geocode(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from .dataset.loading import read_table
    from .dataset.validation import validate_places
    from .files import atomic_write_text, unwritable
    from .geography.gazetteer import OfflineGazetteer
    from .geography.geocode import GeocodeCache, GeocoderChain, geocode_places, make_nominatim

    places = read_table(args.places)
    if missing := [p for p in validate_places(places, file=str(args.places)) if p.row is None]:
        raise DatasetError(missing)  # no column to fill: say so now, not after the run
    online = make_nominatim(args.user_agent) if args.online else None
    # Everything that can stop the write is checked before the run: a run of thousands of places that ends in
    # "read-only" has wasted its time. Offline runs never write the cache.
    for folder in [args.places.parent, *([args.cache.parent] if online else [])]:
        if (reason := unwritable(folder)) is not None:
            print(f"error: cannot write in {folder}: {reason}", file=sys.stderr)
            return EXIT_UNUSABLE
    cache = GeocodeCache(args.cache)
    cache.load()
    for warning in cache.warnings:  # before the run, not lost in its output
        print(f"warning: {warning}", file=sys.stderr)
    shown = len(cache.warnings)
    chain = GeocoderChain(OfflineGazetteer(), cache=cache, online=online)
    table, unresolved = geocode_places(
        places, chain, refresh=args.refresh,
        progress=lambda rows: tqdm(rows, desc="geocoding", unit="place", file=sys.stderr))
    for warning in cache.warnings[shown:]:  # e.g. the cache could not be saved during the run
        print(f"warning: {warning}", file=sys.stderr)
    # What resolved is written even if other rows have problems: those were in the file already (the rows this run
    # filled passed the validator, or were put back and are listed as unresolved).
    try:
        atomic_write_text(args.places, table.to_csv(index=False, lineterminator="\n"))
    except OSError as exc:  # checked before the run, but a disk can fill up or a mount turn read-only meanwhile
        print(f"error: cannot write {args.places}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    problems = [p for p in validate_places(table, file=str(args.places)) if not _is_unresolved(p, unresolved)]
    for problem in problems:
        print(problem, file=sys.stderr)
    for item in unresolved:
        print(f"{args.places}, row {item.row}: could not resolve {item.place!r}: {item.reason}", file=sys.stderr)
    left = f"; {len(problems)} problem(s) left in the file" if problems else ""
    print(f"geocoded {args.places}: {len(table) - len(unresolved)} of {len(table)} places have coordinates{left}")
    return EXIT_INVALID if unresolved or problems else EXIT_OK


def _assets(args: argparse.Namespace) -> int:
    from .maps.assets import prepare_static
    from .paths import STATIC_DIR

    print(f"map assets ready in {prepare_static(STATIC_DIR)}")
    return EXIT_OK


def _is_unresolved(problem, unresolved) -> bool:
    """Unresolved places lack required values by nature; they are reported once, as unresolved."""
    return any(problem.row == item.row for item in unresolved) and "required" in problem.message


def _extract(args: argparse.Namespace) -> int:
    from .extraction.extract import ExtractionError, extract_draft, write_draft

    try:
        text = args.article.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ExtractionError(f"cannot read {args.article}: {getattr(exc, 'strerror', None) or exc}") from None
    draft = extract_draft(text, seed=args.article.name, year=args.year, date=args.date)
    out = args.out or Path(f"draft-{args.article.stem}")
    events, places = write_draft(draft, out)
    print(f"drafted {len(draft.events)} events at {len(draft.places)} places ({events}, {places}); "
          f"check with: python -m dashboard validate {out} --seeds {args.article.parent}")
    return EXIT_OK


def _iso_date(value: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def _evaluate_events(args: argparse.Namespace) -> int:
    from .extraction.event_evaluation import format_scores, score_events

    scores = score_events(args.gold, args.articles, date=args.date)
    print(f"{args.gold} against {len(args.articles)} article(s){f', dated {args.date}' if args.date else ''}")
    print(format_scores(scores))
    return EXIT_OK


def _evaluate_places(args: argparse.Namespace) -> int:
    from .extraction.evaluation import default_gold_path, evaluate, format_scores, read_geovirus
    from .extraction.extract import place_mentions
    from .extraction.toponyms import ToponymIndex

    gold = args.gold or default_gold_path()
    articles = read_geovirus(gold)
    index = ToponymIndex()
    scores = evaluate(articles, lambda text: place_mentions(text, index))
    print(f"{gold}: {len(articles)} articles")
    print(format_scores(scores))
    for kind, mention, detail in scores.errors[:args.errors]:
        print(f"{kind}: {mention!r}: {detail}")
    return EXIT_OK


def _bench(args: argparse.Namespace) -> int:
    from .bench import DEFAULT_SIZES, format_table, machine, run_bench

    print(f"machine: {machine()}", flush=True)
    if args.engine:
        from .bench import ENGINE_SIZES, format_engine_table, run_engine_bench

        rows = run_engine_bench(args.sizes or ENGINE_SIZES, folder=args.folder, seed=args.seed,
                                memory_max=args.memory_max,
                                progress=lambda row: print(f"  {row.events:,} events done", file=sys.stderr,
                                                           flush=True))
        print(format_engine_table(rows))
        return EXIT_OK
    rows = run_bench(args.sizes or DEFAULT_SIZES, seed=args.seed,
                     progress=lambda row: print(f"  {row.events:,} events done", file=sys.stderr, flush=True))
    print(format_table(rows))
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    """Import published datasets: a progress bar and every problem on stderr, the summary on stdout; exit 1 when
    rows were left out."""
    from tqdm import tqdm

    from .dataset.importing import import_files
    from .files import unwritable

    if (reason := unwritable(args.out.parent)) is not None:
        print(f"error: cannot write in {args.out.parent}: {reason}", file=sys.stderr)
        return EXIT_UNUSABLE

    def progress(chunks, name):
        bar = tqdm(desc=Path(name).name, unit=" rows", unit_scale=True, file=sys.stderr)
        for chunk in chunks:
            yield chunk
            bar.update(len(chunk))
        bar.close()

    if args.engine_layout or args.out.is_dir():
        from .dataset.importing import import_engine_dataset

        result = import_engine_dataset(args.files, args.out, layout=args.format, progress=progress)
    else:
        result = import_files(args.files, args.out, layout=args.format, progress=progress)
    for problem in result.problems:
        print(problem, file=sys.stderr)
    layouts = ", ".join(f"{Path(file).name}: {name}" for file, name in result.layouts.items())
    left = f"; {result.rows - result.written:,} with problems left out" if result.written < result.rows else ""
    into = f"{result.events_path} and {result.places_path}" if result.places_path else \
        f"{result.events_path} (the engine's layout: DASHBOARD_EVENTS={result.events_path} queries it)"
    print(f"imported {result.written:,} of {result.rows:,} rows ({layouts}) into {into} in {result.seconds:.1f} s"
          f"{left}")
    return EXIT_INVALID if result.problems else EXIT_OK
