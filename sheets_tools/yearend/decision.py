"""The decision list (issue 5, item 7): who gets which title or form, and the award money.

``group`` splits the awards into one list per decider (the Director's first, then the
others in catalogue order); inside a list, individuals then collectives; inside those, one
group per catalogue item (titles before forms); inside a group, people in Vietnamese name
order (given name first) and collectives in Vietnamese alphabetical order.
The lists are written by ``decision_xlsx.write_workbook`` and ``decision_docx.write_docx``
(both with ``decision_files.write_all``), and attached to the decision documents (``documents``); the
texts they share are here. Names come from
units and are untrusted: ``clean`` makes them safe for both files.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Callable, Literal

from sheets_tools.campaign.model import Campaign, CatalogueItem
from sheets_tools.core.files import TargetBusy, write_atomic
from sheets_tools.core.text import normalize, split_name, vn_key, vn_name_key

DEFAULT_DECIDER = "Giám đốc Sở"
SECTION_WORDS = {"individual": "CÁ NHÂN", "collective": "TẬP THỂ"}  # "I. CÁ NHÂN", "II. TẬP THỂ"
_ROMAN = ("", "I", "II")
SUBJECT_WORDS = {"individual": "cá nhân", "collective": "tập thể"}
TITLE = "DANH SÁCH"
# (label, xlsx width in characters, docx width in mm); 165 mm = A4 minus margins 30 + 15
COLUMNS = (("STT", 6, 15), ("Họ và tên / Tên tập thể", 34, 55), ("Chức vụ, đơn vị", 44, 65),
           ("Tiền thưởng (đồng)", 17, 30))
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SUBJECT_SUFFIX = re.compile(r"\s*\((cá nhân|tập thể)\)\s*$", re.IGNORECASE)


# --- the data -----------------------------------------------------------------------------------
@dataclass
class Award:
    """One line of the decision: a person or collective and the title or form they receive."""

    subject: Literal["individual", "collective"]
    item: CatalogueItem
    name: str  # full name, or the collective's name
    family_name: str = ""  # family and middle names (họ và tên đệm), when entered apart
    given_name: str = ""  # given name (tên)
    position: str = ""  # chức vụ
    unit_name: str = ""  # đơn vị

    def __post_init__(self) -> None:
        if self.subject not in SECTION_WORDS:
            raise ValueError(f"Đối tượng khen thưởng không hợp lệ: {self.subject!r} (cá nhân hoặc tập thể)")

    @property
    def display_name(self) -> str:
        return clean(self.name) or clean(f"{self.family_name} {self.given_name}")

    @property
    def details(self) -> str:
        """Position and unit, as the list shows them ("Chuyên viên, Văn phòng Sở")."""
        return ", ".join(p for p in (clean(self.position), clean(self.unit_name)) if p)

    def sort_key(self) -> tuple:
        if self.subject == "collective":
            return vn_key(self.display_name), vn_key(self.details), self.display_name
        family, given = (self.family_name, self.given_name) if self.given_name.strip() \
            else split_name(self.display_name)
        return vn_name_key(family, given), vn_key(self.details), self.display_name


@dataclass
class Group:
    """The awards of one catalogue item; ``money`` is the amount per award (None: not set)."""

    item: CatalogueItem
    awards: list[Award]
    money: int | None = None

    @property
    def total(self) -> int | None:
        return None if self.money is None else self.money * len(self.awards)

    @property
    def label(self) -> str:
        """``Danh hiệu "Lao động tiên tiến"``, or the form's name without "(cá nhân)"/"(tập thể)"."""
        name = _SUBJECT_SUFFIX.sub("", normalize(self.item.name))
        return f"Danh hiệu \"{name}\"" if self.item.kind == "title" else name

    @property
    def how_many(self) -> str:
        """``12 cá nhân``."""
        return f"{len(self.awards)} {SUBJECT_WORDS[self.awards[0].subject]}"

    def heading(self, number: int) -> str:
        """``1. Danh hiệu "Lao động tiên tiến" (12 cá nhân)``."""
        return f"{number}. {self.label} ({self.how_many})"


@dataclass
class Section:
    """Individuals or collectives of one list; ``number`` is its place in the list (1 or 2)."""

    subject: Literal["individual", "collective"]
    groups: list[Group]
    number: int = 1

    @property
    def title(self) -> str:
        return f"{_ROMAN[self.number]}. {SECTION_WORDS[self.subject]}"

    @property
    def count(self) -> int:
        return sum(len(g.awards) for g in self.groups)


@dataclass
class DecisionList:
    """The list one decider signs (or is asked to sign): sections of individuals, then collectives."""

    decider: str
    sections: list[Section] = field(default_factory=list)

    @property
    def total(self) -> int | None:
        """The money of the whole list (groups without an amount count 0); None when no group has one."""
        totals = [g.total for s in self.sections for g in s.groups if g.total is not None]
        return sum(totals) if totals else None

    def count(self, subject: str) -> int:
        return sum(s.count for s in self.sections if s.subject == subject)


