"""A varied set of returns for comparing what ``check_file`` answers before and after a change of HOW it
computes (issue 17, the check of one file): every form's real template filled with good values and mistakes
of every kind (wrong types, empty required cells, booleans, dates as text or serials, legacy fonts, mojibake,
invisible characters, catalogue items in the wrong column), templates altered the ways units alter them
(moved, renamed, inserted or deleted columns, rows inserted above the header, merged cells, formulas with and
without a saved value, data below the table and below the signature block, identity stripped, a renamed
sheet), the hostile corpus of tests/excel/test_hostile_corpus.py and the other programs' files in
../shared/corpus/foreign.

``summary(result)`` is what is compared: the findings (code, severity, sheet, cell, field, value, message),
the rows (sheet, row, values, valid, key), unit, form, version and how the unit was identified; every value
written with its type, so 7 and 7.0 or a date and its text never compare equal.

Used by tests/collection/test_check_same_answers.py and by tests/collection/data/make_check_snapshot.py,
which wrote tests/collection/data/check_snapshot.json with the code of the commit before the change.
"""
from __future__ import annotations

import importlib.util
import random
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable

from openpyxl.cell.cell import MergedCell
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Font
from openpyxl.utils import column_index_from_string, get_column_letter

from sheets_tools.collection.templates import form_workbook
from sheets_tools.collection.validate import check_file
from sheets_tools.core.records import Incoming
from sheets_tools.excel import legacy
from sheets_tools.formkit.declaration import FIRST_ROW, HEADER_ROW, ID_SHEET, load_forms, resolve_choices
from workbooks import CORPUS, with_cached_values

RECEIVED = datetime(2024, 1, 20, 9, 30)
HOSTILE = Path(__file__).resolve().parents[1] / "excel" / "test_hostile_corpus.py"
FOREIGN = CORPUS / "foreign"
SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


