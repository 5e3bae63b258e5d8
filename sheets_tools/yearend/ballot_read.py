"""Reading a ballot workbook (also a LibreOffice re-save) with calamine: the sheets by folded name, cell
texts, the header rows; and what the office already entered in one (``entries``), so that a new ballot
never silently replaces a filled one."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import python_calamine
from openpyxl.utils import get_column_letter

from sheets_tools.core.text import fold
from sheets_tools.core.values import coerce_text
from sheets_tools.excel.tables import find_header
from sheets_tools.yearend.council import (
    L_CANDIDATE, L_NAME, L_NEEDED, L_OFFICE, L_PRESENT, L_WRITING, MEMBERS_SHEET, VOTES_SHEET)

MAX_ROWS = 5000  # rows read from an input sheet (the office's own file, but still bounded)
HEADER_SCAN = 40

Rows = list[list[Any]]


class Book:
    """The ballot opened with calamine; sheets found by folded name."""

    def __init__(self, path: Path):
        self.workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        self.names = {fold(n): n for n in self.workbook.sheet_names}

    def rows(self, name: str) -> Rows | None:
        real = self.names.get(fold(name))
        if real is None:
            return None
        return self.workbook.get_sheet_by_name(real).to_python(skip_empty_area=False, nrows=MAX_ROWS)


def text(value: Any) -> str:
    """A cell's value as the text it shows ("" for an empty cell; 8.0 -> "8")."""
    return coerce_text(value) or ""


def at(rows: Rows, r: int, c: int | None) -> Any:
    """The value at 0-based (row, column), None when empty or outside the sheet."""
    if c is None or r >= len(rows) or c >= len(rows[r]):
        return None
    v = rows[r][c]
    return None if v == "" else v


def ref(r: int, c: int) -> str:
    """A1 reference of 0-based (row, column)."""
    return f"{get_column_letter(c + 1)}{r + 1}"


def header(rows: Rows, required: list[str]) -> tuple[int, dict[str, int]] | None:
    """The first row holding every label of ``required``: (row, folded label -> column of every label)."""
    found = find_header(rows, {x: x for x in required}, scan=HEADER_SCAN, required=required, similar=None)
    return None if found is None else (found.row, {fold(t): c for c, t in found.texts.items()})


# --- what the office entered ---------------------------------------------------------------------
@dataclass
class Entries:
    """Attendance marks ("Có" under "Có mặt" or "Biểu quyết bằng văn bản") and votes or counts typed."""

    attendance: int
    votes: int

    @property
    def any(self) -> bool:
        return bool(self.attendance or self.votes)


def entries(path: Path) -> Entries | None:
    """What the office entered in the ballot at ``path``; None when it cannot be read as a ballot (then
    nobody can tell whether it holds the council's work)."""
    try:
        book = Book(path)
        members, votes = book.rows(MEMBERS_SHEET), book.rows(VOTES_SHEET)
    except (python_calamine.CalamineError, OSError, ValueError):
        return None
    if members is None or votes is None:
        return None
    attendance = 0
    found = header(members, [L_NAME, L_PRESENT, L_WRITING])
    if found is not None:
        top, cols = found
        marks = [cols[fold(L_PRESENT)], cols[fold(L_WRITING)]]
        attendance = sum(1 for r in range(top + 1, len(members)) for c in marks
                         if fold(text(at(members, r, c))) == fold("Có"))
    found = header(votes, [L_CANDIDATE, L_NEEDED])
    if found is None:
        return Entries(attendance, 0)
    top, cols = found
    own = cols.get(fold(L_OFFICE), cols[fold(L_NEEDED)])  # the last column the ballot writes itself
    first_input = own + 1  # the votes or counts: every column right of the ballot's own
    typed = sum(1 for r in range(top + 1, len(votes)) for c in range(first_input, len(votes[r]))
                if text(at(votes, r, c)))
    return Entries(attendance, typed)
