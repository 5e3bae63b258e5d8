"""The targets units register in January (registration, sheet "Chỉ tiêu"; rules/registration.py): the
rows the office writes, each check with a case that passes and one that fails, and the files made
before the sheet existed."""
from __future__ import annotations

import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.collection.collect import collect
from sheets_tools.collection.templates import form_workbook
from sheets_tools.campaign.workbook import sample_campaign
from sheets_tools.core.findings import ERROR, WARNING, message
from sheets_tools.formkit.declaration import FIRST_ROW, get_form
from sheets_tools.core.records import Incoming
from sheets_tools.excel.percent import percent_formats
from sheets_tools.collection.validate import check_file
from sheets_tools.store.ledger import Ledger

from workbooks import codes, make_return, only, register_common_targets

FORM = get_form("registration")
SHEET = FORM.sheet("targets")
COL = {c.field: c.letter for c in SHEET.columns}
JANUARY = datetime(2024, 1, 20, 9, 0)
PERSON = {"family_name": "Nguyễn Thị", "given_name": "Hoa", "birth_date": datetime(1985, 3, 15).date(), "sex": "Nữ",
          "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Lao động tiên tiến"}
UNIT = "VP"  # CT01 (count, at least 10 cuộc), CT02 (percent, at least 100%), CT05 (count, at most 0 hồ sơ)


def book(camp, targets: dict[str, float | None] | None = None, *, unit: str = UNIT, tweak=None):
    """The unit's registration as issued, one person registered, the common targets typed in (unless
    ``targets`` says otherwise: code -> value, None = left blank)."""
    wb = register_common_targets(form_workbook(FORM, camp, camp.unit(unit)), camp, unit)
    person = FORM.sheet("individuals")
    for column in person.columns:
        if PERSON.get(column.field) is not None:
            wb[person.name][f"{column.letter}{FIRST_ROW}"] = PERSON[column.field]
    ws = wb[SHEET.name]
    at = rows_of(ws)
    for code, value in (targets or {}).items():
        ws[f"{COL['target']}{at[code]}"] = value
    if tweak:
        tweak(ws, at)
    return wb


def rows_of(ws) -> dict[str, int]:
    out = {}
    for r in range(FIRST_ROW, FIRST_ROW + SHEET.rows):
        code = ws[f"{COL['code']}{r}"].value
        if not isinstance(code, str) or not code:
            break
        out[code] = r
    return out


def checked(camp, wb):
    out = io.BytesIO()
    wb.save(out)
    name = "dang-ky.xlsx"
    return check_file(Incoming(name=name, data=out.getvalue(), source=name, received_at=JANUARY), camp)


def delete_row(ws, r: int) -> None:
    """Delete a row as Excel does, the merged footer below included."""
    ws.delete_rows(r)
    for merged in ws.merged_cells.ranges:
        if merged.min_row > r:
            merged.shift(0, -1)


# --- the rows -------------------------------------------------------------------------------------
def test_the_sheet_lists_the_units_indicators_with_the_common_target(shared_sample):
    ws = form_workbook(FORM, shared_sample, shared_sample.unit("TGPL"))[SHEET.name]
    rows = [[ws[f"{COL[f]}{r}"].value for f in ("code", "measure", "rule", "common", "target")]
            for r in rows_of(ws).values()]
    assert rows == [["CT01", "cuộc", "Không thấp hơn chỉ tiêu", 10, None],
                    ["CT02", "%", "Không thấp hơn chỉ tiêu", 100, None],
                    ["CT04", "vụ việc", "Không thấp hơn chỉ tiêu", 150, None],
                    ["CT05", "hồ sơ", "Không vượt chỉ tiêu", 0, None]]
    first = FIRST_ROW
    assert ws[f"{COL['common']}{first}"].protection.locked and not ws[f"{COL['target']}{first}"].protection.locked
    assert not ws[f"{COL['note']}{first}"].protection.locked
    # a district office reports on the indicator of its block (CT03), not on the legal aid centre's
    district = rows_of(form_workbook(FORM, shared_sample, shared_sample.unit("PTP-BMT"))[SHEET.name])
    assert list(district) == ["CT01", "CT02", "CT03", "CT05"]


def test_a_unit_without_indicators_gets_an_empty_table_and_its_file_still_reads(shared_sample):
    bare = sample_campaign().model_copy(update={"indicators": []})
    wb = form_workbook(FORM, bare, bare.unit(UNIT))
    ws = wb[SHEET.name]
    assert rows_of(ws) == {} and ws[f"A{FIRST_ROW}"].value.startswith("Ghi chú")
    assert not any(c.protection.locked is False for row in ws.iter_rows() for c in row)
    assert not ws.data_validations.dataValidation
    out = io.BytesIO()
    wb.save(out)
    assert load_workbook(io.BytesIO(out.getvalue()))[SHEET.name].max_row > FIRST_ROW  # a valid workbook
    result = checked(bare, book(bare))
    assert result.findings == [] and result.status == "accepted"
    assert not [r for r in result.rows if r.sheet == "targets"]


