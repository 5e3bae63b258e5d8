"""Citations: every rule finding of a proposal cites the legal basis the campaign's catalogue gives (campaign
data, changed in campaign.xlsx), then the decree detailing the law that the campaign's dates call for
(Decree 98/2023 for awards decided before 01/07/2025, Decree 152/2025 from then on, or the "decree"
setting). No internal document name reaches a user. All through the command line."""
from __future__ import annotations

import json
import os
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sheets_tools.campaign.workbook import load
from sheets_tools.cli import main
from sheets_tools.core.findings import CATALOGUE, message
from sheets_tools.formkit.declaration import load_forms

from workbooks import make_return, with_setting

LAW = "Luật Thi đua, khen thưởng số 06/2022/QH15"
OLD, NEW = "Nghị định số 98/2023/NĐ-CP", "Nghị định số 152/2025/NĐ-CP"
LDTT, CSTDCS = "Lao động tiên tiến", "Chiến sĩ thi đua cơ sở"
HTT, HTXS, HT = "Hoàn thành tốt nhiệm vụ", "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành nhiệm vụ"
HOA = dict(family_name="Nguyễn Thị", given_name="Hoa", birth_date=date(1985, 3, 15), sex="Nữ")
NAM = dict(family_name="Trần Văn", given_name="Nam", birth_date=date(1980, 5, 2), sex="Nam")
INTERNAL = ("domain.md", "seed 0", "§")
CATALOGUE_SHEET, INFO_SHEET, DEADLINE_SHEET = "Danh hiệu - Hình thức", "Thông tin chung", "Thời hạn"


def _at(path: Path, moment: datetime) -> Path:
    os.utime(path, (moment.timestamp(), moment.timestamp()))
    return path


def _collect(camp_dir: Path, path: Path) -> dict:
    result = CliRunner().invoke(main, ["collect", str(camp_dir), str(path), "--json"])
    assert result.output.lstrip().startswith("{"), result.output
    [done] = json.loads(result.output)["files"]
    return done


def _register(camp_dir: Path, year: int) -> None:
    """January: VP registers Hoa for LĐTT and Nam for CSTĐCS (collected through the command line)."""
    camp = load(camp_dir)
    rows = {"individuals": [{**HOA, "last_rating": HTT, "title": LDTT}, {**NAM, "last_rating": HTT, "title": CSTDCS}],
            "movements": [{"movement": camp.movements[0].name}]}
    path = make_return(camp_dir.parent / f"dang-ky-{year}.xlsx", camp, "VP", rows)
    done = _collect(camp_dir, _at(path, datetime(year, 1, 20, 9, 0)))
    assert done["status"] == "accepted", done


_files = iter(range(10_000))


def _propose(camp_dir: Path, year: int, *people: dict) -> dict:
    """November: VP's proposal file, collected through the command line; the file's JSON result."""
    path = camp_dir.parent / f"de-nghi-{next(_files)}.xlsx"
    make_return(path, load(camp_dir), "VP", {"individuals": list(people), "collectives": []}, form_id="proposals")
    return _collect(camp_dir, _at(path, datetime(year, 11, 20, 9, 0)))


def _person(who: dict, title: str, **more) -> dict:
    return {**who, "rating": HTT, "title": title, "unit_vote": 100, "pending": "Không",
            "achievements": "Hoàn thành tốt nhiệm vụ được giao", **more}


def _found(done: dict, code: str) -> dict:
    hits = [f for f in done["findings"] if f["code"] == code]
    assert len(hits) == 1, done["findings"]
    return hits[0]


def _who(p: dict) -> str:
    return f"Ông/bà {p['family_name']} {p['given_name']} (sinh ngày {p['birth_date']:%d/%m/%Y})"


@pytest.fixture
def sample_dir(tmp_path) -> Path:
    """``sheets-tools init --sample`` (2024), with VP's January registration collected."""
    folder = tmp_path / "dot"
    result = CliRunner().invoke(main, ["init", str(folder), "--sample", "daklak-2024"])
    assert result.exit_code == 0, result.output
    _register(folder, 2024)
    return folder


def _set_catalogue_basis(camp_dir: Path, name: str, basis: str) -> None:
    path = camp_dir / "campaign.xlsx"
    book = load_workbook(path)
    ws = book[CATALOGUE_SHEET]
    header = [c.value for c in ws[1]]
    col = header.index("Căn cứ pháp lý") + 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=2).value == name)
    ws.cell(row=row, column=col).value = basis
    book.save(path)