# --- what is compared ----------------------------------------------------------------------------------
def typed(value: Any) -> Any:
    """A value as JSON that keeps its type."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return [typed(v) for v in value]
    if isinstance(value, dict):
        return {str(k): typed(v) for k, v in value.items()}
    return f"{type(value).__name__}:{value!r}"


def summary(result) -> dict:
    """What check_file answered for one file, as JSON."""
    return {
        "form": result.form_id, "version": typed(result.form_version), "unit": result.unit_code,
        "identified_by": result.identified_by,
        "findings": [[f.code, f.severity, f.sheet, f.cell, f.field, typed(f.value), f.message]
                     for f in result.findings],
        "rows": [[r.sheet, r.row, typed(r.values), r.valid, r.key] for r in result.rows],
    }


def check(name: str, data: bytes, camp) -> dict:
    return summary(check_file(Incoming(name, data, f"hop-thu/{name}", RECEIVED), camp))


# --- values, good and bad, for each type of column -------------------------------------------------------
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thị Thuỷ", "Hoàng Văn Hòa", "Đỗ Minh Khoẻ"]
TEXTS = ["  Nguyễn  Văn\u00a0An ", "Lê\u200b Thị Hoa", "Trần Văn\u202e Bình", "123", 7.0, 12, True, "TRUE",
         "x" * 300, " ", "", date(1990, 4, 2), "Nguyá»…n VÄƒn An", "ghi chú:\tmột\ndòng", "Phòng\u0300 ",
         "Hoà bình", "Ông Nguyễn Văn Tư", "=1+1", "\u00adMến"]
DATES = [date(1985, 3, 15), datetime(1979, 12, 1, 0, 0), datetime(1980, 1, 2, 13, 45), "15/03/1985",
         "1985-03-15", " 02.05.1990 ", 31000, 31000.5, 1985, "31/02/1985", "ngày 5 tháng 3", date(2023, 6, 1),
         date(1890, 1, 1), True, "", 2e9, -5]
NUMBERS = [5, 5.0, "5", " 5,0 ", "1,5", "1.234,5", 5.5, -3, 1e9, "abc", True, "", "7.", 0, 0.0, "1.234.567"]


def _good(column, choices: list[str], rnd: random.Random) -> Any:
    if column.type == "choice":
        return rnd.choice(choices) if choices else "x"
    if column.type == "date":
        return date(1960 + rnd.randrange(40), 1 + rnd.randrange(12), 1 + rnd.randrange(28))
    if column.type in ("integer", "number"):
        return rnd.randrange(0, 10) if column.type == "integer" else rnd.choice([1, 2.5, 3, 0])
    return rnd.choice(NAMES) + ("" if rnd.random() < 0.7 else f" {rnd.randrange(100)}")


def _bad(column, choices: list[str], other: list[str], rnd: random.Random) -> Any:
    if column.type == "choice":
        pick = rnd.random()
        if pick < 0.25 and choices:
            return "  " + rnd.choice(choices).upper() + " "
        if pick < 0.5 and other:
            return rnd.choice(other)
        return rnd.choice(["Tốt", "Khác", True, 3, "", " ", "\u200b"])
    if column.type == "date":
        return rnd.choice(DATES)
    if column.type in ("integer", "number"):
        return rnd.choice(NUMBERS)
    return rnd.choice(TEXTS)


def _catalogue_texts(camp) -> list[str]:
    return [item.name for item in camp.catalogue][:12]


def _fill(ws, sheet, camp, rnd: random.Random, rows: int, bad: float, start: int = FIRST_ROW) -> None:
    """``rows`` rows of ``sheet`` from ``start``, each cell a good value, or a bad one with probability ``bad``."""
    other = _catalogue_texts(camp)
    columns = sheet.inputs if sheet.prefill else sheet.columns
    for r in range(start, start + rows):
        for column in columns:
            choices = resolve_choices(column, camp) or []
            value = _bad(column, choices, other, rnd) if rnd.random() < bad else _good(column, choices, rnd)
            if isinstance(value, str) and value.startswith("="):
                value = " " + value  # typed text, not a formula
            _put(ws, f"{column.letter}{r}", value)


def _put(ws, ref: str, value: Any) -> None:
    """Write a cell unless a merged range of the template hides it."""
    if not isinstance(ws[ref], MergedCell):
        ws[ref] = value


# --- returns made from the real templates ----------------------------------------------------------------
def _template(form, camp, unit: str):
    return form_workbook(form, camp, camp.unit(unit))


def _save(wb, tmp: Path, name: str) -> bytes:
    path = tmp / name
    wb.save(path)
    return path.read_bytes()


def _filled(form_id: str, unit: str, seed: int, rows: int, bad: float,
            tweak: Callable | None = None) -> Callable[[Path, Any], bytes]:
    def build(tmp: Path, camp) -> bytes:
        form = load_forms()[form_id]
        wb = _template(form, camp, unit)
        rnd = random.Random(seed)
        for sheet in form.sheets:
            count = rows if not sheet.prefill else min(rows, max(1, (wb[sheet.name].max_row - FIRST_ROW) // 2))
            _fill(wb[sheet.name], sheet, camp, rnd, min(count, sheet.rows), bad)
        if tweak:
            tweak(wb, form, camp, rnd)
        return _save(wb, tmp, f"{form_id}-{seed}.xlsx")
    return build


def _main_sheet(wb, form):
    return wb[form.sheets[0].name] if form.id != "registration" else wb[form.sheet("individuals").name]


def _main(form):
    return form.sheets[0] if form.id != "registration" else form.sheet("individuals")


def _col(form, n: int) -> str:
    return _main(form).columns[n].letter


def _merge(wb, form, camp, rnd):
    ws = _main_sheet(wb, form)
    ws.merge_cells(f"{_col(form, 0)}{FIRST_ROW + 1}:{_col(form, 1)}{FIRST_ROW + 2}")
    ws.merge_cells(f"{_col(form, 2)}{FIRST_ROW + 4}:{_col(form, 2)}{FIRST_ROW + 6}")


def _formulas(wb, form, camp, rnd):
    ws = _main_sheet(wb, form)
    _put(ws, f"{_col(form, 0)}{FIRST_ROW}", '=UPPER("an")')
    _put(ws, f"{_col(form, 1)}{FIRST_ROW + 1}", "=1+2")


def _move_columns(wb, form, camp, rnd):
    ws = _main_sheet(wb, form)
    a, b = _col(form, 1), _col(form, 2)
    ws.move_range(f"{a}{HEADER_ROW}:{a}{FIRST_ROW + 30}", cols=20)
    ws.move_range(f"{b}{HEADER_ROW}:{b}{FIRST_ROW + 30}", cols=-1)
    far = get_column_letter(column_index_from_string(a) + 20)
    ws.move_range(f"{far}{HEADER_ROW}:{far}{FIRST_ROW + 30}", cols=-19)


def _relabel(wb, form, camp, rnd):
    ws = _main_sheet(wb, form)
    sheet = _main(form)
    _put(ws, f"{sheet.columns[1].letter}{HEADER_ROW}", sheet.columns[1].label + " (ghi rõ)")
    _put(ws, f"{sheet.columns[2].letter}{HEADER_ROW}", "Quê quán")
    _put(ws, f"{get_column_letter(sheet.last_col + 1)}{HEADER_ROW}", "Cột thêm")
    _put(ws, f"{get_column_letter(sheet.last_col + 1)}{FIRST_ROW}", "giá trị")


def _insert_rows_above(wb, form, camp, rnd):
    ws = _main_sheet(wb, form)
    ws.insert_rows(3, 2)


def _insert_column(wb, form, camp, rnd):
    ws = _main_sheet(wb, form)
    ws.insert_cols(column_index_from_string(_col(form, 2)))
    _put(ws, f"{_col(form, 2)}{HEADER_ROW}", "Số điện thoại")


def _delete_column(wb, form, camp, rnd):
    ws = _main_sheet(wb, form)
    ws.delete_cols(column_index_from_string(_col(form, 1)))


def _below(wb, form, camp, rnd):
    ws = _main_sheet(wb, form)
    sheet = _main(form)
    end = FIRST_ROW + sheet.rows  # the first row under the declared table (the note row of the template)
    for r in range(end + 30, end + 33):
        for column in sheet.columns[:3]:
            _put(ws, f"{column.letter}{r}", _good(column, resolve_choices(column, camp) or [], rnd))
    _put(ws, f"{_col(form, 0)}{FIRST_ROW + 3}", "  ")
    _put(ws, f"{_col(form, 0)}{FIRST_ROW + 5}", None)


def _over_footer(wb, form, camp, rnd):
    """Rows typed over the note row, and a row of data typed in the signature block."""
    ws = _main_sheet(wb, form)
    sheet = _main(form)
    note = next((r for r in range(FIRST_ROW, ws.max_row + 1)
                 if str(ws[f"A{r}"].value or "").lower().startswith("ghi chú")), ws.max_row)
    ws.delete_rows(note - 3, 3)
    for column in sheet.columns[:4]:
        _put(ws, f"{column.letter}{ws.max_row + 2}", _good(column, resolve_choices(column, camp) or [], rnd))


def _legacy_fonts(wb, form, camp, rnd):
    ws = _main_sheet(wb, form)
    a, b = _col(form, 0), _col(form, 1)
    _put(ws, f"{a}{FIRST_ROW}", legacy.from_unicode("Nguyễn Thị", "tcvn3"))
    ws[f"{a}{FIRST_ROW}"].font = Font(name=".VnTime")
    _put(ws, f"{b}{FIRST_ROW + 1}", legacy.from_unicode("Hương", "vni"))
    ws[f"{b}{FIRST_ROW + 1}"].font = Font(name="VNI-Times")
    _put(ws, f"{a}{FIRST_ROW + 2}", CellRichText([TextBlock(InlineFont(rFont="Arial"), "Ông "),
                                                  TextBlock(InlineFont(rFont=".VnTime"),
                                                            legacy.from_unicode("Lê Văn Đức", "tcvn3"))]))
    _put(ws, f"{a}{FIRST_ROW + 3}", "Nguyễn Thị".encode().decode("cp1252"))


def _strip_identity(wb, form, camp, rnd):
    if ID_SHEET in wb.sheetnames:
        wb.remove(wb[ID_SHEET])
    for name in list(wb.defined_names):
        del wb.defined_names[name]
    wb.custom_doc_props.props.clear()


def _other_unit_name(wb, form, camp, rnd):
    for sheet in form.sheets:
        _put(wb[sheet.name], "C6", "Phòng không có")


def _rename_sheet(wb, form, camp, rnd):
    _main_sheet(wb, form).title = "Bảng 1"


def _duplicates(wb, form, camp, rnd):
    ws = _main_sheet(wb, form)
    for column in _main(form).columns:
        _put(ws, f"{column.letter}{FIRST_ROW + 6}", ws[f"{column.letter}{FIRST_ROW}"].value)
        _put(ws, f"{column.letter}{FIRST_ROW + 7}", ws[f"{column.letter}{FIRST_ROW}"].value)


def _empty(wb, form, camp, rnd):
    for sheet in form.sheets:
        ws = wb[sheet.name]
        for r in range(FIRST_ROW, FIRST_ROW + sheet.rows):
            for column in sheet.inputs:
                _put(ws, f"{column.letter}{r}", None)


TWEAKS = {"merged": _merge, "formulas": _formulas, "moved": _move_columns, "relabelled": _relabel,
          "rows-above": _insert_rows_above, "column-inserted": _insert_column, "column-deleted": _delete_column,
          "below": _below, "over-footer": _over_footer, "legacy": _legacy_fonts, "no-identity": _strip_identity,
          "name-mismatch": _other_unit_name, "sheet-renamed": _rename_sheet, "duplicates": _duplicates,
          "empty": _empty}


def _cached(build: Callable[[Path, Any], bytes], form_id: str) -> Callable[[Path, Any], bytes]:
    """The formulas' results saved with them, as a spreadsheet program saves them."""
    def with_values(tmp: Path, camp) -> bytes:
        form = load_forms()[form_id]
        return with_cached_values(build(tmp, camp), {f"{_col(form, 1)}{FIRST_ROW + 1}": "3"})
    return with_values


