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
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable, Iterator

import msoffcrypto
import olefile
import python_calamine
from defusedxml import ElementTree
from msoffcrypto.exceptions import DecryptionError, FileFormatError, ParseError

from openpyxl.utils import column_index_from_string

from sheets_tools.excel import tables as layout
from sheets_tools.excel import legacy
from sheets_tools.excel import sandbox
from sheets_tools.campaign.model import Campaign, Limits
from sheets_tools.core.findings import finding
from sheets_tools.formkit.declaration import (DEFINED_NAME_PREFIX, HEADER_ROW, ID_KEYS, ID_SHEET, PROPERTY_PREFIX, Form, TableSheet, load_forms)
from sheets_tools.core.values import coerce_text
from sheets_tools.core.records import OFFICE_TZ, Document, FileResult, Incoming, Placement
from sheets_tools.core.text import fold

# The limits themselves are campaign settings (campaign.Limits). Members smaller than this are not
# checked for their compression ratio: whatever their ratio, they cannot hold much.
RATIO_FLOOR = 1 << 20
# Deflate expands at most about 1,032 times: a member whose compressed size times this cannot pass
# its declared size by much is not decompressed just to check that the zip directory told the truth.
DEFLATE_MAX_RATIO = 1032
# How many rows of each sheet a child process sends back at once (more are asked for when needed).
CHILD_ROWS = 10_000

SPREADSHEET_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv")
# documents that travel with a workbook (a report's narrative): kept beside it, never read as a form
DOCUMENT_EXTENSIONS = (".doc", ".docx", ".odt", ".pdf", ".rtf")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

NOT_SPREADSHEET = {
    "html": "trang web (HTML)",
    "pdf": "tài liệu PDF",
    "zip-other": "tài liệu Word hoặc tệp nén khác",
    "ole-other": "tài liệu Office 97-2003 không phải Excel (Word, PowerPoint...)",
    "unknown": "không rõ định dạng",
}
# Read through a child process (they cannot be bounded before parsing), with a warning naming them.
CONVERTED = {"xls": ".xls (Excel 97-2003)", "ods": ".ods (OpenDocument, LibreOffice/OpenOffice)",
             "xlsb": ".xlsb (Excel nhị phân)"}
# Text exports of other systems, often named .xls: recognised by content and rejected.
EXPORTS = {"html": "trang web (HTML)", "csv": "văn bản CSV"}
FILE_LEVEL = {"empty": "file.empty", "encrypted": "file.encrypted"}
# Parts of an xlsx/xlsm that are never run nor read: (member prefix, what it is).
IGNORED_PARTS = (("xl/activeX/", "điều khiển ActiveX"), ("xl/embeddings/", "đối tượng nhúng (OLE)"),
                 ("xl/externalLinks/", "liên kết tới tệp khác"))


# --- gather -----------------------------------------------------------------------------------
def gather(paths: Iterable[Path], exclude: Iterable[Path] = ()) -> Iterator[Incoming | FileResult]:
    """Every file under ``paths`` (files, folders, .eml messages) as Incoming, or a FileResult
    carrying a file-level finding when there is nothing to read. Paths in or under ``exclude``
    (e.g. the campaign's own folders) are left out."""
    excluded = [Path(e).resolve() for e in exclude]
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files.extend(child for child in _walk(path) if not _within(child, excluded))
        elif not _within(path, excluded):
            files.append(path)
    with_workbooks = {f.parent for f in files if not _is_document(f.name)}
    for path in files:
        if _is_document(path.name) and path.parent in with_workbooks:
            continue  # travels with the workbooks of its folder (Incoming.documents)
        yield from _from_path(path)


def _is_document(name: str | None) -> bool:
    return bool(name) and name.lower().endswith(DOCUMENT_EXTENSIONS)


def _folder_documents(path: Path) -> list[Document]:
    try:
        return [Document(name=p.name, path=p) for p in sorted(path.parent.iterdir())
                if p.is_file() and _is_document(p.name) and not _skipped(p.name)]
    except OSError:
        return []


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
        yield Incoming(name=path.name, data=data, source=str(path), received_at=mtime,
                       documents=_folder_documents(path))


