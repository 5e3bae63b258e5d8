"""Progress of a long command on the terminal: one line on stderr, rewritten in place ("Đang ghi biểu mẫu
12/48: ..."), cleared when the command ends. Only when stderr is a terminal and the command does not print
JSON: a pipe, a file, another program reading the output or ``--json`` get nothing."""
from __future__ import annotations

import shutil
import sys
import time
from contextlib import contextmanager
from typing import Iterator, TextIO

from sheets_tools.core import progress

INTERVAL = 0.1  # seconds between two redraws


class TerminalLine:
    """The progress line on ``stream`` (a terminal)."""

    def __init__(self, stream: TextIO):
        self.stream, self.shown, self.last = stream, 0, 0.0

    def __call__(self, what: str, done: int, total: int | None, item: str) -> None:
        now = time.monotonic()
        if now - self.last < INTERVAL and done != total:
            return
        self.last = now
        count = f"{done}/{total}" if total else f"({done})"
        text = f"{what} {count}" + (f": {item}" if item else "")
        width = max(20, shutil.get_terminal_size((80, 24)).columns - 1)
        if len(text) > width:
            text = text[:width - 3] + "..."
        self._write("\r" + text.ljust(self.shown))
        self.shown = len(text)

    def clear(self) -> None:
        """Remove the line (before the command prints its own lines, and at the end)."""
        if self.shown:
            self._write("\r" + " " * self.shown + "\r")
            self.shown = 0

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError, UnicodeError):  # a closed or odd terminal: progress is never worth a failure
            self.shown = 0


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


@contextmanager
def showing_progress(as_json: bool = False) -> Iterator[TerminalLine | None]:
    """Show the library's progress reports on stderr while the block runs, when stderr is a terminal and
    ``as_json`` is off; yields the line (to ``clear`` before printing) or None."""
    stream = sys.stderr
    line = TerminalLine(stream) if not as_json and is_terminal(stream) else None
    with progress.listening(line):
        try:
            yield line
        finally:
            if line is not None:
                line.clear()
