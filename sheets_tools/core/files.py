"""Atomic writes and the campaign lock. Works the same on Windows and POSIX.

A workbook is written to a temporary file in the target's folder and moved over the
target with ``os.replace``; a reader never sees half a file. On Windows a workbook open
in Excel cannot be replaced: ``write_atomic`` then writes beside it and says so.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator


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
    fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", suffix=path.suffix, dir=path.parent)
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


class CampaignBusy(Exception):
    """Another collect/consolidate is running on the same campaign."""


@contextmanager
def campaign_lock(directory: Path, what: str) -> Iterator[None]:
    """Refuse a second collect/consolidate on the same campaign while one runs.

    The lock is a file created exclusively; a lock left by a process that died is taken
    over when its process id no longer runs.
    """
    lock = Path(directory) / ".sheets-tools.lock"
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            if _stale(lock):
                lock.unlink(missing_ok=True)
                continue
            holder = lock.read_text(encoding="utf-8", errors="replace").strip()
            raise CampaignBusy(
                f"Đợt thi đua {directory} đang được xử lý bởi một lệnh khác ({holder}). "
                "Hãy chờ lệnh đó kết thúc rồi chạy lại.") from None
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(f"{what} pid={os.getpid()} {datetime.now():%d/%m/%Y %H:%M:%S}")
        break
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)


def _stale(lock: Path) -> bool:
    try:
        text = lock.read_text(encoding="utf-8", errors="replace")
        pid = int(text.split("pid=")[1].split()[0])
    except (OSError, IndexError, ValueError):
        return True
    return not _pid_alive(pid)


def _pid_alive(pid: int) -> bool:
    if os.name == "nt":  # pragma: no cover - Windows
        import ctypes
        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)
        if handle:
            ctypes.windll.kernel32.CloseHandle(handle)
            return True
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
