"""The ledger is never silently new: before anything opens ``ledger.sqlite`` (or writes outputs beside
it), ``check`` looks at the file's first bytes and at the campaign folder.

A missing or empty (0-byte) ledger is a new campaign only while none of the folders that a used campaign
fills (``OUTPUT_DIRS``) holds a file; a ledger that is not an SQLite database (a folder, random bytes, a
truncated copy) is never taken for a new one. Otherwise ``LedgerLost`` is raised, with a Vietnamese message
saying what is wrong, that nothing was written, and how to recover (the newest copy in ``backup/``, or
``sheets-tools ledger rebuild``). The check reads at most 100 bytes of the file and the names of its
tables: it is cheap. An SQLite file without the ledger's tables (another database put in its place, tables
dropped) is never made anew empty.
"""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from sheets_tools.core.findings import message

LEDGER_FILE = "ledger.sqlite"
BACKUP_DIR = "backup"
ARCHIVE_DIR = "archive"  # the ledger's copies of the received files
# folders that hold files only once a campaign has been used (a ledger existed)
OUTPUT_DIRS = (ARCHIVE_DIR, "master", "council", "decision", BACKUP_DIR)
CORE_TABLES = ("submissions", "rows", "findings", "documents")  # what a ledger holds from its first opening
MAGIC = b"SQLite format 3\x00"
BACKUP_NAME = re.compile(r"^ledger-(\d{8}-\d{6})(?:-(\d+))?\.sqlite$")

# what is wrong with the file, said in a sentence "Sổ ghi nhận <path> <state>"
STATES = {
    "missing": "không còn (đã bị xóa, đổi tên hoặc chuyển đi)",
    "empty": "rỗng (0 byte)",
    "folder": "là một thư mục, không phải tệp sổ",
    "not_database": "không phải cơ sở dữ liệu SQLite (tệp bị hỏng hoặc bị ghi đè bằng nội dung khác)",
    "truncated": "bị cắt cụt, không trọn vẹn (có thể do chép dở hoặc ổ đĩa lỗi)",
    "damaged": "bị hỏng",
    "tables_missing": "là cơ sở dữ liệu SQLite nhưng thiếu bảng dữ liệu của sổ (tệp đã bị sửa hoặc bị thay bằng "
                      "tệp khác)",
}
DAMAGE_CODES = (11, 26)  # SQLITE_CORRUPT, SQLITE_NOTADB


class LedgerLost(Exception):
    """The campaign's ledger is missing, empty or damaged while the campaign has been used."""

    def __init__(self, directory: Path, state: str, folders: list[str] | None = None, detail: str = ""):
        self.directory = Path(directory)
        self.path = self.directory / LEDGER_FILE
        self.state, self.folders, self.detail = state, list(folders or []), detail
        self.backup = newest_backup(self.directory)
        super().__init__(lost_message(self.directory, state, self.folders, detail))


def lost_message(directory: Path, state: str, folders: list[str], detail: str = "", *, running: bool = False
                 ) -> str:
    """The Vietnamese message of a lost ledger: what is wrong, nothing written (``running``: found while the
    command ran, after what it may have written), how to recover."""
    directory = Path(directory)
    what = STATES.get(state, STATES["damaged"]) + (f" ({detail})" if detail else "")
    backup = newest_backup(directory)
    recover = message("ledger.recover_backup" if backup else "ledger.recover_rebuild", directory=directory,
                      path=directory / LEDGER_FILE, backup=backup or "")
    used = message("ledger.used_folders", folders=", ".join(f"{name}/" for name in folders)) if folders else ""
    if running:
        return message("ledger.damaged_while_running", path=directory / LEDGER_FILE, state=what, recover=recover)
    return message("ledger.lost", path=directory / LEDGER_FILE, state=what, used=used, recover=recover)


def ledger_state(path: Path) -> str:
    """"ok", "missing", "empty", "folder", "not_database" or "truncated", from the file's size and header.

    An OSError other than "not found" (e.g. no permission to read) is raised as it is."""
    path = Path(path)
    if path.is_dir():
        return "folder"
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(100)
    except FileNotFoundError:
        return "missing"
    if size == 0:
        return "empty"
    if not head.startswith(MAGIC):
        return "truncated" if MAGIC.startswith(head) else "not_database"
    if len(head) < 100:
        return "truncated"
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return "not_database"
    pages = int.from_bytes(head[28:32], "big")
    header_valid = head[92:96] == head[24:28]  # the page count is trustworthy only then
    if size % page_size or (pages and header_valid and size < pages * page_size):
        return "truncated"
    return "ok"


def used_folders(directory: Path) -> list[str]:
    """The folders of ``OUTPUT_DIRS`` that hold at least one file (and a leftover ``ledger.sqlite-wal``)."""
    directory = Path(directory)
    found = [name for name in OUTPUT_DIRS
             if (directory / name).is_dir() and any(p.is_file() for p in (directory / name).rglob("*"))]
    wal = directory / (LEDGER_FILE + "-wal")
    if wal.is_file() and wal.stat().st_size:
        found.append(wal.name)
    return found


def check(directory: Path) -> None:
    """Raise ``LedgerLost`` unless the campaign's ledger is usable or the campaign is brand new.

    Writes nothing. A missing or 0-byte ledger in a campaign whose ``OUTPUT_DIRS`` hold no file is a new
    campaign (the ledger is created when it is opened)."""
    directory = Path(directory)
    state = ledger_state(directory / LEDGER_FILE)
    if state == "ok":
        missing = missing_tables(directory / LEDGER_FILE)
        if tables_lost(directory, missing):
            raise LedgerLost(directory, "tables_missing", used_folders(directory), ", ".join(missing))
        return
    folders = used_folders(directory)
    if state in ("missing", "empty") and not folders:
        return
    raise LedgerLost(directory, state, folders)


def missing_tables(path: Path) -> list[str]:
    """The ledger's tables (``CORE_TABLES``) an SQLite file lacks: all of them for another database or one
    never opened as a ledger, some for one whose tables were dropped. Read only; a file SQLite cannot read
    lacks none here (the damage is found when it is opened)."""
    try:
        db = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)
        try:
            present = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            db.close()
    except sqlite3.DatabaseError:
        return []
    return [t for t in CORE_TABLES if t not in present]


def tables_lost(directory: Path, missing: list[str]) -> bool:
    """Whether the ledger's ``missing`` tables mean a part of it was lost: some of them (they are made in one
    transaction), or all in a campaign whose output folders hold files. A file without any, in a campaign not
    used yet (a first run killed as it made the ledger, a -wal beside it), is a new ledger."""
    if not missing:
        return False
    return len(missing) < len(CORE_TABLES) or any(f in OUTPUT_DIRS for f in used_folders(directory))


def is_damage(exc: BaseException) -> bool:
    """Whether an sqlite3 error says the database file itself is damaged (not a lock or a disk error)."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in DAMAGE_CODES
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text


def backups(directory: Path) -> list[Path]:
    """The ledger copies in ``<campaign>/backup``, oldest first."""
    folder = Path(directory) / BACKUP_DIR
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        m = BACKUP_NAME.match(path.name)
        if m and path.is_file():
            found.append(((m.group(1), int(m.group(2) or 1)), path))
    return [path for _, path in sorted(found)]


def newest_backup(directory: Path) -> Path | None:
    found = backups(directory)
    return found[-1] if found else None


class RebuildRefused(Exception):
    """``ledger rebuild`` without ``--force`` where a valid ledger with submissions is there."""
