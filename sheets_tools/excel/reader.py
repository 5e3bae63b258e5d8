"""Open an untrusted workbook safely and read its sheets.

``open_book`` checks the bounds (excel.limits) before anything is parsed, sniffs what the file
really is (excel.sniff), decrypts it with the passwords it is given, and returns a ``Book``:
an xlsx/xlsm read in process by python-calamine (fast, sees hidden sheets), each sheet's cell
area bounded from its XML before calamine loads it; or a ``ChildBook``: an .xls, .ods or .xlsb
parsed by calamine in a child process bounded in memory and time (excel.sandbox). Defined names
and custom properties come straight from the zip with defusedxml.
"""
from __future__ import annotations

import io
import re
import struct
import zipfile
from functools import cached_property
from typing import Any, Callable, Iterable

import msoffcrypto
import python_calamine
from msoffcrypto.exceptions import DecryptionError, FileFormatError, ParseError

from sheets_tools.core.findings import Finding, finding
from sheets_tools.excel import sandbox
from sheets_tools.excel.legacy_cells import WorkbookLegacy
from sheets_tools.excel.limits import (ReadLimits, TooLarge, XmlEntities, check_sheet, check_size, check_zip, extent,
                                      zip_warnings)
from sheets_tools.excel.sheetxml import parse_xml
from sheets_tools.excel.sniff import CONVERTED, classify, format_finding
from sheets_tools.excel.tables import cell_text

# How many rows of each sheet a child process sends back at once (more are asked for when needed).
CHILD_ROWS = 10_000
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


class Encrypted(Exception):
    """The reader says the workbook needs a password."""


def open_book(data: bytes, name: str, limits: ReadLimits, findings: list[Finding],
              passwords: Callable[[], Iterable[str]] = tuple, decrypted: bool = False) -> Book | None:
    """The workbook in ``data`` (file ``name``) ready to read, or None with a file-level finding.

    Warnings (macros, converted format, decrypted...) are appended to ``findings``. ``passwords()``:
    the passwords to try, in order, when the file is encrypted (asked only then). Raises TooLarge
    when a bound of ``limits`` is passed and sandbox.ChildFailed when a child process gave no result.
    """
    check_size(len(data), limits)  # before anything else, even sniffing
    kind, zf = classify(data)
    try:
        if kind in ("xlsx", "xlsm"):
            try:
                check_zip(zf, limits)
            except XmlEntities as exc:
                findings.append(finding("file.unreadable", detail=f"phần \"{exc}\" của tệp có khai báo DOCTYPE/ENTITY "
                                        "(thực thể XML), điều Excel, LibreOffice hay WPS không bao giờ ghi; tệp có thể "
                                        "đã bị sửa bằng công cụ khác"))
                return None
            findings.extend(zip_warnings(zf))
            return Book(data, zf, limits)
        if kind in CONVERTED:
            return _open_converted(data, zf, kind, limits, findings)
    except Encrypted:
        kind = "encrypted"
    if kind == "encrypted" and not decrypted:
        plain = decrypt(data, passwords())
        if plain is not None:
            findings.append(finding("file.decrypted"))
            return open_book(plain, name, limits, findings, passwords, decrypted=True)
    findings.append(format_finding(kind, name))
    return None


def _open_converted(data: bytes, zf: zipfile.ZipFile | None, kind: str, limits: ReadLimits,
                    findings: list[Finding]) -> ChildBook:
    """An .xls, .ods or .xlsb workbook, parsed in a child process bounded in memory and time."""
    if zf is not None:
        check_zip(zf, limits)
        findings.extend(zip_warnings(zf))
    book = ChildBook(data, limits)
    findings.append(finding("file.converted_format", what=CONVERTED[kind]))
    return book


def decrypt(data: bytes, passwords: Iterable[str]) -> bytes | None:
    """``data`` decrypted with the first of ``passwords`` that opens it, or None when there is
    none or none opens it."""
    passwords = list(passwords)
    if not passwords:
        return None
    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
    except (FileFormatError, ParseError, DecryptionError, OSError, ValueError, KeyError, IndexError, struct.error):
        return None  # a format msoffcrypto cannot decrypt (e.g. an OpenDocument password)
    for password in passwords:
        out = io.BytesIO()
        try:
            office.load_key(password=password)
            office.decrypt(out)
        except (DecryptionError, ParseError, OSError, ValueError, KeyError, IndexError, struct.error):
            continue
        return out.getvalue()
    return None


