"""The decision list (issue 5, item 7): who gets which title or form, and the award money.

``group`` splits the awards into one list per decider (the Director's first, then the
others in catalogue order); inside a list, individuals then collectives; inside those, one
group per catalogue item (titles before forms); inside a group, people in Vietnamese name
order (given name first) and collectives in Vietnamese alphabetical order.
``write_workbook`` (xlsxwriter) and ``write_docx`` (python-docx, layout of Decree
30/2020/NĐ-CP) write the lists; both write atomically. Names come from units and are
untrusted: the workbook writes every text with ``write_string`` and formula guessing off.
"""
from __future__ import annotations

import math
import re
import textwrap
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Callable, Literal

import xlsxwriter
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from sheets_tools.campaign.model import Campaign, CatalogueItem
from sheets_tools.core.files import TargetBusy, write_atomic
from sheets_tools.core.text import normalize, split_name, vn_key, vn_name_key

FONT = "Times New Roman"
DEFAULT_DECIDER = "Giám đốc Sở"
SECTION_WORDS = {"individual": "CÁ NHÂN", "collective": "TẬP THỂ"}  # "I. CÁ NHÂN", "II. TẬP THỂ"
_ROMAN = ("", "I", "II")
SUBJECT_WORDS = {"individual": "cá nhân", "collective": "tập thể"}
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
TITLE = "DANH SÁCH"
# (label, xlsx width in characters, docx width in mm); 165 mm = A4 minus margins 30 + 15
COLUMNS = (("STT", 6, 15), ("Họ và tên / Tên tập thể", 34, 55), ("Chức vụ, đơn vị", 44, 65),
           ("Tiền thưởng (đồng)", 17, 30))
LINE_HEIGHT = 16.5  # points per line of 12 pt text: rows with wrapped text get an explicit height
DOCX_NAME_LABELS = {"individual": "Họ và tên", "collective": "Tên tập thể"}
DOCX_DETAIL_LABEL = "Chức vụ - Đơn vị"
MONEY_FORMAT = "#,##0"
WORKBOOK_OPTIONS = {
    "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
    "default_format_properties": {"font_name": FONT, "font_size": 12},
}
HEADER_ROW = 8  # 0-based row of the workbook's column labels
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SUBJECT_SUFFIX = re.compile(r"\s*\((cá nhân|tập thể)\)\s*$", re.IGNORECASE)


# --- the data -----------------------------------------------------------------------------------
@dataclass
class Award:
    """One line of the decision: a person or collective and the title or form they receive."""

    subject: Literal["individual", "collective"]
    item: CatalogueItem
    name: str  # full name, or the collective's name
    family_name: str = ""  # family and middle names (họ và tên đệm), when entered apart
    given_name: str = ""  # given name (tên)
    position: str = ""  # chức vụ
    unit_name: str = ""  # đơn vị

    def __post_init__(self) -> None:
        if self.subject not in SECTION_WORDS:
            raise ValueError(f"Đối tượng khen thưởng không hợp lệ: {self.subject!r} (cá nhân hoặc tập thể)")

    @property
    def display_name(self) -> str:
        return _clean(self.name) or _clean(f"{self.family_name} {self.given_name}")

    @property
    def details(self) -> str:
        """Position and unit, as the list shows them ("Chuyên viên, Văn phòng Sở")."""
        return ", ".join(p for p in (_clean(self.position), _clean(self.unit_name)) if p)

    def sort_key(self) -> tuple:
        if self.subject == "collective":
            return vn_key(self.display_name), vn_key(self.details), self.display_name
        family, given = (self.family_name, self.given_name) if self.given_name.strip() \
            else split_name(self.display_name)
        return vn_name_key(family, given), vn_key(self.details), self.display_name


