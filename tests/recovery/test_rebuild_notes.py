"""``sheets-tools ledger rebuild`` takes the office's notes back from the master's "Ghi chú" columns, as it
takes back the office's other entries: a note typed after the last ``consolidate`` (so in no ledger copy)
survives ``ledger rebuild --force``, is kept in the new ledger and comes back on its sheet even when that
master is gone before the next ``consolidate``."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from sheets_tools.cli import main
from sheets_tools.master.book import HEADER
from sheets_tools.master.consolidate import master_path
from sheets_tools.master.notes import NOTE_LABEL, stored
from sheets_tools.master.sheets import STATUS_SHEET
from sheets_tools.store.ledger import Ledger

HEAD = HEADER + 1  # the Excel row of the column labels
NOTE = "Đơn vị hẹn gửi bản ký số trước 25/01"
VP = {"Mã đơn vị": "VP", "Biểu mẫu": "Đăng ký thi đua"}
PERSON = {"family_name": "Nguyễn Thị", "given_name": "Hoa", "birth_date": date(1985, 3, 15), "sex": "Nữ",
          "position": "Chuyên viên", "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Lao động tiên tiến"}


def run(*args) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.output


def note_cell(ws, **wanted):
    """The "Ghi chú" cell of the row whose cells under the labels ``wanted`` hold those values."""
    cols = {c.value: c.column for c in ws[HEAD] if c.value}
    row = next(r for r in range(HEAD + 1, ws.max_row + 1)
               if all(ws.cell(row=r, column=cols[label]).value == value for label, value in wanted.items()))
    return ws.cell(row=row, column=cols[NOTE_LABEL])


def type_note(path: Path, text: str, **wanted) -> None:
    """The office types ``text`` in the status sheet's "Ghi chú" cell of a row and saves the master."""
    wb = load_workbook(path)
    note_cell(wb[STATUS_SHEET], **wanted).value = text
    wb.save(path)


def test_a_note_typed_in_the_master_survives_a_forced_rebuild(camp, return_file):
    run("collect", camp.dir, return_file("VP", {"individuals": [PERSON]}, camp=camp), "--no-feedback")
    run("consolidate", camp.dir)
    path = master_path(camp)
    type_note(path, NOTE, **VP)  # typed after the last consolidate: in no ledger yet
    out = run("ledger", "rebuild", camp.dir, "--force")
    assert f"Số liệu Văn phòng đã nhập: 1 ô, lấy lại từ {path}" in out
    with Ledger(camp.dir) as ledger:
        kept = stored(ledger)
    assert [e["note"] for e in kept.values()] == [NOTE]
    [entry] = kept.values()
    assert entry["sheet"] == STATUS_SHEET and entry["unit"] == "VP"
    path.unlink()  # the master is lost (or replaced) before the next consolidate: the ledger still has it
    run("consolidate", camp.dir)
    assert note_cell(load_workbook(path)[STATUS_SHEET], **VP).value == NOTE