def sheet_parts(zf: zipfile.ZipFile, workbook_xml=None) -> dict[str, str]:
    """Sheet name -> its XML member in the xlsx ``zf`` (``workbook_xml``: xl/workbook.xml already parsed)."""
    workbook_xml = parse_xml(zf.read("xl/workbook.xml")) if workbook_xml is None else workbook_xml
    rels = parse_xml(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iterfind(".//{*}Relationship")}
    out = {}
    for sheet in workbook_xml.iterfind(".//{*}sheet"):
        target = targets.get(sheet.get(_NS_REL), "")
        out[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return out


class Book:
    """One xlsx/xlsm workbook opened once: the calamine reader, the zip directory and a sheet cache."""

    def __init__(self, data: bytes, zf: zipfile.ZipFile, limits: ReadLimits):
        self.zf = zf
        self.limits = limits
        self.workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        self.ordered_names = list(self.workbook.sheet_names)
        self.sheet_names = set(self.ordered_names)
        self.members = set(zf.namelist())
        self._rows: dict[str, tuple[int, list[list[Any]]]] = {}  # name -> (rows asked, rows)
        self._xml: dict[str, bytes] = {}  # name -> its sheet part, unzipped once (guard, merges, legacy fonts)
        self.legacy: WorkbookLegacy | None = None  # legacy-font styles, scanned on first use
        self.percent: set[int] | None = None  # the cell styles showing a percentage, read on first use

    @cached_property
    def _workbook_xml(self):
        return parse_xml(self.zf.read("xl/workbook.xml"))

    @cached_property
    def sheet_paths(self) -> dict[str, str]:
        """Sheet name -> its XML member in the zip."""
        return sheet_parts(self.zf, self._workbook_xml)

    def rows(self, name: str, nrows: int) -> list[list[Any]] | None:
        """The first ``nrows`` rows of sheet ``name`` (row n at index n-1), None if absent."""
        if name not in self.sheet_names:
            return None
        cached = self._rows.get(name)
        if cached is None or cached[0] < nrows:
            self._guard(name)
            sheet = self.workbook.get_sheet_by_name(name)
            cached = self._rows[name] = (nrows, sheet.to_python(skip_empty_area=False, nrows=nrows))
        return cached[1]

    def merged_ranges(self, name: str) -> list | None:
        """calamine's merged ranges of sheet ``name`` (xls; None where it does not know them)."""
        return self.workbook.get_sheet_by_name(name).merged_cell_ranges

    def sheet_xml(self, name: str) -> bytes | None:
        """The XML part of sheet ``name`` (None when the zip does not hold it), unzipped once: the
        guard, the merges and formulas, and the legacy-font check all read the same bytes."""
        xml = self._xml.get(name)
        if xml is None:
            path = self.sheet_paths.get(name)
            if not path or path not in self.members:
                return None
            xml = self._xml[name] = self.zf.read(path)  # bounded by the zip checks; a lying directory raises BadZipFile
        return xml

    def _guard(self, name: str) -> None:
        """Refuse a sheet whose declared dimension or whose cells span more than max_sheet_cells
        cells, before calamine allocates it (it has aborted the process on such sheets)."""
        xml = self.sheet_xml(name)
        if xml is not None:
            check_sheet(name, xml, self.limits.max_sheet_cells)

    def defined_names(self) -> dict[str, str]:
        """Defined name -> its value, for names whose value is a constant: a quoted text (unquoted
        here) or a single token (letters, digits, ``_ . -``). Others (ranges, formulas) are left out."""
        out = {}
        for dn in self._workbook_xml.iterfind(".//{*}definedName"):
            text = (dn.text or "").strip()
            if text.startswith('"') and text.endswith('"') and len(text) >= 2:
                out[dn.get("name", "")] = text[1:-1].replace('""', '"')
            elif re.fullmatch(r"[\w.\-]+", text):
                out[dn.get("name", "")] = text
        return out

    def custom_properties(self) -> dict[str, str]:
        """Custom document property name -> its value as text."""
        if "docProps/custom.xml" not in self.members:
            return {}
        out = {}
        for prop in parse_xml(self.zf.read("docProps/custom.xml")).iterfind(".//{*}property"):
            if len(prop):
                out[prop.get("name") or ""] = cell_text(prop[0].text or "")
        return out


class ChildBook(Book):
    """An .xls, .ods or .xlsb workbook parsed by calamine in a child process bounded in memory and
    time (sandbox.py). Only values and merged ranges are known: no zip, defined names or document
    properties (those anchors exist in xlsx only); a hidden sheet is read like any sheet."""

    def __init__(self, data: bytes, limits: ReadLimits):
        self.zf, self.members, self.sheet_paths = None, set(), {}
        self.data, self.limits = data, limits
        self._rows = {}
        self.legacy = None
        self.percent = None
        self.merged: dict[str, list] = {}  # sheet name -> calamine's merged ranges
        self.errors: dict[str, str] = {}  # sheet name -> why calamine could not read it
        got = self._fetch(None, CHILD_ROWS)
        self.ordered_names = list(got["sheet_names"])
        self.sheet_names = set(self.ordered_names)

    def _fetch(self, names: list[str] | None, nrows: int) -> dict:
        try:
            got = sandbox.run(sandbox.read_sheets, self.data, names, nrows, self.limits.max_sheet_cells,
                              timeout_s=self.limits.parse_timeout_s, memory_mb=self.limits.parse_memory_mb)
        except sandbox.ChildFailed as exc:
            if exc.error_type == "PasswordError":
                raise Encrypted() from None
            raise
        if got["too_large"]:
            name, height, width = got["too_large"]
            raise TooLarge(extent(name, height, width, self.limits.max_sheet_cells))
        for name, rows in got["rows"].items():
            self._rows[name] = (nrows, rows)
        self.merged.update(got["merged"])
        self.errors.update(got["errors"])
        return got

    def rows(self, name: str, nrows: int) -> list[list[Any]] | None:
        """The first ``nrows`` rows of sheet ``name`` (row n at index n-1), None if absent."""
        if name not in self.sheet_names:
            return None
        if name in self.errors:
            raise sandbox.ChildFailed("error", self.errors[name])
        asked, rows = self._rows.get(name, (0, []))
        if asked < nrows and len(rows) >= asked:  # the sheet may have more rows than were sent
            self._fetch([name], nrows)
            asked, rows = self._rows[name]
        return rows[:nrows]

    def merged_ranges(self, name: str) -> list | None:
        return self.merged.get(name) or None

    def sheet_xml(self, name: str) -> bytes | None:
        return None

    def defined_names(self) -> dict[str, str]:
        return {}

    def custom_properties(self) -> dict[str, str]:
        return {}
