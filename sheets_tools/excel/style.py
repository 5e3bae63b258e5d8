"""The one look of every workbook the tool writes: Times New Roman 12, thin borders, the header
fill, the Vietnamese state heading, sheet protection and A4 printing.

Two halves, one look:

* openpyxl (forms, feedback, campaign.xlsx, council ballot, history template): ``new_workbook``,
  ``font``, ``put``, ``text``, ``agency_heading``, ``header_cell``, ``body_cell``, ``protect``,
  ``protect_workbook``, ``select_first``, ``print_a4``, the fills/borders below, and ``fit_rows`` /
  ``fit_workbook``, the last step before a workbook is saved: every row as high as its text needs;
* xlsxwriter (master, publication, decision lists, council result): ``workbook_options()``,
  ``add_formats`` with the shared format dicts (``HEADING_FORMATS``, ``MASTER_FORMATS``),
  ``xlsx_heading``, ``xlsx_print_a4`` and ``FittedSheet`` (a worksheet that sets its rows' heights).

Neither library, nor Excel or LibreOffice when they open the file, makes a row as high as its wrapped
text: a row without a height shows one line and the rest is drawn over the next row. The heights come
from ``excel.fit`` (the room a text needs in Times New Roman at its column's width). Every sheet prints
on A4, one page wide, in landscape only when its columns are wider than a portrait page.

The state heading is the one of Vietnamese administrative documents: the parent agency and the
agency top left, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh phúc" top right
(the motto underlined), the place and date line under the motto.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Iterable

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from sheets_tools.excel import fit
from sheets_tools.excel.cells import put_string

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
DEFAULT_WIDTH = 8.43  # a column's width when none is set (Excel's units)


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
    ``split + 1``..``last_col``; all centred, wrapped where the columns are narrower than the text
    (``fit_rows`` then makes the row higher). Returns ``split``."""
    split = heading_split(last_col) if split is None else split
    left_end, right, last = get_column_letter(split), get_column_letter(split + 1), get_column_letter(last_col)
    text(ws, "A1", parent_agency, merge_to=f"{left_end}1", align="center", wrap=True)
    text(ws, "A2", agency, merge_to=f"{left_end}2", align="center", bold=True, wrap=True)
    text(ws, f"{right}1", NATION, merge_to=f"{last}1", align="center", bold=True, wrap=True)
    text(ws, f"{right}2", MOTTO, merge_to=f"{last}2", align="center", bold=True, underline="single", wrap=True)
    text(ws, f"{right}3", dated, merge_to=f"{last}3", align="center", italic=True, wrap=True)
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


def print_a4(ws: Worksheet, *, landscape: bool | None = None, title_row: int | None = None,
             margins: PageMargins | None = None, centered: bool = False, footer: bool = False) -> None:
    """A4, one page wide and as many pages high as needed; landscape when told, or (``None``) when the
    sheet's columns are wider than a portrait page between the margins (set the widths first);
    ``title_row`` repeated on every page; ``footer``: "Trang x / y"."""
    if margins is not None:
        ws.page_margins = margins
    if landscape is None:
        widths = [shown_width(ws, c) for c in range(1, ws.max_column + 1)]
        landscape = fit.wider_than_portrait(widths, ws.page_margins.left + ws.page_margins.right)
    ws.page_setup.paperSize = A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_row is not None:
        ws.print_title_rows = f"{title_row}:{title_row}"
    if centered:
        ws.print_options.horizontalCentered = True
    if footer:
        ws.oddFooter.center.text = PAGE_FOOTER


def shown_width(ws: Worksheet, col: int) -> float:
    """The width of column ``col`` (1-based) as the sheet will show it; 0 when hidden."""
    dim = ws.column_dimensions.get(get_column_letter(col))
    if dim is None:
        return DEFAULT_WIDTH
    return 0.0 if dim.hidden else (dim.width or DEFAULT_WIDTH)


def fit_rows(ws: Worksheet, only: Iterable[int] | None = None) -> None:
    """Make every row as high as its text needs: a wrapped text by its column's width (a merged
    range's summed widths), its font's size and weight; a larger font by one line of it. Rows whose
    texts all fit one line of the default size keep the default height; a height already set is
    never lowered; a text merged over several rows leaves them as they are. ``only``: just these rows."""
    merged = {(m.min_row, m.min_col): (m.max_row, m.max_col) for m in ws.merged_cells.ranges}
    widths: dict[int, float] = {}
    need: dict[int, list[tuple[str, float, float, bool]]] = {}
    last = ws.max_column if only is not None else None
    rows = ws.iter_rows() if only is None else (
        cells for r in sorted(set(only)) for cells in ws.iter_rows(min_row=r, max_row=r, max_col=last))
    for row in rows:
        for cell in row:
            if cell.value is None or cell.value == "" or isinstance(cell, MergedCell):
                continue
            last_row, last_col = merged.get((cell.row, cell.column), (cell.row, cell.column))
            size, bold = float(cell.font.sz or SIZE), bool(cell.font.b)
            if last_row != cell.row or not (cell.alignment.wrap_text or size > SIZE):
                continue
            if cell.alignment.wrap_text and isinstance(cell.value, str):
                for c in range(cell.column, last_col + 1):
                    if c not in widths:
                        widths[c] = shown_width(ws, c)
                width = sum(widths[c] for c in range(cell.column, last_col + 1))
                if width:  # a hidden column's text is not shown
                    need.setdefault(cell.row, []).append((cell.value, width, size, bold))
            else:  # one line of a larger font
                need.setdefault(cell.row, []).append(("0", 1000.0, size, bold))
    for r, cells in need.items():
        height, dim = fit.taller_row(cells), ws.row_dimensions[r]
        if height and (dim.height is None or dim.height < height):
            dim.height = height


