"""The master workbook (xlsxwriter): status, summary, one sheet per input table, the forms' own
sheets, open problems; ``MasterBook`` is also the API the forms write their own sheets with.

Every string goes through ``write_string`` and the workbook options (``excel.style.WORKBOOK_OPTIONS``)
turn off formula, URL and number guessing, so text a unit typed ("=HYPERLINK(...)") stays text.
``constant_memory`` is off because xlsxwriter does not support ``add_table`` in that mode; rows
are still streamed from the ledger cursor.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterator

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from sheets_tools.campaign.model import Campaign
from sheets_tools.collection.status import Board, counts_line, format_moment, local_naive
from sheets_tools.core.findings import SEVERITY_LABELS, Finding
from sheets_tools.core.values import date_to_serial
from sheets_tools.excel.style import MASTER_FORMATS, WORKBOOK_OPTIONS, add_formats, xlsx_print_a4
from sheets_tools.formkit.declaration import Column, Form, TableSheet, load_forms, resolve_choices
from sheets_tools.formkit.plugins import Context, hook
from sheets_tools.store.ledger import Ledger, Submission

HEADER = 5  # 0-based row of every sheet's column labels (Excel row 6); rows 0-3 hold the titles
STATUS_SHEET = "Tình hình nộp"
SUMMARY_SHEET = "Tổng hợp"
PROBLEMS_SHEET = "Vấn đề tồn đọng"
UNIT_COLUMNS = (("Mã đơn vị", 12), ("Tên đơn vị", 36))
SOURCE_ROW_LABEL = "Dòng trong tệp gốc"
SUBJECT_COUNT_LABELS = {"collective": "Số tập thể", "individual": "Số cá nhân"}
OTHER_CHOICE = "Khác (ngoài danh mục)"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


class MasterBook:
    """The master workbook being written (xlsxwriter), and the API the forms' ``master(m, context)``
    hooks (sheets_tools/forms/*.py) write their own sheets with.

    What a form may use:

    * ``m.sheet(wanted, prefix)`` adds a worksheet with a valid, unique name;
    * ``m.frame(ws, title, subtitle, widths, freeze_col)`` writes the agency lines, the title and
      the subtitle, sets the column widths, freezes the header and sets A4 landscape printing;
    * ``m.header(ws, labels)`` writes the column labels on row ``m.header_row``;
    * ``m.put(ws, r, c, value, fmt)`` writes one value by its type (text always as text);
    * ``m.stamp()`` is the line "Số liệu tính đến <now>" for a subtitle;
    * ``m.fmt`` the named formats (``excel.style.MASTER_FORMATS``: "cell", "wrap", "number", "date",
      "bold", "note", "input", "input_text", "bad", "good", "money", ...);
    * ``m.header_row`` (0-based row of the column labels; data starts on the row after it),
      ``m.year``, ``m.campaign``, ``m.ledger``, ``m.context``, and ``m.wb`` for what the
      above does not cover (e.g. charts).

    Rows and columns are 0-based, as in xlsxwriter.
    """
    header_row = HEADER

    def __init__(self, path: Path, campaign: Campaign, ledger: Ledger, counts: dict):
        self.campaign, self.ledger, self.counts = campaign, ledger, counts
        self.context = Context(campaign, ledger)
        self.wb = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
        self.fmt = add_formats(self.wb, MASTER_FORMATS)
        self.names: set[str] = set()
        self.tables = 0
        self.year = campaign.info.year

    def write(self, status: Board, cross: dict[str, dict[str, list[Finding]]]) -> None:
        """The whole workbook: status, summaries, one sheet per input table, the forms' own sheets,
        open problems; closes it. ``cross`` holds the cross-unit findings by form and unit."""
        forms = list(load_forms().values())
        self.counts.update(rows={}, units=len(self.campaign.units), problems=0,
                           unidentified=len(status.unidentified),
                           cross_unit=sum(len(v) for per in cross.values() for v in per.values()))
        data = {f.id: self.ledger.data_submission(f.id) for f in forms}
        self.counts["units_with_data"] = len({u for subs in data.values() for u in subs})
        self.wb.set_properties({"title": f"Tổng hợp thi đua năm {self.year}", "author": self.campaign.info.agency,
                                "company": self.campaign.info.agency})
        self._status(status)
        # a form nobody has sent yet only shows on the status sheet (the first form always has its tables)
        shown = [f for i, f in enumerate(forms) if i == 0 or self.ledger.submissions(form=f.id)]
        for form in shown:
            if _title_columns(form):
                self._summary(form, data[form.id])
        for form in shown:
            for sheet in form.sheets:
                self._table(form, sheet, data[form.id])
        for form in forms:  # a form's own sheets (ranking, proposal checks, ...): forms/<form id>.py
            if (extra := hook(form.id, "master")) is not None:
                extra(self, self.context)
        self._problems(forms, status, cross, data)
        self.wb.close()

    # --- common layout ---------------------------------------------------------------------
    def sheet(self, wanted: str, prefix: str) -> Worksheet:
        """A new worksheet named ``wanted`` (at most 31 characters, no character Excel refuses); a
        name already used gets ``prefix`` (the form's name) in front of it, then a number."""
        name = _unique_name(wanted, prefix, self.names)
        self.names.add(name.casefold())
        return self.wb.add_worksheet(name)

    def frame(self, ws: Worksheet, title: str, subtitle: str, widths: list[float], freeze_col: int = 0) -> None:
        """Agency lines, bold title, subtitle, column widths, frozen header, A4 landscape."""
        info, last = self.campaign.info, max(len(widths) - 1, 1)
        ws.write_string(0, 0, info.parent_agency, self.fmt["agency"])
        ws.write_string(1, 0, info.agency, self.fmt["agency_bold"])
        for row, text, fmt in ((2, title, "title"), (3, subtitle, "subtitle")):
            ws.merge_range(row, 0, row, last, "", self.fmt[fmt])
            ws.write_string(row, 0, text, self.fmt[fmt])
        ws.set_row(2, 24)
        for i, width in enumerate(widths):
            ws.set_column(i, i, width)
        ws.freeze_panes(HEADER + 1, freeze_col)
        xlsx_print_a4(ws, title_row=HEADER, margins=(0.4, 0.4, 0.6, 0.6))

    def header(self, ws: Worksheet, labels: list[str]) -> None:
        """The column labels, on row ``header_row``, from column 0."""
        for c, label in enumerate(labels):
            ws.write_string(HEADER, c, label, self.fmt["header"])

    def put(self, ws: Worksheet, r: int, c: int, value: Any, fmt: str = "cell") -> None:
        """Write one value by its type with the format named ``fmt``: strings always as strings,
        dates as dd/mm/yyyy, moments as dd/mm/yyyy hh:mm (local time), numbers right-aligned with
        the plain "cell" format; None or "" as a formatted blank."""
        if value is None or value == "":
            ws.write_blank(r, c, None, self.fmt[fmt])
        elif isinstance(value, datetime):
            ws.write_datetime(r, c, local_naive(value), self.fmt["moment"])
        elif isinstance(value, date):
            ws.write_datetime(r, c, value, self.fmt["date"])
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            ws.write_number(r, c, value, self.fmt["number" if fmt == "cell" else fmt])
        else:
            ws.write_string(r, c, str(value), self.fmt[fmt])

    def stamp(self) -> str:
        """"Số liệu tính đến <now>": when the figures were taken."""
        return f"Số liệu tính đến {format_moment(datetime.now())}"

    # --- 1. status ---------------------------------------------------------------------------
    def _status(self, status: Board) -> None:
        cols = [*UNIT_COLUMNS, ("Khối thi đua", 24), ("Biểu mẫu", 16), ("Hạn nộp", 12), ("Nhận lúc", 17),
                ("Đúng hạn/Muộn", 16), ("Tình trạng", 17), ("Số lỗi", 8), ("Số lưu ý", 8), ("Số lần gửi", 8),
                ("Tệp", 28), ("Ghi chú", 34)]
        ws = self.sheet(STATUS_SHEET, "")
        title = f"TÌNH HÌNH NỘP BIỂU MẪU THI ĐUA NĂM {self.year}"
        self.frame(ws, title, self.stamp(), [w for _, w in cols], 2)
        self.header(ws, [label for label, _ in cols])
        r = HEADER
        for fs in status.forms:
            for e in fs.entries:
                r += 1
                sent = e.submission_id is not None
                values = [e.unit, e.unit_name, e.block, fs.form.name, e.deadline, e.received_at,
                          e.timing_label, e.state_label, e.errors if sent else None,
                          e.warnings if sent else None, e.versions, e.file, e.note]
                for c, v in enumerate(values):
                    self.put(ws, r, c, v)
        ws.autofilter(HEADER, 0, max(r, HEADER + 1), len(cols) - 1)
        r += 1
        for fs in status.forms:
            r += 1
            line = f"{fs.form.name} (hạn nộp {fs.deadline:%d/%m/%Y}): {counts_line(fs.counts)}"
            ws.write_string(r, 0, line, self.fmt["note"])
        if status.unidentified:
            r += 1
            ws.write_string(r, 0, f"Tệp chưa xác định được đơn vị hoặc biểu mẫu: {len(status.unidentified)} "
                                  f"(xem trang \"{PROBLEMS_SHEET}\").", self.fmt["note"])

    # --- 2. summary --------------------------------------------------------------------------
    def _summary(self, form: Form, data: dict[str, Submission]) -> None:
        tally = {unit: self._tally(form, sub) for unit, sub in data.items()}
        groups = _summary_groups(form, self.campaign, tally.values())
        sheets = list(dict.fromkeys(s for s, _, _ in groups))
        labels = [*(u for u, _ in UNIT_COLUMNS), "Khối thi đua", *(v for _, _, values in groups for v in values),
                  *(SUBJECT_COUNT_LABELS.get(s.subject or "", f"Số dòng \"{s.name}\"") for s in sheets)]
        widths = [w for _, w in UNIT_COLUMNS] + [22] + [11] * (len(labels) - 3)
        ws = self.sheet(SUMMARY_SHEET, form.name)
        self.frame(ws, f"TỔNG HỢP {form.name.upper()} NĂM {self.year}", self.stamp(), widths, 2)
        c = 3
        for sheet, column, values in groups:
            self._group_heading(ws, c, c + len(values) - 1, f"{sheet.name}: {column.label}")
            c += len(values)
        self.header(ws, labels)
        keys = [(s.key, col.field, v) for s, col, values in groups for v in values] + [(s.key,) for s in sheets]
        totals: Counter = Counter()
        r = HEADER
        for code in _unit_codes(self.campaign, data):
            r += 1
            unit = self.campaign.unit(code)
            for c, v in enumerate([code, unit.name if unit else "", unit.block if unit else ""]):
                self.put(ws, r, c, v)
            counts = tally.get(code)
            for c, key in enumerate(keys, start=3):
                self.put(ws, r, c, counts[key] if counts is not None else None)
            totals.update(counts or {})
        r += 1
        ws.merge_range(r, 0, r, 2, "", self.fmt["total"])
        ws.write_string(r, 0, "Tổng cộng", self.fmt["total"])
        for c, key in enumerate(keys, start=3):
            self.put(ws, r, c, totals[key], "total")

    def _tally(self, form: Form, sub: Submission) -> Counter:
        """Counts of one unit's data: (sheet, field, value) per title choice, (sheet,) per row."""
        out: Counter = Counter()
        for sheet in form.sheets:
            fields = [c.field for c in sheet.columns if _is_title(c)]
            if fields:
                out.update(self.ledger.tally(sub.id, sheet.key, fields))
        return out

    def _group_heading(self, ws: Worksheet, first: int, last: int, text: str) -> None:
        if last > first:
            ws.merge_range(HEADER - 1, first, HEADER - 1, last, "", self.fmt["header"])
        ws.write_string(HEADER - 1, first, text, self.fmt["header"])

    # --- 3. one sheet per input table ---------------------------------------------------------
    def _table(self, form: Form, sheet: TableSheet, data: dict[str, Submission]) -> None:
        labels = _distinct_labels([u for u, _ in UNIT_COLUMNS] + [c.label for c in sheet.columns]
                                  + [SOURCE_ROW_LABEL])
        widths = [w for _, w in UNIT_COLUMNS] + [max(c.width, 12 if c.type == "date" else 8)
                                                 for c in sheet.columns] + [10]
        ws = self.sheet(sheet.name, form.name)
        self.frame(ws, f"TỔNG HỢP {form.name.upper()} NĂM {self.year}", sheet.heading, widths, 2)
        writers = [(c, col.field, self._writer(ws, col)) for c, col in enumerate(sheet.columns, start=2)]
        # blank cells are left out: the table style draws the grid
        cell, number, last = self.fmt["cell"], self.fmt["number"], len(labels) - 1
        r = HEADER
        for code in _unit_codes(self.campaign, data):
            if code not in data:
                continue
            unit = self.campaign.unit(code)
            name = unit.name if unit else ""
            for _, n, values in self.ledger.rows(data[code].id, sheet.key):
                r += 1
                ws.write_string(r, 0, code, cell)
                ws.write_string(r, 1, name, cell)
                for c, key_field, write in writers:
                    value = values.get(key_field)
                    if value is not None and value != "":
                        write(r, c, value)
                ws.write_number(r, last, n, number)
        key = sheet.key if sheet.key not in self.counts["rows"] else f"{form.id}.{sheet.key}"
        self.counts["rows"][key] = r - HEADER
        self.tables += 1
        ws.add_table(HEADER, 0, max(r, HEADER + 1), last, {
            "name": _table_name(self.tables, form, sheet), "style": "Table Style Light 9",
            "columns": [{"header": label, "header_format": self.fmt["header"]} for label in labels]})

    def _writer(self, ws: Worksheet, column: Column):
        """How one column's stored values are written: text always as text, dates as dates."""
        if column.type == "date":
            fmt = self.fmt["date"]

            def write_date(r: int, c: int, value: Any) -> None:
                parsed = _iso_date(value)
                if parsed is None:
                    ws.write_string(r, c, str(value), self.fmt["cell"])
                else:  # the Excel serial number (1900 system), cheaper than write_datetime
                    ws.write_number(r, c, date_to_serial(parsed), fmt)
            return write_date
        if column.type in ("integer", "number"):
            fmt = self.fmt["number"]
            return lambda r, c, v: (ws.write_number(r, c, v, fmt) if isinstance(v, (int, float))
                                    else ws.write_string(r, c, str(v), fmt))
        fmt = self.fmt["cell"]
        return lambda r, c, v: ws.write_string(r, c, v if isinstance(v, str) else str(v), fmt)

    # --- 4. open problems --------------------------------------------------------------------
    def _problems(self, forms: list[Form], status: Board, cross: dict, data: dict) -> None:
        cols = [*UNIT_COLUMNS, ("Biểu mẫu", 16), ("Tệp", 28), ("Trang tính", 14), ("Ô", 7), ("Mức độ", 8),
                ("Mã lỗi", 20), ("Nội dung", 70)]
        ws = self.sheet(PROBLEMS_SHEET, "")
        self.frame(ws, "CÁC VẤN ĐỀ TỒN ĐỌNG TRONG BIỂU MẪU CÁC ĐƠN VỊ GỬI", self.stamp(),
                    [w for _, w in cols], 2)
        self.header(ws, [label for label, _ in cols])
        r = HEADER
        for code, form, file, f in self._open_problems(forms, status, cross, data):
            r += 1
            unit = self.campaign.unit(code) if code else None
            name = unit.name if unit else ("(chưa xác định)" if not code else "")
            sheet = _sheet_label(form, f.sheet)
            values = [code or "", name, form.name if form else "", file, sheet, f.cell,
                      SEVERITY_LABELS.get(f.severity, f.severity), f.code, f.message]
            for c, v in enumerate(values):
                self.put(ws, r, c, v, "wrap" if c == len(values) - 1 else "cell")
        self.counts["problems"] = r - HEADER
        ws.autofilter(HEADER, 0, max(r, HEADER + 1), len(cols) - 1)

    def _open_problems(self, forms: list[Form], status: Board, cross: dict,
                       data: dict) -> Iterator[tuple[str | None, Form | None, str, Finding]]:
        """(unit, form, file, finding): current files not fully accepted, cross-unit, unidentified."""
        for form in forms:
            current = self.ledger.current(form.id)
            extra = cross.get(form.id, {})
            for code in _unit_codes(self.campaign, set(current) | set(extra)):
                sub = current.get(code)
                if sub is not None and sub.status != "accepted":
                    for f in self.ledger.findings(sub.id):
                        yield code, form, sub.name, f
                used = data[form.id].get(code)
                for f in extra.get(code, []):
                    yield code, form, used.name if used else (f.file or ""), f
        by_id = load_forms()
        for u in status.unidentified:
            for f in self.ledger.findings(u.submission_id):
                yield u.unit, by_id.get(u.form or ""), u.file, f


# --- data from the ledger -----------------------------------------------------------------------
def _unit_codes(campaign: Campaign, extra: Any) -> list[str]:
    """The campaign's units in order, then codes known only to the ledger."""
    codes = [u.code for u in campaign.units]
    return codes + sorted(set(extra) - set(codes))


# --- helpers ------------------------------------------------------------------------------------
def _is_title(column: Column) -> bool:
    return (column.catalogue or "").startswith("title:")


def _title_columns(form: Form) -> list[tuple[TableSheet, Column]]:
    return [(s, c) for s in form.sheets for c in s.columns if _is_title(c)]


def _summary_groups(form: Form, campaign: Campaign, tallies: Any) -> list[tuple[TableSheet, Column, list[str]]]:
    """Per title column, the catalogue's choices, plus "other" when data holds values outside it."""
    seen: set[tuple] = {k for t in tallies for k in t if len(k) == 3}
    groups = []
    for sheet, col in _title_columns(form):
        values = resolve_choices(col, campaign) or []
        if any(k[0] == sheet.key and k[1] == col.field and k[2] not in values for k in seen):
            values = [*values, OTHER_CHOICE]
        groups.append((sheet, col, values))
    return groups


def _iso_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _distinct_labels(labels: list[str]) -> list[str]:
    """Excel table headers must differ (case-insensitively)."""
    seen: Counter = Counter()
    out = []
    for label in labels:
        seen[label.casefold()] += 1
        out.append(label if seen[label.casefold()] == 1 else f"{label} ({seen[label.casefold()]})")
    return out


def _unique_name(wanted: str, prefix: str, used: set[str]) -> str:
    """A sheet name of at most 31 characters, not in ``used`` (case-insensitive).

    A name already taken gets the form's name as a (shortened) prefix, then a number.
    """
    wanted, prefix = _BAD_SHEET_CHARS.sub("", wanted)[:31], _BAD_SHEET_CHARS.sub("", prefix)
    candidates = [wanted]
    if prefix:
        room = max(31 - len(wanted) - 3, 8)
        candidates.append(f"{prefix[:room].strip()} - {wanted}"[:31])
    candidates += (f"{wanted[:31 - len(f' ({n})')]} ({n})" for n in range(2, 1000))
    return next(name for name in candidates if name.casefold() not in used)


def _table_name(n: int, form: Form, sheet: TableSheet) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", f"Bang{n}_{form.id}_{sheet.key}", flags=re.ASCII)[:200]


def _sheet_label(form: Form | None, sheet: str | None) -> str:
    """A finding's sheet as the unit sees it (findings may name a sheet by key)."""
    if form is not None and sheet:
        return next((s.name for s in form.sheets if s.key == sheet), sheet)
    return sheet or ""
