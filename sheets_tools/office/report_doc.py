"""The leadership's quick report as a Word document (python-docx): A4 portrait, Times New Roman, the state
heading of the project's documents, then five parts: the unit x form matrix (a short mark and a colour per
cell, with a legend), the counts per form, the units still missing past a deadline, each block's ranking
and the proposals ready for the council.

The report is built to hold on one or two pages: the matrix's font shrinks for a long list of units, a
ranking is printed in two columns, and a form missing from many units gives their number, not their names.
``report.write_report`` turns it into the PDF.
"""
from __future__ import annotations

from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from sheets_tools.campaign.criteria import number_text
from sheets_tools.collection.status import Entry
from sheets_tools.formkit.declaration import load_forms
from sheets_tools.excel.style import HEAD_COLOR, MOTTO, NATION
from sheets_tools.yearend.decision import clean, date_words, director, save_beside
from sheets_tools.yearend.decision_docx import borderless, grid, new_document, para

# one short mark per state of a unit x form, each a glyph of Times New Roman and Liberation Serif (WGL4),
# so that a black-and-white print still tells them apart; the cells are coloured too
MARKS = {"accepted": "√", "accepted_with_warnings": "!", "rejected": "×", "overdue": "–", "not_due": "·",
         "optional": "o"}
MARK_LABELS = {"accepted": "hợp lệ", "accepted_with_warnings": "hợp lệ, có lưu ý", "rejected": "bị trả lại",
               "overdue": "chưa nộp, quá hạn", "not_due": "chưa đến hạn", "optional": "không bắt buộc, chưa gửi"}
FILLS = {"accepted": "C6EFCE", "accepted_with_warnings": "FFEB9C", "rejected": "FFC7CE", "overdue": "D9D9D9",
         "not_due": "", "optional": ""}
CENTER = WD_ALIGN_PARAGRAPH.CENTER
WIDTH_MM = 170  # the text width: A4 less the margins (``_page``)
MANY_UNITS = 30  # above this, the matrix is set in a smaller font
NAMES_MAX = 10  # a form missing from more units gives their number only (the matrix shows which)
SHORT_LIST = 3  # the council's cases named when a title has at most this many


def mark_of(entry: Entry) -> str:
    """The key (in ``MARKS``) of one unit x form: its file's state, or why nothing has come yet."""
    if entry.state == "missing":
        return {"overdue": "overdue", "optional": "optional"}.get(entry.timing, "not_due")
    return entry.state


def write_docx(report, path: Path) -> Path:
    """The report (``report.QuickReport``) as a Word document at ``path`` (beside it when it is open)."""
    campaign = report.campaign
    doc = new_document(campaign.info.agency, f"Báo cáo nhanh tình hình thi đua, khen thưởng năm {campaign.info.year}")
    _page(doc.sections[0])
    _heading(doc, report)
    _matrix(doc, report)
    _counts(doc, report)
    _missing(doc, report)
    _ranking(doc, report)
    _proposals(doc, report)
    return save_beside(path, lambda tmp: doc.save(str(tmp)))


def _page(section) -> None:
    """A4 portrait (``new_document``) with narrower margins than a decision: the report is for reading."""
    section.top_margin, section.bottom_margin = Mm(15), Mm(15)
    section.left_margin, section.right_margin = Mm(25), Mm(15)


# --- the heading ---------------------------------------------------------------------------------------
def _heading(doc, report) -> None:
    """The agency and its office (left), the nation and the motto (right), the title and the date."""
    info = report.campaign.info
    left, right = borderless(doc, (70, 100)).rows[0].cells
    para(left, info.agency.upper(), size=12, align=CENTER, paragraph=left.paragraphs[0])
    para(left, (info.office or "Văn phòng").upper(), bold=True, size=12, align=CENTER)
    para(right, NATION, bold=True, size=12, align=CENTER, paragraph=right.paragraphs[0])
    para(right, MOTTO, bold=True, underline=True, size=13, align=CENTER)
    para(right, f"{clean(info.place) or '......'}, {date_words(report.today)}", italic=True, size=12, align=CENTER,
         space_before=4)
    para(doc, "BÁO CÁO NHANH", bold=True, size=14, align=CENTER, space_before=6)
    para(doc, f"TÌNH HÌNH THI ĐUA, KHEN THƯỞNG NĂM {info.year}", bold=True, size=13, align=CENTER)
    para(doc, f"Số liệu tính đến ngày {report.today:%d/%m/%Y}", italic=True, size=12, align=CENTER)
    para(doc, f"Kính gửi: {director(report.campaign)}", size=12, align=CENTER, space_before=4)
    b = report.board
    came = f"đã nhận {report.received} hồ sơ" if report.received else "chưa nhận được hồ sơ nào"
    para(doc, f"Đợt thi đua có {b.units} đơn vị và {len(b.forms) + len(b.regular)} biểu mẫu; {came} của các đơn vị.",
         size=12, space_before=6)