@dataclass
class Group:
    """The awards of one catalogue item; ``money`` is the amount per award (None: not set)."""

    item: CatalogueItem
    awards: list[Award]
    money: int | None = None

    @property
    def total(self) -> int | None:
        return None if self.money is None else self.money * len(self.awards)

    def heading(self, number: int) -> str:
        """``1. Danh hiệu "Lao động tiên tiến" (12 cá nhân)``."""
        name = _SUBJECT_SUFFIX.sub("", normalize(self.item.name))
        what = f"Danh hiệu \"{name}\"" if self.item.kind == "title" else name
        return f"{number}. {what} ({len(self.awards)} {SUBJECT_WORDS[self.awards[0].subject]})"


@dataclass
class Section:
    """Individuals or collectives of one list; ``number`` is its place in the list (1 or 2)."""

    subject: Literal["individual", "collective"]
    groups: list[Group]
    number: int = 1

    @property
    def title(self) -> str:
        return f"{_ROMAN[self.number]}. {SECTION_WORDS[self.subject]}"

    @property
    def count(self) -> int:
        return sum(len(g.awards) for g in self.groups)


@dataclass
class DecisionList:
    """The list one decider signs (or is asked to sign): sections of individuals, then collectives."""

    decider: str
    sections: list[Section] = field(default_factory=list)

    @property
    def total(self) -> int | None:
        """The money of the whole list (groups without an amount count 0); None when no group has one."""
        totals = [g.total for s in self.sections for g in s.groups if g.total is not None]
        return sum(totals) if totals else None

    def count(self, subject: str) -> int:
        return sum(s.count for s in self.sections if s.subject == subject)


def money(campaign: Campaign, item: CatalogueItem) -> int | None:
    """Award money of one title or form: multiple x base salary, rounded up to the rounding setting.

    Computed exactly (0.3 x 2,340,000 = 702,000, never 702,000.0000001); None when the
    catalogue gives no multiple.
    """
    if item.multiple is None:
        return None
    settings = campaign.yearend
    exact = Fraction(str(item.multiple)) * Fraction(str(settings.base_salary))
    step = Fraction(str(settings.award_rounding))
    return math.ceil(math.ceil(exact / step) * step)


def director(campaign: Campaign) -> str:
    """The Director's decider name: the catalogue's first decider (default "Giám đốc Sở")."""
    return next((normalize(i.decider) for i in campaign.catalogue if i.decider.strip()), DEFAULT_DECIDER)


def decider_of(campaign: Campaign, item: CatalogueItem) -> str:
    """Who decides an item; an item without a decider is the Director's."""
    return normalize(item.decider) or director(campaign)


def group(campaign: Campaign, awards: list[Award]) -> list[DecisionList]:
    """One list per decider (Director first, then catalogue order), each sorted as the decision shows it."""
    deciders = list(dict.fromkeys([director(campaign)] + [decider_of(campaign, i) for i in campaign.catalogue]))
    buckets: dict[str, dict[str, dict[str, list[Award]]]] = {}  # decider -> subject -> item code -> awards
    items: dict[str, CatalogueItem] = {}
    for award in awards:
        decider = decider_of(campaign, award.item)
        deciders += [decider] if decider not in deciders else []
        items.setdefault(award.item.code, award.item)
        buckets.setdefault(decider, {}).setdefault(award.subject, {}).setdefault(award.item.code, []).append(award)
    rank = _item_rank(campaign, items)
    return [DecisionList(d, _sections(campaign, buckets[d], items, rank)) for d in deciders if d in buckets]


def _item_rank(campaign: Campaign, items: dict[str, CatalogueItem]) -> Callable[[str], tuple]:
    """Titles before forms, each in catalogue order; items outside the catalogue last, as they came."""
    order = {item.code: i for i, item in enumerate(campaign.catalogue)}
    for code in items:
        order.setdefault(code, len(order))
    return lambda code: (items[code].kind != "title", order[code])


def _sections(campaign: Campaign, by_subject: dict[str, dict[str, list[Award]]], items: dict[str, CatalogueItem],
              rank: Callable[[str], tuple]) -> list[Section]:
    subjects = [s for s in SECTION_WORDS if s in by_subject]  # individuals, then collectives
    return [Section(subject, [Group(items[code], sorted(by_subject[subject][code], key=Award.sort_key),
                                    money(campaign, items[code]))
                              for code in sorted(by_subject[subject], key=rank)], number)
            for number, subject in enumerate(subjects, start=1)]


