"""Cell values as spreadsheets hand them over, made clean.

Spreadsheets hand over floats for integers (7.0), dates or datetimes, Excel serial numbers
and text typed every which way. The ``coerce_*`` functions turn those into clean values or
raise ``PydanticCustomError`` whose type is our finding code, so ``validate`` can map a
pydantic error straight to a Finding (the error's ``ctx`` fills the message).
"""
from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from typing import Any

from pydantic_core import PydanticCustomError

from sheets_tools.core.text import clean, fold, normalize

# Excel's 1900 date system: serial 1 is 01/01/1900 and serial 60 the phantom 29/02/1900,
# so from serial 61 on, day 0 is 30/12/1899.
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 61, 73415  # 01/03/1900 .. 31/12/2100
_BARE_YEAR = range(1900, 2101)  # a number like 1985 in a date column is a year, not a serial

_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_INTEGER = re.compile(r"^[+-]?\d+(?:[.,]0+)?$")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
# the largest number Excel holds (9,99999999999999E+307): a larger one, NaN or infinity is no number a
# workbook can show (xlsxwriter refuses to write the last two)
LARGEST = 9.99999999999999e307


def _error(code: str, **ctx: Any) -> PydanticCustomError:
    return PydanticCustomError(code, code, ctx)


def is_empty(value: Any) -> bool:
    """None, "" and whitespace-only strings count as empty cells."""
    if isinstance(value, str):
        return not value[:1].isalnum() and not normalize(value)  # most text starts with a letter
    return value is None


def format_date(value: date) -> str:
    """dd/mm/yyyy, the way dates are written in Vietnam."""
    return value.strftime("%d/%m/%Y")


# --- plain coercion functions (also hit directly by property tests) -------------------------------
def coerce_text(value: Any) -> str | None:
    """Any cell value as normalised text without control characters (core.text.clean); 7.0 -> "7";
    dates as dd/mm/yyyy; TRUE/FALSE for a boolean (the text validators refuse it); empty -> None."""
    if type(value) is str:  # the common case first: exactly what the last line does for a str
        return clean(value) or None
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return format_date(value) if value.time() == datetime.min.time() else value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return format_date(value)
    return clean(str(value)) or None


def refuse_boolean(value: Any, *, words: bool = False) -> None:
    """Raise cell.boolean for a TRUE/FALSE cell (what Excel makes of a typed "true", a ticked box or a
    comparison formula), never text; with ``words``, for the typed words TRUE/FALSE too (a name column:
    no name is TRUE, and a boolean pasted as text or saved by another program arrives as that word)."""
    if isinstance(value, bool):
        raise _error("cell.boolean", shown="TRUE" if value else "FALSE")
    if words and isinstance(value, str) and len(value) < 12 and normalize(value).upper() in _BOOLEAN_WORDS:
        raise _error("cell.boolean", shown=normalize(value))


_BOOLEAN_WORDS = {"TRUE", "FALSE"}


def serial_to_date(serial: float) -> date:
    """The date of an Excel serial number (1900 date system; the time part is dropped)."""
    return _EXCEL_EPOCH + timedelta(days=math.floor(serial))


def date_to_serial(value: date) -> int:
    """The Excel serial number of a date from 01/03/1900 on (inverse of serial_to_date)."""
    return (value - _EXCEL_EPOCH).days


