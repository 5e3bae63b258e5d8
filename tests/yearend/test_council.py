"""The council's vote: ballot workbook, tally (thresholds of the WHOLE membership, quorum), findings,
ledger round trip, result list, and a LibreOffice re-save."""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sheets_tools.yearend import council
from sheets_tools.yearend import results
from sheets_tools.yearend.ballot import ballot
from sheets_tools.yearend.tally import tally
from sheets_tools.campaign.workbook import sample_campaign
from sheets_tools.yearend.council import FIRST_ROW, HEADER_ROW, MEMBERS_SHEET, NO, VOTES_SHEET, YES, Candidate
from sheets_tools.core.findings import CATALOGUE, message
from sheets_tools.store.ledger import Ledger


# --- helpers (the campaign: conftest.py ``sample``, the built-in sample with its folder for the ledger) ------
def candidate(camp, n: int, code: str, name: str | None = None) -> Candidate:
    item = next(c for c in camp.catalogue if c.code == code)
    return Candidate(id=f"PTP-BD/individuals/{n}/{code}", subject=item.subject, name=name or f"Nguyễn Văn {n}",
                     unit_name="Văn phòng Sở", award_code=code, award_name=item.name, vote_percent=item.vote_percent)


@pytest.fixture
def cands(sample):
    return [candidate(sample, 1, "CSTDCS"), candidate(sample, 2, "CSTD_TINH"), candidate(sample, 3, "CO_TINH")]


def columns(ws) -> dict[str, int]:
    """Header label -> 1-based column on the ballot's header row."""
    return {c.value: c.column for c in ws[HEADER_ROW] if c.value}


def fill(path: Path, *, present: int = 6, writing: int = 1, votes: dict[int, tuple[int, int]] | None = None,
         default: tuple[int, int] = (7, 0), edit=None) -> Path:
    """Fill a ballot like the office would: the first ``present`` members present, the next ``writing``
    vote in writing; per candidate row (0-based) ``votes`` (yes, no), given by the voters in order."""
    wb = load_workbook(path)
    ws = wb[MEMBERS_SHEET]
    cols = columns(ws)
    for i in range(len(council_members(ws))):
        ws.cell(row=FIRST_ROW + i, column=cols["Có mặt"], value="Có" if i < present else "Không")
        in_writing = present <= i < present + writing
        ws.cell(row=FIRST_ROW + i, column=cols["Biểu quyết bằng văn bản"], value="Có" if in_writing else "Không")
    vs = wb[VOTES_SHEET]
    cols = columns(vs)
    names = council_members(ws)
    r = FIRST_ROW
    while vs.cell(row=r, column=cols["Mã ứng viên"]).value:
        yes, no = (votes or {}).get(r - FIRST_ROW, default)
        if "Số phiếu đồng ý" in cols:
            vs.cell(row=r, column=cols["Số phiếu đồng ý"], value=yes)
            vs.cell(row=r, column=cols["Số phiếu không đồng ý"], value=no)
        else:
            for k, name in enumerate(names[:yes + no]):
                vs.cell(row=r, column=cols[name], value=YES if k < yes else NO)
        r += 1
    if edit:
        edit(wb)
    wb.save(path)
    return path


def council_members(ws) -> list[str]:
    col = columns(ws)["Họ và tên"]
    out, r = [], FIRST_ROW
    while ws.cell(row=r, column=col).value:
        out.append(ws.cell(row=r, column=col).value)
        r += 1
    return out


def codes(t: council.Tally) -> list[str]:
    return [f.code for f in t.findings]


def only(t: council.Tally, code: str):
    found = [f for f in t.findings if f.code == code]
    assert len(found) == 1, t.findings
    return found[0]


def by_id(t: council.Tally) -> dict[str, council.VoteResult]:
    return {v.candidate_id: v for v in t.results}


LAYOUTS = pytest.mark.parametrize("per_member", [True, False], ids=["per-member", "counts"])


# --- thresholds ----------------------------------------------------------------------------------
def test_votes_needed_is_exact_share_of_whole_membership():
    assert council.votes_needed(80, 9) == 8
    assert council.votes_needed(90, 9) == 9
    assert council.votes_needed(80, 5) == 4
    assert council.votes_needed(14, 50) == 7  # float 14 / 100 * 50 = 7.000000000000001 would give 8
    assert council.votes_needed(56, 25) == 14  # float: 15
    assert council.votes_needed(66.7, 3) == 3


