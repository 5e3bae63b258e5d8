"""Altered templates: a declared table found where the unit left it (layout.py through intake and
validate), and the layout functions on plain lists of values."""
from __future__ import annotations

import unicodedata
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl.utils import column_index_from_string, get_column_letter
from workbooks import header_of, make_return, register_common_targets, with_cached_values

from sheets_tools.collection import feedback, templates as build
from sheets_tools.formkit import declaration as forms
from sheets_tools.collection import identify, layout
from sheets_tools.excel import sheetxml, tables
from sheets_tools.collection import validate as validate_mod
from sheets_tools.core.findings import ERROR, WARNING, message
from sheets_tools.formkit.declaration import FIRST_ROW, HEADER_ROW, Column, Form, TableSheet, get_form
from sheets_tools.core.records import FileResult, Incoming
from sheets_tools.collection.validate import check_file

ON_TIME = datetime(2024, 1, 20, 9, 0)
FORM = get_form("registration")
INDIVIDUALS = FORM.sheet("individuals")
LETTER = {c.field: c.letter for c in INDIVIDUALS.columns}  # where the declaration puts each column
INDEX = {field: column_index_from_string(letter) for field, letter in LETTER.items()}
PERSON = {"family_name": "Nguyễn Văn", "given_name": "An", "birth_date": date(1985, 3, 15), "sex": "Nam",
          "position": "Chuyên viên", "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Lao động tiên tiến"}
OTHER = {**PERSON, "family_name": "Trần Thị", "given_name": "Bình", "sex": "Nữ", "birth_date": date(1990, 7, 2)}
THIRD = {**PERSON, "family_name": "Lê", "given_name": "Cường", "birth_date": date(1979, 1, 30)}


def check(path: Path, camp) -> FileResult:
    return check_file(Incoming(name=path.name, data=path.read_bytes(), source=str(path), received_at=ON_TIME), camp)


def returned(tmp_path, camp, rows, tweak=None, unit="VP") -> FileResult:
    return check(make_return(tmp_path / "a.xlsx", camp, unit, rows, tweak=tweak), camp)


def where(result: FileResult) -> list[tuple]:
    return [(f.code, f.sheet, f.cell) for f in result.findings]


def only(result: FileResult, code: str):
    found = [f for f in result.findings if f.code == code]
    assert len(found) == 1, where(result)
    return found[0]


def people(result: FileResult) -> list[tuple[int, str, str]]:
    return [(r.row, r.values["family_name"], r.values["given_name"]) for r in result.rows if r.sheet == "individuals"]


def label(field: str) -> str:
    """The cell of the column's label on the sheet "Cá nhân"."""
    return header_of(FORM.id, "individuals", field)


def shifted(letter: str, by: int) -> str:
    """The column ``by`` columns right of ``letter``."""
    return get_column_letter(column_index_from_string(letter) + by)


# --- rows inserted or deleted ------------------------------------------------------------------------
def test_rows_inserted_above_the_table(tmp_path, shared_camp):
    def insert(wb):
        for name in ("Tập thể", "Cá nhân", "Phong trào"):
            wb[name].insert_rows(1, 2)
    result = returned(tmp_path, shared_camp, {"individuals": [PERSON, {**OTHER, "birth_date": "31/02/1990"}]}, insert)
    assert result.unit_code == "VP" and result.identified_by == "hidden"
    moved = [f for f in result.findings if f.code == "sheet.header_moved"]
    assert [(f.sheet, f.severity) for f in moved] == [("Tập thể", WARNING), ("Cá nhân", WARNING), ("Phong trào", WARNING)]
    assert moved[1].message == message("sheet.header_moved", sheet="Cá nhân", row=HEADER_ROW + 2, expected=HEADER_ROW)
    assert people(result) == [(FIRST_ROW + 2, "Nguyễn Văn", "An"), (FIRST_ROW + 3, "Trần Thị", "Bình")]
    assert only(result, "cell.bad_date").cell == f"{LETTER['birth_date']}{FIRST_ROW + 3}"  # the real row, not the declared one


def test_rows_deleted_from_the_header_block(tmp_path, shared_camp):
    def delete(wb):
        for name in ("Tập thể", "Cá nhân", "Phong trào"):
            wb[name].delete_rows(2, 3)
    result = returned(tmp_path, shared_camp, {"individuals": [PERSON]}, delete, unit="TTR")
    assert result.unit_code == "TTR"
    assert people(result) == [(FIRST_ROW - 3, "Nguyễn Văn", "An")]
    assert {f.code for f in result.findings} == {"sheet.header_moved"}


