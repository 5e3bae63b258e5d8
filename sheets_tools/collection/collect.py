"""The collect stage: take returned workbooks in, check them, record them, answer each unit.

intake (gather, sniff, identify, read) -> validate -> ledger (archive + record) -> feedback.
A bad file never stops the run: it becomes a rejected result with findings.
"""
from __future__ import annotations

import re
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterable

from sheets_tools.campaign.model import CAMPAIGN_FILE, Campaign, Unit
from sheets_tools.core import progress
from sheets_tools.core.files import campaign_lock
from sheets_tools.core.findings import Finding, finding
from sheets_tools.formkit.declaration import load_forms
from sheets_tools.collection.gather import NOT_RECEIVED, gather
from sheets_tools.collection.restore import restore_feedback
from sheets_tools.store.ledger import ARCHIVE_DIR, LEDGER_FILE, Ledger
from sheets_tools.core.records import FileResult, Incoming
from sheets_tools.formkit.plugins import Context
from sheets_tools.collection.validate import check_file, cross_unit_findings
from sheets_tools.collection.feedback import write_feedback
from sheets_tools.collection.workers import Died, in_workers

# what collect must never take as a return when it is given the campaign folder itself
INTERNAL = (ARCHIVE_DIR, "outbox", "feedback", "master", "templates", "backup", "council", "decision", CAMPAIGN_FILE,
            LEDGER_FILE, LEDGER_FILE + "-wal", LEDGER_FILE + "-shm", ".ledger-rebuild.sqlite")


@dataclass
class Collected:
    """One file of a collect run and what became of it."""

    result: FileResult
    duplicate: bool = False  # the same content was taken before: nothing recorded again
    feedback: Path | None = None
    submission_id: int | None = None

    def to_json(self) -> dict:
        """The issue's JSON shape: file, unit, form, status, findings."""
        return self.result.to_json()


@dataclass
class CollectResult:
    files: list[Collected] = field(default_factory=list)
    restored: list[Path] = field(default_factory=list)  # feedback an earlier run recorded but did not write

    @property
    def has_errors(self) -> bool:
        return any(c.result.status == "rejected" for c in self.files)

    def to_json(self) -> dict:
        out: dict = {"files": [c.to_json() for c in self.files]}
        if self.restored:
            out["restored_feedback"] = [str(p) for p in self.restored]
        return out


def empty_folders(paths: Iterable[Path], result: CollectResult) -> list[Path]:
    """The folders among ``paths`` in which collect found nothing at all (no workbook, no mail)."""
    folders = [Path(p) for p in paths if Path(p).is_dir()]
    sources = [Path(c.result.incoming.source.split(" » ")[0]) for c in result.files]
    return [f for f in folders if not any(s == f or f in s.parents for s in sources)]


def collect(campaign: Campaign, paths: Iterable[Path], *, feedback: bool = True,
            senders: bool = False) -> CollectResult:
    """Take files, folders and .eml messages in; record them in the campaign's ledger. With ``senders``
    (mail fetched from the office's mailbox), each mail's sender is checked against the units' addresses
    (``sender_findings``)."""

    out = CollectResult()
    with campaign_lock(campaign.dir, "collect"), Ledger(campaign.dir) as ledger:
        ledger.sweep()
        context = Context(campaign, ledger)
        internal = [campaign.dir / name for name in INTERNAL] + list(campaign.dir.glob(LEDGER_FILE + ".damaged-*"))
        died: set[str] = set()  # contents whose worker died: never checked in this process
        with closing(in_workers(gather(paths, exclude=internal), campaign,
                                lambda sha256: ledger.known(sha256) is not None)) as stream:
            for item, outcome in stream:  # in the order gathered; outcome: what a worker made of it, or None
                if isinstance(item, FileResult) and _not_received(item):  # the operator's path, not a unit's file
                    out.files.append(Collected(item))
                    continue
                incoming = item.incoming if isinstance(item, FileResult) else item
                known = ledger.known(incoming.sha256)  # a mail refused whole is taken once too
                if known is not None:
                    out.files.append(_duplicate(incoming, known, ledger))
                elif isinstance(outcome, Died) or incoming.sha256 in died:  # not recorded: the next run takes it
                    died.add(incoming.sha256)
                    out.files.append(_died(incoming, outcome))
                if known is not None or incoming.sha256 in died:
                    incoming.data = b""  # nothing to record: memory stays bounded on a run of files already taken
                    continue
                result = _checked(item, outcome, campaign, context)
                if senders and (noted := sender_findings(campaign, result)):
                    result.findings.extend(noted)
                    if not isinstance(item, FileResult):  # intake's notes: a rebuild reads the file again with them
                        incoming.notes.extend(noted)
                collected = Collected(result, submission_id=ledger.record(result, collected_at=datetime.now()))
                if feedback and result.findings:
                    collected.feedback = write_feedback(campaign, result, context)
                result.rows, result.incoming.data = [], b""  # recorded: memory stays bounded
                result.documents, result.incoming.documents = [], []
                out.files.append(collected)
                progress.report("Đã nhận", len(out.files), None, Path(incoming.source).name)
        for c in _add_cross_unit(campaign, ledger, out):
            if feedback:  # the unit hears of the person another unit also registered
                c.result.rows = ledger.typed_rows(load_forms()[c.result.form_id], c.submission_id)
                c.feedback = write_feedback(campaign, c.result, context)
                c.result.rows = []
        if feedback:
            out.restored = restore_feedback(campaign, ledger, context)
    return out


