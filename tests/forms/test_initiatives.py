"""The initiative registration form (seed 000: đề tài, sáng kiến to the Initiative Council by 28/02):
the template, each check with a passing and a failing case (checked the way ``sheets-tools validate``
and ``collect`` check a file, with the campaign's ledger), the Initiative Council's sheet of the master
grouped by field, and the council's result typed there and read back."""
from __future__ import annotations

import os
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell

from sheets_tools.collection import templates as build
from sheets_tools.store import office
from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.collection.collect import check as check_files
from sheets_tools.collection.collect import collect
from sheets_tools.master.book import HEADER
from sheets_tools.master.consolidate import consolidate
from sheets_tools.core.findings import ERROR, WARNING, message
from sheets_tools.formkit.declaration import FIRST_ROW, HEADER_ROW, LIST_SHEET, get_form, resolve_choices
from sheets_tools.store.ledger import Ledger
from sheets_tools.core.records import FileResult, Incoming, Row
from sheets_tools.formkit.plugins import Context
from sheets_tools.forms.initiatives import (COUNCIL_SCOPE, COUNCIL_SHEET, DECISION_LABEL, KEY_LABEL, RESULT_LABEL, entry_key, match, recognised, registered, split_names, title_key)
from sheets_tools.campaign.sample import FIELDS

from workbooks import codes, make_return, only

FORM = get_form("initiatives")
SHEET = FORM.sheet("initiatives")
JANUARY = datetime(2024, 1, 20, 9, 0)
FEBRUARY = datetime(2024, 2, 20, 9, 0)  # before the deadline 28/02/2024
HTT = "Hoàn thành tốt nhiệm vụ"
HOA = dict(family_name="Nguyễn Thị", given_name="Hoa", birth_date=date(1985, 3, 15), sex="Nữ")
NAM = dict(family_name="Trần Văn", given_name="Nam", birth_date=date(1980, 5, 2), sex="Nam")
THU = dict(family_name="Lê Thị", given_name="Thu", birth_date=date(1978, 7, 9), sex="Nữ")
DUC = dict(family_name="Phạm Minh", given_name="Đức", birth_date=date(1990, 1, 1), sex="Nam")
DIGITAL = "Văn phòng, tổ chức, cải cách hành chính, chuyển đổi số"
TITLE = "Số hóa hồ sơ lưu trữ của Văn phòng Sở"
BASIS = ("Kế hoạch phát động thi đua năm 2024: đăng ký thi đua trước 31/01/2024, đăng ký đề tài, sáng kiến với Hội "
         "đồng Sáng kiến trước 28/02/2024")


def when(path: Path, moment: datetime) -> Path:
    os.utime(path, (moment.timestamp(), moment.timestamp()))
    return path


def register(camp, unit: str, people, tmp: Path) -> None:
    """January: the unit's registration of individuals, collected into the ledger."""
    rows = {"individuals": [{**p, "last_rating": HTT, "title": "Lao động tiên tiến"} for p in people],
            "collectives": [{"collective_name": "Tổ Tổng hợp", "title": "Tập thể lao động tiên tiến"}],
            "movements": [{"movement": camp.movements[0].name}]}
    path = when(make_return(tmp / f"dang-ky-{unit}.xlsx", camp, unit, rows), JANUARY)
    [done] = collect(camp, [path], feedback=False).files
    assert done.result.status != "rejected", codes(done.result)


@pytest.fixture
def camp(camp, tmp_path):
    """The sample campaign (conftest.py ``camp``) with VP's and TTR's January registrations collected."""
    register(camp, "VP", [HOA, NAM, THU], tmp_path)
    register(camp, "TTR", [DUC], tmp_path)
    return camp


def initiative(title: str = TITLE, authors: str | None = "Nguyễn Thị Hoa", **more) -> dict:
    return {"title": title, "kind": "Sáng kiến", "authors": authors, "field": DIGITAL, "scope": "Toàn Sở",
            "effect": "Rút ngắn thời gian tra cứu hồ sơ", "start_date": date(2024, 2, 1), **more}


