"""A corpus of hostile and altered returns, built in code: each file gets its expected finding code,
the run never crashes, and every file finishes within a generous bound of time and memory."""
from __future__ import annotations

import io
import time
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from sheets_tools.campaign import workbook as campaign
from sheets_tools.excel import legacy
from sheets_tools.collection.collect import collect
from sheets_tools.core.records import Incoming
from sheets_tools.collection.issue import draft_email
from sheets_tools.collection.validate import check_file
from sheets_tools.formkit.declaration import FIRST_COL, get_form
from workbooks import CORPUS, DATA, make_return

INDIVIDUALS = get_form("registration").sheet("individuals")
LETTER = {c.field: c.letter for c in INDIVIDUALS.columns}  # where the declaration puts each column
INDEX = {c.field: i for i, c in enumerate(INDIVIDUALS.columns, start=FIRST_COL)}
PERSON = {"family_name": "Nguyễn Thị", "given_name": "Hoa", "birth_date": date(1985, 3, 15), "sex": "Nữ",
          "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Lao động tiên tiến"}
OTHER = {**PERSON, "family_name": "Trần Văn", "given_name": "Bình", "sex": "Nam"}
HANG_BOUND_S = 60  # a hang detector, not a speed test
MEMORY_BOUND_MIB = 2048


# --- builders: (tmp_path, camp) -> bytes ------------------------------------------------------
def _return(tmp, camp, people=(PERSON,), tweak=None, **kw) -> bytes:
    return make_return(tmp / "r.xlsx", camp, "VP", {"individuals": list(people)}, tweak=tweak, **kw).read_bytes()


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _replace_member(data: bytes, name: str, change) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members[name] = change(members[name])
    return _zip(members)


