"""The decision documents themselves (the office's Tờ trình, the Director's Quyết định, the Tờ trình to the
provincial chairman), from Word templates the office may edit, through ``sheets-tools decision``."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn
from docx.shared import Mm
from openpyxl import load_workbook

from sheets_tools.cli import main

NUMBER, SIGNED = "245/QĐ-STP", "15/12/2024"
TEMPLATES = "mẫu văn bản"
QD_TEMPLATE = "Mẫu quyết định khen thưởng.docx"
LIST = "Danh sách khen thưởng năm 2024.docx"
QD = "Quyết định khen thưởng năm 2024.docx"
TTR_VP = "Tờ trình đề nghị Giám đốc Sở khen thưởng năm 2024.docx"
TTR_TINH = "Tờ trình đề nghị Chủ tịch UBND tỉnh khen thưởng năm 2024.docx"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def decide(folder: Path, *more: str):
    return CliRunner().invoke(main, ["decision", str(folder), "--number", NUMBER, "--date", SIGNED, *more])


def text_of(path: Path) -> str:
    """Every paragraph of the document, those in tables too, one a line."""
    doc = docx.Document(path)
    lines = [p.text for p in doc.paragraphs]
    lines += [p.text for t in doc.tables for row in t.rows for cell in row.cells for p in cell.paragraphs]
    return "\n".join(lines)


def list_rows(path: Path) -> list[list[str]]:
    """The rows of the award tables (4 columns: STT, name, position and unit, money) of a document."""
    doc = docx.Document(path)
    return [[c.text for c in row.cells] for t in doc.tables if len(t.columns) == 4 for row in t.rows]


def list_parts(path: Path) -> dict[str, tuple[str, list[list[str]]]]:
    """The lists' own document split by decider: (its total line, its table rows)."""
    doc = docx.Document(path)
    body = doc.element.body
    parts: dict[str, tuple[str, list[list[str]]]] = {}
    decider, rows, total = "", [], ""
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            text = "".join(t.text or "" for t in child.iter(qn("w:t")))
            found = re.search(r"(?:của|đề nghị) (.+?)(?: khen thưởng)?\)$", text)
            if text.startswith("(Kèm theo") and found:
                decider, rows = found.group(1), []
            if text.startswith("Tổng số:"):
                total = text
                parts[decider] = (total, rows)
        elif child.tag == qn("w:tbl"):
            table = docx.table.Table(child, doc)
            if len(table.columns) == 4:
                rows += [[c.text for c in row.cells] for row in table.rows]
    return parts


def counts(total_line: str) -> tuple[int, int, str]:
    """(individuals, collectives, money) of "Tổng số: 78 cá nhân, 13 tập thể; tổng số tiền thưởng: X đồng."."""
    people = re.search(r"(\d+) cá nhân", total_line)
    teams = re.search(r"(\d+) tập thể", total_line)
    money = re.search(r"tổng số tiền thưởng: ([\d.]+) đồng", total_line)
    return (int(people.group(1)) if people else 0, int(teams.group(1)) if teams else 0,
            money.group(1) if money else "")


@pytest.fixture
def decided(demo_copy):
    """The demo's decision run again through the command line: (folder, output)."""
    result = decide(demo_copy)
    assert result.exit_code == 0, result.output
    return demo_copy, result.output


# --- the documents ------------------------------------------------------------------------------------
def test_decision_writes_the_three_documents(decided):
    folder, output = decided
    for name in (QD, TTR_VP, TTR_TINH):
        assert (folder / "decision" / name).is_file(), name
        assert str(folder / "decision" / name) in output


def test_the_decision_cites_the_law_the_campaigns_decree_and_the_council(decided):
    folder, _ = decided
    text = text_of(folder / "decision" / QD)
    assert "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022;" in text
    assert "Căn cứ Nghị định số 98/2023/NĐ-CP của Chính phủ quy định chi tiết thi hành một số điều" in text
    assert "152/2025" not in text  # the 2024 sample is decided before 01/07/2025
    assert "Căn cứ kết quả họp xét, biểu quyết của Hội đồng Thi đua - Khen thưởng Sở Tư pháp năm 2024;" in text
    assert "quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Sở Tư pháp" in text
    assert "Theo đề nghị của Chánh Văn phòng Sở." in text


