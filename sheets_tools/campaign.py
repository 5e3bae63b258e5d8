"""A campaign is a folder; its settings live in ``campaign.xlsx``, a workbook the office edits.

``create`` writes campaign.xlsx (empty or from a sample), ``load`` reads and validates it
with pydantic and reports every mistake by sheet and cell (``CampaignError.findings``).
"""
from __future__ import annotations

import zipfile
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from . import sample as sample_data
from .files import atomic_save
from .findings import Finding, finding
from .text import fold, normalize

CAMPAIGN_FILE = "campaign.xlsx"
FONT = "Times New Roman"


class Unit(BaseModel):
    model_config = ConfigDict(frozen=True)
    code: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.\-]+$")
    name: str = Field(min_length=1, max_length=200)
    kind: str = ""
    block: str = ""
    email: str = ""
    contact: str = ""

    @field_validator("email")
    @classmethod
    def _email(cls, v: str) -> str:
        if v and ("@" not in v or " " in v):
            raise ValueError("địa chỉ e-mail không hợp lệ")
        return v


class CatalogueItem(BaseModel):
    model_config = ConfigDict(frozen=True)
    code: str = Field(min_length=1)
    name: str = Field(min_length=1)
    kind: Literal["title", "form"]
    subject: Literal["individual", "collective"]
    legal_basis: str = ""


class Movement(BaseModel):
    model_config = ConfigDict(frozen=True)
    code: str = Field(min_length=1)
    name: str = Field(min_length=1, max_length=250)
    period: str = ""


class Deadline(BaseModel):
    model_config = ConfigDict(frozen=True)
    form: str = Field(min_length=1)
    name: str = ""
    date: date


class Info(BaseModel):
    campaign_id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")
    parent_agency: str = ""
    agency: str = Field(min_length=1)
    place: str = ""
    year: int = Field(ge=2000, le=2100)
    office: str = "Văn phòng"
    office_email: str = ""
    signer_title: str = "THỦ TRƯỞNG CƠ QUAN"


class Campaign(BaseModel):
    """The validated content of campaign.xlsx, plus the folder it lives in."""
    model_config = ConfigDict(arbitrary_types_allowed=True)

    dir: Path
    info: Info
    units: list[Unit]
    catalogue: list[CatalogueItem]
    movements: list[Movement]
    deadlines: list[Deadline]
    settings: dict[str, str] = {}

    @property
    def id(self) -> str:
        return self.info.campaign_id

    @cached_property
    def _by_code(self) -> dict[str, Unit]:
        return {u.code: u for u in self.units}

    @cached_property
    def _by_name(self) -> dict[str, Unit]:
        return {fold(u.name): u for u in self.units}

    def unit(self, code: str) -> Unit | None:
        return self._by_code.get(code)

    def unit_by_name(self, name: str) -> Unit | None:
        return self._by_name.get(fold(name))

    def deadline(self, form_id: str) -> date | None:
        return next((d.date for d in self.deadlines if d.form == form_id), None)

    def catalogue_items(self, ref: str) -> list[CatalogueItem] | list[Movement]:
        if ref == "movement":
            return list(self.movements)
        kind, subject = ref.split(":")
        return [c for c in self.catalogue if c.kind == kind and c.subject == subject]

    def catalogue_names(self, ref: str) -> list[str]:
        return [c.name for c in self.catalogue_items(ref)]

    @cached_property
    def limits(self) -> Limits:
        """The intake limits: defaults, overridden by the "Cài đặt" sheet (checked in ``load``)."""
        return Limits.model_validate({k: v for k, v in self.settings.items() if k in Limits.model_fields and v})

    def password(self, unit_code: str | None) -> str | None:
        """The password the office holds for a unit's encrypted files (setting ``password.<code>``)."""
        return self.settings.get(f"password.{unit_code}") or None if unit_code else None

    def passwords(self) -> list[str]:
        """Every unit password in the settings (an encrypted file does not say which unit sent it)."""
        return [v for k, v in self.settings.items() if k.startswith("password.") and v]

    def catalogue_item(self, name: str) -> CatalogueItem | None:
        key = fold(name)
        return next((c for c in self.catalogue if fold(c.name) == key), None)


