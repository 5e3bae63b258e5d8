"""Intake: gathering files and e-mails, sniffing, identification and reading declared ranges."""
from __future__ import annotations

import io
from xml.etree import ElementTree
import os
import re
import zipfile
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from workbooks import CORPUS as SHARED_CORPUS, cell_of, codes, header_of, make_return, only

from sheets_tools.collection import intake
from sheets_tools.collection.gather import gather
from sheets_tools.core.findings import message
from sheets_tools.formkit.declaration import FIRST_COL, FIRST_ROW, ID_SHEET, get_form
from sheets_tools.core.records import FileResult, Incoming
from sheets_tools.excel import limits, sheetxml
from sheets_tools.excel.sniff import sniff

CORPUS = SHARED_CORPUS / "foreign"  # ../shared/corpus/foreign beside the checkout
REGISTRATION = get_form("registration")
GIVEN_NAME_LABEL = header_of("registration", "individuals", "given_name")  # the label "Tên"
ON_TIME = datetime(2024, 1, 20, 9, 0)
XLSX_MIME = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
PERSON = {"family_name": "Nguyễn Văn", "given_name": "An", "birth_date": date(1985, 3, 15), "sex": "Nam",
          "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Lao động tiên tiến"}


def incoming_of(path: Path) -> Incoming:
    return Incoming(name=path.name, data=path.read_bytes(), source=str(path), received_at=ON_TIME)


def read_path(path: Path, camp):
    return intake.read(incoming_of(path), camp)


def read_bytes(data: bytes, camp, name: str = "x.xlsx"):
    return intake.read(Incoming(name=name, data=data, source=name, received_at=ON_TIME), camp)



