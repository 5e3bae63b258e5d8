"""Writing ``campaign.xlsx`` (``create``): the info sheet, one sheet per table with its Vietnamese words as
drop-down lists, the settings with a new sheet password. Apart from reading (``campaign.workbook``), which
every command does and which needs no openpyxl.
"""
from __future__ import annotations

import secrets
from datetime import date
from pathlib import Path

from openpyxl.styles import Alignment
from openpyxl.worksheet.datavalidation import DataValidation

from sheets_tools.campaign import samples as sample_data
from sheets_tools.campaign.layout import (DEFAULT_SETTINGS, INFO_FIELDS, INFO_SHEET, SETTINGS_SHEET, TABLES, VOCAB,
                                          word_of)
from sheets_tools.campaign.model import CAMPAIGN_FILE
from sheets_tools.core.files import atomic_save
from sheets_tools.excel.columns import column_letter
from sheets_tools.excel.fit import column_width
from sheets_tools.excel.openpyxl_style import BORDER, fit_workbook, font, header_cell, new_workbook, print_a4
from sheets_tools.excel.style import DATE_FORMAT, ERROR_COLOR

WRAP = Alignment(wrap_text=True, vertical="top")  # campaign.xlsx's cells: long names wrap, rows grow to them


def create(directory: Path, sample: str | None = None, year: int | None = None) -> Path:
    """Write ``directory/campaign.xlsx``: the named sample (of ``year``, for a sample of any year), or an
    empty one of ``year`` (default this year) to fill. An unknown sample or a year it cannot be of is a
    ValueError saying so in Vietnamese."""
    directory = Path(directory)
    data = sample_data.sample_or_blank(sample, year)
    directory.mkdir(parents=True, exist_ok=True)
    rows = {
        "deadlines": [(*line[:5], "Có" if line[5] else "Không") for line in data.deadlines],
        "units": data.units,
        "catalogue": [(c, n, _word("kind", k), _word("subject", s), b, _word("rule", r), m, v, d, fb)
                      for c, n, k, s, b, r, m, v, d, fb in data.catalogue],
        "movements": data.movements,
        "criteria": [(b, c, n, st, word_of("criteria", "kind", k), v, sc, "Có" if ev else "Không")
                     for b, c, n, st, k, v, sc, ev in data.criteria],
        "council": data.council,
        "lists": data.lists,
        "indicators": [(c, n, m, word_of("indicators", "kind", k), word_of("indicators", "direction", d), a, t, nt)
                       for c, n, m, k, d, a, t, nt in data.indicators],
    }
    wb = new_workbook()  # Times New Roman 12, empty cells too
    _write_info(wb, data.info, sample)
    if sample:  # the note under the table says what the sample is
        wb[INFO_SHEET].cell(row=len(INFO_FIELDS) + 3, column=1).value = data.note
    for key in TABLES:
        _write_table(wb, key, rows[key])
    if sample:  # beside the table, never read as a criterion
        ws = wb[TABLES["criteria"][0]]
        ws["J1"], ws["J2"] = "Lưu ý", ("Tiêu chí mẫu chỉ để minh họa (một số dòng theo bảng chấm điểm của Bộ Tư pháp "
                                       "năm 2022); hãy thay bằng bảng tiêu chí chấm điểm thực tế của năm.")
        ws["J1"].font, ws["J2"].font = font(bold=True), font(italic=True, color=ERROR_COLOR)
        ws.column_dimensions["J"].width = 60
        ws["J2"].alignment = WRAP
    _write_settings(wb)
    for row in wb[SETTINGS_SHEET].iter_rows(min_row=2, max_col=2):  # what the sample sets (its decree)
        if row[0].value in data.settings:
            row[1].value = data.settings[row[0].value]
    for ws in wb.worksheets:
        print_a4(ws, title_row=1)
    path = directory / CAMPAIGN_FILE
    atomic_save(fit_workbook(wb), path)
    return path


def _word(field: str, value: str | None) -> str | None:
    return word_of("catalogue", field, value)


def _header(ws, columns: list[tuple[str, float]]) -> None:
    """Row 1: each column's label, styled as a header, at its width; frozen above the rows."""
    for c, (label, width) in enumerate(columns, start=1):
        header_cell(ws.cell(row=1, column=c, value=label))
        ws.column_dimensions[column_letter(c)].width = width
    ws.freeze_panes = "A2"


def _write_info(wb, info: dict, sample: str | None) -> None:
    ws = wb.create_sheet(INFO_SHEET)
    _header(ws, [("Mục", 24), ("Giá trị", 40), ("Ghi chú", 60)])
    for r, (field, label, hint) in enumerate(INFO_FIELDS, start=2):
        for c, v in enumerate([label, info.get(field), hint], start=1):
            cell = ws.cell(row=r, column=c, value=v)
            cell.font, cell.border, cell.alignment = font(bold=c == 1), BORDER, WRAP
            if isinstance(v, str):
                cell.data_type = "s"
    if sample:
        note = ws.cell(row=len(INFO_FIELDS) + 3, column=1,
                       value=f"Dữ liệu mẫu \"{sample}\" theo Kế hoạch phát động thi đua năm 2024 của Sở Tư pháp "
                             "tỉnh Đắk Lắk; mã đơn vị, e-mail và người liên hệ là minh họa.")
        note.font, note.alignment = font(italic=True), WRAP
        ws.merge_cells(start_row=note.row, start_column=1, end_row=note.row, end_column=3)


def _write_table(wb, key: str, rows: list) -> None:
    sheet_name, _, cols = TABLES[key]
    ws = wb.create_sheet(sheet_name)
    _header(ws, [(label, width) for _, label, width in cols])
    for r, row in enumerate(rows, start=2):
        for c, v in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=v)
            cell.font, cell.border, cell.alignment = font(), BORDER, WRAP
            if isinstance(v, str):
                cell.data_type = "s"
            if isinstance(v, date):
                cell.number_format = DATE_FORMAT
    for c, (field, _, _) in enumerate(cols, start=1):
        words = VOCAB.get(key, {}).get(field)
        if words:
            dv = DataValidation(type="list", formula1='"' + ",".join(words) + '"', allow_blank=True,
                                showErrorMessage=True, errorTitle="Giá trị không hợp lệ",
                                error="Hãy chọn trong danh sách: " + ", ".join(words))
            col = column_letter(c)
            dv.add(f"{col}2:{col}500")
            ws.column_dimensions[col].width = max(ws.column_dimensions[col].width, column_width(words))
            ws.add_data_validation(dv)
        if field == "date":
            col = column_letter(c)
            for r in range(2, max(len(rows) + 2, 12)):
                ws[f"{col}{r}"].number_format = DATE_FORMAT


def new_password(length: int = 12) -> str:
    """A random sheet password without look-alike characters (it may be read aloud or typed)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def _write_settings(wb) -> None:
    ws = wb.create_sheet(SETTINGS_SHEET)
    _header(ws, [("Khóa", 28), ("Giá trị", 30), ("Ý nghĩa", 70)])
    for r, (key, value, meaning) in enumerate(DEFAULT_SETTINGS, start=2):
        if key == "sheet_password":  # generated once, when the campaign is made
            value = new_password()
        for c, v in enumerate((key, value, meaning), start=1):
            cell = ws.cell(row=r, column=c, value=v)
            cell.font, cell.alignment = font(), WRAP
