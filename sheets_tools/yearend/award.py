"""The year-end stage after the master: the council's ballot and tally, then the decision.

checked proposal lines (yearend.lines: every form with role "award_proposal") -> ballot -> (the council
votes) -> tally -> decision lists (xlsx + docx) -> this year's awards added to the award history.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sheets_tools.yearend import council
from sheets_tools.yearend import decision
from sheets_tools.yearend.ballot import ballot
from sheets_tools.yearend.ballot_read import Entries, entries
from sheets_tools.yearend.lines import Line, candidates, lines
from sheets_tools.yearend.results import result_workbook
from sheets_tools.yearend.tally import tally
from sheets_tools.yearend import decision_files
from sheets_tools.store import history
from sheets_tools.campaign.model import Campaign
from sheets_tools.core.files import TargetBusy, campaign_lock, dated_copies, keep_copy
from sheets_tools.core.findings import Finding
from sheets_tools.core.text import fold
from sheets_tools.store.ledger import Ledger
from sheets_tools.formkit.plugins import Context

COUNCIL_DIR = "council"
DECISION_DIR = "decision"


def ballot_path(campaign: Campaign) -> Path:
    return campaign.dir / COUNCIL_DIR / f"Phiếu biểu quyết Hội đồng TĐKT năm {campaign.info.year}.xlsx"


class BallotFilled(Exception):
    """The ballot already holds the council's work (or cannot be read to tell): it is not replaced."""

    def __init__(self, path: Path, found: Entries | None):
        self.path, self.found = path, found
        if found is None:
            what = (f"Tệp {path} đã có nhưng không đọc được như một phiếu biểu quyết (tệp hỏng hoặc đã bị thay), "
                    "nên không biết có kết quả biểu quyết hay không")
        else:
            what = (f"Phiếu biểu quyết {path} đã có {found.attendance} đánh dấu có mặt hoặc biểu quyết bằng văn bản "
                    f"và {found.votes} ô phiếu biểu quyết đã điền")
        super().__init__(
            f"{what}; tệp không bị ghi đè (giữ nguyên, chưa ghi gì). Hãy kiểm phiếu tệp này (sheets-tools council "
            "tally); nếu cần lập phiếu mới (ví dụ khi có thêm đề nghị), chạy lại lệnh với --new: phiếu cũ được lưu "
            f"thành bản sao có ghi ngày giờ trong thư mục \"{path.parent.name}/bản cũ\" rồi mới ghi phiếu mới.")


@dataclass
class BallotResult:
    path: Path | None  # the ballot written (beside the old one when that one was open)
    candidates: int
    kept: Path | None = None  # the dated copy of the filled ballot it replaces (``new``)
    busy_target: Path | None = None  # the ballot left alone because it was open in Excel or LibreOffice


def make_ballot(campaign: Campaign, *, per_member: bool = True, new: bool = False) -> BallotResult:
    """The vote workbook of every checked proposal that needs the council's vote.

    A ballot already holding attendance or votes (or that cannot be read) is never replaced:
    ``BallotFilled`` unless ``new``, and then it is first kept as a dated copy in ``council/bản cũ``.
    A ballot open in Excel or LibreOffice is left alone and the new one written beside it.
    """
    target = ballot_path(campaign)
    with campaign_lock(campaign.dir, "council ballot"):
        with Ledger(campaign.dir) as ledger:
            found = candidates(Context(campaign, ledger))
        if not found:
            return BallotResult(None, 0)
        kept = None
        if target.exists():
            held = entries(target)
            if held is None or held.any:
                if not new:
                    raise BallotFilled(target, held)
                kept = keep_copy(target, None) or dated_copies(target)[-1]
        try:
            path = ballot(campaign, found, target, per_member=per_member, beside_if_busy=True)
        except TargetBusy as busy:
            return BallotResult(busy.written, len(found), kept, busy.target)
    return BallotResult(path, len(found), kept)


@dataclass
class TallyResult:
    tally: council.Tally
    path: Path | None  # the result list; None when the file held no vote to record

    @property
    def passed(self) -> int:
        return sum(1 for r in self.tally.results if r.passed)


def count_votes(campaign: Campaign, path: Path | None = None) -> TallyResult:
    """Tally the filled vote workbook, keep the result in the ledger, write the result list.

    A file without any vote (not a ballot, or its vote sheet unreadable) changes nothing recorded."""
    path = path or ballot_path(campaign)
    with campaign_lock(campaign.dir, "council"), Ledger(campaign.dir) as ledger:
        counted = tally(campaign, path, candidates(Context(campaign, ledger)))
        if not counted.results:
            return TallyResult(counted, None)
        council.save(ledger, counted)
    out = campaign.dir / COUNCIL_DIR / f"Kết quả biểu quyết năm {campaign.info.year}.xlsx"
    return TallyResult(counted, result_workbook(campaign, counted, out))


