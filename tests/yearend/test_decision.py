"""The decision list: grouping and order, award money, the workbook, the Word document, LibreOffice."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm
from openpyxl import load_workbook

from sheets_tools.campaign.workbook import sample_campaign
from sheets_tools.yearend.decision import Award, DecisionList, group, money
from sheets_tools.yearend.decision_docx import write_docx
from sheets_tools.yearend.decision_files import output_paths, write_all
from sheets_tools.yearend.decision_xlsx import HEADER_ROW, MONEY_FORMAT, sheet_name, write_workbook

SIGNED = date(2024, 12, 5)
NUMBER = "123/QĐ-STP"
DIRECTOR_LINE = f"(Kèm theo Quyết định số {NUMBER} ngày 05 tháng 12 năm 2024 của Giám đốc Sở)"


def with_settings(**settings):
    """A fresh sample campaign with settings changed (year-end settings are read once per campaign)."""
    camp = sample_campaign()
    return camp.model_copy(update={"settings": {**camp.settings, **{k: str(v) for k, v in settings.items()}}})


def person(camp, item, name, **more):
    return Award("individual", camp.catalogue_item(item), name, **more)


def team(camp, item, name, **more):
    return Award("collective", camp.catalogue_item(item), name, **more)


@pytest.fixture
def awards(sample):
    """Out of order on purpose: other deciders, collectives and forms come first."""
    return [
        team(sample, "Tập thể lao động xuất sắc", "Phòng Công chứng số 1"),
        person(sample, "Bằng khen của Thủ tướng Chính phủ (cá nhân)", "Phạm Minh Đức"),
        person(sample, "Giấy khen của Giám đốc Sở (cá nhân)", "Hoàng Thị Lan", unit_name="Văn phòng Sở"),
        team(sample, "Tập thể lao động tiên tiến", "Văn phòng Sở"),
        team(sample, "Tập thể lao động tiên tiến", "Thanh tra Sở"),
        team(sample, "Tập thể lao động tiên tiến", "Phòng Hành chính tư pháp"),
        person(sample, "Lao động tiên tiến", "Nguyễn Văn Bình", position="Chuyên viên", unit_name="Văn phòng Sở"),
        person(sample, "Lao động tiên tiến", "Trần Thị An", position="Kế toán", unit_name="Văn phòng Sở"),
        person(sample, "Lao động tiên tiến", "Lê Ánh", unit_name="Thanh tra Sở"),
        person(sample, "Lao động tiên tiến", "", family_name="Vũ", given_name="Dũng"),
        person(sample, "Lao động tiên tiến", "Đỗ Đức"),
        person(sample, "Lao động tiên tiến", "Trần Văn An"),
        person(sample, "Lao động tiên tiến", "=1+1"),
        person(sample, "Chiến sĩ thi đua cơ sở", "Bùi Quang Vinh", position="Chánh Thanh tra"),
    ]


def names(grp):
    return [a.display_name for a in grp.awards]


# --- grouping and order ---------------------------------------------------------------------------
def test_one_list_per_decider_director_first(sample, awards):
    lists = group(sample, awards)
    assert [dl.decider for dl in lists] == ["Giám đốc Sở", "Chủ tịch UBND tỉnh", "Thủ tướng Chính phủ"]


def test_individuals_then_collectives_groups_in_catalogue_order(sample, awards):
    director = group(sample, awards)[0]
    assert [s.title for s in director.sections] == ["I. CÁ NHÂN", "II. TẬP THỂ"]
    individuals, collectives = director.sections
    assert [g.item.code for g in individuals.groups] == ["LDTT", "CSTDCS", "GK_CN"]  # titles, then forms
    assert [g.item.code for g in collectives.groups] == ["TTLDTT"]
    assert individuals.groups[0].heading(1) == "1. Danh hiệu \"Lao động tiên tiến\" (7 cá nhân)"
    assert individuals.groups[2].heading(3) == "3. Giấy khen của Giám đốc Sở (1 cá nhân)"
    assert collectives.groups[0].heading(1) == "1. Danh hiệu \"Tập thể lao động tiên tiến\" (3 tập thể)"


def test_titles_come_before_forms_whatever_the_catalogue_order(sample):
    forms_first = sample.model_copy(update={"catalogue": sorted(sample.catalogue, key=lambda i: i.kind != "form")})
    awards = [person(sample, "Giấy khen của Giám đốc Sở (cá nhân)", "Lê Lan"),
              person(sample, "Lao động tiên tiến", "Lê An")]
    [director] = group(forms_first, awards)
    assert [g.item.code for g in director.sections[0].groups] == ["LDTT", "GK_CN"]


def test_names_in_vietnamese_order(sample, awards):
    director = group(sample, awards)[0]
    ldtt = director.sections[0].groups[0]
    # by given name (An, An, Ánh, Bình, Dũng, Đức), same given name by family names; other characters last
    assert names(ldtt) == ["Trần Thị An", "Trần Văn An", "Lê Ánh", "Nguyễn Văn Bình", "Vũ Dũng", "Đỗ Đức", "=1+1"]
    assert sorted(names(ldtt)) != names(ldtt)
    assert names(director.sections[1].groups[0]) == ["Phòng Hành chính tư pháp", "Thanh tra Sở", "Văn phòng Sở"]


def test_family_and_given_names_entered_apart_win_over_the_full_name(sample):
    awards = [person(sample, "Lao động tiên tiến", "Y Kông Êban", family_name="Êban", given_name="Y Kông"),
              person(sample, "Lao động tiên tiến", "Lê Thị Hoa")]
    ldtt = group(sample, awards)[0].sections[0].groups[0]
    assert names(ldtt) == ["Lê Thị Hoa", "Y Kông Êban"]  # "Hoa" < "Y Kông" (split by words: "Êban" < "Hoa")


def test_items_outside_the_catalogue_and_without_decider(sample):
    ldtt = sample.catalogue_item("Lao động tiên tiến")
    local = ldtt.model_copy(update={"code": "KN", "name": "Kỷ niệm chương", "kind": "form", "decider": ""})
    foreign = ldtt.model_copy(update={"code": "HC", "name": "Huân chương Lao động", "kind": "form",
                                      "decider": "Chủ tịch nước"})
    awards = [Award("individual", foreign, "Lê Hà"), Award("individual", local, "Lê Hà"),
              Award("individual", ldtt, "Lê Hà")]
    lists = group(sample, awards)
    assert [dl.decider for dl in lists] == ["Giám đốc Sở", "Chủ tịch nước"]  # no decider: the Director's
    assert [g.item.code for g in lists[0].sections[0].groups] == ["LDTT", "KN"]


def test_a_list_of_collectives_only_numbers_its_section_one(sample):
    [chair] = group(sample, [team(sample, "Tập thể lao động xuất sắc", "Phòng Công chứng số 1")])
    assert chair.decider == "Chủ tịch UBND tỉnh"
    assert [s.title for s in chair.sections] == ["I. TẬP THỂ"]


def test_a_bad_subject_is_refused(sample):
    with pytest.raises(ValueError, match="Đối tượng"):
        Award("person", sample.catalogue_item("Lao động tiên tiến"), "Lê An")


# --- money ------------------------------------------------------------------------------------------
def test_money_is_multiple_times_base_salary(sample):
    assert money(sample, sample.catalogue_item("Lao động tiên tiến")) == 702_000
    assert money(sample, sample.catalogue_item("Chiến sĩ thi đua cơ sở")) == 2_340_000
    assert money(sample, sample.catalogue_item("Tập thể lao động tiên tiến")) == 1_872_000


def test_money_is_exact_where_floats_are_not(sample):
    item = sample.catalogue_item("Lao động tiên tiến").model_copy(update={"multiple": 0.07})
    assert 0.07 * 2_340_000 != 163_800  # float arithmetic would round this up to 163,801
    assert money(sample, item) == 163_800


def test_money_rounds_up_to_the_setting():
    camp = with_settings(base_salary=1_800_000, award_rounding=100_000)
    item = camp.catalogue_item("Lao động tiên tiến")  # 0.3 x 1,800,000 = 540,000
    assert money(camp, item) == 600_000
    assert money(camp, item.model_copy(update={"multiple": 0.5})) == 900_000  # already a multiple


def test_no_multiple_no_money(sample, awards):
    item = sample.catalogue_item("Bằng khen của Thủ tướng Chính phủ (cá nhân)")
    assert item.multiple is None and money(sample, item) is None
    pm = group(sample, awards)[2]
    assert pm.sections[0].groups[0].money is None and pm.total is None


def test_group_and_list_totals(sample, awards):
    director = group(sample, awards)[0]
    assert director.sections[0].groups[0].total == 7 * 702_000
    assert director.total == 7 * 702_000 + 2_340_000 + 702_000 + 3 * 1_872_000


# --- the workbook ----------------------------------------------------------------------------------
@pytest.fixture
def workbook(sample, awards, tmp_path):
    path = write_workbook(sample, group(sample, awards), tmp_path / "ds.xlsx", number=NUMBER, signed_on=SIGNED)
    return load_workbook(path)


def column(ws, c):
    return [ws.cell(row=r, column=c).value for r in range(1, ws.max_row + 1)]


def test_workbook_sheets_and_titles(workbook):
    assert workbook.sheetnames == ["Giám đốc Sở", "Chủ tịch UBND tỉnh", "Thủ tướng Chính phủ"]
    ws = workbook["Giám đốc Sở"]
    assert (ws["A1"].value, ws["A2"].value) == ("UBND TỈNH ĐẮK LẮK", "SỞ TƯ PHÁP")
    assert (ws["C1"].value, ws["C2"].value) == ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
    assert ws["C3"].value == "Đắk Lắk, ngày 05 tháng 12 năm 2024"
    assert [ws["A5"].value, ws["A6"].value, ws["A7"].value] == [
        "DANH SÁCH", "Cá nhân, tập thể được khen thưởng năm 2024", DIRECTOR_LINE]
    assert workbook["Chủ tịch UBND tỉnh"]["A7"].value == \
        "(Kèm theo Tờ trình số ...... đề nghị Chủ tịch UBND tỉnh khen thưởng)"
    assert [c.value for c in ws[HEADER_ROW + 1]] == ["STT", "Họ và tên / Tên tập thể", "Chức vụ, đơn vị",
                                                     "Tiền thưởng (đồng)"]
    assert "GIÁM ĐỐC" in column(ws, 3)


def test_workbook_lines_groups_and_totals(workbook):
    ws = workbook["Giám đốc Sở"]
    first = column(ws, 1)
    assert first.index("I. CÁ NHÂN") < first.index("1. Danh hiệu \"Lao động tiên tiến\" (7 cá nhân)") \
        < first.index("II. TẬP THỂ")
    r = first.index("1. Danh hiệu \"Lao động tiên tiến\" (7 cá nhân)") + 2  # 1-based row of the first line
    assert [ws.cell(r, c).value for c in range(1, 5)] == [1, "Trần Thị An", "Kế toán, Văn phòng Sở", 702_000]
    total = first.index("Cộng (7 cá nhân)") + 1
    assert ws.cell(total, 4).value == 7 * 702_000
    grand = first.index("TỔNG CỘNG") + 1
    assert ws.cell(grand, 4).value == 7 * 702_000 + 2_340_000 + 702_000 + 3 * 1_872_000
    assert ws.cell(r, 4).number_format == ws.cell(total, 4).number_format == MONEY_FORMAT


def test_workbook_formula_looking_name_stays_text(workbook):
    ws = workbook["Giám đốc Sở"]
    [cell] = [c for row in ws.iter_rows() for c in row if c.value == "=1+1"]
    assert cell.data_type == "s"


def test_workbook_page_setup_and_font(workbook):
    ws = workbook["Giám đốc Sở"]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "portrait"
    assert ws.print_title_rows == f"${HEADER_ROW + 1}:${HEADER_ROW + 1}"
    assert {ws["A1"].font.name, ws["A5"].font.name, ws.cell(HEADER_ROW + 3, 2).font.name} == {"Times New Roman"}


def test_workbook_no_money_leaves_cells_empty(workbook):
    ws = workbook["Thủ tướng Chính phủ"]
    r = column(ws, 2).index("Phạm Minh Đức") + 1
    assert ws.cell(r, 4).value is None


def test_sheet_names_are_short_unique_and_valid():
    used: set[str] = set()
    long = "Chủ tịch Ủy ban nhân dân tỉnh Đắk Lắk: khen thưởng [2024]"
    first, second = sheet_name(long, used), sheet_name(long, used)
    assert len(first) <= 31 and len(second) <= 31 and first.casefold() != second.casefold()
    assert not set("[]:*?/\\") & set(first + second)
    assert sheet_name("", used) == "Danh sách"


def test_empty_award_list_still_writes_both_files(sample, tmp_path):
    xlsx, docx_path = write_all(sample, [], tmp_path)
    assert load_workbook(xlsx).sheetnames == ["Giám đốc Sở"]
    texts = [p.text for p in docx.Document(docx_path).paragraphs]
    assert "Không có cá nhân, tập thể nào trong danh sách." in texts


# --- the Word document ------------------------------------------------------------------------------
@pytest.fixture
def document(sample, awards, tmp_path):
    path = write_docx(sample, group(sample, awards), tmp_path / "ds.docx", number=NUMBER, signed_on=SIGNED)
    return docx.Document(path)


def test_docx_header_table_and_titles(document):
    header = document.tables[0]
    left, right = header.rows[0].cells
    assert [p.text for p in left.paragraphs] == ["UBND TỈNH ĐẮK LẮK", "SỞ TƯ PHÁP"]
    assert [p.text for p in right.paragraphs] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                                                  "Đắk Lắk, ngày 05 tháng 12 năm 2024"]
    assert left.paragraphs[1].runs[0].bold and right.paragraphs[0].runs[0].bold
    assert right.paragraphs[2].runs[0].italic
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"nil"}
    texts = [p.text for p in document.paragraphs]
    assert texts.index("DANH SÁCH") < texts.index(DIRECTOR_LINE) < texts.index("I. CÁ NHÂN")
    assert "(Kèm theo Tờ trình số ...... đề nghị Thủ tướng Chính phủ khen thưởng)" in texts


def test_docx_groups_as_headings_and_tables(document):
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:4] == ["I. CÁ NHÂN", "1. Danh hiệu \"Lao động tiên tiến\" (7 cá nhân)",
                            "2. Danh hiệu \"Chiến sĩ thi đua cơ sở\" (1 cá nhân)",
                            "3. Giấy khen của Giám đốc Sở (1 cá nhân)"]
    ldtt = document.tables[1]
    assert [c.text for c in ldtt.rows[0].cells] == ["STT", "Họ và tên", "Chức vụ - Đơn vị", "Tiền thưởng (đồng)"]
    assert ldtt.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on each page
    assert [c.text for c in ldtt.rows[1].cells] == ["1", "Trần Thị An", "Kế toán, Văn phòng Sở", "702.000"]
    assert [c.text for c in ldtt.rows[-1].cells][-2:] == ["Cộng (7 cá nhân)", "4.914.000"]
    assert ldtt._tbl.tblPr.find(qn("w:tblStyle")).get(qn("w:val")) == "TableGrid"


def test_docx_times_new_roman_everywhere(document):
    runs = [r for p in document.paragraphs for r in p.runs]
    runs += [r for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert len(runs) > 50
    for run in runs:
        fonts = run._element.rPr.rFonts
        assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
    assert document.styles["Normal"].font.name == "Times New Roman"
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.rFonts.get(qn("w:eastAsia")) == "Times New Roman"


def test_docx_a4_portrait_margins_and_one_section_per_list(document):
    assert len(document.sections) == 3  # each decider's list starts on a new page
    for section in document.sections:
        for got, want in ((section.page_width, 210), (section.page_height, 297), (section.top_margin, 20),
                          (section.bottom_margin, 20), (section.left_margin, 30), (section.right_margin, 15)):
            assert abs(got - Mm(want)) < Mm(0.1)


def test_docx_signature_and_properties(document, sample):
    last = document.tables[-1]
    assert last.rows[0].cells[1].paragraphs[0].text == "GIÁM ĐỐC"
    assert last.rows[0].cells[1].paragraphs[0].runs[0].bold
    props = document.core_properties
    assert props.author == "SỞ TƯ PHÁP" and props.title == "Danh sách khen thưởng năm 2024"
    assert "python-docx" not in (props.comments + props.author + props.last_modified_by)


def test_docx_takes_control_characters_in_names(sample, tmp_path):
    lists = group(sample, [person(sample, "Lao động tiên tiến", "Lê\x01 An\x0b")])
    doc = docx.Document(write_docx(sample, lists, tmp_path / "x.docx"))
    assert doc.tables[1].rows[1].cells[1].text == "Lê An"
    assert "(Kèm theo Quyết định số ...... ngày ... tháng ... năm ...... của Giám đốc Sở)" in \
        [p.text for p in doc.paragraphs]


# --- both files -------------------------------------------------------------------------------------
def test_write_all_names_and_atomic(sample, awards, tmp_path):
    paths = write_all(sample, awards, tmp_path / "out", number=NUMBER, signed_on=SIGNED)
    assert [p.name for p in paths] == ["Danh sách khen thưởng năm 2024.xlsx", "Danh sách khen thưởng năm 2024.docx"]
    assert list(output_paths(sample, tmp_path / "out")) == paths
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in paths)  # no temp files left
    again = write_all(sample, awards[:1], tmp_path / "out")
    assert again == paths and load_workbook(paths[0]).sheetnames == ["Chủ tịch UBND tỉnh"]


def test_decision_list_is_a_plain_record(sample):
    assert DecisionList("Giám đốc Sở").sections == [] and DecisionList("Giám đốc Sở").total is None


# --- LibreOffice ------------------------------------------------------------------------------------
def _soffice(profile: Path, out: Path, src: Path) -> Path | None:
    """Convert ``src`` to PDF with a private profile; the PDF, or None when LibreOffice could not load it."""
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), str(src)], check=True, timeout=180, capture_output=True)
    pdf = out / (src.stem + ".pdf")
    return pdf if pdf.exists() else None


def _pdf_text(pdf: Path) -> str | None:
    if shutil.which("pdftotext") is None:
        return None
    return subprocess.run(["pdftotext", str(pdf), "-"], check=True, timeout=60, capture_output=True,
                          text=True).stdout


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_converts_both_files_to_pdf(sample, awards, tmp_path):
    xlsx, docx_path = write_all(sample, awards, tmp_path / "out", number=NUMBER, signed_on=SIGNED)
    profile = tmp_path / "lo-profile"
    plain = tmp_path / "plain.docx"
    docx.Document().save(plain)
    if _soffice(profile, tmp_path / "probe", plain) is None:
        pytest.skip("LibreOffice Writer not installed (soffice cannot open .docx)")
    for src, out in ((docx_path, tmp_path / "pdf-docx"), (xlsx, tmp_path / "pdf-xlsx")):
        pdf = _soffice(profile, out, src)
        assert pdf is not None, f"LibreOffice could not open {src.name}"
        assert pdf.read_bytes()[:4] == b"%PDF"
        text = _pdf_text(pdf)
        if text is not None:
            assert "DANH SÁCH" in text and "Trần Thị An" in text
