"""The consolidate stage: the master workbook (``book.MasterBook``) written from the campaign's
ledger, after taking back what the office typed into the previous one (``office``); then the
files the forms' rules write beside it (e.g. the list of nominations to publish).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sheets_tools.campaign.model import Campaign
from sheets_tools.collection.status import board
from sheets_tools.core.files import TargetBusy, campaign_lock, write_atomic
from sheets_tools.core.findings import Finding
from sheets_tools.formkit.declaration import load_forms
from sheets_tools.formkit.plugins import Context, hook
from sheets_tools.master import office
from sheets_tools.master.book import MasterBook
from sheets_tools.store.ledger import Ledger

MASTER_DIR = "master"


@dataclass
class ConsolidateResult:
    """``path`` is the file written; ``busy_target`` the master left alone because it was open."""

    path: Path
    busy_target: Path | None = None
    counts: dict = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)  # what could not be taken back from the master
    outputs: list[Path] = field(default_factory=list)  # files the forms' rules wrote beside the master


def master_path(campaign: Campaign) -> Path:
    """``<campaign>/master/Tổng hợp thi đua <year>.xlsx``."""
    return campaign.dir / MASTER_DIR / f"Tổng hợp thi đua {campaign.info.year}.xlsx"


def consolidate(campaign: Campaign, today: date | None = None) -> ConsolidateResult:
    """Write the master workbook from the campaign's ledger (atomically), holding the campaign's lock.

    When the previous master is open in Excel or LibreOffice, the new one is written beside
    it and ``busy_target`` names the file left alone.
    """
    target = master_path(campaign)
    counts: dict[str, Any] = {}
    with campaign_lock(campaign.dir, "consolidate"), Ledger(campaign.dir) as ledger:
        taken_back = office.sync(ledger, _edited_master(target), office_specs())
        status = board(campaign, ledger, today)
        cross = {fs.form.id: fs.cross_unit for fs in status.forms}
        try:
            def write(tmp: Path) -> None:
                MasterBook(tmp, campaign, ledger, counts).write(status, cross)

            result = ConsolidateResult(path=write_atomic(target, write, beside_if_busy=True), counts=counts,
                                       findings=taken_back)
        except TargetBusy as busy:
            result = ConsolidateResult(path=busy.written, busy_target=busy.target, counts=counts, findings=taken_back)
        context = Context(campaign, ledger)
        for form in load_forms().values():  # e.g. the list of nominations to publish (forms/<form id>.py)
            if (make := hook(form.id, "outputs")) is not None:
                result.outputs.extend(make(context, target.parent))
    return result


def office_specs() -> list[office.OfficeColumns]:
    """The master's columns the office fills in, as the forms' rules declare them."""
    return [spec for form in load_forms().values() for spec in (hook(form.id, "office_columns") or [])]


def _edited_master(target: Path) -> Path:
    """The master the office last edited: the master itself, or the copy written beside it while it
    was open, when that copy is newer."""
    beside = sorted(target.parent.glob(f"{target.stem} (*){target.suffix}"), key=lambda p: p.stat().st_mtime)
    if beside and (not target.exists() or beside[-1].stat().st_mtime > target.stat().st_mtime):
        return beside[-1]
    return target
