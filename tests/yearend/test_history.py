"""Award history: import from a workbook, record decisions, answer the multi-year rules."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from sheets_tools.yearend import history_import, history_template
from sheets_tools.campaign.workbook import sample_campaign
from sheets_tools.core.findings import WARNING, message
from sheets_tools.store.history import History, PastAward, collective_key, person_key, record
from sheets_tools.yearend.history_import import import_history
from sheets_tools.yearend.history_template import template
from sheets_tools.store.ledger import Ledger

HEADER = ["STT", "Đối tượng", "Họ và tên đệm", "Tên", "Ngày sinh", "Đơn vị", "Năm", "Danh hiệu, hình thức",
          "Số quyết định", "Ngày quyết định"]
AN = ["Cá nhân", "Nguyễn Văn", "An", date(1985, 3, 15), "Văn phòng Sở", 2023, "Chiến sĩ thi đua cơ sở",
      "123/QĐ-STP", date(2023, 12, 20)]
AN_2022 = ["", "Nguyễn Văn", "An", date(1985, 3, 15), "Văn phòng Sở", 2022, "Chiến sĩ thi đua cơ sở",
           "98/QĐ-STP", date(2022, 12, 21)]
BINH = ["Cá nhân", "Lê Thị", "Bình", date(1990, 1, 2), "Thanh tra Sở", 2023, "Lao động tiên tiến", "123/QĐ-STP",
        date(2023, 12, 20)]
TEAM = ["Tập thể", "Văn phòng Sở", "", None, "", 2023, "Tập thể lao động xuất sắc", "45/QĐ-UBND", date(2024, 1, 5)]
AN_KEY = person_key("Nguyễn Văn", "An", date(1985, 3, 15))


def workbook(path: Path, rows: list[list], header: list[str] = HEADER, *, header_row: int = 3,
             sheet: str = "Khen thưởng", before: list[str] = ()) -> Path:
    """A history workbook: optional sheets ``before``, then ``sheet`` with a title, the header at
    ``header_row`` and the rows below it (STT numbered)."""
    wb = Workbook()
    wb.remove(wb.active)
    for other in before:
        wb.create_sheet(other)["A1"] = "Không phải bảng khen thưởng"
    ws = wb.create_sheet(sheet)
    ws["A1"] = "DANH SÁCH KHEN THƯỞNG CÁC NĂM"
    ws.append([])  # keep the header where asked
    for c, label in enumerate(header, start=1):
        ws.cell(header_row, c, label)
    for i, values in enumerate(rows, start=1):
        for c, value in enumerate([i, *values], start=1):
            if value not in (None, ""):
                ws.cell(header_row + i, c, value)
    wb.save(path)
    return path


def where(path: Path, cell: str, row: int, label: str, sheet: str = "Khen thưởng") -> dict:
    return dict(book=path.name, sheet=sheet, cell=cell, row=row, label=label)


def history_of(campaign) -> History:
    with Ledger(campaign.dir) as ledger:
        return History(ledger)


# --- keys ------------------------------------------------------------------------------------------
def test_person_key_folds_names_and_accepts_text_birth_dates():
    assert person_key("NGUYỄN  văn", "an", "1985-03-15") == AN_KEY
    assert person_key("Nguyen\u0303 Văn", "An", date(1985, 3, 15)) != AN_KEY  # NFD is normalised, not stripped
    assert person_key("Nguyễn Văn", "An", "15/03/1985") == AN_KEY
    assert person_key("Nguyễn Văn", "An", None) != AN_KEY
    assert collective_key(" Văn phòng  Sở", "") == collective_key("văn phòng sở", None)
    assert collective_key("Văn phòng Sở", "") != person_key("Văn phòng", "Sở", None)


# --- import --------------------------------------------------------------------------------------
def test_good_import_adds_every_row(sample, tmp_path):
    path = workbook(tmp_path / "lich-su.xlsx", [AN, AN_2022, BINH, TEAM])
    result = import_history(sample, path)
    assert (result.added, result.unchanged, result.findings) == (4, 0, [])
    h = history_of(sample)
    assert len(h) == 4
    an = h.of_person(AN_KEY)
    assert [(a.year, a.award_code) for a in an] == [(2022, "CSTDCS"), (2023, "CSTDCS")]
    last = an[1]
    assert (last.family_name, last.given_name, last.name, last.birth_date, last.unit, last.subject) == (
        "Nguyễn Văn", "An", "Nguyễn Văn An", date(1985, 3, 15), "Văn phòng Sở", "individual")
    assert (last.award_name, last.decision_number, last.decision_date, last.source) == (
        "Chiến sĩ thi đua cơ sở", "123/QĐ-STP", date(2023, 12, 20), "lich-su.xlsx")
    assert isinstance(last.added_at, datetime)
    team = h.of_person(collective_key("Văn phòng Sở", ""))
    assert [(a.subject, a.name, a.award_code, a.birth_date) for a in team] == [
        ("collective", "Văn phòng Sở", "TTLDXS", None)]


def test_reimport_adds_nothing(sample, tmp_path):
    path = workbook(tmp_path / "lich-su.xlsx", [AN, BINH, TEAM])
    assert import_history(sample, path).added == 3
    again = import_history(sample, path)
    assert (again.added, again.unchanged, again.findings) == (0, 3, [])
    assert len(history_of(sample)) == 3
    more = workbook(tmp_path / "them.xlsx", [AN, AN_2022])
    assert (import_history(sample, more).added, import_history(sample, more).unchanged) == (1, 2)


def test_single_full_name_column_is_split_on_the_last_word(sample, tmp_path):
    header = ["STT", "Họ và tên", "Ngày sinh", "Đơn vị", "Năm", "Danh hiệu", "Số quyết định", "Ngày quyết định"]
    rows = [["Trần Thị Bích Ngọc", date(1979, 9, 2), "Thanh tra Sở", 2023, "Lao động tiên tiến", "1/QĐ", None],
            ["Văn phòng Sở", None, "", 2023, "Tập thể lao động tiên tiến", "2/QĐ", None]]
    result = import_history(sample, workbook(tmp_path / "h.xlsx", rows, header))
    assert result.added == 2
    assert [f.code for f in result.findings] == []
    [ngoc] = history_of(sample).of_person(person_key("Trần Thị Bích", "Ngọc", date(1979, 9, 2)))
    assert (ngoc.family_name, ngoc.given_name, ngoc.name) == ("Trần Thị Bích", "Ngọc", "Trần Thị Bích Ngọc")
    # no "Đối tượng" column: the collective title makes the row a collective's
    assert history_of(sample).years(collective_key("Văn phòng Sở", ""), {"TTLDTT"}) == {2023}


def test_text_dates_and_text_years_are_read(sample, tmp_path):
    row = ["Cá nhân", "Phạm\u00a0Minh", "Đức\u200b", "05/06/1980", "Văn phòng Sở", "2023", "Lao động tiên tiến",
           "7/QĐ-STP", "20/12/2023"]
    result = import_history(sample, workbook(tmp_path / "h.xlsx", [row]))
    assert (result.added, result.findings) == (1, [])
    [duc] = history_of(sample).of_person(person_key("Phạm Minh", "Đức", date(1980, 6, 5)))
    assert (duc.birth_date, duc.decision_date, duc.year) == (date(1980, 6, 5), date(2023, 12, 20), 2023)


def test_award_by_code_abbreviation_or_sy_spelling(sample, tmp_path):
    rows = [[*AN[:5], 2021, "CSTĐCS", *AN[7:]], [*AN[:5], 2022, "Chiến sỹ thi đua cơ sở", *AN[7:]],
            [*AN[:5], 2023, "lao động tiên tiến", *AN[7:]]]
    result = import_history(sample, workbook(tmp_path / "h.xlsx", rows))
    assert (result.added, result.findings) == (3, [])
    assert history_of(sample).years(AN_KEY, {"CSTDCS"}) == {2021, 2022}


def test_bad_rows_are_reported_and_good_rows_still_imported(sample, tmp_path):
    rows = [AN,
            [*AN[:5], 2022, "Chiến sĩ thi đua xuất sắc", *AN[7:]],  # row 5: not in the catalogue
            ["Cá nhân", "Lê Văn", "Cường", "31/02/1980", "Thanh tra Sở", 2023, "Lao động tiên tiến", "", None],
            ["Cá nhân", "Đỗ Thị", "Dung", date(1988, 8, 8), "Thanh tra Sở", None, "Lao động tiên tiến", "", None],
            ["Cá nhân", "Hồ Văn", "", date(1970, 1, 1), "Thanh tra Sở", 2023, "Lao động tiên tiến", "", None],
            BINH]
    path = workbook(tmp_path / "h.xlsx", rows)
    result = import_history(sample, path)
    assert (result.added, result.unchanged) == (2, 0)
    assert [(f.code, f.cell) for f in result.findings] == [
        ("history.unknown_award", "H5"), ("history.bad_cell", "E6"), ("history.required", "G7"),
        ("history.required", "D8")]
    assert [f.message for f in result.findings] == [
        message("history.unknown_award", value="Chiến sĩ thi đua xuất sắc", example="Lao động tiên tiến",
                **where(path, "H5", 5, "Danh hiệu, hình thức")),
        message("history.bad_cell", value="31/02/1980", **where(path, "E6", 6, "Ngày sinh"),
                detail="ghi ngày dạng dd/mm/yyyy, từ 01/01/1900 đến 31/12/2024"),
        message("history.required", **where(path, "G7", 7, "Năm")),
        message("history.required", **where(path, "D8", 8, "Tên")),
    ]
    assert all(f.file == str(path) and f.sheet == "Khen thưởng" for f in result.findings)
    assert result.findings[1].value == "31/02/1980" and result.findings[1].field == "birth_date"
    assert {a.name for k in (AN_KEY, person_key("Lê Thị", "Bình", date(1990, 1, 2)))
            for a in history_of(sample).of_person(k)} == {"Nguyễn Văn An", "Lê Thị Bình"}


def test_year_out_of_range_wrong_subject_and_duplicate(sample, tmp_path):
    rows = [AN, [*AN[:5], 2031, *AN[6:]], ["Tập thể", *AN[1:]], AN]
    path = workbook(tmp_path / "h.xlsx", rows)
    result = import_history(sample, path)
    assert result.added == 1
    assert [f.message for f in result.findings] == [
        message("history.bad_cell", value=2031, detail="ghi năm bốn chữ số, từ 1945 đến 2024",
                **where(path, "G5", 5, "Năm")),
        message("history.wrong_subject", value="Chiến sĩ thi đua cơ sở", expected="cá nhân", subject="tập thể",
                **where(path, "H6", 6, "Danh hiệu, hình thức")),
        message("history.duplicate_row", book=path.name, sheet="Khen thưởng", row=7, other_row=4,
                what="Nguyễn Văn An, Chiến sĩ thi đua cơ sở, năm 2023"),
    ]
    assert result.findings[2].severity == WARNING


def test_missing_birth_dates_and_optional_columns_are_warnings(sample, tmp_path):
    header = ["STT", "Họ và tên đệm", "Tên", "Ngày sinh", "Năm", "Danh hiệu"]
    rows = [["Nguyễn Văn", "An", None, 2023, "Lao động tiên tiến"], ["Lê Thị", "Bình", None, 2023, "Lao động tiên tiến"],
            ["Vũ Văn", "Cao", date(1980, 1, 1), 2023, "Lao động tiên tiến"], ["Lý Văn", "Dũng", None, 2023, "LĐTT"]]
    path = workbook(tmp_path / "h.xlsx", rows, header)
    result = import_history(sample, path)
    assert result.added == 4
    assert [f.message for f in result.findings] == [
        message("history.column_missing", book=path.name, sheet="Khen thưởng",
                expected="\"Đơn vị\", \"Số quyết định\", \"Ngày quyết định\""),
        message("history.no_birth_date", book=path.name, sheet="Khen thưởng", count=3, rows="dòng 4-5, 7"),
    ]
    assert all(f.severity == WARNING for f in result.findings)
    assert history_of(sample).years(person_key("Nguyễn Văn", "An", None), {"LDTT"}) == {2023}


def test_edited_labels_and_header_on_a_later_sheet(sample, tmp_path):
    header = ["TT", "Đối  tượng", "HỌ VÀ TÊN ĐỆM", "Tên", "Ngày sinh:", "Đơn vị", "Năm khen thưởng",
              "Danh hiệu, hình thưc", "Số quyết dinh", "Ngày quyết định"]
    path = workbook(tmp_path / "h.xlsx", [AN, BINH], header, header_row=12, before=["Bìa"])
    result = import_history(sample, path)
    assert (result.added, result.findings) == (2, [])


def test_header_columns_are_matched_one_to_one():
    assert history_import.match_header(["STT", "Họ và tên", "Tên", "Năm sinh", "Năm", "Danh hiệu"]) == {
        "full_name": 1, "given_name": 2, "year": 4, "award": 5}


def test_missing_header_is_one_finding(sample, tmp_path):
    path = workbook(tmp_path / "h.xlsx", [AN, BINH], ["STT", "Người", "Ngày", "Việc"])
    result = import_history(sample, path)
    assert (result.added, result.unchanged) == (0, 0)
    assert [f.message for f in result.findings] == [message(
        "history.no_header", book="h.xlsx", scan=20,
        expected="\"Họ và tên đệm\", \"Tên\", \"Năm\", \"Danh hiệu, hình thức\" (hoặc một cột \"Họ và tên\")")]


def test_header_below_the_scanned_rows_is_not_found(sample, tmp_path):
    result = import_history(sample, workbook(tmp_path / "h.xlsx", [AN], header_row=21))
    assert [f.code for f in result.findings] == ["history.no_header"]


@pytest.mark.parametrize("name, data, detail", [
    ("ghi-chu.xlsx", b"%PDF-1.4 not a workbook", "tệp không phải bảng tính (nhận diện là: tài liệu PDF)"),
    ("rong.xls", b"", "tệp rỗng (0 byte)"),
    ("hong.xlsx", b"PK\x03\x04 broken zip", "tệp nén (zip) bị hỏng"),
])
def test_a_file_that_cannot_be_read_is_one_finding(sample, tmp_path, name, data, detail):
    path = tmp_path / name
    path.write_bytes(data)
    result = import_history(sample, path)
    assert (result.added, result.unchanged) == (0, 0)
    assert [f.message for f in result.findings] == [message("history.unreadable", book=name, detail=detail)]
    assert result.findings[0].file == str(path)


def test_missing_file_is_one_finding(sample, tmp_path):
    result = import_history(sample, tmp_path / "khong-co.xlsx")
    assert [f.code for f in result.findings] == ["history.unreadable"]
    assert "FileNotFoundError" in result.findings[0].message


# --- history -----------------------------------------------------------------------------------
def test_missing_years(sample, tmp_path):
    import_history(sample, workbook(tmp_path / "h.xlsx", [AN, AN_2022, BINH]))
    h = history_of(sample)
    assert h.missing_years(AN_KEY, {"CSTDCS"}, [2022, 2023]) == []
    assert h.missing_years(AN_KEY, {"CSTDCS"}, [2021, 2022, 2023]) == [2021]
    assert h.missing_years(AN_KEY, {"CSTD_TINH", "CSTD_BO"}, [2022, 2023]) == [2022, 2023]
    binh = person_key("Lê Thị", "Bình", date(1990, 1, 2))
    assert h.missing_years(binh, {"CSTDCS"}, [2022, 2023]) == [2022, 2023]
    assert h.missing_years(binh, {"LDTT", "CSTDCS"}, [2022, 2023]) == [2022]
    assert h.missing_years(person_key("Không", "Có", None), {"CSTDCS"}, [2023]) == [2023]
    assert h.years(AN_KEY, {"CSTDCS"}) == {2022, 2023}
    assert h.of_person("nobody") == []


def test_record_grows_the_history(sample, tmp_path):
    import_history(sample, workbook(tmp_path / "h.xlsx", [AN, AN_2022]))
    cstdcs = sample.catalogue_item("Chiến sĩ thi đua cơ sở")
    decided = [PastAward.of_person("Nguyễn Văn", "An", date(1985, 3, 15), 2024, cstdcs, unit="Văn phòng Sở",
                                   decision_number="200/QĐ-STP", decision_date=date(2024, 12, 25)),
               PastAward.of_collective("Thanh tra Sở", "", 2024, sample.catalogue_item("Tập thể lao động tiên tiến")),
               PastAward.of_person("Nguyễn Văn", "An", date(1985, 3, 15), 2023, cstdcs)]  # already there
    with Ledger(sample.dir) as ledger:
        assert History(ledger).missing_years(AN_KEY, {"CSTDCS"}, [2022, 2023, 2024]) == [2024]
        assert record(ledger, decided, "QĐ 200/QĐ-STP") == 2
        assert record(ledger, decided, "QĐ 200/QĐ-STP") == 0
        h = History(ledger)
    assert h.missing_years(AN_KEY, {"CSTDCS"}, [2022, 2023, 2024]) == []
    new = h.of_person(AN_KEY)[-1]
    assert (new.year, new.source, new.decision_date) == (2024, "QĐ 200/QĐ-STP", date(2024, 12, 25))
    assert h.of_person(AN_KEY)[1].source == "h.xlsx"  # the imported one was kept
    assert h.years(collective_key("Thanh tra Sở", ""), {"TTLDTT"}) == {2024}


def test_record_fills_in_a_missing_key(sample):
    item = sample.catalogue_item("Lao động tiên tiến")
    award = PastAward(key="", subject="individual", name="Nguyễn Văn An", year=2024, award_code=item.code,
                      family_name="Nguyễn Văn", given_name="An", birth_date=date(1985, 3, 15))
    with Ledger(sample.dir) as ledger:
        assert record(ledger, [award], "tay") == 1
        assert History(ledger).years(AN_KEY, {item.code}) == {2024}


# --- template ----------------------------------------------------------------------------------
def test_template_round_trip(sample, tmp_path):
    path = template(sample, tmp_path / "mau.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb[history_template.TEMPLATE_SHEET]
    labels = [c.value for c in ws[3]]
    assert labels == ["STT"] + [history_import.COLUMNS[f][0] for f in history_import.TEMPLATE_FIELDS]
    assert "Ví dụ" in ws["A2"].value
    assert ws["A1"].font.name == "Times New Roman" and ws["C10"].font.name == "Times New Roman"
    assert ws["F4"].number_format == "dd/mm/yyyy" and ws["K4"].number_format == "dd/mm/yyyy"
    lists = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    award = lists["I4:I503"]
    assert award.type == "list" and award.showErrorMessage
    names = [c.value for c in wb[history_template.LIST_SHEET]["A"]]
    assert names == [c.name for c in sample.catalogue]
    assert wb[history_template.LIST_SHEET].sheet_state == "hidden"
    # an empty template imports nothing and complains about nothing
    assert import_history(sample, path).findings == []
    ws.append([1, "Cá nhân", "Nguyễn Văn", "An", None, date(1985, 3, 15), "Văn phòng Sở", 2023,
               "Chiến sĩ thi đua cơ sở", "=HYPERLINK(\"x\")", date(2023, 12, 20)])
    for c, value in enumerate([2, "Tập thể", None, None, "Thanh tra Sở", None, None, 2023,
                               "Tập thể lao động tiên tiến", "5/QĐ-STP", "20/12/2023"], start=1):
        ws.cell(5, c, value)
    ws["J504"].data_type = "s"  # append went below the formatted rows: row 504
    wb.save(path)
    result = import_history(sample, path)
    assert (result.added, result.findings) == (2, [])
    assert history_of(sample).of_person(AN_KEY)[0].decision_number == "=HYPERLINK(\"x\")"


# --- other formats -----------------------------------------------------------------------------
def _soffice(profile: Path, fmt: str, out: Path, src: Path) -> Path:
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", fmt,
                    "--outdir", str(out), str(src)], check=True, capture_output=True, timeout=180)
    return out / f"{src.stem}.{fmt}"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_libreoffice_formats_import_the_same(tmp_path, fmt):
    text_dates = ["Cá nhân", "Lê Thị", "Bình", "02/01/1990", "Thanh tra Sở", 2023, "Lao động tiên tiến",
                  "123/QĐ-STP", "20/12/2023"]
    src = workbook(tmp_path / "h.xlsx", [AN, AN_2022, text_dates, TEAM])
    converted = _soffice(tmp_path / "lo", fmt, tmp_path / "out", src)
    results = {}
    for name, path in (("xlsx", src), (fmt, converted)):
        folder = tmp_path / name
        folder.mkdir()
        campaign = sample_campaign(directory=folder)
        result = import_history(campaign, path)
        assert (result.added, result.findings) == (4, [])
        results[name] = sorted((a.key, a.year, a.award_code, a.name, a.birth_date, a.decision_number,
                                a.decision_date, a.unit) for k in history_of(campaign)._by_key
                               for a in history_of(campaign).of_person(k))
    assert results[fmt] == results["xlsx"]
