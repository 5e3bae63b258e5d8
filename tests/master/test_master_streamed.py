"""The master's sheets of the units' rows are streamed (xlsxwriter's constant-memory mode: each row goes to
disk as soon as the next one starts, so a large campaign does not hold every cell in memory) and still are
what the office had: the same sheets, labels, Excel tables with their filter, frozen labels, every row of the
ledger in use, each row as high as its wrapped text needs. Through the command line."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
import python_calamine
from click.testing import CliRunner
from openpyxl import load_workbook

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.cli import main
from sheets_tools.excel.fit import SIZE, row_height
from sheets_tools.formkit.declaration import load_forms
from sheets_tools.master.book import HEADER, form_sheet_name
from sheets_tools.master.consolidate import master_path
from sheets_tools.master.overview import OVERVIEW_SHEET
from sheets_tools.master.sheets import SOURCE_ROW_LABEL, UNIT_COLUMNS
from sheets_tools.store.ledger import Ledger
from workbooks import make_return

HEAD = HEADER + 1  # 1-based row of the column labels
RICH = "<r>Phòng A < Phòng B & C</r>"  # what xlsxwriter would take for its own markup


def person(given: str, **more) -> dict:
    return {"family_name": "Nguyễn Văn", "given_name": given, "birth_date": "1985-03-15", "sex": "Nam",
            "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Lao động tiên tiến", **more}


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def collect_and_consolidate(camp, folder: Path, returns: dict[str, dict]) -> Path:
    """Each unit's registration (rows by sheet key) collected and consolidated through the command line;
    the master's path."""
    inbox = folder / "inbox"
    inbox.mkdir()
    for unit, rows in returns.items():
        make_return(inbox / f"{unit}.xlsx", camp, unit, rows)
    run("collect", str(camp.dir), str(inbox))
    run("consolidate", str(camp.dir))
    return master_path(campaign_mod.load(camp.dir))


@pytest.fixture
def collected(camp, tmp_path) -> Path:
    """Two units' registrations, one with a long text and one with a line break."""
    long_note = "Ghi chú rất dài về thành tích " * 6
    return collect_and_consolidate(camp, tmp_path, {
        "VP": {"individuals": [person("An"), person("Bình", position=long_note), person("Cúc")],
               "collectives": [{"collective_name": "Phòng Tổ chức", "title": "Tập thể lao động tiên tiến"}]},
        "TTR": {"individuals": [person("Dũng", note="Đi học\nnước ngoài")]}})


def sheet_files(path: Path) -> dict[str, str]:
    """Sheet name -> the XML of its worksheet part."""
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode("utf-8")
        rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
        targets = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', rels)
                       + [(i, t) for t, i in re.findall(r'Target="([^"]+)"[^>]*Id="(rId\d+)"', rels)])
        sheets = re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="(rId\d+)"', book)
        return {_unescape(name): z.read("xl/" + targets[rid].lstrip("/").removeprefix("xl/")).decode("utf-8")
                for name, rid in sheets}


def _unescape(text: str) -> str:
    return text.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def test_rows_sheets_are_streamed(collected):
    """Each input table's sheet is written in the streamed way (its texts in the cells, not in the book's
    shared strings), the other sheets as before."""
    xml = sheet_files(collected)
    for sheet in load_forms()["registration"].sheets:
        part = xml[form_sheet_name("registration", sheet.name)]
        assert 't="inlineStr"' in part and 't="s"' not in part, sheet.name
        assert "<tablePart " in part
    assert 't="inlineStr"' not in xml[OVERVIEW_SHEET]


def test_rich_text_markup_typed_by_a_unit_is_kept(camp, tmp_path):
    """A note that looks like xlsxwriter's rich-text markup is kept as typed, not lost or the file broken."""
    collected = collect_and_consolidate(camp, tmp_path, {"VP": {"individuals": [person("An", note=RICH)]}})
    book = python_calamine.CalamineWorkbook.from_path(str(collected))
    rows = book.get_sheet_by_name(form_sheet_name("registration", "Cá nhân")).to_python()
    assert any(RICH in row for row in rows)
    wb = load_workbook(collected)
    ws = wb[form_sheet_name("registration", "Cá nhân")]
    assert RICH in [c.value for row in ws.iter_rows(min_row=HEAD + 1) for c in row]