_files = iter(range(10_000))


def _return(camp, rows, unit: str) -> Path:
    path = camp.dir.parent / f"sang-kien-{unit}-{next(_files)}.xlsx"
    make_return(path, camp, unit, {"initiatives": list(rows)}, form_id="initiatives")
    return when(path, FEBRUARY)


def checked(camp, rows, unit: str = "VP") -> FileResult:
    """Check one file of ``unit`` like ``sheets-tools validate`` (with the ledger, nothing recorded)."""
    [done] = check_files(camp, [_return(camp, rows, unit)]).files
    assert (done.result.form_id, done.result.unit_code) == ("initiatives", unit)
    return done.result


def sent(camp, rows, unit: str = "VP") -> FileResult:
    """Collect one file of ``unit`` (recorded in the ledger)."""
    [done] = collect(camp, [_return(camp, rows, unit)], feedback=False).files
    return done.result


def col(field: str, n: int = 0) -> str:
    return f"{SHEET.column(field).letter}{FIRST_ROW + n}"


def what(title: str) -> str:
    return f"Đề tài, sáng kiến \"{title}\""


# --- the template --------------------------------------------------------------------------------
def test_template_sheet_lists_and_protection(camp):
    wb = build.form_workbook(FORM, camp, camp.unit("VP"))
    ws = wb[SHEET.name]
    assert ws["A4"].value == "BẢNG ĐĂNG KÝ ĐỀ TÀI, SÁNG KIẾN NĂM 2024"
    assert "Hạn nộp: 28/02/2024" in [c.value for row in ws.iter_rows(max_row=5) for c in row if c.value]
    assert [ws[f"{c.letter}{HEADER_ROW}"].value for c in SHEET.columns] == [c.label for c in SHEET.columns]
    assert ws.protection.sheet and wb.security.lockStructure
    unlocked = {c.coordinate for row in ws.iter_rows(max_row=ws.max_row, max_col=ws.max_column) for c in row
                if not isinstance(c, MergedCell) and c.protection.locked is False}
    assert unlocked == {f"{c.letter}{r}" for c in SHEET.columns for r in range(FIRST_ROW, SHEET.last_row + 1)}
    # the field and scope dropdowns are the campaign's lists (sheet "Danh mục")
    lists = wb[LIST_SHEET]
    by_range = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    for field, name in (("field", "Lĩnh vực"), ("scope", "Phạm vi áp dụng")):
        column = SHEET.column(field)
        dv = by_range[f"{column.letter}{FIRST_ROW}:{column.letter}{SHEET.last_row}"]
        letter, last = re.fullmatch(r"'_ds'!\$([A-Z]+)\$1:\$\1\$(\d+)", dv.formula1).groups()
        shown = [lists[f"{letter}{r}"].value for r in range(1, int(last) + 1)]
        assert shown == [i.value for i in camp.list_items(name)] == resolve_choices(column, camp)
    assert resolve_choices(SHEET.column("field"), camp) == FIELDS


def test_template_follows_a_changed_campaign_list(camp):
    path = camp.dir / campaign_mod.CAMPAIGN_FILE
    book = load_workbook(path)
    book["Danh mục"].append(["Phạm vi áp dụng", "Toàn ngành Tư pháp", "Tỉnh, bộ", ""])
    book.save(path)
    changed = campaign_mod.load(camp.dir)
    assert resolve_choices(SHEET.column("scope"), changed)[-1] == "Toàn ngành Tư pháp"
    assert checked(changed, [initiative(scope="Toàn ngành Tư pháp")]).findings == []
    assert codes(checked(camp, [initiative(scope="Toàn ngành Tư pháp")])) == ["initiative.not_in_list"]


# --- a correct file -----------------------------------------------------------------------------
def test_correct_registration_has_no_findings(camp):
    rows = [initiative(), initiative("Quy trình tiếp nhận hồ sơ một cửa liên thông", "Trần Văn Nam; Lê Thị Thu",
                                     co_authors="Nguyễn Thị Hoa", kind="Đề tài", scope="Toàn tỉnh", start_date=None)]
    result = checked(camp, rows)
    assert result.findings == [] and result.status == "accepted"