def xlsx_bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- gather ------------------------------------------------------------------------------------
def test_gather_folder_skips_hidden_and_lock_files(tmp_path, shared_camp):
    (tmp_path / "b").mkdir()
    for name in ("a.xlsx", "b/c.xlsx", "~$a.xlsx", ".~lock.a.xlsx#", ".hidden.xlsx", "b/notes.txt"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.xlsx").write_bytes(b"x")
    names = [item.name for item in gather([tmp_path])]
    assert names == ["a.xlsx", "c.xlsx", "notes.txt"]


def test_gather_file_received_at_is_mtime(tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"data")
    stamp = datetime(2024, 1, 30, 16, 45).timestamp()
    os.utime(path, (stamp, stamp))
    (item,) = gather([path])
    assert item.received_at == datetime(2024, 1, 30, 16, 45)
    assert item.data == b"data" and item.source == str(path)


def test_gather_missing_path_is_a_finding(tmp_path):
    (item,) = gather([tmp_path / "nope.xlsx"])
    assert isinstance(item, FileResult)
    assert codes(item) == ["file.unreadable"]
    assert item.status == "rejected"


def write_eml(path: Path, attachments: list[tuple[str, bytes]], date_header: str | None) -> Path:
    msg = EmailMessage()
    msg["From"] = "vp.stp@example.gov.vn"
    msg["To"] = "vanphong.stp@example.gov.vn"
    msg["Subject"] = "Đăng ký thi đua"
    if date_header:
        msg["Date"] = date_header
    msg.set_content("Kính gửi Văn phòng Sở, đơn vị gửi biểu mẫu đăng ký thi đua.")
    for name, data in attachments:
        msg.add_attachment(data, maintype=XLSX_MIME[0], subtype=XLSX_MIME[1], filename=name)
    path.write_bytes(msg.as_bytes())
    return path


def test_eml_attachments(tmp_path, shared_camp):
    data = make_return(tmp_path / "vp.xlsx", shared_camp, "VP", {"individuals": [PERSON]}).read_bytes()
    eml = write_eml(tmp_path / "mail.eml", [("Đăng ký thi đua - VP.xlsx", data), ("ghi chú.txt", b"hello")],
                    "Wed, 31 Jan 2024 20:30:00 +0000")
    items = list(gather([eml]))
    assert len(items) == 1
    (item,) = items
    assert item.name == "Đăng ký thi đua - VP.xlsx"
    assert item.source == f"{eml} » Đăng ký thi đua - VP.xlsx"
    assert item.data == data
    assert item.received_at == datetime(2024, 2, 1, 3, 30)  # 20:30 UTC is 03:30 next day in Vietnam
    result, raw = intake.read(item, shared_camp)
    assert result.unit_code == "VP" and len(raw["individuals"]) == 1


def test_eml_attachment_found_by_content(tmp_path, shared_camp):
    data = make_return(tmp_path / "vp.xlsx", shared_camp, "VP", {}).read_bytes()
    eml = write_eml(tmp_path / "mail.eml", [("bieu-mau.dat", data)], None)
    stamp = datetime(2024, 1, 10, 8, 0).timestamp()
    os.utime(eml, (stamp, stamp))
    (item,) = gather([eml])
    assert item.name == "bieu-mau.dat"
    assert item.received_at == datetime(2024, 1, 10, 8, 0)  # no Date header: the file's time


def test_eml_without_attachment(tmp_path):
    eml = write_eml(tmp_path / "mail.eml", [("ghi chú.txt", b"hello")], "Wed, 31 Jan 2024 08:00:00 +0700")
    (item,) = gather([tmp_path])
    assert isinstance(item, FileResult)
    finding = only(item, "file.no_attachment")
    assert finding.message == message("file.no_attachment")
    assert item.incoming.received_at == datetime(2024, 1, 31, 8, 0)
    assert item.incoming.source == str(eml)


# --- sniff and file-level findings ---------------------------------------------------------------
def zip_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_sniff_kinds():
    blank = xlsx_bytes(Workbook())
    assert sniff(blank) == "xlsx"
    assert sniff(zip_of({"xl/workbook.xml": b"", "xl/vbaProject.bin": b""})) == "xlsm"
    assert sniff(zip_of({"xl/workbook.bin": b""})) == "xlsb"
    assert sniff(zip_of({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})) == "ods"
    assert sniff(zip_of({"mimetype": b"application/vnd.oasis.opendocument.text"})) == "zip-other"
    assert sniff(zip_of({"word/document.xml": b"<w/>"})) == "zip-other"
    assert sniff(blank[: len(blank) // 2]) == "zip-broken"
    assert sniff(b"") == "empty"
    assert sniff(b"%PDF-1.7\n...") == "pdf"
    assert sniff(b"\xef\xbb\xbf<!DOCTYPE html><html><table></table></html>") == "html"
    assert sniff(b"<table><tr><td>1</td></tr></table>") == "html"
    assert sniff("Họ tên;Ngày sinh\nAn;15/03/1985\n".encode()) == "csv"
    assert sniff(b"\x00\x01\x02binary") == "unknown"
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100) == "unknown"  # damaged OLE2


@pytest.mark.parametrize("data, code, context", [
    (b"", "file.empty", {}),
    (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "file.not_spreadsheet",
     {"what": "trang web (HTML) đổi đuôi thành .xlsx"}),
    (b"%PDF-1.4\n%...", "file.not_spreadsheet", {"what": "tài liệu PDF"}),
    ("Họ tên,Ngày sinh\nAn,15/03/1985\n".encode(), "file.not_spreadsheet", {"what": "văn bản CSV đổi đuôi thành .xlsx"}),
    (zip_of({"word/document.xml": b"<w/>"}), "file.not_spreadsheet", {"what": "tài liệu Word hoặc tệp nén khác"}),
])
def test_file_level_findings(shared_camp, data, code, context):
    result, raw = read_bytes(data, shared_camp)
    assert raw == {}
    assert only(result, code).message == message(code, **context)
    assert result.status == "rejected"
    assert result.findings[0].file == "x.xlsx"


def test_truncated_zip(return_file, shared_camp):
    data = return_file("VP", {}).read_bytes()
    result, _ = read_bytes(data[:-200], shared_camp)
    assert only(result, "file.truncated").message == message(
        "file.truncated", detail="cấu trúc tệp nén (zip) không trọn vẹn")


def test_encrypted_ooxml(return_file, shared_camp):
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml")
    plain = return_file("VP", {})
    out = io.BytesIO()
    with plain.open("rb") as fh:
        ooxml.OOXMLFile(fh).encrypt("matkhau", out)
    assert sniff(out.getvalue()) == "encrypted"
    result, _ = read_bytes(out.getvalue(), shared_camp)
    assert only(result, "file.encrypted").message == message("file.encrypted")


def test_xlsm_is_read_with_a_warning(return_file, shared_camp):
    path = return_file("VP", {"individuals": [PERSON]})
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/vbaProject.bin", b"\x00fake vba")
    result, raw = read_bytes(buf.getvalue(), shared_camp)
    assert codes(result) == ["file.macros"]
    assert result.status == "accepted_with_warnings"
    assert len(raw["individuals"]) == 1


def with_settings(camp, **settings):
    """A copy of ``camp`` with some settings (limits) changed."""
    fields = {f: getattr(camp, f) for f in type(camp).model_fields}
    return type(camp)(**{**fields, "settings": {**camp.settings, **{k: str(v) for k, v in settings.items()}}})


def test_too_many_members(return_file, shared_camp):
    path = return_file("VP", {})
    result, raw = read_path(path, with_settings(shared_camp, max_zip_members=3))
    assert codes(result) == ["file.too_large"] and raw == {}
    assert "max_zip_members" in result.findings[0].message


def test_too_large_uncompressed(return_file, shared_camp):
    path = return_file("VP", {})
    result, _ = read_path(path, with_settings(shared_camp, max_uncompressed_mb=0.001))
    assert codes(result) == ["file.too_large"]
    assert "max_uncompressed_mb" in result.findings[0].message


def test_far_away_cell_is_refused_not_a_crash(return_file, shared_camp):
    """A cell at XFD1048576 made calamine abort the whole process; it must become a finding."""
    path = return_file("VP", {"individuals": [PERSON]},
                       tweak=lambda wb: wb["Cá nhân"].cell(row=1048576, column=16384, value="x"))
    result, raw = read_path(path, shared_camp)
    finding = only(result, "file.too_large")
    assert "Cá nhân" in finding.message and raw == {}


def rewrite_member(data: bytes, member: str, change) -> bytes:
    """The same zip with ``member`` replaced by ``change(its bytes)``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            dst.writestr(info, change(body) if info.filename == member else body)
    return buf.getvalue()


def sheet_member(data: bytes, name: str) -> str:
    """The zip member holding sheet ``name`` (openpyxl numbers them in creation order)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        workbook = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    titles = [el.get("name") for el in workbook.iter() if el.tag.endswith("}sheet")]
    return f"xl/worksheets/sheet{titles.index(name) + 1}.xml"


def test_far_cell_behind_a_lying_dimension_is_refused(return_file, shared_camp):
    """The <dimension> element says A1:G9 but a cell sits at XFD1048576: still refused, no crash."""
    path = return_file("VP", {"individuals": [PERSON]})
    data = path.read_bytes()
    member = sheet_member(data, "Cá nhân")
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'

    def lie(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:G9"/>', xml)
        assert b'<dimension ref="A1:G9"/>' in xml
        return xml.replace(b"</sheetData>", far)
    result, raw = read_bytes(rewrite_member(data, member, lie), shared_camp)
    finding = only(result, "file.too_large")
    assert "Cá nhân" in finding.message and raw == {}


def test_huge_dimension_is_refused(return_file, shared_camp):
    """A sheet declaring more cells than max_sheet_cells is refused before calamine sees it."""
    path = return_file("VP", {"individuals": [PERSON]})
    data = path.read_bytes()
    member = sheet_member(data, "Cá nhân")
    data = rewrite_member(data, member, lambda xml: re.sub(
        rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', xml))
    result, raw = read_bytes(data, shared_camp)
    finding = only(result, "file.too_large")
    assert "Cá nhân" in finding.message and "max_sheet_cells" in finding.message and raw == {}


OLD_FAR_CELL = re.compile(rb'\br="(?:[A-Z]{3}\d|[A-Z]{0,2}\d{5})')


@pytest.mark.parametrize("xml, far", [
    (b'<c r="XFD1048576">', True), (b'<row r="10000">', True), (b'r="AAA1"', True),
    (b'<c\tr="ZZZ7"/>', True), (b'<c r="ZZ9999"/><row r="9999">', False),
    (b'<c xr="AAA1"/><c _r="B99999"/>', False), (b'<c xr="AAA1"/><c r="AAB2"/>', True),
    (b'<c r="aaa1"/>', False), (b'', False),
])
def test_far_reference_scan(xml, far):
    assert limits._has_far_reference(xml) is far
    assert bool(OLD_FAR_CELL.search(xml)) is far  # the same answer as a scan with a leading \b


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b'r="', b"AAA", b"ZZ", b"B", b"1", b"99999", b"x", b" ", b"<c ", b'"', b"_"]),
                max_size=12))
def test_far_reference_scan_matches_word_boundary_scan(parts):
    xml = b"".join(parts)
    assert limits._has_far_reference(xml) is bool(OLD_FAR_CELL.search(xml))


BOMB = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY e "boom">]><workbook>&e;</workbook>'


