"""The guide's blocks as a Word document (python-docx): A4 portrait, Times New Roman, a contents list of
the chapters, tables with a shaded header row, commands in a grey monospace box, pictures scaled to the
page's width with their caption below, page numbers in the footer."""
from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from sheets_tools.guide.markdown import Block, plain, runs

FONT, MONO = "Times New Roman", "Courier New"
BODY_PT, CODE_PT, TABLE_PT = 12, 9.5, 10.5
MARGIN_MM, TEXT_WIDTH_MM, MAX_PICTURE_MM = 20, 170, 200
HEADING_PT = {1: 18, 2: 15, 3: 13, 4: 12}
GREY, HEADER_FILL = "F2F2F2", "D9E2F3"


def build(blocks: list[Block], images: Path):
    """A ``docx.Document`` of ``blocks``; pictures are read from ``images`` (the markdown's folder)."""
    doc = Document()
    _page(doc)
    _styles(doc)
    first_h2 = next((i for i, b in enumerate(blocks) if b.kind == "heading" and b.level == 2), None)
    for i, block in enumerate(blocks):
        if i == first_h2:
            _contents(doc, blocks)
        _BUILDERS[block.kind](doc, block, images)
    return doc


def _page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(MARGIN_MM)
    section.top_margin = section.bottom_margin = Mm(MARGIN_MM)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(footer.add_run(), "PAGE")


def _field(run, instruction: str) -> None:
    """A Word field (e.g. the page number) in ``run``."""
    begin, text, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text.set(qn("xml:space"), "preserve")
    text.text = instruction
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, text, end):
        run._r.append(element)


def _font(style_font, name: str, size: float | None = None) -> None:
    style_font.name = name
    if size:
        style_font.size = Pt(size)


def _styles(doc) -> None:
    normal = doc.styles["Normal"]
    _font(normal.font, FONT, BODY_PT)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for level, size in HEADING_PT.items():
        style = doc.styles[f"Heading {level}" if level else "Title"]
        _font(style.font, FONT, size)
        style.font.color.rgb = RGBColor(0x1F, 0x3A, 0x68)
        style.font.bold = True
        style.font.italic = False
        style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
        _no_theme(style)
        style.paragraph_format.space_before = Pt(14 if level <= 2 else 10)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True


def _no_theme(style) -> None:
    """Drop the theme fonts Word's default headings carry, so the named font is used."""
    fonts = style.element.rPr.rFonts
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]


def _inline(paragraph, text: str, size: float | None = None, bold: bool = False) -> None:
    for style, piece in runs(text):
        run = paragraph.add_run(piece)
        run.bold = bold or style == "bold"
        if style == "code":
            run.font.name = MONO
            run.font.size = Pt((size or BODY_PT) - 1.5)
        elif size:
            run.font.size = Pt(size)


def _heading(doc, block: Block, images: Path) -> None:
    if block.level == 1:
        paragraph = doc.add_paragraph(style="Heading 1")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(plain(block.text)).font.size = Pt(20)
        return
    if block.level == 2 and len(doc.paragraphs) > 12:
        doc.add_page_break()
    doc.add_heading(plain(block.text), level=min(block.level, 4))


def _contents(doc, blocks: list[Block]) -> None:
    doc.add_paragraph().add_run("Nội dung").bold = True
    for block in blocks:
        if block.kind == "heading" and block.level == 2:
            doc.add_paragraph(plain(block.text), style="List Bullet")


def _paragraph(doc, block: Block, images: Path) -> None:
    _inline(doc.add_paragraph(), block.text)


def _bullets(doc, block: Block, images: Path) -> None:
    for item in block.items:
        _inline(doc.add_paragraph(style="List Bullet"), item)


def _numbers(doc, block: Block, images: Path) -> None:
    """Numbered items written with their own number (Word's list numbering would run on across lists)."""
    for n, item in enumerate(block.items, start=block.start):
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.left_indent = Mm(8)
        paragraph.paragraph_format.first_line_indent = Mm(-6)
        paragraph.add_run(f"{n}.\t")
        paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(8))
        _inline(paragraph, item)


def _code(doc, block: Block, images: Path) -> None:
    paragraph = doc.add_paragraph()
    _shade(paragraph._p.get_or_add_pPr(), GREY)  # first: python-docx puts what follows after it, as Word wants
    paragraph.paragraph_format.line_spacing = 1.0
    paragraph.paragraph_format.left_indent = Mm(3)
    paragraph.paragraph_format.keep_together = True
    for n, line in enumerate(block.text.split("\n")):
        run = paragraph.add_run(line)
        run.font.name, run.font.size = MONO, Pt(CODE_PT)
        run._r.get_or_add_rPr().rFonts.set(qn("w:eastAsia"), MONO)
        if n < block.text.count("\n"):
            run.add_break()


def _shade(properties, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _table(doc, block: Block, images: Path) -> None:
    rows = block.rows
    width = max(len(r) for r in rows)
    table = doc.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = _widths(rows, width)
    for c, column in enumerate(table.columns):  # the grid LibreOffice reads, and each cell Word reads
        column.width = Mm(widths[c])
    for r, row in enumerate(rows):
        for c in range(width):
            cell = table.cell(r, c)
            cell.width = Mm(widths[c])
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(2)
            paragraph.paragraph_format.line_spacing = 1.0
            _inline(paragraph, row[c] if c < len(row) else "", size=TABLE_PT, bold=r == 0)
            if r == 0:
                _shade(cell._tc.get_or_add_tcPr(), HEADER_FILL)
    _repeat_header(table.rows[0])
    doc.add_paragraph()


def _widths(rows: list[list[str]], width: int) -> list[float]:
    """Column widths (mm) in proportion to the text they hold, none narrower than 22 mm."""
    need = [max(12, min(60, max(len(plain(r[c])) if c < len(r) else 0 for r in rows))) for c in range(width)]
    total = sum(need)
    widths = [max(22.0, TEXT_WIDTH_MM * n / total) for n in need]
    scale = TEXT_WIDTH_MM / sum(widths)
    return [w * scale for w in widths]


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _image(doc, block: Block, images: Path) -> None:
    path = images / block.items[0]
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.keep_with_next = True
    paragraph.add_run().add_picture(str(path), width=Mm(_picture_width(path)))
    caption = doc.add_paragraph()
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = caption.add_run(plain(block.text))
    run.italic, run.font.size = True, Pt(10.5)


def _picture_width(path: Path) -> float:
    """The printed width (mm): the page's text width, narrower for a tall picture (at most
    ``MAX_PICTURE_MM`` high) and never wider than the picture at 60 pixels per inch (it was rendered so)."""
    head = path.read_bytes()[:24]
    width_px, height_px = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    if not head.startswith(b"\x89PNG") or not width_px or not height_px:
        return TEXT_WIDTH_MM
    natural = width_px * 25.4 / 60
    return min(TEXT_WIDTH_MM, natural, MAX_PICTURE_MM * width_px / height_px)


_BUILDERS = {"heading": _heading, "paragraph": _paragraph, "bullets": _bullets, "numbers": _numbers,
             "code": _code, "table": _table, "image": _image}
