"""Validation of returned workbooks: cells, rows, duplicates in a unit and across units, deadline."""
from __future__ import annotations

import unicodedata
from datetime import date, datetime
from pathlib import Path

import pytest
from workbooks import cell_of, make_return

from sheets_tools.collection import intake
from sheets_tools.collection import validate as validate_mod
from sheets_tools.core.findings import message
from sheets_tools.formkit.declaration import FIRST_ROW, Column, Form, TableSheet, get_form
from sheets_tools.core.values import date_to_serial
from sheets_tools.core.records import FileResult, Incoming, Row
from sheets_tools.collection.validate import check_file, cross_unit_findings, validate

ON_TIME = datetime(2024, 1, 31, 17, 0)
FORM = get_form("registration")
PERSON = {"family_name": "Nguyễn Văn", "given_name": "An", "birth_date": date(1985, 3, 15), "sex": "Nam",
          "position": "Chuyên viên", "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Lao động tiên tiến"}
COLLECTIVE = {"collective_name": "Văn phòng Sở", "title": "Tập thể lao động xuất sắc",
              "award_form": "Giấy khen của Giám đốc Sở (tập thể)"}


@pytest.fixture
def movement(shared_camp):
    return {"movement": shared_camp.movements[0].name, "commitment": "100% cán bộ hoàn thành nhiệm vụ"}


def check(path: Path, camp, received_at: datetime = ON_TIME) -> FileResult:
    incoming = Incoming(name=path.name, data=path.read_bytes(), source=str(path), received_at=received_at)
    return check_file(incoming, camp)


def returned(tmp_path, camp, rows, unit="VP", name="a.xlsx", **kw) -> FileResult:
    return check(make_return(tmp_path / name, camp, unit, rows, **kw), camp)


def only(result: FileResult, code: str):
    found = [f for f in result.findings if f.code == code]
    assert len(found) == 1, [(f.code, f.cell, f.message) for f in result.findings]
    return found[0]


def test_valid_file_is_accepted(tmp_path, shared_camp, movement):
    result = returned(tmp_path, shared_camp, {"collectives": [COLLECTIVE], "individuals": [PERSON], "movements": [movement]})
    assert result.findings == []
    assert result.status == "accepted" and not result.late
    assert [(r.sheet, r.row, r.valid) for r in result.rows] == [
        ("collectives", FIRST_ROW, True), ("individuals", FIRST_ROW, True), ("movements", FIRST_ROW, True)]
    person = result.rows[1].values
    assert person["birth_date"] == date(1985, 3, 15) and person["award_form"] is None


def test_openpyxl_and_calamine_values_validate_alike(tmp_path, shared_camp):
    """calamine reads 7 as 7.0 and a datetime cell as datetime or date; the models agree."""
    typed = {**PERSON, "birth_date": datetime(1985, 3, 15), "position": 7, "note": 12.0}
    result = returned(tmp_path, shared_camp, {"individuals": [typed]})
    assert result.status == "accepted"
    values = result.rows[0].values
    assert values["birth_date"] == date(1985, 3, 15)
    assert values["position"] == "7" and values["note"] == "12"


@pytest.mark.parametrize("written", ["15/03/1985", "15-03-1985", "15.3.1985", "1985-03-15", " 15/03/1985 ",
                                     date_to_serial(date(1985, 3, 15)), float(date_to_serial(date(1985, 3, 15)))])
def test_dates_as_text_and_serial_numbers(tmp_path, shared_camp, written):
    result = returned(tmp_path, shared_camp, {"individuals": [{**PERSON, "birth_date": written}]})
    assert result.status == "accepted"
    assert result.rows[0].values["birth_date"] == date(1985, 3, 15)


def test_nfd_names_become_nfc(tmp_path, shared_camp):
    nfd = {**PERSON, "family_name": unicodedata.normalize("NFD", "Nguyễn  Thị\u00a0"),
           "given_name": unicodedata.normalize("NFD", "Hằng") + "\u200b"}
    result = returned(tmp_path, shared_camp, {"individuals": [nfd]})
    values = result.rows[0].values
    assert (values["family_name"], values["given_name"]) == ("Nguyễn Thị", "Hằng")
    assert unicodedata.is_normalized("NFC", values["family_name"] + values["given_name"])


