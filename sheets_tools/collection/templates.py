"""Build the workbooks the units receive: blank templates and pre-filled forms (the feedback
workbook, a form with the unit's mistakes marked, is ``feedback.py``; the look is ``excel.style``).

Every form looks the same (layout constants in ``forms``): the agency and the national
motto, the title, the unit's name and code, then the table. Input cells are the only
unlocked cells; dropdown lists live on the hidden list sheet; the workbook carries three
hidden identification anchors (a hidden sheet, defined names, custom properties) so a
returned file is recognised even after a re-save by Excel or LibreOffice.
"""
from __future__ import annotations

from copy import copy
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import column_index_from_string, get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from sheets_tools.campaign.model import Campaign, Unit
from sheets_tools.core.files import atomic_save
from sheets_tools.core.filenames import safe_file_name
from sheets_tools.core.records import Row
from sheets_tools.excel import fit
from sheets_tools.excel.openpyxl_style import (BORDER, DOTTED_BOTTOM, FORM_MARGINS, HEAD_FILL, LOCKED, LOCKED_FILL,
                                               MARK_FILL, REQUIRED_FILL, UNLOCKED, agency_heading, fit_workbook, font,
                                               header_cell, new_workbook, print_a4, protect, protect_workbook, put,
                                               select_first, shown_width, text)
from sheets_tools.excel.style import AUTHOR, DATE_FORMAT, dated_line
from sheets_tools.formkit import declaration as forms
from sheets_tools.formkit.declaration import (FIRST_COL, FIRST_ROW, HEADER_ROW, ID_SHEET, LIST_SHEET, ROW_NUMBER_LABEL,
                                              UNIT_CODE_ROW, UNIT_NAME_ROW, UNIT_VALUE_COL, Column, Form, TableSheet,
                                              resolve_choices)
from sheets_tools.formkit.plugins import Context, Formula, hook

GUIDE_SHEET = "Hướng dẫn"
GUIDE_WIDTH = 110  # the guide's one column
CHOICE_MAX_WIDTH = 45.0  # a dropdown column is made wide enough for its longest choice, up to this
_DATE_MIN, _DATE_MAX = 1, 73415  # Excel serials of 01/01/1900 and 31/12/2100


# --- public API ----------------------------------------------------------------------------------
def form_workbook(form: Form, campaign: Campaign | None, unit: Unit | None, *, rows: list[Row] | None = None,
                  marks: dict[tuple[str, str], str] | None = None, context: Context | None = None,
                  prefilled: dict[str, list[dict] | None] | None = None) -> Workbook:
    """The workbook of one form, for ``unit`` (None: a blank template with C6/C7 left to fill).

    ``rows`` are written at their own spreadsheet rows (feedback); ``marks`` maps
    (sheet name, cell) to a Vietnamese message: the cell is filled red and gets a comment.
    ``context`` (with the ledger) lets a form prefill what units sent before (e.g. their targets);
    ``prefilled`` (sheet key -> ``prefill_rows``), when given, are those rows already asked for.
    """
    wb = new_workbook()
    password = (campaign.settings.get("sheet_password") if campaign else "") or None
    _guide_sheet(wb, form, campaign, unit, password)
    lists = _ListSheet(wb)
    for sheet in form.sheets:
        ws = wb.create_sheet(sheet.name)
        given = prefilled[sheet.key] if prefilled is not None else prefill_rows(form, sheet, campaign, unit, context)
        _input_sheet(ws, form, sheet, campaign, unit, lists, given)
        protect(ws, password)
    for row in rows or []:
        write_row(wb, form, row)
    for (sheet_name, ref), message in (marks or {}).items():
        if sheet_name in wb.sheetnames:
            mark_cell(wb[sheet_name][ref], message)
    lists.finish(password)
    _identify(wb, form, campaign, unit)
    protect_workbook(wb, password)
    select_first(wb)
    return fit_workbook(wb)


def build_blanks(out_dir: Path, campaign: Campaign) -> list[Path]:
    """Write the blank template of every declared form to ``out_dir/<form id>.xlsx``."""
    paths = []
    for form in forms.load_forms().values():
        paths.append(atomic_save(form_workbook(form, campaign, None), Path(out_dir) / f"{form.id}.xlsx"))
    return paths


def unit_file_name(form: Form, campaign: Campaign, unit: Unit) -> str:
    """The file name of a unit's form, e.g. ``Đăng ký thi đua 2024 - Văn phòng Sở.xlsx``."""
    return safe_file_name(f"{form.name} {campaign.info.year} - {unit.name}", ".xlsx")


