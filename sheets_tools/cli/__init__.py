"""The ``sheets-tools`` command: a thin layer over the library, one module per group of commands
(``app`` holds the group and what the commands share)."""
from sheets_tools.cli import cycle, excel, fetch, guide, ledger, mail, report, yearend  # noqa: F401  (each registers its commands on ``main``)
from sheets_tools.cli.app import main

__all__ = ["main"]
