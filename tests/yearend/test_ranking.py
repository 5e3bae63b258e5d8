"""Ranking inside blocks from collected scoring forms: ties, bands from the settings, the office's
checked score typed into the master and read back by the next consolidate, the ranking sheets."""
from __future__ import annotations

import os
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.campaign import writer as campaign_writer
from sheets_tools.store import office
from sheets_tools.collection.collect import collect
from sheets_tools.master.book import HEADER
from sheets_tools.master.consolidate import consolidate
from sheets_tools.core.findings import WARNING, message
from sheets_tools.store.ledger import Ledger
from sheets_tools.yearend.ranking import CHECKED_SCOPE, SOURCE_CHECKED, SOURCE_SELF, block_leaders, rankings
from sheets_tools.formkit.plugins import Context
from sheets_tools.forms import scoring
from sheets_tools.forms.scoring import CHECK_SHEET

from workbooks import with_setting, codes, scoring_workbook

DEPT, DISTRICT = "Khối các phòng, đơn vị thuộc Sở", "Khối Phòng Tư pháp cấp huyện"
YEAR_END = datetime(2024, 11, 20, 9, 0)
HEAD = HEADER + 1  # 1-based row of the master's column labels
# unit -> scores below standard (the rest at standard): totals out of 100
SCORES = {"VP": {}, "XDKT": {}, "TTR": {"A.II.1": 20}, "PBGD": {"A.II.1": 15}, "PTP-BMT": {"A.II.2.2": 0}}
TOTALS = {"VP": 100, "XDKT": 100, "TTR": 95, "PBGD": 90, "PTP-BMT": 80}


def send_scores(camp, unit: str, scores: dict, tmp: Path, moment: datetime = YEAR_END) -> None:
    path = tmp / f"cham-diem-{unit}.xlsx"
    scoring_workbook(camp, unit, scores, notes={code: "Chưa đạt điểm chuẩn" for code in scores}).save(path)
    os.utime(path, (moment.timestamp(), moment.timestamp()))
    [done] = collect(camp, [path], feedback=False).files
    assert done.result.status == "accepted", codes(done.result)


@pytest.fixture
def camp(camp, tmp_path):
    """The sample campaign (conftest.py ``camp``) with the scoring forms of SCORES collected."""
    for unit, scores in SCORES.items():
        send_scores(camp, unit, scores, tmp_path)
    return camp


def ranked(camp) -> dict[str, list]:
    with Ledger(camp.dir) as ledger:
        return rankings(Context(camp, ledger))



# --- ranking -------------------------------------------------------------------------------------
def test_units_are_ranked_inside_their_blocks(camp):
    blocks = ranked(camp)
    assert list(blocks) == [DEPT, DISTRICT]
    dept = blocks[DEPT]
    assert [(r.unit, r.rank, r.score) for r in dept[:4]] == [("XDKT", 1, 100), ("VP", 1, 100), ("TTR", 3, 95),
                                                          ("PBGD", 4, 90)]
    assert all(r.self_total == TOTALS[r.unit] and r.source == SOURCE_SELF for r in dept[:4])
    # units that sent nothing: listed last, without a rank
    assert {r.unit for r in dept[4:]} == {u.code for u in camp.units if u.block == DEPT} - set(TOTALS)
    assert all(r.rank is None and r.score is None and r.source == "" for r in dept[4:])
    district = blocks[DISTRICT]
    assert (district[0].unit, district[0].rank, district[0].score) == ("PTP-BMT", 1, 80)
    assert all(r.rank is None for r in district[1:])
    assert all(r.standard == 100 for rs in blocks.values() for r in rs)


def test_ties_share_a_rank_and_are_marked(camp):
    dept = ranked(camp)[DEPT]
    assert [r.unit for r in dept if r.tied] == ["XDKT", "VP"]
    assert not any(r.tied for r in dept[2:])
    with Ledger(camp.dir) as ledger:
        assert {r.unit for r in block_leaders(Context(camp, ledger), DEPT)} == {"VP", "XDKT"}


def test_a_new_return_replaces_the_units_score(camp, tmp_path):
    second = tmp_path / "lan-2"
    second.mkdir()
    send_scores(camp, "XDKT", {"A.I.2.2": 4}, second, datetime(2024, 11, 25, 9, 0))
    dept = ranked(camp)[DEPT]
    assert [(r.unit, r.rank, r.tied) for r in dept[:2]] == [("VP", 1, False), ("XDKT", 2, False)]
    assert dept[1].score == 99


