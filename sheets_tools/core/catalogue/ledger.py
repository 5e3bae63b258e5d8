"""Finding codes: the ledger, its backups and its rebuild (store, recovery)."""
from sheets_tools.core.severity import Code, ERROR, WARNING  # noqa: F401

CODES: dict[str, Code] = {
}