def _from_eml(path: Path, data: bytes, mtime: datetime) -> Iterator[Incoming | FileResult]:
    msg = email.message_from_bytes(data, policy=policy.default)
    sent = _mail_date(msg)
    found = False
    parts = list(enumerate(_leaves(msg, sent), start=1))
    documents = [Document(name=part.get_filename(), data=part.get_payload(decode=True)) for _, (part, _) in parts
                 if _is_document(part.get_filename()) and isinstance(part.get_payload(decode=True), bytes)]
    for n, (part, when) in parts:
        name = part.get_filename()
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes) or not _is_spreadsheet_attachment(name, part, payload):
            continue
        found = True
        name = name or f"dinh-kem-{n}"
        yield Incoming(name=name, data=payload, source=f"{path} » {name}", received_at=when or mtime,
                       notes=[] if when else [_date_unknown(path, mtime)], documents=documents)
    if not found:
        incoming = Incoming(name=path.name, data=data, source=str(path), received_at=sent or mtime)
        yield FileResult(incoming, findings=[finding("file.no_attachment", file=str(path))])


def _leaves(msg: Message, when: datetime | None) -> Iterator[tuple[Message, datetime | None]]:
    """The leaf parts of a message with the date of the message that holds each: an attachment of a
    forwarded message (message/rfc822) keeps the unit's own sending date, not the forward's."""
    if msg.get_content_type() == "message/rfc822":
        for inner in msg.get_payload():
            yield from _leaves(inner, _mail_date(inner) or when)
    elif msg.is_multipart():
        for part in msg.get_payload():
            yield from _leaves(part, when)
    else:
        yield msg, when


def _date_unknown(path: Path, mtime: datetime):
    return finding("file.date_unknown", file=str(path), received=mtime.strftime("%d/%m/%Y %H:%M"))


def _is_spreadsheet_attachment(name: str | None, part: Message, payload: bytes) -> bool:
    if name and name.lower().endswith(SPREADSHEET_EXTENSIONS + (".zip", ".rar", ".7z")):
        return True  # an archive is taken too, so the unit hears it must send the workbook itself
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
                return "encrypted" if _ods_encrypted(zf, names) else "ods"
    return "zip-other"


def _ods_encrypted(zf: zipfile.ZipFile, names: set[str]) -> bool:
    """Whether an OpenDocument file is password-protected (its manifest lists encryption data)."""
    if "META-INF/manifest.xml" not in names:
        return False
    with zf.open("META-INF/manifest.xml") as fh:
        return b"encryption-data" in fh.read(1 << 20)


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
    """A limit is passed; the message is the Vietnamese detail (which limit, which setting)."""


class _Encrypted(Exception):
    """The reader says the workbook needs a password."""


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
    except sandbox.ChildFailed as exc:
        result.findings.append(_child_finding(exc, campaign.limits))
        raw = {}
    except zipfile.BadZipFile as exc:  # a member whose data does not match the zip directory
        result.findings.append(finding("file.truncated", detail=f"tệp nén (zip) bị hỏng: {str(exc)[:200]}"))
        raw = {}
    except Exception as exc:  # per-file boundary: any reader failure becomes a finding naming its type
        result.findings.append(finding("file.unreadable", detail=f"{type(exc).__name__}: {str(exc)[:200]}"))
        raw = {}
    for f in result.findings:
        f.file = incoming.source
        f.unit = f.unit or result.unit_code
    return result, raw


def _read(incoming: Incoming, campaign: Campaign, result: FileResult) -> dict:
    book = _open(incoming.data, incoming.name, campaign, result)
    if book is None:
        return {}
    form = _identify(book, campaign, result)
    if form is None:
        return {}
    return _read_sheets(book, form, result)


