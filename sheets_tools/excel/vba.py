"""A VBA project (``vbaProject.bin``) written from source, no Excel needed ([MS-OVBA]).

``project([Module("ThisWorkbook", "", "workbook"), Module("Sheet1", "", "sheet"), Module("ThiDua", code)])``
returns the bytes xlsxwriter's ``workbook.add_vba_project(BytesIO(data), is_stream=True)`` embeds (with
``set_vba_name`` giving the workbook and its sheets the same code names as the document modules).

The project holds source only: the ``_VBA_PROJECT`` stream is the 7-byte form with version 0xFFFF and no
performance cache, so Excel compiles the modules from their source when it opens the file. Source is
stored in code page 1252: a character outside it (a Vietnamese letter) is a ValueError naming the module
and the line; VBA code builds such text with ``ChrW``. References: stdole (OLE Automation) only; the
VBA and Excel libraries are the host's own.
"""
from __future__ import annotations

import hashlib
import re
import struct
import uuid
from dataclasses import dataclass

from sheets_tools.excel.cfb import compound_file

CODEPAGE = 1252
ENCODING = "cp1252"
LCID = 0x0409
KINDS = ("standard", "class", "workbook", "sheet")
_BASES = {"workbook": "0{00020819-0000-0000-C000-000000000046}",
          "sheet": "0{00020820-0000-0000-C000-000000000046}",
          "class": "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"}
_STDOLE = (b"*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\Windows\\System32\\stdole2.tlb"
           b"#OLE Automation")
_HOST_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}\Z")
_ATTRIBUTE = re.compile(r'Attribute\s+VB_(\w+)\s*=\s*(.*)\Z', re.IGNORECASE)
_CHUNK = 4096
_UNPROTECTED, _NO_PASSWORD, _VISIBLE = bytes(4), bytes(1), bytes([0xFF])  # CMG, DPB, GC data


@dataclass(frozen=True)
class Module:
    """One VBA module: its name (VB_Name), its source without the ``Attribute VB_*`` header, its kind:
    "standard" (.bas), "class" (.cls), "workbook" (ThisWorkbook) or "sheet" (a worksheet's module)."""
    name: str
    code: str
    kind: str = "standard"


def module_from_export(text: str, kind: str | None = None) -> Module:
    """The module in an exported ``.bas``/``.cls`` text: the VERSION line and BEGIN..END block of a class
    are dropped, the name read from ``Attribute VB_Name``, the header's Attribute lines dropped (those
    inside the code, such as ``Attribute Item.VB_UserMemId = 0``, stay). Without ``kind``: a class export
    is "class" (or "workbook"/"sheet" when its VB_Base says so), anything else "standard"."""
    lines = _lines(text)
    exported_class = bool(lines) and lines[0].strip().upper().startswith("VERSION") and "CLASS" in lines[0].upper()
    at = 1 if exported_class else 0
    if exported_class and at < len(lines) and lines[at].strip().upper() == "BEGIN":
        while at < len(lines) and lines[at].strip().upper() != "END":
            at += 1
        at += 1
    attributes: dict[str, str] = {}
    while at < len(lines) and (found := _ATTRIBUTE.match(lines[at].strip())):
        attributes[found.group(1).lower()] = found.group(2).strip().strip('"')
        at += 1
    name = attributes.get("name")
    if not name:
        raise ValueError("exported module has no 'Attribute VB_Name = \"...\"' line")
    if kind is None:
        base = attributes.get("base", "").upper()
        kind = ("workbook" if base == _BASES["workbook"] else "sheet" if base == _BASES["sheet"]
                else "class" if exported_class else "standard")
    return Module(name, "\r\n".join(lines[at:]) + ("\r\n" if len(lines) > at else ""), kind)


def project(modules: list[Module], *, name: str = "VBAProject") -> bytes:
    """The ``vbaProject.bin`` bytes of a project holding ``modules``."""
    _check(modules, name)
    project_id = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "sheets-tools:" + name + ":" + ",".join(
        m.name for m in modules))).upper() + "}"
    streams = {"PROJECT": _project_text(modules, name, project_id), "PROJECTwm": _name_map(modules),
               "VBA/_VBA_PROJECT": struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0001),
               "VBA/dir": compress(_dir(modules, name))}
    for module in modules:
        streams[f"VBA/{module.name}"] = compress(_source(module))
    return compound_file(streams)


