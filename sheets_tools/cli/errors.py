"""What a failure means to the person running the command: one Vietnamese message naming the path and what
to do, with a code for ``--json`` (``explain``)."""
from __future__ import annotations

import errno
import shutil
import sqlite3
import sys
from pathlib import Path

import click

from sheets_tools.core.files import CampaignBusy
from sheets_tools.core.findings import message
from sheets_tools.store import guard
from sheets_tools.store.guard import LEDGER_FILE, LedgerLost, RebuildRefused

# SQLite's primary result codes
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN = \
    3, 5, 6, 8, 10, 13, 14
DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
DETAIL_MAX = 300
CAMPAIGN_MODEL = "sheets_tools.campaign.model"
LOW_SPACE = 1 << 20  # bytes free below which a failed write is taken for a full disk
TEMP_PREFIX = ".tmp-"


def explain(exc: BaseException, ctx: click.Context) -> tuple[str, str, str | None]:
    """(code, Vietnamese message, path) of an exception that stopped the command running in ``ctx``."""
    directory = _campaign_dir(ctx)
    if isinstance(exc, LedgerLost):
        return "ledger.lost", str(exc), str(exc.path)
    # the campaign model (pydantic) is not imported for this: a command that never loaded it cannot have
    # raised its CampaignError, and a collect answered from the ledger alone does not load it
    model = sys.modules.get(CAMPAIGN_MODEL)
    if model is not None and isinstance(exc, model.CampaignError):
        return "error.campaign", str(exc), str(directory) if directory else None
    if isinstance(exc, (CampaignBusy, RebuildRefused)):
        code = "error.busy" if isinstance(exc, CampaignBusy) else "error.rebuild_refused"
        return code, str(exc), str(directory) if directory else None
    if isinstance(exc, sqlite3.Error):
        return _database(exc, directory)
    if isinstance(exc, OSError):
        return _os(exc, directory)
    command = " ".join(command_names(ctx))
    detail = f"{type(exc).__name__}: {exc}"[:DETAIL_MAX]
    return "error.unexpected", message("error.unexpected", detail=detail, command=command), None


def _os(exc: OSError, directory: Path | None) -> tuple[str, str, str | None]:
    path = _path_of(exc, directory)
    if exc.errno in DISK_FULL:
        code = "error.disk_full"
    elif exc.errno == errno.EROFS:
        code = "error.read_only"
    elif isinstance(exc, IsADirectoryError):
        code = "error.is_folder"
    elif isinstance(exc, NotADirectoryError) or (isinstance(exc, FileExistsError) and Path(path).is_file()):
        code = "error.not_folder"  # e.g. a file named "master" where the folder is made
    elif isinstance(exc, PermissionError):
        code = "error.permission"
    elif isinstance(exc, FileNotFoundError):
        code = "error.not_found"
    else:
        code = "error.os"
    return code, message(code, path=path, detail=exc.strerror or str(exc)), path


def _path_of(exc: OSError, directory: Path | None) -> str:
    """The path the error is about: of the two a rename names, the folder where a file was expected (or the
    file where a folder was), else the one that is not a temporary file."""
    names = [str(n) for n in (exc.filename2, exc.filename) if n is not None]
    if not names:
        return str(directory or "")
    if isinstance(exc, IsADirectoryError):
        return next((n for n in names if Path(n).is_dir()), names[-1])
    if isinstance(exc, (NotADirectoryError, FileExistsError)):
        return next((n for n in names if Path(n).is_file()), names[-1])
    return next((n for n in reversed(names) if not Path(n).name.startswith(TEMP_PREFIX)), names[-1])


def _disk_full(directory: Path | None) -> bool:
    """Whether the campaign's disk has (almost) no free space left: SQLite reports a full disk as an I/O
    error when its journal cannot grow."""
    try:
        return directory is not None and shutil.disk_usage(directory).free < LOW_SPACE
    except OSError:
        return False


def _database(exc: sqlite3.Error, directory: Path | None) -> tuple[str, str, str | None]:
    """A database error is about the ledger of the command's campaign."""
    path = str(directory / LEDGER_FILE) if directory else LEDGER_FILE
    if guard.is_damage(exc) and directory is not None:
        return "ledger.lost", guard.lost_message(directory, "damaged", [], str(exc), running=True), path
    primary = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    text = str(exc).lower()
    if primary in (SQLITE_BUSY, SQLITE_LOCKED) or "locked" in text:
        code = "error.db_locked"
    elif primary == SQLITE_FULL or "disk is full" in text or (primary == SQLITE_IOERR and _disk_full(directory)):
        code = "error.disk_full"
    elif primary in (SQLITE_READONLY, SQLITE_PERM, SQLITE_CANTOPEN) or "readonly" in text:
        code = "error.db_readonly"
    elif primary == SQLITE_IOERR or "i/o" in text:
        code = "error.db_io"
    else:
        code = "error.db"
    return code, message(code, path=path, directory=directory or "", detail=str(exc)), path


def _campaign_dir(ctx: click.Context) -> Path | None:
    """The campaign folder the command works on (its DIRECTORY argument or --campaign option)."""
    for name in ("directory", "campaign_dir"):
        value = ctx.params.get(name)
        if value is not None:
            return Path(value)
    return None


def command_names(ctx: click.Context | None) -> list[str]:
    """The names of the command running in ``ctx`` under the group, e.g. ["council", "tally"]."""
    names: list[str] = []
    while ctx is not None and ctx.parent is not None:
        names.insert(0, ctx.info_name or "")
        ctx = ctx.parent
    return names