def money(campaign: Campaign, item: CatalogueItem) -> int | None:
    """Award money of one title or form: multiple x base salary, rounded up to the rounding setting.

    Computed exactly (0.3 x 2,340,000 = 702,000, never 702,000.0000001); None when the
    catalogue gives no multiple.
    """
    if item.multiple is None:
        return None
    settings = campaign.yearend
    exact = Fraction(str(item.multiple)) * Fraction(str(settings.base_salary))
    step = Fraction(str(settings.award_rounding))
    return math.ceil(math.ceil(exact / step) * step)


def director(campaign: Campaign) -> str:
    """The Director's decider name: the catalogue's first decider (default "Giám đốc Sở")."""
    return next((normalize(i.decider) for i in campaign.catalogue if i.decider.strip()), DEFAULT_DECIDER)


def decider_of(campaign: Campaign, item: CatalogueItem) -> str:
    """Who decides an item; an item without a decider is the Director's."""
    return normalize(item.decider) or director(campaign)


def group(campaign: Campaign, awards: list[Award]) -> list[DecisionList]:
    """One list per decider (Director first, then catalogue order), each sorted as the decision shows it."""
    deciders = list(dict.fromkeys([director(campaign)] + [decider_of(campaign, i) for i in campaign.catalogue]))
    buckets: dict[str, dict[str, dict[str, list[Award]]]] = {}  # decider -> subject -> item code -> awards
    items: dict[str, CatalogueItem] = {}
    for award in awards:
        decider = decider_of(campaign, award.item)
        deciders += [decider] if decider not in deciders else []
        items.setdefault(award.item.code, award.item)
        buckets.setdefault(decider, {}).setdefault(award.subject, {}).setdefault(award.item.code, []).append(award)
    rank = _item_rank(campaign, items)
    return [DecisionList(d, _sections(campaign, buckets[d], items, rank)) for d in deciders if d in buckets]


def _item_rank(campaign: Campaign, items: dict[str, CatalogueItem]) -> Callable[[str], tuple]:
    """Titles before forms, each in catalogue order; items outside the catalogue last, as they came."""
    order = {item.code: i for i, item in enumerate(campaign.catalogue)}
    for code in items:
        order.setdefault(code, len(order))
    return lambda code: (items[code].kind != "title", order[code])


def _sections(campaign: Campaign, by_subject: dict[str, dict[str, list[Award]]], items: dict[str, CatalogueItem],
              rank: Callable[[str], tuple]) -> list[Section]:
    subjects = [s for s in SECTION_WORDS if s in by_subject]  # individuals, then collectives
    return [Section(subject, [Group(items[code], sorted(by_subject[subject][code], key=Award.sort_key),
                                    money(campaign, items[code]))
                              for code in sorted(by_subject[subject], key=rank)], number)
            for number, subject in enumerate(subjects, start=1)]


# --- texts shared by both files ---------------------------------------------------------------
def title_lines(campaign: Campaign, dlist: DecisionList, number: str = "", signed_on: date | None = None,
                attached: str = "") -> list[str]:
    """"DANH SÁCH", the subtitle and the "(Kèm theo ...)" line of one list (``attached`` in its place when
    given: the list goes with another document, such as the office's submission)."""
    year = campaign.info.year
    if attached:
        attached = f"({attached})"
    elif dlist.decider == director(campaign):
        attached = f"(Kèm theo Quyết định số {clean(number) or '......'} {date_words(signed_on)} của {dlist.decider})"
    else:
        attached = f"(Kèm theo Tờ trình số ...... đề nghị {dlist.decider} khen thưởng)"
    return [TITLE, f"Cá nhân, tập thể được khen thưởng năm {year}", attached]


def date_words(day: date | None) -> str:
    """"ngày 05 tháng 01 năm 2025" (Decree 30: a leading zero for days below 10 and months 1-2)."""
    if day is None:
        return "ngày ... tháng ... năm ......"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_date(campaign: Campaign, signed_on: date | None) -> str:
    return f"{clean(campaign.info.place) or '......'}, {date_words(signed_on)}"


def format_money(amount: int | None) -> str:
    """702000 -> "702.000" (Vietnamese thousands separator); None -> ""."""
    return "" if amount is None else f"{amount:,}".replace(",", ".")


def clean(text: str | None) -> str:
    """Untrusted text made safe for both files: NFC, trimmed, no XML-invalid control characters."""
    return normalize(_XML_INVALID.sub("", str(text or "")))


def lists_or_empty(campaign: Campaign, lists: list[DecisionList]) -> list[DecisionList]:
    """The lists, or one empty list of the Director's when there is none (a file is never empty)."""
    return lists or [DecisionList(director(campaign), [])]


def summary(dlist: DecisionList) -> str:
    """The closing line of a list: how many individuals and collectives, and the money."""
    parts = [f"{dlist.count(s)} {SUBJECT_WORDS[s]}" for s in SECTION_WORDS if dlist.count(s)]
    if not parts:
        return "Không có cá nhân, tập thể nào trong danh sách."
    money_part = "" if dlist.total is None else f"; tổng số tiền thưởng: {format_money(dlist.total)} đồng"
    return f"Tổng số: {', '.join(parts)}{money_part}."


def save_beside(path: Path, write: Callable[[Path], None]) -> Path:
    """Write atomically; a target open in Excel or Word is left alone and the file goes beside it."""
    try:
        return write_atomic(Path(path), write, beside_if_busy=True)
    except TargetBusy as busy:
        return busy.written

