"""Take one returned file in: open it safely, identify form and unit, and read only the declared
input ranges.

Nothing here raises for a bad file: every problem becomes a Finding on the file's FileResult.
Opening (limits, sniffing, decryption, the readers) is excel.reader; gathering the files and
e-mails is collection.gather; which form and unit, collection.identify; where the unit left each
declared table, collection.layout.
"""
from __future__ import annotations

import zipfile
from typing import Any


from sheets_tools.excel.columns import column_number
from sheets_tools.campaign.model import Campaign
from sheets_tools.collection import layout
from sheets_tools.collection.identify import find_sheets, identify, read_depth
from sheets_tools.core.findings import finding
from sheets_tools.core.records import FileResult, Incoming, Placement
from sheets_tools.core.text import normalize
from sheets_tools.excel import legacy_cells, percent, sandbox
from sheets_tools.excel.limits import TooLarge, child_finding
from sheets_tools.excel.reader import Book, open_book
from sheets_tools.excel.sniff import failure_words
from sheets_tools.excel.sheetxml import formula_cells, merges_from_calamine, merges_from_xml
from sheets_tools.formkit.declaration import Form, TableSheet


def read(incoming: Incoming, campaign: Campaign) -> tuple[FileResult, dict]:
    """Sniff, check, identify and read the declared ranges of one file.

    Returns the FileResult (form, unit, findings so far) and ``raw``: sheet key ->
    list of (row number, {field: raw value}). Never raises for a bad file.
    """
    result = FileResult(incoming)
    try:
        raw = _read(incoming, campaign, result)
    except TooLarge as exc:
        result.findings.append(finding("file.too_large", detail=str(exc)))
        raw = {}
    except sandbox.ChildFailed as exc:
        result.findings.append(child_finding(exc, campaign.limits))
        raw = {}
    except zipfile.BadZipFile as exc:  # a member whose data does not match the zip directory
        result.findings.append(finding("file.truncated", detail=f"tệp nén (zip) bị hỏng: {str(exc)[:200]}"))
        raw = {}
    except Exception as exc:  # per-file boundary: any reader failure becomes a finding naming its type
        result.findings.append(finding("file.unreadable", detail=failure_words(exc)))
        raw = {}
    for f in result.findings:
        f.file = incoming.source
        f.unit = f.unit or result.unit_code
    return result, raw


def _read(incoming: Incoming, campaign: Campaign, result: FileResult) -> dict:
    book = open_book(incoming.data, incoming.name, campaign.limits, result.findings,
                     lambda: _passwords(incoming.name, campaign))
    if book is None:
        return {}
    form = identify(book, campaign, result)
    if form is None:
        return {}
    return _read_sheets(book, form, result)


def _passwords(name: str, campaign: Campaign) -> list[str]:
    """The campaign's unit passwords, those of units whose code is in the file name first."""
    lowered = name.lower()
    first = [campaign.password(u.code) for u in campaign.units if u.code.lower() in lowered]
    return list(dict.fromkeys(p for p in first + campaign.passwords() if p))


# --- read the declared ranges -----------------------------------------------------------------
def _read_sheets(book: Book, form: Form, result: FileResult) -> dict:
    """Each declared table, found where the unit left it (layout.locate), into ``raw``; where it is
    goes to ``result.placements`` so findings name the real cells. A table whose columns cannot be
    mapped is not read (its values would land in the wrong fields): its findings say why."""
    raw: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    found = find_sheets(book, form)
    for sheet in form.sheets:
        name = found.get(sheet.key)
        if name is None:
            if not sheet.optional:
                result.findings.append(finding("sheet.missing", sheet=sheet.name))
            continue
        if normalize(name) != normalize(sheet.name):  # the same name in another Unicode form is the same name
            result.findings.append(finding("sheet.renamed", sheet=name, value=name, expected=sheet.name))
        table = _header_changes(book, sheet, name)
        result.findings.extend(table.findings)
        if table.readable:
            raw[sheet.key] = _percent_shown(book, name, table, _legacy_text(book, sheet, name, table, result))
            result.placements[sheet.key] = Placement(name, table.header_row + 1, table.letters)
    return raw


def _legacy_text(book: Book, sheet: TableSheet, name: str, table: layout.Table, result: FileResult) -> list:
    """Text typed with TCVN3/VNI fonts (xlsx: by the cell's font) or mis-decoded UTF-8, made Unicode,
    each conversion reported as a warning. Runs before any normalisation (TCVN3 "ư" is U+00AD)."""
    columns = {f: column_number(letter) for f, letter in table.letters.items()}
    rows, conversions = table.rows, []
    zf = book.zf
    path = book.sheet_paths.get(name) if zf is not None else None
    if path is not None:
        if book.legacy is None:
            book.legacy = legacy_cells.scan_workbook(zf)
        rows, conversions = legacy_cells.fix_sheet(zf, path, rows, columns, book.legacy, xml=book.sheet_xml(name))
    rows, repaired = legacy_cells.fix_mojibake(rows, columns)
    for c in conversions + repaired:
        result.findings.append(legacy_cells.conversion_finding(c, name, sheet.column(c.field).label))
    return rows


def _percent_shown(book: Book, name: str, table: layout.Table, rows: list) -> list:
    """Numbers in cells formatted as a percentage read as the unit sees them (0.95 shown "95%": 95)."""
    if book.zf is None:
        return rows
    if book.percent is None:
        book.percent = percent.percent_styles(book.zf)
    xml = book.sheet_xml(name) if book.percent else None
    if xml is None:
        return rows
    return percent.as_shown(rows, {f: column_number(letter) for f, letter in table.letters.items()}, xml,
                            book.percent)


def _header_changes(book: Book, sheet: TableSheet, name: str) -> layout.Table:
    """The table of ``sheet`` on the file's sheet ``name``, with what the unit changed in it."""
    xml = book.sheet_xml(name)
    if xml is not None:
        merges, formulas = merges_from_xml(xml), formula_cells(xml)
    else:  # not an xlsx: calamine knows the merges (xls; None for ods), formulas are not seen
        merges, formulas = merges_from_calamine(book.merged_ranges(name)), {}
    rows = book.rows(name, read_depth()) or []
    return layout.locate(rows, sheet, name, merges=merges, formulas=formulas, limit=read_depth())
