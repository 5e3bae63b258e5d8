"""Which form a returned workbook is, and which unit sent it.

The anchors collection/templates.py writes: the hidden ``_id`` sheet, else ``st_*`` defined names, else
``sheets_tools_*`` document properties; without them the form is guessed from the sheets'
headers and the unit from its name (or code) written above the table.
"""
from __future__ import annotations

from sheets_tools.campaign.model import Campaign
from sheets_tools.collection import layout
from sheets_tools.core.findings import finding
from sheets_tools.core.records import FileResult
from sheets_tools.core.text import fold
from sheets_tools.excel.reader import Book
from sheets_tools.excel.tables import cell_text
from sheets_tools.formkit.declaration import (DEFINED_NAME_PREFIX, HEADER_ROW, ID_KEYS, ID_SHEET, PROPERTY_PREFIX, Form,
                                              load_forms)


def identify(book: Book, campaign: Campaign, result: FileResult) -> Form | None:
    """The form of ``book`` (None with a finding when unknown); sets the form, its version and the
    unit on ``result``, with findings for another campaign, an old version or an unknown unit."""
    ident = identity(book)
    forms = load_forms()
    form = forms.get(ident.get("form", "")) or _guess_form(book, forms)
    if form is None:
        result.findings.append(finding("ident.unknown_form"))
        return None
    result.form_id = form.id
    version = _version(ident.get("version"))
    result.form_version = form.version if version is None else version
    if ident.get("campaign") and ident["campaign"] != campaign.id:
        result.findings.append(finding("ident.other_campaign", value=ident["campaign"], expected=campaign.id))
    if "version" in ident and _version(ident["version"]) != form.version:
        result.findings.append(finding("ident.old_version", value=ident["version"], expected=form.version))
    _identify_unit(book, form, campaign, ident.get("unit"), result)
    return form


def _other_units(book: Book, campaign: Campaign, code: str) -> list[str]:
    """Where the file's identification names a unit of the campaign other than ``code`` (what the hidden
    sheet, else the next anchor, says). The name written on the form is not one of them: units renamed after
    the forms went out leave an old name there, maybe another unit's name of today (``ident.unit_mismatch``,
    a warning). The document properties are read only when the defined names hold no unit (they are written
    together; reading them costs a parse)."""
    out = []
    for label, source in ANCHORS:
        if source is _custom_properties and _defined_names(book).get("unit"):
            continue
        other = source(book).get("unit")
        if other and other != code and campaign.unit(other) is not None:
            out.append(f"{label} ghi mã \"{other}\"")
    return out


def identity(book: Book) -> dict[str, str]:
    """form/version/campaign/unit from the hidden sheet, else defined names, else properties."""
    ident: dict[str, str] = {}
    for _, source in ANCHORS:
        if all(k in ident for k in ID_KEYS):
            break
        for key, value in source(book).items():
            if value:
                ident.setdefault(key, value)
    return ident


def _id_sheet(book: Book) -> dict[str, str]:
    rows = book.rows(ID_SHEET, 50) or []
    pairs = ((cell_text(r[0]), cell_text(r[1])) for r in rows if len(r) >= 2)
    return {k: v for k, v in pairs if k in ID_KEYS and v}


def _defined_names(book: Book) -> dict[str, str]:
    return _anchors(book.defined_names(), DEFINED_NAME_PREFIX)


def _custom_properties(book: Book) -> dict[str, str]:
    return _anchors(book.custom_properties(), PROPERTY_PREFIX)


def _anchors(values: dict[str, str], prefix: str) -> dict[str, str]:
    """The identity keys among ``values`` whose name is ``prefix`` + key."""
    return {name.removeprefix(prefix): value for name, value in values.items()
            if name.startswith(prefix) and name.removeprefix(prefix) in ID_KEYS}


