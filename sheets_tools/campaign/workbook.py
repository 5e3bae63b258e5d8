"""Reading ``campaign.xlsx``: ``load`` reads and validates it with pydantic and reports every mistake by
sheet and cell (``CampaignError.findings``); ``sample_campaign`` is the built-in sample without a file.
``campaign.writer.create`` writes it, apart: every command reads the campaign, few write it, and writing
needs openpyxl (a tenth of a second to import).
"""
from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from sheets_tools.campaign import samples as sample_data
from sheets_tools.campaign.criteria import Criterion, check_tables
from sheets_tools.campaign.layout import (INFO_FIELDS, INFO_SHEET, OPTIONAL_COLUMNS, OPTIONAL_SHEETS, SETTINGS_SHEET,
                                          TABLES, VOCAB, Sheets, Unreadable, sheet_values)
from sheets_tools.campaign.mail_settings import KEYS as MAIL_KEYS
from sheets_tools.campaign.mail_settings import MailSettings
from sheets_tools.campaign.model import (CAMPAIGN_FILE, Campaign, CampaignError, CatalogueItem, Deadline, Indicator,
                                         Info, Limits, ListItem, Member, Movement, Unit, YearEnd)
from sheets_tools.core.findings import Finding, finding
from sheets_tools.core.text import clean, fold
from sheets_tools.core.values import coerce_date
from sheets_tools.excel.columns import column_letter


def load(directory: Path) -> Campaign:
    """Read and validate ``directory/campaign.xlsx``; raise CampaignError listing every problem."""
    directory = Path(directory)
    path = directory / CAMPAIGN_FILE
    if not path.is_file():
        raise CampaignError([finding("campaign.missing", value=str(path))])
    try:
        wb = sheet_values(path)
    except PermissionError as exc:
        raise CampaignError([finding("campaign.unreadable", detail="tệp đang bị khóa hoặc không có quyền đọc; "
                                     "hãy đóng tệp trong Excel rồi chạy lại")]) from exc
    except (zipfile.BadZipFile, Unreadable, KeyError, OSError) as exc:
        raise CampaignError([finding("campaign.unreadable", detail="tệp không phải sổ Excel (.xlsx) hợp lệ; hãy mở "
                                     "bằng Excel và lưu lại dạng Excel Workbook (.xlsx)")]) from exc
    problems: list[Finding] = []
    info = _read_info(wb, problems)
    tables = {key: _read_table(wb, key, problems) for key in TABLES}
    settings = _read_settings(wb, problems)
    if problems:
        raise CampaignError(problems)
    return Campaign(dir=directory, info=info, settings=settings, **tables)


def sample_campaign(name: str = "daklak-2024", directory: Path | None = None, year: int | None = None) -> Campaign:
    """The built-in sample (of ``year``, for a sample of any year) as a Campaign object, without writing
    campaign.xlsx."""
    data = sample_data.sample(name, year)
    return Campaign(
        dir=Path(directory or "."), info=Info.model_validate(data.info), settings=dict(data.settings),
        units=[Unit(code=c, name=n, kind=k, block=b, email=e, contact=p) for c, n, k, b, e, p in data.units],
        catalogue=[CatalogueItem(code=c, name=n, kind=k, subject=s, legal_basis=lb, rule=r, multiple=m,
                                 vote_percent=v, decider=d, figures_basis=fb)
                   for c, n, k, s, lb, r, m, v, d, fb in data.catalogue],
        movements=[Movement(code=c, name=n, period=p) for c, n, p in data.movements],
        deadlines=[Deadline(form=f, name=n, date=d, opens=o, remind_days=r, optional=op)
                   for f, n, d, o, r, op in data.deadlines],
        criteria=[Criterion(block=b, code=c, name=n, standard=st, kind=k, values=v, scale=sc, evidence=ev)
                  for b, c, n, st, k, v, sc, ev in data.criteria],
        council=[Member(name=n, position=p, role=r) for n, p, r in data.council],
        lists=[ListItem(list=li, value=v, group=g, note=nt) for li, v, g, nt in data.lists],
        indicators=[Indicator(code=c, name=n, measure=m, kind=k, direction=d, applies=a, target=t, note=nt)
                    for c, n, m, k, d, a, t, nt in data.indicators])