def _section(doc, text: str) -> None:
    """A part's numbered title, kept with what follows it."""
    p = para(doc, text, bold=True, size=12, space_before=8)
    p.paragraph_format.keep_with_next = True
    p.paragraph_format.space_after = Mm(1)


# --- 1. the matrix -------------------------------------------------------------------------------------
def _matrix(doc, report) -> None:
    forms = report.board.forms
    _section(doc, "1. Tình hình nộp biểu mẫu của các đơn vị")
    if not forms:
        para(doc, "Chưa có biểu mẫu nào có hạn nộp (trang \"Thời hạn\" của campaign.xlsx).", size=12)
        return
    size = 8 if report.board.units > MANY_UNITS else 9
    form_w = min(16.0, (WIDTH_MM - 9 - 60) / len(forms))
    widths = (9, WIDTH_MM - 9 - form_w * len(forms), *([form_w] * len(forms)))
    table = _table(doc, widths)
    head = table.rows[0].cells
    for cell, text in zip(head, ("STT", "Đơn vị", *(fs.form.name for fs in forms))):
        _text(cell, text, size=size, bold=True, align=CENTER, fill=HEAD_COLOR)
    by_unit = {(e.unit, fs.form.id): e for fs in forms for e in fs.entries}
    blocks = _blocks(report.campaign)
    number = 0
    for block, units in blocks:
        if len(blocks) > 1:
            cells = table.add_row().cells
            _text(cells[0].merge(cells[-1]), block or "Đơn vị chưa xếp khối", size=size, bold=True, italic=True,
                  fill="F2F2F2")
        for unit in units:
            number += 1
            cells = table.add_row().cells
            _text(cells[0], str(number), size=size, align=CENTER)
            _text(cells[1], unit.name, size=size)
            for cell, fs in zip(cells[2:], forms):
                key = mark_of(by_unit[(unit.code, fs.form.id)])
                _text(cell, MARKS[key], size=size if size < 9 else size + 1, bold=True, align=CENTER, fill=FILLS[key])
    _rows_flags(table)
    _mark_size(doc.add_paragraph(), 3)  # two tables side by side would become one in Word and LibreOffice
    _legend(doc)


def _blocks(campaign) -> list[tuple[str, list]]:
    """The units grouped by block, blocks in the order their first unit comes in the campaign."""
    out: dict[str, list] = {}
    for unit in campaign.units:
        out.setdefault(unit.block, []).append(unit)
    return list(out.items())


def _legend(doc) -> None:
    """The marks, each in its colour, and what they mean, in one row."""
    keys = list(MARKS)
    per_char = (WIDTH_MM - 6 * len(keys)) / sum(len(MARK_LABELS[k]) + 2 for k in keys)
    table = borderless(doc, tuple(w for k in keys for w in (6, per_char * (len(MARK_LABELS[k]) + 2))))
    cells = table.rows[0].cells
    for i, key in enumerate(keys):
        _text(cells[2 * i], MARKS[key], size=10, bold=True, align=CENTER, fill=FILLS[key] or "FFFFFF")
        _text(cells[2 * i + 1], MARK_LABELS[key], size=9)