def test_the_decision_has_the_decree_30_layout(decided):
    folder, _ = decided
    doc = docx.Document(folder / "decision" / QD)
    header = doc.tables[0]
    assert [c.text for c in header.rows[0].cells] == ["UBND TỈNH ĐẮK LẮK\nSỞ TƯ PHÁP\n",
                                                      "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"]
    assert [c.text for c in header.rows[1].cells] == ["Số: 245/QĐ-STP", "Đắk Lắk, ngày 15 tháng 12 năm 2024"]
    texts = [p.text for p in doc.paragraphs]
    order = ["QUYẾT ĐỊNH", "Về việc khen thưởng thành tích năm 2024", "GIÁM ĐỐC SỞ TƯ PHÁP", "QUYẾT ĐỊNH:"]
    assert [texts.index(t) for t in order] == sorted(texts.index(t) for t in order)
    articles = [t for t in texts if t.startswith("Điều ")]
    assert [a[:7] for a in articles] == ["Điều 1.", "Điều 2.", "Điều 3."]
    assert "Chánh Văn phòng Sở, Thủ trưởng các phòng, đơn vị thuộc Sở Tư pháp" in articles[2]
    footer = next(t for t in doc.tables if t.rows[0].cells[0].text.startswith("Nơi nhận:"))
    assert "- Như Điều 3;" in footer.rows[0].cells[0].text
    signer = [p.text for p in footer.rows[0].cells[1].paragraphs if p.text]
    assert signer == ["GIÁM ĐỐC", "Nguyễn Văn Thành"]  # the council member whose position is the Director's
    for section in doc.sections:  # A4 portrait, margins of Decree 30
        assert abs(section.page_width - Mm(210)) < Mm(0.5) and abs(section.page_height - Mm(297)) < Mm(0.5)
        assert abs(section.left_margin - Mm(30)) < Mm(0.5) and abs(section.right_margin - Mm(15)) < Mm(0.5)
    fonts = {r._element.rPr.rFonts.get(qn("w:ascii")) for p in doc.paragraphs for r in p.runs
             if r.text.strip() and r._element.rPr is not None and r._element.rPr.rFonts is not None}
    assert fonts == {"Times New Roman"}
    sizes = {r.font.size.pt for p in doc.paragraphs for r in p.runs if r.text.strip() and r.font.size}
    assert sizes <= {13, 14}


def test_the_decision_carries_the_directors_list_and_its_totals(decided):
    folder, _ = decided
    parts = list_parts(folder / "decision" / LIST)
    total, rows = parts["Giám đốc Sở"]
    people, teams, money = counts(total)
    assert people > 0 and teams > 0 and money
    text = text_of(folder / "decision" / QD)
    assert f"Khen thưởng {people} cá nhân và {teams} tập thể đã có thành tích" in text
    assert f"tổng số tiền thưởng là {money} đồng (" in text
    assert "(Kèm theo Quyết định số 245/QĐ-STP ngày 15 tháng 12 năm 2024 của Giám đốc Sở)" in text
    assert total in text
    assert list_rows(folder / "decision" / QD) == rows  # the same list, row by row
    ldtt = re.search(r'1\. Danh hiệu "Lao động tiên tiến" \((\d+) cá nhân\)', text_of(folder / "decision" / LIST))
    ldtt = int(ldtt.group(1))
    assert f"- Danh hiệu \"Lao động tiên tiến\": {ldtt} cá nhân, mỗi cá nhân 702.000 đồng;" in text


def test_the_offices_submission_to_the_director(decided):
    folder, _ = decided
    parts = list_parts(folder / "decision" / LIST)
    people, teams, money = counts(parts["Giám đốc Sở"][0])
    chair_people, chair_teams, _ = counts(parts["Chủ tịch UBND tỉnh"][0])
    path = folder / "decision" / TTR_VP
    text = text_of(path)
    assert "TỜ TRÌNH" in text and "Kính gửi: Giám đốc Sở" in text
    assert "SỞ TƯ PHÁP\nVĂN PHÒNG SỞ" in text  # the office issues it, under the Department
    assert (f"Văn phòng Sở kính trình Giám đốc Sở xem xét, quyết định khen thưởng {people} cá nhân và {teams} "
            "tập thể") in text
    assert f"Tổng số tiền thưởng: {money} đồng (" in text
    assert (f"trình Chủ tịch UBND tỉnh xét, khen thưởng {chair_people} cá nhân và {chair_teams} tập thể") in text
    assert "(Kèm theo Tờ trình số ......../TTr-VP của Văn phòng Sở)" in text
    assert "CHÁNH VĂN PHÒNG" in text and "Phạm Thị Ngọc Ánh" in text
    assert list_rows(path) == parts["Giám đốc Sở"][1]


