"""The Emulation-Commendation Council's vote: ballot workbook, tally, result list.

``ballot`` writes the workbook the office fills during the meeting (who was present, who
voted in writing, and either each member's vote or the vote counts per candidate);
``tally`` reads it back and applies the law's thresholds: a candidate passes when the
"yes" votes reach the required share of the council's WHOLE membership, not of those
present, and only when the meeting had its quorum (Decree 98/2023 art. 30; the shares
and the quorum are campaign data). ``save``/``load`` keep the last tally in the ledger;
``result_workbook`` writes the result list for the file.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import python_calamine
import xlsxwriter
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from sheets_tools.collection.templates import put
from sheets_tools.campaign.model import Campaign, CatalogueItem, Member, parse_share
from sheets_tools.master.consolidate import WORKBOOK_OPTIONS
from sheets_tools.core.files import atomic_save, write_atomic
from sheets_tools.core.findings import ERROR, SEVERITY_LABELS, Finding, finding
from sheets_tools.formkit.declaration import ID_SHEET
from sheets_tools.store.ledger import Ledger
from sheets_tools.core.values import coerce_text
from sheets_tools.core.text import fold, normalize

KIND = "council-ballot"
FONT = "Times New Roman"
SIZE = 12
MEMBERS_SHEET = "Thành viên"
VOTES_SHEET = "Biểu quyết"
RESULT_SHEET = "Kết quả biểu quyết"
NOTES_SHEET = "Lưu ý kiểm phiếu"
HEADER_ROW = 7  # 1-based row of the column labels on both input sheets
FIRST_ROW = HEADER_ROW + 1
MAX_ROWS = 5000  # rows read from an input sheet (the office's own file, but still bounded)
HEADER_SCAN = 40
YES, NO = "Đồng ý", "Không đồng ý"
PRESENT_CHOICES = ("Có", "Không")

# column labels: what ``tally`` looks for (folded), so columns may move
L_STT = "STT"
L_NAME = "Họ và tên"
L_POSITION = "Chức vụ"
L_ROLE = "Chức danh trong Hội đồng"
L_PRESENT = "Có mặt"
L_WRITING = "Biểu quyết bằng văn bản"
L_NOTE = "Ghi chú"
L_ID = "Mã ứng viên"
L_AWARD_CODE = "Mã danh hiệu"
L_CANDIDATE = "Họ và tên cá nhân, tên tập thể"
L_UNIT = "Đơn vị"
L_AWARD = "Danh hiệu, hình thức đề nghị"
L_SHARE = "Tỷ lệ phiếu cần đạt"
L_NEEDED = "Số phiếu cần đạt"
L_YES = "Số phiếu đồng ý"
L_NO = "Số phiếu không đồng ý"


@dataclass
class Candidate:
    """One proposal the council votes on. ``id`` is stable (it links the vote to the proposal)."""

    id: str
    subject: Literal["individual", "collective"]
    name: str
    unit_name: str
    award_code: str
    award_name: str
    vote_percent: float  # % of the whole membership (the catalogue item's vote_percent)


@dataclass
class VoteResult:
    """The council's vote on one candidate. ``candidate_id`` is "" for a row that lost its id."""

    candidate_id: str
    name: str
    unit_name: str
    award_code: str
    award_name: str
    yes: int
    no: int
    needed: int
    passed: bool
    note: str