# --- reading ------------------------------------------------------------------------------------
def _at(row: list[Any], i: int) -> Any:
    return row[i] if i < len(row) else None


def _cell_value(v: Any) -> Any:
    if isinstance(v, str):
        v = clean(v)  # the office's text too goes into forms, mails and file names: no control characters
        return v or None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _text_date(text: str) -> date | str:
    try:
        return coerce_date(text) or text
    except PydanticCustomError:
        return text


def _read_info(wb: Sheets, problems: list[Finding]) -> Info | None:
    if INFO_SHEET not in wb:
        problems.append(finding("campaign.sheet_missing", sheet=INFO_SHEET))
        return None
    by_label = {fold(lbl): (field, lbl) for field, lbl, _ in INFO_FIELDS}
    data, cells = {}, {}
    for r, row in enumerate(wb[INFO_SHEET][1:], start=2):
        label = _at(row, 0)
        if isinstance(label, str) and fold(label) in by_label:
            field, _ = by_label[fold(label)]
            value = _cell_value(_at(row, 1))
            if value is not None:
                data[field] = str(value) if field != "year" else value
            cells[field] = f"B{r}"
    try:
        return Info.model_validate(data)
    except ValidationError as exc:
        labels = {f: lbl for f, lbl, _ in INFO_FIELDS}
        for err in exc.errors():
            field = str(err["loc"][0])
            problems.append(finding("campaign.bad_value", sheet=INFO_SHEET, cell=cells.get(field, "B2"),
                                    field=field, value=data.get(field), label=labels.get(field, field),
                                    detail=_explain(err)))
        return None


def _read_table(wb: Sheets, key: str, problems: list[Finding]) -> list:
    sheet_name, model, cols = TABLES[key]
    if sheet_name not in wb:
        if key not in OPTIONAL_SHEETS:
            problems.append(finding("campaign.sheet_missing", sheet=sheet_name))
        return []
    table = wb[sheet_name]
    header = [fold(str(v)) if v is not None else "" for v in (table[0] if table else [None])]
    positions, missing = {}, False
    for field, label, _ in cols:
        if fold(label) in header:
            positions[field] = header.index(fold(label))
        elif field not in OPTIONAL_COLUMNS:
            missing = True
            problems.append(finding("campaign.bad_value", sheet=sheet_name, cell="A1", label=label,
                                    detail="thiếu cột này ở dòng tiêu đề"))
    if missing:
        return []
    rows_of: dict = {}
    items, seen = [], {}
    vocabs = {f: {fold(k): v for k, v in vocab.items()} for f, vocab in VOCAB.get(key, {}).items()}
    for r, row in enumerate(table[1:], start=2):
        values = {f: _cell_value(_at(row, i)) for f, i in positions.items()}
        if all(v is None for v in values.values()):
            continue
        for f, vocab in vocabs.items():
            if f in values and isinstance(values[f], str):
                values[f] = vocab.get(fold(values[f]), values[f])
        for f in _DATE_FIELDS:
            if isinstance(values.get(f), str):  # typed as text, e.g. 31/01/2024
                values[f] = _text_date(values[f])
        data = {f: v if f in _DATE_FIELDS or v is None or isinstance(v, str) else str(v) for f, v in values.items()}
        data = {f: v for f, v in data.items() if v is not None}
        try:
            item = model.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                field = str(err["loc"][0]) if err["loc"] else cols[0][0]
                label = next(lbl for f, lbl, _ in cols if f == field) if field in positions else field
                col = column_letter(positions.get(field, 0) + 1)
                problems.append(finding("campaign.bad_value", sheet=sheet_name, cell=f"{col}{r}", field=field,
                                        value=values.get(field), label=label, detail=_explain(err, field)))
            continue
        ident = _ident(key, item)
        if key == "criteria":
            rows_of[(fold(item.block), item.code)] = r
        if key == "units":  # a unit is also recognised by its name: names must differ too
            folded = "name:" + fold(item.name)
            if folded in seen:
                problems.append(finding("campaign.duplicate", sheet=sheet_name, cell=f"B{r}", value=item.name,
                                        other_row=seen[folded]))
                continue
            seen[folded] = r
        if ident in seen:
            problems.append(finding("campaign.duplicate", sheet=sheet_name, cell=f"A{r}",
                                    value=item.code if key == "units" else ident, other_row=seen[ident]))
            continue
        seen[ident] = r
        items.append(item)
    if key == "criteria":
        problems.extend(check_tables(items, rows_of, sheet_name))
    return items


