"""Reading the council's filled ballot (also a LibreOffice re-save) and judging each candidate
against the thresholds of ``council``. Problems in the workbook are findings, never exceptions."""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import python_calamine
from openpyxl.utils import get_column_letter

from sheets_tools.campaign.model import Campaign, CatalogueItem, Member, parse_share
from sheets_tools.core.findings import ERROR, Finding, finding
from sheets_tools.core.text import fold, normalize
from sheets_tools.core.values import coerce_text
from sheets_tools.excel.tables import find_header
from sheets_tools.formkit.declaration import ID_SHEET
from sheets_tools.yearend.council import (
    KIND, L_AWARD, L_AWARD_CODE, L_CANDIDATE, L_ID, L_NAME, L_NEEDED, L_NO, L_PRESENT, L_SHARE, L_UNIT, L_WRITING,
    L_YES, MEMBERS_SHEET, NO, VOTES_SHEET, YES, Tally, VoteResult, fraction, percent_text, quorum_needed, share_text,
    votes_needed)

MAX_ROWS = 5000  # rows read from an input sheet (the office's own file, but still bounded)
HEADER_SCAN = 40

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
    """The first row holding every label of ``required``: (row, folded label -> column of every label)."""
    header = find_header(rows, {x: x for x in required}, scan=HEADER_SCAN, required=required, similar=None)
    return None if header is None else (header.row, {fold(t): c for c, t in header.texts.items()})


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
                    needed=out.quorum_needed, share=share_text(reading.campaign.yearend.council_quorum))
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
        return fraction(item.vote_percent)
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
