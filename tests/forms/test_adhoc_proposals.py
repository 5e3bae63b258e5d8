"""The ad-hoc and thematic commendation proposal (khen thưởng đột xuất, theo chuyên đề): a form that is its
declaration (forms/adhoc_proposals.toml) plus its rules (forms/adhoc_proposals.py). It goes out any day,
comes back, is checked (each rule with a passing and a failing case), and its lines reach the master's
check sheet, the council's ballot where the catalogue asks for a vote, and the decision lists."""
from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.campaign import writer as campaign_writer
from sheets_tools.collection import calendar, reminders
from sheets_tools.collection.collect import collect
from sheets_tools.collection.issue import issue
from sheets_tools.collection.status import board
from sheets_tools.collection.templates import unit_file_name
from sheets_tools.core.findings import message
from sheets_tools.formkit.declaration import FIRST_ROW, get_form
from sheets_tools.formkit.plugins import Context
from sheets_tools.forms.adhoc_proposals import CHECK_SHEET, FORM_ID, ONE_AWARD
from sheets_tools.master.consolidate import consolidate, master_path
from sheets_tools.store import history
from sheets_tools.store.ledger import Ledger
from sheets_tools.yearend import award, council
from sheets_tools.yearend.lines import candidates, form_lines
from workbooks import codes, make_return

FORM = get_form(FORM_ID)
IND, COL = FORM.sheet("individuals"), FORM.sheet("collectives")
GK_CN, GK_TT = "Giấy khen của Giám đốc Sở (cá nhân)", "Giấy khen của Giám đốc Sở (tập thể)"
HOA = dict(family_name="Nguyễn Thị", given_name="Hoa", birth_date=date(1985, 3, 15), sex="Nữ")
DUC = dict(family_name="Phạm Minh", given_name="Đức", birth_date=date(1990, 1, 1), sex="Nam")
DEED = "Phát hiện, ngăn chặn kịp thời một vụ làm giả hồ sơ chứng thực"
JANUARY, SEPTEMBER = datetime(2024, 1, 20, 9, 0), datetime(2024, 9, 10, 9, 0)


def when(path: Path, moment: datetime) -> Path:
    os.utime(path, (moment.timestamp(), moment.timestamp()))
    return path


def register(camp, unit: str, people: list[dict], tmp: Path) -> None:
    rows = {"individuals": [{**p, "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Lao động tiên tiến"}
                            for p in people],
            "movements": [{"movement": camp.movements[0].name}]}
    [done] = collect(camp, [when(make_return(tmp / f"dk-{unit}.xlsx", camp, unit, rows), JANUARY)],
                     feedback=False).files
    assert done.result.status == "accepted", codes(done.result)


@pytest.fixture
def camp(tmp_path):
    campaign_writer.create(tmp_path / "dot", "daklak-2024")
    camp = campaign_mod.load(tmp_path / "dot")
    register(camp, "VP", [HOA], tmp_path)
    register(camp, "TTR", [DUC], tmp_path)
    return camp


def person(who: dict = HOA, **more) -> dict:
    return {**who, "position": "Chuyên viên", "work_unit": "Văn phòng Sở", "achievement": DEED,
            "achievement_date": date(2024, 6, 5), "movement": "", "award_form": GK_CN,
            "evidence": "Báo cáo số 12/BC-VP ngày 10/6/2024", **more}


def team(**more) -> dict:
    return {"collective_name": "Tổ Hành chính", "work_unit": "Văn phòng Sở", "achievement": DEED,
            "achievement_date": date(2024, 6, 5), "movement": "", "award_form": GK_TT,
            "evidence": "Quyết định số 101/QĐ-STP", **more}


def send(camp, unit: str, tmp: Path, individuals=(), collectives=(), moment: datetime = SEPTEMBER, name=None):
    """One unit's ad-hoc file, collected; its result."""
    movement = camp.movements[0].name
    rows = {"individuals": [{**r, "movement": r["movement"] or movement} for r in individuals],
            "collectives": [{**r, "movement": r["movement"] or movement} for r in collectives]}
    path = make_return(tmp / (name or f"dx-{unit}.xlsx"), camp, unit, rows, form_id=FORM_ID)
    [done] = collect(camp, [when(path, moment)], feedback=False).files
    return done.result


def cell(sheet, field: str, n: int = 0) -> str:
    return f"{sheet.column(field).letter}{FIRST_ROW + n}"


def found(result, code: str):
    hits = [f for f in result.findings if f.code == code]
    assert hits, (code, codes(result))
    return hits[0]


# --- it goes out any day, is never late, never reminded ----------------------------------------------------
def test_the_form_goes_out_on_demand_with_no_deadline(camp):
    issued = issue(camp, [FORM_ID])
    assert len(issued.files) == len(camp.units)
    unit = camp.unit("VP")
    wb = load_workbook(camp.dir / "outbox" / "VP" / unit_file_name(FORM, camp, unit))
    texts = [c.value for row in wb[IND.name].iter_rows(max_row=FIRST_ROW) for c in row if isinstance(c.value, str)]
    assert "Hạn nộp: thường xuyên" in texts
    chosen, notes = calendar.due_forms(camp, date(2024, 12, 30))  # not sent with the calendar's forms
    assert FORM not in chosen and any(FORM.name in n and "thường xuyên" in n for n in notes)