def test_unit_found_by_name_when_the_header_moved(tmp_path, shared_camp):
    def insert(wb):
        for name in ("Tập thể", "Cá nhân", "Phong trào"):
            wb[name].insert_rows(3, 4)
    path = make_return(tmp_path / "a.xlsx", shared_camp, "TTR", {"individuals": [PERSON]}, identity=False, tweak=insert)
    result = check(path, shared_camp)
    assert (result.unit_code, result.identified_by) == ("TTR", "name")


def test_rows_inserted_and_deleted_inside_the_table(tmp_path, shared_camp):
    def edit(wb):
        ws = wb["Cá nhân"]
        ws.insert_rows(FIRST_ROW + 1, 3)  # three blank rows after the first person
        ws.delete_rows(FIRST_ROW + 5)  # the third person's row is gone, the fourth moves up
    result = returned(tmp_path, shared_camp, {"individuals": [PERSON, OTHER, THIRD, {**THIRD, "given_name": "Dũng"}]}, edit)
    assert result.findings == []
    assert people(result) == [(FIRST_ROW, "Nguyễn Văn", "An"), (FIRST_ROW + 4, "Trần Thị", "Bình"),
                              (FIRST_ROW + 5, "Lê", "Dũng")]


def test_blank_rows_in_the_middle_keep_real_row_numbers(tmp_path, shared_camp):
    rows = [PERSON, {}, {}, {**OTHER, "sex": None}]
    result = returned(tmp_path, shared_camp, {"individuals": rows})
    assert people(result) == [(FIRST_ROW, "Nguyễn Văn", "An"), (FIRST_ROW + 3, "Trần Thị", "Bình")]
    assert only(result, "cell.required").cell == f"{LETTER['sex']}{FIRST_ROW + 3}"


def test_data_typed_below_the_last_row(tmp_path, shared_camp):
    below = INDIVIDUALS.last_row + 3

    def type_below(wb):
        ws = wb["Cá nhân"]
        for i, column in enumerate(INDIVIDUALS.columns):
            value = {**OTHER, "sex": "nữ"}.get(column.field)
            if value is not None:
                ws.cell(row=below, column=forms.FIRST_COL + i, value=value)
        ws.cell(row=below + 1, column=INDEX["family_name"], value="Phạm")  # an unfinished row: reported, not dropped
    result = returned(tmp_path, shared_camp, {"individuals": [PERSON]}, type_below)
    finding = only(result, "sheet.rows_below_table")
    assert finding.severity == WARNING and finding.sheet == "Cá nhân"
    assert finding.message == message("sheet.rows_below_table", sheet="Cá nhân",
                                      value=f"dòng {below}-{below + 1}", expected=INDIVIDUALS.last_row)
    assert [n for n, *_ in people(result)] == [FIRST_ROW, below, below + 1]
    assert result.rows[1].values["sex"] == "Nữ" and result.rows[1].valid
    assert {f.cell for f in result.findings if f.code == "cell.required"} >= {
        f"{LETTER['given_name']}{below + 1}", f"{LETTER['birth_date']}{below + 1}"}


# --- the real template: its note row and signature block are not data ---------------------------------
def _template(camp, unit="VP"):
    return register_common_targets(build.form_workbook(FORM, camp, camp.unit(unit)), camp, unit)


def _fill(ws, row: int, values: dict) -> None:
    for column in INDIVIDUALS.columns:
        if values.get(column.field) is not None:
            ws[f"{column.letter}{row}"] = values[column.field]


def _save(wb, path: Path) -> Path:
    wb.save(path)
    return path


def test_built_template_footer_is_not_data(tmp_path, shared_camp):
    wb = _template(shared_camp)
    _fill(wb["Cá nhân"], FIRST_ROW, PERSON)
    result = check(_save(wb, tmp_path / "a.xlsx"), shared_camp)
    assert result.findings == [] and people(result) == [(FIRST_ROW, "Nguyễn Văn", "An")]