def _add_member(data: bytes, name: str, content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = {n: z.read(n) for n in z.namelist()}
    return _zip({**members, name: content})


def _id_sheet(data: bytes) -> str:
    """The part of the hidden "_id" sheet (the last sheet make_return writes)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return sorted(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))[-1]


def _first_sheet(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return sorted(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))[0]


def _encrypted(tmp, camp) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(_return(tmp, camp))).encrypt("mat-khau", out)
    return out.getvalue()


def _sheet_tweak(fn):
    return lambda tmp, camp: _return(tmp, camp, people=(PERSON, OTHER), tweak=lambda wb: fn(wb["Cá nhân"]))


def _with_font(font, kind):
    def tweak(wb):
        wb["Cá nhân"][f"{LETTER['family_name']}9"].font = Font(name=font)
    return lambda tmp, camp: _return(tmp, camp, people=({**PERSON, "family_name": legacy.from_unicode(
        "Nguyễn Thị", kind)},), tweak=tweak)


def _far_cell(xml: bytes) -> bytes:
    return xml.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')


BOMB = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;'
        b'&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')
XXE = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'


def _swap_given_name_and_birth_date(ws):
    given, born = LETTER["given_name"], LETTER["birth_date"]
    far, apart = get_column_letter(INDEX["given_name"] + 20), INDEX["birth_date"] - INDEX["given_name"]
    ws.move_range(f"{given}8:{given}20", cols=20)
    ws.move_range(f"{born}8:{born}20", cols=-apart)
    ws.move_range(f"{far}8:{far}20", cols=apart - 20)


BELOW = {"family_name": "Lê Văn", "given_name": "Cường", "birth_date": "01/01/1980", "sex": "Nam", "position": None,
         "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Lao động tiên tiến"}


def _declared(prefix: bytes):
    """A part's XML with ``prefix`` (a declaration and a DOCTYPE) in place of its own declaration."""
    return lambda xml: prefix + (xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml)


def _entities(prefix: bytes, entity: bytes):
    def change(xml: bytes) -> bytes:
        body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
        return prefix + body.replace(b"<sheets>", b"<sheets>" + entity, 1)
    return lambda tmp, camp: _replace_member(_return(tmp, camp), "xl/workbook.xml", change)


CASES = [
    # the file as a whole
    ("empty", lambda t, c: b"", "file.empty"),
    ("html-as-xls", lambda t, c: b"<html><body><table><tr><td>1</td></tr></table></body></html>",
     "file.not_spreadsheet"),
    ("csv-as-xls", lambda t, c: "Họ và tên,Tên\nNguyễn Thị,Hoa\n".encode(), "file.not_spreadsheet"),
    ("pdf", lambda t, c: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", "file.not_spreadsheet"),
    ("png", lambda t, c: b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "file.not_spreadsheet"),
    ("random-bytes", lambda t, c: bytes(range(256)) * 8, "file.not_spreadsheet"),
    ("docx-zip", lambda t, c: _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}),
     "file.not_spreadsheet"),
    ("truncated", lambda t, c: _return(t, c)[:3000], "file.truncated"),
    ("zip-bomb", lambda t, c: _replace_member(_return(t, c), "xl/worksheets/sheet1.xml",
                                              lambda x: x + b" " * (300 * 2**20)), "file.too_large"),
    ("many-members", lambda t, c: (lambda d: _zip({**{n: zipfile.ZipFile(io.BytesIO(d)).read(n) for n in
                                                     zipfile.ZipFile(io.BytesIO(d)).namelist()},
                                                  **{f"xl/media/x{i}.xml": b"<a/>" for i in range(5000)}}))(
        _return(t, c)), "file.too_large"),
    ("declared-XFD1048576", lambda t, c: (lambda d: _replace_member(d, _first_sheet(d), lambda x: x.replace(
        b'<dimension ref="', b'<dimension ref="A1:XFD1048576" x="', 1)))(_return(t, c)), "file.too_large"),
    ("far-cell-lying-dimension", lambda t, c: (lambda d: _replace_member(d, _first_sheet(d), _far_cell))(
        _return(t, c)), "file.too_large"),
    ("entity-bomb", _entities(BOMB, b""), "file.unreadable"),
    ("external-entity", _entities(XXE, b""), "file.unreadable"),
    # in parts the reader never parses: refused all the same (no spreadsheet program writes a DOCTYPE)
    ("entity-bomb-in-core-properties", lambda t, c: _replace_member(_return(t, c), "docProps/core.xml",
                                                                     _declared(BOMB)),
     "file.unreadable"),
    ("entity-in-content-types", lambda t, c: _replace_member(_return(t, c), "[Content_Types].xml",
                                                              _declared(XXE)),
     "file.unreadable"),
    ("external-entity-in-the-id-sheet", lambda t, c: (lambda d: _replace_member(
        d, _id_sheet(d), _declared(XXE)))(_return(t, c)), "file.unreadable"),
    ("encrypted", _encrypted, "file.encrypted"),
    ("xlsm-macros", lambda t, c: _add_member(_return(t, c), "xl/vbaProject.bin", b"\x00VBA"), "file.macros"),
    ("external-links", lambda t, c: _add_member(_return(t, c), "xl/externalLinks/externalLink1.xml",
                                                b"<externalLink/>"), "file.ignored_parts"),
    ("xls-97-2003", lambda t, c: (DATA / "return.xls").read_bytes(), "file.converted_format"),
    ("ods", lambda t, c: (DATA / "return.ods").read_bytes(), "file.converted_format"),
    # identification
    ("some-other-workbook", lambda t, c: (lambda wb: (wb.save(t / "o.xlsx"), (t / "o.xlsx").read_bytes())[1])(
        Workbook()), "ident.unknown_form"),
    ("unknown-unit", lambda t, c: _return(t, c, identity=False, extra={"unit_name": "Phòng ma", "unit_code": ""}),
     "ident.unknown_unit"),
    ("other-campaign", lambda t, c: _return(t, c, extra={"campaign": "daklak-2023"}), "ident.other_campaign"),
    ("old-version", lambda t, c: _return(t, c, extra={"version": "0"}), "ident.old_version"),
    ("identity-stripped", lambda t, c: _return(t, c, identity=False), "ident.by_name"),
    # altered templates
    ("sheet-deleted", lambda t, c: _return(t, c, tweak=lambda wb: wb.remove(wb["Phong trào"])), "sheet.missing"),
    ("sheet-renamed", lambda t, c: _return(t, c, tweak=lambda wb: setattr(wb["Cá nhân"], "title", "CN 2024")),
     "sheet.renamed"),
    ("header-relabelled", _sheet_tweak(lambda ws: setattr(ws[f"{LETTER['birth_date']}8"], "value", "Quê quán")),
     "sheet.header_changed"),
    ("rows-inserted-above", _sheet_tweak(lambda ws: ws.insert_rows(3, 2)), "sheet.header_moved"),
    ("columns-swapped", _sheet_tweak(_swap_given_name_and_birth_date), "sheet.columns_moved"),
    ("column-relabelled", _sheet_tweak(lambda ws: setattr(ws[f"{LETTER['birth_date']}8"], "value",
                                                          "Ngày sinh (dd/mm/yyyy)")),
     "sheet.column_renamed"),
    ("column-inserted", _sheet_tweak(lambda ws: (ws.insert_cols(INDEX["birth_date"]),
                                                 setattr(ws[f"{LETTER['birth_date']}8"], "value", "Quê quán"))),
     "sheet.extra_column"),
    ("required-column-deleted", _sheet_tweak(lambda ws: ws.delete_cols(INDEX["given_name"])), "sheet.column_missing"),
    ("data-below-table", _sheet_tweak(lambda ws: [setattr(ws.cell(210, INDEX[f]), "value", v) for f, v in BELOW.items()]),
     "sheet.rows_below_table"),
    ("merged-cells", _sheet_tweak(lambda ws: ws.merge_cells(f"{LETTER['family_name']}9:{LETTER['given_name']}9")),
     "cell.merged"),
    ("formula-no-value", _sheet_tweak(lambda ws: setattr(ws[f"{LETTER['position']}9"], "value", "=UPPER(\"x\")")),
     "cell.formula_no_value"),
    ("pasted-over-dropdown", lambda t, c: _return(t, c, people=({**PERSON, "last_rating": "Tốt"},)),
     "cell.bad_choice"),
    ("date-not-a-date", lambda t, c: _return(t, c, people=({**PERSON, "birth_date": "31/02/1985"},)),
     "cell.bad_date"),
    ("date-out-of-range", lambda t, c: _return(t, c, people=({**PERSON, "birth_date": date(2020, 1, 1)},)),
     "cell.date_range"),
    ("required-left-empty", lambda t, c: _return(t, c, people=({**PERSON, "given_name": None},)), "cell.required"),
    ("digits-for-a-name", lambda t, c: _return(t, c, people=({**PERSON, "given_name": "123"},)), "cell.no_letters"),
    ("text-too-long", lambda t, c: _return(t, c, people=({**PERSON, "given_name": "A" * 500},)), "cell.too_long"),
    ("tcvn3-font", _with_font(".VnTime", "tcvn3"), "cell.legacy_font"),
    ("vni-font", _with_font("VNI-Times", "vni"), "cell.legacy_font"),
    ("mojibake", lambda t, c: _return(t, c, people=({**PERSON, "family_name": "Nguyễn Thị".encode().decode(
        "cp1252")},)), "cell.mojibake"),
    # rules over rows
    ("same-person-twice", lambda t, c: _return(t, c, people=(PERSON, PERSON)), "row.duplicate_in_unit"),
    ("collective-title-for-a-person", lambda t, c: _return(t, c, people=(
        {**PERSON, "title": "Tập thể lao động tiên tiến"},)), "row.title_wrong_subject"),
    ("form-in-title-column", lambda t, c: _return(t, c, people=(
        {**PERSON, "title": "Bằng khen của Chủ tịch UBND tỉnh (cá nhân)"},)), "row.title_is_form"),
]


