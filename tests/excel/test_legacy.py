"""Legacy Vietnamese encodings (TCVN3, VNI), cell fonts read from the xlsx, mojibake repair."""
import io
import unicodedata
import zipfile
from datetime import date, datetime

import pytest
import python_calamine
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Font

from sheets_tools.collection.validate import check_file
from sheets_tools.core.findings import message
from sheets_tools.core.records import Incoming
from sheets_tools.excel.legacy import TCVN3, VNI, convert_cell, from_unicode, is_capital_font, legacy_kind, repair_mojibake, to_unicode
from sheets_tools.excel.legacy_cells import (cell_styles, conversion_finding, fix_mojibake, fix_rows, fix_sheet, legacy_fonts,
                                             legacy_shared_strings, rich_cells, scan_workbook)
from workbooks import cell_of

TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
BASES = ("a", "a\u0306", "a\u0302", "e", "e\u0302", "i", "o", "o\u0302", "o\u031b", "u", "u\u031b", "y")
LOWER = [unicodedata.normalize("NFC", b + t) for b in BASES for t in TONES] + ["đ"]
UPPER = [c.upper() for c in LOWER]
ALPHABET = LOWER + UPPER
WORDS = ["Nguyễn Văn Hùng", "Sở Tư pháp", "Đắk Lắk", "Hoàn thành tốt nhiệm vụ"]


def test_the_alphabet_is_complete():
    assert len(set(LOWER)) == 73 and len(set(ALPHABET)) == 146
    assert all(unicodedata.is_normalized("NFC", c) and len(c) == 1 for c in ALPHABET)


# --- tables -----------------------------------------------------------------------------------
@pytest.mark.parametrize("letter", ALPHABET)
def test_vni_round_trip_every_letter(letter):
    encoded = from_unicode(letter, VNI)
    assert all(ord(c) < 0x100 for c in encoded)
    assert to_unicode(encoded, VNI) == letter


@pytest.mark.parametrize("letter", LOWER + ["Ă", "Â", "Ê", "Ô", "Ơ", "Ư", "Đ"])
def test_tcvn3_round_trip_every_letter_it_holds(letter):
    encoded = from_unicode(letter, TCVN3)
    assert len(encoded) == 1 and ord(encoded) < 0x100
    assert to_unicode(encoded, TCVN3) == letter


@pytest.mark.parametrize("letter", UPPER)
def test_tcvn3_capitals_through_a_capitals_font(letter):
    encoded = from_unicode(letter, TCVN3, upper=True)
    assert to_unicode(encoded, TCVN3, upper=True) == letter


def test_tcvn3_has_no_toned_capitals_outside_capital_fonts():
    with pytest.raises(ValueError):
        from_unicode("NGUYỄN", TCVN3)


def test_tcvn3_code_chart():
    """Bytes 0xA1-0xFE as the TCVN 5712 VN3 chart lays them out ("-": no letter there)."""
    chart = ("ĂÂÊÔƠƯĐăâêôơưđ------àảãáạ-ằẳẵắ-------ặầẩẫấậè-ẻẽéẹềểễếệìỉ---ĩíịò-"
             "ỏõóọồổỗốộờởỡớợù-ủũúụừửữứựỳỷỹýỵ")
    legacy_bytes = "".join(chr(b) for b in range(0xA1, 0xFF))
    converted = to_unicode(legacy_bytes, TCVN3)
    assert "".join("-" if o == i and o != "ý" else o for i, o in zip(legacy_bytes, converted)) == chart


def test_vni_vowel_rows():
    assert to_unicode("aê aé aè aú aü aë", VNI) == "ă ắ ằ ẳ ẵ ặ"
    assert to_unicode("aâ aá aà aå aã aä", VNI) == "â ấ ầ ẩ ẫ ậ"
    assert to_unicode("oâ ô ôù ôø ôû ôõ ôï", VNI) == "ô ơ ớ ờ ở ỡ ợ"
    assert to_unicode("i í ì æ ó ò y yù yø yû yõ î ñ", VNI) == "i í ì ỉ ĩ ị y ý ỳ ỷ ỹ ỵ đ"
    assert to_unicode("AÊ AÚ ÔÙ ÖÏ Æ Ó Ò Î Ñ", VNI) == "Ă Ẳ Ớ Ự Ỉ Ĩ Ị Ỵ Đ"


