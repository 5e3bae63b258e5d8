"""What the office typed into the master survives: each consolidate keeps the master it replaces as a dated
copy in "master/bản cũ/" (the newest few, setting "master_copies"), never taken for the master the office
edited; a master that cannot be read back (damaged, emptied, its sheets deleted) erases nothing stored.
Through the command line, on a copy of the demo campaign."""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.cli import main
from sheets_tools.core.findings import message
from sheets_tools.forms.initiatives import COUNCIL_SHEET
from sheets_tools.forms.nominations import LIST_SHEET
from sheets_tools.forms.scoring import CHECK_SHEET
from sheets_tools.master.consolidate import master_path
from sheets_tools.store.ledger import Ledger

UNIT = "TTR"
CHECKED, KEY = "Điểm thẩm định", "Mã đơn vị"
COPIES = "bản cũ"


def consolidate(folder: Path, said: str = "Đã ghi bảng tổng hợp") -> str:
    result = CliRunner().invoke(main, ["consolidate", str(folder)])
    assert result.exit_code == 0, result.output
    assert said in result.output
    return result.output


def master_of(folder: Path) -> Path:
    return master_path(campaign_mod.load(folder))


def copies(folder: Path) -> list[Path]:
    """The dated copies of the master, by name (the date in the name sorts them)."""
    master = master_of(folder)
    pattern = re.compile(re.escape(master.stem) + r" \(bản lưu \d{4}-\d{2}-\d{2} \d{6}(-\d+)?\)\.xlsx")
    return sorted(p for p in (master.parent / COPIES).glob("*.xlsx") if pattern.fullmatch(p.name))


def check_row(ws) -> tuple[dict, dict]:
    rows = list(ws.iter_rows())
    head = next(r for r in rows if {KEY, CHECKED} <= {c.value for c in r})
    cols = {c.value: c.column - 1 for c in head}
    units = {r[cols[KEY]].value: r for r in rows[head[0].row:]}
    return cols, units


def type_checked(path: Path, value, unit: str = UNIT) -> None:
    wb = load_workbook(path)
    cols, units = check_row(wb[CHECK_SHEET])
    units[unit][cols[CHECKED]].value = value
    wb.save(path)


def checked_in(path: Path, unit: str = UNIT):
    cols, units = check_row(load_workbook(path)[CHECK_SHEET])
    return units[unit][cols[CHECKED]].value


def office_entries(folder: Path) -> list[tuple]:
    with Ledger(folder) as ledger:
        return ledger.db.execute("SELECT scope, key, field, value FROM office_entries ORDER BY 1, 2, 3").fetchall()


def set_copies(folder: Path, value) -> None:
    """The office changes the setting "master_copies" in campaign.xlsx."""
    path = folder / campaign_mod.CAMPAIGN_FILE
    wb = load_workbook(path)
    ws = wb[campaign_mod.SETTINGS_SHEET]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == "master_copies")
    ws.cell(row=row, column=2).value = value
    wb.save(path)


# --- dated copies ------------------------------------------------------------------------------------------
def test_consolidate_keeps_the_master_it_replaces_as_a_dated_copy(demo_copy):
    master = master_of(demo_copy)
    type_checked(master, 7)
    typed = master.read_bytes()
    before = copies(demo_copy)  # the demo's own consolidates made some already
    output = consolidate(demo_copy)
    [copy] = [p for p in copies(demo_copy) if p not in before]
    assert copies(demo_copy)[-1] == copy and len(copies(demo_copy)) == min(len(before) + 1, 5)  # 5: the default
    assert copy.read_bytes() == typed and checked_in(copy) == 7  # the master as the office left it
    assert checked_in(master) == 7  # and the new master
    assert output.splitlines()[0] == f"Đã ghi bảng tổng hợp: {master}"
    # nothing beside the master that the next consolidate could take for a copy of an open master
    assert not list(master.parent.glob(f"{master.stem} (*){master.suffix}"))


def test_only_the_newest_copies_are_kept(demo_copy):
    set_copies(demo_copy, 2)
    master = master_of(demo_copy)
    old = time.time() - 86400
    # a copy Excel had open once (written beside it), and a file of the office's own in the copies' folder
    beside = master.with_name(f"{master.stem} (20241130-101500){master.suffix}")
    beside.write_bytes(master.read_bytes())
    os.utime(beside, (old, old))
    (master.parent / COPIES).mkdir(exist_ok=True)
    own = master.parent / COPIES / "Ghi chú của Văn phòng.xlsx"
    own.write_bytes(b"notes")
    for n in range(1, 5):  # 2 + 2 runs, each with a new score typed
        type_checked(master, 80 + n)
        consolidate(demo_copy)
    kept = copies(demo_copy)
    assert [checked_in(p) for p in kept] == [83, 84]  # the two newest, oldest first
    assert beside.exists() and own.read_bytes() == b"notes" and master.exists()


