"""campaign.xlsx is read with python-calamine (fast) where openpyxl was used: the campaign it gives, and every
problem it reports, are those the openpyxl reading gives, on the sample and on files an office may make."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sheets_tools.campaign.criteria import number_text
from sheets_tools.campaign import layout
from sheets_tools.campaign import workbook as campaign
from sheets_tools.cli import main


def _openpyxl_values(path: Path) -> layout.Sheets:
    wb = load_workbook(path, data_only=True)
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def _read(values: layout.Sheets):
    problems: list = []
    info = campaign._read_info(values, problems)
    tables = {key: campaign._read_table(values, key, problems) for key in layout.TABLES}
    settings = campaign._read_settings(values, problems)
    return info, tables, settings, [(f.code, f.sheet, f.cell, f.value, f.message) for f in problems]


def _same_as_openpyxl(path: Path):
    fast = _read(layout.sheet_values(path))
    assert fast == _read(_openpyxl_values(path))
    return fast


def _edit(camp, change) -> Path:
    path = camp.dir / "campaign.xlsx"
    wb = load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def _units(wb):
    return wb[layout.TABLES["units"][0]]


EDITS = {
    "as made": lambda wb: None,
    "numbers, dates and text where text is expected": lambda wb: (
        _units(wb).cell(row=3, column=6, value=912345678), _units(wb).cell(row=4, column=6, value=7.5),
        _units(wb).cell(row=5, column=6, value=datetime(2024, 2, 3, 10, 30)), _units(wb).cell(row=6, column=5, value=True)),
    "a deadline typed as text, another as a date and time": lambda wb: (
        wb["Thời hạn"].cell(row=2, column=3, value="31/01/2025"),
        wb["Thời hạn"].cell(row=3, column=3, value=datetime(2025, 3, 1, 8, 0))),
    "mistakes": lambda wb: (
        _units(wb).cell(row=3, column=1, value=_units(wb).cell(row=2, column=1).value),
        _units(wb).cell(row=4, column=5, value="không phải e-mail"),
        wb["Thời hạn"].cell(row=2, column=3, value="ngày mai"),
        wb[layout.INFO_SHEET].cell(row=6, column=2, value="hai nghìn")),
    "cells far from the table, blank rows and a wide header": lambda wb: (
        _units(wb).cell(row=500, column=30, value=None), _units(wb).cell(row=1, column=12, value="Ghi chú"),
        _units(wb).cell(row=40, column=12, value="x"), wb[layout.SETTINGS_SHEET].cell(row=60, column=1, value=" ")),
    "settings typed as numbers": lambda wb: [
        row[1].__setattr__("value", 3) for row in wb[layout.SETTINGS_SHEET].iter_rows(min_row=2)
        if row[0].value == "remind_days"],
    "a sheet missing": lambda wb: wb.remove(wb["Phong trào"]),
}


@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_campaign_read_fast_is_the_campaign_openpyxl_reads(camp, edit):
    path = _edit(camp, EDITS[edit])
    _same_as_openpyxl(path)
    deadline = layout.sheet_values(path)[layout.TABLES["deadlines"][0]][3][2]
    assert type(deadline) is date  # read by calamine (openpyxl gives a datetime): the fast way was taken


def test_a_cell_holding_an_error_reads_as_openpyxl_reads_it(camp):
    """calamine reads an error value (#N/A) as an empty cell: such a file is read by openpyxl."""
    path = camp.dir / "campaign.xlsx"
    sheet = "xl/worksheets/sheet2.xml"  # the deadlines, after the general information: E3 is a reminder's days
    src = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == sheet:
                data, n = re.subn(rb'<c r="E3"([^>]*?) t="\w+"([^>]*)>.*?</c>', rb'<c r="E3"\1 t="e"\2><v>#N/A</v></c>', data, 1)
                assert n == 1
            dst.writestr(info, data)
    path.write_bytes(out.getvalue())
    values = layout.sheet_values(path)
    assert values[layout.TABLES["deadlines"][0]][2][4] == "#N/A"
    with pytest.raises(campaign.CampaignError) as fast:
        campaign.load(camp.dir)
    assert _read(values)[3] == [(f.code, f.sheet, f.cell, f.value, f.message) for f in fast.value.findings]
    assert any(f.value == "#N/A" for f in fast.value.findings)


def test_a_campaign_file_that_is_another_zip_is_refused_as_before(camp):
    path = camp.dir / "campaign.xlsx"
    with zipfile.ZipFile(path, "w") as zf:  # an OpenDocument spreadsheet renamed: calamine could read it
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(campaign.CampaignError) as exc:
        campaign.load(camp.dir)
    assert [f.code for f in exc.value.findings] == ["campaign.unreadable"]


def test_status_reads_the_campaign_as_before(camp):
    """Through a command: the units and deadlines the office typed, whatever their cells' types."""
    _edit(camp, EDITS["a deadline typed as text, another as a date and time"])
    out = CliRunner().invoke(main, ["status", str(camp.dir)])
    assert out.exit_code == 0, out.output
    loaded = campaign.load(camp.dir)
    assert loaded.deadlines[0].date == date(2025, 1, 31)
    assert [u.code for u in loaded.units] == [u.code for u in camp.units]


@pytest.mark.parametrize("value, text", [(2, "2"), (1.75, "1,75"), (-0.5, "-0,5"), (1e20, "1E+20"),
                                         (1.5e307, "1,5E+307"), (float("inf"), "∞"), (float("-inf"), "-∞"),
                                         (float("nan"), "NaN")])
def test_a_number_is_always_written_out(value, text):
    """Whatever a unit typed, writing it into a message never fails (int(∞) did, stopping a collect)."""
    assert number_text(value) == text
