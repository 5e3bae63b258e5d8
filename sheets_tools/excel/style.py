"""The one look of every workbook the tool writes: Times New Roman 12, thin borders, the header
fill, the Vietnamese state heading, sheet protection and A4 printing.

Two halves, one look:

* openpyxl (forms, feedback, campaign.xlsx, council ballot, history template): ``new_workbook``,
  ``font``, ``put``, ``text``, ``agency_heading``, ``header_cell``, ``body_cell``, ``protect``,
  ``protect_workbook``, ``select_first``, ``print_a4`` and the fills/borders below;
* xlsxwriter (master, publication, decision lists, council result): ``WORKBOOK_OPTIONS``,
  ``add_formats`` with the shared format dicts (``HEADING_FORMATS``, ``MASTER_FORMATS``),
  ``xlsx_heading`` and ``xlsx_print_a4``.

The state heading is the one of Vietnamese administrative documents: the parent agency and the
agency top left, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh phúc" top right
(the motto underlined), the place and date line under the motto.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

FONT = "Times New Roman"
SIZE = 12
TITLE_SIZE = 14
AUTHOR = "sheets-tools"
DATE_FORMAT = "dd/mm/yyyy"
MAX_CELL_TEXT = 32767
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
A4 = 9  # the paper size code of A4, openpyxl and xlsxwriter alike

# colours (RGB hex): the header fill, required columns, input cells, locked rows, marked cells, error text
HEAD_COLOR = "DDEBF7"
REQUIRED_COLOR = "FCE4D6"
INPUT_COLOR = "FFF2CC"
LOCKED_COLOR = "F2F2F2"
MARK_COLOR = "FF9999"
ERROR_COLOR = "C00000"
GOOD_COLOR = "006100"

# --- openpyxl ------------------------------------------------------------------------------------
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
DOTTED_BOTTOM = Border(bottom=Side(style="dotted"))  # a line to write on (the unit's name in a blank form)
HEAD_FILL = PatternFill("solid", fgColor=HEAD_COLOR)
REQUIRED_FILL = PatternFill("solid", fgColor=REQUIRED_COLOR)
INPUT_FILL = PatternFill("solid", fgColor=INPUT_COLOR)
LOCKED_FILL = PatternFill("solid", fgColor=LOCKED_COLOR)
MARK_FILL = PatternFill("solid", fgColor=MARK_COLOR)
UNLOCKED = Protection(locked=False)
LOCKED = Protection(locked=True)
FORM_MARGINS = PageMargins(left=0.5, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)
PAGE_FOOTER = "Trang &P / &N"


def font(bold: bool = False, italic: bool = False, size: float | None = SIZE, underline: str | None = None,
         color: str | None = None) -> Font:
    """Times New Roman, 12 pt unless told (``size=None``: no size, the workbook's default)."""
    return Font(name=FONT, size=size, bold=bold, italic=italic, underline=underline, color=color)


def new_workbook() -> Workbook:
    """An empty workbook (no sheet) whose default font (style "Normal") is Times New Roman 12,
    so empty cells and column widths match the written ones; the author is the tool."""
    wb = Workbook()
    wb.remove(wb.active)
    default = Font(name=FONT, size=SIZE, family=1)
    wb._fonts = IndexedList([default])
    wb._named_styles["Normal"].font = default
    wb.properties.creator = AUTHOR
    return wb


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


def text(ws: Worksheet, ref: str, value: Any, *, merge_to: str | None = None, align: str = "left",
         wrap: bool = False, **font_args: Any) -> None:
    """A line of text at ``ref`` (e.g. "A4"), vertically centred, merged up to ``merge_to``;
    ``font_args`` go to ``font`` (bold, italic, size, underline, color)."""
    cell = ws[ref]
    put(cell, value)
    cell.font = font(**font_args)
    cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=wrap)
    if merge_to and merge_to != ref:
        ws.merge_cells(f"{ref}:{merge_to}")