# --- input sheets --------------------------------------------------------------------------------
def _input_sheet(ws: Worksheet, form: Form, sheet: TableSheet, campaign: Campaign | None, unit: Unit | None,
                 lists: "_ListSheet", given: list[dict] | None) -> None:
    last = get_column_letter(sheet.last_col)
    info = campaign.info if campaign else None
    year = info.year if info else ""
    split = agency_heading(ws, sheet.last_col, info.parent_agency if info else "", info.agency if info else "",
                           dated_line(info.place if info else "", year or "...."))
    text(ws, "A4", _title(form, campaign), merge_to=f"{last}4", align="center", bold=True, size=14, wrap=True)
    ws.row_dimensions[4].height = 24
    _unit_cells(ws, sheet, unit)
    _header(ws, sheet)
    last_row = sheet.last_row if given is None else FIRST_ROW + len(given) - 1
    _body(ws, sheet, last_row)
    for r, values in enumerate(given or [], start=FIRST_ROW):
        _prefilled_row(ws, sheet, r, values)
    for column in sheet.inputs:
        _validate(ws, sheet, column, campaign, lists, last_row)
    _heading_line(ws, sheet, f"Hạn nộp: {_deadline_text(form, campaign)}")
    _footer(ws, sheet, split, last_row)
    print_a4(ws, title_row=HEADER_ROW, margins=FORM_MARGINS, centered=True, footer=True)


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
            cell.protection = LOCKED
        elif value is not None and value != "":
            put(cell, value)
        if column.prefilled or values.get("_locked"):
            cell.protection = LOCKED
            cell.fill = LOCKED_FILL if not column.prefilled else PatternFill()
        if bold:
            cell.font = font(bold=True)
    if bold:
        ws.cell(row=r, column=1).font = font(bold=True)


def _title(form: Form, campaign: Campaign | None) -> str:
    return form.title.format(year=campaign.info.year if campaign else "....")


def _deadline_text(form: Form, campaign: Campaign | None) -> str:
    if form.regular:
        return "thường xuyên"
    due = campaign.deadline(form.deadline) if campaign else None
    return due.strftime("%d/%m/%Y") if due else "..../..../........"


def _heading_line(ws: Worksheet, sheet: TableSheet, deadline: str) -> None:
    """Row 5: the sheet's heading (wrapped) and, right, the deadline merged over as many of the last
    columns as it needs to show whole (a right-aligned text in one narrow cell runs left into the
    heading's cells and is cut there)."""
    need = fit.column_width([deadline], bold=True, maximum=200)
    first = sheet.last_col
    room = shown_width(ws, first)
    while room < need and first > 2:
        first -= 1
        room += shown_width(ws, first)
    text(ws, "A5", sheet.heading, merge_to=f"{get_column_letter(first - 1)}5", bold=True, wrap=True)
    text(ws, f"{get_column_letter(first)}5", deadline, merge_to=f"{get_column_letter(sheet.last_col)}5",
         align="right", bold=True, wrap=True)
    ws.row_dimensions[5].height = 33


def _unit_cells(ws: Worksheet, sheet: TableSheet, unit: Unit | None) -> None:
    for row, label, value in ((UNIT_NAME_ROW, "Đơn vị:", unit.name if unit else None),
                              (UNIT_CODE_ROW, "Mã đơn vị:", unit.code if unit else None)):
        text(ws, f"B{row}", label, bold=True, align="right")
        cell = ws.cell(row=row, column=UNIT_VALUE_COL)
        put(cell, value)
        cell.font = font(bold=True)
        if unit is None:
            cell.protection = UNLOCKED
            cell.border = DOTTED_BOTTOM
        if row == UNIT_NAME_ROW and sheet.last_col > UNIT_VALUE_COL:
            ws.merge_cells(start_row=row, start_column=UNIT_VALUE_COL, end_row=row, end_column=sheet.last_col)
            if unit is None:
                for c in range(UNIT_VALUE_COL + 1, sheet.last_col + 1):
                    ws.cell(row=row, column=c).border = DOTTED_BOTTOM


def _header(ws: Worksheet, sheet: TableSheet) -> None:
    ws.column_dimensions["A"].width = 6
    labels = [(1, ROW_NUMBER_LABEL, False)] + [(FIRST_COL + i, c.label, c.required)
                                               for i, c in enumerate(sheet.columns)]
    for col, label, required in labels:
        cell = ws.cell(row=HEADER_ROW, column=col)
        put(cell, label)
        header_cell(cell, fill=REQUIRED_FILL if required else HEAD_FILL)
    for c in sheet.columns:
        ws.column_dimensions[c.letter].width = c.width
    ws.row_dimensions[HEADER_ROW].height = fit.lines_height(2)  # at least; fit_rows makes it as high as the labels need
    ws.freeze_panes = f"A{FIRST_ROW}"