def test_built_template_rows_inserted_inside_the_table(tmp_path, shared_camp):
    wb = _template(shared_camp)
    ws = wb["Cá nhân"]
    _fill(ws, FIRST_ROW, PERSON)
    ws.insert_rows(INDIVIDUALS.last_row, 5)  # the table grows; the note and signature move down
    for merged in list(ws.merged_cells.ranges):  # openpyxl leaves merges behind: move those below
        if merged.min_row >= INDIVIDUALS.last_row:
            merged.shift(row_shift=5)
    _fill(ws, INDIVIDUALS.last_row + 4, OTHER)
    result = check(_save(wb, tmp_path / "a.xlsx"), shared_camp)
    assert result.findings == []
    assert people(result) == [(FIRST_ROW, "Nguyễn Văn", "An"), (INDIVIDUALS.last_row + 4, "Trần Thị", "Bình")]


def test_built_template_data_below_the_signature_is_reported(tmp_path, shared_camp):
    wb = _template(shared_camp)
    ws = wb["Cá nhân"]
    _fill(ws, FIRST_ROW, PERSON)
    signer = INDIVIDUALS.last_row + 7
    ws[f"A{signer}"] = "Nguyễn Thị Lập"  # the signer's name is not data
    _fill(ws, signer + 3, OTHER)
    result = check(_save(wb, tmp_path / "a.xlsx"), shared_camp)
    finding = only(result, "sheet.data_below_footer")
    assert finding.severity == ERROR
    assert finding.message == message("sheet.data_below_footer", sheet="Cá nhân", value=f"dòng {signer + 3}")
    assert people(result) == [(FIRST_ROW, "Nguyễn Văn", "An")]


# --- columns moved, inserted, renamed, missing ------------------------------------------------------
def test_columns_moved(tmp_path, shared_camp):
    family, given = LETTER["family_name"], LETTER["given_name"]
    apart = INDEX["given_name"] - INDEX["family_name"]

    def swap(wb):
        ws = wb["Cá nhân"]
        ws.move_range(f"{family}8:{family}12", cols=20)
        ws.move_range(f"{given}8:{given}12", cols=-apart)
        ws.move_range(f"{shifted(family, 20)}8:{shifted(family, 20)}12", cols=apart - 20)
    result = returned(tmp_path, shared_camp, {"individuals": [PERSON, {**OTHER, "given_name": None}]}, swap)
    finding = only(result, "sheet.columns_moved")
    assert finding.message == message("sheet.columns_moved", sheet="Cá nhân",
                                      value=f"\"Họ và tên đệm\" (nay ở cột {given}), \"Tên\" (nay ở cột {family})")
    assert people(result)[0] == (FIRST_ROW, "Nguyễn Văn", "An")
    required = only(result, "cell.required")
    assert (required.cell, required.field) == (f"{family}{FIRST_ROW + 1}", "given_name")  # the real column


def test_extra_column_inserted(tmp_path, shared_camp):
    born, moved = LETTER["birth_date"], shifted(LETTER["birth_date"], 1)  # a column inserted before "Ngày sinh"

    def insert(wb):
        ws = wb["Cá nhân"]
        ws.insert_cols(INDEX["birth_date"])
        ws[f"{born}8"] = "Quê quán"
        ws[f"{born}9"] = "Đắk Lắk"
    result = returned(tmp_path, shared_camp, {"individuals": [PERSON, {**OTHER, "birth_date": "1990"}]}, insert)
    extra = only(result, "sheet.extra_column")
    assert (extra.cell, extra.severity) == (f"{born}8", WARNING)
    assert extra.message == message("sheet.extra_column", cell=f"{born}8", value="Quê quán")
    assert f"\"Ngày sinh\" (nay ở cột {moved})" in only(result, "sheet.columns_moved").message
    assert result.rows[0].values["birth_date"] == date(1985, 3, 15)
    assert "Đắk Lắk" not in result.rows[0].values.values()
    assert only(result, "cell.bad_date").cell == f"{moved}{FIRST_ROW + 1}"


@pytest.mark.parametrize("field, text", [("birth_date", "Ngày sinh (dd/mm/yyyy)"), ("given_name", "Tên gọi"),
                                         ("note", "Ghi chú khác"), ("last_rating", "Xếp loại năm trước (2023)")])
def test_column_renamed_slightly(tmp_path, shared_camp, field, text):
    cell = label(field)

    def rename(wb):
        wb["Cá nhân"][cell] = text
    result = returned(tmp_path, shared_camp, {"individuals": [PERSON]}, rename)
    finding = only(result, "sheet.column_renamed")
    column = INDIVIDUALS.column(field)
    assert (finding.cell, finding.field, finding.severity) == (cell, column.field, WARNING)
    assert finding.message == message("sheet.column_renamed", cell=cell, value=text, expected=column.label)
    assert result.rows[0].valid and result.rows[0].values["given_name"] == "An"