# --- authors: people of the unit's January registration ---------------------------------------------
def test_author_not_in_the_january_registration(camp):
    result = checked(camp, [initiative(authors="Nguyễn Thị Hoa; Võ Văn Tám")])
    f = only(result, "initiative.author_not_registered")
    assert (f.severity, f.cell, f.sheet, f.value) == (WARNING, col("authors"), SHEET.name, "Võ Văn Tám")
    assert f.message == message("initiative.author_not_registered", what=what(TITLE), role="tác giả",
                                value="Võ Văn Tám", basis=BASIS)
    assert result.status == "accepted_with_warnings"
    # a co-author is checked the same way, in his own column
    f = only(checked(camp, [initiative(co_authors="Phạm Minh Đức")]), "initiative.author_not_registered")
    assert (f.cell, f.value) == (col("co_authors"), "Phạm Minh Đức") and "đồng tác giả" in f.message
    # names separated by ",", line breaks, with a title of address, another case: all found
    assert checked(camp, [initiative(authors="Ông Trần Văn Nam,\nnguyễn thị hoa", co_authors="Bà Lê Thị Thu")]
                   ).findings == []


def test_authors_of_a_unit_without_registration_cannot_be_checked(camp):
    result = checked(camp, [initiative(authors="Hồ Văn Long")], unit="XDKT")
    f = only(result, "initiative.authors_unchecked")
    assert (f.severity, f.cell) == (WARNING, None)
    assert f.message == message("initiative.authors_unchecked", basis=BASIS)
    assert codes(result) == ["initiative.authors_unchecked"]  # one finding, not one per name
    register(camp, "XDKT", [{**DUC, "family_name": "Hồ Văn", "given_name": "Long"}], camp.dir.parent)
    assert checked(camp, [initiative(authors="Hồ Văn Long")], unit="XDKT").findings == []


def test_author_cell_without_letters_and_missing_required_cells(camp):
    result = checked(camp, [initiative(authors="123; 456")])
    f = only(result, "cell.no_letters")
    assert (f.severity, f.cell) == (ERROR, col("authors"))
    assert codes(checked(camp, [initiative(authors=None)])) == ["cell.required"]
    assert codes(checked(camp, [initiative(effect=None)])) == ["cell.required"]


def test_split_names():
    assert split_names("Nguyễn Văn A; Trần Thị B,Lê C\nĐỗ D;;  ") == ["Nguyễn Văn A", "Trần Thị B", "Lê C", "Đỗ D"]
    assert split_names(None) == []


# --- the same title in another unit -----------------------------------------------------------------
def test_title_already_registered_by_another_unit(camp):
    assert sent(camp, [initiative()]).status == "accepted"
    # another unit, the same title with other punctuation, case and spaces: an error naming the first unit
    result = checked(camp, [initiative("số hóa  hồ sơ lưu trữ của Văn phòng Sở.", "Phạm Minh Đức")], unit="TTR")
    f = only(result, "initiative.duplicate_title")
    assert (f.severity, f.cell) == (ERROR, col("title"))
    assert f.message == message("initiative.duplicate_title", what=what("số hóa hồ sơ lưu trữ của Văn phòng Sở."),
                                other_title=TITLE, other_unit="Văn phòng Sở", basis=BASIS)
    assert "Đồng tác giả" in f.message
    # another title passes; the unit sending its own title again is not a duplicate
    assert checked(camp, [initiative("Số hóa hồ sơ thanh tra", "Phạm Minh Đức")], unit="TTR").findings == []
    assert checked(camp, [initiative()]).findings == []


