"""Take returned files in: gather them, sniff what they really are, identify form and unit,
and read only the declared input ranges.

Nothing here raises for a bad file: every problem becomes a Finding on the file's
FileResult. Workbooks are read with python-calamine (fast, sees hidden sheets); defined
names and custom properties come straight from the zip with defusedxml.
"""
from __future__ import annotations

import email
import io
import re
import struct
import zipfile
from datetime import datetime, timezone
from email import policy
from email.message import Message
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

import olefile
import python_calamine
from defusedxml import ElementTree

from .campaign import Campaign
from .findings import finding
from .forms import (DEFINED_NAME_PREFIX, FIRST_COL, FIRST_ROW, HEADER_ROW, ID_KEYS, ID_SHEET, PROPERTY_PREFIX,
                    UNIT_CODE_ROW, UNIT_NAME_ROW, UNIT_VALUE_COL, Form, TableSheet, load_forms)
from .models import coerce_text, is_empty
from .records import OFFICE_TZ, FileResult, Incoming
from .text import fold

# Generous limits checked from the zip directory before anything is decompressed.
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_MEMBERS = 10_000
# Largest cell area (rows x columns) a sheet may span before calamine allocates it. A sheet with
# no cell beyond row 9,999 nor beyond column ZZ (702) spans at most 7 million cells.
MAX_CELLS = 10_000_000

SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

NOT_SPREADSHEET = {
    "html": "trang web (HTML)",
    "pdf": "tài liệu PDF",
    "zip-other": "tài liệu Word hoặc tệp nén khác",
    "ole-other": "tài liệu Office 97-2003 không phải Excel (Word, PowerPoint...)",
    "unknown": "không rõ định dạng",
}
UNSUPPORTED = {"xlsb": "Excel nhị phân (.xlsb)", "ods": "OpenDocument (.ods)", "csv": "văn bản CSV (.csv)"}
FILE_LEVEL = {"empty": "file.empty", "xls": "file.xls_legacy", "encrypted": "file.encrypted"}


# --- gather -----------------------------------------------------------------------------------
def gather(paths: Iterable[Path], exclude: Iterable[Path] = ()) -> Iterator[Incoming | FileResult]:
    """Every file under ``paths`` (files, folders, .eml messages) as Incoming, or a FileResult
    carrying a file-level finding when there is nothing to read. Paths in or under ``exclude``
    (e.g. the campaign's own folders) are left out."""
    excluded = [Path(e).resolve() for e in exclude]
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for child in _walk(path):
                if not _within(child, excluded):
                    yield from _from_path(child)
        elif not _within(path, excluded):
            yield from _from_path(path)


def _within(path: Path, excluded: list[Path]) -> bool:
    if not excluded:
        return False
    resolved = path.resolve()
    return any(resolved == e or e in resolved.parents for e in excluded)


def _walk(folder: Path) -> Iterator[Path]:
    for child in sorted(folder.rglob("*")):
        parts = child.relative_to(folder).parts
        if child.is_file() and not any(_skipped(p) for p in parts):
            yield child


def _skipped(name: str) -> bool:
    """Hidden files and the lock files Excel ("~$x.xlsx") and LibreOffice (".~lock.x#") leave."""
    return name.startswith((".", "~$"))


def _from_path(path: Path) -> Iterator[Incoming | FileResult]:
    try:
        data = path.read_bytes()
        mtime = datetime.fromtimestamp(path.stat().st_mtime)
    except OSError as exc:
        incoming = Incoming(name=path.name, data=b"", source=str(path), received_at=datetime.now())
        detail = "không tìm thấy tệp" if isinstance(exc, FileNotFoundError) else f"{type(exc).__name__}: {exc}"
        yield FileResult(incoming, findings=[finding("file.unreadable", file=str(path), detail=detail)])
        return
    if path.suffix.lower() == ".eml":
        yield from _from_eml(path, data, mtime)
    else:
        yield Incoming(name=path.name, data=data, source=str(path), received_at=mtime)


