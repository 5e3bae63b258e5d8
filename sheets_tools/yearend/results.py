"""The council's result list (kết quả biểu quyết): one xlsxwriter workbook, grouped by award, signed by
the chair; a second sheet lists the problems the tally found, if any. Names come from units: every text goes
through ``excel.cells.put_string``, every count through ``put_number``.

Inside an award, results of equal "yes" votes follow the Law's principle (Điều 5, ``ties``): a woman, or a
collective at least 70% women (January's registration), first; the note column says so."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import xlsxwriter

from sheets_tools.campaign.model import Campaign
from sheets_tools.core.files import write_atomic
from sheets_tools.core.findings import SEVERITY_LABELS
from sheets_tools.excel import style
from sheets_tools.excel.cells import put_number, put_string
from sheets_tools.formkit.plugins import Context
from sheets_tools.store.ledger import LEDGER_FILE, Ledger
from sheets_tools.yearend.council import Tally, VoteResult, chair, share_text
from sheets_tools.yearend.ties import order_candidates, tie_notes

RESULT_SHEET = "Kết quả biểu quyết"
NOTES_SHEET = "Lưu ý kiểm phiếu"
FOOTER = "&CTrang &P / &N"
_RESULT_COLUMNS = (("STT", 6), ("Họ và tên cá nhân, tên tập thể", 30), ("Đơn vị", 30), ("Số phiếu đồng ý", 11),
                   ("Số phiếu không đồng ý", 11), ("Số phiếu cần đạt", 11), ("Kết quả", 12), ("Ghi chú", 40))


def result_workbook(campaign: Campaign, result: Tally, path: Path, context: Context | None = None) -> Path:
    """Write the council's result list (kết quả biểu quyết) to ``path`` atomically; return the path.

    Ties of votes are ordered by January's registration, read through ``context`` (default: the
    campaign's ledger, when it has one)."""
    if context is None and (campaign.dir / LEDGER_FILE).exists():
        with Ledger(campaign.dir) as ledger:
            return result_workbook(campaign, result, path, Context(campaign, ledger))
    ordered, notes = tie_order(context or Context(campaign), result.results)

    def write(tmp: Path) -> None:
        wb = xlsxwriter.Workbook(str(tmp), style.workbook_options())
        _Result(wb, campaign, result, ordered, notes).write()
        wb.close()

    return write_atomic(Path(path), write)


def tie_order(context: Context, results: list[VoteResult]) -> tuple[list[VoteResult], dict[int, str]]:
    """The results with equal "yes" votes for the same award in the principle's order (women first), and
    the words the note column adds for each of them (by ``id``)."""
    def votes(v: VoteResult) -> int:
        return v.yes

    return order_candidates(context, results, votes), tie_notes(context, results, votes, "số phiếu đồng ý")


def _groups(campaign: Campaign, results: list[VoteResult]) -> list[tuple[str, list[VoteResult]]]:
    """Results grouped by award, in the catalogue's order (awards not in it last)."""
    order = {c.code: i for i, c in enumerate(campaign.catalogue)}
    groups: dict[tuple[str, str], list[VoteResult]] = {}
    for v in results:
        groups.setdefault((v.award_code, v.award_name), []).append(v)
    keys = sorted(groups, key=lambda k: order.get(k[0], len(order)))
    return [(name, groups[(code, name)]) for code, name in keys]


_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV")


