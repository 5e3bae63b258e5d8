"""How much room a text needs in a cell: row heights from wrapped text, column widths from values.

Neither Excel nor openpyxl/xlsxwriter sets a row's height from its wrapped text when the file is
written (Excel does it only when a cell is edited; LibreOffice only for rows without a height), so a
wrapped header or message is drawn over the next row. Every workbook the tool writes asks these
functions instead.

The measures are Times New Roman's advance widths (the same as Liberation Serif, which LibreOffice
draws in its place), in thousandths of an em, for the ASCII letters; a Vietnamese letter measures as
its base letter (``ễ`` as ``e``), anything else as an ``M`` (wide on purpose). A column ``width`` is
in Excel's units: characters of the Normal style's digit, Times New Roman 12 here (8 pixels).

Checked against LibreOffice 7.4 (about 600 wrapped texts, 11 to 14 pt, regular and bold, columns 6 to
55 wide, read back from the PDF's word boxes): the widths above are within 2% of what it draws; it
wraps in ``8 * width - 3`` pixels and its lines are 1.1 times the font size apart. Excel lays a line
out 1.31 times the font size high (15.75 pt for 12 pt) and draws hinted, slightly wider letters, so
the room taken here is smaller (``CELL_PADDING_PX``, ``SAFETY``) and the lines taller (``LINE_FACTOR``)
than LibreOffice needs: no text counted here took more lines there.
"""
from __future__ import annotations

import math
import unicodedata
from functools import lru_cache
from typing import Iterable

SIZE = 12.0  # the workbooks' Normal font size (excel.style.SIZE)
DIGIT_PX = 8.0  # Times New Roman 12: a digit is half an em of 16 px
CELL_PADDING_PX = 7.0  # Excel's and LibreOffice's margins inside a cell, both sides, with room to spare
LINE_FACTOR = 1.3  # a wrapped line's height as a share of the font size
ROW_PADDING_PT = 2.0
SAFETY = 1.06  # renderers differ a little: measure every text 6% wider than the font says
A4_WIDTH_IN = 8.27  # the short side of A4, in inches

_REGULAR = (250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500, 500,
            500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667, 722, 611,
            556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722,
            722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500,
            278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541)
_BOLD = (250, 333, 555, 500, 500, 1000, 833, 278, 333, 333, 500, 570, 250, 333, 250, 278, 500, 500, 500,
         500, 500, 500, 500, 500, 500, 500, 333, 333, 570, 570, 570, 500, 930, 722, 667, 722, 722, 667, 611,
         778, 778, 389, 500, 778, 667, 944, 722, 778, 611, 778, 722, 556, 667, 722, 722, 1000, 722, 722,
         667, 333, 278, 333, 581, 500, 333, 500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556, 278,
         833, 556, 500, 556, 556, 444, 389, 333, 556, 500, 722, 500, 500, 444, 394, 220, 394, 520)
_EXTRA = {"đ": (500, 556), "Đ": (722, 722), "–": (500, 500), "—": (1000, 1000), "…": (1000, 1000),
          "“": (444, 500), "”": (444, 500), "‘": (333, 333), "’": (333, 333), "•": (350, 350)}
_WIDE = 889  # "M": anything not in the tables


def char_em(ch: str, bold: bool = False) -> float:
    """The advance width of one character, in ems."""
    if ch in _EXTRA:
        return _EXTRA[ch][bold] / 1000
    code = ord(ch)
    if not 32 <= code < 127:
        base = unicodedata.normalize("NFD", ch)[:1]
        code = ord(base) if base else 0
        if not 32 <= code < 127:
            return _WIDE / 1000
    return (_BOLD if bold else _REGULAR)[code - 32] / 1000


def text_px(text: str, size: float = SIZE, bold: bool = False) -> float:
    """The width ``text`` takes on one line, in pixels (96 per inch), with the safety margin."""
    return sum(char_em(ch, bold) for ch in text) * size * 96 / 72 * SAFETY


def room_px(width: float) -> float:
    """The room for text in a column ``width`` (Excel's units) wide, in pixels."""
    return max(width * DIGIT_PX - CELL_PADDING_PX, DIGIT_PX)


@lru_cache(maxsize=4096)  # names, titles and messages come back row after row, file after file
def lines_needed(text: str, width: float, size: float = SIZE, bold: bool = False) -> int:
    """How many lines ``text`` wraps to in a cell ``width`` wide (words wrapped as Excel does; a word
    longer than the line is broken; ``\\n`` starts a new line)."""
    room = room_px(width)
    total = 0
    for paragraph in str(text).split("\n"):
        lines, used = 1, 0.0
        space = text_px(" ", size, bold)
        for word in paragraph.split():
            w = text_px(word, size, bold)
            need = w if used == 0 else used + space + w
            if need <= room:
                used = need
                continue
            if used > 0:
                lines, used = lines + 1, 0.0
            if w > room:  # a word wider than the cell is broken between letters
                extra, w = _broken(word, room, size, bold)
                lines += extra
            used = w
        total += lines
    return max(total, 1)


def _broken(word: str, room: float, size: float, bold: bool) -> tuple[int, float]:
    """A word wider than ``room`` broken between letters: the lines it adds, the width of its last line."""
    extra, used = 0, 0.0
    for ch in word:
        w = text_px(ch, size, bold)
        if used and used + w > room:
            extra, used = extra + 1, 0.0
        used += w
    return extra, used


def line_height(size: float = SIZE) -> float:
    """One line's height in points."""
    return size * LINE_FACTOR


def lines_height(lines: int, size: float = SIZE) -> float:
    """The height in points of a row showing ``lines`` lines of ``size`` points (to the quarter point)."""
    return math.ceil((lines * line_height(size) + ROW_PADDING_PT) * 4) / 4


def row_height(cells: Iterable[tuple[str, float, float, bool]], minimum: float = 0.0) -> float:
    """The height in points a row needs for its wrapped cells ``(text, width, size, bold)`` (``width``
    the column's, or the merged columns' summed, in Excel's units); at least ``minimum``."""
    need = minimum
    for text, width, size, bold in cells:
        if text is None or text == "":
            continue
        need = max(need, lines_height(lines_needed(str(text), width, size, bold), size))
    return math.ceil(need * 4) / 4 if need else 0.0


def taller_row(cells: Iterable[tuple[str, float, float, bool]]) -> float:
    """``row_height(cells)`` when a text needs more than one line of the default size, else 0.0 (one
    line of 12 pt fits the default row height: such rows keep it)."""
    cells = [c for c in cells if c[0] not in (None, "")]
    if all(size <= SIZE and lines_needed(str(t), w, size, bold) == 1 for t, w, size, bold in cells):
        return 0.0
    return row_height(cells)


def wider_than_portrait(widths: Iterable[float], side_margins: float) -> bool:
    """Whether columns ``widths`` wide (Excel's units) take more than a portrait A4 page between
    margins of ``side_margins`` inches (left and right together)."""
    pixels = sum(w * DIGIT_PX + 5 for w in widths if w)
    return pixels > (A4_WIDTH_IN - side_margins) * 96


def column_width(values: Iterable[object], size: float = SIZE, bold: bool = False, *, minimum: float = 6.0,
                 maximum: float = 60.0) -> float:
    """The column width (Excel's units) that shows the longest of ``values`` on one line, within
    ``minimum`` and ``maximum`` (a dropdown column sized for its choices)."""
    widest = max((text_px(str(v), size, bold) for v in values if v not in (None, "")), default=0.0)
    width = (widest + CELL_PADDING_PX) / DIGIT_PX + 0.5
    return round(min(max(width, minimum), maximum), 1)
