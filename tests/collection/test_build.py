"""Tests of sheets_tools.build: layout, protection, validation, identification, feedback."""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
from python_calamine import CalamineWorkbook

from sheets_tools.collection import feedback, results, templates as build
from sheets_tools.core import filenames, findings
from sheets_tools.formkit import declaration as forms
from sheets_tools.formkit.declaration import FIRST_ROW, HEADER_ROW, ID_KEYS, ID_SHEET, LIST_SHEET
from sheets_tools.core.records import FileResult, Incoming, Row
from sheets_tools.excel import style
from workbooks import cell_of, letter_of

FORM = forms.get_form("registration")
FORMULA = '=HYPERLINK("http://x","y")'


@pytest.fixture(scope="module")
def unit(shared_camp):
    return shared_camp.unit("VP")


@pytest.fixture(scope="module")
def unit_file(shared_camp, unit, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("built") / build.unit_file_name(FORM, shared_camp, unit)
    build.form_workbook(FORM, shared_camp, unit).save(path)
    return path


@pytest.fixture(scope="module")
def unit_wb(unit_file):
    return load_workbook(unit_file)


def _input_sheets(wb):
    return [wb[s.name] for s in FORM.sheets]


def _unlocked(ws) -> set[str]:
    return {c.coordinate for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=ws.max_column)
            for c in row if not isinstance(c, MergedCell) and c.protection.locked is False}


def _last_row(sheet, camp, unit) -> int:
    """The table's last row in a unit's workbook: the declared one, or the office's rows on a prefilled
    sheet (the registration's targets: one per indicator of the unit, none on a blank template)."""
    given = build.prefill_rows(FORM, sheet, camp, unit)
    return sheet.last_row if given is None else FIRST_ROW + len(given) - 1


def _input_range(sheet, last: int | None = None) -> set[str]:
    last = sheet.last_row if last is None else last
    return {f"{c.letter}{r}" for c in sheet.inputs for r in range(FIRST_ROW, last + 1)}


def _result(rows=(), found=(), unit_code="VP", form_id="registration") -> FileResult:
    incoming = Incoming(name="Đăng ký thi đua 2024 - Văn phòng Sở.xlsx", data=b"", source="x",
                        received_at=datetime(2024, 1, 20, 9, 30))
    return FileResult(incoming=incoming, form_id=form_id, form_version=FORM.version, unit_code=unit_code,
                      rows=list(rows), findings=list(found))


def test_sheets_in_order_names_short_and_hidden(unit_wb):
    assert unit_wb.sheetnames[0] == build.GUIDE_SHEET
    assert unit_wb.sheetnames[1:1 + len(FORM.sheets)] == [s.name for s in FORM.sheets]
    assert all(len(name) <= 31 for name in unit_wb.sheetnames)
    assert unit_wb[ID_SHEET].sheet_state == "veryHidden"
    assert unit_wb[LIST_SHEET].sheet_state == "hidden"
    assert all(ws.sheet_state == "visible" for ws in _input_sheets(unit_wb))


def test_header_labels_equal_declaration(unit_wb):
    for sheet in FORM.sheets:
        ws = unit_wb[sheet.name]
        assert ws[f"A{HEADER_ROW}"].value == "STT"
        assert [ws[f"{c.letter}{HEADER_ROW}"].value for c in sheet.columns] == [c.label for c in sheet.columns]


def test_official_header_and_unit_prefilled(unit_wb, shared_camp, unit):
    for sheet in FORM.sheets:
        ws = unit_wb[sheet.name]
        texts = [c.value for row in ws.iter_rows(max_row=5) for c in row if c.value]
        assert shared_camp.info.agency in texts and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
        assert "Hạn nộp: 31/01/2024" in texts
        assert ws["A4"].value == FORM.title.format(year=2024)
        assert (ws["C6"].value, ws["C7"].value) == (unit.name, unit.code)
        last = _last_row(sheet, shared_camp, unit)
        assert ws[f"A{FIRST_ROW}"].value == 1 and ws[f"A{last}"].value == last - FIRST_ROW + 1


def test_fonts_times_new_roman(unit_wb):
    for ws in unit_wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    assert cell.font.name == style.FONT, (ws.title, cell.coordinate)


def test_page_setup_a4_landscape(unit_wb):
    for ws in _input_sheets(unit_wb):
        assert int(ws.page_setup.paperSize) == 9
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.fitToWidth) == 1
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows.replace("$", "") == f"{HEADER_ROW}:{HEADER_ROW}"
        assert ws.freeze_panes == f"A{FIRST_ROW}"


