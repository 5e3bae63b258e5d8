"""Reading and writing ``campaign.xlsx``: ``create`` writes it (empty or from a sample), ``load``
reads and validates it with pydantic and reports every mistake by sheet and cell
(``CampaignError.findings``); ``sample_campaign`` is the built-in sample without a file.
"""
from __future__ import annotations

import secrets
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from sheets_tools.campaign import samples as sample_data
from sheets_tools.campaign.criteria import Criterion, check_tables
from sheets_tools.campaign.layout import (DEFAULT_SETTINGS, INFO_FIELDS, INFO_SHEET, OPTIONAL_COLUMNS, OPTIONAL_SHEETS,
                                          SETTINGS_SHEET, TABLES, VOCAB, Sheets, sheet_values, word_of)
from sheets_tools.campaign.mail_settings import KEYS as MAIL_KEYS
from sheets_tools.campaign.mail_settings import MailSettings
from sheets_tools.campaign.model import (CAMPAIGN_FILE, Campaign, CampaignError, CatalogueItem, Deadline, Indicator,
                                         Info, Limits, ListItem, Member, Movement, Unit, YearEnd)
from sheets_tools.core.files import atomic_save
from sheets_tools.core.findings import Finding, finding
from sheets_tools.core.text import clean, fold
from sheets_tools.core.values import coerce_date
from sheets_tools.excel.fit import column_width
from sheets_tools.excel.style import (BORDER, DATE_FORMAT, ERROR_COLOR, fit_workbook, font, header_cell, new_workbook,
                                      print_a4)

WRAP = Alignment(wrap_text=True, vertical="top")  # campaign.xlsx's cells: long names wrap, rows grow to them


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
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise CampaignError([finding("campaign.unreadable", detail="tệp không phải sổ Excel (.xlsx) hợp lệ; hãy mở "
                                     "bằng Excel và lưu lại dạng Excel Workbook (.xlsx)")]) from exc
    problems: list[Finding] = []
    info = _read_info(wb, problems)
    tables = {key: _read_table(wb, key, problems) for key in TABLES}
    settings = _read_settings(wb, problems)
    if problems:
        raise CampaignError(problems)
    return Campaign(dir=directory, info=info, settings=settings, **tables)


def create(directory: Path, sample: str | None = None, year: int | None = None) -> Path:
    """Write ``directory/campaign.xlsx``: the named sample (of ``year``, for a sample of any year), or an
    empty one of ``year`` (default this year) to fill. An unknown sample or a year it cannot be of is a
    ValueError saying so in Vietnamese."""
    directory = Path(directory)
    data = sample_data.sample_or_blank(sample, year)
    directory.mkdir(parents=True, exist_ok=True)
    rows = {
        "deadlines": [(*line[:5], "Có" if line[5] else "Không") for line in data.deadlines],
        "units": data.units,
        "catalogue": [(c, n, _word("kind", k), _word("subject", s), b, _word("rule", r), m, v, d, fb)
                      for c, n, k, s, b, r, m, v, d, fb in data.catalogue],
        "movements": data.movements,
        "criteria": [(b, c, n, st, word_of("criteria", "kind", k), v, sc, "Có" if ev else "Không")
                     for b, c, n, st, k, v, sc, ev in data.criteria],
        "council": data.council,
        "lists": data.lists,
        "indicators": [(c, n, m, word_of("indicators", "kind", k), word_of("indicators", "direction", d), a, t, nt)
                       for c, n, m, k, d, a, t, nt in data.indicators],
    }
    wb = new_workbook()  # Times New Roman 12, empty cells too
    _write_info(wb, data.info, sample)
    if sample:  # the note under the table says what the sample is
        wb[INFO_SHEET].cell(row=len(INFO_FIELDS) + 3, column=1).value = data.note
    for key in TABLES:
        _write_table(wb, key, rows[key])
    if sample:  # beside the table, never read as a criterion
        ws = wb[TABLES["criteria"][0]]
        ws["J1"], ws["J2"] = "Lưu ý", ("Tiêu chí mẫu chỉ để minh họa (một số dòng theo bảng chấm điểm của Bộ Tư pháp "
                                       "năm 2022); hãy thay bằng bảng tiêu chí chấm điểm thực tế của năm.")
        ws["J1"].font, ws["J2"].font = font(bold=True), font(italic=True, color=ERROR_COLOR)
        ws.column_dimensions["J"].width = 60
        ws["J2"].alignment = WRAP
    _write_settings(wb)
    for row in wb[SETTINGS_SHEET].iter_rows(min_row=2, max_col=2):  # what the sample sets (its decree)
        if row[0].value in data.settings:
            row[1].value = data.settings[row[0].value]
    for ws in wb.worksheets:
        print_a4(ws, title_row=1)
    path = directory / CAMPAIGN_FILE
    atomic_save(fit_workbook(wb), path)
    return path


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
                col = get_column_letter(positions.get(field, 0) + 1)
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