def test_tcvn3_codes_are_distinct():
    codes = [from_unicode(c, TCVN3) for c in LOWER]
    assert len(set(codes)) == len(codes)


@pytest.mark.parametrize("legacy_text, expected", [
    # samples known independently of our tables (old documents, converters' examples)
    ("ViÖt Nam", "Việt Nam"),
    ("Hµ Néi", "Hà Nội"),
    ("NguyÔn", "Nguyễn"),
    ("Thñ t\u00adíng", "Thủ tướng"),
    ("Th«ng t\u00ad", "Thông tư"),
    ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
    ("§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc"),
])
def test_tcvn3_known_samples(legacy_text, expected):
    assert to_unicode(legacy_text, TCVN3) == expected


@pytest.mark.parametrize("legacy_text, expected", [
    ("Nguyeãn", "Nguyễn"),
    ("Vieät Nam", "Việt Nam"),
    ("Xin chaøo caùc baïn", "Xin chào các bạn"),
    ("cheát vì", "chết vì"),
    ("Ñaø Naüng", "Đà Nẵng"),
    ("saün coù", "sẵn có"),
    ("Chi phí", "Chi phí"),
    ("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
])
def test_vni_known_samples(legacy_text, expected):
    assert to_unicode(legacy_text, VNI) == expected


@pytest.mark.parametrize("word, tcvn3, vni", [
    ("Nguyễn Văn Hùng", "NguyÔn V¨n Hïng", "Nguyeãn Vaên Huøng"),
    ("Sở Tư pháp", "Së T\u00ad ph¸p", "Sôû Tö phaùp"),
    ("Đắk Lắk", "§¾k L¾k", "Ñaék Laék"),
    ("Hoàn thành tốt nhiệm vụ", "Hoµn thµnh tèt nhiÖm vô", "Hoaøn thaønh toát nhieäm vuï"),
])
def test_words_both_ways(word, tcvn3, vni):
    assert from_unicode(word, TCVN3) == tcvn3 and to_unicode(tcvn3, TCVN3) == word
    assert from_unicode(word, VNI) == vni and to_unicode(vni, VNI) == word
    assert to_unicode(from_unicode(word.upper(), TCVN3, upper=True), TCVN3, upper=True) == word.upper()


def test_vni_mark_in_the_other_case_follows_its_base():
    assert to_unicode("Aù", VNI) == "Á" and to_unicode("aÙ", VNI) == "á"


def test_result_is_nfc():
    assert to_unicode("Ngu\u0079\u00d4n", TCVN3) == "Nguyễn"
    assert unicodedata.is_normalized("NFC", to_unicode("Hoa\u0300 Vieät", VNI))


TEXT = st.text(alphabet=st.sampled_from(ALPHABET + list("abcdghklmnpqrstvxABCDGHKLMN 0123456789-.,()/")),
               max_size=40)


@given(TEXT)
def test_vni_round_trip_property(text):
    assert to_unicode(from_unicode(text, VNI), VNI) == text


@given(TEXT)
def test_tcvn3_round_trip_property(text):
    lower = text.lower()
    assert to_unicode(from_unicode(lower, TCVN3), TCVN3) == lower
    assert to_unicode(from_unicode(text, TCVN3, upper=True), TCVN3, upper=True) == text.upper()


# --- fonts ------------------------------------------------------------------------------------
@pytest.mark.parametrize("font, kind, capital", [
    (".VnTime", TCVN3, False), (".VnTimeH", TCVN3, True), (".VnArial", TCVN3, False), (" .vnArialH", TCVN3, True),
    ("VNI-Times", VNI, False), ("vni-Helve", VNI, False), ("Times New Roman", None, False), ("Arial", None, False),
    ("VNITimes", None, False), (None, None, False), ("", None, False),
])
def test_font_detection(font, kind, capital):
    assert legacy_kind(font) == kind
    assert is_capital_font(font) is capital


@pytest.mark.parametrize("text, font, expected", [
    ("NguyÔn V¨n Hïng", ".VnTime", ("Nguyễn Văn Hùng", TCVN3)),
    ("nguyÔn v¨n hïng", ".VnTimeH", ("NGUYỄN VĂN HÙNG", TCVN3)),
    ("Nguyeãn Vaên Huøng", "VNI-Times", ("Nguyễn Văn Hùng", VNI)),
    ("NguyÔn V¨n Hïng", "Times New Roman", ("NguyÔn V¨n Hïng", None)),
    ("Nguyen Van A", ".VnTime", ("Nguyen Van A", None)),            # ASCII: nothing to convert
    ("Sở Tư pháp", ".VnTime", ("Sở Tư pháp", None)),                # already Unicode: left alone
    ("Sở Tư pháp", "VNI-Times", ("Sở Tư pháp", None)),
    ("Lê Hà", ".VnTime", ("Lê Hà", None)),                          # à is no TCVN3 code
    ("Lê Hà", "VNI-Times", ("Lê Hà", None)),                        # a mark after no vowel
    ("Nguye\u0302\u0303n", ".VnTime", ("Nguye\u0302\u0303n", None)),  # decomposed Unicode
])
def test_convert_cell(text, font, expected):
    assert convert_cell(text, font) == expected


# --- fonts of cells in an xlsx ----------------------------------------------------------------
def _xlsx(build) -> zipfile.ZipFile:
    wb = Workbook()
    build(wb.active)
    buf = io.BytesIO()
    wb.save(buf)
    return zipfile.ZipFile(io.BytesIO(buf.getvalue()))


def _legacy_sheet(ws):
    ws["B8"] = "Họ và tên"
    rows = [("NguyÔn V¨n Hïng", ".VnTime"), ("Nguyeãn Vaên Huøng", "VNI-Times"), ("Trần Thị Bình", "Times New Roman"),
            ("hoµn thµnh tèt", ".VnTimeH")]
    for r, (text, font) in enumerate(rows, start=9):
        for col in (2, 3):
            ws.cell(r, col, text).font = Font(name=font)
    ws["D9"] = 7  # a number in a Unicode font
    ws["B20"] = "NguyÔn"  # outside the range asked for
    ws["B20"].font = Font(name=".VnTime")


def test_legacy_fonts_and_cell_styles_find_exactly_the_legacy_cells():
    zf = _xlsx(_legacy_sheet)
    fonts = legacy_fonts(zf)
    assert sorted(set(fonts.values())) == [".VnTime", ".VnTimeH", "VNI-Times"]
    styles = cell_styles(zf.read("xl/worksheets/sheet1.xml"), 9, 12, 2, 4)
    legacy_cells = {cell: fonts[s] for cell, s in styles.items() if s in fonts}
    assert legacy_cells == {(9, 2): ".VnTime", (9, 3): ".VnTime", (10, 2): "VNI-Times", (10, 3): "VNI-Times",
                            (12, 2): ".VnTimeH", (12, 3): ".VnTimeH"}
    assert set(styles) == {(r, c) for r in range(9, 13) for c in (2, 3)} | {(9, 4)}


def test_no_legacy_font_is_the_cheap_empty_case():
    def plain(ws):
        ws["B9"] = "NguyÔn"
        ws["B9"].font = Font(name="Times New Roman")
    zf = _xlsx(plain)
    assert legacy_fonts(zf) == {} and legacy_shared_strings(zf) == {}
    rows = [(9, {"name": "NguyÔn"})]
    assert fix_sheet(zf, "xl/worksheets/sheet1.xml", rows, {"name": 2}, scan_workbook(zf)) == (rows, [])


def test_cell_styles_parses_attribute_orders_prefixes_and_self_closing_cells():
    xml = (b'<x:sheetData><x:row r="9"><x:c t="s" s="4" r="B9"><x:v>0</x:v></x:c><x:c r="C9"/>'
           b'<x:c r="D9" s="2"/></x:row><x:row r="10"><x:c r="B10" s="7"><x:v>1</x:v></x:c></x:row>'
           b'<x:row r="11"><x:c r="B11" s="9"/></x:row></x:sheetData>')
    assert cell_styles(xml, 9, 10, 2, 3) == {(9, 2): 4, (9, 3): 0, (10, 2): 7}
    runs = [("NguyÔn", ".VnTime")]
    assert rich_cells(xml, 9, 10, 2, 3, {0: runs, 1: runs}) == {(9, 2): runs}


def test_fix_sheet_converts_the_values_calamine_reads():
    zf = _xlsx(_legacy_sheet)
    data = zf.fp.getvalue()
    grid = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python(
        skip_empty_area=False)
    raw = [(r, {"name": grid[r - 1][1], "note": grid[r - 1][2]}) for r in range(9, 13)]
    fixed, conversions = fix_sheet(zf, "xl/worksheets/sheet1.xml", raw, {"name": 2, "note": 3}, scan_workbook(zf))
    assert [v["name"] for _, v in fixed] == ["Nguyễn Văn Hùng", "Nguyễn Văn Hùng", "Trần Thị Bình", "HOÀN THÀNH TỐT"]
    assert [(c.row, c.field, c.kind, c.font) for c in conversions] == [
        (9, "name", TCVN3, ".VnTime"), (9, "note", TCVN3, ".VnTime"), (10, "name", VNI, "VNI-Times"),
        (10, "note", VNI, "VNI-Times"), (12, "name", TCVN3, ".VnTimeH"), (12, "note", TCVN3, ".VnTimeH")]
    assert raw[0][1]["name"] == "NguyÔn V¨n Hïng"  # the input rows are not changed


def test_rich_text_runs_with_their_own_font():
    def rich(ws):
        ws["B9"] = CellRichText(TextBlock(InlineFont(rFont=".VnTime"), "NguyÔn "),
                                TextBlock(InlineFont(rFont="Times New Roman"), "Văn An"))
        ws["B9"].font = Font(name="Times New Roman")
    zf = _xlsx(rich)  # openpyxl writes rich text inline in the sheet
    assert legacy_fonts(zf) == {} and legacy_shared_strings(zf) == {}
    fixed, conversions = fix_sheet(zf, "xl/worksheets/sheet1.xml", [(9, {"name": "NguyÔn Văn An"})],
                                   {"name": 2}, scan_workbook(zf))
    assert fixed == [(9, {"name": "Nguyễn Văn An"})]
    assert [(c.kind, c.font) for c in conversions] == [(TCVN3, ".VnTime")]


def test_rich_shared_strings():
    shared = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">'
              '<si><t>Plain</t></si><si><r><rPr><rFont val=".VnTime"/></rPr><t xml:space="preserve">NguyÔn </t></r>'
              '<r><t>V&#259;n &amp; An</t></r></si></sst>').encode()
    sheet = b'<sheetData><row r="9"><c r="B9" t="s"><v>0</v></c><c r="C9" s="0" t="s"><v>1</v></c></row></sheetData>'
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        out.writestr("xl/sharedStrings.xml", shared)
        out.writestr("xl/worksheets/sheet1.xml", sheet)
    zf = zipfile.ZipFile(buf)
    assert legacy_shared_strings(zf) == {1: [("NguyÔn ", ".VnTime"), ("Văn & An", None)]}
    rows = [(9, {"a": "Plain", "b": "NguyÔn Văn & An"})]
    fixed, conversions = fix_sheet(zf, "xl/worksheets/sheet1.xml", rows, {"a": 2, "b": 3}, scan_workbook(zf))
    assert fixed == [(9, {"a": "Plain", "b": "Nguyễn Văn & An"})]
    assert [(c.column, c.font) for c in conversions] == [(3, ".VnTime")]