# --- texts shared by both files ---------------------------------------------------------------
def title_lines(campaign: Campaign, dlist: DecisionList, number: str = "", signed_on: date | None = None) -> list[str]:
    """"DANH SÁCH", the subtitle and the "(Kèm theo ...)" line of one list."""
    year = campaign.info.year
    if dlist.decider == director(campaign):
        attached = f"(Kèm theo Quyết định số {_clean(number) or '......'} {date_words(signed_on)} của {dlist.decider})"
    else:
        attached = f"(Kèm theo Tờ trình số ...... đề nghị {dlist.decider} khen thưởng)"
    return [TITLE, f"Cá nhân, tập thể được khen thưởng năm {year}", attached]


def date_words(day: date | None) -> str:
    """"ngày 05 tháng 01 năm 2025" (Decree 30: a leading zero for days below 10 and months 1-2)."""
    if day is None:
        return "ngày ... tháng ... năm ......"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_date(campaign: Campaign, signed_on: date | None) -> str:
    return f"{_clean(campaign.info.place) or '......'}, {date_words(signed_on)}"


def format_money(amount: int | None) -> str:
    """702000 -> "702.000" (Vietnamese thousands separator); None -> ""."""
    return "" if amount is None else f"{amount:,}".replace(",", ".")


def _clean(text: str | None) -> str:
    """Untrusted text made safe for both files: NFC, trimmed, no XML-invalid control characters."""
    return normalize(_XML_INVALID.sub("", str(text or "")))


def _empty_lists(campaign: Campaign, lists: list[DecisionList]) -> list[DecisionList]:
    return lists or [DecisionList(director(campaign), [])]


def _summary(dlist: DecisionList) -> str:
    parts = [f"{dlist.count(s)} {SUBJECT_WORDS[s]}" for s in SECTION_WORDS if dlist.count(s)]
    if not parts:
        return "Không có cá nhân, tập thể nào trong danh sách."
    money_part = "" if dlist.total is None else f"; tổng số tiền thưởng: {format_money(dlist.total)} đồng"
    return f"Tổng số: {', '.join(parts)}{money_part}."


def _atomic(path: Path, write: Callable[[Path], None]) -> Path:
    """Write atomically; a target open in Excel or Word is left alone and the file goes beside it."""
    try:
        return write_atomic(Path(path), write, beside_if_busy=True)
    except TargetBusy as busy:
        return busy.written


# --- the workbook -------------------------------------------------------------------------------
def write_workbook(campaign: Campaign, lists: list[DecisionList], path: Path, *, number: str = "",
                   signed_on: date | None = None) -> Path:
    """The lists as a formatted xlsx, one sheet per decider, A4 portrait. Returns the path written
    (beside ``path`` when ``path`` is open in Excel or LibreOffice)."""
    def write(tmp: Path) -> None:
        wb = xlsxwriter.Workbook(str(tmp), WORKBOOK_OPTIONS)
        wb.set_properties({"title": f"Danh sách khen thưởng năm {campaign.info.year}",
                           "author": campaign.info.agency, "company": campaign.info.agency})
        fmt = _xlsx_formats(wb)
        used: set[str] = set()
        for dlist in _empty_lists(campaign, lists):
            ws = wb.add_worksheet(sheet_name(dlist.decider, used))
            _xlsx_list(ws, fmt, campaign, dlist, title_lines(campaign, dlist, number, signed_on), signed_on)
        wb.close()

    return _atomic(path, write)


def sheet_name(wanted: str, used: set[str]) -> str:
    """A valid, unique (case-insensitive) sheet name of at most 31 characters; adds it to ``used``."""
    base = _BAD_SHEET_CHARS.sub("", normalize(wanted)).strip("' ")[:31].strip() or "Danh sách"
    name, n = base, 1
    while name.casefold() in used:
        n += 1
        name = f"{base[:31 - len(f' ({n})')].strip()} ({n})"
    used.add(name.casefold())
    return name


