"""No proposal line that fails a rule reaches the council's ballot or the decision, unless the office puts it
through: it types its reason in the master's check sheet, ``consolidate`` keeps the reason in the ledger, the
check sheet says so, the ballot prints the reason beside the line, and the decision lists it once the council
passed it; the reason removed, the line is out again. A file returned only for the form's own rules no longer
holds back its clean lines; a file returned for a cell error still does. Everything through the command line,
on the sample campaign (conftest.py ``camp``) with files built in code."""
from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sheets_tools.cli import main
from sheets_tools.core.findings import message
from sheets_tools.forms import adhoc_proposals, proposals
from sheets_tools.master.consolidate import master_path
from sheets_tools.store.ledger import Ledger
from sheets_tools.store.office import entries
from sheets_tools.yearend import council
from sheets_tools.yearend.award import DECISION_DIR, ballot_path
from workbooks import everyone_votes_yes, make_return

JANUARY, NOVEMBER, SEPTEMBER = datetime(2024, 1, 20, 9), datetime(2024, 11, 20, 9), datetime(2024, 9, 10, 9)
HTT, HTXS = "Hoàn thành tốt nhiệm vụ", "Hoàn thành xuất sắc nhiệm vụ"
LDTT, CSTDCS = "Lao động tiên tiến", "Chiến sĩ thi đua cơ sở"
GK_CN = "Giấy khen của Giám đốc Sở (cá nhân)"
# the labels of the master's check sheets and of the ballot, as the office reads them
CHECKS, ADHOC_CHECKS = proposals.CHECK_SHEET, adhoc_proposals.CHECK_SHEET
KEY, REASON, NAME, RESULT = "Mã dòng", "Văn phòng vẫn trình (ghi lý do)", "Họ và tên / Tên tập thể", "Kết quả kiểm tra"
THROUGH = "Trình theo ý kiến Văn phòng"
ON_BALLOT = "Văn phòng vẫn trình (lý do)"  # the ballot's column of the office's reasons

NAM = dict(family_name="Trần Văn", given_name="Nam", birth_date=date(1980, 5, 2), sex="Nam")
LAN = dict(family_name="Hoàng Thị", given_name="Lan", birth_date=date(1988, 9, 30), sex="Nữ")
HOA = dict(family_name="Nguyễn Thị", given_name="Hoa", birth_date=date(1985, 3, 15), sex="Nữ")
DUC = dict(family_name="Phạm Minh", given_name="Đức", birth_date=date(1990, 1, 1), sex="Nam")
BINH = dict(family_name="Lê Văn", given_name="Bình", birth_date=date(1979, 4, 4), sex="Nam")
WHY = "Đã có quyết định công nhận sáng kiến cấp cơ sở, đơn vị gửi bổ sung sau"


def full(p: dict) -> str:
    return f"{p['family_name']} {p['given_name']}"


def run(*args) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    sent_back = args[0] == "collect" and "Bị trả lại" in result.output  # exit status 1: data problems found
    assert result.exit_code == (1 if sent_back else 0), result.output
    assert "Traceback" not in result.output
    return result.output


def when(path: Path, moment: datetime) -> Path:
    os.utime(path, (moment.timestamp(), moment.timestamp()))
    return path


def collect(camp, path: Path) -> str:
    return run("collect", camp.dir, path, "--no-feedback")


def register(camp, unit: str, people: list[tuple[dict, str]]) -> None:
    rows = {"individuals": [{**p, "last_rating": HTT, "title": t} for p, t in people],
            "movements": [{"movement": camp.movements[0].name}]}
    out = collect(camp, when(make_return(camp.dir.parent / f"dk-{unit}.xlsx", camp, unit, rows), JANUARY))
    assert "Bị trả lại" not in out, out


def person(who: dict, title: str, rating: str = HTT, **more) -> dict:
    return {**who, "rating": rating, "title": title, "unit_vote": 100, "pending": "Không",
            "achievements": "Hoàn thành tốt nhiệm vụ được giao", **more}


def propose(camp, unit: str, people: list[dict], name: str, moment: datetime = NOVEMBER) -> str:
    path = make_return(camp.dir.parent / name, camp, unit, {"individuals": people}, form_id="proposals")
    return collect(camp, when(path, moment))


