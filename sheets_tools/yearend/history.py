"""Award history: past decisions per person (or collective), kept in the campaign's ledger.

The multi-year rules need it (CSTĐ cấp tỉnh: 3 consecutive CSTĐCS; CSTĐ toàn quốc: 2
consecutive CSTĐ cấp tỉnh/bộ). The office imports past decisions from a workbook it fills
(``template`` makes a blank one; any list with recognisable column labels will do), and each
year's decisions are added with ``record``. Rows live in the table ``awards`` of the ledger
database, one per (person or collective, year, award): importing the same file twice adds
nothing. ``History`` loads them once and answers which years a person lacks.

A person is matched by a key of folded family name, given name and birth date
(``person_key``); a collective by its folded name and unit (``collective_key``).
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from pydantic_core import PydanticCustomError

from sheets_tools.excel import sandbox
from sheets_tools.collection.templates import DATE_FORMAT, FONT, SIZE, put
from sheets_tools.campaign.model import Campaign, CatalogueItem
from sheets_tools.core.files import atomic_save
from sheets_tools.core.findings import Finding, finding
from sheets_tools.formkit.declaration import LIST_SHEET
from sheets_tools.collection.intake import EXPORTS, NOT_SPREADSHEET, sniff
from sheets_tools.excel.tables import spans
from sheets_tools.store.ledger import Ledger
from sheets_tools.core.values import coerce_date, coerce_integer, format_date, is_empty
from sheets_tools.core.text import fold, normalize

HEADER_SCAN = 20  # the header row is looked for in the first rows of each sheet
MAX_ROWS = 50_000  # rows read per sheet
SIMILARITY = 0.8  # difflib ratio above which an edited label is taken for a known one
FIRST_YEAR = 1945
TEMPLATE_SHEET = "Lịch sử khen thưởng"
TEMPLATE_ROWS = 500  # formatted input rows in the blank template
SUBJECTS = {"individual": "Cá nhân", "collective": "Tập thể"}
_SUBJECT_WORDS = {"cá nhân": "individual", "cn": "individual", "tập thể": "collective", "tt": "collective"}
_READABLE = ("xlsx", "xlsm", "xls", "xlsb", "ods")

# field -> (label written by ``template``, other accepted labels). Labels are compared folded,
# punctuation ignored; no two fields share a label.
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

_SCHEMA = """
CREATE TABLE IF NOT EXISTS awards (
    id INTEGER PRIMARY KEY,
    person_key TEXT NOT NULL,
    family_name TEXT NOT NULL DEFAULT '',
    given_name TEXT NOT NULL DEFAULT '',
    birth_date TEXT,
    subject TEXT NOT NULL CHECK (subject IN ('individual', 'collective')),
    name TEXT NOT NULL,
    unit TEXT NOT NULL DEFAULT '',
    year INTEGER NOT NULL,
    award_code TEXT NOT NULL,
    award_name TEXT NOT NULL,
    decision_number TEXT NOT NULL DEFAULT '',
    decision_date TEXT,
    source TEXT NOT NULL,
    added_at TEXT NOT NULL,
    UNIQUE (person_key, year, award_code)
);
CREATE INDEX IF NOT EXISTS awards_person ON awards(person_key);
"""
_FIELDS = ("person_key", "family_name", "given_name", "birth_date", "subject", "name", "unit", "year", "award_code",
           "award_name", "decision_number", "decision_date", "source", "added_at")


# --- keys and records ------------------------------------------------------------------------
def person_key(family_name: str, given_name: str, birth_date: date | str | None) -> str:
    """The key of a person: folded family and given names and the birth date (ISO, or empty)."""
    birth = _as_date(birth_date)
    return f"cn|{fold(family_name or '')}|{fold(given_name or '')}|{birth.isoformat() if birth else ''}"


def collective_key(name: str, unit: str) -> str:
    """The key of a collective: its folded name and the folded name of its unit."""
    return f"tt|{fold(name or '')}|{fold(unit or '')}"


def _as_date(value: date | str | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date) or value is None:
        return value
    return coerce_date(value)  # ISO or dd/mm/yyyy text; raises on anything else


@dataclass
class PastAward:
    """One title or form someone received in a year (``key``: person_key or collective_key)."""

    key: str
    subject: str  # "individual" or "collective"
    name: str  # full name, or the collective's name
    year: int
    award_code: str
    award_name: str = ""
    family_name: str = ""
    given_name: str = ""
    birth_date: date | None = None
    unit: str = ""
    decision_number: str = ""
    decision_date: date | None = None
    source: str = ""
    added_at: datetime | None = None

    @classmethod
    def of_person(cls, family_name: str, given_name: str, birth_date: date | None, year: int, item: CatalogueItem,
                  **extra: Any) -> "PastAward":
        """An individual's award (``extra``: unit, decision_number, decision_date, source)."""
        name = " ".join(p for p in (normalize(family_name), normalize(given_name)) if p)
        return cls(key=person_key(family_name, given_name, birth_date), subject="individual", name=name,
                   year=year, award_code=item.code, award_name=item.name, family_name=normalize(family_name),
                   given_name=normalize(given_name), birth_date=birth_date, **extra)

    @classmethod
    def of_collective(cls, name: str, unit: str, year: int, item: CatalogueItem, **extra: Any) -> "PastAward":
        """A collective's award (``extra``: decision_number, decision_date, source)."""
        return cls(key=collective_key(name, unit), subject="collective", name=normalize(name), unit=normalize(unit),
                   year=year, award_code=item.code, award_name=item.name, **extra)


