"""The feedback workbook made from one build per form, not one build per file.

``feedback.feedback_workbook`` builds the unit's form again with openpyxl, writes the unit's rows, marks the
bad cells and puts the list of problems first (about 0.1 s a file, most of it the thousands of empty table
cells styled and written). Here the form with a first "Danh sách lỗi" sheet is built and saved once per form
(and per distinct prefilled rows), with placeholders for the unit's name and code, and the openpyxl workbook
is kept. For a file, the same functions write its rows and marks into that workbook, and only what they
touched is written again: the rows touched (spliced into the saved sheet), the list of problems (a sheet of
its own), the styles, and the comments. The kept workbook is then put back as it was.
"""
from __future__ import annotations

import io
import re
import weakref
from copy import copy
from typing import Callable

from openpyxl.cell.cell import MergedCell
from openpyxl.comments.comment_sheet import CommentSheet
from openpyxl.packaging.relationship import Relationship, RelationshipList
from openpyxl.styles.stylesheet import write_stylesheet
from openpyxl.workbook import Workbook
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.related import Related
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

from sheets_tools.campaign.model import Campaign, Unit
from sheets_tools.collection.templates import form_workbook, mark_cell, prefill_rows, write_row
from sheets_tools.collection.unit_books import (CODE_TOKEN, NAME_TOKEN, Template, plain, stand_in,
                                                workbook_bytes)
from sheets_tools.core.records import FileResult, Row
from sheets_tools.excel.openpyxl_style import fit_rows, protect, select_first
from sheets_tools.formkit.declaration import FIRST_ROW, Form
from sheets_tools.formkit.plugins import Context

KEPT = 8  # forms kept at once
_ROW = re.compile(rb'<row r="(\d+)"[^>]*?(?:/>|>.*?</row>)', re.S)
_STYLES = "xl/styles.xml"
_TYPES = "[Content_Types].xml"
_COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
_VML_DEFAULT = b'<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>'
_LEGACY = tostring(Related(id="anysvml").to_tree("legacyDrawing"))

# what feedback.py gives: the errors sheet's name and how to fill it
ErrorsSheet = Callable[[Worksheet, Campaign, Unit, FileResult], None]
_kept: dict[tuple, tuple[weakref.ref, _Book | None]] = {}


def feedback_bytes(form: Form, campaign: Campaign, unit: Unit, result: FileResult, rows: list[Row],
                   marks: dict[tuple[str, str], str], context: Context | None, errors_name: str,
                   errors_sheet: ErrorsSheet) -> bytes | None:
    """The bytes of the feedback workbook (the same as ``feedback_workbook`` saves), or None when this
    file's feedback is to be built in full (a unit name the placeholders cannot stand for, a value that
    holds a placeholder, cells the form does not have)."""
    if not plain(unit) or _holds_token(rows, marks):
        return None
    context = context or Context(campaign)
    prefilled = {s.key: prefill_rows(form, s, campaign, unit, context) for s in form.sheets}
    key = (id(campaign), form.id, repr(sorted(prefilled.items())), repr(sorted(campaign.settings.items())))
    ref, book = _kept.get(key, (None, None))
    if ref is None or ref() is not campaign:  # not built yet, or for a campaign object gone since
        _kept.pop(key, None)
        if len(_kept) >= KEPT:
            del _kept[next(iter(_kept))]
        book = _Book.build(form, campaign, context, prefilled, errors_name, errors_sheet, result)
        _kept[key] = (weakref.ref(campaign), book)
    if book is None or not book.template.fits(unit):
        return None
    return book.feedback(form, campaign, unit, result, rows, marks, errors_sheet)


def _holds_token(rows: list[Row], marks: dict[tuple[str, str], str]) -> bool:
    texts = [str(v) for r in rows for v in r.values.values()] + list(marks.values())
    return any(NAME_TOKEN in t or CODE_TOKEN in t for t in texts)


