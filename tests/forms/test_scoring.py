"""The scoring form (domain.md §4): the template built from a block's criteria, every check on a
returned form with a case that passes and one that fails, the criteria totals, the criteria table
in campaign.xlsx, and a LibreOffice round trip (its recalculated totals agree with the tool's)."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.collection.templates import form_workbook
from sheets_tools.campaign.model import CampaignError
from sheets_tools.campaign.workbook import sample_campaign
from sheets_tools.campaign.criteria import TOTAL_CODE, Criterion, Table
from sheets_tools.core.findings import ERROR, WARNING, message
from sheets_tools.formkit.declaration import FIRST_COL, FIRST_ROW, HEADER_ROW, get_form
from sheets_tools.core.records import Incoming
from sheets_tools.collection.validate import check_file

from workbooks import with_cached_values, codes, full_scores, only, scoring_workbook
from workbooks import scoring_rows as rows_of

FORM = get_form("scoring")
SHEET = FORM.sheet("scores")
COL = {c.field: c.letter for c in SHEET.columns}  # where the declaration puts each column
SCORE, STANDARD = COL["score"], COL["standard"]
DEPT = "VP"  # a unit of "Khối các phòng, đơn vị thuộc Sở"
RECEIVED = datetime(2024, 11, 20, 9, 0)  # before the year-end deadline (30/11/2024)


@pytest.fixture(scope="module")
def table(shared_sample):
    return shared_sample.criteria_of(shared_sample.unit(DEPT))


def scoring_book(camp, scores: dict[str, float | None] | None = None, *, unit_code: str = DEPT, **more):
    """The real scoring form of a unit, filled (tests/workbooks.py ``scoring_workbook``)."""
    return scoring_workbook(camp, unit_code, scores, **more)


def to_bytes(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def check(camp, data: bytes, name: str = "cham-diem.xlsx"):
    return check_file(Incoming(name=name, data=data, source=name, received_at=RECEIVED), camp)


def scored(camp, *args, **kwargs):
    """Fill, save and check a scoring form in one step."""
    return check(camp, to_bytes(scoring_book(camp, *args, **kwargs)))



def insert_row(ws, r: int) -> None:
    """Insert a row as Excel does: the merged footer below moves down too (openpyxl leaves it)."""
    ws.insert_rows(r)
    for merged in ws.merged_cells.ranges:
        if merged.min_row >= r:
            merged.shift(0, 1)


def delete_row(ws, r: int) -> None:
    """Delete a row as Excel does, merged ranges below included."""
    ws.delete_rows(r)
    for merged in ws.merged_cells.ranges:
        if merged.min_row > r:
            merged.shift(0, -1)


def cell(letter: str, row: int) -> str:
    return f"{letter}{row}"


# --- the template --------------------------------------------------------------------------------
def test_template_rows_are_the_criteria_of_the_units_block(shared_sample, table):
    ws = form_workbook(FORM, shared_sample, shared_sample.unit(DEPT))[SHEET.name]
    at = rows_of(ws)
    assert list(at) == [c.code for c in table.items] + [TOTAL_CODE]
    assert list(at.values()) == list(range(FIRST_ROW, FIRST_ROW + len(table.items) + 1))
    for c in table.items:
        assert ws[cell(COL["standard"], at[c.code])].value == c.standard
    assert ws[cell(COL["standard"], at[TOTAL_CODE])].value == table.standard_total == 100
    # a district office gets its own block's criteria
    district = rows_of(form_workbook(FORM, shared_sample, shared_sample.unit("PTP-BMT"))[SHEET.name])
    other = shared_sample.criteria_of(shared_sample.unit("PTP-BMT"))
    assert list(district) == [c.code for c in other.items] + [TOTAL_CODE]
    assert "A.I.2.1" in at and "A.I.2.1" not in district


def test_template_parents_and_total_are_locked_formulas_leaves_are_open(shared_sample, table):
    wb = form_workbook(FORM, shared_sample, shared_sample.unit(DEPT))
    ws = wb[SHEET.name]
    at = rows_of(ws)
    assert ws.protection.sheet
    for c in table.items:
        score = ws[cell(COL["score"], at[c.code])]
        if table.is_leaf(c.code):
            assert score.value is None and not score.protection.locked, c.code
            for field in ("evidence", "note"):
                assert not ws[cell(COL[field], at[c.code])].protection.locked
        else:
            assert isinstance(score.value, str) and score.value.startswith("="), c.code
            assert score.protection.locked, c.code
            kids = [cell(COL["score"], at[k.code]) for k in table.children[c.code]]
            assert re.findall(rf"{SCORE}\d+", score.value.split("SUM(")[1]) == kids
    total = ws[cell(COL["score"], at[TOTAL_CODE])]
    assert total.protection.locked
    assert total.value == "={s}{A}+{s}{B}+{s}{C}-{s}{D}".format(s=SCORE, **at)
    # a bonus or penalty group counts up to its cap (its standard)
    assert ws[cell(SCORE, at["C"])].value == f"=MIN({STANDARD}{at['C']},SUM({SCORE}{at['C.1']},{SCORE}{at['C.2']}))"
    for code in ("code", "criterion", "standard", "scale"):
        assert ws[cell(COL[code], at["A.I.1"])].protection.locked


def test_template_score_validation_shows_its_error(shared_sample, table):
    ws = form_workbook(FORM, shared_sample, shared_sample.unit(DEPT))[SHEET.name]
    last = FIRST_ROW + len(table.items)
    score = [dv for dv in ws.data_validations.dataValidation if f"{SCORE}{FIRST_ROW}" in str(dv.sqref)]
    assert len(score) == 1
    dv = score[0]
    assert str(dv.sqref) == f"{SCORE}{FIRST_ROW}:{SCORE}{last}"
    assert dv.showErrorMessage and dv.errorStyle == "stop" and dv.error and dv.errorTitle
    first, standard = f"{SCORE}{FIRST_ROW}", f"{STANDARD}{FIRST_ROW}"
    assert dv.formula1 == f"AND(ISNUMBER({first}),{first}>=0,{first}<={standard})"
    assert "Điểm chuẩn" in dv.error


def test_template_sheet_names_fit_excel(shared_sample):
    wb = form_workbook(FORM, shared_sample, shared_sample.unit(DEPT))
    assert SHEET.name in wb.sheetnames
    assert all(len(name) <= 31 for name in wb.sheetnames)
    assert ws_header(wb[SHEET.name]) == [c.label for c in SHEET.columns]


def ws_header(ws) -> list:
    return [ws.cell(row=HEADER_ROW, column=FIRST_COL + i).value for i in range(len(SHEET.columns))]


# --- a correct form ------------------------------------------------------------------------------
def test_fully_correct_form_has_no_findings(shared_sample):
    result = scored(shared_sample)
    assert (result.form_id, result.unit_code) == ("scoring", DEPT)
    assert result.findings == []  # no formula warnings for the template's own formulas
    assert result.status == "accepted"


def test_correct_form_with_scores_below_standard_explained(shared_sample):
    result = scored(shared_sample, {"A.I.1": 4.5, "A.I.2.2": 3.25, "C.1": 3, "D.1": 2},
                    notes={"A.I.1": "Một dự thảo thẩm định chậm 1 ngày", "A.I.2.2": "Góp ý chưa đầy đủ"})
    assert result.findings == []


def test_correct_cached_totals_are_accepted_silently(shared_sample, table):
    wb = scoring_book(shared_sample, {"C.1": 3, "D.2": 2})
    at = rows_of(wb[SHEET.name])
    totals = table.totals({**full_scores(table), "C.1": 3, "D.2": 2})
    cached = {cell(SCORE, at[code]): f"{totals.points[code]:g}" for code in at if code != TOTAL_CODE
              and not table.is_leaf(code)}
    cached[cell(SCORE, at[TOTAL_CODE])] = f"{totals.total:g}"
    assert totals.total == 101
    result = check(shared_sample, with_cached_values(to_bytes(wb), cached))
    assert result.findings == []


# --- each check: a case that fails and one that passes -------------------------------------------
def test_score_above_standard(shared_sample, table):
    result = scored(shared_sample, {"A.I.2.2": 6})  # standard 5
    f = only(result, "score.above_standard")
    row = rows_of(scoring_book(shared_sample)[SHEET.name])["A.I.2.2"]
    assert (f.sheet, f.cell, f.field, f.severity) == (SHEET.name, cell(SCORE, row), "score", ERROR)
    assert f.message == message("score.above_standard", crit="A.I.2.2", value="6", standard="5")
    assert result.status == "rejected"
    assert "score.above_standard" not in codes(scored(shared_sample, {"A.I.2.2": 5}))


def test_banded_score_must_be_an_allowed_value(shared_sample):
    note = {"A.I.1": "Chậm 1 văn bản"}
    result = scored(shared_sample, {"A.I.1": 4.25}, notes=note)  # allowed: 5; 4,5; 4; 3; 2; 0
    f = only(result, "score.not_allowed")
    assert (f.field, f.severity) == ("score", ERROR)
    assert f.message == message("score.not_allowed", crit="A.I.1", value="4,25", standard="5",
                                allowed="5; 4,5; 4; 3; 2; 0")
    assert codes(result) == ["score.not_allowed"]
    assert scored(shared_sample, {"A.I.1": 4.5}, notes=note).findings == []
    # a criterion without bands takes any value up to its standard
    assert scored(shared_sample, {"A.I.2.2": 4.25}, notes={"A.I.2.2": "Chưa đạt"}).findings == []


def test_score_below_standard_needs_a_note(shared_sample):
    result = scored(shared_sample, {"A.I.2.2": 4})
    f = only(result, "score.note_missing")
    row = rows_of(scoring_book(shared_sample)[SHEET.name])["A.I.2.2"]
    assert (f.cell, f.field, f.severity) == (cell(COL["note"], row), "note", ERROR)
    assert f.message == message("score.note_missing", crit="A.I.2.2", value="4", standard="5",
                                label=SHEET.column("note").label)
    assert scored(shared_sample, {"A.I.2.2": 4}, notes={"A.I.2.2": "Một văn bản góp ý chưa đạt"}).findings == []
    # zero is below standard too
    assert codes(scored(shared_sample, {"A.I.2.2": 0})) == ["score.note_missing"]


def test_evidence_required(shared_sample):
    result = scored(shared_sample, evidence={"A.II.2.1": ""})  # "Cần minh chứng", scored 5
    f = only(result, "score.evidence_missing")
    row = rows_of(scoring_book(shared_sample)[SHEET.name])["A.II.2.1"]
    assert (f.cell, f.field, f.severity) == (cell(COL["evidence"], row), "evidence", ERROR)
    assert f.message == message("score.evidence_missing", crit="A.II.2.1", standard="5",
                                label=SHEET.column("evidence").label)
    assert scored(shared_sample).findings == []  # with its evidence
    # no points claimed, no evidence needed (the note explains the zero)
    assert scored(shared_sample, {"A.II.2.1": 0}, evidence={"A.II.2.1": ""},
                  notes={"A.II.2.1": "Chưa ban hành kế hoạch"}).findings == []
    # a bonus item that needs evidence: claimed without it
    assert codes(scored(shared_sample, {"C.2": 2}, evidence={"C.2": ""})) == ["score.evidence_missing"]


def test_bonus_group_cap(shared_sample, table):
    result = scored(shared_sample, {"C.1": 3, "C.2": 3})  # group "C" counts at most 5
    f = only(result, "score.cap_applied")
    row = rows_of(scoring_book(shared_sample)[SHEET.name])["C"]
    assert (f.cell, f.severity) == (cell(SCORE, row), WARNING)
    assert f.message == message("score.cap_applied", crit="C", value="6", standard="5")
    assert result.status == "accepted_with_warnings"
    assert scored(shared_sample, {"C.1": 3, "C.2": 2}).findings == []


def test_penalty_group_cap(shared_sample):
    result = scored(shared_sample, {"D.1": 5, "D.2": 8})  # group "D" counts at most 10
    f = only(result, "score.cap_applied")
    assert f.message == message("score.cap_applied", crit="D", value="13", standard="10")
    assert scored(shared_sample, {"D.1": 5, "D.2": 5}).findings == []


def test_parent_typed_over_its_formula(shared_sample):
    def typed(value):
        def tweak(ws, at):
            ws[cell(SCORE, at["A.I"])] = value  # the unit overwrote the locked sum
        return tweak

    result = scored(shared_sample, tweak=typed(19))
    f = only(result, "score.parent_sum")
    row = rows_of(scoring_book(shared_sample)[SHEET.name])["A.I"]
    assert (f.cell, f.field, f.severity) == (cell(SCORE, row), "score", ERROR)
    assert f.message == message("score.parent_sum", crit="A.I", value="19", expected="20")
    assert scored(shared_sample, tweak=typed(20)).findings == []  # typed, but right


def test_total_typed_over_its_formula(shared_sample):
    def tweak(ws, at):
        ws[cell(SCORE, at[TOTAL_CODE])] = 105
    f = only(scored(shared_sample, tweak=tweak), "score.parent_sum")
    assert f.message == message("score.parent_sum", crit=TOTAL_CODE, value="105", expected="100")


def test_stale_cached_total_from_a_formula(shared_sample):
    wb = scoring_book(shared_sample, {"A.I.2.2": 3}, notes={"A.I.2.2": "Góp ý chưa đạt"})
    at = rows_of(wb[SHEET.name])
    # the file was last calculated before A.I.2.2 went from 5 to 3: its totals are stale
    stale = with_cached_values(to_bytes(wb), {cell(SCORE, at["A.I.2"]): "15", cell(SCORE, at[TOTAL_CODE]): "100"})
    result = check(shared_sample, stale)
    found = {f.cell: f for f in result.findings if f.code == "score.total_differs"}
    assert sorted(codes(result)) == ["score.total_differs", "score.total_differs"]
    total = found[cell(SCORE, at[TOTAL_CODE])]
    assert total.severity == WARNING
    assert total.message == message("score.total_differs", what="Tổng điểm", value="100", expected="98")
    assert found[cell(SCORE, at["A.I.2"])].message == message("score.total_differs", what="Mục A.I.2", value="15",
                                                       expected="13")
    # the same cached values are right for a form scored at every standard
    fresh = with_cached_values(to_bytes(scoring_book(shared_sample)), {cell(SCORE, at["A.I.2"]): "15",
                                                                       cell(SCORE, at[TOTAL_CODE]): "100"})
    assert check(shared_sample, fresh).findings == []


def test_missing_leaf_score(shared_sample):
    result = scored(shared_sample, {"A.I.2.2": None})
    f = only(result, "score.missing")
    row = rows_of(scoring_book(shared_sample)[SHEET.name])["A.I.2.2"]
    assert (f.cell, f.severity) == (cell(SCORE, row), ERROR)
    assert f.message == message("score.missing", value="A.I.2.2")
    # bonus and penalty items may stay empty
    assert scored(shared_sample, {"C.1": None, "C.2": None, "D.1": None, "D.2": None}).findings == []


def test_deleted_criterion_row(shared_sample, table):
    def delete(ws, at):
        delete_row(ws, at["A.I.2.2"])
    result = scored(shared_sample, tweak=delete)
    f = only(result, "score.criterion_missing")
    assert (f.cell, f.severity) == (None, ERROR)
    assert f.message == message("score.criterion_missing", value="A.I.2.2", what=table.by_code["A.I.2.2"].name)
    assert codes(result) == ["score.criterion_missing"]


def test_unknown_added_row(shared_sample):
    def insert(ws, at):
        r = at[TOTAL_CODE]
        insert_row(ws, r)
        ws[cell(COL["code"], r)], ws[cell(COL["criterion"], r)], ws[cell(SCORE, r)] = "A.III", "Tiêu chí đơn vị tự thêm", 2
    result = scored(shared_sample, tweak=insert)
    f = only(result, "score.unknown_criterion")
    assert (f.field, f.severity, f.value) == ("code", WARNING, "A.III")
    assert f.message == message("score.unknown_criterion", value="A.III")
    assert codes(result) == ["score.unknown_criterion"]


def test_duplicated_criterion_row(shared_sample):
    def copy(ws, at):
        r = at[TOTAL_CODE]
        insert_row(ws, r)
        ws[cell(COL["code"], r)], ws[cell(SCORE, r)] = "A.I.2.2", 5
    result = scored(shared_sample, tweak=copy)
    f = only(result, "score.duplicate_criterion")
    assert codes(result) == ["score.duplicate_criterion"]
    row = rows_of(scoring_book(shared_sample)[SHEET.name])["A.I.2.2"]
    assert f.message == message("score.duplicate_criterion", value="A.I.2.2", other_row=row)


def moved_campaign():
    """The sample with the unit moved to a block that has no criteria (a fresh object: a Campaign
    caches its look-ups, so a copy of a used one would still find the old block)."""
    fresh = sample_campaign()
    return fresh.model_copy(update={"units": [u.model_copy(update={"block": "Khối mới"}) if u.code == DEPT else u
                                              for u in fresh.units]})


def test_unit_whose_block_has_no_criteria(shared_sample):
    data = to_bytes(scoring_book(shared_sample))  # issued while the unit's block had criteria
    moved = moved_campaign()
    assert moved.criteria_of(moved.unit(DEPT)) is None
    result = check(moved, data)
    f = only(result, "score.no_criteria")
    assert f.severity == ERROR and f.unit == DEPT
    assert f.message == message("score.no_criteria", value="Khối mới")
    assert codes(result) == ["score.no_criteria"]
    assert check(shared_sample, data).findings == []


def test_form_for_a_block_without_criteria_has_no_rows(shared_sample):
    moved = moved_campaign()
    ws = form_workbook(FORM, moved, moved.unit(DEPT))[SHEET.name]
    assert rows_of(ws) == {}


# --- the criteria table ----------------------------------------------------------------------------
def crit(code: str, standard: float, kind: str = "score", values=()) -> Criterion:
    return Criterion(block="Khối thử", code=code, name=f"Tiêu chí {code}", standard=standard, kind=kind,
                     values=values)


TINY = Table(block="Khối thử", items=[
    crit("A", 10), crit("A.1", 6), crit("A.2", 4),
    crit("B", 3, "bonus"), crit("B.1", 2, "bonus"), crit("B.2", 2, "bonus"),
    crit("C", 5, "penalty"), crit("C.1", 5, "penalty")])


def test_totals_base_bonus_cap_and_penalty():
    t = TINY.totals({"A.1": 5, "A.2": 4, "B.1": 2, "B.2": 2, "C.1": 1.5})
    assert (t.base, t.bonus, t.penalty) == (9, 3, 1.5)  # bonus 4 capped at 3
    assert t.capped == {"B": 4}
    assert t.points["A"] == 9 and t.points["B"] == 3
    assert t.total == 10.5
    t = TINY.totals({"A.1": 6, "A.2": 4, "B.1": 1})
    assert (t.total, t.capped) == (11, {})
    assert TINY.standard_total == 10  # only the scored parts


def test_totals_missing_scores_count_zero_and_leaf_caps():
    t = TINY.totals({"A.1": 6, "C.1": 9})  # a penalty item counts at most its own standard
    assert (t.base, t.bonus, t.penalty, t.total) == (6, 0, 5, 1)


def test_table_tree():
    assert TINY.leaves == [TINY.by_code[c] for c in ("A.1", "A.2", "B.1", "B.2", "C.1")]
    assert [c.code for c in TINY.children[None]] == ["A", "B", "C"]
    assert crit("A.I.2.1", 1).label == "2.1" and crit("A.I", 1).label == "I" and crit("A", 1).parent is None


def test_criterion_values_from_the_campaign_sheet():
    c = Criterion(block="K", code="A.1", name="x", standard=2, values="2; 1,75; 1,5; 0", evidence="Có")
    assert c.values == (2, 1.75, 1.5, 0) and c.evidence
    with pytest.raises(ValueError):
        Criterion(block="K", code="A.1", name="x", standard=2, values="2; hai")


CRITERIA_SHEET = "Tiêu chí chấm điểm"


def _criteria_row(ws, block: str, code: str) -> int:
    return next(r for r in range(2, ws.max_row + 1)
                if ws[f"A{r}"].value == block and ws[f"B{r}"].value == code)


def test_campaign_load_reports_a_parent_standard_that_is_not_the_sum(camp):
    assert camp.criteria  # the sample is consistent (loaded)
    path = camp.dir / campaign_mod.CAMPAIGN_FILE
    wb = load_workbook(path)
    ws = wb[CRITERIA_SHEET]
    block = "Khối các phòng, đơn vị thuộc Sở"
    ws[f"D{_criteria_row(ws, block, 'A.I.2.2')}"] = 6  # its parent A.I.2 stays 15
    parent = _criteria_row(ws, block, "A.I.2")
    wb.save(path)
    with pytest.raises(CampaignError) as err:
        campaign_mod.load(camp.dir)
    [f] = err.value.findings
    assert (f.code, f.sheet, f.cell) == ("campaign.bad_value", CRITERIA_SHEET, f"D{parent}")
    assert f.message == message("campaign.bad_value", label="Điểm chuẩn",
                                detail="tiêu chí \"A.I.2\" có điểm chuẩn 15 nhưng tổng điểm chuẩn các tiêu chí "
                                       "con là 16; hãy sửa cho bằng nhau")


def test_campaign_load_reports_allowed_values_above_the_standard_and_orphans(camp):
    path = camp.dir / campaign_mod.CAMPAIGN_FILE
    wb = load_workbook(path)
    ws = wb[CRITERIA_SHEET]
    block = "Khối các phòng, đơn vị thuộc Sở"
    banded = _criteria_row(ws, block, "A.I.1")
    ws[f"F{banded}"] = "6; 5; 0"
    orphan = ws.max_row + 1
    for col, value in zip("ABCDE", (block, "E.1", "Tiêu chí không có mục cha", 1, "Chấm điểm")):
        ws[f"{col}{orphan}"] = value
    wb.save(path)
    with pytest.raises(CampaignError) as err:
        campaign_mod.load(camp.dir)
    cells = sorted(f.cell for f in err.value.findings)
    assert cells == sorted([f"F{banded}", f"B{orphan}"])


# --- LibreOffice recalculates: its totals are the tool's ------------------------------------------
def _soffice(profile: Path, out: Path, src: Path) -> Path:
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "xlsx",
                    "--outdir", str(out), str(src)], check=True, timeout=180, capture_output=True)
    return out / src.name


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_recalculated_totals_agree(shared_sample, table, tmp_path):
    scores = {"A.I.1": 4.5, "A.I.2.2": 3.5, "B.I.1": 7.5, "C.1": 3, "C.2": 3, "D.1": 2, "D.2": 10}
    notes = {k: "Chưa đạt điểm chuẩn" for k in ("A.I.1", "A.I.2.2", "B.I.1")}
    src = tmp_path / "in" / "cham-diem.xlsx"
    src.parent.mkdir()
    src.write_bytes(to_bytes(scoring_book(shared_sample, scores, notes=notes)))
    resaved = _soffice(tmp_path / "profile", tmp_path / "out", src)
    at = rows_of(load_workbook(resaved)[SHEET.name])
    expected = table.totals({**full_scores(table), **scores})
    cached = load_workbook(resaved, data_only=True)[SHEET.name]
    assert cached[cell(SCORE, at[TOTAL_CODE])].value == pytest.approx(expected.total)  # LibreOffice did recalculate
    assert cached[cell(SCORE, at["D"])].value == pytest.approx(10)
    result = check(shared_sample, resaved.read_bytes(), resaved.name)
    assert "score.total_differs" not in codes(result)
    assert codes(result) == ["score.cap_applied", "score.cap_applied"]  # bonus 6 -> 5, penalty 12 -> 10
