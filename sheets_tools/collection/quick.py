"""A collect of an inbox the ledger has seen, unchanged, answered from the ledger alone.

"Unchanged": every file gather would read was read by an earlier collect with the same resolved path, size,
modification and change times and file id, and every item it gave (a mail gives each attachment) is a
submission; campaign.xlsx holds the bytes the last full collect read and checked; no
feedback is missing (the feedback workbooks the last full collect left are all there, and no submission was
added since). Then the answer is the full path's for the same inbox (every file a duplicate), found without
reading or hashing a file, without a workbook library or a form model, and without writing anything (no
copy of the ledger, no lock). Anything else, or any doubt: None, and the full collect runs.
"""
from __future__ import annotations

import sqlite3
from contextlib import closing
from copy import copy
from datetime import datetime
from pathlib import Path

from sheets_tools.collection.gather import listed, resolved
from sheets_tools.collection.results import CAMPAIGN_FILE, CollectResult, Collected, duplicate, internal_paths
from sheets_tools.core.files import LOCK_FILE
from sheets_tools.core.records import Incoming
from sheets_tools.store import guard, seen
from sheets_tools.store.guard import LEDGER_FILE



def quick_collect(directory: Path, paths: list[Path], *, feedback: bool = True) -> CollectResult | None:
    """The answer of ``collect`` for ``paths`` when the ledger has seen all of it unchanged, else None (a
    path or the ledger that cannot be read here: the full path meets it too, and says what is wrong)."""
    try:
        return _quick(Path(directory), paths, feedback)
    except (OSError, ValueError, sqlite3.Error):
        return None


def _quick(directory: Path, paths: list[Path], feedback: bool) -> CollectResult | None:
    if guard.ledger_state(directory / LEDGER_FILE) != "ok" or (directory / LOCK_FILE).exists():
        return None  # the full path says what is wrong, or that another command runs
    campaign_content = seen.content_of(directory / CAMPAIGN_FILE)
    if campaign_content is None:
        return None
    with closing(seen.reader(directory / LEDGER_FILE)) as db:
        # what the ledger alone says first: a first collect, or one after campaign.xlsx changed, lists nothing here
        if not seen.tables_present(db) or seen.state(db, "campaign") != campaign_content:
            return None
        if feedback:
            expected = seen.feedback_expected(db)
            if expected is None or not all((directory / p).is_file() for p in expected):
                return None  # the full path writes the missing feedback
        entries = listed(paths, internal_paths(directory))
        if not all(isinstance(e, Path) for e in entries):
            return None  # a refusal found while walking: the full path reports it
        files, folders = [], {}
        for path in entries:
            facts = seen.stat_of(path)
            if facts is None:
                return None
            files.append((path, resolved(path, folders), facts))
        return _answer(db, files)


def _answer(db: sqlite3.Connection, files: list[tuple[Path, str, str]]) -> CollectResult | None:
    index = seen.paths_seen(db, {real for _, real, _ in files})
    if any(index.get(real, ("", []))[0] != facts or not index[real][1] for _, real, facts in files):
        return None
    items = [(path, item) for path, real, _ in files for item in index[real][1]]
    held = seen.known(db, [item.sha256 for _, item in items])
    if not all(item.sha256 in held for _, item in items):
        return None
    findings = seen.findings_by(db, [k.id for k in held.values()])
    out = CollectResult()
    now = datetime.now()
    for path, item in items:
        known = held[item.sha256]
        incoming = Incoming(name=item.name, data=b"", source=f"{path}{item.suffix}", received_at=now)
        # a list of its own for each file (the same content twice: each names its own file)
        out.files.append(duplicate(incoming, known.form, known.unit, known.identified_by, known.late,
                                   [copy(f) for f in findings.get(known.id, [])]))
    return out


__all__ = ["quick_collect", "CollectResult", "Collected"]