def _open(data: bytes, name: str, campaign: Campaign, result: FileResult, decrypted: bool = False):
    """The workbook in ``data`` ready to read (a _Book), or None with a file-level finding."""
    limits = campaign.limits
    _check_size(len(data), limits)  # before anything else, even sniffing
    kind, zf = _classify(data)
    try:
        if kind in ("xlsx", "xlsm"):
            _check_zip(zf, limits)
            result.findings.extend(_zip_warnings(zf))
            return _Book(data, zf, limits)
        if kind in CONVERTED:
            return _open_converted(data, zf, kind, limits, result)
    except _Encrypted:
        kind = "encrypted"
    if kind == "encrypted" and not decrypted:
        plain = _decrypt(data, name, campaign)
        if plain is not None:
            result.findings.append(finding("file.decrypted"))
            return _open(plain, name, campaign, result, decrypted=True)
    result.findings.append(_format_finding(kind, name))
    return None


def _open_converted(data: bytes, zf: zipfile.ZipFile | None, kind: str, limits: Limits, result: FileResult):
    """An .xls, .ods or .xlsb workbook, parsed in a child process bounded in memory and time."""
    if zf is not None:
        _check_zip(zf, limits)
        result.findings.extend(_zip_warnings(zf))
    book = _ChildBook(data, limits)
    result.findings.append(finding("file.converted_format", what=CONVERTED[kind]))
    return book


def _format_finding(kind: str, name: str = ""):
    if kind in FILE_LEVEL:
        return finding(FILE_LEVEL[kind])
    if kind == "zip-broken":
        return finding("file.truncated", detail="cấu trúc tệp nén (zip) không trọn vẹn")
    if kind in EXPORTS:
        suffix = Path(name).suffix.lower()
        renamed = suffix in SPREADSHEET_EXTENSIONS and suffix != f".{kind}"
        return finding("file.not_spreadsheet", what=EXPORTS[kind] + (f" đổi đuôi thành {suffix}" if renamed else ""))
    return finding("file.not_spreadsheet", what=NOT_SPREADSHEET.get(kind, NOT_SPREADSHEET["unknown"]))


def _child_finding(exc: sandbox.ChildFailed, limits: Limits):
    """The finding for a child process that gave no result."""
    if exc.kind == "timeout":
        return finding("file.too_large", detail=f"đọc tệp mất quá {_num(limits.parse_timeout_s)} giây "
                                                f"(cài đặt parse_timeout_s)")
    if exc.kind == "memory":
        return finding("file.too_large", detail=f"đọc tệp cần quá {limits.parse_memory_mb} MB bộ nhớ "
                                                f"(cài đặt parse_memory_mb)")
    if exc.kind == "crash":
        return finding("file.parse_failed", detail=exc.detail)
    if "Cell limit exceeded" in exc.detail:  # calamine's own cap on a sheet's cells
        return finding("file.too_large", detail=f"trang tính có quá nhiều ô ({exc.detail[:200]})")
    return finding("file.unreadable", detail=exc.detail[:200])


def _num(value: float) -> str:
    """A number the Vietnamese way (decimal comma)."""
    return f"{value:g}".replace(".", ",")


def _mb(size: int) -> str:
    mb = size / 2**20
    return (f"{mb:.1f}" if mb >= 1 else f"{mb:.3f}").replace(".", ",")


def _check_size(size: int, limits: Limits) -> None:
    if size > limits.max_file_mb * 2**20:
        raise _TooLarge(f"dung lượng {_mb(size)} MB, tối đa {_num(limits.max_file_mb)} MB (cài đặt max_file_mb)")


def _check_zip(zf: zipfile.ZipFile, limits: Limits) -> None:
    """Member count, total and per-member sizes from the zip directory, then that the directory
    tells the truth for members that could hide much more than they declare."""
    infos = zf.infolist()
    if len(infos) > limits.max_zip_members:
        raise _TooLarge(f"{len(infos)} thành phần bên trong tệp, tối đa {limits.max_zip_members} "
                        f"(cài đặt max_zip_members)")
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed_mb * 2**20:
        raise _TooLarge(f"{_mb(total)} MB khi giải nén, tối đa {_num(limits.max_uncompressed_mb)} MB "
                        f"(cài đặt max_uncompressed_mb)")
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > limits.max_compression_ratio * max(info.compress_size, 1):
            raise _TooLarge(f"thành phần \"{info.filename}\" nén {info.file_size // max(info.compress_size, 1)} lần "
                            f"(bom nén), tối đa {_num(limits.max_compression_ratio)} lần (cài đặt max_compression_ratio)")
    _check_declared_sizes(zf, infos)


