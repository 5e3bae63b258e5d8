"""``sheets-tools ledger rebuild``: a new ledger from ``archive/``, when the ledger is lost or damaged.

Every archived received file is taken again through the same pipeline as ``collect``
(``collection.validate.check_file`` then ``Ledger.record``), in the order it was first taken, with the
received time, source, notes and documents its sidecar kept (``store.sidecar``), the files of one
collect run sharing one context: so submissions, supersession, lateness and findings come back as they
were. Between them, in time order, the award history and the office's entries a ledger copy holds
(``backup/``; past years' awards first). Then the office's entries are taken back from the newest master
and the council's votes from its ballot (else from the copy).

The new ledger is built beside (``.ledger-rebuild.sqlite``) and moved into place at the end; the old file
is never deleted: a damaged one is renamed ``ledger.sqlite.damaged-<stamp>``, a valid one (``--force``) is
first copied into ``backup/``. Everything runs under the campaign lock.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from pathlib import Path

from sheets_tools.campaign.model import Campaign
from sheets_tools.collection.validate import check_file
from sheets_tools.core.files import campaign_lock
from sheets_tools.core.findings import Finding, finding, message
from sheets_tools.core.records import Document, FileResult, Incoming
from sheets_tools.formkit.plugins import Context
from sheets_tools.recovery import archive, sources
from sheets_tools.recovery.archive import ArchiveScan, Received
from sheets_tools.store import backup, carry, guard
from sheets_tools.store.ledger import LEDGER_FILE, Ledger
from sheets_tools.store.snapshot import Snapshot
from sheets_tools.store.guard import RebuildRefused
from sheets_tools.yearend.award import COUNCIL_DIR

REBUILD_FILE = ".ledger-rebuild.sqlite"
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass
class RebuildResult:
    path: Path  # the new ledger
    kept: Path | None = None  # the copy of the replaced (valid) ledger in backup/
    aside: list[Path] = field(default_factory=list)  # the damaged ledger's files, renamed
    statuses: Counter = field(default_factory=Counter)  # submissions taken again, by status
    guessed: int = 0  # files without sidecar: received time from the archived copy's date
    history: int = 0  # award history rows added back
    history_source: Path | None = None
    office: int = 0  # the office's entries kept after the rebuild
    office_source: Path | None = None
    votes: int = 0
    votes_source: Path | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def taken(self) -> int:
        return sum(self.statuses.values())


def rebuild(campaign: Campaign, *, force: bool = False) -> RebuildResult:
    """Rebuild the campaign's ledger from its archive (see the module). Raises ``RebuildRefused`` when a
    valid ledger with submissions is there, unless ``force``."""
    directory = campaign.dir
    with campaign_lock(directory, "ledger rebuild"):
        state, count = _current(directory)
        if state == "ok" and count and not force:
            raise RebuildRefused(message("ledger.rebuild_refused", path=directory / LEDGER_FILE, count=count))
        kept = None
        if state == "ok":  # kept as a copy before anything else (even when backup_keep is 0)
            kept = backup.take(directory, max(backup.keep_of(campaign.settings), 1)) or (
                guard.newest_backup(directory) if count else None)
        tmp = directory / REBUILD_FILE
        _remove(tmp)
        scan = archive.scan(directory)
        copy = sources.read_copy(directory, prefer=kept)
        result = RebuildResult(path=directory / LEDGER_FILE, kept=kept, findings=list(scan.findings))
        with Ledger(directory, path=tmp) as ledger:
            _retake(campaign, ledger, scan, copy, result)
            _after(campaign, ledger, copy, result)
            ledger.db.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal beside it
        _notes(campaign, scan, copy, result)
        result.aside = _put_in_place(directory, tmp, state)
    return result


def _current(directory: Path) -> tuple[str, int]:
    """The state of the current ledger and its number of submissions."""
    state = guard.ledger_state(directory / LEDGER_FILE)
    if state != "ok":
        return state, 0
    try:
        with Snapshot(directory / LEDGER_FILE) as snap:
            return ("ok" if snap.integrity() == ["ok"] else "damaged"), snap.count("submissions")
    except sqlite3.DatabaseError as exc:
        if guard.is_damage(exc):
            return "damaged", 0
        raise


def _retake(campaign: Campaign, ledger: Ledger, scan: ArchiveScan, copy: sources.Kept, result: RebuildResult) -> None:
    """Take every archived file again, with the copy's awards and office entries at their time between
    (the awards of past years first: they were facts before any file of this campaign)."""
    carry.ensure(ledger)
    year = campaign.info.year
    result.history += sources.add_awards(ledger, [r for r in copy.awards if _year(r) < year])
    events = [(sources.when(r, "added_at"), 0, "award", r) for r in copy.awards if _year(r) >= year]
    events += [(sources.when(r, "updated_at"), 0, "office", r) for r in copy.office]
    events += [(r.meta.collected_at, 1, "file", r) for r in scan.received]
    events.sort(key=lambda e: (e[0], e[1]))
    context, run = None, None
    for kind, group in groupby(events, key=lambda e: e[2]):
        items = [e[3] for e in group]
        if kind == "award":
            result.history += sources.add_awards(ledger, items)
            context = None  # what a context loaded once (the history) is out of date
        elif kind == "office":
            sources.add_office(ledger, items)
            context = None
        else:
            for r in items:
                if context is None or r.meta.run != run:  # one context per collect run, as collect has
                    context, run = Context(campaign, ledger), r.meta.run
                _take(campaign, ledger, context, r, result)


def _year(row: dict) -> int:
    try:
        return int(row.get("year") or 0)
    except (TypeError, ValueError):
        return 0


def _take(campaign: Campaign, ledger: Ledger, context: Context, r: Received, result: RebuildResult) -> None:
    data = r.archived.read_bytes()
    if hashlib.sha256(data).hexdigest() != r.meta.sha256:
        result.findings.append(finding("ledger.rebuild_bad_file", file=str(r.archived), path=r.archived,
                                       directory=campaign.dir))
        return
    if ledger.known(r.meta.sha256) is not None:
        return
    incoming = Incoming(name=r.meta.name, data=data, source=r.meta.source, received_at=r.meta.received_at,
                        notes=list(r.meta.notes), documents=_documents(campaign.dir, r))
    if r.meta.findings is not None:  # no form was recognised in it: nothing to read again
        taken = FileResult(incoming, unit_code=r.meta.unit, findings=list(r.meta.findings))
    else:
        taken = check_file(incoming, campaign, context)
    ledger.record(taken, collected_at=r.meta.collected_at, run=r.meta.run, guessed=r.meta.guessed)
    result.statuses[taken.status] += 1
    result.guessed += int(r.meta.guessed)


def _documents(directory: Path, r: Received) -> list[Document]:
    """The documents sent with the file, in the order sent: the kept ones from the archive, the others
    (which the form's rules did not take) by their name only."""
    kept = [Document(name=d["name"], path=directory / d["archive"]) for d in r.meta.documents
            if (directory / d["archive"]).is_file()]
    if not r.meta.sent:
        return kept
    out = []
    for name in r.meta.sent:
        doc = next((d for d in kept if d.name == name), None)
        if doc is not None:
            kept.remove(doc)
        out.append(doc or Document(name=name, data=b""))
    return out + kept


def _after(campaign: Campaign, ledger: Ledger, copy: sources.Kept, result: RebuildResult) -> None:
    """The copy's other records; the office's entries from the newest master; the council's votes from its
    ballot, else from the copy."""
    sources.add_others(ledger, copy)
    result.office_source, result.office, problems = sources.office_from_master(campaign, ledger)
    result.findings += problems
    result.votes_source, result.votes, found = sources.votes_from_ballot(campaign, ledger)
    result.findings += found
    if result.votes_source is None and copy.votes:
        result.votes, result.votes_source = sources.add_votes(ledger, copy.votes), copy.path


def _notes(campaign: Campaign, scan: ArchiveScan, copy: sources.Kept, result: RebuildResult) -> None:
    """What could not come back, or came from an older copy."""
    directory = campaign.dir
    result.history_source = copy.path
    if copy.path is None:
        result.findings.append(finding("ledger.rebuild_no_history", directory=directory))
    elif copy.path != result.kept and copy.awards:
        result.findings.append(finding("ledger.rebuild_history_from", count=len(copy.awards), source=copy.path))
    council = directory / COUNCIL_DIR
    if result.votes_source is None and council.is_dir() and sources.result_list(campaign).is_file():
        result.findings.append(finding("ledger.rebuild_no_votes", path=sources.ballot_path(campaign),
                                       directory=directory))
    if scan.guessed:
        names = [r.archived.name for r in scan.guessed]
        result.findings.append(finding("ledger.rebuild_guessed", count=len(names), files=_some(names)))
    if scan.stray_documents:
        names = [p.name for p in scan.stray_documents]
        result.findings.append(finding("ledger.rebuild_documents", count=len(names), files=_some(names)))


def _some(names: list[str], shown: int = 10) -> str:
    return ", ".join(names[:shown]) + (f" và {len(names) - shown} tệp khác" if len(names) > shown else "")


def _put_in_place(directory: Path, tmp: Path, state: str) -> list[Path]:
    """Move the new ledger into place; rename the damaged one's files aside (never delete them)."""
    path = directory / LEDGER_FILE
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = []
    old = [path] + [path.with_name(path.name + s) for s in SQLITE_SIDE_FILES]
    for p in old:
        if not (p.exists() or p.is_symlink()):
            continue
        if state == "ok" and p != path:  # the replaced ledger's copy in backup/ holds all of it
            p.unlink()
        elif state != "ok":
            target, n = p.with_name(f"{p.name}.damaged-{stamp}"), 1
            while target.exists():
                n += 1
                target = p.with_name(f"{p.name}.damaged-{stamp}-{n}")
            os.replace(p, target)
            aside.append(target)
    _remove_side_files(tmp)
    os.replace(tmp, path)
    return aside


def _remove(path: Path) -> None:
    """A new ledger file a killed rebuild left, with its side files."""
    path.unlink(missing_ok=True)
    _remove_side_files(path)


def _remove_side_files(path: Path) -> None:
    for s in SQLITE_SIDE_FILES:
        path.with_name(path.name + s).unlink(missing_ok=True)