def test_every_sheet_protected_and_structure_locked(unit_wb):
    for ws in unit_wb.worksheets:
        assert ws.protection.sheet, ws.title
    assert unit_wb.security.lockStructure


def test_only_input_cells_unlocked(unit_wb, shared_camp, unit):
    for sheet in FORM.sheets:
        assert _unlocked(unit_wb[sheet.name]) == _input_range(sheet, _last_row(sheet, shared_camp, unit))


def test_blank_template_leaves_unit_cells_open(shared_camp):
    wb = build.form_workbook(FORM, shared_camp, None)
    for sheet in FORM.sheets:
        ws = wb[sheet.name]
        assert ws["C6"].value is None and ws["C7"].value is None
        assert _unlocked(ws) == _input_range(sheet, _last_row(sheet, shared_camp, None)) | {"C6", "C7"}


def test_validations_have_errors_and_lists_on_list_sheet(unit_wb, shared_camp, unit):
    lists = unit_wb[LIST_SHEET]
    for sheet in FORM.sheets:
        last_row = _last_row(sheet, shared_camp, unit)
        dvs = unit_wb[sheet.name].data_validations.dataValidation
        assert dvs
        for dv in dvs:
            assert dv.showErrorMessage is True and dv.error and dv.errorTitle
            assert dv.errorStyle in (None, "stop")
        by_range = {str(dv.sqref): dv for dv in dvs}
        for column in sheet.inputs:
            dv = by_range[f"{column.letter}{FIRST_ROW}:{column.letter}{last_row}"]
            if column.type == "choice":
                assert dv.type == "list"
                match = re.fullmatch(r"'_ds'!\$([A-Z]+)\$1:\$\1\$(\d+)", dv.formula1)
                assert match, dv.formula1
                col, last = match.group(1), int(match.group(2))
                values = [lists[f"{col}{r}"].value for r in range(1, last + 1)]
                assert values == forms.resolve_choices(column, shared_camp)
            if column.type == "date":
                assert dv.type == "date"


def test_identification_anchors(unit_file, shared_camp, unit):
    expected = {"form": "registration", "version": str(FORM.version), "campaign": shared_camp.id, "unit": unit.code}
    wb = load_workbook(unit_file)
    ident = {r[0]: r[1] for r in wb[ID_SHEET].iter_rows(values_only=True)}
    assert {k: ident[k] for k in ID_KEYS} == expected
    assert ident["unit_name"] == unit.name and ident["built_at"]
    for key, value in expected.items():
        assert wb.defined_names[forms.DEFINED_NAME_PREFIX + key].attr_text == f'"{value}"'
    props = {p.name: p.value for p in wb.custom_doc_props}
    assert {k: props[forms.PROPERTY_PREFIX + k] for k in ID_KEYS} == expected
    rows = CalamineWorkbook.from_path(str(unit_file)).get_sheet_by_name(ID_SHEET).to_python()
    assert {r[0]: r[1] for r in rows if r and r[0] in ID_KEYS} == expected


def test_rows_written_as_data_never_formulas(shared_camp, unit, tmp_path):
    rows = [Row("individuals", 10, {"family_name": "Nguyễn Văn", "given_name": "An", "birth_date": date(1980, 3, 1),
                                    "note": FORMULA, "unknown_field": "ignored"}, valid=False)]
    path = tmp_path / "rows.xlsx"
    build.form_workbook(FORM, shared_camp, unit, rows=rows).save(path)
    ws = load_workbook(path)["Cá nhân"]
    note, born, family = (letter_of(FORM.id, "individuals", f) for f in ("note", "birth_date", "family_name"))
    assert ws[f"{note}10"].value == FORMULA and ws[f"{note}10"].data_type == "s"
    assert ws[f"{born}10"].value == datetime(1980, 3, 1) and ws[f"{born}10"].number_format == "dd/mm/yyyy"
    assert ws[f"{family}10"].value == "Nguyễn Văn"
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)