def heading_split(last_col: int) -> int:
    """The last column (1-based) of the agency block; the motto takes the columns after it."""
    return max(2, last_col // 2)


def dated_line(place: str | None, year: Any = "......") -> str:
    """"Đắk Lắk, ngày ... tháng ... năm 2024": the line under the motto, day and month left to write."""
    return f"{place or '......'}, ngày ... tháng ... năm {year}"


def agency_heading(ws: Worksheet, last_col: int, parent_agency: str, agency: str, dated: str, *,
                   split: int | None = None) -> int:
    """Rows 1-3 of a sheet (openpyxl): the parent agency and the agency (bold) over columns
    1..``split``, the nation and the underlined motto (bold) and the ``dated`` line (italic) over
    ``split + 1``..``last_col``; all centred. Returns ``split``."""
    split = heading_split(last_col) if split is None else split
    left_end, right, last = get_column_letter(split), get_column_letter(split + 1), get_column_letter(last_col)
    text(ws, "A1", parent_agency, merge_to=f"{left_end}1", align="center")
    text(ws, "A2", agency, merge_to=f"{left_end}2", align="center", bold=True)
    text(ws, f"{right}1", NATION, merge_to=f"{last}1", align="center", bold=True)
    text(ws, f"{right}2", MOTTO, merge_to=f"{last}2", align="center", bold=True, underline="single")
    text(ws, f"{right}3", dated, merge_to=f"{last}3", align="center", italic=True)
    return split


def header_cell(cell, *, fill: PatternFill = HEAD_FILL, size: float | None = SIZE) -> None:
    """A column label: bold, filled, bordered, centred and wrapped."""
    cell.font = font(bold=True, size=size)
    cell.fill = fill
    cell.border = BORDER
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def body_cell(cell, *, center: bool = False, wrap: bool = True, editable: bool = False, **font_args: Any) -> None:
    """A table cell: bordered, top-aligned; ``editable`` unlocks it and fills it as an input cell."""
    cell.font, cell.border = font(**font_args), BORDER
    cell.alignment = Alignment(horizontal="center" if center else None, vertical="top", wrap_text=wrap)
    if editable:
        cell.protection, cell.fill = UNLOCKED, INPUT_FILL


def protect(ws: Worksheet, password: str | None) -> None:
    """Protect the sheet (only unlocked cells can be edited); widening columns and rows stays allowed."""
    p = ws.protection
    p.sheet = True
    p.formatColumns = False  # False = allowed: units may widen columns and rows
    p.formatRows = False
    if password:
        p.password = password


def protect_workbook(wb: Workbook, password: str | None) -> None:
    """Lock the workbook's structure: sheets cannot be added, removed, renamed or unhidden."""
    wb.security = WorkbookProtection(lockStructure=True)
    if password:
        wb.security.set_workbook_password(password)


def select_first(wb: Workbook) -> None:
    """Open on the first sheet, with only that tab selected (several selected tabs = grouped sheets)."""
    wb.active = 0
    for i, ws in enumerate(wb.worksheets):
        ws.sheet_view.tabSelected = i == 0


def print_a4(ws: Worksheet, *, landscape: bool = True, fit_width: bool = True, title_row: int | None = None,
             margins: PageMargins | None = None, centered: bool = False, footer: bool = False) -> None:
    """A4 (landscape unless told); ``fit_width``: one page wide, as many pages high as needed;
    ``title_row`` repeated on every page; ``footer``: "Trang x / y"."""
    ws.page_setup.paperSize = A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    if fit_width:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_row is not None:
        ws.print_title_rows = f"{title_row}:{title_row}"
    if margins is not None:
        ws.page_margins = margins
    if centered:
        ws.print_options.horizontalCentered = True
    if footer:
        ws.oddFooter.center.text = PAGE_FOOTER


def wrapped_lines(value: str, width: float) -> int:
    """Lines a wrapped text takes in a column ``width`` characters wide (programs do not grow rows
    written by openpyxl or xlsxwriter: row heights are set from this)."""
    return sum(max(1, -(-len(part) // max(1, int(width) - 2))) for part in value.split("\n"))


# --- xlsxwriter ----------------------------------------------------------------------------------
# Every string goes through write_string and nothing is guessed: text a unit typed
# ("=HYPERLINK(...)", "0912...", "http://...") stays text.
WORKBOOK_OPTIONS = {
    "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
    "constant_memory": False,  # add_table() is not supported in constant_memory mode
    "remove_timezone": True,
    "default_format_properties": {"font_name": FONT, "font_size": SIZE},
}
XLSX_FOOTER = "&CTrang &P/&N"
XLSX_BORDER = {"border": 1, "valign": "top"}
# the state heading's formats (``xlsx_heading``)
HEADING_FORMATS = {
    "center": {"align": "center"},
    "center_bold": {"align": "center", "bold": True},
    "motto": {"align": "center", "bold": True, "underline": 1},
    "place": {"align": "center", "italic": True},
}
# the master workbook's formats (master.book.MasterBook.fmt; the forms' own master sheets use them too)
MASTER_FORMATS = {
    "agency": {},
    "agency_bold": {"bold": True},
    "title": {"bold": True, "font_size": TITLE_SIZE, "align": "center", "valign": "vcenter"},
    "subtitle": {"italic": True, "align": "center"},
    "header": {"bold": True, "text_wrap": True, "align": "center", "valign": "vcenter", "border": 1,
               "bg_color": f"#{HEAD_COLOR}"},
    "cell": XLSX_BORDER,
    "wrap": {**XLSX_BORDER, "text_wrap": True},
    "number": {**XLSX_BORDER, "align": "right"},
    "date": {**XLSX_BORDER, "num_format": DATE_FORMAT, "align": "center"},
    "moment": {**XLSX_BORDER, "num_format": f"{DATE_FORMAT} hh:mm", "align": "center"},
    "total": {"bold": True, "border": 1, "align": "center"},
    "note": {"italic": True},
    "input": {**XLSX_BORDER, "bg_color": f"#{INPUT_COLOR}", "num_format": "0.##", "locked": False},
    "input_text": {**XLSX_BORDER, "bg_color": f"#{INPUT_COLOR}", "text_wrap": True, "locked": False},
    "score": {**XLSX_BORDER, "num_format": "0.##", "align": "right"},
    "bold": {**XLSX_BORDER, "bold": True},
    "bad": {**XLSX_BORDER, "text_wrap": True, "font_color": f"#{ERROR_COLOR}"},
    "good": {**XLSX_BORDER, "text_wrap": True, "font_color": f"#{GOOD_COLOR}"},
    "money": {**XLSX_BORDER, "num_format": "#,##0"},
}


def add_formats(wb, specs: dict[str, dict], base: dict | None = None) -> dict:
    """``{name: wb.add_format(base + spec)}``, in the order of ``specs``."""
    return {name: wb.add_format({**(base or {}), **spec}) for name, spec in specs.items()}


def xlsx_heading(ws, fmt: dict, last_col: int, parent_agency: str, agency: str, dated: str, *,
                 split: int = 2) -> None:
    """Rows 0-2 (xlsxwriter, 0-based columns): the agency block over 0..``split``, the nation, the
    motto and the ``dated`` line over ``split + 1``..``last_col``; ``fmt`` holds ``HEADING_FORMATS``."""
    for row, left, right, lf, rf in ((0, parent_agency, NATION, "center", "center_bold"),
                                     (1, agency, MOTTO, "center_bold", "motto")):
        ws.merge_range(row, 0, row, split, "", fmt[lf])
        ws.write_string(row, 0, left, fmt[lf])
        ws.merge_range(row, split + 1, row, last_col, "", fmt[rf])
        ws.write_string(row, split + 1, right, fmt[rf])
    ws.merge_range(2, split + 1, 2, last_col, "", fmt["place"])
    ws.write_string(2, split + 1, dated, fmt["place"])


def xlsx_print_a4(ws, *, landscape: bool = True, title_row: int | None = None,
                  margins: tuple[float, float, float, float] | None = None, centered: bool = False,
                  footer: str | None = XLSX_FOOTER) -> None:
    """A4, one page wide (xlsxwriter); ``title_row`` (0-based) repeated on every page; ``margins``
    in inches (left, right, top, bottom)."""
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_paper(A4)
    ws.fit_to_pages(1, 0)
    if title_row is not None:
        ws.repeat_rows(title_row)
    if margins is not None:
        left, right, top, bottom = margins
        ws.set_margins(left=left, right=right, top=top, bottom=bottom)
    if centered:
        ws.center_horizontally()
    if footer:
        ws.set_footer(footer)
