"""The command that fetches returns from the office's mailbox or a mailbox file: ``fetch``."""
from sheets_tools.cli.app import main  # noqa: F401  (commands are registered on ``main``)