@pytest.fixture
def year(camp):
    """VP registered in January, then proposes: Nam for CSTĐCS on a mere "Hoàn thành tốt nhiệm vụ" without
    an initiative (an error: the file is returned), Lan for CSTĐCS ("Hoàn thành xuất sắc", clean), Hoa for
    LĐTT (clean, no vote). TTR's file has a clean CSTĐCS line (Đức) and a row with a cell the form refuses."""
    register(camp, "VP", [(NAM, CSTDCS), (LAN, CSTDCS), (HOA, LDTT)])
    register(camp, "TTR", [(DUC, CSTDCS), (BINH, LDTT)])
    out = propose(camp, "VP", [person(NAM, CSTDCS), person(LAN, CSTDCS, HTXS), person(HOA, LDTT)], "dn-VP.xlsx")
    assert "Bị trả lại" in out  # Nam's line
    out = propose(camp, "TTR", [person(DUC, CSTDCS, HTXS), person(BINH, LDTT, rating="Rất tốt")], "dn-TTR.xlsx")
    assert "Bị trả lại" in out  # a rating that is not in the list: a cell error
    run("consolidate", camp.dir)
    return camp


# --- reading what the tool wrote -----------------------------------------------------------------------
def check_rows(camp, sheet: str = CHECKS) -> list[dict]:
    """The master's check sheet: one {label: value, "_row": spreadsheet row} per line."""
    ws = load_workbook(master_path(camp))[sheet]
    rows = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if NAME in r and RESULT in r)
    labels = [str(x) if x is not None else "" for x in rows[head]]
    return [{**dict(zip(labels, rows[i])), "_row": i + 1} for i in range(head + 1, len(rows)) if rows[i][0]
            and rows[i][labels.index(NAME)]]


def line_of(camp, who: dict, sheet: str = CHECKS, award: str | None = None) -> dict:
    [row] = [r for r in check_rows(camp, sheet)
             if r[NAME] == full(who) and award in (None, r["Danh hiệu, hình thức đề nghị"])]
    return row


def reason_cell(wb, camp, who: dict, sheet: str = CHECKS):
    """The cell of the office's reason on ``who``'s line of the check sheet, in ``wb`` (the master opened)."""
    ws = wb[sheet]
    head = next((r for r in ws.iter_rows(max_row=10) if any(c.value == REASON for c in r)), None)
    assert head is not None, f"the check sheet has no column \"{REASON}\""
    col = next(c.column for c in head if c.value == REASON)
    return ws.cell(row=line_of(camp, who, sheet)["_row"], column=col)


def type_reason(camp, who: dict, reason: str | None, sheet: str = CHECKS) -> None:
    """The office types ``reason`` (as text, even when it starts with "=") beside ``who``'s line, or clears it."""
    wb = load_workbook(master_path(camp))
    cell = reason_cell(wb, camp, who, sheet)
    cell.value = reason
    if reason is not None:
        cell.data_type = "s"
    wb.save(master_path(camp))


def ballot_rows(camp) -> dict[str, dict]:
    """The ballot's candidates: name -> {label: cell}."""
    ws = load_workbook(ballot_path(camp))[council.VOTES_SHEET]
    head = {c.value: c.column for c in ws[council.HEADER_ROW] if c.value}
    out = {}
    for r in range(council.FIRST_ROW, ws.max_row + 1):
        if ws.cell(row=r, column=head[council.L_ID]).value:
            out[ws.cell(row=r, column=head[council.L_CANDIDATE]).value] = {
                label: ws.cell(row=r, column=c) for label, c in head.items()}
    return out


def make_ballot(camp, *more) -> dict[str, dict]:
    assert "Đã tạo phiếu biểu quyết" in run("council", "ballot", camp.dir, *more)
    return ballot_rows(camp)


def decided(camp, *more) -> set[str]:
    """Every text of the decision list workbook written by ``sheets-tools decision``."""
    run("decision", camp.dir, *more)
    wb = load_workbook(next((camp.dir / DECISION_DIR).glob("*.xlsx")))
    return {str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c}


def reasons(camp, form: str = "proposals") -> dict[str, str]:
    with Ledger(camp.dir) as ledger:
        return {k: v["reason"] for k, v in entries(ledger, f"{form}.override").items() if v.get("reason")}


