"""What the office types in a "Ghi chú" column of the master stays: read back at the next `consolidate`, kept
with its unit (not its row number) when rows move or the unit sends again, text starting with "=" stays text,
a note whose row is gone is listed on "Vấn đề tồn đọng" and comes back with its row; an emptied cell drops it."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.cli import main

HEAD = 6  # the Excel row of the column labels
STATUS = "Tình hình nộp"
PROBLEMS = "Vấn đề tồn đọng"


def run(*args) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    sent_back = args[0] == "collect" and "Bị trả lại" in result.output  # exit status 1: data problems found
    assert result.exit_code == (1 if sent_back else 0), result.output
    return result.output


def master(folder: Path) -> Path:
    return next((folder / "master").glob("Tổng hợp thi đua *.xlsx"))


def columns(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[HEAD] if c.value}


def find_row(ws, **wanted) -> int:
    """The row whose cells under the labels ``wanted`` hold those values."""
    cols = columns(ws)
    return next(r for r in range(HEAD + 1, ws.max_row + 1)
                if all(ws.cell(row=r, column=cols[label]).value == value for label, value in wanted.items()))


def note_at(path: Path, sheet: str, **wanted):
    ws = load_workbook(path)[sheet]
    return ws.cell(row=find_row(ws, **wanted), column=columns(ws)["Ghi chú"])


def type_note(path: Path, sheet: str, text: str | None, **wanted) -> None:
    """The office types ``text`` in the row's "Ghi chú" cell (as text, even "=1+1") and saves."""
    wb = load_workbook(path)
    ws = wb[sheet]
    cell = ws.cell(row=find_row(ws, **wanted), column=columns(ws)["Ghi chú"])
    cell.value = text
    if text is not None:
        cell.data_type = "s"
    wb.save(path)


def sort_rows_backwards(path: Path, sheet: str) -> None:
    """The office sorts the table the other way round (Excel moves whole rows)."""
    wb = load_workbook(path)
    ws = wb[sheet]
    last = next((r for r in range(HEAD + 1, ws.max_row + 1) if ws.cell(row=r, column=1).value is None),
                ws.max_row + 1) - 1
    rows = [[(c.value, c.data_type) for c in ws[r]] for r in range(HEAD + 1, last + 1)]
    for r, values in zip(range(HEAD + 1, last + 1), reversed(rows)):
        for c, (value, kind) in enumerate(values, start=1):
            ws.cell(row=r, column=c).value = value
            if value is not None and kind == "s":
                ws.cell(row=r, column=c).data_type = "s"
    wb.save(path)


def test_status_note_stays_with_its_unit_through_a_sort_and_a_new_return(camp, return_file):
    run("collect", camp.dir, return_file("VP", camp=camp), "--no-feedback")
    run("consolidate", camp.dir)
    path = master(camp.dir)
    vp, ttr = {"Mã đơn vị": "VP", "Biểu mẫu": "Đăng ký thi đua"}, {"Mã đơn vị": "TTR", "Biểu mẫu": "Đăng ký thi đua"}
    type_note(path, STATUS, "Đã gọi điện nhắc bổ sung hồ sơ", **vp)
    type_note(path, STATUS, "=1+1", **ttr)
    sort_rows_backwards(path, STATUS)
    run("consolidate", camp.dir)
    assert note_at(path, STATUS, **vp).value == "Đã gọi điện nhắc bổ sung hồ sơ"
    formula_like = note_at(path, STATUS, **ttr)
    assert (formula_like.value, formula_like.data_type) == ("=1+1", "s")  # text stays text
    run("collect", camp.dir, return_file("VP", name="b.xlsx", camp=camp), "--no-feedback")  # VP sends again
    run("consolidate", camp.dir)
    assert note_at(path, STATUS, **vp).value == "Đã gọi điện nhắc bổ sung hồ sơ"
    assert note_at(path, STATUS, **{"Mã đơn vị": "VP", "Biểu mẫu": "Đăng ký đề tài, sáng kiến"}).value is None
    type_note(path, STATUS, None, **vp)  # the office clears its note: it goes
    run("consolidate", camp.dir)
    assert note_at(path, STATUS, **vp).value is None


def test_note_on_a_ranking_sheet_stays(demo_copy):
    run("consolidate", demo_copy)
    path = master(demo_copy)
    wb = load_workbook(path)
    sheet = next(name for name in wb.sheetnames if name.endswith("Xếp hạng khối 1"))  # the first block's ranking
    ws = wb[sheet]
    unit = ws.cell(row=HEAD + 2, column=columns(ws)["Mã đơn vị"]).value
    type_note(path, sheet, "Đề nghị Hội đồng xem lại điểm thưởng", **{"Mã đơn vị": unit})
    sort_rows_backwards(path, sheet)
    run("consolidate", demo_copy)
    assert note_at(path, sheet, **{"Mã đơn vị": unit}).value == "Đề nghị Hội đồng xem lại điểm thưởng"
    ws = load_workbook(path)[sheet]
    assert ws.column_dimensions[ws.cell(row=HEAD, column=columns(ws)["Mã dòng"]).column_letter].hidden


def _deadlines(folder: Path, change) -> None:
    """The office changes the sheet "Thời hạn" of campaign.xlsx with ``change(ws)``."""
    path = folder / campaign_mod.CAMPAIGN_FILE
    wb = load_workbook(path)
    change(wb["Thời hạn"])
    wb.save(path)


def test_a_note_whose_row_is_gone_is_listed_and_comes_back(camp):
    run("consolidate", camp.dir)
    path = master(camp.dir)
    where = {"Mã đơn vị": "VP", "Biểu mẫu": "Đăng ký đề tài, sáng kiến"}
    type_note(path, STATUS, "Đơn vị xin lùi hạn nộp", **where)
    kept = []

    def drop(ws):  # the form has no deadline for now: its rows leave the status sheet
        row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == "initiatives")
        kept.append([c.value for c in ws[row]])
        ws.delete_rows(row)
    _deadlines(camp.dir, drop)
    run("consolidate", camp.dir)
    wb = load_workbook(path)
    assert not any(c.value == where["Biểu mẫu"] for c in wb[STATUS]["D"])
    ws = wb[PROBLEMS]
    message = columns(ws)["Nội dung"]
    listed = [ws.cell(row=r, column=message).value for r in range(HEAD + 1, ws.max_row + 1)
              if "Đơn vị xin lùi hạn nộp" in str(ws.cell(row=r, column=message).value)]
    assert len(listed) == 1 and f"trang \"{STATUS}\"" in listed[0] and "sẽ hiện lại" in listed[0]
    _deadlines(camp.dir, lambda ws: ws.append(kept[0]))
    run("consolidate", camp.dir)
    assert note_at(path, STATUS, **where).value == "Đơn vị xin lùi hạn nộp"
    ws = load_workbook(path)[PROBLEMS]
    assert not any("Đơn vị xin lùi hạn nộp" in str(c.value) for row in ws.iter_rows() for c in row)
