"""What the office types into the master workbook (checked scores, selections), read back.

The master is rewritten by every ``consolidate``; before that, the columns the office fills are
read back from the master it may have edited (``read_back``) and stored in the ledger
(``store.office``), so nothing typed there is lost. A form's rules module declares those columns
(``office_columns``).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import python_calamine
from openpyxl.utils import get_column_letter
from pydantic_core import PydanticCustomError

from sheets_tools.core.findings import Finding, finding
from sheets_tools.store.ledger import Ledger
from sheets_tools.store.office import store
from sheets_tools.core.values import coerce_number, coerce_text
from sheets_tools.excel.tables import find_header

HEADER_SCAN = 15
_BAD = object()  # a value the office typed that is not what its column expects


@dataclass(frozen=True)
class OfficeColumn:
    field: str
    label: str
    type: Literal["number", "text"] = "text"


@dataclass(frozen=True)
class OfficeColumns:
    """Columns of one master sheet the office fills in, found by their labels; rows by ``key_label``."""

    scope: str  # where the values are kept, e.g. "scoring.checked"
    sheet: str  # the master sheet's name
    key_label: str  # the column holding each row's key (e.g. "Mã đơn vị")
    columns: tuple[OfficeColumn, ...]


def read_back(path: Path, spec: OfficeColumns) -> tuple[dict[str, dict[str, Any]] | None, list[Finding]]:
    """The office's values of ``spec`` in the master at ``path``: None when the file or sheet is not
    there (nothing to take back). A value that is not what the column expects is left out and reported."""
    if not path.is_file():
        return None, []
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        if spec.sheet not in book.sheet_names:
            return None, []
        rows = book.get_sheet_by_name(spec.sheet).to_python(skip_empty_area=False)
    except (OSError, ValueError, python_calamine.CalamineError) as exc:
        return None, [finding("office.unreadable", file=str(path), detail=f"{type(exc).__name__}: {exc}")]
    header, cols = _header(rows, spec)
    if header is None:
        return None, [finding("office.no_columns", file=str(path), sheet=spec.sheet,
                              expected=", ".join(f"\"{c.label}\"" for c in spec.columns))]
    out: dict[str, dict[str, Any]] = {}
    problems: list[Finding] = []
    missing = [c for c in spec.columns if c.field not in cols]
    if missing:  # a column the office deleted or renamed: its stored values stay as they are
        problems.append(finding("office.no_columns", file=str(path), sheet=spec.sheet,
                                expected=", ".join(f"\"{c.label}\"" for c in missing)))
    key_col = cols[None]
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
            value = _value(column, raw, path, spec.sheet, r, c, problems)
            if value is not _BAD:  # a value that cannot be read leaves the stored one as it is
                values[column.field] = value
        out[key] = values
    return out, problems


def sync(ledger: Ledger, path: Path, specs: list[OfficeColumns]) -> list[Finding]:
    """Take the office's entries back from the master at ``path`` into the ledger."""
    problems: list[Finding] = []
    for spec in specs:
        values, found = read_back(path, spec)
        problems += found
        if values:
            store(ledger, spec.scope, values)
    return problems


def _header(rows: list[list[Any]], spec: OfficeColumns) -> tuple[int | None, dict]:
    """The header row of ``spec``'s table (the row holding its key label) and field -> column."""
    header = find_header(rows, {None: spec.key_label, **{c.field: c.label for c in spec.columns}}, scan=HEADER_SCAN,
                         required=[None], similar=None)
    return (None, {}) if header is None else (header.row, header.columns)


def _value(column: OfficeColumn, raw: Any, path: Path, sheet: str, r: int, c: int | None,
           problems: list[Finding]) -> Any:
    if raw is None or raw == "":
        return None
    if column.type == "text":
        return coerce_text(raw)
    try:
        return coerce_number(raw)
    except PydanticCustomError:
        pass
    problems.append(finding("office.bad_number", file=str(path), sheet=sheet, cell=f"{get_column_letter((c or 0) + 1)}{r + 1}",
                            value=str(raw), label=column.label))
    return _BAD
