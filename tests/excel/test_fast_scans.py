"""The byte scans of a sheet's XML that intake runs on every file, made faster: each gives what the plain
regular-expression scan it replaced gives, on built inputs and on every sheet of real workbooks."""
from __future__ import annotations

import re
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_tools.excel import columns, legacy_cells, limits, sheetxml

from workbooks import CORPUS, DATA

OLD_HAS_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
OLD_RFONT = re.compile(rb'rFont\s+val\s*=\s*["\']\s*(?:\.vn|vni-)', re.IGNORECASE)
OLD_FONT = re.compile(rb'val\s*=\s*["\']\s*(?:\.vn|vni-)', re.IGNORECASE)
OLD_WIDE_CELL = re.compile(rb'r="[A-Z]{2}\d')


def old_merges(xml: bytes) -> list:
    out = []
    for a, r1, b, r2 in sheetxml._MERGE.findall(xml):
        c1 = columns.xml_column_number(a)
        out.append((int(r1), c1, int(r2 or r1), columns.xml_column_number(b) if b else c1))
    return out


def old_may_exceed(xml: bytes, limit: int) -> bool:
    if limits._has_far_reference(xml):
        return True
    if limit >= 9_999 * 702:
        return False
    return limit < 9_999 * 26 or limits._has_far_reference(xml, OLD_WIDE_CELL)


LIMITS = (1_000, 9_999 * 26 - 1, 9_999 * 26, 2_000_000, 9_999 * 702 - 1, 9_999 * 702, 10**9)


def same_as_before(xml: bytes) -> None:
    assert sheetxml.has_formula(xml) is bool(OLD_HAS_FORMULA.search(xml))
    assert sheetxml.merges_from_xml(xml) == old_merges(xml)
    assert legacy_cells._names_legacy_run(xml) is bool(OLD_RFONT.search(xml))
    assert legacy_cells._names_legacy_font(xml) is bool(OLD_FONT.search(xml))
    for limit in LIMITS:
        assert limits._may_exceed(xml, limit) is old_may_exceed(xml, limit), limit


PARTS = [b"<", b">", b"/", b" ", b"\n", b"\t", b"f", b"x:", b"ab:", b"a:b:", b"<f>", b"<x:f ", b"ff", b"c", b"mergeCell",
         b"mergeCells", b' ref="B9:C10"', b' ref="A1"', b'rFont', b'RFONT', b" val=", b'"', b"'", b".Vn", b"VNI-", b"=",
         b'r="', b"AA", b"AAA", b"Z", b"1", b"99999", b"_", b"<mergeCell", b"<x:mergeCell"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(PARTS), max_size=16))
def test_scans_agree_with_the_plain_patterns_on_built_xml(parts):
    same_as_before(b"".join(parts))


@pytest.mark.parametrize("xml", [
    b"", b"<f>SUM(A1)</f>", b"<x:f t='shared'/>", b"<x:ff>", b"<a:b:f >", b"of the", b"<c r=\"A1\"><f>1</f></c>",
    b'<mergeCells count="2"><mergeCell ref="B9:C10"/><x:mergeCell ref="D4"/></mergeCells>',
    b'<mergeCell ref="B9:C10"/><v>mergeCell</v><mergeCell ref="A1:A2"/>',
    b'<rPr><rFont val=".VnTime"/></rPr>', b"<font><name val='VNI-Times'/></font>", b'<c r="AB12"/>', b'<row r="12345">',
])
def test_scans_agree_with_the_plain_patterns_on_chosen_xml(xml):
    same_as_before(xml)


def _workbooks() -> list:
    found = sorted(DATA.glob("*.xlsx")) + sorted(CORPUS.glob("foreign/*.xls[xm]")) if CORPUS.is_dir() else \
        sorted(DATA.glob("*.xlsx"))
    return found


@pytest.mark.parametrize("path", _workbooks(), ids=lambda p: p.name)
def test_scans_agree_with_the_plain_patterns_on_real_workbooks(path):
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        pytest.skip("not a zip")
    for name in zf.namelist():
        if name.endswith(".xml") and (name.startswith("xl/worksheets/") or name in ("xl/styles.xml",
                                                                                   "xl/sharedStrings.xml")):
            info = zf.getinfo(name)
            if info.file_size < 64 << 20:
                same_as_before(zf.read(name))
