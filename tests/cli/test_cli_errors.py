"""Errors a person can act on (issue 12, item 8): a failure of the disk, a folder, a locked or damaged ledger
is one Vietnamese message naming the path and what to do, exit status 1, never a traceback (only with
--debug); a command run with --json prints a JSON error object on stdout."""
from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.campaign import writer as campaign_writer
from sheets_tools.cli import main
from sheets_tools.forms import registration
from sheets_tools.master.consolidate import master_path
from workbooks import with_setting

LEDGER = "ledger.sqlite"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def failed(result, *expected: str) -> None:
    """Exit 3 (the campaign cannot be used), no traceback, a Vietnamese message ("Lỗi: ...") holding every
    ``expected`` text."""
    assert result.exit_code == 3, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.stderr.startswith("Lỗi: "), result.stderr
    for text in expected:
        assert text in result.stderr, (text, result.stderr)


def json_error(result) -> dict:
    assert result.exit_code == 3, result.output
    return json.loads(result.stdout)["error"]


@pytest.fixture
def used(camp, return_file):
    """The sample campaign after one unit's return was collected (it has a ledger and an archive)."""
    result = run("collect", camp.dir, return_file("VP", camp=camp))
    assert result.exit_code == 1, result.output
    return camp


def test_a_file_where_the_master_folder_should_be(used):
    (used.dir / "master").write_text("không phải thư mục", encoding="utf-8")
    result = run("consolidate", used.dir)
    failed(result, str(used.dir / "master"), "là một tệp, nhưng ở đây cần một thư mục", "chạy lại lệnh")
    debug = run("--debug", "consolidate", used.dir)
    assert debug.exit_code == 1 and isinstance(debug.exception, OSError)  # --debug: the real error, traceback


def test_a_folder_where_the_master_workbook_should_be(used):
    master_path(used).mkdir(parents=True)
    result = run("consolidate", used.dir)
    failed(result, str(master_path(used)), "là một thư mục, nhưng ở đây cần một tệp")


