"""``decision`` through the CLI, on a copy of the demo (decided as 245/QĐ-STP of 15/12/2024): it lists only
lines whose recorded vote passed for that same award, refuses a date outside the campaign's year and the
next, and a corrected decision number replaces the earlier one in the award history."""
from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sheets_tools.cli import main
from workbooks import decided
from sheets_tools.store import votes
from sheets_tools.store.history import History
from sheets_tools.store.ledger import LEDGER_FILE, Ledger

YEAR = 2024
FIRST = "245/QĐ-STP"  # the demo's decision
CSTDCS = "Chiến sĩ thi đua cơ sở"


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def this_year(directory: Path) -> list[tuple]:
    """The award history's rows of the campaign's year: (key, award code, number, date)."""
    with Ledger(directory) as ledger:
        hist = History(ledger)
        rows = [a for key in list(hist._by_key) for a in hist.of_person(key)]
    return sorted((a.key, a.award_code, a.decision_number, a.decision_date) for a in rows if a.year == YEAR)


def other_years(directory: Path) -> list[tuple]:
    with Ledger(directory) as ledger:
        hist = History(ledger)
        rows = [a for key in list(hist._by_key) for a in hist.of_person(key)]
    return sorted((a.key, a.year, a.award_code, a.decision_number) for a in rows if a.year != YEAR)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def resave_votes(directory: Path, change) -> dict:
    """Rewrite the recorded council votes with ``change(vote dict)`` applied to the first passed CSTĐCS vote;
    returns that vote as it was."""
    with Ledger(directory) as ledger:
        saved = votes.load(ledger)
        target = next(v for v in saved if v["passed"] and v["award_code"] == "CSTDCS")
        before = dict(target)
        change(target)
        votes.save(ledger, saved)
    return before


# --- a vote counts only for the award it was recorded for ----------------------------------------------------
def test_a_vote_recorded_for_another_award_is_not_a_pass(demo_copy):
    target = resave_votes(demo_copy, lambda v: v.update(award_code="CSTD_TINH"))
    assert any(name == target["name"] and CSTDCS in heading for heading, name in decided(demo_copy))
    result = run("decision", demo_copy)
    assert result.exit_code == 0, result.output
    assert not any(name == target["name"] and CSTDCS in heading for heading, name in decided(demo_copy))
    assert "Còn 1 trường hợp chờ Hội đồng biểu quyết" in result.output


def test_a_vote_recorded_for_someone_else_is_not_a_pass(demo_copy):
    target = resave_votes(demo_copy, lambda v: v.update(name="Nguyễn Văn Khác"))
    result = run("decision", demo_copy)
    assert result.exit_code == 0
    assert not any(name == target["name"] and CSTDCS in heading for heading, name in decided(demo_copy))


# --- the decision's date --------------------------------------------------------------------------------------
@pytest.mark.parametrize("day", ["15/12/2099", "15/12/2019", "31/12/2023", "01/01/2026"])
def test_a_date_outside_the_campaign_year_and_the_next_is_refused(demo_copy, day):
    before, history = snapshot(demo_copy / "decision"), this_year(demo_copy)
    result = run("decision", demo_copy, "--number", "246/QĐ-STP", "--date", day)
    assert result.exit_code == 2, result.output
    assert f"Ngày ký quyết định {day} không thuộc năm {YEAR} hoặc năm {YEAR + 1}" in result.output
    assert "Traceback" not in result.output
    assert snapshot(demo_copy / "decision") == before and this_year(demo_copy) == history


@pytest.mark.parametrize("day", ["02/01/2024", "10/01/2025"])
def test_a_date_in_the_campaign_year_or_the_next_is_taken(demo_copy, day):
    result = run("decision", demo_copy, "--number", "246/QĐ-STP", "--date", day)
    assert result.exit_code == 0, result.output


