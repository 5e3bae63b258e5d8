"""``sheets-tools ledger rebuild`` and ``ledger check`` (issue 12, item 1): a lost ledger comes back from the
archive as it was (submissions, supersession, lateness, findings, documents), with the office's entries, the
council's votes and the award history; the check names every archived file that is missing, changed or
unknown."""
from __future__ import annotations

import json
import random
import shutil
import sqlite3
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from sheets_tools.cli import main
from sheets_tools.recovery.archive import archive_files
from sheets_tools.store import sidecar
from workbooks import without_stamp

LEDGER = "ledger.sqlite"
MASTER = Path("master") / "Tổng hợp thi đua 2024.xlsx"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def tables(folder: Path) -> dict[str, list[tuple]]:
    """The ledger as comparable tuples: submissions by sha256 (ids differ after a rebuild), their rows,
    findings and documents, the office's entries, the council's votes, the award history."""
    con = sqlite3.connect(f"file:{(folder / LEDGER).as_posix()}?mode=ro", uri=True)
    try:
        sha = dict(con.execute("SELECT id, sha256 FROM submissions"))
        have = {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}

        def rows(sql: str, first_is_submission: bool = True) -> list[tuple]:
            return sorted(((sha[r[0]],) + r[1:]) if first_is_submission else r for r in con.execute(sql))

        return {
            "submissions": sorted(r[1:-1] + (sha.get(r[-1]),) for r in con.execute("SELECT * FROM submissions")),
            "rows": rows("SELECT * FROM rows"),
            "findings": rows("SELECT * FROM findings"),
            "documents": rows("SELECT * FROM documents"),
            "office": rows("SELECT scope, key, field, value FROM office_entries", False) if "office_entries" in have else [],
            "votes": rows("SELECT * FROM council_votes", False) if "council_votes" in have else [],
            "awards": sorted(r[1:] for r in con.execute("SELECT * FROM awards")) if "awards" in have else [],
        }
    finally:
        con.close()


def without_saved_at(votes: list[tuple]) -> list[tuple]:
    return sorted(v[:-1] for v in votes)  # the time a tally saved them: the rebuild tallies again


