"""Build the workbooks the units receive: blank templates, pre-filled forms, feedback.

Every form looks the same (layout constants in ``forms``): the agency and the national
motto, the title, the unit's name and code, then the table. Input cells are the only
unlocked cells; dropdown lists live on the hidden list sheet; the workbook carries three
hidden identification anchors (a hidden sheet, defined names, custom properties) so a
returned file is recognised even after a re-save by Excel or LibreOffice.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.comments import Comment
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from sheets_tools.formkit import declaration as forms
from sheets_tools.campaign.model import Campaign, Unit
from sheets_tools.core.files import atomic_save
from sheets_tools.core.findings import SEVERITY_LABELS
from sheets_tools.formkit.declaration import (FIRST_COL, FIRST_ROW, HEADER_ROW, ID_SHEET, LIST_SHEET, ROW_NUMBER_LABEL, UNIT_CODE_ROW, UNIT_NAME_ROW, UNIT_VALUE_COL, Column, Form, TableSheet, resolve_choices)
from sheets_tools.core.records import FileResult, Row
from sheets_tools.formkit.plugins import Context, Formula, hook

FONT = "Times New Roman"
SIZE = 12
GUIDE_SHEET = "Hướng dẫn"
ERRORS_SHEET = "Danh sách lỗi"
AUTHOR = "sheets-tools"
DATE_FORMAT = "dd/mm/yyyy"
UNKNOWN_UNIT_DIR = "khong-ro-don-vi"
MAX_FILE_NAME = 120
MAX_CELL_TEXT = 32767

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_MARK_FILL = PatternFill("solid", fgColor="FF9999")
_LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")
_UNLOCKED = Protection(locked=False)
_DATE_MIN, _DATE_MAX = 1, 73415  # Excel serials of 01/01/1900 and 31/12/2100
_UNSAFE_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


# --- public API ----------------------------------------------------------------------------------
def form_workbook(form: Form, campaign: Campaign | None, unit: Unit | None, *, rows: list[Row] | None = None,
                  marks: dict[tuple[str, str], str] | None = None, context: Context | None = None) -> Workbook:
    """The workbook of one form, for ``unit`` (None: a blank template with C6/C7 left to fill).

    ``rows`` are written at their own spreadsheet rows (feedback); ``marks`` maps
    (sheet name, cell) to a Vietnamese message: the cell is filled red and gets a comment.
    ``context`` (with the ledger) lets a form prefill what units sent before (e.g. their targets).
    """
    wb = _new_workbook()
    password = (campaign.settings.get("sheet_password") if campaign else "") or None
    _guide_sheet(wb, form, campaign, unit, password)
    lists = _ListSheet(wb)
    for sheet in form.sheets:
        ws = wb.create_sheet(sheet.name)
        _input_sheet(ws, form, sheet, campaign, unit, lists, context)
        _protect(ws, password)
    for row in rows or []:
        _write_row(wb, form, row)
    for (sheet_name, ref), text in (marks or {}).items():
        if sheet_name in wb.sheetnames:
            _mark(wb[sheet_name][ref], text)
    lists.finish(password)
    _identify(wb, form, campaign, unit)
    wb.security = WorkbookProtection(lockStructure=True)
    if password:
        wb.security.set_workbook_password(password)
    _select_first(wb)
    return wb


def feedback_workbook(form: Form | None, campaign: Campaign, unit: Unit | None, result: FileResult,
                      context: Context | None = None) -> Workbook:
    """What the unit gets back: its form with the bad cells marked, and a list of all findings first.

    When the form or the unit is unknown, only the list of findings.
    """
    if form is None or unit is None:
        wb = _new_workbook()
    else:
        rows, marks = _on_template(form, result)
        wb = form_workbook(form, campaign, unit, rows=rows, marks=marks, context=context)
    ws = wb.create_sheet(ERRORS_SHEET, 0)
    _errors_sheet(ws, campaign, unit, result, fixable=form is not None and unit is not None)
    password = campaign.settings.get("sheet_password") or None
    _protect(ws, password)
    _select_first(wb)
    return wb


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
    form = forms.load_forms().get(result.form_id) if result.form_id else None
    unit = campaign.unit(result.unit_code) if result.unit_code else None
    wb = feedback_workbook(form, campaign, unit, result, context)
    folder = unit.code if unit else UNKNOWN_UNIT_DIR
    stem = Path(result.incoming.name).stem or "tep"
    name = safe_file_name(f"Phản hồi - {stem}", ".xlsx")
    return atomic_save(wb, campaign.dir / "feedback" / folder / name)


def build_blanks(out_dir: Path, campaign: Campaign) -> list[Path]:
    """Write the blank template of every declared form to ``out_dir/<form id>.xlsx``."""
    paths = []
    for form in forms.load_forms().values():
        paths.append(atomic_save(form_workbook(form, campaign, None), Path(out_dir) / f"{form.id}.xlsx"))
    return paths


def unit_file_name(form: Form, campaign: Campaign, unit: Unit) -> str:
    """The file name of a unit's form, e.g. ``Đăng ký thi đua 2024 - Văn phòng Sở.xlsx``."""
    return safe_file_name(f"{form.name} {campaign.info.year} - {unit.name}", ".xlsx")


