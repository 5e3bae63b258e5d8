"""Find a declared table (a form's TableSheet) in a returned sheet that the unit may have altered.

Pure functions over the values python-calamine gives for a sheet: ``rows`` where row n is at
index n-1 and column c at index c-1 (absolute positions from A1, '' for an empty cell), as
``sheet.to_python(skip_empty_area=False, nrows=...)`` returns them. Row and column numbers here
are 1-based, as in the sheet. They locate the header row by its labels (excel.tables), map each
declared field to the column whose label matches, read every non-blank row down to the end of
the data, and say in findings what they tolerated (a warning) or what the unit must fix (an
error). Row numbers and cell references in findings are the real ones.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from typing import Any, Callable, Iterable


from sheets_tools.excel.columns import column_letter, column_number
from sheets_tools.core.findings import ERROR, Finding, finding
from sheets_tools.core.text import fold
from sheets_tools.core.values import format_date, is_empty
from sheets_tools.excel.sheetxml import Merge
from sheets_tools.excel.tables import HEADER_SCAN, LabelMatch, best_header, cell_text, match_row, spans
from sheets_tools.formkit.declaration import (HEADER_ROW, ID_SHEET, LIST_SHEET, ROW_NUMBER_LABEL, UNIT_CODE_ROW,
                                              UNIT_NAME_ROW, UNIT_VALUE_COL, TableSheet)

ROWS_BELOW = 2000  # rows read below the deepest declared table (inserted rows, data typed below)
BLANK_RUN = 20  # below the declared table, this many blank rows in a row end the data
# Text collection/templates.py writes under the table (the note row, then the signature block): never data.
FOOTER_MARKS = ("ghi chú: cột có tiêu đề", "người lập biểu", "thủ trưởng đơn vị")
_FOOTER_STARTS = frozenset(m[:3] for m in FOOTER_MARKS)  # templates.py writes these texts (NFC) itself
UNIT_LABELS = {"đơn vị": "name", "mã đơn vị": "code"}
Rows = list[list[Any]]


@dataclass
class Table:
    """A declared table as found on one sheet of a returned workbook."""

    sheet: str  # the sheet's name in the file
    header_row: int | None = None
    columns: dict[str, int] = field(default_factory=dict)  # field -> 1-based column
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (row number, {field: value})
    findings: list[Finding] = field(default_factory=list)
    readable: bool = False  # False when the table could not be mapped: rows is then empty

    @property
    def letters(self) -> dict[str, str]:
        """field -> the column letter in the file."""
        return {f: column_letter(c) for f, c in self.columns.items()}


# --- text --------------------------------------------------------------------------------------
def _at(rows: Rows, row: int, col: int) -> Any:
    """The value at 1-based (row, col); None for empty or outside."""
    if row < 1 or col < 1 or row > len(rows) or col > len(rows[row - 1]):
        return None
    value = rows[row - 1][col - 1]
    return None if value == "" else value


def _shown(value: Any) -> Any:
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return "" if value is None else value


# --- header and columns ------------------------------------------------------------------------
def _labels(sheet: TableSheet) -> dict[str, str]:
    return {c.field: c.label for c in sheet.columns}


def match_labels(cells: list[Any], sheet: TableSheet) -> LabelMatch:
    """Map the declared columns to the labels of one row (excel.tables.match_row; "STT" is never a
    label): equal folded labels first, then edited labels that are ``similar`` to exactly one
    declared label (and it to exactly one of them). Columns are 1-based."""
    match = match_row(cells, _labels(sheet), ignore=(ROW_NUMBER_LABEL,))
    return LabelMatch({f: c + 1 for f, c in match.columns.items()}, match.renamed,
                      {c + 1: t for c, t in match.others.items()})


def header_score(rows: Rows, sheet: TableSheet, scan: int = HEADER_SCAN) -> tuple[int | None, int]:
    """The row (in the first ``scan`` rows) whose labels match most declared columns, and how many
    match; exact folded labels count first, edited ones only when that is not enough."""
    if _at_declared_place(rows, sheet):  # the common case: the template was left as it was
        return HEADER_ROW, len(sheet.columns)
    row, score = best_header(rows, _labels(sheet), scan=scan, prefer=HEADER_ROW - 1, ignore=(ROW_NUMBER_LABEL,))
    return (None if row is None else row + 1), score


def _at_declared_place(rows: Rows, sheet: TableSheet) -> bool:
    """Whether every declared label stands in its own column on HEADER_ROW."""
    if len(rows) < HEADER_ROW:
        return False
    cells = rows[HEADER_ROW - 1]
    for column in sheet.columns:
        i = column_number(column.letter) - 1
        value = cells[i] if i < len(cells) else None
        if not (isinstance(value, str) and (value == column.label or fold(value) == fold(column.label))):
            return False
    return True


def find_header(rows: Rows, sheet: TableSheet, scan: int = HEADER_SCAN) -> int | None:
    """The header row of ``sheet``'s table: at least half of its labels must match; else None."""
    row, score = header_score(rows, sheet, scan)
    return row if score and score >= (len(sheet.columns) + 1) // 2 else None


