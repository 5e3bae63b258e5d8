"""The master's sheets of the units' rows and its status sheet, now written row by row through
``excel.rowstream``, hold what the per-cell writers (xlsxwriter's ``write_string``/``write_number``, kept below as
they were) wrote: every sheet,
every cell's value and style, every row's height, the tables, merges and frozen panes. On the demo
campaign and on returns with hard texts (markup-like, control characters, long, Vietnamese, emoji,
numbers typed in text columns), through the command line."""
from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.cli import main
from sheets_tools.core.values import date_to_serial
from sheets_tools.master import book as book_mod
from sheets_tools.master.book import form_sheet_name
from sheets_tools.master.consolidate import master_path
from sheets_tools.master.tablerows import iso_date as _iso_date
from sheets_tools.collection.status import counts_line
from sheets_tools.master.sheets import (SOURCE_ROW_LABEL, STATUS_SHEET, UNIT_COLUMNS, _distinct_labels,
                                        _table_name, of_year, status_key, unit_codes)
from workbooks import make_return, without_stamp



# --- the writer before excel.rowstream, as it was ---------------------------------------------------------
def old_write_table(m, form, sheet, data) -> None:
    labels = _distinct_labels([u for u, _ in UNIT_COLUMNS] + [c.label for c in sheet.columns] + [SOURCE_ROW_LABEL])
    widths = [w for _, w in UNIT_COLUMNS] + [max(c.width, 12 if c.type == "date" else 8)
                                             for c in sheet.columns] + [10]
    ws = m.form_sheet(form.id, sheet.name, streamed=True)
    m.frame(ws, f"TỔNG HỢP {of_year(form.name, m.year)}: {sheet.name.upper()}", sheet.heading, widths, 2)
    writers = [(c, col.field, _old_writer(m, ws, col)) for c, col in enumerate(sheet.columns, start=2)]
    for c, label in enumerate(labels):
        m.need(ws, m.header_row, label, widths[c], "header")
    m.tables += 1
    m.table(ws, labels, {"name": _table_name(m.tables, form, sheet), "style": "Table Style Light 9"})
    cell, number, last = m.fmt["cell"], m.fmt["number"], len(labels) - 1
    r = m.header_row
    for code in (code for code in unit_codes(m.campaign, data) if code in data):
        unit = m.campaign.unit(code)
        name = unit.name if unit else ""
        for _, n, values in m.ledger.rows(data[code].id, sheet.key):
            r += 1
            old_put_string(ws, r, 0, code, cell)
            m.put(ws, r, 1, name, "wrap")
            for c, key_field, write in writers:
                value = values.get(key_field)
                if value is not None and value != "":
                    write(r, c, value)
            ws.write_number(r, last, n, number)
    m.end_table(ws, r)
    key = sheet.key if sheet.key not in m.counts["rows"] else f"{form.id}.{sheet.key}"
    m.counts["rows"][key] = r - m.header_row


def _old_writer(m, ws, column):
    if column.type == "date":
        fmt = m.fmt["date"]

        def write_date(r: int, c: int, value: Any) -> None:
            parsed = _iso_date(value)
            if parsed is None:
                old_put_string(ws, r, c, str(value), m.fmt["cell"])
            else:
                ws.write_number(r, c, date_to_serial(parsed), fmt)
        return write_date
    if column.type in ("integer", "number"):
        fmt = m.fmt["number"]
        return lambda r, c, v: (ws.write_number(r, c, v, fmt) if isinstance(v, (int, float))
                                else old_put_string(ws, r, c, str(v), fmt))
    fmt = m.fmt["wrap"]

    def write_text(r: int, c: int, value: Any) -> None:
        text = value if isinstance(value, str) else str(value)
        old_put_string(ws, r, c, text, fmt)
        if len(text) > 4:
            m.need(ws, r, text, m.width(ws, c, c))
    return write_text


def old_write_status(m, status) -> None:
    cols = [*UNIT_COLUMNS, ("Khối thi đua", 24), ("Biểu mẫu", 18), ("Hạn nộp", 12), ("Nhận lúc", 17),
            ("Đúng hạn/Muộn", 16), ("Tình trạng", 17), ("Số lỗi", 8), ("Số lưu ý", 8), ("Số lần gửi", 8),
            ("Tệp", 28), ("Diễn giải", 26), *m.note_columns()]
    ws = m.sheet(STATUS_SHEET)
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
            for c, v in enumerate(values):
                m.put(ws, r, c, v, "wrap" if c in (1, 2, 3, 6, 7, 11, 12) else "cell")
            m.office_note(ws, r, len(values), status_key(e.unit, fs.form.id))
    ws.autofilter(m.header_row, 0, max(r, m.header_row + 1), len(cols) - 2)
    r += 1
    for fs in status.forms:
        r += 1
        m.note(ws, r, f"{fs.form.name} (hạn nộp {fs.deadline:%d/%m/%Y}): {counts_line(fs.counts)}")
    if status.unidentified:
        r += 1
        m.note(ws, r, f"Tệp chưa xác định được đơn vị hoặc biểu mẫu: {len(status.unidentified)} "
                      "(xem trang \"Vấn đề tồn đọng\").")


def old_put_string(ws, r: int, c: int, text: str, fmt) -> None:
    if text.startswith("<r>") and text.endswith("</r>"):
        ws.write_rich_string(r, c, text[:1], text[1:2], text[2:], fmt)
    else:
        ws.write_string(r, c, text, fmt)


