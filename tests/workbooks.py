"""Build returned workbooks in code for tests (openpyxl), laid out as forms.py declares.

``make_return`` writes one input sheet per declared sheet (labels at HEADER_ROW from
column B, values from FIRST_ROW, unit name and code in C6/C7) and the identification
anchors: the hidden ``_id`` sheet, ``st_*`` defined names and ``sheets_tools_*`` properties.

Also: where things are (``TESTS``, ``DATA``, ``CORPUS``) and where a declared column is on a form's
sheet (``letter_of``, ``cell_of``, ``header_of``), so that no test hard-codes a column letter that
moves when a column is added to a form.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Iterable

from openpyxl import Workbook, load_workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.utils import column_index_from_string
from openpyxl.workbook.defined_name import DefinedName

from sheets_tools.formkit import declaration as forms

ANCHORS = ("sheet", "names", "properties")
TESTS = Path(__file__).resolve().parent  # tests/ (this module is imported from tests/<stage>/ too)
DATA = TESTS / "data"  # committed sample returns (tests/data/make_data.py)
CORPUS = TESTS.parents[1] / "shared" / "corpus"  # ../shared/corpus beside the checkout; tests skip without it


# --- where a declared column is on a form's sheet ----------------------------------------------------
def letter_of(form_id: str, sheet_key: str, field: str) -> str:
    """The column letter of ``field`` on the form's sheet, as the declaration places it."""
    return forms.get_form(form_id).sheet(sheet_key).column(field).letter


def index_of(form_id: str, sheet_key: str, field: str) -> int:
    """The 1-based column number of ``field`` on the form's sheet."""
    return column_index_from_string(letter_of(form_id, sheet_key, field))


def cell_of(form_id: str, sheet_key: str, field: str, row_offset: int = 0) -> str:
    """The cell of ``field`` on the form's ``row_offset``-th input row (0: the first, FIRST_ROW)."""
    return f"{letter_of(form_id, sheet_key, field)}{forms.FIRST_ROW + row_offset}"


def header_of(form_id: str, sheet_key: str, field: str) -> str:
    """The cell holding the label of ``field`` (on HEADER_ROW)."""
    return f"{letter_of(form_id, sheet_key, field)}{forms.HEADER_ROW}"


def make_return(path: Path, campaign, unit_code: str, rows_by_sheet_key: dict[str, list[dict]], *,
                identity: bool | Iterable[str] = True, extra: dict[str, Any] | None = None,
                form_id: str = "registration", tweak: Callable[[Workbook], None] | None = None) -> Path:
    """Write a unit's returned workbook to ``path``.

    identity: True (all anchors), False (none) or a subset of ANCHORS.
    extra: overrides of the identification values ("form", "version", "campaign", "unit") and
    of what is written on the sheets ("unit_name", "unit_code").
    tweak: called with the workbook just before saving (to break it on purpose).
    """
    extra = dict(extra or {})
    form = forms.get_form(form_id)
    unit = campaign.unit(unit_code)
    ident = {"form": form.id, "version": str(form.version), "campaign": campaign.id, "unit": unit_code}
    ident.update({k: v for k, v in extra.items() if k in forms.ID_KEYS})
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in form.sheets:
        ws = wb.create_sheet(sheet.name)
        _cell(ws, forms.UNIT_NAME_ROW, forms.UNIT_VALUE_COL, extra.get("unit_name", unit.name if unit else ""))
        _cell(ws, forms.UNIT_CODE_ROW, forms.UNIT_VALUE_COL, extra.get("unit_code", unit_code))
        _cell(ws, forms.HEADER_ROW, 1, forms.ROW_NUMBER_LABEL)
        for i, column in enumerate(sheet.columns):
            _cell(ws, forms.HEADER_ROW, forms.FIRST_COL + i, column.label)
        for r, values in enumerate(rows_by_sheet_key.get(sheet.key, []), start=forms.FIRST_ROW):
            for i, column in enumerate(sheet.columns):
                _cell(ws, r, forms.FIRST_COL + i, values.get(column.field))
    anchors = set(ANCHORS if identity is True else () if identity is False else identity)
    if "sheet" in anchors:
        ws = wb.create_sheet(forms.ID_SHEET)
        for r, (key, value) in enumerate(ident.items(), start=1):
            _cell(ws, r, 1, key)
            _cell(ws, r, 2, value)
        ws.sheet_state = "hidden"
    for key, value in ident.items():
        if "names" in anchors:
            name = forms.DEFINED_NAME_PREFIX + key
            wb.defined_names[name] = DefinedName(name, attr_text='"' + value.replace('"', '""') + '"')
        if "properties" in anchors:
            wb.custom_doc_props.append(StringProperty(name=forms.PROPERTY_PREFIX + key, value=value))
    if tweak:
        tweak(wb)
    wb.save(path)
    return Path(path)


def fill_table(ws, sheet, rows: list[dict]) -> None:
    """``rows`` (field -> value) written into ``ws``, the sheet of the declared table ``sheet``, from its first
    data row, as Excel keeps typed values (a text stays text, even "=1+1")."""
    for i, values in enumerate(rows):
        for column in sheet.columns:
            _cell(ws, forms.FIRST_ROW + i, column_index_from_string(column.letter), values.get(column.field))


def _cell(ws, row: int, col: int, value: Any) -> None:
    if value is None:
        return
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"


def codes(result) -> list[str]:
    """The finding codes of a FileResult, in order."""
    return [f.code for f in result.findings]


def only(result, code: str):
    """The one finding of ``code`` in a FileResult (fails when there are none or several)."""
    found = [f for f in result.findings if f.code == code]
    assert len(found) == 1, codes(result)
    return found[0]


