"""How the ledger keeps a row: its values as JSON text (one C encoder made once for every row) and its
cross-unit key; read back with the date columns as ``date`` again."""
from __future__ import annotations

import json
from datetime import date, datetime
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any

from sheets_tools.core.records import FileResult, Row
from sheets_tools.formkit.declaration import TableSheet, load_forms
from sheets_tools.formkit.rows import identity_key

__all__ = ["dumps", "row_key_of", "rows_to_store", "typed_values"]


def rows_to_store(result: FileResult) -> list[tuple[str, int, str, str | None]]:
    """The valid rows of a checked file as ``record`` stores them: (sheet, row, values as JSON, cross-unit key)."""
    return [(r.sheet, r.row, dumps(r.values), row_key_of(result.form_id, r)) for r in result.rows if r.valid]


def row_key_of(form_id: str | None, row: Row) -> str | None:
    """The row's cross-unit key: as validate set it, or worked out here for rows built elsewhere."""
    if row.key is not None or form_id not in load_forms():
        return row.key
    sheet = next((s for s in load_forms()[form_id].sheets if s.key == row.sheet), None)
    return identity_key(sheet, row.values) if sheet else None


def typed_values(sheet: TableSheet, values: dict[str, Any]) -> dict[str, Any]:
    """Row values as stored (JSON) with the date columns turned back into ``date``."""
    out = dict(values)
    for col in sheet.columns:
        if col.type == "date" and isinstance(out.get(col.field), str):
            try:
                out[col.field] = date.fromisoformat(out[col.field][:10])
            except ValueError:
                pass
    return out


def dumps(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, default=_default)``, with one encoder for every row: the C
    encoder made once (``JSONEncoder.encode`` makes a new one for each call, a third of the time of a row)."""
    if _C_ENCODE is None:
        return _ENCODER.encode(value)
    return "".join(_C_ENCODE(value, 0))


def _default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


_ENCODER = json.JSONEncoder(ensure_ascii=False, default=_default)
# the arguments JSONEncoder.iterencode gives it for the settings of _ENCODER (no circular check: a row's values
# are cell values); None where Python has no C encoder
_C_ENCODE = (c_make_encoder(None, _default, encode_basestring, None, _ENCODER.key_separator,
                            _ENCODER.item_separator, False, False, True) if c_make_encoder is not None else None)
