"""Progress of the long runs (issue, remind, collect, consolidate, the demo), reported to whoever listens.

The library says what it is doing with ``report("Đang ghi biểu mẫu", 12, 48, "Phòng Tư pháp")``; the command
line listens while a command runs (``listening``) and shows it on a terminal. No listener, nothing happens:
the library stays silent under tests, pipes and ``--json``. A context variable, so the demo's nested steps
report without every function passing a callback down.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Callable, Iterator

Listener = Callable[[str, int, "int | None", str], None]

_listener: ContextVar[Listener | None] = ContextVar("sheets_tools_progress", default=None)


def report(what: str, done: int, total: int | None, item: str = "") -> None:
    """``done`` of ``total`` (None: not known in advance) things of the kind ``what``; ``item`` the last one."""
    listener = _listener.get()
    if listener is not None:
        listener(what, done, total, item)


@contextmanager
def listening(listener: Listener | None) -> Iterator[None]:
    """Send every ``report`` made inside the block to ``listener`` (None: to nobody)."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)