def test_case_and_spaces_in_labels_are_not_a_change(tmp_path, shared_camp):
    def shout(wb):
        wb["Cá nhân"][label("family_name")] = "HỌ VÀ TÊN ĐỆM "
    assert returned(tmp_path, shared_camp, {"individuals": [PERSON]}, shout).findings == []


def test_label_changed_beyond_recognition(tmp_path, shared_camp):
    def rename(wb):
        wb["Cá nhân"][label("given_name")] = "Quê quán"
    result = returned(tmp_path, shared_camp, {"individuals": [PERSON]}, rename)
    finding = only(result, "sheet.header_changed")
    assert (finding.cell, finding.field, finding.severity) == (label("given_name"), "given_name", ERROR)
    assert finding.message == message("sheet.header_changed", cell=label("given_name"), value="Quê quán",
                                      expected="Tên")
    assert people(result) == []  # never read into the wrong fields


def test_ambiguous_renames_are_not_guessed(tmp_path, shared_camp):
    def rename(wb):
        wb["Cá nhân"][label("title")] = "Đăng ký"
        wb["Cá nhân"][label("award_form")] = "Nội dung đăng ký"
    result = returned(tmp_path, shared_camp, {"individuals": [PERSON]}, rename)
    assert [(f.code, f.cell) for f in result.findings] == [("sheet.header_changed", label("title")),
                                                            ("sheet.header_changed", label("award_form"))]


def test_optional_column_deleted(tmp_path, shared_camp):
    result = returned(tmp_path, shared_camp, {"individuals": [{**PERSON, "note": "x"}]},
                      lambda wb: wb["Cá nhân"].delete_cols(INDEX["position"]))  # Chức vụ
    missing = only(result, "sheet.optional_column_missing")
    assert (missing.severity, missing.field) == (WARNING, "position")
    assert missing.message == message("sheet.optional_column_missing", sheet="Cá nhân", expected="Chức vụ")
    assert result.rows[0].valid and result.rows[0].values["note"] == "x" and result.rows[0].values["position"] is None


def test_required_column_deleted(tmp_path, shared_camp):
    result = returned(tmp_path, shared_camp, {"individuals": [PERSON]}, lambda wb: wb["Cá nhân"].delete_cols(INDEX["given_name"]))
    missing = only(result, "sheet.column_missing")
    assert (missing.severity, missing.field, missing.sheet) == (ERROR, "given_name", "Cá nhân")
    assert missing.message == message("sheet.column_missing", sheet="Cá nhân", expected="Tên")
    assert people(result) == [] and result.status == "rejected"


# --- sheets renamed or reordered --------------------------------------------------------------------
def test_sheet_renamed(tmp_path, shared_camp):
    def rename(wb):
        wb["Cá nhân"].title = "DS cán bộ 2024"
    result = returned(tmp_path, shared_camp, {"individuals": [PERSON, {**OTHER, "sex": "X"}]}, rename)
    finding = only(result, "sheet.renamed")
    assert (finding.sheet, finding.severity) == ("DS cán bộ 2024", WARNING)
    assert finding.message == message("sheet.renamed", value="DS cán bộ 2024", expected="Cá nhân")
    assert len(people(result)) == 2
    bad = only(result, "cell.bad_choice")
    assert (bad.sheet, bad.cell) == ("DS cán bộ 2024", f"{LETTER['sex']}{FIRST_ROW + 1}")


def test_sheet_name_in_decomposed_unicode(tmp_path, shared_camp):
    """"Cá nhân" saved in NFD (another program, a Mac) is the same name: read, and no "renamed" warning naming
    two names that print alike."""
    decomposed = unicodedata.normalize("NFD", "Cá nhân")
    result = returned(tmp_path, shared_camp, {"individuals": [PERSON]}, lambda wb: setattr(wb["Cá nhân"], "title", decomposed))
    assert "sheet.renamed" not in [f.code for f in result.findings] and len(people(result)) == 1


def test_sheets_reordered(tmp_path, shared_camp):
    result = returned(tmp_path, shared_camp, {"individuals": [PERSON]}, lambda wb: wb.move_sheet("Phong trào", offset=-2))
    assert result.findings == [] and len(people(result)) == 1