def _slots(sheet: TableSheet, columns: dict[str, int]) -> dict[str, int]:
    """Where each unmatched declared column would be, from its matched neighbours."""
    fields = [c.field for c in sheet.columns]
    anchor = next((i for i, f in enumerate(fields) if f in columns), None)
    if anchor is None:
        return {}
    pos = dict(columns)
    for i in range(anchor - 1, -1, -1):
        pos[fields[i]] = pos[fields[i + 1]] - 1
    for i in range(anchor + 1, len(fields)):
        pos.setdefault(fields[i], pos[fields[i - 1]] + 1)
    return {f: p for f, p in pos.items() if f not in columns and p >= 1}


def _has_data(rows: Rows, first: int, last: int, col: int) -> bool:
    return any(not is_empty(_at(rows, r, col)) for r in range(first, min(last, len(rows)) + 1))


def map_columns(rows: Rows, sheet: TableSheet, header_row: int, name: str) -> tuple[dict[str, int], list[Finding]]:
    """field -> column for ``sheet`` on its header row, and the findings about the columns
    (renamed, moved, extra: warnings; changed beyond recognition, required missing: errors)."""
    match = match_labels(rows[header_row - 1], sheet)
    out: list[Finding] = []
    ref = lambda col: f"{column_letter(col)}{header_row}"  # noqa: E731
    for fld, label in match.renamed.items():
        out.append(finding("sheet.column_renamed", sheet=name, cell=ref(match.columns[fld]), field=fld, value=label,
                           expected=sheet.column(fld).label))
    slots, used = _slots(sheet, match.columns), set(match.columns.values())
    for column in (c for c in sheet.columns if c.field not in match.columns):
        slot = slots.get(column.field)
        stt = slot is not None and fold(cell_text(_at(rows, header_row, slot))) == fold(ROW_NUMBER_LABEL)
        label = match.others.get(slot) if slot is not None else None
        if slot is not None and slot not in used and not stt and (
                label is not None or _has_data(rows, header_row + 1, header_row + sheet.rows, slot)):
            match.others.pop(slot, None)
            out.append(finding("sheet.header_changed", sheet=name, cell=ref(slot), field=column.field,
                               value=label or "", expected=column.label))
        else:
            code = "sheet.column_missing" if column.required else "sheet.optional_column_missing"
            out.append(finding(code, sheet=name, field=column.field, expected=column.label))
    for col, label in match.others.items():
        out.append(finding("sheet.extra_column", sheet=name, cell=ref(col), value=label))
    moved = [f"\"{c.label}\" (nay ở cột {column_letter(match.columns[c.field])})"
             for c in sheet.columns if c.field in match.columns and match.columns[c.field] != _declared_col(sheet, c.field)]
    if moved:
        out.append(finding("sheet.columns_moved", sheet=name, value=", ".join(moved)))
    return match.columns, out


def _declared_col(sheet: TableSheet, fld: str) -> int:
    return column_number(sheet.column(fld).letter)


# --- data rows ---------------------------------------------------------------------------------
def is_footer(cells: list[Any]) -> bool:
    """Whether a row is the note row or the signature block collection/templates.py writes under the table."""
    for v in filter(None, cells):  # this runs on every row below the header: the empty cells skipped at C speed
        if isinstance(v, str) and v.lstrip()[:3].lower() in _FOOTER_STARTS and fold(v).startswith(FOOTER_MARKS):
            return True
    return False


def _row_values(cells: list[Any], fields: list[tuple[str, int]]) -> dict[str, Any]:
    """{field: value} of one row (None for an empty cell or one beyond the row's end)."""
    n, values = len(cells), {}
    for f, c in fields:
        v = cells[c - 1] if c <= n else None
        values[f] = None if v == "" else v
    return values


