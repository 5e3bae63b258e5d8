"""The nomination form (seed 003): the template, each rule with a case that passes and one that fails,
the council's list in the master with the office's selection read back, and the list to publish
(a workbook and an HTML page) written only for what the office selected."""
from __future__ import annotations

import os
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.campaign import writer as campaign_writer
from sheets_tools.store import office
from sheets_tools.collection.templates import form_workbook
from sheets_tools.collection.collect import check as check_files
from sheets_tools.collection.collect import collect
from sheets_tools.master.consolidate import consolidate
from sheets_tools.core.findings import ERROR, WARNING, message
from sheets_tools.formkit.declaration import FIRST_COL, FIRST_ROW, HEADER_ROW, get_form, resolve_choices
from sheets_tools.store.ledger import Ledger
from sheets_tools.core.records import Incoming, Row
from sheets_tools.formkit.plugins import Context
from sheets_tools.forms import nominations as rules
from sheets_tools.collection.validate import check_file

from workbooks import codes, make_return, only

FORM = get_form("nominations")
SHEET = FORM.sheet("nominations")
JANUARY = datetime(2024, 1, 20, 9, 0)
OCTOBER = datetime(2024, 10, 10, 9, 0)
HTT, LDTT, TTLDTT = "Hoàn thành tốt nhiệm vụ", "Lao động tiên tiến", "Tập thể lao động tiên tiến"
HOA = dict(family_name="Nguyễn Thị", given_name="Hoa", birth_date=date(1985, 3, 15), sex="Nữ")
NAM = dict(family_name="Trần Văn", given_name="Nam", birth_date=date(1980, 5, 2), sex="Nam")
LAN = dict(family_name="Hoàng Thị", given_name="Lan", birth_date=date(1988, 9, 30), sex="Nữ")
LONG = ("Chủ trì xây dựng mô hình một cửa liên thông điện tử, rút ngắn 40% thời gian giải quyết hồ sơ hộ tịch "
        "cho người dân.")
PUBLICITY = "Cổng thông tin điện tử của Sở"


def when(path: Path, moment: datetime) -> Path:
    os.utime(path, (moment.timestamp(), moment.timestamp()))
    return path


_files = iter(range(10_000))


def register(camp, unit: str, people: list[dict]) -> None:
    """January: the unit's registration, collected into the ledger."""
    rows = {"individuals": [{**p, "last_rating": HTT, "title": LDTT} for p in people],
            "collectives": [{"collective_name": "Tổ Tổng hợp", "title": TTLDTT}],
            "movements": [{"movement": camp.movements[0].name}]}
    path = when(make_return(camp.dir.parent / f"dang-ky-{unit}.xlsx", camp, unit, rows), JANUARY)
    [done] = collect(camp, [path], feedback=False).files
    assert done.result.status == "accepted", codes(done.result)


@pytest.fixture
def camp(camp):
    """The sample campaign (conftest.py ``camp``) with VP's and PBGD's January registrations collected."""
    register(camp, "VP", [HOA, NAM])
    register(camp, "PBGD", [LAN])
    return camp


def full(p: dict) -> str:
    return f"{p['family_name']} {p['given_name']}"


def nominee(name: str, subject: str = "Cá nhân", **more) -> dict:
    """A correct nomination: criterion 1 met, a description long enough to publish."""
    return {"subject": subject, "name": name, "category": "Điển hình tiên tiến", "criterion_1": "Có",
            "description": LONG, "evidence": "Báo cáo số 12/BC-VP ngày 05/10/2024", "publicity": PUBLICITY, **more}


def team(name: str = "Tổ Tổng hợp", **more) -> dict:
    return nominee(name, "Tập thể", **{"category": "Mô hình mới", **more})


def return_file(camp, rows: list[dict], unit: str, moment: datetime = OCTOBER) -> Path:
    path = camp.dir.parent / f"de-xuat-{unit}-{next(_files)}.xlsx"
    make_return(path, camp, unit, {"nominations": rows}, form_id="nominations")
    return when(path, moment)


def nominated(camp, rows: list[dict], unit: str = "VP"):
    """Check one nomination file like ``sheets-tools validate`` (with the ledger, nothing recorded)."""
    [done] = check_files(camp, [return_file(camp, rows, unit)]).files
    assert (done.result.form_id, done.result.unit_code) == ("nominations", unit)
    return done.result


