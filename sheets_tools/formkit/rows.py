"""Where a row's cells are in a unit's file, the keys that compare rows, and a row's description:
what validation, the ledger and each form's rules share about rows."""
from __future__ import annotations

from datetime import date
from typing import Any

from pydantic_core import PydanticCustomError

from sheets_tools.core.findings import Finding, finding
from sheets_tools.core.records import FileResult, Row
from sheets_tools.core.text import fold
from sheets_tools.core.values import coerce_date, coerce_number, coerce_text, format_date
from sheets_tools.formkit.declaration import Column, TableSheet


def identity_key(sheet: TableSheet, values: dict) -> str | None:
    """The text key of a row across units (``unique_across_units``), stored in the ledger."""
    return key_text(sheet, row_key(sheet, sheet.unique_across_units, values)) if sheet.unique_across_units else None



def key_text(sheet: TableSheet, key: tuple | None) -> str | None:
    return None if key is None else sheet.key + "\x1f" + "\x1f".join(map(str, key))



def placed(result: FileResult, sheet: TableSheet, column: Column) -> tuple[str, str]:
    """The sheet name and column letter of ``column`` in the unit's file (intake found them,
    the unit may have renamed the sheet or moved the column); the declared ones otherwise."""
    where = result.placements.get(sheet.key)
    if where is None:
        return sheet.name, column.letter
    return where.sheet, where.letters.get(column.field, column.letter)



def finding_at(result: FileResult, sheet: TableSheet, row: Row | None, code: str, field: str,
               **context: Any) -> Finding:
    """A finding on ``field`` of ``row`` where it really is in the unit's file (no cell without a row)."""
    name, letter = placed(result, sheet, sheet.column(field))
    return finding(code, sheet=name, cell=f"{letter}{row.row}" if row else None, field=field,
                   file=result.incoming.source, unit=result.unit_code, **context)



def display(value: Any) -> Any:
    """A raw cell value as a unit would recognise it in a message: dates dd/mm/yyyy, 7.0 as 7."""
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value



def row_key(sheet: TableSheet, fields: tuple[str, ...], values: dict) -> tuple | None:
    """A comparison key over ``fields`` (folded text, dates, numbers); None if any is empty."""
    key = []
    for name in fields:
        part = _key_part(sheet.column_map[name], values.get(name))
        if part is None:
            return None
        key.append(part)
    return tuple(key)



def _key_part(column: Column, value: Any) -> Any:
    if type(value) is date and column.type == "date":  # already validated: the common case
        return value
    if isinstance(value, str) and column.type in ("text", "choice"):
        return fold(value) or None
    try:
        if column.type == "date":
            return coerce_date(value)
        if column.type in ("integer", "number"):
            return coerce_number(value)
    except PydanticCustomError:
        pass
    text = coerce_text(value)
    return fold(text) if text is not None else None



def describe_row(sheet: TableSheet, values: dict) -> str:
    """``sheet.what`` filled with the row's values (dates as dd/mm/yyyy)."""
    shown = _Blank()
    for column in sheet.columns:
        value = values.get(column.field)
        if column.type == "date":
            try:
                value = coerce_date(value)
            except PydanticCustomError:
                pass
        shown[column.field] = "" if value is None else display(value)
    return sheet.what.format_map(shown)



class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""