def test_the_same_title_from_two_units_in_one_collect_run(camp, tmp_path):
    first = _return(camp, [initiative()], "VP")
    second = _return(camp, [initiative(authors="Phạm Minh Đức")], "TTR")
    run = collect(camp, [first, second], feedback=False)
    by_unit = {c.result.unit_code: c.result for c in run.files}
    assert by_unit["VP"].status == "accepted"
    assert codes(by_unit["TTR"]) == ["initiative.duplicate_title"]


def test_the_same_title_twice_in_one_file(camp):
    result = checked(camp, [initiative(), initiative(TITLE.upper(), "Trần Văn Nam")])
    f = only(result, "row.duplicate_in_unit")
    assert (f.severity, f.cell) == (ERROR, col("title", 1))


def test_title_key_ignores_case_punctuation_and_spaces():
    assert title_key(" Số hóa: hồ sơ, lưu trữ! ") == title_key("số hóa hồ sơ  lưu trữ") == title_key("SỐ HÓA HỒ SƠ LƯU TRỮ")
    assert title_key("Số hoá hồ sơ") == title_key("Số hóa hồ sơ")  # NFC/NFD and case, diacritics kept
    assert title_key("So hoa ho so") != title_key("Số hóa hồ sơ")


# --- values from the campaign's lists ---------------------------------------------------------------
def test_scope_outside_the_campaign_list_names_the_allowed_values(camp):
    result = checked(camp, [initiative(scope="Toàn huyện")])
    f = only(result, "initiative.not_in_list")
    assert (f.severity, f.cell, f.value) == (ERROR, col("scope"), "Toàn huyện")
    allowed = "\"Trong đơn vị\", \"Toàn Sở\", \"Toàn tỉnh\", \"Toàn quốc\""
    assert f.message == message("initiative.not_in_list", label="Phạm vi áp dụng", value="Toàn huyện",
                                list="Phạm vi áp dụng", allowed=allowed)
    assert codes(result) == ["initiative.not_in_list"]  # the generic "not in the list" is replaced
    assert checked(camp, [initiative(scope="toàn tỉnh")]).findings == []  # any case


def test_field_outside_the_campaign_list(camp):
    f = only(checked(camp, [initiative(field="Công nghệ")]), "initiative.not_in_list")
    assert f.cell == col("field") and "\"Trợ giúp pháp lý\"" in f.message
    assert checked(camp, [initiative(field="Trợ giúp pháp lý")]).findings == []


# --- start date -----------------------------------------------------------------------------------------
def test_start_date_in_a_sensible_range(camp):
    for day in (date(2018, 12, 31), date(2025, 1, 1)):
        f = only(checked(camp, [initiative(start_date=day)]), "initiative.start_date")
        assert (f.severity, f.cell) == (WARNING, col("start_date"))
        assert f.message == message("initiative.start_date", what=what(TITLE), value=f"{day:%d/%m/%Y}",
                                    earliest="01/01/2019", latest="31/12/2024")
    for day in (date(2019, 1, 1), date(2024, 12, 31)):
        assert checked(camp, [initiative(start_date=day)]).findings == []


# --- what the proposal checks use ----------------------------------------------------------------------
def council(camp, results: dict[str, tuple[str, str]]) -> None:
    """The office's entries of the council's results, by (unit, title)."""
    with Ledger(camp.dir) as ledger:
        office.store(ledger, COUNCIL_SCOPE, {entry_key(*key): {"result": r, "decision": d}
                                             for key, (r, d) in results.items()})


def in_use(camp) -> list:
    with Ledger(camp.dir) as ledger:
        return registered(Context(camp, ledger))