def test_renamed_sheets_still_identify_the_form(tmp_path, shared_camp):
    def rename(wb):
        wb["Cá nhân"].title = "Sheet2"
        wb["Tập thể"].title = "Sheet1"
    path = make_return(tmp_path / "a.xlsx", shared_camp, "VP", {"individuals": [PERSON]}, identity=False, tweak=rename)
    result = check(path, shared_camp)
    assert (result.form_id, result.unit_code) == ("registration", "VP")
    assert [f.value for f in result.findings if f.code == "sheet.renamed"] == ["Sheet1", "Sheet2"]
    assert len(people(result)) == 1


# --- merged cells and formulas ------------------------------------------------------------------------
def test_merged_cells_in_the_table(tmp_path, shared_camp):
    family = LETTER["family_name"]
    result = returned(tmp_path, shared_camp, {"individuals": [PERSON, OTHER]},
                      lambda wb: wb["Cá nhân"].merge_cells(f"{family}{FIRST_ROW}:{family}{FIRST_ROW + 1}"))
    merged = only(result, "cell.merged")
    assert (merged.cell, merged.severity) == (f"{family}{FIRST_ROW}", WARNING)  # a cell; the message names the range
    assert merged.message == message("cell.merged", range=f"{family}{FIRST_ROW}:{family}{FIRST_ROW + 1}")
    assert people(result)[0] == (FIRST_ROW, "Nguyễn Văn", "An")
    required = only(result, "cell.required")
    assert required.cell == f"{family}{FIRST_ROW + 1}"


def _with_cached_values(path: Path, values: dict[str, str]) -> Path:
    path.write_bytes(with_cached_values(path.read_bytes(), values))
    return path


def test_formulas_in_input_cells(tmp_path, shared_camp):
    note = LETTER["note"]

    def formulas(wb):
        ws = wb["Cá nhân"]
        ws[f"{note}{FIRST_ROW}"] = "=1+1"
        ws[f"{note}{FIRST_ROW + 1}"] = "=2+2"
    path = make_return(tmp_path / "a.xlsx", shared_camp, "VP", {"individuals": [PERSON, OTHER]}, tweak=formulas)
    result = check(_with_cached_values(path, {f"{note}{FIRST_ROW}": "2"}), shared_camp)
    warned = only(result, "cell.formula")
    assert (warned.cell, warned.severity, warned.field) == (f"{note}{FIRST_ROW}", WARNING, "note")
    assert warned.message == message("cell.formula", cell=f"{note}{FIRST_ROW}", value=2)
    no_value = only(result, "cell.formula_no_value")
    assert (no_value.cell, no_value.severity) == (f"{note}{FIRST_ROW + 1}", ERROR)
    assert result.rows[0].values["note"] == "2"


# --- values the models already coerce, proven through intake and validate -------------------------------
@pytest.mark.parametrize("written, expected", [("15/03/1985", date(1985, 3, 15)), (31121, date(1985, 3, 15)),
                                               ("1985-03-15", date(1985, 3, 15))])
def test_dates_typed_as_text_or_serials(tmp_path, shared_camp, written, expected):
    result = returned(tmp_path, shared_camp, {"individuals": [{**PERSON, "birth_date": written}]})
    assert result.findings == [] and result.rows[0].values["birth_date"] == expected


def test_values_pasted_over_dropdowns(tmp_path, shared_camp):
    rows = [{**PERSON, "sex": " nam", "title": "lao động tiên tiến"}, {**OTHER, "sex": "Female"}]
    result = returned(tmp_path, shared_camp, {"individuals": rows})
    assert result.rows[0].valid and (result.rows[0].values["sex"], result.rows[0].values["title"]) == (
        "Nam", "Lao động tiên tiến")
    bad = only(result, "cell.bad_choice")
    assert (bad.cell, bad.value) == (f"{LETTER['sex']}{FIRST_ROW + 1}", "Female")


SCORES = Form(id="scores", version=1, name="Chấm điểm", title="BẢNG CHẤM ĐIỂM {year}", deadline="yearend",
              sheets=(TableSheet(key="scores", name="Điểm", heading="Chấm điểm", rows=10, columns=(
                  Column(field="criterion", label="Tiêu chí", type="text", required=True),
                  Column(field="count", label="Số văn bản", type="integer", minimum=0),
                  Column(field="score", label="Điểm tự chấm", type="number", minimum=0, maximum=2),
              )),))


