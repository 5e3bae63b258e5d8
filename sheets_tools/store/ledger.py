"""The ledger: an SQLite database in the campaign folder, with a copy of every received file.

Each received file is archived under ``archive/`` by content hash and recorded once (taking
the same file again changes nothing). A submission is one received file with what was
read from it: its unit, form, status, rows and findings. A later submission from the same
unit for the same form supersedes the earlier one, which stays in the ledger and the archive.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

from sheets_tools.core.findings import Finding
from sheets_tools.formkit.declaration import Form
from sheets_tools.core.records import FileResult, Row
from sheets_tools.core.text import same_tones
from sheets_tools.store.rowdata import dumps, rows_to_store, typed_values
from sheets_tools.store import guard, seen, sidecar
from sheets_tools.store.db import transaction
from sheets_tools.store.guard import ARCHIVE_DIR, LEDGER_FILE, LedgerLost

__all__ = ["ARCHIVE_DIR", "LEDGER_FILE", "Ledger", "LedgerLost", "Submission", "rows_by_submission", "rows_to_store",
           "typed_values"]

BUSY_TIMEOUT_S = 5.0  # how long a command waits for another one holding the ledger before it gives up
# SQLite's page cache of a ledger opened to record many files (``Ledger(cache_kib=...)``, collect): with the
# default 2 MiB, a collect of a thousand files read pages back for each one. Other commands keep the default
# (consolidate's worker processes, forked from it, would each count the cache it had filled)
CACHE_KIB = 16384
ROW_KEYS_VERSION = 1  # PRAGMA user_version: row keys made with the one tone placement of core.text.same_tones

_SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    source TEXT NOT NULL,
    archive TEXT NOT NULL,
    size INTEGER NOT NULL,
    form TEXT,
    form_version INTEGER,
    unit TEXT,
    identified_by TEXT,
    received_at TEXT NOT NULL,
    collected_at TEXT NOT NULL,
    status TEXT NOT NULL,
    late INTEGER NOT NULL DEFAULT 0,
    superseded_by INTEGER REFERENCES submissions(id)
);
CREATE INDEX IF NOT EXISTS submissions_unit_form ON submissions(unit, form);
CREATE TABLE IF NOT EXISTS rows (
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    sheet TEXT NOT NULL,
    row INTEGER NOT NULL,
    data TEXT NOT NULL,
    key TEXT
);
CREATE INDEX IF NOT EXISTS rows_submission ON rows(submission_id);
DROP INDEX IF EXISTS rows_key;  -- kept by earlier versions: each file's keys touched as many of its pages, and the
-- grouping by key (shared_rows) is as fast without it
CREATE TABLE IF NOT EXISTS findings (
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    code TEXT NOT NULL,
    severity TEXT NOT NULL,
    sheet TEXT,
    cell TEXT,
    field TEXT,
    value TEXT,
    message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS findings_submission ON findings(submission_id);
CREATE TABLE IF NOT EXISTS documents (
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    name TEXT NOT NULL,
    archive TEXT NOT NULL,
    size INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_submission ON documents(submission_id);
"""


@dataclass
class Submission:
    id: int
    sha256: str
    name: str
    source: str
    archive: str
    form: str | None
    unit: str | None
    identified_by: str | None
    received_at: datetime
    collected_at: datetime
    status: str
    late: bool
    superseded_by: int | None


