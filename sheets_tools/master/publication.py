"""The list of exemplary collectives and individuals the office publishes (seed 003 §II.3: the
portal, the notice board): a clean workbook to print and sign, and an HTML page to paste into
the portal. Written beside the master by the nominations' rules (``outputs``).

Every text comes from the units' files: the workbook writes it with ``excel.cells.put_string`` (never
a formula, nor xlsxwriter's own markup), the page escapes it; the page has no scripts and no outside resources.
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

import xlsxwriter

from sheets_tools.core.filenames import safe_file_name
from sheets_tools.core.files import TargetBusy, write_atomic
from sheets_tools.excel.cells import put_string
from sheets_tools.excel.style import (HEADING_FORMATS, TITLE_SIZE, FittedSheet, add_formats, dated_line, xlsx_heading,
                                      xlsx_print_a4, workbook_options)

if TYPE_CHECKING:
    from sheets_tools.campaign.model import Campaign
    from sheets_tools.forms.nominations import Nomination

_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
COLUMNS = [("STT", 6), ("Tên tập thể, họ và tên cá nhân", 26), ("Chức vụ, nơi công tác", 22), ("Đơn vị", 26),
           ("Lĩnh vực", 22), ("Thành tích tiêu biểu", 60), ("Hình thức tuyên truyền", 22)]


def roman(n: int) -> str:
    """I, II, III, ... for the parts of a list (numbers past X stay numbers)."""
    return _ROMAN[n - 1] if 1 <= n <= len(_ROMAN) else str(n)


def title(campaign: Campaign) -> str:
    return f"DANH SÁCH ĐIỂN HÌNH TIÊN TIẾN, MÔ HÌNH MỚI, NHÂN TỐ MỚI TUYÊN TRUYỀN NĂM {campaign.info.year}"


def file_stem(campaign: Campaign) -> str:
    return f"Danh sách điển hình tiên tiến tuyên truyền {campaign.info.year}"


def write_publication(campaign: Campaign, groups: list[tuple[str, list[Nomination]]], folder: Path) -> list[Path]:
    """Write the workbook and the HTML page into ``folder`` (atomically); returns the paths written.
    A file open in Excel is left alone and the new one written beside it."""
    folder = Path(folder)
    stem = file_stem(campaign)
    out = []
    for suffix, write in ((".xlsx", lambda tmp: _workbook(tmp, campaign, groups)),
                          (".html", lambda tmp: tmp.write_text(page(campaign, groups), encoding="utf-8"))):
        try:
            out.append(write_atomic(folder / safe_file_name(stem, suffix), write, beside_if_busy=True))
        except TargetBusy as busy:
            out.append(busy.written)
    return out


# --- the workbook ------------------------------------------------------------------------------------
def _workbook(path: Path, campaign: Campaign, groups: list[tuple[str, list[Nomination]]]) -> None:
    wb = xlsxwriter.Workbook(str(path), workbook_options())
    wb.set_properties({"title": title(campaign), "author": campaign.info.agency, "company": campaign.info.agency})
    border = {"border": 1, "valign": "top", "text_wrap": True}
    fmt = add_formats(wb, {
        **HEADING_FORMATS,
        "title": {"align": "center", "valign": "vcenter", "bold": True, "font_size": TITLE_SIZE, "text_wrap": True},
        "subtitle": {"align": "center", "italic": True},
        "header": {**border, "bold": True, "align": "center", "valign": "vcenter"},
        "part": {**border, "bold": True},
        "cell": border,
        "number": {**border, "align": "center"},
    })
    ws = FittedSheet(wb.add_worksheet("Danh sách tuyên truyền"))
    last = len(COLUMNS) - 1
    info = campaign.info
    # the agency block over columns A-C, the motto over the rest
    xlsx_heading(ws, fmt, last, info.parent_agency, info.agency, dated_line(info.place, info.year), split=2)
    count = sum(len(items) for _, items in groups)
    for row, text, f in ((4, title(campaign), "title"),
                         (5, f"(Gồm {count} tập thể, cá nhân do {info.office} lựa chọn từ đề xuất của các đơn vị)",
                          "subtitle")):
        ws.merge_range(row, 0, row, last, "", fmt[f])
        put_string(ws, row, 0, text, fmt[f])
    header = 7
    for c, (label, width) in enumerate(COLUMNS):
        ws.set_column(c, c, width)
        put_string(ws, header, c, label, fmt["header"])
    r = header
    for n, (category, items) in enumerate(groups, start=1):
        r += 1
        ws.merge_range(r, 0, r, last, "", fmt["part"])
        put_string(ws, r, 0, f"{roman(n)}. {category.upper()}", fmt["part"])
        for i, item in enumerate(items, start=1):
            r += 1
            ws.write_number(r, 0, i, fmt["number"])
            for c, value in enumerate((item.name, item.position, item.unit_name, item.field, item.description,
                                       item.publicity), start=1):
                if value:
                    put_string(ws, r, c, value, fmt["cell"])
                else:
                    ws.write_blank(r, c, None, fmt["cell"])
    ws.fit_rows()
    xlsx_print_a4(ws, landscape=None, title_row=header, margins=(0.5, 0.4, 0.6, 0.6), centered=True)
    wb.close()


# --- the page for the portal -----------------------------------------------------------------------
_STYLE = ("body{font-family:'Times New Roman',serif;font-size:13pt;max-width:60em;margin:1em auto;line-height:1.4}"
          "h1{font-size:16pt;text-align:center}h2{font-size:14pt}h3{font-size:13pt;margin-bottom:.2em}"
          ".agency{text-align:center;font-weight:bold}dl{margin:0 0 1em 1em}dt{font-weight:bold}dd{margin:0 0 .3em 1em}")


def page(campaign: Campaign, groups: list[tuple[str, list[Nomination]]]) -> str:
    """The HTML page: a heading, then one section per category; every text escaped."""
    e = _escape
    info = campaign.info
    out = ["<!DOCTYPE html>", '<html lang="vi">', "<head>", '<meta charset="utf-8">',
           f"<title>{e(title(campaign))}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>",
           f'<p class="agency">{e(info.parent_agency)}<br>{e(info.agency)}</p>', f"<h1>{e(title(campaign))}</h1>"]
    for n, (category, items) in enumerate(groups, start=1):
        out += ["<section>", f"<h2>{e(roman(n))}. {e(category)}</h2>"]
        for i, item in enumerate(items, start=1):
            out += ["<article>", f"<h3>{i}. {e(item.name)}</h3>", "<dl>"]
            for label, value in (("Chức vụ, nơi công tác", item.position), ("Đơn vị", item.unit_name),
                                 ("Lĩnh vực", item.field), ("Thành tích tiêu biểu", item.description),
                                 ("Hình thức tuyên truyền", item.publicity)):
                if value:
                    out.append(f"<dt>{e(label)}</dt><dd>{e(value)}</dd>")
            out += ["</dl>", "</article>"]
        out.append("</section>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def _escape(text: str) -> str:
    """Text as HTML: escaped (quotes too), line breaks kept."""
    return "<br>".join(html.escape(line, quote=True) for line in str(text).splitlines()) if text else ""