def sent(camp, rows: list[dict], unit: str = "VP", moment: datetime = OCTOBER):
    """Collect one nomination file of ``unit`` (recorded in the ledger)."""
    [done] = collect(camp, [return_file(camp, rows, unit, moment)], feedback=False).files
    return done.result


def at(field: str, n: int = 0) -> str:
    return f"{SHEET.column(field).letter}{FIRST_ROW + n}"


def what(p_or_name, subject: str = "Cá nhân") -> str:
    name = full(p_or_name) if isinstance(p_or_name, dict) else p_or_name
    return f"{subject} \"{name}\""


# --- the template --------------------------------------------------------------------------------
def test_template_columns_lists_and_protection(camp):
    wb = form_workbook(FORM, camp, camp.unit("VP"))
    ws = wb[SHEET.name]
    assert all(len(name) <= 31 for name in wb.sheetnames)
    assert [ws.cell(row=HEADER_ROW, column=FIRST_COL + i).value for i in range(len(SHEET.columns))] == \
        [c.label for c in SHEET.columns]
    assert FORM.title.format(year=2024) == ws["A4"].value
    assert ws.protection.sheet and not ws[at("name")].protection.locked
    # lists from the campaign's "Danh mục", criteria as "Có"
    assert resolve_choices(SHEET.column("field"), camp) == [i.value for i in camp.list_items("Lĩnh vực")]
    assert resolve_choices(SHEET.column("publicity"), camp) == [
        "Cổng thông tin điện tử của Sở", "Bảng thông báo nội bộ", "Giao lưu, trao đổi, học tập kinh nghiệm"]
    assert [resolve_choices(SHEET.column(c), camp) for c in rules.CRITERIA] == [["Có"]] * 3
    lists = wb["_ds"]
    for field in ("field", "publicity", "criterion_2", "category", "subject"):
        dv = next(d for d in ws.data_validations.dataValidation if f"{SHEET.column(field).letter}{FIRST_ROW}" in
                  str(d.sqref))
        col, first, last = re.fullmatch(r"'?_ds'?!\$([A-Z]+)\$(\d+):\$[A-Z]+\$(\d+)", dv.formula1).groups()
        shown = [lists[f"{col}{r}"].value for r in range(int(first), int(last) + 1)]
        assert shown == resolve_choices(SHEET.column(field), camp), field
        assert dv.showErrorMessage


def test_campaign_list_replaces_the_default_publicity_forms(camp):
    items = [i for i in camp.lists if i.list != "Hình thức tuyên truyền"]
    extra = campaign_mod.ListItem(list="Hình thức tuyên truyền", value="Bản tin Tư pháp")
    other = camp.model_copy(update={"lists": items + [extra]})
    assert resolve_choices(SHEET.column("publicity"), other) == ["Bản tin Tư pháp"]
    result = check_file(Incoming(name="x.xlsx", data=return_file(camp, [nominee(full(HOA))], "VP").read_bytes(),
                                 source="x.xlsx", received_at=OCTOBER), other)
    f = only(result, "cell.bad_choice")
    assert (f.cell, f.value) == (at("publicity"), PUBLICITY)


# --- a correct file ------------------------------------------------------------------------------
def test_correct_nominations_have_no_findings(camp):
    result = nominated(camp, [nominee(full(HOA), criterion_3="Có", position="Chuyên viên, Văn phòng Sở"),
                              nominee("Bà " + full(NAM).upper()),  # honorific and case do not matter
                              team(criterion_2="Có")])  # a collective's criterion 2 needs no author
    assert result.findings == []
    assert result.status == "accepted"


def test_same_nominee_twice_in_a_file(camp):
    result = nominated(camp, [nominee(full(HOA)), nominee(full(HOA).lower(), category="Nhân tố mới")])
    f = only(result, "row.duplicate_in_unit")
    assert (f.cell, f.severity) == (at("subject", 1), ERROR)
    # the same name as a collective and as a person is not a duplicate
    assert nominated(camp, [nominee(full(HOA)), team(full(HOA))]).findings == []


