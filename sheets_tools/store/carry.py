"""Rows carried from a ledger copy (``store.snapshot``) into a rebuilt ledger as they were: every column
kept, times included (the award history's ``added_at``, the office's ``updated_at``), so a later rebuild
still knows when each row came. The tables of the other store modules are made by those modules first
(``ensure``); a table only the copy has (a kind of record this rebuild does not know) is made from the
copy's own definition."""
from __future__ import annotations

from typing import Any

from sheets_tools.store import history, office, votes
from sheets_tools.store.db import transaction
from sheets_tools.store.ledger import Ledger

# the ledger's own tables: what a rebuild makes again from the archive, never copied
LEDGER_TABLES = ("submissions", "rows", "findings", "documents")
AWARDS, OFFICE, VOTES = "awards", "office_entries", "council_votes"


def ensure(ledger: Ledger) -> None:
    """Make the award history, office entries and council votes tables as their modules define them."""
    history.History(ledger)
    office.entries(ledger, "")
    votes.load(ledger)


def put(ledger: Ledger, table: str, rows: list[dict[str, Any]], *, create: str | None = None,
        replace: bool = False) -> int:
    """Insert ``rows`` (column -> value) into ``table``: the columns both sides have, row ids left to the
    table; a row the table already holds (same unique key) is kept (``replace``: replaced). ``create``
    makes the table when it is not there. Returns how many rows were written."""
    if not rows:
        return 0
    if create and not _columns(ledger, table):
        ledger.db.execute(create)
    have = _columns(ledger, table)
    cols = [c for c in rows[0] if c in have and c != "id"]
    if not cols:
        return 0
    verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
    sql = f'{verb} INTO "{table}" ({", ".join(cols)}) VALUES ({", ".join("?" * len(cols))})'
    with transaction(ledger.db) as cur:
        before = ledger.db.total_changes
        cur.executemany(sql, [tuple(row.get(c) for c in cols) for row in rows])
        return ledger.db.total_changes - before


def _columns(ledger: Ledger, table: str) -> list[str]:
    return [row[1] for row in ledger.db.execute(f'PRAGMA table_info("{table}")')]
