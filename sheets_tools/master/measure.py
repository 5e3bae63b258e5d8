"""How high a master row must be for its wrapped text: ``excel.fit``'s answer, reached faster.

A master holds hundreds of thousands of texts; measuring each word by word (``excel.fit.lines_needed``)
took half of consolidate. Almost every text fits on one line, and a text whose characters, spaces
included, add up to less than the room surely does: ``fit`` wraps at spaces and counts a run of spaces
as one, and no character is narrower than a space there. Only the other texts are measured by ``fit``
itself, and its answers are remembered (the same names, positions and titles come back on many rows).
The results are always ``fit``'s: a test compares them on every text of a demo master.
"""
from __future__ import annotations

from functools import lru_cache

from sheets_tools.excel.fit import SIZE, char_em, lines_needed, room_px, row_height

_PX_PER_EM = 96 / 72 * 1.06  # pixels per em per point of font size, ``fit.text_px``'s factor with its SAFETY
_MARGIN_PX = 1e-6  # rounding of the sums taken in a different order
_EMS: tuple[dict[str, float], dict[str, float]] = ({}, {})  # regular, bold: each character's width in ems


def line_px(text: str, size: float = SIZE, bold: bool = False) -> float:
    """The width of ``text`` on one line with every character counted (spaces too), in pixels: never
    less than what ``fit.text_px`` gives for its words and single spaces."""
    ems = _EMS[bool(bold)]
    try:
        total = sum(map(ems.__getitem__, text))
    except KeyError:
        for ch in text:
            if ch not in ems:
                ems[ch] = char_em(ch, bold)
        total = sum(map(ems.__getitem__, text))
    return total * size * _PX_PER_EM


def one_line(text: str, width: float, size: float = SIZE, bold: bool = False) -> bool:
    """Whether ``text`` surely takes one line in a column ``width`` wide (False: measure it)."""
    return "\n" not in text and line_px(text, size, bold) <= room_px(width) - _MARGIN_PX


def wider(text: str, width: float) -> bool:
    """Whether ``text`` needs more than one line of the Normal font in a column ``width`` wide:
    ``fit.lines_needed(text, width) > 1``."""
    return not one_line(text, width) and _lines(text, width, SIZE, False) > 1


def height(text: str, width: float, size: float = SIZE, bold: bool = False) -> float:
    """``fit.row_height([(text, width, size, bold)])``: the height in points a row needs for ``text``."""
    if one_line(text, width, size, bold):
        return _one_line_height(size, bool(bold))
    return _height(text, width, size, bool(bold))


@lru_cache(maxsize=None)
def _one_line_height(size: float, bold: bool) -> float:
    return row_height([("x", 100.0, size, bold)])


@lru_cache(maxsize=8192)
def _lines(text: str, width: float, size: float, bold: bool) -> int:
    return lines_needed(text, width, size, bold)


@lru_cache(maxsize=8192)
def _height(text: str, width: float, size: float, bold: bool) -> float:
    return row_height([(text, width, size, bold)])