def _body(ws: Worksheet, sheet: TableSheet, last_row: int) -> None:
    """The table's rows: the first row is styled cell by cell; the others take its cells' styles (the
    same style ids: setting a style through openpyxl hashes it again for every cell, the cost of a form)."""
    body_font = font()
    columns = [(1, None)] + [(column_index_from_string(c.letter), c) for c in sheet.columns]
    first: dict[int, StyleArray] = {}
    for n, r in enumerate(range(FIRST_ROW, last_row + 1), start=1):
        for col, c in columns:
            cell = ws.cell(row=r, column=col, value=n if c is None else None)
            if col in first:
                cell._style = copy(first[col])
                continue
            cell.font, cell.border = body_font, BORDER
            if c is None:
                cell.alignment = Alignment(horizontal="center", vertical="top")
            else:
                if not c.prefilled:
                    cell.protection = UNLOCKED
                cell.alignment = Alignment(vertical="top", wrap_text=c.type in ("text", "choice"))
                if c.type == "date":
                    cell.number_format = DATE_FORMAT
            first[col] = cell._style


def _footer(ws: Worksheet, sheet: TableSheet, split: int, last_row: int) -> None:
    last = get_column_letter(sheet.last_col)
    left_end, right = get_column_letter(split), get_column_letter(split + 1)
    r = last_row + 1
    text(ws, f"A{r}", "Ghi chú: cột có tiêu đề tô màu cam là bắt buộc nhập; các cột có danh sách thả xuống "
          "chỉ chọn giá trị trong danh sách; ngày nhập dạng dd/mm/yyyy.", merge_to=f"{last}{r}", italic=True,
          size=11, wrap=True)
    r += 2
    for line, row, kw in (("NGƯỜI LẬP BIỂU", r, {"bold": True}), ("(Ký, ghi rõ họ tên)", r + 1, {"italic": True})):
        text(ws, f"A{row}", line, merge_to=f"{left_end}{row}", align="center", **kw)
    for line, row, kw in (("THỦ TRƯỞNG ĐƠN VỊ", r, {"bold": True}), ("(Ký tên, đóng dấu)", r + 1, {"italic": True})):
        text(ws, f"{right}{row}", line, merge_to=f"{last}{row}", align="center", **kw)


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
                self.ws[f"{col}{r}"].font = font()
            self.refs[key] = f"{quote_sheetname(LIST_SHEET)}!${col}$1:${col}${len(values)}"
        return self.refs[key]

    def finish(self, password: str | None) -> None:
        """Hide the list sheet, protect it and move it behind the input sheets."""
        self.ws.sheet_state = "hidden"
        protect(self.ws, password)
        wb = self.ws.parent
        wb.move_sheet(self.ws, offset=len(wb.worksheets) - 1 - wb.worksheets.index(self.ws))


def _validate(ws: Worksheet, sheet: TableSheet, column: Column, campaign: Campaign | None,
              lists: _ListSheet, last_row: int) -> None:
    if last_row < FIRST_ROW:
        return
    if column.type == "choice":  # wide enough for the longest choice (Excel's list is as wide as the column)
        dim = ws.column_dimensions[column.letter]
        dim.width = max(dim.width, fit.column_width(resolve_choices(column, campaign) or [],
                                                    maximum=CHOICE_MAX_WIDTH))
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


# --- rows and marks (feedback.py, feedback_books.py) -------------------------------------------------------------------
def write_row(wb: Workbook, form: Form, row: Row) -> None:
    """Write a unit's ``row`` at its own place in its sheet (not the office's columns, not a formula)."""
    sheet = next((s for s in form.sheets if s.key == row.sheet), None)
    if sheet is None or not FIRST_ROW <= row.row <= sheet.last_row:  # a row the unit typed outside the table
        return
    ws = wb[sheet.name]
    for field, value in row.values.items():
        column = sheet.column_map.get(field)
        if column is None or column.prefilled:  # the office's own text stays as issued
            continue
        cell = ws[f"{column.letter}{row.row}"]
        if isinstance(cell, MergedCell):  # a row below today's table (the unit's form had more rows): not shown
            continue
        if isinstance(cell.value, str) and cell.value.startswith("="):  # the template's formula stays
            continue
        put(cell, value)


