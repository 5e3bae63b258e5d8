"""A campaign is a folder; its settings live in ``campaign.xlsx``, a workbook the office edits.

``create`` writes campaign.xlsx (empty or from a sample), ``load`` reads and validates it
with pydantic and reports every mistake by sheet and cell (``CampaignError.findings``).
"""
from __future__ import annotations

import zipfile
from datetime import date, datetime
from fractions import Fraction
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

from sheets_tools.campaign import sample as sample_data
from sheets_tools.core.files import atomic_save
from sheets_tools.campaign.criteria import KIND_WORDS, Criterion, check_tables
from sheets_tools.campaign.criteria import Table as CriteriaTable
from sheets_tools.campaign.criteria import tables as criteria_tables
from sheets_tools.core.findings import Finding, finding
from sheets_tools.core.text import fold, normalize
from sheets_tools.core.values import coerce_date

CAMPAIGN_FILE = "campaign.xlsx"
FONT = "Times New Roman"


# the law's groups of titles and forms (domain.md §3) a catalogue item follows
RuleGroup = Literal["LDTT", "CSTDCS", "CSTD_TINH", "CSTD_TQ", "TTLDTT", "TTLDXS", "CO", "GIAY_KHEN", "BANG_KHEN"]


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
    rule: RuleGroup | None = None  # which of the law's criteria apply (proposal checks)
    multiple: float | None = Field(None, ge=0, le=100)  # award money, times the base salary
    vote_percent: float | None = Field(None, gt=0, le=100)  # council vote needed, % of the whole membership
    decider: str = ""  # who decides it (the decision lists are split by this)


class Member(BaseModel):
    """A member of the Emulation-Commendation Council (Hội đồng Thi đua - Khen thưởng)."""
    model_config = ConfigDict(frozen=True)
    name: str = Field(min_length=1, max_length=120)
    position: str = ""
    role: str = ""


class Movement(BaseModel):
    model_config = ConfigDict(frozen=True)
    code: str = Field(min_length=1)
    name: str = Field(min_length=1, max_length=250)
    period: str = ""


class Deadline(BaseModel):
    """One line of the campaign's calendar: a deadline key (forms name it), when the forms go out,
    when they are due, and how many days before the deadline units are reminded."""
    model_config = ConfigDict(frozen=True)
    form: str = Field(min_length=1)
    name: str = ""
    date: date
    opens: date | None = None  # the forms go out from this day (``issue`` without --form)
    remind_days: int | None = Field(None, ge=0, le=365)  # remind from this many days before ``date``


class ListItem(BaseModel):
    """One value of a list a form chooses from (sheet "Danh mục"): e.g. the fields of work."""
    model_config = ConfigDict(frozen=True)
    list: str = Field(min_length=1, max_length=60)
    value: str = Field(min_length=1, max_length=250)
    group: str = ""  # what the value means to a rule (e.g. an initiative scope's level)
    note: str = ""