def _move_to(camp_dir: Path, year: int) -> None:
    """The office turns the campaign into the given year's: "Năm thi đua" and every date of the calendar."""
    path = camp_dir / "campaign.xlsx"
    book = load_workbook(path)
    ws = book[INFO_SHEET]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "Năm thi đua")
    shift = year - int(ws.cell(row=row, column=2).value)
    ws.cell(row=row, column=2).value = year
    for cells in book[DEADLINE_SHEET].iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, (date, datetime)):
                cell.value = cell.value.replace(year=cell.value.year + shift)
    book.save(path)


# --- the catalogue's article, then the decree of the campaign's dates ----------------------------------------
def test_ldtt_cites_article_24_from_the_catalogue(sample_dir):
    passed = _propose(sample_dir, 2024, _person(HOA, LDTT))
    assert passed["status"] == "accepted" and passed["findings"] == [], passed
    failed = _propose(sample_dir, 2024, _person(HOA, LDTT, rating=HT))
    f = _found(failed, "proposal.rating")
    basis = f"Điều 24 {LAW}; {OLD}"
    assert f["message"] == message("proposal.rating", what=_who(HOA), award=LDTT, need=HTT, value=HT, basis=basis)
    assert "Điều 26" not in f["message"] and "152/2025" not in f["message"]


def test_cstdcs_cites_article_23_from_the_catalogue(sample_dir):
    passed = _propose(sample_dir, 2024, _person(NAM, CSTDCS, rating=HTXS))
    assert passed["status"] == "accepted" and passed["findings"] == [], passed
    failed = _propose(sample_dir, 2024, _person(NAM, CSTDCS))
    f = _found(failed, "proposal.cstdcs_basis")
    assert f"(Căn cứ: Điều 23 {LAW}; {OLD}.)" in f["message"]
    assert "Điều 25" not in f["message"]


def test_the_finding_follows_the_catalogue_in_campaign_xlsx(sample_dir):
    _set_catalogue_basis(sample_dir, LDTT, "Điều 24 Luật Thi đua, khen thưởng; Điều 9 Quy chế thi đua của tỉnh")
    f = _found(_propose(sample_dir, 2024, _person(HOA, LDTT, rating=HT)), "proposal.rating")
    assert f["message"].endswith(
        f"(Căn cứ: Điều 24 Luật Thi đua, khen thưởng; Điều 9 Quy chế thi đua của tỉnh; {OLD}.)")


def test_a_2025_campaign_cites_decree_152(sample_dir):
    _move_to(sample_dir, 2025)
    _register(sample_dir, 2025)
    f = _found(_propose(sample_dir, 2025, _person(HOA, LDTT, rating=HT)), "proposal.rating")
    assert f["message"].endswith(f"(Căn cứ: Điều 24 {LAW}; {NEW}.)")
    assert "98/2023" not in f["message"]


def test_the_decree_setting_wins(sample_dir):
    with_setting(load(sample_dir), "decree", NEW)
    f = _found(_propose(sample_dir, 2024, _person(NAM, CSTDCS)), "proposal.cstdcs_basis")
    assert f"(Căn cứ: Điều 23 {LAW}; {NEW}.)" in f["message"]


def test_pending_discipline_cites_the_principles(sample_dir):
    f = _found(_propose(sample_dir, 2024, _person(HOA, LDTT, pending="Có")), "proposal.pending")
    assert f"(Căn cứ: nguyên tắc khen thưởng, Điều 5 {LAW}.)" in f["message"]


# --- the sample's catalogue and settings -----------------------------------------------------------------
ARTICLES = {
    "Lao động tiên tiến": "Điều 24", "Chiến sĩ thi đua cơ sở": "Điều 23", "Chiến sĩ thi đua cấp tỉnh": "Điều 22",
    "Chiến sĩ thi đua cấp bộ": "Điều 22", "Chiến sĩ thi đua toàn quốc": "Điều 21",
    "Tập thể lao động tiên tiến": "Điều 28", "Tập thể lao động xuất sắc": "Điều 27",
    "Cờ thi đua của Ủy ban nhân dân tỉnh": "Điều 26", "Cờ thi đua ngành Tư pháp": "Điều 26",
    "Cờ thi đua của Chính phủ": "Điều 25", "Giấy khen của Giám đốc Sở (cá nhân)": "Điều 75",
    "Giấy khen của Giám đốc Sở (tập thể)": "Điều 75", "Bằng khen của Chủ tịch UBND tỉnh (cá nhân)": "Điều 72-74",
    "Bằng khen của Bộ trưởng Bộ Tư pháp (tập thể)": "Điều 72-74",
    "Bằng khen của Thủ tướng Chính phủ (cá nhân)": "Điều 71",
}


