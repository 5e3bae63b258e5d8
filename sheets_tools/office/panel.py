"""The control workbook as the buttons see it through xlwings: read the yellow cells, write the counts,
the status matrix, the last run and the log (newest first)."""
from __future__ import annotations

from datetime import date, datetime

from sheets_tools.office import state
from sheets_tools.office.steps import (COLUMNS, CONTROL_SHEET, INPUTS, LAST_ROW, LOG_ROW, LOG_ROWS, MATRIX_HEAD_ROW,
                                       MATRIX_SHEET, MAX_FORMS, MAX_MATRIX_FORMS, MAX_UNITS, STATE_ROW, cell)

RESULT_WIDTH = 11.0 * (COLUMNS - 2)  # control.RESULT_WIDTH: the log's result column and those it runs over


class Panel:
    """The sheets of one control workbook (an xlwings ``Book``, or anything with the same calls)."""

    def __init__(self, book):
        self.book = book
        self.control = book.sheets[CONTROL_SHEET]
        self.matrix_sheet = book.sheets[MATRIX_SHEET]

    def value(self, name: str) -> str:
        """A yellow input cell as text ("" when empty; a date as dd/mm/yyyy)."""
        found = self.control.range(self.input_cell(name)).value
        if found is None:
            return ""
        if isinstance(found, (datetime, date)):
            return found.strftime("%d/%m/%Y")
        if isinstance(found, float) and found.is_integer():
            return str(int(found))
        return str(found).strip()

    @staticmethod
    def input_cell(name: str) -> str:
        return f"B{INPUTS[name][0]}"

    @staticmethod
    def input_label(name: str) -> str:
        return INPUTS[name][1]

    def show_state(self, status: dict, now: datetime) -> None:
        """Today's counts per form and the status matrix, written in place."""
        with _unprotected(self.control):
            self.control.range(f"A{STATE_ROW}").value = state.state_title(now)
            self.control.range(f"A{STATE_ROW + 2}:{cell(STATE_ROW + 1 + MAX_FORMS, COLUMNS)}").clear_contents()
            counts = state.form_counts(status)[:MAX_FORMS]
            if counts:
                self.control.range(f"A{STATE_ROW + 2}").value = counts
        names, rows = state.matrix(status)
        names, rows = names[:MAX_MATRIX_FORMS], [r[:MAX_MATRIX_FORMS + 2] for r in rows[:MAX_UNITS]]
        with _unprotected(self.matrix_sheet):
            self.matrix_sheet.range("A2").value = state.state_title(now)
            last = cell(MATRIX_HEAD_ROW + MAX_UNITS, MAX_MATRIX_FORMS + 2)
            self.matrix_sheet.range(f"A{MATRIX_HEAD_ROW}:{last}").clear_contents()
            self.matrix_sheet.range(f"A{MATRIX_HEAD_ROW}").value = [["Mã", "Đơn vị", *names], *rows]

    def record(self, label: str, lines: list[str], now: datetime) -> None:
        """The run as the last run and at the top of the log (one row per printed line)."""
        rows = state.log_rows(label, now, lines, RESULT_WIDTH)
        with _unprotected(self.control):
            self.control.range(f"A{LAST_ROW + 1}:C{LAST_ROW + 1}").value = [rows[0]]
            area = self.control.range(f"A{LOG_ROW + 2}:C{LOG_ROW + 1 + LOG_ROWS}")
            old = [[("" if v is None else v) for v in row] for row in (area.value or [])]
            while old and not any(old[-1]):
                old.pop()
            area.clear_contents()
            self.control.range(f"A{LOG_ROW + 2}").value = (rows + old)[:LOG_ROWS]

    def log(self) -> list[list[str]]:
        """The log's rows, newest first (empty rows left out)."""
        area = self.control.range(f"A{LOG_ROW + 2}:C{LOG_ROW + 1 + LOG_ROWS}").value or []
        return [[("" if v is None else str(v)) for v in row] for row in area if any(v not in (None, "") for v in row)]


class _unprotected:
    """Unprotect a sheet through Excel while the tool writes it, protect it again after (in Excel the
    workbook's own code also protects it "for the user interface only" when it opens)."""

    def __init__(self, sheet):
        self.api = getattr(sheet, "api", None)

    def __enter__(self):
        self._call("Unprotect")
        return self

    def __exit__(self, *exc):
        self._call("Protect")
        return False

    def _call(self, name: str) -> None:
        if self.api is None:
            return
        try:
            getattr(self.api, name)()
        except Exception:  # noqa: BLE001 - macOS' api differs; the workbook's own code protects it on open
            pass