# --- 1. a line with an error reaches neither the ballot nor the decision ---------------------------------
def test_a_line_with_an_error_is_not_on_the_ballot_nor_in_the_decision(year):
    assert line_of(year, NAM)[RESULT] == "Chưa đạt"
    assert full(NAM) not in make_ballot(year)
    everyone_votes_yes(year)
    run("council", "tally", year.dir)
    assert full(NAM) not in decided(year)


# --- 2. the office's override -----------------------------------------------------------------------------
def test_the_office_puts_a_line_through_and_takes_it_back(year):
    type_reason(year, NAM, WHY)
    run("consolidate", year.dir)
    nam = line_of(year, NAM)
    assert nam[RESULT] == THROUGH and nam[REASON] == WHY  # shown on the check sheet, the rule still listed
    assert "Chiến sĩ thi đua cơ sở" in nam["Vấn đề (căn cứ)"]
    assert reasons(year) == {nam[KEY]: WHY}  # kept in the ledger
    on_ballot = make_ballot(year)
    assert on_ballot[full(NAM)][ON_BALLOT].value == WHY  # printed beside the line
    assert on_ballot[full(LAN)][ON_BALLOT].value is None  # a clean line has no reason
    everyone_votes_yes(year)
    out = run("council", "tally", year.dir)
    assert f"- {full(NAM)} (Văn phòng Sở), {CSTDCS}: Đạt 9/9" in out
    assert full(NAM) in decided(year)
    # the reason removed: the line is out again (the council's vote on it no longer counts)
    type_reason(year, NAM, None)
    run("consolidate", year.dir)
    assert line_of(year, NAM)[RESULT] == "Chưa đạt" and reasons(year) == {}
    assert full(NAM) not in decided(year)
    assert full(NAM) not in make_ballot(year, "--new")


def test_a_reason_that_looks_like_a_formula_stays_text(year):
    type_reason(year, NAM, "=1+1")
    run("consolidate", year.dir)
    cell = reason_cell(load_workbook(master_path(year)), year, NAM)
    assert (cell.value, cell.data_type) == ("=1+1", "s")
    assert reasons(year) == {line_of(year, NAM)[KEY]: "=1+1"}
    written = make_ballot(year)[full(NAM)][ON_BALLOT]
    assert (written.value, written.data_type) == ("=1+1", "s")
    assert full(NAM) in make_ballot(year)  # the reasons are not the council's votes: an unfilled ballot is replaced


def test_a_reason_stays_with_its_person_when_the_unit_sends_another_on_that_row(year):
    type_reason(year, NAM, WHY)
    run("consolidate", year.dir)
    # VP sends its file again, now with Hoa for CSTĐCS (an error) on the row that was Nam's
    propose(year, "VP", [person(HOA, CSTDCS), person(LAN, CSTDCS, HTXS)], "dn-VP-2.xlsx",
            datetime(2024, 11, 25, 9))
    run("consolidate", year.dir)
    hoa = line_of(year, HOA, award=CSTDCS)
    assert hoa[RESULT] == "Chưa đạt" and hoa[REASON] is None
    assert full(HOA) not in make_ballot(year)
    everyone_votes_yes(year)
    run("council", "tally", year.dir)
    assert full(HOA) not in decided(year)


