"""The council's ballot through the CLI, on a copy of the demo (whose ballot the council filled):
``council ballot`` never overwrites the office's work, and ``council tally`` trusts only the ledger
(the award, its share, the names and the membership), never the ballot's locked cells."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.utils.protection import hash_password

from sheets_tools.campaign import workbook as campaign
from sheets_tools.cli import main
from workbooks import decided
from sheets_tools.core.findings import message
from sheets_tools.store.ledger import Ledger
from sheets_tools.yearend.award import ballot_path
from sheets_tools.yearend.council import (
    FIRST_ROW, HEADER_ROW, L_AWARD_CODE, L_CANDIDATE, L_ID, L_NAME, L_NEEDED, L_PRESENT, L_SHARE, L_WRITING,
    MEMBERS_SHEET, NO, VOTES_SHEET, YES)
from sheets_tools.yearend.council import load as recorded_votes

COPIES = "bản cũ"


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def ballot_of(directory: Path) -> Path:
    return ballot_path(campaign.load(directory))


def labels(ws) -> dict[str, int]:
    """Header label -> 1-based column on the ballot's header row."""
    return {str(c.value): c.column for c in ws[HEADER_ROW] if c.value is not None}


def rows_by_id(ws) -> dict[str, int]:
    col = labels(ws)[L_ID]
    return {ws.cell(row=r, column=col).value: r for r in range(FIRST_ROW, ws.max_row + 1)
            if ws.cell(row=r, column=col).value}


def entered(path: Path) -> tuple[int, int]:
    """(attendance marks "Có", vote or count cells filled) in a ballot, read with openpyxl."""
    wb = load_workbook(path)
    members, votes = wb[MEMBERS_SHEET], wb[VOTES_SHEET]
    cols = labels(members)
    marks = sum(1 for r in range(FIRST_ROW, members.max_row + 1) for label in (L_PRESENT, L_WRITING)
                if members.cell(row=r, column=cols[label]).value == "Có")
    first = labels(votes)[L_NEEDED] + 1
    typed = sum(1 for r in range(FIRST_ROW, votes.max_row + 1) for c in range(first, votes.max_column + 1)
                if votes.cell(row=r, column=c).value not in (None, ""))
    return marks, typed


def edit_ballot(path: Path, edit) -> None:
    """Change the filled ballot the way someone with Excel (or openpyxl) would, then save it."""
    wb = load_workbook(path)
    edit(wb)
    wb.save(path)


def votes_now(directory: Path):
    with Ledger(directory) as ledger:
        return recorded_votes(ledger)


def failing_cstdcs(directory: Path):
    """The demo's CSTĐCS candidate that got 7 of 9 votes (80% needs 8)."""
    return next(v for v in votes_now(directory).values() if not v.passed and v.award_code == "CSTDCS")


def passing(directory: Path, code: str = "CSTDCS"):
    return [v for v in votes_now(directory).values() if v.passed and v.award_code == code]


def cstdcs_names(directory: Path) -> set[str]:
    return {name for heading, name in decided(directory) if "Chiến sĩ thi đua cơ sở" in heading}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- 1. council ballot never overwrites the office's work ----------------------------------------------------
def test_a_filled_ballot_is_not_overwritten(demo_copy):
    path = ballot_of(demo_copy)
    marks, typed = entered(path)
    assert marks and typed  # the demo's council filled it
    before = snapshot(path.parent)
    result = run("council", "ballot", demo_copy)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert str(path) in result.output and f"{marks} đánh dấu có mặt" in result.output
    assert f"{typed} ô phiếu biểu quyết" in result.output and "--new" in result.output
    assert snapshot(path.parent) == before  # nothing written, not even a copy
    assert run("council", "ballot", demo_copy, "--counts").exit_code == 2 and snapshot(path.parent) == before


def test_new_keeps_the_filled_ballot_as_a_dated_copy(demo_copy):
    path = ballot_of(demo_copy)
    old = path.read_bytes()
    result = run("council", "ballot", demo_copy, "--new")
    assert result.exit_code == 0, result.output
    copies = list((path.parent / COPIES).glob("*.xlsx"))
    assert len(copies) == 1 and copies[0].read_bytes() == old
    assert copies[0].name.startswith(path.stem + " (bản lưu ") and str(copies[0]) in result.output
    assert entered(path) == (0, 0)  # a fresh ballot
    # the copy is never taken for the ballot: the tally reads the new, blank one
    tally = run("council", "tally", demo_copy)
    assert "có mặt: 0" in tally.output and path.name in tally.output and copies[0].name not in tally.output