class CampaignError(Exception):
    """campaign.xlsx is missing or wrong; ``findings`` say where."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("\n".join(_where(f) + f.message for f in findings))


# --- the workbook's layout: sheet name, then (field, Vietnamese header, width) ----------------
INFO_SHEET = "Thông tin chung"
INFO_FIELDS = [
    ("campaign_id", "Mã đợt thi đua", "Chữ không dấu, số, dấu gạch; ví dụ daklak-2024"),
    ("parent_agency", "Cơ quan cấp trên", "In ở góc trái biểu mẫu, ví dụ UBND TỈNH ĐẮK LẮK"),
    ("agency", "Cơ quan", "Ví dụ SỞ TƯ PHÁP"),
    ("place", "Địa danh", "Dùng trong dòng \"..., ngày ... tháng ... năm ...\""),
    ("year", "Năm thi đua", ""),
    ("office", "Đơn vị tiếp nhận", "Ví dụ Văn phòng Sở"),
    ("office_email", "E-mail tiếp nhận", "Địa chỉ các đơn vị gửi biểu mẫu về"),
    ("signer_title", "Chức danh người ký", "Ví dụ GIÁM ĐỐC"),
]
TABLES: dict[str, tuple[str, type[BaseModel], list[tuple[str, str, int]]]] = {
    "deadlines": ("Thời hạn", Deadline, [
        ("form", "Mã biểu mẫu", 16), ("name", "Nội dung", 55), ("date", "Hạn nộp", 14)]),
    "units": ("Đơn vị", Unit, [
        ("code", "Mã đơn vị", 14), ("name", "Tên đơn vị", 55), ("kind", "Loại đơn vị", 24),
        ("block", "Khối thi đua", 32), ("email", "E-mail", 30), ("contact", "Người liên hệ", 22)]),
    "catalogue": ("Danh hiệu - Hình thức", CatalogueItem, [
        ("code", "Mã", 14), ("name", "Tên danh hiệu, hình thức", 48), ("kind", "Loại", 22),
        ("subject", "Đối tượng", 12), ("legal_basis", "Căn cứ pháp lý", 48)]),
    "movements": ("Phong trào", Movement, [
        ("code", "Mã", 8), ("name", "Tên phong trào thi đua", 90), ("period", "Thời gian", 16)]),
}
SETTINGS_SHEET = "Cài đặt"
# Vietnamese words in the workbook <-> internal values
VOCAB = {
    "kind": {"Danh hiệu thi đua": "title", "Hình thức khen thưởng": "form"},
    "subject": {"Cá nhân": "individual", "Tập thể": "collective"},
}
DEFAULT_SETTINGS = [
    ("sheet_password", "", "Mật khẩu khóa trang tính của biểu mẫu (để trống: khóa không mật khẩu)"),
    ("max_file_mb", 25, "Giới hạn dung lượng một tệp nhận về (MB)"),
    ("max_zip_members", 2000, "Số thành phần tối đa bên trong một tệp .xlsx/.ods"),
    ("max_uncompressed_mb", 200, "Tổng dung lượng tối đa khi giải nén một tệp (MB)"),
    ("max_compression_ratio", 200, "Tỷ lệ nén tối đa của một thành phần (chống \"bom nén\")"),
    ("max_sheet_cells", 2000000, "Số ô tối đa một trang tính được khai báo hoặc chứa"),
    ("parse_timeout_s", 60, "Thời gian tối đa đọc một tệp .xls/.ods/.xlsb (giây)"),
    ("parse_memory_mb", 1024, "Bộ nhớ tối đa khi đọc một tệp .xls/.ods/.xlsb (MB)"),
    ("password.MA_DON_VI", "", "Mật khẩu mở tệp của đơn vị có mã MA_DON_VI (thay MA_DON_VI bằng mã đơn vị; "
     "để trống nếu không dùng)"),
]


class Limits(BaseModel):
    """Bounds checked before a received file is parsed (settings of campaign.xlsx)."""
    max_file_mb: float = Field(25, gt=0)
    max_zip_members: int = Field(2000, gt=0)
    max_uncompressed_mb: float = Field(200, gt=0)
    max_compression_ratio: float = Field(200, gt=1)
    max_sheet_cells: int = Field(2_000_000, gt=0)
    parse_timeout_s: float = Field(60, gt=0)
    parse_memory_mb: int = Field(1024, gt=64)


def load(directory: Path) -> Campaign:
    """Read and validate ``directory/campaign.xlsx``; raise CampaignError listing every problem."""
    directory = Path(directory)
    path = directory / CAMPAIGN_FILE
    if not path.is_file():
        raise CampaignError([finding("campaign.missing", value=str(path))])
    try:
        wb = load_workbook(path, data_only=True)
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


def create(directory: Path, sample: str | None = None) -> Path:
    """Write ``directory/campaign.xlsx``: the named sample, or an empty one to fill."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    if sample is not None and sample not in sample_data.SAMPLES:
        raise ValueError(f"unknown sample {sample!r}; known: {', '.join(sample_data.SAMPLES)}")
    info = sample_data.INFO if sample else {"year": date.today().year}
    rows = {
        "deadlines": sample_data.DEADLINES if sample else [
            ("registration", "Đăng ký thi đua", None), ("initiatives", "Đăng ký đề tài, sáng kiến", None),
            ("midyear", "Báo cáo sơ kết 6 tháng đầu năm", None),
            ("yearend", "Báo cáo tổng kết, hồ sơ đề nghị khen thưởng", None)],
        "units": sample_data.UNITS if sample else [],
        # the catalogue is the law's (domain.md §3): an empty campaign starts with it too
        "catalogue": [(c, n, _word("kind", k), _word("subject", s), b) for c, n, k, s, b in sample_data.CATALOGUE],
        "movements": sample_data.MOVEMENTS if sample else [],
    }
    wb = Workbook()
    wb.remove(wb.active)
    _write_info(wb, info, sample)
    for key, (sheet_name, _, cols) in TABLES.items():
        _write_table(wb, sheet_name, cols, rows[key])
    _write_settings(wb)
    path = directory / CAMPAIGN_FILE
    atomic_save(wb, path)
    return path


