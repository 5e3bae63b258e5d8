"""Row models: one pydantic model per declared sheet, built from the form declaration.

The ``coerce_*`` functions of ``core.values`` turn cell values into clean ones or raise
``PydanticCustomError`` whose type is our finding code, so ``validate`` can map a pydantic
error straight to a Finding (the error's ``ctx`` fills the message).
"""
from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated, Any, Callable

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter, create_model
from pydantic_core import PydanticCustomError

from sheets_tools.core.values import (_error, choice_table, coerce_choice, coerce_date, coerce_integer,
                                      coerce_number, coerce_text, format_date, refuse_boolean)
from sheets_tools.formkit.declaration import Column, TableSheet, resolve_choices

SUBJECT_WORDS = {"individual": "cá nhân", "collective": "tập thể"}
KIND_WORDS = {"title": "danh hiệu thi đua", "form": "hình thức khen thưởng"}


# --- per-column validators ----------------------------------------------------------------------
def _check_date(column: Column, year: int, value: Any) -> date | None:
    day = coerce_date(value)
    if day is None:
        return None
    too_early = column.min_date is not None and day < column.min_date
    too_late = column.max_age_years is not None and day > date(year - column.max_age_years, 12, 31)
    if too_early or too_late:
        raise _error("cell.date_range", shown=format_date(day))
    return day


def _check_number(column: Column, coerce: Callable[[Any], float | int | None], value: Any) -> float | int | None:
    number = coerce(value)
    if number is None:
        return None
    if (column.minimum is not None and number < column.minimum) or (
            column.maximum is not None and number > column.maximum):
        raise _error("cell.out_of_range", range=_range_text(column.minimum, column.maximum))
    return number


def _range_text(minimum: float | None, maximum: float | None) -> str:
    """" (từ 0 đến 2,5)", " (không nhỏ hơn 0)" or " (không lớn hơn 10)"."""
    lo, hi = _plain(minimum), _plain(maximum)
    if lo and hi:
        return f" (từ {lo} đến {hi})"
    return f" (không nhỏ hơn {lo})" if lo else f" (không lớn hơn {hi})"


def _plain(number: float | None) -> str:
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else str(number).replace(".", ",")


def _check_choice(column: Column, choices: dict[str, str], wrong_place: Callable[[str], None],
                  value: Any) -> str | None:
    try:
        return coerce_choice(value, choices)
    except PydanticCustomError:
        if column.catalogue:
            wrong_place(coerce_text(value) or "")
        raise


def _catalogue_misplacement(sheet: TableSheet, column: Column, campaign: Any, text: str) -> None:
    """Raise a row.* error when ``text`` names a catalogue item meant for another column."""
    if not column.catalogue or column.catalogue == "movement":
        return
    item = campaign.catalogue_item(text)
    if item is None:
        return
    kind, subject = column.catalogue.split(":")
    if item.kind != kind:
        right = next((c for c in sheet.columns if c.catalogue == f"{item.kind}:{subject}"), None)
        raise _error("row.title_is_form", actual=KIND_WORDS[item.kind], expected=KIND_WORDS[kind],
                     label=right.label if right else KIND_WORDS[item.kind])
    if item.subject != subject:
        raise _error("row.title_wrong_subject", expected=SUBJECT_WORDS[item.subject],
                     subject=SUBJECT_WORDS[subject])


def _required(column: Column, check: Callable[[Any], Any], value: Any) -> Any:
    result = check(value)
    if result is None and column.required:
        raise _error("cell.required")
    return result


# Choice values repeat (the same few titles, "Nam"/"Nữ"...): remember the answer per raw text.
_MEMO_LIMIT = 4096


def _text_validator(column: Column) -> Callable[[Any], Any]:
    """A text cell: normalised without control characters, not longer than the column allows, present if
    required; never a TRUE/FALSE cell (nor, in a name column, the words TRUE/FALSE). Accepted texts are
    remembered per raw string (names, positions and notes repeat), as choices are (_remembered)."""
    limit, required, alphabetic = column.max_length, column.required, column.alphabetic
    def check(value: Any) -> str | None:
        if type(value) is not str or alphabetic:
            refuse_boolean(value, words=alphabetic)
        text = coerce_text(value)
        if text is None:
            if required:
                raise _error("cell.required")
            return None
        if len(text) > limit:
            raise _error("cell.too_long", limit=limit)
        if alphabetic and not any(ch.isalpha() for ch in text):
            raise _error("cell.no_letters")
        return text
    return _remembered(check)