def test_entries_are_taken_from_the_master_not_from_a_copy(demo_copy):
    master = master_of(demo_copy)
    type_checked(master, 61)
    consolidate(demo_copy)
    type_checked(master, 62)
    consolidate(demo_copy)
    assert [checked_in(p) for p in copies(demo_copy)[-2:]] == [61, 62]
    soon = time.time() + 3600
    for copy in copies(demo_copy):  # the copies are newer than the master: still never read back
        os.utime(copy, (soon, soon))
    type_checked(master, 63)
    consolidate(demo_copy)
    assert checked_in(master) == 63
    with Ledger(demo_copy) as ledger:
        [(value,)] = ledger.db.execute("SELECT value FROM office_entries WHERE key = ? AND field = 'checked'",
                                       (UNIT,)).fetchall()
    assert json.loads(value) == 63


def test_no_copies_when_the_setting_is_0(demo_copy):
    set_copies(demo_copy, 0)
    before = {p: p.read_bytes() for p in copies(demo_copy)}
    type_checked(master_of(demo_copy), 64)
    consolidate(demo_copy)
    assert {p: p.read_bytes() for p in copies(demo_copy)} == before  # none made, none removed
    assert checked_in(master_of(demo_copy)) == 64


def test_a_master_open_in_excel_is_left_alone_and_not_copied(demo_copy):
    master = master_of(demo_copy)
    type_checked(master, 65)
    consolidate(demo_copy)
    before = copies(demo_copy)
    assert checked_in(before[-1]) == 65
    lock = master.with_name("~$" + master.name)
    lock.write_bytes(b"owner")
    consolidate(demo_copy, said="đang được mở")
    assert copies(demo_copy) == before  # the master was not replaced: nothing to keep


# --- a master that cannot be read back ---------------------------------------------------------------------
def _garbage(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04 this is not a workbook any more")


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _sheets_deleted(path: Path) -> None:
    wb = load_workbook(path)
    for name in (CHECK_SHEET, LIST_SHEET, COUNCIL_SHEET):
        del wb[name]
    wb.save(path)


@pytest.mark.parametrize(("damage", "codes"), [
    (_garbage, ["office.unreadable"]), (_empty, ["office.unreadable"]),
    (_sheets_deleted, ["office.no_sheet"])], ids=["damaged", "empty", "sheets deleted"])
def test_a_master_that_cannot_be_read_back_erases_nothing(demo_copy, damage, codes):
    """The checked scores, the nominations chosen for publication and the initiatives council's results
    stored before stay stored, the new master shows them, the office is told, and the file is kept."""
    master = master_of(demo_copy)
    before = office_entries(demo_copy)
    assert {scope for scope, *_ in before} == {"scoring.checked", "nominations.selected", "initiatives.council"}
    shown = checked_in(master)
    damage(master)
    damaged = master.read_bytes()
    output = consolidate(demo_copy)
    assert office_entries(demo_copy) == before
    assert checked_in(master) == shown is not None
    assert copies(demo_copy)[-1].read_bytes() == damaged  # kept for the office to open by hand
    lines = [line for line in output.splitlines() if line.startswith(f"- {master}")]
    if codes == ["office.no_sheet"]:
        assert sorted(lines) == sorted(f"- {master}, trang \"{sheet}\": {message('office.no_sheet', sheet=sheet)}"
                                       for sheet in (CHECK_SHEET, LIST_SHEET, COUNCIL_SHEET))
    else:
        assert lines and all("Không đọc lại được bảng tổng hợp" in line for line in lines)
    wb = load_workbook(master)
    assert {CHECK_SHEET, LIST_SHEET, COUNCIL_SHEET} <= set(wb.sheetnames)


def test_a_damaged_master_is_kept_even_without_copies(demo_copy):
    set_copies(demo_copy, 0)
    master = master_of(demo_copy)
    before = copies(demo_copy)
    _garbage(master)
    consolidate(demo_copy)
    new = [p.read_bytes() for p in copies(demo_copy) if p not in before]
    assert new == [b"PK\x03\x04 this is not a workbook any more"] and set(before) <= set(copies(demo_copy))