def test_numbers_stored_as_text(tmp_path, shared_camp, monkeypatch):
    for module in (identify, validate_mod):
        monkeypatch.setattr(module, "load_forms", lambda: {"scores": SCORES})
    monkeypatch.setattr(validate_mod, "get_form", lambda form_id: SCORES)
    monkeypatch.setattr(forms, "get_form", lambda form_id: SCORES)
    rows = [{"criterion": "1.1", "count": "12", "score": "1,75"}, {"criterion": "1.2", "count": "12 văn bản"}]
    path = make_return(tmp_path / "a.xlsx", shared_camp, "VP", {"scores": rows}, form_id="scores")
    result = check(path, shared_camp)
    assert result.rows[0].values == {"criterion": "1.1", "count": 12, "score": 1.75}
    assert only(result, "cell.bad_integer").cell == f"{SCORES.sheets[0].column('count').letter}{FIRST_ROW + 1}"


# --- layout functions on plain lists ----------------------------------------------------------------------
def _sheet_rows(header_at: int = HEADER_ROW, labels=None, data=(), width: int = 11) -> list[list]:
    labels = labels or ["STT"] + [c.label for c in INDIVIDUALS.columns]
    rows = [[""] * width for _ in range(header_at + len(data))]
    rows[header_at - 1][:len(labels)] = labels
    for i, values in enumerate(data):
        rows[header_at + i][:len(values)] = values
    return rows


def test_similar_labels():
    assert tables.similar("Ngày sinh (dd/mm/yyyy)", "Ngày sinh")
    assert tables.similar("Họ và tên đệm:", "Họ và tên đệm")
    assert tables.similar("Danh hieu thi dua dang ky", "Danh hiệu thi đua đăng ký")  # typed without diacritics
    assert tables.similar("Xếp loai năm trước", "Xếp loại năm trước")
    assert not tables.similar("Quê quán", "Tên")
    assert not tables.similar("T", "Tên")


def test_find_header_and_score():
    rows = _sheet_rows(header_at=12)
    assert layout.find_header(rows, INDIVIDUALS) == 12
    assert layout.header_score(rows, INDIVIDUALS) == (12, len(INDIVIDUALS.columns))
    assert layout.find_header([["x"]] * 50, INDIVIDUALS) is None
    assert layout.find_header(_sheet_rows(header_at=45), INDIVIDUALS) is None  # beyond the scan


def test_match_labels_exact_then_similar_and_extra():
    labels = ["STT", "Tên", "Họ và tên", "Ngày sinh", "Ghi chú", "Ảnh"]
    match = layout.match_labels(labels, INDIVIDUALS)
    assert match.columns == {"given_name": 2, "birth_date": 4, "note": 5, "family_name": 3}
    assert match.renamed == {"family_name": "Họ và tên"}
    assert match.others == {6: "Ảnh"}


def test_map_columns_findings():
    """The declared labels with "Ghi chú" left blank and "Chức vụ" and "Xếp loại năm trước" swapped."""
    position, rating = INDIVIDUALS.column("position").label, INDIVIDUALS.column("last_rating").label
    swapped = {position: rating, rating: position}
    labels = ["STT", *("" if c.field == "note" else swapped.get(c.label, c.label) for c in INDIVIDUALS.columns)]
    columns, found = layout.map_columns(_sheet_rows(labels=labels), INDIVIDUALS, HEADER_ROW, "Cá nhân")
    at = {label: i for i, label in enumerate(labels, start=1)}  # where the unit's file has each label
    assert columns["position"] == at[position] and columns["last_rating"] == at[rating]
    assert columns["position"] != INDEX["position"] and columns["last_rating"] != INDEX["last_rating"]
    assert [(f.code, f.field) for f in found] == [("sheet.optional_column_missing", "note"),
                                                   ("sheet.columns_moved", None)]
    assert found[1].value == (f"\"{position}\" (nay ở cột {get_column_letter(at[position])}), "
                              f"\"{rating}\" (nay ở cột {get_column_letter(at[rating])})")