def test_the_departments_submission_to_the_provincial_chairman(decided):
    folder, _ = decided
    total, rows = list_parts(folder / "decision" / LIST)["Chủ tịch UBND tỉnh"]
    people, teams, money = counts(total)
    path = folder / "decision" / TTR_TINH
    text = text_of(path)
    assert "Kính gửi: Chủ tịch UBND tỉnh" in text and "Số: ......../TTr-STP" in text
    assert f"Sở Tư pháp kính trình Chủ tịch UBND tỉnh xem xét, khen thưởng {people} cá nhân và {teams} tập thể" in text
    assert f"Tổng số tiền thưởng: {money} đồng (" in text
    assert "Căn cứ Nghị định số 98/2023/NĐ-CP" in text
    assert "(Kèm theo Tờ trình số ...... đề nghị Chủ tịch UBND tỉnh khen thưởng)" in text
    assert list_rows(path) == rows and len(rows) > 1
    assert "Giám đốc Sở)" not in text  # none of the Director's own awards


def test_money_in_words_in_the_text(decided):
    folder, _ = decided
    _, _, money = counts(list_parts(folder / "decision" / LIST)["Chủ tịch UBND tỉnh"][0])
    text = text_of(folder / "decision" / TTR_TINH)
    from sheets_tools.yearend.documents import money_words
    assert f"{money} đồng ({money_words(int(money.replace('.', '')))})" in text


def test_money_words():
    from sheets_tools.yearend.documents import money_words
    assert money_words(702_000) == "Bảy trăm linh hai nghìn đồng"
    assert money_words(25_740_000) == "Hai mươi lăm triệu bảy trăm bốn mươi nghìn đồng"
    assert money_words(1_005_021) == "Một triệu không trăm linh năm nghìn không trăm hai mươi mốt đồng"
    assert money_words(2_000_000_015) == "Hai tỷ không trăm mười lăm đồng"
    assert money_words(114) == "Một trăm mười bốn đồng"


# --- the templates ------------------------------------------------------------------------------------
def test_templates_are_copied_into_the_campaign_once(decided):
    folder, _ = decided
    names = sorted(p.name for p in (folder / TEMPLATES).glob("*.docx"))
    assert names == sorted([QD_TEMPLATE, "Mẫu tờ trình của Văn phòng.docx",
                            "Mẫu tờ trình đề nghị Chủ tịch UBND tỉnh.docx"])
    template = folder / TEMPLATES / QD_TEMPLATE
    assert "{{ so_quyet_dinh }}" in text_of(template)  # a template the office can read and edit in Word
    doc = docx.Document(template)
    doc.paragraphs[-1].add_run(" ")  # any change by the office
    doc.save(template)
    before = template.read_bytes()
    assert decide(folder).exit_code == 0
    assert template.read_bytes() == before


def test_an_edited_template_in_the_campaign_folder_is_the_one_used(decided):
    folder, _ = decided
    template = folder / TEMPLATES / QD_TEMPLATE
    doc = docx.Document(template)
    para = next(p for p in doc.paragraphs if p.text.startswith("Theo đề nghị của"))
    para.runs[0].text = "Căn cứ Quy chế thi đua, khen thưởng của {{ ten_co_quan }} & Công đoàn năm {{ nam }};"
    doc.save(template)
    result = decide(folder)
    assert result.exit_code == 0, result.output
    text = text_of(folder / "decision" / QD)
    assert "Căn cứ Quy chế thi đua, khen thưởng của Sở Tư pháp & Công đoàn năm 2024;" in text
    assert "Theo đề nghị của Chánh Văn phòng Sở." not in text


@pytest.mark.parametrize("damage, named", [
    (lambda path: path.write_bytes(b"not a Word document"), "không mở được như một tệp Word"),
    (lambda path: _replace_text(path, "{{ so_quyet_dinh }}", "{{ so_quyet_dinh }"), "viết sai"),
    (lambda path: _replace_text(path, "{{ so_quyet_dinh }}", "{{ so_qd_moi }}"), "{{ so_qd_moi }}"),
])
def test_a_broken_template_is_an_error_naming_it_and_nothing_is_written(demo_copy, damage, named):
    first = decide(demo_copy)
    assert first.exit_code == 0, first.output
    made = demo_copy / "decision" / QD
    made.unlink()
    template = demo_copy / TEMPLATES / QD_TEMPLATE
    damage(template)
    broken = template.read_bytes()
    result = decide(demo_copy)
    assert result.exit_code == 3
    assert "Lỗi: Mẫu văn bản" in result.output and str(template) in result.output and named in result.output
    assert "Traceback" not in result.output
    assert not made.exists()  # neither from the broken template nor from the package's copy
    assert template.read_bytes() == broken  # the office's file is not replaced behind its back


def _replace_text(path: Path, old: str, new: str) -> None:
    doc = docx.Document(path)
    for cell in (c for t in doc.tables for row in t.rows for c in row.cells):
        for p in cell.paragraphs:
            for run in p.runs:
                run.text = run.text.replace(old, new)
    doc.save(path)


