"""Intake of real-world formats and hostile files: .xls/.ods/.xlsb read through a bounded child
process, text exports recognised, limits checked before parsing, encrypted files opened with
the unit's password."""
from __future__ import annotations

import importlib.util
import io
import re
import shutil
import struct
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from workbooks import CORPUS as SHARED_CORPUS, DATA, codes, make_return, only

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.collection import intake
from sheets_tools.core.findings import message
from sheets_tools.formkit.declaration import get_form
from sheets_tools.core.records import Incoming
from sheets_tools.excel.sniff import CONVERTED, sniff

CORPUS = SHARED_CORPUS / "foreign"  # ../shared/corpus/foreign beside the checkout
ON_TIME = datetime(2024, 1, 20, 9, 0)
PERSON = {"family_name": "Nguyễn Văn", "given_name": "An", "birth_date": date(1985, 3, 15), "sex": "Nam",
          "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Lao động tiên tiến"}


def _load_make_data():
    spec = importlib.util.spec_from_file_location("make_data", DATA / "make_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_data = _load_make_data()


def with_settings(camp, **settings):
    """A copy of ``camp`` with some settings (limits, passwords) changed."""
    fields = {f: getattr(camp, f) for f in type(camp).model_fields}
    return type(camp)(**{**fields, "settings": {**camp.settings, **{k: str(v) for k, v in settings.items()}}})


def read_bytes(data: bytes, camp, name: str = "x.xlsx"):
    return intake.read(Incoming(name=name, data=data, source=name, received_at=ON_TIME), camp)


def read_path(path: Path, camp):
    return read_bytes(path.read_bytes(), camp, path.name)



def with_members(data: bytes, members: dict[str, bytes]) -> bytes:
    """The zip ``data`` with ``members`` added (deflated)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        for name, body in members.items():
            dst.writestr(name, body)
    return buf.getvalue()


# --- .xls, .ods, .xlsb --------------------------------------------------------------------------
def assert_read_like_xlsx(path: Path, xlsx: Path, camp, kind: str) -> None:
    result, raw = read_path(path, camp)
    expected, expected_raw = read_path(xlsx, camp)
    assert expected.findings == [] and expected_raw["individuals"]
    assert codes(result) == ["file.converted_format"]
    assert result.findings[0].message == message("file.converted_format", what=CONVERTED[kind])
    assert result.status == "accepted_with_warnings"
    assert (result.form_id, result.form_version, result.unit_code, result.identified_by) == (
        expected.form_id, expected.form_version, expected.unit_code, "hidden")
    assert raw == expected_raw


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_committed_conversions_read_like_the_xlsx(shared_camp, kind):
    """LibreOffice's .xls and .ods of a filled return (tests/data, see make_data.py)."""
    path = DATA / f"return.{kind}"
    assert sniff(path.read_bytes()) == kind
    assert_read_like_xlsx(path, DATA / "return.xlsx", shared_camp, kind)


def test_committed_xlsx_matches_make_data(shared_camp, tmp_path):
    """The committed xlsx is what make_data builds now (so the conversions stay meaningful)."""
    fresh = make_data.make_xlsx(tmp_path / "return.xlsx")
    # the committed files predate the registration's optional sheet "Chỉ tiêu" (empty in make_data's):
    # a file without it reads the same
    optional = {s.key for s in get_form("registration").sheets if s.optional}
    raw = {k: v for k, v in read_path(fresh, shared_camp)[1].items() if v or k not in optional}
    assert raw == read_path(DATA / "return.xlsx", shared_camp)[1]
    assert make_data.ROWS["individuals"][0]["given_name"] == "An"


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_libreoffice_conversions_read_like_the_xlsx(shared_camp, tmp_path, kind):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) not on PATH")
    (tmp_path / "in").mkdir()
    xlsx = make_return(tmp_path / "in" / "a.xlsx", shared_camp, "VP", {"individuals": [PERSON, {**PERSON, "given_name": "Bình"}]})
    converted = make_data.convert(xlsx, tmp_path, kind, soffice)
    assert_read_like_xlsx(converted, xlsx, shared_camp, kind)


@pytest.mark.parametrize("name, kind", [("any_sheets.xlsb", "xlsb"), ("date.xls", "xls"), ("any_sheets.ods", "ods")])
def test_foreign_workbooks_are_read_not_rejected_for_their_format(shared_camp, name, kind):
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"corpus file {path} absent")
    assert sniff(path.read_bytes()) == kind
    result, raw = read_path(path, shared_camp)
    assert codes(result) == ["file.converted_format", "ident.unknown_form"] and raw == {}
    assert result.findings[0].message == message("file.converted_format", what=CONVERTED[kind])


