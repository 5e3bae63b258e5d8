"""The one look of every workbook the tool writes: Times New Roman 12, thin borders, the header
fill, the Vietnamese state heading, sheet protection and A4 printing.

The look is here (fonts, sizes, colours, the heading's words, the formats); two halves apply it:

* openpyxl (forms, feedback, campaign.xlsx, council ballot, history template), in ``excel.openpyxl_style``
  (apart: importing openpyxl costs a tenth of a second, and collect and consolidate need it only for
  feedback and forms): ``new_workbook``,
  ``font``, ``put``, ``text``, ``agency_heading``, ``header_cell``, ``body_cell``, ``protect``,
  ``protect_workbook``, ``select_first``, ``print_a4``, the fills/borders below, and ``fit_rows`` /
  ``fit_workbook``, the last step before a workbook is saved: every row as high as its text needs;
* xlsxwriter (master, publication, decision lists, council result), here: ``workbook_options()``,
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

from typing import Any

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
DEFAULT_WIDTH = 8.43  # a column's width when none is set (Excel's units)


def heading_split(last_col: int) -> int:
    """The last column (1-based) of the agency block; the motto takes the columns after it."""
    return max(2, last_col // 2)


def dated_line(place: str | None, year: Any = "......") -> str:
    """"Đắk Lắk, ngày ... tháng ... năm 2024": the line under the motto, day and month left to write."""
    return f"{place or '......'}, ngày ... tháng ... năm {year}"


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