class Ledger:
    """Open (and create) the ledger of a campaign folder. Use as a context manager.

    The ledger is created only for a brand-new campaign: a missing, empty or damaged ``ledger.sqlite`` in a
    campaign that has been used raises ``LedgerLost`` before anything is written (``store.guard``).
    ``path`` opens another ledger file for the campaign (a rebuild writes a new one beside), unguarded.
    """

    def __init__(self, directory: Path, *, path: Path | None = None, cache_kib: int | None = None):
        self.dir = Path(directory)
        self.archive_dir = self.dir / ARCHIVE_DIR
        self.path = Path(path) if path is not None else self.dir / LEDGER_FILE
        if path is None:
            guard.check(self.dir)
        self.run = f"{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}-{id(self):x}"  # one collect run
        self._folders: set[Path] = set()  # archive folders known to exist
        # form id -> (``_stamp()`` when read, shared_rows): a collect asks twice (its own files' cross-unit
        # findings, then the feedback it must restore); a write since, by any connection, reads them again
        self._shared: dict[str, tuple[tuple[int, int], Form, dict[str, list[Row]]]] = {}
        self._journal = sidecar.Journal(self.dir)  # what a rebuild needs of each file recorded (``store.sidecar``)
        fresh = not self.path.exists() or self.path.stat().st_size == 0
        self.db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode={'rwc' if fresh else 'rw'}", uri=True,
                                  isolation_level=None, timeout=BUSY_TIMEOUT_S)
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            if cache_kib:
                self.db.execute(f"PRAGMA cache_size=-{int(cache_kib)}")
            self.db.execute("PRAGMA foreign_keys=ON")
            # in one transaction: a run killed while making a new ledger leaves all of its tables or none
            # (``store.guard`` refuses a ledger with some of them: a part of the ledger lost)
            self.db.executescript(f"BEGIN;\n{_SCHEMA}\n{seen.SCHEMA}\nCOMMIT;")  # seen: added later, made if lacking
            self._rekey_rows()
        except sqlite3.DatabaseError as exc:
            self.db.close()
            if guard.is_damage(exc):
                raise LedgerLost(self.dir, "damaged", detail=str(exc)) from exc
            raise

    def _rekey_rows(self) -> None:
        """Row keys stored before "thủy" and "thuỷ" gave one key become today's keys (once per ledger)."""
        if self.db.execute("PRAGMA user_version").fetchone()[0] >= ROW_KEYS_VERSION:
            return
        stale = [(same_tones(key), rowid) for rowid, key in
                 self.db.execute("SELECT rowid, key FROM rows WHERE key IS NOT NULL") if same_tones(key) != key]
        with transaction(self.db) as cur:
            cur.executemany("UPDATE rows SET key = ? WHERE rowid = ?", stale)
            cur.execute(f"PRAGMA user_version = {ROW_KEYS_VERSION}")

    def __enter__(self) -> "Ledger":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        self._journal.close()
        self.db.close()

    def sweep(self) -> int:
        """Remove temporary files a killed run left in the archive (call under the campaign lock)."""
        removed = 0
        if self.archive_dir.is_dir():
            for tmp in self.archive_dir.rglob(".tmp-*"):
                tmp.unlink(missing_ok=True)
                removed += 1
        return removed

    # --- taking files in -----------------------------------------------------------------
    def known(self, sha256: str) -> Submission | None:
        """The submission recorded for this exact content, if it was taken before."""
        row = self.db.execute("SELECT * FROM submissions WHERE sha256 = ?", (sha256,)).fetchone()
        return _submission(row, self.db) if row else None

    def archive(self, result: FileResult) -> Path:
        """Copy the received bytes to ``archive/<sha256[:2]>/<sha256>-<name>`` (once)."""
        inc = result.incoming
        return self._keep(inc.data, inc.sha256, inc.name)

    def _keep(self, data: bytes, sha256: str, name: str) -> Path:
        safe = "".join(ch if ch not in '<>:"/\\|?*' and ord(ch) >= 32 else "_" for ch in name)[-80:]
        path = self.archive_dir / sha256[:2] / f"{sha256[:16]}-{safe}"
        if not path.exists():  # written beside, then renamed: a copy is never half written
            if path.parent not in self._folders:  # each folder made once per run
                path.parent.mkdir(parents=True, exist_ok=True)
                self._folders.add(path.parent)
            tmp = path.with_name(".tmp-" + path.name)  # one collect at a time (campaign lock)
            tmp.write_bytes(data)
            os.replace(tmp, path)
        return path

    def documents(self, submission_id: int) -> list[tuple[str, Path]]:
        """The documents kept with a submission: (name as sent, archived copy)."""
        return [(name, self.dir / archive) for name, archive in self.db.execute(
            "SELECT name, archive FROM documents WHERE submission_id = ? ORDER BY rowid", (submission_id,))]

    def record(self, result: FileResult, collected_at: datetime | None = None, *, run: str | None = None,
               guessed: bool = False) -> int:
        """Archive and record one file's result in one transaction; returns the submission id.

        Supersede rule: per (unit, form), the submission received last is current; the
        others point at it through ``superseded_by``. The run's journal in the archive keeps what a rebuild
        needs of it (``store.sidecar``); ``run`` and ``guessed`` are a rebuild's, to keep them.
        """
        archive = self.archive(result)
        kept = []
        for doc in result.documents:
            data = doc.read()
            sha = hashlib.sha256(data).hexdigest()
            kept.append((doc.name, self._keep(data, sha, doc.name), len(data), sha))
        inc = result.incoming
        collected_at = collected_at or datetime.now()
        docs = [{"name": name, "archive": path.relative_to(self.dir).as_posix(), "size": size, "sha256": sha}
                for name, path, size, sha in kept]
        self._journal.append(archive, sidecar.of_result(result, collected_at, docs, run or self.run, guessed))
        # the values are turned into text before the write lock is taken: the transaction holds it briefly
        rows = result.stored if result.stored is not None else rows_to_store(result)
        found = [(f.code, f.severity, f.sheet, f.cell, f.field, dumps(f.value), f.message) for f in result.findings]
        with transaction(self.db) as cur:
            cur.execute(
                "INSERT INTO submissions (sha256, name, source, archive, size, form, form_version, unit,"
                " identified_by, received_at, collected_at, status, late) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (inc.sha256, inc.name, inc.source, str(archive.relative_to(self.dir)), len(inc.data),
                 result.form_id, result.form_version, result.unit_code, result.identified_by,
                 inc.received_at.isoformat(), collected_at.isoformat(), result.status, int(result.late)))
            sid = cur.lastrowid
            cur.executemany("INSERT INTO rows (submission_id, sheet, row, data, key) VALUES (?,?,?,?,?)",
                            [(sid, *row) for row in rows])
            cur.executemany(
                "INSERT INTO findings (submission_id, code, severity, sheet, cell, field, value, message)"
                " VALUES (?,?,?,?,?,?,?,?)", [(sid, *f) for f in found])
            cur.executemany("INSERT INTO documents (submission_id, name, archive, size) VALUES (?,?,?,?)",
                            [(sid, name, str(path.relative_to(self.dir)), size) for name, path, size, _ in kept])
            if result.unit_code and result.form_id:
                self._resupersede(cur, result.unit_code, result.form_id)
        return sid

    def _resupersede(self, cur: sqlite3.Cursor, unit: str, form: str) -> None:
        ids = [r[0] for r in cur.execute(
            "SELECT id FROM submissions WHERE unit = ? AND form = ? ORDER BY received_at, id", (unit, form))]
        if len(ids) < 2:  # the unit's first file of this form: nothing superseded (a new row's is NULL)
            return
        latest = ids[-1]
        cur.execute("UPDATE submissions SET superseded_by = NULL WHERE id = ?", (latest,))
        cur.executemany("UPDATE submissions SET superseded_by = ? WHERE id = ?", [(latest, i) for i in ids[:-1]])

    # --- reading back --------------------------------------------------------------------
    def submissions(self, *, form: str | None = None, unit: str | None = None,
                    current_only: bool = False) -> list[Submission]:
        sql, args = "SELECT * FROM submissions WHERE 1=1", []
        if form is not None:
            sql += " AND form = ?"
            args.append(form)
        if unit is not None:
            sql += " AND unit = ?"
            args.append(unit)
        if current_only:
            sql += " AND superseded_by IS NULL"
        sql += " ORDER BY received_at, id"
        return [_submission(r, self.db) for r in self.db.execute(sql, args)]

    def current(self, form: str) -> dict[str, Submission]:
        """Per unit, the latest submission for ``form``."""
        return {s.unit: s for s in self.submissions(form=form, current_only=True) if s.unit}

    def data_submission(self, form: str) -> dict[str, Submission]:
        """Per unit, the submission whose rows go into the master: the latest one not rejected."""
        out: dict[str, Submission] = {}
        for s in self.submissions(form=form):
            if s.unit and s.status != "rejected":
                out[s.unit] = s  # ordered by received_at: the last one wins
        return out

    def rows(self, submission_id: int, sheet: str | None = None) -> Iterator[tuple[str, int, dict]]:
        sql = "SELECT sheet, row, data FROM rows WHERE submission_id = ?"
        args: list[Any] = [submission_id]
        if sheet is not None:
            sql += " AND sheet = ?"
            args.append(sheet)
        for sh, r, data in self.db.execute(sql + " ORDER BY rowid", args):
            yield sh, r, json.loads(data)

    def row_counts(self, submission_ids: list[int]) -> dict[tuple[int, str], int]:
        """How many rows each submission holds on each sheet: (submission id, sheet) -> rows (none: left out)."""
        return {(sid, sheet): n for sid, sheet, n in self.db.execute(
            "SELECT submission_id, sheet, COUNT(*) FROM rows WHERE submission_id IN"
            " (SELECT value FROM json_each(?)) GROUP BY submission_id, sheet", (json.dumps(submission_ids),))}

    def tally(self, submission_ids: list[int], sheet: str, fields: list[str]) -> dict[int, Counter]:
        """Counts over each submission's rows of ``sheet``: (sheet,) rows, (sheet, field, value) per value;
        a submission with no row there has an empty Counter."""
        out: dict[int, Counter] = {sid: Counter() for sid in submission_ids}
        ids, where = json.dumps(submission_ids), "sheet = ? AND submission_id IN (SELECT value FROM json_each(?))"
        for sid, n in self.db.execute(f"SELECT submission_id, COUNT(*) FROM rows WHERE {where} GROUP BY 1",
                                      (sheet, ids)):
            out[sid][(sheet,)] = n
        for field in fields:
            for sid, value, n in self.db.execute(
                    f"SELECT submission_id, json_extract(data, ?), COUNT(*) FROM rows WHERE {where} GROUP BY 1, 2",
                    (f'$."{field}"', sheet, ids)):
                if value not in (None, ""):
                    out[sid][(sheet, field, str(value))] += n
        return out

    def typed_rows(self, form: Form, submission_id: int) -> list[Row]:
        """The rows of one submission as Row objects, dates as ``date`` again."""
        return self._typed(form, self.db.execute(
            "SELECT NULL, sheet, row, data, key FROM rows WHERE submission_id = ? ORDER BY rowid",
            (submission_id,))).get(None, [])

    def rows_with_keys(self, form: Form, keys: list[str], other_than: str | None) -> dict[str, list[Row]]:
        """Per unit (not ``other_than``), the rows in use whose cross-unit key is one of ``keys``."""
        ids = json.dumps([s.id for u, s in self.data_submission(form.id).items() if u != other_than])
        return self._typed(form, self.db.execute(
            _KEYED_ROWS + " WHERE r.submission_id IN (SELECT value FROM json_each(?))"
            " AND r.key IN (SELECT value FROM json_each(?)) ORDER BY r.rowid", (ids, json.dumps(keys))))

    def shared_rows(self, form: Form) -> dict[str, list[Row]]:
        """Per unit, the rows of its data submission whose key (e.g. a person) two units or more use.

        The grouping runs in SQLite over the stored keys, so a campaign of thousands of files
        does not have to be read back for the cross-unit check. Read again only after a write to the ledger
        (``_stamp``); the rows given are not to be changed.
        """
        stamp = self._stamp()
        memo = self._shared.get(form.id)
        if memo is not None and memo[0] == stamp and memo[1] is form:
            return memo[2]
        ids = json.dumps([s.id for s in self.data_submission(form.id).values()])
        rows = self._typed(form, self.db.execute(
            _KEYED_ROWS + " WHERE r.submission_id IN (SELECT value FROM json_each(?1)) AND r.key IN ("
            "  SELECT r2.key FROM rows r2 JOIN submissions s2 ON s2.id = r2.submission_id"
            "  WHERE r2.submission_id IN (SELECT value FROM json_each(?1)) AND r2.key IS NOT NULL"
            "  GROUP BY r2.key HAVING COUNT(DISTINCT s2.unit) > 1) ORDER BY r.rowid", (ids,)))
        self._shared[form.id] = (stamp, form, rows)
        return rows

    def _stamp(self) -> tuple[int, int]:
        """Changes with this connection (``total_changes``) and commits of any other one (``data_version``)
        so far: the same pair, the same ledger."""
        return self.db.total_changes, self.db.execute("PRAGMA data_version").fetchone()[0]

    @staticmethod
    def _typed(form: Form, records) -> dict:
        """(unit, sheet, row, JSON data, key) records -> per unit, Rows with dates as ``date``."""
        sheets = {s.key: s for s in form.sheets}
        out: dict = {}
        for unit, sheet, n, data, key in records:
            values = json.loads(data)
            out.setdefault(unit, []).append(
                Row(sheet=sheet, row=n, values=typed_values(sheets[sheet], values) if sheet in sheets else values,
                    key=key))
        return out

    def findings(self, submission_id: int) -> list[Finding]:
        return seen.findings_of(self.db, submission_id)


