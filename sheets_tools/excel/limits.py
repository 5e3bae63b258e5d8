"""Bounds checked before an untrusted workbook is parsed: file size, the zip directory (member count,
sizes, compression ratio, that it tells the truth) and the cell area of each sheet.

The bounds are settings of the caller (the campaign's ``Limits``): anything with the attributes of
``ReadLimits``. A bound passed raises ``TooLarge`` whose message is the Vietnamese detail (which
limit, which setting); ``child_finding`` says what a child process that gave no result means.
"""
from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from typing import Protocol

from sheets_tools.core.findings import Finding, finding
from sheets_tools.excel.columns import xml_column_number
from sheets_tools.excel.sandbox import ChildFailed

# Members smaller than this are not checked for their compression ratio: whatever their ratio,
# they cannot hold much.
RATIO_FLOOR = 1 << 20
# Deflate expands at most about 1,032 times: a member whose compressed size times this cannot pass
# its declared size by much is not decompressed just to check that the zip directory told the truth.
DEFLATE_MAX_RATIO = 1032
# Parts of an xlsx/xlsm that are never run nor read: (member prefix, what it is).
IGNORED_PARTS = (("xl/activeX/", "điều khiển ActiveX"), ("xl/embeddings/", "đối tượng nhúng (OLE)"),
                 ("xl/externalLinks/", "liên kết tới tệp khác"))

_CELL_REF = re.compile(rb'\br="([A-Z]{0,3})(\d{1,9})"')
# A cell or row reference at column AAA or beyond, or at row 10,000 or beyond. The pattern starts
# with a literal, which the regex engine scans for at C speed; the word boundary a leading \b
# would check (and that makes every position a candidate) is checked on each match instead.
_FAR_CELL = re.compile(rb'r="(?:[A-Z]{3}\d|[A-Z]{0,2}\d{5})')
# That, or a cell reference at column AA or beyond (two letters and a digit), in one scan.
_FAR_OR_WIDE = re.compile(rb'r="(?:[A-Z]{2,3}\d|[A-Z]{0,2}\d{5})')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="(([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?)"')
_WORD_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


class ReadLimits(Protocol):
    """The bounds the excel layer checks (``campaign.model.Limits`` has them, with their settings' names)."""

    @property
    def max_file_mb(self) -> float: ...

    @property
    def max_zip_members(self) -> int: ...

    @property
    def max_uncompressed_mb(self) -> float: ...

    @property
    def max_compression_ratio(self) -> float: ...

    @property
    def max_sheet_cells(self) -> int: ...

    @property
    def parse_timeout_s(self) -> float: ...

    @property
    def parse_memory_mb(self) -> int: ...


class TooLarge(Exception):
    """A limit is passed; the message is the Vietnamese detail (which limit, which setting)."""


# --- the file and its zip directory ---------------------------------------------------------------
def check_size(size: int, limits: ReadLimits) -> None:
    if size > limits.max_file_mb * 2**20:
        raise TooLarge(f"dung lượng {_mb(size)} MB, tối đa {_num(limits.max_file_mb)} MB (cài đặt max_file_mb)")


def check_zip(zf: zipfile.ZipFile, limits: ReadLimits) -> None:
    """Member count, total and per-member sizes from the zip directory, then that the directory
    tells the truth for members that could hide much more than they declare."""
    infos = zf.infolist()
    if len(infos) > limits.max_zip_members:
        raise TooLarge(f"{len(infos)} thành phần bên trong tệp, tối đa {limits.max_zip_members} "
                       f"(cài đặt max_zip_members)")
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed_mb * 2**20:
        raise TooLarge(f"{_mb(total)} MB khi giải nén, tối đa {_num(limits.max_uncompressed_mb)} MB "
                       f"(cài đặt max_uncompressed_mb)")
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > limits.max_compression_ratio * max(info.compress_size, 1):
            raise TooLarge(f"thành phần \"{info.filename}\" nén {info.file_size // max(info.compress_size, 1)} lần "
                           f"(bom nén), tối đa {_num(limits.max_compression_ratio)} lần (cài đặt max_compression_ratio)")
    _check_declared_sizes(zf, infos)
    _check_doctypes(zf, infos)


class XmlEntities(Exception):
    """An XML part declares a document type (entities): no spreadsheet program writes one."""


_DOCTYPE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
DOCTYPE_SCAN = 4096  # the start of a part read for a declaration (it comes before the root element)
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, then the name's and the extra field's lengths