def safe_file_name(stem: str, suffix: str, limit: int = MAX_FILE_NAME) -> str:
    """A Windows-safe file name: NFC, no <>:"/\\|?* or control characters, at most ``limit`` chars."""
    stem = _UNSAFE_NAME.sub("", unicodedata.normalize("NFC", stem))
    stem = re.sub(r"\s+", " ", stem).strip(" .")[: max(1, limit - len(suffix))].rstrip(" .")
    return (stem or "tep") + suffix


def put(cell, value: Any) -> None:
    """Write ``value`` as data, never as a formula: strings as text, dates as dd/mm/yyyy dates."""
    if value is None:
        return
    if isinstance(value, (date, datetime)):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.value = value
    else:
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", str(value))[:MAX_CELL_TEXT]
        cell.data_type = "s"


# --- workbook skeleton ---------------------------------------------------------------------------
def _font(bold: bool = False, italic: bool = False, size: float = SIZE, underline: str | None = None,
          color: str | None = None) -> Font:
    return Font(name=FONT, size=size, bold=bold, italic=italic, underline=underline, color=color)


def _new_workbook() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    # the default font (style "Normal") is Times New Roman too, so empty cells and widths match
    default = Font(name=FONT, size=SIZE, family=1)
    wb._fonts = IndexedList([default])
    wb._named_styles["Normal"].font = default
    wb.properties.creator = AUTHOR
    return wb


def _select_first(wb: Workbook) -> None:
    """Open on the first sheet, with only that tab selected (several selected tabs = grouped sheets)."""
    wb.active = 0
    for i, ws in enumerate(wb.worksheets):
        ws.sheet_view.tabSelected = i == 0


def _text(ws: Worksheet, ref: str, value: Any, *, merge_to: str | None = None, align: str = "left",
          wrap: bool = False, **font) -> None:
    cell = ws[ref]
    put(cell, value)
    cell.font = _font(**font)
    cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=wrap)
    if merge_to and merge_to != ref:
        ws.merge_cells(f"{ref}:{merge_to}")


def _protect(ws: Worksheet, password: str | None) -> None:
    p = ws.protection
    p.sheet = True
    p.formatColumns = False  # False = allowed: units may widen columns and rows
    p.formatRows = False
    if password:
        p.password = password


