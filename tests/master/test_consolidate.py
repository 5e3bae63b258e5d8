"""The master workbook: sheets, tables, summary numbers, problems, safety, busy target, LibreOffice."""
from __future__ import annotations

import shutil
import subprocess
import sys
import types
import zipfile
from xml.etree import ElementTree
from datetime import date, datetime
from itertools import count

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from sheets_tools.collection import status as status_mod
from sheets_tools.formkit.declaration import load_forms
from sheets_tools.master.book import HEADER, UNIT_COLUMNS, form_sheet_name
from sheets_tools.master.overview import OVERVIEW_SHEET
from sheets_tools.master.problems import CODE_LABEL
from sheets_tools.master.consolidate import consolidate, master_path
from sheets_tools.core.findings import SEVERITY_LABELS, STATUS_LABELS, finding
from sheets_tools.formkit.declaration import get_form
from sheets_tools.store.ledger import Ledger
from sheets_tools.core.records import FileResult, Incoming, Row
from workbooks import cell_of

FORM = get_form("registration")
HEAD = HEADER + 1  # 1-based row of the column labels
HOSTILE = ["=HYPERLINK(\"http://evil\",\"x\")", "=1+1", "@SUM(A1)", "+1", "-2"]
_serial = count()


def person(given, family="Nguyễn Văn", born="1985-03-15", title="Lao động tiên tiến", **more):
    return {"family_name": family, "given_name": given, "birth_date": born, "sex": "Nam",
            "last_rating": "Hoàn thành tốt nhiệm vụ", "title": title, **more}


def collective(name, title="Tập thể lao động tiên tiến"):
    return {"collective_name": name, "title": title}


def send(camp, unit, received, individuals=(), collectives=(), findings=(), name=None):
    """Record one received file in the campaign's ledger; returns the submission id."""
    rows = [Row(sheet="individuals", row=9 + i, values=v) for i, v in enumerate(individuals)]
    rows += [Row(sheet="collectives", row=9 + i, values=v) for i, v in enumerate(collectives)]
    inc = Incoming(name=name or f"{unit}.xlsx", data=f"file {next(_serial)}".encode(),
                   source=f"inbox/{name or unit}.xlsx", received_at=received)
    with Ledger(camp.dir) as ledger:
        return ledger.record(FileResult(incoming=inc, form_id="registration", unit_code=unit, rows=rows,
                                        findings=list(findings)))


CROSS = finding("row.duplicate_across_units", sheet="individuals",
                cell=cell_of(FORM.id, "individuals", "family_name"), what="Ông/bà Nguyễn Văn An",
                other_unit="Thanh tra Sở")


@pytest.fixture
def cross_calls(monkeypatch):
    """Replace validate.cross_unit_findings (or provide it while validate.py is not written)."""
    calls = []

    def fake(form, rows_by_unit, camp):
        calls.append((form.id, rows_by_unit))
        return {"VP": [CROSS]} if "VP" in rows_by_unit else {}

    try:
        from sheets_tools.collection import validate
    except ImportError:
        monkeypatch.setitem(sys.modules, "sheets_tools.collection.validate", types.SimpleNamespace(cross_unit_findings=fake))
    else:
        monkeypatch.setattr(validate, "cross_unit_findings", fake)
    # the status board (what consolidate reads) holds its own reference to the function
    monkeypatch.setattr(status_mod, "cross_unit_findings", fake)
    return calls


REJECT = finding("cell.required", sheet="individuals", cell=cell_of(FORM.id, "individuals", "given_name", 1),
                 label="Tên")


@pytest.fixture
def filled(camp, cross_calls):
    """VP: accepted; TTR: two accepted files (the second supersedes); XDKT: accepted, then rejected;
    one file from nobody known."""
    send(camp, "VP", datetime(2024, 1, 30, 10, 0),
         individuals=[person("An", note=HOSTILE[0]), person("Bình", title="Chiến sĩ thi đua cơ sở",
                                                            position=HOSTILE[1]),
                      person(HOSTILE[2], family=HOSTILE[3], note=HOSTILE[4])],
         collectives=[collective("Văn phòng Sở", "Tập thể lao động xuất sắc")])
    send(camp, "TTR", datetime(2024, 1, 20, 9, 0), individuals=[person(n) for n in ("Cúc", "Dũng", "Em")])
    send(camp, "TTR", datetime(2024, 1, 22, 9, 0),
         individuals=[person("Giang", born="1990-12-01"), person("An", note="also registered by VP")],
         findings=[finding("file.macros")])
    send(camp, "XDKT", datetime(2024, 1, 20, 9, 0), individuals=[person("Hà")],
         collectives=[collective("Phòng XDKT")])
    send(camp, "XDKT", datetime(2024, 2, 3, 9, 0), individuals=[person("Hà"), person("Khánh")],
         findings=[REJECT])
    send(camp, None, datetime(2024, 1, 25, 9, 0), name="không rõ.xlsx",
         findings=[finding("ident.unknown_unit", detail="")])
    return consolidate(camp, today=date(2024, 2, 5))