def mark_cell(cell, message: str) -> None:
    """Fill ``cell`` red with a comment saying what is wrong (a merged cell's part: left as it is)."""
    if isinstance(cell, MergedCell):  # a finding on a cell the template merges (e.g. the note row under the table)
        return
    cell.fill = MARK_FILL
    comment = Comment(message, AUTHOR)
    comment.width, comment.height = 320, 40 + 18 * (len(message) // 45 + message.count("\n") + 1)
    cell.comment = comment


# --- guide sheet and identification --------------------------------------------------------------
def _guide_sheet(wb: Workbook, form: Form, campaign: Campaign | None, unit: Unit | None,
                 password: str | None) -> None:
    ws = wb.create_sheet(GUIDE_SHEET)
    ws.column_dimensions["A"].width = GUIDE_WIDTH
    info = campaign.info if campaign else None
    office = (info.office if info else "") or "cơ quan tiếp nhận"
    email = (info.office_email if info else "") or "địa chỉ e-mail của cơ quan tiếp nhận"
    deadline = _deadline_text(form, campaign)
    sheets = ", ".join(f"\"{s.name}\"" for s in form.sheets)
    lines = [
        ("HƯỚNG DẪN ĐIỀN BIỂU MẪU", {"bold": True, "size": 14}),
        (_title(form, campaign), {"bold": True}),
        (guide_unit_line(unit), {}),
        (f"Hạn nộp: {deadline}. Gửi về: {office}, e-mail {email}.", {"bold": True}),
        ("", {}),
        (f"1. Điền thông tin vào các trang tính {sheets}, mỗi dòng một đối tượng, bắt đầu từ dòng {FIRST_ROW}.", {}),
        ("2. Cột có tiêu đề tô màu cam là bắt buộc nhập.", {}),
        ("3. Ở các cột có danh sách thả xuống, chỉ chọn một giá trị trong danh sách, không gõ nội dung khác.", {}),
        ("4. Ngày nhập dạng dd/mm/yyyy, ví dụ 15/03/1985.", {}),
        ("5. Không đổi tên, thêm hoặc xóa trang tính; không chèn, xóa cột hay sửa tiêu đề cột. "
         "Được phép nới rộng cột, dòng để dễ đọc.", {}),
        ("6. Dùng đúng tệp này (tệp đã có tên và mã đơn vị); không sao chép sang tệp khác.", {}),
        (f"7. Lưu tệp dạng .xlsx và gửi lại chính tệp này qua e-mail về {email} "
         + ("khi có đề nghị; mỗi lần gửi ghi đủ các đề nghị trong năm chưa có quyết định khen thưởng." if form.regular
            else f"trước ngày {deadline}."), {}),
        ("", {}),
        ("Nếu biểu mẫu còn lỗi, đơn vị sẽ nhận lại tệp có các ô cần sửa được tô đỏ và trang \"Danh sách lỗi\"; "
         "sửa các ô đó rồi gửi lại chính tệp đã sửa.", {"italic": True}),
    ]
    for r, (line, style) in enumerate(lines, start=1):
        text(ws, f"A{r}", line, wrap=True, **style)
    print_a4(ws)
    protect(ws, password)


def guide_unit_line(unit: Unit | None) -> str:
    """The guide's line naming the unit (wrapped over column A, ``GUIDE_WIDTH`` wide)."""
    return (f"Đơn vị: {unit.name} (mã {unit.code})" if unit else
            "Đơn vị: ghi tên đơn vị vào ô C6 và mã đơn vị vào ô C7 của mỗi trang tính.")


def _identify(wb: Workbook, form: Form, campaign: Campaign | None, unit: Unit | None) -> None:
    ident = {"form": form.id, "version": str(form.version), "campaign": campaign.id if campaign else "",
             "unit": unit.code if unit else ""}
    extra = {"unit_name": unit.name if unit else "", "built_at": datetime.now().isoformat(timespec="seconds")}
    ws = wb.create_sheet(ID_SHEET)
    for r, (key, value) in enumerate({**ident, **extra}.items(), start=1):
        put(ws.cell(row=r, column=1), key)
        put(ws.cell(row=r, column=2), value)
    ws.sheet_state = "veryHidden"
    protect(ws, None)
    for key in forms.ID_KEYS:
        name = forms.DEFINED_NAME_PREFIX + key
        wb.defined_names[name] = DefinedName(name, attr_text='"' + ident[key].replace('"', '""') + '"')
        wb.custom_doc_props.append(StringProperty(name=forms.PROPERTY_PREFIX + key, value=ident[key]))
    wb.properties.title = _title(form, campaign)
