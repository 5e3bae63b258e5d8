"""A ledger is never silently new (issue 12, item 1): a missing, empty or damaged ledger.sqlite in a campaign
that has been used stops every command with a Vietnamese message saying how to recover, and nothing on disk
changes; a brand-new campaign still gets a fresh ledger."""
from __future__ import annotations

import hashlib
import json
import random
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_tools.cli import main

LEDGER = "ledger.sqlite"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def disk(folder: Path) -> dict[str, object]:
    """Every file's bytes and modification time, every folder, under ``folder``."""
    out: dict[str, object] = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_file():
            out[name] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
        else:
            out[name] = "folder"
    return out


def _drop_side_files(folder: Path) -> None:
    for suffix in ("-wal", "-shm"):
        (folder / (LEDGER + suffix)).unlink(missing_ok=True)


def break_ledger(folder: Path, state: str) -> None:
    """Make the campaign's ledger missing, empty, random bytes, cut short, or a folder."""
    path = folder / LEDGER
    data = path.read_bytes()
    _drop_side_files(folder)
    path.unlink()
    if state == "empty":
        path.write_bytes(b"")
    elif state == "garbage":
        path.write_bytes(random.Random(12).randbytes(len(data)))
    elif state == "truncated":
        path.write_bytes(data[:len(data) // 3])
    elif state == "folder":
        path.mkdir()


STATES = ["missing", "empty", "garbage", "truncated", "folder"]
COMMANDS = {
    "consolidate": lambda d: ["consolidate", d],
    "decision": lambda d: ["decision", d],
    "decision-number": lambda d: ["decision", d, "--number", "245/QĐ-STP", "--date", "15/12/2024"],
    "remind": lambda d: ["remind", d, "--today", "10/02/2024"],
    "status": lambda d: ["status", d],
    "collect": lambda d: ["collect", d, d / "inbox"],
    "issue": lambda d: ["issue", d, "--form", "registration"],
    "council-ballot": lambda d: ["council", "ballot", d],
    "council-tally": lambda d: ["council", "tally", d],
    "history-import": lambda d: ["history", "import", d, d / "lich-su-khen-thuong.xlsx"],
    "templates-build": lambda d: ["templates", "build", d],
    "validate": lambda d: ["validate", d / "templates" / "registration.xlsx", "--campaign", d],
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_lost_ledger_stops_every_command_and_nothing_changes(demo_copy, state, command):
    break_ledger(demo_copy, state)
    before = disk(demo_copy)
    result = run(*COMMANDS[command](demo_copy))
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    assert f"{demo_copy / LEDGER}" in result.stderr
    assert f"sheets-tools ledger rebuild {demo_copy}" in result.stderr
    assert "chưa ghi gì" in result.stderr
    assert disk(demo_copy) == before  # not one file written, created or touched; the ledger neither


def test_the_message_names_the_newest_backup(demo_copy):
    assert run("consolidate", demo_copy).exit_code == 0  # writes to the ledger: a copy goes to backup/
    copy = max((demo_copy / "backup").glob("ledger-*.sqlite"))
    break_ledger(demo_copy, "missing")
    result = run("decision", demo_copy)
    assert result.exit_code == 3
    assert str(copy) in result.stderr and "không còn" in result.stderr


def test_json_commands_print_the_error_object(demo_copy):
    break_ledger(demo_copy, "empty")
    result = run("status", demo_copy, "--json")
    assert result.exit_code == 3
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "ledger.lost"
    assert error["path"] == str(demo_copy / LEDGER)
    assert "rỗng (0 byte)" in error["message"] and "ledger rebuild" in error["message"]


def test_a_ledger_damaged_inside_is_a_clear_error_not_a_traceback(demo_copy):
    """The first page (the header) is whole, the pages after it are random: SQLite finds out only when it
    reads them ("database disk image is malformed")."""
    path = demo_copy / LEDGER
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page:] = random.Random(3).randbytes(len(data) - page)
    path.write_bytes(bytes(data))
    _drop_side_files(demo_copy)
    before = disk(demo_copy)
    result = run("status", demo_copy)
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    assert str(path) in result.stderr and "bị hỏng" in result.stderr and "ledger rebuild" in result.stderr
    assert {k: v for k, v in disk(demo_copy).items() if not k.startswith(LEDGER)} == \
        {k: v for k, v in before.items() if not k.startswith(LEDGER)}


@pytest.mark.parametrize("state", ["missing", "empty"])
def test_a_brand_new_campaign_still_gets_a_fresh_ledger(camp, return_file, state):
    if state == "empty":
        (camp.dir / LEDGER).write_bytes(b"")
    result = run("status", camp.dir)
    assert result.exit_code == 0, result.output
    collected = run("collect", camp.dir, return_file("VP", name="vp.xlsx", camp=camp), "--json")
    assert collected.exit_code == 1, collected.output
    assert [f["unit"] for f in json.loads(collected.stdout)["files"]] == ["VP"]
    assert not (camp.dir / "backup").exists()  # a new, empty ledger is not copied


def test_a_campaign_with_only_issued_forms_is_still_new(camp):
    """outbox/ holds files once forms are issued; nothing was collected yet, so there is no ledger to lose."""
    assert run("issue", camp.dir, "--form", "registration").exit_code == 0
    assert any((camp.dir / "outbox").rglob("*.xlsx"))
    result = run("remind", camp.dir, "--today", "10/02/2024")
    assert result.exit_code == 0, result.output


def test_ledger_check_reports_a_lost_ledger(demo_copy):
    shutil.rmtree(demo_copy / "backup", ignore_errors=True)
    break_ledger(demo_copy, "garbage")
    before = disk(demo_copy)
    result = run("ledger", "check", demo_copy)
    assert result.exit_code == 1
    assert "không phải cơ sở dữ liệu SQLite" in result.output and "ledger rebuild" in result.output
    assert disk(demo_copy) == before
    as_json = run("ledger", "check", demo_copy, "--json")
    assert as_json.exit_code == 1
    report = json.loads(as_json.stdout)
    assert report["valid"] is False and report["state"] == "not_database"
    assert [f["code"] for f in report["findings"]] == ["ledger.lost"]


def _without_tables(folder: Path, state: str) -> None:
    """A ledger that is an SQLite database but not the ledger: no table at all, or its rows dropped."""
    path = folder / LEDGER
    if state == "no_tables":
        _drop_side_files(folder)
        path.unlink()
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE x (a)")
        con.execute("DROP TABLE x")
    else:
        con = sqlite3.connect(path)
        con.execute("DROP TABLE rows")
    con.commit()
    con.close()


@pytest.mark.parametrize("state", ["no_tables", "rows_dropped"])
@pytest.mark.parametrize("command", ["consolidate", "remind", "collect", "status"])
def test_a_ledger_without_its_tables_is_never_made_anew(demo_copy, state, command):
    """Opening it used to create the missing tables empty: consolidate then emptied the master, remind wrote
    a reminder for every unit. It stops every command like a lost ledger; ``ledger check`` says so."""
    _without_tables(demo_copy, state)
    tables = _tables(demo_copy / LEDGER)
    before = {k: v for k, v in disk(demo_copy).items() if not k.startswith(LEDGER)}
    result = run(*COMMANDS[command](demo_copy))
    assert result.exit_code == 3, result.output
    assert "thiếu bảng dữ liệu của sổ" in result.stderr and "ledger rebuild" in result.stderr
    assert {k: v for k, v in disk(demo_copy).items() if not k.startswith(LEDGER)} == before
    assert _tables(demo_copy / LEDGER) == tables  # nothing created in it
    checked = run("ledger", "check", demo_copy, "--json")
    assert checked.exit_code == 1 and json.loads(checked.stdout)["state"] == "tables_missing"


def _tables(path: Path) -> set[str]:
    con = sqlite3.connect(path)
    try:
        return {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        con.close()


def test_a_first_run_killed_as_it_made_the_ledger_leaves_a_new_campaign(camp, return_file):
    """Killed before the ledger's tables were made (they are made in one transaction: all or none), with its
    -wal beside it: the campaign is still new, the next collect makes the ledger."""
    con = sqlite3.connect(camp.dir / LEDGER)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE x (a)")  # something in the -wal, then gone: a file with no table of the ledger
    con.execute("DROP TABLE x")
    con.commit()
    keep = sqlite3.connect(camp.dir / LEDGER)  # a second connection holds the -wal open, as a killed run leaves it
    keep.execute("SELECT 1").fetchall()
    try:
        assert (camp.dir / (LEDGER + "-wal")).exists()
        assert run("status", camp.dir).exit_code == 0
        collected = run("collect", camp.dir, return_file("VP", name="vp.xlsx", camp=camp), "--json")
        assert collected.exit_code == 1 and json.loads(collected.stdout)["files"][0]["unit"] == "VP"
        assert {"submissions", "rows", "findings", "documents"} <= _tables(camp.dir / LEDGER)
    finally:
        keep.close()
        con.close()
