"""The decision lists as a formatted workbook (xlsxwriter), one sheet per decider, A4 portrait.

Names come from units and are untrusted: every text is written with ``excel.cells.put_string`` (never
a formula, a link or xlsxwriter's own markup) and every amount with ``put_number``.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import xlsxwriter

from sheets_tools.campaign.model import Campaign
from sheets_tools.core.text import normalize
from sheets_tools.excel.cells import put_number, put_string
from sheets_tools.excel.style import (HEADING_FORMATS, FittedSheet, add_formats, xlsx_heading, xlsx_print_a4,
                                      workbook_options)
from sheets_tools.yearend.decision import (COLUMNS, SUBJECT_WORDS, DecisionList, Group, clean, lists_or_empty,
                                           place_date, save_beside, summary, title_lines)

MONEY_FORMAT = "#,##0"
HEADER_ROW = 8  # 0-based row of the workbook's column labels
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def write_workbook(campaign: Campaign, lists: list[DecisionList], path: Path, *, number: str = "",
                   signed_on: date | None = None) -> Path:
    """The lists as a formatted xlsx, one sheet per decider, A4 portrait. Returns the path written
    (beside ``path`` when ``path`` is open in Excel or LibreOffice)."""
    def write(tmp: Path) -> None:
        wb = xlsxwriter.Workbook(str(tmp), workbook_options())
        wb.set_properties({"title": f"Danh sách khen thưởng năm {campaign.info.year}",
                           "author": campaign.info.agency, "company": campaign.info.agency})
        fmt = _xlsx_formats(wb)
        used: set[str] = set()
        for dlist in lists_or_empty(campaign, lists):
            ws = FittedSheet(wb.add_worksheet(sheet_name(dlist.decider, used)))
            _xlsx_list(ws, fmt, campaign, dlist, title_lines(campaign, dlist, number, signed_on), signed_on)
            ws.fit_rows()  # every row as high as its wrapped text
        wb.close()

    return save_beside(path, write)


def sheet_name(wanted: str, used: set[str]) -> str:
    """A valid, unique (case-insensitive) sheet name of at most 31 characters; adds it to ``used``."""
    base = _BAD_SHEET_CHARS.sub("", normalize(wanted)).strip("' ")[:31].strip() or "Danh sách"
    name, n = base, 1
    while name.casefold() in used:
        n += 1
        name = f"{base[:31 - len(f' ({n})')].strip()} ({n})"
    used.add(name.casefold())
    return name


_BORDER = {"border": 1, "valign": "top", "text_wrap": True}
_FORMATS = {
    "bold_center": {"bold": True, "align": "center", "text_wrap": True},
    "italic_center": {"italic": True, "align": "center", "text_wrap": True},
    "title": {"bold": True, "font_size": 14, "align": "center", "valign": "vcenter", "text_wrap": True},
    "header": {"bold": True, "text_wrap": True, "align": "center", "valign": "vcenter", "border": 1},
    "section": {"bold": True, "border": 1},
    "group": {"bold": True, "italic": True, "border": 1},
    "stt": {**_BORDER, "align": "center"},
    "cell": _BORDER,
    "money": {**_BORDER, "num_format": MONEY_FORMAT},
    "total": {"bold": True, "border": 1, "align": "center"},
    "total_money": {"bold": True, "border": 1, "num_format": MONEY_FORMAT},
    "note": {"italic": True, "text_wrap": True, "valign": "top"},
}


def _xlsx_formats(wb) -> dict:
    """The state heading's formats (``excel.style``) and the list's own."""
    return add_formats(wb, {**HEADING_FORMATS, **_FORMATS})


def _xlsx_list(ws, fmt: dict, campaign: Campaign, dlist: DecisionList, titles: list[str],
               signed_on: date | None) -> None:
    _xlsx_frame(ws, fmt, campaign, titles, signed_on)
    r = HEADER_ROW
    for section in dlist.sections:
        r += 1
        ws.merge_range(r, 0, r, 3, "", fmt["section"])
        put_string(ws, r, 0, section.title, fmt["section"])
        for number, grp in enumerate(section.groups, start=1):
            r = _xlsx_group(ws, fmt, grp, number, r + 1)
    r += 1
    ws.merge_range(r, 0, r, 2, "", fmt["total"])
    put_string(ws, r, 0, "TỔNG CỘNG", fmt["total"])
    _xlsx_money(ws, r, dlist.total, fmt["total_money"])
    ws.merge_range(r + 1, 0, r + 1, 3, "", fmt["note"])
    put_string(ws, r + 1, 0, summary(dlist), fmt["note"])
    r += 3
    ws.merge_range(r, 2, r, 3, "", fmt["bold_center"])
    put_string(ws, r, 2, clean(campaign.info.signer_title), fmt["bold_center"])


def _xlsx_frame(ws, fmt: dict, campaign: Campaign, titles: list[str], signed_on: date | None) -> None:
    """Agency block top-left, national motto top-right, the title lines, page setup (A4 portrait)."""
    info = campaign.info
    xlsx_heading(ws, fmt, 3, clean(info.parent_agency), clean(info.agency), place_date(campaign, signed_on), split=1)
    ws.merge_range(2, 0, 2, 1, "", fmt["center"])  # under the agency, beside the place and date
    for row, text, style in zip((4, 5, 6), titles, ("title", "bold_center", "italic_center")):
        ws.merge_range(row, 0, row, 3, "", fmt[style])
        put_string(ws, row, 0, text, fmt[style])
    ws.set_row(4, 22)
    for c, (label, width, _) in enumerate(COLUMNS):
        ws.set_column(c, c, width)
        put_string(ws, HEADER_ROW, c, label, fmt["header"])
    xlsx_print_a4(ws, landscape=False, title_row=HEADER_ROW, margins=(1.18, 0.59, 0.79, 0.79))  # 30, 15, 20, 20 mm


def _xlsx_group(ws, fmt: dict, grp: Group, number: int, r: int) -> int:
    """Heading row, one row per award, the group's total row; returns the last row written."""
    ws.merge_range(r, 0, r, 3, "", fmt["group"])
    put_string(ws, r, 0, grp.heading(number), fmt["group"])
    for stt, award in enumerate(grp.awards, start=1):
        r += 1
        ws.write_number(r, 0, stt, fmt["stt"])
        put_string(ws, r, 1, award.display_name, fmt["cell"])
        put_string(ws, r, 2, award.details, fmt["cell"])
        _xlsx_money(ws, r, grp.money, fmt["money"])
    r += 1
    ws.merge_range(r, 0, r, 2, "", fmt["total"])
    put_string(ws, r, 0, f"Cộng ({len(grp.awards)} {SUBJECT_WORDS[grp.awards[0].subject]})", fmt["total"])
    _xlsx_money(ws, r, grp.total, fmt["total_money"])
    return r


def _xlsx_money(ws, r: int, amount: int | None, cell_format) -> None:
    if amount is None:
        ws.write_blank(r, 3, None, cell_format)
    else:
        put_number(ws, r, 3, amount, cell_format)