def _check_declared_sizes(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Decompress (in bounded chunks) each member that could hold over RATIO_FLOOR more than it
    declares. Python's zipfile stops at the declared size and then finds the CRC wrong
    (BadZipFile); calamine would decompress it all. Sheets are skipped: _Book._guard reads each
    sheet the same way before calamine may load it."""
    for info in infos:
        if (info.compress_type == zipfile.ZIP_STORED or info.filename.startswith("xl/worksheets/")
                or info.compress_size * DEFLATE_MAX_RATIO <= info.file_size + RATIO_FLOOR):
            continue
        with zf.open(info) as fh:
            while fh.read(1 << 20):
                pass


def _zip_warnings(zf: zipfile.ZipFile) -> list:
    """Macros, ActiveX controls, embedded objects and external links: never run nor read."""
    names = zf.namelist()
    out = [finding("file.macros")] if "xl/vbaProject.bin" in names else []
    found = [what for prefix, what in IGNORED_PARTS if any(n.startswith(prefix) for n in names)]
    if found:
        out.append(finding("file.ignored_parts", what=", ".join(found)))
    return out


def _decrypt(data: bytes, name: str, campaign: Campaign) -> bytes | None:
    """``data`` decrypted with one of the campaign's unit passwords (those of units whose code is in
    the file name first), or None when there is none or none opens it."""
    lowered = name.lower()
    first = [campaign.password(u.code) for u in campaign.units if u.code.lower() in lowered]
    passwords = list(dict.fromkeys(p for p in first + campaign.passwords() if p))
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


_CELL_REF = re.compile(rb'\br="([A-Z]{0,3})(\d{1,9})"')
# A cell or row reference at column AAA or beyond, or at row 10,000 or beyond. The pattern starts
# with a literal, which the regex engine scans for at C speed; the word boundary a leading \b
# would check (and that makes every position a candidate) is checked on each match instead.
_FAR_CELL = re.compile(rb'r="(?:[A-Z]{3}\d|[A-Z]{0,2}\d{5})')
# A cell reference at column AA or beyond (two letters and a digit).
_WIDE_CELL = re.compile(rb'r="[A-Z]{2}\d')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="(([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?)"')
_WORD_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


class _Book:
    """One workbook opened once: the calamine reader, the zip directory and a sheet cache."""

    def __init__(self, data: bytes, zf: zipfile.ZipFile, limits: Limits | None = None):
        self.zf = zf
        self.limits = limits or Limits()
        self.workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        self.ordered_names = list(self.workbook.sheet_names)
        self.sheet_names = set(self.ordered_names)
        self.members = set(zf.namelist())
        self._rows: dict[str, tuple[int, list[list[Any]]]] = {}  # name -> (rows asked, rows)
        self.legacy: legacy.WorkbookLegacy | None = None  # legacy-font styles, scanned on first use

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

    def merged_ranges(self, name: str) -> list | None:
        """calamine's merged ranges of sheet ``name`` (xls; None where it does not know them)."""
        return self.workbook.get_sheet_by_name(name).merged_cell_ranges

    def _guard(self, name: str) -> None:
        """Refuse a sheet whose declared dimension or whose cells span more than max_sheet_cells
        cells, before calamine allocates it (it has aborted the process on such sheets)."""
        path = self.sheet_paths.get(name)
        if not path or path not in self.members:
            return
        xml = self.zf.read(path)  # bounded by the zip checks; a lying directory raises BadZipFile
        limit = self.limits.max_sheet_cells
        declared = _DIMENSION.search(xml, 0, 8192)
        if declared and _area(declared) > limit:
            raise _TooLarge(f"trang tính \"{name}\" khai báo vùng {declared[1].decode()} ({_int(_area(declared))} ô), "
                            f"tối đa {_int(limit)} ô (cài đặt max_sheet_cells)")
        if not _may_exceed(xml, limit):  # the common case, decided at C speed
            return
        max_row = max_col = 0
        for letters, digits in _CELL_REF.findall(xml):
            max_row = max(max_row, int(digits))
            if letters:
                max_col = max(max_col, legacy.column_number(letters))
        if max_row * max(max_col, 1) > limit:
            raise _TooLarge(_extent(name, max_row, max(max_col, 1), limit))

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


