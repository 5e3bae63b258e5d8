"""The master workbook (xlsxwriter): ``MasterBook`` writes it, sheet by sheet in the order of the year, and
is the API the forms' ``master`` hooks write their own sheets with.

Order: "Tổng quan" (``overview``), "Tình hình nộp" (``sheets``), then each form in the order of the year
(its summary, its tables, its own sheets: rankings, checks...), "Vấn đề tồn đọng" (``problems``) last.
A form's sheets are named "<form label> - <part>" (``sheet_name``), the label being the form's
``MASTER_LABEL`` (its rules module) or its name cut at a word.

Every string goes through ``excel.cells.put_string`` (on a streamed sheet's rows, ``excel.rowstream``: the
same bytes, no rich-text markup), every number through ``put_number`` (one no spreadsheet holds is written as
text), and the workbook options (``excel.style.workbook_options``) turn off formula, URL and number guessing,
so text a unit typed ("=HYPERLINK(...)") stays text.

The sheets of the units' rows (``sheets.write_table``: hundreds of thousands of rows in a large
campaign) are *streamed*: xlsxwriter's constant-memory mode, each row written to a temporary file as
soon as the next one starts, so memory stays flat however many rows there are. Such a sheet is written
strictly top to bottom: its subtitle and each row's height are set before the row under it is written
(``sheet(..., streamed=True)``, ``table``); ``write_table`` writes each row at once through
``excel.rowstream.RowStream``. The other sheets are kept in memory until the book closes.

Wrapped text gets room: every wrapped cell written through the API (``put``, ``header``, ``merge``,
``note``, the title lines) records the height its text needs (``excel.fit``) for its row, and the rows get
those heights when the book is closed. Every sheet is protected (no password; filtering, sorting and
resizing allowed) with its input cells (yellow) unlocked, and its subtitle says so.
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from sheets_tools.campaign.model import Campaign
from sheets_tools.collection.status import Board, format_moment, local_naive
from sheets_tools.collection.workers import start_method, workers_for
from sheets_tools.core.findings import Finding
from sheets_tools.excel.fit import SIZE, row_height
from sheets_tools.excel.rowstream import RowFile, RowStream
from sheets_tools.excel.style import MASTER_FORMATS, TITLE_SIZE, add_formats, xlsx_print_a4, workbook_options
from sheets_tools.formkit.declaration import Form, load_forms
from sheets_tools.formkit.plugins import Context, hook
from sheets_tools.master import measure
from sheets_tools.master import notes as office_notes
from sheets_tools.master.overview import write_overview
from sheets_tools.master.problems import write_problems
from sheets_tools.master.problems import PROBLEMS_SHEET
from sheets_tools.master.tablerows import Tables
from sheets_tools.excel.cells import put_number, put_string
from sheets_tools.master.sheets import (STATUS_SHEET, UNIT_COLUMNS, plan_table, sheet_name, title_columns, write_status,
                                        write_summary, write_table)
from sheets_tools.store.ledger import Ledger, rows_by_submission

__all__ = ["HEADER", "MasterBook", "PROBLEMS_SHEET", "STATUS_SHEET", "UNIT_COLUMNS", "form_label", "form_sheet_name"]

HEADER = 5  # 0-based row of every sheet's column labels (Excel row 6); rows 0-3 hold the titles
NOTE_LABEL, ROW_KEY_LABEL = office_notes.NOTE_LABEL, office_notes.ROW_KEY_LABEL
INPUT_FORMATS = ("input", "input_text")
LOCKED_VIEW = ("Trang tính được khóa để không sửa nhầm số liệu (không đặt mật khẩu): chỉ xem, lọc và sắp xếp; "
               "sửa số liệu ở biểu mẫu của đơn vị rồi chạy lại lệnh tổng hợp.")
LOCKED_INPUT = ("Trang tính được khóa để không sửa nhầm số liệu (không đặt mật khẩu): Văn phòng chỉ nhập được vào "
                "các ô nền vàng (kể cả cột \"Ghi chú\"), được giữ lại ở lần tổng hợp sau; lọc, sắp xếp vẫn dùng được.")
_PROTECTION = {"autofilter": True, "sort": True, "format_columns": True, "format_rows": True,
               "select_locked_cells": True, "select_unlocked_cells": True}
# the master's own formats: wrapped titles (their rows get a height), a bold wrapped line
_OWN_FORMATS = {
    "title": {**MASTER_FORMATS["title"], "text_wrap": True},
    "subtitle": {**MASTER_FORMATS["subtitle"], "text_wrap": True, "valign": "top"},
    "note_wrap": {**MASTER_FORMATS["note"], "text_wrap": True, "valign": "top"},
    "bold_wrap": {**MASTER_FORMATS["bold"], "text_wrap": True},
    "center": {**MASTER_FORMATS["cell"], "align": "center", "valign": "vcenter"},
}
_FONT_SIZES = {"title": TITLE_SIZE}
_MIN_HEIGHT = measure.MIN_HEIGHT  # one line of the Normal font (points)
_TEXTS = 20000  # texts remembered per streamed sheet (``row``)


class MasterBook:
    """The master workbook being written (xlsxwriter), and the API the forms' ``master(m, context)``
    hooks (sheets_tools/forms/*.py) write their own sheets with.

    What a form may use:

    * ``m.form_sheet(form_id, part)`` adds the worksheet "<form label> - <part>" (at most 31 characters,
      cut at a word); ``m.sheet(name)`` one with exactly that name (made valid and unique); with
      ``streamed=True`` a sheet written strictly row after row (see the module's docstring);
    * ``m.frame(ws, title, subtitle, widths, freeze_col)`` writes the agency lines, the title and
      the subtitle, sets the column widths, freezes the header and sets A4 printing, protects the sheet;
    * ``m.header(ws, labels)`` writes the column labels on row ``m.header_row``;
    * ``m.put(ws, r, c, value, fmt)`` writes one value by its type (text always as text);
    * ``m.merge(ws, r, first, last, text, fmt)`` one text over merged columns; ``m.note(ws, r, text)``
      a line under a table (over the sheet's width, wrapped);
    * ``m.office_note(ws, r, c, key)`` the office's "Ghi chú" cell (yellow, kept across runs) and the row's
      hidden key beside it; ``m.note_columns(ws, c)`` the labels of those two columns;
    * ``m.stamp()`` is the line "Số liệu tính đến <now>" for a subtitle;
    * ``m.fmt`` the named formats (``excel.style.MASTER_FORMATS``: "cell", "wrap", "number", "date",
      "bold", "note", "input", "input_text", "bad", "good", "money", ...);
    * ``m.header_row`` (0-based row of the column labels; data starts on the row after it),
      ``m.year``, ``m.campaign``, ``m.ledger``, ``m.context``, and ``m.wb`` for what the
      above does not cover (e.g. charts).

    Rows and columns are 0-based, as in xlsxwriter. Wrapped text written through these calls gets its
    row's height when the book closes.
    """
    header_row = HEADER

    def __init__(self, path: Path, campaign: Campaign, ledger: Ledger, counts: dict):
        self.campaign, self.ledger, self.counts = campaign, ledger, counts
        self.context = Context(campaign, ledger)
        self.wb = xlsxwriter.Workbook(str(path), workbook_options())
        self.fmt = add_formats(self.wb, {**MASTER_FORMATS, **_OWN_FORMATS})
        self._wraps = {name for name, spec in {**MASTER_FORMATS, **_OWN_FORMATS}.items() if spec.get("text_wrap")}
        self.names: set[str] = set()
        self.tables = 0
        self.year = campaign.info.year
        self.notes = office_notes.stored(ledger)
        self.notes_shown: set[str] = set()
        self._widths: dict[str, list[float]] = {}
        self._heights: dict[tuple[str, int], float] = {}
        self._frames: dict[str, tuple[Worksheet, str, int]] = {}
        self._inputs: set[str] = set()
        self._streamed: dict[str, tuple[int, float]] = {}  # streamed sheet -> (row, the height it was given)
        self._streams: dict[str, RowStream] = {}  # streamed sheet -> its rows written whole (``row``)
        self._texts: dict[str, dict] = {}  # streamed sheet -> (column, text, format name) -> (format, height)
        self._specs = {**MASTER_FORMATS, **_OWN_FORMATS}
        # the input tables' rows (``sheets.write_table``): a large table's by worker processes
        self.row_tables = Tables(ledger.path, lambda ids, sheet: rows_by_submission(ledger.db, ids, sheet),
                                 workers_for(campaign), start_method(), self.wb.tmpdir)
        self.row_counts: dict[tuple[int, str], int] = {}  # (submission id, sheet) -> rows, of the data in use

    def write(self, status: Board, cross: dict[str, dict[str, list[Finding]]]) -> None:
        """The whole workbook, in the order of the year; closes it. ``cross`` holds the cross-unit
        findings by form and unit."""
        forms = list(load_forms().values())
        self.counts.update(rows={}, units=len(self.campaign.units), problems=0,
                           unidentified=len(status.unidentified),
                           cross_unit=sum(len(v) for per in cross.values() for v in per.values()))
        data = {f.id: self.ledger.data_submission(f.id) for f in forms}
        self.counts["units_with_data"] = len({u for subs in data.values() for u in subs})
        self.row_counts = self.ledger.row_counts([s.id for subs in data.values() for s in subs.values()])
        self.wb.set_properties({"title": f"Tổng hợp thi đua năm {self.year}", "author": self.campaign.info.agency,
                                "company": self.campaign.info.agency})
        # a form nobody has sent yet only shows on the status sheets (the first form always has its tables)
        shown = {form.id for i, form in enumerate(forms) if i == 0 or self.ledger.submissions(form=form.id)}
        for form in (form for form in forms if form.id in shown):
            for sheet in form.sheets:  # a large table's rows go to worker processes as the book begins
                plan_table(self, form, sheet, data[form.id])
        try:
            write_overview(self, status)
            write_status(self, status)
            for form in forms:
                if form.id in shown:
                    if title_columns(form):
                        write_summary(self, form, data[form.id])
                    for sheet in form.sheets:
                        write_table(self, form, sheet, data[form.id])
                if (extra := hook(form.id, "master")) is not None:  # ranking, checks...: forms/<form id>.py
                    extra(self, self.context)
            write_problems(self, forms, status, cross, data)
            self.row_tables.finish()
        finally:
            self.row_tables.close()
        self._finish()
        self.wb.close()

    # --- common layout ---------------------------------------------------------------------
    def label(self, form: Form) -> str:
        """The short label of a form in sheet names: its ``MASTER_LABEL``, or its name."""
        return form_label(form)

    def form_sheet(self, form_id: str, part: str, *, streamed: bool = False) -> Worksheet:
        """A new worksheet "<form label> - <part>", at most 31 characters, cut at a word."""
        return self.sheet(form_sheet_name(form_id, part), streamed=streamed)

    def sheet(self, wanted: str, prefix: str = "", *, streamed: bool = False, inputs: bool = False) -> Worksheet:
        """A new worksheet named ``wanted`` (made valid and unique; ``prefix`` is kept for older hooks:
        a name already used gets it in front). A ``streamed`` sheet is written in xlsxwriter's
        constant-memory mode: strictly row after row (``row`` writes a whole one), with yellow input cells
        only when it says so here (``inputs``: its subtitle is written first)."""
        name = sheet_name(prefix, wanted) if prefix and wanted.casefold() in self.names else wanted
        name = _unique(sheet_name("", name), self.names)
        self.names.add(name.casefold())
        if inputs:
            self._inputs.add(name)
        self.wb.constant_memory = streamed  # read by add_worksheet only: the other sheets stay in memory
        try:
            ws = self.wb.add_worksheet(name)
        finally:
            self.wb.constant_memory = False
        if streamed:  # one line of text is every row's height unless the row says otherwise: most rows need
            ws.set_default_row(_MIN_HEIGHT)  # not say it (a height kept per row is memory kept per row)
            self._streamed[ws.name] = (-1, 0.0)
            self.row_tables.start(RowFile.facts(ws))  # the first streamed sheet: the large tables' rows begin
        return ws

    def streamed(self, ws: Worksheet) -> bool:
        """Whether ``ws`` is written row after row (``sheet(..., streamed=True)``)."""
        return ws.name in self._streamed

    def frame(self, ws: Worksheet, title: str, subtitle: str, widths: list[float], freeze_col: int = 0) -> None:
        """Agency lines, bold title, subtitle, column widths, frozen header, A4 printing (landscape when
        wide) with the header row repeated, sheet protection."""
        info, last = self.campaign.info, max(len(widths) - 1, 1)
        self._widths[ws.name] = list(widths)
        put_string(ws, 0, 0, info.parent_agency, self.fmt["agency"])
        put_string(ws, 1, 0, info.agency, self.fmt["agency_bold"])
        self.merge(ws, 2, 0, last, title, "title")
        if self.streamed(ws):  # its rows cannot wait for the book's end: whether it has input cells is said first
            lock = LOCKED_INPUT if ws.name in self._inputs else LOCKED_VIEW
            self.merge(ws, 3, 0, last, f"{subtitle}\n{lock}" if subtitle else lock, "subtitle")
        else:
            self._frames[ws.name] = (ws, subtitle, last)
        for i, width in enumerate(widths):
            ws.set_column(i, i, width)
        ws.freeze_panes(HEADER + 1, freeze_col)
        xlsx_print_a4(ws, landscape=sum(widths) > 100, title_row=HEADER, margins=(0.4, 0.4, 0.6, 0.6))
        ws.protect("", _PROTECTION)

    def header(self, ws: Worksheet, labels: list[str]) -> None:
        """The column labels, on row ``header_row``, from column 0."""
        for c, label in enumerate(labels):
            self.put(ws, HEADER, c, label, "header")

    def put(self, ws: Worksheet, r: int, c: int, value: Any, fmt: str = "cell") -> None:
        """Write one value by its type with the format named ``fmt``: strings always as strings,
        dates as dd/mm/yyyy, moments as dd/mm/yyyy hh:mm (local time), numbers right-aligned with
        the plain "cell" format; None or "" as a formatted blank."""
        if fmt in INPUT_FORMATS:
            self._inputs.add(ws.name)
        # xlsxwriter's undecorated writers (its public ones only convert "A1" arguments first)
        if value is None or value == "":
            ws._write_blank(r, c, None, self.fmt[fmt])
        elif isinstance(value, datetime):
            ws.write_datetime(r, c, local_naive(value), self.fmt["moment"])
        elif isinstance(value, date):
            ws.write_datetime(r, c, value, self.fmt["date"])
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            put_number(ws, r, c, value, self.fmt["number" if fmt == "cell" else fmt])
        else:
            text = str(value)
            if fmt == "cell" and " " in text and measure.wider(text, self.width(ws, c, c)):
                fmt = "wrap"  # words wider than the column wrap
            put_string(ws, r, c, text, self.fmt[fmt])
            if fmt in self._wraps:
                self.need(ws, r, text, self.width(ws, c, c), fmt)

    def row(self, ws: Worksheet, r: int, cells: list[tuple[int, Any, str]], ready: tuple = ()) -> None:
        """Row ``r`` of a streamed sheet at once (``excel.rowstream``): each ``(column, value, format name)``
        written as ``put`` writes it, and ``ready`` cells ``(column, value, Format)`` as they are; the row
        as high as its wrapped texts need."""
        stream = self._streams.get(ws.name)
        if stream is None:
            stream = self._streams[ws.name] = RowStream(ws)
            self._texts[ws.name] = {}
        out, tall, texts = list(ready), 0.0, self._texts[ws.name]
        for c, value, fmt in cells:
            if fmt in INPUT_FORMATS:
                self._inputs.add(ws.name)
            if value is None or value == "":
                out.append((c, None, self.fmt[fmt]))
            elif isinstance(value, datetime):
                out.append((c, ws._convert_date_time(local_naive(value)), self.fmt["moment"]))
            elif isinstance(value, date):
                out.append((c, ws._convert_date_time(value), self.fmt["date"]))
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                out.append((c, value, self.fmt["number" if fmt == "cell" else fmt]))
            else:
                text = str(value)
                seen = texts.get((c, text, fmt))  # names, blocks, labels come back row after row
                if seen is None:
                    if len(texts) >= _TEXTS:
                        texts.clear()
                    seen = texts[(c, text, fmt)] = self._text_cell(ws, c, text, fmt)
                out.append((c, text, seen[0]))
                tall = max(tall, seen[1])
        out.sort(key=lambda cell: cell[0])
        height = measure.whole_pixels(tall)
        stream.row(r, out, height if height > _MIN_HEIGHT else None)

    def _text_cell(self, ws: Worksheet, c: int, text: str, fmt: str) -> tuple[Any, float]:
        """The format ``put`` gives ``text`` in column ``c`` and the height it needs (0: not wrapped)."""
        if fmt == "cell" and " " in text and measure.wider(text, self.width(ws, c, c)):
            fmt = "wrap"  # words wider than the column wrap
        return self.fmt[fmt], self._height(text, self.width(ws, c, c), fmt) if fmt in self._wraps else 0.0

    def merge(self, ws: Worksheet, r: int, first: int, last: int, text: str, fmt: str = "bold") -> None:
        """``text`` over the columns ``first``..``last`` of row ``r`` (one cell when they are the same)."""
        if last > first:
            ws.merge_range(r, first, r, last, "", self.fmt[fmt])
        put_string(ws, r, first, text, self.fmt[fmt])
        if fmt in self._wraps:
            self.need(ws, r, text, self.width(ws, first, last), fmt)

    def note(self, ws: Worksheet, r: int, text: str) -> None:
        """A line under a table (italic, wrapped over the sheet's columns)."""
        self.merge(ws, r, 0, max(len(self._widths.get(ws.name, [])) - 1, 0), text, "note_wrap")

    def note_columns(self) -> list[tuple[str, float]]:
        """The labels and widths of the office's note column and the hidden row key after it."""
        return [(NOTE_LABEL, 30), (ROW_KEY_LABEL, 10)]

    def office_note_cells(self, ws: Worksheet, c: int, key: str) -> tuple[list, list]:
        """``office_note`` for ``row``: the cells ``(cells, ready)`` of the office's note for the row ``key`` in
        column ``c`` and of the key in column ``c + 1`` (hidden by ``hide_key_column``)."""
        self.notes_shown.add(key)
        return [(c, self.notes.get(key, {}).get("note"), "input_text")], [(c + 1, key, self.fmt["cell"])]

    def hide_key_column(self, ws: Worksheet, c: int) -> None:
        """The column ``c`` of the rows' hidden keys (``office_note``), hidden."""
        width = self._widths.get(ws.name, [])
        ws.set_column(c, c, width[c] if c < len(width) else 10, None, {"hidden": True})

    def office_note(self, ws: Worksheet, r: int, c: int, key: str) -> None:
        """The office's note for the row ``key`` (yellow, read back at the next run) in column ``c``, the key
        in the hidden column ``c + 1``."""
        self.notes_shown.add(key)
        self.put(ws, r, c, self.notes.get(key, {}).get("note"), "input_text")
        put_string(ws, r, c + 1, key, self.fmt["cell"])
        self.hide_key_column(ws, c + 1)

    def width(self, ws: Worksheet, first: int, last: int) -> float:
        """The width of columns ``first``..``last`` summed (Excel's units)."""
        widths = self._widths.get(ws.name, [])
        return sum(widths[c] if c < len(widths) else 8.43 for c in range(first, last + 1))

    def need(self, ws: Worksheet, r: int, text: str, width: float, fmt: str = "wrap") -> None:
        """Record that row ``r`` needs the height of ``text`` wrapped in ``width``. On a streamed sheet the
        row gets it at once: call this before writing the row under it."""
        height = self._height(text, width, fmt)
        if ws.name in self._streamed:
            self._stream_height(ws, r, height)
            return
        key = (ws.name, r)
        self._heights[key] = max(self._heights.get(key, 0.0), height)

    def _height(self, text: str, width: float, fmt: str) -> float:
        """The height in points ``text`` needs wrapped in ``width`` in the format named ``fmt``."""
        size, bold = _FONT_SIZES.get(fmt, SIZE), bool(self._specs.get(fmt, {}).get("bold"))
        if text:
            return measure.height(text, width, size, bold)
        return row_height([("x" if fmt != "title" else "", width, size, bold)])

    def table(self, ws: Worksheet, labels: list[str], options: dict) -> None:
        """The column labels on row ``header_row`` and an Excel table under them, on a streamed sheet, before any
        row under the labels (``end_table`` stretches it over the rows once they are written).

        xlsxwriter refuses ``add_table`` while streaming, and indexes every cell of a table (for its overlap
        check): the table is declared with the mode off for that call, over the labels and one row (the call
        only writes the labels, written again after it in the streamed way)."""
        fmt = self.fmt["header"]
        ws.write_string(HEADER, 0, labels[0], fmt)  # the rows above are now written out
        streamed, ws.constant_memory = ws.constant_memory, False
        try:
            ws.add_table(HEADER, 0, HEADER + 1, len(labels) - 1, {
                **options, "columns": [{"header": label, "header_format": fmt} for label in labels]})
        finally:
            ws.constant_memory = streamed
        for c, label in enumerate(labels):
            put_string(ws, HEADER, c, label, fmt)

    def end_table(self, ws: Worksheet, last_row: int) -> None:
        """The table ``table`` declared on ``ws`` stretched down to ``last_row`` (at least one row under the
        labels). Its filter covers the same rows (a table without a total row)."""
        table = ws.tables[-1]
        first, last = table["range"].split(":")
        last_col = last.rstrip("0123456789")
        table["range"] = table["a_range"] = f"{first}:{last_col}{max(last_row, HEADER + 1) + 1}"
        if table.get("autofilter"):
            table["autofilter"] = table["a_range"]

    def _stream_height(self, ws: Worksheet, r: int, height: float) -> None:
        row, given = self._streamed[ws.name]
        height = measure.whole_pixels(height)
        if row != r or height > given:
            if height > _MIN_HEIGHT:  # one line: the sheet's default height
                ws.set_row(r, height)
            self._streamed[ws.name] = (r, height)

    def stamp(self) -> str:
        """"Số liệu tính đến <now>": when the figures were taken."""
        return f"Số liệu tính đến {format_moment(datetime.now())}"

    def _finish(self) -> None:
        """Each sheet's subtitle with the line on what is locked, then the rows' heights."""
        for name, (ws, subtitle, last) in self._frames.items():
            lock = LOCKED_INPUT if name in self._inputs else LOCKED_VIEW
            self.merge(ws, 3, 0, last, f"{subtitle}\n{lock}" if subtitle else lock, "subtitle")
        sheets = {ws.name: ws for ws in self.wb.worksheets()}
        for (name, r), height in self._heights.items():
            ws = sheets[name]
            row = ws.row_info.get(r)  # a height the sheet already set: the larger wins
            if row is not None and row.height is not None:
                height = max(height, row.height * 0.75)
            height = measure.whole_pixels(height)
            ws.set_row(r, height, row.row_format if row else None,
                       {"hidden": True} if row is not None and row.hidden else None)


def form_label(form: Form) -> str:
    """The short label of a form in the master's sheet names: its rules' ``MASTER_LABEL``, or its name."""
    return hook(form.id, "MASTER_LABEL") or form.name


def form_sheet_name(form_id: str, part: str) -> str:
    """The master's sheet "<form label> - <part>" of a form (e.g. its input table ``part`` = the sheet's name:
    "ĐK thi đua - Cá nhân")."""
    return sheet_name(form_label(load_forms()[form_id]), part)


def _unique(name: str, used: set[str]) -> str:
    candidates = [name] + [f"{name[:31 - len(f' ({n})')].rstrip()} ({n})" for n in range(2, 1000)]
    return next(c for c in candidates if c.casefold() not in used)