# --- writing ------------------------------------------------------------------------------------
def _word(field: str, value: str | None) -> str | None:
    return word_of("catalogue", field, value)


def _style_header(ws, ncols: int) -> None:
    for c in range(1, ncols + 1):
        cell = ws.cell(row=1, column=c)
        header_cell(cell)
    ws.freeze_panes = "A2"


def _write_info(wb, info: dict, sample: str | None) -> None:
    ws = wb.create_sheet(INFO_SHEET)
    for c, (text, width) in enumerate([("Mục", 24), ("Giá trị", 40), ("Ghi chú", 60)], start=1):
        ws.cell(row=1, column=c, value=text)
        ws.column_dimensions[get_column_letter(c)].width = width
    _style_header(ws, 3)
    for r, (field, label, hint) in enumerate(INFO_FIELDS, start=2):
        for c, v in enumerate([label, info.get(field), hint], start=1):
            cell = ws.cell(row=r, column=c, value=v)
            cell.font, cell.border, cell.alignment = font(bold=c == 1), BORDER, WRAP
            if isinstance(v, str):
                cell.data_type = "s"
    if sample:
        note = ws.cell(row=len(INFO_FIELDS) + 3, column=1,
                       value=f"Dữ liệu mẫu \"{sample}\" theo Kế hoạch phát động thi đua năm 2024 của Sở Tư pháp "
                             "tỉnh Đắk Lắk; mã đơn vị, e-mail và người liên hệ là minh họa.")
        note.font, note.alignment = font(italic=True), WRAP
        ws.merge_cells(start_row=note.row, start_column=1, end_row=note.row, end_column=3)


def _write_table(wb, key: str, rows: list) -> None:
    sheet_name, _, cols = TABLES[key]
    ws = wb.create_sheet(sheet_name)
    for c, (_, label, width) in enumerate(cols, start=1):
        ws.cell(row=1, column=c, value=label)
        ws.column_dimensions[get_column_letter(c)].width = width
    _style_header(ws, len(cols))
    for r, row in enumerate(rows, start=2):
        for c, v in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=v)
            cell.font, cell.border, cell.alignment = font(), BORDER, WRAP
            if isinstance(v, str):
                cell.data_type = "s"
            if isinstance(v, date):
                cell.number_format = DATE_FORMAT
    for c, (field, _, _) in enumerate(cols, start=1):
        words = VOCAB.get(key, {}).get(field)
        if words:
            dv = DataValidation(type="list", formula1='"' + ",".join(words) + '"', allow_blank=True,
                                showErrorMessage=True, errorTitle="Giá trị không hợp lệ",
                                error="Hãy chọn trong danh sách: " + ", ".join(words))
            col = get_column_letter(c)
            dv.add(f"{col}2:{col}500")
            ws.column_dimensions[col].width = max(ws.column_dimensions[col].width, column_width(words))
            ws.add_data_validation(dv)
        if field == "date":
            col = get_column_letter(c)
            for r in range(2, max(len(rows) + 2, 12)):
                ws[f"{col}{r}"].number_format = DATE_FORMAT


def new_password(length: int = 12) -> str:
    """A random sheet password without look-alike characters (it may be read aloud or typed)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def _write_settings(wb) -> None:
    ws = wb.create_sheet(SETTINGS_SHEET)
    for c, (text, width) in enumerate([("Khóa", 28), ("Giá trị", 30), ("Ý nghĩa", 70)], start=1):
        ws.cell(row=1, column=c, value=text)
        ws.column_dimensions[get_column_letter(c)].width = width
    _style_header(ws, 3)
    for r, (key, value, meaning) in enumerate(DEFAULT_SETTINGS, start=2):
        if key == "sheet_password":  # generated once, when the campaign is made
            value = new_password()
        for c, v in enumerate((key, value, meaning), start=1):
            cell = ws.cell(row=r, column=c, value=v)
            cell.font, cell.alignment = font(), WRAP
