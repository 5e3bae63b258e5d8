"""What the office typed into the master workbook (checked scores, selections), kept in the ledger.

One row per (scope, row key, field) in the table ``office_entries``; the value is kept as JSON.
``master.office`` reads the values back from the master and stores them here.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sheets_tools.store.db import transaction
from sheets_tools.store.ledger import Ledger

_SCHEMA = """
CREATE TABLE IF NOT EXISTS office_entries (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (scope, key, field)
);
"""


def entries(ledger: Ledger, scope: str) -> dict[str, dict[str, Any]]:
    """Everything the office entered under ``scope``: row key -> field -> value."""
    ledger.db.executescript(_SCHEMA)
    out: dict[str, dict[str, Any]] = {}
    for key, field, value in ledger.db.execute(
            "SELECT key, field, value FROM office_entries WHERE scope = ?", (scope,)):
        out.setdefault(key, {})[field] = json.loads(value)
    return out


def store(ledger: Ledger, scope: str, values: dict[str, dict[str, Any]]) -> None:
    """Set the office's values of ``scope`` (a None value removes the entry), in one transaction."""
    ledger.db.executescript(_SCHEMA)
    now = datetime.now().isoformat(timespec="seconds")
    with transaction(ledger.db) as cur:
        for key, fields in values.items():
            for field, value in fields.items():
                if value is None:
                    cur.execute("DELETE FROM office_entries WHERE scope = ? AND key = ? AND field = ?",
                                (scope, key, field))
                else:
                    # an unchanged value keeps the moment it was first typed (a rebuild replays by it)
                    cur.execute("INSERT INTO office_entries VALUES (?, ?, ?, ?, ?) ON CONFLICT (scope, key, field) "
                                "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at "
                                "WHERE value != excluded.value",
                                (scope, key, field, json.dumps(value, ensure_ascii=False), now))
