"""The office's notes in the master's "Ghi chú" columns, read back and kept.

A master sheet whose rows the office may annotate has a "Ghi chú" column (yellow, unlocked) and, after
it, the hidden column "Mã dòng" holding each row's stable key (e.g. "status|VP|registration": the unit
and the form, not the row number), so a note stays with its unit or person when rows move. Before the
master is written again, every such column of the master the office last edited is read back and the
notes are stored in the ledger (``store.office``, scope ``SCOPE``) with where they were; an emptied cell
removes its note. A note whose row is no longer in the master stays in the ledger, is listed on
"Vấn đề tồn đọng" and comes back on its sheet when the row does. Text the office typed that starts with
"=" is kept and written back as text.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import python_calamine

from sheets_tools.core.values import coerce_text
from sheets_tools.store.ledger import Ledger
from sheets_tools.store.office import entries, store

SCOPE = "master.notes"
NOTE_LABEL = "Ghi chú"
ROW_KEY_LABEL = "Mã dòng"
HEADER_SCAN = 15
_UNIT_LABEL = "Mã đơn vị"


def stored(ledger: Ledger) -> dict[str, dict[str, Any]]:
    """The notes kept: row key -> {"note", "sheet", "unit", "where"}."""
    return entries(ledger, SCOPE)


def read_notes(path: Path) -> dict[str, dict[str, Any]] | None:
    """The notes of every "Ghi chú" column (with its "Mã dòng") of the master at ``path``: row key ->
    {"note": text or None, "sheet", "unit", "where"}; None when the file is not there or cannot be read
    (what is stored then stays as it is)."""
    if not path.is_file():
        return None
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        sheets = {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}
    except (OSError, ValueError, python_calamine.CalamineError):
        return None  # the office's other columns report an unreadable master (master.office)
    out: dict[str, dict[str, Any]] = {}
    for name, rows in sheets.items():
        found = _columns(rows)
        if found is None:
            continue
        header, note_col, key_col, unit_col = found
        for r in range(header + 1, len(rows)):
            cells = rows[r]
            key = coerce_text(cells[key_col]) if key_col < len(cells) else None
            if not key or "|" not in key:
                continue
            note = coerce_text(cells[note_col]) if note_col < len(cells) else None
            unit = coerce_text(cells[unit_col]) if unit_col is not None and unit_col < len(cells) else None
            out[key] = {"note": note or None, "sheet": name, "unit": unit or "",
                        "where": f"trang \"{name}\", dòng {r + 1}" + (f", đơn vị {unit}" if unit else "")}
    return out


def sync(ledger: Ledger, path: Path) -> int:
    """Store the notes read back from the master at ``path`` (an emptied cell removes its note); how many
    notes are kept."""
    found = read_notes(path)
    if found:
        kept = stored(ledger)
        changes: dict[str, dict[str, Any]] = {}
        for key, entry in found.items():
            if entry["note"] is None:
                if key in kept:
                    changes[key] = {field: None for field in kept[key]}
            else:
                changes[key] = entry
        store(ledger, SCOPE, changes)
    return sum(1 for e in stored(ledger).values() if e.get("note"))


def _columns(rows: list[list[Any]]) -> tuple[int, int, int, int | None] | None:
    """The header row and the columns of the note, the row key and the unit's code, if the sheet has them."""
    for r, cells in enumerate(rows[:HEADER_SCAN]):
        labels = [str(c).strip() if isinstance(c, str) else None for c in cells]
        if NOTE_LABEL in labels and ROW_KEY_LABEL in labels:
            unit = labels.index(_UNIT_LABEL) if _UNIT_LABEL in labels else None
            return r, labels.index(NOTE_LABEL), labels.index(ROW_KEY_LABEL), unit
    return None
