"""The records passed between pipeline stages: intake -> validate -> ledger -> consolidate."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cached_property
from pathlib import Path
from typing import Any

from sheets_tools.core.findings import Finding, status_of


# The office's wall clock (Vietnam, no daylight saving). Received times are kept as naive
# datetimes in this zone; an e-mail's Date header is converted to it.
OFFICE_TZ = timezone(timedelta(hours=7))
DEBUG_ENV = "SHEETS_TOOLS_DEBUG"  # set (by ``sheets-tools --debug``): a failure inside one file's check is raised


@dataclass
class Document:
    """A document sent with a workbook (another attachment of the same e-mail, or a file in the same
    folder), e.g. the narrative of a report. Read only when a form's rules claim it."""

    name: str
    path: Path | None = None
    data: bytes | None = None

    def read(self) -> bytes:
        return self.data if self.data is not None else Path(self.path).read_bytes()

    def size(self) -> int:
        return len(self.data) if self.data is not None else Path(self.path).stat().st_size


@dataclass
class Incoming:
    """One file taken in: a file on disk or an attachment of an e-mail."""

    name: str  # the file's own name, as the unit sent it
    data: bytes
    source: str  # where it came from: a path, or "mail.eml » attachment.xlsx"
    received_at: datetime  # naive, office time: e-mail Date header, else the file's modification time
    notes: list[Finding] = field(default_factory=list)  # what taking it in noticed (e.g. no e-mail date)
    documents: list[Document] = field(default_factory=list)  # documents sent with it
    sender: str | None = None  # the address of the mail it came attached to (lower case), None for a file

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class Row:
    """One input row of a returned workbook."""

    sheet: str  # the sheet's key in the form declaration (e.g. "individuals")
    row: int  # the spreadsheet row number (as the unit sees it)
    values: dict[str, Any]  # field -> value; validated values when ``valid``, else as read
    valid: bool = True
    key: str | None = None  # identity across units (e.g. a person), for sheets that declare one


@dataclass
class Placement:
    """Where a declared sheet's table really is in a returned workbook (the unit may have moved it)."""

    sheet: str  # the sheet's name in the file
    first_row: int  # the spreadsheet row just below the header
    letters: dict[str, str]  # field -> the column letter in the file


@dataclass
class FileResult:
    """What intake and validation made of one file."""

    incoming: Incoming
    form_id: str | None = None
    form_version: int | None = None
    unit_code: str | None = None
    identified_by: str | None = None  # "hidden" (identification sheet/names) or "name" (unit name on sheet)
    rows: list[Row] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    late: bool = False
    placements: dict[str, Placement] = field(default_factory=dict)  # sheet key -> where intake found it
    documents: list[Document] = field(default_factory=list)  # sent documents the form keeps (archived)
    # the valid rows as the ledger stores them, (sheet, row, JSON, key), made where the file was checked
    stored: list[tuple[str, int, str, str | None]] | None = None
    # the feedback workbook made where the file was checked: (the key of what it shows, its bytes)
    answer: tuple[str, bytes] | None = None

    @property
    def status(self) -> str:
        return status_of(self.findings)

    def to_json(self) -> dict:
        return {"file": self.incoming.source, "unit": self.unit_code, "form": self.form_id,
                "status": self.status, "findings": [f.to_json() for f in self.findings]}