@pytest.mark.parametrize("data", [BOMB, BOMB.decode().replace("1.0\"", "1.0\" encoding=\"UTF-16\"").encode("utf-16")])
def test_xml_with_entities_is_refused(data):
    from defusedxml import EntitiesForbidden

    with pytest.raises(EntitiesForbidden):
        sheetxml.parse_xml(data)


def test_plain_xml_is_parsed():
    root = sheetxml.parse_xml(b'<?xml version="1.0"?><workbook><sheet name="A &amp; B"/></workbook>')
    assert root.find("sheet").get("name") == "A & B"


def test_workbook_xml_with_entities_is_unreadable(return_file, shared_camp):
    path = return_file("VP", {"individuals": [PERSON]})
    data = rewrite_member(path.read_bytes(), "xl/workbook.xml", lambda xml: re.sub(
        rb"^(<\?xml[^>]*\?>)?", rb'\1<!DOCTYPE workbook [<!ENTITY e "x">]>', xml, count=1))
    result, raw = read_bytes(data, shared_camp)
    assert codes(result) == ["file.unreadable"] and raw == {}


def test_unreadable_workbook(shared_camp):
    data = zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<not xml"})
    result, raw = read_bytes(data, shared_camp)
    finding = only(result, "file.unreadable")
    assert raw == {} and "Error" in finding.message  # the exception type is named


