"""What the office types into the master workbook (checked scores, selections), read back.

The master is rewritten by every ``consolidate``; before that, the columns the office fills are
read back from the master it may have edited (``read_back``) and stored in the ledger
(``store.office``), so nothing typed there is lost. A form's rules module declares those columns
(``office_columns``). A value that cannot be taken (not a number, outside its column's range) and a
master that cannot be read, or has lost the sheet, leave the stored values as they are.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Literal

import python_calamine
from pydantic_core import PydanticCustomError

from sheets_tools.excel.columns import column_letter
from sheets_tools.excel.reader import sheet_parts
from sheets_tools.excel.sheetxml import formula_cells
from sheets_tools.campaign.criteria import EPS, number_text
from sheets_tools.campaign.model import Campaign
from sheets_tools.core.findings import Finding, finding
from sheets_tools.store.ledger import Ledger
from sheets_tools.store.office import entries, store
from sheets_tools.core.values import coerce_number, coerce_text
from sheets_tools.excel.tables import find_header

HEADER_SCAN = 15
MAX_SHEET_PART = 100 * 1024 * 1024  # the most of a sheet's XML read to tell a formula from an erased value
_BAD = object()  # a value the office typed that is not what its column expects
REFUSED = ("office.bad_number", "office.out_of_range", "office.formula_no_value")  # a typed cell not taken


@dataclass(frozen=True)
class Range:
    """The numbers a column takes for one row: ``low`` to ``high``; ``basis`` says where they come from."""

    low: float
    high: float
    basis: str = ""


@dataclass(frozen=True)
class OfficeColumn:
    field: str
    label: str
    type: Literal["number", "text"] = "text"
    # a number column's range for the row with this key (None: any number), e.g. a checked score
    bounds: Callable[[Campaign, str], Range | None] | None = None


@dataclass(frozen=True)
class OfficeColumns:
    """Columns of one master sheet the office fills in, found by their labels; rows by ``key_label``."""

    scope: str  # where the values are kept, e.g. "scoring.checked"
    sheet: str  # the master sheet's name
    key_label: str  # the column holding each row's key (e.g. "Mã đơn vị")
    columns: tuple[OfficeColumn, ...]
    former: tuple[str, ...] = ()  # the sheet's names in earlier versions of the master, read back too


def read_back(path: Path, spec: OfficeColumns, campaign: Campaign | None = None,
              stored: dict[str, dict[str, Any]] | None = None
              ) -> tuple[dict[str, dict[str, Any]] | None, list[Finding]]:
    """The office's values of ``spec`` in the master at ``path``: None when there is nothing to take
    back (no file; a file that cannot be read, or without the sheet, is also reported). A value that is
    not what the column expects (a number outside its ``bounds`` for ``campaign``) is left out and
    reported; so is an empty cell whose value is ``stored`` when the cell is a formula saved without its
    result (not an erased value: the stored one stays)."""
    if not path.is_file():
        return None, []
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        name = next((n for n in (spec.sheet, *spec.former) if n in book.sheet_names), None)
        if name is None:
            return None, [finding("office.no_sheet", file=str(path), sheet=spec.sheet)]
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except (OSError, ValueError, python_calamine.CalamineError) as exc:
        return None, [finding("office.unreadable", file=str(path), detail=f"{type(exc).__name__}: {exc}")]
    header, cols = _header(rows, spec)
    if header is None:
        return None, [finding("office.no_columns", file=str(path), sheet=name,
                              expected=", ".join(f"\"{c.label}\"" for c in spec.columns))]
    out: dict[str, dict[str, Any]] = {}
    problems: list[Finding] = []
    missing = [c for c in spec.columns if c.field not in cols]
    if missing:  # a column the office deleted or renamed: its stored values stay as they are
        problems.append(finding("office.no_columns", file=str(path), sheet=name,
                                expected=", ".join(f"\"{c.label}\"" for c in missing)))
    key_col = cols[None]
    emptied: list[tuple[_Cell, int, int, str, str]] = []  # cells read empty whose row has a stored value
    for r in range(header + 1, len(rows)):
        cells = rows[r]
        key = coerce_text(cells[key_col] if key_col < len(cells) else None)
        if not key:
            continue
        values = {}
        for column in spec.columns:
            c = cols.get(column.field)
            if c is None:
                continue
            raw = cells[c] if c < len(cells) else None
            at = _Cell(path, name, f"{column_letter(c + 1)}{r + 1}", key, campaign)
            value = _value(column, raw, at, problems)
            if value is not _BAD:  # a value that cannot be taken leaves the stored one as it is
                values[column.field] = value
            if value is None and (stored or {}).get(key, {}).get(column.field) is not None:
                emptied.append((at, r + 1, c + 1, key, column.field))
        out[key] = values
    if emptied:
        formulas = _formulas(path, name)
        for at, r, c, key, field in emptied:
            if formulas.get((r, c)) is False:  # a formula with no saved result: not an erased value
                del out[key][field]
                label = next(col.label for col in spec.columns if col.field == field)
                problems.append(finding("office.formula_no_value", file=str(path), sheet=at.sheet, cell=at.cell,
                                        label=label, key=key))
    return out, problems


def _formulas(path: Path, sheet: str) -> dict[tuple[int, int], bool]:
    """(row, column) of the formula cells of ``sheet`` in the workbook at ``path`` -> whether a result was
    saved with each; empty when the sheet's part cannot be read."""
    try:
        with zipfile.ZipFile(path) as zf:
            part = sheet_parts(zf).get(sheet)
            if part is None or zf.getinfo(part).file_size > MAX_SHEET_PART:
                return {}
            return formula_cells(zf.read(part))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return {}


