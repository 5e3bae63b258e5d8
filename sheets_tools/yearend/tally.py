"""Reading the council's filled ballot (also a LibreOffice re-save) and judging each candidate
against the thresholds of ``council``. Problems in the workbook are findings, never exceptions.

The ballot is trusted for attendance and the votes only: each row is found by its candidate id among
the proposal lines the ledger holds now (``lines.candidates``), and the award, its share, the name and
the unit come from that line and the campaign's catalogue; the membership from the campaign. Every
other cell must still be what the ballot wrote (``ballot_check``), and a line the office puts through
despite a failed rule must have been voted on with the reason the ledger holds now printed beside it."""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import python_calamine

from sheets_tools.campaign.model import Campaign, Member
from sheets_tools.core.findings import ERROR, Finding, finding
from sheets_tools.core.text import fold, normalize
from sheets_tools.formkit.declaration import ID_SHEET
from sheets_tools.excel.sniff import failure_words
from sheets_tools.yearend import ballot_check
from sheets_tools.yearend.ballot_read import Book, Rows, at, header, ref, text
from sheets_tools.yearend.council import (
    KIND, L_AWARD, L_CANDIDATE, L_ID, L_NAME, L_NEEDED, L_NO, L_OFFICE, L_PRESENT, L_WRITING, L_YES, MEMBERS_SHEET,
    NO, VOTE_COLUMNS, VOTES_SHEET, YES, Candidate, Tally, VoteResult, fraction, percent_text, quorum_needed,
    share_text, votes_needed)


class _Reading:
    """State of one tally: the campaign's members, the candidates, who could vote, the findings."""

    def __init__(self, campaign: Campaign, path: Path, candidates: list[Candidate]):
        self.campaign = campaign
        self.file = path.name
        self.members: dict[str, Member] = {fold(m.name): m for m in campaign.council}
        self.candidates = {c.id: c for c in candidates}
        self.present: set[str] = set()
        self.writing: set[str] = set()
        self.findings: list[Finding] = []
        self.refused = False  # the membership or a header was changed: nothing is tallied

    def add(self, code: str, **kw: Any) -> None:
        self.findings.append(finding(code, file=self.file, **kw))

    @property
    def voters(self) -> set[str]:
        return self.present | self.writing


def tally(campaign: Campaign, path: Path, candidates: list[Candidate]) -> Tally:
    """Read a filled ballot (also a LibreOffice re-save) and count the votes against the thresholds.

    ``candidates``: the proposal lines that need the council's vote now (``lines.candidates``, from the
    ledger); only rows whose id is among them are tallied, judged on their recorded award. Never raises
    for problems in the workbook: they are findings (``Tally.findings``). A candidate passes only when
    the quorum is met and its "yes" votes reach its share of the whole membership. A changed members
    sheet or header row tallies nothing (``Tally.results`` empty).
    """
    path = Path(path)
    reading = _Reading(campaign, path, candidates)
    out = Tally(members=len(campaign.council), present=0, quorum_needed=quorum_needed(campaign), quorum_ok=False,
                file=path.name)
    try:
        book = Book(path)
        if _identity(book, reading):
            _attendance(book, reading)
            rows = book.rows(VOTES_SHEET) or []
            cols = _votes_columns(rows, reading)
            if cols is not None and not reading.refused:
                out.present, out.in_writing = len(reading.present), len(reading.writing - reading.present)
                out.quorum_ok = _quorum(out, reading)
                out.results = _votes(rows, cols, reading, out)
    except python_calamine.CalamineError as exc:  # ZipError, XmlError, PasswordError are CalamineErrors
        reading.add("file.unreadable", detail=failure_words(exc))
    out.findings = reading.findings
    return out


def _identity(book: Book, reading: _Reading) -> bool:
    """Check the hidden _id sheet; False when the file is not a ballot or was made for another council
    (nothing more is read)."""
    for sheet in (MEMBERS_SHEET, VOTES_SHEET):
        if book.rows(sheet) is None:
            reading.add("sheet.missing", sheet=sheet)
            return False
    rows = book.rows(ID_SHEET)
    if rows is None:
        reading.add("council.id_missing")
        return True
    ident = {text(r[0]): text(r[1]) for r in rows if len(r) >= 2 and text(r[0])}
    if ident.get("kind") != KIND:
        reading.add("council.not_ballot", sheet=ID_SHEET, value=ident.get("kind", ""))
        return False
    if ident.get("campaign") != reading.campaign.id:
        reading.add("ident.other_campaign", sheet=ID_SHEET, value=ident.get("campaign", ""),
                    expected=reading.campaign.id)
    if ident.get("members") != str(len(reading.members)):
        reading.add("council.membership_changed", sheet=ID_SHEET, value=ident.get("members", "?"),
                    expected=len(reading.members))
        return False
    return True


