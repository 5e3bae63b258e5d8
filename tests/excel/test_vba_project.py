"""The VBA project written from source (excel/vba.py) in its compound file (excel/cfb.py), read back by
independent readers: olefile, oletools' olevba and LibreOffice (issue 15, items 1 and 2)."""
from __future__ import annotations

import io
import os
import re
import subprocess
import zipfile
from pathlib import Path

import olefile
import pytest
import xlsxwriter
from hypothesis import given, settings, strategies as st
from oletools.olevba import VBA_Parser, decompress_stream

from sheets_tools.core.pdf import find_soffice, to_pdf
from sheets_tools.excel.cfb import compound_file
from sheets_tools.excel.vba import Module, compress, module_from_export, project

XLWINGS = Path(__import__("xlwings").__file__).parent
_RED, _BLACK = 0, 1  # [MS-CFB] 2.6.1 ColorFlag
BUTTONS = Module("ThiDua", 'Option Explicit\r\n\r\nSub GuiBieuMau()\r\n    RunPython "import sheets_tools"\r\n'
                           'End Sub\r\n\r\nSub Chao()\r\n    MsgBox "Xin ch" & ChrW(&HE0) & "o"\r\nEnd Sub\r\n')


def _export(name: str) -> str:
    return (XLWINGS / name).read_bytes().decode("cp1252")


@pytest.fixture(scope="module")
def modules() -> list[Module]:
    return [Module("ThisWorkbook", "Option Explicit\r\n", "workbook"), Module("Sheet1", "", "sheet"),
            Module("Sheet2", "' hai\r\n", "sheet"), BUTTONS,
            module_from_export(_export("xlwings.bas")), module_from_export(_export("addin/Dictionary.cls"))]


@pytest.fixture(scope="module")
def xlsm(modules, tmp_path_factory) -> Path:
    """A workbook as helper B writes it: xlsxwriter, code names matching the document modules."""
    path = tmp_path_factory.mktemp("vba") / "control.xlsm"
    book = xlsxwriter.Workbook(str(path))
    book.set_vba_name("ThisWorkbook")
    for sheet_name, code_name in (("Bảng điều khiển", "Sheet1"), ("Nhật ký", "Sheet2")):
        sheet = book.add_worksheet(sheet_name)
        sheet.set_vba_name(code_name)
        sheet.write(0, 0, sheet_name)
    book.add_vba_project(io.BytesIO(project(modules)), is_stream=True)
    book.close()
    return path


def _without_header(code: str) -> list[str]:
    """The lines of an exported or stored module below its header (VERSION, BEGIN..END, Attribute VB_*)."""
    lines = code.replace("\r\n", "\n").split("\n")
    while lines and re.match(r"(VERSION |BEGIN$|END$|\s+MultiUse|Attribute VB_)", lines[0]):
        lines.pop(0)
    while lines and lines[-1] == "":
        lines.pop()
    return lines


# --- 1. the compound file, through olefile ---

def test_olefile_lists_the_project_streams(modules):
    ole = olefile.OleFileIO(io.BytesIO(project(modules)), raise_defects=olefile.DEFECT_INCORRECT)
    names = {"/".join(path) for path in ole.listdir()}
    assert names == {"PROJECT", "PROJECTwm", "VBA/dir", "VBA/_VBA_PROJECT", "VBA/ThisWorkbook", "VBA/Sheet1",
                     "VBA/Sheet2", "VBA/ThiDua", "VBA/xlwings", "VBA/Dictionary"}
    assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000100")
    assert ole.get_size("VBA/xlwings") >= 4096  # the large one in the FAT, the others in the mini stream
    assert ole.get_size("VBA/ThiDua") < 4096


def test_compound_file_reads_back_byte_exact():
    big = (XLWINGS / "xlwings.bas").read_bytes()
    streams = {"Big": big, "Folder/Exactly4096": bytes(range(256)) * 16, "Folder/Just under": b"x" * 4095,
               "Empty": b"", "Folder/Inner/Deep": b"deep"}
    streams.update({f"Folder/Small{i:02d}": os.urandom(i * 61) for i in range(1, 40)})
    ole = olefile.OleFileIO(io.BytesIO(compound_file(streams)), raise_defects=olefile.DEFECT_INCORRECT)
    for path, data in streams.items():
        assert ole.openstream(path).read() == data, path
    assert ole.get_type("Folder") == olefile.STGTY_STORAGE and ole.get_type("Folder/Inner") == olefile.STGTY_STORAGE
    _check_red_black(ole)