def rows_of(ws, first_col=1):
    """The data rows under the header (to the last non-empty row of the first column)."""
    out = []
    for row in ws.iter_rows(min_row=HEAD + 1, values_only=True):
        if row[first_col - 1] is None:
            break
        out.append(row)
    return out


def header(ws):
    return [c.value for c in ws[HEAD] if c.value is not None]


def master_column(sheet_key: str, field: str) -> int:
    """1-based column of a declared field in the master's table of that sheet: after the unit's code and name."""
    return len(UNIT_COLUMNS) + [c.field for c in FORM.sheet(sheet_key).columns].index(field) + 1


def last_letter(sheet_key: str) -> str:
    """The master table's last column: the unit's code and name, the declared columns, the row in the file."""
    return get_column_letter(len(UNIT_COLUMNS) + len(FORM.sheet(sheet_key).columns) + 1)


def test_sheets_in_order(filled, camp):
    assert filled.path == master_path(camp) and filled.busy_target is None
    wb = load_workbook(filled.path)
    assert wb.sheetnames == ["Tổng quan", "Tình hình nộp",
                             *(form_sheet_name("registration", part)
                               for part in ("Tổng hợp", "Tập thể", "Cá nhân", "Phong trào", "Chỉ tiêu")),
                             "Vấn đề tồn đọng"]
    assert form_sheet_name("registration", "Cá nhân") == "ĐK thi đua - Cá nhân"
    for ws in wb:
        assert ws["A2"].value == camp.info.agency
        assert ws["A3"].font.b and ws["A3"].font.name == "Times New Roman"
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.freeze_panes == f"C{HEAD + 1}"
    assert wb[form_sheet_name("registration", "Tổng hợp")]["A3"].value == (
        "TỔNG HỢP ĐĂNG KÝ THI ĐUA NĂM 2024: SỐ LƯỢNG THEO ĐƠN VỊ")


@pytest.mark.parametrize("sheet", FORM.sheets, ids=lambda s: s.key)
def test_input_tables_repeat_the_template_labels(filled, sheet):
    ws = load_workbook(filled.path)[form_sheet_name("registration", sheet.name)]
    labels = ["Mã đơn vị", "Tên đơn vị", *(c.label for c in sheet.columns), "Dòng trong tệp gốc"]
    assert header(ws) == labels
    [table] = ws.tables.values()
    assert [c.name for c in table.tableColumns] == labels
    assert table.ref.startswith(f"A{HEAD}:") and table.autoFilter is not None


def test_only_the_data_in_use_goes_into_the_master(filled):
    wb = load_workbook(filled.path)
    ws = wb[form_sheet_name("registration", "Cá nhân")]
    rows = rows_of(ws)
    by_unit = {}
    for r in rows:
        by_unit.setdefault(r[0], []).append(r[master_column("individuals", "given_name") - 1])
    # TTR's second file supersedes its first; XDKT's rejected latest leaves its earlier data in use
    assert by_unit == {"VP": ["An", "Bình", HOSTILE[2]], "TTR": ["Giang", "An"], "XDKT": ["Hà"]}
    assert filled.counts["rows"] == {"collectives": 2, "individuals": 6, "movements": 0, "targets": 0}
    assert filled.counts["units_with_data"] == 3
    [table] = ws.tables.values()
    assert table.ref == f"A{HEAD}:{last_letter('individuals')}{HEAD + 6}"
    assert rows[0][1] == "Văn phòng Sở" and rows[0][-1] == 9


def test_dates_are_dates(filled):
    ws = load_workbook(filled.path)[form_sheet_name("registration", "Cá nhân")]
    born = ws.cell(row=HEAD + 4, column=master_column("individuals", "birth_date"))  # TTR's Giang
    assert born.value == datetime(1990, 12, 1) and born.number_format == "dd/mm/yyyy"


def test_empty_table_keeps_its_header(filled):
    ws = load_workbook(filled.path)[form_sheet_name("registration", "Phong trào")]
    [table] = ws.tables.values()
    assert table.ref == f"A{HEAD}:{last_letter('movements')}{HEAD + 1}"
    assert rows_of(ws) == []