def _check_doctypes(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a file whose XML parts declare a DOCTYPE or an entity (billion laughs, external entities),
    parsed or not: defusedxml refuses them where a part is parsed, this whatever part holds them. Only the
    start of each part is read: a declaration comes before the root element."""
    for info in infos:
        if info.filename.endswith((".xml", ".rels", ".vml")) and _DOCTYPE.search(_start_of(zf, info)):
            raise XmlEntities(info.filename)


def _start_of(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The first ``DOCTYPE_SCAN`` bytes of a member: inflated straight from the bytes of an in-memory zip
    (``zf.open`` costs more than the reading, for a check made on every part of every file), else read."""
    buffer = zf.fp.getbuffer() if isinstance(zf.fp, io.BytesIO) else None
    if buffer is not None and info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        at = info.header_offset
        if at + _LOCAL_HEADER.size <= len(buffer):
            signature, name, extra = _LOCAL_HEADER.unpack_from(buffer, at)
            start = at + _LOCAL_HEADER.size + name + extra
            if signature == b"PK\x03\x04" and start <= len(buffer):
                raw = bytes(buffer[start:start + min(info.compress_size, 4 * DOCTYPE_SCAN)])
                try:
                    if info.compress_type == zipfile.ZIP_STORED:
                        return raw[:DOCTYPE_SCAN]
                    return zlib.decompressobj(-15).decompress(raw, DOCTYPE_SCAN)
                except zlib.error:
                    pass  # damaged: zipfile says how, below
    with zf.open(info) as fh:
        return fh.read(DOCTYPE_SCAN)


def _check_declared_sizes(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Decompress (in bounded chunks) each member that could hold over RATIO_FLOOR more than it
    declares. Python's zipfile stops at the declared size and then finds the CRC wrong
    (BadZipFile); calamine would decompress it all. Sheets are skipped: ``check_sheet`` reads each
    sheet the same way before calamine may load it."""
    for info in infos:
        if (info.compress_type == zipfile.ZIP_STORED or info.filename.startswith("xl/worksheets/")
                or info.compress_size * DEFLATE_MAX_RATIO <= info.file_size + RATIO_FLOOR):
            continue
        with zf.open(info) as fh:
            while fh.read(1 << 20):
                pass


def zip_warnings(zf: zipfile.ZipFile) -> list[Finding]:
    """Macros, ActiveX controls, embedded objects and external links: never run nor read."""
    names = zf.namelist()
    out = [finding("file.macros")] if "xl/vbaProject.bin" in names else []
    found = [what for prefix, what in IGNORED_PARTS if any(n.startswith(prefix) for n in names)]
    if found:
        out.append(finding("file.ignored_parts", what=", ".join(found)))
    return out


# --- one sheet ------------------------------------------------------------------------------------
def check_sheet(name: str, xml: bytes, limit: int) -> None:
    """Refuse sheet ``name`` (its XML part) when its declared dimension or its cells span more than
    ``limit`` cells, before calamine allocates it (it has aborted the process on such sheets)."""
    declared = _DIMENSION.search(xml, 0, 8192)
    if declared and _area(declared) > limit:
        raise TooLarge(f"trang tính \"{name}\" khai báo vùng {declared[1].decode()} ({_int(_area(declared))} ô), "
                       f"tối đa {_int(limit)} ô (cài đặt max_sheet_cells)")
    if not _may_exceed(xml, limit):  # the common case, decided at C speed
        return
    max_row = max_col = 0
    for letters, digits in _CELL_REF.findall(xml):
        max_row = max(max_row, int(digits))
        if letters:
            max_col = max(max_col, xml_column_number(letters))
    if max_row * max(max_col, 1) > limit:
        raise TooLarge(extent(name, max_row, max(max_col, 1), limit))


def extent(name: str, rows: int, cols: int, limit: int) -> str:
    """The detail for a sheet spanning ``rows`` x ``cols`` cells, more than ``limit``."""
    return (f"trang tính \"{name}\" trải tới dòng {_int(rows)}, cột {_int(cols)} ({_int(rows * cols)} ô), "
            f"tối đa {_int(limit)} ô (cài đặt max_sheet_cells)")


def _area(dimension: re.Match) -> int:
    """Cells in a ``<dimension ref="A1:G9">`` range."""
    c1, r1, c2, r2 = dimension.group(2, 3, 4, 5)
    if not c2:
        return 1
    return (abs(int(r2) - int(r1)) + 1) * (abs(xml_column_number(c2) - xml_column_number(c1)) + 1)


def _may_exceed(xml: bytes, limit: int) -> bool:
    """Whether the cells of a sheet's XML may span more than ``limit`` cells. With no reference at
    row 10,000 or beyond nor at column AAA or beyond, a sheet spans at most 9,999 x 702 cells; with
    none at column AA or beyond either, at most 9,999 x 26 (one scan, at C speed)."""
    if limit >= 9_999 * 702:
        return _has_far_reference(xml)
    return limit < 9_999 * 26 or _has_far_reference(xml, _FAR_OR_WIDE)


def _has_far_reference(xml: bytes, pattern: re.Pattern = None) -> bool:
    """Whether an attribute ``r="..."`` (a row or a cell) reaches column AAA or row 10,000
    (or matches ``pattern``)."""
    for match in (pattern or _FAR_CELL).finditer(xml):
        start = match.start()
        if start == 0 or xml[start - 1] not in _WORD_BYTES:  # what \b before "r" means in bytes
            return True
    return False


# --- a child process that gave no result ----------------------------------------------------------
def child_finding(exc: ChildFailed, limits: ReadLimits) -> Finding:
    """The finding for a child process (sandbox.run) that gave no result."""
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


# --- numbers the Vietnamese way -------------------------------------------------------------------
def _num(value: float) -> str:
    """A number the Vietnamese way (decimal comma)."""
    return f"{value:g}".replace(".", ",")


def _mb(size: int) -> str:
    mb = size / 2**20
    return (f"{mb:.1f}" if mb >= 1 else f"{mb:.3f}").replace(".", ",")


def _int(n: int) -> str:
    """A whole number the Vietnamese way (dot between thousands)."""
    return f"{n:,}".replace(",", ".")
