"""Atomic writes, dated copies and the campaign lock. Works the same on Windows and POSIX.

A workbook is written to a temporary file in the target's folder and moved over the
target with ``os.replace``; a reader never sees half a file. On Windows a workbook open
in Excel cannot be replaced: ``write_atomic`` then writes beside it and says so. A run
killed while writing leaves its temporary file behind: the next command that takes the
campaign lock removes it (``sweep_temp_files``).
"""
from __future__ import annotations

import filecmp
import logging
import os
import re
import shutil
import tempfile
import time
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator

log = logging.getLogger(__name__)
TEMP_PREFIX = ".tmp-"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _umask()


class TargetBusy(Exception):
    """The target is open in another program; the file was written to ``written`` instead."""

    def __init__(self, target: Path, written: Path):
        self.target, self.written = target, written
        super().__init__(f"{target} đang mở; đã ghi sang {written}")


def excel_lock_file(path: Path) -> Path:
    """The owner file Excel keeps beside a workbook it has open (``~$name.xlsx``)."""
    return path.with_name("~$" + path.name)


def is_open_elsewhere(path: Path) -> bool:
    return excel_lock_file(path).exists() or path.with_name(".~lock." + path.name + "#").exists()


def write_atomic(path: Path, write: Callable[[Path], None], *, beside_if_busy: bool = False) -> Path:
    """Call ``write(tmp)`` and move tmp onto ``path``. Returns the path actually written.

    With ``beside_if_busy``, a target open in Excel/LibreOffice (lock file present, or the
    replace refused) is left alone and the file goes to ``name (HHMMSS).xlsx`` beside it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        _fsync(tmp)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600: give the file the usual permissions
        if beside_if_busy and is_open_elsewhere(path):
            return _beside(tmp, path)
        try:
            os.replace(tmp, path)
        except PermissionError:
            if not beside_if_busy:
                raise
            return _beside(tmp, path)
        return path
    finally:
        if tmp.exists():
            tmp.unlink()


def _beside(tmp: Path, path: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    other = path.with_name(f"{path.stem} ({stamp}){path.suffix}")
    n = 1
    while other.exists():
        n += 1
        other = path.with_name(f"{path.stem} ({stamp}-{n}){path.suffix}")
    os.replace(tmp, other)
    raise TargetBusy(path, other)


def _fsync(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def atomic_save(workbook, path: Path) -> Path:
    """Save an openpyxl workbook atomically."""
    return write_atomic(path, lambda tmp: workbook.save(tmp))


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    return write_atomic(path, lambda tmp: tmp.write_bytes(data))


# --- dated copies of a file the tool rewrites ----------------------------------------------------
COPIES_DIR = "bản cũ"  # the folder, beside the file, of its dated copies


def keep_copy(path: Path, keep: int | None, folder: Path | None = None) -> Path | None:
    """Keep ``path``, about to be rewritten, as a dated copy in ``folder`` (default: ``bản cũ`` beside it),
    named ``<stem> (bản lưu YYYY-MM-DD HHMMSS)<suffix>`` when it is put away (the copy keeps the file's
    own modification time); then keep only the newest ``keep`` copies of that file (``None``: remove
    none). ``keep == 0`` makes no copy and removes nothing. No copy is made when ``path`` is not there
    or the newest copy holds the same bytes. Returns the copy made, or None. Only files named the way
    this function names them are ever removed."""
    path = Path(path)
    if keep == 0 or not path.is_file():
        return None
    folder = Path(folder) if folder is not None else path.parent / COPIES_DIR
    copies = dated_copies(path, folder)
    made = None
    if not copies or not filecmp.cmp(copies[-1], path, shallow=False):
        made = write_atomic(_dated_name(path, folder), lambda tmp: _copy_with_time(path, tmp))
        copies = dated_copies(path, folder)
    if keep is not None and keep > 0:
        for old in copies[:-keep]:
            try:
                old.unlink()
            except OSError as exc:  # open in Excel on Windows: removed next time
                log.warning("could not remove the old copy %s: %s", old, exc)
    return made


def dated_copies(path: Path, folder: Path | None = None) -> list[Path]:
    """The dated copies of ``path`` made by ``keep_copy``, oldest first."""
    return [p for _, p in _dated(Path(path), Path(folder) if folder is not None else Path(path).parent / COPIES_DIR)]


def _dated(path: Path, folder: Path) -> list[tuple[tuple[str, int], Path]]:
    """((date stamp, number), copy) of ``path``'s dated copies in ``folder``, oldest first."""
    pattern = re.compile(re.escape(_nfc(path.stem)) + r" \(bản lưu (\d{4}-\d{2}-\d{2} \d{6})(?:-(\d+))?\)"
                         + re.escape(_nfc(path.suffix)) + "$")
    found = []
    try:
        entries = list(os.scandir(folder))
    except OSError:  # no copies yet (or the folder cannot be read: nothing to remove)
        return []
    for entry in entries:
        match = pattern.match(_nfc(entry.name))
        if match and entry.is_file(follow_symlinks=False):
            found.append(((match[1], int(match[2] or 1)), Path(entry.path)))
    return sorted(found)