def _check_red_black(ole: olefile.OleFileIO) -> None:
    """Every storage's children: a binary search tree in [MS-CFB]'s order, root black, no red node with a
    red child, the same number of black nodes on every path down."""
    def key(entry):
        return len(entry.name), entry.name.upper()

    def walk(sid, low, high):
        if sid == olefile.NOSTREAM:
            return 1
        entry = ole.direntries[sid]
        assert (low is None or key(low) < key(entry)) and (high is None or key(entry) < key(high))
        for child in (entry.sid_left, entry.sid_right):
            if child != olefile.NOSTREAM and entry.color == _RED:
                assert ole.direntries[child].color == _BLACK, entry.name
        left, right = walk(entry.sid_left, low, entry), walk(entry.sid_right, entry, high)
        assert left == right, entry.name
        return left + (entry.color == _BLACK)

    storages = [e for e in ole.direntries if e is not None and e.entry_type in (olefile.STGTY_ROOT,
                                                                                  olefile.STGTY_STORAGE)]
    for storage in storages:
        if storage.sid_child != olefile.NOSTREAM:
            assert ole.direntries[storage.sid_child].color == _BLACK
            walk(storage.sid_child, None, None)


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 6, 7, 8, 15, 16, 17, 40])
def test_every_tree_size_is_a_valid_red_black_tree(count):
    streams = {f"S{i}": b"" for i in range(count)}
    ole = olefile.OleFileIO(io.BytesIO(compound_file(streams)), raise_defects=olefile.DEFECT_INCORRECT)
    assert len(ole.listdir()) == count
    _check_red_black(ole)


def test_compound_file_refuses_what_it_cannot_hold():
    with pytest.raises(ValueError, match="109"):
        compound_file({"Huge": bytes(110 * 128 * 512)})
    with pytest.raises(ValueError, match="31"):
        compound_file({"A" * 32: b""})
    with pytest.raises(ValueError, match="twice"):
        compound_file({"VBA/dir": b"", "vba/DIR": b""})


# --- 2. the modules, through olevba on an .xlsm ---

def test_olevba_reads_every_module_back(xlsm, modules):
    parser = VBA_Parser(str(xlsm))
    found = {name: (filename, code) for _, name, filename, code in parser.extract_macros()}
    parser.close()
    assert set(found) == {f"VBA/{m.name}" for m in modules}
    for module in modules:
        filename, code = found[f"VBA/{module.name}"]
        assert filename == module.name + (".bas" if module.kind == "standard" else ".cls")
        assert code.startswith(f'Attribute VB_Name = "{module.name}"\r\n')
        assert _without_header(code) == _without_header(module.code)
    assert _without_header(found["VBA/xlwings"][1]) == _without_header(_export("xlwings.bas"))
    assert _without_header(found["VBA/Dictionary"][1]) == _without_header(_export("addin/Dictionary.cls"))
    assert "Attribute Item.VB_UserMemId = 0" in found["VBA/Dictionary"][1]  # inside the code: kept
    assert 'VB_Base = "0{00020819-0000-0000-C000-000000000046}"' in found["VBA/ThisWorkbook"][1]
    assert 'VB_Base = "0{00020820-0000-0000-C000-000000000046}"' in found["VBA/Sheet1"][1]
    assert "Attribute VB_PredeclaredId = True" in found["VBA/Sheet1"][1]
    assert "Attribute VB_PredeclaredId = False" in found["VBA/Dictionary"][1]


def test_project_stream_says_what_each_module_is(modules):
    ole = olefile.OleFileIO(io.BytesIO(project(modules)))
    text = ole.openstream("PROJECT").read().decode("cp1252")
    lines = text.split("\r\n")
    assert re.fullmatch(r'ID="\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}"', lines[0])
    assert lines[1:7] == ["Document=ThisWorkbook/&H00000000", "Document=Sheet1/&H00000000",
                          "Document=Sheet2/&H00000000", "Module=ThiDua", "Module=xlwings", "Class=Dictionary"]
    assert 'Name="VBAProject"' in lines and "[Host Extender Info]" in lines
    project_id = lines[0][4:-1]
    values = dict(line.split("=", 1) for line in lines if line.startswith(("CMG=", "DPB=", "GC=")))
    assert _decrypt(values["CMG"], project_id) == bytes(4)  # no protection
    assert _decrypt(values["DPB"], project_id) == b"\0"  # no password
    assert _decrypt(values["GC"], project_id) == b"\xff"  # visible
    wm = ole.openstream("PROJECTwm").read()
    assert wm == b"".join(m.name.encode() + b"\0" + m.name.encode("utf-16-le") + b"\0\0" for m in modules) + b"\0\0"


def _decrypt(quoted: str, project_id: str) -> bytes:
    """[MS-OVBA] 2.4.3.3 Decryption, written here from the specification's text."""
    data = bytes.fromhex(quoted.strip('"'))
    seed, version, key = data[0], data[1] ^ data[0], data[2] ^ data[0]
    assert version == 2 and key == sum(project_id.encode()) & 0xFF
    plain, enc1, enc2, out = key, data[2], data[1], []
    for byte in data[3:]:
        value = byte ^ ((enc2 + plain) & 0xFF)
        out.append(value)
        enc2, enc1, plain = enc1, byte, value
    ignored = (seed & 6) // 2
    length = int.from_bytes(bytes(out[ignored:ignored + 4]), "little")
    assert len(out) == ignored + 4 + length
    return bytes(out[ignored + 4:])