def sample_campaign(name: str = "daklak-2024", directory: Path | None = None) -> Campaign:
    """The built-in sample as a Campaign object, without writing campaign.xlsx."""
    if name not in sample_data.SAMPLES:
        raise ValueError(f"unknown sample {name!r}")
    return Campaign(
        dir=Path(directory or "."), info=Info.model_validate(sample_data.INFO),
        units=[Unit(code=c, name=n, kind=k, block=b, email=e, contact=p) for c, n, k, b, e, p in sample_data.UNITS],
        catalogue=[CatalogueItem(code=c, name=n, kind=k, subject=s, legal_basis=lb)
                   for c, n, k, s, lb in sample_data.CATALOGUE],
        movements=[Movement(code=c, name=n, period=p) for c, n, p in sample_data.MOVEMENTS],
        deadlines=[Deadline(form=f, name=n, date=d) for f, n, d in sample_data.DEADLINES])


# --- reading ------------------------------------------------------------------------------------
def _cell_value(v: Any) -> Any:
    if isinstance(v, str):
        v = normalize(v)
        return v or None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _text_date(text: str) -> date | str:
    from .models import coerce_date  # the same reading of dates as in returned forms
    try:
        return coerce_date(text) or text
    except PydanticCustomError:
        return text


def _read_info(wb, problems: list[Finding]) -> Info | None:
    if INFO_SHEET not in wb.sheetnames:
        problems.append(finding("campaign.sheet_missing", sheet=INFO_SHEET))
        return None
    ws = wb[INFO_SHEET]
    by_label = {fold(lbl): (field, lbl) for field, lbl, _ in INFO_FIELDS}
    data, cells = {}, {}
    for row in ws.iter_rows(min_row=2, max_col=2):
        label = row[0].value
        if isinstance(label, str) and fold(label) in by_label:
            field, _ = by_label[fold(label)]
            value = _cell_value(row[1].value)
            if value is not None:
                data[field] = str(value) if field != "year" else value
            cells[field] = row[1].coordinate
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


def _read_table(wb, key: str, problems: list[Finding]) -> list:
    sheet_name, model, cols = TABLES[key]
    if sheet_name not in wb.sheetnames:
        problems.append(finding("campaign.sheet_missing", sheet=sheet_name))
        return []
    ws = wb[sheet_name]
    header = [fold(str(c.value)) if c.value is not None else "" for c in ws[1]]
    positions = {}
    for field, label, _ in cols:
        if fold(label) in header:
            positions[field] = header.index(fold(label))
        else:
            problems.append(finding("campaign.bad_value", sheet=sheet_name, cell="A1", label=label,
                                    detail="thiếu cột này ở dòng tiêu đề"))
    if len(positions) < len(cols):
        return []
    items, seen = [], {}
    for row in ws.iter_rows(min_row=2):
        values = {f: _cell_value(row[i].value) if i < len(row) else None for f, i in positions.items()}
        if all(v is None for v in values.values()):
            continue
        for f, vocab in VOCAB.items():
            if f in values and isinstance(values[f], str):
                values[f] = {fold(k): v for k, v in vocab.items()}.get(fold(values[f]), values[f])
        if isinstance(values.get("date"), str):  # typed as text, e.g. 31/01/2024
            values["date"] = _text_date(values["date"])
        data = {f: v if f == "date" or v is None or isinstance(v, str) else str(v) for f, v in values.items()}
        data = {f: v for f, v in data.items() if v is not None}
        r = row[0].row
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
        ident = getattr(item, "code", None) or getattr(item, "form", None)
        if key == "units":  # a unit is also recognised by its name: names must differ too
            folded = "name:" + fold(item.name)
            if folded in seen:
                problems.append(finding("campaign.duplicate", sheet=sheet_name, cell=f"B{r}", value=item.name,
                                        other_row=seen[folded]))
                continue
            seen[folded] = r
        if ident in seen:
            problems.append(finding("campaign.duplicate", sheet=sheet_name, cell=f"A{r}", value=ident,
                                    other_row=seen[ident]))
            continue
        seen[ident] = r
        items.append(item)
    return items


