"""The year-end stage end to end, as ``sheets-tools demo`` runs it (the session's one demo run, conftest.py
``demo_run``), then the stage's CLI commands (on a copy of that folder, ``demo_copy``)."""
from __future__ import annotations

from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook

from sheets_tools.campaign import workbook as campaign
from sheets_tools.yearend.award import ballot_path
from sheets_tools.cli import main
from sheets_tools.yearend.council import load as council_results
from sheets_tools.yearend.decision import money
from sheets_tools.demo.yearend import INITIATIVE_CITED, INITIATIVE_MISTAKES, MISTAKES
from sheets_tools.forms import proposals, scoring
from sheets_tools.store.history import History, person_key
from sheets_tools.store.ledger import Ledger


EXPECTED = {"PTP-BH": "score.above_standard", "PTP-KN": "score.not_allowed", "PBGD": "score.note_missing",
            "CC1": "score.evidence_missing", "PTP-KP": "score.parent_sum", "PTP-BMT": "proposal.not_registered",
            "PTP-CK": "proposal.rating", "XDKT": "proposal.cstdcs_basis", "BTTP": "proposal.ldtt_share",
            "TGPL": "proposal.history_missing", "PTP-EK": "proposal.not_leader"}


def assert_caught(directory, expected: dict[str, str], form: str | None = None) -> None:
    with Ledger(directory) as ledger:
        for unit, code in expected.items():
            found = {f.code for s in ledger.submissions(unit=unit, form=form) for f in ledger.findings(s.id)}
            assert code in found, (unit, code, found)


def test_every_simulated_mistake_is_caught(demo_run):
    directory, _ = demo_run
    assert set(EXPECTED) == set(MISTAKES)
    assert_caught(directory, EXPECTED)
    assert_caught(directory, {"PBGD": "proposal.pending"}, "proposals")


