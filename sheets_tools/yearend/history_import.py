"""Importing the award history: reading a workbook of past decisions the office fills.

The multi-year rules need past awards (CSTĐ cấp tỉnh: 3 consecutive CSTĐCS; CSTĐ toàn quốc: 2
consecutive CSTĐ cấp tỉnh/bộ). The office imports past decisions from a workbook it fills
(``history_template.template`` makes a blank one; any list with recognisable column labels will
do). Good rows go into the ledger's award history (``store.history``), one per (person or
collective, year, award): importing the same file twice adds nothing.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from pydantic_core import PydanticCustomError

from sheets_tools.campaign.model import Campaign, CatalogueItem
from sheets_tools.excel.sniff import EXPORTS, NOT_SPREADSHEET, sniff
from sheets_tools.core.findings import Finding, finding
from sheets_tools.core.text import fold, normalize
from sheets_tools.core.values import coerce_date, coerce_integer, format_date, is_empty
from sheets_tools.excel import sandbox
from sheets_tools.excel.tables import find_header, match_row, spans, words
from sheets_tools.store.history import PastAward, record
from sheets_tools.store.ledger import Ledger
from sheets_tools.core.files import campaign_lock

HEADER_SCAN = 20  # the header row is looked for in the first rows of each sheet
MAX_ROWS = 50_000  # rows read per sheet
SIMILARITY = 0.8  # difflib ratio above which an edited label is taken for a known one
FIRST_YEAR = 1945
SUBJECTS = {"individual": "Cá nhân", "collective": "Tập thể"}
_SUBJECT_WORDS = {"cá nhân": "individual", "cn": "individual", "tập thể": "collective", "tt": "collective"}
_READABLE = ("xlsx", "xlsm", "xls", "xlsb", "ods")

# field -> (label written by ``history_template.template``, other accepted labels). Labels are
# compared folded, punctuation ignored; no two fields share a label.
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "subject": ("Đối tượng", ("Loại đối tượng",)),
    "family_name": ("Họ và tên đệm", ("Họ và đệm", "Họ đệm", "Họ và tên lót", "Họ và chữ lót", "Họ")),
    "given_name": ("Tên", ()),
    "collective_name": ("Tên tập thể", ()),
    "full_name": ("Họ và tên", ("Họ tên", "Tên cá nhân, tập thể", "Tên tập thể, cá nhân",
                                "Họ và tên, tên tập thể")),
    "birth_date": ("Ngày sinh", ("Ngày tháng năm sinh", "Ngày, tháng, năm sinh")),
    "unit": ("Đơn vị", ("Đơn vị công tác",)),
    "year": ("Năm", ("Năm khen thưởng", "Năm được khen thưởng", "Năm đạt")),
    "award": ("Danh hiệu, hình thức", ("Danh hiệu", "Hình thức khen thưởng", "Hình thức", "Danh hiệu thi đua",
                                       "Danh hiệu, hình thức khen thưởng",
                                       "Danh hiệu thi đua, hình thức khen thưởng")),
    "decision_number": ("Số quyết định", ("Số QĐ",)),
    "decision_date": ("Ngày quyết định", ("Ngày QĐ", "Ngày ký quyết định")),
}
TEMPLATE_FIELDS = ("subject", "family_name", "given_name", "collective_name", "birth_date", "unit", "year", "award",
                   "decision_number", "decision_date")
_OPTIONAL = ("birth_date", "unit", "decision_number", "decision_date")


@dataclass
class ImportResult:
    added: int = 0  # rows new to the history
    unchanged: int = 0  # good rows the history already had
    findings: list[Finding] = field(default_factory=list)


# --- import ----------------------------------------------------------------------------------
def import_history(campaign: Campaign, path: Path) -> ImportResult:
    """Import past awards from a workbook (xlsx, xls, ods) into the campaign's ledger.

    Reads the first sheet whose header row (in its first HEADER_SCAN rows) is recognised. Good
    rows are imported in one transaction even when other rows are bad; every bad row is skipped
    and reported. Never raises for a bad file: it becomes one finding.
    """
    path = Path(path)
    result = ImportResult()
    sheets = _read_workbook(campaign, path, result.findings)
    awards = _awards(campaign, path, sheets, result.findings) if sheets is not None else []
    if awards:
        with campaign_lock(campaign.dir, "history"), Ledger(campaign.dir) as ledger:
            result.added = record(ledger, awards, path.name)
        result.unchanged = len(awards) - result.added
    for f in result.findings:
        f.file = str(path)
    return result


def _read_workbook(campaign: Campaign, path: Path, findings: list[Finding]) -> dict[str, list[list]] | None:
    """Sheet name -> its first rows (row n at index n-1), in workbook order; None with a finding."""
    def fail(detail: str) -> None:
        findings.append(finding("history.unreadable", book=path.name, detail=detail))

    limits = campaign.limits
    try:
        data = path.read_bytes()
    except OSError as exc:
        return fail(f"{type(exc).__name__}: {exc.strerror or exc}")
    if len(data) > limits.max_file_mb * 2**20:
        return fail(f"tệp lớn hơn {limits.max_file_mb:g} MB (cài đặt max_file_mb)")
    kind = sniff(data)
    if kind not in _READABLE:
        return fail(_what(kind))
    try:  # parsed in a child process bounded in memory and time (a hostile file cannot take us down)
        got = sandbox.run(sandbox.read_sheets, data, None, MAX_ROWS + 1, limits.max_sheet_cells,
                          timeout_s=limits.parse_timeout_s, memory_mb=limits.parse_memory_mb)
    except sandbox.ChildFailed as exc:
        return fail("tệp có mật khẩu" if exc.error_type == "PasswordError" else f"trình đọc dừng ({exc.detail})")
    if got["too_large"]:
        name, height, width = got["too_large"]
        return fail(f"trang tính \"{name}\" quá lớn ({height} dòng × {width} cột)")
    sheets = {name: got["rows"][name] for name in got["sheet_names"] if name in got["rows"]}
    if not sheets:
        return fail("không có trang tính nào đọc được" + "".join(f"; {n}: {e}" for n, e in got["errors"].items()))
    return sheets


def _what(kind: str) -> str:
    known = {"empty": "tệp rỗng (0 byte)", "encrypted": "tệp có mật khẩu", "zip-broken": "tệp nén (zip) bị hỏng"}
    what = known.get(kind) or EXPORTS.get(kind) or NOT_SPREADSHEET.get(kind) or NOT_SPREADSHEET["unknown"]
    return what if kind in known else f"tệp không phải bảng tính (nhận diện là: {what})"


_HEADER_LABELS = {f: (label, *others) for f, (label, others) in COLUMNS.items()}


def _close(found: str, known: str) -> bool:
    return difflib.SequenceMatcher(None, words(found), words(known)).ratio() >= SIMILARITY


def match_header(cells: list[Any]) -> dict[str, int]:
    """Field -> 0-based column for the labels of one row: equal folded labels first, then
    labels close to exactly one known label (and it to exactly one of them)."""
    return match_row(cells, _HEADER_LABELS, normalize=words, similar=_close).columns


def _complete(columns: dict[str, int]) -> bool:
    named = "given_name" in columns or "full_name" in columns or "collective_name" in columns
    return named and "year" in columns and "award" in columns


def _find_table(sheets: dict[str, list[list]]) -> tuple[str, int, dict[str, int]] | None:
    """(sheet, 0-based header row, columns) of the first sheet with a recognised header."""
    for name, rows in sheets.items():
        header = find_header(rows, _HEADER_LABELS, scan=HEADER_SCAN, accept=_complete, normalize=words,
                             similar=_close)
        if header is not None:
            return name, header.row, header.columns
    return None


def _awards(campaign: Campaign, path: Path, sheets: dict[str, list[list]], findings: list[Finding]) -> list[PastAward]:
    table = _find_table(sheets)
    if table is None:
        needed = ", ".join(f"\"{COLUMNS[f][0]}\"" for f in ("family_name", "given_name", "year", "award"))
        findings.append(finding("history.no_header", book=path.name, scan=HEADER_SCAN,
                                expected=f"{needed} (hoặc một cột \"Họ và tên\")"))
        return []
    name, header, columns = table
    reader = _RowReader(campaign, path.name, name, columns)
    missing = [f"\"{COLUMNS[f][0]}\"" for f in _OPTIONAL if f not in columns]
    if missing:
        findings.append(finding("history.column_missing", book=path.name, sheet=name, expected=", ".join(missing)))
    rows = sheets[name]
    if len(rows) > MAX_ROWS:
        findings.append(finding("history.too_many_rows", book=path.name, sheet=name, limit=MAX_ROWS))
    seen: dict[tuple, int] = {}
    awards: list[PastAward] = []
    for r in range(header + 1, min(len(rows), MAX_ROWS)):
        award = reader.read(r + 1, rows[r])
        if award is None:
            continue
        first = seen.setdefault((award.key, award.year, award.award_code), r + 1)
        if first != r + 1:
            reader.findings.append(finding("history.duplicate_row", book=path.name, sheet=name, row=r + 1,
                                           other_row=first, what=f"{award.name}, {award.award_name}, năm {award.year}"))
            continue
        awards.append(award)
    findings.extend(reader.findings)
    if reader.no_birth:
        findings.append(finding("history.no_birth_date", book=path.name, sheet=name, count=len(reader.no_birth),
                                rows=spans(reader.no_birth)))
    return awards


class _RowReader:
    """Turns one data row into a PastAward, or into findings (then None)."""

    def __init__(self, campaign: Campaign, file: str, sheet: str, columns: dict[str, int]):
        self.campaign, self.file, self.sheet, self.columns = campaign, file, sheet, columns
        self.findings: list[Finding] = []
        self.no_birth: list[int] = []  # rows of individuals without a birth date

    def read(self, row: int, cells: list[Any]) -> PastAward | None:
        values = {f: _value(cells[c]) if c < len(cells) else None for f, c in self.columns.items()}
        if all(v is None for v in values.values()):
            return None  # a blank row (or one with only STT or notes filled)
        before = len(self.findings)
        item = self._award(row, values)
        subject = self._subject(row, values, item)
        year = self._year(row, values)
        birth = self._date(row, values, "birth_date", date(1900, 1, 1), date(self.campaign.info.year, 12, 31))
        decided = self._date(row, values, "decision_date", date(FIRST_YEAR, 1, 1),
                             date(self.campaign.info.year + 1, 12, 31))
        names = self._names(row, values, subject)
        if len(self.findings) > before or item is None or subject is None or year is None or names is None:
            return None
        unit, number = _text(values.get("unit")), _text(values.get("decision_number"))
        extra = dict(unit=unit, decision_number=number, decision_date=decided, source=self.file)
        if subject == "collective":
            extra.pop("unit")
            return PastAward.of_collective(names[0], unit, year, item, **extra)
        if birth is None:
            self.no_birth.append(row)
        return PastAward.of_person(names[0], names[1], birth, year, item, **extra)

    # each check appends its findings and returns the clean value (None when absent or bad)
    def _where(self, row: int, fld: str) -> dict[str, Any]:
        return dict(book=self.file, sheet=self.sheet, cell=f"{get_column_letter(self.columns[fld] + 1)}{row}",
                    field=fld, row=row, label=COLUMNS[fld][0])

    def _bad(self, row: int, fld: str, value: Any, detail: str) -> None:
        self.findings.append(finding("history.bad_cell", value=_shown(value), detail=detail, **self._where(row, fld)))

    def _required(self, row: int, fld: str) -> None:
        self.findings.append(finding("history.required", **self._where(row, fld)))

    def _award(self, row: int, values: dict) -> CatalogueItem | None:
        text = _text(values.get("award"))
        if not text:
            self._required(row, "award")
            return None
        item = find_award(self.campaign, text)
        if item is None:
            example = self.campaign.catalogue[0].name if self.campaign.catalogue else ""
            self.findings.append(finding("history.unknown_award", value=text, example=example,
                                         **self._where(row, "award")))
        return item

    def _subject(self, row: int, values: dict, item: CatalogueItem | None) -> str | None:
        text = _text(values.get("subject"))
        if not text:  # no "Đối tượng": the award says whether it is a person's or a collective's
            return item.subject if item else "individual"
        subject = _SUBJECT_WORDS.get(fold(text))
        if subject is None:
            self._bad(row, "subject", text, "ghi \"Cá nhân\" hoặc \"Tập thể\"")
        elif item is not None and item.subject != subject:
            self.findings.append(finding(
                "history.wrong_subject", value=item.name, expected=SUBJECTS[item.subject].lower(),
                subject=SUBJECTS[subject].lower(), **{**self._where(row, "award"), "field": "subject"}))
        return subject

    def _year(self, row: int, values: dict) -> int | None:
        value = values.get("year")
        if value is None:
            self._required(row, "year")
            return None
        last = self.campaign.info.year
        try:
            year = coerce_integer(value)
        except PydanticCustomError:
            year = None
        if year is None or not FIRST_YEAR <= year <= last:
            self._bad(row, "year", value, f"ghi năm bốn chữ số, từ {FIRST_YEAR} đến {last}")
            return None
        return year

    def _date(self, row: int, values: dict, fld: str, low: date, high: date) -> date | None:
        value = values.get(fld)
        if value is None:
            return None
        try:
            when = coerce_date(value)
        except PydanticCustomError:
            when = None
        if when is None or not low <= when <= high:
            self._bad(row, fld, value, f"ghi ngày dạng dd/mm/yyyy, từ {format_date(low)} đến {format_date(high)}")
            return None
        return when

    def _names(self, row: int, values: dict, subject: str | None) -> tuple[str, str] | None:
        """(family name, given name) of a person, or (collective name, "") of a collective."""
        family, given = _text(values.get("family_name")), _text(values.get("given_name"))
        full, collective = _text(values.get("full_name")), _text(values.get("collective_name"))
        if subject == "collective":
            name = collective or full or " ".join(p for p in (family, given) if p)
            if name:
                return name, ""
        elif given:
            return family, given
        elif full:
            family, _, given = full.rpartition(" ")
            return family, given
        order = ("collective_name", "full_name", "given_name") if subject == "collective" else (
            "given_name", "full_name", "collective_name")
        self._required(row, next(f for f in order if f in self.columns))
        return None


def find_award(campaign: Campaign, text: str) -> CatalogueItem | None:
    """The catalogue item named (or coded) ``text``: folded name, then code or abbreviation
    without diacritics ("CSTĐCS" = CSTDCS), then name with "ỹ" read as "ĩ" ("Chiến sỹ")."""
    item = campaign.catalogue_item(text)
    if item is None:
        plain = _ascii(text)
        item = next((c for c in campaign.catalogue if _ascii(c.code) == plain), None)
    if item is None:
        key = _i_for_y(fold(text))
        item = next((c for c in campaign.catalogue if _i_for_y(fold(c.name)) == key), None)
    return item


def _ascii(text: str) -> str:
    bare = "".join(ch for ch in unicodedata.normalize("NFD", fold(text)) if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]", "", bare.replace("đ", "d"))


_Y_TONES = str.maketrans("ýỳỷỹỵ", "íìỉĩị")


def _i_for_y(text: str) -> str:
    return text.translate(_Y_TONES)


def _value(value: Any) -> Any:
    """A cell as read: text normalised (blank -> None), datetimes as dates."""
    if isinstance(value, str):
        return None if is_empty(value) else normalize(value)
    if isinstance(value, datetime):
        return value.date()
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return format_date(value)
    return normalize(str(value))


def _shown(value: Any) -> Any:
    return _text(value) if isinstance(value, (date, float)) else value
