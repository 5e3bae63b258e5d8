"""The workbook a unit gets back for a file it sent: first the list of every problem found
("Danh sách lỗi", each with its cell linked), then, when the form and the unit are known, the
unit's form rebuilt from a fresh template with the unit's values and the bad cells marked red
(with a comment saying what is wrong).
"""
from __future__ import annotations

import re
from copy import copy
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from sheets_tools.campaign.model import Campaign, Unit
from sheets_tools.collection.templates import form_workbook
from sheets_tools.collection.feedback_books import feedback_bytes
from sheets_tools.collection.results import feedback_path
from sheets_tools.collection.unit_books import workbook_bytes
from sheets_tools.core.files import atomic_write_bytes
from sheets_tools.core.findings import SEVERITY_LABELS
from sheets_tools.core.records import FileResult, Row
from sheets_tools.core.text import strip_controls
from sheets_tools.excel.openpyxl_style import (BORDER, fit_workbook, font, header_cell, new_workbook, print_a4, protect,
                                               put, select_first, text)
from sheets_tools.excel.style import ERROR_COLOR
from sheets_tools.formkit import declaration as forms
from sheets_tools.formkit.declaration import Form
from sheets_tools.formkit.plugins import Context

ERRORS_SHEET = "Danh sách lỗi"


def feedback_workbook(form: Form | None, campaign: Campaign, unit: Unit | None, result: FileResult,
                      context: Context | None = None) -> Workbook:
    """What the unit gets back: its form with the bad cells marked, and a list of all findings first.

    When the form or the unit is unknown, only the list of findings.
    """
    if form is None or unit is None:
        wb = new_workbook()
    else:
        rows, marks = _on_template(form, result)
        wb = form_workbook(form, campaign, unit, rows=rows, marks=marks, context=context)
    ws = wb.create_sheet(ERRORS_SHEET, 0)
    _errors_sheet(ws, campaign, unit, result, fixable=form is not None and unit is not None)
    password = campaign.settings.get("sheet_password") or None
    protect(ws, password)
    select_first(wb)
    return fit_workbook(wb)


def _on_template(form: Form, result: FileResult) -> tuple[list[Row], dict[tuple[str, str], str]]:
    """The unit's rows and the marked cells moved from where the unit left them (a renamed sheet,
    a moved header or columns: ``result.placements``) to their places in a fresh template."""
    where: dict[str, tuple[str, int, dict[str, str]]] = {}  # real sheet name -> (template name, shift, letters)
    shift: dict[str, int] = {}  # sheet key -> rows the unit's table moved down
    for sheet in form.sheets:
        p = result.placements.get(sheet.key)
        if p is None:
            where[sheet.name] = (sheet.name, 0, {c.letter: c.letter for c in sheet.columns})
            continue
        shift[sheet.key] = p.first_row - sheet.first_row
        letters = {p.letters[c.field]: c.letter for c in sheet.columns if c.field in p.letters}
        where[p.sheet] = (sheet.name, shift[sheet.key], letters)
    rows = [Row(sheet=r.sheet, row=r.row - shift.get(r.sheet, 0), values=r.values, valid=r.valid)
            for r in result.rows]
    marks: dict[tuple[str, str], str] = {}
    for f in result.findings:
        match = re.fullmatch(r"([A-Z]{1,3})(\d+)", f.cell or "")
        if not (f.sheet in where and match):
            continue
        name, offset, letters = where[f.sheet]
        if match.group(1) not in letters:
            continue  # a column the template does not have: the list of problems names it
        key = (name, f"{letters[match.group(1)]}{int(match.group(2)) - offset}")
        marks[key] = marks[key] + "\n" + f.message if key in marks else f.message
    return rows, marks


def write_feedback(campaign: Campaign, result: FileResult, context: Context | None = None) -> Path:
    """Write the feedback workbook of ``result`` under ``campaign.dir/feedback/<unit>/``; return its path."""
    path = feedback_path(campaign, result.incoming.name, result.unit_code)
    return atomic_write_bytes(path, feedback_of(campaign, result, context))


