"""The Emulation-Commendation Council's vote: what is voted on, the law's thresholds, the record.

The council's part of the year end is split in these modules:

- here: the candidates (``Candidate``), the vote on each (``VoteResult``) and the whole count
  (``Tally``); the thresholds: a candidate passes when the "yes" votes reach the required share
  of the council's WHOLE membership, not of those present, and only when the meeting had its
  quorum (Decree 98/2023 art. 30; the shares and the quorum are campaign data); the layout the
  ballot and its reader share; ``save``/``load`` keep the last tally in the ledger;
- ``yearend.ballot``: the workbook the office fills during the meeting (who was present, who
  voted in writing, and either each member's vote or the vote counts per candidate);
- ``yearend.tally``: reads it back (``yearend.ballot_read``), finds each row's proposal line in the
  ledger, checks every locked cell is still what the ballot wrote (``yearend.ballot_check``) and
  applies the thresholds;
- ``yearend.results``: the result list for the file.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

from sheets_tools.campaign.model import Campaign, Member
from sheets_tools.core.findings import ERROR, Finding
from sheets_tools.core.text import fold
from sheets_tools.store import votes
from sheets_tools.store.ledger import Ledger

KIND = "council-ballot"
MEMBERS_SHEET = "Thành viên"
VOTES_SHEET = "Biểu quyết"
HEADER_ROW = 7  # 1-based row of the column labels on both input sheets
FIRST_ROW = HEADER_ROW + 1
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
L_OFFICE = "Văn phòng vẫn trình (lý do)"
# the columns the ballot writes (label, width), in order; everything but the inputs is locked
MEMBER_COLUMNS = ((L_STT, 6), (L_NAME, 26), (L_POSITION, 40), (L_ROLE, 24), (L_PRESENT, 11), (L_WRITING, 14),
                  (L_NOTE, 28))
MEMBER_FIXED = 4  # STT, name, position, role: written by the ballot; the rest is the office's
VOTE_COLUMNS = ((L_STT, 6), (L_ID, 12), (L_AWARD_CODE, 10), (L_CANDIDATE, 28), (L_UNIT, 26), (L_AWARD, 26),
                (L_SHARE, 10), (L_NEEDED, 10))
# right of VOTE_COLUMNS, only on a ballot where the office puts a line through that fails a rule
OFFICE_COLUMN = (L_OFFICE, 30)


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
    office_reason: str = ""  # the line fails a rule; why the office still proposes it (printed beside it)


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
    return math.ceil(fraction(vote_percent) / 100 * members)


def quorum_needed(campaign: Campaign) -> int:
    """Members who must be present: the quorum share of the whole membership, rounded up."""
    return math.ceil(campaign.yearend.council_quorum * len(campaign.council))


def fraction(value: float | Fraction) -> Fraction:
    """A percentage or share as an exact fraction."""
    return value if isinstance(value, Fraction) else Fraction(str(value))  # "66.7" stays 667/10


def percent_text(value: float | Fraction) -> str:
    """80 -> "80%", 66.5 -> "66,5%" (Vietnamese decimal comma)."""
    f = fraction(value)
    return (f"{f.numerator}" if f.denominator == 1 else f"{float(f):g}".replace(".", ",")) + "%"


def share_text(share: Fraction) -> str:
    """2/3 -> "2/3"; 1/2 -> "50%"."""
    return percent_text(share * 100) if 100 % share.denominator == 0 else f"{share.numerator}/{share.denominator}"


def chair(campaign: Campaign) -> Member | None:
    """The council's chair (role "Chủ tịch ..." but not "Phó Chủ tịch"), else its first member."""
    return next((m for m in campaign.council if fold(m.role).startswith(fold("Chủ tịch"))),
                campaign.council[0] if campaign.council else None)


# --- what the ballot writes (``ballot`` writes it, ``tally`` checks it is still there) --------------
def member_cells(position: int, member: Member) -> tuple:
    """The locked cells of a member's row on the members sheet (``position``: 0-based)."""
    return position + 1, member.name, member.position, member.role


def candidate_cells(position: int, candidate: Candidate, members: int) -> tuple:
    """The locked cells of a candidate's row on the votes sheet, in ``VOTE_COLUMNS`` order."""
    c = candidate
    return (position + 1, c.id, c.award_code, c.name, c.unit_name, c.award_name, percent_text(c.vote_percent),
            votes_needed(c.vote_percent, members))


def fixed_columns(candidates: list[Candidate]) -> list[tuple[str, float]]:
    """The votes sheet's columns left of the inputs: ``VOTE_COLUMNS``, and ``OFFICE_COLUMN`` when a
    candidate is put through by the office."""
    return list(VOTE_COLUMNS) + ([OFFICE_COLUMN] if any(c.office_reason for c in candidates) else [])


def input_labels(campaign: Campaign, per_member: bool) -> list[str]:
    """The labels of the votes sheet's input columns: one per member, or the two counts."""
    return [m.name for m in campaign.council] if per_member else [L_YES, L_NO]


# --- the ledger ----------------------------------------------------------------------------------
def save(ledger: Ledger, result: Tally) -> None:
    """Replace the council's previous tally in the ledger by ``result``, in one transaction."""
    votes.save(ledger, result.results)


def load(ledger: Ledger) -> dict[str, VoteResult]:
    """The saved tally by candidate id (rows that lost their id are not included)."""
    return {data["candidate_id"]: VoteResult(**data) for data in votes.load(ledger)}