class _Book:
    """A form's feedback workbook built for the placeholders: the openpyxl workbook and its saved parts."""

    def __init__(self, wb: Workbook, template: Template, errors_name: str):
        self.wb, self.template, self.errors_name = wb, template, errors_name
        self.paths = {ws.title: f"xl/worksheets/sheet{i}.xml" for i, ws in enumerate(wb.worksheets, start=1)}
        self._styles: tuple[tuple, bytes] = ((), b"")
        self._widths = {ws.title: ws.max_column for ws in wb.worksheets}

    def width(self, title: str) -> int:
        """The last column of a sheet: a feedback's cells and rows are within the sheet's table."""
        return self._widths[title]

    def styles(self) -> bytes:
        """styles.xml of the kept workbook (its style lists only grow: their lengths say when it changed)."""
        wb = self.wb
        size = tuple(len(x) for x in (wb._cell_styles, wb._fonts, wb._fills, wb._borders, wb._alignments,
                                      wb._protections, wb._number_formats))
        if size != self._styles[0]:
            self._styles = (size, tostring(write_stylesheet(wb)))
        return self._styles[1]

    @classmethod
    def build(cls, form: Form, campaign: Campaign, context: Context, prefilled: dict, errors_name: str,
              errors_sheet: ErrorsSheet, sample: FileResult) -> _Book | None:
        unit = stand_in()
        wb = form_workbook(form, campaign, unit, context=context, prefilled=prefilled)
        _errors(wb, campaign, unit, sample, errors_name, errors_sheet)
        template = Template.of(workbook_bytes(wb))
        if template is None or any(name.startswith("xl/worksheets/_rels/") or "comment" in name
                                   for name in template.parts.names()):
            return None
        return cls(wb, template, errors_name)

    def feedback(self, form: Form, campaign: Campaign, unit: Unit, result: FileResult, rows: list[Row],
                 marks: dict[tuple[str, str], str], errors_sheet: ErrorsSheet) -> bytes | None:
        touched = _touched(self.wb, form, rows, marks)
        if any(isinstance(self.wb[title]._cells.get((r, col)), MergedCell) for title, numbers in touched.items()
               for r in numbers for col in range(1, self.width(title) + 1)):
            return None  # a row the form merges here (the note under a shorter table): built in full
        saved = {title: _save_rows(self.wb[title], numbers, self.width(title)) for title, numbers in touched.items()}
        try:
            _apply(self.wb, form, rows, marks)
            for title, numbers in touched.items():
                fit_rows(self.wb[title], only=numbers)
            errors = _errors(self.wb, campaign, unit, result, self.errors_name, errors_sheet)
            return self._write(touched, errors, unit)
        finally:
            for title, state in saved.items():
                _restore_rows(self.wb[title], state)

    def _write(self, touched: dict[str, set[int]], errors: Worksheet, unit: Unit) -> bytes | None:
        changed, added, types = {}, {}, []
        for n, (title, numbers) in enumerate(sorted(touched.items(), key=lambda t: self.paths[t[0]]), start=1):
            path = self.paths[title]
            sheet, comments = _rows_xml(self.wb[title], numbers, self.width(title),
                                        self.template.text(path).encode("utf-8"))
            if sheet is None:
                return None
            if comments:
                sheet = sheet.replace(b"</worksheet>", _LEGACY + b"</worksheet>")
                cs = CommentSheet.from_comments(comments)
                comment_path, vml_path = f"xl/comments/comment{n}.xml", f"xl/drawings/commentsDrawing{n}.vml"
                added[comment_path] = tostring(cs.to_tree())
                added[vml_path] = cs.write_shapes(None)
                rels = RelationshipList()
                rels.append(Relationship(Id="comments", type=cs._rel_type, Target="/" + comment_path))
                rels.append(Relationship(type="vmlDrawing", Id="anysvml", Target="/" + vml_path))
                added[path.replace("worksheets/", "worksheets/_rels/") + ".rels"] = tostring(rels.to_tree())
                types.append(f'<Override PartName="/{comment_path}" ContentType="{_COMMENTS_TYPE}"/>'.encode())
            changed[path] = sheet
        writer = WorksheetWriter(errors, out=io.BytesIO())
        writer.write()
        changed[self.paths[errors.title]] = writer.read()
        changed[_STYLES] = self.styles()
        if types:
            content = self.template.parts.part(_TYPES)
            if _VML_DEFAULT not in content:
                types.insert(0, _VML_DEFAULT)
            changed[_TYPES] = content.replace(b"</Types>", b"".join(types) + b"</Types>")
        return self.template.for_unit(unit, changed, added, keep=self.paths[errors.title])