def blank_ballot(directory: Path) -> Path:
    """The demo's filled ballot taken away and an unfilled one made."""
    path = ballot_of(directory)
    path.unlink()
    assert run("council", "ballot", directory).exit_code == 0
    assert entered(path) == (0, 0)
    return path


def test_an_unfilled_ballot_is_simply_replaced(demo_copy):
    path = blank_ballot(demo_copy)
    blank = path.read_bytes()
    result = run("council", "ballot", demo_copy, "--counts")
    assert result.exit_code == 0, result.output
    assert path.read_bytes() != blank and "Số phiếu đồng ý" in labels(load_workbook(path)[VOTES_SHEET])
    assert not (path.parent / COPIES).exists()  # nothing of the office's to keep


def test_a_ballot_that_cannot_be_read_is_not_overwritten(demo_copy):
    path = ballot_of(demo_copy)
    path.write_bytes(b"not a workbook")
    result = run("council", "ballot", demo_copy)
    assert result.exit_code == 2 and "không đọc được" in result.output and "--new" in result.output
    assert path.read_bytes() == b"not a workbook"
    assert run("council", "ballot", demo_copy, "--new").exit_code == 0
    assert [p.read_bytes() for p in (path.parent / COPIES).glob("*.xlsx")] == [b"not a workbook"]


@pytest.mark.parametrize("lock", ["~${}", ".~lock.{}#"], ids=["excel", "libreoffice"])
def test_a_ballot_open_in_excel_is_left_alone(demo_copy, lock):
    path = blank_ballot(demo_copy)  # an unfilled ballot, open in Excel
    (path.parent / lock.format(path.name)).write_text("owner", encoding="utf-8")
    before = path.read_bytes()
    result = run("council", "ballot", demo_copy, "--counts")
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == before and "đang được mở" in result.output
    beside = [p for p in path.parent.glob(f"{path.stem} (*).xlsx")]
    assert len(beside) == 1 and str(beside[0]) in result.output
    assert "Số phiếu đồng ý" in labels(load_workbook(beside[0])[VOTES_SHEET])


def test_the_ballot_is_protected_with_the_campaign_password(demo_copy):
    password = campaign.load(demo_copy).settings["sheet_password"]
    assert password
    wb = load_workbook(blank_ballot(demo_copy))
    for ws in (wb[MEMBERS_SHEET], wb[VOTES_SHEET]):
        assert ws.protection.sheet and ws.protection.password == hash_password(password)
    assert wb.security.lockStructure and wb.security.workbookPassword == hash_password(password)
    votes = wb[VOTES_SHEET]
    col = labels(votes)[L_ID]
    assert votes.column_dimensions[votes.cell(row=HEADER_ROW, column=col).column_letter].hidden
    assert votes.cell(row=FIRST_ROW, column=col).protection.locked


# --- 2. the tally trusts only the ledger ---------------------------------------------------------------------
def test_changed_award_code_and_share_do_not_make_a_failing_candidate_pass(demo_copy):
    path = ballot_of(demo_copy)
    target, others = failing_cstdcs(demo_copy), passing(demo_copy)
    members = [m.name for m in campaign.load(demo_copy).council]
    cells = {}

    def forge(wb):
        ws = wb[VOTES_SHEET]
        cols, r = labels(ws), rows_by_id(wb[VOTES_SHEET])[target.candidate_id]
        ws.cell(row=r, column=cols[L_AWARD_CODE]).value = "LDTT"  # an award without a council vote
        ws.cell(row=r, column=cols[L_SHARE]).value = "10%"
        for i, name in enumerate(members):
            ws.cell(row=r, column=cols[name]).value = YES if i == 0 else NO  # 1 vote of 9
        cells.update(code=ws.cell(row=r, column=cols[L_AWARD_CODE]).coordinate,
                     share=ws.cell(row=r, column=cols[L_SHARE]).coordinate, row=r)

    edit_ballot(path, forge)
    result = run("council", "tally", demo_copy)
    assert result.exit_code == 1, result.output
    for key, label, found, expected in (("code", L_AWARD_CODE, "LDTT", "CSTDCS"), ("share", L_SHARE, "10%", "80%")):
        text = message("council.cell_changed", cell=cells[key], label=label, row=cells["row"], value=found,
                       expected=expected, name=target.name)
        assert text in result.output
        assert f"trang \"{VOTES_SHEET}\", ô {cells[key]}" in result.output
    vote = votes_now(demo_copy)[target.candidate_id]
    assert not vote.passed and vote.award_code == "CSTDCS" and vote.needed == 8  # from the ledger
    assert passing(demo_copy) == others  # the other rows are still tallied
    assert run("decision", demo_copy).exit_code == 0
    assert target.name not in cstdcs_names(demo_copy)