def test_quorum_needed_from_setting(tmp_path):
    assert council.quorum_needed(sample_campaign(directory=tmp_path)) == 6  # 2/3 of 9
    half = sample_campaign(directory=tmp_path)
    half.settings = {"council_quorum": "50%"}
    assert council.quorum_needed(half) == 5  # 4.5 rounded up


@LAYOUTS
def test_seven_of_seven_voters_is_not_eighty_percent_of_nine(sample, cands, tmp_path, per_member):
    path = fill(ballot(sample, cands, tmp_path / "b.xlsx", per_member=per_member), present=6, writing=1)
    t = tally(sample, path, cands)
    assert (t.members, t.present, t.in_writing, t.quorum_needed, t.quorum_ok) == (9, 6, 1, 6, True)
    assert t.findings == []
    r = by_id(t)[cands[0].id]
    assert (r.yes, r.no, r.needed, r.passed) == (7, 0, 8, False)
    assert r.note == "Không đạt: 7/9 phiếu đồng ý, cần 8 (80% tổng số thành viên)"
    assert not any(v.passed for v in t.results)


@LAYOUTS
def test_eight_yes_passes_eighty_but_not_ninety_percent(sample, cands, tmp_path, per_member):
    path = fill(ballot(sample, cands, tmp_path / "b.xlsx", per_member=per_member), present=6, writing=3,
                votes={0: (8, 1), 1: (8, 1), 2: (9, 0)})
    t = tally(sample, path, cands)
    assert t.findings == []
    got = by_id(t)
    assert got[cands[0].id].passed and got[cands[0].id].note == "Đạt 8/9 phiếu (cần 8)"
    assert not got[cands[1].id].passed and got[cands[1].id].needed == 9  # CSTĐ cấp tỉnh: 90%
    assert got[cands[2].id].passed and got[cands[2].id].note == "Đạt 9/9 phiếu (cần 8)"


def test_the_share_comes_from_the_recorded_line_not_the_ballot(sample, cands, tmp_path):
    """The needed votes follow the candidate (the ledger's line and the catalogue) at tally time: a ballot
    made before the catalogue changed no longer matches it, and that row is not tallied."""
    path = fill(ballot(sample, cands, tmp_path / "b.xlsx"), present=9, writing=0, default=(8, 1))
    stricter = [replace(cands[0], vote_percent=90), *cands[1:]]
    t = tally(sample, path, stricter)
    r = by_id(t)[cands[0].id]
    assert (r.needed, r.passed, r.yes) == (9, False, 0)
    assert [(f.code, f.cell, f.value) for f in t.findings] == [("council.cell_changed", "G8", "80%"),
                                                              ("council.cell_changed", "H8", "8")]
    assert t.findings[0].message == message("council.cell_changed", cell="G8", label="Tỷ lệ phiếu cần đạt", row=8,
                                            value="80%", expected="90%", name=cands[0].name)
    assert by_id(t)[cands[1].id].passed is False and by_id(t)[cands[2].id].passed  # the other rows are tallied


# --- quorum ----------------------------------------------------------------------------------------
@LAYOUTS
def test_quorum_met_with_six_of_nine_present(sample, cands, tmp_path, per_member):
    path = fill(ballot(sample, cands, tmp_path / "b.xlsx", per_member=per_member), present=6, writing=3,
                default=(9, 0))
    t = tally(sample, path, cands)
    assert t.quorum_ok and "council.no_quorum" not in codes(t)
    assert all(v.passed for v in t.results)


@LAYOUTS
def test_five_present_fails_quorum_and_nobody_passes(sample, cands, tmp_path, per_member):
    path = fill(ballot(sample, cands, tmp_path / "b.xlsx", per_member=per_member), present=5, writing=4,
                default=(9, 0))
    t = tally(sample, path, cands)
    assert not t.quorum_ok and not t.valid
    f = only(t, "council.no_quorum")
    assert f.message == message("council.no_quorum", present=5, members=9, needed=6, share="2/3")
    assert f.severity == "error" and f.sheet == MEMBERS_SHEET
    assert not any(v.passed for v in t.results)
    assert by_id(t)[cands[0].id].note == "Không đạt: phiên họp không đủ số thành viên có mặt (5/9, cần 6)"


