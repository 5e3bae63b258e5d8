"""How high a master row must be for its wrapped text: ``excel.fit``'s answer, reached faster.

A master holds hundreds of thousands of texts; measuring each word by word (``excel.fit.lines_needed``)
took half of consolidate. Almost every text fits on one line, and a text whose characters, spaces
included, add up to less than the room surely does: ``fit`` wraps at spaces and counts a run of spaces
as one, and no character is narrower than a space there. Only the other texts are measured by ``fit``
itself, and its answers are remembered (the same names, positions and titles come back on many rows).
The results are always ``fit``'s: a test compares them on every text of a demo master.
"""
from __future__ import annotations

import math
from functools import lru_cache

from sheets_tools.excel.fit import SIZE, char_em, lines_needed, room_px, row_height

_PX_PER_EM = 96 / 72 * 1.06  # pixels per em per point of font size, ``fit.text_px``'s factor with its SAFETY
_MARGIN_PX = 1e-6  # rounding of the sums taken in a different order
MIN_HEIGHT = 15.75  # one line of the Normal font (points): a master row's least height
_WIDEST_EM = 1.0  # no character is wider than this in fit's tables (its "M" for the others is narrower)
_CACHED = 4096  # texts remembered per column
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


def whole_pixels(height: float) -> float:
    """A row's height in points, at least one line, in whole pixels as the file keeps them."""
    return math.ceil(max(height, MIN_HEIGHT) * 4 / 3) * 3 / 4


class Heights:
    """The heights rows need for texts wrapped in one column ``width`` wide: ``whole_pixels(height(...))``,
    remembered for the last few thousand texts (names, positions and titles come back on many rows); a
    text too short to reach the column's edge, however wide its letters, is not measured at all."""

    def __init__(self, width: float, size: float = SIZE, bold: bool = False) -> None:
        self.width, self.size, self.bold = width, size, bold
        self.one = whole_pixels(_one_line_height(size, bool(bold)))
        room = room_px(width) - _MARGIN_PX
        self.short = max(int(room / (_WIDEST_EM * size * _PX_PER_EM)) - 1, 0)  # at most this long: one line
        self._known: dict[str, float] = {}

    def __call__(self, text: str) -> float:
        if len(text) <= self.short and "\n" not in text:
            return self.one
        known = self._known.get(text)
        if known is None:
            if len(self._known) >= _CACHED:
                self._known.clear()
            known = self._known[text] = whole_pixels(height(text, self.width, self.size, self.bold))
        return known
