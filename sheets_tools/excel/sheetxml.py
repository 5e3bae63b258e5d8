"""Facts read straight from the XML parts of an xlsx: merged ranges, formula cells, column letters.

XML members are parsed with defusedxml (entity and external-reference attacks are refused); the
sheet scans here are byte regexes, fast on large sheets and never building a tree.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

from defusedxml import ElementTree

from sheets_tools.excel.columns import xml_column_number

Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (1-based)

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"')
_HAS_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
# What every _HAS_FORMULA match ends with: a literal first byte, which the regex engine scans for at C speed
# (a pattern starting with "<" stops at every tag).
_FORMULA_END = re.compile(rb"f[\s>/]")
_FORMULA_CELL = re.compile(rb"<(?:\w+:)?c\s([^>]*?)(?<!/)>(.*?)</(?:\w+:)?c>", re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d{1,7})"')
_VALUE = re.compile(rb"<(?:\w+:)?v(?:\s[^>]*)?>(.*?)</(?:\w+:)?v>", re.S)


def parse_xml(data: bytes) -> Any:
    """An XML member of the zip as an element tree; defusedxml rejects entity and external-reference attacks."""
    return ElementTree.fromstring(data)


def merges_from_xml(xml: bytes) -> list[Merge]:
    """The merged ranges of a sheet part of an xlsx (``<mergeCell ref="B9:C10"/>``)."""
    first = xml.find(b"mergeCell")
    if first < 0:
        return []
    out = []
    # scanned from the tag of the first "mergeCell" (they follow the cells): no tag before it can match
    for a, r1, b, r2 in _MERGE.findall(xml, max(xml.rfind(b"<", 0, first), 0)):
        c1 = xml_column_number(a)
        out.append((int(r1), c1, int(r2 or r1), xml_column_number(b) if b else c1))
    return out


def merges_from_calamine(ranges: Iterable[tuple[tuple[int, int], tuple[int, int]]] | None) -> list[Merge]:
    """calamine's ``merged_cell_ranges`` (0-based corners; None for ods) as Merge tuples."""
    return [(r0 + 1, c0 + 1, r1 + 1, c1 + 1) for (r0, c0), (r1, c1) in ranges or ()]


def has_formula(xml: bytes) -> bool:
    """Whether a sheet part holds a formula element: ``_HAS_FORMULA.search(xml)``, found from its end (each
    match of ``_FORMULA_END`` checked from the tag it is in: the last "<" before it)."""
    for end in _FORMULA_END.finditer(xml):
        tag = xml.rfind(b"<", 0, end.start())
        if tag >= 0 and _HAS_FORMULA.match(xml, tag):
            return True
    return False


def formula_cells(xml: bytes) -> dict[tuple[int, int], bool]:
    """(row, column) of every cell holding a formula in a sheet part -> whether a computed value
    was saved with it (a file written by a program that never calculated has none)."""
    if not has_formula(xml):
        return {}
    out = {}
    for attrs, body in _FORMULA_CELL.findall(xml):
        ref = _REF.search(attrs)
        if ref is None or not _HAS_FORMULA.search(body):
            continue
        value = _VALUE.search(body)
        cached = value is not None and (bool(value.group(1)) or b't="str"' in attrs)
        out[(int(ref.group(2)), xml_column_number(ref.group(1)))] = cached
    return out