def _picker(fields: list[tuple[str, int]]) -> tuple[Callable[[list[Any]], tuple] | None, int]:
    """A function giving the cells of ``fields`` of a row as a tuple (in the order of ``fields``), and the
    row length it needs; (None, 0) when there is no field."""
    if not fields:
        return None, 0
    indexes = [c - 1 for _, c in fields]
    if len(indexes) == 1:
        only = indexes[0]
        return (lambda cells: (cells[only],)), only + 1
    return itemgetter(*indexes), max(indexes) + 1


def _blank(values: dict[str, Any]) -> bool:
    return all(v is None or is_empty(v) for v in values.values())


class _Covered:
    """The cells hidden by merged ranges, asked row by row in increasing order: only the ranges that
    reach the current row are looked at (a range of a million rows is never expanded)."""

    def __init__(self, merged: Iterable[Merge]):
        self.pending, self.active, self.next = sorted(merged), [], 0

    def hidden(self, r: int, fields: list[tuple[str, int]]) -> list[str]:
        """The fields whose cell on row ``r`` lies under a merge without being its top-left cell."""
        while self.next < len(self.pending) and self.pending[self.next][0] <= r:
            self.active.append(self.pending[self.next])
            self.next += 1
        if not self.active:
            return []
        self.active = [m for m in self.active if m[2] >= r]
        return [f for f, c in fields if any(m[1] <= c <= m[3] and (r, c) != (m[0], m[1]) for m in self.active)]


def read_rows(rows: Rows, sheet: TableSheet, header_row: int, columns: dict[str, int], name: str, *,
              merged: Iterable[Merge] = (), limit: int | None = None
              ) -> tuple[list[tuple[int, dict[str, Any]]], list[Finding], int]:
    """Every non-blank row below the header, down to the footer or, below the declared end of the
    table, a run of BLANK_RUN blank rows. Returns the rows, findings and the last row of the data
    area. ``merged``: the merged ranges, whose cells other than the top-left one read as empty."""
    declared_end = header_row + sheet.rows
    out, below, blanks, footer, stopped = [], [], 0, None, False
    fields, covered = list(columns.items()), _Covered(merged)
    pick, width = _picker(fields)
    for r in range(header_row + 1, len(rows) + 1):
        cells = rows[r - 1]
        if is_footer(cells):
            footer = r
            break
        if pick is not None and len(cells) >= width:
            got = pick(cells)  # the row's declared cells at C speed; all '' is a blank row, merged or not
            if got.count("") == len(got):
                values = None
            else:
                values = dict(zip(columns, got))
                if "" in got:
                    values = {f: None if v == "" else v for f, v in values.items()}
        else:
            values = _row_values(cells, fields)
        if covered.pending and values is not None:
            for f in covered.hidden(r, fields):
                values[f] = None
        if values is None or _blank(values):
            blanks += r > declared_end  # only blank rows below the declared table end the data
            if blanks >= BLANK_RUN:
                stopped = True
                break
            continue
        blanks = 0
        out.append((r, values))
        below += [r] if r > declared_end else []
    findings: list[Finding] = []
    if footer is None and below:
        findings.append(finding("sheet.rows_below_table", sheet=name, value=spans(below), expected=declared_end))
    if footer is not None:
        after = [r for r in range(footer + 1, len(rows) + 1) if _looks_like_data(rows[r - 1], columns)]
        if after:
            findings.append(finding("sheet.data_below_footer", sheet=name, value=spans(after)))
    elif limit and not stopped and len(rows) >= limit and out and out[-1][0] > len(rows) - BLANK_RUN:
        findings.append(finding("sheet.rows_beyond_limit", sheet=name, value=len(rows)))
    end = footer - 1 if footer else max(out[-1][0] if out else header_row, min(declared_end, len(rows)))
    return out, findings, end


def _looks_like_data(cells: list[Any], columns: dict[str, int]) -> bool:
    """A row below the signature block holding values in two declared columns (a signer's name
    or a date line fills one cell)."""
    filled = sum(1 for c in columns.values() if c <= len(cells) and not is_empty(cells[c - 1]))
    return filled >= 2 and not is_footer(cells)


# --- merged cells ---------------------------------------------------------------------
def _merge_ref(m: Merge) -> str:
    return f"{column_letter(m[1])}{m[0]}:{column_letter(m[3])}{m[2]}"


def _in_area(m: Merge, first: int, last: int, cols: set[int]) -> bool:
    return m[0] <= last and m[2] >= first and any(m[1] <= c <= m[3] for c in cols)


