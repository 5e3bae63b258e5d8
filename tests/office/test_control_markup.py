"""``sheets-tools excel install``: the names the office typed in campaign.xlsx reach the control workbook
as the text they are, even when they look like xlsxwriter's own markup ("<r>...</r>"), a formula or a link:
the workbook opens with openpyxl, each cell reads back the text typed, as text, and no part of the file
holds it as raw XML."""
from __future__ import annotations

import contextlib
import importlib
import zipfile

from click.testing import CliRunner
from openpyxl import load_workbook

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.cli import main
from sheets_tools.office.control import control_path
from sheets_tools.office.steps import CONTROL_SHEET, MATRIX_SHEET

with contextlib.suppress(ImportError):
    importlib.import_module("sheets_tools.cli.excel")  # registers "excel" on the group (the CLI imports it too)

NAMES = {"VP": "<r>Văn phòng Sở</r>", "TTR": "<r><t>Thanh tra Sở</t></r>", "XDKT": "=1+1",
         "PBGD": "http://example.gov.vn"}
AGENCY = "<r><t>SỞ TƯ PHÁP</t></r>"


def test_names_that_look_like_markup_a_formula_or_a_link_stay_text(camp):
    path = camp.dir / campaign_mod.CAMPAIGN_FILE
    wb = load_workbook(path)
    for row in wb["Đơn vị"].iter_rows(min_row=2):
        if row[0].value in NAMES:
            row[1].value = NAMES[row[0].value]
            row[1].data_type = "s"
    next(r for r in wb[campaign_mod.INFO_SHEET].iter_rows(min_row=2) if r[0].value == "Cơ quan")[1].value = AGENCY
    wb.save(path)
    camp = campaign_mod.load(camp.dir)
    assert [camp.unit(code).name for code in NAMES] == list(NAMES.values())

    result = CliRunner().invoke(main, ["excel", "install", str(camp.dir)])
    assert result.exit_code == 0, result.output
    control = control_path(camp)
    book = load_workbook(control)
    matrix = {row[0].value: row[1] for row in book[MATRIX_SHEET].iter_rows() if row[0].value in NAMES}
    assert {code: cell.value for code, cell in matrix.items()} == NAMES
    assert {cell.data_type for cell in matrix.values()} == {"s"}  # never a formula
    assert not any(cell.hyperlink for cell in matrix.values())  # never a link
    sheet = book[CONTROL_SHEET]
    assert any(c.value == AGENCY for row in sheet.iter_rows(max_row=5) for c in row)
    with zipfile.ZipFile(control) as z:
        raw = [(name, text) for name in z.namelist() if name.endswith(".xml")
               for text in (*NAMES.values(), AGENCY) if text.startswith("<") and text.encode() in z.read(name)]
    assert raw == []
