"""The ``sheets-tools`` command: a thin layer over the library, one module per group of commands
(``app`` holds the group, what the commands share, and which module declares which command: a command's
module is loaded when the command runs)."""
from sheets_tools.cli.app import load_commands, main

__all__ = ["load_commands", "main"]
