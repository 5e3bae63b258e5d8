"""The collect stage: take returned workbooks in, check them, record them, answer each unit.

intake (gather, sniff, identify, read) -> validate -> ledger (archive + record) -> feedback.
A bad file never stops the run: it becomes a rejected result with findings.
"""
from __future__ import annotations

import re
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Iterable

from sheets_tools.campaign.model import Campaign, Unit
from sheets_tools.core import progress
from sheets_tools.core.files import campaign_lock
from sheets_tools.core.findings import Finding, finding
from sheets_tools.formkit.declaration import load_forms
from sheets_tools.collection import answer
from sheets_tools.collection.gather import NOT_RECEIVED, Seen, gather
from sheets_tools.collection.restore import restore_feedback
from sheets_tools.store import seen as seen_store
from sheets_tools.store.ledger import CACHE_KIB, LEDGER_FILE, Ledger
from sheets_tools.core.records import FileResult, Incoming
from sheets_tools.formkit.plugins import Context
from sheets_tools.collection.validate import check_file, cross_unit_findings
from sheets_tools.collection.workers import Died, in_workers
from sheets_tools.collection.results import (INTERNAL, CollectResult, Collected, duplicate, empty_folders,
                                             internal_paths)

__all__ = ["INTERNAL", "CollectResult", "Collected", "collect", "check", "empty_folders", "sender_findings",
           "unit_addresses"]


def collect(campaign: Campaign, paths: Iterable[Path], *, feedback: bool = True,
            senders: bool = False, campaign_content: str | None = None) -> CollectResult:
    """Take files, folders and .eml messages in; record them in the campaign's ledger. With ``senders``
    (mail fetched from the office's mailbox), each mail's sender is checked against the units' addresses
    (``sender_findings``). A file the ledger saw unchanged (same path and stat) is not read again. Each file
    read is noted in the ledger (``store.seen``), with ``campaign_content`` (``seen.content_of`` campaign.xlsx,
    taken before ``campaign`` was read from it), for the next collect's answer from the ledger alone."""

    out = CollectResult()
    with campaign_lock(campaign.dir, "collect"), Ledger(campaign.dir, cache_kib=CACHE_KIB) as ledger:
        ledger.sweep()
        context = Context(campaign, ledger)
        seen = Seen(_unchanged_index(ledger))
        died: set[str] = set()  # contents whose worker died: never checked in this process
        with closing(in_workers(gather(paths, exclude=internal_paths(campaign.dir), seen=seen), campaign,
                                lambda sha256: ledger.known(sha256) is not None, feedback=feedback)) as stream:
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
                if feedback and result.findings:  # the workbook a worker made, or made here
                    collected.feedback = answer.write_made(campaign, result)
                    if collected.feedback is None:
                        if result.stored and not result.rows:  # a worker's file the mail's sender put in doubt
                            result.rows = ledger.typed_rows(load_forms()[result.form_id], collected.submission_id)
                        collected.feedback = answer.write(campaign, result, context)
                result.rows, result.stored, result.answer, result.incoming.data = [], None, None, b""  # memory bounded
                result.documents, result.incoming.documents = [], []
                out.files.append(collected)
                progress.report("Đã nhận", len(out.files), None, Path(incoming.source).name)
        for c in _add_cross_unit(campaign, ledger, out):
            if feedback:  # the unit hears of the person another unit also registered
                c.result.rows = ledger.typed_rows(load_forms()[c.result.form_id], c.submission_id)
                c.feedback = answer.write(campaign, c.result, context)
                c.result.rows = []
        answered: list[Path] = []
        if feedback:
            out.restored = restore_feedback(campaign, ledger, context, answered)
        seen_store.note(ledger.db, _seen_paths(ledger, seen), campaign_content,
                        [p.relative_to(campaign.dir).as_posix() for p in answered], feedback)
    return out


def _unchanged_index(ledger: Ledger) -> dict[str, tuple[str, list[seen_store.Item]]]:
    """The paths an earlier collect read whose every item's content the ledger holds."""
    index = seen_store.paths_seen(ledger.db)
    held = seen_store.known(ledger.db, [i.sha256 for _, items in index.values() for i in items])
    return {path: entry for path, entry in index.items() if all(i.sha256 in held for i in entry[1])}


def _seen_paths(ledger: Ledger, seen: Seen) -> dict[str, tuple[str, list[seen_store.Item]]]:
    """The files this run read (or knew unchanged), each with what it gave, when the ledger now holds every
    item's content (a file whose check died is not noted: the next run takes it)."""
    out = {}
    for text, (real, facts, items) in seen.read.items():
        if all(i.source.startswith(text) for i in items):
            out[real] = (facts, [seen_store.Item(i.source[len(text):], i.name, i.sha256) for i in items])
    held = seen_store.known(ledger.db, [i.sha256 for _, items in out.values() for i in items])
    return {real: entry for real, entry in out.items() if all(i.sha256 in held for i in entry[1])}


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
    return duplicate(item, known.form, known.unit, known.identified_by, known.late, ledger.findings(known.id))