# --- how calamine indexes rows --------------------------------------------------------------------
def test_calamine_rows_start_at_row_one(tmp_path):
    """With skip_empty_area=False, index i is spreadsheet row i+1 even when data starts lower."""
    import python_calamine

    wb = Workbook()
    ws = wb.active
    ws["C9"], ws["B12"] = 7, "x"
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(xlsx_bytes(wb)))
    rows = book.get_sheet_by_name(ws.title).to_python(skip_empty_area=False, nrows=12)
    assert len(rows) == 12
    assert rows[8][2] == 7.0 and isinstance(rows[8][2], float)  # calamine: float for an int
    assert rows[11][1] == "x"
    assert rows[0] == ["", "", ""]


def test_types_differ_between_calamine_and_openpyxl(return_file, shared_camp):
    path = return_file("VP", {"individuals": [{**PERSON, "note": 7}]})
    _, raw = read_path(path, shared_camp)
    (number, values), = raw["individuals"]
    assert number == FIRST_ROW
    assert values["note"] == 7.0 and isinstance(values["note"], float)
    assert type(values["birth_date"]) is date
    ws = load_workbook(path)["Cá nhân"]
    note, born = (cell_of(REGISTRATION.id, "individuals", field) for field in ("note", "birth_date"))
    assert isinstance(ws[note].value, int) and isinstance(ws[born].value, datetime)


