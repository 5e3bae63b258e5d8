"""What collect saw last time, so that a collect of an unchanged inbox answers from the ledger alone.

Per path collect read (its resolved path): the file's size, modification and change times and file id, and
the items it gave (a workbook: itself; a mail: each attachment), each with the sha256 of its content. Beside
them (``seen_state``): the content (size, sha256) of campaign.xlsx read by the last full collect, which
checked it, and the feedback workbooks the ledger says exist (the submissions answered; relative to the
campaign folder), with the submissions they were worked out from. Only this module writes these tables;
``Ledger`` creates them.

Reading needs nothing but sqlite3 (no form declaration, no workbook library): the quick path imports it.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from sheets_tools.core.findings import Finding
from sheets_tools.store.db import transaction

SCHEMA = """
CREATE TABLE IF NOT EXISTS seen_paths (
    path TEXT PRIMARY KEY,
    stat TEXT NOT NULL,
    items TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS seen_state (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Item:
    """One item a path gave: its source is the path's own text followed by ``suffix`` (" » x.xlsx" for a
    mail's attachment, "" for the file itself)."""

    suffix: str
    name: str
    sha256: str


@dataclass(frozen=True)
class Known:
    """What the ledger holds of a content taken before: the answer a duplicate gets."""

    id: int
    form: str | None
    unit: str | None
    identified_by: str | None
    late: bool


def stat_text(info: os.stat_result) -> str:
    """The facts that tell a file unchanged: size, modification and change (Windows: creation) times in
    nanoseconds, file id."""
    return f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}"


def stat_of(path: Path) -> str | None:
    """``stat_text`` of a regular file (links followed), None for anything else or an error."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return stat_text(info) if stat.S_ISREG(info.st_mode) else None


def content_of(path: Path) -> str | None:
    """The size and sha256 of a small file's bytes (campaign.xlsx: a copy of the campaign folder keeps it
    though its stat changes), None when it cannot be read."""
    try:
        data = Path(path).read_bytes()
    except (OSError, ValueError):
        return None
    return f"{len(data)}:{hashlib.sha256(data).hexdigest()}"


def reader(path: Path) -> sqlite3.Connection:
    """The ledger at ``path`` opened to read only (``query_only``). Opened read-write, never created: a
    read-only connection to a ledger in WAL mode would leave its -wal and -shm files behind; this one, the
    last to close, removes them, and the ledger file itself is not touched."""
    db = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=rw", uri=True, isolation_level=None, timeout=5.0)
    db.execute("PRAGMA query_only = ON")
    return db


# --- reading ---------------------------------------------------------------------------------------------
def tables_present(db: sqlite3.Connection) -> bool:
    names = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {"seen_paths", "seen_state", "submissions", "findings"} <= names


def paths_seen(db: sqlite3.Connection, paths: Iterable[str] | None = None) -> dict[str, tuple[str, list[Item]]]:
    """Resolved path -> (stat, items) as recorded; ``paths`` None: every path."""
    if paths is None:
        records = db.execute("SELECT path, stat, items FROM seen_paths")
    else:
        records = db.execute("SELECT path, stat, items FROM seen_paths WHERE path IN (SELECT value FROM json_each(?))",
                             (json.dumps(list(paths)),))
    return {path: (facts, [Item(*i) for i in json.loads(items)]) for path, facts, items in records}


def known(db: sqlite3.Connection, sha256s: Iterable[str]) -> dict[str, Known]:
    """sha256 -> the submission recorded for that content, for those the ledger holds."""
    records = db.execute("SELECT sha256, id, form, unit, identified_by, late FROM submissions"
                         " WHERE sha256 IN (SELECT value FROM json_each(?))", (json.dumps(sorted(set(sha256s))),))
    return {sha: Known(sid, form, unit, ident, bool(late)) for sha, sid, form, unit, ident, late in records}


def findings_of(db: sqlite3.Connection, submission_id: int) -> list[Finding]:
    """The findings recorded with a submission, in their order."""
    return findings_by(db, [submission_id]).get(submission_id, [])


def findings_by(db: sqlite3.Connection, submission_ids: Iterable[int]) -> dict[int, list[Finding]]:
    """Submission id -> the findings recorded with it, in their order (one query for them all)."""
    out: dict[int, list[Finding]] = {}
    for sid, code, sev, sheet, cell, field, value, msg in db.execute(
            "SELECT submission_id, code, severity, sheet, cell, field, value, message FROM findings"
            " WHERE submission_id IN (SELECT value FROM json_each(?)) ORDER BY rowid",
            (json.dumps(sorted(set(submission_ids))),)):
        out.setdefault(sid, []).append(Finding(code=code, severity=sev, message=msg, sheet=sheet, cell=cell,
                                               field=field, value=json.loads(value) if value is not None else None))
    return out


def state(db: sqlite3.Connection, name: str) -> str | None:
    row = db.execute("SELECT value FROM seen_state WHERE name = ?", (name,)).fetchone()
    return row[0] if row else None


def submissions_mark(db: sqlite3.Connection) -> str:
    """What tells whether submissions were added since: their number and the highest id."""
    count, top = db.execute("SELECT COUNT(*), MAX(id) FROM submissions").fetchone()
    return f"{count}:{top}"


def feedback_expected(db: sqlite3.Connection) -> list[str] | None:
    """The feedback workbooks that exist after the last full collect with feedback, when no submission was
    added since; None when unknown (then the full path looks for missing ones)."""
    recorded = state(db, "feedback")
    if recorded is None:
        return None
    value = json.loads(recorded)
    return value["paths"] if value.get("submissions") == submissions_mark(db) else None


# --- writing (one transaction, at the end of a full collect) ---------------------------------------------
def note(db: sqlite3.Connection, paths: dict[str, tuple[str, list[Item]]], campaign_content: str | None,
         feedback: list[str] | None, feedback_known: bool) -> None:
    """Record the paths a full collect read and what each gave, the content of the campaign.xlsx it read
    (None: unknown), and (when it looked for missing feedback: ``feedback_known``) the feedback workbooks that
    now exist (paths relative to the campaign folder, "/" between names)."""
    with transaction(db) as cur:
        cur.executemany("INSERT OR REPLACE INTO seen_paths (path, stat, items) VALUES (?,?,?)",
                        [(path, facts, json.dumps([[i.suffix, i.name, i.sha256] for i in items], ensure_ascii=False))
                         for path, (facts, items) in paths.items()])
        if campaign_content is None:
            cur.execute("DELETE FROM seen_state WHERE name = 'campaign'")
        else:
            cur.execute("INSERT OR REPLACE INTO seen_state (name, value) VALUES ('campaign', ?)", (campaign_content,))
        if feedback_known:
            value = json.dumps({"submissions": submissions_mark(db), "paths": sorted(feedback or [])},
                               ensure_ascii=False)
            cur.execute("INSERT OR REPLACE INTO seen_state (name, value) VALUES ('feedback', ?)", (value,))
        else:
            cur.execute("DELETE FROM seen_state WHERE name = 'feedback'")
