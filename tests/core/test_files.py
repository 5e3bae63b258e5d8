"""Atomic writes, dated copies and the campaign lock (core/files.py): the temporary files a killed write left
are swept when the next command takes the campaign lock, and only those; a lock being written is not taken
over; dated copies are named, ordered and pruned without touching anything else."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_tools.cli import main
from sheets_tools.core.findings import message

LEFT_BY_A_KILL = ["master/.tmp-k3x_9a0b.xlsx", "council/.tmp-abcdefgh.xlsx", "decision/.tmp-0123_789.docx",
                  "outbox/VP/.tmp-zzzzzzzz.eml", ".tmp-q1w2e3r4.xlsx", "feedback/VP/.tmp-a1b2c3d4.xlsx",
                  "backup/.tmp-abcd1234.sqlite", "backup/.tmp-abcd1234.sqlite-journal"]  # a killed ledger copy
NOT_OURS = ["master/.tmp-notes.txt", "master/.tmp-abcdefgh.txt", "master/.tmp-ABCDEFGH.xlsx",
            "master/.tmp-abc.xlsx", "master/tmp-abcdefgh.xlsx", "council/.tmp-abcdefgh.xlsx.bak"]
ARCHIVED = "archive/ab/.tmp-abcdefgh.xlsx"  # the archive is the ledger's to clear


def run(*args: str):
    return CliRunner().invoke(main, [*args])


def put(folder: Path, rel: str, age: float = 60.0, data: bytes = b"half a workbook") -> Path:
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    then = time.time() - age
    os.utime(path, (then, then))
    return path


@pytest.fixture
def consolidated(camp) -> Path:
    """The sample campaign, consolidated once (it has its ledger and its master)."""
    first = run("consolidate", str(camp.dir))
    assert first.exit_code == 0, first.output
    return camp.dir


def test_consolidate_sweeps_the_temporary_files_a_killed_write_left(consolidated):
    folder = consolidated
    for rel in LEFT_BY_A_KILL + NOT_OURS + [ARCHIVED]:
        put(folder, rel)
    result = run("consolidate", str(folder))
    assert result.exit_code == 0, result.output
    assert [rel for rel in LEFT_BY_A_KILL if (folder / rel).exists()] == []
    assert [rel for rel in NOT_OURS + [ARCHIVED] if not (folder / rel).exists()] == []
    shown = sorted(LEFT_BY_A_KILL, key=lambda rel: Path(rel).parts)[:5]  # the first five, in path order
    said = [line for line in result.output.splitlines() if "tệp tạm" in line]
    assert said == [f"- {folder}: " + message("master.temp_removed", count=len(LEFT_BY_A_KILL),
                                               detail=", ".join(shown) + ", ...")]


def test_a_temporary_file_newer_than_the_lock_is_left(consolidated):
    """Written after the lock was taken (here: dated in the future), it cannot be a killed run's."""
    later = put(consolidated, "master/.tmp-newer123.xlsx", age=-3600)
    result = run("consolidate", str(consolidated))
    assert result.exit_code == 0 and later.exists()
    assert "tệp tạm" not in result.output  # nothing removed: nothing said


@pytest.mark.skipif(os.name == "nt", reason="symbolic links need a privilege on Windows")
def test_symbolic_links_are_never_followed_nor_removed(consolidated, tmp_path):
    outside = tmp_path / "elsewhere"
    target = put(outside, ".tmp-abcdefgh.xlsx")  # outside the campaign, named like ours
    link = consolidated / "master" / ".tmp-link1234.xlsx"
    link.symlink_to(target)
    (consolidated / "linked").symlink_to(outside, target_is_directory=True)
    result = run("consolidate", str(consolidated))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and target.read_bytes() == b"half a workbook"


def test_every_command_taking_the_lock_sweeps(consolidated, tmp_path):
    left = put(consolidated, "master/.tmp-collect1.xlsx")
    (tmp_path / "empty inbox").mkdir()
    result = run("collect", str(consolidated), str(tmp_path / "empty inbox"))
    assert not left.exists(), result.output


