"""Validate what intake read: each row through its pydantic model, then the rules that look
at several rows (duplicates in a file, the same person in two units) and the deadline.

Every problem becomes a Finding; nothing stops at the first error.
"""
from __future__ import annotations

import os
from typing import Any

from pydantic import BaseModel, ValidationError

from sheets_tools.collection import intake
from sheets_tools.campaign.model import Campaign
from sheets_tools.core.findings import Finding, finding
from sheets_tools.core.text import clean, has_controls, strip_controls
from sheets_tools.formkit.declaration import FIRST_ROW, Column, Form, TableSheet, get_form, load_forms
from sheets_tools.core.values import format_date, is_empty
from sheets_tools.formkit.models import list_adapter, row_model
from sheets_tools.core.records import DEBUG_ENV, FileResult, Incoming, Row
from sheets_tools.formkit.plugins import Context, hook
from sheets_tools.formkit.rows import describe_row, display, identity_key, key_text, placed, row_key


def check_file(incoming: Incoming, campaign: Campaign, context: Context | None = None) -> FileResult:
    """Read and validate one file: what ``collect`` and ``sheets-tools validate`` use."""
    result, raw = intake.read(incoming, campaign)
    result.findings[:0] = incoming.notes
    return validate(result, raw, campaign, context)


def validate(result: FileResult, raw: dict, campaign: Campaign, context: Context | None = None) -> FileResult:
    """Validate the rows ``intake.read`` returned; add Rows and findings to ``result``; then the
    form's own rules (``forms/<form id>.py``) look at the whole file."""
    if result.form_id not in load_forms():
        return result
    form = get_form(result.form_id)
    for sheet in form.sheets:
        model = row_model(sheet, campaign)
        rows = raw.get(sheet.key, [])
        valid = _validate_table(sheet, model, rows)
        if valid is not None:
            result.rows.extend(valid)
        else:
            for number, values in rows:
                result.rows.append(_validate_row(result, sheet, model, number, values))
        result.findings.extend(_duplicates(result, sheet))
    required = [s.key for s in form.sheets if not s.optional]
    if raw and all(k in raw for k in required) and not any(_filled(form.sheet(k), rows) for k, rows in raw.items()):
        result.findings.extend(_no_data(result, form))
    elif (own := hook(form.id, "check")) is not None and result.unit_code:
        try:
            own(result, form, campaign, context or Context(campaign))
        except Exception as exc:  # one file's rules failing never stops the run (--debug: raised)
            if os.environ.get(DEBUG_ENV):
                raise
            result.findings.append(finding("file.check_failed", file=result.incoming.source,
                                           detail=f"{type(exc).__name__}: {str(exc)[:200]}"))
    _check_deadline(result, form, campaign)
    return result


def _filled(sheet: TableSheet, rows: list[tuple[int, dict]]) -> bool:
    """Whether a unit typed anything in a table (prefilled columns do not count)."""
    fields = [c.field for c in sheet.inputs]
    return any(not is_empty(values.get(f)) for _, values in rows for f in fields)


def _validate_table(sheet: TableSheet, model: type[BaseModel], rows: list[tuple[int, dict]]) -> list[Row] | None:
    """Every row of a table validated in one call, when no text holds a control character and every row is
    valid: the Rows ``_validate_row`` gives then. None otherwise: the caller validates row by row, so that
    each finding comes in its row's order (a control character's warning before the row's errors). The
    validators run in the same order either way (they only remember what they accepted)."""
    if not rows or not "".join([v for _, values in rows for v in values.values() if type(v) is str]).isprintable():
        return None
    try:
        validated = list_adapter(model).validate_python([values for _, values in rows])
    except ValidationError:
        return None
    out = []
    for (number, _), item in zip(rows, validated):
        row = Row(sheet=sheet.key, row=number, values=item.model_dump())
        row.key = identity_key(sheet, row.values)
        out.append(row)
    return out


def _validate_row(result: FileResult, sheet: TableSheet, model: type[BaseModel], number: int, values: dict) -> Row:
    values = _without_controls(result, sheet, number, values)
    try:
        validated = model.model_validate(values)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            column = sheet.column(str(err["loc"][0]))
            result.findings.append(_cell_finding(result, sheet, column, number, values.get(column.field), err))
        return Row(sheet=sheet.key, row=number, values=dict(values), valid=False)
    row = Row(sheet=sheet.key, row=number, values=validated.model_dump())
    row.key = identity_key(sheet, row.values)
    return row


