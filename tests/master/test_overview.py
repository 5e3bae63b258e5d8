"""The master's first sheet, "Tổng quan": each unit x form in words (matching `status --json`), coloured by
conditional formatting on the text, with an autofilter, the counts per form as formulas with their values,
a stacked bar chart of those counts, and the time the figures were taken."""
from __future__ import annotations

import json
import re
import zipfile

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sheets_tools.cli import main

HEAD = 6  # the Excel row of the column labels
STATES = ("Hợp lệ", "Hợp lệ, có lưu ý", "Nộp muộn", "Bị trả lại", "Chưa nộp", "Chưa đến hạn", "Không bắt buộc")
FILLS = {"Hợp lệ": "C6EFCE", "Hợp lệ, có lưu ý": "FFEB9C", "Nộp muộn": "FFD966", "Bị trả lại": "FFC7CE",
         "Chưa nộp": "FF9999", "Chưa đến hạn": "E7E6E6", "Không bắt buộc": "F2F2F2"}  # green, yellow, red, grey


def word_for(entry: dict) -> str:
    """What the matrix must say for one unit x form of `status --json` (late: a state of its own)."""
    if entry["state"] == "missing":
        # an optional form (nominations) is never overdue
        return {"overdue": "Chưa nộp", "optional": "Không bắt buộc"}.get(entry["timing"], "Chưa đến hạn")
    if entry["state"] == "rejected":
        return "Bị trả lại"
    if entry["timing"] == "late":
        return "Nộp muộn"
    return {"accepted": "Hợp lệ", "accepted_with_warnings": "Hợp lệ, có lưu ý"}[entry["state"]]


@pytest.fixture
def run(demo_copy):
    """The demo's master written again by `consolidate`, and `status --json` of the same moment."""
    runner = CliRunner()
    done = runner.invoke(main, ["consolidate", str(demo_copy)])
    assert done.exit_code == 0, done.output
    status = runner.invoke(main, ["status", str(demo_copy), "--json"])
    assert status.exit_code == 0, status.output
    return next((demo_copy / "master").glob("Tổng hợp thi đua *.xlsx")), json.loads(status.output)


def test_overview_is_first_and_says_each_units_state(run):
    path, status = run
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "Tổng quan"
    ws = wb["Tổng quan"]
    assert ws["A4"].value.startswith("Số liệu tính đến ")
    forms = status["forms"]
    labels = [ws.cell(row=HEAD, column=c).value for c in range(1, 3 + len(forms))]
    assert labels[:2] == ["Mã đơn vị", "Tên đơn vị"]
    assert [label.split("\n")[0] for label in labels[2:]] == [f["name"] for f in forms]
    units = forms[0]["units"]
    assert [ws.cell(row=HEAD + 1 + i, column=1).value for i in range(len(units))] == [u["unit"] for u in units]
    seen = set()
    for c, form in enumerate(forms, start=3):
        for i, entry in enumerate(form["units"]):
            assert ws.cell(row=HEAD + 1 + i, column=c).value == word_for(entry), (form["form"], entry["unit"])
            seen.add(word_for(entry))
    assert {"Hợp lệ", "Hợp lệ, có lưu ý", "Bị trả lại", "Chưa nộp", "Nộp muộn"} <= seen  # the demo has them all
    last = f"{ws.cell(row=HEAD, column=2 + len(forms)).column_letter}{HEAD + len(units)}"
    assert ws.auto_filter.ref == f"A{HEAD}:{last}"


def test_colours_come_from_conditional_formats_over_the_whole_matrix(run):
    path, status = run
    ws = load_workbook(path)["Tổng quan"]
    forms, units = status["forms"], status["forms"][0]["units"]
    matrix = f"C{HEAD + 1}:{ws.cell(row=1, column=2 + len(forms)).column_letter}{HEAD + len(units)}"
    rules = {}
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            assert str(cf.sqref) == matrix  # every rule covers the whole matrix, so filtering keeps it right
            assert (rule.type, rule.operator) == ("cellIs", "equal")
            rules[rule.formula[0].strip('"')] = rule.dxf.fill.bgColor.rgb[-6:]
    assert rules == FILLS
    # the legend: each state's label in its colour, under the matrix
    legend = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=1).fill.fgColor.rgb[-6:]
              for r in range(HEAD + len(units) + 1, ws.max_row + 1) if ws.cell(row=r, column=1).value in STATES}
    assert legend == FILLS


def test_counts_per_form_are_formulas_that_show_their_numbers(run):
    path, status = run
    formulas, values = load_workbook(path)["Tổng quan"], load_workbook(path, data_only=True)["Tổng quan"]
    rows = {formulas.cell(row=r, column=1).value: r for r in range(HEAD + 1, formulas.max_row + 1)}
    for c, form in enumerate(status["forms"], start=3):
        for state in STATES:
            cell = formulas.cell(row=rows[state], column=c)
            assert re.fullmatch(r"=COUNTIF\([A-Z]+\$\d+:[A-Z]+\$\d+,\$A\$?\d+\)", cell.value), cell.value
            expected = sum(1 for e in form["units"] if word_for(e) == state)
            assert values.cell(row=rows[state], column=c).value == expected, (form["form"], state)
        assert values.cell(row=rows["Tổng số đơn vị"], column=c).value == len(form["units"])


def test_progress_chart_has_a_stacked_bar_per_form(run):
    path, status = run
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        rels = z.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
        drawing = re.search(r'Target="\.\./drawings/(drawing\d+\.xml)"', rels).group(1)
        drawing_rels = z.read(f"xl/drawings/_rels/{drawing}.rels").decode()
        chart = re.search(r'Target="\.\./charts/(chart\d+\.xml)"', drawing_rels).group(1)
        xml = z.read(f"xl/charts/{chart}").decode()
        anchor = int(re.search(r"<xdr:from><xdr:col>\d+</xdr:col><xdr:colOff>\d+</xdr:colOff><xdr:row>(\d+)</xdr:row>",
                               z.read(f"xl/drawings/{drawing}").decode()).group(1))
        breaks = [int(b) for b in re.findall(r'<brk id="(\d+)"', z.read("xl/worksheets/sheet1.xml").decode())]
    assert f"xl/charts/{chart}" in names
    assert anchor in breaks  # the chart starts a page: it never runs across one, whatever the counts take
    assert "<c:barChart>" in xml and '<c:grouping val="stacked"/>' in xml
    assert xml.count("<c:ser>") == len(STATES)
    categories = re.findall(r"<c:cat>.*?<c:f>(.*?)</c:f>", xml, re.S)
    assert categories and all(f.startswith("'Tổng quan'!$C$") for f in categories)
    cached = re.search(r"<c:cat>.*?<c:ptCount val=\"(\d+)\"", xml, re.S)
    assert cached is None or int(cached.group(1)) == len(status["forms"])