_DATE_FIELDS = ("date", "opens")


def _ident(key: str, item: BaseModel) -> Any:
    """What must not repeat in a table: a code (a unit's whatever its case); a criterion's code within its
    block; a member's name."""
    if key == "criteria":
        return (fold(item.block), item.code)
    if key == "council":
        return fold(item.name)
    if key == "lists":
        return (fold(item.list), fold(item.value))
    if key == "units":  # a unit's code names its folders: "PTP-A" and "ptp-a" are one folder on Windows
        return item.code.casefold()
    return getattr(item, "code", None) or getattr(item, "form", None)


def _read_settings(wb: Sheets, problems: list[Finding]) -> dict[str, str]:
    if SETTINGS_SHEET not in wb:
        return {}
    out, cells = {}, {}
    for r, row in enumerate(wb[SETTINGS_SHEET][1:], start=2):
        if _at(row, 0):
            key = str(_at(row, 0)).strip()
            out[key] = "" if _at(row, 1) is None else str(_cell_value(_at(row, 1)))
            cells[key] = f"B{r}"
    try:
        YearEnd.from_settings(out)
    except (ValidationError, ValueError) as exc:
        bad = exc.errors()[0] if isinstance(exc, ValidationError) else None
        key = str(bad["loc"][0]) if bad and bad["loc"] else next((k for k in out if k.startswith("band.")), "")
        problems.append(finding("campaign.bad_value", sheet=SETTINGS_SHEET, cell=cells.get(key, "B2"), field=key,
                                value=out.get(key), label=key, detail="giá trị không hợp lệ (xem cột \"Ý nghĩa\")"))
    if out.get("remind_days") and not _whole_number(out["remind_days"]):
        problems.append(finding("campaign.bad_value", sheet=SETTINGS_SHEET, cell=cells["remind_days"],
                                field="remind_days", value=out["remind_days"], label="remind_days",
                                detail="phải là số ngày (số nguyên không âm)"))
    try:
        MailSettings.from_settings(out)
    except ValidationError as exc:
        for err in exc.errors():
            key = MAIL_KEYS.get(str(err["loc"][0]) if err["loc"] else "", "")
            problems.append(finding("campaign.bad_value", sheet=SETTINGS_SHEET, cell=cells.get(key, "B2"),
                                    field=key, value=out.get(key), label=key,
                                    detail="giá trị không hợp lệ (xem cột \"Ý nghĩa\")"))
    try:
        Limits.model_validate({k: v for k, v in out.items() if k in Limits.model_fields and v})
    except ValidationError as exc:
        for err in exc.errors():
            key = str(err["loc"][0])
            problems.append(finding("campaign.bad_value", sheet=SETTINGS_SHEET, cell=cells.get(key, "B2"),
                                    field=key, value=out.get(key), label=key,
                                    detail="phải là một số dương hợp lệ"))
    return out


def _whole_number(text: str) -> bool:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return False
    return value >= 0 and value.is_integer()


def _explain(err: dict, field: str | None = None) -> str:
    kind = err.get("type", "")
    if kind == "missing":
        return "chưa nhập (bắt buộc)"
    if kind == "string_pattern_mismatch":
        return "chỉ dùng chữ không dấu, số, dấu chấm, gạch ngang, gạch dưới"
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type", "date_from_datetime_inexact"):
        return "không phải ngày hợp lệ (nhập ngày dạng dd/mm/yyyy)"
    if kind == "literal_error":
        allowed = next((v[field] for v in VOCAB.values() if field in v), {}) if field else {}
        return "phải là một trong: " + ", ".join(allowed) if allowed else "giá trị không hợp lệ"
    if kind.startswith("int") or kind.startswith("greater") or kind.startswith("less"):
        return "phải là số năm hợp lệ"
    if kind == "string_too_short":
        return "chưa nhập (bắt buộc)"
    if kind == "string_too_long":
        return "quá dài"
    if kind == "value_error":
        return str(err.get("ctx", {}).get("error", "giá trị không hợp lệ"))
    return "giá trị không hợp lệ"
