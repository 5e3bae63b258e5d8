"""Award history: past decisions per person (or collective), kept in the campaign's ledger.

The multi-year rules need it (CSTĐ cấp tỉnh: 3 consecutive CSTĐCS; CSTĐ toàn quốc: 2
consecutive CSTĐ cấp tỉnh/bộ). Past decisions come in from a workbook the office fills
(``yearend.history_import``), and each year's decisions are added with ``record``. Rows live in
the table ``awards`` of the ledger database, one per (person or collective, year, award):
recording the same award twice adds nothing. ``History`` loads them once and answers which
years a person lacks. The rows a decision of the campaign wrote (``record_decision``, ``origin``
"decision") are replaced by the next decision of the same year: a corrected number or date never
doubles an award, and a line no longer decided leaves the history.

A person is matched by a key of folded family name, given name and birth date
(``person_key``); a collective by its folded name and unit (``collective_key``). Folding makes the
old and new tone placement one ("Thuỷ"/"Thủy"); keys stored before that are brought to it on opening.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable

from sheets_tools.campaign.model import CatalogueItem
from sheets_tools.core.text import fold, normalize, same_tones
from sheets_tools.core.values import coerce_date
from sheets_tools.store.db import transaction
from sheets_tools.store.ledger import Ledger

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
    origin TEXT NOT NULL DEFAULT 'import',
    UNIQUE (person_key, year, award_code)
);
CREATE INDEX IF NOT EXISTS awards_person ON awards(person_key);
"""
IMPORTED, DECIDED = "import", "decision"  # the origin of a row: a history file, or this campaign's decision
DECISION_SOURCE = "Quyết định số {number}"  # the source of the rows a decision wrote
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
    origin: str = IMPORTED  # DECIDED: written by this campaign's decision (``record_decision``)

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


# --- storage ---------------------------------------------------------------------------------
def _ensure(ledger: Ledger) -> None:
    ledger.db.executescript(_SCHEMA)
    columns = {row[1] for row in ledger.db.execute("PRAGMA table_info(awards)")}
    if "origin" not in columns:  # a ledger made before decisions were told apart from imports
        with transaction(ledger.db) as cur:
            cur.execute(f"ALTER TABLE awards ADD COLUMN origin TEXT NOT NULL DEFAULT '{IMPORTED}'")
            # what ``record_decision`` (and ``record`` for a decision, before) names a decision's rows
            cur.execute("UPDATE awards SET origin = ? WHERE decision_number != '' AND source = ? || decision_number",
                        (DECIDED, DECISION_SOURCE.format(number="")))
    _rekey(ledger)


def _rekey(ledger: Ledger) -> None:
    """Keys stored before the tone placement was made one ("thủy" and "thuỷ" then gave two keys) become
    the current ones; a row whose current key another row of the same year and award already has keeps
    its stored key (``History`` compares the current key of each row anyway)."""
    stale = [(same_tones(key), rowid) for rowid, key in ledger.db.execute("SELECT id, person_key FROM awards")
             if same_tones(key) != key]
    if stale:
        with transaction(ledger.db) as cur:
            cur.executemany("UPDATE OR IGNORE awards SET person_key = ? WHERE id = ?", stale)


def record(ledger: Ledger, awards: Iterable[PastAward], source: str) -> int:
    """Add the awards not yet in the history, in one transaction; returns how many were new.

    An award already there (same person or collective, year and award code) is left as it is.
    ``source`` says where they come from (a file's name, a decision's number) when an award has none.
    """
    _ensure(ledger)
    now = datetime.now().replace(microsecond=0).isoformat()
    rows = [_db_row(a, source, now) for a in awards]
    with transaction(ledger.db) as cur:
        before = ledger.db.total_changes
        cur.executemany(f"INSERT OR IGNORE INTO awards ({', '.join(_FIELDS)}) VALUES ({', '.join('?' * len(_FIELDS))})",
                        rows)
        added = ledger.db.total_changes - before
    return added


@dataclass
class DecisionRecord:
    """What ``record_decision`` changed: rows added, earlier decision rows removed and their numbers."""

    added: int
    removed: int
    earlier: list[str]  # the numbers of the earlier decision(s) whose rows were replaced


def record_decision(ledger: Ledger, year: int, awards: Iterable[PastAward], number: str) -> DecisionRecord:
    """Make the history hold ``awards`` as this campaign's decision ``number`` of ``year``, in one transaction.

    The rows an earlier decision of the same year wrote (``origin`` "decision") that are not among
    ``awards`` with this number and date (a corrected number or date, or a line no longer decided) are
    removed; the new ones added. An award the history already holds from an imported file is left
    as it is (never doubled).
    """
    _ensure(ledger)
    now = datetime.now().replace(microsecond=0).isoformat()
    source = DECISION_SOURCE.format(number=number)
    rows = [_db_row(a, source, now) for a in awards]
    wanted = {(r[0], r[8], r[10], r[11]) for r in rows}  # key, award code, number, date
    with transaction(ledger.db) as cur:
        stale = [(rowid, num) for rowid, key, code, num, day in cur.execute(
            "SELECT id, person_key, award_code, decision_number, decision_date FROM awards "
            "WHERE origin = ? AND year = ?", (DECIDED, year)).fetchall() if (key, code, num, day) not in wanted]
        cur.executemany("DELETE FROM awards WHERE id = ?", [(rowid,) for rowid, _ in stale])
        before = ledger.db.total_changes
        cur.executemany(f"INSERT OR IGNORE INTO awards ({', '.join(_FIELDS)}, origin) "
                        f"VALUES ({', '.join('?' * (len(_FIELDS) + 1))})", [(*r, DECIDED) for r in rows])
        added = ledger.db.total_changes - before
    earlier = sorted({num for _, num in stale if num != number})
    return DecisionRecord(added=added, removed=len(stale), earlier=earlier)


def _db_row(a: PastAward, source: str, now: str) -> tuple:
    key = a.key or (collective_key(a.name, a.unit) if a.subject == "collective"
                    else person_key(a.family_name, a.given_name, a.birth_date))
    return (key, a.family_name, a.given_name, _iso(a.birth_date), a.subject, a.name, a.unit, a.year, a.award_code,
            a.award_name or a.award_code, a.decision_number, _iso(a.decision_date), a.source or source,
            a.added_at.isoformat() if a.added_at else now)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


class History:
    """Every past award of a campaign's ledger, loaded once and indexed by person key."""

    def __init__(self, ledger: Ledger):
        _ensure(ledger)
        self._by_key: dict[str, list[PastAward]] = {}
        for row in ledger.db.execute(f"SELECT {', '.join(_FIELDS)}, origin FROM awards ORDER BY year, award_code, id"):
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
    (key, family, given, birth, subject, name, unit, year, code, award_name, number, decided, source, added,
     origin) = row
    return PastAward(key=same_tones(key), subject=subject, name=name, year=year, award_code=code, award_name=award_name,
                     family_name=family, given_name=given, birth_date=date.fromisoformat(birth) if birth else None,
                     unit=unit, decision_number=number,
                     decision_date=date.fromisoformat(decided) if decided else None, source=source,
                     added_at=datetime.fromisoformat(added), origin=origin)
