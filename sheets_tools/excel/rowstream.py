"""Rows of a streamed xlsxwriter worksheet written straight as sheet XML: what ``write_string``,
``write_number``, ``write_blank`` and ``set_row`` would write for the same cells, in a fraction of the time.

A worksheet in xlsxwriter's constant-memory mode keeps one row in memory and writes it to a temporary "row
file" when the next row starts; going through ``write_string`` costs a dozen Python calls per cell. A
``RowStream`` builds each row's XML at once (inline strings with xlsxwriter's ``_xHHHH_`` escapes of control
characters and ``xml:space="preserve"``, the ``r`` and ``s`` attributes, numbers as ``:.16G``, the row's
``ht``/``customHeight``) and appends it to that file, keeping the worksheet's dimensions and its
``previous_row`` as xlsxwriter's own calls would, so the rest of xlsxwriter (tables, autofilter, close) is
unchanged. The bytes are xlsxwriter's: tests/excel/test_rowstream.py compares them.

Three differences, on purpose: a text that looks like xlsxwriter's rich-string markup ("<r>...</r>") is
written as the plain text it is (xlsxwriter would put it into the file unescaped and break the cell), a
number no spreadsheet holds (NaN, infinity) is written as the text ``excel.cells.NOT_A_NUMBER`` (xlsxwriter
raises), and a row with a height but no cell keeps its height (xlsxwriter's streamed mode drops it when the
next row comes before any cell of it).

This relies on xlsxwriter 3.3.1's internals (``Worksheet.fh`` as the row file, ``previous_row``, ``table``,
``row_info``, the ``dim_*`` fields, ``default_row_height``/``original_row_height``, ``excel_version``,
``Format._get_xf_index``, ``XMLwriter._escape_control_characters``): setup.cfg pins that version.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import IO, Any, Iterable

from xlsxwriter.utility import _utf16_len, _utf16_truncate, xl_col_to_name
from xlsxwriter.worksheet import Worksheet
from xlsxwriter.xmlwriter import XMLwriter

from sheets_tools.excel.cells import NOT_A_NUMBER, finite

_escape_control = XMLwriter._escape_control_characters
_TEXTS = 8192  # texts remembered with their XML


_DIMS = ("dim_rowmin", "dim_rowmax", "dim_colmin", "dim_colmax")
_READ = ("xls_rowmax", "xls_colmax", "default_row_height", "original_row_height", "excel_version", "name")


class RowFile:
    """A stand-in for a streamed worksheet whose rows are written into a file of their own, e.g. by another
    process: what ``RowStream`` reads of the worksheet (``facts(ws)``, taken from the real one) and the row file
    ``fh``. ``RowStream.take`` then puts those rows into the real worksheet, with their ``dimensions()``."""

    constant_memory = True

    def __init__(self, fh: IO[str], facts: dict[str, Any], first_row: int) -> None:
        self.fh, self.previous_row, self.table, self.row_info = fh, first_row, {}, {}
        self.col_info = dict(facts["col_info"])
        for name in _READ + _DIMS:
            setattr(self, name, facts[name])

    @staticmethod
    def facts(ws: Worksheet) -> dict[str, Any]:
        """What a ``RowFile`` needs of the worksheet ``ws`` (it can be pickled)."""
        return {"col_info": dict(ws.col_info), **{name: getattr(ws, name) for name in _READ + _DIMS}}

    def _write_single_row(self, r: int) -> None:  # nothing is held back: RowStream writes whole rows
        self.previous_row = r

    def dimensions(self) -> tuple[int | None, ...]:
        return tuple(getattr(self, name) for name in _DIMS)


class RowStream:
    """Rows written to the streamed (constant-memory) worksheet ``ws``, strictly in order, each at once:
    ``row(r, cells, height)``. A row is written either by the stream or by xlsxwriter's calls, not both;
    xlsxwriter may write rows before and after the stream's."""

    def __init__(self, ws: Worksheet) -> None:
        if not ws.constant_memory:
            raise ValueError(f"worksheet {ws.name!r} is not in constant-memory mode")
        self.ws = ws
        self._styles: dict[Any, str] = {}  # format -> its ' s="N"'
        self._texts: dict[str, str] = {}  # text -> the end of its cell's XML (names, titles come back)
        self._tails: dict[int, str] = {}
        self._cols: list[str] = []

    def row(self, r: int, cells: Iterable[tuple[int, Any, Any]], height: float | None = None) -> None:
        """Row ``r`` (0-based) with ``cells`` ``(column, value, format)`` in column order: a ``str`` as
        ``write_string``, an ``int``/``float`` as ``write_number``, ``None`` as ``write_blank``; ``height`` in
        points as ``set_row(r, height)`` (None: the sheet's default)."""
        ws = self.ws
        if r > ws.previous_row:
            ws._write_single_row(r)  # the row xlsxwriter holds goes out first
        elif r < ws.previous_row or ws.table.get(r) or r in ws.row_info:
            raise ValueError(f"row {r + 1} of {ws.name!r} was already written")
        if not 0 <= r < ws.xls_rowmax:
            return
        number, colmax = str(r + 1), ws.xls_colmax
        cols, styles, texts, parts = self._cols, self._styles, self._texts, []
        first = last = None
        for c, value, fmt in cells:
            if value is None and fmt is None or not 0 <= c < colmax:
                continue  # write_blank without a format writes nothing
            if first is None:
                first = c
            last = c
            while c >= len(cols):
                cols.append(xl_col_to_name(len(cols)))
            s = styles.get(fmt) if fmt is not None else None
            if s is None:
                s = self._style(fmt, c)
            cls = value.__class__
            if cls is str:
                t = texts.get(value)
                if t is None:
                    if len(texts) >= _TEXTS:
                        texts.clear()
                    t = texts[value] = f' t="inlineStr"><is>{_inline(value)}</is></c>'
                parts.append(f'<c r="{cols[c]}{number}"{s}{t}')
            elif cls is int or cls is float or isinstance(value, (int, float)):
                if not finite(value):  # what no spreadsheet holds (xlsxwriter would raise): said in words
                    parts.append(f'<c r="{cols[c]}{number}"{s} t="inlineStr"><is>{_inline(NOT_A_NUMBER)}</is></c>')
                else:
                    parts.append(f'<c r="{cols[c]}{number}"{s}><v>{value:.16G}</v></c>')
            elif value is None:
                parts.append(f'<c r="{cols[c]}{number}"{s}/>')
            elif isinstance(value, str):
                parts.append(f'<c r="{cols[c]}{number}"{s} t="inlineStr"><is>{_inline(str(value))}</is></c>')
            else:
                raise TypeError(f"unsupported cell value {type(value).__name__} in row {number}")
        pixels = None if height is None else int(height * 4.0 / 3.0 + 0.5)
        if parts:
            self._dimensions(r, first, last)
            ws.fh.write(f'<row r="{number}"{self._tail(pixels)}>{"".join(parts)}</row>')
        elif pixels is not None:  # set_row alone: an empty row with its height
            self._dimensions(r, ws.dim_colmin if ws.dim_colmin is not None else 0, None)
            ws.fh.write(f'<row r="{number}"{self._tail(pixels)}/>')
        else:
            return
        ws.previous_row = r + 1

    def take(self, path: Path, first: int, end: int, dimensions: tuple[int | None, ...]) -> None:
        """The rows ``first`` .. ``end - 1`` that a ``RowStream`` over a ``RowFile`` wrote into ``path``, put here
        after the rows written so far, as if written by ``row`` (``dimensions``: the ``RowFile``'s)."""
        ws = self.ws
        if first > ws.previous_row:
            ws._write_single_row(first)  # the row xlsxwriter holds goes out first
        elif first < ws.previous_row or ws.table.get(first) or first in ws.row_info:
            raise ValueError(f"row {first + 1} of {ws.name!r} was already written")
        ws.fh.flush()
        with open(path, "rb") as rows:
            shutil.copyfileobj(rows, ws.fh.buffer, 1 << 20)
        for name, value in zip(_DIMS, dimensions):
            mine = getattr(ws, name)
            if value is not None and (mine is None or (value < mine if name.endswith("min") else value > mine)):
                setattr(ws, name, value)
        ws.previous_row = max(end, ws.previous_row)

    def _style(self, fmt: Any, c: int) -> str:
        if fmt is None:  # a column's format, as xlsxwriter falls back to it
            info = self.ws.col_info.get(c)
            fmt = info.column_format if info is not None else None
            if fmt is None:
                return ""
        s = self._styles.get(fmt)
        if s is None:  # the format's index is given the first time a cell uses it, as xlsxwriter does
            s = self._styles[fmt] = f' s="{fmt._get_xf_index()}"'
        return s

    def _tail(self, pixels: int | None) -> str:
        """The row's attributes after ``r``, as xlsxwriter's ``_write_row`` writes them."""
        ws = self.ws
        key = -1 if pixels is None else pixels
        tail = self._tails.get(key)
        if tail is None:
            height, hidden = ws.default_row_height if pixels is None else pixels, False
            if height == 0:  # set_row's "hidden" height
                height, hidden = ws.default_row_height, True
            custom = height != ws.original_row_height or height != ws.default_row_height
            tail = f' ht="{height * 0.75:.16g}"' if custom else ""
            tail += ' hidden="1"' if hidden else ""
            tail += ' customHeight="1"' if custom else ""
            tail += ' x14ac:dyDescent="0.25"' if ws.excel_version == 2010 else ""
            self._tails[key] = tail
        return tail

    def _dimensions(self, r: int, first: int, last: int | None) -> None:
        ws = self.ws
        if ws.dim_rowmin is None or r < ws.dim_rowmin:
            ws.dim_rowmin = r
        if ws.dim_rowmax is None or r > ws.dim_rowmax:
            ws.dim_rowmax = r
        for c in (first,) if last is None else (first, last):
            if ws.dim_colmin is None or c < ws.dim_colmin:
                ws.dim_colmin = c
            if ws.dim_colmax is None or c > ws.dim_colmax:
                ws.dim_colmax = c


def _inline(text: str) -> str:
    """``<t>`` of an inline string: xlsxwriter's truncation, control-character escapes, whitespace
    preservation and XML escapes, in its order."""
    if len(text) > 16383 and _utf16_len(text) > 32767:
        text = _utf16_truncate(text, 32767)
    if "_x" in text or not text.isprintable():
        text = _escape_control(text)
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if text and (text[0].isspace() or text[-1].isspace()):
        return f'<t xml:space="preserve">{text}</t>'
    return f"<t>{text}</t>"
