"""A campaign is a folder; its settings live in ``campaign.xlsx``, a workbook the office edits.

This module is the campaign's model: the validated content of campaign.xlsx (``Campaign`` and
its parts, pydantic models), the intake limits and the year-end settings. Reading and writing
campaign.xlsx is ``workbook.py`` (``load``, ``create``, ``sample_campaign``); its sheets, columns
and words are ``layout.py``.
"""
from __future__ import annotations

import re
from datetime import date
from fractions import Fraction
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from sheets_tools.campaign.addresses import email_list
from sheets_tools.campaign.criteria import Criterion
from sheets_tools.campaign.criteria import Table as CriteriaTable
from sheets_tools.campaign.criteria import tables as criteria_tables
from sheets_tools.core.files import CAMPAIGN_FILE
from sheets_tools.core.findings import Finding
from sheets_tools.core.text import fold

LAW = "Luật Thi đua, khen thưởng số 06/2022/QH15"
# the decree detailing the law: 98/2023 for awards decided before 01/07/2025, 152/2025 from that day
DECREES = ((date(2025, 7, 1), "Nghị định số 152/2025/NĐ-CP"), (date(2024, 1, 1), "Nghị định số 98/2023/NĐ-CP"))


def decree_on(day: date) -> str:
    """The decree detailing the law in force on ``day`` (the first one for any earlier day)."""
    return next((name for start, name in DECREES if day >= start), DECREES[-1][1])


# the law's groups of titles and forms (domain.md §3) a catalogue item follows
RuleGroup = Literal["LDTT", "CSTDCS", "CSTD_TINH", "CSTD_TQ", "TTLDTT", "TTLDXS", "CO", "GIAY_KHEN", "BANG_KHEN"]


# Windows keeps these names for devices, with any extension ("con.txt" too): no file or folder can have them
_RESERVED_NAMES = re.compile(r"^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$", re.IGNORECASE)


def folder_name_code(value: str) -> str:
    """A code that names a folder and files (a unit's outbox and feedback folders, the campaign's files):
    not ".", "..", ending in a dot, nor a name Windows keeps for a device. The pattern of the field has
    already kept out path separators and the other characters unsafe in a file name."""
    if value.strip(".") == "":
        raise ValueError("không được chỉ gồm dấu chấm (mã dùng làm tên thư mục)")
    if value.endswith("."):
        raise ValueError("không được kết thúc bằng dấu chấm (mã dùng làm tên thư mục trên Windows)")
    if _RESERVED_NAMES.match(value):
        raise ValueError(f"\"{value}\" là tên Windows dành riêng cho thiết bị, không dùng làm tên thư mục được; "
                         "hãy đặt mã khác")
    return value


class Unit(BaseModel):
    model_config = ConfigDict(frozen=True)
    code: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.\-]+$")
    name: str = Field(min_length=1, max_length=200)
    kind: str = ""
    block: str = ""
    email: str = ""
    contact: str = ""

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        return folder_name_code(v)

    @field_validator("email")
    @classmethod
    def _email(cls, v: str) -> str:
        return email_list(v)


class CatalogueItem(BaseModel):
    model_config = ConfigDict(frozen=True, allow_inf_nan=False)  # "1e400" is no multiple
    code: str = Field(min_length=1)
    name: str = Field(min_length=1)
    kind: Literal["title", "form"]
    subject: Literal["individual", "collective"]
    legal_basis: str = ""
    rule: RuleGroup | None = None  # which of the law's criteria apply (proposal checks)
    multiple: float | None = Field(None, ge=0, le=100)  # award money, times the base salary
    vote_percent: float | None = Field(None, gt=0, le=100)  # council vote needed, % of the whole membership
    decider: str = ""  # who decides it (the decision lists are split by this)
    figures_basis: str = ""  # where its vote share and award multiple come from (articles; "not verified")


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
    optional: bool = False  # units may send it or not: never overdue, never reminded

    @field_validator("optional", mode="before")
    @classmethod
    def _optional(cls, v):  # the cell's word, "Có"/"Không", arrives as "yes"/"no" (layout.VOCAB)
        if isinstance(v, str) and v not in ("yes", "no"):
            raise ValueError("chọn \"Có\" hoặc \"Không\" (để trống: Không)")
        return v


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
    model_config = ConfigDict(frozen=True, allow_inf_nan=False)
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

    @field_validator("campaign_id")
    @classmethod
    def _campaign_id(cls, v: str) -> str:
        return folder_name_code(v)

    @field_validator("office_email")
    @classmethod
    def _office_email(cls, v: str) -> str:
        return email_list(v, single=True)


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

    @property
    def decree(self) -> str:
        """The decree detailing the law this campaign cites: the "decree" setting, else the one in force
        when its awards are decided (its last deadline, and never before 1 July of its year)."""
        if self.yearend.decree:
            return self.yearend.decree
        return decree_on(max([d.date for d in self.deadlines if d.date] + [date(self.info.year, 7, 1)]))

    def basis(self, item: CatalogueItem | None) -> str:
        """What a rule finding on ``item`` cites: its legal basis in the catalogue, then the decree."""
        own = (item.legal_basis if item is not None else "").strip() or LAW
        return own if self.decree in own else f"{own}; {self.decree}"


