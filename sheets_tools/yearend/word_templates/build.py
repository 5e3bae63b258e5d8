"""Build the Word templates of the decision documents (a .docx is binary: this script is their source).

Run ``python -m sheets_tools.yearend.word_templates.build`` after changing it; it rewrites the three
``.docx`` files beside it. The templates are docxtpl (Jinja) documents in the layout of Decree
30/2020/NĐ-CP: A4, Times New Roman 13-14, the agency and the national motto side by side, number and
symbol under the agency, place and date under the motto, the type and subject of the document, the
text, "Nơi nhận" and the signature block. The list of awards is not in the template: it is added after
the text, from a new page, by ``yearend.decision_docx.append_list`` (the same code as the lists' own file).
The names a template may use are ``yearend.document_templates.NAMES``.
"""
from __future__ import annotations

from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from sheets_tools.excel.style import MOTTO, NATION
from sheets_tools.yearend.decision_docx import borderless, new_document, para

HERE = Path(__file__).resolve().parent
CENTER, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
BODY, TITLE = 13, 14  # Decree 30: the text in 13 or 14 points, the type and subject in 13 or 14 bold
HEADER_MM = (70, 95)  # agency | national motto, 165 mm = A4 minus margins 30 + 15
FOOTER_MM = (80, 85)  # "Nơi nhận" | signature
# the elements of a paragraph's properties that come after w:pBdr (ECMA-376, CT_PPrBase)
PPR_AFTER_BORDER = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
                    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
                    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
                    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
                    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")

LAW_LINE = "Căn cứ {{ luat }} ngày 15 tháng 6 năm 2022;"
DECREE_LINE = ("Căn cứ {{ nghi_dinh }} của Chính phủ quy định chi tiết thi hành một số điều của "
               "Luật Thi đua, khen thưởng;")
COUNCIL_LINE = ("Căn cứ kết quả họp xét, biểu quyết của Hội đồng Thi đua - Khen thưởng {{ ten_co_quan }} "
                "năm {{ nam }}")
GROUPS = "- {{ g.ten }}: {{ g.so_luong }}{% if g.thanh_tien %}, mỗi {{ g.doi_tuong }} {{ g.muc_tien }} đồng{% endif %};"
MONEY = ("{% if ds.tong_tien %}Tổng số tiền thưởng: {{ ds.tong_tien }} đồng ({{ ds.tong_tien_chu }}), tính theo "
         "mức lương cơ sở {{ muc_luong_co_so }} đồng.{% endif %}")


def rule(cell, cell_mm: int, width_mm: int) -> None:
    """A short centred line under the agency name or the subject (a bordered empty paragraph)."""
    p = cell.add_paragraph() if hasattr(cell, "add_paragraph") else cell
    fmt = p.paragraph_format
    fmt.left_indent = fmt.right_indent = Mm((cell_mm - width_mm) / 2)
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(3), Pt(0), Pt(4)  # the line clear of the text
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for attr, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        top.set(qn(f"w:{attr}"), value)
    borders.append(top)
    p._p.get_or_add_pPr().insert_element_before(borders, *PPR_AFTER_BORDER)  # Word wants the schema's order


def header(doc, upper: str, issuer: str, number: str) -> None:
    """Agency (left) and national motto (right); number and symbol under the agency, place and date
    under the motto, on one row."""
    table = borderless(doc, HEADER_MM)
    row = table.add_row()
    for cell, mm in zip(row.cells, HEADER_MM):
        cell.width = Mm(mm)
    left, right = table.rows[0].cells
    para(left, upper, size=13, align=CENTER, paragraph=left.paragraphs[0])
    para(left, issuer, bold=True, size=13, align=CENTER)
    rule(left, HEADER_MM[0], 25)
    para(right, NATION, bold=True, size=12, align=CENTER, paragraph=right.paragraphs[0])
    para(right, MOTTO, bold=True, size=13, align=CENTER)
    rule(right, HEADER_MM[1], 62)
    number_cell, date_cell = row.cells
    para(number_cell, number, size=13, align=CENTER, paragraph=number_cell.paragraphs[0], space_before=4)
    para(date_cell, "{{ dia_danh_ngay }}", italic=True, size=13, align=CENTER, paragraph=date_cell.paragraphs[0],
         space_before=4)