class _ChildBook(_Book):
    """An .xls, .ods or .xlsb workbook parsed by calamine in a child process bounded in memory and
    time (sandbox.py). Only values and merged ranges are known: no zip, defined names or document
    properties (those anchors exist in xlsx only); the hidden _id sheet is read like any sheet."""

    def __init__(self, data: bytes, limits: Limits):
        self.zf, self.members, self.sheet_paths = None, set(), {}
        self.data, self.limits = data, limits
        self._rows = {}
        self.legacy = None
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
                raise _Encrypted() from None
            raise
        if got["too_large"]:
            name, height, width = got["too_large"]
            raise _TooLarge(_extent(name, height, width, self.limits.max_sheet_cells))
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

    def defined_names(self) -> dict[str, str]:
        return {}

    def custom_properties(self) -> dict[str, str]:
        return {}


def _extent(name: str, rows: int, cols: int, limit: int) -> str:
    return (f"trang tính \"{name}\" trải tới dòng {_int(rows)}, cột {_int(cols)} ({_int(rows * cols)} ô), "
            f"tối đa {_int(limit)} ô (cài đặt max_sheet_cells)")


def _int(n: int) -> str:
    """A whole number the Vietnamese way (dot between thousands)."""
    return f"{n:,}".replace(",", ".")


def _area(dimension: re.Match) -> int:
    """Cells in a ``<dimension ref="A1:G9">`` range."""
    c1, r1, c2, r2 = dimension.group(2, 3, 4, 5)
    if not c2:
        return 1
    return (abs(int(r2) - int(r1)) + 1) * (abs(legacy.column_number(c2) - legacy.column_number(c1)) + 1)


def _may_exceed(xml: bytes, limit: int) -> bool:
    """Whether the cells of a sheet's XML may span more than ``limit`` cells. With no reference at
    row 10,000 or beyond nor at column AAA or beyond, a sheet spans at most 9,999 x 702 cells; with
    none at column AA or beyond either, at most 9,999 x 26 (both scans run at C speed)."""
    if _has_far_reference(xml):
        return True
    if limit >= 9_999 * 702:
        return False
    return limit < 9_999 * 26 or _has_far_reference(xml, _WIDE_CELL)


def _has_far_reference(xml: bytes, pattern: re.Pattern = None) -> bool:
    """Whether an attribute ``r="..."`` (a row or a cell) reaches column AAA or row 10,000
    (or matches ``pattern``)."""
    for match in (pattern or _FAR_CELL).finditer(xml):
        start = match.start()
        if start == 0 or xml[start - 1] not in _WORD_BYTES:  # what \b before "r" means in bytes
            return True
    return False


def _text(value: Any) -> str:
    return coerce_text(None if value == "" else value) or ""


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
    """A declared form whose sheets are all found (by name or by their header) and at least half
    of whose labels match."""
    for form in forms.values():
        found = _sheets(book, form)
        if any(s.key not in found for s in form.sheets if not s.optional):
            continue
        present = [s for s in form.sheets if s.key in found]  # an optional sheet may be missing
        total = sum(len(s.columns) for s in present)
        matching = sum(layout.header_score(book.rows(found[s.key], _depth()) or [], s)[1] for s in present)
        if matching * 2 >= total:
            return form
    return None