def test_streamed_sheets_keep_what_the_office_had(collected):
    wb = load_workbook(collected)
    form = load_forms()["registration"]
    with Ledger(collected.parent.parent) as ledger:
        subs = ledger.data_submission(form.id)
        for sheet in form.sheets:
            ws = wb[form_sheet_name(form.id, sheet.name)]
            labels = [*(u for u, _ in UNIT_COLUMNS), *(c.label for c in sheet.columns), SOURCE_ROW_LABEL]
            assert [c.value for c in ws[HEAD]][:len(labels)] == labels
            assert ws["A2"].value and ws["A3"].value.startswith("TỔNG HỢP")
            assert "Trang tính được khóa" in ws["A4"].value and ws.protection.sheet
            assert ws.freeze_panes == f"C{HEAD + 1}"
            stored = [(code, n) for code in subs for _, n, _ in ledger.rows(subs[code].id, sheet.key)]
            shown = [(row[0], row[len(labels) - 1]) for row in ws.iter_rows(min_row=HEAD + 1, values_only=True)
                     if row[0] is not None]
            assert sorted(shown) == sorted(stored)
            [table] = ws.tables.values()
            assert table.ref == f"A{HEAD}:{ws.cell(row=1, column=len(labels)).column_letter}{HEAD + max(len(stored), 1)}"
            assert [c.name for c in table.tableColumns] == labels and table.autoFilter is not None


def test_streamed_rows_are_as_high_as_their_text(collected):
    """Every row of a table sheet is as high as its tallest wrapped text needs (fit's measure, whole pixels)
    and the title and subtitle rows keep their heights."""
    wb = load_workbook(collected)
    ws = wb[form_sheet_name("registration", "Cá nhân")]
    sheet = load_forms()["registration"].sheet("individuals")
    widths = [w for _, w in UNIT_COLUMNS] + [max(c.width, 12 if c.type == "date" else 8) for c in sheet.columns]
    texts = {c: col for c, col in enumerate(sheet.columns, start=2) if col.type not in ("date", "integer", "number")}
    given = next(c for c, col in texts.items() if col.field == "given_name")
    tall = set()
    for r in range(HEAD + 1, ws.max_row + 1):
        row = [ws.cell(row=r, column=c + 1).value for c in range(len(widths))]
        if row[0] is None:
            continue
        cells = [(row[1], widths[1])] + [(row[c], widths[c]) for c in texts if isinstance(row[c], str)
                                         and len(row[c]) > 4]
        need = max(row_height([(t, w, SIZE, False)]) for t, w in cells)
        expected = -(-max(need, 15.75) * 4 // 3) * 3 / 4
        assert (ws.row_dimensions[r].height or ws.sheet_format.defaultRowHeight) == pytest.approx(expected), (r, row)
        if expected > 15.75:
            tall.add(row[given])
    assert {"Bình", "Dũng"} <= tall  # the long position, the note on two lines
    assert ws.row_dimensions[3].height and ws.row_dimensions[4].height > 15.75


def test_demo_master_invariants(demo_copy):
    """On the demo campaign: every sheet, the labels of each input table, as many rows as the ledger holds
    in use, a filter on each, and every streamed sheet well formed (read by both readers)."""
    run("consolidate", str(demo_copy))
    path = master_path(campaign_mod.load(demo_copy))
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    wb = load_workbook(path)
    assert book.sheet_names == wb.sheetnames and book.sheet_names[0] == OVERVIEW_SHEET
    with Ledger(demo_copy) as ledger:
        for form in load_forms().values():
            subs = ledger.data_submission(form.id)
            for sheet in form.sheets:
                name = form_sheet_name(form.id, sheet.name)
                if name not in wb.sheetnames:
                    assert not ledger.submissions(form=form.id), name
                    continue
                ws = wb[name]
                expected = sum(1 for s in subs.values() for _ in ledger.rows(s.id, sheet.key))
                rows = book.get_sheet_by_name(name).to_python()
                data = [r for r in rows[HEAD:] if r and r[0] not in ("", None)]
                assert len(data) == expected, name
                assert [c.value for c in ws[HEAD]][:2] == [u for u, _ in UNIT_COLUMNS]
                [table] = ws.tables.values()
                assert table.ref.startswith(f"A{HEAD}:") and table.ref.endswith(str(HEAD + max(expected, 1)))
                assert ws.freeze_panes == f"C{HEAD + 1}"