def title(doc, kind: str, subject: str, *, to: str = "") -> None:
    """The type of the document, its subject, a short line; "Kính gửi" for a submission."""
    para(doc, kind, bold=True, size=TITLE, align=CENTER, space_before=18)
    para(doc, subject, bold=True, size=TITLE, align=CENTER)
    rule(doc.add_paragraph(), 165, 40)
    if to:
        para(doc, to, size=BODY, align=CENTER, space_before=6)


def body(doc, text: str, *, italic: bool = False, lead: str = "", raw: bool = False, last: bool = False) -> None:
    """A justified paragraph of the text, first line indented 1 cm (``lead`` in bold before it); ``raw``:
    a template tag line ({%p ... %}) left as it is; ``last``: kept on the page of the signature block."""
    p = doc.add_paragraph()
    p.paragraph_format.keep_with_next = last or None
    if not raw:
        p.alignment = JUSTIFY
        fmt = p.paragraph_format
        fmt.first_line_indent, fmt.space_before, fmt.space_after, fmt.line_spacing = Mm(10), Pt(0), Pt(6), 1.0
    if lead:
        para(doc, lead, bold=True, size=BODY, paragraph=p)
        p.add_run(" ").font.size = Pt(BODY)  # the text cleaner of ``para`` would trim it
    para(doc, text, italic=italic, size=BODY, paragraph=p)


def footer(doc, recipients: list[str], signer: str, name: str) -> None:
    """"Nơi nhận" (left, 12 and 11 points) and the signer's title and name (right, room to sign)."""
    table = borderless(doc, FOOTER_MM)
    cant_split = OxmlElement("w:cantSplit")  # the signature block is never cut across two pages
    table.rows[0]._tr.get_or_add_trPr().append(cant_split)
    left, right = table.rows[0].cells
    para(left, "Nơi nhận:", bold=True, italic=True, size=12, paragraph=left.paragraphs[0], space_before=12)
    for line in recipients:
        para(left, line, size=11)
    para(right, signer, bold=True, size=BODY, align=CENTER, paragraph=right.paragraphs[0], space_before=12)
    for _ in range(3):
        para(right, "", size=BODY)
    para(right, name, bold=True, size=BODY, align=CENTER)


def group_lines(doc) -> None:
    body(doc, "{%p for g in ds.nhom %}", raw=True)
    body(doc, GROUPS)
    body(doc, "{%p endfor %}", raw=True)


def decision() -> object:
    """The Director's decision (Quyết định) on the awards of the Director's list."""
    doc = new_document("{{ co_quan }}", "Quyết định khen thưởng năm {{ nam }}")
    header(doc, "{{ co_quan_cap_tren }}", "{{ co_quan }}", "Số: {{ so_quyet_dinh }}")
    title(doc, "QUYẾT ĐỊNH", "Về việc khen thưởng thành tích năm {{ nam }}")
    para(doc, "{{ chuc_danh_ky }} {{ co_quan }}", bold=True, size=TITLE, align=CENTER, space_before=6)
    body(doc, LAW_LINE, italic=True)
    body(doc, DECREE_LINE, italic=True)
    body(doc, "Căn cứ Quyết định số ....../QĐ-UBND ngày ...... của Ủy ban nhân dân tỉnh quy định chức năng, "
              "nhiệm vụ, quyền hạn và cơ cấu tổ chức của {{ ten_co_quan }};", italic=True)
    body(doc, COUNCIL_LINE + ";", italic=True)
    body(doc, "Theo đề nghị của Chánh {{ van_phong }}.", italic=True)
    para(doc, "QUYẾT ĐỊNH:", bold=True, size=TITLE, align=CENTER, space_before=6)
    body(doc, "Khen thưởng {{ ds.doi_tuong }} đã có thành tích trong thực hiện nhiệm vụ năm {{ nam }} "
              "(có danh sách kèm theo), gồm:", lead="Điều 1.")
    group_lines(doc)
    body(doc, "{% if ds.tong_tien %}Tiền thưởng kèm theo các danh hiệu, hình thức khen thưởng tại Điều 1 tính "
              "theo mức lương cơ sở {{ muc_luong_co_so }} đồng; tổng số tiền thưởng là {{ ds.tong_tien }} đồng "
              "({{ ds.tong_tien_chu }}), chi từ Quỹ thi đua, khen thưởng của {{ ten_co_quan }} năm {{ nam }}."
              "{% else %}Tiền thưởng thực hiện theo quy định hiện hành, chi từ Quỹ thi đua, khen thưởng của "
              "{{ ten_co_quan }} năm {{ nam }}.{% endif %}", lead="Điều 2.")
    body(doc, "Quyết định này có hiệu lực kể từ ngày ký. Chánh {{ van_phong }}, Thủ trưởng các phòng, đơn vị "
              "thuộc {{ ten_co_quan }} và các cá nhân, tập thể có tên tại Điều 1 chịu trách nhiệm thi hành "
              "Quyết định này./.", lead="Điều 3.", last=True)
    footer(doc, ["- Như Điều 3;", "- UBND tỉnh (để báo cáo);", "- Lưu: VT, VP."],
           "{{ chuc_danh_ky }}", "{{ ten_nguoi_ky }}")
    return doc