def test_nobody_present(sample, cands, tmp_path):
    path = fill(ballot(sample, cands, tmp_path / "b.xlsx"), present=0, writing=9, default=(9, 0))
    t = tally(sample, path, cands)
    f = only(t, "council.nobody_present")
    assert f.message == message("council.nobody_present", sheet=MEMBERS_SHEET)
    assert "council.no_quorum" not in codes(t)
    assert not any(v.passed for v in t.results)


# --- findings: a failing case each (the passing cases: the clean tallies above have no findings) ---
def _set(sheet: str, label: str, row: int, value, *, by_member: str | None = None):
    """An edit: write ``value`` in the column ``label`` (or a member's column) of data row ``row``."""
    def edit(wb):
        ws = wb[sheet]
        ws.cell(row=FIRST_ROW + row, column=columns(ws)[by_member or label]).value = value  # None clears
    return edit


def _cell(wb_path: Path, sheet: str, label: str, row: int) -> str:
    ws = load_workbook(wb_path)[sheet]
    return ws.cell(row=FIRST_ROW + row, column=columns(ws)[label]).coordinate


def test_votes_above_those_who_could_vote(sample, cands, tmp_path):
    ok = fill(ballot(sample, cands, tmp_path / "ok.xlsx", per_member=False), votes={0: (6, 1)})
    assert tally(sample, ok, cands).findings == []
    path = fill(ballot(sample, cands, tmp_path / "b.xlsx", per_member=False), votes={0: (7, 1)})
    t = tally(sample, path, cands)
    f = only(t, "council.too_many_votes")
    assert f.message == message("council.too_many_votes", row=FIRST_ROW, name=cands[0].name, total=8, voters=7)
    assert f.cell == _cell(path, VOTES_SHEET, "Số phiếu đồng ý", 0)
    r = by_id(t)[cands[0].id]
    assert not r.passed and r.note.startswith("Chưa công nhận")


def test_vote_from_member_neither_present_nor_in_writing_is_not_counted(sample, cands, tmp_path):
    last = sample.council[-1].name
    ok = fill(ballot(sample, cands, tmp_path / "ok.xlsx"), present=6, writing=3,
              votes={0: (8, 0)}, edit=_set(VOTES_SHEET, "", 0, YES, by_member=last))
    assert tally(sample, ok, cands).findings == [] and by_id(tally(sample, ok, cands))[cands[0].id].yes == 9
    path = fill(ballot(sample, cands, tmp_path / "b.xlsx"), present=6, writing=2,
                votes={0: (8, 0)}, edit=_set(VOTES_SHEET, "", 0, YES, by_member=last))
    t = tally(sample, path, cands)
    f = only(t, "council.vote_not_allowed")
    assert f.severity == "warning"
    assert f.message == message("council.vote_not_allowed", cell=f.cell, member=last, value=YES)
    assert f.cell == _cell(path, VOTES_SHEET, last, 0)
    assert by_id(t)[cands[0].id].yes == 8 and by_id(t)[cands[0].id].passed


def test_vote_value_not_a_choice(sample, cands, tmp_path):
    member = sample.council[0].name
    path = fill(ballot(sample, cands, tmp_path / "b.xlsx"), present=9, writing=0, votes={0: (8, 0)},
                edit=_set(VOTES_SHEET, "", 0, "x", by_member=sample.council[8].name))
    t = tally(sample, path, cands)
    f = only(t, "council.bad_vote")
    assert f.message == message("council.bad_vote", cell=f.cell, member=sample.council[8].name, value="x")
    assert by_id(t)[cands[0].id].yes == 8  # the bad cell is not counted; the others are
    # a different spelling of a valid choice (case, spaces) is accepted
    fine = fill(ballot(sample, cands, tmp_path / "ok.xlsx"), present=9, writing=0, votes={0: (8, 0)},
                edit=_set(VOTES_SHEET, "", 0, " đồng  ý ", by_member=sample.council[8].name))
    assert tally(sample, fine, cands).findings == [] and by_id(tally(sample, fine, cands))[cands[0].id].yes == 9
    assert member  # the first member's column stays a normal vote


