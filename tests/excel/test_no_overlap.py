"""Every kind of workbook the tool writes, printed to PDF by LibreOffice and read back from the PDF's
word boxes: no text drawn over another, every word of every cell printed (nothing cut by a
neighbouring cell or a short row), every page A4, the deadline whole.

The kinds: the blank forms (``templates build``), the forms issued to a unit (``issue``), the
feedback on returns with mistakes (``collect``), campaign.xlsx (``init``), the council's ballot and
result list, the decision list, the publication list, the master (``consolidate``), all from one run
of ``sheets-tools demo`` (the session's ``demo_run``, copied out: a PDF is written beside its
workbook), and the history template (``history template``). One LibreOffice run renders them all.
"""
from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
from pdf_boxes import HAVE_TOOLS, describe, overlaps, pages, render, words

from sheets_tools.cli import main
from sheets_tools.formkit.declaration import get_form

pytestmark = [pytest.mark.libreoffice,
              pytest.mark.skipif(not HAVE_TOOLS, reason="needs LibreOffice (soffice) and pdftotext")]

FORMS = ("registration", "initiatives", "midyear_report", "nominations", "scoring", "yearend_report", "proposals",
         "adhoc_proposals")
ISSUED = {"registration": "Đăng ký thi đua", "scoring": "Tự chấm điểm thi đua", "proposals": "Đề nghị khen thưởng"}
KINDS = ([f"blank {f}" for f in FORMS] + [f"issued {f}" for f in ISSUED]
         + ["feedback scoring", "feedback proposals", "campaign", "ballot", "results", "decision", "publication",
            "history template", "master"])


def _one(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    assert found, f"{pattern} not in {folder}"
    return found[0]


def _sources(demo: Path, fresh: Path) -> dict[str, Path]:
    year = "2024"
    out = {f"blank {f}": demo / "templates" / f"{f}.xlsx" for f in FORMS}
    out.update({f"issued {f}": demo / "outbox" / "VP" / f"{name} {year} - Văn phòng Sở.xlsx"
                for f, name in ISSUED.items()})
    out["feedback scoring"] = _one(demo / "feedback", "*/Phản hồi - *-tu-cham-diem.xlsx")
    out["feedback proposals"] = _one(demo / "feedback", "*/Phản hồi - *-de-nghi-khen-thuong.xlsx")
    out["campaign"] = fresh / "campaign.xlsx"
    out["ballot"] = _one(demo / "council", "Phiếu biểu quyết*.xlsx")
    out["results"] = _one(demo / "council", "Kết quả biểu quyết*.xlsx")
    out["decision"] = _one(demo / "decision", "*.xlsx")
    out["publication"] = _one(demo / "master", "Danh sách điển hình*.xlsx")
    out["history template"] = fresh / "Mẫu nhập lịch sử khen thưởng.xlsx"
    out["master"] = _one(demo / "master", "Tổng hợp thi đua*.xlsx")
    return out


@pytest.fixture(scope="module")
def printed(demo_run, tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """kind -> (the workbook, its PDF), every kind rendered in one LibreOffice run."""
    demo, _ = demo_run
    root = tmp_path_factory.mktemp("printed")
    fresh = root / "dot"
    for args in (["init", str(fresh), "--sample", "daklak-2024"], ["history", "template", str(fresh)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
    copies = {}
    for n, (kind, source) in enumerate(_sources(demo, fresh).items()):
        copies[kind] = Path(shutil.copyfile(source, root / f"{n:02d} {kind}.xlsx"))
    pdfs = render(list(copies.values()))
    return {kind: (path, pdf) for (kind, path), pdf in zip(copies.items(), pdfs)}


@pytest.mark.parametrize("kind", KINDS)
def test_no_text_is_drawn_over_other_text(printed, kind):
    _, pdf = printed[kind]
    found = overlaps(pdf)
    assert found == [], f"{kind}: {len(found)} words drawn over others: {describe(found)}"


@pytest.mark.parametrize("kind", KINDS)
def test_every_page_is_a4(printed, kind):
    _, pdf = printed[kind]
    sizes = pages(pdf)
    assert sizes
    for width, height in sizes:  # portrait 595 x 842 pt, landscape 842 x 595
        assert abs(min(width, height) - 595) <= 2 and abs(max(width, height) - 842) <= 2, (kind, width, height)


def _cell_words(path: Path) -> Counter:
    """The words of every text cell a reader sees: visible sheets and columns, no formulas."""
    want: Counter = Counter()
    for ws in load_workbook(path).worksheets:
        if ws.sheet_state != "visible":
            continue
        hidden = {k for k, d in ws.column_dimensions.items() if d.hidden}
        for row in ws.iter_rows():
            for cell in row:
                if (isinstance(cell, MergedCell) or not isinstance(cell.value, str) or cell.data_type == "f"
                        or cell.column_letter in hidden):
                    continue
                want.update(cell.value.split())
    return want


def _printed_words(pdf: Path) -> Counter:
    """The PDF's words; also two or three words in a row joined (a word wider than its column is
    broken over lines: it is printed whole, on two of them)."""
    drawn = words(pdf)
    have = Counter(w.text for w in drawn)
    for n in (2, 3):
        have.update("".join(w.text for w in drawn[i:i + n]) for i in range(len(drawn) - n + 1)
                    if len({w.page for w in drawn[i:i + n]}) == 1)
    return have


@pytest.mark.parametrize("kind", KINDS)
def test_every_word_of_every_cell_is_printed(printed, kind):
    """A text cut by the cell beside it, or by a row too short for it, loses words in the PDF."""
    path, pdf = printed[kind]
    want, have = _cell_words(path), _printed_words(pdf)
    short = {w: (n, have[w]) for w, n in want.items() if have[w] < n}
    assert not short, f"{kind}: words (in cells, printed) not printed as often as written: {dict(list(short.items())[:10])}"


@pytest.mark.parametrize("kind", [k for k in KINDS if k.split()[0] in ("blank", "issued", "feedback")])
def test_the_deadline_is_printed_whole(printed, kind):
    """"Hạn nộp: 30/11/2024" on each sheet of a form: "Hạn", "nộp:" and the date on one line, in order
    (a right-aligned deadline in one narrow cell ran left into the heading's cells and printed as "n nộp")."""
    _, pdf = printed[kind]
    drawn = words(pdf)
    whole, cut = 0, []
    for i, w in enumerate(drawn[1:-1], start=1):
        if w.text != "nộp:":
            continue
        before, after = drawn[i - 1], drawn[i + 1]
        if (before.text == "Hạn" and abs(before.y0 - w.y0) < 1 and abs(after.y0 - w.y0) < 1
                and before.x1 <= w.x0 <= after.x0 and (after.text.count("/") == 2 or after.text == "thường")):
            whole += 1
        else:
            cut.append(f"{before.text} {w.text} {after.text}")
    sheets = len(get_form(kind.split()[1]).sheets)
    assert not cut and whole >= sheets, (kind, whole, cut)
