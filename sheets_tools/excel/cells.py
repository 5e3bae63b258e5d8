"""One cell written with xlsxwriter as the value it is, whatever a unit or the office typed.

xlsxwriter takes a string that starts with "<r>" and ends with "</r>" for its own rich-text XML and puts
it into the file unescaped (the cell loses its text, or Excel asks to repair the workbook); its ``write``
and ``write_row`` also turn "=..." into a formula and "http://..." into a link unless the workbook's options
say otherwise; and ``write_number`` raises on a number that is not finite (NaN, infinity) or an integer too
large for a float. Every xlsxwriter writer of such values goes through ``put_string``, ``put_number``,
``put_value`` or ``put_row`` (the master's streamed tables have their own, ``excel.rowstream``).
"""
from __future__ import annotations

import math
from typing import Any, Iterable

# what a cell shows instead of a number no spreadsheet can hold (NaN, infinity): the office sees it
NOT_A_NUMBER = "(số không hợp lệ)"


def put_string(ws, r: int, c: int, text: str, fmt=None) -> None:
    """``ws.write_string``, except for a text xlsxwriter would take for its own rich-text markup
    ("<r>...</r>"): written as three runs of itself in the cell's font, read back the same by every program."""
    if not (text.startswith("<r>") and text.endswith("</r>")):
        ws.write_string(r, c, text, fmt)
    elif fmt is None:  # runs without a format: xlsxwriter's default font
        ws.write_rich_string(r, c, text[:1], text[1:2], text[2:])
    else:
        ws.write_rich_string(r, c, fmt, text[:1], fmt, text[1:2], fmt, text[2:], fmt)


def finite(number: Any) -> bool:
    """True for a number ``write_number`` takes: finite, and (an integer) not too large for a float."""
    try:
        return math.isfinite(number)
    except OverflowError:  # an int beyond a float
        return False


def put_number(ws, r: int, c: int, number: Any, fmt=None) -> None:
    """``ws.write_number``; a number that is not finite is written as the text ``NOT_A_NUMBER``."""
    if finite(number):
        ws.write_number(r, c, number, fmt)
    else:
        ws.write_string(r, c, NOT_A_NUMBER, fmt)


def put_value(ws, r: int, c: int, value: Any, fmt=None) -> None:
    """``ws.write`` without its guesses: a text stays text (``put_string``), a number goes through
    ``put_number``, a boolean stays one, None is a blank cell; anything else is written as its text."""
    if value is None:
        ws.write_blank(r, c, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, fmt)
    elif isinstance(value, (int, float)):
        put_number(ws, r, c, value, fmt)
    else:
        put_string(ws, r, c, value if isinstance(value, str) else str(value), fmt)


def put_row(ws, r: int, c: int, values: Iterable[Any], fmt=None) -> None:
    """``ws.write_row`` through ``put_value``: ``values`` from column ``c`` on."""
    for i, value in enumerate(values):
        put_value(ws, r, c + i, value, fmt)