@pytest.mark.parametrize("value", [7.5, "bảy", -1, 10, "9" * 400, "9" * 5000, "²", 1e300])
def test_count_not_a_whole_number_in_range(sample, cands, tmp_path, value):
    path = fill(ballot(sample, cands, tmp_path / "b.xlsx", per_member=False), present=9, writing=0,
                edit=_set(VOTES_SHEET, "Số phiếu đồng ý", 0, value))
    t = tally(sample, path, cands)
    f = only(t, "council.bad_count")
    shown = "7.5" if value == 7.5 else str(int(value)) if value == 1e300 else str(value)
    assert f.message == message("council.bad_count", label="Số phiếu đồng ý", cell=f.cell, value=shown, members=9)
    assert not by_id(t)[cands[0].id].passed


@pytest.mark.parametrize("value", [9, "9", 9.0])
def test_count_typed_as_text_or_float_is_read(sample, cands, tmp_path, value):
    path = fill(ballot(sample, cands, tmp_path / "b.xlsx", per_member=False), present=9, writing=0,
                edit=_set(VOTES_SHEET, "Số phiếu đồng ý", 0, value))
    t = tally(sample, path, cands)
    assert t.findings == [] and by_id(t)[cands[0].id].yes == 9


def test_row_without_id(sample, cands, tmp_path):
    path = fill(ballot(sample, cands, tmp_path / "b.xlsx"), present=9, writing=0, votes={1: (9, 0)},
                edit=_set(VOTES_SHEET, "Mã ứng viên", 1, None))
    t = tally(sample, path, cands)
    f = only(t, "council.no_id")
    assert f.severity == "error" and f.cell == "B9"
    assert f.message == message("council.no_id", row=FIRST_ROW + 1, name=cands[1].name)
    assert cands[1].id not in by_id(t) and len(t.results) == 2  # not tallied: it cannot be tied to a line
    assert codes(t) == ["council.no_id"]  # the candidate is not also reported as missing from the ballot


def test_membership_in_workbook_differs_from_campaign(sample, cands, tmp_path):
    path = fill(ballot(sample, cands, tmp_path / "b.xlsx"), present=8, writing=0)
    smaller = sample.model_copy(update={"council": sample.council[:8]})
    assert "council.membership_changed" not in codes(tally(sample, path, cands))
    t = tally(smaller, path, cands)
    f = only(t, "council.membership_changed")
    assert f.severity == "error"
    assert f.message == message("council.membership_changed", value="9", expected=8)
    assert t.members == 8  # thresholds follow the campaign's council


def test_a_changed_member_refuses_the_whole_tally(sample, cands, tmp_path):
    rename = _set(MEMBERS_SHEET, "Họ và tên", 8, "Người Lạ")
    path = fill(ballot(sample, cands, tmp_path / "b.xlsx"), present=9, writing=0, edit=rename)
    t = tally(sample, path, cands)
    f = only(t, "council.sheet_changed")
    assert (f.sheet, f.cell, f.severity) == (MEMBERS_SHEET, f"B{FIRST_ROW + 8}", "error")
    assert f.message == message("council.sheet_changed", cell=f.cell, label="Họ và tên", value="Người Lạ",
                                expected=sample.council[8].name)
    assert t.results == [] and t.present == 0 and not t.valid


def test_attendance_value_not_a_choice(sample, cands, tmp_path):
    path = fill(ballot(sample, cands, tmp_path / "b.xlsx"), present=9, writing=0,
                edit=_set(MEMBERS_SHEET, "Có mặt", 0, "x"))
    t = tally(sample, path, cands)
    f = only(t, "cell.bad_choice")
    assert f.message == message("cell.bad_choice", label=f"Có mặt ({sample.council[0].name})", value="x")
    assert t.present == 8


def test_duplicate_candidate_row(sample, cands, tmp_path):
    def copy_id(wb):
        ws = wb[VOTES_SHEET]
        col = columns(ws)["Mã ứng viên"]
        ws.cell(row=FIRST_ROW + 2, column=col, value=cands[0].id)
    path = fill(ballot(sample, cands, tmp_path / "b.xlsx"), present=9, writing=0, edit=copy_id)
    t = tally(sample, path, cands)
    f = only(t, "council.duplicate_candidate")
    assert f.message == message("council.duplicate_candidate", row=FIRST_ROW + 2, name=cands[2].name,
                                other_row=FIRST_ROW)
    assert len(t.results) == 2