def test_common_targets_registered_pass(shared_sample):
    result = checked(shared_sample, book(shared_sample))
    assert result.findings == [] and result.status == "accepted"
    assert {r.values["code"]: r.values["target"] for r in result.rows if r.sheet == "targets"} == {
        "CT01": 10, "CT02": 100, "CT05": 0}
    assert checked(shared_sample, book(shared_sample, {"CT01": 15})).findings == []  # more than the common target


# --- each check -----------------------------------------------------------------------------------
def test_target_left_blank(shared_sample):
    result = checked(shared_sample, book(shared_sample, {"CT01": None}))
    f = only(result, "registration.target_missing")
    row = rows_of(book(shared_sample)[SHEET.name])["CT01"]
    assert (f.sheet, f.cell, f.severity) == (SHEET.name, f"{COL['target']}{row}", WARNING)
    assert f.message == message("registration.target_missing", ind="CT01", common="10 cuộc",
                                name=shared_sample.indicators[0].name, label="Chỉ tiêu đơn vị đăng ký")
    assert result.status == "accepted_with_warnings"


def test_target_left_blank_without_a_common_target(shared_sample):
    fresh = sample_campaign()
    no_common = fresh.model_copy(update={"indicators": [
        i.model_copy(update={"target": None}) if i.code == "CT01" else i for i in fresh.indicators]})
    result = checked(no_common, book(no_common, {"CT01": None}))
    f = only(result, "registration.target_no_common")
    assert f.severity == WARNING and "không so sánh được" in f.message
    assert codes(result) == ["registration.target_no_common"]
    assert checked(no_common, book(no_common, {"CT01": 8})).findings == []  # its own target: nothing to compare


def test_percent_target_above_100(shared_sample):
    result = checked(shared_sample, book(shared_sample, {"CT02": 120}))
    f = only(result, "registration.target_percent")
    assert (f.field, f.severity) == ("target", ERROR)
    assert f.message == message("registration.target_percent", ind="CT02", name=shared_sample.indicators[1].name, value="120")
    assert result.status == "rejected"
    assert checked(shared_sample, book(shared_sample, {"CT02": 100})).findings == []
    # a count indicator may go above 100
    assert checked(shared_sample, book(shared_sample, {"CT01": 120})).findings == []


def test_negative_target_is_out_of_range(shared_sample):
    assert codes(checked(shared_sample, book(shared_sample, {"CT01": -1}))) == ["cell.out_of_range"]


def test_target_weaker_than_the_common_one(shared_sample):
    result = checked(shared_sample, book(shared_sample, {"CT01": 8}))  # "not lower": 8 < 10
    f = only(result, "registration.target_weaker")
    assert f.severity == WARNING and f.field == "target"
    assert f.message == message("registration.target_weaker", ind="CT01", name=shared_sample.indicators[0].name,
                                value="8 cuộc", common="10 cuộc", weaker="thấp hơn",
                                rule="không thấp hơn chỉ tiêu", label="Chỉ tiêu đơn vị đăng ký")
    late = only(checked(shared_sample, book(shared_sample, {"CT05": 2})), "registration.target_weaker")  # "at most": 2 > 0
    assert "2 hồ sơ" in late.message and "cao hơn" in late.message and "không vượt chỉ tiêu" in late.message
    assert checked(shared_sample, book(shared_sample, {"CT02": 100, "CT05": 0, "CT01": 10})).findings == []


def test_indicator_row_deleted(shared_sample):
    result = checked(shared_sample, book(shared_sample, tweak=lambda ws, at: delete_row(ws, at["CT02"])))
    f = only(result, "registration.indicator_missing")
    assert (f.cell, f.severity) == (None, WARNING)
    assert f.message == message("registration.indicator_missing", value="CT02", what=shared_sample.indicators[1].name,
                                fallback="sẽ dùng chỉ tiêu chung của Sở: 100%")
    assert codes(result) == ["registration.indicator_missing"]