# where a workbook says what it is, in the order they are trusted: the label says it to the office
ANCHORS = (("trang ẩn \"_id\"", _id_sheet), ("tên định nghĩa (Name Manager)", _defined_names),
           ("thuộc tính tệp (Properties)", _custom_properties))


def _version(value: str | None) -> int | None:
    try:
        return int(float(value)) if value else None
    except ValueError:
        return None


def _guess_form(book: Book, forms: dict[str, Form]) -> Form | None:
    """A declared form whose sheets are all found (by name or by their header) and at least half
    of whose labels match."""
    for form in forms.values():
        found = find_sheets(book, form)
        if any(s.key not in found for s in form.sheets if not s.optional):
            continue
        present = [s for s in form.sheets if s.key in found]  # an optional sheet may be missing
        total = sum(len(s.columns) for s in present)
        matching = sum(layout.header_score(book.rows(found[s.key], read_depth()) or [], s)[1] for s in present)
        if matching * 2 >= total:
            return form
    return None


def find_sheets(book: Book, form: Form) -> dict[str, str]:
    """Declared sheet key -> the sheet of the file holding it (see layout.resolve_sheets)."""
    return layout.resolve_sheets(form.sheets, book.ordered_names, lambda name: book.rows(name, read_depth()))


def read_depth() -> int:
    """How many rows of an input sheet are read: the deepest declared table and ROWS_BELOW more,
    for rows inserted above or inside it and data typed below it. The sheet's cell area is bounded
    before parsing (the limits), so this bounds the rows only."""
    forms = load_forms()
    if _DEPTH and _DEPTH[0] is forms:  # asked for each sheet of each file: computed once per declaration set
        return _DEPTH[1]
    _DEPTH[:] = [forms, max(s.last_row for f in forms.values() for s in f.sheets) + layout.ROWS_BELOW]
    return _DEPTH[1]


_DEPTH: list = []  # [the forms read_depth was computed for, its answer]


def _identify_unit(book: Book, form: Form, campaign: Campaign, code: str | None, result: FileResult) -> None:
    name_on_sheet, code_on_sheet = _unit_on_sheet(book, form)
    if code:
        unit = campaign.unit(code)
        if unit is None:
            result.findings.append(finding(
                "ident.unknown_unit", value=code, detail=f" (mã \"{code}\" không có trong danh sách đơn vị)"))
            return
        others = _other_units(book, campaign, unit.code)
        if others:
            result.findings.append(finding("ident.unit_conflict", value=unit.code,
                                           detail=f"mã đơn vị \"{unit.code}\", nhưng " + "; ".join(others)))
            return
        result.unit_code, result.identified_by = unit.code, "hidden"
        if name_on_sheet and fold(name_on_sheet) != fold(unit.name):
            result.findings.append(finding("ident.unit_mismatch", value=code, detail=name_on_sheet))
        return
    unit = (campaign.unit_by_name(name_on_sheet) if name_on_sheet else None) or (
        campaign.unit(code_on_sheet) if code_on_sheet else None)
    if unit is None:
        shown = name_on_sheet or code_on_sheet
        result.findings.append(finding("ident.unknown_unit", value=shown or None,
                                       detail=f" (trên biểu mẫu ghi \"{shown}\")" if shown else ""))
        return
    result.unit_code, result.identified_by = unit.code, "name"
    result.findings.append(finding("ident.by_name", value=name_on_sheet or code_on_sheet))


def _unit_on_sheet(book: Book, form: Form) -> tuple[str, str]:
    """The unit name (C6) and code (C7) written on the first of the form's sheets that has them
    (found by their labels, or moved with the header when rows were inserted above it)."""
    found = find_sheets(book, form)
    for sheet in form.sheets:
        rows = book.rows(found[sheet.key], read_depth()) if sheet.key in found else None
        if rows is None:
            continue
        name, code = layout.unit_cells(rows, layout.find_header(rows, sheet) or HEADER_ROW)
        if name or code:
            return name, code
    return "", ""