# --- identification ------------------------------------------------------------------------------
def test_identified_by_hidden_anchors(return_file, shared_camp):
    path = return_file("PTP-BMT", {"individuals": [PERSON]})
    result, raw = read_path(path, shared_camp)
    assert (result.form_id, result.form_version, result.unit_code, result.identified_by) == (
        "registration", REGISTRATION.version, "PTP-BMT", "hidden")
    assert result.findings == []
    assert set(raw) == {"collectives", "individuals", "movements", "targets"}
    assert raw["collectives"] == [] and raw["individuals"][0][1]["given_name"] == "An"


@pytest.mark.parametrize("anchors", [("names",), ("properties",), ("names", "properties")])
def test_id_sheet_removed_names_or_properties_identify(return_file, shared_camp, anchors):
    path = return_file("TTR", {}, identity=anchors)
    result, _ = read_path(path, shared_camp)
    assert (result.unit_code, result.identified_by) == ("TTR", "hidden")
    assert ID_SHEET not in load_workbook(path).sheetnames


def test_all_hidden_anchors_removed_identified_by_name(return_file, shared_camp):
    path = return_file("TTR", {"individuals": [PERSON]}, identity=False,
                       extra={"unit_name": "  thanh tra sở "})
    result, raw = read_path(path, shared_camp)
    assert (result.form_id, result.unit_code, result.identified_by) == ("registration", "TTR", "name")
    assert only(result, "ident.by_name").message == message("ident.by_name", value="thanh tra sở")
    assert result.status == "accepted_with_warnings"
    assert len(raw["individuals"]) == 1


def test_identified_by_code_on_sheet(return_file, shared_camp):
    path = return_file("TTR", {}, identity=False, extra={"unit_name": ""})
    result, _ = read_path(path, shared_camp)
    assert (result.unit_code, result.identified_by) == ("TTR", "name")
    assert only(result, "ident.by_name").value == "TTR"


def test_unknown_unit_on_sheet(return_file, shared_camp):
    path = return_file("TTR", {}, identity=False,
                       extra={"unit_name": "Phòng Không Có", "unit_code": "ZZZ"})
    result, _ = read_path(path, shared_camp)
    assert result.unit_code is None
    assert only(result, "ident.unknown_unit").message == message(
        "ident.unknown_unit", detail=" (trên biểu mẫu ghi \"Phòng Không Có\")")


def test_unknown_unit_code(return_file, shared_camp):
    path = return_file("TTR", {}, extra={"unit": "NOPE"})
    result, _ = read_path(path, shared_camp)
    assert only(result, "ident.unknown_unit").message == message(
        "ident.unknown_unit", detail=" (mã \"NOPE\" không có trong danh sách đơn vị)")
    assert result.status == "rejected"


def test_unknown_form(shared_camp):
    wb = Workbook()
    wb.active["A1"] = "Bảng lương tháng 1"
    result, raw = read_bytes(xlsx_bytes(wb), shared_camp)
    assert codes(result) == ["ident.unknown_form"]
    assert only(result, "ident.unknown_form").message == message("ident.unknown_form")
    assert raw == {} and result.form_id is None


def test_form_recognised_by_structure(return_file, shared_camp):
    path = return_file("VP", {}, identity=False)
    result, _ = read_path(path, shared_camp)
    assert result.form_id == "registration" and result.unit_code == "VP"


def test_other_campaign(return_file, shared_camp):
    path = return_file("VP", {}, extra={"campaign": "daklak-2023"})
    result, _ = read_path(path, shared_camp)
    assert only(result, "ident.other_campaign").message == message(
        "ident.other_campaign", value="daklak-2023", expected="daklak-2024")


def test_old_version(return_file, shared_camp):
    path = return_file("VP", {}, extra={"version": "0"})
    result, _ = read_path(path, shared_camp)
    expected = message("ident.old_version", value="0", expected=REGISTRATION.version)
    assert only(result, "ident.old_version").message == expected
    assert result.form_version == 0
    assert result.status == "accepted_with_warnings"