def register_common_targets(wb: Workbook, campaign, unit_code: str) -> Workbook:
    """An issued registration workbook (build.form_workbook) whose unit typed the Department's common
    target as its own on every row of the sheet "Chỉ tiêu" (rules/registration.py finds nothing)."""
    sheet = forms.get_form("registration").sheet("targets")
    ws = wb[sheet.name]
    target, common = sheet.column("target").letter, sheet.column("common").letter
    for r in range(forms.FIRST_ROW, forms.FIRST_ROW + len(campaign.indicators_of(campaign.unit(unit_code)))):
        ws[f"{target}{r}"] = ws[f"{common}{r}"].value
    return wb


# --- the scoring form (rules/scoring.py): the real template, filled like a unit fills it -------------
SCORING_EVIDENCE = "Kế hoạch số 80/KH-STP ngày 18/01/2024"


def scoring_rows(ws) -> dict[str, int]:
    """Criterion code -> spreadsheet row on a scoring sheet."""
    letter = forms.get_form("scoring").sheet("scores").column("code").letter
    out = {}
    for r in range(forms.FIRST_ROW, ws.max_row + 1):
        code = ws[f"{letter}{r}"].value
        if isinstance(code, str) and code:
            out[code] = r
    return out


def full_scores(table) -> dict[str, float]:
    """Every leaf at its standard; no bonus, no penalty."""
    return {c.code: (c.standard if c.kind == "score" else 0) for c in table.leaves}


def scoring_workbook(campaign, unit_code: str, scores: dict[str, float | None] | None = None, *,
                     evidence: dict[str, str] | None = None, notes: dict[str, str] | None = None,
                     tweak: Callable | None = None) -> Workbook:
    """The scoring form built for ``unit_code`` (build.form_workbook), with leaf scores typed in:
    ``full_scores`` overridden by ``scores``; evidence where a criterion needs it unless ``evidence``
    says otherwise ("" = none); ``notes`` by code; ``tweak(ws, rows)`` to break it on purpose."""
    from sheets_tools.collection.templates import form_workbook
    form = forms.get_form("scoring")
    sheet = form.sheet("scores")
    letter = {c.field: c.letter for c in sheet.columns}
    unit = campaign.unit(unit_code)
    table = campaign.criteria_of(unit)
    wb = form_workbook(form, campaign, unit)
    ws = wb[sheet.name]
    at = scoring_rows(ws)
    wanted = {c.code: SCORING_EVIDENCE for c in table.leaves if c.evidence}
    wanted.update(evidence or {})
    for code, value in {**full_scores(table), **(scores or {})}.items():
        ws[f"{letter['score']}{at[code]}"] = value
    for field, texts in (("evidence", wanted), ("note", notes or {})):
        for code, text in texts.items():
            if text:
                _cell(ws, at[code], ws[f"{letter[field]}1"].column, text)
    if tweak:
        tweak(ws, at)
    return wb


def with_setting(camp, key: str, value):
    """The campaign after the office changed a setting in campaign.xlsx (sheet "Cài đặt")."""
    from openpyxl import load_workbook
    from sheets_tools.campaign import workbook as campaign_mod
    path = camp.dir / campaign_mod.CAMPAIGN_FILE
    book = load_workbook(path)
    ws = book[campaign_mod.SETTINGS_SHEET]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == key)
    ws.cell(row=row, column=2).value = value
    book.save(path)
    return campaign_mod.load(camp.dir)


def with_cached_values(data: bytes, values: dict[str, str]) -> bytes:
    """Write cached results into formula cells, as a spreadsheet program does on save."""
    import io
    import re
    import zipfile
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info)
            for ref, value in values.items():
                body = re.sub(rb'(<c r="' + ref.encode() + rb'"[^>]*><f>[^<]*</f>)(?:<v\s*/>|<v></v>)',
                              rb"\1<v>" + value.encode() + rb"</v>", body)
            zout.writestr(info, body)
    return out.getvalue()


def decided(directory: Path) -> set[tuple[str, str]]:
    """(group heading, name) of every line of the decision workbook."""
    wb = load_workbook(next((directory / "decision").glob("*.xlsx")))
    out, heading = set(), ""
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            if isinstance(row[0], str) and row[0][:1].isdigit():
                heading = row[0]
            elif isinstance(row[0], int) and row[1]:
                out.add((heading, row[1]))
    return out


def everyone_votes_yes(camp) -> None:
    """The council's ballot filled as if every member were present and voted yes on every line."""
    from sheets_tools.yearend import council
    from sheets_tools.yearend.award import ballot_path
    wb = load_workbook(ballot_path(camp))
    members, votes = wb[council.MEMBERS_SHEET], wb[council.VOTES_SHEET]
    mhead = {c.value: c.column for c in members[council.HEADER_ROW] if c.value}
    for r in range(council.FIRST_ROW, council.FIRST_ROW + len(camp.council)):
        members.cell(row=r, column=mhead[council.L_PRESENT]).value = "Có"
        members.cell(row=r, column=mhead[council.L_WRITING]).value = "Không"
    vhead = {c.value: c.column for c in votes[council.HEADER_ROW] if c.value}
    for r in range(council.FIRST_ROW, votes.max_row + 1):
        if votes.cell(row=r, column=vhead[council.L_ID]).value:
            for m in camp.council:
                votes.cell(row=r, column=vhead[m.name]).value = council.YES
    wb.save(ballot_path(camp))


# "Số liệu tính đến dd/mm/yyyy HH:MM" in a master's subtitles: when it was written, not what it holds
STAMP = re.compile(r"Số liệu tính đến [0-9/: ]+")


def without_stamp(value: Any) -> Any:
    """A master cell's value with the moment its subtitle names left out (two runs a minute apart differ
    there alone)."""
    return STAMP.sub("Số liệu tính đến ", value) if isinstance(value, str) else value
