"""Legacy Vietnamese text in the cells of a workbook: which cells of an xlsx use a legacy font
(cell styles, rich-text runs), read straight from styles.xml, sharedStrings.xml and the sheet
XML; and the rows read from a sheet with that text converted to Unicode, each change kept as a
``Conversion`` for the warning that reports it. The conversion itself is legacy.py.
"""
from __future__ import annotations

import html
import re
import zipfile
from typing import Any, NamedTuple

from defusedxml import ElementTree

from sheets_tools.excel.columns import column_letter, xml_column_number
from sheets_tools.core.findings import Finding, finding
# MOJIBAKE_HINT: the test repair_mojibake starts with, run once over a whole table (fix_mojibake)
from sheets_tools.excel.legacy import MOJIBAKE_HINT, ENCODING_NAMES, convert_cell, legacy_kind, repair_mojibake


# --- fonts of cells in an xlsx ----------------------------------------------------------------
_LEGACY_FONT_BYTES = re.compile(rb'val\s*=\s*["\']\s*(?:\.vn|vni-)', re.IGNORECASE)
_LEGACY_RFONT_BYTES = re.compile(rb'rFont\s+val\s*=\s*["\']\s*(?:\.vn|vni-)', re.IGNORECASE)
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\b([^>]*?)(?:/>|>(.*?)</(?:[A-Za-z_][\w.-]*:)?c>)", re.S)
_REF = re.compile(rb'(?:^|\s)r="([A-Z]{1,3})(\d+)"')
_STYLE = re.compile(rb'(?:^|\s)s="(\d+)"')
_TYPE = re.compile(rb'(?:^|\s)t="(\w+)"')
_RUN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?r>(.*?)</(?:[A-Za-z_][\w.-]*:)?r>", re.S)
_RFONT = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?rFont\s+val="([^"]*)"')
_T = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?t(?:\s[^>]*)?>(.*?)</(?:[A-Za-z_][\w.-]*:)?t>", re.S)
_VALUE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v>\s*(\d+)\s*<")


def _names_legacy_font(data: bytes) -> bool:
    """``_LEGACY_FONT_BYTES.search(data)``, after a check at C speed for what every match holds
    (a case-insensitive pattern is scanned position by position)."""
    lowered = data.lower()
    return (b".vn" in lowered or b"vni-" in lowered) and _LEGACY_FONT_BYTES.search(data) is not None


def _names_legacy_run(data: bytes) -> bool:
    """``_LEGACY_RFONT_BYTES.search(data)``, after the same kind of check ("rfont" in any case)."""
    return b"rfont" in data.lower() and _LEGACY_RFONT_BYTES.search(data) is not None