# --- input sheets --------------------------------------------------------------------------------
def _input_sheet(ws: Worksheet, form: Form, sheet: TableSheet, campaign: Campaign | None, unit: Unit | None,
                 lists: "_ListSheet", context: Context | None = None) -> None:
    last = get_column_letter(sheet.last_col)
    split = max(2, sheet.last_col // 2)
    left_end, right = get_column_letter(split), get_column_letter(split + 1)
    info = campaign.info if campaign else None
    year = info.year if info else ""
    _text(ws, "A1", info.parent_agency if info else "", merge_to=f"{left_end}1", align="center")
    _text(ws, "A2", info.agency if info else "", merge_to=f"{left_end}2", align="center", bold=True)
    _text(ws, f"{right}1", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", merge_to=f"{last}1", align="center", bold=True)
    _text(ws, f"{right}2", "Độc lập - Tự do - Hạnh phúc", merge_to=f"{last}2", align="center", bold=True,
          underline="single")
    place = (info.place if info else "") or "......"
    _text(ws, f"{right}3", f"{place}, ngày ... tháng ... năm {year or '....'}", merge_to=f"{last}3",
          align="center", italic=True)
    _text(ws, "A4", _title(form, campaign), merge_to=f"{last}4", align="center", bold=True, size=14)
    ws.row_dimensions[4].height = 24
    before_last = get_column_letter(sheet.last_col - 1)
    _text(ws, "A5", sheet.heading, merge_to=f"{before_last}5", bold=True, wrap=True)
    _text(ws, f"{last}5", f"Hạn nộp: {_deadline_text(form, campaign)}", align="right", bold=True)
    ws.row_dimensions[5].height = 33
    _unit_cells(ws, sheet, unit)
    _header(ws, sheet)
    given = prefill_rows(form, sheet, campaign, unit, context)
    last_row = sheet.last_row if given is None else FIRST_ROW + len(given) - 1
    _body(ws, sheet, last_row)
    for r, values in enumerate(given or [], start=FIRST_ROW):
        _prefilled_row(ws, sheet, r, values)
    for column in sheet.inputs:
        _validate(ws, sheet, column, campaign, lists, last_row)
    _footer(ws, sheet, split, last_row)
    _page_setup(ws, sheet)


def prefill_rows(form: Form, sheet: TableSheet, campaign: Campaign | None, unit: Unit | None,
                 context: Context | None = None) -> list[dict] | None:
    """The rows the office writes on a ``prefill`` sheet for this unit (None: a free table)."""
    if not sheet.prefill:
        return None
    make = hook(form.id, "prefill")
    if not make or campaign is None:
        return []
    return make(sheet, context or Context(campaign), unit) or []


def _prefilled_row(ws: Worksheet, sheet: TableSheet, r: int, values: dict) -> None:
    if "_label" in values:
        ws.cell(row=r, column=1).value = None
        put(ws.cell(row=r, column=1), values["_label"] or None)
    bold = bool(values.get("_bold"))
    for column in sheet.columns:
        cell = ws[f"{column.letter}{r}"]
        value = values.get(column.field)
        if isinstance(value, Formula):
            cell.value = value  # the tool's own formula (e.g. a parent criterion's sum)
            cell.protection = Protection(locked=True)
        elif value is not None and value != "":
            put(cell, value)
        if column.prefilled or values.get("_locked"):
            cell.protection = Protection(locked=True)
            cell.fill = _LOCKED_FILL if not column.prefilled else PatternFill()
        if bold:
            cell.font = _font(bold=True)
    if bold:
        ws.cell(row=r, column=1).font = _font(bold=True)


def _title(form: Form, campaign: Campaign | None) -> str:
    return form.title.format(year=campaign.info.year if campaign else "....")


def _deadline_text(form: Form, campaign: Campaign | None) -> str:
    due = campaign.deadline(form.deadline) if campaign else None
    return due.strftime("%d/%m/%Y") if due else "..../..../........"


def _unit_cells(ws: Worksheet, sheet: TableSheet, unit: Unit | None) -> None:
    for row, label, value in ((UNIT_NAME_ROW, "Đơn vị:", unit.name if unit else None),
                              (UNIT_CODE_ROW, "Mã đơn vị:", unit.code if unit else None)):
        _text(ws, f"B{row}", label, bold=True, align="right")
        cell = ws.cell(row=row, column=UNIT_VALUE_COL)
        put(cell, value)
        cell.font = _font(bold=True)
        if unit is None:
            cell.protection = _UNLOCKED
            cell.border = Border(bottom=Side(style="dotted"))
        if row == UNIT_NAME_ROW and sheet.last_col > UNIT_VALUE_COL:
            ws.merge_cells(start_row=row, start_column=UNIT_VALUE_COL, end_row=row, end_column=sheet.last_col)
            if unit is None:
                for c in range(UNIT_VALUE_COL + 1, sheet.last_col + 1):
                    ws.cell(row=row, column=c).border = Border(bottom=Side(style="dotted"))


def _header(ws: Worksheet, sheet: TableSheet) -> None:
    ws.column_dimensions["A"].width = 6
    labels = [(1, ROW_NUMBER_LABEL, False)] + [(FIRST_COL + i, c.label, c.required)
                                               for i, c in enumerate(sheet.columns)]
    for col, label, required in labels:
        cell = ws.cell(row=HEADER_ROW, column=col)
        put(cell, label)
        cell.font = _font(bold=True)
        cell.fill = _REQUIRED_FILL if required else _HEAD_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for c in sheet.columns:
        ws.column_dimensions[c.letter].width = c.width
    # tall enough for the longest label once wrapped (bold 12 pt: about 16 pt per line, at least 3 lines)
    lines = max(_lines(c.label, c.width * 0.9) for c in sheet.columns)
    ws.row_dimensions[HEADER_ROW].height = 16 * max(3, lines)
    ws.freeze_panes = f"A{FIRST_ROW}"


def _body(ws: Worksheet, sheet: TableSheet, last_row: int) -> None:
    body_font = _font()
    for n, r in enumerate(range(FIRST_ROW, last_row + 1), start=1):
        stt = ws.cell(row=r, column=1, value=n)
        stt.font, stt.border = body_font, _BORDER
        stt.alignment = Alignment(horizontal="center", vertical="top")
        for c in sheet.columns:
            cell = ws[f"{c.letter}{r}"]
            cell.font, cell.border = body_font, _BORDER
            if not c.prefilled:
                cell.protection = _UNLOCKED
            cell.alignment = Alignment(vertical="top", wrap_text=c.type == "text")
            if c.type == "date":
                cell.number_format = DATE_FORMAT


def _footer(ws: Worksheet, sheet: TableSheet, split: int, last_row: int) -> None:
    last = get_column_letter(sheet.last_col)
    left_end, right = get_column_letter(split), get_column_letter(split + 1)
    r = last_row + 1
    _text(ws, f"A{r}", "Ghi chú: cột có tiêu đề tô màu cam là bắt buộc nhập; các cột có danh sách thả xuống "
          "chỉ chọn giá trị trong danh sách; ngày nhập dạng dd/mm/yyyy.", merge_to=f"{last}{r}", italic=True,
          size=11)
    r += 2
    for text, row, kw in (("NGƯỜI LẬP BIỂU", r, {"bold": True}), ("(Ký, ghi rõ họ tên)", r + 1, {"italic": True})):
        _text(ws, f"A{row}", text, merge_to=f"{left_end}{row}", align="center", **kw)
    for text, row, kw in (("THỦ TRƯỞNG ĐƠN VỊ", r, {"bold": True}), ("(Ký tên, đóng dấu)", r + 1, {"italic": True})):
        _text(ws, f"{right}{row}", text, merge_to=f"{last}{row}", align="center", **kw)


def _page_setup(ws: Worksheet, sheet: TableSheet) -> None:
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_margins = PageMargins(left=0.5, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "Trang &P / &N"


# --- data validation -----------------------------------------------------------------------------
class _ListSheet:
    """The hidden sheet of dropdown lists: one column per distinct list."""

    def __init__(self, wb: Workbook):
        self.ws = wb.create_sheet(LIST_SHEET)
        self.refs: dict[tuple[str, ...], str] = {}

    def ref(self, values: list[str]) -> str:
        key = tuple(values)
        if key not in self.refs:
            col = get_column_letter(len(self.refs) + 1)
            for r, v in enumerate(values, start=1):
                put(self.ws[f"{col}{r}"], v)
                self.ws[f"{col}{r}"].font = _font()
            self.refs[key] = f"{quote_sheetname(LIST_SHEET)}!${col}$1:${col}${len(values)}"
        return self.refs[key]

    def finish(self, password: str | None) -> None:
        """Hide the list sheet, protect it and move it behind the input sheets."""
        self.ws.sheet_state = "hidden"
        _protect(self.ws, password)
        wb = self.ws.parent
        wb.move_sheet(self.ws, offset=len(wb.worksheets) - 1 - wb.worksheets.index(self.ws))


def _validate(ws: Worksheet, sheet: TableSheet, column: Column, campaign: Campaign | None,
              lists: _ListSheet, last_row: int) -> None:
    if last_row < FIRST_ROW:
        return
    dv = _validation(sheet, column, campaign, lists)
    if dv is None:
        return
    dv.showErrorMessage = True
    dv.errorStyle = "stop"
    dv.showInputMessage = True
    dv.promptTitle = column.label[:32]
    dv.prompt = ((dv.prompt or "") + (" Bắt buộc nhập." if column.required else ""))[:255]
    dv.allow_blank = True
    dv.add(f"{column.letter}{FIRST_ROW}:{column.letter}{last_row}")
    ws.add_data_validation(dv)


def _validation(sheet: TableSheet, column: Column, campaign: Campaign | None, lists: _ListSheet
                ) -> DataValidation | None:
    if column.maximum_field:  # at most the value of another column of the same row (e.g. the standard points)
        own, other = f"{column.letter}{FIRST_ROW}", f"{sheet.column(column.maximum_field).letter}{FIRST_ROW}"
        label = sheet.column(column.maximum_field).label
        return DataValidation(type="custom", formula1=f"AND(ISNUMBER({own}),{own}>=0,{own}<={other})",
                              errorTitle="Giá trị không hợp lệ",
                              error=f"Hãy nhập số từ 0 đến giá trị cột \"{label}\" của cùng dòng.",
                              prompt=f"Nhập số, không vượt quá \"{label}\".")
    if column.type == "choice":
        values = resolve_choices(column, campaign)
        if not values:  # a catalogue list without a campaign, or an empty one: nothing to choose from
            return None
        return DataValidation(type="list", formula1=lists.ref(values), errorTitle="Giá trị không hợp lệ",
                              error="Hãy chọn một giá trị trong danh sách thả xuống.",
                              prompt="Hãy chọn một giá trị trong danh sách thả xuống.")
    if column.type == "date":
        return DataValidation(type="date", operator="between", formula1=str(_DATE_MIN), formula2=str(_DATE_MAX),
                              errorTitle="Ngày không hợp lệ",
                              error="Hãy nhập ngày dạng dd/mm/yyyy (từ 01/01/1900 đến 31/12/2100), ví dụ 15/03/1985.",
                              prompt="Nhập ngày dạng dd/mm/yyyy, ví dụ 15/03/1985.")
    if column.type in ("integer", "number"):
        low = column.minimum if column.minimum is not None else -1e9
        high = column.maximum if column.maximum is not None else 1e9
        whole = column.type == "integer"
        kind = "số nguyên" if whole else "số"
        return DataValidation(type="whole" if whole else "decimal", operator="between",
                              formula1=_num(low), formula2=_num(high), errorTitle="Giá trị không hợp lệ",
                              error=f"Hãy nhập {kind} từ {_num(low)} đến {_num(high)}.", prompt=f"Nhập {kind}.")
    return DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(column.max_length),
                          errorTitle="Nội dung quá dài", error=f"Nội dung không quá {column.max_length} ký tự.",
                          prompt=f"Nhập văn bản, không quá {column.max_length} ký tự.")


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# --- rows and marks (feedback) -------------------------------------------------------------------
def _write_row(wb: Workbook, form: Form, row: Row) -> None:
    sheet = next((s for s in form.sheets if s.key == row.sheet), None)
    if sheet is None or not FIRST_ROW <= row.row <= sheet.last_row:  # a row the unit typed outside the table
        return
    ws = wb[sheet.name]
    for field, value in row.values.items():
        column = sheet.column_map.get(field)
        if column is None or column.prefilled:  # the office's own text stays as issued
            continue
        cell = ws[f"{column.letter}{row.row}"]
        if isinstance(cell.value, str) and cell.value.startswith("="):  # the template's formula stays
            continue
        put(cell, value)


def _mark(cell, text: str) -> None:
    if isinstance(cell, MergedCell):  # a finding on a cell the template merges (e.g. the note row under the table)
        return
    cell.fill = _MARK_FILL
    comment = Comment(text, AUTHOR)
    comment.width, comment.height = 320, 40 + 18 * (len(text) // 45 + text.count("\n") + 1)
    cell.comment = comment


# --- guide sheet and identification --------------------------------------------------------------
def _guide_sheet(wb: Workbook, form: Form, campaign: Campaign | None, unit: Unit | None,
                 password: str | None) -> None:
    ws = wb.create_sheet(GUIDE_SHEET)
    ws.column_dimensions["A"].width = 110
    info = campaign.info if campaign else None
    office = (info.office if info else "") or "cơ quan tiếp nhận"
    email = (info.office_email if info else "") or "địa chỉ e-mail của cơ quan tiếp nhận"
    deadline = _deadline_text(form, campaign)
    sheets = ", ".join(f"\"{s.name}\"" for s in form.sheets)
    lines = [
        ("HƯỚNG DẪN ĐIỀN BIỂU MẪU", {"bold": True, "size": 14}),
        (_title(form, campaign), {"bold": True}),
        (f"Đơn vị: {unit.name} (mã {unit.code})" if unit else
         "Đơn vị: ghi tên đơn vị vào ô C6 và mã đơn vị vào ô C7 của mỗi trang tính.", {}),
        (f"Hạn nộp: {deadline}. Gửi về: {office}, e-mail {email}.", {"bold": True}),
        ("", {}),
        (f"1. Điền thông tin vào các trang tính {sheets}, mỗi dòng một đối tượng, bắt đầu từ dòng {FIRST_ROW}.", {}),
        ("2. Cột có tiêu đề tô màu cam là bắt buộc nhập.", {}),
        ("3. Ở các cột có danh sách thả xuống, chỉ chọn một giá trị trong danh sách, không gõ nội dung khác.", {}),
        ("4. Ngày nhập dạng dd/mm/yyyy, ví dụ 15/03/1985.", {}),
        ("5. Không đổi tên, thêm hoặc xóa trang tính; không chèn, xóa cột hay sửa tiêu đề cột. "
         "Được phép nới rộng cột, dòng để dễ đọc.", {}),
        ("6. Dùng đúng tệp này (tệp đã có tên và mã đơn vị); không sao chép sang tệp khác.", {}),
        (f"7. Lưu tệp dạng .xlsx và gửi lại chính tệp này qua e-mail về {email} trước ngày {deadline}.", {}),
        ("", {}),
        ("Nếu biểu mẫu còn lỗi, đơn vị sẽ nhận lại tệp có các ô cần sửa được tô đỏ và trang \"Danh sách lỗi\"; "
         "sửa các ô đó rồi gửi lại chính tệp đã sửa.", {"italic": True}),
    ]
    for r, (text, style) in enumerate(lines, start=1):
        _text(ws, f"A{r}", text, wrap=True, **style)
    ws.page_setup.paperSize = 9
    ws.page_setup.orientation = "landscape"
    _protect(ws, password)


def _identify(wb: Workbook, form: Form, campaign: Campaign | None, unit: Unit | None) -> None:
    ident = {"form": form.id, "version": str(form.version), "campaign": campaign.id if campaign else "",
             "unit": unit.code if unit else ""}
    extra = {"unit_name": unit.name if unit else "", "built_at": datetime.now().isoformat(timespec="seconds")}
    ws = wb.create_sheet(ID_SHEET)
    for r, (key, value) in enumerate({**ident, **extra}.items(), start=1):
        put(ws.cell(row=r, column=1), key)
        put(ws.cell(row=r, column=2), value)
    ws.sheet_state = "veryHidden"
    _protect(ws, None)
    for key in forms.ID_KEYS:
        name = forms.DEFINED_NAME_PREFIX + key
        wb.defined_names[name] = DefinedName(name, attr_text='"' + ident[key].replace('"', '""') + '"')
        wb.custom_doc_props.append(StringProperty(name=forms.PROPERTY_PREFIX + key, value=ident[key]))
    wb.properties.title = _title(form, campaign)


# --- the list of findings ------------------------------------------------------------------------
_ERROR_COLUMNS = (("STT", 6), ("Mức độ", 10), ("Trang tính", 16), ("Ô", 8), ("Nội dung đã nhập", 30),
                  ("Vấn đề và cách sửa", 80))


def _lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column (programs do not grow rows written by openpyxl)."""
    return sum(max(1, -(-len(part) // max(1, int(width) - 2))) for part in text.split("\n"))


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
            (todo, {"bold": True, "color": "C00000"})]
    for r, (text, style) in enumerate(head, start=1):
        _text(ws, f"A{r}", text, merge_to=f"F{r}", wrap=True, **style)
    top = len(head) + 2
    for c, (label, _) in enumerate(_ERROR_COLUMNS, start=1):
        cell = ws.cell(row=top, column=c)
        put(cell, label)
        cell.font, cell.fill, cell.border = _font(bold=True), _HEAD_FILL, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for n, f in enumerate(result.findings, start=1):
        values = [n, SEVERITY_LABELS.get(f.severity, f.severity), f.sheet or "", f.cell or "",
                  "" if f.value is None else str(f.value), f.message]
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=top + n, column=c)
            put(cell, value)
            cell.font, cell.border = _font(color="C00000" if c == 2 and f.severity == "error" else None), _BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        ws.row_dimensions[top + n].height = 16 * max(_lines(str(v), w) for v, (_, w) in zip(values, _ERROR_COLUMNS))
        if fixable and f.sheet and f.cell:
            ws.cell(row=top + n, column=4).hyperlink = Hyperlink(
                ref=f"D{top + n}", location=f"{quote_sheetname(f.sheet)}!{f.cell}")
    if not result.findings:
        _text(ws, f"A{top + 1}", "Không có lỗi.", merge_to=f"F{top + 1}", italic=True)
    ws.freeze_panes = f"A{top + 1}"
    ws.page_setup.paperSize = 9
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
