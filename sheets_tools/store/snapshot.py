"""A ledger file opened read-only: the campaign's ledger for ``ledger check``, or a copy in ``backup/``
that a rebuild takes the award history, the office's entries and the council's votes from.

Opening never creates nor changes the file (SQLite's read-only URI mode); a table the file does not
have reads as empty.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any


class Snapshot:
    """Read-only access to one ledger file. Use as a context manager."""

    def __init__(self, path: Path, timeout: float = 5.0):
        self.path = Path(path)
        self.db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)

    def __enter__(self) -> "Snapshot":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    def tables(self) -> set[str]:
        return {name for (name,) in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def integrity(self) -> list[str]:
        """SQLite's ``PRAGMA integrity_check``: ["ok"] when whole, else its problems (at most 20)."""
        return [row[0] for row in self.db.execute("PRAGMA integrity_check(20)")]

    def count(self, table: str) -> int:
        if table not in self.tables():
            return 0
        return self.db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]

    def submissions(self) -> list[dict[str, Any]]:
        """Every submission: id, sha256, name, archive (relative path), form, unit, received_at, collected_at."""
        if "submissions" not in self.tables():
            return []
        cols = ("id", "sha256", "name", "archive", "form", "unit", "received_at", "collected_at")
        return [dict(zip(cols, row)) for row in self.db.execute(
            f"SELECT {', '.join(cols)} FROM submissions ORDER BY id")]

    def documents(self) -> list[dict[str, Any]]:
        """Every kept document: submission (its name), name, archive (relative path), size."""
        if "documents" not in self.tables():
            return []
        cols = ("submission", "name", "archive", "size")
        return [dict(zip(cols, row)) for row in self.db.execute(
            "SELECT s.name, d.name, d.archive, d.size FROM documents d JOIN submissions s ON s.id = d.submission_id"
            " ORDER BY d.rowid")]

    def rows(self, table: str) -> list[dict[str, Any]]:
        """Every row of ``table`` (column -> value) in the order written; [] when the file has no such table."""
        if table not in self.tables():
            return []
        try:
            cursor = self.db.execute(f'SELECT * FROM "{table}" ORDER BY rowid')
        except sqlite3.OperationalError:  # a table without row ids
            cursor = self.db.execute(f'SELECT * FROM "{table}"')
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor]

    def definitions(self) -> dict[str, str]:
        """Table name -> its CREATE TABLE statement."""
        return {name: sql for name, sql in self.db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}