class _Result:
    """The result sheet (and the findings, if any) in one xlsxwriter workbook."""

    def __init__(self, wb: xlsxwriter.Workbook, campaign: Campaign, result: Tally, ordered: list[VoteResult],
                 notes: dict[int, str]):
        self.wb, self.campaign, self.result = wb, campaign, result
        self.ordered, self.ties = ordered, notes
        base = {"font_name": style.FONT, "font_size": style.SIZE, "valign": "vcenter", "text_wrap": True}
        self.f = style.add_formats(wb, {
            **style.HEADING_FORMATS, "title": {"bold": True, "align": "center", "font_size": style.TITLE_SIZE},
            "italic": {"italic": True}, "head": {"bold": True, "align": "center", "border": 1,
                                                 "bg_color": f"#{style.HEAD_COLOR}"},
            "cell": {"border": 1, "valign": "top"}, "cell_c": {"border": 1, "align": "center", "valign": "top"},
            "group": {"bold": True, "border": 1, "bg_color": "#F2F2F2"},
            "fail": {"border": 1, "align": "center", "valign": "top", "font_color": f"#{style.ERROR_COLOR}"},
            "bold": {"bold": True}}, base)

    def text(self, ws, r: int, c: int, value: Any, fmt: str, to_col: int | None = None) -> None:
        value = "" if value is None else str(value)
        if to_col and to_col > c:
            ws.merge_range(r, c, r, to_col, "", self.f[fmt])
        put_string(ws, r, c, value, self.f[fmt])

    def write(self) -> None:
        ws = style.FittedSheet(self.wb.add_worksheet(RESULT_SHEET))
        last = len(_RESULT_COLUMNS) - 1
        for c, (_, width) in enumerate(_RESULT_COLUMNS):
            ws.set_column(c, c, width)
        self.heading(ws, last)
        r = self.table(ws, 7)
        self.signature(ws, r + 2, last)
        ws.fit_rows()
        style.xlsx_print_a4(ws, landscape=None, title_row=6, footer=FOOTER)
        if self.result.findings:
            self.notes()

    def heading(self, ws, last: int) -> None:
        info, t = self.campaign.info, self.result
        style.xlsx_heading(ws, self.f, last, info.parent_agency, info.agency, style.dated_line(info.place))
        self.text(ws, 3, 0, "KẾT QUẢ BIỂU QUYẾT CỦA HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG", "title", last)
        self.text(ws, 4, 0, f"Xét đề nghị khen thưởng năm {info.year}", "center_bold", last)
        ws.merge_range(5, 0, 5, last, quorum_line(self.campaign, t), self.f["italic"])
        for c, (label, _) in enumerate(_RESULT_COLUMNS):
            put_string(ws, 6, c, label, self.f["head"])

    def table(self, ws, r: int) -> int:
        groups = _groups(self.campaign, self.ordered)
        for g, (award, results) in enumerate(groups):
            needed = results[0].needed
            head = f"{_ROMAN[g] if g < len(_ROMAN) else g + 1}. {award or '(không rõ danh hiệu)'} (cần {needed} phiếu)"
            self.text(ws, r, 0, head, "group", len(_RESULT_COLUMNS) - 1)
            r += 1
            for n, v in enumerate(results, start=1):
                ws.write_number(r, 0, n, self.f["cell_c"])
                put_string(ws, r, 1, v.name, self.f["cell"])
                put_string(ws, r, 2, v.unit_name, self.f["cell"])
                for c, x in ((3, v.yes), (4, v.no), (5, v.needed)):
                    put_number(ws, r, c, x, self.f["cell_c"])
                put_string(ws, r, 6, "Đạt" if v.passed else "Không đạt", self.f["cell_c" if v.passed else "fail"])
                note = ". ".join(x for x in (v.note, self.ties.get(id(v), "")) if x)
                put_string(ws, r, 7, note, self.f["cell"])
                r += 1
        passed = sum(v.passed for v in self.result.results)
        total = len(self.result.results)
        self.text(ws, r, 0, f"Tổng số: {total} đề nghị; đạt: {passed}; không đạt: {total - passed}.", "bold",
                  len(_RESULT_COLUMNS) - 1)
        return r + 1

    def signature(self, ws, r: int, last: int) -> None:
        head = chair(self.campaign)
        lines = (("TM. HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG", "center_bold"), ("CHỦ TỊCH", "center_bold"),
                 ("(Ký, ghi rõ họ tên)", "place"), ("", "center"), ("", "center"), ("", "center"),
                 (head.name if head else "", "center_bold"))
        for i, (text, fmt) in enumerate(lines):
            self.text(ws, r + i, 5, text, fmt, last)

    def notes(self) -> None:
        ws = style.FittedSheet(self.wb.add_worksheet(NOTES_SHEET))
        cols = (("STT", 6), ("Mức độ", 10), ("Trang tính", 14), ("Ô", 8), ("Vấn đề và cách sửa", 100))
        for c, (label, width) in enumerate(cols):
            ws.set_column(c, c, width)
            put_string(ws, 0, c, label, self.f["head"])
        for n, f in enumerate(self.result.findings, start=1):
            ws.write_number(n, 0, n, self.f["cell_c"])
            for c, value in enumerate((SEVERITY_LABELS.get(f.severity, f.severity), f.sheet, f.cell, f.message),
                                      start=1):
                put_string(ws, n, c, value or "", self.f["cell"])
        ws.fit_rows()
        style.xlsx_print_a4(ws, landscape=None, title_row=0, footer=None)


def quorum_line(campaign: Campaign, result: Tally) -> str:
    """"Tổng số thành viên Hội đồng: 9; có mặt: 6; ..." with the quorum verdict."""
    verdict = "đủ" if result.quorum_ok else "không đủ"
    return (f"Tổng số thành viên Hội đồng: {result.members}; có mặt: {result.present}; vắng mặt có phiếu bằng văn "
            f"bản: {result.in_writing}. Số thành viên tối thiểu phải có mặt: {result.quorum_needed} "
            f"({share_text(campaign.yearend.council_quorum)} tổng số thành viên): phiên họp {verdict} số thành "
            "viên. Tỷ lệ phiếu đồng ý tính trên tổng số thành viên Hội đồng.")
