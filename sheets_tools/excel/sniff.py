"""What a received file really is, from its content (magic bytes, zip and OLE member names), never
from its name; and the file-level finding for one that cannot be read as a workbook."""
from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import olefile

from sheets_tools.core.findings import Finding, finding

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
# Read through a child process (they cannot be bounded before parsing), with a warning naming them.
CONVERTED = {"xls": ".xls (Excel 97-2003)", "ods": ".ods (OpenDocument, LibreOffice/OpenOffice)",
             "xlsb": ".xlsb (Excel nhị phân)"}
# Text exports of other systems, often named .xls: recognised by content and rejected.
EXPORTS = {"html": "trang web (HTML)", "csv": "văn bản CSV"}
FILE_LEVEL = {"empty": "file.empty", "encrypted": "file.encrypted"}


def sniff(data: bytes) -> str:
    """What ``data`` really is, from magic bytes and zip/OLE member names (never the file name):
    xlsx, xlsm, xlsb, ods, xls, encrypted, ole-other, zip-other, zip-broken, html, csv, pdf,
    empty or unknown."""
    return classify(data)[0]


def classify(data: bytes) -> tuple[str, zipfile.ZipFile | None]:
    """``sniff``'s answer, with the opened zip directory when ``data`` is a readable zip."""
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


def format_finding(kind: str, name: str = "") -> Finding:
    """The file-level finding for a file of ``kind`` (a ``sniff`` answer) that is not read; ``name``:
    the file's name (an export renamed to a spreadsheet extension is said so)."""
    if kind in FILE_LEVEL:
        return finding(FILE_LEVEL[kind])
    if kind == "zip-broken":
        return finding("file.truncated", detail="cấu trúc tệp nén (zip) không trọn vẹn")
    if kind in EXPORTS:
        suffix = Path(name).suffix.lower()
        renamed = suffix in SPREADSHEET_EXTENSIONS and suffix != f".{kind}"
        return finding("file.not_spreadsheet", what=EXPORTS[kind] + (f" đổi đuôi thành {suffix}" if renamed else ""))
    return finding("file.not_spreadsheet", what=NOT_SPREADSHEET.get(kind, NOT_SPREADSHEET["unknown"]))


# what a reader's failure says, in words a unit understands (the library's own words follow, for support)
_FAILURES = (
    (("shared string", "sharedstrings"), "bảng chữ dùng chung bên trong tệp (sharedStrings) bị hỏng"),
    (("zip", "eocd", "central directory", "crc"), "tệp nén (zip) bên trong bị hỏng hoặc không trọn vẹn"),
    (("entit", "dtd"), "nội dung bên trong tệp có khai báo thực thể XML, điều Excel không bao giờ ghi"),
    (("xml", "parse", "not well-formed", "syntax"), "nội dung XML bên trong tệp bị hỏng"),
)


def failure_words(exc: BaseException) -> str:
    """Why a workbook could not be read: the kind of damage in Vietnamese, then the technical detail."""
    technical = f"{type(exc).__name__}: {str(exc)[:200]}"
    text = technical.lower()
    words = next((said for keys, said in _FAILURES if any(k in text for k in keys)),
                 "tệp có cấu trúc lạ mà công cụ không đọc được")
    return f"{words} (chi tiết kỹ thuật: {technical})"