def test_fix_rows_leaves_numbers_and_unmapped_fields():
    rows = [(9, {"name": "NguyÔn", "count": 3, "other": "NguyÔn"})]
    fixed, conversions = fix_rows(rows, {(9, 2): 1, (9, 3): 1}, {1: ".VnTime"}, {"name": 2, "count": 3})
    assert fixed == [(9, {"name": "Nguyễn", "count": 3, "other": "NguyÔn"})]
    assert len(conversions) == 1


def test_conversion_finding_message():
    _, (conv,) = fix_rows([(9, {"name": "NguyÔn"})], {(9, 3): 1}, {1: ".VnTime"}, {"name": 3})
    f = conversion_finding(conv, "Cá nhân", "Họ và tên")
    assert (f.code, f.severity, f.cell, f.field, f.value) == ("cell.legacy_font", "warning", "C9", "name", "Nguyễn")
    assert f.message == message("cell.legacy_font", label="Họ và tên", font=".VnTime", encoding="TCVN3 (ABC)",
                                value="Nguyễn")


# --- mojibake ---------------------------------------------------------------------------------
def _as_windows_reads(text: str, codec: str) -> str:
    """UTF-8 bytes decoded with ``codec``; bytes cp1252 leaves undefined become U+0080-U+009F, as on Windows."""
    out = []
    for b in text.encode("utf-8"):
        try:
            out.append(bytes([b]).decode(codec))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out)