def test_same_modules_give_the_same_bytes(modules):
    assert project(modules) == project(list(modules))


# --- 3. the compression, through oletools' decompressor ---

@pytest.mark.parametrize("data", [b"", b"a", b"abc", b"x" * 4095, b"x" * 4096, b"x" * 4097, bytes(8192),
                                  bytes(range(256)) * 16, os.urandom(4096), os.urandom(4096 * 3 + 3700),
                                  b"Sub A()\r\nEnd Sub\r\n" * 999], ids=lambda d: f"{len(d)}")
def test_compression_round_trips(data):
    assert decompress_stream(compress(data)) == data


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.binary(max_size=9000),
                 st.lists(st.sampled_from([b"a", b"b", b"ab", b"Dim ", b"\r\n", b"End Sub"]), max_size=3000)
                 .map(b"".join)))
def test_compression_round_trips_any_input(data):
    assert decompress_stream(compress(data)) == data


def test_source_compresses():
    source = (XLWINGS / "xlwings.bas").read_bytes()
    assert len(compress(source)) < len(source) // 2  # real copy tokens, never a raw chunk for text


# --- 4. LibreOffice opens the workbook and keeps the macros ---

@pytest.mark.libreoffice
@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_xlsm_and_imports_the_macros(xlsm, modules, tmp_path):
    source = tmp_path / "control.xlsm"
    source.write_bytes(xlsm.read_bytes())
    assert to_pdf([source])[0].stat().st_size > 0
    out = tmp_path / "out"
    subprocess.run([find_soffice(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--invisible", "--norestore", "--nologo", "--nodefault", "--nolockcheck", "--convert-to", "ods",
                    "--outdir", str(out), str(source)], capture_output=True, timeout=300, check=True)
    with zipfile.ZipFile(out / "control.ods") as ods:
        kept = {Path(n).stem: ods.read(n).decode("utf-8") for n in ods.namelist()
                if n.startswith("Basic/VBAProject/") and not n.endswith("script-lb.xml")}
    assert set(kept) == {m.name for m in modules}
    expected_type = {"standard": "normal", "class": "class", "workbook": "document", "sheet": "document"}
    for module in modules:
        assert f'script:moduleType="{expected_type[module.kind]}"' in kept[module.name], module.name
    assert "Sub GuiBieuMau()" in kept["ThiDua"] and "Option VBASupport 1" in kept["ThiDua"]
    assert "Function RunPython(" in kept["xlwings"]


# --- 5. text VBA cannot store ---

def test_a_character_outside_cp1252_names_the_module_and_line():
    code = "Option Explicit\r\n\r\nSub Chao()\r\n    MsgBox \"Xin chào, Việt Nam\"\r\nEnd Sub\r\n"
    with pytest.raises(ValueError, match=r"ThiDua, line 4: .*U\+1EC7.*ChrW\(&H1EC7\)"):
        project([Module("ThiDua", code)])
    project([Module("ThiDua", code.replace("ệ", "e"))])  # "à" is in code page 1252


@pytest.mark.parametrize("bad", [[Module("Thi Dua", "")], [Module("A", ""), Module("a", "", "class")],
                                 [Module("X", "", "form")], [Module("1st", "")], [Module("VBAProject", "")],
                                 [Module("M", 'Attribute VB_Name = "M"\r\nSub A()\r\nEnd Sub\r\n')]])
def test_bad_modules_are_refused(bad):
    with pytest.raises(ValueError):
        project(bad)


# --- reading an export ---

def test_module_from_export_reads_name_kind_and_code():
    bas = module_from_export(_export("xlwings.bas"))
    assert (bas.name, bas.kind) == ("xlwings", "standard") and not bas.code.startswith("Attribute")
    cls = module_from_export(_export("addin/Dictionary.cls"))
    assert (cls.name, cls.kind) == ("Dictionary", "class") and cls.code.startswith("''\r\n")
    document = module_from_export('VERSION 1.0 CLASS\nBEGIN\n  MultiUse = -1  \'True\nEND\n'
                                  'Attribute VB_Name = "ThisWorkbook"\n'
                                  'Attribute VB_Base = "0{00020819-0000-0000-C000-000000000046}"\n'
                                  'Attribute VB_PredeclaredId = True\nOption Explicit\n')
    assert document == Module("ThisWorkbook", "Option Explicit\r\n", "workbook")
    assert module_from_export('Attribute VB_Name = "M"\r\n', kind="class") == Module("M", "", "class")
    with pytest.raises(ValueError, match="VB_Name"):
        module_from_export("Sub A()\nEnd Sub\n")