def test_summary_numbers(filled, camp):
    ws = load_workbook(filled.path)[form_sheet_name("registration", "Tổng hợp")]
    labels = header(ws)
    ind = camp.catalogue_names("title:individual")
    col = camp.catalogue_names("title:collective")
    assert labels == ["Mã đơn vị", "Tên đơn vị", "Khối thi đua", *col, *ind, "Số tập thể", "Số cá nhân"]
    rows = {r[0]: dict(zip(labels, r)) for r in ws.iter_rows(min_row=HEAD + 1, values_only=True) if r[0]}
    assert list(rows)[:len(camp.units)] == [u.code for u in camp.units]
    vp = rows["VP"]
    assert (vp["Lao động tiên tiến"], vp["Chiến sĩ thi đua cơ sở"], vp["Tập thể lao động xuất sắc"]) == (2, 1, 1)
    assert (vp["Số cá nhân"], vp["Số tập thể"], vp["Chiến sĩ thi đua toàn quốc"]) == (3, 1, 0)
    assert (rows["XDKT"]["Số cá nhân"], rows["XDKT"]["Tập thể lao động tiên tiến"]) == (1, 1)
    assert rows["PBGD"]["Số cá nhân"] is None  # nothing received: blank, not zero
    total = rows["Tổng cộng"]
    assert (total["Số cá nhân"], total["Số tập thể"], total["Lao động tiên tiến"]) == (6, 2, 5)


def test_status_sheet_lists_every_unit(filled, camp):
    ws = load_workbook(filled.path)["Tình hình nộp"]
    labels = header(ws)
    assert labels[:11] == ["Mã đơn vị", "Tên đơn vị", "Khối thi đua", "Biểu mẫu", "Hạn nộp", "Nhận lúc",
                           "Đúng hạn/Muộn", "Tình trạng", "Số lỗi", "Số lưu ý", "Số lần gửi"]
    assert {r[3] for r in rows_of(ws)} == {f.name for f in load_forms().values() if not f.regular}  # every dated form
    rows = {r[0]: dict(zip(labels, r)) for r in rows_of(ws) if r[3] == "Đăng ký thi đua"}
    assert list(rows) == [u.code for u in camp.units]
    # VP's file is clean but one of its people is also registered elsewhere (the cross-unit warning)
    assert rows["VP"]["Tình trạng"] == STATUS_LABELS["accepted_with_warnings"] and rows["VP"]["Số lưu ý"] == 1
    assert rows["VP"]["Đúng hạn/Muộn"] == "Đúng hạn"
    assert rows["TTR"]["Tình trạng"] == STATUS_LABELS["accepted_with_warnings"]  # file.macros
    assert rows["VP"]["Nhận lúc"] == datetime(2024, 1, 30, 10, 0)
    assert rows["XDKT"]["Tình trạng"] == STATUS_LABELS["rejected"] and rows["XDKT"]["Số lần gửi"] == 2
    assert rows["XDKT"]["Đúng hạn/Muộn"] == "Nộp muộn"
    assert rows["PBGD"]["Đúng hạn/Muộn"] == "Quá hạn, chưa nộp"
    notes = [c.value for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("Đăng ký thi đua")]
    assert notes and "Đã nộp 3/24" in notes[0]


def test_problems_sheet(filled, cross_calls):
    ws = load_workbook(filled.path)["Vấn đề tồn đọng"]
    labels = header(ws)
    assert labels == ["Mã đơn vị", "Tên đơn vị", "Biểu mẫu", "Tệp", "Trang tính", "Ô", "Mức độ", "Nội dung",
                      CODE_LABEL]
    assert ws.column_dimensions[get_column_letter(len(labels))].hidden  # the code: last, hidden
    rows = [dict(zip(labels, r)) for r in ws.iter_rows(min_row=HEAD + 1, values_only=True) if any(r)]
    by_code = {r[CODE_LABEL]: r for r in rows}
    rejected = by_code[REJECT.code]
    assert (rejected["Mã đơn vị"], rejected["Tệp"], rejected["Trang tính"], rejected["Ô"]) == (
        "XDKT", "XDKT.xlsx", "Cá nhân", REJECT.cell)
    assert (rejected["Mức độ"], rejected["Nội dung"]) == (SEVERITY_LABELS["error"], REJECT.message)
    assert by_code["file.macros"]["Mã đơn vị"] == "TTR"  # accepted with warnings: still listed
    cross = by_code[CROSS.code]
    assert (cross["Mã đơn vị"], cross["Nội dung"], cross["Tệp"]) == ("VP", CROSS.message, "VP.xlsx")
    assert by_code["ident.unknown_unit"]["Tệp"] == "không rõ.xlsx"
    assert len(rows) == 4 == filled.counts["problems"]


