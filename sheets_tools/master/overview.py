"""The master's first sheet, "Tổng quan": the year at a glance.

A matrix of the campaign's units (rows, in the campaign's order) by the forms with a deadline this year
(columns, in the order of the year), each cell the unit's state for the form in words (``cell_state``),
coloured by conditional formatting on that text (so the colours stay right when the office filters or
sorts); under it, per form the number of units in each state (COUNTIF formulas written with their
values, so any viewer shows the numbers), which is also the legend, what each state means, and a stacked
bar chart of those counts per form.

A state is decided in this order: not sent and the deadline passed -> "Chưa nộp" ("Không bắt buộc" for a
form the calendar marks optional); not sent yet -> "Chưa đến hạn"; the latest file sent back -> "Bị trả lại" (also when an earlier valid file's data is in
use: the status sheet says so); a valid file received after the deadline -> "Nộp muộn" (a state of its own,
as on the status board, even when the file has remarks); else "Hợp lệ" or "Hợp lệ, có lưu ý".
"""
from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from sheets_tools.collection.calendar import REGULAR
from sheets_tools.collection.status import Board, Entry
from sheets_tools.excel.cells import put_string
from sheets_tools.excel.style import FONT
from sheets_tools.formkit.declaration import load_forms
from sheets_tools.master.sheets import UNIT_COLUMNS

OVERVIEW_SHEET = "Tổng quan"
VALID, WARNED, LATE = "Hợp lệ", "Hợp lệ, có lưu ý", "Nộp muộn"
REJECTED, MISSING, NOT_DUE, OPTIONAL = "Bị trả lại", "Chưa nộp", "Chưa đến hạn", "Không bắt buộc"
STATES = (VALID, WARNED, LATE, REJECTED, MISSING, NOT_DUE, OPTIONAL)
MEANINGS = {
    VALID: "hồ sơ đúng hạn, không có lỗi hay lưu ý",
    WARNED: "hồ sơ đúng hạn, dùng được nhưng có lưu ý (xem trang \"Vấn đề tồn đọng\")",
    LATE: "hồ sơ dùng được nhưng nhận sau hạn nộp",
    REJECTED: "hồ sơ mới nhất có lỗi, đã gửi phản hồi để đơn vị sửa và gửi lại",
    MISSING: "đã quá hạn nộp mà chưa nhận được hồ sơ",
    NOT_DUE: "chưa nhận được hồ sơ, chưa đến hạn nộp",
    OPTIONAL: "chưa gửi biểu mẫu không bắt buộc (không tính là chậm nộp)",
}
# (fill, font) per state: green, yellow, red, grey
COLOURS = {VALID: ("#C6EFCE", "#006100"), WARNED: ("#FFEB9C", "#7F6000"), LATE: ("#FFD966", "#7F6000"),
           REJECTED: ("#FFC7CE", "#9C0006"), MISSING: ("#FF9999", "#7F0000"), NOT_DUE: ("#E7E6E6", "#595959"),
           OPTIONAL: ("#F2F2F2", "#7F7F7F")}
FORM_WIDTH = 15


def cell_state(e: Entry) -> str:
    """The word for a unit x form in the matrix (see the module's docstring for the order)."""
    if e.state == "missing":
        return {"overdue": MISSING, "optional": OPTIONAL}.get(e.timing, NOT_DUE)
    if e.state == "rejected":
        return REJECTED
    if e.timing == "late":
        return LATE
    return WARNED if e.state == "accepted_with_warnings" else VALID


def write_overview(m, status: Board) -> None:
    """The "Tổng quan" sheet: matrix, counts (the legend), what the states mean, the chart."""
    forms = status.forms
    cols = [*UNIT_COLUMNS, *((fs.form.name, FORM_WIDTH) for fs in forms)]
    ws = m.sheet(OVERVIEW_SHEET)
    m.frame(ws, f"TỔNG QUAN TÌNH HÌNH NỘP BIỂU MẪU THI ĐUA NĂM {m.year}",
            f"{m.stamp()}. Mỗi ô: tình trạng hồ sơ của đơn vị với biểu mẫu (chi tiết ở trang \"Tình hình nộp\").",
            [w for _, w in cols], 2)
    m.header(ws, [label for label, _ in UNIT_COLUMNS]
             + [f"{fs.form.name}\n(hạn {fs.deadline:%d/%m/%Y})" for fs in forms])
    units = m.campaign.units
    by_form = [{e.unit: e for e in fs.entries} for fs in forms]
    first = m.header_row + 1
    r = m.header_row
    for unit in units:
        r += 1
        m.put(ws, r, 0, unit.code)
        m.put(ws, r, 1, unit.name, "wrap")
        for c, entries in enumerate(by_form, start=2):
            e = entries.get(unit.code)
            m.put(ws, r, c, cell_state(e) if e else "", "center")
    last = max(r, first)
    if not forms:
        m.note(ws, last + 2, "Chưa có biểu mẫu nào có hạn nộp trong năm (trang \"Thời hạn\" của campaign.xlsx).")
        return
    ws.autofilter(m.header_row, 0, last, len(cols) - 1)
    _colour(m, ws, first, 2, last, len(cols) - 1)
    r = _counts(m, ws, forms, first, last, last + 2)
    r = _meanings(m, ws, status, r + 1)
    # the counts on a page of their own, the chart on the next: however many lines the counts take, the chart
    # never runs across a page (and under the labels repeated at the top of the next one)
    ws.set_h_pagebreaks([last + 2, r + 2])
    _chart(m, ws, forms, last + 2, r + 2)


