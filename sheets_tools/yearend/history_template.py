"""The blank award-history workbook the office fills and imports (``history_import``).

A note row with an example above the header row, dropdowns for "Đối tượng" and the award
(the catalogue's names, on a hidden list sheet), dates as dd/mm/yyyy, Times New Roman.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from sheets_tools.campaign.model import Campaign
from sheets_tools.core.files import atomic_save
from sheets_tools.excel import fit
from sheets_tools.excel.openpyxl_style import BORDER, fit_workbook, font, header_cell, new_workbook, print_a4, put
from sheets_tools.excel.style import DATE_FORMAT
from sheets_tools.formkit.declaration import LIST_SHEET
from sheets_tools.yearend.history_import import COLUMNS, FIRST_YEAR, TEMPLATE_FIELDS

TEMPLATE_SHEET = "Lịch sử khen thưởng"
TEMPLATE_ROWS = 500  # formatted input rows in the blank template
_WIDTHS = {"subject": 11, "family_name": 20, "given_name": 10, "collective_name": 28, "birth_date": 13, "unit": 28,
           "year": 8, "award": 34, "decision_number": 16, "decision_date": 14}
_DATE_MIN, _DATE_MAX = 1, 73415  # 01/01/1900 .. 31/12/2100 as Excel serials
SUBJECTS = ("Cá nhân", "Tập thể")
CHOICE_MAX_WIDTH = 45.0


def template(campaign: Campaign, path: Path) -> Path:
    """Write a blank import workbook: a note row with an example above the header row, dropdowns
    for "Đối tượng" and the award (catalogue names), dates as dd/mm/yyyy, Times New Roman."""
    wb = new_workbook()  # empty cells too are Times New Roman
    ws = wb.create_sheet(TEMPLATE_SHEET)
    last_col = get_column_letter(len(TEMPLATE_FIELDS) + 1)
    _note(ws, "A1", f"DANH SÁCH KHEN THƯỞNG CÁC NĂM TRƯỚC - {campaign.info.agency}".upper(), last_col, bold=True)
    _note(ws, "A2", _example(campaign), last_col, italic=True)
    header, first, last = 3, 4, 3 + TEMPLATE_ROWS
    labels = ["STT"] + [COLUMNS[f][0] for f in TEMPLATE_FIELDS]
    for c, label in enumerate(labels, start=1):
        cell = ws.cell(header, c)
        put(cell, label)
        header_cell(cell)
    ws.column_dimensions["A"].width = 6
    for c, fld in enumerate(TEMPLATE_FIELDS, start=2):
        letter = get_column_letter(c)
        ws.column_dimensions[letter].width = _WIDTHS[fld]
        fmt = DATE_FORMAT if fld.endswith("_date") else "0" if fld == "year" else "@"
        wrap = Alignment(vertical="top", wrap_text=fmt == "@")  # a long name wraps in its column
        for r in range(first, last + 1):
            cell = ws.cell(r, c)
            cell.number_format, cell.font, cell.border, cell.alignment = fmt, font(), BORDER, wrap
    for c in range(1, len(labels) + 1):  # the STT column too
        for r in range(first, last + 1):
            ws.cell(r, c).border = BORDER
    _validations(wb, ws, campaign, first, last)
    ws.freeze_panes = ws.cell(first, 2)
    print_a4(ws, title_row=header)
    return atomic_save(fit_workbook(wb), Path(path))


def _note(ws, ref: str, text: str, last_col: str, **font_args: bool) -> None:
    cell = ws[ref]
    put(cell, text)
    cell.font = font(**font_args)
    cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
    ws.merge_cells(f"{ref}:{last_col}{cell.row}")


def _example(campaign: Campaign) -> str:
    title = next((c.name for c in campaign.catalogue if c.subject == "individual"), "Chiến sĩ thi đua cơ sở")
    team = next((c.name for c in campaign.catalogue if c.subject == "collective"), "Tập thể lao động tiên tiến")
    unit = campaign.units[0].name if campaign.units else "Văn phòng Sở"
    year = campaign.info.year - 1
    return (f"Ghi chú: mỗi dòng là một danh hiệu hoặc hình thức khen thưởng đã được quyết định. Cá nhân ghi "
            f"\"Họ và tên đệm\", \"Tên\" và \"Ngày sinh\"; tập thể ghi \"Tên tập thể\" (bỏ trống các cột họ tên). "
            f"Ngày ghi dạng dd/mm/yyyy. Danh hiệu chọn trong danh sách thả xuống.\n"
            f"Ví dụ: Cá nhân | Nguyễn Văn | An | | 15/03/1985 | {unit} | {year} | {title} | "
            f"123/QĐ-STP | 20/12/{year}.\n"
            f"Ví dụ: Tập thể | | | {unit} | | | {year} | {team} | 124/QĐ-STP | 20/12/{year}.")


def _validations(wb: Workbook, ws, campaign: Campaign, first: int, last: int) -> None:
    col = {f: get_column_letter(c) for c, f in enumerate(TEMPLATE_FIELDS, start=2)}
    lists = wb.create_sheet(LIST_SHEET)
    names = [c.name for c in campaign.catalogue]
    for r, name in enumerate(names, start=1):
        put(lists.cell(r, 1), name)
    lists.sheet_state = "hidden"
    ranges = {
        "subject": DataValidation(type="list", formula1='"' + ",".join(SUBJECTS) + '"', error="Hãy chọn \"Cá nhân\" hoặc "
                                  "\"Tập thể\".", prompt="Chọn Cá nhân hoặc Tập thể."),
        "year": DataValidation(type="whole", operator="between", formula1=str(FIRST_YEAR),
                               formula2=str(campaign.info.year), prompt="Năm được khen thưởng, ví dụ 2023.",
                               error=f"Hãy nhập năm từ {FIRST_YEAR} đến {campaign.info.year}."),
    }
    if names:
        ranges["award"] = DataValidation(type="list", formula1=f"{quote_sheetname(LIST_SHEET)}!$A$1:$A${len(names)}",
                                         error="Hãy chọn một danh hiệu, hình thức trong danh sách thả xuống.",
                                         prompt="Chọn danh hiệu, hình thức trong danh sách thả xuống.")
    for fld in ("birth_date", "decision_date"):
        ranges[fld] = DataValidation(type="date", operator="between", formula1=str(_DATE_MIN), formula2=str(_DATE_MAX),
                                     error="Hãy nhập ngày dạng dd/mm/yyyy, ví dụ 15/03/1985.",
                                     prompt="Nhập ngày dạng dd/mm/yyyy, ví dụ 15/03/1985.")
    for fld, choices in (("subject", SUBJECTS), ("award", names)):  # wide enough for the dropdown's choices
        dim = ws.column_dimensions[col[fld]]
        dim.width = max(dim.width, fit.column_width(choices, maximum=CHOICE_MAX_WIDTH))
    for fld, dv in ranges.items():
        dv.errorTitle, dv.promptTitle = "Giá trị không hợp lệ", COLUMNS[fld][0][:32]
        dv.showErrorMessage = dv.showInputMessage = dv.allow_blank = True
        dv.errorStyle = "stop"
        dv.add(f"{col[fld]}{first}:{col[fld]}{last}")
        ws.add_data_validation(dv)