class CampaignError(Exception):
    """campaign.xlsx is missing or wrong; ``findings`` say where."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("\n".join(_where(f) + f.message for f in findings))


class Limits(BaseModel):
    """Bounds checked before a received file is parsed (settings of campaign.xlsx)."""
    model_config = ConfigDict(allow_inf_nan=False)
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
    model_config = ConfigDict(allow_inf_nan=False)  # "1e400" is no salary, no percent
    base_salary: float = Field(2_340_000, gt=0)
    award_rounding: float = Field(1, gt=0)
    council_quorum: Fraction = Fraction(2, 3)
    ttldtt_ldtt_percent: float = Field(70, gt=0, le=100)
    ttldtt_ldtt_compare: Literal["từ", "trên"] = "từ"  # at least the percent, or more than it
    ttldxs_ldtt_percent: float = Field(70, gt=0, le=100)
    cstdcs_cap_percent: float | None = Field(None, gt=0, le=100)
    ttldxs_cap_percent: float | None = Field(None, gt=0, le=100)
    bands: tuple[tuple[str, float], ...] = (("Xuất sắc", 95), ("Tốt", 85), ("Khá", 70), ("Trung bình", 50))
    band_below: str = "Yếu"
    decree: str = ""  # empty: chosen from the campaign's dates (Campaign.decree)
    # "03 lần liên tục" (CSTĐ cấp tỉnh) and "02 lần liên tục" (CSTĐ toàn quốc): the years ending this year
    # (with this year's title), ending last year, or either
    history_window: Literal["cả hai", "năm nay", "năm trước"] = "cả hai"
    # the provincial Bằng khen for an individual: which catalogue codes, how many consecutive years of
    # CSTĐCS (or of HTXS with ``bang_khen_initiatives`` recognised initiatives); 0 years: not checked
    bang_khen_codes: tuple[str, ...] = ("BK_TINH_CN",)
    bang_khen_years: int = Field(2, ge=0, le=10)
    bang_khen_initiatives: int = Field(2, ge=0, le=20)
    ldtt_min_months: int | None = Field(None, ge=1, le=12)  # LĐTT: months worked in the year (None: off)

    @field_validator("history_window", mode="before")
    @classmethod
    def _window(cls, v):
        return " ".join(fold(v).split()) if isinstance(v, str) else v

    @field_validator("bang_khen_codes", mode="before")
    @classmethod
    def _codes(cls, v):  # "BK_TINH_CN; BK_X" (a comma reaches here as ".": ``from_settings``)
        return tuple(c for c in re.split(r"[;,.\s]+", v) if c) if isinstance(v, str) else v

    @field_validator("bang_khen_years", "bang_khen_initiatives", "ldtt_min_months", mode="before")
    @classmethod
    def _whole(cls, v):  # "2" or "2.0" as Excel may store it; "2.5" stays wrong
        try:
            number = float(v) if isinstance(v, str) else None
        except ValueError:
            return v
        return int(number) if number is not None and number.is_integer() else v

    @field_validator("ttldtt_ldtt_compare", mode="before")
    @classmethod
    def _compare(cls, v):
        return fold(v) if isinstance(v, str) else v

    @field_validator("council_quorum", mode="before")
    @classmethod
    def _share(cls, v):
        return v if isinstance(v, Fraction) else parse_share(v)

    @classmethod
    def from_settings(cls, settings: dict[str, str]) -> "YearEnd":
        data: dict[str, Any] = {k: v.replace(",", ".") if k not in ("council_quorum", "decree") else v.strip()
                                for k, v in settings.items() if k in cls.model_fields and v and str(v).strip()}
        bands = [(k.split(".", 1)[1].strip(), v) for k, v in settings.items() if k.startswith("band.") and v]
        if bands:
            data["bands"] = tuple(sorted(((n, float(str(v).replace(",", "."))) for n, v in bands),
                                         key=lambda b: -b[1]))
        return cls.model_validate(data)

    def band(self, percent: float) -> str:
        """The band of a score given as a percentage of the block's standard total."""
        return next((name for name, low in self.bands if percent + 1e-9 >= low), self.band_below)


def _where(f: Finding) -> str:
    parts = [p for p in (f.sheet, f.cell) if p]
    return f"[{CAMPAIGN_FILE}" + (", " + "!".join(parts) if parts else "") + "] "