@pytest.mark.parametrize("field, written, code, context", [
    ("given_name", None, "cell.required", {}),
    ("given_name", "x" * 31, "cell.too_long", {"limit": 30}),
    ("birth_date", "31/02/1985", "cell.bad_date", {}),
    ("birth_date", "15/03/1935", "cell.date_range", {}),
    ("sex", "Khác", "cell.bad_choice", {}),
])
def test_cell_findings(tmp_path, shared_camp, field, written, code, context):
    result = returned(tmp_path, shared_camp, {"individuals": [PERSON, {**PERSON, "given_name": "Bình", field: written}]})
    finding = only(result, code)
    column = FORM.sheet("individuals").column(field)
    assert (finding.sheet, finding.cell, finding.field) == ("Cá nhân", f"{column.letter}{FIRST_ROW + 1}", field)
    assert finding.message == message(code, label=column.label, value=written, **context)
    assert finding.unit == "VP" and finding.file.endswith("a.xlsx")
    assert result.status == "rejected"
    assert [r.valid for r in result.rows] == [True, False]
    assert result.rows[1].values[field] == written


def test_date_range_message_shows_the_date(tmp_path, shared_camp):
    serial = date_to_serial(date(1930, 5, 1))
    result = returned(tmp_path, shared_camp, {"individuals": [{**PERSON, "birth_date": serial}]})
    finding = only(result, "cell.date_range")
    assert finding.message == message("cell.date_range", label="Ngày sinh", value="01/05/1930")


def test_all_errors_of_a_row_are_reported(tmp_path, shared_camp):
    bad = {**PERSON, "family_name": None, "birth_date": "hôm qua", "sex": "?", "last_rating": None}
    result = returned(tmp_path, shared_camp, {"individuals": [bad]})
    assert sorted(f.field for f in result.findings) == ["birth_date", "family_name", "last_rating", "sex"]


def test_same_person_twice_in_a_unit(tmp_path, shared_camp):
    again = {**PERSON, "family_name": "nguyễn văn", "birth_date": "15/03/1985", "title": "Chiến sĩ thi đua cơ sở"}
    other = {**PERSON, "birth_date": date(1990, 1, 1)}
    result = returned(tmp_path, shared_camp, {"individuals": [PERSON, other, again]})
    finding = only(result, "row.duplicate_in_unit")
    third = cell_of(FORM.id, "individuals", "family_name", 2)
    assert (finding.sheet, finding.cell, finding.field) == ("Cá nhân", third, "family_name")
    assert finding.message == message("row.duplicate_in_unit", what="Ông/bà nguyễn văn An (sinh ngày 15/03/1985)",
                                      other_row=FIRST_ROW)
    assert result.status == "rejected"


def test_same_collective_twice(tmp_path, shared_camp):
    result = returned(tmp_path, shared_camp, {"collectives": [COLLECTIVE, {**COLLECTIVE, "collective_name": "VĂN PHÒNG SỞ"}]})
    finding = only(result, "row.duplicate_in_unit")
    assert finding.message == message("row.duplicate_in_unit", what="Tập thể \"VĂN PHÒNG SỞ\"", other_row=FIRST_ROW)


def test_individual_title_on_collective_sheet(tmp_path, shared_camp):
    result = returned(tmp_path, shared_camp, {"collectives": [{**COLLECTIVE, "title": "Chiến sĩ thi đua cơ sở"}]})
    finding = only(result, "row.title_wrong_subject")
    assert (finding.sheet, finding.cell, finding.field) == ("Tập thể", cell_of(FORM.id, "collectives", "title"), "title")
    assert finding.message == message("row.title_wrong_subject", value="Chiến sĩ thi đua cơ sở",
                                      expected="cá nhân", subject="tập thể")


def test_collective_title_on_individual_sheet(tmp_path, shared_camp):
    result = returned(tmp_path, shared_camp, {"individuals": [{**PERSON, "title": "Tập thể lao động tiên tiến"}]})
    finding = only(result, "row.title_wrong_subject")
    assert finding.message == message("row.title_wrong_subject", value="Tập thể lao động tiên tiến",
                                      expected="tập thể", subject="cá nhân")