class Indicator(BaseModel):
    """A figure units report mid-year and at year end (sheet "Chỉ tiêu"); units register their own
    target in January, ``target`` is the Department's when they do not."""
    model_config = ConfigDict(frozen=True)
    code: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=300)
    measure: str = Field("", max_length=40)  # unit of measure
    kind: Literal["count", "percent"] = "count"
    direction: Literal["min", "max"] = "min"  # met when the result is at least / at most the target
    applies: str = ""  # empty: every unit; else unit codes, blocks or unit kinds, separated by ";"
    target: float | None = Field(None, ge=0)
    note: str = ""

    def applies_to(self, unit: "Unit") -> bool:
        if not self.applies.strip():
            return True
        wanted = {fold(part) for part in self.applies.replace(",", ";").split(";") if part.strip()}
        return bool(wanted & {fold(unit.code), fold(unit.block), fold(unit.kind)})


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
    criteria: list[Criterion] = []
    council: list[Member] = []
    lists: list[ListItem] = []
    indicators: list[Indicator] = []
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

    def deadline(self, key: str) -> date | None:
        """The date of the calendar line ``key`` (a form's ``deadline``)."""
        entry = self.calendar(key)
        return entry.date if entry else None

    def calendar(self, key: str) -> Deadline | None:
        """The calendar line ``key`` (sheet "Thời hạn"), or None."""
        return next((d for d in self.deadlines if d.form == key), None)

    def list_items(self, name: str) -> list[ListItem]:
        """The values of the list ``name`` (sheet "Danh mục"), in the workbook's order."""
        key = fold(name)
        return [item for item in self.lists if fold(item.list) == key]

    def list_group(self, name: str, value: str) -> str:
        """The "Nhóm" of ``value`` in the list ``name`` ("" when not there)."""
        key = fold(value)
        return next((i.group for i in self.list_items(name) if fold(i.value) == key), "")

    def indicators_of(self, unit: Unit) -> list[Indicator]:
        """The indicators a unit reports on."""
        return [i for i in self.indicators if i.applies_to(unit)]

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

    @cached_property
    def yearend(self) -> "YearEnd":
        """The year-end settings (award money, council, proposal rules, score bands)."""
        return YearEnd.from_settings(self.settings)

    @cached_property
    def criteria_tables(self) -> dict[str, CriteriaTable]:
        """Scoring criteria by block (folded block name)."""
        return criteria_tables(self.criteria)

    def criteria_of(self, unit: Unit) -> CriteriaTable | None:
        return self.criteria_tables.get(fold(unit.block)) if unit.block else None

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
        ("form", "Mã biểu mẫu", 16), ("name", "Nội dung", 55), ("date", "Hạn nộp", 14),
        ("opens", "Ngày gửi biểu mẫu", 14), ("remind_days", "Nhắc trước hạn (ngày)", 12)]),
    "units": ("Đơn vị", Unit, [
        ("code", "Mã đơn vị", 14), ("name", "Tên đơn vị", 55), ("kind", "Loại đơn vị", 24),
        ("block", "Khối thi đua", 32), ("email", "E-mail", 30), ("contact", "Người liên hệ", 22)]),
    "catalogue": ("Danh hiệu - Hình thức", CatalogueItem, [
        ("code", "Mã", 14), ("name", "Tên danh hiệu, hình thức", 48), ("kind", "Loại", 22),
        ("subject", "Đối tượng", 12), ("legal_basis", "Căn cứ pháp lý", 48), ("rule", "Nhóm tiêu chuẩn", 18),
        ("multiple", "Hệ số tiền thưởng", 12), ("vote_percent", "Tỷ lệ phiếu cần đạt (%)", 14),
        ("decider", "Cấp quyết định", 26)]),
    "movements": ("Phong trào", Movement, [
        ("code", "Mã", 8), ("name", "Tên phong trào thi đua", 90), ("period", "Thời gian", 16)]),
    "criteria": ("Tiêu chí chấm điểm", Criterion, [
        ("block", "Khối thi đua", 30), ("code", "Mã tiêu chí", 12), ("name", "Nội dung tiêu chí", 60),
        ("standard", "Điểm chuẩn", 10), ("kind", "Loại điểm", 14), ("values", "Mức điểm", 22),
        ("scale", "Cách tính điểm", 50), ("evidence", "Cần minh chứng", 12)]),
    "council": ("Hội đồng TĐKT", Member, [
        ("name", "Họ và tên", 28), ("position", "Chức vụ", 44), ("role", "Chức danh trong Hội đồng", 26)]),
    "lists": ("Danh mục", ListItem, [
        ("list", "Danh mục", 26), ("value", "Giá trị", 50), ("group", "Nhóm", 16), ("note", "Ghi chú", 50)]),
    "indicators": ("Chỉ tiêu", Indicator, [
        ("code", "Mã chỉ tiêu", 11), ("name", "Tên chỉ tiêu", 55), ("measure", "Đơn vị tính", 12),
        ("kind", "Loại chỉ tiêu", 13), ("direction", "Đạt khi kết quả", 24), ("applies", "Áp dụng cho", 36),
        ("target", "Chỉ tiêu chung", 12), ("note", "Ghi chú", 30)]),
}
# added after the first release: a campaign.xlsx without them still loads (empty, defaults)
OPTIONAL_SHEETS = {"criteria", "council", "lists", "indicators"}
OPTIONAL_COLUMNS = {"rule", "multiple", "vote_percent", "decider", "opens", "remind_days"}
SETTINGS_SHEET = "Cài đặt"
# Vietnamese words in the workbook <-> internal values
VOCAB = {  # per table, per column
    "catalogue": {
        "kind": {"Danh hiệu thi đua": "title", "Hình thức khen thưởng": "form"},
        "subject": {"Cá nhân": "individual", "Tập thể": "collective"},
        "rule": {"LĐTT": "LDTT", "CSTĐCS": "CSTDCS", "CSTĐ cấp tỉnh, bộ": "CSTD_TINH", "CSTĐ toàn quốc": "CSTD_TQ",
                 "TTLĐTT": "TTLDTT", "TTLĐXS": "TTLDXS", "Cờ thi đua": "CO", "Giấy khen": "GIAY_KHEN",
                 "Bằng khen": "BANG_KHEN"},
    },
    "criteria": {"kind": KIND_WORDS, "evidence": {"Có": "Có", "Không": "Không"}},
    "indicators": {"kind": {"Số lượng": "count", "Tỷ lệ (%)": "percent"},
                   "direction": {"Không thấp hơn chỉ tiêu": "min", "Không vượt chỉ tiêu": "max"}},
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
    ("remind_days", 7, "Nhắc các đơn vị chưa nộp từ số ngày này trước hạn nộp (khi trang \"Thời hạn\" không ghi "
     "\"Nhắc trước hạn (ngày)\")"),
    ("midyear_target_percent", 50, "Sơ kết 6 tháng: chỉ tiêu số lượng (đạt khi không thấp hơn) được so với số % "
     "này của chỉ tiêu năm"),
    ("base_salary", 2340000, "Mức lương cơ sở (đồng) dùng tính tiền thưởng (2.340.000 đ từ 01/07/2024)"),
    ("award_rounding", 1, "Làm tròn tiền thưởng lên bội số của số đồng này (1: không làm tròn)"),
    ("council_quorum", "2/3", "Số thành viên Hội đồng tối thiểu có mặt để phiên họp hợp lệ, so với tổng số "
     "thành viên (ví dụ 2/3 hoặc 50%)"),
    ("ttldtt_ldtt_percent", 70, "Tập thể lao động tiên tiến: tỷ lệ % tối thiểu thành viên đạt Lao động tiên tiến"),
    ("ttldxs_ldtt_percent", 70, "Tập thể lao động xuất sắc: tỷ lệ % tối thiểu thành viên đạt Lao động tiên tiến"),
    ("cstdcs_cap_percent", "", "Giới hạn số Chiến sĩ thi đua cơ sở đề nghị, tính theo % số Lao động tiên tiến "
     "đề nghị của đơn vị (để trống: không giới hạn)"),
    ("ttldxs_cap_percent", "", "Giới hạn số Tập thể lao động xuất sắc đề nghị, tính theo % số tập thể đề nghị "
     "của đơn vị (để trống: không giới hạn)"),
    ("band.Xuất sắc", 95, "Xếp loại chấm điểm: mức \"Xuất sắc\" từ số % này của tổng điểm chuẩn của khối"),
    ("band.Tốt", 85, "Xếp loại chấm điểm: mức \"Tốt\" từ số % này (thêm, bớt mức bằng các dòng \"band.<tên mức>\")"),
    ("band.Khá", 70, "Xếp loại chấm điểm: mức \"Khá\" từ số % này"),
    ("band.Trung bình", 50, "Xếp loại chấm điểm: mức \"Trung bình\" từ số % này"),
    ("band_below", "Yếu", "Xếp loại chấm điểm: tên mức thấp nhất (dưới mọi mức trên)"),
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


def parse_share(text: str | float | None) -> Fraction | None:
    """"2/3", "66%", "80" (a percent) or 0.8 (a fraction) as an exact Fraction of 1; None if empty."""
    if text is None or str(text).strip() == "":
        return None
    raw = str(text).strip().replace(",", ".").rstrip("%").strip()
    try:
        if "/" in raw:
            num, den = raw.split("/", 1)
            value = Fraction(num.strip()) / Fraction(den.strip())
        else:
            value = Fraction(raw)
            value = value / 100 if value > 1 or str(text).strip().endswith("%") else value
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"không phải tỷ lệ hợp lệ: {text}") from None
    if not 0 < value <= 1:
        raise ValueError(f"tỷ lệ phải lớn hơn 0 và không quá 100%: {text}")
    return value