def check(campaign: Campaign, paths: Iterable[Path]) -> CollectResult:
    """Check files without recording anything (``sheets-tools validate``)."""
    out = CollectResult()
    ledger = Ledger(campaign.dir) if (campaign.dir / LEDGER_FILE).exists() else None
    try:
        context = Context(campaign, ledger)
        for item in gather(paths):
            out.files.append(Collected(item if isinstance(item, FileResult) else check_file(item, campaign, context)))
        if ledger is not None:  # compare with what other units already sent
            for c in out.files:
                _against_ledger(campaign, ledger, c.result)
    finally:
        if ledger is not None:
            ledger.close()
    return out


def _against_ledger(campaign: Campaign, ledger: Ledger, result: FileResult) -> None:
    """Cross-unit findings of one checked file against the data other units have in use."""
    keys = [r.key for r in result.rows if r.valid and r.key]
    if result.status == "rejected" or not keys or result.form_id not in load_forms():
        return
    form = load_forms()[result.form_id]
    rows = ledger.rows_with_keys(form, keys, other_than=result.unit_code)
    rows[result.unit_code] = [r for r in result.rows if r.valid]
    for f in cross_unit_findings(form, rows, campaign).get(result.unit_code, []):
        f.file = result.incoming.source
        result.findings.append(f)


def _add_cross_unit(campaign: Campaign, ledger: Ledger, out: CollectResult) -> list[Collected]:
    """Attach cross-unit findings (e.g. one person registered by two units) to this run's files;
    returns the files that got some."""
    changed = []
    touched = {c.result.form_id for c in out.files if c.result.form_id and not c.duplicate}
    forms = load_forms()
    for form_id in touched & set(forms):
        by_unit = cross_unit_findings(forms[form_id], ledger.shared_rows(forms[form_id]), campaign)
        for c in out.files:
            r = c.result
            if r.form_id == form_id and not c.duplicate and r.status != "rejected":
                for f in by_unit.get(r.unit_code, []):
                    f.file = r.incoming.source
                    r.findings.append(f)
                if by_unit.get(r.unit_code) and c.submission_id is not None:
                    changed.append(c)
    return changed


def unit_addresses(campaign: Campaign) -> dict[str, list[Unit]]:
    """Each unit's e-mail address (a cell may hold several: "a@x; b@y"), in lower case -> its units."""
    out: dict[str, list[Unit]] = {}
    for unit in campaign.units:
        for address in re.split(r"[,;]", unit.email or ""):
            if address.strip():
                out.setdefault(address.strip().lower(), []).append(unit)
    return out


def sender_findings(campaign: Campaign, result: FileResult) -> list[Finding]:
    """The sender of a mailed file against the unit its workbook names: another unit's address is a warning
    naming both units; an address of no unit is reported (with the unit's own addresses, when known). The
    office's own address (a return the office forwarded to itself) is not checked."""
    sender = result.incoming.sender
    office = {a.strip().lower() for a in (campaign.info.office_email, campaign.settings.get("mail.from") or "") if a}
    if not sender or sender in office:
        return []
    owners = unit_addresses(campaign).get(sender, [])
    unit = campaign.unit(result.unit_code) if result.unit_code else None
    where = {"file": result.incoming.source, "value": sender, "sender": sender, "unit": result.unit_code}
    if not owners:
        known = f" (địa chỉ đã đăng ký của {_label(unit)}: {unit.email})" if unit and unit.email else ""
        return [finding("fetch.sender_unknown", known=known, **where)]
    if unit is not None and unit not in owners:
        return [finding("fetch.sender_other_unit", sender_unit=" và ".join(_label(o) for o in owners),
                        unit_label=_label(unit), **where)]
    return []


def _label(unit: Unit) -> str:
    return f"{unit.name} ({unit.code})"


def _not_received(result: FileResult) -> bool:
    """A path of the operator's that holds nothing received (missing, unreadable, not a file, a link out of
    the folder): reported, never recorded."""
    return not result.incoming.data and bool(result.findings) and {f.code for f in result.findings} <= NOT_RECEIVED


def _checked(item: Incoming | FileResult, outcome, campaign: Campaign, context: Context) -> FileResult:
    """The file refused before it was read, as a worker checked it, or checked here (``outcome`` None, or the
    worker's check needed the ledger)."""
    if isinstance(item, FileResult):
        return item
    if isinstance(outcome, FileResult):
        outcome.incoming = item  # the worker sent it back without the bytes
        return outcome
    return check_file(item, campaign, context)


def _died(incoming: Incoming, outcome: Died | None) -> Collected:
    """A file whose worker process died while checking it (or the same bytes again in the run)."""
    detail = outcome.detail if outcome is not None else "tệp cùng nội dung nhận trước trong lần này đã gặp lỗi đó"
    return Collected(FileResult(incoming=incoming, findings=[
        finding("file.check_died", file=incoming.source, value=incoming.name, detail=detail)]))


def _duplicate(item, known, ledger: Ledger) -> Collected:
    result = FileResult(incoming=item, form_id=known.form, unit_code=known.unit,
                        identified_by=known.identified_by, late=known.late,
                        findings=ledger.findings(known.id))
    for f in result.findings:
        f.file = item.source
    return Collected(result, duplicate=True)