def _check(modules: list[Module], name: str) -> None:
    if not _IDENTIFIER.match(name):
        raise ValueError(f"VBA project name {name!r}: a letter, then letters, digits or _ (31 at most)")
    seen: set[str] = set()
    for module in modules:
        if not _IDENTIFIER.match(module.name):
            raise ValueError(f"VBA module name {module.name!r}: a letter, then letters, digits or _ (31 at most)")
        if module.kind not in KINDS:
            raise ValueError(f"VBA module {module.name}: kind {module.kind!r} is not one of {', '.join(KINDS)}")
        if module.name.upper() in seen:
            raise ValueError(f"VBA module name {module.name!r} is used twice (names ignore case)")
        if module.name.upper() == name.upper():
            raise ValueError(f"VBA module name {module.name!r} is the project's own name")
        seen.add(module.name.upper())


def _source(module: Module) -> bytes:
    """The stored text: the Attribute header VBA expects for the kind, then the code, CRLF line ends."""
    header = [f'Attribute VB_Name = "{module.name}"']
    if module.kind != "standard":
        document = module.kind != "class"
        header += [f'Attribute VB_Base = "{_BASES[module.kind]}"', "Attribute VB_GlobalNameSpace = False",
                   "Attribute VB_Creatable = False", f"Attribute VB_PredeclaredId = {document}",
                   f"Attribute VB_Exposed = {document}", "Attribute VB_TemplateDerived = False",
                   f"Attribute VB_Customizable = {document}"]
    code = _lines(module.code)
    if code and _ATTRIBUTE.match(code[0].strip()):
        raise ValueError(f"VBA module {module.name}: the code starts with an Attribute VB_ line; give the code "
                         "without its header (module_from_export reads an exported file)")
    for number, line in enumerate(code, start=1):
        try:
            line.encode(ENCODING)
        except UnicodeEncodeError as bad:
            char = line[bad.start]
            raise ValueError(f"VBA module {module.name}, line {number}: the character {char!r} "
                             f"(U+{ord(char):04X}) is not in code page 1252; write it as ChrW(&H{ord(char):04X})"
                             ) from None
    return "".join(line + "\r\n" for line in header + code).encode(ENCODING)


def _lines(text: str) -> list[str]:
    """The lines of a text, whatever its line ends (a last line end makes no empty line)."""
    lines = re.split(r"\r\n|\r|\n", text)
    return lines[:-1] if lines and lines[-1] == "" else lines


# --- the dir stream ([MS-OVBA] 2.3.4.2) ---

def _record(ident: int, data: bytes) -> bytes:
    return struct.pack("<HI", ident, len(data)) + data


def _text_pair(ident: int, text: str, unicode_ident: int) -> bytes:
    """A record holding a text in code page 1252, then (under ``unicode_ident``) in UTF-16."""
    return _record(ident, text.encode(ENCODING)) + _record(unicode_ident, text.encode("utf-16-le"))


def _u32(value: int) -> bytes:
    return struct.pack("<I", value)


def _u16(value: int) -> bytes:
    return struct.pack("<H", value)


def _dir(modules: list[Module], name: str) -> bytes:
    info = (_record(0x0001, _u32(1))  # PROJECTSYSKIND: 32-bit Windows, as portable projects are written
            + _record(0x004A, _u32(2))  # PROJECTCOMPATVERSION
            + _record(0x0002, _u32(LCID)) + _record(0x0014, _u32(LCID)) + _record(0x0003, _u16(CODEPAGE))
            + _record(0x0004, name.encode(ENCODING))
            + _text_pair(0x0005, "", 0x0040)  # PROJECTDOCSTRING
            + _text_pair(0x0006, "", 0x003D)  # PROJECTHELPFILEPATH
            + _record(0x0007, _u32(0)) + _record(0x0008, _u32(0))  # HELPCONTEXT, LIBFLAGS
            + struct.pack("<HIIH", 0x0009, 4, 1, 0)  # PROJECTVERSION: its size field is 4, the record 12
            + _text_pair(0x000C, "", 0x003C))  # PROJECTCONSTANTS
    references = (_text_pair(0x0016, "stdole", 0x003E)
                  + _record(0x000D, _u32(len(_STDOLE)) + _STDOLE + _u32(0) + _u16(0)))
    body = _record(0x000F, _u16(len(modules))) + _record(0x0013, _u16(0xFFFF))
    for module in modules:
        body += (_record(0x0019, module.name.encode(ENCODING)) + _record(0x0047, module.name.encode("utf-16-le"))
                 + _text_pair(0x001A, module.name, 0x0032)  # MODULESTREAMNAME
                 + _text_pair(0x001C, "", 0x0048)  # MODULEDOCSTRING
                 + _record(0x0031, _u32(0))  # MODULEOFFSET: the source starts the stream (no cache)
                 + _record(0x001E, _u32(0)) + _record(0x002C, _u16(0xFFFF))  # HELPCONTEXT, COOKIE
                 + _record(0x0021 if module.kind == "standard" else 0x0022, b"")  # MODULETYPE
                 + _record(0x002B, b""))  # terminator
    return info + references + body + _record(0x0010, b"")


