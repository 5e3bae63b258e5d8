"""The mail sent over SMTP, kept in the ledger (table ``sent_mail``), so that a re-run or a run after a crash
never sends the same message twice.

A message is known by its ``key`` (what it is: kind, unit, form and what it answers, e.g.
``feedback:PTP-CUMGAR:<file hash>``). Each attempt is a row with the Message-ID it went out under: written
``queued`` before the message goes to the server, then ``accepted`` once the server has taken it, or
``failed``. A row left ``queued`` is a message whose fate is unknown (the run was killed while sending).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sheets_tools.store.db import transaction
from sheets_tools.store.ledger import Ledger

QUEUED, ACCEPTED, FAILED = "queued", "accepted", "failed"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sent_mail (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    kind TEXT NOT NULL,
    unit TEXT NOT NULL,
    form TEXT,
    message_id TEXT NOT NULL,
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL,
    state TEXT NOT NULL,
    queued_at TEXT NOT NULL,
    done_at TEXT,
    copy TEXT,
    detail TEXT
);
CREATE INDEX IF NOT EXISTS sent_mail_key ON sent_mail(key);
"""


@dataclass
class Attempt:
    """One attempt at sending a message."""

    id: int
    key: str
    kind: str
    unit: str
    form: str | None
    message_id: str
    recipients: str
    subject: str
    state: str
    queued_at: datetime
    done_at: datetime | None
    copy: str | None
    detail: str | None


def _ready(ledger: Ledger) -> None:
    ledger.db.executescript(_SCHEMA)


def last(ledger: Ledger, key: str) -> Attempt | None:
    """What became of ``key``: its accepted attempt if there is one, else the attempt left queued,
    else the latest failed one; None if it was never tried."""
    _ready(ledger)
    row = ledger.db.execute(
        "SELECT * FROM sent_mail WHERE key = ? ORDER BY CASE state WHEN 'accepted' THEN 0 WHEN 'queued' THEN 1 "
        "ELSE 2 END, id DESC LIMIT 1", (key,)).fetchone()
    return _attempt(row) if row else None


def queue(ledger: Ledger, *, key: str, kind: str, unit: str, form: str | None, message_id: str,
          recipients: list[str], subject: str) -> int:
    """Record that the message is about to go to the server (committed before it goes); its row id."""
    _ready(ledger)
    with transaction(ledger.db) as cur:
        cur.execute("INSERT INTO sent_mail (key, kind, unit, form, message_id, recipients, subject, state, queued_at)"
                    " VALUES (?,?,?,?,?,?,?,?,?)",
                    (key, kind, unit, form, message_id, ", ".join(recipients), subject, QUEUED, _now()))
        return int(cur.lastrowid)


def accepted(ledger: Ledger, attempt_id: int, *, detail: str | None = None) -> None:
    """The server took the message (``detail``: the addresses it refused, if some)."""
    _done(ledger, attempt_id, ACCEPTED, detail)


def failed(ledger: Ledger, attempt_id: int, detail: str) -> None:
    """The server did not take the message: a later run sends it again."""
    _done(ledger, attempt_id, FAILED, detail)


def kept_copy(ledger: Ledger, attempt_id: int, path: str) -> None:
    """Where the copy of the sent message is kept (relative to the campaign folder)."""
    with transaction(ledger.db) as cur:
        cur.execute("UPDATE sent_mail SET copy = ? WHERE id = ?", (path, attempt_id))


def attempts(ledger: Ledger, *, unit: str | None = None) -> list[Attempt]:
    """Every attempt, oldest first (of one unit with ``unit``)."""
    _ready(ledger)
    sql, args = "SELECT * FROM sent_mail", ()
    if unit is not None:
        sql, args = sql + " WHERE unit = ?", (unit,)
    return [_attempt(r) for r in ledger.db.execute(sql + " ORDER BY id", args)]


def _done(ledger: Ledger, attempt_id: int, state: str, detail: str | None) -> None:
    with transaction(ledger.db) as cur:
        cur.execute("UPDATE sent_mail SET state = ?, done_at = ?, detail = ? WHERE id = ?",
                    (state, _now(), detail, attempt_id))


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def _attempt(row: tuple) -> Attempt:
    (aid, key, kind, unit, form, message_id, recipients, subject, state, queued_at, done_at, copy, detail) = row
    return Attempt(id=aid, key=key, kind=kind, unit=unit, form=form, message_id=message_id, recipients=recipients,
                   subject=subject, state=state, queued_at=datetime.fromisoformat(queued_at),
                   done_at=datetime.fromisoformat(done_at) if done_at else None, copy=copy, detail=detail)
