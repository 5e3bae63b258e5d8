"""What talks to a running Excel through xlwings' objects: find a workbook open in it, put an open
workbook away before the tool rewrites its file, open (or reopen) a file.

Only the xlwings calls ``App.books`` (iterated, ``.open(path)``), ``Book.fullname``, ``Book.save()``,
``Book.close()`` and ``Book.activate()`` are used, so a small stand-in can take Excel's place in tests.
"""
from __future__ import annotations

import os
from pathlib import Path


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Whether two paths name the same file (Windows: case and separators ignored)."""
    def norm(p):
        return os.path.normcase(os.path.normpath(os.path.abspath(os.fspath(p))))
    return norm(a) == norm(b)


def open_book(app, path: Path):
    """The workbook of ``path`` open in ``app``, or None."""
    for book in app.books:
        try:
            if same_file(book.fullname, path):
                return book
        except (OSError, ValueError):  # a book not saved yet has no folder
            continue
    return None


def put_away(app, path: Path) -> bool:
    """Save and close ``path`` when it is open in ``app`` (what the office typed in it is kept in the file,
    where the tool reads it back); True when it was open."""
    book = open_book(app, path)
    if book is None:
        return False
    book.save()
    book.close()
    return True


def show(app, path: Path):
    """Open ``path`` in ``app`` (or bring it forward when it is open already); returns the workbook."""
    book = open_book(app, path)
    if book is None:
        book = app.books.open(str(path))
    activate = getattr(book, "activate", None)
    if activate is not None:
        activate(steal_focus=True)
    return book