# --- one rule, a case that fails and one that passes ------------------------------------------------
def test_no_criterion_marked(camp):
    bare = {**nominee(full(HOA)), "criterion_1": None}
    result = nominated(camp, [bare])
    f = only(result, "nomination.no_criterion")
    assert (f.sheet, f.cell, f.field, f.severity) == (SHEET.name, at("criterion_1"), "criterion_1", ERROR)
    letters = ", ".join(SHEET.column(c).letter for c in rules.CRITERIA)  # the three criteria's columns
    assert f.message == message("nomination.no_criterion", what=what(HOA), columns=letters,
                                basis=rules.BASIS_CRITERIA)
    assert "Căn cứ" in f.message and "II.2.2" in f.message
    assert result.status == "rejected"
    for criterion in rules.CRITERIA:  # any one of the three is enough
        assert "nomination.no_criterion" not in codes(nominated(camp, [{**bare, criterion: "có"}]))
    assert nominated(camp, [{**bare, "criterion_3": "có"}]).findings == []


def test_individual_not_in_the_january_registration(camp):
    result = nominated(camp, [nominee("Võ Văn Tám"), team("Tổ Hành chính")])  # collectives are not looked up
    f = only(result, "nomination.not_registered")
    assert (f.cell, f.field, f.severity, f.value) == (at("name"), "name", WARNING, "Võ Văn Tám")
    assert f.message == message("nomination.not_registered", what=what("Võ Văn Tám"), basis=rules.BASIS_SUBJECTS)
    assert result.status == "accepted_with_warnings"
    assert nominated(camp, [nominee(full(HOA))]).findings == []
    # another unit's registration does not count
    assert codes(nominated(camp, [nominee(full(LAN))])) == ["nomination.not_registered"]
    assert nominated(camp, [nominee(full(LAN))], unit="PBGD").findings == []


def test_unit_without_a_registration_gets_one_warning(camp):
    result = nominated(camp, [nominee(full(HOA)), nominee(full(NAM))], unit="TTR")
    f = only(result, "nomination.no_registration")
    assert (f.cell, f.severity) == (None, WARNING)
    assert f.message == message("nomination.no_registration", deadline="31/01/2024")
    assert codes(result) == ["nomination.no_registration"]
    assert nominated(camp, [team()], unit="TTR").findings == []  # no individual to look up


def initiative_context(camp, registered_initiatives: list[dict]) -> Context:
    """A context whose data in use are VP's January registration (HOA, NAM) and ``registered_initiatives``
    (rows of the initiative form, fields "title", "authors", "co_authors")."""
    context = Context(camp)
    context.cache["rows:registration"] = {"VP": [Row("individuals", FIRST_ROW + i, p) for i, p in enumerate([HOA, NAM])]}
    context.cache["rows:initiatives"] = {"VP": [Row("initiatives", FIRST_ROW + i, v)
                                                for i, v in enumerate(registered_initiatives)]}
    return context


def checked_with(camp, context: Context, rows: list[dict]):
    path = return_file(camp, rows, "VP")
    return check_file(Incoming(name=path.name, data=path.read_bytes(), source=path.name, received_at=OCTOBER),
                      camp, context)


SO_HOA = {"title": "Số hóa hồ sơ hộ tịch", "authors": "Trần Văn Nam", "co_authors": "Lê Thị Thu; nguyễn thị hoa"}


def test_initiative_criterion_for_someone_who_is_not_an_author(camp):
    if "initiatives" not in rules.load_forms():
        pytest.skip("the campaign has no initiative form")
    context = initiative_context(camp, [SO_HOA])
    result = checked_with(camp, context, [nominee(full(HOA), criterion_2="Có"), nominee(full(NAM), criterion_2="Có"),
                                          team(criterion_2="Có")])
    assert result.findings == []  # a co-author and an author
    context = initiative_context(camp, [{**SO_HOA, "co_authors": "Lê Thị Thu"}])
    result = checked_with(camp, context, [nominee(full(HOA), criterion_2="Có"), nominee(full(NAM))])
    f = only(result, "nomination.not_author")
    assert (f.cell, f.field, f.severity) == (at("criterion_2"), "criterion_2", WARNING)
    assert f.message == message("nomination.not_author", what=what(HOA), basis=rules.BASIS_CRITERIA + ", tiêu chí 2",
                                registered="đơn vị đã đăng ký 1 đề tài, sáng kiến")
    none = checked_with(camp, initiative_context(camp, []), [nominee(full(HOA), criterion_2="Có")])
    assert "chưa đăng ký đề tài, sáng kiến nào" in only(none, "nomination.not_author").message


def test_initiative_criterion_is_not_checked_without_an_initiative_form(camp, monkeypatch):
    forms = {k: v for k, v in rules.load_forms().items() if k != "initiatives"}
    monkeypatch.setattr(rules, "load_forms", lambda: forms)
    result = checked_with(camp, initiative_context(camp, []), [nominee(full(HOA), criterion_2="Có")])
    assert result.findings == []


