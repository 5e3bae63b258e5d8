"""Column letters and numbers (A = 1 ... XFD = 16384), as openpyxl's ``get_column_letter`` and
``column_index_from_string`` give them (and ``xml_column_number`` for the letters a scan of sheet XML
matched, as bytes), without importing openpyxl: importing it costs every command that
only reads or streams workbooks about a tenth of a second at start."""
from __future__ import annotations

from functools import lru_cache
from string import ascii_uppercase

MAX_COLUMN = 18278  # ZZZ: openpyxl's range (Excel's own ends at XFD, 16384)


@lru_cache(maxsize=None, typed=True)  # typed: True is not the column 1
def column_letter(number: int) -> str:
    """1 -> "A", 27 -> "AA"; ValueError outside 1..18278 and for anything but a whole number."""
    if type(number) is not int or not 1 <= number <= MAX_COLUMN:
        raise ValueError(f"Invalid column index {number}")
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = ascii_uppercase[rest] + letters
    return letters


@lru_cache(maxsize=4096)
def column_number(letters: str) -> int:
    """"A" -> 1, "aa" -> 27; ValueError for anything that is not one to three letters A-Z."""
    if not isinstance(letters, str) or not 1 <= len(letters) <= 3 or not letters.isascii() or not letters.isalpha():
        raise ValueError(f"{letters!r} is not a valid column name. Column names are from A to ZZZ")
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


def xml_column_number(letters: bytes) -> int:
    """b"A" -> 1, b"AB" -> 28: the letters of a cell reference a regex of sheet XML matched (``[A-Z]{1,3}``),
    not checked again (it runs on every reference of a large sheet)."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n
