"""How much room a text needs (``excel.fit``), and the workbooks the commands write sized from it: rows
as high as their wrapped text, dropdown columns as wide as their choices, the deadline whole, every
sheet on A4 one page wide with its header row repeated. The rendered check is test_no_overlap.py."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, range_boundaries
from pdf_boxes import HAVE_TOOLS, render, words
from workbooks import make_return

from sheets_tools.campaign import sample as sample_data
from sheets_tools.campaign.workbook import load
from sheets_tools.cli import main
from sheets_tools.excel import fit
from sheets_tools.excel.openpyxl_style import new_workbook
from sheets_tools.excel.style import FONT
from sheets_tools.formkit.declaration import HEADER_ROW

LONG = "Thẩm định dự thảo văn bản quy phạm pháp luật đúng thời hạn và đúng quy định của pháp luật hiện hành"


# --- the measures ------------------------------------------------------------------------------------
def test_a_long_text_needs_more_lines_in_a_narrow_column():
    assert fit.lines_needed(LONG, 120) == 1
    assert fit.lines_needed(LONG, 60) == 2
    assert fit.lines_needed(LONG, 10) > fit.lines_needed(LONG, 20) > fit.lines_needed(LONG, 40) > 2
    assert fit.lines_needed("", 10) == fit.lines_needed("Tên", 10) == 1


def test_a_line_break_starts_a_line():
    assert fit.lines_needed("Cá nhân\nTập thể\nĐơn vị", 40) == 3
    assert fit.lines_needed("Cá nhân\n\nTập thể", 40) == 3  # an empty line takes its room too
    assert fit.lines_needed(LONG + "\n" + LONG, 60) == 4


def test_a_word_longer_than_the_column_is_broken_between_letters():
    word = "W" * 30
    per_line = int(fit.room_px(10) // fit.text_px("W"))
    assert fit.lines_needed(word, 10) == -(-30 // per_line)
    assert fit.lines_needed(word, 200) == 1


def test_bold_and_larger_letters_take_more_room():
    assert fit.text_px("Hạn nộp: 30/11/2024", bold=True) > fit.text_px("Hạn nộp: 30/11/2024")
    assert fit.text_px("Hạn nộp", size=14) > fit.text_px("Hạn nộp")
    text = "Báo cáo gửi đúng cơ quan, đủ nội dung"
    width = next(w / 2 for w in range(4, 200) if fit.lines_needed(text, w / 2) == 1)
    assert fit.lines_needed(text, width, bold=True) == 2


def test_vietnamese_letters_measure_as_their_base_letters():
    assert fit.text_px("Nguyễn Đức Thắng") == pytest.approx(fit.text_px("Nguyen Duc Thang"))
    assert fit.text_px("ĐỖ") == pytest.approx(fit.text_px("DO"))


def test_column_width_fits_the_longest_choice_within_bounds():
    choices = [name for _, name, *_ in sample_data.CATALOGUE]
    width = fit.column_width(choices)
    longest = max(choices, key=fit.text_px)
    assert fit.lines_needed(longest, width) == 1
    assert fit.lines_needed(longest, width - 3) == 2
    assert fit.column_width(["Có"]) == 6.0  # at least the minimum
    assert fit.column_width(["x" * 400]) == 60.0  # at most the maximum
    assert fit.column_width([]) == 6.0


def test_row_height_grows_with_the_lines():
    one, two = fit.row_height([(LONG, 120, 12, False)]), fit.row_height([(LONG, 60, 12, False)])
    assert two > one > 0 and two == fit.lines_height(2)
    assert fit.row_height([(LONG, 60, 12, False), ("Tên", 10, 12, False)]) == two  # the tallest cell counts
    assert fit.row_height([("", 10, 12, False)]) == 0.0
    assert fit.taller_row([("Tên", 10, 12, False)]) == 0.0  # one line: the default row height fits it
    assert fit.taller_row([(LONG, 60, 12, False)]) == two
    assert fit.taller_row([("Tên", 80, 14, True)]) == fit.lines_height(1, 14)


def test_wider_than_portrait():
    assert not fit.wider_than_portrait([6, 30, 30, 12], 0.9)  # 78 characters: a portrait page holds them
    assert fit.wider_than_portrait([6, 26, 40, 24, 11, 14, 28], 1.4)  # the council members


@pytest.mark.libreoffice
@pytest.mark.skipif(not HAVE_TOOLS, reason="needs LibreOffice (soffice) and pdftotext")
def test_libreoffice_never_needs_more_lines_than_counted(tmp_path):
    """Real texts in columns 6 to 55 wide, 11 to 14 pt, regular and bold, one sheet per width: the lines
    LibreOffice draws (read back from the PDF) are never more than ``lines_needed`` says."""
    texts = [c[2] for c in sample_data.CRITERIA] + [c[1] for c in sample_data.CATALOGUE] + [LONG]
    rnd = random.Random(7)
    wb, cases = new_workbook(), []
    for width in (6, 9, 14, 22, 35, 55):
        ws = wb.create_sheet(f"w{width}")
        ws.column_dimensions["A"].width = width
        styles = [rnd.choice(((11, False), (12, False), (12, True), (14, True))) for _ in range(11)] + [(14, True)]
        for r, (text, (size, bold)) in enumerate(zip(rnd.sample(texts, 11) + ["W" * 25], styles), start=1):
            cell = ws.cell(row=r, column=1, value=text)
            cell.font, cell.alignment = Font(name=FONT, size=size, bold=bold), Alignment(wrap_text=True, vertical="top")
            ws.row_dimensions[r].height = (fit.lines_needed(text, width, size, bold) + 4) * size * 1.5  # room to spare
            cases.append((text, width, size, bold))
    wb.save(tmp_path / "cal.xlsx")
    drawn = iter(words(render([tmp_path / "cal.xlsx"])[0]))
    for text, width, size, bold in cases:
        target, got, lines = "".join(text.split()), "", []
        while len(got) < len(target):
            w = next(drawn)
            got += w.text
            if not lines or abs(w.y0 - lines[-1]) > 2:
                lines.append(w.y0)
        assert got == target
        assert len(lines) <= fit.lines_needed(text, width, size, bold), (text, width, size, bold)


# --- the workbooks the commands write ------------------------------------------------------------------
def _run(*args: str) -> None:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, Path]:
    """campaign.xlsx, the blank forms, the pre-filled forms issued to the units, the feedback on a return
    with mistakes and the history template, each written by its command."""
    root = tmp_path_factory.mktemp("fit")
    d = root / "dot"
    _run("init", str(d), "--sample", "daklak-2024")
    _run("templates", "build", str(d))
    for form in ("scoring", "registration"):  # the two forms the office fills in before sending
        _run("issue", str(d), "--form", form)
    _run("history", "template", str(d))
    bad = make_return(root / "VP-dang-ky.xlsx", load(d), "VP", {"individuals": [
        {"family_name": "Nguyễn Văn", "given_name": "An", "birth_date": "không rõ", "sex": "Nam",
         "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Danh hiệu không có trong danh sách"}]})
    CliRunner().invoke(main, ["collect", str(d), str(bad)])
    found = {"campaign": d / "campaign.xlsx"}
    found.update({f"blank {p.stem}": p for p in (d / "templates").glob("*.xlsx")})
    found.update({f"issued {p.stem}": p for p in sorted((d / "outbox" / "VP").glob("*.xlsx"))})
    found.update({f"feedback {p.stem}": p for p in (d / "feedback").rglob("*.xlsx")})
    found["history"] = d / "Mẫu nhập lịch sử khen thưởng.xlsx"
    assert len([k for k in found if k.startswith("feedback")]) == 1 and found["history"].exists()
    return found


def _sheets(path: Path):
    wb = load_workbook(path)
    return [ws for ws in wb.worksheets if ws.sheet_state == "visible"]


def _width(ws, col: int) -> float:
    dim = ws.column_dimensions.get(get_column_letter(col))
    return 8.43 if dim is None else 0.0 if dim.hidden else (dim.width or 8.43)


def _span(ws, cell) -> tuple[int, int]:
    for m in ws.merged_cells.ranges:
        if (m.min_row, m.min_col) == (cell.row, cell.column):
            return m.max_col, m.max_row
    return cell.column, cell.row


def test_every_sheet_prints_on_a4_one_page_wide_with_its_header_repeated(written):
    for name, path in written.items():
        for ws in _sheets(path):
            where = f"{name}: {ws.title}"
            assert str(ws.page_setup.paperSize) == "9", where
            assert ws.sheet_properties.pageSetUpPr.fitToPage, where
            assert (str(ws.page_setup.fitToWidth), str(ws.page_setup.fitToHeight)) == ("1", "0"), where
            pixels = sum(_width(ws, c) * 8 + 5 for c in range(1, ws.max_column + 1) if _width(ws, c))
            portrait = (8.27 - ws.page_margins.left - ws.page_margins.right) * 96  # A4's short side, in pixels
            assert ws.page_setup.orientation == ("landscape" if pixels > portrait else "portrait"), where
            if ws.title != "Hướng dẫn":  # every table's header row is repeated on each page
                assert ws.print_title_rows, where


def test_every_row_is_as_high_as_its_wrapped_text(written):
    for name, path in written.items():
        for ws in _sheets(path):
            for row in ws.iter_rows():
                cells = []
                for cell in row:
                    if isinstance(cell, MergedCell) or not isinstance(cell.value, str) or not cell.alignment.wrap_text:
                        continue
                    last_col, last_row = _span(ws, cell)
                    width = sum(_width(ws, c) for c in range(cell.column, last_col + 1))
                    if last_row == cell.row and width:
                        cells.append((cell.value, width, cell.font.sz or 12, bool(cell.font.b)))
                one_line = all(c[2] <= 12 and fit.lines_needed(*c) == 1 for c in cells)
                need = 0 if one_line else fit.row_height(cells)  # one line of 12 pt: the default height fits
                height = ws.row_dimensions[row[0].row].height
                assert not need or (height or 0) >= need, (name, ws.title, row[0].row, height, need)


def test_dropdown_columns_are_as_wide_as_their_choices(written):
    checked = 0
    for name, path in written.items():
        wb = load_workbook(path)
        for ws in (s for s in wb.worksheets if s.sheet_state == "visible"):
            for dv in ws.data_validations.dataValidation:
                if dv.type != "list":
                    continue
                formula = dv.formula1.replace("$", "")
                if formula.startswith('"'):
                    choices = formula.strip('"').split(",")
                else:
                    lists = wb[formula.split("!")[0].strip("'")]
                    c1, r1, _, r2 = range_boundaries(formula.split("!")[1])
                    choices = [lists.cell(row=r, column=c1).value for r in range(r1, r2 + 1)]
                need = fit.column_width(choices, maximum=200)
                for ref in str(dv.sqref).split():
                    first, top, last, _ = range_boundaries(ref)
                    for col in range(first, last + 1):
                        width = _width(ws, col)
                        wraps = ws.cell(row=top, column=col).alignment.wrap_text
                        assert width >= need or (width >= 40 and wraps), (name, ws.title, col, width, need)
                        checked += 1
    assert checked > 40


def test_the_deadline_has_room_for_its_words(written):
    seen = 0
    for name, path in written.items():
        for ws in _sheets(path):
            for cell in ws[5] if ws.max_row >= HEADER_ROW else ():
                if isinstance(cell.value, str) and cell.value.startswith("Hạn nộp:"):
                    last_col, _ = _span(ws, cell)
                    room = sum(_width(ws, c) for c in range(cell.column, last_col + 1))
                    assert fit.lines_needed(cell.value, room, bold=True) == 1 or cell.alignment.wrap_text, (
                        name, ws.title, cell.value, room)
                    assert room >= fit.column_width([cell.value], bold=True, maximum=200) - 1, (name, ws.title)
                    seen += 1
    assert seen >= 20


def test_campaign_workbook_is_times_new_roman_12(written):
    for ws in _sheets(written["campaign"]):
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    assert (cell.font.name, cell.font.sz) == (FONT, 12), (ws.title, cell.coordinate)
    wb = load_workbook(written["campaign"])
    assert wb._named_styles["Normal"].font.name == FONT  # empty cells too
