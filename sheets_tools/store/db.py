"""The one way the store writes: a transaction that commits whole or not at all."""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Cursor]:
    """``with transaction(db) as cur:`` takes the write lock at once (``BEGIN IMMEDIATE``, so two
    writers never interleave), commits when the block ends and rolls back on any exception,
    KeyboardInterrupt included. ``db`` is opened with ``isolation_level=None``."""
    cur = db.cursor()
    cur.execute("BEGIN IMMEDIATE")
    try:
        yield cur
        cur.execute("COMMIT")
    except BaseException:
        cur.execute("ROLLBACK")
        raise
    finally:
        cur.close()