def test_a_lock_being_written_is_not_taken_over(consolidated):
    """A lock file without its holder's process id yet, just made: another run is starting."""
    lock = consolidated / ".sheets-tools.lock"
    lock.write_bytes(b"")
    refused = run("consolidate", str(consolidated))
    assert refused.exit_code == 3 and "đang được xử lý bởi một lệnh khác" in refused.output
    then = time.time() - 60  # the run that made it died before writing its process id
    os.utime(lock, (then, then))
    taken = run("consolidate", str(consolidated))
    assert taken.exit_code == 0, taken.output
    assert not lock.exists()


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="a process not yet reaped is seen in /proc")
def test_the_lock_of_a_run_killed_a_moment_ago_is_taken_over(consolidated):
    """A killed run's process stays a zombie until its parent reaps it: it answers ``os.kill(pid, 0)`` but
    holds nothing, so the next run takes its lock over at once."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.time() + 30
    while "Z" not in Path(f"/proc/{child.pid}/stat").read_text().rpartition(")")[2].split()[:1]:
        assert time.time() < deadline, "the child did not end"
        time.sleep(0.05)
    lock = consolidated / ".sheets-tools.lock"
    lock.write_text(f"consolidate pid={child.pid} 04/12/2026 09:00:00", encoding="utf-8")
    try:
        taken = run("consolidate", str(consolidated))
        assert taken.exit_code == 0, taken.output
        assert not lock.exists()
    finally:
        child.wait()


# --- dated copies (the library) ----------------------------------------------------------------------------
def test_keep_copy_names_orders_and_prunes_only_its_own_copies(tmp_path):
    from sheets_tools.core.files import dated_copies, keep_copy  # new in this change: imported here
    path = tmp_path / "Tổng hợp thi đua 2024.xlsx"
    folder = tmp_path / "bản cũ"
    folder.mkdir()
    other = [folder / "Ghi chú.xlsx", folder / "Tổng hợp thi đua 2024 (bản lưu hôm qua).xlsx",
             folder / "Tổng hợp thi đua 2023 (bản lưu 2023-12-01 101010).xlsx"]
    for p in other:
        p.write_bytes(b"keep me")
    made = []
    saved = time.mktime((2024, 12, 3, 10, 15, 0, 0, 0, -1))
    for n in range(4):  # four versions put away within a second or two: numbered after the date
        path.write_bytes(f"version {n}".encode())
        os.utime(path, (saved + n, saved + n))
        made.append(keep_copy(path, 2))
    names = [p.name for p in made]
    assert all(re.fullmatch(r"Tổng hợp thi đua 2024 \(bản lưu \d{4}-\d{2}-\d{2} \d{6}(-\d+)?\)\.xlsx", n) for n in names)
    assert dated_copies(path) == made[2:]  # the newest two, oldest first
    assert [p.read_bytes() for p in made[2:]] == [b"version 2", b"version 3"]
    assert made[-1].stat().st_mtime == saved + 3  # the copy keeps the version's own date
    assert all(p.read_bytes() == b"keep me" for p in other)


def test_a_copy_put_away_is_the_newest_even_when_the_clock_went_back(tmp_path):
    from sheets_tools.core.files import dated_copies, keep_copy
    path = tmp_path / "a.xlsx"
    ahead = tmp_path / "bản cũ" / "a (bản lưu 2999-01-01 000000).xlsx"
    ahead.parent.mkdir()
    ahead.write_bytes(b"from a clock far ahead")
    path.write_bytes(b"now")
    made = keep_copy(path, 1)
    assert dated_copies(path) == [made] and made.read_bytes() == b"now"
    assert made.name == "a (bản lưu 2999-01-01 000000-2).xlsx"


def test_keep_copy_skips_an_unchanged_file_and_keeps_all_with_none(tmp_path):
    from sheets_tools.core.files import dated_copies, keep_copy
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"same")
    first = keep_copy(path, 3)
    assert first is not None and keep_copy(path, 3) is None  # the newest copy holds the same bytes
    assert keep_copy(tmp_path / "missing.xlsx", 3) is None
    for n in range(5):
        path.write_bytes(f"v{n}".encode())
        keep_copy(path, None)
    assert len(dated_copies(path)) == 6
    path.write_bytes(b"changed")
    assert keep_copy(path, 0) is None and len(dated_copies(path)) == 6  # 0: no copy, nothing removed