def test_master_shows_scoring_ranking_checks_and_council(demo_run):
    directory, _ = demo_run
    camp = campaign.load(directory)
    wb = load_workbook(next((directory / "master").glob("*.xlsx")))
    assert {scoring.CHECK_SHEET, scoring.ranking_sheet(1), scoring.ranking_sheet(2),
            proposals.CHECK_SHEET} <= set(wb.sheetnames)
    checks = [r for r in wb[proposals.CHECK_SHEET].iter_rows(min_row=7, values_only=True) if r[0]]
    assert any(r[6] == "Đạt" for r in checks) and any(r[6] == "Chưa đạt" for r in checks)
    assert any(r[9] and "Đạt" in r[9] for r in checks)  # the council's result is shown
    ranking = [r for r in wb[scoring.ranking_sheet(1)].iter_rows(min_row=7, values_only=True) if r[1]]
    assert ranking[0][0] == 1 and any(r[6] == "Thẩm định" for r in ranking)  # the office's checked scores count
    with Ledger(directory) as ledger:
        votes = council_results(ledger)
    assert votes and any(not v.passed for v in votes.values()) and any(v.passed for v in votes.values())
    failed = next(v for v in votes.values() if not v.passed)
    assert failed.yes == 7 and failed.needed == 8 == -(-len(camp.council) * 80 // 100)  # 80% of all 9 members


def test_decision_lists_and_the_history_grows(demo_run):
    directory, _ = demo_run
    camp = campaign.load(directory)
    doc = Document(str(next((directory / "decision").glob("*.docx"))))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "DANH SÁCH" in text and "245/QĐ-STP" in text
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    ldtt = camp.catalogue_item("Lao động tiên tiến")
    assert f"{money(camp, ldtt):,}".replace(",", ".") in cells  # 0.3 x 2.340.000
    with Ledger(directory) as ledger:
        hist = History(ledger)
        assert len(hist) > 2  # two imported rows plus this year's decision
        this_year = [a for key in list(hist._by_key) for a in hist.of_person(key) if a.year == camp.info.year]
    assert this_year and all(a.decision_number == "245/QĐ-STP" for a in this_year)


def test_a_file_that_is_not_a_ballot_changes_no_recorded_vote(demo_copy):
    directory = demo_copy
    with Ledger(directory) as ledger:
        before = council_results(ledger)
    result = CliRunner().invoke(main, ["council", "tally", str(directory), str(directory / "lich-su-khen-thuong.xlsx")])
    assert result.exit_code == 1 and "được giữ nguyên" in result.output
    assert "lich-su-khen-thuong.xlsx, trang" in result.output  # the problem names the file and the sheet
    with Ledger(directory) as ledger:
        assert council_results(ledger) == before


def test_cli_year_end_commands(demo_copy):
    directory = demo_copy
    runner = CliRunner()
    refused = runner.invoke(main, ["council", "ballot", str(directory), "--counts"])  # the council's filled ballot
    assert refused.exit_code == 2 and "--new" in refused.output  # a usage error: --new is needed
    ballot = runner.invoke(main, ["council", "ballot", str(directory), "--counts", "--new"])
    assert ballot.exit_code == 0, ballot.output
    assert ballot_path(campaign.load(directory)).exists() and "bản cũ" in ballot.output
    tally = runner.invoke(main, ["council", "tally", str(directory)])
    assert "Thành viên: 9" in tally.output  # nobody marked present on a fresh ballot: an error, exit 1
    assert tally.exit_code == 1
    decided = runner.invoke(main, ["decision", str(directory), "--date", "31/02/2024"])
    assert decided.exit_code != 0 and "không phải ngày hợp lệ" in decided.output
    template = runner.invoke(main, ["history", "template", str(directory)])
    assert template.exit_code == 0, template.output
    imported = runner.invoke(main, ["history", "import", str(directory), str(directory / "lich-su-khen-thuong.xlsx")])
    assert imported.exit_code == 0 and "Đã nhập 0 dòng mới" in imported.output
    assert person_key("Nguyễn Văn", "An", None).startswith("cn|")


# --- the initiative stage (demo/initiatives.py), which the demo runs between registration and year end ---
def test_initiative_stage_then_year_end(demo_run):
    from sheets_tools.demo.initiatives import MISTAKES as INITIATIVE_STAGE_MISTAKES

    from sheets_tools.formkit.plugins import Context
    from sheets_tools.forms.initiatives import COUNCIL_SHEET, registered
    directory, output = demo_run
    assert "Hội đồng Sáng kiến xét" in output and "Danh sách khen thưởng" in output
    # the initiative stage's own mistakes are caught
    stage = {"PBGD": "initiative.author_not_registered", "PTP-BH": "initiative.duplicate_title",
             "CC1": "initiative.not_in_list", "HCTP": "initiative.authors_unchecked"}
    assert set(stage) == set(INITIATIVE_STAGE_MISTAKES)
    assert_caught(directory, stage, "initiatives")
    # the year-end mistakes still are, and the proposals resting on initiatives are checked against them
    assert_caught(directory, EXPECTED)
    cited = {"PTP-CMG": "proposal.initiative_rejected", "PTP-EHL": "proposal.initiative_not_registered"}
    assert set(cited) == set(INITIATIVE_MISTAKES)
    assert_caught(directory, cited, "proposals")
    camp = campaign.load(directory)
    with Ledger(directory) as ledger:
        items = registered(Context(camp, ledger))
    assert len({i.unit for i in items}) >= 12 and any(i.recognised is False for i in items)
    assert sum(1 for i in items if i.recognised) >= 10  # the council's results typed in the master, read back
    wb = load_workbook(next((directory / "master").glob("*.xlsx")))
    assert COUNCIL_SHEET in wb.sheetnames
    checks = [r for r in wb[proposals.CHECK_SHEET].iter_rows(min_row=7, values_only=True) if r[0]]
    resting = {(r[0], r[5]): r for r in checks if r[10]}
    assert resting[(INITIATIVE_CITED, "Chiến sĩ thi đua cơ sở")][6] == "Đạt"
    assert "Hội đồng Sáng kiến công nhận" in resting[(INITIATIVE_CITED, "Chiến sĩ thi đua cơ sở")][10]
    assert resting[("VP", "Chiến sĩ thi đua cấp tỉnh")][6] == "Đạt"  # its scope taken from the registration
    assert resting[("PTP-CMG", "Chiến sĩ thi đua cơ sở")][6] == "Chưa đạt"