@pytest.mark.parametrize("data, name, what", [
    (b"<html><body><table><tr><td>STT</td></tr></table></body></html>", "bao-cao.xls",
     "trang web (HTML) đổi đuôi thành .xls"),
    ("STT,Họ tên\n1,An\n".encode(), "bao-cao.xls", "văn bản CSV đổi đuôi thành .xls"),
    ("STT;Họ tên\n1;An\n".encode(), "bao-cao.csv", "văn bản CSV"),
    (b"<html><body>x</body></html>", "trang.html", "trang web (HTML)"),
])
def test_text_exports_are_rejected_saying_what_they_are(shared_camp, data, name, what):
    result, raw = read_bytes(data, shared_camp, name)
    assert only(result, "file.not_spreadsheet").message == message("file.not_spreadsheet", what=what)
    assert raw == {} and result.status == "rejected"


def test_active_content_is_flagged_and_ignored(return_file, shared_camp):
    data = return_file("VP", {"individuals": [PERSON]}).read_bytes()
    data = with_members(data, {"xl/vbaProject.bin": b"\x00vba", "xl/activeX/activeX1.xml": b"<ax/>",
                               "xl/embeddings/oleObject1.bin": b"\x00ole",
                               "xl/externalLinks/externalLink1.xml": b"<externalLink/>"})
    assert sniff(data) == "xlsm"
    result, raw = read_bytes(data, shared_camp, "a.xlsm")
    assert codes(result) == ["file.macros", "file.ignored_parts"]
    assert result.findings[1].message == message(
        "file.ignored_parts", what="điều khiển ActiveX, đối tượng nhúng (OLE), liên kết tới tệp khác")
    assert result.status == "accepted_with_warnings" and len(raw["individuals"]) == 1


# --- limits before parsing ----------------------------------------------------------------------
def test_file_over_max_file_mb_is_refused_before_sniffing(return_file, camp):
    book_path = next(camp.dir.glob("*.xlsx"))
    wb = load_workbook(book_path)
    wb[campaign_mod.SETTINGS_SHEET].append(["max_file_mb", 0.001])
    wb.save(book_path)
    small = campaign_mod.load(camp.dir)
    assert small.limits.max_file_mb == 0.001
    for data in (return_file("VP", {}).read_bytes(), b"<html>" + b"x" * 2000):
        result, raw = read_bytes(data, small)
        finding = only(result, "file.too_large")
        assert "max_file_mb" in finding.message and codes(result) == ["file.too_large"] and raw == {}


def test_zip_bomb_member_is_refused(return_file, shared_camp):
    data = return_file("VP", {}).read_bytes()
    bomb = with_members(data, {"xl/media/image1.bin": bytes(20 * 2**20)})
    assert len(bomb) < 100_000
    result, raw = read_bytes(bomb, shared_camp)
    finding = only(result, "file.too_large")
    assert "xl/media/image1.bin" in finding.message and "max_compression_ratio" in finding.message
    assert raw == {}


def test_too_many_members_by_default(return_file, shared_camp):
    data = return_file("VP", {}).read_bytes()
    crowded = with_members(data, {f"xl/media/m{i}.bin": b"" for i in range(shared_camp.limits.max_zip_members)})
    result, _ = read_bytes(crowded, shared_camp)
    assert "max_zip_members" in only(result, "file.too_large").message


def test_member_larger_than_its_directory_says_is_refused(return_file, shared_camp):
    """calamine decompresses a member past the size the zip directory declares; Python stops there."""
    data = return_file("VP", {}).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        styles = zf.read("xl/styles.xml")
    padded = b" " * (8 * 2**20) + styles
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, padded if info.filename == "xl/styles.xml" else src.read(info))
    real = struct.pack("<I", len(padded))
    lying = buf.getvalue()
    assert lying.count(real) == 2  # local header and central directory
    lying = lying.replace(real, struct.pack("<I", len(styles)))
    result, raw = read_bytes(lying, shared_camp)
    assert codes(result) == ["file.truncated"] and raw == {}


