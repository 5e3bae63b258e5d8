"""The council's ballot: the workbook the office fills during the meeting (``council`` has the layout
it shares with the reader, ``tally`` reads it back)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from sheets_tools.campaign.model import Campaign
from sheets_tools.core.files import write_atomic
from sheets_tools.excel import fit, openpyxl_style, style
from sheets_tools.formkit.declaration import ID_SHEET
from sheets_tools.yearend.council import (
    FIRST_ROW, HEADER_ROW, KIND, L_NEEDED, L_OFFICE, L_PRESENT, L_WRITING, MEMBER_COLUMNS, MEMBER_FIXED,
    MEMBERS_SHEET, NO, PRESENT_CHOICES, VOTE_COLUMNS, VOTES_SHEET, YES, Candidate, candidate_cells, fixed_columns,
    input_labels, member_cells, quorum_needed, share_text)


def ballot(campaign: Campaign, candidates: list[Candidate], path: Path, *, per_member: bool = True,
           beside_if_busy: bool = False) -> Path:
    """Write the council's vote workbook to ``path`` (atomically) and return the path.

    ``per_member``: one column per member ("Đồng ý"/"Không đồng ý"); otherwise two count columns.
    A candidate the office puts through despite a failed rule has its reason in a column of its own
    (``council.OFFICE_COLUMN``, right of the locked columns), written as text.
    ``beside_if_busy``: a ``path`` open in Excel or LibreOffice is left alone, the workbook goes beside it
    and ``core.files.TargetBusy`` says where. The sheets and the workbook's structure are protected with
    the campaign's ``sheet_password`` (when set); every cell but attendance and votes is locked.
    Raises ValueError when the council is empty, a candidate id repeats or a candidate needs no vote.
    """
    if not campaign.council:
        raise ValueError("the campaign has no council members (sheet \"Hội đồng TĐKT\")")
    seen: set[str] = set()
    for c in candidates:
        if not c.id or c.id in seen:
            raise ValueError(f"candidate id missing or repeated: {c.id!r}")
        if not c.vote_percent or c.vote_percent <= 0:
            raise ValueError(f"candidate {c.id!r}: {c.award_name!r} needs no council vote")
        seen.add(c.id)
    wb = openpyxl_style.new_workbook()
    password = campaign.settings.get("sheet_password") or None
    _members_sheet(wb.create_sheet(MEMBERS_SHEET), campaign, password)
    _votes_sheet(wb.create_sheet(VOTES_SHEET), campaign, candidates, per_member, password)
    _id_sheet(wb, campaign, per_member)
    openpyxl_style.protect_workbook(wb, password)
    openpyxl_style.fit_workbook(wb)
    wb.active = 0
    wb.properties.title = f"Biểu quyết của Hội đồng Thi đua - Khen thưởng năm {campaign.info.year}"
    return write_atomic(Path(path), lambda tmp: wb.save(tmp), beside_if_busy=beside_if_busy)


def _heading(ws: Worksheet, campaign: Campaign, last: int, title: str, line: str) -> None:
    """Agency and national motto (rows 1-3), title (4), explanation (5), like the forms."""
    info, end = campaign.info, get_column_letter(last)
    openpyxl_style.agency_heading(ws, last, info.parent_agency, info.agency, style.dated_line(info.place))
    openpyxl_style.text(ws, "A4", title, merge_to=f"{end}4", align="center", bold=True, size=style.TITLE_SIZE, wrap=True)
    openpyxl_style.text(ws, "A5", line, merge_to=f"{end}5", wrap=True, italic=True)
    ws.row_dimensions[4].height = 24


def _header_row(ws: Worksheet, labels: list[tuple[str, float]]) -> None:
    for c, (label, width) in enumerate(labels, start=1):
        cell = ws.cell(row=HEADER_ROW, column=c)
        openpyxl_style.put(cell, label)
        openpyxl_style.header_cell(cell)
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=1).coordinate


def _body_cell(ws: Worksheet, row: int, col: int, value: Any, *, editable: bool = False,
               center: bool = False) -> None:
    cell = ws.cell(row=row, column=col)
    openpyxl_style.put(cell, value)
    openpyxl_style.body_cell(cell, center=center, editable=editable)


def _choice(ws: Worksheet, ref: str, choices: tuple[str, ...], prompt: str) -> None:
    """A dropdown of ``choices`` on ``ref``; its columns made wide enough for the longest choice."""
    first, _, last, _ = range_boundaries(ref)
    for col in range(first, last + 1):
        dim = ws.column_dimensions[get_column_letter(col)]
        dim.width = max(dim.width, fit.column_width(choices))
    dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                        showErrorMessage=True, errorStyle="stop", errorTitle="Giá trị không hợp lệ",
                        error="Hãy chọn " + " hoặc ".join(f"\"{c}\"" for c in choices) + " trong danh sách thả xuống.",
                        showInputMessage=True, prompt=prompt[:255])
    dv.add(ref)
    ws.add_data_validation(dv)


def _members_sheet(ws: Worksheet, campaign: Campaign, password: str | None) -> None:
    n, share = len(campaign.council), campaign.yearend.council_quorum
    labels = list(MEMBER_COLUMNS)
    line = (f"Tổng số thành viên Hội đồng: {n} người. Phiên họp hợp lệ khi có ít nhất {quorum_needed(campaign)} "
            f"thành viên có mặt ({share_text(share)} tổng số thành viên). Chọn \"Có\" ở cột \"{L_PRESENT}\" cho "
            f"thành viên dự họp; thành viên vắng mặt có phiếu biểu quyết bằng văn bản thì chọn \"Có\" ở cột "
            f"\"{L_WRITING}\".")
    _heading(ws, campaign, len(labels), "DANH SÁCH THÀNH VIÊN HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG DỰ HỌP", line)
    _header_row(ws, labels)
    for i, m in enumerate(campaign.council):
        r = FIRST_ROW + i
        for c, value in enumerate(member_cells(i, m), start=1):
            _body_cell(ws, r, c, value, center=c == 1)
        for c in range(MEMBER_FIXED + 1, len(labels) + 1):
            _body_cell(ws, r, c, None, editable=True, center=c < len(labels))
    last = FIRST_ROW + n - 1
    _choice(ws, f"E{FIRST_ROW}:E{last}", PRESENT_CHOICES, "Thành viên có dự họp không?")
    _choice(ws, f"F{FIRST_ROW}:F{last}", PRESENT_CHOICES, "Thành viên vắng mặt đã gửi phiếu biểu quyết bằng văn bản?")
    _finish(ws, password)


def _votes_sheet(ws: Worksheet, campaign: Campaign, candidates: list[Candidate], per_member: bool,
                 password: str | None) -> None:
    n = len(campaign.council)
    fixed = fixed_columns(candidates)
    inputs = [(label, 13 if per_member else 12) for label in input_labels(campaign, per_member)]
    how = (f"Mỗi thành viên chọn \"{YES}\" hoặc \"{NO}\" ở cột mang tên mình (để trống nếu không biểu quyết)."
           if per_member else f"Nhập số phiếu đồng ý và không đồng ý (số nguyên từ 0 đến {n}).")
    line = (f"{how} Ứng viên đạt khi số phiếu đồng ý không ít hơn \"{L_NEEDED}\", tính trên tổng số {n} thành "
            "viên Hội đồng (không phải trên số thành viên có mặt), và phiên họp đủ số thành viên có mặt.")
    if len(fixed) > len(VOTE_COLUMNS):
        line += (f" Trường hợp có ghi ở cột \"{L_OFFICE}\" chưa đạt điều kiện khi kiểm tra hồ sơ; Văn phòng vẫn "
                 "trình Hội đồng với lý do ghi ở cột đó.")
    _heading(ws, campaign, len(fixed) + len(inputs),
             f"TỔNG HỢP BIỂU QUYẾT ĐỀ NGHỊ KHEN THƯỞNG NĂM {campaign.info.year}", line)
    _header_row(ws, fixed + inputs)
    for col in ("B", "C"):
        ws.column_dimensions[col].hidden = True
    for i, c in enumerate(candidates):
        r = FIRST_ROW + i
        for col, value in enumerate(candidate_cells(i, c, n), start=1):
            _body_cell(ws, r, col, value, center=col in (1, 7, 8))
        if len(fixed) > len(VOTE_COLUMNS):
            _body_cell(ws, r, len(VOTE_COLUMNS) + 1, c.office_reason or None)
        for col in range(len(fixed) + 1, len(fixed) + len(inputs) + 1):
            _body_cell(ws, r, col, None, editable=True, center=True)
    if candidates:
        first = get_column_letter(len(fixed) + 1)
        last = get_column_letter(len(fixed) + len(inputs))
        ref = f"{first}{FIRST_ROW}:{last}{FIRST_ROW + len(candidates) - 1}"
        if per_member:
            _choice(ws, ref, (YES, NO), f"Chọn \"{YES}\" hoặc \"{NO}\"; để trống nếu thành viên không biểu quyết.")
        else:
            dv = DataValidation(type="whole", operator="between", formula1="0", formula2=str(n), allow_blank=True,
                                showErrorMessage=True, errorStyle="stop", errorTitle="Số phiếu không hợp lệ",
                                error=f"Hãy nhập số nguyên từ 0 đến {n} (tổng số thành viên Hội đồng).",
                                showInputMessage=True, prompt=f"Số nguyên từ 0 đến {n}.")
            dv.add(ref)
            ws.add_data_validation(dv)
    _finish(ws, password)


def _finish(ws: Worksheet, password: str | None) -> None:
    """Protect (input cells are unlocked), A4 landscape fitted to the page width."""
    openpyxl_style.protect(ws, password)
    openpyxl_style.print_a4(ws, title_row=HEADER_ROW, footer=True)


def _id_sheet(wb: Workbook, campaign: Campaign, per_member: bool) -> None:
    ws = wb.create_sheet(ID_SHEET)
    ident = {"kind": KIND, "campaign": campaign.id, "members": str(len(campaign.council)),
             "layout": "per_member" if per_member else "counts",
             "built_at": datetime.now().isoformat(timespec="seconds")}
    for r, (key, value) in enumerate(ident.items(), start=1):
        openpyxl_style.put(ws.cell(row=r, column=1), key)
        openpyxl_style.put(ws.cell(row=r, column=2), value)  # text: a re-save cannot turn 9 into 9.0
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True