def _without_controls(result: FileResult, sheet: TableSheet, number: int, values: dict) -> dict:
    """The row's values with the control characters removed from its text (core.text.strip_controls), a
    warning on each cell that had some: they never reach the ledger, the master, the feedback or the
    terminal. The whitespace ones (vertical tab, form feed ...) become spaces, without a warning."""
    dirty = [f for f, v in values.items() if type(v) is str and not v.isprintable() and strip_controls(v) != v]
    if not dirty:
        return values
    values = dict(values)
    for field in dirty:
        typed, values[field] = values[field], strip_controls(values[field])
        if field not in sheet.column_map or not has_controls(typed):
            continue
        column = sheet.column(field)
        name, letter = placed(result, sheet, column)
        result.findings.append(finding("cell.control_chars", sheet=name, cell=f"{letter}{number}", field=field,
                                       value=clean(values[field]), file=result.incoming.source,
                                       unit=result.unit_code, label=column.label))
    return values


def _cell_finding(result: FileResult, sheet: TableSheet, column: Column, number: int, raw: Any, err: dict) -> Finding:
    ctx = dict(err.get("ctx") or {})
    value = ctx.pop("shown", display(raw))
    context = {"label": column.label, **ctx}
    name, letter = placed(result, sheet, column)
    return finding(err["type"], sheet=name, cell=f"{letter}{number}", field=column.field, value=value,
                   file=result.incoming.source, unit=result.unit_code, **context)


# --- rules over several rows -----------------------------------------------------------------
def _duplicates(result: FileResult, sheet: TableSheet) -> list[Finding]:
    rows = [r for r in result.rows if r.sheet == sheet.key]
    out = []
    for group in sheet.unique:
        first_column = sheet.column(group[0])
        seen: dict[str, int] = {}
        for row in rows:
            # a valid row already carries its key when the group is the cross-unit identity
            key = row.key if row.key is not None and group == sheet.unique_across_units \
                else key_text(sheet, row_key(sheet, group, row.values))
            if key is None:
                continue
            if key in seen:
                name, letter = placed(result, sheet, first_column)
                out.append(finding(
                    "row.duplicate_in_unit", sheet=name, cell=f"{letter}{row.row}",
                    field=first_column.field, value=display(row.values.get(first_column.field)),
                    file=result.incoming.source, unit=result.unit_code,
                    what=describe_row(sheet, row.values), other_row=seen[key]))
            else:
                seen[key] = row.row
    return out


def _no_data(result: FileResult, form: Form) -> list[Finding]:
    """One error for a form returned without any row: it does not count as sent."""
    first = form.sheets[0]
    name, letter = placed(result, first, first.columns[0])
    row = result.placements[first.key].first_row if first.key in result.placements else FIRST_ROW
    return [finding("row.no_data", sheet=name, cell=f"{letter}{row}", file=result.incoming.source,
                    unit=result.unit_code)]


def _check_deadline(result: FileResult, form: Form, campaign: Campaign) -> None:
    deadline = campaign.deadline(form.deadline) if form.deadline else None
    received = result.incoming.received_at.date()
    if deadline is not None and received > deadline:
        result.late = True
        result.findings.append(finding("file.late", file=result.incoming.source, unit=result.unit_code,
                                       received=format_date(received), deadline=format_date(deadline)))


def cross_unit_findings(form: Form, rows_by_unit: dict[str, list[Row]], campaign: Campaign
                        ) -> dict[str, list[Finding]]:
    """The same person (``unique_across_units``) registered by two units: a warning on each side.

    ``rows_by_unit`` may be all rows in use or only those whose key is shared (Ledger.shared_rows).
    """
    out: dict[str, list[Finding]] = {}
    for sheet in form.sheets:
        if not sheet.unique_across_units:
            continue
        by_key: dict[tuple, list[tuple[str, Row]]] = {}
        for unit, rows in rows_by_unit.items():
            for row in rows:
                if row.sheet == sheet.key and (key := row_key(sheet, sheet.unique_across_units, row.values)):
                    by_key.setdefault(key, []).append((unit, row))
        for entries in by_key.values():
            units = list(dict.fromkeys(u for u, _ in entries))
            if len(units) < 2:
                continue
            for unit, row in entries:  # one finding per row, naming the other units (linear, not pairwise)
                others = [u for u in units if u != unit]
                out.setdefault(unit, []).append(_across(sheet, unit, row, others, campaign))
    return out


def _across(sheet: TableSheet, unit: str, row: Row, others: list[str], campaign: Campaign) -> Finding:
    column = sheet.column(sheet.unique_across_units[0])
    names = [(campaign.unit(o).name if campaign.unit(o) else o) for o in others[:3]]
    if len(others) > 3:
        names.append(f"{len(others) - 3} đơn vị khác")
    return finding("row.duplicate_across_units", sheet=sheet.name, cell=f"{column.letter}{row.row}",
                   field=column.field, value=display(row.values.get(column.field)), unit=unit,
                   what=describe_row(sheet, row.values), other_unit=", ".join(names))
