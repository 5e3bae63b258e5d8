"""``excel.rowstream`` writes a streamed sheet's rows as the very bytes xlsxwriter's own ``write_string``,
``write_number``, ``write_blank`` and ``set_row`` write for the same cells (every part of the workbook compared),
keeps a text that looks like rich-string markup as plain text, and its workbook opens in LibreOffice."""
from __future__ import annotations

import random
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
import xlsxwriter
from openpyxl import load_workbook

from sheets_tools.core.values import date_to_serial
from pdf_boxes import HAVE_TOOLS, render, text_of

TEXTS = ["plain", "a & b", "<tag>", "x > y", 'say "hi"', "it's", "a\x01b", "\x07bell", "tab\there",
         "_x0041_", "pre _x00aF_ post", " leading", "trailing ", "\u00a0nbsp", "line\nbreak", "ends\n",
         "emoji 😀 👍🏽", "Nguyễn Thị Hồng Nhung, Phó trưởng phòng Tổ chức - Hành chính", "\ufffe\uffff",
         "x" * 5000, "Đ" * 20000, "😀" * 17000, "<r>x</r>", "<r><t>y</t></r>", "", " ", "\u3000", "a\u200bb"]
NUMBERS = [0, 1, -1, 42, 3.5, -0.125, 1e15, 12345678901234567890, 1.7976931348623157e308, 1e-300, 0.1 + 0.2,
           True, date_to_serial(date(2024, 3, 15)), date_to_serial(date(1900, 3, 1))]
WHEN = datetime(2026, 1, 2, 3, 4, 5)


def cells_of(rng: random.Random, formats: list, texts: list[str]) -> list[tuple[int, list, float | None]]:
    """Rows (row, cells, height): texts, numbers, blanks in several formats, some columns skipped."""
    rows, r = [], 4
    for _ in range(120):
        r += rng.choice([1, 1, 1, 2, 5])
        cells = []
        for c in range(rng.randint(0, 9)):
            if rng.random() < 0.2:
                continue
            kind = rng.random()
            value = (rng.choice(texts) if kind < 0.55 else rng.choice(NUMBERS) if kind < 0.85 else None)
            cells.append((c + rng.choice([0, 0, 3]) * (c > 5), value, rng.choice(formats)))
        cells = sorted({c: (c, v, f) for c, v, f in cells}.values(), key=lambda cell: cell[0])
        # (xlsxwriter's streamed mode drops the height of a row without cells: the stream keeps it, see below)
        rows.append((r, cells, rng.choice([None, None, 15.75, 31.5, 47.25, 12, 100.5, 0])
                     if any(v is not None or f is not None for _, v, f in cells) else None))
    return rows