@dataclass
class ImportResult:
    added: int = 0  # rows new to the history
    unchanged: int = 0  # good rows the history already had
    findings: list[Finding] = field(default_factory=list)


# --- storage ---------------------------------------------------------------------------------
def _ensure(ledger: Ledger) -> None:
    ledger.db.executescript(_SCHEMA)


def _insert(ledger: Ledger, awards: Iterable[PastAward], source: str) -> int:
    """Add the awards not yet in the history, in one transaction; how many were new."""
    _ensure(ledger)
    now = datetime.now().replace(microsecond=0).isoformat()
    rows = [_db_row(a, source, now) for a in awards]
    cur = ledger.db.cursor()
    cur.execute("BEGIN IMMEDIATE")
    try:
        before = ledger.db.total_changes
        cur.executemany(f"INSERT OR IGNORE INTO awards ({', '.join(_FIELDS)}) VALUES ({', '.join('?' * len(_FIELDS))})",
                        rows)
        added = ledger.db.total_changes - before
        cur.execute("COMMIT")
    except BaseException:
        cur.execute("ROLLBACK")
        raise
    return added


def _db_row(a: PastAward, source: str, now: str) -> tuple:
    key = a.key or (collective_key(a.name, a.unit) if a.subject == "collective"
                    else person_key(a.family_name, a.given_name, a.birth_date))
    return (key, a.family_name, a.given_name, _iso(a.birth_date), a.subject, a.name, a.unit, a.year, a.award_code,
            a.award_name or a.award_code, a.decision_number, _iso(a.decision_date), a.source or source,
            a.added_at.isoformat() if a.added_at else now)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def record(ledger: Ledger, awards: list[PastAward], source: str) -> int:
    """Add this year's decided awards to the history; returns how many were new.

    An award already there (same person or collective, year and award code) is left as it is.
    ``source`` says where they come from (e.g. the decision's number) when an award has none.
    """
    return _insert(ledger, awards, source)


class History:
    """Every past award of a campaign's ledger, loaded once and indexed by person key."""

    def __init__(self, ledger: Ledger):
        _ensure(ledger)
        self._by_key: dict[str, list[PastAward]] = {}
        for row in ledger.db.execute(f"SELECT {', '.join(_FIELDS)} FROM awards ORDER BY year, award_code, id"):
            award = _from_db(row)
            self._by_key.setdefault(award.key, []).append(award)

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_key.values())

    def of_person(self, key: str) -> list[PastAward]:
        """The awards of a person (or collective), by year."""
        return list(self._by_key.get(key, ()))

    def years(self, key: str, codes: set[str]) -> set[int]:
        """The years in which the person received one of the award ``codes``."""
        return {a.year for a in self._by_key.get(key, ()) if a.award_code in codes}

    def missing_years(self, key: str, codes: set[str], years: list[int]) -> list[int]:
        """Which of ``years`` lack all of the award ``codes`` for the person (in the order given)."""
        have = self.years(key, codes)
        return [y for y in years if y not in have]