def _from_eml(path: Path, data: bytes, mtime: datetime) -> Iterator[Incoming | FileResult]:
    msg = email.message_from_bytes(data, policy=policy.default)
    received = _mail_date(msg) or mtime
    found = False
    for n, part in enumerate(msg.walk(), start=1):
        if part.is_multipart():
            continue
        name = part.get_filename()
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes) or not _is_spreadsheet_attachment(name, part, payload):
            continue
        found = True
        name = name or f"dinh-kem-{n}"
        yield Incoming(name=name, data=payload, source=f"{path} » {name}", received_at=received)
    if not found:
        incoming = Incoming(name=path.name, data=data, source=str(path), received_at=received)
        yield FileResult(incoming, findings=[finding("file.no_attachment", file=str(path))])


def _is_spreadsheet_attachment(name: str | None, part: Message, payload: bytes) -> bool:
    if name and name.lower().endswith(SPREADSHEET_EXTENSIONS):
        return True
    if not name and part.get_content_disposition() != "attachment":
        return False  # the body of the message
    return payload.startswith(OLE_MAGIC) or sniff(payload) in ("xlsx", "xlsm", "xlsb")


def _mail_date(msg: Message) -> datetime | None:
    """The Date header in the office's local time (UTC+07:00), naive; None when absent or bad."""
    try:
        header = msg["Date"]
        when = header.datetime if header is not None else None
    except (TypeError, ValueError, AttributeError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:  # "-0000": UTC, sender's zone unknown
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(OFFICE_TZ).replace(tzinfo=None)


# --- sniff ------------------------------------------------------------------------------------
def sniff(data: bytes) -> str:
    """What ``data`` really is, from magic bytes and zip/OLE member names (never the file name):
    xlsx, xlsm, xlsb, ods, xls, encrypted, ole-other, zip-other, zip-broken, html, csv, pdf,
    empty or unknown."""
    return _classify(data)[0]


def _classify(data: bytes) -> tuple[str, zipfile.ZipFile | None]:
    if not data:
        return "empty", None
    if data.startswith(b"PK"):
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return "zip-broken", None
        return _sniff_zip(zf), zf
    if data.startswith(OLE_MAGIC):
        return _sniff_ole(data), None
    if data.lstrip()[:5] == b"%PDF-":
        return "pdf", None
    return _sniff_text(data), None


def _sniff_zip(zf: zipfile.ZipFile) -> str:
    names = set(zf.namelist())
    if "xl/workbook.xml" in names:
        return "xlsm" if "xl/vbaProject.bin" in names else "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "mimetype" in names:
        with zf.open("mimetype") as fh:
            if fh.read(len(ODS_MIMETYPE) + 8).strip() == ODS_MIMETYPE:
                return "ods"
    return "zip-other"


def _sniff_ole(data: bytes) -> str:
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            streams = {"/".join(entry).lower() for entry in ole.listdir()}
    except (OSError, ValueError, IndexError, struct.error):
        return "unknown"  # OLE2 magic but no readable directory: a damaged file
    if {"encryptioninfo", "encryptedpackage"} & streams:
        return "encrypted"
    if {"workbook", "book"} & streams:
        return "xls"
    return "ole-other"


def _sniff_text(data: bytes) -> str:
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore")
    elif b"\x00" in head:
        return "unknown"
    else:
        text = head.decode("utf-8", errors="replace")
    text = text.lstrip("\ufeff \t\r\n").lower()
    if text.startswith(("<!doctype html", "<html", "<table", "mime-version:")) or (
            text.startswith("<") and "<html" in text):
        return "html"
    lines = [line for line in text.splitlines()[:5] if line.strip()]
    if lines and any(sep in lines[0] for sep in (",", ";", "\t")) and not text.startswith(("<", "{")):
        return "csv"
    return "unknown"


# --- read -------------------------------------------------------------------------------------
class _TooLarge(Exception):
    """A sheet or the zip is beyond the limits; the message is the Vietnamese detail."""


def read(incoming: Incoming, campaign: Campaign) -> tuple[FileResult, dict]:
    """Sniff, check, identify and read the declared ranges of one file.

    Returns the FileResult (form, unit, findings so far) and ``raw``: sheet key ->
    list of (row number, {field: raw value}). Never raises for a bad file.
    """
    result = FileResult(incoming)
    try:
        raw = _read(incoming, campaign, result)
    except _TooLarge as exc:
        result.findings.append(finding("file.too_large", detail=str(exc)))
        raw = {}
    except Exception as exc:  # per-file boundary: any reader failure becomes a finding naming its type
        result.findings.append(finding("file.unreadable", detail=f"{type(exc).__name__}: {str(exc)[:200]}"))
        raw = {}
    for f in result.findings:
        f.file = incoming.source
        f.unit = f.unit or result.unit_code
    return result, raw


def _read(incoming: Incoming, campaign: Campaign, result: FileResult) -> dict:
    kind, zf = _classify(incoming.data)
    if kind not in ("xlsx", "xlsm"):
        result.findings.append(_format_finding(kind))
        return {}
    _check_zip(zf)
    if kind == "xlsm":
        result.findings.append(finding("file.macros"))
    book = _Book(incoming.data, zf)
    form = _identify(book, campaign, result)
    if form is None:
        return {}
    return _read_sheets(book, form, result)


def _format_finding(kind: str):
    if kind in FILE_LEVEL:
        return finding(FILE_LEVEL[kind])
    if kind == "zip-broken":
        return finding("file.truncated", detail="cấu trúc tệp nén (zip) không trọn vẹn")
    if kind in UNSUPPORTED:
        return finding("file.unsupported_format", what=UNSUPPORTED[kind])
    return finding("file.not_spreadsheet", what=NOT_SPREADSHEET.get(kind, NOT_SPREADSHEET["unknown"]))


def _check_zip(zf: zipfile.ZipFile) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _TooLarge(f"{len(infos)} thành phần trong tệp (tối đa {MAX_MEMBERS})")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        raise _TooLarge(f"{total // 2**20} MB khi giải nén (tối đa {MAX_UNCOMPRESSED // 2**20} MB)")


_CELL_REF = re.compile(rb'\br="([A-Z]{0,3})(\d{1,9})"')
# A cell or row reference at column AAA or beyond, or at row 10,000 or beyond. The pattern starts
# with a literal, which the regex engine scans for at C speed; the word boundary a leading \b
# would check (and that makes every position a candidate) is checked on each match instead.
_FAR_CELL = re.compile(rb'r="(?:[A-Z]{3}\d|[A-Z]{0,2}\d{5})')
_WORD_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


class _Book:
    """One workbook opened once: the calamine reader, the zip directory and a sheet cache."""

    def __init__(self, data: bytes, zf: zipfile.ZipFile):
        self.zf = zf
        self.workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        self.sheet_names = set(self.workbook.sheet_names)
        self.members = set(zf.namelist())
        self._rows: dict[str, tuple[int, list[list[Any]]]] = {}  # name -> (rows asked, rows)

    @cached_property
    def _workbook_xml(self):
        return _parse_xml(self.zf.read("xl/workbook.xml"))

    @cached_property
    def sheet_paths(self) -> dict[str, str]:
        """Sheet name -> its XML member in the zip."""
        rels = _parse_xml(self.zf.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target", "") for r in rels.iterfind(".//{*}Relationship")}
        out = {}
        for sheet in self._workbook_xml.iterfind(".//{*}sheet"):
            target = targets.get(sheet.get(_NS_REL), "")
            out[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
        return out

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

    def _guard(self, name: str) -> None:
        """Refuse sheets whose cells span an area calamine would choke on (it aborts the process)."""
        path = self.sheet_paths.get(name)
        if not path or path not in self.members:
            return
        xml = self.zf.read(path)
        if not _has_far_reference(xml):  # the common case, decided at C speed
            return
        max_row = max_col = 0
        for letters, digits in _CELL_REF.findall(xml):
            max_row = max(max_row, int(digits))
            if letters:
                max_col = max(max_col, _column_number(letters))
        if max_row * max(max_col, 1) > MAX_CELLS:
            raise _TooLarge(f"trang tính \"{name}\" trải tới dòng {max_row}, cột {max_col}")

    def id_sheet(self) -> dict[str, str]:
        rows = self.rows(ID_SHEET, 50) or []
        pairs = ((_text(r[0]), _text(r[1])) for r in rows if len(r) >= 2)
        return {k: v for k, v in pairs if k in ID_KEYS and v}

    def defined_names(self) -> dict[str, str]:
        out = {}
        for dn in self._workbook_xml.iterfind(".//{*}definedName"):
            key = (dn.get("name") or "").removeprefix(DEFINED_NAME_PREFIX)
            text = (dn.text or "").strip()
            if dn.get("name", "").startswith(DEFINED_NAME_PREFIX) and key in ID_KEYS:
                if text.startswith('"') and text.endswith('"') and len(text) >= 2:
                    out[key] = text[1:-1].replace('""', '"')
                elif re.fullmatch(r"[\w.\-]+", text):
                    out[key] = text
        return out

    def custom_properties(self) -> dict[str, str]:
        if "docProps/custom.xml" not in self.members:
            return {}
        out = {}
        for prop in _parse_xml(self.zf.read("docProps/custom.xml")).iterfind(".//{*}property"):
            key = (prop.get("name") or "").removeprefix(PROPERTY_PREFIX)
            if prop.get("name", "").startswith(PROPERTY_PREFIX) and key in ID_KEYS and len(prop):
                out[key] = _text(prop[0].text or "")
        return out

    def identity(self) -> dict[str, str]:
        """form/version/campaign/unit from the hidden sheet, else defined names, else properties."""
        ident: dict[str, str] = {}
        for source in (self.id_sheet, self.defined_names, self.custom_properties):
            if all(k in ident for k in ID_KEYS):
                break
            for key, value in source().items():
                if value:
                    ident.setdefault(key, value)
        return ident


def _parse_xml(data: bytes) -> Any:
    """An XML member of the zip as an element tree; defusedxml rejects entity and external-reference attacks."""
    return ElementTree.fromstring(data)


def _has_far_reference(xml: bytes) -> bool:
    """Whether an attribute ``r="..."`` (a row or a cell) reaches column AAA or row 10,000."""
    for match in _FAR_CELL.finditer(xml):
        start = match.start()
        if start == 0 or xml[start - 1] not in _WORD_BYTES:  # what \b before "r" means in bytes
            return True
    return False


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _text(value: Any) -> str:
    return coerce_text(None if value == "" else value) or ""


def _cell(rows: list[list[Any]], row: int, col: int) -> Any:
    """The value at 1-based (row, col); '' (calamine's empty) becomes None."""
    if row > len(rows) or col > len(rows[row - 1]):
        return None
    value = rows[row - 1][col - 1]
    return None if value == "" else value


def _nrows(sheet_name: str) -> int:
    """How many rows to read from a sheet of this name: enough for every form declaring it."""
    rows = [s.last_row for f in load_forms().values() for s in f.sheets if s.name == sheet_name]
    return max(rows, default=HEADER_ROW)


# --- identify ---------------------------------------------------------------------------------
def _identify(book: _Book, campaign: Campaign, result: FileResult) -> Form | None:
    ident = book.identity()
    forms = load_forms()
    form = forms.get(ident.get("form", "")) or _guess_form(book, forms)
    if form is None:
        result.findings.append(finding("ident.unknown_form"))
        return None
    result.form_id = form.id
    version = _version(ident.get("version"))
    result.form_version = form.version if version is None else version
    if ident.get("campaign") and ident["campaign"] != campaign.id:
        result.findings.append(finding("ident.other_campaign", value=ident["campaign"], expected=campaign.id))
    if "version" in ident and _version(ident["version"]) != form.version:
        result.findings.append(finding("ident.old_version", value=ident["version"], expected=form.version))
    _identify_unit(book, form, campaign, ident.get("unit"), result)
    return form


def _version(value: str | None) -> int | None:
    try:
        return int(float(value)) if value else None
    except ValueError:
        return None


def _guess_form(book: _Book, forms: dict[str, Form]) -> Form | None:
    """A declared form whose sheet names are all present and at least half its labels match."""
    for form in forms.values():
        if not all(s.name in book.sheet_names for s in form.sheets):
            continue
        total = sum(len(s.columns) for s in form.sheets)
        matching = sum(len(s.columns) - len(_header_changes(book.rows(s.name, _nrows(s.name)), s))
                       for s in form.sheets)
        if matching * 2 >= total:
            return form
    return None


def _identify_unit(book: _Book, form: Form, campaign: Campaign, code: str | None, result: FileResult) -> None:
    name_on_sheet, code_on_sheet = _unit_on_sheet(book, form)
    if code:
        unit = campaign.unit(code)
        if unit is None:
            result.findings.append(finding(
                "ident.unknown_unit", value=code, detail=f" (mã \"{code}\" không có trong danh sách đơn vị)"))
            return
        result.unit_code, result.identified_by = unit.code, "hidden"
        if name_on_sheet and fold(name_on_sheet) != fold(unit.name):
            result.findings.append(finding("ident.unit_mismatch", value=code, detail=name_on_sheet))
        return
    unit = (campaign.unit_by_name(name_on_sheet) if name_on_sheet else None) or (
        campaign.unit(code_on_sheet) if code_on_sheet else None)
    if unit is None:
        shown = name_on_sheet or code_on_sheet
        result.findings.append(finding("ident.unknown_unit", value=shown or None,
                                       detail=f" (trên biểu mẫu ghi \"{shown}\")" if shown else ""))
        return
    result.unit_code, result.identified_by = unit.code, "name"
    result.findings.append(finding("ident.by_name", value=name_on_sheet or code_on_sheet))


def _unit_on_sheet(book: _Book, form: Form) -> tuple[str, str]:
    """The unit name (C6) and code (C7) written on the first of the form's sheets that has them."""
    for sheet in form.sheets:
        rows = book.rows(sheet.name, _nrows(sheet.name))
        if rows is None:
            continue
        name = _text(_cell(rows, UNIT_NAME_ROW, UNIT_VALUE_COL))
        code = _text(_cell(rows, UNIT_CODE_ROW, UNIT_VALUE_COL))
        if name or code:
            return name, code
    return "", ""


# --- read the declared ranges -----------------------------------------------------------------
def _read_sheets(book: _Book, form: Form, result: FileResult) -> dict:
    raw: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for sheet in form.sheets:
        rows = book.rows(sheet.name, _nrows(sheet.name))
        if rows is None:
            result.findings.append(finding("sheet.missing", sheet=sheet.name))
            continue
        changes = _header_changes(rows, sheet)
        result.findings.extend(changes)
        if not changes:  # with a column moved, every value would land in the wrong field
            raw[sheet.key] = _data_rows(rows, sheet)
    return raw


def _header_changes(rows: list[list[Any]], sheet: TableSheet) -> list:
    out = []
    for i, column in enumerate(sheet.columns):
        actual = _text(_cell(rows, HEADER_ROW, FIRST_COL + i))
        if fold(actual) != _folded_label(column.label):
            out.append(finding("sheet.header_changed", sheet=sheet.name, cell=f"{column.letter}{HEADER_ROW}",
                               field=column.field, value=actual, expected=column.label))
    return out


@lru_cache(maxsize=1024)
def _folded_label(label: str) -> str:
    return fold(label)


def _data_rows(rows: list[list[Any]], sheet: TableSheet) -> list[tuple[int, dict[str, Any]]]:
    out = []
    fields = [c.field for c in sheet.columns]
    first, width = FIRST_COL - 1, len(fields)
    for r in range(FIRST_ROW, min(sheet.last_row, len(rows)) + 1):
        cells = rows[r - 1][first:first + width]
        if len(cells) < width:  # a short row: the missing cells are empty
            cells += [""] * (width - len(cells))
        values = dict(zip(fields, [None if v == "" else v for v in cells]))
        if not all(is_empty(v) for v in values.values()):
            out.append((r, values))
    return out
