"""``sheets-tools demo``: the whole simulated year on the sample campaign, run once per session
(conftest.py ``demo_run``), and what running it again in the same folder starts from."""
from __future__ import annotations

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.campaign import writer as campaign_writer
from sheets_tools.demo.year import MARKER, SAMPLE, _prepare
from sheets_tools.store.ledger import Ledger


def test_demo_runs_the_whole_cycle(demo_run):
    directory, output = demo_run  # the fixture checked the command's exit code
    master = directory / "master"
    assert any(master.glob("*.xlsx"))
    assert "Bảng tổng hợp:" in output
    assert "Chưa nộp" in output or "Quá hạn" in output
    with Ledger(directory) as ledger:
        subs = ledger.submissions()
        assert any(s.status == "rejected" for s in subs)
        assert any(s.late for s in subs)
        assert any(s.superseded_by for s in subs)
        codes = {f.code for s in subs for f in ledger.findings(s.id)}
        assert {"cell.legacy_font", "ident.by_name", "row.duplicate_in_unit", "cell.bad_date"} <= codes


def test_rerunning_a_demo_folder_starts_from_a_clean_folder(demo_copy):
    """Re-running a demo folder works: ``run_demo`` first clears what the previous run wrote (``_prepare``);
    after that the folder holds only the demo's marker, so the rest of the run is the session's run on a
    fresh folder (``demo_run``), without a second full run of the year here."""
    directory = demo_copy  # a folder a whole demo run left behind
    assert (directory / MARKER).exists() and (directory / campaign_mod.CAMPAIGN_FILE).exists()
    _prepare(directory)
    assert sorted(p.name for p in directory.iterdir()) == [MARKER]  # every output of the first run is gone
    campaign_writer.create(directory, sample=SAMPLE)  # run_demo's next step, in the cleared folder
    assert campaign_mod.load(directory).id == SAMPLE