def _member(zf: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        return zf.read(name)
    except KeyError:
        return None


def legacy_fonts(zf: zipfile.ZipFile) -> dict[int, str]:
    """Cell style index (position in cellXfs) -> legacy font name, for styles whose font is legacy.

    Empty (and cheap: one byte search) when the workbook uses no legacy font.
    """
    data = _member(zf, "xl/styles.xml")
    if not data or not _names_legacy_font(data):
        return {}
    root = ElementTree.fromstring(data)
    fonts = []
    for font in root.iterfind("./{*}fonts/{*}font"):
        name = font.find("{*}name")
        fonts.append(name.get("val", "") if name is not None else "")
    out = {}
    for index, xf in enumerate(root.iterfind("./{*}cellXfs/{*}xf")):
        font_id = xf.get("fontId", "0").strip()
        font_id = int(font_id) if font_id.isdigit() else 0
        name = fonts[font_id] if 0 <= font_id < len(fonts) else ""
        if legacy_kind(name):
            out[index] = name
    return out


def legacy_shared_strings(zf: zipfile.ZipFile) -> dict[int, list[tuple[str, str | None]]]:
    """Shared-string index -> its runs (text, run font or None), for rich strings with a legacy run.

    Empty (one byte search) when no run of any shared string names a legacy font.
    """
    data = _member(zf, "xl/sharedStrings.xml")
    if not data or not _names_legacy_run(data):
        return {}
    out = {}
    for index, si in enumerate(ElementTree.fromstring(data).iterfind("./{*}si")):
        runs = []
        for run in si.iterfind("./{*}r"):
            font = run.find("./{*}rPr/{*}rFont")
            runs.append(("".join(t.text or "" for t in run.iterfind("./{*}t")),
                         font.get("val") if font is not None else None))
        if any(legacy_kind(font) for _, font in runs):
            out[index] = runs
    return out


def _cells(sheet_xml: bytes, first_row: int, last_row: int, first_col: int, last_col: int):
    """(row, col, attributes, body) of each cell in the range; cells are in row order in an xlsx."""
    for match in _CELL.finditer(sheet_xml):
        attrs = match.group(1)
        ref = _REF.search(attrs)
        if ref is None:  # a cell without its reference (allowed, rare): position unknown here
            continue
        row = int(ref.group(2))
        if row > last_row:
            return
        col = xml_column_number(ref.group(1))
        if row >= first_row and first_col <= col <= last_col:
            yield row, col, attrs, match.group(2) or b""


def cell_styles(sheet_xml: bytes, first_row: int, last_row: int, first_col: int,
                last_col: int) -> dict[tuple[int, int], int]:
    """(row, col) -> style index (the ``s`` attribute, 0 when absent) of each cell in the range."""
    out = {}
    for row, col, attrs, _ in _cells(sheet_xml, first_row, last_row, first_col, last_col):
        style = _STYLE.search(attrs)
        out[row, col] = int(style.group(1)) if style else 0
    return out


def rich_cells(sheet_xml: bytes, first_row: int, last_row: int, first_col: int, last_col: int,
               shared: dict[int, list[tuple[str, str | None]]]) -> dict[tuple[int, int], list[tuple[str, str | None]]]:
    """(row, col) -> runs (text, run font or None) of each rich-text cell in the range with a legacy run.

    ``shared``: legacy_shared_strings(); inline rich strings (openpyxl writes them) are read here.
    """
    inline = _names_legacy_run(sheet_xml)
    out: dict[tuple[int, int], list[tuple[str, str | None]]] = {}
    if not shared and not inline:
        return out
    for row, col, attrs, body in _cells(sheet_xml, first_row, last_row, first_col, last_col):
        kind = _TYPE.search(attrs)
        kind = kind.group(1) if kind else b""
        if kind == b"s" and shared:
            value = _VALUE.search(body)
            runs = shared.get(int(value.group(1))) if value else None
        elif kind == b"inlineStr" and inline and b"rFont" in body:
            runs = _inline_runs(body)
        else:
            runs = None
        if runs and any(legacy_kind(font) for _, font in runs):
            out[row, col] = runs
    return out


def _inline_runs(body: bytes) -> list[tuple[str, str | None]]:
    runs = []
    for run in _RUN.findall(body):
        font = _RFONT.search(run)
        text = "".join(html.unescape(t.decode("utf-8")) for t in _T.findall(run))
        runs.append((text, html.unescape(font.group(1).decode("utf-8")) if font else None))
    return runs


# --- rows as intake produces them -------------------------------------------------------------
Rows = list[tuple[int, dict[str, Any]]]


class Conversion(NamedTuple):
    """One cell whose text was changed: legacy font (kind "tcvn3"/"vni") or mojibake ("mojibake")."""

    row: int
    field: str
    column: int
    kind: str
    font: str | None
    original: str
    value: str


class WorkbookLegacy(NamedTuple):
    """What one workbook holds in legacy fonts: cell styles and rich shared strings."""

    fonts: dict[int, str]
    rich: dict[int, list[tuple[str, str | None]]]


def scan_workbook(zf: zipfile.ZipFile) -> WorkbookLegacy:
    """Read once per workbook; cheap (two byte searches) when the workbook has no legacy font."""
    return WorkbookLegacy(legacy_fonts(zf), legacy_shared_strings(zf))


def fix_rows(raw_rows: Rows, styles: dict[tuple[int, int], int], fonts: dict[int, str],
             columns: dict[str, int], rich: dict[tuple[int, int], list[tuple[str, str | None]]] | None = None,
             ) -> tuple[Rows, list[Conversion]]:
    """Convert the text of legacy-font cells in ``raw_rows`` ((row, {field: value}) as intake reads them).

    ``styles``: (row, col) -> style index (cell_styles); ``fonts``: style -> legacy font
    (legacy_fonts); ``columns``: field -> column number; ``rich``: (row, col) -> runs of a rich
    shared string with a legacy run. Returns new rows (the input is not changed) and the conversions.
    """
    rich = rich or {}
    out: Rows = []
    conversions: list[Conversion] = []
    for row, values in raw_rows:
        new = dict(values)
        for field, value in values.items():
            col = columns.get(field)
            if not isinstance(value, str) or col is None:
                continue
            cell_font = fonts.get(styles.get((row, col), 0))
            runs = rich.get((row, col))
            converted, kind, font = (_convert_runs(value, runs, cell_font) if runs
                                     else (*convert_cell(value, cell_font), cell_font))
            if kind:
                new[field] = converted
                conversions.append(Conversion(row, field, col, kind, font, value, converted))
        out.append((row, new))
    return out, conversions


def _convert_runs(value: str, runs: list[tuple[str, str | None]], cell_font: str | None):
    """A rich string converted run by run (a run without its own font uses the cell's font)."""
    if "".join(text for text, _ in runs) != value:  # not the string calamine read: leave it
        return value, None, None
    parts, kind, font = [], None, None
    for text, run_font in runs:
        converted, run_kind = convert_cell(text, run_font or cell_font)
        parts.append(converted)
        if run_kind:
            kind, font = kind or run_kind, font or run_font or cell_font
    return "".join(parts), kind, font


def fix_sheet(zf: zipfile.ZipFile, sheet_path: str, raw_rows: Rows, columns: dict[str, int],
              legacy: WorkbookLegacy, xml: bytes | None = None) -> tuple[Rows, list[Conversion]]:
    """fix_rows for one sheet of an xlsx (``sheet_path``: its zip member); ``legacy``: scan_workbook(zf);
    ``xml``: the sheet part when the caller has already unzipped it.

    The sheet XML is only parsed when the workbook names a legacy font somewhere.
    """
    if not raw_rows:
        return raw_rows, []
    if xml is None:
        xml = _member(zf, sheet_path)
    if xml is None or not (legacy.fonts or legacy.rich or _names_legacy_run(xml)):
        return raw_rows, []
    bounds = (min(r for r, _ in raw_rows), max(r for r, _ in raw_rows), min(columns.values()), max(columns.values()))
    styles = cell_styles(xml, *bounds) if legacy.fonts else {}
    rich = rich_cells(xml, *bounds, legacy.rich)
    return fix_rows(raw_rows, styles, legacy.fonts, columns, rich)


def fix_mojibake(raw_rows: Rows, columns: dict[str, int]) -> tuple[Rows, list[Conversion]]:
    """repair_mojibake on every text value of ``raw_rows``; returns new rows and the repairs (``raw_rows``
    itself when no text can be mojibake: every one ASCII or without a lead byte followed by a continuation
    byte, decided for the whole table in one scan)."""
    texts = [v for _, values in raw_rows for v in values.values() if isinstance(v, str)]
    joined = "\n".join(texts)  # "\n" is neither a lead nor a continuation character: no match across texts
    if joined.isascii() or not MOJIBAKE_HINT.search(joined):
        return raw_rows, []
    out: Rows = []
    conversions: list[Conversion] = []
    for row, values in raw_rows:
        new = dict(values)
        for field, value in values.items():
            repaired = repair_mojibake(value) if isinstance(value, str) else None
            if repaired is not None:
                new[field] = repaired
                conversions.append(Conversion(row, field, columns.get(field, 0), "mojibake", None, value, repaired))
        out.append((row, new))
    return out, conversions


def conversion_finding(conversion: Conversion, sheet: str, label: str) -> Finding:
    """The warning for one converted cell: "cell.legacy_font" or "cell.mojibake"."""
    cell = f"{column_letter(conversion.column)}{conversion.row}" if conversion.column else None
    common = dict(sheet=sheet, cell=cell, field=conversion.field, value=conversion.value, label=label)
    if conversion.kind == "mojibake":
        return finding("cell.mojibake", original=conversion.original, **common)
    return finding("cell.legacy_font", font=conversion.font, encoding=ENCODING_NAMES[conversion.kind], **common)