def test_bands_from_the_settings(camp):
    bands = {r.unit: (r.percent, r.band) for rs in ranked(camp).values() for r in rs if r.score is not None}
    assert bands == {"VP": (100, "Xuất sắc"), "XDKT": (100, "Xuất sắc"), "TTR": (95, "Xuất sắc"),
                     "PBGD": (90, "Tốt"), "PTP-BMT": (80, "Khá")}
    stricter = with_setting(camp, "band.Xuất sắc", 98)
    bands = {r.unit: r.band for rs in ranked(stricter).values() for r in rs if r.score is not None}
    assert (bands["TTR"], bands["VP"]) == ("Tốt", "Xuất sắc")
    renamed = with_setting(with_setting(stricter, "band.Khá", 81), "band_below", "Chưa đạt")
    renamed = with_setting(renamed, "band.Trung bình", 81)
    assert {r.unit: r.band for r in ranked(renamed)[DISTRICT] if r.score is not None} == {"PTP-BMT": "Chưa đạt"}


def test_band_boundaries():
    yearend = campaign_mod.YearEnd()
    assert [yearend.band(p) for p in (100, 95, 94.99, 85, 70, 50, 49.9, 0)] == [
        "Xuất sắc", "Xuất sắc", "Tốt", "Tốt", "Khá", "Trung bình", "Yếu", "Yếu"]


# --- the master: the office's check read back --------------------------------------------------------------
def columns(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[HEAD] if c.value}


def data_rows(ws, key: str = "Mã đơn vị") -> dict[str, int]:
    col = columns(ws)[key]
    return {ws.cell(row=r, column=col).value: r for r in range(HEAD + 1, ws.max_row + 1)
            if ws.cell(row=r, column=col).value}


def type_in_master(path: Path, unit: str, checked, remark: str | None = None) -> str:
    """The office opens the master, types the checked score (and a remark) of ``unit``, saves.
    Returns the cell it typed into."""
    wb = load_workbook(path)
    ws = wb[CHECK_SHEET]
    cols, row = columns(ws), data_rows(ws)[unit]
    ws.cell(row=row, column=cols["Điểm thẩm định"]).value = checked
    if remark is not None:
        ws.cell(row=row, column=cols["Ý kiến thẩm định"]).value = remark
    wb.save(path)
    return ws.cell(row=row, column=cols["Điểm thẩm định"]).coordinate


def ranking_sheet(path: Path, n: int = 1) -> list[dict]:
    ws = load_workbook(path)[scoring.ranking_sheet(n)]
    cols = columns(ws)
    return [{label: ws.cell(row=r, column=c).value for label, c in cols.items()}
            for r in sorted(data_rows(ws).values())]


def stored(camp) -> dict:
    with Ledger(camp.dir) as ledger:
        return office.entries(ledger, CHECKED_SCOPE)


def test_master_check_sheet_lists_the_computed_self_scores(camp):
    path = consolidate(camp).path
    ws = load_workbook(path)[CHECK_SHEET]
    cols, rows = columns(ws), data_rows(ws)
    assert set(TOTALS) <= set(rows)
    for unit, total in TOTALS.items():
        assert ws.cell(row=rows[unit], column=cols["Tổng điểm tự chấm"]).value == total
        assert ws.cell(row=rows[unit], column=cols["Điểm thẩm định"]).value is None
    assert ws.cell(row=rows["TTR"], column=cols["Điểm các phần chấm"]).value == 95
    assert ws.cell(row=rows["PTP-BMT"], column=cols["Khối thi đua"]).value == DISTRICT


def test_checked_score_is_read_back_stored_and_ranks(camp):
    path = consolidate(camp).path
    type_in_master(path, "TTR", 101, "Cộng điểm thưởng sáng kiến")
    again = consolidate(camp)
    assert again.findings == [] and again.path == path
    assert stored(camp)["TTR"] == {"checked": 101, "remark": "Cộng điểm thưởng sáng kiến"}
    top = ranking_sheet(path)[0]
    assert (top["Mã đơn vị"], top["Hạng"], top["Điểm tự chấm"], top["Điểm thẩm định"], top["Điểm xếp hạng"],
            top["Nguồn điểm"]) == ("TTR", 1, 95, 101, 101, SOURCE_CHECKED)
    dept = ranked(camp)[DEPT]
    assert [(r.unit, r.rank) for r in dept[:3]] == [("TTR", 1), ("XDKT", 2), ("VP", 2)]
    # the value survives a further consolidate (the master now shows it; nobody typed anything)
    third = consolidate(camp)
    assert third.findings == [] and stored(camp)["TTR"]["checked"] == 101
    ws = load_workbook(path)[CHECK_SHEET]
    assert ws.cell(row=data_rows(ws)["TTR"], column=columns(ws)["Điểm thẩm định"]).value == 101
    assert ranking_sheet(path)[0]["Mã đơn vị"] == "TTR"


def test_checked_score_below_the_self_score(camp):
    path = consolidate(camp).path
    type_in_master(path, "VP", 92.5)
    consolidate(camp)
    rows = {r["Mã đơn vị"]: r for r in ranking_sheet(path)}
    assert (rows["VP"]["Điểm xếp hạng"], rows["VP"]["Hạng"], rows["VP"]["Xếp loại"]) == (92.5, 3, "Tốt")
    assert (rows["XDKT"]["Hạng"], rows["XDKT"]["Diễn giải"]) == (1, None)  # no longer tied