class DecisionDateError(ValueError):
    """The decision's date is outside the campaign's year and the next."""


@dataclass
class DecisionResult:
    paths: list[Path]
    awards: list[decision.Award]
    waiting: list[str] = field(default_factory=list)  # lines that still wait for the council's vote
    recorded: int = 0  # awards added to the history
    findings: list[Finding] = field(default_factory=list)
    replaced: int = 0  # rows of an earlier decision of the year taken out of the history
    earlier: list[str] = field(default_factory=list)  # the numbers of those earlier decisions


def check_date(campaign: Campaign, signed_on: date | None) -> None:
    """A decision of the campaign's year is signed that year or the next; raise DecisionDateError if not."""
    year = campaign.info.year
    if signed_on is not None and signed_on.year not in (year, year + 1):
        raise DecisionDateError(
            f"Ngày ký quyết định {signed_on:%d/%m/%Y} không thuộc năm {year} hoặc năm {year + 1} của đợt thi đua "
            f"năm {year}; chưa ghi gì. Hãy kiểm tra lại --date (ví dụ --date 15/12/{year}).")


def voted_on(vote: council.VoteResult | None, line: Line) -> bool:
    """The recorded vote is about this very line: the same award for the same person or collective (a
    vote recorded for another award, or before the unit's row named someone else, is not)."""
    return vote is not None and vote.award_code == line.proposal.item.code and fold(vote.name) == fold(line.name)


def council_passed(vote: council.VoteResult | None, line: Line) -> bool:
    """The council passed this very line (``voted_on``)."""
    return voted_on(vote, line) and vote is not None and vote.passed


def decide(campaign: Campaign, *, number: str = "", signed_on: date | None = None) -> DecisionResult:
    """The decision lists of every checked proposal (passed by the council when it needs a vote).

    With a decision number and date, the Director's awards join the award history, in place of
    what an earlier decision of the year recorded there. A date outside the campaign's year and
    the next raises DecisionDateError before anything is written.
    """
    check_date(campaign, signed_on)
    with campaign_lock(campaign.dir, "decision"), Ledger(campaign.dir) as ledger:
        context = Context(campaign, ledger)
        votes = council.load(ledger)
        chosen, waiting = [], []
        for line in lines(context):
            if not line.ok:
                continue
            item = line.proposal.item
            vote = votes.get(line.proposal.id)
            if item.vote_percent and not council_passed(vote, line):
                if not voted_on(vote, line):
                    waiting.append(f"{line.name} - {item.name}")
                continue
            chosen.append(line)
        awards = [_award(campaign, line) for line in chosen]
        paths = decision_files.write_all(campaign, awards, campaign.dir / DECISION_DIR, number=number, signed_on=signed_on)
        done = history.DecisionRecord(0, 0, [])
        if number and signed_on:
            director = decision.director(campaign)
            past = [_past(campaign, line, number, signed_on) for line in chosen
                    if decision.decider_of(campaign, line.proposal.item) == director]
            done = history.record_decision(ledger, campaign.info.year, past, number)
    return DecisionResult(paths=paths, awards=awards, waiting=waiting, recorded=done.added, replaced=done.removed,
                          earlier=done.earlier)


def _award(campaign: Campaign, line: Line) -> decision.Award:
    p = line.proposal
    unit = campaign.unit(p.unit)
    unit_name = unit.name if unit else p.unit
    if p.subject == "collective":
        return decision.Award("collective", p.item, line.name, unit_name=unit_name)
    return decision.Award("individual", p.item, line.name, family_name=p.family_name, given_name=p.given_name,
                          position=p.position, unit_name=unit_name)


def _past(campaign: Campaign, line: Line, number: str, signed_on: date) -> history.PastAward:
    p = line.proposal
    unit = campaign.unit(p.unit)
    extra = dict(decision_number=number, decision_date=signed_on)
    if p.subject == "collective":
        return history.PastAward.of_collective(line.name, unit.name if unit else p.unit, campaign.info.year, p.item,
                                               **extra)
    return history.PastAward.of_person(p.family_name, p.given_name, p.birth_date, campaign.info.year, p.item,
                                       unit=unit.name if unit else p.unit, **extra)