def _rows(path: Path, sheet: str) -> list[dict]:
    ws = load_workbook(path)[sheet]
    header = [c.value for c in ws[1]]
    return [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=2) if row[0].value]


def test_sample_catalogue_cites_the_law_its_votes_and_its_money(tmp_path):
    folder = tmp_path / "dot"
    assert CliRunner().invoke(main, ["init", str(folder), "--sample", "daklak-2024"]).exit_code == 0
    items = {r["Tên danh hiệu, hình thức"]: r for r in _rows(folder / "campaign.xlsx", CATALOGUE_SHEET)}
    for name, article in ARTICLES.items():
        assert items[name]["Căn cứ pháp lý"].startswith(f"{article} {LAW}"), (name, items[name])
    assert items["Cờ thi đua của Chính phủ"]["Tỷ lệ phiếu cần đạt (%)"] == 80
    assert items["Chiến sĩ thi đua cơ sở"]["Tỷ lệ phiếu cần đạt (%)"] == 80
    # each row names the source of its vote share and multiple; a multiple not checked stays marked
    figures = {name: r["Căn cứ tỷ lệ phiếu, hệ số tiền thưởng"] or "" for name, r in items.items()}
    for name, row in items.items():
        if row["Tỷ lệ phiếu cần đạt (%)"]:
            assert "Điều 30 Nghị định số 98/2023/NĐ-CP" in figures[name], name
        if row["Hệ số tiền thưởng"]:
            assert "mức tiền thưởng của Nghị định số 98/2023/NĐ-CP" in figures[name], name
    assert "chưa được đối chiếu" in figures["Bằng khen của Chủ tịch UBND tỉnh (cá nhân)"]
    assert "chưa được đối chiếu" in figures["Cờ thi đua của Chính phủ"]
    assert "chưa được đối chiếu" not in figures["Lao động tiên tiến"]
    assert "152/2025" not in " ".join(figures.values())  # the 2024 sample cites the decree of its time
    meaning = {r["Khóa"]: r["Ý nghĩa"] for r in _rows(folder / "campaign.xlsx", "Cài đặt")}
    salary, decree = meaning["base_salary"], meaning["decree"]
    assert "2.340.000" in salary and "Nghị định số 73/2024/NĐ-CP" in salary
    assert "Điều 30" in decree and "80%" in decree and "90%" in decree


# --- no internal document name, no 2025 decree in the 2024 sample ------------------------------------------
def _texts(path: Path) -> str:
    """Every XML part of an xlsx (cells, shared strings, comments, validations), as text."""
    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith((".xml", ".rels")))


def _leaks(paths, words=INTERNAL) -> list[tuple[str, str]]:
    return [(str(p), w) for p in paths for w in words if w in _texts(p)]


def test_no_internal_name_in_campaign_xlsx_or_templates(tmp_path):
    folder = tmp_path / "dot"
    assert CliRunner().invoke(main, ["init", str(folder), "--sample", "daklak-2024"]).exit_code == 0
    built = CliRunner().invoke(main, ["templates", "build", str(folder)])
    assert built.exit_code == 0, built.output
    books = [folder / "campaign.xlsx", *sorted((folder / "templates").rglob("*.xlsx"))]
    assert len(books) > 5
    assert _leaks(books, INTERNAL + ("152/2025",)) == []


def test_no_internal_name_in_the_demo_outputs(demo_run):
    directory, output = demo_run
    books = sorted(directory.rglob("*.xlsx"))
    assert len(books) > 20
    assert _leaks(books, INTERNAL + ("152/2025",)) == []
    assert not any(w in output for w in INTERNAL)


def test_no_internal_name_in_any_catalogue_message():
    load_forms()
    assert len(CATALOGUE) > 100
    assert [(code, w) for code, c in CATALOGUE.items() for w in INTERNAL if w in c.text] == []
