"""The openpyxl half of ``excel.style`` (its docstring tells the whole look): fonts, fills, borders,
the state heading, protection, A4 printing and row heights for workbooks openpyxl writes (forms,
feedback, campaign.xlsx, council ballot, history template).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Iterable

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from sheets_tools.excel import fit
from sheets_tools.excel.columns import column_letter
from sheets_tools.excel.style import (A4, AUTHOR, DATE_FORMAT, DEFAULT_WIDTH, FONT, HEAD_COLOR, INPUT_COLOR,
                                      LOCKED_COLOR, MARK_COLOR, MAX_CELL_TEXT, MOTTO, NATION, REQUIRED_COLOR, SIZE,
                                      heading_split)

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


def agency_heading(ws: Worksheet, last_col: int, parent_agency: str, agency: str, dated: str, *,
                   split: int | None = None) -> int:
    """Rows 1-3 of a sheet (openpyxl): the parent agency and the agency (bold) over columns
    1..``split``, the nation and the underlined motto (bold) and the ``dated`` line (italic) over
    ``split + 1``..``last_col``; all centred, wrapped where the columns are narrower than the text
    (``fit_rows`` then makes the row higher). Returns ``split``."""
    split = heading_split(last_col) if split is None else split
    left_end, right, last = column_letter(split), column_letter(split + 1), column_letter(last_col)
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
    dim = ws.column_dimensions.get(column_letter(col))
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
    fonts, alignments = ws.parent._fonts, ws.parent._alignments
    looks: dict[tuple[int, int], tuple[float, bool, bool]] = {}  # a cell's (font, alignment) ids -> what counts
    for row in rows:
        for cell in row:
            if cell.value is None or cell.value == "" or isinstance(cell, MergedCell):
                continue
            last_row, last_col = merged.get((cell.row, cell.column), (cell.row, cell.column))
            ids = (cell._style.fontId, cell._style.alignmentId)  # cell.font and cell.alignment, without a proxy
            look = looks.get(ids)
            if look is None:
                font = fonts[ids[0]]
                look = looks[ids] = (float(font.sz or SIZE), bool(font.b), bool(alignments[ids[1]].wrap_text))
            size, bold, wrap = look
            if last_row != cell.row or not (wrap or size > SIZE):
                continue
            if wrap and isinstance(cell.value, str):
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