def test_description_too_short_to_publish(camp):
    short = "x" * (rules.MIN_DESCRIPTION - 1)
    result = nominated(camp, [nominee(full(HOA), description=short)])
    f = only(result, "nomination.short_description")
    assert (f.cell, f.field, f.severity) == (at("description"), "description", WARNING)
    assert f.message == message("nomination.short_description", what=what(HOA), length=rules.MIN_DESCRIPTION - 1,
                                minimum=rules.MIN_DESCRIPTION)
    assert nominated(camp, [nominee(full(HOA), description="x" * rules.MIN_DESCRIPTION)]).findings == []
    assert codes(nominated(camp, [nominee(full(HOA), description=" Tốt. \u00a0 ")])) == ["nomination.short_description"]


def test_same_nominee_from_another_unit(camp):
    assert codes(sent(camp, [nominee(full(HOA)), team()], "PBGD")) == ["nomination.not_registered"]
    result = nominated(camp, [nominee("  " + full(HOA).upper()), team("Tổ Hành chính")])
    f = only(result, "nomination.other_unit")
    assert (f.cell, f.field, f.severity) == (at("name"), "name", WARNING)
    assert f.message == message("nomination.other_unit", what=what(full(HOA).upper()),
                                other_unit="Phòng Phổ biến, giáo dục pháp luật")
    # the same collective name too; a person and a collective of the same name are different nominees
    assert codes(nominated(camp, [team()])) == ["nomination.other_unit"]
    assert nominated(camp, [team(full(HOA))]).findings == []
    # the unit's own earlier file does not count
    assert codes(sent(camp, [nominee(full(NAM))], "VP")) == []
    assert nominated(camp, [nominee(full(NAM))]).findings == []


def test_same_nominee_from_two_units_in_one_collect_run(camp):
    first = return_file(camp, [nominee(full(LAN))], "PBGD", OCTOBER)
    second = return_file(camp, [nominee(full(LAN))], "VP", datetime(2024, 10, 12, 9, 0))
    done = collect(camp, [first, second], feedback=False).files
    by_unit = {c.result.unit_code: codes(c.result) for c in done}
    assert by_unit["PBGD"] == []
    assert "nomination.other_unit" in by_unit["VP"]


def test_every_code_is_a_nomination_code_and_rule_findings_cite_their_basis():
    assert all(code.startswith("nomination.") for code in rules.CODES)
    for code in ("nomination.no_criterion", "nomination.not_registered", "nomination.not_author"):
        assert "(Căn cứ: {basis}.)" in rules.CODES[code].text


# --- the master: the council's list, the office's selection ----------------------------------------------
def listed(path: Path) -> tuple[list[dict], list[str]]:
    """The master's nomination list: its rows (by header label) and its category headings."""
    ws = load_workbook(path)[rules.LIST_SHEET]
    head = next(r for r in range(1, 15) if ws.cell(row=r, column=1).value == "STT")
    labels = [c.value for c in ws[head]]
    rows, parts = [], []
    for r in range(head + 1, ws.max_row + 1):
        values = dict(zip(labels, (c.value for c in ws[r])))
        if values.get(rules.KEY_LABEL):
            rows.append(values)
        elif values.get("STT") and str(values["STT"]).split(".")[0] in ("I", "II", "III"):
            parts.append(values["STT"])
    return rows, parts


def office_types(path: Path, key: str, choice: str | None, remark: str | None = None) -> None:
    """The office opens the master, types into the yellow columns of ``key``'s row, saves."""
    wb = load_workbook(path)
    ws = wb[rules.LIST_SHEET]
    head = next(r for r in range(1, 15) if ws.cell(row=r, column=1).value == "STT")
    cols = {c.value: c.column for c in ws[head]}
    row = next(r for r in range(head + 1, ws.max_row + 1) if ws.cell(row=r, column=cols[rules.KEY_LABEL]).value == key)
    ws.cell(row=row, column=cols[rules.SELECT_LABEL]).value = choice
    if remark is not None:
        ws.cell(row=row, column=cols[rules.REMARK_LABEL]).value = remark
    wb.save(path)


def publication_files(camp) -> list[Path]:
    return sorted((camp.dir / "master").glob("Danh sách điển hình tiên tiến tuyên truyền*"))