# --- the PROJECT and PROJECTwm streams ([MS-OVBA] 2.3.1, 2.3.3) ---

def _project_text(modules: list[Module], name: str, project_id: str) -> bytes:
    lines = [f'ID="{project_id}"']
    for module in modules:
        lines.append(f"Document={module.name}/&H00000000" if module.kind in ("workbook", "sheet")
                     else f"{'Class' if module.kind == 'class' else 'Module'}={module.name}")
    lines += [f'Name="{name}"', 'HelpContextID="0"', 'VersionCompatible32="393222000"',
              f'CMG="{_obscure(project_id, _UNPROTECTED, 1)}"', f'DPB="{_obscure(project_id, _NO_PASSWORD, 2)}"',
              f'GC="{_obscure(project_id, _VISIBLE, 3)}"',
              "", "[Host Extender Info]", _HOST_EXTENDER, "", "[Workspace]"]
    lines += [f"{module.name}=0, 0, 0, 0, C" for module in modules]
    return "".join(line + "\r\n" for line in lines).encode(ENCODING)


def _obscure(project_id: str, data: bytes, salt: int) -> str:
    """[MS-OVBA] 2.4.3.2 Data Encryption of ``data``, as upper-case hex; the seed is derived from the
    project id so the same project gives the same bytes."""
    seed = hashlib.sha256(f"{project_id}:{salt}".encode("ascii")).digest()[0]
    key = sum(project_id.encode(ENCODING)) & 0xFF
    out = bytearray([seed, seed ^ 2, seed ^ key])
    plain_last, enc_last, enc_before = key, seed ^ key, seed ^ 2
    for byte in bytes([7] * ((seed & 6) // 2)) + _u32(len(data)) + data:
        encrypted = byte ^ ((enc_before + plain_last) & 0xFF)
        out.append(encrypted)
        enc_before, enc_last, plain_last = enc_last, encrypted, byte
    return out.hex().upper()


def _name_map(modules: list[Module]) -> bytes:
    return b"".join(m.name.encode(ENCODING) + b"\0" + m.name.encode("utf-16-le") + b"\0\0"
                    for m in modules) + b"\0\0"


# --- compression ([MS-OVBA] 2.4.1) ---

def compress(data: bytes) -> bytes:
    """A CompressedContainer of ``data``: chunks of 4096 bytes, each LZ77-coded (greedy, the longest match
    among recent candidates); a chunk that does not shrink is stored raw (its 4096 bytes as they are; a
    last, shorter raw chunk is not padded)."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), _CHUNK):
        chunk = data[start:start + _CHUNK]
        coded = _compress_chunk(chunk)
        if len(coded) <= _CHUNK:
            out += _u16(0xB000 | (len(coded) - 1)) + coded
        else:
            out += _u16(0x3FFF) + chunk
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    heads: dict[bytes, list[int]] = {}
    pos, end = 0, len(chunk)

    def remember(at: int) -> None:
        if at + 3 <= end:
            heads.setdefault(chunk[at:at + 3], []).append(at)

    while pos < end:
        flag_at = len(out)
        out.append(0)
        for bit in range(8):
            if pos >= end:
                break
            length, offset, bits = _longest(chunk, pos, heads)
            if length >= 3:
                out += _u16(((offset - 1) << (16 - bits)) | (length - 3))
                out[flag_at] |= 1 << bit
                for at in range(pos, pos + length):
                    remember(at)
                pos += length
            else:
                out.append(chunk[pos])
                remember(pos)
                pos += 1
    return bytes(out)


def _longest(chunk: bytes, pos: int, heads: dict[bytes, list[int]]) -> tuple[int, int, int]:
    """(length, offset, bit count) of the longest earlier match at ``pos`` a CopyToken can hold."""
    bits = max((pos - 1).bit_length(), 4) if pos > 0 else 4
    limit = min((0xFFFF >> bits) + 3, len(chunk) - pos)
    best, best_at = 0, 0
    for at in reversed(heads.get(chunk[pos:pos + 3], [])[-64:]):
        length = 0
        while length < limit and chunk[at + length] == chunk[pos + length]:
            length += 1
        if length > best:
            best, best_at = length, at
            if length == limit:
                break
    return best, pos - best_at, bits