@pytest.mark.parametrize("good", WORDS + ["Café", "Đồng Nai", "Lê Hà", "Điện Biên Phủ", "Quảng Ngãi"])
@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
def test_mojibake_repaired(good, codec):
    bad = _as_windows_reads(good, codec)
    assert bad != good
    assert repair_mojibake(bad) == good


def test_mojibake_twice():
    once = "Nguyễn".encode().decode("cp1252")
    twice = once.encode("cp1252").decode("utf-8").encode().decode("cp1252")
    assert repair_mojibake(twice) in ("Nguyễn", once.encode("cp1252").decode("utf-8"))
    assert repair_mojibake("Nguyá»…n") == "Nguyễn"


@pytest.mark.parametrize("text", ["Café", "Nguyễn Văn Hùng", "Sở Tư pháp", "Hello, world", "", "1985",
                                  "NguyÔn V¨n Hïng", "Nguyeãn Vaên Huøng", "Â» is a quote", "Ông Bà"])
def test_not_mojibake_left_alone(text):
    assert repair_mojibake(text) is None


def test_fix_mojibake_rows():
    fixed, (conv,) = fix_mojibake([(9, {"name": "Nguyá»…n", "n": 1, "ok": "An"})], {"name": 2})
    assert fixed == [(9, {"name": "Nguyễn", "n": 1, "ok": "An"})]
    f = conversion_finding(conv, "Cá nhân", "Họ và tên")
    assert f.code == "cell.mojibake" and f.cell == "B9"
    assert f.message == message("cell.mojibake", label="Họ và tên", original="Nguyá»…n", value="Nguyễn")