def feedback_of(campaign: Campaign, result: FileResult, context: Context | None = None) -> bytes:
    """The bytes of ``result``'s feedback workbook (its form and unit as the result names them)."""
    form = forms.load_forms().get(result.form_id) if result.form_id else None
    unit = campaign.unit(result.unit_code) if result.unit_code else None
    return feedback_file(form, campaign, unit, result, context)


def feedback_file(form: Form | None, campaign: Campaign, unit: Unit | None, result: FileResult,
                  context: Context | None = None) -> bytes:
    """The bytes of ``feedback_workbook``: made from the form's build kept from an earlier file when it can
    be (``feedback_books``: the same workbook, a tenth of the time), else built in full."""
    if form is not None and unit is not None:
        rows, marks = _on_template(form, result)
        data = feedback_bytes(form, campaign, unit, result, rows, marks, context, ERRORS_SHEET, _fixable_errors)
        if data is not None:
            return data
    return workbook_bytes(feedback_workbook(form, campaign, unit, result, context))


# --- the list of findings ------------------------------------------------------------------------
_ERROR_COLUMNS = (("STT", 6), ("Mức độ", 10), ("Trang tính", 16), ("Ô", 8), ("Nội dung đã nhập", 30),
                  ("Vấn đề và cách sửa", 80))


def _fixable_errors(ws: Worksheet, campaign: Campaign, unit: Unit, result: FileResult) -> None:
    _errors_sheet(ws, campaign, unit, result, fixable=True)


def _errors_sheet(ws: Worksheet, campaign: Campaign, unit: Unit | None, result: FileResult, *,
                  fixable: bool) -> None:
    for i, (_, width) in enumerate(_ERROR_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    received = result.incoming.received_at.strftime("%d/%m/%Y %H:%M")
    who = f"{unit.name} (mã {unit.code})" if unit else "không xác định được"
    todo = ("Sửa các ô được tô đỏ trong biểu mẫu này rồi gửi lại chính tệp này." if fixable else
            "Hãy sửa tệp theo các vấn đề dưới đây (dùng biểu mẫu đã được gửi cho đơn vị) rồi gửi lại.")
    head = [(f"{campaign.info.agency} - {campaign.info.office}", {"bold": True}),
            ("DANH SÁCH LỖI VÀ LƯU Ý CỦA TỆP ĐÃ NỘP", {"bold": True, "size": 14}),
            (f"Tệp nhận được: {result.incoming.name} (nhận lúc {received})", {}),
            (f"Đơn vị: {who}", {}),
            (todo, {"bold": True, "color": ERROR_COLOR})]
    for r, (line, style) in enumerate(head, start=1):
        text(ws, f"A{r}", strip_controls(line), merge_to=f"F{r}", wrap=True, **style)
    top = len(head) + 2
    for c, (label, _) in enumerate(_ERROR_COLUMNS, start=1):
        cell = ws.cell(row=top, column=c)
        put(cell, label)
        header_cell(cell)
    styles: dict[tuple[int, bool], StyleArray] = {}  # a cell's style, set once and copied (hashing it costs)
    for n, f in enumerate(result.findings, start=1):
        values = [n, SEVERITY_LABELS.get(f.severity, f.severity), strip_controls(f.sheet or ""), f.cell or "",
                  "" if f.value is None else strip_controls(str(f.value)), strip_controls(f.message)]
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=top + n, column=c)
            put(cell, value)
            red = c == 2 and f.severity == "error"
            if (c, red) in styles:
                cell._style = copy(styles[(c, red)])
                continue
            cell.font, cell.border = font(color=ERROR_COLOR if red else None), BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            styles[(c, red)] = copy(cell._style)
        if fixable and f.sheet and f.cell:
            ws.cell(row=top + n, column=4).hyperlink = Hyperlink(
                ref=f"D{top + n}", location=f"{quote_sheetname(f.sheet)}!{f.cell}")
    if not result.findings:
        text(ws, f"A{top + 1}", "Không có lỗi.", merge_to=f"F{top + 1}", italic=True)
    ws.freeze_panes = f"A{top + 1}"
    print_a4(ws, title_row=top)
