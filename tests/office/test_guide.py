"""The user guide in Vietnamese (issue 16, item 1): ``sheets-tools guide`` writes it as Word, PDF (A4, every
chapter, every picture, no text drawn over other text) and markdown; the package's copy and docs/ agree."""
from __future__ import annotations

import importlib
import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from pdf_boxes import HAVE_TOOLS, describe, overlaps, pages, text_of
from sheets_tools.cli import main

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_GUIDE = ROOT / "sheets_tools" / "guide"
SOURCE = PACKAGE_GUIDE / "huong-dan-su-dung.md"
DOCS = ROOT / "docs"
DOCX, PDF = "Hướng dẫn sử dụng sheets-tools.docx", "Hướng dẫn sử dụng sheets-tools.pdf"
CHAPTERS = ["Cài đặt trên Windows", "Các bước trong năm", "Những ô Văn phòng được nhập",
            "Các thông báo và cách xử lý", "Khôi phục khi có sự cố"]
MIN_PAGES = 8
MAX_PICTURE_BYTES = 150_000


@pytest.fixture(scope="module", autouse=True)
def guide_command():
    """The command registers itself on ``main`` when its module is imported (as ``sheets_tools.cli`` does for
    every command module); on a tree without it the CLI calls below fail on "no such command"."""
    try:
        importlib.import_module("sheets_tools.cli.guide")
    except ModuleNotFoundError:
        pass


def _source() -> str:
    assert SOURCE.is_file(), f"the guide's source {SOURCE} is missing"
    return SOURCE.read_text(encoding="utf-8")


def _headings(text: str) -> list[str]:
    return [re.sub(r"`|\*\*", "", m.group(2)).strip() for m in re.finditer(r"^(#{1,3})\s+(.*)$", text, re.M)]


def _pictures(text: str) -> list[str]:
    return re.findall(r"^!\[[^\]]*\]\(([^)\s]+)\)\s*$", text, re.M)


def _flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _invoke(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def guide_pdf(tmp_path_factory) -> tuple[Path, object]:
    if not HAVE_TOOLS:
        pytest.skip("LibreOffice (soffice) and pdftotext are needed")
    out = tmp_path_factory.mktemp("guide") / "Tài liệu"
    result = _invoke("guide", "--pdf", "--out", str(out))
    return out, result


@pytest.mark.libreoffice
def test_guide_pdf_is_a4_with_every_chapter_and_heading(guide_pdf):
    out, result = guide_pdf
    assert result.exit_code == 0, result.output
    pdf = out / PDF
    assert pdf.is_file() and f"Bản PDF: {pdf}" in result.output
    sizes = pages(pdf)
    assert len(sizes) >= MIN_PAGES, f"{len(sizes)} pages"
    assert all(abs(w - 595.3) < 2 and abs(h - 841.9) < 2 for w, h in sizes), sizes  # A4 portrait
    text = _flat(text_of(pdf))
    for chapter in CHAPTERS:
        assert chapter in text
    missing = [h for h in _headings(_source()) if _flat(h) not in text]
    assert not missing, missing


@pytest.mark.libreoffice
def test_guide_pdf_shows_every_picture_and_nothing_overlaps(guide_pdf):
    out, result = guide_pdf
    assert result.exit_code == 0, result.output
    pdf = out / PDF
    pairs = overlaps(pdf)
    assert not pairs, describe(pairs)
    if shutil.which("pdfimages"):
        listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
        shown = [line for line in listing.splitlines()[2:] if " image " in line]
        assert len(shown) >= len(_pictures(_source())), listing


def test_guide_writes_a_word_document_with_headings_and_pictures(tmp_path):
    result = _invoke("guide", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    docx = tmp_path / DOCX
    assert f"Đã ghi tài liệu hướng dẫn (Word): {docx}" in result.output
    doc = Document(str(docx))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [re.sub(r"`|\*\*", "", h) for h in _headings(_source())]
    assert len(doc.inline_shapes) == len(_pictures(_source())) >= 5
    assert not (tmp_path / PDF).exists()  # the PDF only with --pdf


def test_guide_markdown_copy_has_every_picture(tmp_path):
    result = _invoke("guide", "--markdown", "--out", str(tmp_path / "docs"), "--json")
    assert result.exit_code == 0, result.output
    written = tmp_path / "docs" / "huong-dan-su-dung.md"
    assert written.read_bytes() == SOURCE.read_bytes()
    for name in _pictures(_source()):
        assert (tmp_path / "docs" / name).read_bytes() == (PACKAGE_GUIDE / name).read_bytes()
    assert json.loads(result.output)["markdown"] == str(written)
    assert not (tmp_path / "docs" / DOCX).exists()  # markdown only: no Word document


def test_every_picture_exists_is_small_and_docs_is_in_step():
    """docs/ is the copy ``sheets-tools guide --markdown --out docs`` writes of the package's guide."""
    text = _source()
    pictures = _pictures(text)
    assert pictures
    for name in pictures:
        picture = PACKAGE_GUIDE / name
        assert picture.is_file(), name
        assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
        assert picture.stat().st_size < MAX_PICTURE_BYTES, (name, picture.stat().st_size)
        assert (DOCS / name).is_file() and (DOCS / name).read_bytes() == picture.read_bytes(), \
            f"docs/{name} differs: run sheets-tools guide --markdown --out docs"
    assert (DOCS / "huong-dan-su-dung.md").read_bytes() == SOURCE.read_bytes(), \
        "docs/huong-dan-su-dung.md differs: run sheets-tools guide --markdown --out docs"


def test_guide_names_the_install_steps_and_exit_codes():
    text = _source()
    for phrase in ("Add python.exe to PATH", "py -m pipx install .", "LibreOffice", "sheets-tools ledger check",
                   "sheets-tools ledger rebuild", "sheets-tools excel install"):
        assert phrase in text, phrase
    assert re.search(r"^\| 0 \|.*\n\| 1 \|.*\n\| 2 \|.*\n\| 3 \|", text, re.M), "the exit-code table 0/1/2/3"


def test_guide_pdf_without_libreoffice_keeps_the_word_document(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("ProgramFiles", str(tmp_path / "empty"))
    monkeypatch.setenv("ProgramFiles(x86)", str(tmp_path / "empty"))
    result = _invoke("guide", "--pdf", "--out", str(tmp_path / "out"))
    assert result.exit_code == 3, result.output
    assert "Không tìm thấy LibreOffice" in result.output and "Traceback" not in result.output
    assert (tmp_path / "out" / DOCX).is_file()
    assert not (tmp_path / "out" / PDF).exists()


def test_guide_out_that_is_a_file_is_a_usage_error(tmp_path):
    target = tmp_path / "tep.txt"
    target.write_text("x", encoding="utf-8")
    result = _invoke("guide", "--out", str(target))
    assert result.exit_code == 2, result.output
    assert "tep.txt" in result.output