def coerce_date(value: Any) -> date | None:
    """A date from a date/datetime, an Excel serial number or text (dd/mm/yyyy, yyyy-mm-dd, ...)."""
    if is_empty(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if math.isfinite(value) and _SERIAL_MIN <= value <= _SERIAL_MAX and value not in _BARE_YEAR:
            return serial_to_date(value)
        raise _error("cell.bad_date")
    if isinstance(value, str):
        text = normalize(value)
        if m := _DMY.match(text):
            day, month, year = map(int, m.groups())
        elif m := _YMD.match(text):
            year, month, day = map(int, m.groups())
        else:
            raise _error("cell.bad_date")
        try:
            return date(year, month, day)
        except ValueError:
            raise _error("cell.bad_date") from None
    raise _error("cell.bad_date")


def coerce_integer(value: Any) -> int | None:
    """7, 7.0, "7", " 7 ", "7,0" -> 7; 7.5, "abc", NaN or infinity -> cell.bad_integer; a number beyond
    ``LARGEST`` -> cell.too_large."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise _error("cell.bad_integer")
    if isinstance(value, (int, float)):
        if not -LARGEST <= value <= LARGEST:
            raise _beyond(value, "cell.bad_integer")
        if isinstance(value, int):
            return value
        if value.is_integer():
            return int(value)
        raise _error("cell.bad_integer")
    text = normalize(str(value)).replace(" ", "")
    if _INTEGER.match(text):
        digits = re.split(r"[.,]", text)[0]
        number = int(digits) if len(digits.lstrip("+-0")) <= 310 else math.inf  # int() refuses 4,300 digits
        if -LARGEST <= number <= LARGEST:
            return number
        raise _beyond(value, "cell.bad_integer")
    raise _error("cell.bad_integer")


def coerce_number(value: Any) -> float | None:
    """A number; text may use the Vietnamese decimal comma ("1,5") or a point ("1.5"), and end with "%" ("95%" is
    95, as the forms ask for the percent number). NaN or infinity (a
    cell holding 1E+400) -> cell.bad_number; a number beyond ``LARGEST`` (400 digits typed) -> cell.too_large."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise _error("cell.bad_number")
    if isinstance(value, (int, float)):
        if -LARGEST <= value <= LARGEST:
            return float(value)
        raise _beyond(value, "cell.bad_number")
    text = _decimal_point(normalize(str(value)).replace(" ", "").removesuffix("%"))  # "95%": the percent 95
    if _NUMBER.match(text):
        number = float(text)
        if -LARGEST <= number <= LARGEST:
            return number
        raise _beyond(value, "cell.bad_number")
    raise _error("cell.bad_number")


def _beyond(raw: Any, code: str) -> PydanticCustomError:
    """``code`` for a NaN or infinity a cell holds, shown as "NaN" or "∞"; cell.too_large for a number beyond
    ``LARGEST``, shown as a unit would recognise it (a long text cut)."""
    if isinstance(raw, float) and not math.isfinite(raw):
        return _error(code, shown="NaN" if math.isnan(raw) else "∞" if raw > 0 else "-∞")
    if isinstance(raw, float):
        shown = f"{raw:G}"
    elif isinstance(raw, int):  # digits counted without str(), which refuses 4,300 of them
        shown = f"{'-' if raw < 0 else ''}1E+{int(abs(raw).bit_length() * math.log10(2))}"
    else:
        text = normalize(str(raw))
        shown = text if len(text) <= 24 else f"{text[:12]}… ({len(text)} ký tự)"
    return _error("cell.too_large", shown=shown)


def _decimal_point(text: str) -> str:
    """"1.234,5" and "1,234.5" -> "1234.5"; "1,5" -> "1.5"; "1.234.567" -> "1234567"."""
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        return text.replace(thousands, "").replace(decimal, ".")
    for sep in (",", "."):
        if text.count(sep) > 1:
            return text.replace(sep, "")
    return text.replace(",", ".")


def coerce_choice(value: Any, choices: list[str] | dict[str, str]) -> str | None:
    """The canonical spelling of a choice, matched case-insensitively; else cell.bad_choice.

    ``choices`` is the list of allowed values, or a prepared {fold(choice): choice} table.
    """
    refuse_boolean(value)
    text = coerce_text(value)
    if text is None:
        return None
    table = choices if isinstance(choices, dict) else choice_table(choices)
    try:
        return table[fold(text)]
    except KeyError:
        raise _error("cell.bad_choice") from None


def choice_table(choices: list[str]) -> dict[str, str]:
    """{fold(choice): choice}; the first spelling wins."""
    table: dict[str, str] = {}
    for choice in choices:
        table.setdefault(fold(choice), choice)
    return table