def _attendance(book: Book, reading: _Reading) -> None:
    """Who was present and who voted in writing, from the members sheet, once it is checked unchanged."""
    rows = book.rows(MEMBERS_SHEET) or []
    found = header(rows, [L_NAME, L_PRESENT, L_WRITING])
    if found is None:
        reading.add("sheet.header_not_found", sheet=MEMBERS_SHEET, expected=f"{L_NAME}, {L_PRESENT}, {L_WRITING}")
        reading.refused = True
        return
    top, cols = found
    if not ballot_check.members_sheet(rows, top, reading.campaign, reading.add):
        reading.refused = True
        return
    for i, member in enumerate(reading.campaign.council):
        key = fold(member.name)
        for label, into in ((L_PRESENT, reading.present), (L_WRITING, reading.writing)):
            if _yes_no(rows, top + 1 + i, cols[fold(label)], label, member.name, reading):
                into.add(key)


def _yes_no(rows: Rows, r: int, c: int, label: str, name: str, reading: _Reading) -> bool:
    value = text(at(rows, r, c))
    if fold(value) in ("", fold("Không")):
        return False
    if fold(value) == fold("Có"):
        return True
    reading.add("cell.bad_choice", sheet=MEMBERS_SHEET, cell=ref(r, c), value=value, label=f"{label} ({name})")
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
    """Where the votes sheet keeps each thing (0-based), found by the labels (and checked in place)."""

    top: int
    id: int
    name: int
    yes: int | None = None
    no: int | None = None
    member_cols: dict[str, int] = field(default_factory=dict)  # folded member name -> column
    office: int | None = None  # the office's reasons (``council.OFFICE_COLUMN``), on a ballot that has them


def _votes_columns(rows: Rows, reading: _Reading) -> _Columns | None:
    """The header of the votes sheet, checked to be the ballot's own (else the file is refused)."""
    found = header(rows, [L_ID, L_CANDIDATE, L_AWARD, L_NEEDED])
    if found is None:
        reading.add("sheet.header_not_found", sheet=VOTES_SHEET,
                    expected=f"{L_ID}, {L_CANDIDATE}, {L_AWARD}, {L_NEEDED}")
        reading.refused = True
        return None
    top, labels = found
    counts = fold(L_YES) in labels and fold(L_NO) in labels
    inputs = [L_YES, L_NO] if counts else [m.name for m in reading.campaign.council]
    fixed = [label for label, _ in VOTE_COLUMNS] + ([L_OFFICE] if fold(L_OFFICE) in labels else [])
    if not ballot_check.header_row(rows, top, fixed + inputs, VOTES_SHEET, reading.add):
        reading.refused = True
        return None
    cols = _Columns(top, labels[fold(L_ID)], labels[fold(L_CANDIDATE)])
    if len(fixed) > len(VOTE_COLUMNS):
        cols.office = labels[fold(L_OFFICE)]
    if counts:
        cols.yes, cols.no = labels[fold(L_YES)], labels[fold(L_NO)]
    else:
        cols.member_cols = {fold(name): len(fixed) + j for j, name in enumerate(inputs)}
    return cols


def _votes(rows: Rows, cols: _Columns, reading: _Reading, out: Tally) -> list[VoteResult]:
    """One result per row whose id is a current candidate; findings for the others."""
    results: list[VoteResult] = []
    seen: dict[str, int] = {}
    for r in range(cols.top + 1, len(rows)):
        name = text(at(rows, r, cols.name))
        cid = text(at(rows, r, cols.id))
        if not name and not cid:
            continue
        label = name or cid
        if not cid:
            reading.add("council.no_id", sheet=VOTES_SHEET, cell=ref(r, cols.id), row=r + 1, name=label)
        elif cid in seen:
            reading.add("council.duplicate_candidate", sheet=VOTES_SHEET, cell=ref(r, cols.id),
                        value=cid, row=r + 1, name=label, other_row=seen[cid])
        elif cid not in reading.candidates:
            seen[cid] = r + 1
            reading.add("council.unknown_candidate", sheet=VOTES_SHEET, cell=ref(r, cols.id), value=cid,
                        row=r + 1, name=label)
        else:
            seen[cid] = r + 1
            results.append(_row_result(rows, r, cols, reading, out, reading.candidates[cid]))
    lost = any(f.code in ("council.no_id", "council.unknown_candidate") for f in reading.findings)
    for cid, c in reading.candidates.items():
        if cid not in seen and not lost:  # (a row that lost its id may be the candidate's: reported already)
            reading.add("council.not_on_ballot", sheet=VOTES_SHEET, name=c.name, unit_name=c.unit_name,
                        award=c.award_name)
    return results


