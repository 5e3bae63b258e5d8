"""The council's vote results, kept in the ledger (table ``council_votes``).

Each saved tally replaces the previous one. A result is one candidate row of the tally, with the
fields of ``FIELDS``; ``save`` takes them as dataclass instances (the council's ``VoteResult``) or
mappings, ``load`` gives them back as dicts, in the order saved.
"""
from __future__ import annotations

from dataclasses import asdict, is_dataclass
from datetime import datetime
from typing import Any, Iterable

from sheets_tools.store.db import transaction
from sheets_tools.store.ledger import Ledger

_TABLE = """
CREATE TABLE IF NOT EXISTS council_votes (
    position INTEGER NOT NULL,
    candidate_id TEXT NOT NULL,
    name TEXT NOT NULL,
    unit_name TEXT NOT NULL,
    award_code TEXT NOT NULL,
    award_name TEXT NOT NULL,
    yes INTEGER NOT NULL,
    no INTEGER NOT NULL,
    needed INTEGER NOT NULL,
    passed INTEGER NOT NULL,
    note TEXT NOT NULL,
    saved_at TEXT NOT NULL
)"""
# one result's fields, in the table's order ("" as candidate_id: a row that lost its id)
FIELDS = ("candidate_id", "name", "unit_name", "award_code", "award_name", "yes", "no", "needed", "passed", "note")


def save(ledger: Ledger, results: Iterable[Any]) -> None:
    """Replace the council's previous results in the ledger by ``results``, in one transaction."""
    ledger.db.execute(_TABLE)
    now = datetime.now().isoformat(timespec="seconds")
    rows = []
    for position, result in enumerate(results):
        data = asdict(result) if is_dataclass(result) else result
        rows.append((position, *(int(v) if isinstance(v, bool) else v for v in (data[f] for f in FIELDS)), now))
    with transaction(ledger.db) as cur:
        cur.execute("DELETE FROM council_votes")
        cur.executemany(f"INSERT INTO council_votes (position, {', '.join(FIELDS)}, saved_at) "
                        f"VALUES ({', '.join('?' * (len(FIELDS) + 2))})", rows)


def load(ledger: Ledger) -> list[dict[str, Any]]:
    """The saved results in the order saved, ``passed`` as a bool; rows that lost their id are left out."""
    ledger.db.execute(_TABLE)
    out = []
    for row in ledger.db.execute(f"SELECT {', '.join(FIELDS)} FROM council_votes WHERE candidate_id != '' "
                                 "ORDER BY position"):
        data = dict(zip(FIELDS, row))
        data["passed"] = bool(data["passed"])
        out.append(data)
    return out