@pytest.mark.parametrize("ref, refused", [("A1:J40", True), ("A1:J9", False)])
def test_declared_dimension_against_max_sheet_cells(return_file, shared_camp, ref, refused):
    data = return_file("VP", {"individuals": [PERSON]}).read_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                body = re.sub(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>'.encode(), body)
            dst.writestr(info, body)
    result, raw = read_bytes(buf.getvalue(), with_settings(shared_camp, max_sheet_cells=300))
    if refused:
        finding = only(result, "file.too_large")
        assert "max_sheet_cells" in finding.message and ref in finding.message and raw == {}
    else:
        assert codes(result) == [] and len(raw["individuals"]) == 1


def test_cells_beyond_max_sheet_cells_in_a_converted_file(shared_camp):
    """The child reports a sheet spanning more cells than allowed; nothing is read."""
    result, raw = read_path(DATA / "return.ods", with_settings(shared_camp, max_sheet_cells=20))
    finding = only(result, "file.too_large")
    assert "max_sheet_cells" in finding.message and raw == {}


def ods_of(content: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", b'<?xml version="1.0"?><manifest:manifest xmlns:manifest='
                    b'"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')
        zf.writestr("content.xml", content)
    return buf.getvalue()


REPEATED_CELLS = (  # no whitespace between elements: calamine's ODS reader refuses it
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
    b'<table:table table:name="T"><table:table-row table:number-rows-repeated="6000">'
    b'<table:table-cell table:number-columns-repeated="16000" office:value-type="float" office:value="1"/>'
    b'</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>')


def test_repeated_cells_bomb_is_bounded_in_the_child(shared_camp):
    """An .ods of 1 KB whose one cell repeats into 96 million: the child runs out of its memory
    (or its time); the parent goes on with a finding."""
    result, raw = read_bytes(ods_of(REPEATED_CELLS), with_settings(shared_camp, parse_memory_mb=256, parse_timeout_s=60),
                             "bom.ods")
    assert codes(result) == ["file.too_large"] and raw == {}
    if sys.platform != "win32":  # RLIMIT_AS: the child fails on memory, not on time
        assert "parse_memory_mb" in result.findings[0].message


def test_timeout_is_a_finding(shared_camp):
    result, raw = read_path(DATA / "return.xls", with_settings(shared_camp, parse_timeout_s=0.001))
    finding = only(result, "file.too_large")
    assert "parse_timeout_s" in finding.message and raw == {}


@pytest.mark.parametrize("name", ["OOM_alloc.xls", "OOM_alloc2.xls", "OOM_alloc3.xls", "issue_594_dos.ods"])
def test_known_hostile_files_are_bounded(shared_camp, name):
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"corpus file {path} absent")
    result, raw = read_path(path, with_settings(shared_camp, parse_memory_mb=512, parse_timeout_s=60))
    assert result.status == "rejected" and raw == {}


# --- encrypted files ----------------------------------------------------------------------------
def encrypted_return(tmp_path, camp, password: str) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = make_return(tmp_path / "a.xlsx", camp, "VP", {"individuals": [PERSON]})
    out = io.BytesIO()
    with plain.open("rb") as fh:
        OOXMLFile(fh).encrypt(password, out)
    return out.getvalue()


def test_encrypted_with_the_units_password_is_read(tmp_path, shared_camp):
    data = encrypted_return(tmp_path, shared_camp, "matkhau-VP")
    assert sniff(data) == "encrypted"
    keyed = with_settings(shared_camp, **{"password.TTR": "khac", "password.VP": "matkhau-VP"})
    result, raw = read_bytes(data, keyed, "Đăng ký - VP.xlsx")
    assert codes(result) == ["file.decrypted"] and result.findings[0].message == message("file.decrypted")
    assert result.unit_code == "VP" and raw["individuals"][0][1]["given_name"] == "An"


@pytest.mark.parametrize("settings", [{}, {"password.VP": "sai"}])
def test_encrypted_without_the_right_password(tmp_path, shared_camp, settings):
    data = encrypted_return(tmp_path, shared_camp, "matkhau-VP")
    result, raw = read_bytes(data, with_settings(shared_camp, **settings))
    assert codes(result) == ["file.encrypted"] and raw == {}
    assert result.findings[0].message == message("file.encrypted")


@pytest.mark.parametrize("name", ["pass_protected.ods", "pass_protected.xlsb", "pass_protected.xlsx"])
def test_foreign_encrypted_files(shared_camp, name):
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"corpus file {path} absent")
    result, raw = read_path(path, with_settings(shared_camp, **{"password.VP": "sai"}))
    assert codes(result) == ["file.encrypted"] and raw == {}