def _errors(wb: Workbook, campaign: Campaign, unit: Unit, result: FileResult, name: str,
            errors_sheet: ErrorsSheet) -> Worksheet:
    """The list of problems as the first sheet (replacing the one there), as ``feedback_workbook`` makes it."""
    if name in wb.sheetnames:
        wb.remove(wb[name])
    ws = wb.create_sheet(name, 0)
    errors_sheet(ws, campaign, unit, result)
    protect(ws, campaign.settings.get("sheet_password") or None)
    select_first(wb)
    fit_rows(ws)
    return ws


def _touched(wb: Workbook, form: Form, rows: list[Row], marks: dict[tuple[str, str], str]) -> dict[str, set[int]]:
    """The rows of each sheet ``_apply`` may change."""
    out: dict[str, set[int]] = {}
    sheets = {s.key: s for s in form.sheets}
    for row in rows:
        sheet = sheets.get(row.sheet)
        if sheet is not None and FIRST_ROW <= row.row <= sheet.last_row:  # as write_row
            out.setdefault(sheet.name, set()).add(row.row)
    for sheet_name, ref in marks:
        if sheet_name in wb.sheetnames:
            out.setdefault(sheet_name, set()).add(int(re.sub(r"^[A-Z]+", "", ref)))
    return out


def _apply(wb: Workbook, form: Form, rows: list[Row], marks: dict[tuple[str, str], str]) -> None:
    for row in rows:
        write_row(wb, form, row)
    for (sheet_name, ref), message in marks.items():
        if sheet_name in wb.sheetnames:
            mark_cell(wb[sheet_name][ref], message)


def _save_rows(ws: Worksheet, numbers: set[int], width: int) -> tuple[dict, dict]:
    cells = {}
    for k in ((r, col) for r in numbers for col in range(1, width + 1)):
        c = ws._cells.get(k)
        if c is not None:
            cells[k] = (c._value, c.data_type, copy(c._style), c._comment, c._hyperlink)
    heights = {r: (ws.row_dimensions[r].height,) if r in ws.row_dimensions else None for r in numbers}
    return cells, heights


def _restore_rows(ws: Worksheet, state: tuple[dict, dict]) -> None:
    cells, heights = state
    for k in [k for k in ws._cells if k[0] in heights and k not in cells]:
        del ws._cells[k]
    for k, (value, kind, style, comment, link) in cells.items():
        c = ws._cells[k]
        c._value, c.data_type, c._style, c._comment, c._hyperlink = value, kind, style, comment, link
    for r, height in heights.items():
        if height is None:
            ws.row_dimensions.pop(r, None)
        else:
            ws.row_dimensions[r].height = height[0]
    ws._comments = []


def _rows_xml(ws: Worksheet, numbers: set[int], width: int, saved: bytes) -> tuple[bytes | None, list]:
    """The sheet's saved XML with the rows ``numbers`` written again from ``ws``; and their comments.
    None when a row is not in the saved sheet (the template has every row a unit can fill) or has a cell
    right of the sheet's last column."""
    if any(r in numbers and col > width for r, col in ws._cells):
        return None, []
    writer = WorksheetWriter(ws, out=io.BytesIO())
    xf = writer.xf.send(True)
    for r in sorted(numbers):
        cells = (ws._cells.get((r, col)) for col in range(1, width + 1))
        writer.write_row(xf, [c for c in cells if c is not None], r)
    writer.xf.send(None)
    fresh = {int(m.group(1)): m.group(0) for m in _ROW.finditer(writer.read())}
    comments = list(ws._comments)
    writer.ws._comments = []
    old = {int(m.group(1)): m for m in _ROW.finditer(saved)}
    if not set(numbers) <= set(old) or not set(numbers) <= set(fresh):
        return None, []
    out, last = [], 0
    for r in sorted(numbers):
        m = old[r]
        out += [saved[last:m.start()], fresh[r]]
        last = m.end()
    out.append(saved[last:])
    return b"".join(out), comments