def test_a_non_number_is_reported_and_the_stored_value_kept(camp):
    path = consolidate(camp).path
    type_in_master(path, "TTR", 97)
    consolidate(camp)
    cell = type_in_master(path, "TTR", "chín mươi bảy")
    result = consolidate(camp)
    [f] = result.findings
    assert (f.code, f.severity, f.sheet, f.cell) == ("office.bad_number", WARNING, CHECK_SHEET, cell)
    assert f.message == message("office.bad_number", label="Điểm thẩm định", value="chín mươi bảy")
    assert stored(camp)["TTR"]["checked"] == 97
    rows = {r["Mã đơn vị"]: r for r in ranking_sheet(path)}
    assert (rows["TTR"]["Điểm thẩm định"], rows["TTR"]["Hạng"]) == (97, 3)


def test_a_deleted_column_keeps_its_stored_values(camp):
    path = consolidate(camp).path
    type_in_master(path, "TTR", 97, "Đã kiểm tra hồ sơ")
    consolidate(camp)
    wb = load_workbook(path)
    ws = wb[CHECK_SHEET]
    ws.delete_cols(columns(ws)["Ý kiến thẩm định"])
    ws.cell(row=data_rows(ws)["TTR"], column=columns(ws)["Điểm thẩm định"]).value = 98
    wb.save(path)
    result = consolidate(camp)
    [f] = result.findings
    assert (f.code, f.sheet) == ("office.no_columns", CHECK_SHEET)
    assert f.message == message("office.no_columns", sheet=CHECK_SHEET, expected="\"Ý kiến thẩm định\"")
    assert stored(camp)["TTR"] == {"checked": 98, "remark": "Đã kiểm tra hồ sơ"}


def test_numbers_typed_as_vietnamese_text_are_read(camp):
    path = consolidate(camp).path
    type_in_master(path, "PBGD", "96,5")
    assert consolidate(camp).findings == []
    assert stored(camp)["PBGD"]["checked"] == 96.5


def test_clearing_the_checked_score_goes_back_to_the_self_score(camp):
    path = consolidate(camp).path
    type_in_master(path, "TTR", 101)
    consolidate(camp)
    type_in_master(path, "TTR", None)
    consolidate(camp)
    assert "checked" not in stored(camp).get("TTR", {})
    rows = {r["Mã đơn vị"]: r for r in ranking_sheet(path)}
    assert (rows["TTR"]["Điểm xếp hạng"], rows["TTR"]["Nguồn điểm"]) == (95, SOURCE_SELF)


# --- the ranking sheets ------------------------------------------------------------------------------------
def test_ranking_sheets_per_block_with_ties_and_a_chart(camp):
    path = consolidate(camp).path
    wb = load_workbook(path)
    assert {scoring.ranking_sheet(1), scoring.ranking_sheet(2), CHECK_SHEET} <= set(wb.sheetnames)
    assert all(len(name) <= 31 for name in wb.sheetnames)
    rows = ranking_sheet(path)
    assert [(r["Mã đơn vị"], r["Hạng"], r["Diễn giải"]) for r in rows[:4]] == [
        ("XDKT", 1, "Đồng hạng"), ("VP", 1, "Đồng hạng"), ("TTR", 3, None), ("PBGD", 4, None)]
    assert (rows[2]["Tỷ lệ so với điểm chuẩn (%)"], rows[2]["Xếp loại"]) == (95, "Xuất sắc")
    assert all(r["Hạng"] is None and r["Diễn giải"] == "Chưa có điểm" for r in rows[4:])
    ws = wb[scoring.ranking_sheet(1)]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("Đồng hạng: ") and "Văn phòng Sở (hạng 1)" in t for t in texts)
    assert ranking_sheet(path, 2)[0]["Mã đơn vị"] == "PTP-BMT"
    with zipfile.ZipFile(path) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    # one chart per block, on its ranking sheet (the overview has its own)
    for n in (1, 2):
        assert len([c for c in charts if f"'{scoring.ranking_sheet(n)}'!" in c]) == 1
    [chart] = [c for c in charts if f"'{scoring.ranking_sheet(1)}'!" in c]
    # the chart shows the scored units only: rows 7..10 of the sheet (XDKT, VP, TTR, PBGD)
    assert f"$C${HEAD + 1}:$C${HEAD + 4}" in chart and f"$F${HEAD + 1}:$F${HEAD + 4}" in chart


def test_no_scoring_sheets_before_any_scoring_form(tmp_path):
    campaign_writer.create(tmp_path / "dot", "daklak-2024")
    camp = campaign_mod.load(tmp_path / "dot")
    names = load_workbook(consolidate(camp).path).sheetnames
    assert CHECK_SHEET not in names and not any("Xếp hạng" in n for n in names)
