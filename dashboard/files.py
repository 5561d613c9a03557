"""Writing files so that readers see the old content or the new, never half of it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_write_text", "replacing", "unwritable"]


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, flush it to disk, then rename it over ``path``.

    If anything fails (or the process is interrupted) before the rename, ``path`` is untouched and the
    temporary file is removed.
    """
    with replacing(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` for the block to write; when the block ends without error, it is renamed
    over ``path`` with the mode a plain ``open(path, "w")`` gives (``mkstemp`` makes files private, data files are
    for everyone to read); otherwise it is removed and ``path`` is untouched."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, _default_mode())
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _default_mode() -> int:
    """The mode a plain ``open(path, "w")`` would give: 0o666 less the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def unwritable(folder: Path) -> str | None:
    """Why a file cannot be written in ``folder`` (or in the nearest existing folder above it, where
    ``atomic_write_text`` would create it), or None if it can. ``os.access`` answers for permissions; creating and
    removing a file, as the write will, answers for what it misses (a read-only mount, ACLs). Root may write in a
    folder of mode 0o555, and both rightly say so."""
    existing = folder.resolve()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not os.access(existing, os.W_OK | os.X_OK):
        return "permission denied"
    try:
        with tempfile.NamedTemporaryFile(dir=existing, prefix=".write-check-"):
            pass
    except OSError as exc:
        return exc.strerror or str(exc)
    return None