def _date_validator(column: Column, year: int) -> Callable[[Any], Any]:
    """_required(_check_date) in one frame, with a fast path for a cell that already is a date."""
    try:
        latest = date(year - column.max_age_years, 12, 31) if column.max_age_years is not None else None
    except ValueError:  # an absurd year: keep the per-cell computation and its error
        return partial(_required, column, partial(_check_date, column, year))
    earliest, required = column.min_date, column.required

    def check(value: Any) -> date | None:
        day = value if type(value) is date else coerce_date(value)
        if day is None:
            if required:
                raise _error("cell.required")
            return None
        if (earliest is not None and day < earliest) or (latest is not None and day > latest):
            raise _error("cell.date_range", shown=format_date(day))
        return day
    return check


def _remembered(slow: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``slow`` (the full check) with its successes remembered per raw string.

    Only accepted values are remembered: an empty or wrong value takes the full path every time,
    so every error (required, bad choice, misplaced catalogue item) is raised exactly as before.
    """
    memo: dict[str, Any] = {}

    def check(value: Any) -> Any:
        if type(value) is str:
            known = memo.get(value)
            if known is not None:
                return known
            result = slow(value)
            if result is not None and len(memo) < _MEMO_LIMIT:
                memo[value] = result
            return result
        return slow(value)
    return check


def column_validator(sheet: TableSheet, column: Column, campaign: Any) -> Callable[[Any], Any]:
    """The function that turns one raw cell value of ``column`` into a clean value (or raises)."""
    if column.type == "text":
        return _text_validator(column)
    if column.type == "date":
        return _date_validator(column, campaign.info.year)
    if column.type in ("integer", "number"):
        check = partial(_check_number, column, coerce_integer if column.type == "integer" else coerce_number)
        return partial(_required, column, check)
    choices = choice_table(resolve_choices(column, campaign) or [])
    check = partial(_check_choice, column, choices, partial(_catalogue_misplacement, sheet, column, campaign))
    return _remembered(partial(_required, column, check))


_PY_TYPES = {"text": str, "date": date, "integer": int, "number": float, "choice": str}
_CACHE: dict[tuple, type[BaseModel]] = {}
# In front of _CACHE: hashing the key (frozen pydantic objects) costs more than comparing it with the
# key last used for the same objects, which tuple equality does by identity first.
_RECENT: dict[tuple[int, int], tuple[tuple, type[BaseModel]]] = {}


def row_model(sheet: TableSheet, campaign: Any) -> type[BaseModel]:
    """The pydantic model of one row of ``sheet`` (cached per sheet declaration and campaign)."""
    key = (sheet, campaign.id, campaign.info.year, tuple(campaign.catalogue), tuple(campaign.movements),
           tuple(campaign.lists))
    recent = _RECENT.get((id(sheet), id(campaign)))
    if recent is not None and recent[0] == key:
        return recent[1]
    model = _CACHE.get(key)
    if model is None:
        fields = {
            c.field: (Annotated[_PY_TYPES[c.type] | None, BeforeValidator(column_validator(sheet, c, campaign))],
                      Field(default=None, validate_default=True))
            for c in sheet.columns
        }
        model = create_model(f"Row_{sheet.key}", __config__=ConfigDict(extra="ignore"), **fields)
        _CACHE[key] = model
    if len(_RECENT) >= 64:
        _RECENT.clear()
    _RECENT[(id(sheet), id(campaign))] = (key, model)
    return model


_ADAPTERS: dict[type[BaseModel], TypeAdapter] = {}


def list_adapter(model: type[BaseModel]) -> TypeAdapter:
    """A TypeAdapter of ``list[model]``: a whole table validated in one call (cached per model)."""
    adapter = _ADAPTERS.get(model)
    if adapter is None:
        if len(_ADAPTERS) >= 64:
            _ADAPTERS.clear()
        adapter = _ADAPTERS[model] = TypeAdapter(list[model])
    return adapter