def test_registered_initiatives_with_scope_level_and_council_result(camp):
    sent(camp, [initiative(), initiative("Đề án tuyên truyền pháp luật", "Trần Văn Nam", co_authors="Lê Thị Thu",
                                         kind="Đề tài", scope="Toàn tỉnh")])
    sent(camp, [initiative("Số hóa hồ sơ thanh tra", "Phạm Minh Đức", scope="Toàn quốc")], unit="TTR")
    council(camp, {("VP", TITLE): ("Công nhận", "15/QĐ-HĐSK ngày 20/3/2024"),
                   ("TTR", "Số hóa hồ sơ thanh tra"): ("Không công nhận", "")})
    items = in_use(camp)
    assert [(i.unit, i.title, i.scope_level, i.recognised) for i in items] == [
        ("VP", TITLE, "Cơ sở", True), ("VP", "Đề án tuyên truyền pháp luật", "Tỉnh, bộ", None),
        ("TTR", "Số hóa hồ sơ thanh tra", "Toàn quốc", False)]
    first, second = items[0], items[1]
    assert first.decision == "15/QĐ-HĐSK ngày 20/3/2024" and first.authors == ["Nguyễn Thị Hoa"]
    assert second.authors == ["Trần Văn Nam"] and second.co_authors == ["Lê Thị Thu"]
    assert second.has_author("lê thị thu") and not second.has_author("Nguyễn Thị Hoa")
    # a rejected file does not count
    assert sent(camp, [initiative(scope="Toàn huyện")], unit="VP").status == "rejected"
    assert len(in_use(camp)) == 3


def test_council_result_words():
    assert [recognised(t) for t in ("Công nhận", "công nhận.", "Đã công nhận", "Không công nhận", "Chưa công nhận",
                                    "", None, "Hoãn")] == [True, True, True, False, None, None, None, None]


def test_match_a_proposal_text_to_a_registered_initiative(camp):
    sent(camp, [initiative(), initiative("Số hóa hồ sơ", "Trần Văn Nam"),
                initiative("Đề án tuyên truyền pháp luật", "Trần Văn Nam")])
    items = in_use(camp)
    named = match(items, "Sáng kiến \"Đề án tuyên truyền pháp luật\" (QĐ 15/QĐ-HĐSK)")
    assert named.title == "Đề án tuyên truyền pháp luật"  # contained in the text
    assert match(items, "đề án tuyên truyền").title == "Đề án tuyên truyền pháp luật"  # the text in the title
    assert match(items, TITLE.upper()).title == TITLE  # equal titles first
    # the one the person wrote comes first
    assert match(items, "Số hóa hồ sơ lưu trữ", "Nguyễn Thị Hoa").title == TITLE
    assert match(items, "Số hóa hồ sơ", "Trần Văn Nam").title == "Số hóa hồ sơ"
    assert match(items, "Sổ tay pháp luật") is None
    assert match(items, "hồ sơ") is None  # too short to be found inside a title
    assert match(items, "") is None and match([], TITLE) is None


# --- the master: the Initiative Council's list ---------------------------------------------------------
HEAD = HEADER + 1


def council_sheet(path: Path):
    ws = load_workbook(path)[COUNCIL_SHEET]
    cols = {c.value: c.column for c in ws[HEAD] if c.value}
    rows = [[ws.cell(row=r, column=c).value for c in range(1, ws.max_column + 1)] for r in range(HEAD + 1, ws.max_row + 1)]
    return ws, cols, rows


def test_master_lists_initiatives_grouped_by_field_in_list_order(camp):
    sent(camp, [initiative(), initiative("Hòa giải ở cơ sở gắn với tổ dân phố", "Trần Văn Nam",
                                         field="Phổ biến, giáo dục pháp luật, hòa giải ở cơ sở")])
    sent(camp, [initiative("Sổ tay thanh tra", "Phạm Minh Đức", field="Thanh tra, giải quyết khiếu nại, tố cáo")],
         unit="TTR")
    path = consolidate(camp).path
    ws, cols, rows = council_sheet(path)
    assert {RESULT_LABEL, DECISION_LABEL, KEY_LABEL, "Tên đề tài, sáng kiến", "Đơn vị"} <= set(cols)
    headings = [r[0] for r in rows if isinstance(r[0], str) and r[0].startswith("Lĩnh vực: ")]
    assert headings == ["Lĩnh vực: Phổ biến, giáo dục pháp luật, hòa giải ở cơ sở (1)",
                        "Lĩnh vực: Thanh tra, giải quyết khiếu nại, tố cáo (1)", f"Lĩnh vực: {DIGITAL} (1)"]
    titles = [r[cols["Tên đề tài, sáng kiến"] - 1] for r in rows if isinstance(r[0], int)]
    assert titles == ["Hòa giải ở cơ sở gắn với tổ dân phố", "Sổ tay thanh tra", TITLE]
    line = next(r for r in rows if r[cols["Tên đề tài, sáng kiến"] - 1] == TITLE)
    assert (line[cols["Đơn vị"] - 1], line[cols["Phạm vi áp dụng"] - 1], line[cols["Cấp ảnh hưởng"] - 1],
            line[cols[KEY_LABEL] - 1]) == ("Văn phòng Sở", "Toàn Sở", "Cơ sở", entry_key("VP", TITLE))
    assert ws.cell(row=HEAD + 1 + rows.index(line), column=cols[RESULT_LABEL]).protection.locked is False