# --- a corrected decision number --------------------------------------------------------------------------------
def test_a_corrected_number_replaces_the_earlier_one_in_the_history(demo_copy):
    first, older = this_year(demo_copy), other_years(demo_copy)
    assert first and {n for _, _, n, _ in first} == {FIRST}
    result = run("decision", demo_copy, "--number", "246/QĐ-STP", "--date", "16/12/2024")
    assert result.exit_code == 0, result.output
    assert f"Đã bỏ {len(first)} khen thưởng của quyết định số {FIRST}" in result.output
    assert "thay bằng Quyết định số 246/QĐ-STP" in result.output
    now = this_year(demo_copy)
    assert [(k, c) for k, c, _, _ in now] == [(k, c) for k, c, _, _ in first]  # the same awards, never doubled
    assert {(n, d) for _, _, n, d in now} == {("246/QĐ-STP", date(2024, 12, 16))}
    assert other_years(demo_copy) == older  # imported history is never touched
    again = run("decision", demo_copy, "--number", "246/QĐ-STP", "--date", "16/12/2024")
    assert again.exit_code == 0 and "Đã bỏ" not in again.output and "Đã ghi" not in again.output
    assert this_year(demo_copy) == now


def test_a_line_no_longer_passed_leaves_the_history(demo_copy):
    first = this_year(demo_copy)
    resave_votes(demo_copy, lambda v: v.update(passed=False))
    result = run("decision", demo_copy, "--number", FIRST, "--date", "15/12/2024")
    assert result.exit_code == 0, result.output
    assert "Đã bỏ 1 khen thưởng" in result.output
    now = this_year(demo_copy)
    assert len(now) == len(first) - 1 and set(now) < set(first)


def test_a_ledger_from_before_keeps_its_decision_apart_from_imports(demo_copy):
    """A ledger whose history table predates the decision/import mark: the demo's decision is still recognised
    (by its source) and replaced; the imported rows are kept."""
    first, older = this_year(demo_copy), other_years(demo_copy)
    con = sqlite3.connect(demo_copy / LEDGER_FILE)
    if "origin" in {row[1] for row in con.execute("PRAGMA table_info(awards)")}:
        con.execute("ALTER TABLE awards DROP COLUMN origin")
        con.commit()
    con.close()
    result = run("decision", demo_copy, "--number", "246/QĐ-STP", "--date", "16/12/2024")
    assert result.exit_code == 0, result.output
    assert len(this_year(demo_copy)) == len(first) and other_years(demo_copy) == older
    assert {n for _, _, n, _ in this_year(demo_copy)} == {"246/QĐ-STP"}


def test_replacing_the_history_is_one_transaction(demo_copy):
    """A failure while the new decision is written (here a trigger refusing the second row) leaves the
    earlier decision's rows whole."""
    first = this_year(demo_copy)
    con = sqlite3.connect(demo_copy / LEDGER_FILE)
    con.execute("CREATE TRIGGER fail BEFORE INSERT ON awards WHEN NEW.decision_number = '246/QĐ-STP' "
                "AND (SELECT count(*) FROM awards WHERE decision_number = '246/QĐ-STP') >= 1 "
                "BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    con.commit()
    con.close()
    result = run("decision", demo_copy, "--number", "246/QĐ-STP", "--date", "16/12/2024")
    assert result.exit_code != 0
    assert this_year(demo_copy) == first



# --- a unit sends its proposals again after the decision ------------------------------------------------------
def test_proposals_sent_again_after_the_decision_stay_in_it(demo_copy, tmp_path):
    """The decision's own lines in the award history are not "another award" for the same lines sent again: the
    unit's file is accepted and the decision made again keeps every one of its lines."""
    unit = "PTP-MD"
    with Ledger(demo_copy) as ledger:
        archive = demo_copy / ledger.data_submission("proposals")[unit].archive
    before = decided(demo_copy)
    wb = load_workbook(archive)
    wb["Cá nhân"]["N9"] = "(bổ sung)"
    again = tmp_path / "PTP-MD-de-nghi-bo-sung.xlsx"
    wb.save(again)
    collected = run("collect", demo_copy, again, "--json")
    (file,) = json.loads(collected.output)["files"]
    assert file["status"] != "rejected", file["findings"]
    assert not [f for f in file["findings"] if f["code"] == "proposal.awarded_before"]
    assert run("consolidate", demo_copy).exit_code == 0
    result = run("decision", demo_copy, "--number", FIRST, "--date", "15/12/2024")
    assert result.exit_code == 0, result.output
    assert "Đã bỏ" not in result.output
    assert before and decided(demo_copy) == before