def test_a_ledger_locked_by_another_program(used, return_file, monkeypatch):
    monkeypatch.setattr("sheets_tools.store.ledger.BUSY_TIMEOUT_S", 0.2, raising=False)  # do not wait 5 s
    other = sqlite3.connect(used.dir / LEDGER, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        result = run("consolidate", used.dir)
        failed(result, str(used.dir / LEDGER), "đang bị một chương trình khác giữ")
        error = json_error(run("collect", used.dir, return_file("TTR", name="ttr.xlsx", camp=used), "--json"))
        assert error["code"] == "error.db_locked" and error["path"] == str(used.dir / LEDGER)
        assert "đang bị một chương trình khác giữ" in error["message"]
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_ledger_of_random_bytes(used):
    (used.dir / LEDGER).write_bytes(random.Random(8).randbytes(20_000))
    for name in ("-wal", "-shm"):
        (used.dir / (LEDGER + name)).unlink(missing_ok=True)
    failed(run("consolidate", used.dir), str(used.dir / LEDGER), "ledger rebuild")
    for args in (["collect", used.dir, used.dir], ["status", used.dir],
                 ["validate", used.dir / "campaign.xlsx", "--campaign", used.dir], ["ledger", "check", used.dir]):
        result = run(*args, "--json")
        if args[0] == "ledger":
            assert json.loads(result.stdout)["findings"][0]["code"] == "ledger.lost"
            continue
        error = json_error(result)
        assert error["code"] == "ledger.lost" and error["path"] == str(used.dir / LEDGER)


def test_a_bug_is_a_short_message_and_the_traceback_only_with_debug(used, monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")
    monkeypatch.setattr("sheets_tools.cli.cycle.board", broken)  # stands for a bug in the library
    failed(run("status", used.dir), "Lỗi không mong đợi", "ZeroDivisionError", "--debug")
    error = json_error(run("status", used.dir, "--json"))
    assert error["code"] == "error.unexpected"
    debug = run("--debug", "status", used.dir)
    assert isinstance(debug.exception, ZeroDivisionError)


# --- a read-only folder and a full disk: real file systems ------------------------------------------------
def _root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def small_fs(tmp_path):
    """A real small file system (tmpfs, 4 MB) mounted at ``tmp_path / "fs"``; skipped where it cannot be."""
    where = tmp_path / "fs"
    where.mkdir()
    if not (sys.platform.startswith("linux") and _root()):
        pytest.skip("mounting a small file system needs Linux and root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(where)], capture_output=True)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace')}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def _campaign_on(folder: Path, return_file) -> Path:
    directory = folder / "dot"
    campaign_writer.create(directory, sample="daklak-2024")
    camp = campaign_mod.load(directory)
    assert run("collect", directory, return_file("VP", camp=camp)).exit_code == 1
    return directory


def test_a_read_only_campaign_folder(tmp_path, small_fs, return_file):
    """As root, permissions do not stop a write: the folder is on a file system remounted read-only."""
    directory = _campaign_on(small_fs, return_file)
    assert subprocess.run(["mount", "-o", "remount,ro", str(small_fs)]).returncode == 0
    result = run("consolidate", directory)
    failed(result, str(directory), "chạy lại lệnh")
    assert "chỉ đọc" in result.stderr
    error = json_error(run("collect", directory, return_file("TTR", name="ttr.xlsx"), "--json"))
    assert error["path"] and str(directory) in error["path"] and "chỉ đọc" in error["message"]


@pytest.mark.skipif(_root() or not hasattr(os, "geteuid"), reason="root writes into read-only folders")
def test_a_read_only_campaign_folder_by_permissions(used):
    folders = [used.dir, *(p for p in used.dir.rglob("*") if p.is_dir())]
    for p in folders:
        p.chmod(0o555)
    try:
        result = run("consolidate", used.dir)
        failed(result, str(used.dir), "chạy lại lệnh")
    finally:
        for p in folders:
            p.chmod(0o755)


def test_a_full_disk(small_fs, return_file):
    directory = _campaign_on(small_fs, return_file)
    with open(small_fs / "filler", "wb") as fh:  # fill what is left
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass
    result = run("consolidate", directory)
    failed(result, "Ổ đĩa đã đầy", str(directory), "giải phóng dung lượng")
    error = json_error(run("collect", directory, return_file("TTR", name="ttr.xlsx"), "--json"))
    assert error["code"] == "error.disk_full"


def test_a_bug_in_one_files_rules_is_that_files_finding_and_the_run_goes_on(camp, return_file, monkeypatch):
    """"One bad file never stops the run": a form's rules failing on one file (a bug, or a value they did not
    foresee) send that file back with a message for the office; the others are recorded. ``--debug`` raises."""
    rules = registration.check

    def failing_for_ttr(result, *args):
        if result.unit_code == "TTR":
            raise OverflowError("cannot convert float infinity to integer")
        return rules(result, *args)
    monkeypatch.setattr(registration, "check", failing_for_ttr)
    with_setting(camp, "collect_workers", 1)
    person = {"individuals": [{"family_name": "Nguyễn Thị", "given_name": "Hoa", "birth_date": "15/03/1985",
                               "sex": "Nữ", "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Lao động tiên tiến"}]}
    files = [return_file(code, person, name=f"{code}.xlsx", camp=camp) for code in ("VP", "TTR")]
    result = run("collect", camp.dir, *files, "--json")
    assert result.exit_code == 1, result.output
    answers = {f["unit"]: f for f in json.loads(result.stdout)["files"]}
    assert answers["TTR"]["status"] == "rejected" and answers["VP"]["status"] != "rejected", answers
    failed = [f for f in answers["TTR"]["findings"] if f["code"] == "file.check_failed"]
    assert len(failed) == 1 and "OverflowError" in failed[0]["message"]
    assert not any(f["code"] == "file.check_failed" for f in answers["VP"]["findings"])
    other = {"individuals": [{**person["individuals"][0], "given_name": "Lan"}]}  # not the file already taken
    debug = run("--debug", "collect", camp.dir, return_file("TTR", other, name="ttr-2.xlsx", camp=camp))
    assert isinstance(debug.exception, OverflowError)
    assert "SHEETS_TOOLS_DEBUG" not in os.environ  # for this command only