def _from_db(row: tuple) -> PastAward:
    (key, family, given, birth, subject, name, unit, year, code, award_name, number, decided, source, added) = row
    return PastAward(key=key, subject=subject, name=name, year=year, award_code=code, award_name=award_name,
                     family_name=family, given_name=given, birth_date=date.fromisoformat(birth) if birth else None,
                     unit=unit, decision_number=number,
                     decision_date=date.fromisoformat(decided) if decided else None, source=source,
                     added_at=datetime.fromisoformat(added))


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
        with Ledger(campaign.dir) as ledger:
            result.added = _insert(ledger, awards, path.name)
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


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", fold(text)))


_LABELS = {f: {_words(label), *map(_words, others)} for f, (label, others) in COLUMNS.items()}


def match_header(cells: list[Any]) -> dict[str, int]:
    """Field -> 0-based column for the labels of one row: equal folded labels first, then
    labels close to exactly one known label (and it to exactly one of them)."""
    free = {i: _words(v) for i, v in enumerate(cells) if isinstance(v, str) and _words(v)}
    columns: dict[str, int] = {}
    for fld, labels in _LABELS.items():
        col = next((i for i, words in free.items() if words in labels), None)
        if col is not None:
            columns[fld] = col
            del free[col]
    options = {fld: [i for i, words in free.items()
                     if max(difflib.SequenceMatcher(None, words, lab).ratio() for lab in labels) >= SIMILARITY]
               for fld, labels in _LABELS.items() if fld not in columns}
    for fld, cols in options.items():
        if len(cols) == 1 and sum(cols[0] in other for other in options.values()) == 1:
            columns[fld] = cols[0]
    return columns


def _complete(columns: dict[str, int]) -> bool:
    named = "given_name" in columns or "full_name" in columns or "collective_name" in columns
    return named and "year" in columns and "award" in columns


def _find_table(sheets: dict[str, list[list]]) -> tuple[str, int, dict[str, int]] | None:
    """(sheet, 0-based header row, columns) of the first sheet with a recognised header."""
    for name, rows in sheets.items():
        for r, cells in enumerate(rows[:HEADER_SCAN]):
            columns = match_header(cells)
            if _complete(columns):
                return name, r, columns
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


# --- the blank import workbook ------------------------------------------------------------------
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WIDTHS = {"subject": 11, "family_name": 20, "given_name": 10, "collective_name": 28, "birth_date": 13, "unit": 28,
           "year": 8, "award": 34, "decision_number": 16, "decision_date": 14}
_DATE_MIN, _DATE_MAX = 1, 73415  # 01/01/1900 .. 31/12/2100 as Excel serials