def test_unknown_and_duplicated_indicator_rows(shared_sample):
    def rewrite(code):
        def tweak(ws, at):
            ws[f"{COL['code']}{at['CT05']}"] = code
        return tweak
    unknown = checked(shared_sample, book(shared_sample, tweak=rewrite("CT04")))  # the legal aid centre's, not VP's
    f = only(unknown, "registration.unknown_indicator")
    assert (f.value, f.severity) == ("CT04", WARNING)
    assert sorted(codes(unknown)) == ["registration.indicator_missing", "registration.unknown_indicator"]
    assert [r.values["code"] for r in unknown.rows if r.sheet == "targets"] == ["CT01", "CT02"]  # not recorded
    twice = checked(shared_sample, book(shared_sample, tweak=rewrite("CT01")))
    f = only(twice, "registration.duplicate_indicator")
    assert f.severity == ERROR and f.message == message("registration.duplicate_indicator", value="CT01",
                                                        other_row=FIRST_ROW)


def test_a_january_file_without_the_sheet_still_loads(shared_sample, tmp_path):
    def drop(wb):
        del wb[SHEET.name]
    path = make_return(tmp_path / "cu.xlsx", shared_sample, UNIT, {"individuals": [PERSON]}, tweak=drop)
    result = check_file(Incoming(name=path.name, data=path.read_bytes(), source=str(path), received_at=JANUARY), shared_sample)
    assert result.findings == [] and result.status == "accepted"
    assert [r.sheet for r in result.rows] == ["individuals"]


def test_locked_cells_typed_over_are_recorded_as_the_department_has_them(shared_sample):
    """A unit that typed over the prefilled name or common target is told, and the master gets the campaign's
    text and number, not the unit's."""
    def tweak(ws, at):
        ws[f"{COL['common']}{at['CT01']}"] = 1
        ws[f"{COL['name']}{at['CT02']}"] = "Tên chỉ tiêu bị sửa"
    result = checked(shared_sample, book(shared_sample, tweak=tweak))
    changed = [f for f in result.findings if f.code == "registration.prefilled_changed"]
    assert [(f.cell, f.severity) for f in changed] == [(f"{COL['common']}{FIRST_ROW}", WARNING),
                                                        (f"{COL['name']}{FIRST_ROW + 1}", WARNING)]
    assert "1 cuộc" in changed[0].message and "10 cuộc" in changed[0].message
    rows = {r.values["code"]: r.values for r in result.rows if r.sheet == "targets"}
    assert rows["CT01"]["common"] == 10 and rows["CT02"]["name"] == shared_sample.indicators[1].name
    untouched = checked(shared_sample, book(shared_sample))
    assert "registration.prefilled_changed" not in codes(untouched)


def test_a_return_with_more_indicator_rows_than_the_unit_has_now(camp, tmp_path):
    """The office takes an indicator away from a unit after the forms went out: the unit's row of it lands on
    the footer of today's form. Collect records the file without that row and writes its feedback."""
    path = tmp_path / "TGPL.xlsx"
    book(camp, unit="TGPL").save(path)
    assert "CT04" in rows_of(load_workbook(path)[SHEET.name])
    settings = load_workbook(camp.dir / "campaign.xlsx")
    for row in settings["Chỉ tiêu"].iter_rows(min_row=2):
        if row[0].value == "CT04":
            row[5].value = "XDKT"
    settings.save(camp.dir / "campaign.xlsx")
    (c,) = collect(campaign_mod.load(camp.dir), [path]).files
    assert c.result.status == "accepted_with_warnings" and "registration.unknown_indicator" in codes(c.result)
    assert c.feedback is not None and c.feedback.exists()
    with Ledger(camp.dir) as ledger:
        (sub,) = ledger.submissions()
        stored = [values["code"] for _, _, values in ledger.rows(sub.id, "targets")]
    assert "CT04" not in stored and stored


@pytest.mark.parametrize("stored, number_format, read", [
    (0.95, "0%", 95), (0.995, "0.0%", 99.5), (1, "0%", 100),  # "95%" typed in Excel: 0.95 shown as 95%
    (95, '0"%"', 95), (95, "General", 95), (95, "0\\%", 95)])  # a literal "%" sign shows the value itself
def test_a_percentage_typed_in_excel_is_read_as_it_shows(shared_sample, stored, number_format, read):
    def tweak(ws, at):
        cell = ws[f"{COL['target']}{at['CT02']}"]
        cell.value, cell.number_format = stored, number_format
    result = checked(shared_sample, book(shared_sample, tweak=tweak))
    rows = {r.values["code"]: r.values for r in result.rows if r.sheet == "targets"}
    assert rows["CT02"]["target"] == pytest.approx(read)
    assert "registration.target_percent" not in codes(result)


def test_percent_formats():
    assert all(percent_formats(f) for f in ("0%", "0.00%", "#,##0.0%", "[Red]0%"))
    assert not any(percent_formats(f) for f in ("0", "General", '0"%"', "0\\%", '#,##0" %"'))