def test_read_rows_stops_at_footer_and_blank_run():
    sheet = FORM.sheet("movements")
    rows = _sheet_rows(labels=["STT", "Phong trào thi đua", "Nội dung, chỉ tiêu đăng ký", "Ghi chú"],
                       data=[[1, "A"], [2, ""], [3, "B"]])
    columns = {"movement": 2, "commitment": 3, "note": 4}
    out, found, end = layout.read_rows(rows, sheet, HEADER_ROW, columns, "Phong trào")
    assert [r for r, _ in out] == [9, 11] and found == [] and end == 11
    footer = rows + [["Ghi chú: cột có tiêu đề tô màu cam là bắt buộc nhập", "", "", ""], ["", "Sau", "ký", ""]]
    out, found, end = layout.read_rows(footer, sheet, HEADER_ROW, columns, "Phong trào")
    assert [r for r, _ in out] == [9, 11] and end == 11
    assert [f.message for f in found] == [message("sheet.data_below_footer", sheet="Phong trào", value="dòng 13")]
    far = rows + [[""] * 4 for _ in range(sheet.rows + layout.BLANK_RUN)] + [["", "lost?", "", ""]]
    out, found, _ = layout.read_rows(far, sheet, HEADER_ROW, columns, "Phong trào")
    assert [r for r, _ in out] == [9, 11]  # a run of blank rows past the table's end ends the data
    near = rows + [[""] * 4 for _ in range(sheet.rows)] + [["", "typed below", "", ""]]
    out, found, _ = layout.read_rows(near, sheet, HEADER_ROW, columns, "Phong trào", limit=len(near))
    assert out[-1] == (len(near), {"movement": "typed below", "commitment": None, "note": None})
    assert [f.code for f in found] == ["sheet.rows_below_table", "sheet.rows_beyond_limit"]


def test_formula_cells_and_merges_from_xml():
    xml = (b'<sheetData><row r="9"><c r="B9" t="s"><v>0</v></c><c r="D9"><f>1+1</f><v>2</v></c>'
           b'<c r="E9"/><c r="F9"><f>A1</f><v /></c><c r="G9" t="str"><f>""</f><v></v></c>'
           b'<c r="H10"><f t="shared" si="0"/></c></row></sheetData>'
           b'<mergeCells count="2"><mergeCell ref="B9:C10"/><mergeCell ref="AA1"/></mergeCells>')
    assert sheetxml.formula_cells(xml) == {(9, 4): True, (9, 6): False, (9, 7): True, (10, 8): False}
    assert sheetxml.formula_cells(b'<c r="A1"><v>1</v></c>') == {}
    assert sheetxml.merges_from_xml(xml) == [(9, 2, 10, 3), (1, 27, 1, 27)]
    assert sheetxml.merges_from_calamine([((8, 1), (9, 2))]) == [(9, 2, 10, 3)]
    assert sheetxml.merges_from_calamine(None) == []


def test_unit_cells_by_label_or_shifted_position():
    rows = [[""] * 5 for _ in range(10)]
    rows[6][1:3] = ["Đơn vị:", "Văn phòng Sở"]
    rows[7][1:4] = ["Mã đơn vị:", "", "VP"]
    assert layout.unit_cells(rows, 10) == ("Văn phòng Sở", "VP")
    shifted = [[""] * 4 for _ in range(3)] + [["", "", "Thanh tra", ""], ["", "", "TTR", ""]]
    assert layout.unit_cells(shifted, HEADER_ROW - 2) == ("Thanh tra", "TTR")


def test_resolve_sheets():
    sheets = {"Cá nhân": _sheet_rows(), "Khác": [["x"]], "Bảng 2": _sheet_rows(header_at=9)}
    names = ["_id", "Khác", "Bảng 2", "tập thể"]
    found = layout.resolve_sheets(FORM.sheets, names, sheets.get)
    assert found == {"collectives": "tập thể", "individuals": "Bảng 2"}
    assert layout.resolve_sheets(FORM.sheets, list(sheets), sheets.get)["individuals"] == "Cá nhân"