def test_a_changed_name_is_a_finding_and_that_row_is_not_tallied(demo_copy):
    path = ballot_of(demo_copy)
    target, others = passing(demo_copy)[0], passing(demo_copy)[1:]
    where = {}

    def rename(wb):
        ws = wb[VOTES_SHEET]
        r = rows_by_id(ws)[target.candidate_id]
        cell = ws.cell(row=r, column=labels(ws)[L_CANDIDATE])
        cell.value = "Nguyễn Văn Giả"
        where.update(cell=cell.coordinate, row=r)

    edit_ballot(path, rename)
    result = run("council", "tally", demo_copy)
    assert result.exit_code == 1
    assert message("council.cell_changed", cell=where["cell"], label=L_CANDIDATE, row=where["row"],
                   value="Nguyễn Văn Giả", expected=target.name, name=target.name) in result.output
    after = votes_now(demo_copy)
    assert not after[target.candidate_id].passed and after[target.candidate_id].name == target.name
    assert all(after[v.candidate_id].passed for v in others)


def test_a_row_with_an_unknown_id_is_a_finding_and_not_tallied(demo_copy):
    path = ballot_of(demo_copy)
    before = votes_now(demo_copy)
    target = passing(demo_copy)[0]
    forged = "proposals:PTP-MD/individuals/99/CSTDCS"
    where = {}

    def reid(wb):
        ws = wb[VOTES_SHEET]
        r = rows_by_id(ws)[target.candidate_id]
        cell = ws.cell(row=r, column=labels(ws)[L_ID])
        cell.value = forged
        where.update(cell=cell.coordinate, row=r)

    edit_ballot(path, reid)
    result = run("council", "tally", demo_copy)
    assert result.exit_code == 1
    assert message("council.unknown_candidate", cell=where["cell"], value=forged, row=where["row"],
                   name=target.name) in result.output
    after = votes_now(demo_copy)
    assert forged not in after and target.candidate_id not in after and len(after) == len(before) - 1
    decision = run("decision", demo_copy)
    assert decision.exit_code == 0 and "Còn 1 trường hợp chờ Hội đồng biểu quyết" in decision.output
    assert target.name not in cstdcs_names(demo_copy)


def _rename_member(wb):
    ws = wb[MEMBERS_SHEET]
    ws.cell(row=FIRST_ROW + 2, column=labels(ws)[L_NAME]).value = "Người Lạ"


def _swap_member_columns(wb):
    ws = wb[VOTES_SHEET]
    first = labels(ws)[L_NEEDED] + 1
    a, b = ws.cell(row=HEADER_ROW, column=first), ws.cell(row=HEADER_ROW, column=first + 8)
    a.value, b.value = b.value, a.value  # the absent member's votes read as the chair's


@pytest.mark.parametrize("edit, sheet", [(_rename_member, MEMBERS_SHEET), (_swap_member_columns, VOTES_SHEET)],
                         ids=["member-name", "member-columns"])
def test_a_changed_membership_refuses_the_whole_tally(demo_copy, edit, sheet):
    before = votes_now(demo_copy)
    edit_ballot(ballot_of(demo_copy), edit)
    result = run("council", "tally", demo_copy)
    assert result.exit_code == 1
    assert "council.sheet_changed" not in result.output and f"trang \"{sheet}\"" in result.output
    assert "khác với phiếu phần mềm đã lập theo danh sách Hội đồng" in result.output
    assert "được giữ nguyên" in result.output
    assert votes_now(demo_copy) == before


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_a_libreoffice_resave_keeps_the_sheet_passwords(demo_copy, tmp_path):
    """LibreOffice keeps each sheet's password (it drops the workbook's structure lock: the tally's checks
    against the ledger do not rest on it)."""
    password = campaign.load(demo_copy).settings["sheet_password"]
    path = blank_ballot(demo_copy)
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"), str(path)],
                   check=True, capture_output=True, timeout=300)
    wb = load_workbook(tmp_path / "lo" / path.name)
    for ws in (wb[MEMBERS_SHEET], wb[VOTES_SHEET]):
        assert ws.protection.sheet and (ws.protection.password or "").upper() == hash_password(password).upper()