def begin_book(path: Path, numbered: bool) -> tuple:
    """A workbook with a sheet before, and the streamed sheet "Dòng" with its title rows and a column's own
    format (a cell without one takes it); ``numbered``: each format's index given at once (else at its first
    use). Returns (workbook, sheet, formats)."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.set_properties({"created": WHEN})
    formats = [None, wb.add_format({"text_wrap": True, "border": 1}), wb.add_format({"num_format": "dd/mm/yyyy"}),
               wb.add_format({"bold": True}), wb.add_format({"num_format": "#,##0", "align": "right"})]
    for fmt in formats[1:] if numbered else []:
        fmt._get_xf_index()
    wb.add_worksheet("Trước")
    wb.constant_memory = True
    ws = wb.add_worksheet("Dòng")
    wb.constant_memory = False
    ws.set_default_row(15.75)
    ws.set_column(7, 7, 20, formats[3])
    ws.write_string(0, 0, "Tiêu đề", formats[3])
    ws.set_row(1, 40)
    ws.write_string(2, 0, "Cột", formats[1])
    return wb, ws, formats


def write_book(path: Path, seed: int, streamed: bool, texts: list[str] = TEXTS, numbered: bool = False) -> None:
    """A workbook whose second sheet's rows go through xlsxwriter's calls or through ``RowStream``;
    ``numbered``: each format's index given at once (else at its first use)."""
    from sheets_tools.excel.rowstream import RowStream  # the module under test (new)
    wb, ws, formats = begin_book(path, numbered)
    stream = RowStream(ws)
    for r, cells, height in cells_of(random.Random(seed), formats, texts):
        if streamed:
            stream.row(r, cells, height)
            continue
        for c, value, fmt in cells:
            if isinstance(value, str):
                ws.write_string(r, c, value, fmt)
            elif value is None:
                ws.write_blank(r, c, None, fmt)
            else:
                ws.write_number(r, c, value, fmt)
        if height is not None:
            ws.set_row(r, height)
    ws.write_string(999, 1, "sau", formats[1])  # xlsxwriter writes on after the stream
    wb.close()


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_same_bytes_as_xlsxwriter(tmp_path, seed):
    """Whole workbook, part by part: the sheet's XML, its dimension, the styles (formats numbered in the
    same order)."""
    old, new = tmp_path / "old.xlsx", tmp_path / "new.xlsx"
    write_book(old, seed, streamed=False)
    write_book(new, seed, streamed=True)
    a, b = parts(old), parts(new)
    assert a.keys() == b.keys()
    rich = b'<is><t>&lt;r&gt;x&lt;/r&gt;</t></is>'
    for name in a:
        if name == "xl/worksheets/sheet2.xml":
            # the one difference on purpose: xlsxwriter writes "<r>...</r>" texts as raw markup
            assert a[name].replace(b"<is><r>x</r></is>", rich).replace(
                b"<is><r><t>y</t></r></is>", b"<is><t>&lt;r&gt;&lt;t&gt;y&lt;/t&gt;&lt;/r&gt;</t></is>") == b[name]
        else:
            assert a[name] == b[name], name
    assert b"_x005F_x0041_" in b["xl/worksheets/sheet2.xml"] and b'xml:space="preserve"' in b["xl/worksheets/sheet2.xml"]


def test_no_rich_markup_texts(tmp_path):
    """Without markup-like texts the workbooks are identical, every part, with no exception at all."""
    texts = [t for t in TEXTS if not t.startswith("<r>")]
    write_book(tmp_path / "old.xlsx", 7, streamed=False, texts=texts)
    write_book(tmp_path / "new.xlsx", 7, streamed=True, texts=texts)
    assert parts(tmp_path / "old.xlsx") == parts(tmp_path / "new.xlsx")


def test_rich_markup_read_back_as_typed(tmp_path):
    from sheets_tools.excel.rowstream import RowStream
    path = tmp_path / "r.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("S")
    stream = RowStream(ws)
    stream.row(0, [(0, "<r>x</r>", None), (1, "<r>Phòng A < Phòng B & C</r>", wb.add_format({"bold": True}))])
    stream.row(3, [(2, 5, None)], 30)
    stream.row(4, [], 45)  # a row without cells keeps its height
    wb.close()
    ws = load_workbook(path)["S"]
    assert [ws["A1"].value, ws["B1"].value, ws["C4"].value] == ["<r>x</r>", "<r>Phòng A < Phòng B & C</r>", 5]
    assert ws.row_dimensions[4].height == 30 and ws.row_dimensions[5].height == 45


def test_rows_out_of_order_are_refused(tmp_path):
    from sheets_tools.excel.rowstream import RowStream
    wb = xlsxwriter.Workbook(str(tmp_path / "o.xlsx"), {"constant_memory": True})
    ws = wb.add_worksheet()
    stream = RowStream(ws)
    stream.row(5, [(0, "a", None)])
    with pytest.raises(ValueError):
        stream.row(5, [(0, "b", None)])
    with pytest.raises(ValueError):
        stream.row(2, [(0, "b", None)])
    assert ws.write_string(5, 1, "c") == -1  # xlsxwriter refuses a row already written
    wb.close()


@pytest.mark.libreoffice
@pytest.mark.skipif(not HAVE_TOOLS, reason="needs LibreOffice and pdftotext")
def test_libreoffice_opens_it(tmp_path):
    path = tmp_path / "lo.xlsx"
    write_book(path, 1, streamed=True)
    [pdf] = render([path])
    text = text_of(pdf)
    assert "Nguyễn" in text and "Tiêu" in text and "sau" in text


