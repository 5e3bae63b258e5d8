"""The messages ``fetch`` took from a mailbox, kept in the ledger so that none is taken twice.

One row per message seen in a mailbox (table ``fetched_messages``): the mailbox (an IMAP folder, an mbox
file, a Maildir folder), the folder's UIDVALIDITY and the message's UID (IMAP only), its Message-ID, the
SHA-256 of its bytes, the ``.eml`` file it was saved as in the campaign folder (none when it was no return
and was left in the mailbox), and when it was collected. A message seen again under a new UIDVALIDITY (the
server renumbered the folder) is known by its Message-ID, or by its bytes when it has none.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sheets_tools.store.db import transaction
from sheets_tools.store.ledger import Ledger

_SCHEMA = """
CREATE TABLE IF NOT EXISTS fetched_messages (
    id INTEGER PRIMARY KEY,
    mailbox TEXT NOT NULL,
    uidvalidity INTEGER,
    uid INTEGER,
    message_id TEXT,
    sha256 TEXT NOT NULL,
    saved_as TEXT,
    fetched_at TEXT NOT NULL,
    collected_at TEXT
);
CREATE INDEX IF NOT EXISTS fetched_uid ON fetched_messages(mailbox, uidvalidity, uid);
CREATE INDEX IF NOT EXISTS fetched_message_id ON fetched_messages(message_id);
CREATE INDEX IF NOT EXISTS fetched_sha256 ON fetched_messages(sha256);
"""


@dataclass
class Seen:
    """A message taken (or left, ``saved_as`` None) by an earlier fetch."""

    saved_as: str | None  # the .eml file, relative to the campaign folder
    collected: bool
    sha256: str = ""


def _ready(ledger: Ledger) -> None:
    ledger.db.executescript(_SCHEMA)


def uids(ledger: Ledger, mailbox: str, uidvalidity: int) -> dict[int, Seen]:
    """The UIDs already seen in ``mailbox`` under ``uidvalidity``."""
    _ready(ledger)
    return {uid: Seen(saved, collected is not None) for uid, saved, collected in ledger.db.execute(
        "SELECT uid, saved_as, collected_at FROM fetched_messages WHERE mailbox = ? AND uidvalidity = ? "
        "AND uid IS NOT NULL", (mailbox, uidvalidity))}


def seen(ledger: Ledger, *, message_id: str | None = None, sha256: str | None = None) -> Seen | None:
    """The message with this Message-ID (in any mailbox), else with these bytes, if a fetch saw it."""
    _ready(ledger)
    for column, value in (("message_id", message_id), ("sha256", sha256)):
        if value:
            row = ledger.db.execute(f"SELECT saved_as, collected_at, sha256 FROM fetched_messages WHERE {column} = ? "
                                    "ORDER BY saved_as IS NULL, id LIMIT 1", (value,)).fetchone()
            if row:
                return Seen(row[0], row[1] is not None, row[2])
    return None


def remember(ledger: Ledger, mailbox: str, *, sha256: str, saved_as: str | None, message_id: str | None = None,
             uidvalidity: int | None = None, uid: int | None = None, collected: bool = False) -> None:
    """Record one message seen in ``mailbox`` (its own transaction: what was taken stays taken);
    ``collected``: it went through collect already (seen again under a new UIDVALIDITY)."""
    _ready(ledger)
    now = datetime.now().isoformat(timespec="seconds")
    with transaction(ledger.db) as cur:
        cur.execute("INSERT INTO fetched_messages (mailbox, uidvalidity, uid, message_id, sha256, saved_as, "
                    "fetched_at, collected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (mailbox, uidvalidity, uid, message_id, sha256, saved_as, now, now if collected else None))


def pending(ledger: Ledger) -> list[str]:
    """The saved messages not yet collected (a fetch stopped between saving and collecting), oldest first."""
    _ready(ledger)
    return [row[0] for row in ledger.db.execute(
        "SELECT DISTINCT saved_as FROM fetched_messages WHERE saved_as IS NOT NULL AND collected_at IS NULL "
        "ORDER BY saved_as")]


def mark_collected(ledger: Ledger, saved: list[str]) -> None:
    """Note that these saved messages went through collect."""
    _ready(ledger)
    now = datetime.now().isoformat(timespec="seconds")
    with transaction(ledger.db) as cur:
        cur.executemany("UPDATE fetched_messages SET collected_at = ? WHERE saved_as = ? AND collected_at IS NULL",
                        [(now, name) for name in saved])