def test_master_flags_the_same_title_in_two_units(camp):
    sent(camp, [initiative()])
    # a file recorded as it was (e.g. taken in before the rule): the master still shows the clash
    incoming = Incoming(name="x.xlsx", data=b"", source="x.xlsx", received_at=FEBRUARY)
    other = FileResult(incoming=incoming, form_id="initiatives", form_version=FORM.version, unit_code="TTR",
                       rows=[Row(sheet="initiatives", row=FIRST_ROW, values=initiative(TITLE + ".", "Phạm Minh Đức"))])
    with Ledger(camp.dir) as ledger:
        ledger.record(other)
    _, cols, rows = council_sheet(consolidate(camp).path)
    notes = {r[cols["Đơn vị"] - 1]: r[cols["Lưu ý của Văn phòng"] - 1] for r in rows if isinstance(r[0], int)}
    assert notes == {"Văn phòng Sở": "Trùng tên với đề tài, sáng kiến của Thanh tra Sở.",
                     "Thanh tra Sở": "Trùng tên với đề tài, sáng kiến của Văn phòng Sở."}


def test_council_result_typed_in_the_master_is_read_back(camp):
    sent(camp, [initiative(), initiative("Đề án tuyên truyền pháp luật", "Trần Văn Nam")])
    path = consolidate(camp).path
    wb = load_workbook(path)
    ws = wb[COUNCIL_SHEET]
    cols = {c.value: c.column for c in ws[HEAD] if c.value}
    at = {ws.cell(row=r, column=cols["Tên đề tài, sáng kiến"]).value: r for r in range(HEAD + 1, ws.max_row + 1)}
    ws.cell(row=at[TITLE], column=cols[RESULT_LABEL]).value = "Công nhận"
    ws.cell(row=at[TITLE], column=cols[DECISION_LABEL]).value = "15/QĐ-HĐSK ngày 20/3/2024"
    ws.cell(row=at["Đề án tuyên truyền pháp luật"], column=cols[RESULT_LABEL]).value = "Không công nhận"
    wb.save(path)
    again = consolidate(camp)
    assert again.findings == []
    with Ledger(camp.dir) as ledger:
        stored = office.entries(ledger, COUNCIL_SCOPE)
    assert stored[entry_key("VP", TITLE)] == {"result": "Công nhận", "decision": "15/QĐ-HĐSK ngày 20/3/2024"}
    assert [(i.title, i.recognised) for i in in_use(camp)] == [(TITLE, True), ("Đề án tuyên truyền pháp luật", False)]
    # the master shows the result again, and it survives a further consolidate
    consolidate(camp)
    _, cols, rows = council_sheet(path)
    line = next(r for r in rows if r[cols["Tên đề tài, sáng kiến"] - 1] == TITLE)
    assert (line[cols[RESULT_LABEL] - 1], line[cols[DECISION_LABEL] - 1]) == ("Công nhận", "15/QĐ-HĐSK ngày 20/3/2024")
    assert in_use(camp)[0].recognised is True


def test_no_council_sheet_before_any_initiative_arrives(camp):
    assert COUNCIL_SHEET not in load_workbook(consolidate(camp).path).sheetnames