def _sheets(book: _Book, form: Form) -> dict[str, str]:
    """Declared sheet key -> the sheet of the file holding it (see layout.resolve_sheets)."""
    return layout.resolve_sheets(form.sheets, book.ordered_names, lambda name: book.rows(name, _depth()))


def _depth() -> int:
    """How many rows of an input sheet are read: the deepest declared table and ROWS_BELOW more,
    for rows inserted above or inside it and data typed below it. The sheet's cell area is bounded
    before parsing (the limits), so this bounds the rows only."""
    return max(s.last_row for f in load_forms().values() for s in f.sheets) + layout.ROWS_BELOW


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
    """The unit name (C6) and code (C7) written on the first of the form's sheets that has them
    (found by their labels, or moved with the header when rows were inserted above it)."""
    found = _sheets(book, form)
    for sheet in form.sheets:
        rows = book.rows(found[sheet.key], _depth()) if sheet.key in found else None
        if rows is None:
            continue
        name, code = layout.unit_cells(rows, layout.find_header(rows, sheet) or HEADER_ROW)
        if name or code:
            return name, code
    return "", ""


# --- read the declared ranges -----------------------------------------------------------------
def _read_sheets(book: _Book, form: Form, result: FileResult) -> dict:
    """Each declared table, found where the unit left it (layout.locate), into ``raw``; where it is
    goes to ``result.placements`` so findings name the real cells. A table whose columns cannot be
    mapped is not read (its values would land in the wrong fields): its findings say why."""
    raw: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    found = _sheets(book, form)
    for sheet in form.sheets:
        name = found.get(sheet.key)
        if name is None:
            if not sheet.optional:
                result.findings.append(finding("sheet.missing", sheet=sheet.name))
            continue
        if name != sheet.name:
            result.findings.append(finding("sheet.renamed", sheet=name, value=name, expected=sheet.name))
        table = _header_changes(book, sheet, name)
        result.findings.extend(table.findings)
        if table.readable:
            raw[sheet.key] = _legacy_text(book, sheet, name, table, result)
            result.placements[sheet.key] = Placement(name, table.header_row + 1, table.letters)
    return raw


def _legacy_text(book: _Book, sheet: TableSheet, name: str, table: layout.Table, result: FileResult) -> list:
    """Text typed with TCVN3/VNI fonts (xlsx: by the cell's font) or mis-decoded UTF-8, made Unicode,
    each conversion reported as a warning. Runs before any normalisation (TCVN3 "ư" is U+00AD)."""
    columns = {f: column_index_from_string(letter) for f, letter in table.letters.items()}
    rows, conversions = table.rows, []
    zf = getattr(book, "zf", None)
    path = book.sheet_paths.get(name) if zf is not None else None
    if path is not None:
        if book.legacy is None:
            book.legacy = legacy.scan_workbook(zf)
        rows, conversions = legacy.fix_sheet(zf, path, rows, columns, book.legacy)
    rows, repaired = legacy.fix_mojibake(rows, columns)
    for c in conversions + repaired:
        result.findings.append(legacy.conversion_finding(c, name, sheet.column(c.field).label))
    return rows


def _header_changes(book: _Book, sheet: TableSheet, name: str) -> layout.Table:
    """The table of ``sheet`` on the file's sheet ``name``, with what the unit changed in it."""
    xml = _sheet_xml(book, name)
    if xml is not None:
        merges, formulas = layout.merges_from_xml(xml), layout.formula_cells(xml)
    else:  # not an xlsx: calamine knows the merges (xls; None for ods), formulas are not seen
        merges, formulas = layout.merges_from_calamine(book.merged_ranges(name)), {}
    rows = book.rows(name, _depth()) or []
    return layout.locate(rows, sheet, name, merges=merges, formulas=formulas, limit=_depth())


def _sheet_xml(book: _Book, name: str) -> bytes | None:
    """The XML part of sheet ``name`` when the book is an xlsx/xlsm zip, else None."""
    zf = getattr(book, "zf", None)
    if zf is None:
        return None
    path = book.sheet_paths.get(name)
    return zf.read(path) if path and path in book.members else None