# --- 2. counts per form --------------------------------------------------------------------------------
def _counts(doc, report) -> None:
    b = report.board
    if not b.forms and not b.regular:
        return
    _section(doc, "2. Số hồ sơ theo từng biểu mẫu")
    labels = ("Biểu mẫu", "Hạn nộp", "Đã nộp", "Hợp lệ", "Có lưu ý", "Bị trả lại", "Chưa nộp")
    table = _table(doc, (WIDTH_MM - 24 - 5 * 17, 24, 17, 17, 17, 17, 17))
    for cell, text in zip(table.rows[0].cells, labels):
        _text(cell, text, size=10, bold=True, align=CENTER, fill=HEAD_COLOR)
    for fs in b.forms:
        c = fs.counts
        late = report.today > fs.deadline and c["missing"]
        values = (fs.form.name, f"{fs.deadline:%d/%m/%Y}", f"{c['sent']}/{c['units']}", str(c["accepted"]),
                  str(c["accepted_with_warnings"]), str(c["rejected"]), str(c["missing"]))
        cells = table.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, values)):
            _text(cell, text, size=10, align=CENTER if i else None, bold=bool(late and i == 6),
                  fill=FILLS["overdue"] if late and i == 6 else "")
    declared = load_forms()
    for form_id, sent in b.regular.items():
        cells = table.add_row().cells
        name = declared[form_id].name if form_id in declared else form_id
        for i, (cell, text) in enumerate(zip(cells, (name, "Thường xuyên", str(sent), "", "", "", ""))):
            _text(cell, text, size=10, align=CENTER if i else None)
    _rows_flags(table)
    if b.regular:
        para(doc, "Biểu mẫu gửi thường xuyên (không có hạn nộp): cột \"Đã nộp\" là số đơn vị đã gửi.",
             italic=True, size=10)


# --- 3. units still missing ---------------------------------------------------------------------------
def _missing(doc, report) -> None:
    _section(doc, "3. Đơn vị chưa nộp biểu mẫu đã quá hạn")
    overdue = report.overdue_forms()
    if not overdue:
        para(doc, "Chưa có biểu mẫu nào quá hạn nộp.", size=12)
        return
    late = [(fs, report.missing(fs)) for fs in overdue]
    if not any(missing for _, missing in late):
        para(doc, "Các biểu mẫu đã quá hạn đều đã được tất cả các đơn vị nộp.", size=12)
        return
    for fs, missing in late:
        if not missing:
            continue
        p = para(doc, f"- {fs.form.name} (hạn {fs.deadline:%d/%m/%Y})", bold=True, size=11)
        if len(missing) == report.board.units:
            text = f": chưa đơn vị nào nộp ({len(missing)} đơn vị)."
        elif len(missing) > NAMES_MAX:
            text = f": {len(missing)} đơn vị (các ô \"{MARKS['overdue']}\" ở mục 1)."
        else:
            text = f": {len(missing)} đơn vị: " + "; ".join(e.unit_name for e in missing) + "."
        para(doc, text, size=11, paragraph=p)
        p.paragraph_format.left_indent = Mm(3)


# --- 4. each block's ranking ---------------------------------------------------------------------------
def _ranking(doc, report) -> None:
    _section(doc, "4. Xếp hạng thi đua theo khối (theo bảng tổng hợp)")
    ranked = report.ranked()
    if not ranked:
        para(doc, "Chưa có điểm tự chấm của đơn vị nào nên chưa xếp hạng.", size=12)
        return
    half = (10, WIDTH_MM / 2 - 10 - 11 - 15, 11, 15)
    table = _table(doc, half + half)
    for i, text in enumerate(("Hạng", "Đơn vị", "Điểm", "Xếp loại") * 2):
        _text(table.rows[0].cells[i], text, size=9, bold=True, align=CENTER, fill=HEAD_COLOR)
    for block, ranks in ranked.items():
        cells = table.add_row().cells
        unscored = len(report.ranks[block]) - len(ranks)
        title = block + (f" (chưa có điểm: {unscored} đơn vị)" if unscored else "")
        _text(cells[0].merge(cells[-1]), title, size=9, bold=True, italic=True, fill="F2F2F2")
        rows = (len(ranks) + 1) // 2
        for n in range(rows):
            cells = table.add_row().cells
            for side, r in enumerate((ranks[n], ranks[n + rows] if n + rows < len(ranks) else None)):
                texts = (str(r.rank), r.name, number_text(r.score), r.band) if r else ("", "", "", "")
                for i, text in enumerate(texts):
                    _text(cells[4 * side + i], text, size=9, align=None if i == 1 else CENTER)
    _rows_flags(table)
    if any(r.tied for ranks in ranked.values() for r in ranks):
        para(doc, "Đơn vị cùng hạng: bằng điểm và không tách được theo tiêu chí ưu tiên.", italic=True, size=10)


