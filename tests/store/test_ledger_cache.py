"""The ledger's SQLite page cache: larger only where many files are recorded (collect), so that the commands
whose worker processes are forked from them (consolidate) do not carry a filled cache into each worker."""
from __future__ import annotations

from unittest import mock

from sheets_tools.collection.collect import collect
from sheets_tools.store import ledger as ledger_module
from sheets_tools.store.ledger import CACHE_KIB, Ledger


def _cache(ledger: Ledger) -> int:
    return ledger.db.execute("PRAGMA cache_size").fetchone()[0]


def test_a_ledger_keeps_sqlites_cache_unless_asked(tmp_path):
    with Ledger(tmp_path) as plain:
        default = _cache(plain)
    with Ledger(tmp_path, cache_kib=CACHE_KIB) as large:
        assert _cache(large) == -CACHE_KIB != default


def test_collect_opens_the_ledger_with_the_large_cache(camp):
    opened = []
    real = ledger_module.Ledger.__init__

    def spy(self, *args, **kwargs):
        real(self, *args, **kwargs)
        opened.append(_cache(self))

    with mock.patch.object(ledger_module.Ledger, "__init__", spy):
        collect(camp, [])
    assert opened and opened[0] == -CACHE_KIB