def template_cases() -> list[tuple[str, Callable[[Path, Any], bytes]]]:
    cases = []
    units = ["VP", "TTR", "XDKT", "PBGD"]
    for i, form_id in enumerate(load_forms()):
        unit = units[i % len(units)]
        cases.append((f"{form_id}-clean", _filled(form_id, unit, 100 + i, 25, 0.0)))
        cases.append((f"{form_id}-mistakes", _filled(form_id, unit, 200 + i, 40, 0.35)))
        cases.append((f"{form_id}-full", _filled(form_id, unit, 300 + i, 400, 0.05)))
        for j, (name, tweak) in enumerate(TWEAKS.items()):
            cases.append((f"{form_id}-{name}", _filled(form_id, unit, 1000 * i + j, 12, 0.2, tweak)))
        cases.append((f"{form_id}-formulas-cached",
                      _cached(_filled(form_id, unit, 77 + i, 6, 0.0, _formulas), form_id)))
    return cases


# --- the other corpora -------------------------------------------------------------------------------------
def _hostile_module():
    spec = importlib.util.spec_from_file_location("hostile_corpus_cases", HOSTILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def hostile_cases() -> list[tuple[str, Callable[[Path, Any], bytes]]]:
    """tests/excel/test_hostile_corpus.py's CASES, but the bombs that take seconds to build."""
    slow = {"zip-bomb", "many-members"}
    return [(f"hostile-{name}", build) for name, build, _ in _hostile_module().CASES if name not in slow]


def foreign_files() -> list[Path]:
    """Every xlsx/xlsm of ../shared/corpus/foreign (read in process) and every fourth of the others (each one
    parsed in a child process, which takes a while)."""
    if not FOREIGN.is_dir():
        return []
    files = sorted(p for p in FOREIGN.iterdir() if p.suffix.lower() in SPREADSHEETS)
    others = [p for p in files if p.suffix.lower() not in (".xlsx", ".xlsm")]
    return [p for p in files if p.suffix.lower() in (".xlsx", ".xlsm")] + others[::4]


def all_answers(camp, tmp: Path, foreign: bool = True) -> dict[str, dict]:
    """Case name -> summary of check_file's answer, for every case (and the foreign files when asked)."""
    out = {}
    for name, build in template_cases() + hostile_cases():
        work = tmp / name
        work.mkdir(parents=True, exist_ok=True)
        out[name] = check(f"{name}.xlsx", build(work, camp), camp)
    for path in foreign_files() if foreign else []:
        out[f"foreign-{path.name}"] = check(path.name, path.read_bytes(), camp)
    return out