# --- 5. proposals for the council ----------------------------------------------------------------------
def _proposals(doc, report) -> None:
    _section(doc, "5. Đề nghị khen thưởng trình Hội đồng Thi đua - Khen thưởng")
    found = report.lines
    if not found:
        para(doc, "Chưa có đề nghị khen thưởng nào.", size=12)
        return
    passed = sum(line.ok for line in found)
    units = len({line.proposal.unit for line in found})
    para(doc, f"Tổng số đề nghị: {len(found)} (của {units} đơn vị); đạt yêu cầu: {passed}; chưa đạt: "
              f"{len(found) - passed}; trình Hội đồng biểu quyết: {len(report.candidates)} trường hợp.", size=12)
    table = _table(doc, (62, 18, 30, WIDTH_MM - 110))
    labels = ("Danh hiệu, hình thức", "Đạt yêu cầu", "Trình Hội đồng biểu quyết", "Trường hợp")
    for cell, text in zip(table.rows[0].cells, labels):
        _text(cell, text, size=10, bold=True, align=CENTER, fill=HEAD_COLOR)
    for name, n, voted in report.by_award():
        cases = "; ".join(f"{c.name} ({c.unit_name})" if c.name != c.unit_name else c.name for c in voted)
        cells = table.add_row().cells
        listed = cases if len(voted) <= SHORT_LIST else "danh sách tại bảng tổng hợp"
        texts = (name, str(n), str(len(voted)) if voted else "", listed)
        for i, (cell, text) in enumerate(zip(cells, texts)):
            _text(cell, text, size=10, align=CENTER if i in (1, 2) else None, italic=i == 3 and cases != listed)
    _rows_flags(table)


# --- tables --------------------------------------------------------------------------------------------
def _table(doc, widths_mm):
    """A bordered table of one header row, columns ``widths_mm`` wide (the rows added later take them too),
    narrow cell margins."""
    table = doc.add_table(rows=1, cols=len(widths_mm))
    table.autofit = False
    grid(table, "808080")
    margins = OxmlElement("w:tblCellMar")
    for side, twips in (("top", 0), ("left", 57), ("bottom", 0), ("right", 57)):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(twips))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription",
                                           "w:tblPrChange")
    for col, width in zip(table.columns, widths_mm):
        col.width = Mm(width)
    for cell, width in zip(table.rows[0].cells, widths_mm):
        cell.width = Mm(width)
    return table


def _rows_flags(table) -> None:
    """Every row kept whole on a page, the header row repeated on the next page, the widths on every cell."""
    for n, row in enumerate(table.rows):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:cantSplit"))
        if n == 0:
            tr_pr.append(OxmlElement("w:tblHeader"))


def _mark_size(p, size: float) -> None:
    """The size of a paragraph's mark (the height of an empty paragraph)."""
    mark = OxmlElement("w:rPr")
    for tag in ("w:sz", "w:szCs"):
        sz = OxmlElement(tag)
        sz.set(qn("w:val"), str(round(2 * size)))
        mark.append(sz)
    p._p.get_or_add_pPr().append(mark)


def _text(cell, text: str, *, size: int, bold=False, italic=False, align=None, fill: str = "") -> None:
    """Write ``text`` in a cell's first paragraph, shading the cell with ``fill``."""
    p = para(cell, text, bold=bold, italic=italic, size=size, align=align, paragraph=cell.paragraphs[0])
    _mark_size(p, size)  # an empty cell is no taller than the others
    if fill:
        shade = OxmlElement("w:shd")
        for attr, value in (("val", "clear"), ("color", "auto"), ("fill", fill)):
            shade.set(qn(f"w:{attr}"), value)
        cell._tc.get_or_add_tcPr().append(shade)
