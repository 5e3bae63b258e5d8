"""Helpers of test_kill.py: run ``sheets-tools`` in a child process (and kill it), and read what a campaign
folder holds as plain values that can be compared: the ledger (``LedgerState``), the archive, the outputs.

Nothing here writes into a campaign folder except ``run`` (the command itself) and the preparations of
test_kill.py. Paths inside stored text are made relative (``<DIR>``), so a trial's copy compares with the
reference run's copy.
"""
from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import docx
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[2]  # the checkout: its sheets_tools is the one the child imports
LEDGER = "ledger.sqlite"
ARCHIVE = "archive"
TEMP_PREFIX = ".tmp-"
# what is not an output: the ledger and its working files, the received files, sqlite backups, the lock
NOT_OUTPUTS = (LEDGER, ARCHIVE, "backup", ".sheets-tools.lock", ".sheets-tools-demo")


# --- running the command line --------------------------------------------------------------------
@dataclass
class Run:
    args: list[str]
    code: int | None  # exit status; None when the process was killed before it ended
    seconds: float
    output: str = ""

    @property
    def killed(self) -> bool:
        return self.code is None


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _start(args: list[str], output) -> subprocess.Popen:
    extra = {"start_new_session": True} if os.name != "nt" else {}  # its own group: its children die with it
    return subprocess.Popen([sys.executable, "-m", "sheets_tools.cli", *args], cwd=ROOT, env=_env(),
                            stdout=output, stderr=subprocess.STDOUT, **extra)


def _text(output) -> str:
    output.seek(0)
    return output.read().decode("utf-8", "replace")


def run(args: list[str], timeout: float = 300) -> Run:
    """Run ``sheets-tools *args`` to its end."""
    with tempfile.TemporaryFile() as output:  # a file, not a pipe: a long output never blocks the command
        began = time.perf_counter()
        proc = _start(args, output)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise
        return Run(args, code, time.perf_counter() - began, _text(output))


def run_killed(args: list[str], delay: float) -> Run:
    """Start ``sheets-tools *args`` and kill it (SIGKILL; TerminateProcess on Windows) after ``delay``
    seconds; a process that ended earlier is reported with its exit status."""
    with tempfile.TemporaryFile() as output:
        began = time.perf_counter()
        proc = _start(args, output)
        try:
            code = proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            _kill(proc)
            code = None
        return Run(args, code, time.perf_counter() - began, _text(output))


def _kill(proc: subprocess.Popen) -> None:
    """Kill the command at once (SIGKILL; TerminateProcess on Windows) with what it started (the sandbox's
    parser: on POSIX the command runs in a process group of its own), and reap it: a process never waited
    for would still "run" for the campaign lock's stale check."""
    if os.name == "nt":
        proc.kill()
    else:
        os.killpg(proc.pid, signal.SIGKILL)  # the group made for this command (start_new_session), not yet reaped
    proc.wait()


def delays(rng, duration: float, startup: float, count: int) -> list[float]:
    """``count`` kill moments spread over a run of ``duration`` seconds: one while the program starts
    (``startup``: the time to import it), the others one in each equal slice of the rest, the last slice
    ending at the very end of the run."""
    startup = min(startup, duration * 0.9)
    moments = [rng.uniform(0.05, 1.0) * startup]
    work = duration - startup
    slices = count - 1
    moments += [startup + work * (i + rng.random()) / slices for i in range(slices)]
    return moments


# --- the ledger ------------------------------------------------------------------------------------
@dataclass
class LedgerState:
    """What a ledger holds, as comparable values: submissions by sha256, the current one per (unit, form),
    the office's entries per scope, the council's recorded votes, the award history."""

    integrity: str
    submissions: dict[str, dict] = field(default_factory=dict)
    current: dict[tuple, str] = field(default_factory=dict)
    office: dict[str, dict] = field(default_factory=dict)
    votes: tuple = ()
    awards: frozenset = frozenset()


def connect(path: Path, mode: str = "ro") -> sqlite3.Connection:
    """Open an existing SQLite file (``mode`` "ro" or "rw"; never created)."""
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode={mode}", uri=True)


def _tables(db: sqlite3.Connection) -> set[str]:
    return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def ledger_state(folder: Path) -> LedgerState:
    """Read the campaign's ledger (opened read-write, never created: sqlite replays a write-ahead log
    left by a killed writer, as the next command would)."""
    path = Path(folder) / LEDGER
    db = connect(path, "rw")
    try:
        return _read_ledger(db, str(Path(folder)))
    finally:
        db.close()


