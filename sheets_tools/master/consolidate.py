"""The consolidate stage: the master workbook (``book.MasterBook``) written from the campaign's
ledger, after taking back what the office typed into the previous one (``office``); then the
files the forms' rules write beside it (e.g. the list of nominations to publish).

The master it replaces is kept as a dated copy in ``master/bản cũ/`` (the newest few, setting
"master_copies"): a subfolder, so that a copy is never taken for the master the office last edited
(``edited_master`` looks only at ``master/<name> (*).xlsx``, the copies written beside an open master).
The forms' outputs are not copied: they are made again from the master's entries. What the office typed
in the master (its yellow columns, its "Ghi chú" notes) is taken back into the ledger first.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sheets_tools.campaign.model import Campaign
from sheets_tools.collection.status import board
from sheets_tools.core import progress
from sheets_tools.core.files import TargetBusy, campaign_lock, is_open_elsewhere, keep_copy, write_atomic
from sheets_tools.core.findings import Finding, finding
from sheets_tools.formkit.declaration import load_forms
from sheets_tools.formkit.plugins import Context, hook
from sheets_tools.master import notes, office
from sheets_tools.master.book import MasterBook
from sheets_tools.store.ledger import Ledger

MASTER_DIR = "master"
COPIES_SETTING, COPIES_DEFAULT = "master_copies", 5
STEPS = 4  # what consolidate reports as its progress


@dataclass
class ConsolidateResult:
    """``path`` is the file written; ``busy_target`` the master left alone because it was open."""

    path: Path
    busy_target: Path | None = None
    counts: dict = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)  # what could not be taken back from the master
    outputs: list[Path] = field(default_factory=list)  # files the forms' rules wrote beside the master
    copy: Path | None = None  # the dated copy of the master this run replaced
    swept: list[Path] = field(default_factory=list)  # temporary files a killed run had left, removed


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
    with campaign_lock(campaign.dir, "consolidate") as held, Ledger(campaign.dir) as ledger:
        edited = edited_master(target)
        progress.report("Đang tổng hợp", 1, STEPS, "đọc lại số liệu Văn phòng đã nhập trong bảng tổng hợp cũ")
        taken_back = office.sync(ledger, edited, office_specs(), campaign)
        notes.sync(ledger, edited)  # the office's "Ghi chú" columns
        progress.report("Đang tổng hợp", 2, STEPS, "tình hình nộp của các đơn vị")
        status = board(campaign, ledger, today)
        cross = {fs.form.id: fs.cross_unit for fs in status.forms}
        copy = _keep_previous(campaign, target, unreadable=any(
            f.code == "office.unreadable" and f.file == str(target) for f in taken_back))
        try:
            progress.report("Đang tổng hợp", 3, STEPS, f"ghi {target.name}")

            def write(tmp: Path) -> None:
                MasterBook(tmp, campaign, ledger, counts).write(status, cross)

            result = ConsolidateResult(path=write_atomic(target, write, beside_if_busy=True), counts=counts,
                                       findings=taken_back)
        except TargetBusy as busy:
            result = ConsolidateResult(path=busy.written, busy_target=busy.target, counts=counts, findings=taken_back)
        result.copy, result.swept = copy, held.swept
        if held.swept:
            result.findings.append(finding("master.temp_removed", file=str(campaign.dir), count=len(held.swept),
                                           detail=", ".join(p.relative_to(campaign.dir).as_posix()
                                                            for p in held.swept[:5])
                                           + (", ..." if len(held.swept) > 5 else "")))
        context = Context(campaign, ledger)
        progress.report("Đang tổng hợp", 4, STEPS, "các danh sách kèm theo")
        for form in load_forms().values():  # e.g. the list of nominations to publish (forms/<form id>.py)
            if (make := hook(form.id, "outputs")) is not None:
                result.outputs.extend(make(context, target.parent))
    return result


def copies_to_keep(campaign: Campaign) -> int:
    """The setting "master_copies": how many dated copies of the master to keep (0: none)."""
    raw = str(campaign.settings.get(COPIES_SETTING) or "").strip().replace(",", ".")
    try:
        return max(0, int(float(raw))) if raw else COPIES_DEFAULT
    except (ValueError, OverflowError):
        return COPIES_DEFAULT


def _keep_previous(campaign: Campaign, target: Path, *, unreadable: bool) -> Path | None:
    """Keep the master about to be replaced as a dated copy, the newest ``copies_to_keep`` of them. A
    master open in Excel is not replaced (the new one goes beside it) and needs no copy; one that could
    not be read back is kept even when no copies are wanted, so the office can still open it by hand."""
    if is_open_elsewhere(target):
        return None
    keep = copies_to_keep(campaign)
    return keep_copy(target, None if unreadable and keep == 0 else keep)


def office_specs() -> list[office.OfficeColumns]:
    """The master's columns the office fills in, as the forms' rules declare them."""
    return [spec for form in load_forms().values() for spec in (hook(form.id, "office_columns") or [])]


def edited_master(target: Path) -> Path:
    """The master the office last edited: the master itself, or the copy written beside it while it
    was open, when that copy is newer."""
    beside = sorted((p for p in target.parent.glob(f"{target.stem} (*){target.suffix}") if p.is_file()),
                    key=lambda p: p.stat().st_mtime)
    if beside and (not target.exists() or beside[-1].stat().st_mtime > target.stat().st_mtime):
        return beside[-1]
    return target
