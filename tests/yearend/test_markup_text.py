"""Text that looks like xlsxwriter's own rich-text markup ("<r>x</r>", "<r><t>y</t></r>") typed by a unit
(names, a position, a note) or by the office (a unit's name, the agency in campaign.xlsx) goes through
collect, consolidate, the council's ballot, tally and result list and the decision, through the command
line: every workbook written opens with openpyxl, each cell reads back exactly the text typed, and no
part of the file holds that text as raw XML. One run of the whole year (module fixture), read by each test;
LibreOffice prints the decision list with the text as typed."""
from __future__ import annotations

import os
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import pdf_boxes
from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.campaign import writer as campaign_writer
from sheets_tools.cli import main
from sheets_tools.master.consolidate import master_path
from sheets_tools.yearend.award import DECISION_DIR, ballot_path
from workbooks import everyone_votes_yes, make_return

NAM = dict(family_name="<r>Trần", given_name="Nam</r>", birth_date=date(1980, 5, 2), sex="Nam")
LAN = dict(family_name="<r><t>Lê", given_name="Lan</t></r>", birth_date=date(1988, 9, 30), sex="Nữ")
NAM_FULL, LAN_FULL = "<r>Trần Nam</r>", "<r><t>Lê Lan</t></r>"
POSITION, NOTE, ACHIEVEMENTS = "<r>x</r>", "<r><t>y</t></r>", "<r>x</r>"
UNIT_NAME = "<r>Văn phòng Sở</r>"  # VP's name, as the office typed it in campaign.xlsx
AGENCY = "<r><t>SỞ TƯ PHÁP</t></r>"
CSTDCS, HTXS = "Chiến sĩ thi đua cơ sở", "Hoàn thành xuất sắc nhiệm vụ"
TYPED = (NAM_FULL, LAN_FULL, POSITION, NOTE, UNIT_NAME, AGENCY, "<r>Trần", "Nam</r>", "<r><t>Lê", "Lan</t></r>")


def run(*args) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.output


def when(path: Path, moment: datetime) -> Path:
    os.utime(path, (moment.timestamp(), moment.timestamp()))
    return path


def office_types(folder: Path) -> None:
    """The office names VP and the agency with markup-like text in campaign.xlsx."""
    path = folder / campaign_mod.CAMPAIGN_FILE
    wb = load_workbook(path)
    units = wb["Đơn vị"]
    next(r for r in units.iter_rows(min_row=2) if r[0].value == "VP")[1].value = UNIT_NAME
    info = wb[campaign_mod.INFO_SHEET]
    next(r for r in info.iter_rows(min_row=2) if r[0].value == "Cơ quan")[1].value = AGENCY
    wb.save(path)


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    """VP registers Nam and Lan in January and proposes both for CSTĐCS in November; consolidate, ballot,
    everyone votes yes, tally, decision: the campaign once all is written."""
    folder = tmp_path_factory.mktemp("markup") / "dot"
    campaign_writer.create(folder, sample="daklak-2024")
    office_types(folder)
    camp = campaign_mod.load(folder)
    assert camp.unit("VP").name == UNIT_NAME and camp.info.agency == AGENCY
    rows = {"individuals": [{**NAM, "last_rating": HTXS, "title": CSTDCS, "position": POSITION},
                            {**LAN, "last_rating": HTXS, "title": CSTDCS}],
            "movements": [{"movement": camp.movements[0].name}]}
    out = run("collect", folder, when(make_return(folder.parent / "dk.xlsx", camp, "VP", rows),
                                      datetime(2024, 1, 20, 9)), "--no-feedback")
    assert "Bị trả lại" not in out, out
    proposed = [{**NAM, "rating": HTXS, "title": CSTDCS, "unit_vote": 100, "pending": "Không", "position": POSITION,
                 "achievements": ACHIEVEMENTS, "note": NOTE},
                {**LAN, "rating": HTXS, "title": CSTDCS, "unit_vote": 100, "pending": "Không",
                 "achievements": ACHIEVEMENTS}]
    path = make_return(folder.parent / "dn.xlsx", camp, "VP", {"individuals": proposed}, form_id="proposals")
    out = run("collect", folder, when(path, datetime(2024, 11, 20, 9)), "--no-feedback")
    assert "Bị trả lại" not in out, out
    run("consolidate", folder)
    assert "Đã tạo phiếu biểu quyết (2 trường hợp)" in run("council", "ballot", folder)
    everyone_votes_yes(camp)
    run("council", "tally", folder)
    assert "Danh sách khen thưởng: 2 dòng" in run("decision", folder)
    return camp


def texts(path: Path) -> set[str]:
    """Every text cell of the workbook, as openpyxl reads it (rich text as its plain text)."""
    wb = load_workbook(path)
    return {c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)}


def raw_markup(path: Path) -> list[str]:
    """The parts of the file that hold one of the typed texts as raw XML."""
    with zipfile.ZipFile(path) as z:
        return [f"{name}: {t}" for name in z.namelist() if name.endswith(".xml")
                for t in TYPED if t.encode("utf-8") in z.read(name)]


def result_list(camp) -> Path:
    return next((camp.dir / "council").glob("Kết quả biểu quyết*.xlsx"))


def decision_list(camp) -> Path:
    return next((camp.dir / DECISION_DIR).glob("*.xlsx"))


def test_the_decision_list_holds_the_texts_as_typed(year):
    found = texts(decision_list(year))
    assert {NAM_FULL, LAN_FULL, AGENCY} <= found
    assert f"{POSITION}, {UNIT_NAME}" in found  # Nam's position and unit: markup-like as a whole
    assert UNIT_NAME in found  # Lan's line: her unit alone
    assert raw_markup(decision_list(year)) == []


def test_the_council_result_list_holds_the_texts_as_typed(year):
    found = texts(result_list(year))
    assert {NAM_FULL, LAN_FULL, UNIT_NAME, AGENCY} <= found
    assert raw_markup(result_list(year)) == []


def test_the_ballot_holds_the_names_as_typed(year):
    assert {NAM_FULL, LAN_FULL} <= texts(ballot_path(year))
    assert raw_markup(ballot_path(year)) == []


def test_the_master_holds_the_unit_texts_as_typed(year):
    found = texts(master_path(year))
    assert {"<r>Trần", "Nam</r>", "<r><t>Lê", "Lan</t></r>", POSITION, NOTE, UNIT_NAME, NAM_FULL} <= found
    # the master's own heading (the agency) is not checked here: master/book.py writes it


@pytest.mark.libreoffice
@pytest.mark.skipif(not pdf_boxes.HAVE_TOOLS, reason="needs LibreOffice and pdftotext")
def test_libreoffice_prints_the_decision_list_with_the_texts_as_typed(year, tmp_path):
    copy = tmp_path / "danh-sach.xlsx"
    copy.write_bytes(decision_list(year).read_bytes())
    [pdf] = pdf_boxes.render([copy])
    printed = pdf_boxes.text_of(pdf)
    for text in (NAM_FULL, LAN_FULL, f"{POSITION}, {UNIT_NAME}", AGENCY):
        assert text in printed, printed[:2000]
