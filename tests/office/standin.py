"""A small stand-in for xlwings' App, Book, Sheet and Range: the calls the control workbook's buttons make
(``app.books`` iterated and ``.open``, ``app.alert``, ``book.fullname/sheets/save/close/activate``,
``sheet.range(ref).value`` get/set and ``.clear_contents()``), with what Excel would do to the files:
a workbook open in it has Excel's owner file ``~$name`` beside it, removed when it is closed.

``App(answers=[...])`` answers the alerts with buttons ("ok"/"cancel") in order; every alert is
recorded as ``(prompt, title, buttons, mode)`` in ``app.alerts``.
"""
from __future__ import annotations

import re
from pathlib import Path

import openpyxl
from openpyxl.utils import column_index_from_string

_REF = re.compile(r"([A-Z]+)(\d+)")


def _point(ref: str) -> tuple[int, int]:
    letters, digits = _REF.fullmatch(ref).groups()
    return int(digits), column_index_from_string(letters)


class Range:
    def __init__(self, sheet: "Sheet", ref: str):
        first, _, last = ref.upper().partition(":")
        self.sheet = sheet
        self.top, self.left = _point(first)
        self.bottom, self.right = _point(last or first)

    @property
    def value(self):
        """As xlwings gives it: one cell a value, one row or column a list, else a list of rows."""
        rows = [[self.sheet.cells.get((r, c)) for c in range(self.left, self.right + 1)]
                for r in range(self.top, self.bottom + 1)]
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        if len(rows) == 1:
            return rows[0]
        if self.left == self.right:
            return [r[0] for r in rows]
        return rows

    @value.setter
    def value(self, data) -> None:
        """As xlwings writes it: a list of rows (or one row) from the top-left cell, else one value."""
        if isinstance(data, (list, tuple)):
            rows = data if data and isinstance(data[0], (list, tuple)) else [data]
            for i, row in enumerate(rows):
                for j, item in enumerate(row):
                    self.sheet.put(self.top + i, self.left + j, item)
        else:
            self.sheet.put(self.top, self.left, data)

    def clear_contents(self) -> None:
        for r in range(self.top, self.bottom + 1):
            for c in range(self.left, self.right + 1):
                self.sheet.cells.pop((r, c), None)


class Sheet:
    def __init__(self, name: str, cells: dict | None = None):
        self.name = name
        self.cells: dict[tuple[int, int], object] = dict(cells or {})

    def put(self, row: int, column: int, value) -> None:
        if value is None or value == "":
            self.cells.pop((row, column), None)
        else:
            self.cells[(row, column)] = value

    def range(self, ref: str) -> Range:
        return Range(self, ref)

    def column(self, letter: str) -> list:
        """The values of one column, top down (the test's view of it)."""
        c = column_index_from_string(letter)
        return [self.cells[k] for k in sorted(k for k in self.cells if k[1] == c)]


class Sheets:
    def __init__(self, sheets: list[Sheet]):
        self._sheets = sheets

    def __getitem__(self, name: str) -> Sheet:
        for sheet in self._sheets:
            if sheet.name == name:
                return sheet
        raise KeyError(name)

    def __iter__(self):
        return iter(self._sheets)


class Book:
    def __init__(self, app: "App", path: Path, sheets: list[Sheet] | None = None):
        self.app, self.path = app, Path(path)
        self.sheets = Sheets(sheets or [])
        self.saved = 0
        self.closed = False

    @classmethod
    def load(cls, app: "App", path: Path) -> "Book":
        """A workbook file's cell values, as Excel would show them (not registered as open)."""
        wb = openpyxl.load_workbook(path)
        sheets = [Sheet(ws.title, {(c.row, c.column): c.value for row in ws.iter_rows() for c in row
                                   if c.value is not None}) for ws in wb.worksheets]
        return cls(app, path, sheets)

    @property
    def fullname(self) -> str:
        return str(self.path)

    def save(self) -> None:
        self.saved += 1

    def close(self) -> None:
        self.closed = True
        self.app.opened.remove(self)
        self.path.with_name("~$" + self.path.name).unlink(missing_ok=True)

    def activate(self, steal_focus: bool = False) -> None:
        self.app.active = self


class Books:
    def __init__(self, app: "App"):
        self.app = app

    def __iter__(self):
        return iter(list(self.app.opened))

    def open(self, fullname: str) -> Book:
        """Open a file as Excel does: its owner file ``~$name`` appears beside it."""
        book = Book(self.app, Path(fullname))
        Path(fullname).with_name("~$" + Path(fullname).name).write_bytes(b"standin")
        self.app.opened.append(book)
        self.app.opened_paths.append(Path(fullname))
        return book


class App:
    def __init__(self, answers: list[str] | None = None):
        self.opened: list[Book] = []
        self.opened_paths: list[Path] = []  # every file opened, in order
        self.alerts: list[tuple[str, str | None, str, str | None]] = []
        self.answers = list(answers or [])
        self.active: Book | None = None

    @property
    def books(self) -> Books:
        return Books(self)

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok", mode: str | None = None,
              callback: str | None = None) -> str:
        self.alerts.append((prompt, title, buttons, mode))
        if buttons == "ok":
            return "ok"
        return self.answers.pop(0)


def control_book(path: Path, answers: list[str] | None = None) -> Book:
    """The control workbook at ``path`` as the buttons see it in Excel, in a new stand-in Excel."""
    return Book.load(App(answers), path)