def template(campaign: Campaign, path: Path) -> Path:
    """Write a blank import workbook: a note row with an example above the header row, dropdowns
    for "Đối tượng" and the award (catalogue names), dates as dd/mm/yyyy, Times New Roman."""
    wb = Workbook()
    default = Font(name=FONT, size=SIZE, family=1)
    wb._named_styles["Normal"].font = default  # empty cells too are Times New Roman
    ws = wb.active
    ws.title = TEMPLATE_SHEET
    last_col = get_column_letter(len(TEMPLATE_FIELDS) + 1)
    _note(ws, "A1", f"DANH SÁCH KHEN THƯỞNG CÁC NĂM TRƯỚC - {campaign.info.agency}".upper(), last_col, bold=True)
    _note(ws, "A2", _example(campaign), last_col, italic=True)
    header, first, last = 3, 4, 3 + TEMPLATE_ROWS
    ws.row_dimensions[2].height, ws.row_dimensions[header].height = 80, 34
    labels = ["STT"] + [COLUMNS[f][0] for f in TEMPLATE_FIELDS]
    for c, label in enumerate(labels, start=1):
        cell = ws.cell(header, c)
        put(cell, label)
        cell.font = Font(name=FONT, size=SIZE, bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.column_dimensions["A"].width = 6
    for c, fld in enumerate(TEMPLATE_FIELDS, start=2):
        letter = get_column_letter(c)
        ws.column_dimensions[letter].width = _WIDTHS[fld]
        fmt = DATE_FORMAT if fld.endswith("_date") else "0" if fld == "year" else "@"
        for r in range(first, last + 1):
            cell = ws.cell(r, c)
            cell.number_format, cell.font, cell.border = fmt, default, _BORDER
    for c in range(1, len(labels) + 1):  # the STT column too
        for r in range(first, last + 1):
            ws.cell(r, c).border = _BORDER
    _validations(wb, ws, campaign, first, last)
    ws.freeze_panes = ws.cell(first, 2)
    ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = f"{header}:{header}"
    return atomic_save(wb, Path(path))


def _note(ws, ref: str, text: str, last_col: str, **font: bool) -> None:
    cell = ws[ref]
    put(cell, text)
    cell.font = Font(name=FONT, size=SIZE, **font)
    cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
    ws.merge_cells(f"{ref}:{last_col}{cell.row}")


def _example(campaign: Campaign) -> str:
    title = next((c.name for c in campaign.catalogue if c.subject == "individual"), "Chiến sĩ thi đua cơ sở")
    team = next((c.name for c in campaign.catalogue if c.subject == "collective"), "Tập thể lao động tiên tiến")
    unit = campaign.units[0].name if campaign.units else "Văn phòng Sở"
    year = campaign.info.year - 1
    return (f"Ghi chú: mỗi dòng là một danh hiệu hoặc hình thức khen thưởng đã được quyết định. Cá nhân ghi "
            f"\"Họ và tên đệm\", \"Tên\" và \"Ngày sinh\"; tập thể ghi \"Tên tập thể\" (bỏ trống các cột họ tên). "
            f"Ngày ghi dạng dd/mm/yyyy. Danh hiệu chọn trong danh sách thả xuống.\n"
            f"Ví dụ: Cá nhân | Nguyễn Văn | An | | 15/03/1985 | {unit} | {year} | {title} | "
            f"123/QĐ-STP | 20/12/{year}.\n"
            f"Ví dụ: Tập thể | | | {unit} | | | {year} | {team} | 124/QĐ-STP | 20/12/{year}.")


def _validations(wb: Workbook, ws, campaign: Campaign, first: int, last: int) -> None:
    col = {f: get_column_letter(c) for c, f in enumerate(TEMPLATE_FIELDS, start=2)}
    lists = wb.create_sheet(LIST_SHEET)
    names = [c.name for c in campaign.catalogue]
    for r, name in enumerate(names, start=1):
        put(lists.cell(r, 1), name)
    lists.sheet_state = "hidden"
    ranges = {
        "subject": DataValidation(type="list", formula1='"Cá nhân,Tập thể"', error="Hãy chọn \"Cá nhân\" hoặc "
                                  "\"Tập thể\".", prompt="Chọn Cá nhân hoặc Tập thể."),
        "year": DataValidation(type="whole", operator="between", formula1=str(FIRST_YEAR),
                               formula2=str(campaign.info.year), prompt="Năm được khen thưởng, ví dụ 2023.",
                               error=f"Hãy nhập năm từ {FIRST_YEAR} đến {campaign.info.year}."),
    }
    if names:
        ranges["award"] = DataValidation(type="list", formula1=f"{quote_sheetname(LIST_SHEET)}!$A$1:$A${len(names)}",
                                         error="Hãy chọn một danh hiệu, hình thức trong danh sách thả xuống.",
                                         prompt="Chọn danh hiệu, hình thức trong danh sách thả xuống.")
    for fld in ("birth_date", "decision_date"):
        ranges[fld] = DataValidation(type="date", operator="between", formula1=str(_DATE_MIN), formula2=str(_DATE_MAX),
                                     error="Hãy nhập ngày dạng dd/mm/yyyy, ví dụ 15/03/1985.",
                                     prompt="Nhập ngày dạng dd/mm/yyyy, ví dụ 15/03/1985.")
    for fld, dv in ranges.items():
        dv.errorTitle, dv.promptTitle = "Giá trị không hợp lệ", COLUMNS[fld][0][:32]
        dv.showErrorMessage = dv.showInputMessage = dv.allow_blank = True
        dv.errorStyle = "stop"
        dv.add(f"{col[fld]}{first}:{col[fld]}{last}")
        ws.add_data_validation(dv)