def write_book_in_parts(path: Path, seed: int) -> None:
    """``write_book``'s streamed workbook, the middle third of its rows written first into a ``RowFile`` of
    their own (as a worker process does for the master) and put in place by ``RowStream.take``."""
    from sheets_tools.excel.rowstream import RowFile, RowStream
    wb, ws, formats = begin_book(path, numbered=True)  # as the master does before a worker writes rows
    rows = cells_of(random.Random(seed), formats, TEXTS)
    third = len(rows) // 3
    before, middle, after = rows[:third], rows[third:2 * third], rows[2 * third:]
    facts, first, end = RowFile.facts(ws), middle[0][0], middle[-1][0] + 1
    part = path.with_suffix(".rows")
    with open(part, "w", encoding="utf-8") as fh:
        alone = RowFile(fh, facts, first)
        for r, cells, height in middle:
            RowStream(alone).row(r, cells, height)
    stream = RowStream(ws)
    for r, cells, height in before:
        stream.row(r, cells, height)
    stream.take(part, first, end, alone.dimensions())
    for r, cells, height in after:
        stream.row(r, cells, height)
    ws.write_string(999, 1, "sau", formats[1])
    wb.close()


@pytest.mark.parametrize("seed", [4, 5])
def test_rows_written_apart_same_bytes(tmp_path, seed):
    """Rows written into a row file of their own and put in place by ``take`` give the very workbook, every
    part, that the stream gives when it writes every row itself."""
    write_book(tmp_path / "whole.xlsx", seed, streamed=True, numbered=True)
    write_book_in_parts(tmp_path / "parts.xlsx", seed)
    assert b"<row " in (tmp_path / "parts.rows").read_bytes()
    assert parts(tmp_path / "whole.xlsx") == parts(tmp_path / "parts.xlsx")


def test_rows_taken_last_set_the_dimension(tmp_path):
    """A sheet whose last rows come from a row file: its dimension reaches them, and a row written by the
    stream after them continues below."""
    from sheets_tools.excel.rowstream import RowFile, RowStream
    path = tmp_path / "d.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("S")
    ws.write_string(0, 0, "Tiêu đề")
    part = tmp_path / "d.rows"
    with open(part, "w", encoding="utf-8") as fh:
        alone = RowFile(fh, RowFile.facts(ws), 5)
        RowStream(alone).row(5, [(2, "a", None), (12, 7, None)])
        RowStream(alone).row(7, [(3, "b", None)], 30)
    stream = RowStream(ws)
    stream.take(part, 5, 8, alone.dimensions())
    assert (ws.dim_rowmin, ws.dim_rowmax, ws.dim_colmin, ws.dim_colmax) == (0, 7, 0, 12)
    with pytest.raises(ValueError):
        stream.row(7, [(0, "again", None)])
    stream.row(9, [(1, "sau", None)])
    wb.close()
    with zipfile.ZipFile(path) as z:
        assert b'<dimension ref="A1:M10"/>' in z.read("xl/worksheets/sheet1.xml")
    sheet = load_workbook(path)["S"]
    assert [sheet["C6"].value, sheet["M6"].value, sheet["D8"].value, sheet["B10"].value] == ["a", 7, "b", "sau"]
    assert sheet.row_dimensions[8].height == 30


def test_numbers_no_spreadsheet_holds_are_said_in_words(tmp_path):
    """NaN and infinity (xlsxwriter's ``write_number`` raises on them) are written as the text
    ``NOT_A_NUMBER``; the other cells of the row as always."""
    from sheets_tools.excel.cells import NOT_A_NUMBER
    from sheets_tools.excel.rowstream import RowStream
    path = tmp_path / "n.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("S")
    RowStream(ws).row(0, [(0, float("nan"), None), (1, float("inf"), None), (2, -float("inf"), None),
                          (3, 10 ** 400, None), (4, 2.5, None)])
    wb.close()
    sheet = load_workbook(path)["S"]
    assert [c.value for c in sheet[1]] == [NOT_A_NUMBER] * 4 + [2.5]