def _read_settings(wb, problems: list[Finding]) -> dict[str, str]:
    if SETTINGS_SHEET not in wb.sheetnames:
        return {}
    out, cells = {}, {}
    for row in wb[SETTINGS_SHEET].iter_rows(min_row=2, max_col=2):
        if row[0].value:
            key = str(row[0].value).strip()
            out[key] = "" if row[1].value is None else str(_cell_value(row[1].value))
            cells[key] = row[1].coordinate
    try:
        Limits.model_validate({k: v for k, v in out.items() if k in Limits.model_fields and v})
    except ValidationError as exc:
        for err in exc.errors():
            key = str(err["loc"][0])
            problems.append(finding("campaign.bad_value", sheet=SETTINGS_SHEET, cell=cells.get(key, "B2"),
                                    field=key, value=out.get(key), label=key,
                                    detail="phải là một số dương hợp lệ"))
    return out


def _explain(err: dict, field: str | None = None) -> str:
    kind = err.get("type", "")
    if kind == "missing":
        return "chưa nhập (bắt buộc)"
    if kind == "string_pattern_mismatch":
        return "chỉ dùng chữ không dấu, số, dấu chấm, gạch ngang, gạch dưới"
    if kind in ("date_from_datetime_parsing", "date_parsing", "date_type", "date_from_datetime_inexact"):
        return "không phải ngày hợp lệ (nhập ngày dạng dd/mm/yyyy)"
    if kind == "literal_error":
        allowed = {"kind": VOCAB["kind"], "subject": VOCAB["subject"]}.get(field or "", {})
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


def _where(f: Finding) -> str:
    parts = [p for p in (f.sheet, f.cell) if p]
    return f"[{CAMPAIGN_FILE}" + (", " + "!".join(parts) if parts else "") + "] "


# --- writing ------------------------------------------------------------------------------------
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")


def _word(field: str, value: str) -> str:
    return next(k for k, v in VOCAB[field].items() if v == value)


def _style_header(ws, ncols: int) -> None:
    for c in range(1, ncols + 1):
        cell = ws.cell(row=1, column=c)
        cell.font = Font(name=FONT, bold=True)
        cell.fill = _HEAD_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
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
            cell.font = Font(name=FONT, bold=(c == 1))
            cell.border = _BORDER
            if isinstance(v, str):
                cell.data_type = "s"
    if sample:
        note = ws.cell(row=len(INFO_FIELDS) + 3, column=1,
                       value=f"Dữ liệu mẫu \"{sample}\" theo Kế hoạch phát động thi đua năm 2024 của Sở Tư pháp "
                             "tỉnh Đắk Lắk; mã đơn vị, e-mail và người liên hệ là minh họa.")
        note.font = Font(name=FONT, italic=True)


def _write_table(wb, sheet_name: str, cols: list, rows: list) -> None:
    ws = wb.create_sheet(sheet_name)
    for c, (_, label, width) in enumerate(cols, start=1):
        ws.cell(row=1, column=c, value=label)
        ws.column_dimensions[get_column_letter(c)].width = width
    _style_header(ws, len(cols))
    for r, row in enumerate(rows, start=2):
        for c, v in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=v)
            cell.font = Font(name=FONT)
            cell.border = _BORDER
            if isinstance(v, str):
                cell.data_type = "s"
            if isinstance(v, date):
                cell.number_format = "dd/mm/yyyy"
    for c, (field, _, _) in enumerate(cols, start=1):
        if field in VOCAB:
            dv = DataValidation(type="list", formula1='"' + ",".join(VOCAB[field]) + '"', allow_blank=True,
                                showErrorMessage=True, errorTitle="Giá trị không hợp lệ",
                                error="Hãy chọn trong danh sách: " + ", ".join(VOCAB[field]))
            col = get_column_letter(c)
            dv.add(f"{col}2:{col}500")
            ws.add_data_validation(dv)
        if field == "date":
            col = get_column_letter(c)
            for r in range(2, max(len(rows) + 2, 12)):
                ws[f"{col}{r}"].number_format = "dd/mm/yyyy"


def _write_settings(wb) -> None:
    ws = wb.create_sheet(SETTINGS_SHEET)
    for c, (text, width) in enumerate([("Khóa", 28), ("Giá trị", 30), ("Ý nghĩa", 70)], start=1):
        ws.cell(row=1, column=c, value=text)
        ws.column_dimensions[get_column_letter(c)].width = width
    _style_header(ws, 3)
    for r, row in enumerate(DEFAULT_SETTINGS, start=2):
        for c, v in enumerate(row, start=1):
            ws.cell(row=r, column=c, value=v).font = Font(name=FONT)