def _xlsx_formats(wb) -> dict:
    border = {"border": 1, "valign": "top", "text_wrap": True}
    return {
        "center": wb.add_format({"align": "center"}),
        "bold_center": wb.add_format({"bold": True, "align": "center"}),
        "motto": wb.add_format({"bold": True, "align": "center", "underline": 1}),
        "italic_center": wb.add_format({"italic": True, "align": "center"}),
        "title": wb.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"}),
        "header": wb.add_format({"bold": True, "text_wrap": True, "align": "center", "valign": "vcenter",
                                 "border": 1}),
        "section": wb.add_format({"bold": True, "border": 1}),
        "group": wb.add_format({"bold": True, "italic": True, "border": 1}),
        "stt": wb.add_format({**border, "align": "center"}),
        "cell": wb.add_format(border),
        "money": wb.add_format({**border, "num_format": MONEY_FORMAT}),
        "total": wb.add_format({"bold": True, "border": 1, "align": "center"}),
        "total_money": wb.add_format({"bold": True, "border": 1, "num_format": MONEY_FORMAT}),
        "note": wb.add_format({"italic": True}),
    }


def _xlsx_list(ws, fmt: dict, campaign: Campaign, dlist: DecisionList, titles: list[str],
               signed_on: date | None) -> None:
    _xlsx_frame(ws, fmt, campaign, titles, signed_on)
    r = HEADER_ROW
    for section in dlist.sections:
        r += 1
        ws.merge_range(r, 0, r, 3, "", fmt["section"])
        ws.write_string(r, 0, section.title, fmt["section"])
        for number, grp in enumerate(section.groups, start=1):
            r = _xlsx_group(ws, fmt, grp, number, r + 1)
    r += 1
    ws.merge_range(r, 0, r, 2, "", fmt["total"])
    ws.write_string(r, 0, "TỔNG CỘNG", fmt["total"])
    _xlsx_money(ws, r, dlist.total, fmt["total_money"])
    ws.write_string(r + 1, 0, _summary(dlist), fmt["note"])
    r += 3
    ws.merge_range(r, 2, r, 3, "", fmt["bold_center"])
    ws.write_string(r, 2, _clean(campaign.info.signer_title), fmt["bold_center"])


def _xlsx_frame(ws, fmt: dict, campaign: Campaign, titles: list[str], signed_on: date | None) -> None:
    """Agency block top-left, national motto top-right, the title lines, page setup (A4 portrait)."""
    info = campaign.info
    for row, (left, lfmt, right, rfmt) in enumerate((
            (info.parent_agency, "center", NATION, "bold_center"),
            (info.agency, "bold_center", MOTTO, "motto"),
            ("", "center", place_date(campaign, signed_on), "italic_center"))):
        ws.merge_range(row, 0, row, 1, "", fmt[lfmt])
        if _clean(left):
            ws.write_string(row, 0, _clean(left), fmt[lfmt])
        ws.merge_range(row, 2, row, 3, "", fmt[rfmt])
        ws.write_string(row, 2, right, fmt[rfmt])
    for row, text, style in zip((4, 5, 6), titles, ("title", "bold_center", "italic_center")):
        ws.merge_range(row, 0, row, 3, "", fmt[style])
        ws.write_string(row, 0, text, fmt[style])
    ws.set_row(4, 22)
    for c, (label, width, _) in enumerate(COLUMNS):
        ws.set_column(c, c, width)
        ws.write_string(HEADER_ROW, c, label, fmt["header"])
    ws.set_portrait()
    ws.set_paper(9)  # A4
    ws.set_margins(left=1.18, right=0.59, top=0.79, bottom=0.79)  # 30, 15, 20, 20 mm
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(HEADER_ROW)
    ws.set_footer("&CTrang &P/&N")