class YearEnd(BaseModel):
    """Year-end settings of the "Cài đặt" sheet ([prov]/[unsure] rules of domain.md §3 are settings)."""
    base_salary: float = Field(2_340_000, gt=0)
    award_rounding: float = Field(1, gt=0)
    council_quorum: Fraction = Fraction(2, 3)
    ttldtt_ldtt_percent: float = Field(70, gt=0, le=100)
    ttldxs_ldtt_percent: float = Field(70, gt=0, le=100)
    cstdcs_cap_percent: float | None = Field(None, gt=0, le=100)
    ttldxs_cap_percent: float | None = Field(None, gt=0, le=100)
    bands: tuple[tuple[str, float], ...] = (("Xuất sắc", 95), ("Tốt", 85), ("Khá", 70), ("Trung bình", 50))
    band_below: str = "Yếu"

    @field_validator("council_quorum", mode="before")
    @classmethod
    def _share(cls, v):
        return v if isinstance(v, Fraction) else parse_share(v)

    @classmethod
    def from_settings(cls, settings: dict[str, str]) -> "YearEnd":
        data: dict[str, Any] = {k: v.replace(",", ".") if k != "council_quorum" else v
                                for k, v in settings.items() if k in cls.model_fields and v}
        bands = [(k.split(".", 1)[1].strip(), v) for k, v in settings.items() if k.startswith("band.") and v]
        if bands:
            data["bands"] = tuple(sorted(((n, float(str(v).replace(",", "."))) for n, v in bands),
                                         key=lambda b: -b[1]))
        return cls.model_validate(data)

    def band(self, percent: float) -> str:
        """The band of a score given as a percentage of the block's standard total."""
        return next((name for name, low in self.bands if percent + 1e-9 >= low), self.band_below)


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
        "deadlines": sample_data.DEADLINES if sample else [(key, name, None, None, None)
                                                           for key, name, *_ in sample_data.DEADLINES],
        "units": sample_data.UNITS if sample else [],
        # the catalogue is the law's (domain.md §3): an empty campaign starts with it too
        "catalogue": [(c, n, _word("kind", k), _word("subject", s), b, _word("rule", r), m, v, d)
                      for c, n, k, s, b, r, m, v, d in sample_data.CATALOGUE],
        "movements": sample_data.MOVEMENTS if sample else [],
        "criteria": [(b, c, n, st, _word_of("criteria", "kind", k), v, sc, "Có" if ev else "Không")
                     for b, c, n, st, k, v, sc, ev in sample_data.CRITERIA] if sample else [],
        "council": sample_data.COUNCIL if sample else [],
        # the lists forms choose from are the office's to change: an empty campaign starts with them too
        "lists": sample_data.LISTS,
        "indicators": [(c, n, m, _word_of("indicators", "kind", k), _word_of("indicators", "direction", d), a, t, nt)
                       for c, n, m, k, d, a, t, nt in sample_data.INDICATORS] if sample else [],
    }
    wb = Workbook()
    wb.remove(wb.active)
    _write_info(wb, info, sample)
    for key in TABLES:
        _write_table(wb, key, rows[key])
    if sample:  # beside the table, never read as a criterion
        ws = wb[TABLES["criteria"][0]]
        ws["J1"], ws["J2"] = "Lưu ý", ("Tiêu chí mẫu chỉ để minh họa (một số dòng theo bảng chấm điểm của Bộ Tư pháp "
                                       "năm 2022); hãy thay bằng bảng tiêu chí chấm điểm thực tế của năm.")
        ws["J1"].font, ws["J2"].font = Font(name=FONT, bold=True), Font(name=FONT, italic=True, color="C00000")
        ws.column_dimensions["J"].width = 60
        ws["J2"].alignment = Alignment(wrap_text=True, vertical="top")
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
        catalogue=[CatalogueItem(code=c, name=n, kind=k, subject=s, legal_basis=lb, rule=r, multiple=m,
                                 vote_percent=v, decider=d)
                   for c, n, k, s, lb, r, m, v, d in sample_data.CATALOGUE],
        movements=[Movement(code=c, name=n, period=p) for c, n, p in sample_data.MOVEMENTS],
        deadlines=[Deadline(form=f, name=n, date=d, opens=o, remind_days=r) for f, n, d, o, r in sample_data.DEADLINES],
        criteria=[Criterion(block=b, code=c, name=n, standard=st, kind=k, values=v, scale=sc, evidence=ev)
                  for b, c, n, st, k, v, sc, ev in sample_data.CRITERIA],
        council=[Member(name=n, position=p, role=r) for n, p, r in sample_data.COUNCIL],
        lists=[ListItem(list=li, value=v, group=g, note=nt) for li, v, g, nt in sample_data.LISTS],
        indicators=[Indicator(code=c, name=n, measure=m, kind=k, direction=d, applies=a, target=t, note=nt)
                    for c, n, m, k, d, a, t, nt in sample_data.INDICATORS])


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
        if key not in OPTIONAL_SHEETS:
            problems.append(finding("campaign.sheet_missing", sheet=sheet_name))
        return []
    ws = wb[sheet_name]
    header = [fold(str(c.value)) if c.value is not None else "" for c in ws[1]]
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
    for row in ws.iter_rows(min_row=2):
        values = {f: _cell_value(row[i].value) if i < len(row) else None for f, i in positions.items()}
        if all(v is None for v in values.values()):
            continue
        for f, vocab in VOCAB.get(key, {}).items():
            if f in values and isinstance(values[f], str):
                values[f] = {fold(k): v for k, v in vocab.items()}.get(fold(values[f]), values[f])
        for f in _DATE_FIELDS:
            if isinstance(values.get(f), str):  # typed as text, e.g. 31/01/2024
                values[f] = _text_date(values[f])
        data = {f: v if f in _DATE_FIELDS or v is None or isinstance(v, str) else str(v) for f, v in values.items()}
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
            problems.append(finding("campaign.duplicate", sheet=sheet_name, cell=f"A{r}", value=ident,
                                    other_row=seen[ident]))
            continue
        seen[ident] = r
        items.append(item)
    if key == "criteria":
        problems.extend(check_tables(items, rows_of, sheet_name))
    return items