@settings(max_examples=200)
@given(st.text(alphabet=st.sampled_from(ALPHABET + list("abc xyz-.")), min_size=1, max_size=30))
def test_mojibake_property(text):
    assert repair_mojibake(text) is None  # real Vietnamese is never "repaired"
    bad = text.encode("utf-8").decode("latin-1")
    if not text.isascii():
        assert repair_mojibake(bad) == text


# --- through intake + validate (what collect does) -------------------------------------------
FAMILY_NAME = cell_of("registration", "individuals", "family_name")  # on the first row


def _check(return_file, camp, family, font=None):
    def tweak(wb):
        if font:
            wb["Cá nhân"][FAMILY_NAME].font = Font(name=font)
    person = {"family_name": family, "given_name": "Hùng", "birth_date": date(1980, 1, 1), "sex": "Nam",
              "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Lao động tiên tiến"}
    path = return_file("VP", {"individuals": [person]}, name="r.xlsx", camp=camp, tweak=tweak)
    return check_file(Incoming("r.xlsx", path.read_bytes(), str(path), datetime(2024, 1, 2)), camp)


@pytest.mark.parametrize("font, kind", [(".VnTime", "tcvn3"), ("VNI-Times", "vni")])
def test_collect_converts_legacy_font_cells_with_a_warning(return_file, shared_camp, font, kind):
    result = _check(return_file, shared_camp, from_unicode("Nguyễn Thị Ánh" if kind == "vni" else "Nguyễn Thị Hằng", kind), font)
    assert result.status == "accepted_with_warnings"
    [f] = result.findings
    assert (f.code, f.sheet, f.cell) == ("cell.legacy_font", "Cá nhân", FAMILY_NAME)
    assert result.rows[0].values["family_name"] in ("Nguyễn Thị Ánh", "Nguyễn Thị Hằng")


def test_collect_repairs_mojibake_with_a_warning(return_file, shared_camp):
    result = _check(return_file, shared_camp, "Nguyễn Văn".encode("utf-8").decode("cp1252"))
    assert [(f.code, f.cell) for f in result.findings] == [("cell.mojibake", FAMILY_NAME)]
    assert result.rows[0].values["family_name"] == "Nguyễn Văn"


def test_unicode_text_in_a_legacy_font_cell_is_left_alone(return_file, shared_camp):
    result = _check(return_file, shared_camp, "Nguyễn Văn", ".VnTime")
    assert result.status == "accepted" and result.rows[0].values["family_name"] == "Nguyễn Văn"