# --- one sheet ---------------------------------------------------------------------------------------
def locate(rows: Rows, sheet: TableSheet, name: str, *, merges: Iterable[Merge] = (),
           formulas: dict[tuple[int, int], bool] | None = None, limit: int | None = None) -> Table:
    """Find ``sheet``'s table on the sheet ``name`` whose values are ``rows`` and read it.

    ``merges``: the sheet's merged ranges; ``formulas``: from ``excel.sheetxml.formula_cells``; ``limit``: how many
    rows were asked of the reader (data reaching it is reported, not silently cut)."""
    table = Table(sheet=name, header_row=find_header(rows, sheet))
    header = table.header_row
    if header is None:
        labels = ", ".join(f"\"{c.label}\"" for c in sheet.columns)
        table.findings.append(finding("sheet.header_not_found", sheet=name, expected=labels))
        return table
    if header != HEADER_ROW:
        table.findings.append(finding("sheet.header_moved", sheet=name, cell=f"A{header}", row=header,
                                      expected=HEADER_ROW))
    table.columns, found = map_columns(rows, sheet, header, name)
    table.findings += found
    if any(f.severity == ERROR for f in found):
        return table
    cols = set(table.columns.values())
    merged = [m for m in merges if m[2] > header and any(m[1] <= c <= m[3] for c in cols)]
    table.rows, found, end = read_rows(rows, sheet, header, table.columns, name, merged=merged, limit=limit)
    table.findings += found
    table.findings += [finding("cell.merged", sheet=name, cell=_merge_ref(m).split(":")[0], range=_merge_ref(m)) for m in merged
                       if _in_area(m, header + 1, end, cols)]
    table.findings += _formula_findings(rows, formulas or {}, table, header + 1, end)
    table.readable = True
    return table


def _formula_findings(rows: Rows, formulas: dict[tuple[int, int], bool], table: Table, first: int, last: int
                      ) -> list[Finding]:
    fields = {c: f for f, c in table.columns.items()}
    out = []
    for (r, c), cached in sorted(formulas.items()):
        if first <= r <= last and c in fields:
            cell = f"{column_letter(c)}{r}"
            if cached:
                out.append(finding("cell.formula", sheet=table.sheet, cell=cell, field=fields[c],
                                   value=_shown(_at(rows, r, c))))
            else:
                out.append(finding("cell.formula_no_value", sheet=table.sheet, cell=cell, field=fields[c]))
    return out


# --- the unit's name and code, and which sheet is which -----------------------------------------
def unit_cells(rows: Rows, header_row: int = HEADER_ROW) -> tuple[str, str]:
    """The unit's name and code above the table: next to the labels "Đơn vị:" / "Mã đơn vị:",
    else at C6/C7 moved by as many rows as the header moved."""
    found: dict[str, str] = {}
    for r in range(1, min(header_row, len(rows) + 1)):
        cells = rows[r - 1]
        for c, v in enumerate(cells):
            kind = UNIT_LABELS.get(fold(cell_text(v)).rstrip(":").strip())
            if kind and not found.get(kind):
                found[kind] = next((t for t in map(cell_text, cells[c + 1:]) if t), "")
    shift = header_row - HEADER_ROW
    name = found.get("name") or cell_text(_at(rows, UNIT_NAME_ROW + shift, UNIT_VALUE_COL))
    code = found.get("code") or cell_text(_at(rows, UNIT_CODE_ROW + shift, UNIT_VALUE_COL))
    return name, code


def resolve_sheets(declared: Iterable[TableSheet], names: list[str], rows_of: Callable[[str], Rows | None]
                   ) -> dict[str, str]:
    """Declared sheet key -> the sheet of the file that holds it: the same name, else the same
    folded name, else the unclaimed sheet whose header matches its labels best (at least half)."""
    declared = list(declared)
    names = [n for n in names if n not in (ID_SHEET, LIST_SHEET)]
    out = {s.key: s.name for s in declared if s.name in names}
    for s in declared:
        if s.key not in out:
            taken = set(out.values())
            same = next((n for n in names if n not in taken and fold(n) == fold(s.name)), None)
            if same is not None:
                out[s.key] = same
    for s in declared:
        if s.key in out:
            continue
        best, best_score = None, 0
        for n in (n for n in names if n not in set(out.values())):
            rows = rows_of(n)
            score = header_score(rows, s)[1] if rows else 0
            if score > best_score:
                best, best_score = n, score
        if best is not None and best_score >= (len(s.columns) + 1) // 2:
            out[s.key] = best
    return out