def test_the_calendar_shows_it_as_regular_and_never_reminds_or_marks_late(camp, tmp_path):
    late_in_year = datetime(2024, 12, 30, 16, 0)
    result = send(camp, "VP", tmp_path, [person()], moment=late_in_year)
    assert result.status == "accepted" and "file.late" not in codes(result) and not result.late
    with Ledger(camp.dir) as ledger:
        status = board(camp, ledger, date(2024, 12, 31))
        assert FORM_ID not in [fs.form.id for fs in status.forms]  # no unit is "missing" it
        assert status.regular[FORM_ID] == 1
        assert "Thường xuyên" in status.calendar_text()
        assert not [r for r in reminders.reminders(camp, ledger, date(2024, 12, 31)) if r.form.id == FORM_ID]


# --- the checks: each a passing and a failing case ---------------------------------------------------------
def test_a_proper_proposal_passes_every_check(camp, tmp_path):
    result = send(camp, "VP", tmp_path, [person()], [team()])
    assert result.status == "accepted", codes(result)
    assert codes(result) == []


def test_the_achievement_date_falls_in_the_campaign_year(camp, tmp_path):
    result = send(camp, "VP", tmp_path, [person(achievement_date=date(2023, 12, 20))])
    f = found(result, "adhoc.date_outside_year")
    assert result.status == "rejected"
    assert (f.sheet, f.cell) == (IND.name, cell(IND, "achievement_date"))
    assert f.message == message("adhoc.date_outside_year", what="Ông/bà Nguyễn Thị Hoa (sinh ngày 15/03/1985)",
                                value="20/12/2023", year=2024)


def test_the_subject_belongs_to_the_proposing_unit(camp, tmp_path):
    near = send(camp, "VP", tmp_path, [person(work_unit="Văn phòng Sở Tư pháp tỉnh Đắk Lắk")], name="near.xlsx")
    assert near.status == "accepted", codes(near)
    other = send(camp, "VP", tmp_path, [person(work_unit="Thanh tra Sở")], name="other.xlsx")
    f = found(other, "adhoc.other_unit")
    assert f.cell == cell(IND, "work_unit") and "đó là Thanh tra Sở" in f.message and "(Văn phòng Sở)" in f.message
    team_of_other = send(camp, "VP", tmp_path, collectives=[team(work_unit="Phòng Bổ trợ tư pháp")], name="t.xlsx")
    assert found(team_of_other, "adhoc.other_unit").cell == cell(COL, "work_unit")


def test_a_person_registered_by_another_unit_is_not_the_proposing_units(camp, tmp_path):
    result = send(camp, "VP", tmp_path, [person(DUC)])  # Đức is Thanh tra's (January registration)
    f = found(result, "adhoc.other_unit")
    assert "bản đăng ký thi đua của Thanh tra Sở" in f.message and result.status == "rejected"
    own = send(camp, "TTR", tmp_path, [person(DUC, work_unit="Thanh tra Sở")])
    assert own.status == "accepted", codes(own)


def test_the_form_of_commendation_is_one_for_that_kind_of_subject(camp, tmp_path):
    collective_form = send(camp, "VP", tmp_path, [person(award_form=GK_TT)], name="a.xlsx")
    assert found(collective_form, "row.title_wrong_subject").cell == cell(IND, "award_form")
    a_title = send(camp, "VP", tmp_path, [person(award_form="Chiến sĩ thi đua cơ sở")], name="b.xlsx")
    assert found(a_title, "row.title_is_form").cell == cell(IND, "award_form")
    unknown = send(camp, "VP", tmp_path, collectives=[team(award_form="Kỷ niệm chương")], name="c.xlsx")
    assert found(unknown, "cell.bad_choice").cell == cell(COL, "award_form")
    assert {collective_form.status, a_title.status, unknown.status} == {"rejected"}


def test_no_second_award_for_the_same_achievement_in_the_year(camp, tmp_path):
    first = send(camp, "VP", tmp_path, collectives=[team()])
    assert first.status == "accepted", codes(first)
    again = send(camp, "TTR", tmp_path, collectives=[team(work_unit="Thanh tra Sở", achievement=DEED + ".")])
    f = found(again, "adhoc.same_achievement")
    assert f.cell == cell(COL, "achievement") and "Văn phòng Sở" in f.message and ONE_AWARD in f.message
    other_deed = send(camp, "TTR", tmp_path, collectives=[team(work_unit="Thanh tra Sở",
                                                               achievement="Hoàn thành trước hạn đợt rà soát")],
                      name="dx-TTR-2.xlsx")
    assert other_deed.status == "accepted", codes(other_deed)
    with Ledger(camp.dir) as ledger:  # re-checked later: the line sent first stays good
        lines = {line.proposal.unit: line.ok for line in form_lines(Context(camp, ledger), FORM_ID)}
    assert lines == {"VP": True, "TTR": True}


