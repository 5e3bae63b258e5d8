"""Numbers a unit sees as percentages: a cell Excel shows as "95%" holds 0.95 (typing "95%" into a cell
stores 0.95 and gives it a percent format). The forms ask for the percent number itself (95), so such a
cell is read as what it shows: its value times 100.

Only xlsx files know their cells' formats; the check is one byte search of styles.xml when no cell style
has a percent format.
"""
from __future__ import annotations

import re
import zipfile
from typing import Any

from defusedxml import ElementTree

from sheets_tools.excel.legacy_cells import cell_styles

BUILTIN_PERCENT = {9, 10}  # 0% and 0.00%
_BUILTIN_BYTES = re.compile(rb'numFmtId\s*=\s*["\'](?:9|10)["\']')
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')  # literal text, an escaped character, a colour or condition

Rows = list[tuple[int, dict[str, Any]]]


def percent_formats(format_code: str) -> bool:
    """Whether a number format shows its value times 100 ("0%", "0.0%", "#,##0.00%"; not "0\\%" or "0"%"")."""
    return "%" in _QUOTED.sub("", format_code)


def percent_styles(zf: zipfile.ZipFile) -> set[int]:
    """The cell styles (positions in cellXfs) whose number format is a percentage."""
    try:
        data = zf.read("xl/styles.xml")
    except KeyError:
        return set()
    if b"%" not in data and not _BUILTIN_BYTES.search(data):
        return set()
    root = ElementTree.fromstring(data)
    custom = {int(f.get("numFmtId", "-1")) for f in root.iterfind("./{*}numFmts/{*}numFmt")
              if f.get("numFmtId", "").isdigit() and percent_formats(f.get("formatCode", ""))}
    out = set()
    for index, xf in enumerate(root.iterfind("./{*}cellXfs/{*}xf")):
        number = xf.get("numFmtId", "0").strip()
        if number.isdigit() and (int(number) in BUILTIN_PERCENT or int(number) in custom):
            out.add(index)
    return out


def as_shown(rows: Rows, columns: dict[str, int], sheet_xml: bytes, styles: set[int]) -> Rows:
    """``rows`` ((row, {field: value}) as intake reads them) with each number of a percent-styled cell
    times 100 (the input is not changed)."""
    if not styles or not rows:
        return rows
    first, last = min(r for r, _ in rows), max(r for r, _ in rows)
    cells = cell_styles(sheet_xml, first, last, min(columns.values()), max(columns.values()))
    out: Rows = []
    for row, values in rows:
        new = values
        for field, value in values.items():
            col = columns.get(field)
            if (col is not None and cells.get((row, col)) in styles and isinstance(value, (int, float))
                    and not isinstance(value, bool)):
                new = dict(new) if new is values else new
                new[field] = round(value * 100, 9)
        out.append((row, new))
    return out