def test_a_row_that_is_not_a_current_candidate_is_not_tallied(sample, cands, tmp_path):
    path = fill(ballot(sample, cands, tmp_path / "b.xlsx"), present=9, writing=0, default=(9, 0))
    t = tally(sample, path, cands[:2])  # the third line no longer needs a vote (withdrawn, replaced, failing)
    f = only(t, "council.unknown_candidate")
    assert f.cell == f"B{FIRST_ROW + 2}" and f.severity == "error"
    assert f.message == message("council.unknown_candidate", cell=f.cell, value=cands[2].id, row=FIRST_ROW + 2,
                                name=cands[2].name)
    assert list(by_id(t)) == [cands[0].id, cands[1].id] and by_id(t)[cands[0].id].passed


def test_a_candidate_missing_from_the_ballot_is_a_warning(sample, cands, tmp_path):
    path = fill(ballot(sample, cands[:2], tmp_path / "b.xlsx"), present=9, writing=0, default=(9, 0))
    t = tally(sample, path, cands)
    f = only(t, "council.not_on_ballot")
    assert f.severity == "warning" and t.valid and cands[2].name in f.message
    assert list(by_id(t)) == [cands[0].id, cands[1].id]


def test_row_without_any_vote(sample, cands, tmp_path):
    path = fill(ballot(sample, cands, tmp_path / "b.xlsx"), present=9, writing=0, votes={2: (0, 0)})
    t = tally(sample, path, cands)
    f = only(t, "council.not_voted")
    assert f.message == message("council.not_voted", row=FIRST_ROW + 2, name=cands[2].name)
    assert not by_id(t)[cands[2].id].passed


def test_not_a_ballot_and_other_campaign(sample, cands, tmp_path):
    def ident(kind, campaign_id):
        def edit(wb):
            ws = wb["_id"]
            ws["B1"], ws["B2"] = kind, campaign_id
        return edit
    other = fill(ballot(sample, cands, tmp_path / "o.xlsx"), present=9, writing=0,
                 edit=ident("council-ballot", "khac-2023"))
    f = only(tally(sample, other, cands), "ident.other_campaign")
    assert f.message == message("ident.other_campaign", value="khac-2023", expected=sample.id)
    wrong = fill(ballot(sample, cands, tmp_path / "w.xlsx"), present=9, writing=0,
                 edit=ident("registration", sample.id))
    t = tally(sample, wrong, cands)
    assert codes(t) == ["council.not_ballot"] and t.results == []


def test_missing_id_sheet_is_a_warning(sample, cands, tmp_path):
    path = fill(ballot(sample, cands, tmp_path / "b.xlsx"), present=9, writing=0, default=(9, 0),
                edit=lambda wb: wb.remove(wb["_id"]))
    t = tally(sample, path, cands)
    assert codes(t) == ["council.id_missing"] and all(v.passed for v in t.results)


def test_missing_votes_sheet(sample, cands, tmp_path):
    path = fill(ballot(sample, cands, tmp_path / "b.xlsx"), present=9, writing=0,
                edit=lambda wb: wb.remove(wb[VOTES_SHEET]))
    t = tally(sample, path, cands)
    assert codes(t) == ["sheet.missing"] and t.findings[0].message == message("sheet.missing", sheet=VOTES_SHEET)