def fit_workbook(wb: Workbook) -> Workbook:
    """``fit_rows`` on every sheet that shows (the last step before saving); returns ``wb``."""
    for ws in wb.worksheets:
        if ws.sheet_state == "visible":
            fit_rows(ws)
    return wb


# --- xlsxwriter ----------------------------------------------------------------------------------
# Every string goes through ``excel.cells.put_string`` and nothing is guessed: text a unit typed
# ("=HYPERLINK(...)", "0912...", "http://...", "<r>...</r>") stays text.
def workbook_options() -> dict:
    """xlsxwriter's options for a workbook, new for each (xlsxwriter adds to the dict it is given: a second
    workbook made with the same dict would have another default font)."""
    return {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
            "constant_memory": False,  # add_table() is not supported in constant_memory mode
            "remove_timezone": True, "default_format_properties": {"font_name": FONT, "font_size": SIZE}}
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
        put_string(ws, row, 0, left, fmt[lf])
        ws.merge_range(row, split + 1, row, last_col, "", fmt[rf])
        put_string(ws, row, split + 1, right, fmt[rf])
    ws.merge_range(2, split + 1, 2, last_col, "", fmt["place"])
    put_string(ws, 2, split + 1, dated, fmt["place"])


def xlsx_print_a4(ws, *, landscape: bool | None = True, title_row: int | None = None,
                  margins: tuple[float, float, float, float] | None = None, centered: bool = False,
                  footer: str | None = XLSX_FOOTER) -> None:
    """A4, one page wide (xlsxwriter); ``landscape=None``: when a ``FittedSheet``'s columns are wider
    than a portrait page; ``title_row`` (0-based) repeated on every page; ``margins`` in inches (left,
    right, top, bottom)."""
    if landscape is None:
        sides = margins[0] + margins[1] if margins else 1.4  # xlsxwriter's default: 0.7 inch each side
        landscape = fit.wider_than_portrait(ws.widths(), sides) if isinstance(ws, FittedSheet) else True
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


class FittedSheet:
    """An xlsxwriter worksheet that remembers the column widths, texts, merges and row heights it is
    given (through ``set_column``, ``write_string``, ``write_rich_string``, ``merge_range``, ``set_row``;
    columns as numbers) and, on ``fit_rows()`` (call it before the workbook is closed), makes every row as
    high as its text needs, like ``fit_rows`` for openpyxl. Its strings go through ``put_string`` (never
    taken for markup). Everything else goes to the worksheet unchanged."""

    def __init__(self, ws):
        self._ws = ws
        self._widths: dict[int, float] = {}
        self._texts: dict[tuple[int, int], tuple[str, Any]] = {}
        self._spans: dict[tuple[int, int], int] = {}  # (row, first col) -> last col, one-row merges
        self._tall: set[tuple[int, int]] = set()  # merges over several rows: left as they are
        self._rows: dict[int, tuple[float | None, Any, dict | None]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ws, name)

    def set_column(self, first: int, last: int, width: float | None = None, cell_format=None,
                   options: dict | None = None):
        hidden = bool(options and options.get("hidden"))
        for c in range(first, last + 1):
            self._widths[c] = 0.0 if hidden else (DEFAULT_WIDTH if width is None else width)
        return self._ws.set_column(first, last, width, cell_format, options)

    def set_row(self, row: int, height: float | None = None, cell_format=None, options: dict | None = None):
        self._rows[row] = (height, cell_format, options)
        return self._ws.set_row(row, height, cell_format, options)

    def write_string(self, row: int, col: int, string: str, cell_format=None):
        self._texts[(row, col)] = (string, cell_format)
        put_string(self._ws, row, col, string, cell_format)

    def write_rich_string(self, row: int, col: int, *parts):
        cell_format = None if isinstance(parts[-1], str) else parts[-1]
        self._texts[(row, col)] = ("".join(p for p in parts if isinstance(p, str)), cell_format)
        return self._ws.write_rich_string(row, col, *parts)

    def merge_range(self, first_row: int, first_col: int, last_row: int, last_col: int, data: Any,
                    cell_format=None):
        if first_row == last_row:
            self._spans[(first_row, first_col)] = last_col
        else:
            self._tall.add((first_row, first_col))
        text = data if isinstance(data, str) else None
        self._ws.merge_range(first_row, first_col, last_row, last_col, "" if text else data, cell_format)
        if text:
            self.write_string(first_row, first_col, text, cell_format)

    def widths(self) -> list[float]:
        """The columns' widths, from the first to the last one set (Excel's units)."""
        return [self._widths.get(c, DEFAULT_WIDTH) for c in range(max(self._widths, default=-1) + 1)]

    def fit_rows(self) -> None:
        """Set each row's height from its texts (never lower than a height set before)."""
        need: dict[int, list[tuple[str, float, float, bool]]] = {}
        for (r, c), (text, fmt) in self._texts.items():
            if (r, c) in self._tall or not text:
                continue
            size = float(getattr(fmt, "font_size", SIZE) or SIZE)
            bold, wrap = bool(getattr(fmt, "bold", 0)), bool(getattr(fmt, "text_wrap", 0))
            if wrap:
                width = sum(self._widths.get(k, DEFAULT_WIDTH) for k in range(c, self._spans.get((r, c), c) + 1))
                if width:  # a hidden column's text is not shown
                    need.setdefault(r, []).append((text, width, size, bold))
            elif size > SIZE:
                need.setdefault(r, []).append(("0", 1000.0, size, bold))
        for r, cells in need.items():
            height, fmt, options = self._rows.get(r, (None, None, None))
            need_height = fit.taller_row(cells)
            if need_height:
                self._ws.set_row(r, max(height or 0.0, need_height), fmt, options)