def _read_ledger(db: sqlite3.Connection, folder: str) -> LedgerState:
    def norm(value):
        return value.replace(folder, "<DIR>") if isinstance(value, str) else value

    state = LedgerState(integrity="; ".join(r[0] for r in db.execute("PRAGMA integrity_check")))
    tables = _tables(db)
    ids = {}
    for sid, sha, unit, form, status, late, received, archive, size, name, superseded in db.execute(
            "SELECT id, sha256, unit, form, status, late, received_at, archive, size, name, superseded_by "
            "FROM submissions"):
        ids[sid] = sha
        state.submissions[sha] = {"unit": unit, "form": form, "status": status, "late": late,
                                  "received_at": received, "archive": archive, "size": size, "name": name,
                                  "rows": [], "findings": [], "documents": []}
        if superseded is None and unit and form:
            state.current[(unit, form)] = sha
    for sid, *row in db.execute("SELECT submission_id, sheet, row, data, key FROM rows"):
        state.submissions[ids[sid]]["rows"].append(tuple(norm(v) for v in row))
    for sid, *row in db.execute(
            "SELECT submission_id, code, severity, sheet, cell, field, value, message FROM findings"):
        state.submissions[ids[sid]]["findings"].append(tuple(norm(v) for v in row))
    for sid, *row in db.execute("SELECT submission_id, name, archive, size FROM documents"):
        state.submissions[ids[sid]]["documents"].append(tuple(row))
    for record in state.submissions.values():
        for key in ("rows", "findings", "documents"):
            record[key] = sorted(record[key], key=repr)
    if "office_entries" in tables:
        for scope, key, fld, value in db.execute("SELECT scope, key, field, value FROM office_entries"):
            state.office.setdefault(scope, {})[(key, fld)] = json.loads(value)
    if "council_votes" in tables:
        state.votes = tuple(db.execute(
            "SELECT position, candidate_id, name, unit_name, award_code, award_name, yes, no, needed, passed, note "
            "FROM council_votes ORDER BY position"))
    if "awards" in tables:
        columns = [r[1] for r in db.execute("PRAGMA table_info(awards)") if r[1] not in ("id", "added_at")]
        state.awards = frozenset(db.execute(f"SELECT {', '.join(columns)} FROM awards"))
    return state


def archive_problems(folder: Path, state: LedgerState) -> list[str]:
    """Every file the ledger names must be in the archive, whole: the received file with its sha256, each
    document with its size; a temporary file is never what the ledger names."""
    problems = []
    for sha, record in state.submissions.items():
        named = [(record["archive"], sha, record["size"])]
        named += [(archive, None, size) for _, archive, size in record["documents"]]
        for archive, want_sha, size in named:
            path = Path(folder) / archive
            if path.name.startswith(TEMP_PREFIX):
                problems.append(f"the ledger names a temporary file: {archive}")
            elif not path.is_file():
                problems.append(f"archived file missing: {archive} ({record['unit']}, {record['form']})")
            elif want_sha is not None and _sha256(path) != want_sha:
                problems.append(f"archived file differs from its sha256: {archive}")
            elif path.stat().st_size != size:
                problems.append(f"archived file has {path.stat().st_size} bytes, the ledger says {size}: {archive}")
    return problems


def backup_problems(folder: Path) -> list[str]:
    """Every copy of the ledger in ``backup/`` (not a temporary file) is a whole SQLite database that
    holds the submissions table: a copy cut short by the kill must never look like a copy."""
    problems = []
    for path in sorted((Path(folder) / "backup").glob("*")):
        if not path.is_file() or path.name.startswith(TEMP_PREFIX) or path.name.endswith(("-wal", "-shm", "-journal")):
            continue
        try:
            db = connect(path)
            try:
                ok = db.execute("PRAGMA integrity_check").fetchone()[0]
                whole = ok == "ok" and "submissions" in _tables(db)
            finally:
                db.close()
        except sqlite3.DatabaseError as exc:
            ok, whole = str(exc), False
        if not whole:
            problems.append(f"a ledger copy in backup/ is not whole: {path.name} ({ok})")
    return problems


# --- files -----------------------------------------------------------------------------------------
def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def outputs(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """The campaign's own files (workbooks, documents, lists it wrote or the office keeps) by relative
    path -> sha256: everything but the ledger, the archive, backups, the lock, temporary files and the
    folders in ``skip`` (the test's inbox)."""
    folder = Path(folder)
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if not path.is_file() or rel.parts[0] in skip or path.name.startswith(TEMP_PREFIX):
            continue
        if rel.parts[0] in NOT_OUTPUTS or rel.parts[0].startswith(LEDGER):
            continue
        out[rel.as_posix()] = _sha256(path)
    return out


def temporary_files(folder: Path) -> list[str]:
    """Temporary files of an atomic write (``.tmp-*``) anywhere under the campaign folder."""
    return sorted(p.relative_to(folder).as_posix() for p in Path(folder).rglob(TEMP_PREFIX + "*"))


def broken(path: Path) -> str | None:
    """Why the file at ``path`` does not open as what its name says (None: it opens)."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm", ".docx"):
            with zipfile.ZipFile(path) as z:
                bad = z.testzip()
            if bad is not None:
                return f"{bad}: bad CRC"
        if suffix in (".xlsx", ".xlsm"):  # every part's CRC checked above; the workbook's structure here
            load_workbook(path, read_only=True).close()
        elif suffix == ".docx":
            docx.Document(str(path))
        elif suffix in (".html", ".htm"):
            text = path.read_text(encoding="utf-8")
            if "</html>" not in text.lower():
                return "the page has no end (</html>)"
    except Exception as exc:  # noqa: BLE001 - any failure to open is what this reports
        return f"{type(exc).__name__}: {exc}"
    return None


def workbook_values(path: Path, sheets: tuple[str, ...]) -> tuple:
    """Every non-empty cell value of the named sheets (those present), as (sheet, cell, value)."""
    wb = load_workbook(path)
    try:
        return tuple((name, c.coordinate, c.value) for name in sheets if name in wb.sheetnames
                     for row in wb[name].iter_rows() for c in row if c.value not in (None, ""))
    finally:
        wb.close()