def master_values(folder: Path) -> dict[str, list[tuple]]:
    """Every sheet's values, the moment each subtitle says the figures were taken left out (two consolidates
    a minute apart differ there alone)."""
    book = load_workbook(folder / MASTER, read_only=True)
    try:
        return {ws.title: [tuple(without_stamp(v) for v in row)
                           for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    finally:
        book.close()


def lose_ledger(folder: Path) -> None:
    for name in (LEDGER, LEDGER + "-wal", LEDGER + "-shm"):
        (folder / name).unlink(missing_ok=True)


def test_a_lost_ledger_comes_back_as_it_was(demo_copy):
    assert run("consolidate", demo_copy).exit_code == 0  # as the office does: the ledger is copied first
    before, master = tables(demo_copy), master_values(demo_copy)
    assert before["office"] and before["votes"] and before["awards"] and before["documents"]
    lose_ledger(demo_copy)
    result = run("ledger", "rebuild", demo_copy)
    assert result.exit_code == 0, result.output
    assert f"Đã nhận lại {len(before['submissions'])} tệp" in result.stdout
    after = tables(demo_copy)
    for name in ("submissions", "rows", "findings", "documents", "office", "awards"):
        assert after[name] == before[name], name
    assert without_saved_at(after["votes"]) == without_saved_at(before["votes"])
    assert run("ledger", "check", demo_copy).exit_code == 0
    again = run("consolidate", demo_copy)
    assert again.exit_code == 0, again.output
    assert master_values(demo_copy) == master  # the same data rows and the office's typed checked scores


def test_a_valid_ledger_is_rebuilt_only_with_force_and_kept_as_a_copy(demo_copy):
    ledger = demo_copy / LEDGER
    data, before = ledger.read_bytes(), tables(demo_copy)
    refused = run("ledger", "rebuild", demo_copy)
    assert refused.exit_code == 3
    assert "--force" in refused.stderr and "vẫn dùng được" in refused.stderr
    assert ledger.read_bytes() == data and not (demo_copy / "backup").exists()
    forced = run("ledger", "rebuild", demo_copy, "--force")
    assert forced.exit_code == 0, forced.output
    kept = list((demo_copy / "backup").glob("ledger-*.sqlite"))
    assert len(kept) == 1 and str(kept[0]) in forced.stdout
    old = sqlite3.connect(f"file:{kept[0].as_posix()}?mode=ro", uri=True)
    try:
        assert old.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == len(before["submissions"])
    finally:
        old.close()
    after = tables(demo_copy)
    assert [s[0] for s in after["submissions"]] == [s[0] for s in before["submissions"]]
    for name in ("rows", "documents", "office", "awards"):
        assert after[name] == before[name], name


def test_a_damaged_ledger_is_moved_aside_never_deleted(demo_copy):
    garbage = random.Random(5).randbytes(50_000)
    lose_ledger(demo_copy)
    (demo_copy / LEDGER).write_bytes(garbage)
    result = run("ledger", "rebuild", demo_copy)
    assert result.exit_code == 0, result.output
    aside = list(demo_copy.glob(LEDGER + ".damaged-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == garbage
    assert aside[0].name in result.stdout
    archived = {p.name.split("-", 1)[0] for p in (demo_copy / "archive").rglob("*.xlsx")}
    assert {s[0][:16] for s in tables(demo_copy)["submissions"]} == archived
    assert not list(demo_copy.glob(".ledger-rebuild*"))


def test_without_a_copy_the_report_says_what_could_not_come_back(demo_copy):
    before = tables(demo_copy)
    lose_ledger(demo_copy)
    result = run("ledger", "rebuild", demo_copy)
    assert result.exit_code == 0, result.output
    assert "lịch sử khen thưởng" in result.stdout and "không dựng lại được" in result.stdout
    assert "history import" in result.stdout
    after = tables(demo_copy)
    assert [s[0] for s in after["submissions"]] == [s[0] for s in before["submissions"]]
    assert after["awards"] == []


def _kept(folder: Path) -> dict:
    kept, bad = sidecar.read_all(folder, archive_files(folder))
    assert not bad
    return kept


def test_files_archived_without_a_sidecar_come_back_by_their_date(demo_copy):
    kept = _kept(demo_copy)
    assert kept and not list((demo_copy / "archive").rglob("*.json"))  # the runs' journals hold them all
    shutil.rmtree(demo_copy / "archive" / sidecar.JOURNAL_DIR)
    check = run("ledger", "check", demo_copy)
    assert f"{len(kept)} tệp đã nhận không có thông tin đi kèm" in check.stdout, check.stdout
    lose_ledger(demo_copy)
    result = run("ledger", "rebuild", demo_copy)
    assert result.exit_code == 0, result.output
    assert f"{len(kept)} tệp trong archive không có tệp thông tin đi kèm" in result.stdout
    assert len(tables(demo_copy)["submissions"]) == len(kept)


def test_the_sidecar_files_of_earlier_versions_still_rebuild_the_ledger(demo_copy):
    """Versions before the journals kept a sidecar file beside each archived copy: a rebuild reads them, and
    guesses nothing."""
    assert run("consolidate", demo_copy).exit_code == 0  # the ledger is copied first: the award history comes back
    before, kept = tables(demo_copy), _kept(demo_copy)
    for archived, sc in kept.items():
        sidecar.path_of(archived).write_text(json.dumps(sidecar.to_json(sc), ensure_ascii=False, default=str),
                                             encoding="utf-8")
    shutil.rmtree(demo_copy / "archive" / sidecar.JOURNAL_DIR)
    check = run("ledger", "check", demo_copy)
    assert check.exit_code == 0 and "không có lỗi" in check.stdout, check.stdout
    lose_ledger(demo_copy)
    result = run("ledger", "rebuild", demo_copy)
    assert result.exit_code == 0, result.output
    assert "không có tệp thông tin đi kèm" not in result.stdout
    assert tables(demo_copy)["submissions"] == before["submissions"]
    assert _kept(demo_copy) == kept  # the rebuild's journal says what the sidecar files said


def test_ledger_check_names_what_is_missing_changed_or_unknown(demo_copy):
    whole = run("ledger", "check", demo_copy)
    assert whole.exit_code == 0, whole.output
    assert "không có lỗi" in whole.stdout
    con = sqlite3.connect(f"file:{(demo_copy / LEDGER).as_posix()}?mode=ro", uri=True)
    (first,), (second,) = con.execute("SELECT archive FROM submissions ORDER BY id LIMIT 2").fetchall()
    (document,) = con.execute("SELECT archive FROM documents LIMIT 1").fetchone()
    con.close()
    (demo_copy / first).write_bytes(b"changed")
    (demo_copy / second).unlink()
    (demo_copy / document).unlink()
    stray = demo_copy / "archive" / "zz" / "0123456789abcdef-la.xlsx"
    stray.parent.mkdir()
    stray.write_bytes(b"x")
    result = run("ledger", "check", demo_copy)
    assert result.exit_code == 1
    out = result.stdout
    assert f"Tệp lưu {demo_copy / first}" in out and "đã bị thay đổi" in out
    assert f"Không còn tệp lưu {demo_copy / second}" in out
    assert f"Không còn tài liệu {demo_copy / document}" in out
    assert f"Tệp {stray} trong thư mục archive không có trong sổ ghi nhận" in out and "ledger rebuild" in out
    report = json.loads(run("ledger", "check", demo_copy, "--json").stdout)
    assert report["valid"] is False
    assert {f["code"] for f in report["findings"]} == {
        "ledger.archive_changed", "ledger.archive_missing", "ledger.archive_unknown", "ledger.document_missing"}