@dataclass
class Tally:
    """What ``tally`` read: attendance, quorum, one result per candidate row, and the findings."""

    members: int  # the whole membership, from the campaign
    present: int
    quorum_needed: int
    quorum_ok: bool
    results: list[VoteResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    in_writing: int = 0  # absent members who voted in writing
    file: str | None = None

    @property
    def valid(self) -> bool:
        """No error among the findings."""
        return not any(f.severity == ERROR for f in self.findings)


# --- thresholds ----------------------------------------------------------------------------------
def votes_needed(vote_percent: float | Fraction, members: int) -> int:
    """Yes votes a candidate needs: ``vote_percent`` % of the WHOLE membership, rounded up, exactly."""
    return math.ceil(_fraction(vote_percent) / 100 * members)


def quorum_needed(campaign: Campaign) -> int:
    """Members who must be present: the quorum share of the whole membership, rounded up."""
    return math.ceil(campaign.yearend.council_quorum * len(campaign.council))


def _fraction(value: float | Fraction) -> Fraction:
    return value if isinstance(value, Fraction) else Fraction(str(value))  # "66.7" stays 667/10


def percent_text(value: float | Fraction) -> str:
    """80 -> "80%", 66.5 -> "66,5%" (Vietnamese decimal comma)."""
    f = _fraction(value)
    return (f"{f.numerator}" if f.denominator == 1 else f"{float(f):g}".replace(".", ",")) + "%"


def _share_text(share: Fraction) -> str:
    """2/3 -> "2/3"; 1/2 -> "50%"."""
    return percent_text(share * 100) if 100 % share.denominator == 0 else f"{share.numerator}/{share.denominator}"


# --- the ballot ----------------------------------------------------------------------------------
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_UNLOCKED = Protection(locked=False)


def ballot(campaign: Campaign, candidates: list[Candidate], path: Path, *, per_member: bool = True) -> Path:
    """Write the council's vote workbook to ``path`` (atomically) and return the path.

    ``per_member``: one column per member ("Đồng ý"/"Không đồng ý"); otherwise two count columns.
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
    wb = _new_workbook()
    password = campaign.settings.get("sheet_password") or None
    _members_sheet(wb.create_sheet(MEMBERS_SHEET), campaign, password)
    _votes_sheet(wb.create_sheet(VOTES_SHEET), campaign, candidates, per_member, password)
    _id_sheet(wb, campaign, per_member)
    wb.security = WorkbookProtection(lockStructure=True)
    if password:
        wb.security.set_workbook_password(password)
    wb.active = 0
    wb.properties.title = f"Biểu quyết của Hội đồng Thi đua - Khen thưởng năm {campaign.info.year}"
    return atomic_save(wb, Path(path))


def _new_workbook() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    default = Font(name=FONT, size=SIZE, family=1)  # the "Normal" style, so empty cells match too
    wb._fonts = IndexedList([default])
    wb._named_styles["Normal"].font = default
    wb.properties.creator = "sheets-tools"
    return wb


def _write(ws: Worksheet, row: int, col: int, value: Any, *, to_col: int | None = None, align: str = "left",
           wrap: bool = False, **font: Any) -> None:
    cell = ws.cell(row=row, column=col)
    put(cell, value)
    cell.font = Font(name=FONT, size=font.pop("size", SIZE), **font)
    cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=wrap)
    if to_col and to_col > col:
        ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=to_col)


def _heading(ws: Worksheet, campaign: Campaign, last: int, title: str, line: str) -> None:
    """Agency and national motto (rows 1-3), title (4), explanation (5), like the forms."""
    info, split = campaign.info, max(2, last // 2)
    _write(ws, 1, 1, info.parent_agency, to_col=split, align="center")
    _write(ws, 2, 1, info.agency, to_col=split, align="center", bold=True)
    _write(ws, 1, split + 1, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", to_col=last, align="center", bold=True)
    _write(ws, 2, split + 1, "Độc lập - Tự do - Hạnh phúc", to_col=last, align="center", bold=True,
           underline="single")
    _write(ws, 3, split + 1, f"{info.place or '......'}, ngày ... tháng ... năm ......", to_col=last,
           align="center", italic=True)
    _write(ws, 4, 1, title, to_col=last, align="center", bold=True, size=14)
    _write(ws, 5, 1, line, to_col=last, wrap=True, italic=True)
    ws.row_dimensions[4].height = 24
    ws.row_dimensions[5].height = 48


def _header_row(ws: Worksheet, labels: list[tuple[str, float]]) -> None:
    for c, (label, width) in enumerate(labels, start=1):
        cell = ws.cell(row=HEADER_ROW, column=c)
        put(cell, label)
        cell.font, cell.fill, cell.border = Font(name=FONT, size=SIZE, bold=True), _HEAD_FILL, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.row_dimensions[HEADER_ROW].height = 48
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=1).coordinate


def _body_cell(ws: Worksheet, row: int, col: int, value: Any, *, editable: bool = False,
               center: bool = False) -> None:
    cell = ws.cell(row=row, column=col)
    put(cell, value)
    cell.font, cell.border = Font(name=FONT, size=SIZE), _BORDER
    cell.alignment = Alignment(horizontal="center" if center else None, vertical="top", wrap_text=True)
    if editable:
        cell.protection, cell.fill = _UNLOCKED, _INPUT_FILL


def _fit_rows(ws: Worksheet, first: int, last: int) -> None:
    """Row heights for wrapped text (spreadsheet programs do not grow rows written by openpyxl)."""
    widths = {k: d.width for k, d in ws.column_dimensions.items() if not d.hidden}
    for r in range(first, last + 1):
        lines = [-(-len(str(c.value)) // max(1, int(widths.get(c.column_letter, 10)) - 2))
                 for c in ws[r] if isinstance(c.value, str) and c.column_letter in widths]
        ws.row_dimensions[r].height = 16 * max([1, *lines])


def _choice(ws: Worksheet, ref: str, choices: tuple[str, ...], prompt: str) -> None:
    dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                        showErrorMessage=True, errorStyle="stop", errorTitle="Giá trị không hợp lệ",
                        error="Hãy chọn " + " hoặc ".join(f"\"{c}\"" for c in choices) + " trong danh sách thả xuống.",
                        showInputMessage=True, prompt=prompt[:255])
    dv.add(ref)
    ws.add_data_validation(dv)


def _members_sheet(ws: Worksheet, campaign: Campaign, password: str | None) -> None:
    n, share = len(campaign.council), campaign.yearend.council_quorum
    labels = [(L_STT, 6), (L_NAME, 26), (L_POSITION, 40), (L_ROLE, 24), (L_PRESENT, 11), (L_WRITING, 14),
              (L_NOTE, 28)]
    line = (f"Tổng số thành viên Hội đồng: {n} người. Phiên họp hợp lệ khi có ít nhất {quorum_needed(campaign)} "
            f"thành viên có mặt ({_share_text(share)} tổng số thành viên). Chọn \"Có\" ở cột \"{L_PRESENT}\" cho "
            f"thành viên dự họp; thành viên vắng mặt có phiếu biểu quyết bằng văn bản thì chọn \"Có\" ở cột "
            f"\"{L_WRITING}\".")
    _heading(ws, campaign, len(labels), "DANH SÁCH THÀNH VIÊN HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG DỰ HỌP", line)
    _header_row(ws, labels)
    for i, m in enumerate(campaign.council):
        r = FIRST_ROW + i
        for c, value in enumerate((i + 1, m.name, m.position, m.role), start=1):
            _body_cell(ws, r, c, value, center=c == 1)
        for c in (5, 6):
            _body_cell(ws, r, c, None, editable=True, center=True)
        _body_cell(ws, r, 7, None, editable=True)
    last = FIRST_ROW + n - 1
    _fit_rows(ws, FIRST_ROW, last)
    _choice(ws, f"E{FIRST_ROW}:E{last}", PRESENT_CHOICES, "Thành viên có dự họp không?")
    _choice(ws, f"F{FIRST_ROW}:F{last}", PRESENT_CHOICES, "Thành viên vắng mặt đã gửi phiếu biểu quyết bằng văn bản?")
    _finish(ws, password)


def _votes_sheet(ws: Worksheet, campaign: Campaign, candidates: list[Candidate], per_member: bool,
                 password: str | None) -> None:
    n = len(campaign.council)
    fixed = [(L_STT, 6), (L_ID, 12), (L_AWARD_CODE, 10), (L_CANDIDATE, 28), (L_UNIT, 26), (L_AWARD, 26),
             (L_SHARE, 10), (L_NEEDED, 10)]
    inputs = [(m.name, 13) for m in campaign.council] if per_member else [(L_YES, 12), (L_NO, 12)]
    how = (f"Mỗi thành viên chọn \"{YES}\" hoặc \"{NO}\" ở cột mang tên mình (để trống nếu không biểu quyết)."
           if per_member else f"Nhập số phiếu đồng ý và không đồng ý (số nguyên từ 0 đến {n}).")
    line = (f"{how} Ứng viên đạt khi số phiếu đồng ý không ít hơn \"{L_NEEDED}\", tính trên tổng số {n} thành "
            "viên Hội đồng (không phải trên số thành viên có mặt), và phiên họp đủ số thành viên có mặt.")
    _heading(ws, campaign, len(fixed) + len(inputs),
             f"TỔNG HỢP BIỂU QUYẾT ĐỀ NGHỊ KHEN THƯỞNG NĂM {campaign.info.year}", line)
    _header_row(ws, fixed + inputs)
    for col in ("B", "C"):
        ws.column_dimensions[col].hidden = True
    for i, c in enumerate(candidates):
        r = FIRST_ROW + i
        values = (i + 1, c.id, c.award_code, c.name, c.unit_name, c.award_name, percent_text(c.vote_percent),
                  votes_needed(c.vote_percent, n))
        for col, value in enumerate(values, start=1):
            _body_cell(ws, r, col, value, center=col in (1, 7, 8))
        for col in range(len(fixed) + 1, len(fixed) + len(inputs) + 1):
            _body_cell(ws, r, col, None, editable=True, center=True)
    _fit_rows(ws, FIRST_ROW, FIRST_ROW + len(candidates) - 1)
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
    p = ws.protection
    p.sheet, p.formatColumns, p.formatRows = True, False, False  # False = allowed
    if password:
        p.password = password
    ws.page_setup.paperSize = 9
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.oddFooter.center.text = "Trang &P / &N"


def _id_sheet(wb: Workbook, campaign: Campaign, per_member: bool) -> None:
    ws = wb.create_sheet(ID_SHEET)
    ident = {"kind": KIND, "campaign": campaign.id, "members": str(len(campaign.council)),
             "layout": "per_member" if per_member else "counts",
             "built_at": datetime.now().isoformat(timespec="seconds")}
    for r, (key, value) in enumerate(ident.items(), start=1):
        put(ws.cell(row=r, column=1), key)
        put(ws.cell(row=r, column=2), value)  # text: a re-save cannot turn 9 into 9.0
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True


# --- reading the filled ballot -------------------------------------------------------------------
Rows = list[list[Any]]


class _Book:
    """The ballot opened with calamine; sheets found by folded name."""

    def __init__(self, path: Path):
        self.workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        self.names = {fold(n): n for n in self.workbook.sheet_names}

    def rows(self, name: str) -> Rows | None:
        real = self.names.get(fold(name))
        if real is None:
            return None
        return self.workbook.get_sheet_by_name(real).to_python(skip_empty_area=False, nrows=MAX_ROWS)


def _text(value: Any) -> str:
    return coerce_text(value) or ""


def _at(rows: Rows, r: int, c: int | None) -> Any:
    if c is None or r >= len(rows) or c >= len(rows[r]):
        return None
    v = rows[r][c]
    return None if v == "" else v


def _ref(r: int, c: int) -> str:
    """A1 reference of 0-based (row, column)."""
    return f"{get_column_letter(c + 1)}{r + 1}"


def _find_header(rows: Rows, required: list[str]) -> tuple[int, dict[str, int]] | None:
    """The first row holding every label of ``required``: (row, folded label -> column)."""
    want = {fold(x) for x in required}
    for r, cells in enumerate(rows[:HEADER_SCAN]):
        labels = {fold(_text(v)): c for c, v in enumerate(cells) if _text(v)}
        if want <= labels.keys():
            return r, labels
    return None


class _Reading:
    """State of one tally: the campaign's members, who could vote, the findings."""

    def __init__(self, campaign: Campaign, path: Path):
        self.campaign = campaign
        self.file = path.name
        self.members: dict[str, Member] = {fold(m.name): m for m in campaign.council}
        self.present: set[str] = set()
        self.writing: set[str] = set()
        self.findings: list[Finding] = []

    def add(self, code: str, **kw: Any) -> None:
        self.findings.append(finding(code, file=self.file, **kw))

    @property
    def voters(self) -> set[str]:
        return self.present | self.writing


def tally(campaign: Campaign, path: Path) -> Tally:
    """Read a filled ballot (also a LibreOffice re-save) and count the votes against the thresholds.

    Never raises for problems in the workbook: they are findings (``Tally.findings``). A candidate
    passes only when the quorum is met and its "yes" votes reach its share of the whole membership.
    """
    path = Path(path)
    reading = _Reading(campaign, path)
    out = Tally(members=len(campaign.council), present=0, quorum_needed=quorum_needed(campaign), quorum_ok=False,
                file=path.name)
    try:
        book = _Book(path)
        if _identity(book, reading):
            _attendance(book, reading)
            out.present, out.in_writing = len(reading.present), len(reading.writing - reading.present)
            out.quorum_ok = _quorum(out, reading)
            out.results = _votes(book, reading, out)
    except python_calamine.CalamineError as exc:  # ZipError, XmlError, PasswordError are CalamineErrors
        reading.add("file.unreadable", detail=f"{type(exc).__name__}: {exc}")
    out.findings = reading.findings
    return out


def _identity(book: _Book, reading: _Reading) -> bool:
    """Check the hidden _id sheet; False when the file is not a ballot (nothing more is read)."""
    for sheet in (MEMBERS_SHEET, VOTES_SHEET):
        if book.rows(sheet) is None:
            reading.add("sheet.missing", sheet=sheet)
            return False
    rows = book.rows(ID_SHEET)
    if rows is None:
        reading.add("council.id_missing")
        return True
    ident = {_text(r[0]): _text(r[1]) for r in rows if len(r) >= 2 and _text(r[0])}
    if ident.get("kind") != KIND:
        reading.add("council.not_ballot", sheet=ID_SHEET, value=ident.get("kind", ""))
        return False
    if ident.get("campaign") != reading.campaign.id:
        reading.add("ident.other_campaign", sheet=ID_SHEET, value=ident.get("campaign", ""),
                    expected=reading.campaign.id)
    if ident.get("members") != str(len(reading.members)):
        reading.add("council.membership_changed", sheet=ID_SHEET, value=ident.get("members", "?"),
                    expected=len(reading.members))
    return True


def _attendance(book: _Book, reading: _Reading) -> None:
    """Who was present and who voted in writing, from the members sheet."""
    rows = book.rows(MEMBERS_SHEET) or []
    found = _find_header(rows, [L_NAME, L_PRESENT, L_WRITING])
    if found is None:
        reading.add("sheet.header_not_found", sheet=MEMBERS_SHEET, expected=f"{L_NAME}, {L_PRESENT}, {L_WRITING}")
        return
    top, cols = found
    name_col, listed = cols[fold(L_NAME)], set()
    for r in range(top + 1, len(rows)):
        name = _text(_at(rows, r, name_col))
        if not name:
            continue
        key = fold(name)
        if key not in reading.members:
            reading.add("council.member_unknown", sheet=MEMBERS_SHEET, cell=_ref(r, name_col), value=name)
            continue
        listed.add(key)
        for label, into in ((L_PRESENT, reading.present), (L_WRITING, reading.writing)):
            if _yes_no(rows, r, cols[fold(label)], label, name, reading):
                into.add(key)
    for key, member in reading.members.items():
        if key not in listed:
            reading.add("council.member_missing", sheet=MEMBERS_SHEET, value=member.name)


def _yes_no(rows: Rows, r: int, c: int, label: str, name: str, reading: _Reading) -> bool:
    value = _text(_at(rows, r, c))
    if fold(value) in ("", fold("Không")):
        return False
    if fold(value) == fold("Có"):
        return True
    reading.add("cell.bad_choice", sheet=MEMBERS_SHEET, cell=_ref(r, c), value=value, label=f"{label} ({name})")
    return False


def _quorum(out: Tally, reading: _Reading) -> bool:
    if not reading.present:
        reading.add("council.nobody_present", sheet=MEMBERS_SHEET)
        return False
    if out.present < out.quorum_needed:
        reading.add("council.no_quorum", sheet=MEMBERS_SHEET, present=out.present, members=out.members,
                    needed=out.quorum_needed, share=_share_text(reading.campaign.yearend.council_quorum))
        return False
    return True


@dataclass
class _Columns:
    """Where the votes sheet keeps each thing (0-based), found by the labels."""

    top: int
    id: int | None
    award_code: int | None
    name: int | None
    unit: int | None
    award: int | None
    share: int | None
    yes: int | None = None
    no: int | None = None
    member_cols: dict[str, int] = field(default_factory=dict)  # folded member name -> column


def _votes_columns(rows: Rows, reading: _Reading) -> _Columns | None:
    found = _find_header(rows, [L_CANDIDATE, L_AWARD, L_NEEDED])
    if found is None:
        reading.add("sheet.header_not_found", sheet=VOTES_SHEET, expected=f"{L_CANDIDATE}, {L_AWARD}, {L_NEEDED}")
        return None
    top, labels = found
    cols = _Columns(top, *(labels.get(fold(x)) for x in (L_ID, L_AWARD_CODE, L_CANDIDATE, L_UNIT, L_AWARD, L_SHARE)))
    if fold(L_YES) in labels and fold(L_NO) in labels:
        cols.yes, cols.no = labels[fold(L_YES)], labels[fold(L_NO)]
        return cols
    cols.member_cols = {k: labels[k] for k in reading.members if k in labels}
    if not cols.member_cols:
        reading.add("sheet.header_not_found", sheet=VOTES_SHEET,
                    expected=f"{L_YES}, {L_NO} (hoặc một cột mang tên mỗi thành viên)")
        return None
    for key, member in reading.members.items():
        if key not in cols.member_cols:
            reading.add("council.member_missing", sheet=VOTES_SHEET, value=member.name)
    return cols


def _votes(book: _Book, reading: _Reading, out: Tally) -> list[VoteResult]:
    rows = book.rows(VOTES_SHEET) or []
    cols = _votes_columns(rows, reading)
    if cols is None:
        return []
    results: list[VoteResult] = []
    seen: dict[str, int] = {}
    for r in range(cols.top + 1, len(rows)):
        name = _text(_at(rows, r, cols.name))
        cid = _text(_at(rows, r, cols.id))
        if not name and not cid:
            continue
        label = name or cid
        if cid and cid in seen:
            reading.add("council.duplicate_candidate", sheet=VOTES_SHEET, cell=_ref(r, cols.name or 0),
                        value=cid, row=r + 1, name=label, other_row=seen[cid])
            continue
        if cid:
            seen[cid] = r + 1
        else:
            reading.add("council.no_id", sheet=VOTES_SHEET, cell=_ref(r, cols.name or 0), row=r + 1, name=label)
        results.append(_row_result(rows, r, cols, reading, out, cid, label))
    return results


def _row_result(rows: Rows, r: int, cols: _Columns, reading: _Reading, out: Tally, cid: str,
                label: str) -> VoteResult:
    item = _award(rows, r, cols, reading.campaign)
    award_name = _text(_at(rows, r, cols.award)) or (item.name if item else "")
    before = len(reading.findings)
    percent = _percent(rows, r, cols, item)
    needed = votes_needed(percent, out.members) if percent else 0
    if percent is None:
        reading.add("council.unknown_award", sheet=VOTES_SHEET, cell=_ref(r, cols.award or 0),
                    value=award_name, row=r + 1, name=label)
    counted = _counts(rows, r, cols, reading, out) if cols.yes is not None else _per_member(rows, r, cols, reading)
    yes, no, blank = counted
    if yes + no > len(reading.voters):
        reading.add("council.too_many_votes", sheet=VOTES_SHEET, cell=_ref(r, cols.yes if cols.yes is not None
                    else min(cols.member_cols.values())), row=r + 1, name=label, total=yes + no,
                    voters=len(reading.voters))
    elif blank and len(reading.findings) == before:
        reading.add("council.not_voted", sheet=VOTES_SHEET, cell=_ref(r, cols.name or 0), row=r + 1, name=label)
    row_errors = [f for f in reading.findings[before:] if f.severity == ERROR and f.code != "council.bad_vote"]
    passed, note = _judge(out, yes, needed, percent, row_errors)
    return VoteResult(candidate_id=cid, name=_text(_at(rows, r, cols.name)),
                      unit_name=_text(_at(rows, r, cols.unit)),
                      award_code=_text(_at(rows, r, cols.award_code)) or (item.code if item else ""),
                      award_name=award_name, yes=yes, no=no, needed=needed, passed=passed, note=note)


def _award(rows: Rows, r: int, cols: _Columns, campaign: Campaign) -> CatalogueItem | None:
    code = _text(_at(rows, r, cols.award_code))
    item = next((c for c in campaign.catalogue if code and c.code == code), None)
    return item or campaign.catalogue_item(_text(_at(rows, r, cols.award)))


def _percent(rows: Rows, r: int, cols: _Columns, item: CatalogueItem | None) -> Fraction | None:
    """The share needed: the campaign's catalogue first, else the share written on the ballot."""
    if item is not None and item.vote_percent:
        return _fraction(item.vote_percent)
    if item is None:
        return None
    written = _at(rows, r, cols.share)
    try:
        share = _parse_share(written)
    except ValueError:
        return None
    return share * 100 if share else None


def _parse_share(value: Any) -> Fraction | None:
    if isinstance(value, float) and value <= 1:  # a "80%" cell a spreadsheet stored as 0.8
        value = Fraction(str(value))
    return parse_share(value)


def _counts(rows: Rows, r: int, cols: _Columns, reading: _Reading, out: Tally) -> tuple[int, int, bool]:
    got = []
    for label, c in ((L_YES, cols.yes), (L_NO, cols.no)):
        value = _at(rows, r, c)
        n = _whole(value, out.members)
        if n is None:
            reading.add("council.bad_count", sheet=VOTES_SHEET, cell=_ref(r, c), value=_text(value), label=label,
                        members=out.members)
        got.append((n or 0, value is None))
    return got[0][0], got[1][0], got[0][1] and got[1][1]


def _whole(value: Any, high: int) -> int | None:
    """A count 0..high from a cell (blank = 0); None when it is not one."""
    if value is None:
        return 0
    if isinstance(value, str):
        value = normalize(value)
        if not value.isdigit():
            return None
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not float(value).is_integer():
        return None
    return int(value) if 0 <= value <= high else None


def _per_member(rows: Rows, r: int, cols: _Columns, reading: _Reading) -> tuple[int, int, bool]:
    yes = no = 0
    blank = True
    for key, c in cols.member_cols.items():
        value = _text(_at(rows, r, c))
        if not value:
            continue
        blank = False
        member = reading.members[key].name
        vote = {fold(YES): YES, fold(NO): NO}.get(fold(value))
        if vote is None:
            reading.add("council.bad_vote", sheet=VOTES_SHEET, cell=_ref(r, c), value=value, member=member)
        elif key not in reading.voters:
            reading.add("council.vote_not_allowed", sheet=VOTES_SHEET, cell=_ref(r, c), value=value, member=member)
        elif vote == YES:
            yes += 1
        else:
            no += 1
    return yes, no, blank


def _judge(out: Tally, yes: int, needed: int, percent: Fraction | None,
           row_errors: list[Finding]) -> tuple[bool, str]:
    """Passed or not, and the note in Vietnamese."""
    if not out.quorum_ok:
        return False, (f"Không đạt: phiên họp không đủ số thành viên có mặt ({out.present}/{out.members}, "
                       f"cần {out.quorum_needed})")
    if row_errors:
        cells = ", ".join(f.cell for f in row_errors if f.cell)
        return False, f"Chưa công nhận: kết quả biểu quyết chưa hợp lệ (xem lỗi ở ô {cells})"
    if yes >= needed:
        return True, f"Đạt {yes}/{out.members} phiếu (cần {needed})"
    return False, (f"Không đạt: {yes}/{out.members} phiếu đồng ý, cần {needed} "
                   f"({percent_text(percent)} tổng số thành viên)")


# --- the ledger ----------------------------------------------------------------------------------
_TABLE = """
CREATE TABLE IF NOT EXISTS council_votes (
    position INTEGER NOT NULL,
    candidate_id TEXT NOT NULL,
    name TEXT NOT NULL,
    unit_name TEXT NOT NULL,
    award_code TEXT NOT NULL,
    award_name TEXT NOT NULL,
    yes INTEGER NOT NULL,
    no INTEGER NOT NULL,
    needed INTEGER NOT NULL,
    passed INTEGER NOT NULL,
    note TEXT NOT NULL,
    saved_at TEXT NOT NULL
)"""
_FIELDS = [f.name for f in fields(VoteResult)]


def save(ledger: Ledger, result: Tally) -> None:
    """Replace the council's previous tally in the ledger by ``result``, in one transaction."""
    ledger.db.execute(_TABLE)
    now = datetime.now().isoformat(timespec="seconds")
    cur = ledger.db.cursor()
    cur.execute("BEGIN IMMEDIATE")
    try:
        cur.execute("DELETE FROM council_votes")
        cur.executemany(
            f"INSERT INTO council_votes (position, {', '.join(_FIELDS)}, saved_at) "
            f"VALUES ({', '.join('?' * (len(_FIELDS) + 2))})",
            [(i, *(int(v) if isinstance(v, bool) else v for v in asdict(v).values()), now)
             for i, v in enumerate(result.results)])
        cur.execute("COMMIT")
    except BaseException:
        cur.execute("ROLLBACK")
        raise


def load(ledger: Ledger) -> dict[str, VoteResult]:
    """The saved tally by candidate id (rows that lost their id are not included)."""
    ledger.db.execute(_TABLE)
    rows = ledger.db.execute(f"SELECT {', '.join(_FIELDS)} FROM council_votes WHERE candidate_id != '' "
                             "ORDER BY position")
    out = {}
    for row in rows:
        data = dict(zip(_FIELDS, row))
        data["passed"] = bool(data["passed"])
        out[data["candidate_id"]] = VoteResult(**data)
    return out


# --- the result list -----------------------------------------------------------------------------
_RESULT_COLUMNS = (("STT", 6), ("Họ và tên cá nhân, tên tập thể", 30), ("Đơn vị", 30), ("Số phiếu đồng ý", 11),
                   ("Số phiếu không đồng ý", 11), ("Số phiếu cần đạt", 11), ("Kết quả", 12), ("Ghi chú", 40))


def result_workbook(campaign: Campaign, result: Tally, path: Path) -> Path:
    """Write the council's result list (kết quả biểu quyết) to ``path`` atomically; return the path."""
    def write(tmp: Path) -> None:
        wb = xlsxwriter.Workbook(str(tmp), WORKBOOK_OPTIONS)
        _Result(wb, campaign, result).write()
        wb.close()

    return write_atomic(Path(path), write)


def chair(campaign: Campaign) -> Member | None:
    """The council's chair (role "Chủ tịch ..." but not "Phó Chủ tịch"), else its first member."""
    return next((m for m in campaign.council if fold(m.role).startswith(fold("Chủ tịch"))),
                campaign.council[0] if campaign.council else None)


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

    def __init__(self, wb: xlsxwriter.Workbook, campaign: Campaign, result: Tally):
        self.wb, self.campaign, self.result = wb, campaign, result
        base = {"font_name": FONT, "font_size": SIZE, "valign": "vcenter", "text_wrap": True}
        self.f = {k: wb.add_format({**base, **v}) for k, v in {
            "plain": {}, "center": {"align": "center"}, "bold_c": {"bold": True, "align": "center"},
            "motto": {"bold": True, "align": "center", "underline": 1}, "italic_c": {"italic": True, "align": "center"},
            "title": {"bold": True, "align": "center", "font_size": 14}, "italic": {"italic": True},
            "head": {"bold": True, "align": "center", "border": 1, "bg_color": "#DDEBF7"},
            "cell": {"border": 1, "valign": "top"}, "cell_c": {"border": 1, "align": "center", "valign": "top"},
            "group": {"bold": True, "border": 1, "bg_color": "#F2F2F2"},
            "fail": {"border": 1, "align": "center", "valign": "top", "font_color": "#C00000"},
            "bold": {"bold": True}}.items()}

    def text(self, ws, r: int, c: int, value: Any, fmt: str, to_col: int | None = None) -> None:
        value = "" if value is None else str(value)
        if to_col and to_col > c:
            ws.merge_range(r, c, r, to_col, "", self.f[fmt])
        ws.write_string(r, c, value, self.f[fmt])

    def write(self) -> None:
        ws = self.wb.add_worksheet(RESULT_SHEET)
        last = len(_RESULT_COLUMNS) - 1
        for c, (_, width) in enumerate(_RESULT_COLUMNS):
            ws.set_column(c, c, width)
        self.heading(ws, last)
        r = self.table(ws, 7)
        self.signature(ws, r + 2, last)
        ws.set_paper(9)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(6)
        ws.set_footer("&CTrang &P / &N")
        if self.result.findings:
            self.notes()

    def heading(self, ws, last: int) -> None:
        info, t, split = self.campaign.info, self.result, 2
        self.text(ws, 0, 0, info.parent_agency, "center", split)
        self.text(ws, 1, 0, info.agency, "bold_c", split)
        self.text(ws, 0, split + 1, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "bold_c", last)
        self.text(ws, 1, split + 1, "Độc lập - Tự do - Hạnh phúc", "motto", last)
        self.text(ws, 2, split + 1, f"{info.place or '......'}, ngày ... tháng ... năm ......", "italic_c", last)
        self.text(ws, 3, 0, "KẾT QUẢ BIỂU QUYẾT CỦA HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG", "title", last)
        self.text(ws, 4, 0, f"Xét đề nghị khen thưởng năm {info.year}", "bold_c", last)
        ws.merge_range(5, 0, 5, last, quorum_line(self.campaign, t), self.f["italic"])
        ws.set_row(5, 36)
        for c, (label, _) in enumerate(_RESULT_COLUMNS):
            ws.write_string(6, c, label, self.f["head"])
        ws.set_row(6, 48)

    def table(self, ws, r: int) -> int:
        groups = _groups(self.campaign, self.result.results)
        for g, (award, results) in enumerate(groups):
            needed = results[0].needed
            head = f"{_ROMAN[g] if g < len(_ROMAN) else g + 1}. {award or '(không rõ danh hiệu)'} (cần {needed} phiếu)"
            self.text(ws, r, 0, head, "group", len(_RESULT_COLUMNS) - 1)
            r += 1
            for n, v in enumerate(results, start=1):
                ws.write_number(r, 0, n, self.f["cell_c"])
                ws.write_string(r, 1, v.name, self.f["cell"])
                ws.write_string(r, 2, v.unit_name, self.f["cell"])
                for c, x in ((3, v.yes), (4, v.no), (5, v.needed)):
                    ws.write_number(r, c, x, self.f["cell_c"])
                ws.write_string(r, 6, "Đạt" if v.passed else "Không đạt", self.f["cell_c" if v.passed else "fail"])
                ws.write_string(r, 7, v.note, self.f["cell"])
                r += 1
        passed = sum(v.passed for v in self.result.results)
        total = len(self.result.results)
        self.text(ws, r, 0, f"Tổng số: {total} đề nghị; đạt: {passed}; không đạt: {total - passed}.", "bold",
                  len(_RESULT_COLUMNS) - 1)
        return r + 1

    def signature(self, ws, r: int, last: int) -> None:
        head = chair(self.campaign)
        lines = (("TM. HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG", "bold_c"), ("CHỦ TỊCH", "bold_c"),
                 ("(Ký, ghi rõ họ tên)", "italic_c"), ("", "center"), ("", "center"), ("", "center"),
                 (head.name if head else "", "bold_c"))
        for i, (text, fmt) in enumerate(lines):
            self.text(ws, r + i, 5, text, fmt, last)

    def notes(self) -> None:
        ws = self.wb.add_worksheet(NOTES_SHEET)
        cols = (("STT", 6), ("Mức độ", 10), ("Trang tính", 14), ("Ô", 8), ("Vấn đề và cách sửa", 100))
        for c, (label, width) in enumerate(cols):
            ws.set_column(c, c, width)
            ws.write_string(0, c, label, self.f["head"])
        for n, f in enumerate(self.result.findings, start=1):
            ws.write_number(n, 0, n, self.f["cell_c"])
            for c, value in enumerate((SEVERITY_LABELS.get(f.severity, f.severity), f.sheet, f.cell, f.message),
                                      start=1):
                ws.write_string(n, c, value or "", self.f["cell"])
        ws.set_paper(9)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)


def quorum_line(campaign: Campaign, result: Tally) -> str:
    """"Tổng số thành viên Hội đồng: 9; có mặt: 6; ..." with the quorum verdict."""
    verdict = "đủ" if result.quorum_ok else "không đủ"
    return (f"Tổng số thành viên Hội đồng: {result.members}; có mặt: {result.present}; vắng mặt có phiếu bằng văn "
            f"bản: {result.in_writing}. Số thành viên tối thiểu phải có mặt: {result.quorum_needed} "
            f"({_share_text(campaign.yearend.council_quorum)} tổng số thành viên): phiên họp {verdict} số thành "
            "viên. Tỷ lệ phiếu đồng ý tính trên tổng số thành viên Hội đồng.")
