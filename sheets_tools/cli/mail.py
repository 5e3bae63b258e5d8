"""Commands that send mail: ``send`` (forms, reminders, feedback, receipts) and ``mail password``."""
from sheets_tools.cli.app import main  # noqa: F401  (commands are registered on ``main``)