@pytest.fixture
def listed_camp(camp):
    """Two units' nominations in the ledger (one of PBGD's names the same person as VP)."""
    hostile = team("<script>alert('x')</script>", description="=1+1 " + LONG, evidence="=HYPERLINK(\"http://x.vn\")",
                   category="Nhân tố mới")
    assert sent(camp, [nominee(full(HOA), criterion_3="Có"), team(), hostile], "VP").status != "rejected"
    assert sent(camp, [nominee(full(LAN)), nominee(full(HOA), category="Mô hình mới")], "PBGD").status != "rejected"
    return camp


def test_master_lists_nominations_grouped_by_category(listed_camp):
    camp = listed_camp
    result = consolidate(camp)
    assert result.outputs == [] and publication_files(camp) == []  # nothing selected: nothing published
    rows, parts = listed(result.path)
    assert parts == ["I. ĐIỂN HÌNH TIÊN TIẾN (2)", "II. MÔ HÌNH MỚI (2)", "III. NHÂN TỐ MỚI (1)"]
    assert [(r["Đơn vị đề xuất"], r["Tên tập thể, họ và tên cá nhân"]) for r in rows] == [
        ("Văn phòng Sở", full(HOA)), ("Phòng Phổ biến, giáo dục pháp luật", full(LAN)),
        ("Văn phòng Sở", "Tổ Tổng hợp"), ("Phòng Phổ biến, giáo dục pháp luật", full(HOA)),
        ("Văn phòng Sở", "<script>alert('x')</script>")]
    first = rows[0]
    assert first["Tiêu chí đạt"] == "\n".join(SHEET.column(c).label for c in ("criterion_1", "criterion_3"))
    assert (first["Mô tả mô hình, thành tích"], first["Hình thức tuyên truyền đề xuất"]) == (LONG, PUBLICITY)
    assert first["Ghi chú"] == "Cũng được đề xuất bởi: Phòng Phổ biến, giáo dục pháp luật"
    assert rows[3]["Ghi chú"] == "Cũng được đề xuất bởi: Văn phòng Sở"
    assert first[rules.KEY_LABEL] == "VP|CN|nguyễn thị hoa" and rows[2][rules.KEY_LABEL] == "VP|TT|tổ tổng hợp"
    assert first[rules.SELECT_LABEL] is None
    ws = load_workbook(result.path)[rules.LIST_SHEET]
    hostile = next(c for row in ws.iter_rows() for c in row if c.value == "=1+1 " + LONG)
    assert hostile.data_type == "s"


def test_office_selection_is_read_back_and_publishes_only_the_selected(listed_camp):
    camp = listed_camp
    path = consolidate(camp).path
    office_types(path, "VP|CN|nguyễn thị hoa", "x", "Đăng Cổng thông tin trong tháng 11")
    office_types(path, "VP|TT|<script>alert('x')</script>", "Có")
    office_types(path, "PBGD|CN|hoàng thị lan", "không")  # not a selection
    result = consolidate(camp)
    assert result.findings == []
    with Ledger(camp.dir) as ledger:
        stored = office.entries(ledger, rules.SCOPE)
    assert stored["VP|CN|nguyễn thị hoa"] == {"selected": "x", "remark": "Đăng Cổng thông tin trong tháng 11"}
    rows, _ = listed(result.path)
    shown = {r[rules.KEY_LABEL]: (r[rules.SELECT_LABEL], r[rules.REMARK_LABEL]) for r in rows}
    assert shown["VP|CN|nguyễn thị hoa"] == ("x", "Đăng Cổng thông tin trong tháng 11")
    assert shown["VP|TT|<script>alert('x')</script>"] == ("Có", None)
    assert sorted(result.outputs) == publication_files(camp)
    xlsx, page = sorted(result.outputs, key=lambda p: p.suffix != ".xlsx")
    assert xlsx.name == "Danh sách điển hình tiên tiến tuyên truyền 2024.xlsx" and page.suffix == ".html"
    with Ledger(camp.dir) as ledger:
        names = [n.name for n in rules.nominations(Context(camp, ledger)) if n.selected]
    assert names == [full(HOA), "<script>alert('x')</script>"]
    _check_workbook(xlsx)
    _check_page(page)


