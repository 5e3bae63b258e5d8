"""The decision lists as one Word document (python-docx), in the layout of Decree 30/2020/NĐ-CP:
A4 portrait, Times New Roman, each decider's list from a new page. ``append_list`` also puts a list after
the text of a document made from a Word template (``yearend.documents``), so the list is written once."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from sheets_tools.campaign.model import Campaign
from sheets_tools.excel.style import FONT, MOTTO, NATION
from sheets_tools.yearend.decision import (COLUMNS, SUBJECT_WORDS, DecisionList, Group, clean, format_money,
                                           lists_or_empty, place_date, save_beside, summary, title_lines)

DOCX_NAME_LABELS = {"individual": "Họ và tên", "collective": "Tên tập thể"}
DOCX_DETAIL_LABEL = "Chức vụ - Đơn vị"
_SIGNER = object()  # append_list's default signer: the campaign's signer title


def write_docx(campaign: Campaign, lists: list[DecisionList], path: Path, *, number: str = "",
               signed_on: date | None = None) -> Path:
    """The lists as one Word document in the layout of Decree 30/2020/NĐ-CP (A4 portrait,
    Times New Roman), each decider's list from a new page. Returns the path written."""
    doc = new_document(campaign.info.agency, f"Danh sách khen thưởng năm {campaign.info.year}")
    for i, dlist in enumerate(lists_or_empty(campaign, lists)):
        append_list(doc, campaign, dlist, new_page=bool(i), number=number, signed_on=signed_on)
    return save_beside(path, lambda tmp: doc.save(str(tmp)))


def append_list(doc, campaign: Campaign, dlist: DecisionList, *, new_page: bool = True, number: str = "",
                signed_on: date | None = None, attached: str = "", signer=_SIGNER) -> None:
    """One decider's list at the end of ``doc`` (from a new A4 page when ``new_page``): the header, the
    titles ("(Kèm theo ...)": ``attached`` when given), one table per group, the totals and the signer's
    title (``signer``: default the campaign's; None or "": no signature block)."""
    if new_page:
        page_setup(doc.add_section())
    _docx_header(doc, campaign, signed_on)
    for line, (bold, italic, size) in zip(title_lines(campaign, dlist, number, signed_on, attached),
                                          ((True, False, 14), (True, False, 13), (False, True, 13))):
        para(doc, line, bold=bold, italic=italic, size=size, align=WD_ALIGN_PARAGRAPH.CENTER)
    for section in dlist.sections:
        _heading(doc, section.title, 1)
        for number_, grp in enumerate(section.groups, start=1):
            _heading(doc, grp.heading(number_), 2)
            _docx_table(doc, grp)
    signer = campaign.info.signer_title if signer is _SIGNER else signer
    closing = para(doc, summary(dlist), italic=True, space_before=6)
    closing.paragraph_format.keep_with_next = bool(signer) or None  # the totals stay with the signature
    if signer:
        _docx_signature(doc, signer)


def new_document(author: str, title: str):
    """An empty A4 document in Times New Roman (the styles the lists use), with its properties."""
    doc = Document()
    page_setup(doc.sections[0])
    _default_fonts(doc)
    props = doc.core_properties
    props.title = title
    props.author = props.last_modified_by = author
    props.comments, props.language = "", "vi-VN"
    return doc


def page_setup(section) -> None:
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)


def _set_fonts(rpr) -> None:
    """Times New Roman for every script (w:ascii, w:hAnsi, w:eastAsia, w:cs), no theme fonts."""
    fonts = rpr.get_or_add_rFonts()
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), FONT)


def _default_fonts(doc) -> None:
    """Document defaults, Normal and the two heading styles in Times New Roman, black, single spaced."""
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(defaults)
    lang = defaults.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), "vi-VN")
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(13)
    _set_fonts(normal.element.get_or_add_rPr())
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    for name in ("Heading 1", "Heading 2"):
        style = doc.styles[name]
        style.font.name, style.font.size, style.font.bold, style.font.italic = FONT, Pt(13), True, False
        style.font.color.rgb = RGBColor(0, 0, 0)
        _set_fonts(style.element.get_or_add_rPr())
        style.paragraph_format.space_before, style.paragraph_format.space_after = Pt(6), Pt(3)


def para(container, text: str, *, bold=False, italic=False, underline=False, size=13, align=None,
         space_before=0, paragraph=None):
    """A paragraph of one run with explicit fonts (a fresh one, or ``paragraph`` when given)."""
    p = paragraph if paragraph is not None else container.add_paragraph()
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_before = Pt(space_before)
    _run(p, text, bold=bold, italic=italic, underline=underline, size=size)
    return p