def test_no_second_award_against_the_award_history(camp, tmp_path):
    item = camp.catalogue_item(GK_CN)

    def past(who: dict, decided: date) -> None:
        with Ledger(camp.dir) as ledger:
            history.record(ledger, [history.PastAward.of_person(who["family_name"], who["given_name"],
                                                                who["birth_date"], 2024, item, decision_number="9/QĐ",
                                                                decision_date=decided)], "test")

    past(HOA, date(2024, 5, 1))  # before the achievement: for something else
    earlier = send(camp, "VP", tmp_path, [person()])
    assert earlier.status == "accepted", codes(earlier)
    past(DUC, date(2024, 7, 1))  # after it: this achievement was already rewarded
    f = found(send(camp, "TTR", tmp_path, [person(DUC, work_unit="Thanh tra Sở")]), "adhoc.awarded_before")
    assert f.cell == cell(IND, "award_form") and "9/QĐ" in f.message


# --- its lines reach the master, the ballot and the decision ---------------------------------------------
def test_lines_reach_the_master_and_the_decision_list(camp, tmp_path):
    send(camp, "VP", tmp_path, [person()], [team()], name="ok.xlsx")
    send(camp, "HCTP", tmp_path, [person(family_name="Lê Văn", given_name="Tư", work_unit="Phòng Hành chính tư pháp",
                                         achievement_date=date(2023, 1, 2))], name="bad.xlsx")
    consolidate(camp)
    ws = load_workbook(master_path(camp))[CHECK_SHEET]
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "Nguyễn Thị Hoa" in values and "Lê Văn Tư" in values and "Chưa đạt" in values and DEED in values
    decided = award.decide(camp, number="12/QĐ-STP", signed_on=date(2024, 9, 20))
    assert sorted((a.name, a.item.name) for a in decided.awards) == [("Nguyễn Thị Hoa", GK_CN),
                                                                     ("Tổ Hành chính", GK_TT)]
    assert decided.recorded == 2
    again = award.decide(camp, number="13/QĐ-STP", signed_on=date(2024, 9, 21))  # a corrected decision
    assert len(again.awards) == 2  # its own award in the history does not strike the line out


def test_lines_go_to_the_council_where_the_catalogue_asks_for_a_vote(camp, tmp_path):
    send(camp, "VP", tmp_path, [person()])
    with Ledger(camp.dir) as ledger:
        assert not candidates(Context(camp, ledger))  # Giấy khen: no vote in the sample catalogue
    path = camp.dir / campaign_mod.CAMPAIGN_FILE
    wb = load_workbook(path)
    ws = wb["Danh hiệu - Hình thức"]
    head = {c.value: c.column for c in ws[1]}
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, head["Tên danh hiệu, hình thức"]).value == GK_CN)
    ws.cell(row, head["Tỷ lệ phiếu cần đạt (%)"]).value = 80
    wb.save(path)
    camp = campaign_mod.load(camp.dir)
    ballot = award.make_ballot(camp)
    assert ballot.candidates == 1
    assert award.decide(camp).awards == []  # waits for the vote
    wb = load_workbook(ballot.path)
    members, votes = wb[council.MEMBERS_SHEET], wb[council.VOTES_SHEET]
    mhead = {str(c.value): c.column for c in members[council.HEADER_ROW] if c.value}
    for r in range(council.FIRST_ROW, council.FIRST_ROW + len(camp.council)):
        members.cell(r, mhead[council.L_PRESENT]).value = "Có"
        members.cell(r, mhead[council.L_WRITING]).value = "Không"
    vhead = {str(c.value): c.column for c in votes[council.HEADER_ROW] if c.value}
    for m in camp.council:
        votes.cell(council.FIRST_ROW, vhead[m.name]).value = council.YES
    wb.save(ballot.path)
    counted = award.count_votes(camp, ballot.path)
    assert counted.passed == 1
    [line] = counted.tally.results
    assert line.candidate_id.startswith(f"{FORM_ID}:VP/") and line.passed
    assert [a.name for a in award.decide(camp).awards] == ["Nguyễn Thị Hoa"]


# --- the demo ---------------------------------------------------------------------------------------
def test_the_demo_catches_the_ad_hoc_mistakes_and_decides_the_good_lines(demo_run):
    from sheets_tools.demo.adhoc import MISTAKES
    directory, output = demo_run
    expected = {"PTP-BMT": "adhoc.date_outside_year", "PTP-KN": "adhoc.other_unit", "TTR": "adhoc.same_achievement"}
    assert set(expected) == set(MISTAKES)
    with Ledger(directory) as ledger:
        for unit, code in expected.items():
            found_codes = {f.code for s in ledger.submissions(unit=unit, form=FORM_ID) for f in ledger.findings(s.id)}
            assert code in found_codes, (unit, code, found_codes)
    assert "đề nghị khen thưởng đột xuất" in output
    wb = load_workbook(directory / "decision" / "Danh sách khen thưởng năm 2024.xlsx")
    texts = [str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c]
    assert "Tổ thẩm định hồ sơ đấu giá" in texts and "Tổ tuyên truyền pháp luật lưu động" in texts