def _max_rss_mib() -> float | None:
    try:
        import resource
    except ImportError:  # Windows
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 40
    assert len({name for name, _, _ in CASES}) == len(CASES)


@pytest.mark.parametrize("name, build, code", CASES, ids=[c[0] for c in CASES])
def test_each_hostile_file_gets_its_finding(tmp_path, shared_camp, name, build, code):
    data = build(tmp_path, shared_camp)
    start = time.monotonic()
    result = check_file(Incoming(f"{name}.xlsx", data, f"hop-thu/{name}.xlsx", datetime(2024, 1, 20)), shared_camp)
    assert time.monotonic() - start < HANG_BOUND_S
    rss = _max_rss_mib()
    assert rss is None or rss < MEMORY_BOUND_MIB
    codes = [f.code for f in result.findings]
    assert code in codes, (name, [(f.code, f.sheet, f.cell, f.message) for f in result.findings])
    for f in result.findings:  # every message is Vietnamese text for the unit, with a place when it has one
        assert f.message and "{" not in f.message
        if f.cell:
            assert f.sheet


def test_one_collect_over_the_whole_corpus_never_stops(tmp_path, shared_camp):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i, (name, build, _) in enumerate(CASES):
        work = tmp_path / f"w{i}"
        work.mkdir()
        (inbox / f"{i:02d}-{name}.xlsx").write_bytes(build(work, shared_camp))
    (inbox / "thu-khong-dinh-kem.eml").write_bytes(draft_email(
        sender="vp@example.gov.vn", to="stp@example.gov.vn", subject="Gửi", body="Quên đính kèm", attachments=[]))
    import shutil
    camp_dir = tmp_path / "dot"
    shutil.copytree(shared_camp.dir, camp_dir, ignore=shutil.ignore_patterns("ledger*", "archive", "feedback"))
    result = collect(campaign.load(camp_dir), [inbox])
    assert len(result.files) == len(CASES) + 1
    assert "file.no_attachment" in [f.code for c in result.files for f in c.result.findings]
    # every file with a problem got its feedback workbook
    assert all(c.feedback and c.feedback.exists() for c in result.files if c.result.findings)


FOREIGN = CORPUS / "foreign"


@pytest.mark.skipif(not FOREIGN.is_dir(), reason="../shared/corpus/foreign is not beside the checkout")
def test_spreadsheets_of_other_programs_are_all_answered(tmp_path, shared_camp):
    """The 133 real files other programs wrote: none is a form of ours; each gets a clear finding."""
    import shutil
    camp_dir = tmp_path / "dot"
    shutil.copytree(shared_camp.dir, camp_dir, ignore=shutil.ignore_patterns("ledger*", "archive", "feedback"))
    files = sorted(p for p in FOREIGN.iterdir() if p.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"))
    start = time.monotonic()
    result = collect(campaign.load(camp_dir), files, feedback=False)
    assert time.monotonic() - start < 20 * HANG_BOUND_S
    assert len(result.files) == len(files)
    for c in result.files:
        assert c.result.status == "rejected", c.result.incoming.source
        assert c.result.findings[0].message
    rss = _max_rss_mib()
    assert rss is None or rss < MEMORY_BOUND_MIB
