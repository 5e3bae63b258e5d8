"""The mid-year and year-end reports (rules/_report.py): the template and its targets, each check with a
case that passes and one that fails, the narrative kept in the ledger's archive, the master's sheet with
its chart, and the demo's simulated reports."""
from __future__ import annotations

import io
import os
from datetime import datetime
from pathlib import Path

import pytest
from docx import Document as WordDocument
from openpyxl import load_workbook

from sheets_tools.collection.templates import form_workbook, unit_file_name
from sheets_tools.collection.collect import collect
from sheets_tools.master.consolidate import consolidate
from sheets_tools.core.findings import ERROR, WARNING, message
from sheets_tools.formkit.declaration import FIRST_ROW, get_form, load_forms
from sheets_tools.store.ledger import Ledger
from sheets_tools.core.records import Document, Incoming
from sheets_tools.formkit.plugins import Context
from sheets_tools.forms import midyear_report, yearend_report
from sheets_tools.collection.issue import draft_email
from sheets_tools.collection.validate import check_file

from workbooks import codes, only, register_common_targets

MID, END = "midyear_report", "yearend_report"
SHEET = get_form(MID).sheet("results")
DOCS = get_form(MID).sheet("documents")
COL = {c.field: c.letter for c in SHEET.columns}
RECEIVED = {MID: datetime(2024, 6, 20, 9, 0), END: datetime(2024, 11, 20, 9, 0)}
NARRATIVE = "Báo cáo sơ kết 6 tháng - Văn phòng Sở.docx"
UNIT = "VP"  # CT01 (count, at least 10 cuộc), CT02 (percent, at least 100%), CT05 (count, at most 0 hồ sơ)


def rows_of(ws, sheet=SHEET) -> dict[str, int]:
    """Indicator code -> spreadsheet row on a prefilled indicator sheet."""
    letter, out = sheet.column("code").letter, {}
    for r in range(FIRST_ROW, FIRST_ROW + sheet.rows):
        code = ws[f"{letter}{r}"].value
        if not isinstance(code, str) or not code:
            break
        out[code] = r
    return out


def report(camp, results: dict | None = None, *, unit: str = UNIT, form_id: str = MID, notes: dict | None = None,
           documents: list[dict] | None = None, context=None, tweak=None):
    """The unit's report as issued (``context``: with the ledger, January's targets are written), every
    result at its target unless ``results`` says otherwise (code -> value, None = blank); the narrative
    named on the second sheet."""
    form = get_form(form_id)
    wb = form_workbook(form, camp, camp.unit(unit), context=context)
    ws = wb[SHEET.name]
    at = rows_of(ws)
    values = {code: ws[f"{COL['target']}{r}"].value for code, r in at.items()}
    for code, value in {**values, **(results or {})}.items():
        ws[f"{COL['result']}{at[code]}"] = value
    for code, text in (notes or {}).items():
        ws[f"{COL['explanation']}{at[code]}"] = text
    docs = wb[DOCS.name]
    for i, row in enumerate([{"file_name": NARRATIVE}] if documents is None else documents):
        for field, value in row.items():
            docs[f"{DOCS.column(field).letter}{FIRST_ROW + i}"] = value
    if tweak:
        tweak(ws, at)
    return wb