def _dated_name(path: Path, folder: Path) -> Path:
    """The next copy's name, dated now; never older than the newest copy there (a clock put back), and
    numbered after the date when copies of that same second exist: the new copy is always the newest."""
    stamp = datetime.now().strftime("%Y-%m-%d %H%M%S")
    dated = _dated(path, folder)
    if dated and dated[-1][0][0] > stamp:
        stamp = dated[-1][0][0]
    n = max((number for (when, number), _ in dated if when == stamp), default=0)
    while True:
        n += 1
        other = folder / (f"{path.stem} (bản lưu {stamp}){path.suffix}" if n == 1 else
                          f"{path.stem} (bản lưu {stamp}-{n}){path.suffix}")
        if not other.exists():
            return other


def _copy_with_time(source: Path, tmp: Path) -> None:
    shutil.copyfile(source, tmp)
    st = source.stat()
    os.utime(tmp, (st.st_atime, st.st_mtime))  # the copy keeps the date of the version it holds


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# --- temporary files a killed write left behind --------------------------------------------------
# what ``write_atomic`` names its temporary file: mkstemp's 8 random characters and a suffix we write
TEMP_NAME = re.compile(r"^\.tmp-[a-z0-9_]{8}\.(xlsx|xlsm|docx|eml|html|sqlite|json|csv|pdf)(-journal|-wal|-shm)?$")
SWEEP_DEPTH = 3  # folders below the campaign folder looked into (outbox/<unit>/, master/bản cũ/...)
SWEEP_SKIP = ("archive",)  # the ledger clears its own archive (store.ledger.Ledger.sweep)


def sweep_temp_files(directory: Path, before: float) -> list[Path]:
    """Remove the temporary files (``TEMP_NAME``) that a killed write left under ``directory``, last
    changed before ``before`` (a time stamp); returns those removed. Symbolic links are never followed
    nor removed; a file that cannot be removed is left for next time."""
    removed: list[Path] = []
    todo = [(Path(directory), 0)]
    while todo:
        folder, depth = todo.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_symlink() or getattr(entry, "is_junction", lambda: False)():
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if depth < SWEEP_DEPTH and not (depth == 0 and entry.name in SWEEP_SKIP):
                        todo.append((Path(entry.path), depth + 1))
                elif (TEMP_NAME.match(entry.name) and entry.is_file(follow_symlinks=False)
                      and entry.stat(follow_symlinks=False).st_mtime < before):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
            except OSError as exc:
                log.warning("could not remove the temporary file %s: %s", entry.path, exc)
    removed.sort()
    if removed:
        log.info("removed %d temporary file(s) left by an interrupted run: %s", len(removed),
                 ", ".join(str(p) for p in removed))
    return removed


# --- the campaign lock ---------------------------------------------------------------------------
class CampaignBusy(Exception):
    """Another collect/consolidate is running on the same campaign."""


@dataclass
class HeldLock:
    """The campaign lock while held: when it was taken, and the temporary files swept then."""

    path: Path
    taken_at: float
    swept: list[Path] = field(default_factory=list)


@contextmanager
def campaign_lock(directory: Path, what: str) -> Iterator[HeldLock]:
    """Refuse a second collect/consolidate on the same campaign while one runs.

    The lock is a file created exclusively; a lock left by a process that died is taken
    over when its process id no longer runs. Once the lock is held, the temporary files
    that killed writes left in the campaign folder are removed (``HeldLock.swept``).
    """
    lock = Path(directory) / LOCK_FILE
    taken_at = time.time()
    for attempt in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            if attempt == 0 and _stale(lock):
                lock.unlink(missing_ok=True)
                continue
            try:
                holder = lock.read_text(encoding="utf-8", errors="replace").strip() or "vừa bắt đầu"
            except OSError:
                holder = "vừa bắt đầu"
            raise CampaignBusy(
                f"Đợt thi đua {directory} đang được xử lý bởi một lệnh khác ({holder}). "
                "Hãy chờ lệnh đó kết thúc rồi chạy lại.") from None
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(f"{what} pid={os.getpid()} {datetime.now():%d/%m/%Y %H:%M:%S}")
        break
    try:
        held = HeldLock(lock, taken_at)
        # the commands that write the campaign's records hold this lock while they write, so a temporary file
        # already there when it was taken was left by a run that was killed. (A command that writes without
        # it, issue or templates build, could lose the file it is writing at this very moment: it then
        # stops with an error and is run again. On Windows a file still open cannot be removed at all.)
        held.swept = sweep_temp_files(Path(directory), taken_at)
        yield held
    finally:
        lock.unlink(missing_ok=True)


CAMPAIGN_FILE = "campaign.xlsx"  # the campaign's own workbook, in its folder (campaign.model reads it)
LOCK_FILE = ".sheets-tools.lock"  # in the campaign folder while a command holds it (campaign_lock)
LOCK_WRITE_S = 5  # a lock file without its process id yet is being written by the run that made it


def _stale(lock: Path) -> bool:
    try:
        text = lock.read_text(encoding="utf-8", errors="replace")
        pid = int(text.split("pid=")[1].split()[0])
    except (OSError, IndexError, ValueError):
        try:
            return time.time() - lock.stat().st_mtime > LOCK_WRITE_S
        except OSError:
            return True
    return not _pid_alive(pid)


def _pid_alive(pid: int) -> bool:
    if os.name == "nt":  # pragma: no cover - Windows
        import ctypes
        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        try:  # a process that ended stays openable while someone holds a handle: ask whether it runs
            code = ctypes.c_ulong()
            return not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)) or code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """Whether ``pid`` has ended but its parent has not reaped it yet (Linux: state "Z" in /proc): a run
    killed a moment ago still answers ``os.kill(pid, 0)`` then, but holds nothing."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:  # no /proc (macOS), or the process just went
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]
