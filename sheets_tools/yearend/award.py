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
from sheets_tools.yearend.lines import Line, candidates, lines
from sheets_tools.yearend.results import result_workbook
from sheets_tools.yearend.tally import tally
from sheets_tools.yearend import decision_files
from sheets_tools.store import history
from sheets_tools.campaign.model import Campaign
from sheets_tools.core.files import campaign_lock
from sheets_tools.core.findings import Finding
from sheets_tools.store.ledger import Ledger
from sheets_tools.formkit.plugins import Context

COUNCIL_DIR = "council"
DECISION_DIR = "decision"


def ballot_path(campaign: Campaign) -> Path:
    return campaign.dir / COUNCIL_DIR / f"Phiếu biểu quyết Hội đồng TĐKT năm {campaign.info.year}.xlsx"


@dataclass
class BallotResult:
    path: Path | None
    candidates: int


def make_ballot(campaign: Campaign, *, per_member: bool = True) -> BallotResult:
    """The vote workbook of every checked proposal that needs the council's vote."""
    with Ledger(campaign.dir) as ledger:
        found = candidates(Context(campaign, ledger))
    if not found:
        return BallotResult(None, 0)
    return BallotResult(ballot(campaign, found, ballot_path(campaign), per_member=per_member), len(found))


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
        counted = tally(campaign, path)
        if not counted.results:
            return TallyResult(counted, None)
        council.save(ledger, counted)
    out = campaign.dir / COUNCIL_DIR / f"Kết quả biểu quyết năm {campaign.info.year}.xlsx"
    return TallyResult(counted, result_workbook(campaign, counted, out))


@dataclass
class DecisionResult:
    paths: list[Path]
    awards: list[decision.Award]
    waiting: list[str] = field(default_factory=list)  # lines that still wait for the council's vote
    recorded: int = 0  # awards added to the history
    findings: list[Finding] = field(default_factory=list)


def decide(campaign: Campaign, *, number: str = "", signed_on: date | None = None) -> DecisionResult:
    """The decision lists of every checked proposal (passed by the council when it needs a vote).

    With a decision number and date, the Director's awards join the award history.
    """
    with campaign_lock(campaign.dir, "decision"), Ledger(campaign.dir) as ledger:
        context = Context(campaign, ledger)
        votes = council.load(ledger)
        chosen, waiting = [], []
        for line in lines(context):
            if not line.ok:
                continue
            item = line.proposal.item
            vote = votes.get(line.proposal.id)
            if item.vote_percent and not (vote and vote.passed):
                if vote is None:
                    waiting.append(f"{line.name} - {item.name}")
                continue
            chosen.append(line)
        awards = [_award(campaign, line) for line in chosen]
        paths = decision_files.write_all(campaign, awards, campaign.dir / DECISION_DIR, number=number, signed_on=signed_on)
        recorded = 0
        if number and signed_on:
            director = decision.director(campaign)
            past = [_past(campaign, line, number, signed_on) for line in chosen
                    if decision.decider_of(campaign, line.proposal.item) == director]
            recorded = history.record(ledger, past, f"Quyết định số {number}")
    return DecisionResult(paths=paths, awards=awards, waiting=waiting, recorded=recorded)


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