def _run(p, text: str, *, bold=False, italic=False, underline=False, size=13):
    run = p.add_run(clean(text))
    run.bold, run.italic, run.underline = bold or None, italic or None, underline or None  # None: as the style
    run.font.name, run.font.size = FONT, Pt(size)
    _set_fonts(run._element.get_or_add_rPr())
    return run


def _heading(doc, text: str, level: int) -> None:
    """A heading paragraph (a plain bold one when an edited template lost the heading style)."""
    name = f"Heading {level}"
    p = doc.add_paragraph(style=name) if _has_style(doc, name) else para(doc, "", space_before=6)
    _run(p, text, bold=True)


def _has_style(doc, name: str) -> bool:
    return any(style.name == name for style in doc.styles)


def borderless(doc, widths_mm: tuple[int, ...]):
    table = doc.add_table(rows=1, cols=len(widths_mm))
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    table._tbl.tblPr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                           "w:tblCaption", "w:tblDescription", "w:tblPrChange")
    _widths(table, widths_mm)
    return table


def _widths(table, widths_mm) -> None:
    for col, width in zip(table.columns, widths_mm):
        col.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Mm(width)


def _docx_header(doc, campaign: Campaign, signed_on: date | None) -> None:
    """Agency (left) and national motto (right) in a borderless table; place and date under the motto."""
    info, center = campaign.info, WD_ALIGN_PARAGRAPH.CENTER
    left, right = borderless(doc, (65, 100)).rows[0].cells
    para(left, info.parent_agency.upper(), size=13, align=center, paragraph=left.paragraphs[0])
    para(left, info.agency.upper(), bold=True, size=13, align=center)
    para(right, NATION, bold=True, size=12, align=center, paragraph=right.paragraphs[0])
    para(right, MOTTO, bold=True, underline=True, size=13, align=center)
    para(right, place_date(campaign, signed_on), italic=True, size=13, align=center, space_before=6)
    doc.add_paragraph()


def _docx_table(doc, grp: Group) -> None:
    """A bordered table: header row (repeated on each page), one row per award, the group's total."""
    subject = grp.awards[0].subject
    labels = ("STT", DOCX_NAME_LABELS[subject], DOCX_DETAIL_LABEL, "Tiền thưởng (đồng)")
    table = doc.add_table(rows=1, cols=4, style="Table Grid" if _has_style(doc, "Table Grid") else None)
    table.autofit = False
    grid(table)
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    for cell, label in zip(table.rows[0].cells, labels):
        para(cell, label, bold=True, align=center, paragraph=cell.paragraphs[0])
    _row_flags(table.rows[0], header=True)
    for stt, award in enumerate(grp.awards, start=1):
        row = table.add_row()
        _row_flags(row)
        for cell, text, align in zip(row.cells, (str(stt), award.display_name, award.details,
                                                 format_money(grp.money)), (center, None, None, right)):
            para(cell, text, align=align, paragraph=cell.paragraphs[0])
    total = table.add_row()
    _row_flags(total)
    label = total.cells[0].merge(total.cells[2])
    para(label, f"Cộng ({len(grp.awards)} {SUBJECT_WORDS[subject]})", bold=True, align=center,
         paragraph=label.paragraphs[0])
    para(total.cells[3], format_money(grp.total), bold=True, align=right, paragraph=total.cells[3].paragraphs[0])
    for cell in (label, total.cells[3]):  # the group's total never starts a page alone
        cell.paragraphs[0].paragraph_format.keep_with_next = True
    _widths(table, tuple(mm for _, _, mm in COLUMNS))


def grid(table, color: str = "000000") -> None:
    """Single borders set on the table itself: the list keeps its grid whatever the template's styles."""
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        for attr, value in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", color)):
            edge.set(qn(f"w:{attr}"), value)
        borders.append(edge)
    table._tbl.tblPr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                           "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def _row_flags(row, header: bool = False) -> None:
    """Rows never split across pages; the header row repeats on every page."""
    tr_pr = row._tr.get_or_add_trPr()
    later = ("w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange")
    tr_pr.insert_element_before(OxmlElement("w:cantSplit"), "w:trHeight", "w:tblHeader", *later)
    if header:
        tr_pr.insert_element_before(OxmlElement("w:tblHeader"), *later)


def _docx_signature(doc, signer: str) -> None:
    """The signer's title, bold, centred in the right half (room left for signature and seal)."""
    _, right = borderless(doc, (65, 100)).rows[0].cells
    para(right, signer.upper(), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
          space_before=12, paragraph=right.paragraphs[0])
    for _ in range(4):
        right.add_paragraph()