def _xlsx_group(ws, fmt: dict, grp: Group, number: int, r: int) -> int:
    """Heading row, one row per award, the group's total row; returns the last row written."""
    ws.merge_range(r, 0, r, 3, "", fmt["group"])
    ws.write_string(r, 0, grp.heading(number), fmt["group"])
    for stt, award in enumerate(grp.awards, start=1):
        r += 1
        ws.write_number(r, 0, stt, fmt["stt"])
        ws.write_string(r, 1, award.display_name, fmt["cell"])
        ws.write_string(r, 2, award.details, fmt["cell"])
        lines = max(_lines(award.display_name, COLUMNS[1][1]), _lines(award.details, COLUMNS[2][1]))
        if lines > 1:  # LibreOffice does not grow rows for wrapped text on its own
            ws.set_row(r, LINE_HEIGHT * lines)
        _xlsx_money(ws, r, grp.money, fmt["money"])
    r += 1
    ws.merge_range(r, 0, r, 2, "", fmt["total"])
    ws.write_string(r, 0, f"Cộng ({len(grp.awards)} {SUBJECT_WORDS[grp.awards[0].subject]})", fmt["total"])
    _xlsx_money(ws, r, grp.total, fmt["total_money"])
    return r


def _lines(text: str, width: int) -> int:
    """A generous estimate of the lines ``text`` wraps to in a column ``width`` characters wide."""
    return max(1, len(textwrap.wrap(text, max(width - 3, 1))))


def _xlsx_money(ws, r: int, amount: int | None, cell_format) -> None:
    if amount is None:
        ws.write_blank(r, 3, None, cell_format)
    else:
        ws.write_number(r, 3, amount, cell_format)


# --- the Word document --------------------------------------------------------------------------
def write_docx(campaign: Campaign, lists: list[DecisionList], path: Path, *, number: str = "",
               signed_on: date | None = None) -> Path:
    """The lists as one Word document in the layout of Decree 30/2020/NĐ-CP (A4 portrait,
    Times New Roman), each decider's list from a new page. Returns the path written."""
    doc = _new_document(campaign)
    for i, dlist in enumerate(_empty_lists(campaign, lists)):
        if i:
            _page_setup(doc.add_section())
        _docx_header(doc, campaign, signed_on)
        for line, (bold, italic, size) in zip(title_lines(campaign, dlist, number, signed_on),
                                              ((True, False, 14), (True, False, 13), (False, True, 13))):
            _para(doc, line, bold=bold, italic=italic, size=size, align=WD_ALIGN_PARAGRAPH.CENTER)
        for section in dlist.sections:
            _heading(doc, section.title, 1)
            for number_, grp in enumerate(section.groups, start=1):
                _heading(doc, grp.heading(number_), 2)
                _docx_table(doc, grp)
        _para(doc, _summary(dlist), italic=True, space_before=6)
        _docx_signature(doc, campaign)
    return _atomic(path, lambda tmp: doc.save(str(tmp)))


def _new_document(campaign: Campaign):
    doc = Document()
    _page_setup(doc.sections[0])
    _default_fonts(doc)
    props = doc.core_properties
    props.title = f"Danh sách khen thưởng năm {campaign.info.year}"
    props.author = props.last_modified_by = campaign.info.agency
    props.comments, props.language = "", "vi-VN"
    return doc


def _page_setup(section) -> None:
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


def _para(container, text: str, *, bold=False, italic=False, underline=False, size=13, align=None,
          space_before=0, paragraph=None):
    """A paragraph of one run with explicit fonts (a fresh one, or ``paragraph`` when given)."""
    p = paragraph if paragraph is not None else container.add_paragraph()
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_before = Pt(space_before)
    _run(p, text, bold=bold, italic=italic, underline=underline, size=size)
    return p


def _run(p, text: str, *, bold=False, italic=False, underline=False, size=13):
    run = p.add_run(_clean(text))
    run.bold, run.italic, run.underline = bold or None, italic or None, underline or None  # None: as the style
    run.font.name, run.font.size = FONT, Pt(size)
    _set_fonts(run._element.get_or_add_rPr())
    return run


