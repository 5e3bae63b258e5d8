"""Nothing is lost: a collect killed mid-run, and two runs at once on one campaign."""
from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_tools.cli import main
from sheets_tools.store.ledger import Ledger
from workbooks import make_return

JAN = datetime(2024, 1, 20, 9, 0).timestamp()


def _inbox(camp, folder: Path, versions: int) -> list[Path]:
    """``versions`` returns per unit, each with different people (so each is a new submission)."""
    files = []
    for v in range(versions):
        for u in camp.units:
            people = [{"family_name": "Nguyễn Văn", "given_name": f"{u.code} {v} {k}",
                       "birth_date": date(1980, 1 + k % 12, 1 + v % 28), "sex": "Nam",
                       "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Lao động tiên tiến"} for k in range(5)]
            path = make_return(folder / f"{u.code}-{v}.xlsx", camp, u.code, {"individuals": people})
            os.utime(path, (JAN + v * 60, JAN + v * 60))
            files.append(path)
    return files


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db.as_posix()}?mode=ro", uri=True, timeout=1) as con:
            return con.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_a_collect_killed_midway_loses_nothing(camp, tmp_path):
    (tmp_path / "inbox").mkdir()
    files = _inbox(camp, tmp_path / "inbox", versions=12)
    db = camp.dir / "ledger.sqlite"
    proc = subprocess.Popen([sys.executable, "-m", "sheets_tools.cli", "collect", str(camp.dir),
                             str(tmp_path / "inbox"), "--no-feedback"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _count(db) < 20 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.kill()
    proc.wait(timeout=30)
    recorded = _count(db)
    assert 0 < recorded < len(files), "the run must be killed in the middle"

    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with Ledger(camp.dir) as ledger:
        subs = ledger.submissions()
        assert len(subs) == recorded
        for sub in subs:  # every recorded submission has its archived copy and its rows
            archived = camp.dir / sub.archive
            assert hashlib.sha256(archived.read_bytes()).hexdigest() == sub.sha256
            assert len(list(ledger.rows(sub.id, "individuals"))) == 5
    assert (camp.dir / ".sheets-tools.lock").exists()  # left behind by the killed process

    again = CliRunner().invoke(main, ["collect", str(camp.dir), str(tmp_path / "inbox"), "--no-feedback"])
    assert again.exit_code == 0, again.output  # the dead process's lock is taken over
    with Ledger(camp.dir) as ledger:
        subs = ledger.submissions()
        assert sorted(s.name for s in subs) == sorted(f.name for f in files)  # each file exactly once
        assert len(ledger.current("registration")) == len(camp.units)
    assert not (camp.dir / ".sheets-tools.lock").exists()
    assert not list((camp.dir / "archive").rglob(".tmp-*"))  # a half-written copy is swept away


@pytest.mark.parametrize("command", [["collect", "{dir}", "{dir}/inbox"], ["consolidate", "{dir}"]])
def test_a_second_run_at_once_is_refused(camp, command):
    (camp.dir / "inbox").mkdir()
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (camp.dir / ".sheets-tools.lock").write_text(f"collect pid={holder.pid} 01/01/2024", encoding="utf-8")
        args = [a.format(dir=camp.dir) for a in command]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 3
        assert "đang được xử lý bởi một lệnh khác" in result.output
        assert not (camp.dir / "ledger.sqlite").exists() or command[0] == "consolidate"
    finally:
        holder.kill()
        holder.wait()
