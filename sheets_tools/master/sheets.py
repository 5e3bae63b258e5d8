"""The master's data sheets: "Tình hình nộp" (each unit x form, with the office's notes), each form's
summary (counts per unit of the titles registered or proposed) and one sheet per input table.

``m`` is the ``book.MasterBook`` being written; sheet names are made by ``sheet_name``.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Any

from sheets_tools.campaign.model import Campaign
from sheets_tools.collection.status import Board, counts_line
from sheets_tools.formkit.declaration import Column, Form, TableSheet, resolve_choices
from sheets_tools.master.tablerows import Layout
from sheets_tools.store.ledger import Submission

STATUS_SHEET = "Tình hình nộp"
SUMMARY_PART = "Tổng hợp"
UNIT_COLUMNS = (("Mã đơn vị", 12), ("Tên đơn vị", 36))
SOURCE_ROW_LABEL = "Dòng trong tệp gốc"
SUBJECT_COUNT_LABELS = {"collective": "Số tập thể", "individual": "Số cá nhân"}
OTHER_CHOICE = "Khác (ngoài danh mục)"
MAX_SHEET_NAME = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\']")


def sheet_name(label: str, part: str) -> str:
    """"<label> - <part>" (just ``part`` without a label) as a valid sheet name of at most 31 characters:
    the label is cut at a word first, then the part; never in the middle of a word."""
    label, part = (" ".join(_BAD_SHEET_CHARS.sub("", x).split()) for x in (label, part))
    if not label:
        return _cut(part, MAX_SHEET_NAME)
    room = MAX_SHEET_NAME - len(" - ") - min(len(part), MAX_SHEET_NAME - 11)
    short = _cut(label, max(room, 8))
    return f"{short} - {_cut(part, MAX_SHEET_NAME - len(short) - 3)}"


def of_year(name: str, year: int) -> str:
    """"BÁO CÁO TỔNG KẾT NĂM 2024" for "Báo cáo tổng kết năm", "ĐĂNG KÝ THI ĐUA NĂM 2024" for "Đăng ký thi đua"."""
    name = name.upper()
    return f"{name} {year}" if name.endswith(" NĂM") else f"{name} NĂM {year}"


def _cut(text: str, limit: int) -> str:
    """``text`` cut at a word to at most ``limit`` characters (a first word longer than that is cut)."""
    if len(text) <= limit:
        return text
    words, out = text.split(), ""
    for word in words:
        longer = f"{out} {word}".strip()
        if len(longer) > limit:
            break
        out = longer
    return (out or text[:limit]).rstrip(" ,-")


# --- status -------------------------------------------------------------------------------------------
def status_key(unit: str, form_id: str) -> str:
    """The row key of a unit x form on the status sheet (the office's note stays with it)."""
    return f"status|{unit}|{form_id}"


def write_status(m, status: Board) -> None:
    """Every unit x form: deadline, received, on time or late, state, counts, file, the office's note."""
    cols = [*UNIT_COLUMNS, ("Khối thi đua", 24), ("Biểu mẫu", 18), ("Hạn nộp", 12), ("Nhận lúc", 17),
            ("Đúng hạn/Muộn", 16), ("Tình trạng", 17), ("Số lỗi", 8), ("Số lưu ý", 8), ("Số lần gửi", 8),
            ("Tệp", 28), ("Diễn giải", 26), *m.note_columns()]
    ws = m.sheet(STATUS_SHEET, streamed=True, inputs=True)  # a row per unit and form: thousands of rows
    m.frame(ws, f"TÌNH HÌNH NỘP BIỂU MẪU THI ĐUA NĂM {m.year}", m.stamp(), [w for _, w in cols], 2)
    m.header(ws, [label for label, _ in cols])
    r = m.header_row
    for fs in status.forms:
        for e in fs.entries:
            r += 1
            sent = e.submission_id is not None
            values = [e.unit, e.unit_name, e.block, fs.form.name, e.deadline, e.received_at,
                      e.timing_label, e.state_label, e.errors if sent else None,
                      e.warnings if sent else None, e.versions, e.file, e.note]
            note, key = m.office_note_cells(ws, len(values), status_key(e.unit, fs.form.id))
            m.row(ws, r, [(c, v, "wrap" if c in (1, 2, 3, 6, 7, 11, 12) else "cell") for c, v in enumerate(values)]
                  + note, key)
    m.hide_key_column(ws, len(cols) - 1)
    ws.autofilter(m.header_row, 0, max(r, m.header_row + 1), len(cols) - 2)
    r += 1
    for fs in status.forms:
        r += 1
        m.note(ws, r, f"{fs.form.name} (hạn nộp {fs.deadline:%d/%m/%Y}): {counts_line(fs.counts)}")
    if status.unidentified:
        r += 1
        m.note(ws, r, f"Tệp chưa xác định được đơn vị hoặc biểu mẫu: {len(status.unidentified)} "
                      "(xem trang \"Vấn đề tồn đọng\").")


# --- a form's summary ---------------------------------------------------------------------------------
def write_summary(m, form: Form, data: dict[str, Submission]) -> None:
    """Per unit, how many of each title (catalogue choice) its tables hold, and its number of rows."""
    tally = _tallies(m, form, data)
    groups = _summary_groups(form, m.campaign, tally.values())
    sheets = list(dict.fromkeys(s for s, _, _ in groups))
    labels = [*(u for u, _ in UNIT_COLUMNS), "Khối thi đua", *(v for _, _, values in groups for v in values),
              *(SUBJECT_COUNT_LABELS.get(s.subject or "", f"Số dòng \"{s.name}\"") for s in sheets)]
    widths = [w for _, w in UNIT_COLUMNS] + [22] + [11] * (len(labels) - 3)
    ws = m.form_sheet(form.id, SUMMARY_PART, streamed=True)  # a row per unit: up to thousands
    m.frame(ws, f"TỔNG HỢP {of_year(form.name, m.year)}: SỐ LƯỢNG THEO ĐƠN VỊ", m.stamp(), widths, 2)
    c = 3
    for sheet, column, values in groups:
        m.merge(ws, m.header_row - 1, c, c + len(values) - 1, f"{sheet.name}: {column.label}", "header")
        c += len(values)
    m.header(ws, labels)
    keys = [(s.key, col.field, v) for s, col, values in groups for v in values] + [(s.key,) for s in sheets]
    totals: Counter = Counter()
    r = m.header_row
    for code in unit_codes(m.campaign, data):
        r += 1
        unit = m.campaign.unit(code)
        counts = tally.get(code)
        m.row(ws, r, [(0, code, "cell"), (1, unit.name if unit else "", "wrap"), (2, unit.block if unit else "", "wrap"),
                      *((c, counts[key] if counts is not None else None, "cell") for c, key in enumerate(keys, start=3))])
        totals.update(counts or {})
    r += 1
    m.merge(ws, r, 0, 2, "Tổng cộng", "total")
    for c, key in enumerate(keys, start=3):
        m.put(ws, r, c, totals[key], "total")


def _tallies(m, form: Form, data: dict[str, Submission]) -> dict[str, Counter]:
    """Per unit, the counts of its data: (sheet, field, value) per title choice, (sheet,) per row."""
    ids = [sub.id for sub in data.values()]
    out: dict[int, Counter] = {sid: Counter() for sid in ids}
    for sheet in form.sheets:
        fields = [c.field for c in sheet.columns if _is_title(c)]
        if fields:
            for sid, counts in m.ledger.tally(ids, sheet.key, fields).items():
                out[sid].update(counts)
    return {unit: out[sub.id] for unit, sub in data.items()}


# --- one sheet per input table -------------------------------------------------------------------------
def write_table(m, form: Form, sheet: TableSheet, data: dict[str, Submission]) -> None:
    """The rows of one input table, every unit's data in use, as an Excel table, on a streamed sheet: each
    row's cells and height made at once (``tablerows``: a large table's rows by worker processes, planned by
    ``plan_table`` before the book was begun)."""
    labels, widths, layout, units = _table_layout(m, sheet, data)
    ws = m.form_sheet(form.id, sheet.name, streamed=True)
    m.frame(ws, f"TỔNG HỢP {of_year(form.name, m.year)}: {sheet.name.upper()}", sheet.heading, widths, 2)
    for c, label in enumerate(labels):  # the table writes the labels; their row needs the room
        m.need(ws, m.header_row, label, widths[c], "header")
    m.tables += 1
    m.table(ws, labels, {"name": _table_name(m.tables, form, sheet), "style": "Table Style Light 9"})
    r = m.row_tables.write(ws, (form.id, sheet.key), layout, units, m.row_counts, sheet.key, m.header_row)
    m.end_table(ws, r)
    key = sheet.key if sheet.key not in m.counts["rows"] else f"{form.id}.{sheet.key}"
    m.counts["rows"][key] = r - m.header_row


def plan_table(m, form: Form, sheet: TableSheet, data: dict[str, Submission]) -> None:
    """``write_table``'s rows, told to ``m.row_tables`` before the book is begun: a large table's go to worker
    processes while the other sheets are written."""
    _, _, layout, units = _table_layout(m, sheet, data)
    m.row_tables.plan((form.id, sheet.key), layout, units, m.row_counts, sheet.key, m.header_row)


def _table_layout(m, sheet: TableSheet, data: dict[str, Submission]
                  ) -> tuple[list[str], list[float], Layout, list[tuple[str, str, int]]]:
    """A table's labels, column widths, how its rows are written, and its units (code, name, submission id)."""
    labels = _distinct_labels([u for u, _ in UNIT_COLUMNS] + [c.label for c in sheet.columns] + [SOURCE_ROW_LABEL])
    widths = [w for _, w in UNIT_COLUMNS] + [max(c.width, 12 if c.type == "date" else 8)
                                             for c in sheet.columns] + [10]
    formats = {k: m.fmt[k] for k in ("cell", "wrap", "number", "date")}
    for fmt in formats.values():  # each format's index given now, as a worker writing rows cannot give it
        fmt._get_xf_index()
    kinds = {"date": "date", "integer": "number", "number": "number"}
    layout = Layout(tuple((c, col.field, kinds.get(col.type, "text"), widths[c])
                          for c, col in enumerate(sheet.columns, start=2)), widths[1], formats, len(labels) - 1)
    units = []
    for code in (code for code in unit_codes(m.campaign, data) if code in data):
        unit = m.campaign.unit(code)
        units.append((code, unit.name if unit else "", data[code].id))
    return labels, widths, layout, units


# --- helpers ------------------------------------------------------------------------------------------
def unit_codes(campaign: Campaign, extra: Any) -> list[str]:
    """The campaign's units in order, then codes known only to the ledger."""
    codes = [u.code for u in campaign.units]
    return codes + sorted(set(extra) - set(codes))


def _is_title(column: Column) -> bool:
    return (column.catalogue or "").startswith("title:")


def title_columns(form: Form) -> list[tuple[TableSheet, Column]]:
    """The columns of a form that name a title (a catalogue "title:..."): what its summary counts."""
    return [(s, c) for s in form.sheets for c in s.columns if _is_title(c)]


def _summary_groups(form: Form, campaign: Campaign, tallies: Any) -> list[tuple[TableSheet, Column, list[str]]]:
    """Per title column, the catalogue's choices, plus "other" when data holds values outside it."""
    seen: set[tuple] = {k for t in tallies for k in t if len(k) == 3}
    groups = []
    for sheet, col in title_columns(form):
        values = resolve_choices(col, campaign) or []
        if any(k[0] == sheet.key and k[1] == col.field and k[2] not in values for k in seen):
            values = [*values, OTHER_CHOICE]
        groups.append((sheet, col, values))
    return groups


def _distinct_labels(labels: list[str]) -> list[str]:
    """Excel table headers must differ (case-insensitively)."""
    seen: Counter = Counter()
    out = []
    for label in labels:
        seen[label.casefold()] += 1
        out.append(label if seen[label.casefold()] == 1 else f"{label} ({seen[label.casefold()]})")
    return out


def _table_name(n: int, form: Form, sheet: TableSheet) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", f"Bang{n}_{form.id}_{sheet.key}", flags=re.ASCII)[:200]