def test_form_in_title_column(tmp_path, shared_camp):
    wrong = {**PERSON, "title": "Bằng khen của Chủ tịch UBND tỉnh (cá nhân)"}
    result = returned(tmp_path, shared_camp, {"individuals": [wrong]})
    finding = only(result, "row.title_is_form")
    assert finding.cell == cell_of(FORM.id, "individuals", "title")
    assert finding.message == message("row.title_is_form", value=wrong["title"], actual="hình thức khen thưởng",
                                      expected="danh hiệu thi đua", label="Hình thức khen thưởng đăng ký")


def test_title_in_form_column(tmp_path, shared_camp):
    result = returned(tmp_path, shared_camp, {"collectives": [{**COLLECTIVE, "award_form": "Tập thể lao động xuất sắc"}]})
    finding = only(result, "row.title_is_form")
    assert finding.message == message("row.title_is_form", value="Tập thể lao động xuất sắc",
                                      actual="danh hiệu thi đua", expected="hình thức khen thưởng",
                                      label="Danh hiệu thi đua đăng ký")


def test_late_file(tmp_path, shared_camp):
    path = make_return(tmp_path / "a.xlsx", shared_camp, "VP", {"individuals": [PERSON]})
    result = check(path, shared_camp, received_at=datetime(2024, 2, 1, 0, 5))
    assert result.late
    assert only(result, "file.late").message == message("file.late", received="01/02/2024", deadline="31/01/2024")
    assert result.status == "accepted_with_warnings"
    assert not check(path, shared_camp, received_at=datetime(2024, 1, 31, 23, 59)).late


def test_no_data_at_all(tmp_path, shared_camp):
    result = returned(tmp_path, shared_camp, {})
    first = FORM.sheets[0]  # the finding points at the first input cell of the form's first sheet
    assert [(f.code, f.sheet, f.cell) for f in result.findings] == [
        ("row.no_data", "Tập thể", f"{first.columns[0].letter}{FIRST_ROW}")]
    assert result.findings[0].message == message("row.no_data")
    assert result.status == "rejected"  # an empty form does not count as sent


def test_one_empty_sheet_is_fine(tmp_path, shared_camp):
    assert returned(tmp_path, shared_camp, {"individuals": [PERSON]}).status == "accepted"


def test_unknown_form_is_left_alone(shared_camp):
    result, raw = intake.read(Incoming("x.pdf", b"%PDF-1.4", "x.pdf", datetime(2030, 1, 1)), shared_camp)
    assert validate(result, raw, shared_camp).findings == result.findings
    assert not result.late and [f.code for f in result.findings] == ["file.not_spreadsheet"]


def test_identified_by_name_still_validates(tmp_path, shared_camp):
    result = returned(tmp_path, shared_camp, {"individuals": [{**PERSON, "sex": "x"}]}, identity=False)
    assert [f.code for f in result.findings] == ["ident.by_name", "cell.bad_choice"]


def _id_sheet_says(unit_code: str):
    """A tweak: only the hidden ``_id`` sheet is changed to name another unit."""
    def tweak(wb):
        ws = wb["_id"]
        for row in ws.iter_rows():
            if row[0].value == "unit":
                row[1].value = unit_code
    return tweak


def test_a_file_naming_two_units_is_refused(tmp_path, shared_camp):
    """XDKT's workbook whose hidden sheet alone was changed to TGPL: never recorded as TGPL's (it would replace
    TGPL's data in use); every place naming the other unit is said."""
    result = returned(tmp_path, shared_camp, {"individuals": [PERSON]}, unit="XDKT", tweak=_id_sheet_says("TGPL"))
    f = only(result, "ident.unit_conflict")
    assert result.status == "rejected" and result.unit_code is None
    assert "mã đơn vị \"TGPL\"" in f.message and "(Name Manager) ghi mã \"XDKT\"" in f.message
    # a name on the form that is no unit's (a unit renamed since): the hidden code still decides, with a warning
    renamed = returned(tmp_path, shared_camp, {"individuals": [PERSON]}, unit="XDKT", name="b.xlsx",
                       extra={"unit_name": "Phòng đã đổi tên"})
    assert renamed.unit_code == "XDKT" and [f.code for f in renamed.findings] == ["ident.unit_mismatch"]