def test_cross_unit_check_runs_once_per_form_on_the_shared_rows_in_use(filled, cross_calls):
    assert [form_id for form_id, _ in cross_calls] == ["registration"]
    rows_by_unit = cross_calls[0][1]
    assert sorted(rows_by_unit) == ["TTR", "VP"]  # only the person both units registered
    [an] = rows_by_unit["TTR"]
    assert isinstance(an, Row) and an.sheet == "individuals" and an.row == 10
    assert an.values["given_name"] == "An" and an.values["birth_date"] == date(1985, 3, 15)
    assert [r.values["given_name"] for r in rows_by_unit["VP"]] == ["An"]


def test_unit_text_never_becomes_a_formula(filled):
    wb = load_workbook(filled.path)
    ws = wb[form_sheet_name("registration", "Cá nhân")]
    found = [c for row in ws.iter_rows(min_row=HEAD + 1) for c in row if c.value in HOSTILE]
    assert sorted(c.value for c in found) == sorted(HOSTILE)
    assert all(c.data_type == "s" for c in found)
    with zipfile.ZipFile(filled.path) as z:
        sheets = sheet_parts(z)
        assert len(sheets) == 8  # overview, status, summary, the 4 registration tables, problems
        for title, name in sheets.items():
            xml = z.read(name).decode("utf-8")
            if title == OVERVIEW_SHEET:  # the tool's own counts (COUNTIF/SUM); no unit's text in them
                assert "<f>" in xml and not any(h in xml for h in (HOSTILE[0], HOSTILE[2]))
            else:
                assert "<f>" not in xml and "<f " not in xml


def sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's title -> its part in the .xlsx (through xl/workbook.xml and its relationships)."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
          "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
    targets = {rel.get("Id"): rel.get("Target")
               for rel in ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels")).findall("p:Relationship", ns)}
    return {s.get("name"): "xl/" + targets[s.get(f"{{{ns['r']}}}id")].removeprefix("/xl/")
            for s in ElementTree.fromstring(z.read("xl/workbook.xml")).find("m:sheets", ns)}


def test_busy_master_is_written_beside(camp, cross_calls):
    send(camp, "VP", datetime(2024, 1, 30, 10, 0), individuals=[person("An")])
    first = consolidate(camp, today=date(2024, 2, 5))
    original = first.path.read_bytes()
    owner = first.path.with_name("~$" + first.path.name)
    owner.write_bytes(b"owner")
    send(camp, "TTR", datetime(2024, 1, 30, 11, 0), individuals=[person("Bình")])
    second = consolidate(camp, today=date(2024, 2, 5))
    assert second.busy_target == first.path
    assert second.path != first.path and second.path.parent == first.path.parent and second.path.exists()
    assert first.path.read_bytes() == original
    assert second.counts["rows"]["individuals"] == 2
    assert len(rows_of(load_workbook(second.path)[form_sheet_name("registration", "Cá nhân")])) == 2
    assert not [p for p in first.path.parent.iterdir() if p.name.startswith(".tmp-")]


def test_no_data_at_all(camp, cross_calls):
    result = consolidate(camp, today=date(2024, 1, 2))
    wb = load_workbook(result.path)
    assert all(len(wb[form_sheet_name("registration", s.name)].tables) == 1 for s in FORM.sheets)
    assert result.counts["rows"] == {"collectives": 0, "individuals": 0, "movements": 0, "targets": 0}
    assert result.counts["units_with_data"] == 0


def test_real_cross_unit_check(camp):
    """With the real validate module: one person registered by two units is reported."""
    pytest.importorskip("sheets_tools.collection.validate")
    same = person("An", born="1980-05-05")
    send(camp, "VP", datetime(2024, 1, 30, 10, 0), individuals=[same])
    send(camp, "TTR", datetime(2024, 1, 30, 11, 0), individuals=[same])
    result = consolidate(camp, today=date(2024, 2, 5))
    ws = load_workbook(result.path)["Vấn đề tồn đọng"]
    code = header(ws).index(CODE_LABEL)
    codes = {(r[0], r[code]) for r in ws.iter_rows(min_row=HEAD + 1, values_only=True) if r[0]}
    assert {("VP", "row.duplicate_across_units"), ("TTR", "row.duplicate_across_units")} <= codes


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_opens_the_master(filled, tmp_path):
    out = tmp_path / "pdf"
    profile = (tmp_path / "lo").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), str(filled.path)], check=True, timeout=180, capture_output=True)
    [pdf] = out.glob("*.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 1000