def test_unreadable_file(sample, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a workbook")
    t = tally(sample, path, [])
    assert codes(t) == ["file.unreadable"] and t.results == []


def test_every_council_code_is_catalogued():
    assert {c for c in CATALOGUE if c.startswith("council.")} >= {
        "council.no_quorum", "council.too_many_votes", "council.vote_not_allowed", "council.bad_vote",
        "council.bad_count", "council.no_id", "council.membership_changed", "council.nobody_present"}


# --- the ballot workbook -------------------------------------------------------------------------
@LAYOUTS
def test_ballot_layout_and_protection(sample, cands, tmp_path, per_member):
    hostile = [candidate(sample, 9, "CSTDCS", name="=HYPERLINK(\"http://evil\",\"x\")")]
    wb = load_workbook(ballot(sample, cands + hostile, tmp_path / "b.xlsx", per_member=per_member))
    assert wb.sheetnames == [MEMBERS_SHEET, VOTES_SHEET, "_id"]
    assert wb["_id"].sheet_state == "veryHidden" and wb.security.lockStructure
    ident = {r[0]: r[1] for r in wb["_id"].iter_rows(values_only=True)}
    assert (ident["kind"], ident["campaign"], ident["members"]) == ("council-ballot", sample.id, "9")
    assert ident["layout"] == ("per_member" if per_member else "counts")

    members = wb[MEMBERS_SHEET]
    assert "Tổng số thành viên Hội đồng: 9 người" in members["A5"].value
    assert "ít nhất 6 thành viên có mặt (2/3 tổng số thành viên)" in members["A5"].value
    assert members["A2"].value == sample.info.agency and "CỘNG HÒA" in members["D1"].value
    cols = columns(members)
    present = members.cell(row=FIRST_ROW, column=cols["Có mặt"])
    assert not present.protection.locked and members.cell(row=FIRST_ROW, column=cols["Họ và tên"]).protection.locked
    assert members.protection.sheet and members.page_setup.orientation == "landscape"
    assert members.page_setup.paperSize == 9 and present.font.name == "Times New Roman"

    votes = wb[VOTES_SHEET]
    cols = columns(votes)
    assert votes.column_dimensions["B"].hidden and votes.cell(row=HEADER_ROW, column=2).value == "Mã ứng viên"
    row = FIRST_ROW
    assert votes.cell(row=row, column=cols["Mã ứng viên"]).value == cands[0].id
    assert votes.cell(row=row, column=cols["Tỷ lệ phiếu cần đạt"]).value == "80%"
    assert votes.cell(row=row, column=cols["Số phiếu cần đạt"]).value == 8
    assert votes.cell(row=row + 1, column=cols["Số phiếu cần đạt"]).value == 9
    inputs = [m.name for m in sample.council] if per_member else ["Số phiếu đồng ý", "Số phiếu không đồng ý"]
    assert [c for c in cols if cols[c] > cols["Số phiếu cần đạt"]] == inputs
    assert not votes.cell(row=row, column=cols[inputs[0]]).protection.locked
    assert votes.cell(row=row, column=cols["Họ và tên cá nhân, tên tập thể"]).protection.locked
    evil = votes.cell(row=row + 3, column=cols["Họ và tên cá nhân, tên tập thể"])
    assert evil.data_type == "s" and evil.value.startswith("=HYPERLINK")

    dvs = votes.data_validations.dataValidation
    assert len(dvs) == 1 and dvs[0].showErrorMessage and dvs[0].error
    if per_member:
        assert dvs[0].type == "list" and dvs[0].formula1 == f'"{YES},{NO}"'
    else:
        assert (dvs[0].type, dvs[0].formula1, dvs[0].formula2) == ("whole", "0", "9")
    mdvs = members.data_validations.dataValidation
    assert len(mdvs) == 2 and all(d.showErrorMessage and d.formula1 == '"Có,Không"' for d in mdvs)


def test_ballot_refuses_repeated_ids_and_awards_without_vote(sample, cands, tmp_path):
    with pytest.raises(ValueError):
        ballot(sample, cands + [cands[0]], tmp_path / "b.xlsx")
    no_vote = Candidate("x", "individual", "A", "B", "LDTT", "Lao động tiên tiến", None)
    with pytest.raises(ValueError):
        ballot(sample, [no_vote], tmp_path / "b.xlsx")
    assert not (tmp_path / "b.xlsx").exists()


# --- ledger ----------------------------------------------------------------------------------------
def test_save_load_round_trip_replaces_previous(sample, cands, tmp_path):
    first = tally(sample, fill(ballot(sample, cands, tmp_path / "a.xlsx"), present=9, writing=0,
                                     votes={0: (8, 1)}, edit=_set(VOTES_SHEET, "Mã ứng viên", 2, None)), cands)
    with Ledger(tmp_path) as ledger:
        council.save(ledger, first)
        loaded = council.load(ledger)
        assert list(loaded) == [cands[0].id, cands[1].id]  # the row without id is not keyed
        assert loaded[cands[0].id] == first.results[0] and loaded[cands[0].id].passed is True
        second = tally(sample, fill(ballot(sample, cands[:1], tmp_path / "b.xlsx"), present=9,
                                          writing=0, votes={0: (5, 4)}), cands)
        council.save(ledger, second)
    with Ledger(tmp_path) as ledger:
        again = council.load(ledger)
    assert list(again) == [cands[0].id] and again[cands[0].id].passed is False


def test_save_is_one_transaction(sample, cands, tmp_path):
    good = tally(sample, fill(ballot(sample, cands, tmp_path / "a.xlsx"), present=9, writing=0), cands)
    broken = council.Tally(members=9, present=9, quorum_needed=6, quorum_ok=True,
                           results=[good.results[0], council.VoteResult("x", None, "", "", "", 0, 0, 8, False, "")])
    with Ledger(tmp_path) as ledger:
        council.save(ledger, good)
        with pytest.raises(Exception, match="NOT NULL"):
            council.save(ledger, broken)
        assert list(council.load(ledger)) == [c.id for c in cands]


def test_load_on_a_fresh_ledger_is_empty(tmp_path):
    with Ledger(tmp_path) as ledger:
        assert council.load(ledger) == {}


# --- the result list -------------------------------------------------------------------------------
def test_result_workbook(sample, cands, tmp_path):
    extra = candidate(sample, 4, "CSTDCS", name="=1+1")
    path = fill(ballot(sample, [cands[2], cands[0], cands[1], extra], tmp_path / "b.xlsx"), present=6,
                writing=3, votes={0: (9, 0), 1: (8, 1), 2: (8, 1), 3: (7, 2)})
    t = tally(sample, path, cands + [extra])
    out = results.result_workbook(sample, t, tmp_path / "out" / "Kết quả.xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames == [results.RESULT_SHEET]  # no findings: no notes sheet
    ws = wb.active
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    groups = [x for x in texts if x[:3] in ("I. ", "II.", "III")]
    # grouped by award, in the catalogue's order (individual titles first)
    assert groups == ["I. Chiến sĩ thi đua cơ sở (cần 8 phiếu)", "II. Chiến sĩ thi đua cấp tỉnh (cần 9 phiếu)",
                      "III. Cờ thi đua của Ủy ban nhân dân tỉnh (cần 8 phiếu)"]
    assert results.quorum_line(sample, t) in texts and "phiên họp đủ số thành viên" in results.quorum_line(sample, t)
    assert texts.count("Đạt") == 2 and texts.count("Không đạt") == 2
    assert "=1+1" in texts and all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    assert council.chair(sample).name == "Nguyễn Văn Thành" and "Nguyễn Văn Thành" in texts
    assert "TM. HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG" in texts and "CHỦ TỊCH" in texts
    assert ws.page_setup.orientation == "landscape" and ws["A1"].font.name == "Times New Roman"


def test_result_workbook_lists_findings(sample, cands, tmp_path):
    path = fill(ballot(sample, cands, tmp_path / "b.xlsx"), present=5, writing=4, default=(9, 0))
    t = tally(sample, path, cands)
    wb = load_workbook(results.result_workbook(sample, t, tmp_path / "r.xlsx"))
    assert wb.sheetnames == [results.RESULT_SHEET, results.NOTES_SHEET]
    assert wb[results.NOTES_SHEET]["E2"].value == t.findings[0].message
    texts = [c.value for row in wb.active.iter_rows() for c in row if isinstance(c.value, str)]
    assert texts.count("Không đạt") == 3 and "phiên họp không đủ số thành viên" in results.quorum_line(sample, t)


# --- LibreOffice -----------------------------------------------------------------------------------
@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_resave_is_still_tallied(sample, cands, tmp_path):
    src = tmp_path / "src"
    per_member = fill(ballot(sample, cands, src / "thanh-vien.xlsx"), present=6, writing=3,
                      votes={0: (8, 1), 1: (8, 1), 2: (7, 2)})
    counts = fill(ballot(sample, cands, src / "so-phieu.xlsx", per_member=False), present=6, writing=3,
                  votes={0: (8, 1), 1: (8, 1), 2: (7, 2)})
    expected = {p.name: tally(sample, p, cands) for p in (per_member, counts)}
    out = tmp_path / "lo"
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(out), str(per_member), str(counts)],
                   check=True, capture_output=True, timeout=300)
    for name, before in expected.items():
        after = tally(sample, out / name, cands)
        assert after.findings == [] and after.quorum_ok
        assert after.results == before.results
        assert [v.passed for v in after.results] == [True, False, False]