def test_the_council_votes_on_the_reason_as_the_ledger_holds_it(year):
    """A reason changed after the ballot was made: that row is not tallied (the council voted on another)."""
    type_reason(year, NAM, WHY)
    run("consolidate", year.dir)
    written = make_ballot(year)[full(NAM)][ON_BALLOT]
    everyone_votes_yes(year)
    type_reason(year, NAM, "Lý do khác")
    run("consolidate", year.dir)
    result = CliRunner().invoke(main, ["council", "tally", str(year.dir)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert message("council.cell_changed", cell=written.coordinate, label=ON_BALLOT, row=written.row, value=WHY,
                   expected="Lý do khác", name=full(NAM)) in result.output
    assert f"- {full(LAN)} (Văn phòng Sở), {CSTDCS}: Đạt 9/9" in result.output  # the other rows are tallied
    listed = decided(year)
    assert full(NAM) not in listed and full(LAN) in listed


def test_a_vote_on_a_line_that_later_failed_and_was_put_through_does_not_count(year):
    """Nam was clean when the ballot was made (no reason on it); his unit's new file fails a rule and the office
    puts him through: the council never saw that, so his row is not tallied."""
    propose(year, "VP", [person(NAM, CSTDCS, HTXS), person(LAN, CSTDCS, HTXS)], "dn-VP-2.xlsx",
            datetime(2024, 11, 25, 9))
    run("consolidate", year.dir)
    on_ballot = make_ballot(year)
    assert full(NAM) in on_ballot and ON_BALLOT not in on_ballot[full(NAM)]
    everyone_votes_yes(year)
    propose(year, "VP", [person(NAM, CSTDCS), person(LAN, CSTDCS, HTXS)], "dn-VP-3.xlsx", datetime(2024, 11, 26, 9))
    run("consolidate", year.dir)
    type_reason(year, NAM, WHY)
    run("consolidate", year.dir)
    out = run("council", "tally", year.dir)
    assert f"Đề nghị \"{CSTDCS}\" cho \"{full(NAM)}\"" in out and "chưa có trên tệp biểu quyết" in out
    assert f"- {full(NAM)} (Văn phòng Sở), {CSTDCS}: Không kiểm phiếu" in out
    listed = decided(year)
    assert full(NAM) not in listed and full(LAN) in listed


# --- 3. which returned file still carries its lines ---------------------------------------------------------
def test_a_file_returned_for_a_rule_keeps_its_clean_lines_one_returned_for_a_cell_does_not(year):
    on_ballot = make_ballot(year)
    assert full(LAN) in on_ballot  # VP's file was returned for Nam's line only
    assert full(DUC) not in on_ballot  # TTR's file was returned for a cell: none of its lines
    assert line_of(year, LAN)[RESULT] == "Đạt"
    duc = line_of(year, DUC)
    assert duc[RESULT] == "Chưa đạt" and "gửi lại tệp đã sửa" in duc["Vấn đề (căn cứ)"]
    # and the office cannot put a line of such a file through
    type_reason(year, DUC, WHY)
    run("consolidate", year.dir)
    assert line_of(year, DUC)[RESULT] == "Chưa đạt" and line_of(year, DUC)[REASON] == WHY
    assert full(DUC) not in make_ballot(year)
    everyone_votes_yes(year)
    run("council", "tally", year.dir)
    listed = decided(year)
    assert full(LAN) in listed and full(HOA) in listed and full(DUC) not in listed


# --- the same for another proposal form: the ad-hoc proposal (no council vote for a Giấy khen) -------------
def adhoc(camp, who: dict, **more) -> Path:
    row = {**who, "position": "Chuyên viên", "work_unit": "Văn phòng Sở",
           "achievement": "Phát hiện, ngăn chặn kịp thời một vụ làm giả hồ sơ chứng thực",
           "achievement_date": date(2024, 6, 5), "movement": camp.movements[0].name, "award_form": GK_CN,
           "evidence": "Báo cáo số 12/BC-VP ngày 10/6/2024", **more}
    path = make_return(camp.dir.parent / "dx-VP.xlsx", camp, "VP", {"individuals": [row]},
                       form_id="adhoc_proposals")
    return when(path, SEPTEMBER)


def test_an_adhoc_line_with_an_error_is_decided_only_when_the_office_puts_it_through(camp):
    register(camp, "VP", [(HOA, LDTT)])
    assert "Bị trả lại" in collect(camp, adhoc(camp, HOA, achievement_date=date(2023, 12, 1)))  # last year
    run("consolidate", camp.dir)
    assert line_of(camp, HOA, ADHOC_CHECKS)[RESULT] == "Chưa đạt"
    assert full(HOA) not in decided(camp)
    type_reason(camp, HOA, WHY, ADHOC_CHECKS)
    run("consolidate", camp.dir)
    assert line_of(camp, HOA, ADHOC_CHECKS)[RESULT] == THROUGH
    assert reasons(camp, "adhoc_proposals") == {line_of(camp, HOA, ADHOC_CHECKS)[KEY]: WHY}
    assert full(HOA) in decided(camp)
    type_reason(camp, HOA, None, ADHOC_CHECKS)
    run("consolidate", camp.dir)
    assert full(HOA) not in decided(camp)