def sync(ledger: Ledger, path: Path, specs: list[OfficeColumns], campaign: Campaign | None = None) -> list[Finding]:
    """Take the office's entries back from the master at ``path`` into the ledger (numbers checked
    against their columns' ranges for ``campaign``). What cannot be read changes nothing stored."""
    problems: list[Finding] = []
    for spec in specs:
        stored = entries(ledger, spec.scope)
        values, found = read_back(path, spec, campaign, stored)
        if not stored:  # nothing was typed there: a sheet or column not there says nothing
            found = [f for f in found if f.code not in ("office.no_sheet", "office.no_columns")]
        problems += found
        if values:
            store(ledger, spec.scope, values)
    return problems


@dataclass(frozen=True)
class _Cell:
    """Where a value was read: the file, sheet and cell, the row's key, the campaign for the ranges."""

    path: Path
    sheet: str
    cell: str
    key: str
    campaign: Campaign | None


def _header(rows: list[list[Any]], spec: OfficeColumns) -> tuple[int | None, dict]:
    """The header row of ``spec``'s table (the row holding its key label) and field -> column."""
    header = find_header(rows, {None: spec.key_label, **{c.field: c.label for c in spec.columns}}, scan=HEADER_SCAN,
                         required=[None], similar=None)
    return (None, {}) if header is None else (header.row, header.columns)


def _value(column: OfficeColumn, raw: Any, at: _Cell, problems: list[Finding]) -> Any:
    if raw is None or raw == "":
        return None
    if column.type == "text":
        return coerce_text(raw)
    try:
        value = coerce_number(raw)
    except PydanticCustomError:
        problems.append(finding("office.bad_number", file=str(at.path), sheet=at.sheet, cell=at.cell, value=str(raw),
                                label=column.label))
        return _BAD
    allowed = column.bounds(at.campaign, at.key) if column.bounds and at.campaign and value is not None else None
    if allowed is not None and not allowed.low - EPS <= value <= allowed.high + EPS:
        problems.append(finding("office.out_of_range", file=str(at.path), sheet=at.sheet, cell=at.cell,
                                value=number_text(value) if abs(value) < 1e12 else f"{value:g}", label=column.label,
                                key=at.key, low=number_text(allowed.low), high=number_text(allowed.high),
                                basis=f" ({allowed.basis})" if allowed.basis else ""))
        return _BAD
    return value
