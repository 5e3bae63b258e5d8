"""Copies of the ledger (issue 12, item 1): before a command writes to the ledger, a copy made with SQLite's
backup API goes to backup/; the newest ``backup_keep`` (campaign setting) are kept."""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from sheets_tools.cli import main
from workbooks import with_setting

NAME = re.compile(r"^ledger-(\d{8}-\d{6})(?:-(\d+))?\.sqlite$")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def copies(folder: Path) -> list[Path]:
    """The ledger copies in ``folder/backup``, oldest first (by the time in their names)."""
    found = [(NAME.match(p.name), p) for p in (folder / "backup").glob("*")] if (folder / "backup").is_dir() else []
    assert all(m for m, _ in found), [p.name for _, p in found]
    return [p for m, p in sorted(found, key=lambda mp: (mp[0].group(1), int(mp[0].group(2) or 1)))]


def units_in(path: Path) -> list[str]:
    con = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return [u for (u,) in con.execute("SELECT unit FROM submissions ORDER BY id")]
    finally:
        con.close()


def dump(path: Path) -> str:
    con = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    try:
        return "\n".join(con.iterdump())
    finally:
        con.close()


def test_the_newest_n_copies_are_kept_each_with_the_submissions_of_its_time(camp, return_file):
    camp = with_setting(camp, "backup_keep", 3)
    units = [u.code for u in camp.units][:6]
    for unit in units:  # N + 3 collects, each adding one submission
        result = run("collect", camp.dir, return_file(unit, name=f"{unit}.xlsx", camp=camp))
        assert result.exit_code == 1, result.output
    kept = copies(camp.dir)
    assert len(kept) == 3
    # the copy before collect k holds the k-1 submissions of the collects before it; the first collect
    # (a new ledger) made none; the oldest copies were dropped
    assert [units_in(p) for p in kept] == [units[:3], units[:4], units[:5]]
    assert not list((camp.dir / "backup").glob(".tmp-*"))
    assert not list((camp.dir / "backup").glob("*-wal"))  # each copy stands alone


def test_no_copies_when_the_setting_is_zero(camp, return_file):
    camp = with_setting(camp, "backup_keep", 0)
    for unit in ("VP", "TTR", "HCTP"):
        assert run("collect", camp.dir, return_file(unit, name=f"{unit}.xlsx", camp=camp)).exit_code == 1
    assert copies(camp.dir) == []


def test_every_command_that_writes_the_ledger_copies_it_first(demo_copy):
    ledger = demo_copy / "ledger.sqlite"
    writers = [["consolidate", demo_copy], ["council", "tally", demo_copy],
               ["decision", demo_copy, "--number", "245/QĐ-STP", "--date", "15/12/2024"],
               ["history", "import", demo_copy, demo_copy / "lich-su-khen-thuong.xlsx"],
               ["collect", demo_copy, demo_copy / "inbox"]]
    readers = [["status", demo_copy], ["decision", demo_copy], ["remind", demo_copy, "--today", "10/02/2024"],
               ["ledger", "check", demo_copy]]
    for args in writers:
        before = dump(ledger)
        result = run(*args)
        assert result.exit_code in (0, 1), result.output  # the tally may report findings (exit 1)
        assert "Traceback" not in result.output
        assert copies(demo_copy), args
        assert dump(copies(demo_copy)[-1]) == before, args  # the newest copy is the ledger before the command
    for args in readers:
        kept = copies(demo_copy)
        assert run(*args).exit_code in (0, 1)
        assert copies(demo_copy) == kept, args


def test_copies_made_in_one_second_keep_their_order_when_the_oldest_are_dropped(tmp_path, monkeypatch):
    """Several commands in one second: a dropped ``ledger-<second>.sqlite`` must not be reused for the next
    copy, which would then sort as the oldest and be the one dropped next."""
    from datetime import datetime

    from sheets_tools.store import backup

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 12, 3, 12, 0, 0)

    monkeypatch.setattr(backup, "datetime", Frozen)
    ledger = tmp_path / "ledger.sqlite"
    con = sqlite3.connect(ledger)
    con.execute("CREATE TABLE submissions (id INTEGER PRIMARY KEY, unit TEXT)")
    for unit in ("A", "B", "C", "D", "E"):
        con.execute("INSERT INTO submissions (unit) VALUES (?)", (unit,))
        con.commit()
        assert backup.take(tmp_path, keep=2) is not None
    con.close()
    assert [units_in(p) for p in copies(tmp_path)] == [list("ABCD"), list("ABCDE")]