def test_names_with_ampersand_and_angle_brackets_render(demo_copy):
    wb = load_workbook(demo_copy / "campaign.xlsx")
    ws = wb["Thông tin chung"]
    for row in ws.iter_rows(min_row=2, max_col=2):
        if row[0].value == "Cơ quan":
            row[1].value = "SỞ TƯ PHÁP & <THỬ> \"A\""
        if row[0].value == "Địa danh":
            row[1].value = "Đắk Lắk & <Phú Yên>"
    wb.save(demo_copy / "campaign.xlsx")
    result = decide(demo_copy)
    assert result.exit_code == 0, result.output
    for name in (QD, TTR_VP, TTR_TINH):
        text = text_of(demo_copy / "decision" / name)
        assert "SỞ TƯ PHÁP & <THỬ> \"A\"" in text, name
        assert "&amp;" not in text and "&lt;" not in text
    assert "Đắk Lắk & <Phú Yên>, ngày 15 tháng 12 năm 2024" in text_of(demo_copy / "decision" / QD)
    assert "Khen thưởng Sở Tư pháp & <thử> \"a\" năm 2024" in text_of(demo_copy / "decision" / QD)


def test_the_decree_cited_is_the_campaigns_setting(demo_copy):
    wb = load_workbook(demo_copy / "campaign.xlsx")
    ws = wb["Cài đặt"]
    [row] = [r for r in ws.iter_rows(min_row=2, max_col=2) if r[0].value == "decree"]
    row[1].value = "Nghị định số 152/2025/NĐ-CP"
    wb.save(demo_copy / "campaign.xlsx")
    result = decide(demo_copy)
    assert result.exit_code == 0, result.output
    for name in (QD, TTR_VP, TTR_TINH):
        text = text_of(demo_copy / "decision" / name)
        assert "Căn cứ Nghị định số 152/2025/NĐ-CP của Chính phủ" in text and "98/2023" not in text, name


def test_help_names_the_documents_and_the_pdf_option():
    result = CliRunner().invoke(main, ["decision", "--help"])
    assert result.exit_code == 0
    assert "--pdf" in result.output and "mẫu văn bản" in result.output and "Ví dụ:" in result.output


# --- PDF ----------------------------------------------------------------------------------------------
def test_pdf_without_libreoffice_is_a_clear_error_and_the_documents_stay(demo_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    result = decide(demo_copy, "--pdf")
    assert result.exit_code == 3
    assert "Không tìm thấy LibreOffice" in result.output and "Traceback" not in result.output
    assert (demo_copy / "decision" / QD).is_file()
    assert not list((demo_copy / "decision").glob("*.pdf"))


def _pdf_text(pdf: Path, *pages: str) -> str:
    return subprocess.run(["pdftotext", "-layout", *pages, str(pdf), "-"], check=True, timeout=60,
                          capture_output=True, text=True).stdout


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) or pdftotext not installed")
def test_pdf_of_each_document_through_libreoffice(demo_copy):
    result = decide(demo_copy, "--pdf")
    assert result.exit_code == 0, result.output
    parts = list_parts(demo_copy / "decision" / LIST)
    people, teams, money = counts(parts["Giám đốc Sở"][0])
    for name in (QD, TTR_VP, TTR_TINH):
        pdf = demo_copy / "decision" / name.replace(".docx", ".pdf")
        assert pdf.read_bytes()[:5] == b"%PDF-" and str(pdf) in result.output
    qd = demo_copy / "decision" / QD.replace(".docx", ".pdf")
    text = " ".join(_pdf_text(qd).split())
    assert "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15" in text
    assert "Căn cứ Nghị định số 98/2023/NĐ-CP" in text
    assert f"Khen thưởng {people} cá nhân và {teams} tập thể" in text
    assert f"tổng số tiền thưởng là {money} đồng" in text
    first_rows = parts["Giám đốc Sở"][1][1:4]
    assert all(row[1] in text for row in first_rows)
    first_page = _pdf_text(qd, "-f", "1", "-l", "1")
    assert "Điều 3." in first_page and "Nơi nhận:" in first_page and "GIÁM ĐỐC" in first_page  # one page of text
    tinh = " ".join(_pdf_text(demo_copy / "decision" / TTR_TINH.replace(".docx", ".pdf")).split())
    chair_people, chair_teams, chair_money = counts(parts["Chủ tịch UBND tỉnh"][0])
    assert f"khen thưởng {chair_people} cá nhân và {chair_teams} tập thể" in tinh and chair_money in tinh
    assert os.name == "nt" or not list(Path(demo_copy).glob("**/.~lock*"))