def office_submission() -> object:
    """The office's submission (Tờ trình) to the Director, with the Director's list."""
    doc = new_document("{{ co_quan }}", "Tờ trình đề nghị khen thưởng năm {{ nam }}")
    header(doc, "{{ co_quan }}", "{{ van_phong|upper }}", "Số: ......../TTr-VP")
    title(doc, "TỜ TRÌNH", "Về việc đề nghị khen thưởng thành tích năm {{ nam }}", to="Kính gửi: {{ giam_doc }}")
    body(doc, LAW_LINE)
    body(doc, DECREE_LINE)
    body(doc, COUNCIL_LINE + ",")
    body(doc, "{{ van_phong }} kính trình {{ giam_doc }} xem xét, quyết định khen thưởng {{ ds.doi_tuong }} đã có "
              "thành tích trong thực hiện nhiệm vụ năm {{ nam }} (có danh sách kèm theo), gồm:")
    group_lines(doc)
    body(doc, MONEY)
    body(doc, "{%p if tinh %}", raw=True)
    body(doc, "Đồng thời, {{ van_phong }} kính trình {{ giam_doc }} trình {{ chu_tich_tinh }} xét, khen thưởng "
              "{{ tinh.doi_tuong }} (có Tờ trình và danh sách riêng).")
    body(doc, "{%p endif %}", raw=True)
    body(doc, "Kính trình {{ giam_doc }} xem xét, quyết định./.", last=True)
    footer(doc, ["- Như trên;", "- Lưu: VT, VP."], "CHÁNH VĂN PHÒNG", "{{ ten_chanh_van_phong }}")
    return doc


def province_submission() -> object:
    """The Department's submission (Tờ trình) to the provincial chairman, with the chairman's list."""
    doc = new_document("{{ co_quan }}", "Tờ trình đề nghị khen thưởng năm {{ nam }}")
    header(doc, "{{ co_quan_cap_tren }}", "{{ co_quan }}", "Số: ......../TTr-{{ ky_hieu }}")
    title(doc, "TỜ TRÌNH", "Về việc đề nghị {{ chu_tich_tinh }} khen thưởng thành tích năm {{ nam }}",
          to="Kính gửi: {{ chu_tich_tinh }}")
    body(doc, LAW_LINE)
    body(doc, DECREE_LINE)
    body(doc, COUNCIL_LINE + ",")
    body(doc, "{{ ten_co_quan }} kính trình {{ chu_tich_tinh }} xem xét, khen thưởng {{ ds.doi_tuong }} đã có "
              "thành tích xuất sắc trong thực hiện nhiệm vụ năm {{ nam }} (có danh sách kèm theo), gồm:")
    group_lines(doc)
    body(doc, MONEY)
    body(doc, "Hồ sơ kèm theo: báo cáo thành tích của các cá nhân, tập thể; biên bản họp và kết quả biểu quyết "
              "của Hội đồng Thi đua - Khen thưởng {{ ten_co_quan }}; các văn bản chứng nhận sáng kiến, kết quả "
              "đánh giá, xếp loại.")
    body(doc, "Kính trình {{ chu_tich_tinh }} xem xét, quyết định./.", last=True)
    footer(doc, ["- Như trên;", "- Ban Thi đua - Khen thưởng tỉnh;", "- Lưu: VT, VP."],
           "{{ chuc_danh_ky }}", "{{ ten_nguoi_ky }}")
    return doc


BUILDERS = {"quyet_dinh.docx": decision, "to_trinh_van_phong.docx": office_submission,
            "to_trinh_tinh.docx": province_submission}


def build(folder: Path = HERE) -> list[Path]:
    """Write every template into ``folder``; returns their paths."""
    paths = []
    for name, make in BUILDERS.items():
        doc = make()
        doc.core_properties.comments = ""
        doc.save(str(folder / name))
        paths.append(folder / name)
    return paths


if __name__ == "__main__":
    for path in build():
        print(path)