def to_bytes(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def checked(camp, wb, *, sent=(NARRATIVE,), form_id: str = MID, context=None):
    """Check a report as collect does; ``sent``: the names of the documents sent with it."""
    docs = [Document(name=n, data=b"PK narrative") for n in sent]
    name = "bao-cao.xlsx"
    incoming = Incoming(name=name, data=to_bytes(wb), source=name, received_at=RECEIVED[form_id], documents=docs)
    return check_file(incoming, camp, context)


def name_of(camp, code: str) -> str:
    return next(i.name for i in camp.indicators if i.code == code)


# --- the declarations and the template -------------------------------------------------------------
def test_declarations():
    forms = load_forms()
    mid, end = forms[MID], forms[END]
    assert (mid.name, mid.order, mid.deadline) == ("Báo cáo sơ kết 6 tháng", 30, "midyear")
    assert mid.title == "BÁO CÁO SƠ KẾT PHONG TRÀO THI ĐUA 6 THÁNG ĐẦU NĂM {year}"
    assert (end.name, end.order, end.deadline) == ("Báo cáo tổng kết năm", 45, "yearend")
    assert end.sheets == mid.sheets  # the year-end report shares the mid-year sheets
    assert [s.key for s in mid.sheets] == ["results", "documents"]
    assert SHEET.prefill == "indicators" and SHEET.column("result").required and SHEET.column("result").minimum == 0
    assert DOCS.column("file_name").required and not DOCS.prefill
    order = list(forms)
    assert order.index("registration") < order.index(MID) < order.index("scoring") < order.index(END)


def test_template_lists_the_units_indicators_with_their_targets(shared_camp):
    wb = form_workbook(get_form(MID), shared_camp, shared_camp.unit("TGPL"))
    ws = wb[SHEET.name]
    at = rows_of(ws)
    assert list(at) == ["CT01", "CT02", "CT04", "CT05"]
    assert [ws[f"{COL['target']}{r}"].value for r in at.values()] == [10, 100, 150, 0]  # the common targets
    first = at["CT01"]
    for field in ("code", "name", "measure", "rule", "target"):
        assert ws[f"{COL[field]}{first}"].protection.locked, field
    for field in ("result", "explanation"):
        assert not ws[f"{COL[field]}{first}"].protection.locked, field
    assert "Hạn nộp: 30/06/2024" in [c.value for row in ws.iter_rows(max_row=5) for c in row]
    end = form_workbook(get_form(END), shared_camp, shared_camp.unit("TGPL"))
    assert end[SHEET.name]["A4"].value == "BÁO CÁO TỔNG KẾT PHONG TRÀO THI ĐUA NĂM 2024"
    assert "Hạn nộp: 30/11/2024" in [c.value for row in end[SHEET.name].iter_rows(max_row=5) for c in row]


def register_targets(camp, unit: str, targets: dict[str, float], folder: Path) -> None:
    """January: the unit's registration with its own targets, collected into the ledger."""
    reg = get_form("registration")
    wb = register_common_targets(form_workbook(reg, camp, camp.unit(unit)), camp, unit)
    sheet = reg.sheet("targets")
    at = rows_of(wb[sheet.name], sheet)
    for code, value in targets.items():
        wb[sheet.name][f"{sheet.column('target').letter}{at[code]}"] = value
    movements = reg.sheet("movements")
    wb[movements.name][f"{movements.column('movement').letter}{FIRST_ROW}"] = camp.movements[0].name
    path = folder / f"dang-ky-{unit}.xlsx"
    wb.save(path)
    os.utime(path, (datetime(2024, 1, 20).timestamp(),) * 2)
    [done] = collect(camp, [path], feedback=False).files
    assert done.result.status == "accepted", codes(done.result)


def test_template_carries_the_target_registered_in_january(camp, tmp_path):
    register_targets(camp, UNIT, {"CT01": 12}, tmp_path)
    with Ledger(camp.dir) as ledger:
        ws = form_workbook(get_form(MID), camp, camp.unit(UNIT), context=Context(camp, ledger))[SHEET.name]
    at = rows_of(ws)
    assert ws[f"{COL['target']}{at['CT01']}"].value == 12 and ws[f"{COL['target']}{at['CT02']}"].value == 100
    # without the ledger (or for a unit without a registration): the common target
    assert form_workbook(get_form(MID), camp, camp.unit(UNIT))[SHEET.name][f"{COL['target']}{at['CT01']}"].value == 10


# --- a correct report ------------------------------------------------------------------------------
def test_correct_report_has_no_findings_and_keeps_its_narrative(shared_camp):
    result = checked(shared_camp, report(shared_camp))
    assert (result.form_id, result.unit_code) == (MID, UNIT)
    assert result.findings == [] and result.status == "accepted"
    assert [d.name for d in result.documents] == [NARRATIVE]
    year_end = checked(shared_camp, report(shared_camp, form_id=END), form_id=END)
    assert year_end.findings == [] and year_end.form_id == END


# --- each check: a case that fails and one that passes ---------------------------------------------
def test_result_missing(shared_camp):
    result = checked(shared_camp, report(shared_camp, {"CT01": None}))
    f = only(result, "cell.required")
    assert (f.cell, f.severity) == (f"{COL['result']}{FIRST_ROW}", ERROR)
    assert result.status == "rejected"
    assert checked(shared_camp, report(shared_camp, {"CT01": 7})).findings == []


def test_result_negative_or_text(shared_camp):
    assert codes(checked(shared_camp, report(shared_camp, {"CT01": -3}))) == ["cell.out_of_range"]
    assert codes(checked(shared_camp, report(shared_camp, {"CT01": "khoảng 12 cuộc"}))) == ["cell.bad_number"]
    assert checked(shared_camp, report(shared_camp, {"CT01": "12"})).findings == []  # a number typed as text


@pytest.mark.parametrize("typed", [1001, 1e20, 1e307])
def test_a_result_over_a_hundred_times_the_target_is_a_slip_never_a_crash(shared_camp, typed):
    """10 cuộc asked, 1001 or 1E+307 typed: refused with its cell (1E+307 used to stop the whole collect
    with an OverflowError); 1000 (100 times) is still taken."""
    result = checked(shared_camp, report(shared_camp, {"CT01": typed}))
    f = only(result, "report.implausible")
    assert (f.cell, f.severity) == (f"{COL['result']}{FIRST_ROW}", ERROR)
    assert "gấp hơn 100 lần chỉ tiêu năm (10 cuộc)" in f.message and result.status == "rejected"
    assert checked(shared_camp, report(shared_camp, {"CT01": 1000})).findings == []


def test_percent_result_above_100(shared_camp):
    result = checked(shared_camp, report(shared_camp, {"CT02": 104.5}))
    f = only(result, "report.percent_above")
    assert (f.cell, f.severity) == (f"{COL['result']}{FIRST_ROW + 1}", ERROR)
    assert f.message == message("report.percent_above", ind="CT02", name=name_of(shared_camp, "CT02"), value="104,5")
    assert codes(result) == ["report.percent_above"]
    assert checked(shared_camp, report(shared_camp, {"CT02": 100})).findings == []


def test_target_not_met_needs_an_explanation(shared_camp):
    result = checked(shared_camp, report(shared_camp, {"CT02": 97.5}))
    f = only(result, "report.explanation_missing")
    assert (f.cell, f.field, f.severity) == (f"{COL['explanation']}{FIRST_ROW + 1}", "explanation", ERROR)
    assert f.message == message("report.explanation_missing", ind="CT02", name=name_of(shared_camp, "CT02"), value="97,5%",
                                goal="chỉ tiêu 100%", gap="còn thiếu 2,5%, đạt 97,5% mức cần đạt",
                                label=SHEET.column("explanation").label)
    assert result.status == "rejected"
    explained = checked(shared_camp, report(shared_camp, {"CT02": 97.5}, notes={"CT02": "Hai hồ sơ phải bổ sung giấy tờ"}))
    f = only(explained, "report.not_met")
    assert (f.cell, f.severity) == (f"{COL['result']}{FIRST_ROW + 1}", WARNING)
    assert "còn thiếu 2,5%" in f.message and explained.status == "accepted_with_warnings"
    assert checked(shared_camp, report(shared_camp, {"CT02": 100})).findings == []


def test_mid_year_count_is_compared_with_a_share_of_the_years_target(shared_camp):
    # 5 cuộc by June is half of the year's 10: met mid-year, not met at year end
    assert checked(shared_camp, report(shared_camp, {"CT01": 5})).findings == []
    f = only(checked(shared_camp, report(shared_camp, {"CT01": 4})), "report.explanation_missing")
    assert "mức 6 tháng 5 cuộc (50% chỉ tiêu năm 10 cuộc" in f.message and "còn thiếu 1 cuộc, đạt 80%" in f.message
    year_end = only(checked(shared_camp, report(shared_camp, {"CT01": 5}, form_id=END), form_id=END), "report.explanation_missing")
    assert "chưa đạt chỉ tiêu 10 cuộc (còn thiếu 5 cuộc, đạt 50% mức cần đạt)" in year_end.message


def test_mid_year_share_is_a_setting(camp):
    camp = camp.model_copy(update={"settings": {**camp.settings, "midyear_target_percent": "40"}})
    assert checked(camp, report(camp, {"CT01": 4})).findings == []  # 40% of 10
    f = only(checked(camp, report(camp, {"CT01": 3})), "report.explanation_missing")
    assert "mức 6 tháng 4 cuộc (40% chỉ tiêu năm 10 cuộc, theo cài đặt \"midyear_target_percent\")" in f.message


def test_an_at_most_indicator_above_its_target(shared_camp):
    result = checked(shared_camp, report(shared_camp, {"CT05": 2}, notes={"CT05": "Hai hồ sơ đất đai phức tạp"}))
    f = only(result, "report.not_met")
    assert f.message == message("report.not_met", ind="CT05", name=name_of(shared_camp, "CT05"), value="2 hồ sơ",
                                goal="mức tối đa 0 hồ sơ", gap="vượt 2 hồ sơ")
    assert checked(shared_camp, report(shared_camp, {"CT05": 0})).findings == []


def test_the_target_cell_edited_by_the_unit(shared_camp):
    def edit(value):
        def tweak(ws, at):
            ws[f"{COL['target']}{at['CT01']}"] = value  # a locked cell, unprotected and overwritten
        return tweak
    result = checked(shared_camp, report(shared_camp, {"CT01": 3}, notes={"CT01": "Thiếu kinh phí"}, tweak=edit(4)))
    f = only(result, "report.target_changed")
    assert (f.cell, f.severity) == (f"{COL['target']}{FIRST_ROW}", WARNING)
    assert f.message == message("report.target_changed", ind="CT01", label="Chỉ tiêu năm", value="4 cuộc",
                                expected="10 cuộc", source="chỉ tiêu chung của Sở")
    # the result is compared with the Department's target (5 by mid-year), not the edited one (2)
    assert sorted(codes(result)) == ["report.not_met", "report.target_changed"]
    assert checked(shared_camp, report(shared_camp, tweak=edit(10))).findings == []  # typed, but the same


def test_year_end_result_below_the_mid_year_one(camp, tmp_path):
    mid = tmp_path / "so-ket.xlsx"
    mid.write_bytes(to_bytes(report(camp, {"CT01": 7})))
    os.utime(mid, (RECEIVED[MID].timestamp(),) * 2)
    (tmp_path / NARRATIVE).write_bytes(b"PK narrative")  # in the same folder: sent with it
    [done] = collect(camp, [mid], feedback=False).files
    assert done.result.status == "accepted", codes(done.result)
    with Ledger(camp.dir) as ledger:
        context = Context(camp, ledger)
        result = checked(camp, report(camp, {"CT01": 12, "CT05": 0}, form_id=END), form_id=END, context=context)
        assert result.findings == []
        lower = checked(camp, report(camp, {"CT01": 6}, form_id=END, notes={"CT01": "Thiếu kinh phí"}),
                        form_id=END, context=Context(camp, ledger))
    f = only(lower, "report.below_midyear")
    assert (f.cell, f.severity) == (f"{COL['result']}{FIRST_ROW}", WARNING)
    assert f.message == message("report.below_midyear", ind="CT01", name=name_of(camp, "CT01"), value="6 cuộc",
                                expected="7 cuộc")


def test_indicator_rows_deleted_unknown_or_twice(shared_camp):
    def delete(ws, at):
        ws.delete_rows(at["CT02"])
        for merged in ws.merged_cells.ranges:
            if merged.min_row > at["CT02"]:
                merged.shift(0, -1)
    result = checked(shared_camp, report(shared_camp, tweak=delete))
    f = only(result, "report.indicator_missing")
    assert (f.cell, f.severity) == (None, ERROR)
    assert f.message == message("report.indicator_missing", value="CT02", what=name_of(shared_camp, "CT02"))

    def rename(code):
        def tweak(ws, at):
            ws[f"{COL['code']}{at['CT05']}"] = code
        return tweak
    unknown = checked(shared_camp, report(shared_camp, tweak=rename("CT99")))
    assert only(unknown, "report.unknown_indicator").severity == WARNING
    assert sorted(codes(unknown)) == ["report.indicator_missing", "report.unknown_indicator"]
    twice = checked(shared_camp, report(shared_camp, tweak=rename("CT01")))
    assert only(twice, "report.duplicate_indicator").message == message(
        "report.duplicate_indicator", value="CT01", other_row=FIRST_ROW)


# --- the narrative -----------------------------------------------------------------------------------
def test_named_document_matched_without_extension_case_or_path(shared_camp):
    named = [{"file_name": "C:\\Báo cáo\\BÁO CÁO SƠ KẾT 6 THÁNG - VĂN PHÒNG SỞ"}]
    result = checked(shared_camp, report(shared_camp, documents=named))
    assert result.findings == [] and [d.name for d in result.documents] == [NARRATIVE]


def test_named_document_not_sent(shared_camp):
    result = checked(shared_camp, report(shared_camp, documents=[{"file_name": "Báo cáo.docx"}]), sent=(NARRATIVE, "Phụ lục.pdf"))
    f = only(result, "report.document_not_sent")
    assert (f.sheet, f.cell, f.severity) == (DOCS.name, f"{DOCS.column('file_name').letter}{FIRST_ROW}", WARNING)
    assert f.message == message("report.document_not_sent", value="Báo cáo.docx", sent=f"{NARRATIVE}; Phụ lục.pdf")
    assert result.documents == [] and result.status == "accepted_with_warnings"
    nothing = only(checked(shared_camp, report(shared_camp), sent=()), "report.document_not_sent")
    assert "không có tệp nào" in nothing.message


def test_no_document_named(shared_camp):
    result = checked(shared_camp, report(shared_camp, documents=[]))
    f = only(result, "report.no_document")
    assert (f.sheet, f.cell, f.severity) == (DOCS.name, f"{DOCS.column('file_name').letter}{FIRST_ROW}", ERROR)
    assert result.status == "rejected"
    # a row with the document's number but not its file: the file name is required
    numbered = checked(shared_camp, report(shared_camp, documents=[{"number": "15/BC-VP"}]))
    assert codes(numbered) == ["cell.required"] and only(numbered, "cell.required").sheet == DOCS.name


def mail(camp, unit: str, wb, folder: Path, *, docx: str | None, form_id: str = MID) -> Path:
    """The unit's e-mail: its report and (``docx``) a Word narrative attached."""
    folder.mkdir(parents=True, exist_ok=True)
    book = folder / unit_file_name(get_form(form_id), camp, camp.unit(unit))
    wb.save(book)
    paths = [book]
    if docx:
        doc = WordDocument()
        doc.add_paragraph(f"Báo cáo sơ kết của {camp.unit(unit).name}")
        doc.save(folder / docx)
        paths.append(folder / docx)
    eml = folder / f"{unit}.eml"
    eml.write_bytes(draft_email(sender="donvi@example.gov.vn", to="vp@example.gov.vn", subject="Báo cáo",
                                body="Gửi kèm báo cáo.", attachments=paths, date=RECEIVED[form_id]))
    return eml


def test_collected_email_keeps_the_narrative_in_the_archive(camp, tmp_path):
    eml = mail(camp, UNIT, report(camp), tmp_path / "in", docx=NARRATIVE)
    sent_docx = (tmp_path / "in" / NARRATIVE).read_bytes()
    [done] = collect(camp, [eml], feedback=False).files
    assert done.result.status == "accepted", codes(done.result)
    with Ledger(camp.dir) as ledger:
        [(name, path)] = ledger.documents(done.submission_id)
    assert name == NARRATIVE and path.is_file() and path.is_relative_to(camp.dir / "archive")
    assert path.read_bytes() == sent_docx
    assert "Văn phòng Sở" in "\n".join(p.text for p in WordDocument(str(path)).paragraphs)


# --- the master ----------------------------------------------------------------------------------------
@pytest.fixture
def reported(camp, tmp_path):
    """Three units report mid-year: VP met every target with a Word narrative; TTR short on CT01 and
    explained, without its document; TGPL's report is rejected. VP registered CT01 = 12 in January."""
    register_targets(camp, UNIT, {"CT01": 12}, tmp_path)
    with Ledger(camp.dir) as ledger:
        context = Context(camp, ledger)
        books = {UNIT: (report(camp, {"CT01": 7}, context=context), NARRATIVE),
                 "TTR": (report(camp, {"CT01": 3}, unit="TTR", notes={"CT01": "Thiếu cán bộ"}), None),
                 "TGPL": (report(camp, {"CT04": None}, unit="TGPL"), NARRATIVE)}
    emls = [mail(camp, unit, wb, tmp_path / unit, docx=docx) for unit, (wb, docx) in books.items()]
    states = {c.result.unit_code: c.result.status for c in collect(camp, emls, feedback=False).files}
    assert states == {UNIT: "accepted", "TTR": "accepted_with_warnings", "TGPL": "rejected"}
    return camp, consolidate(camp).path


def sheet_rows(ws, first: int, last: int) -> list[tuple]:
    return [r for r in ws.iter_rows(min_row=first, max_row=last, values_only=True)]


def test_master_sheet_summary_chart_detail_and_documents(reported):
    camp, path = reported
    wb = load_workbook(path)
    midyear, yearend = midyear_report.REPORT.master_sheet, yearend_report.REPORT.master_sheet
    assert midyear in wb.sheetnames and yearend not in wb.sheetnames  # nobody sent it yet
    ws = wb[midyear]
    assert ws["A3"].value == "KẾT QUẢ THỰC HIỆN CHỈ TIÊU THI ĐUA 6 THÁNG ĐẦU NĂM 2024"
    head = [c.value for c in ws[6]]
    assert head[:9] == ["Mã chỉ tiêu", "Tên chỉ tiêu", "Đơn vị tính", "Số đơn vị báo cáo", "Chỉ tiêu năm", "Kết quả",
                        "Kết quả so với chỉ tiêu năm (%)", "Số đơn vị đạt", "Số đơn vị chưa đạt"]
    summary = {r[0]: r for r in sheet_rows(ws, 7, 11)}
    assert list(summary) == ["CT01", "CT02", "CT03", "CT04", "CT05"]
    # CT01: VP 7 of its own 12 (goal 6 by June: met), TTR 3 of 10 (goal 5: not met); TGPL rejected: not counted
    assert summary["CT01"][3:9] == (2, 22, 10, 45.5, 1, 1)
    assert summary["CT02"][3:9] == (2, 100, 100, 100, 2, 0)  # a percentage: the average
    assert summary["CT04"][3] == 0
    [chart] = ws._charts  # % of the year's target per indicator: column G of the summary
    assert chart.series[0].val.numRef.f == f"'{midyear}'!$G$7:$G$11"
    categories = chart.series[0].cat.strRef or chart.series[0].cat.numRef
    assert categories.f == f"'{midyear}'!$A$7:$A$11"
    assert [ws[f"G{r}"].value for r in range(7, 12)] == [45.5, 100, None, None, None]
    cells = list(ws.iter_rows(min_row=12, values_only=True))
    assert any(row[0] == "Chi tiết theo đơn vị" for row in cells)
    detail = [row for row in cells if row[0] in (UNIT, "TTR") and row[2] in ("CT01", "CT02", "CT05")]
    assert detail[0][:9] == (UNIT, "Văn phòng Sở", "CT01", "cuộc", 12, 6, 7, "Đạt", "Đơn vị đăng ký")
    ttr = next(row for row in detail if row[0] == "TTR" and row[2] == "CT01")
    assert ttr[4:10] == (10, 5, 3, "Chưa đạt", "Chung của Sở", "Thiếu cán bộ")
    assert len(detail) == 6  # VP's and TTR's three indicators; TGPL's rejected report is not shown
    documents = {row[0]: row for row in cells if row[0] in {u.code for u in camp.units} and row[2] in (
        "Đã nhận", "Chưa nhận", "Báo cáo bị trả lại", "Chưa nộp báo cáo")}
    assert documents[UNIT][2:4] == ("Đã nhận", NARRATIVE) and documents[UNIT][7].startswith("archive")
    assert documents["TTR"][2:4] == ("Chưa nhận", NARRATIVE)
    assert documents["TGPL"][2] == "Báo cáo bị trả lại" and documents["DGTS"][2] == "Chưa nộp báo cáo"


def test_master_has_no_report_sheet_before_any_report(camp):
    names = load_workbook(consolidate(camp).path).sheetnames
    assert midyear_report.REPORT.master_sheet not in names and yearend_report.REPORT.master_sheet not in names


# --- the demo --------------------------------------------------------------------------------------------
def test_demo_reports_catch_every_simulated_mistake(camp):
    from sheets_tools.demo.year import simulate_replies
    from sheets_tools.demo.reports import BLANK_TARGETS, MISTAKES, WEAKER_TARGETS, run_report
    from sheets_tools.collection.issue import issue

    reg = get_form("registration")
    issue(camp, ["registration"])
    simulate_replies(camp, reg, camp.dir / "inbox",
                     lambda u: camp.dir / "outbox" / u.code / unit_file_name(reg, camp, u))
    collect(camp, [camp.dir / "inbox"], feedback=False)
    lines: list[str] = []
    assert run_report(camp, MID, lines.append, 7) == 9
    assert run_report(camp, END, lines.append, 9) == 11
    assert lines[0].startswith("7. ") and "đã lưu" in lines[1] and lines[3].startswith("10. ")
    expected = {"CC1": "report.document_not_sent", "PTP-KBK": "report.document_not_sent",
                "PTP-EHL": "report.document_not_sent", "PTP-KA": "report.explanation_missing",
                "HCTP": "cell.bad_number", "PTP-BD": "report.below_midyear"}
    assert set(expected) == set(MISTAKES)
    with Ledger(camp.dir) as ledger:
        for unit, code in expected.items():
            found = {f.code for s in ledger.submissions(unit=unit) if s.form in (MID, END)
                     for f in ledger.findings(s.id)}
            assert code in found, (unit, code, found)
        january = {s.unit: {f.code for f in ledger.findings(s.id)} for s in ledger.submissions(form="registration")}
        assert all("registration.target_missing" in january[u] for u in BLANK_TARGETS)
        assert all("registration.target_weaker" in january[u] for u in WEAKER_TARGETS)
        kept = [d for s in ledger.submissions(form=MID) for d in ledger.documents(s.id)]
    assert len(kept) >= 15