def test_feedback_of_an_altered_file_is_built(tmp_path, shared_camp):
    """Findings at real positions (rows below the table, merges, a moved header) never break the
    feedback workbook, which is a fresh template: what does not fit it is left to the list of findings."""
    def alter(wb):
        ws = wb["Cá nhân"]
        ws.cell(row=INDIVIDUALS.last_row + 1, column=INDEX["family_name"], value="Lê")
        ws.cell(row=INDIVIDUALS.last_row + 2, column=INDEX["given_name"], value="Bình")
        wb["Tập thể"].insert_rows(1, 3)
        movement, commitment = (FORM.sheet("movements").column(f).letter for f in ("movement", "commitment"))
        wb["Phong trào"].merge_cells(f"{movement}{FIRST_ROW}:{commitment}{FIRST_ROW + 1}")
        wb["Phong trào"].title = "PT"
    path = make_return(tmp_path / "a.xlsx", shared_camp, "VP", {"individuals": [PERSON], "movements": [{"movement": "x"}]},
                       tweak=alter)
    result = check(path, shared_camp)
    assert {"sheet.rows_below_table", "sheet.header_moved", "cell.merged", "sheet.renamed"} <= {
        f.code for f in result.findings}
    wb = feedback.feedback_workbook(FORM, shared_camp, shared_camp.unit("VP"), result)
    assert wb["Cá nhân"][f"{LETTER['family_name']}{FIRST_ROW}"].value == "Nguyễn Văn"


def test_locate_on_plain_lists():
    sheet = FORM.sheet("movements")
    at = {c.field: column_index_from_string(c.letter) for c in sheet.columns}
    width = max(at.values())

    def line(number, **values):
        row = [number] + [""] * (width - 1)
        for field, value in values.items():
            row[at[field] - 1] = value
        return row
    labels = ["STT", *(c.label for c in sheet.columns)]
    data = [line(1, movement="A", commitment="x", note="y"), line(2, commitment="z")]
    rows = _sheet_rows(header_at=6, labels=labels, data=data, width=width)
    table = layout.locate(rows, sheet, "PT", merges=[(7, at["movement"], 8, at["movement"]), (1, 1, 1, width)],
                          formulas={(8, at["commitment"]): False}, limit=1000)
    letters = {c.field: c.letter for c in sheet.columns}
    assert (table.readable, table.header_row, table.letters) == (True, 6, letters)
    empty = dict.fromkeys(at)
    assert table.rows == [(7, {**empty, "movement": "A", "commitment": "x", "note": "y"}),
                          (8, {**empty, "commitment": "z"})]
    assert [(f.code, f.cell) for f in table.findings] == [
        ("sheet.header_moved", "A6"), ("cell.merged", f"{letters['movement']}7"),
        ("cell.formula_no_value", f"{letters['commitment']}8")]


def test_header_not_found():
    sheet = FORM.sheet("movements")
    table = layout.locate([["Bảng kê"], ["", "Phong trào"]], sheet, "Phong trào")
    assert not table.readable and table.rows == []
    (found,) = table.findings
    assert (found.code, found.severity) == ("sheet.header_not_found", ERROR)
    assert found.message == message("sheet.header_not_found", sheet="Phong trào",
                                    expected=", ".join(f"\"{c.label}\"" for c in sheet.columns))
    assert all(f"\"{label}\"" in found.message
               for label in ("Phong trào thi đua", "Nội dung, chỉ tiêu đăng ký", "Ghi chú"))


def test_feedback_puts_marks_back_on_the_template_cells(tmp_path, shared_camp):
    """Header moved down 2 rows and two columns swapped: the unit's feedback marks the right cells."""
    given, born = LETTER["given_name"], LETTER["birth_date"]
    bad = {"family_name": "Trần Văn", "given_name": "Bình", "birth_date": "31/02/1980", "sex": "Nam",
           "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Lao động tiên tiến"}

    def tweak(wb):
        ws = wb["Cá nhân"]
        ws.insert_rows(1, 2)  # header now at row 10, data at row 11
        for r in (10, 11):  # swap "Tên" and "Ngày sinh"
            ws[f"{given}{r}"], ws[f"{born}{r}"] = ws[f"{born}{r}"].value, ws[f"{given}{r}"].value

    path = make_return(tmp_path / "r.xlsx", shared_camp, "VP", {"individuals": [bad]}, tweak=tweak)
    result = check_file(Incoming("r.xlsx", path.read_bytes(), str(path), datetime(2024, 1, 2)), shared_camp)
    bad_date = next(f for f in result.findings if f.code == "cell.bad_date")
    assert bad_date.cell == f"{given}11"  # where the unit typed it
    wb = feedback.feedback_workbook(FORM, shared_camp, shared_camp.unit("VP"), result)
    ws = wb["Cá nhân"]
    marked = ws[f"{born}{FIRST_ROW}"]  # the template's "Ngày sinh"
    assert marked.comment is not None and "31/02/1980" in marked.comment.text
    assert marked.value == "31/02/1980" and ws[f"{given}{FIRST_ROW}"].value == "Bình"