# --- comparing two masters ---------------------------------------------------------------------------------
def consolidate(folder: Path) -> Path:
    result = CliRunner().invoke(main, ["consolidate", str(folder)])
    assert result.exit_code == 0, result.output
    return master_path(campaign_mod.load(folder))


def both(folder: Path, tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    """The master of a copy of ``folder`` written the new way, and of another copy the old way."""
    new, old = (Path(shutil.copytree(folder, tmp_path / name)) for name in ("new", "old"))
    new_master = consolidate(new)
    with monkeypatch.context() as patch:
        patch.setattr(book_mod, "write_table", old_write_table)
        patch.setattr(book_mod, "write_status", old_write_status)
        old_master = consolidate(old)
    return new_master, old_master


def _style(cell) -> tuple:
    """The cell's style; the font's theme scheme left out: xlsxwriter's ``write_rich_string`` (the old way's
    "<r>...</r>" texts) marks the workbook's default font "minor", which nothing draws differently."""
    return (cell.number_format, re.sub(r"scheme='?\w+'?", "", repr(cell.font)),
            *(repr(x) for x in (cell.alignment, cell.border, cell.fill, cell.protection)))


def assert_same(new: Path, old: Path) -> int:
    """Every sheet, cell (value, style), row height, merge, table, frozen pane the same; the cells compared."""
    a, b = load_workbook(new), load_workbook(old)
    assert a.sheetnames == b.sheetnames
    compared = 0
    for name in a.sheetnames:
        x, y = a[name], b[name]
        assert (x.max_row, x.max_column) == (y.max_row, y.max_column), name
        assert sorted(map(str, x.merged_cells.ranges)) == sorted(map(str, y.merged_cells.ranges)), name
        assert {t.name: t.ref for t in x.tables.values()} == {t.name: t.ref for t in y.tables.values()}, name
        assert x.freeze_panes == y.freeze_panes and x.auto_filter.ref == y.auto_filter.ref, name
        assert [(k, d.hidden, d.width) for k, d in x.column_dimensions.items()] == [
            (k, d.hidden, d.width) for k, d in y.column_dimensions.items()], name
        for r in range(1, x.max_row + 1):
            # the height a row is drawn with: its own, else the sheet's default (a streamed sheet's is one
            # line, 15.75 pt, and its one-line rows say nothing); rows without a cell are not drawn
            if any(c.value is not None for c in y[r]):
                assert height(x, r) == height(y, r), (name, r)
            for c in range(1, x.max_column + 1):
                p, q = x.cell(row=r, column=c), y.cell(row=r, column=c)
                v, w = p.value, q.value
                if isinstance(v, str) and isinstance(w, str):
                    v, w = without_stamp(v), without_stamp(w)
                assert (v, _style(p)) == (w, _style(q)), (name, p.coordinate)
                compared += 1
    return compared


def height(ws, r: int) -> float:
    """The height row ``r`` is drawn with, at least one line of the Normal font (15.75 pt: a streamed sheet's
    default; an in-memory sheet's agency lines keep xlsxwriter's 15, a shade less than their text needs)."""
    return max(ws.row_dimensions[r].height or ws.sheet_format.defaultRowHeight or 15, 15.75)


def test_demo_master_same_as_the_per_cell_writer(demo_run, tmp_path, monkeypatch):
    folder, _ = demo_run
    new, old = both(folder, tmp_path, monkeypatch)
    assert assert_same(new, old) > 5000


HARD = ["<r>Phòng A < Phòng B & C</r>", "Tổ chức _x0041_ \"A\" & 'B'", "  khoảng trắng  ",
        "Đi học\nnước ngoài", "Ghi chú rất dài về thành tích của đồng chí trong năm " * 4, "😀 thi đua 👍",
        "Chủ nhiệm Ủy ban Kiểm tra Đảng ủy", "=SUM(A1:A2)", "0912345678", "x"]


def person(i: int) -> dict:
    text = HARD[i % len(HARD)]
    return {"family_name": "Nguyễn Văn", "given_name": f"An {i}", "birth_date": "1985-03-15", "sex": "Nam",
            "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Lao động tiên tiến",
            "position": HARD[(i * 3) % len(HARD)], "note": text}


@pytest.fixture
def hard_campaign(camp, tmp_path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for k, unit in enumerate(u.code for u in camp.units[:3]):
        make_return(inbox / f"{unit}.xlsx", camp, unit, {
            "individuals": [person(k * 7 + i) for i in range(7 + k)],
            "collectives": [{"collective_name": HARD[(k + i) % len(HARD)], "title": "Tập thể lao động tiên tiến"}
                            for i in range(2)]})
    result = CliRunner().invoke(main, ["collect", str(camp.dir), str(inbox)])
    assert result.exit_code == 0, result.output
    return camp.dir


def test_hard_texts_same_as_the_per_cell_writer(hard_campaign, tmp_path, monkeypatch):
    new, old = both(hard_campaign, tmp_path, monkeypatch)
    assert assert_same(new, old) > 500
    ws = load_workbook(new)[form_sheet_name("registration", "Cá nhân")]
    values = {c.value for row in ws.iter_rows() for c in row}
    assert HARD[0] in values and any(isinstance(v, str) and "\"A\" & 'B'" in v for v in values)
