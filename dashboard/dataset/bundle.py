"""A dataset with its articles in one ``.zip``: the events table (the CSV download's format) and the seed articles
its quotes cite that are not bundled with the app, so that a download uploads back valid, nothing lost.

Layout: ``events.csv`` and ``seeds/<name>.txt``. Reading takes one table (CSV, GeoJSON or Parquet) and any
``.txt`` files anywhere in the archive (by their base name); guarded against archive bombs and odd members.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import pandas as pd

from ..errors import Problem, UnreadableFileError
from .export import to_csv
from .ingest import MAX_BYTES
from .validation import MAX_SEED_CHARS

__all__ = ["TABLE_SUFFIXES", "Bundle", "bundle_zip", "read_zip"]

TABLE_SUFFIXES = (".csv", ".geojson", ".json", ".parquet")
EVENTS_NAME = "events.csv"
SEEDS_FOLDER = "seeds"
MAX_MEMBERS = 1_000  # a table and its articles; more is no dataset of ours
MAX_SEED_BYTES = 4 * MAX_SEED_CHARS  # UTF-8 takes at most four bytes a character


@dataclass(frozen=True)
class Bundle:
    """What an archive holds: its table (name, bytes) and its articles' texts by file name."""

    table_name: str
    table: bytes
    seeds: dict[str, str] = field(default_factory=dict)


def bundle_zip(events: pd.DataFrame, seeds: Mapping[str, str]) -> bytes:
    """The events as ``events.csv`` and, under ``seeds/``, the texts in ``seeds`` that the events cite."""
    cited = set(events["seed"]) if "seed" in events.columns else set()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(EVENTS_NAME, to_csv(events))
        for name in sorted(cited & set(seeds)):
            archive.writestr(f"{SEEDS_FOLDER}/{name}", seeds[name].encode("utf-8"))
    return out.getvalue()


def read_zip(data: bytes, name: str) -> Bundle:
    """The table and articles of the archive ``data`` (named ``name`` in messages).

    Raises :class:`UnreadableFileError` for a damaged or encrypted archive, one holding no table or several,
    more than :data:`MAX_MEMBERS` files, or more than ``MAX_BYTES`` once uncompressed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if _wanted(m)]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _unreadable(name, f"not a readable ZIP archive ({exc})") from None
    if len(members) > MAX_MEMBERS:
        raise _unreadable(name, f"the archive holds {len(members):,} files; the limit is {MAX_MEMBERS:,}")
    if sum(m.file_size for m in members) > MAX_BYTES:
        raise _unreadable(name, f"the archive holds more than {MAX_BYTES / 2**20:.0f} MiB once uncompressed")
    tables = [m for m in members if m.filename.lower().endswith(TABLE_SUFFIXES)]
    if len(tables) != 1:
        found = ", ".join(repr(m.filename) for m in tables) or "none"
        raise _unreadable(name, f"the archive must hold one table (.csv, .geojson or .parquet); found {found}")
    seeds = {}
    for member in members:
        if member.filename.lower().endswith(".txt"):
            if member.file_size > MAX_SEED_BYTES:
                raise _unreadable(name, f"{member.filename!r} is larger than an article may be")
            seeds[PurePosixPath(member.filename).name] = _read(archive, member, name).decode("utf-8", "replace")
    table = tables[0]
    return Bundle(f"{name}/{PurePosixPath(table.filename).name}", _read(archive, table, name), seeds)


def _wanted(member: zipfile.ZipInfo) -> bool:
    """Files only, and not the metadata some archivers add (``__MACOSX/``, ``.DS_Store``)."""
    path = PurePosixPath(member.filename)
    return not member.is_dir() and not any(part.startswith((".", "__MACOSX")) for part in path.parts)


def _read(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str) -> bytes:
    """A member's bytes, never more than it declares (a lying header cannot inflate past the checked sizes)."""
    if member.flag_bits & 0x1:
        raise _unreadable(name, f"{member.filename!r} is encrypted")
    try:
        with archive.open(member) as handle:
            data = handle.read(member.file_size + 1)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
        raise _unreadable(name, f"{member.filename!r} cannot be read ({exc})") from None
    if len(data) > member.file_size:
        raise _unreadable(name, f"{member.filename!r} is larger than its archive entry says")
    return data


def _unreadable(name: str, message: str) -> UnreadableFileError:
    return UnreadableFileError([Problem(name, None, None, message)])
