"""The master's sheets as a clerk reads them: in the order of the year, each named for its form within 31
characters (never cut in a word), each with its own title; problems in words (the code hidden); rows as tall
as their wrapped text; A4 one page wide with the labels repeated; protected, with the office's cells open."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from sheets_tools.cli import main
from sheets_tools.excel.fit import row_height
from sheets_tools.excel.style import TITLE_SIZE
from sheets_tools.formkit.declaration import load_forms
from sheets_tools.formkit.plugins import hook

HEAD = 6  # the Excel row of the column labels
FIRST, LAST = ["Tổng quan", "Tình hình nộp"], "Vấn đề tồn đọng"


@pytest.fixture
def book(demo_copy):
    result = CliRunner().invoke(main, ["consolidate", str(demo_copy)])
    assert result.exit_code == 0, result.output
    return load_workbook(next((demo_copy / "master").glob("Tổng hợp thi đua *.xlsx")))


def widths(ws) -> dict[int, float]:
    """Column number -> width, as the sheet sets them."""
    out = {}
    for dim in ws.column_dimensions.values():
        for c in range(dim.min, dim.max + 1):
            out[c] = dim.width
    return out


def merged_width(ws, row: int, col: int, width: dict[int, float]) -> float:
    for rng in ws.merged_cells.ranges:
        if rng.min_row <= row <= rng.max_row and rng.min_col == col:
            return sum(width.get(c, 8.43) for c in range(rng.min_col, rng.max_col + 1))
    return width.get(col, 8.43)


def test_sheets_follow_the_year_and_say_their_form(book):
    names = book.sheetnames
    assert names[:2] == FIRST and names[-1] == LAST
    forms = list(load_forms().values())
    labels = {f.id: hook(f.id, "MASTER_LABEL") for f in forms}
    assert all(labels.values()), labels
    assert all(len(n) <= 31 for n in names)
    owners = []
    for name in names[2:-1]:
        owner = [f.id for f in forms if name.startswith(f"{labels[f.id]} - ")]
        assert len(owner) == 1, name  # says which form it belongs to
        owners.append(owner[0])
    order = [f.id for f in forms]
    assert owners == sorted(owners, key=order.index)  # each form's sheets together, forms in the year's order
    for form in forms:  # the demo's year has every form: its tables by their own names, never cut
        for sheet in form.sheets:
            assert f"{labels[form.id]} - {sheet.name}" in names
    scoring = [n for n in names if n.startswith(labels["scoring"])]
    assert scoring[0] == f"{labels['scoring']} - Tự chấm điểm" and "Xếp hạng khối 1" in scoring[-2]
    proposals = [n for n in names if n.startswith(labels["proposals"])]
    assert proposals[-1].endswith("Kiểm tra hồ sơ")  # the checks after the proposals' tables


def test_every_sheet_has_its_own_title(book):
    titles = [ws["A3"].value for ws in book]
    assert all(titles) and len(set(titles)) == len(titles), titles


def test_problems_in_words_with_the_code_hidden(book):
    ws = book[LAST]
    labels = {c.value: c.column for c in ws[HEAD] if c.value}
    code_col = labels["Mã lỗi"]
    assert ws.column_dimensions[get_column_letter(code_col)].hidden
    rows = [r for r in range(HEAD + 1, ws.max_row + 1) if ws.cell(row=r, column=code_col).value]
    codes = {ws.cell(row=r, column=code_col).value for r in rows}
    assert len(rows) > 20 and "registration.target_weaker" in codes
    for r in rows:
        assert ws.cell(row=r, column=labels["Nội dung"]).value
        for c in range(1, ws.max_column + 1):
            value = ws.cell(row=r, column=c).value
            if c != code_col and isinstance(value, str):
                assert not any(code in value for code in codes), (r, c, value)


def test_wrapped_rows_are_as_tall_as_their_text(book):
    for ws in book:
        width = widths(ws)
        for row in (3, HEAD - 1, HEAD):  # the title, the group headings, the labels
            need = 0.0
            for cell in ws[row]:
                if isinstance(cell.value, str) and cell.alignment.wrap_text:
                    size = TITLE_SIZE if row == 3 else 12
                    need = max(need, row_height([(cell.value, merged_width(ws, row, cell.column, width), size,
                                                  bool(cell.font.b))]))
            if need > 16:
                assert (ws.row_dimensions[row].height or 0) >= need, (ws.title, row)
    ws = book[LAST]  # the long messages
    message = next(c.column for c in ws[HEAD] if c.value == "Nội dung")
    width = widths(ws)[message]
    for r in range(HEAD + 1, ws.max_row + 1):
        text = ws.cell(row=r, column=message).value
        if text:
            assert (ws.row_dimensions[r].height or 0) >= row_height([(text, width, 12, False)]), r


def test_every_sheet_prints_on_a4_one_page_wide_with_its_labels_repeated(book):
    for ws in book:
        setup = ws.page_setup
        assert setup.paperSize == 9 and ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (setup.fitToWidth or 1, setup.fitToHeight) == (1, 0), ws.title  # 1 is the default, often left out
        assert ws.print_title_rows.replace("$", "") == f"{HEAD}:{HEAD}", ws.title
        wide = sum(widths(ws).get(c, 8.43) for c in range(1, ws.max_column + 1)) > 110
        if wide:
            assert setup.orientation == "landscape", ws.title


def test_sheets_are_protected_and_the_office_cells_open(book):
    for ws in book:
        p = ws.protection
        assert p.sheet and not p.password, ws.title
        assert not p.autoFilter and not p.sort, ws.title  # filtering and sorting stay allowed
        assert "khóa" in ws["A4"].value, ws.title  # the subtitle says so
        open_cells = [c for row in ws.iter_rows(min_row=HEAD + 1) for c in row if not c.protection.locked]
        if open_cells:
            assert "ô nền vàng" in ws["A4"].value, ws.title
        assert ws.cell(row=HEAD + 1, column=1).protection.locked, ws.title
    status = book["Tình hình nộp"]
    note = next(c.column for c in status[HEAD] if c.value == "Ghi chú")
    assert not status.cell(row=HEAD + 1, column=note).protection.locked
    checked = next(n for n in book.sheetnames if n.endswith("Thẩm định điểm"))
    ws = book[checked]
    col = next(c.column for c in ws[HEAD] if c.value == "Điểm thẩm định")
    assert not ws.cell(row=HEAD + 1, column=col).protection.locked