# --- across units ------------------------------------------------------------------------------
def test_same_person_in_two_units(tmp_path, shared_camp):
    a = returned(tmp_path, shared_camp, {"individuals": [PERSON]}, unit="VP", name="vp.xlsx")
    twin = {**PERSON, "family_name": unicodedata.normalize("NFD", "NGUYỄN VĂN"), "birth_date": "15/03/1985"}
    b = returned(tmp_path, shared_camp, {"individuals": [{**PERSON, "given_name": "Ba"}, twin]}, unit="TTR", name="ttr.xlsx")
    c = returned(tmp_path, shared_camp, {"individuals": [{**PERSON, "given_name": "Cư"}]}, unit="PTP-BMT", name="c.xlsx")
    by_unit = {r.unit_code: [row for row in r.rows if row.valid] for r in (a, b, c)}
    out = cross_unit_findings(FORM, by_unit, shared_camp)
    assert set(out) == {"VP", "TTR"}
    (vp,), (ttr,) = out["VP"], out["TTR"]
    assert (vp.sheet, vp.cell, vp.unit) == ("Cá nhân", cell_of(FORM.id, "individuals", "family_name"), "VP")
    assert vp.message == message("row.duplicate_across_units", what="Ông/bà Nguyễn Văn An (sinh ngày 15/03/1985)",
                                 other_unit="Thanh tra Sở")
    assert (ttr.cell, ttr.unit, ttr.severity) == (cell_of(FORM.id, "individuals", "family_name", 1), "TTR", "warning")
    assert ttr.message == message("row.duplicate_across_units", what="Ông/bà NGUYỄN VĂN An (sinh ngày 15/03/1985)",
                                  other_unit="Văn phòng Sở")


def test_same_person_in_one_unit_is_not_across_units(shared_camp):
    row = Row(sheet="individuals", row=FIRST_ROW, values={**PERSON})
    again = Row(sheet="individuals", row=FIRST_ROW + 1, values={**PERSON})
    assert cross_unit_findings(FORM, {"VP": [row, again], "TTR": []}, shared_camp) == {}


SCORES = Form(id="scores", version=1, name="Chấm điểm", title="BẢNG CHẤM ĐIỂM {year}", deadline="yearend",
              sheets=(TableSheet(key="scores", name="Điểm", heading="Chấm điểm", rows=10, columns=(
                  Column(field="criterion", label="Tiêu chí", type="text", required=True),
                  Column(field="count", label="Số văn bản", type="integer", minimum=0),
                  Column(field="score", label="Điểm tự chấm", type="number", minimum=0, maximum=2),
              )),))


@pytest.mark.parametrize("field, written, code, context", [
    ("count", "mười", "cell.bad_integer", {}),
    ("count", 2.5, "cell.bad_integer", {}),
    ("score", "1,5 điểm", "cell.bad_number", {}),
    ("score", "2,25", "cell.out_of_range", {"range": " (từ 0 đến 2)"}),
    ("count", -1, "cell.out_of_range", {"range": " (không nhỏ hơn 0)"}),
])
def test_number_findings(shared_camp, monkeypatch, field, written, code, context):
    monkeypatch.setattr(validate_mod, "load_forms", lambda: {"scores": SCORES})
    monkeypatch.setattr(validate_mod, "get_form", lambda form_id: SCORES)
    result = FileResult(Incoming("d.xlsx", b"", "d.xlsx", ON_TIME), form_id="scores", unit_code="VP")
    raw = {"scores": [(FIRST_ROW, {"criterion": "1.1", "count": 3.0, "score": "1,75"}),
                      (FIRST_ROW + 1, {"criterion": "1.2", "count": 3, "score": 1, field: written})]}
    validate(result, raw, shared_camp)
    assert result.rows[0].values == {"criterion": "1.1", "count": 3, "score": 1.75}
    finding = only(result, code)
    column = SCORES.sheets[0].column(field)
    assert finding.cell == f"{column.letter}{FIRST_ROW + 1}"
    assert finding.message == message(code, label=column.label, value=written, **context)