def rows_by_submission(db: sqlite3.Connection, submission_ids: list[int], sheet: str
                       ) -> dict[int, list[tuple[str, int, dict]]]:
    """The rows of ``sheet`` of several submissions at once, in one query: submission id -> its rows as
    ``Ledger.rows`` gives them (a submission without any is left out)."""
    out: dict[int, list[tuple[str, int, dict]]] = {}
    for sid, sh, r, data in db.execute(
            "SELECT submission_id, sheet, row, data FROM rows WHERE sheet = ? AND submission_id IN"
            " (SELECT value FROM json_each(?)) ORDER BY rowid", (sheet, json.dumps(submission_ids))):
        out.setdefault(sid, []).append((sh, r, json.loads(data)))
    return out


_KEYED_ROWS = ("SELECT s.unit, r.sheet, r.row, r.data, r.key FROM rows r"
               " JOIN submissions s ON s.id = r.submission_id")


def _submission(row: tuple, db: sqlite3.Connection) -> Submission:
    (sid, sha, name, source, archive, _size, form, _ver, unit, ident, received, collected, status, late,
     superseded) = row
    return Submission(id=sid, sha256=sha, name=name, source=source, archive=archive, form=form, unit=unit,
                      identified_by=ident, received_at=datetime.fromisoformat(received),
                      collected_at=datetime.fromisoformat(collected), status=status, late=bool(late),
                      superseded_by=superseded)
