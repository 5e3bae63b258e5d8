"""Where a rebuild finds what the archive does not hold: the award history, the office's entries and any
other record in a ledger copy (``backup/``), the office's entries in the newest master, the council's
votes in its ballot."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sheets_tools.campaign.model import Campaign
from sheets_tools.core.findings import Finding
from sheets_tools.formkit.plugins import Context
from sheets_tools.master import notes, office
from sheets_tools.master.consolidate import edited_master, master_path, office_specs
from sheets_tools.store import carry, guard
from sheets_tools.store.carry import AWARDS, LEDGER_TABLES, OFFICE, VOTES
from sheets_tools.store.ledger import Ledger
from sheets_tools.store.office import entries
from sheets_tools.store.snapshot import Snapshot
from sheets_tools.yearend import council
from sheets_tools.yearend.award import COUNCIL_DIR, ballot_path
from sheets_tools.yearend.lines import candidates
from sheets_tools.yearend.tally import tally

Row = dict[str, Any]


@dataclass
class Kept:
    """What a ledger copy holds besides the submissions, read once."""

    path: Path | None = None
    awards: list[Row] = field(default_factory=list)
    office: list[Row] = field(default_factory=list)
    votes: list[Row] = field(default_factory=list)
    others: dict[str, tuple[str, list[Row]]] = field(default_factory=dict)  # table -> (definition, rows)


def read_copy(directory: Path, prefer: Path | None = None) -> Kept:
    """What ``prefer`` (a copy of the ledger being replaced), else the newest copy in ``backup/`` that
    opens, holds besides the submissions; empty when there is none."""
    for path in ([prefer] if prefer else []) + list(reversed(guard.backups(directory))):
        try:
            with Snapshot(path) as snap:
                known = set(LEDGER_TABLES) | {AWARDS, OFFICE, VOTES}
                others = {name: (sql, snap.rows(name)) for name, sql in snap.definitions().items()
                          if name not in known}
                return Kept(path, snap.rows(AWARDS), snap.rows(OFFICE), snap.rows(VOTES), others)
        except (sqlite3.Error, OSError):  # a damaged copy: try the one before it
            continue
    return Kept()


def when(row: Row, column: str) -> datetime:
    try:
        return datetime.fromisoformat(str(row.get(column)))
    except ValueError:
        return datetime.min


def add_awards(ledger: Ledger, rows: list[Row]) -> int:
    """Add award history rows as they were (source, origin, when added)."""
    return carry.put(ledger, AWARDS, rows)


def add_office(ledger: Ledger, rows: list[Row]) -> int:
    """Set office entries as they were (with when each was set)."""
    return carry.put(ledger, OFFICE, rows, replace=True)


def add_others(ledger: Ledger, copy: Kept) -> None:
    """The copy's tables a rebuild does not know, as they were."""
    for name, (sql, rows) in copy.others.items():
        carry.put(ledger, name, rows, create=sql)


def newest_master(campaign: Campaign) -> Path | None:
    """The master the office last edited (the rule consolidate takes entries back by), if there is one."""
    path = edited_master(master_path(campaign))
    return path if path.is_file() else None


def office_from_master(campaign: Campaign, ledger: Ledger) -> tuple[Path | None, int, list[Finding]]:
    """Take the office's entries back from the newest master, its "Ghi chú" notes too: (master, cells now
    kept, problems)."""
    path = newest_master(campaign)
    if path is None:
        return None, 0, []
    specs = office_specs()
    problems = office.sync(ledger, path, specs, campaign)
    count = sum(len(fields) for spec in specs for fields in entries(ledger, spec.scope).values())
    return path, count + notes.sync(ledger, path), problems


def result_list(campaign: Campaign) -> Path:
    """The council's result list ``council tally`` writes (it exists once a tally recorded votes)."""
    return campaign.dir / COUNCIL_DIR / f"Kết quả biểu quyết năm {campaign.info.year}.xlsx"


def votes_from_ballot(campaign: Campaign, ledger: Ledger) -> tuple[Path | None, int, list[Finding]]:
    """Tally the council's ballot again when a tally had recorded votes: (ballot, results, findings)."""
    path = ballot_path(campaign)
    if not (path.is_file() and result_list(campaign).is_file()):
        return None, 0, []
    counted = tally(campaign, path, candidates(Context(campaign, ledger)))
    if not counted.results:
        return None, 0, counted.findings
    council.save(ledger, counted)
    return path, len(counted.results), counted.findings


def add_votes(ledger: Ledger, rows: list[Row]) -> int:
    return carry.put(ledger, VOTES, rows)