def _heading(doc, text: str, level: int) -> None:
    p = doc.add_paragraph(style=f"Heading {level}")
    _run(p, text, bold=True)


def _borderless(doc, widths_mm: tuple[int, ...]):
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
    left, right = _borderless(doc, (65, 100)).rows[0].cells
    _para(left, info.parent_agency.upper(), size=13, align=center, paragraph=left.paragraphs[0])
    _para(left, info.agency.upper(), bold=True, size=13, align=center)
    _para(right, NATION, bold=True, size=12, align=center, paragraph=right.paragraphs[0])
    _para(right, MOTTO, bold=True, underline=True, size=13, align=center)
    _para(right, place_date(campaign, signed_on), italic=True, size=13, align=center, space_before=6)
    doc.add_paragraph()


def _docx_table(doc, grp: Group) -> None:
    """A bordered table: header row (repeated on each page), one row per award, the group's total."""
    subject = grp.awards[0].subject
    labels = ("STT", DOCX_NAME_LABELS[subject], DOCX_DETAIL_LABEL, "Tiền thưởng (đồng)")
    table = doc.add_table(rows=1, cols=4, style="Table Grid")
    table.autofit = False
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    for cell, label in zip(table.rows[0].cells, labels):
        _para(cell, label, bold=True, align=center, paragraph=cell.paragraphs[0])
    _row_flags(table.rows[0], header=True)
    for stt, award in enumerate(grp.awards, start=1):
        row = table.add_row()
        _row_flags(row)
        for cell, text, align in zip(row.cells, (str(stt), award.display_name, award.details,
                                                 format_money(grp.money)), (center, None, None, right)):
            _para(cell, text, align=align, paragraph=cell.paragraphs[0])
    total = table.add_row()
    _row_flags(total)
    label = total.cells[0].merge(total.cells[2])
    _para(label, f"Cộng ({len(grp.awards)} {SUBJECT_WORDS[subject]})", bold=True, align=center,
          paragraph=label.paragraphs[0])
    _para(total.cells[3], format_money(grp.total), bold=True, align=right, paragraph=total.cells[3].paragraphs[0])
    _widths(table, tuple(mm for _, _, mm in COLUMNS))


def _row_flags(row, header: bool = False) -> None:
    """Rows never split across pages; the header row repeats on every page."""
    tr_pr = row._tr.get_or_add_trPr()
    later = ("w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange")
    tr_pr.insert_element_before(OxmlElement("w:cantSplit"), "w:trHeight", "w:tblHeader", *later)
    if header:
        tr_pr.insert_element_before(OxmlElement("w:tblHeader"), *later)


def _docx_signature(doc, campaign: Campaign) -> None:
    """The signer's title, bold, centred in the right half (room left for signature and seal)."""
    _, right = _borderless(doc, (65, 100)).rows[0].cells
    _para(right, campaign.info.signer_title.upper(), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER,
          space_before=12, paragraph=right.paragraphs[0])
    for _ in range(4):
        right.add_paragraph()


# --- both files -----------------------------------------------------------------------------------
def output_paths(campaign: Campaign, out_dir: Path) -> tuple[Path, Path]:
    """``Danh sách khen thưởng năm {year}.xlsx`` and ``.docx`` under ``out_dir``."""
    stem = f"Danh sách khen thưởng năm {campaign.info.year}"
    return Path(out_dir) / f"{stem}.xlsx", Path(out_dir) / f"{stem}.docx"


def write_all(campaign: Campaign, awards: list[Award], out_dir: Path, *, number: str = "",
              signed_on: date | None = None) -> list[Path]:
    """Group the awards and write the workbook and the Word document; returns the paths written."""
    lists = group(campaign, awards)
    xlsx, docx_path = output_paths(campaign, out_dir)
    return [write_workbook(campaign, lists, xlsx, number=number, signed_on=signed_on),
            write_docx(campaign, lists, docx_path, number=number, signed_on=signed_on)]