def test_feedback_marks_cell_and_lists_finding(shared_camp, unit, tmp_path):
    born = cell_of(FORM.id, "individuals", "birth_date")  # on the first row, as in ``rows``
    bad = findings.finding("cell.bad_date", sheet="Cá nhân", cell=born, field="birth_date", value="31/02/1980",
                           label="Ngày sinh")
    whole = findings.finding("row.no_data", sheet="Tập thể")
    rows = [Row("individuals", FIRST_ROW, {"family_name": "Trần Thị", "birth_date": "31/02/1980"}, valid=False)]
    path = tmp_path / "fb.xlsx"
    feedback.feedback_workbook(FORM, shared_camp, unit, _result(rows, [bad, whole])).save(path)
    wb = load_workbook(path)
    assert wb.sheetnames[0] == feedback.ERRORS_SHEET
    marked = wb["Cá nhân"][born]
    assert marked.value == "31/02/1980"
    assert marked.comment is not None and marked.comment.text == bad.message
    assert marked.comment.author == style.AUTHOR
    assert marked.fill.fgColor.rgb.endswith("FF9999")
    texts = [c.value for row in wb[feedback.ERRORS_SHEET].iter_rows() for c in row if c.value is not None]
    assert bad.message in texts and whole.message in texts and "31/02/1980" in texts
    assert findings.SEVERITY_LABELS["error"] in texts
    assert any("Sửa các ô được tô đỏ trong biểu mẫu này rồi gửi lại chính tệp này" in str(t) for t in texts)
    assert any("Đăng ký thi đua 2024 - Văn phòng Sở.xlsx" in str(t) for t in texts)
    assert wb.defined_names["st_unit"].attr_text == '"VP"'


def test_feedback_for_unknown_unit_is_only_the_list(shared_camp):
    problem = findings.finding("ident.unknown_unit")
    wb = feedback.feedback_workbook(FORM, shared_camp, None, _result(found=[problem], unit_code=None))
    assert wb.sheetnames == [feedback.ERRORS_SHEET]
    texts = [c.value for row in wb.active.iter_rows() for c in row if c.value is not None]
    assert problem.message in texts


def test_write_feedback_path(camp):
    path = feedback.write_feedback(camp, _result(found=[findings.finding("row.no_data", sheet="Tập thể")]))
    assert path == camp.dir / "feedback" / "VP" / "Phản hồi - Đăng ký thi đua 2024 - Văn phòng Sở.xlsx"
    assert path.is_file()
    unknown = feedback.write_feedback(camp, _result(unit_code=None, form_id=None))
    assert unknown.parent == camp.dir / "feedback" / results.UNKNOWN_UNIT_DIR
    assert load_workbook(unknown).sheetnames == [feedback.ERRORS_SHEET]


def test_file_names_windows_safe(shared_camp, unit):
    assert build.unit_file_name(FORM, shared_camp, unit) == "Đăng ký thi đua 2024 - Văn phòng Sở.xlsx"
    assert filenames.safe_file_name('a<b>c:"d/e\\f|g?h*i\x01', ".xlsx") == "abcdefghi.xlsx"
    long = filenames.safe_file_name("Ư" * 500, ".xlsx")
    assert len(long) <= filenames.MAX_FILE_NAME and long.endswith(".xlsx")


def test_build_blanks(shared_camp, tmp_path):
    paths = build.build_blanks(tmp_path, shared_camp)
    assert [p.name for p in paths] == [f"{f}.xlsx" for f in forms.load_forms()]
    wb = load_workbook(paths[0])
    assert wb.defined_names["st_unit"].attr_text == '""'


def test_sheet_password_from_settings(shared_camp, unit):
    locked = shared_camp.model_copy(update={"settings": {**shared_camp.settings, "sheet_password": "bi-mat"}})
    wb = build.form_workbook(FORM, locked, unit)
    assert all(ws.protection.password for ws in _input_sheets(wb))


def _soffice(profile: Path, fmt: str, out: Path, src: Path) -> Path:
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", fmt,
                    "--outdir", str(out), str(src)], check=True, timeout=180, capture_output=True)
    return out / (src.stem + "." + fmt)


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_round_trip(unit_file, shared_camp, unit, tmp_path):
    resaved = _soffice(tmp_path / "lo", "xlsx", tmp_path / "out", unit_file)
    rows = CalamineWorkbook.from_path(str(resaved)).get_sheet_by_name(ID_SHEET).to_python()
    ident = {r[0]: r[1] for r in rows if r}
    assert (ident["form"], ident["version"], ident["unit"]) == ("registration", str(FORM.version), unit.code)
    wb = load_workbook(resaved)
    assert wb.defined_names["st_form"].attr_text == '"registration"'
    assert _unlocked(wb["Cá nhân"]) == _input_range(FORM.sheet("individuals"))
    pdf = _soffice(tmp_path / "lo", "pdf", tmp_path / "pdf", unit_file)
    assert pdf.read_bytes()[:4] == b"%PDF"