def _colour(m, ws, first: int, first_col: int, last: int, last_col: int) -> None:
    """Conditional formats on the text of the cells: one per state."""
    for state in STATES:
        fill, font = COLOURS[state]
        ws.conditional_format(first, first_col, last, last_col, {
            "type": "cell", "criteria": "equal to", "value": f"\"{state}\"",
            "format": m.wb.add_format({"bg_color": fill, "font_color": font})})


def _counts(m, ws, forms: list, first: int, last: int, top: int) -> int:
    """Per state and form, COUNTIF over the form's column (with the value computed here); the state's
    label in its colour is the legend. Returns the last row written."""
    m.merge(ws, top, 0, 1, "Số đơn vị theo tình trạng", "header")
    for c, fs in enumerate(forms, start=2):
        m.put(ws, top, c, m.label(fs.form), "header")
    r = top
    for state in STATES:
        r += 1
        fill, font = COLOURS[state]
        legend = m.wb.add_format({"bg_color": fill, "font_color": font, "bold": True, "border": 1, "font_name": FONT})
        ws.merge_range(r, 0, r, 1, "", legend)
        put_string(ws, r, 0, state, legend)
        for c, fs in enumerate(forms, start=2):
            column = xl_col_to_name(c)
            value = sum(1 for e in fs.entries if cell_state(e) == state)
            ws.write_formula(r, c, f"=COUNTIF({column}${first + 1}:{column}${last + 1},{xl_rowcol_to_cell(r, 0, col_abs=True)})",
                             m.fmt["number"], value)
    r += 1
    m.merge(ws, r, 0, 1, "Tổng số đơn vị", "total")
    for c, fs in enumerate(forms, start=2):
        column = xl_col_to_name(c)
        ws.write_formula(r, c, f"=SUM({column}{top + 2}:{column}{r})", m.fmt["total"], len(fs.entries))
    return r


def _meanings(m, ws, status: Board, r: int) -> int:
    """One line per state: what it means; the forms sent any day of the year."""
    for state in STATES:
        r += 1
        m.note(ws, r, f"{state}: {MEANINGS[state]}.")
    for form_id, sent in status.regular.items():
        r += 1
        name = load_forms()[form_id].name if form_id in load_forms() else form_id
        m.note(ws, r, f"{name} ({REGULAR.lower()}, không có hạn nộp): {sent}/{status.units} đơn vị đã gửi.")
    return r


def _chart(m, ws, forms: list, top: int, at: int) -> None:
    """A stacked bar per form: how many units are in each state."""
    name = ws.get_name().replace("'", "''")
    first_col, last_col = xl_col_to_name(2), xl_col_to_name(1 + len(forms))
    chart = m.wb.add_chart({"type": "bar", "subtype": "stacked"})
    for i, state in enumerate(STATES, start=1):
        row = top + i
        chart.add_series({
            "name": f"='{name}'!$A${row + 1}",
            "categories": f"='{name}'!${first_col}${top + 1}:${last_col}${top + 1}",
            "values": f"='{name}'!${first_col}${row + 1}:${last_col}${row + 1}",
            "fill": {"color": COLOURS[state][0]}, "border": {"color": "#808080"},
        })
    font = {"name": FONT, "size": 10}
    chart.set_title({"name": "Tiến độ nộp từng biểu mẫu (số đơn vị)", "name_font": {"name": FONT, "size": 12}})
    chart.set_x_axis({"num_font": font, "min": 0})
    chart.set_y_axis({"num_font": font, "reverse": True})
    chart.set_legend({"position": "right", "font": font})  # one state a line: never cut, however many states
    chart.set_size({"width": 760, "height": max(80 + 34 * len(forms), 60 + 22 * len(STATES))})
    ws.insert_chart(at, 0, chart, {"object_position": 3})