def _check_workbook(path: Path) -> None:
    wb = load_workbook(path)
    [ws] = wb.worksheets
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    values = [c.value for c in cells]
    assert [v for v in values if re.match(r"[IVX]+\. ", str(v))] == ["I. ĐIỂN HÌNH TIÊN TIẾN", "II. NHÂN TỐ MỚI"]
    assert full(HOA) in values and full(LAN) not in values and "Tổ Tổng hợp" not in values
    assert "=1+1 " + LONG in values and all(c.data_type != "f" for c in cells)  # text stays text
    assert not any(v in (rules.SELECT_LABEL, rules.REMARK_LABEL, "Đăng Cổng thông tin trong tháng 11") for v in values)
    assert (ws.page_setup.orientation, ws.page_setup.paperSize) == ("landscape", 9)
    assert ws.print_title_rows and ws["B10"].font.name == "Times New Roman"


def _check_page(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in text and "<h1>" in text
    assert "<script" not in text and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in text
    assert "http" not in text and "src=" not in text and "<link" not in text  # no outside resources
    assert text.index("Điển hình tiên tiến</h2>") < text.index("Nhân tố mới</h2>")
    assert text.count("<section>") == 2 and text.count("<article>") == 2
    assert full(HOA) in text and "Văn phòng Sở" in text and LONG in text and PUBLICITY in text
    assert full(LAN) not in text and "HYPERLINK" not in text  # not selected; evidence is not published


def test_publication_is_kept_on_rerun_and_not_removed_when_nothing_is_selected(listed_camp):
    camp = listed_camp
    path = consolidate(camp).path
    office_types(path, "VP|CN|nguyễn thị hoa", "Có")
    first = consolidate(camp)
    page = next(p for p in first.outputs if p.suffix == ".html")
    again = consolidate(camp)  # nobody typed anything: the selection is still there
    assert again.outputs == first.outputs and full(HOA) in page.read_text(encoding="utf-8")
    assert listed(again.path)[0][0][rules.SELECT_LABEL] == "Có"
    office_types(path, "VP|CN|nguyễn thị hoa", None)  # the office clears its selection
    cleared = consolidate(camp)
    assert cleared.outputs == []
    assert all(p.exists() for p in first.outputs)  # the last list published stays
    with Ledger(camp.dir) as ledger:
        assert "selected" not in office.entries(ledger, rules.SCOPE).get("VP|CN|nguyễn thị hoa", {})


def test_a_rejected_file_is_not_listed(camp):
    assert sent(camp, [{**nominee(full(HOA)), "criterion_1": None}]).status == "rejected"
    result = consolidate(camp)
    from openpyxl import load_workbook as load
    assert rules.LIST_SHEET not in load(result.path).sheetnames


# --- the demo ----------------------------------------------------------------------------------------
def test_demo_catches_every_simulated_mistake_and_publishes(tmp_path):
    from sheets_tools.collection.templates import unit_file_name
    from sheets_tools.demo.year import SAMPLE, simulate_replies
    from sheets_tools.demo.nominations import INBOX, MISTAKES, SELECTED, run_nominations
    from sheets_tools.collection.issue import issue
    campaign_writer.create(tmp_path / "demo", SAMPLE)
    camp = campaign_mod.load(tmp_path / "demo")
    issue(camp, ["registration"])
    form = get_form("registration")
    simulate_replies(camp, form, camp.dir / "inbox",
                     lambda unit: camp.dir / "outbox" / unit.code / unit_file_name(form, camp, unit))
    collect(camp, [camp.dir / "inbox"], feedback=False)
    lines: list[str] = []
    assert run_nominations(camp, lines.append, 7) == 10
    assert any(INBOX in line for line in lines)
    expected = {"PTP-BH": "nomination.no_criterion", "PTP-KN": "nomination.not_registered",
                "CC1": "nomination.short_description", "PTP-EK": "nomination.other_unit",
                "XDKT": "nomination.not_author"}
    assert set(expected) == set(MISTAKES)
    with Ledger(camp.dir) as ledger:
        for unit, code in expected.items():
            found = {f.code for s in ledger.submissions(unit=unit, form="nominations") for f in ledger.findings(s.id)}
            if code == "nomination.not_author" and "initiatives" not in rules.load_forms():
                continue
            assert code in found, (unit, code, found)
        selected = [n for n in rules.nominations(Context(camp, ledger)) if n.selected]
    assert len(selected) == SELECTED
    assert len({n.category for n in selected}) == SELECTED  # one of each category
    page = next((camp.dir / "master").glob("*.html")).read_text(encoding="utf-8")
    assert all(n.name in page for n in selected)