_DATE_FIELDS = ("date", "opens")


def _ident(key: str, item: BaseModel) -> Any:
    """What must not repeat in a table: a code; a criterion's code within its block; a member's name."""
    if key == "criteria":
        return (fold(item.block), item.code)
    if key == "council":
        return fold(item.name)
    if key == "lists":
        return (fold(item.list), fold(item.value))
    return getattr(item, "code", None) or getattr(item, "form", None)


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


def _where(f: Finding) -> str:
    parts = [p for p in (f.sheet, f.cell) if p]
    return f"[{CAMPAIGN_FILE}" + (", " + "!".join(parts) if parts else "") + "] "


# --- writing ------------------------------------------------------------------------------------
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")


def _word(field: str, value: str | None) -> str | None:
    return _word_of("catalogue", field, value)


def _word_of(table: str, field: str, value: str | None) -> str | None:
    """The Vietnamese word campaign.xlsx shows for an internal value."""
    return next((k for k, v in VOCAB[table][field].items() if v == value), value)


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
            cell.font = Font(name=FONT)
            cell.border = _BORDER
            if isinstance(v, str):
                cell.data_type = "s"
            if isinstance(v, date):
                cell.number_format = "dd/mm/yyyy"
    for c, (field, _, _) in enumerate(cols, start=1):
        words = VOCAB.get(key, {}).get(field)
        if words:
            dv = DataValidation(type="list", formula1='"' + ",".join(words) + '"', allow_blank=True,
                                showErrorMessage=True, errorTitle="Giá trị không hợp lệ",
                                error="Hãy chọn trong danh sách: " + ", ".join(words))
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
