"""Copies of the ledger, taken with SQLite's backup API before a command writes to it.

``take(directory, keep)`` copies ``ledger.sqlite`` to ``<campaign>/backup/ledger-YYYYmmdd-HHMMSS[-n].sqlite``
(a consistent copy even while another process reads the ledger; written beside, then renamed) and keeps
the newest ``keep`` copies (0: no copies). A new, empty ledger is not copied, nor one that has not changed
since the newest copy. Each copy is a plain SQLite file (no -wal beside it) that opens on its own.
"""
from __future__ import annotations

import os
import sqlite3
import tempfile
from datetime import datetime
from pathlib import Path

from sheets_tools.store.guard import BACKUP_DIR, LEDGER_FILE, backups

DEFAULT_KEEP = 10
KEEP_SETTING = "backup_keep"


def keep_of(settings: dict[str, str]) -> int:
    """How many copies to keep: the campaign's ``backup_keep`` setting (default 10; 0: none)."""
    try:
        return max(int(float(settings.get(KEEP_SETTING) or DEFAULT_KEEP)), 0)
    except ValueError:
        return DEFAULT_KEEP


def take(directory: Path, keep: int = DEFAULT_KEEP) -> Path | None:
    """Copy the campaign's ledger into ``backup/`` and drop the copies beyond the newest ``keep``.

    Returns the new copy, or None when none was made (``keep`` 0, no ledger or an empty one, or nothing
    changed since the newest copy). Call it after ``guard.check``: the ledger is read as it is."""
    directory = Path(directory)
    source = directory / LEDGER_FILE
    if keep <= 0 or not source.is_file() or source.stat().st_size == 0 or not has_data(source):
        return None
    folder = directory / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".tmp-", suffix=".sqlite", dir=folder)
    os.close(fd)
    tmp = Path(name)
    try:
        if not copy(source, tmp):
            return None
        newest = backups(directory)[-1:] or [None]
        if newest[0] is not None and _same(tmp, newest[0]):
            return None
        target = _free_name(folder)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    prune(directory, keep)
    return target


def copy(source: Path, target: Path) -> bool:
    """Copy the ledger at ``source`` into the (new or empty) file ``target`` with the backup API.

    Returns False, leaving ``target`` as it was, when the ledger holds no data at all."""
    src = _read_only(source)
    try:
        if not _has_data(src):
            return False
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # a copy stands alone: no -wal beside it
        finally:
            dst.close()
    finally:
        src.close()
    return True


def prune(directory: Path, keep: int) -> list[Path]:
    """Remove the copies beyond the newest ``keep``; returns those removed."""
    old = backups(directory)[:-keep] if keep > 0 else []
    for path in old:
        path.unlink(missing_ok=True)
    return old


def has_data(path: Path) -> bool:
    """Whether the ledger at ``path`` holds any row at all (a new, empty one is not worth a copy)."""
    db = _read_only(path)
    try:
        return _has_data(db)
    finally:
        db.close()


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)


def _has_data(db: sqlite3.Connection) -> bool:
    tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return any(db.execute(f'SELECT 1 FROM "{name}" LIMIT 1').fetchone() for name in tables)


def _same(a: Path, b: Path) -> bool:
    """Two copies with the same bytes (a copy of an unchanged ledger is byte for byte the same)."""
    if a.stat().st_size != b.stat().st_size:
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            chunk = fa.read(1 << 20)
            if chunk != fb.read(1 << 20):
                return False
            if not chunk:
                return True


def _free_name(folder: Path) -> Path:
    """A name after every copy of the same second (a pruned ``-1`` must not be reused: it sorts first)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    taken = [n for path in backups(folder.parent) if (n := _number_in(path.name, stamp))]
    if not taken:
        return folder / f"ledger-{stamp}.sqlite"
    return folder / f"ledger-{stamp}-{max(taken) + 1}.sqlite"


def _number_in(name: str, stamp: str) -> int:
    if name == f"ledger-{stamp}.sqlite":
        return 1
    prefix = f"ledger-{stamp}-"
    if name.startswith(prefix) and name.endswith(".sqlite") and name[len(prefix):-7].isdigit():
        return int(name[len(prefix):-7])
    return 0