def test_unit_mismatch(return_file, shared_camp):
    """The name on the form is not the hidden code's unit (a unit renamed after the forms went out, maybe to a
    name another unit had): the hidden code decides, with a warning."""
    for name in ("Phòng Thanh tra cũ", "Thanh tra Sở"):  # no unit's name; the inspectorate's (TTR)
        path = return_file("VP", {}, extra={"unit_name": name})
        result, _ = read_path(path, shared_camp)
        assert result.unit_code == "VP"
        finding = only(result, "ident.unit_mismatch")
        assert finding.message == message("ident.unit_mismatch", value="VP", detail=name)
        assert finding.unit == "VP"


# --- declared ranges ----------------------------------------------------------------------------
def test_header_changed(return_file, shared_camp):
    def rename(wb):
        wb["Cá nhân"][GIVEN_NAME_LABEL] = "Quê quán"  # a slightly edited label ("Tên gọi") is accepted: see test_layout
    path = return_file("VP", {"individuals": [PERSON]}, tweak=rename)
    result, raw = read_path(path, shared_camp)
    finding = only(result, "sheet.header_changed")
    assert (finding.sheet, finding.cell, finding.field) == ("Cá nhân", GIVEN_NAME_LABEL, "given_name")
    assert finding.message == message("sheet.header_changed", cell=GIVEN_NAME_LABEL, value="Quê quán", expected="Tên")
    assert "individuals" not in raw and "collectives" in raw


def test_header_compare_is_folded(return_file, shared_camp):
    def shout(wb):
        wb["Cá nhân"][GIVEN_NAME_LABEL] = "  TÊN "
    path = return_file("VP", {}, tweak=shout)
    result, _ = read_path(path, shared_camp)
    assert result.findings == []


def test_sheet_missing(return_file, shared_camp):
    path = return_file("VP", {}, tweak=lambda wb: wb.remove(wb["Phong trào"]))
    result, raw = read_path(path, shared_camp)
    assert only(result, "sheet.missing").message == message("sheet.missing", sheet="Phong trào")
    assert only(result, "sheet.missing").sheet == "Phong trào"
    assert "movements" not in raw


def test_reads_only_declared_columns_and_rows_down_to_the_data_end(return_file, shared_camp):
    sheet = get_form("registration").sheet("collectives")

    def scribble(wb):
        ws = wb["Tập thể"]
        ws.cell(row=sheet.last_row + 1, column=FIRST_COL, value="after the table")  # read, with a warning
        ws.cell(row=FIRST_ROW, column=sheet.last_col + 1, value="beside the table")
        ws.cell(row=FIRST_ROW + 3, column=1, value=4)  # STT only: a blank row
    rows = [{"collective_name": "Văn phòng Sở", "title": "Tập thể lao động xuất sắc"}, {},
            {"collective_name": "Thanh tra", "title": "Tập thể lao động tiên tiến"}]
    path = return_file("VP", {"collectives": rows}, tweak=scribble)
    result, raw = read_path(path, shared_camp)
    assert [n for n, _ in raw["collectives"]] == [FIRST_ROW, FIRST_ROW + 2, sheet.last_row + 1]
    assert set(raw["collectives"][0][1]) == {c.field for c in sheet.columns}
    assert codes(result) == ["sheet.rows_below_table"]


def test_read_never_raises(shared_camp):
    for data in (b"PK\x03\x04garbage", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1garbage", bytes(range(256)) * 12):
        result, raw = read_bytes(data, shared_camp)
        assert result.status == "rejected" and raw == {}


@pytest.mark.libreoffice
def test_libreoffice_resave_still_identified(tmp_path, shared_camp):
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) not on PATH")
    (tmp_path / "in").mkdir()
    path = make_return(tmp_path / "in" / "a.xlsx", shared_camp, "TTR", {"individuals": [{**PERSON, "note": 7}]},
                       identity=("names", "properties"))
    profile = (tmp_path / "profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "xlsx",
                    "--outdir", str(tmp_path / "out"), str(path)], check=True, capture_output=True, timeout=180)
    result, raw = read_path(tmp_path / "out" / "a.xlsx", shared_camp)
    assert (result.unit_code, result.identified_by, result.findings) == ("TTR", "hidden", [])
    (_, values), = raw["individuals"]
    assert values["birth_date"] == date(1985, 3, 15) and values["note"] == 7.0
