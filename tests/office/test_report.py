"""sheets-tools report: the leadership's quick report, one or two A4 pages in PDF (Word beside it)."""
from __future__ import annotations

import importlib
import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from pdf_boxes import HAVE_TOOLS, describe, overlaps, pages, text_of, words
from sheets_tools.cli import main

try:  # registers the command (until sheets_tools/cli/__init__.py imports it)
    importlib.import_module("sheets_tools.cli.report")
except ModuleNotFoundError:
    pass

DEMO_DAY = "05/12/2024"  # the day the demo's year ends on
A4 = (595.3, 841.9)


def with_libreoffice(test):
    """Marked ``libreoffice``; skipped without LibreOffice or pdftotext."""
    skip = pytest.mark.skipif(not HAVE_TOOLS, reason="LibreOffice (soffice) or pdftotext not installed")
    return pytest.mark.libreoffice(skip(test))


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def report(directory: Path, *args: str) -> tuple[dict, Path]:
    """``report DIR --today DEMO_DAY --json``: its JSON and the PDF it wrote."""
    result = run("report", directory, "--today", DEMO_DAY, "--json", *args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    return data, Path(data["path"])


def assert_prints_well(pdf: Path) -> str:
    """One or two A4 portrait pages, no word drawn over another; returns the text."""
    sizes = pages(pdf)
    assert 1 <= len(sizes) <= 2, f"{len(sizes)} pages"
    assert all(abs(w - A4[0]) < 1 and abs(h - A4[1]) < 1 for w, h in sizes), sizes
    found = overlaps(pdf)
    assert not found, describe(found)
    return text_of(pdf)


def lines_of(pdf: Path) -> list[str]:
    """The printed lines, left to right (a table's row is one line, whatever order the PDF draws its cells in)."""
    rows: dict[tuple[int, int], list] = {}
    for w in words(pdf):
        rows.setdefault((w.page, round(w.y1)), []).append(w)
    return [" ".join(w.text for w in sorted(ws, key=lambda w: w.x0)) for _, ws in sorted(rows.items())]


def on_one_row(lines: list[str], rank: int, name: str, score: str) -> bool:
    """A ranking row: its rank, then its name (the first line of it when it wraps), then its score."""
    pattern = re.compile(rf"(?:^| ){rank} (.+?) {re.escape(score)}(?= |$)")
    return any(len(m.group(1)) >= 8 and name.startswith(m.group(1)) for line in lines for m in pattern.finditer(line))


def status_json(directory: Path) -> dict:
    result = run("status", directory, "--today", DEMO_DAY, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def master_rankings(directory: Path) -> list[tuple[int, str, str, float]]:
    """(rank, unit code, unit name, ranking score) of every ranked unit on the master's ranking sheets, found by
    their header ("Hạng", "Mã đơn vị", ..., "Điểm xếp hạng") wherever the sheets and rows are."""
    book = load_workbook(next((directory / "master").glob("*.xlsx")), read_only=True, data_only=True)
    out = []
    for ws in book.worksheets:
        cols = None
        for row in ws.iter_rows(values_only=True):
            labels = [str(v).strip() if v is not None else "" for v in row]
            if cols is None:
                if "Hạng" in labels and "Mã đơn vị" in labels and "Điểm xếp hạng" in labels:
                    cols = [labels.index(k) for k in ("Hạng", "Mã đơn vị", "Tên đơn vị", "Điểm xếp hạng")]
                continue
            if not isinstance(row[cols[0]], (int, float)):
                if not any(labels):
                    cols = None
                continue
            out.append((int(row[cols[0]]), row[cols[1]], row[cols[2]], float(row[cols[3]])))
    return out


def number(value: float) -> str:
    return (f"{value:g}").replace(".", ",")


def enlarge(directory: Path, more: int) -> list[str]:
    """Add ``more`` units to the campaign's units sheet (both blocks); their names."""
    path = directory / "campaign.xlsx"
    book = load_workbook(path)
    ws = book["Đơn vị"]
    blocks = sorted({r[3] for r in ws.iter_rows(min_row=2, values_only=True) if r[3]})
    names = []
    for i in range(1, more + 1):
        names.append(f"Phòng Tư pháp huyện Thêm Số {i}")
        ws.append([f"THEM{i:02d}", names[-1], "Phòng Tư pháp cấp huyện", blocks[i % len(blocks)],
                   f"them{i}@example.gov.vn", "Nguyễn Văn An"])
    book.save(path)
    return names


# --- what the report shows ----------------------------------------------------------------------------
@with_libreoffice
def test_report_of_a_whole_year_fits_two_pages_with_the_status_counts(demo_copy):
    data, pdf = report(demo_copy)
    assert pdf.parent == demo_copy / "báo cáo" and pdf.suffix == ".pdf" and pdf.read_bytes()[:5] == b"%PDF-"
    assert Path(data["docx"]).is_file() and Path(data["docx"]).parent == pdf.parent
    text, lines = assert_prints_well(pdf), lines_of(pdf)
    assert "BÁO CÁO NHANH TÌNH HÌNH THI ĐUA, KHEN THƯỞNG NĂM 2024" in text
    assert f"Số liệu tính đến ngày {DEMO_DAY}" in text
    status = status_json(demo_copy)
    ours = {f["form"]: f for f in data["forms"]}
    for form in status["forms"]:
        c = form["counts"]
        assert ours[form["form"]]["counts"] == c
        deadline = "/".join(reversed(form["deadline"].split("-")))
        assert (f"{form['name']} {deadline} {c['sent']}/{c['units']} {c['accepted']} "
                f"{c['accepted_with_warnings']} {c['rejected']} {c['missing']}") in lines
        missing = [u["unit_name"] for u in form["units"] if u["state"] == "missing" and u["timing"] == "overdue"]
        assert ours[form["form"]]["missing_units"] == [u["unit"] for u in form["units"]
                                                       if u["state"] == "missing" and u["timing"] == "overdue"]
        if 0 < len(missing) <= 10:  # a short list is named, a long one counted
            assert f"{form['name']} (hạn {deadline}): {len(missing)} đơn vị: {'; '.join(missing)}." in text
        elif missing:
            assert f"{form['name']} (hạn {deadline}): {len(missing)} đơn vị" in text
        if form["optional"]:  # nominations: never missing, never overdue, their own mark in the legend
            assert ours[form["form"]]["overdue"] is False and not ours[form["form"]]["missing_units"]
            assert f"{form['name']} (hạn" not in text
    assert any(f["optional"] for f in status["forms"]) and "không bắt buộc, chưa gửi" in text


@with_libreoffice
def test_report_ranks_each_block_as_the_master_and_counts_the_ballot(demo_copy):
    data, pdf = report(demo_copy)
    text, lines = text_of(pdf), lines_of(pdf)
    ranked = master_rankings(demo_copy)
    assert len(ranked) >= 10
    ours = [(r["rank"], r["unit"], r["score"]) for ranks in data["ranking"].values() for r in ranks]
    assert sorted(ours) == sorted((rank, code, score) for rank, code, _, score in ranked)
    for rank, _, name, score in ranked:
        assert on_one_row(lines, rank, name, number(score)), name
    ballot = run("council", "ballot", demo_copy, "--new")
    assert ballot.exit_code == 0, ballot.output
    cases = int(ballot.output.split("Đã tạo phiếu biểu quyết (")[1].split(" ")[0])
    assert data["proposals"]["ballot"] == cases
    assert f"trình Hội đồng biểu quyết: {cases} trường hợp" in text
    assert sum(a["ballot"] for a in data["proposals"]["by_award"]) == cases


@with_libreoffice
def test_report_on_a_fresh_campaign_says_nothing_has_come_back(camp):
    result = run("report", camp.dir, "--today", "15/02/2024")
    assert result.exit_code == 0, result.output
    pdf = next((camp.dir / "báo cáo").glob("*.pdf"))
    assert str(pdf) in result.output
    text = assert_prints_well(pdf)
    assert "chưa nhận được hồ sơ nào của các đơn vị" in text
    assert "Đăng ký thi đua (hạn 31/01/2024): chưa đơn vị nào nộp (24 đơn vị)." in text
    assert "Chưa có điểm tự chấm của đơn vị nào nên chưa xếp hạng." in text
    assert "Chưa có đề nghị khen thưởng nào." in text


@with_libreoffice
def test_fifty_units_still_fit_two_pages(demo_copy):
    added = enlarge(demo_copy, 26)
    data, pdf = report(demo_copy)
    assert data["units"] == 50
    text = assert_prints_well(pdf)
    assert added[-1] in text and added[0] in text


# --- errors -------------------------------------------------------------------------------------------
def test_a_folder_without_a_campaign_is_a_vietnamese_error(tmp_path):
    result = run("report", tmp_path)
    assert result.exit_code == 3, result.output
    assert "campaign.xlsx" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "báo cáo").exists()


def test_a_folder_that_does_not_exist_or_a_bad_date_is_a_usage_error(camp, tmp_path):
    result = run("report", tmp_path / "khong-co")
    assert result.exit_code == 2, result.output
    result = run("report", camp.dir, "--today", "32/13/2024")
    assert result.exit_code == 2, result.output
    assert "không phải ngày hợp lệ" in result.output and "Traceback" not in result.output
    assert not (camp.dir / "báo cáo").exists()


def test_without_libreoffice_the_word_report_stays_and_the_error_says_what_to_do(camp, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    result = run("report", camp.dir, "--today", DEMO_DAY, "--json")
    assert result.exit_code == 3, result.output
    assert "Không tìm thấy LibreOffice" in result.output and "Traceback" not in result.output
    error = json.loads(result.stdout)["error"]
    docx = next((camp.dir / "báo cáo").glob("*.docx"))
    assert str(docx) in error["message"] and "Hãy cài LibreOffice" in error["message"]
    assert not list((camp.dir / "báo cáo").glob("*.pdf"))


@with_libreoffice
def test_a_pdf_open_in_a_viewer_is_left_alone_and_the_new_one_written_beside(camp):
    first = run("report", camp.dir, "--today", DEMO_DAY)
    assert first.exit_code == 0, first.output
    pdf = next((camp.dir / "báo cáo").glob("*.pdf"))
    before = pdf.read_bytes()
    lock = pdf.with_name(f".~lock.{pdf.name}#")  # what LibreOffice keeps beside a file it has open
    lock.write_text("someone,office,host,01.01.2024 08:00;", encoding="utf-8")
    os.utime(pdf, (1_000_000_000, 1_000_000_000))
    again = run("report", camp.dir, "--today", DEMO_DAY)
    assert again.exit_code == 0, again.output
    assert f"Tệp {pdf} đang được mở" in again.output and "Traceback" not in again.output
    assert pdf.read_bytes() == before and pdf.stat().st_mtime == 1_000_000_000
    beside = [p for p in (camp.dir / "báo cáo").glob("*.pdf") if p != pdf]
    assert len(beside) == 1 and str(beside[0]) in again.output and beside[0].read_bytes()[:5] == b"%PDF-"


def test_help_says_what_the_report_holds_with_an_example():
    result = run("report", "--help")
    assert result.exit_code == 0, result.output
    assert "Ví dụ: sheets-tools report" in result.output and "PDF" in result.output