def _row_result(rows: Rows, r: int, cols: _Columns, reading: _Reading, out: Tally, c: Candidate) -> VoteResult:
    """The vote on one recorded candidate: its award and share from the ledger, the votes from the row."""
    percent = fraction(c.vote_percent)
    needed = votes_needed(percent, out.members)
    changed = ballot_check.candidate_row(rows, r, cols.top, c, out.members, reading.add)
    changed += _office_reason(rows, r, cols, reading, c)
    if changed:  # not tallied: the council did not vote on what the ledger holds
        cells = [x for x in changed if x]
        where = f"ô {', '.join(cells)} trên phiếu khác với hồ sơ đề nghị đã ghi nhận" if cells else \
            "lý do Văn phòng vẫn trình chưa có trên phiếu"
        return VoteResult(candidate_id=c.id, name=c.name, unit_name=c.unit_name, award_code=c.award_code,
                          award_name=c.award_name, yes=0, no=0, needed=needed, passed=False,
                          note=f"Không kiểm phiếu: {where} (xem lỗi)")
    before = len(reading.findings)
    counted = _counts(rows, r, cols, reading, out) if cols.yes is not None else _per_member(rows, r, cols, reading)
    yes, no, blank = counted
    if yes + no > len(reading.voters):
        reading.add("council.too_many_votes", sheet=VOTES_SHEET, cell=ref(r, cols.yes if cols.yes is not None
                    else min(cols.member_cols.values())), row=r + 1, name=c.name, total=yes + no,
                    voters=len(reading.voters))
    elif blank and len(reading.findings) == before:
        reading.add("council.not_voted", sheet=VOTES_SHEET, cell=ref(r, cols.name), row=r + 1, name=c.name)
    row_errors = [f for f in reading.findings[before:] if f.severity == ERROR and f.code != "council.bad_vote"]
    passed, note = _judge(out, yes, needed, percent, row_errors)
    return VoteResult(candidate_id=c.id, name=c.name, unit_name=c.unit_name, award_code=c.award_code,
                      award_name=c.award_name, yes=yes, no=no, needed=needed, passed=passed, note=note)


def _office_reason(rows: Rows, r: int, cols: _Columns, reading: _Reading, c: Candidate) -> list[str]:
    """A line the office puts through must have been voted on with its reason printed beside it: the cell
    that differs from the reason recorded now (or "" when the ballot has no such column), else []. A reason
    on the ballot for a line that no longer needs one (it now passes its checks) changes nothing."""
    if not c.office_reason:
        return []
    if cols.office is None:
        reading.add("council.not_on_ballot", sheet=VOTES_SHEET, name=c.name, unit_name=c.unit_name, award=c.award_name)
        return [""]
    actual = text(at(rows, r, cols.office))
    if actual == c.office_reason:
        return []
    cell = ref(r, cols.office)
    reading.add("council.cell_changed", sheet=VOTES_SHEET, cell=cell, value=actual or ballot_check.EMPTY,
                expected=c.office_reason, label=L_OFFICE, row=r + 1, name=c.name)
    return [cell]


def _counts(rows: Rows, r: int, cols: _Columns, reading: _Reading, out: Tally) -> tuple[int, int, bool]:
    got = []
    for label, c in ((L_YES, cols.yes), (L_NO, cols.no)):
        value = at(rows, r, c)
        n = _whole(value, out.members)
        if n is None:
            reading.add("council.bad_count", sheet=VOTES_SHEET, cell=ref(r, c), value=text(value), label=label,
                        members=out.members)
        got.append((n or 0, value is None))
    return got[0][0], got[1][0], got[0][1] and got[1][1]


def _whole(value: Any, high: int) -> int | None:
    """A count 0..high from a cell (blank = 0); None when it is not one."""
    if value is None:
        return 0
    if isinstance(value, str):
        value = normalize(value)
        if not (value.isascii() and value.isdigit()) or len(value) > len(str(high)):  # "²", 400 digits: no count
            return None
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= high:  # NaN too
        return None
    return int(value) if float(value).is_integer() else None


def _per_member(rows: Rows, r: int, cols: _Columns, reading: _Reading) -> tuple[int, int, bool]:
    yes = no = 0
    blank = True
    for key, c in cols.member_cols.items():
        value = text(at(rows, r, c))
        if not value:
            continue
        blank = False
        member = reading.members[key].name
        vote = {fold(YES): YES, fold(NO): NO}.get(fold(value))
        if vote is None:
            reading.add("council.bad_vote", sheet=VOTES_SHEET, cell=ref(r, c), value=value, member=member)
        elif key not in reading.voters:
            reading.add("council.vote_not_allowed", sheet=VOTES_SHEET, cell=ref(r, c), value=value, member=member)
        elif vote == YES:
            yes += 1
        else:
            no += 1
    return yes, no, blank


def _judge(out: Tally, yes: int, needed: int, percent: Fraction, row_errors: list[Finding]) -> tuple[bool, str]:
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
