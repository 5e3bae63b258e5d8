"""collect with its files read and validated in worker processes (setting ``collect_workers``): the same
results, ledger and feedback as the serial path on a mixed inbox, and a worker that dies is one file's
finding, never a stopped run.

The command runs as a real subprocess (``python -m sheets_tools.cli collect``). To see which files the
workers checked, and to kill a worker in the middle of one file, the tests put a ``sitecustomize`` module
on that subprocess's PYTHONPATH (nothing in the library knows of it): it wraps ``check_file`` so that, in a
worker process only, each call is written to a log, and the file the test names makes the worker end
itself with ``os._exit`` (as the operating system's out-of-memory killer or a crash in a parser would).
"""
from __future__ import annotations

import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.campaign import writer as campaign_writer
from sheets_tools.collection.templates import form_workbook
from sheets_tools.core.findings import message
from sheets_tools.formkit.declaration import FIRST_ROW, get_form

from workbooks import DATA, fill_table, register_common_targets

REPO = Path(__file__).resolve().parents[2]
REG = get_form("registration")
MID = get_form("midyear_report")
PERSON = {"family_name": "Nguyễn Thị", "given_name": "Hoa", "birth_date": date(1985, 3, 15), "sex": "Nữ",
          "position": "Chuyên viên", "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Lao động tiên tiến"}
JAN, FEB, JUN = datetime(2024, 1, 20, 9), datetime(2024, 2, 5, 8), datetime(2024, 6, 20, 9)
PAD_UNITS = ["PTP-BMT", "PTP-BH", "PTP-BD", "PTP-CK", "PTP-CMG", "PTP-ES", "PTP-KA", "PTP-KB", "PTP-KBK",
             "PTP-KN", "PTP-KP", "PTP-LAK", "PTP-MD", "CC1", "DGTS", "HCTP"]
NARRATIVE = "Báo cáo sơ kết 6 tháng - Văn phòng Sở.docx"

PROBE = '''
import multiprocessing, os
if os.environ.get("P2_PROBE_LOG"):
    from sheets_tools.collection import validate
    _real = validate.check_file

    def check_file(incoming, campaign, context=None):
        if multiprocessing.parent_process() is not None:  # a worker of the pool, not the command itself
            with open(os.environ["P2_PROBE_LOG"], "a", encoding="utf-8") as log:
                log.write(f"{os.getpid()}\\t{incoming.name}\\n")
            if incoming.name == os.environ.get("P2_PROBE_CRASH"):
                os._exit(70)
        return _real(incoming, campaign, context)

    validate.check_file = check_file
'''


# --- the inbox ---------------------------------------------------------------------------------------
def _dated(path: Path, when: datetime) -> Path:
    os.utime(path, (when.timestamp(), when.timestamp()))
    return path


def registration(camp, unit_code: str, path: Path, *, when: datetime = JAN, individuals=(PERSON,),
                 targets: dict | None = None) -> Path:
    """A unit's registration as the unit returns it (the issued workbook, filled)."""
    unit = camp.unit(unit_code)
    wb = register_common_targets(form_workbook(REG, camp, unit), camp, unit_code)
    fill_table(wb[REG.sheet("individuals").name], REG.sheet("individuals"), list(individuals))
    fill_table(wb[REG.sheet("collectives").name], REG.sheet("collectives"),
          [{"collective_name": unit.name, "title": "Tập thể lao động tiên tiến"}])
    fill_table(wb[REG.sheet("movements").name], REG.sheet("movements"), [{"movement": camp.movements[0].name}])
    sheet = REG.sheet("targets")
    ws = wb[sheet.name]
    for code, value in (targets or {}).items():
        row = next(r for r in range(FIRST_ROW, FIRST_ROW + sheet.rows)
                   if ws[f"{sheet.column('code').letter}{r}"].value == code)
        ws[f"{sheet.column('target').letter}{row}"] = value
    wb.save(path)
    return _dated(path, when)


def midyear(camp, unit_code: str, path: Path) -> Path:
    """A mid-year report issued without the ledger (the common targets), every result at that target:
    against a registration with the unit's own target the check finds the target changed."""
    wb = form_workbook(MID, camp, camp.unit(unit_code))
    sheet = MID.sheet("results")
    ws = wb[sheet.name]
    letter = {c.field: c.letter for c in sheet.columns}
    for r in range(FIRST_ROW, FIRST_ROW + sheet.rows):
        if ws[f"{letter['code']}{r}"].value:
            ws[f"{letter['result']}{r}"] = ws[f"{letter['target']}{r}"].value
    docs = MID.sheet("documents")
    wb[docs.name][f"{docs.column('file_name').letter}{FIRST_ROW}"] = NARRATIVE
    wb.save(path)
    return _dated(path, JUN)


def mixed_inbox(camp, inbox: Path) -> list[str]:
    """The padding the command checks itself first, then every kind of file; returns the names after the
    padding, in the order collect takes them."""
    inbox.mkdir(parents=True)
    for i, unit in enumerate(PAD_UNITS):
        registration(camp, unit, inbox / f"00-{i:02d}-{unit}.xlsx", individuals=[{**PERSON, "given_name": unit}])
    registration(camp, "VP", inbox / "01-vp.xlsx", targets={"CT01": 12},  # accepted, its own target
                 individuals=[{**PERSON, "given_name": "Vân"}])
    registration(camp, "TGPL", inbox / "02-tgpl-remarks.xlsx", targets={"CT01": 1},  # a weaker target: warning
                 individuals=[{**PERSON, "given_name": "Thu"}])
    registration(camp, "TTR", inbox / "03-ttr-rejected.xlsx",
                 individuals=[{**PERSON, "given_name": None, "birth_date": "31/02/1980"}])
    wrong = Workbook()
    wrong.active["A1"] = "Bảng kê tài sản"
    wrong.save(inbox / "04-wrong-form.xlsx")
    twice = registration(camp, "PBGD", inbox / "05-pbgd.xlsx", individuals=[{**PERSON, "given_name": "Mai"}])
    shutil.copyfile(twice, inbox / "06-pbgd-again.xlsx")  # the same bytes, right behind: a duplicate
    _dated(inbox / "06-pbgd-again.xlsx", JAN)
    registration(camp, "VP", inbox / "07-vp-replacement.xlsx", when=datetime(2024, 1, 25),
                 targets={"CT01": 12}, individuals=[{**PERSON, "given_name": "Vân"}, {**PERSON, "given_name": "Lan"}])
    cut = (inbox / "01-vp.xlsx").read_bytes()
    (inbox / "08-broken-zip.xlsx").write_bytes(cut[:len(cut) // 2])
    _dated(shutil.copyfile(DATA / "return.xls", inbox / "09-legacy.xls"), JAN)
    registration(camp, "PTP-EK", inbox / "10-ek.xlsx")  # the same person as PTP-EHL: cross-unit
    registration(camp, "PTP-EHL", inbox / "11-ehl-late.xlsx", when=FEB)
    midyear(camp, "VP", inbox / "12-vp-midyear.xlsx")  # needs VP's registration, taken earlier in this run
    (inbox / NARRATIVE).write_bytes(b"PK narrative")
    midyear(camp, "XDKT", inbox / "13-xdkt-midyear.xlsx")  # no registration: the common targets
    return sorted(p.name for p in inbox.iterdir() if not p.name.startswith("00-") and p.name != NARRATIVE)


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    """(a fresh campaign folder nobody collected into, the mixed inbox, the names after the padding)."""
    root = tmp_path_factory.mktemp("workers")
    campaign_writer.create(root / "clean", sample="daklak-2024")
    camp = campaign_mod.load(root / "clean")
    names = mixed_inbox(camp, root / "inbox")
    return root / "clean", root / "inbox", names


def campaign_with(clean: Path, folder: Path, workers: int | None) -> Path:
    """A copy of the campaign whose "Cài đặt" sheet says ``collect_workers`` (None: the row left out)."""
    shutil.copytree(clean, folder)
    if workers is not None:
        path = folder / campaign_mod.CAMPAIGN_FILE
        wb = load_workbook(path)
        ws = wb[campaign_mod.SETTINGS_SHEET]
        row = ws.max_row + 1
        ws.cell(row=row, column=1, value="collect_workers")
        ws.cell(row=row, column=2, value=workers)
        wb.save(path)
    return folder


def probed(camp_dir: Path, probe: Path, crash: str = "") -> tuple[dict, Path]:
    """The environment of a command whose workers are watched (``PROBE``), and the log they write."""
    probe.mkdir(exist_ok=True)
    (probe / "sitecustomize.py").write_text(PROBE, encoding="utf-8")
    log = probe / f"log-{camp_dir.name}.txt"
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(probe), str(REPO)]), "P2_PROBE_LOG": str(log),
            "P2_PROBE_CRASH": crash, "PYTHONIOENCODING": "utf-8"}, log


def run_collect(camp_dir: Path, inbox: Path, probe: Path, crash: str = "") -> tuple[int, dict, list[str]]:
    """``sheets-tools collect <camp> <inbox> --json`` in a subprocess: exit code, JSON, and the files the
    worker processes were given (names, in the order they started)."""
    env, log = probed(camp_dir, probe, crash)
    proc = subprocess.run([sys.executable, "-m", "sheets_tools.cli", "collect", str(camp_dir), str(inbox), "--json"],
                          capture_output=True, env=env, cwd=probe, timeout=600)
    out = proc.stdout.decode("utf-8")
    assert proc.stdout.strip().startswith(b"{"), out + proc.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in proc.stderr, proc.stderr.decode("utf-8", "replace")
    logged = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return proc.returncode, json.loads(out.replace(str(camp_dir), "<campaign>")), [x.split("\t")[1] for x in logged]


def ledger_rows(camp_dir: Path) -> dict[str, list]:
    """The ledger's tables as rows (the moment a file was recorded left out)."""
    con = sqlite3.connect(f"file:{(camp_dir / 'ledger.sqlite').as_posix()}?mode=ro", uri=True)
    try:
        columns = [r[1] for r in con.execute("PRAGMA table_info(submissions)") if r[1] != "collected_at"]
        return {"submissions": con.execute(f"SELECT {', '.join(columns)} FROM submissions ORDER BY id").fetchall(),
                **{t: con.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall()
                   for t in ("rows", "findings", "documents")}}
    finally:
        con.close()


def feedback_of(camp_dir: Path) -> dict[str, list]:
    """Each feedback workbook written for the units: its cells' values, sheet by sheet (the moment it was
    made left out)."""
    out = {}
    for path in sorted((camp_dir / "feedback").rglob("*.xlsx")):
        wb = load_workbook(path, read_only=True)
        out[path.relative_to(camp_dir).as_posix()] = [
            [ws.title, *[list(r) for r in ws.iter_rows(values_only=True) if r[:1] != ("built_at",)]]
            for ws in wb.worksheets]
        wb.close()
    assert out, "no feedback written"
    return out


def by_file(out: dict) -> dict[str, dict]:
    return {Path(f["file"]).name: f for f in out["files"]}


# --- the tests ---------------------------------------------------------------------------------------
def test_workers_give_what_the_serial_path_gives(inbox, tmp_path):
    clean, folder, names = inbox
    serial = campaign_with(clean, tmp_path / "serial", 1)
    parallel = campaign_with(clean, tmp_path / "parallel", 2)
    code1, out1, checked1 = run_collect(serial, folder, tmp_path / "probe")
    code2, out2, checked2 = run_collect(parallel, folder, tmp_path / "probe")

    assert checked1 == []  # collect_workers = 1: every file checked in the command's own process
    assert set(names) - {"06-pbgd-again.xlsx"} <= set(checked2), checked2  # the workers took the mixed files
    assert code1 == code2 == 1
    assert out2 == out1
    assert ledger_rows(parallel) == ledger_rows(serial)
    assert feedback_of(parallel) == feedback_of(serial)

    files = by_file(out2)  # and the mixed inbox is what it says it is
    status = {n: files[n]["status"] for n in names}
    assert status["01-vp.xlsx"] == "accepted"
    assert status["02-tgpl-remarks.xlsx"] == "accepted_with_warnings"
    assert status["03-ttr-rejected.xlsx"] == "rejected"
    assert [f["code"] for f in files["04-wrong-form.xlsx"]["findings"]] == ["ident.unknown_form"]
    recorded = [s[2] for s in ledger_rows(parallel)["submissions"]]
    assert "05-pbgd.xlsx" in recorded and "06-pbgd-again.xlsx" not in recorded  # the same bytes: a duplicate
    assert files["08-broken-zip.xlsx"]["findings"][0]["code"] == "file.truncated"
    assert "file.converted_format" in [f["code"] for f in files["09-legacy.xls"]["findings"]]
    for name in ("10-ek.xlsx", "11-ehl-late.xlsx"):
        assert "row.duplicate_across_units" in [f["code"] for f in files[name]["findings"]]
    assert "file.late" in [f["code"] for f in files["11-ehl-late.xlsx"]["findings"]]
    # the report is checked against the registration taken earlier in the same run (own target 12, not 10)
    assert "report.target_changed" in [f["code"] for f in files["12-vp-midyear.xlsx"]["findings"]]
    assert "report.target_changed" not in [f["code"] for f in files["13-xdkt-midyear.xlsx"]["findings"]]
    replaced = ledger_rows(parallel)["submissions"]
    first = next(s for s in replaced if s[2] == "01-vp.xlsx")
    second = next(s for s in replaced if s[2] == "07-vp-replacement.xlsx")
    assert first[-1] == second[0] and second[-1] is None  # superseded_by: the replacement


def test_a_worker_that_dies_is_one_files_finding(inbox, tmp_path):
    clean, folder, names = inbox
    # the setting left out: min(2, CPUs) workers
    camp_dir = campaign_with(clean, tmp_path / "dot", None if (os.cpu_count() or 1) >= 2 else 2)
    victim = "10-ek.xlsx"
    code, out, checked = run_collect(camp_dir, folder, tmp_path / "probe", crash=victim)

    assert code == 1
    assert victim in checked and checked.count(victim) >= 2  # in the pool, then again by itself
    files = by_file(out)
    finding = files[victim]["findings"]
    assert [f["code"] for f in finding] == ["file.check_died"]
    assert finding[0]["message"] == message(
        "file.check_died", value=victim, detail="tiến trình bị tắt hoặc gặp lỗi nghiêm trọng")
    recorded = [s[2] for s in ledger_rows(camp_dir)["submissions"]]
    assert victim not in recorded  # not recorded: the next run takes it again
    assert set(recorded) == set(files) - {victim, "06-pbgd-again.xlsx"}
    assert files["11-ehl-late.xlsx"]["status"] == "accepted_with_warnings"

    _, out2, _ = run_collect(camp_dir, folder, tmp_path / "probe2")  # the worker lives this time
    after = by_file(out2)
    assert after[victim]["status"] == "accepted_with_warnings"
    assert "row.duplicate_across_units" in [f["code"] for f in after[victim]["findings"]]
    assert [s[2] for s in ledger_rows(camp_dir)["submissions"]] == recorded + [victim]  # the others: duplicates


def test_spawned_workers_check_like_the_parent(shared_camp, tmp_path):
    """Everything a worker gets and gives back goes through pickle, as on Windows (spawn, no fork): the
    results are check_file's in the parent; a check that asks for the ledger is left to the parent."""
    from sheets_tools.collection.gather import gather
    from sheets_tools.collection.validate import check_file
    from sheets_tools.collection.workers import Deferred, checked
    from sheets_tools.formkit.plugins import Context
    from sheets_tools.store.rowdata import rows_to_store

    folder = tmp_path / "in"
    folder.mkdir()
    registration(shared_camp, "VP", folder / "a.xlsx", targets={"CT01": 12})
    registration(shared_camp, "TTR", folder / "b.xlsx", individuals=[{**PERSON, "birth_date": "31/02/1980"}])
    (folder / "c.xlsx").write_bytes((folder / "a.xlsx").read_bytes()[:3000])
    _dated(shutil.copyfile(DATA / "return.xls", folder / "d.xls"), JAN)
    midyear(shared_camp, "VP", folder / "e.xlsx")
    items = list(gather([folder]))
    outcomes = dict((item.name, outcome) for item, outcome in
                    checked(items, lambda item: item, shared_camp, 2, method="spawn", first_here=0))

    assert isinstance(outcomes.pop("e.xlsx"), Deferred)  # the report's targets come from the ledger
    for item in items[:4]:
        mine = check_file(item, shared_camp, Context(shared_camp))
        theirs = outcomes[item.name]
        theirs.incoming = item
        assert theirs.to_json() == mine.to_json()
        assert (theirs.placements, theirs.late) == (mine.placements, mine.late)
        # the rows come back as the ledger stores them; as objects too where the unit hears of findings
        assert theirs.stored == rows_to_store(mine)
        assert theirs.rows == (mine.rows if mine.findings else [])
    assert [f.code for f in outcomes["c.xlsx"].findings] == ["file.truncated"]
    assert outcomes["a.xlsx"].stored and outcomes["b.xlsx"].rows  # clean with rows; with a finding


def test_a_worker_makes_the_feedback_the_parent_would_write(camp, tmp_path):
    """With feedback wanted, a worker sends back the feedback workbook of a file with findings (through pickle,
    as on Windows): the same sheets, values and marks as the one the parent makes; the parent writes it only
    while the findings are those it shows."""
    from sheets_tools.collection import answer
    from sheets_tools.collection.gather import gather
    from sheets_tools.collection.results import feedback_path
    from sheets_tools.collection.validate import check_file
    from sheets_tools.collection.workers import checked
    from sheets_tools.core.findings import finding
    from sheets_tools.formkit.plugins import Context

    folder = tmp_path / "in"
    folder.mkdir()
    registration(camp, "VP", folder / "a.xlsx")
    registration(camp, "TTR", folder / "b.xlsx", individuals=[PERSON, {**PERSON, "birth_date": "31/02/1980"}])
    items = {item.name: item for item in gather([folder])}
    outcomes = {item.name: outcome for item, outcome in checked(
        list(items.values()), lambda item: item, camp, 2, method="spawn", first_here=0, answers=True)}

    assert not outcomes["a.xlsx"].findings and outcomes["a.xlsx"].answer is None  # nothing to answer
    theirs = outcomes["b.xlsx"]
    theirs.incoming = items["b.xlsx"]  # as collect puts its own back
    mine = check_file(items["b.xlsx"], camp, Context(camp))
    assert theirs.status == "rejected" and theirs.answer is not None and theirs.rows == mine.rows
    assert theirs.answer[0] == answer.key(mine)

    def shown(data: bytes) -> list:  # every cell's value and fill; the moment the workbook was made left out
        wb = load_workbook(io.BytesIO(data))
        return [(ws.title, [(c.coordinate, c.value, c.fill.fgColor.rgb if c.fill.fill_type else None)
                            for row in ws.iter_rows() if row[0].value != "built_at"
                            for c in row if c.value is not None or c.fill.fill_type])
                for ws in wb.worksheets]

    made_here = answer.made(camp, mine, Context(camp))
    assert shown(theirs.answer[1]) == shown(made_here)
    assert any("31/02/1980" in str(v) for _, cells in shown(made_here) for _, v, _ in cells)

    written = answer.write_made(camp, theirs)
    assert written == feedback_path(camp, "b.xlsx", "TTR") and written.read_bytes() == theirs.answer[1]
    theirs.findings.append(finding("fetch.sender_unknown", file=theirs.incoming.source, value="x@example.com",
                                   sender="x@example.com", unit="TTR", known=""))
    assert answer.write_made(camp, theirs) is None  # the findings changed: the parent makes it again


def test_the_files_in_flight_hold_at_most_the_window_bytes(shared_camp, tmp_path, monkeypatch):
    """Up to ``WINDOW`` files per worker are sent ahead of the one the command waits for, fewer when their
    bytes reach ``WINDOW_BYTES``: memory stays bounded when the files are large."""
    from sheets_tools.collection import workers
    from sheets_tools.collection.gather import gather
    from sheets_tools.core.records import FileResult

    folder = tmp_path / "in"
    folder.mkdir()
    for unit in ("VP", "TTR", "PBGD", "XDKT"):
        registration(shared_camp, unit, folder / f"{unit}.xlsx")

    def asked_when_taken() -> list[int]:
        asked, out = [], []
        for _, outcome in workers.checked(gather([folder]), lambda item: asked.append(item.name) or item,
                                          shared_camp, 2, first_here=0):
            assert isinstance(outcome, FileResult) and outcome.status == "accepted"
            out.append(len(asked))
        return out

    assert workers.WINDOW * 2 >= 4
    assert asked_when_taken() == [4, 4, 4, 4]  # every file sent before the first is taken
    monkeypatch.setattr(workers, "WINDOW_BYTES", 1)  # one file fills it
    assert asked_when_taken() == [1, 2, 3, 4]  # one file in flight at a time


def test_a_run_whose_files_need_the_ledger_goes_back_to_the_parent(shared_camp, tmp_path):
    """Reports check their targets against the ledger: after a few, the workers are not asked any more
    (each file would be read twice)."""
    from sheets_tools.collection.gather import gather
    from sheets_tools.collection.workers import DEFER_AFTER, WINDOW, Deferred, checked

    folder = tmp_path / "in"
    folder.mkdir()
    units = [u.code for u in shared_camp.units][:DEFER_AFTER + 2 * WINDOW + 3]
    for unit in units:
        midyear(shared_camp, unit, folder / f"{unit}.xlsx")
    asked: list[str] = []
    outcomes = [outcome for _, outcome in checked(gather([folder]), lambda item: asked.append(item.name) or item,
                                                  shared_camp, 2, first_here=0)]
    assert len(outcomes) == len(units)
    assert all(isinstance(o, Deferred) for o in outcomes[:DEFER_AFTER])
    assert outcomes[-3:] == [None, None, None] and len(asked) <= DEFER_AFTER + 2 * WINDOW


def _alive(session: int) -> list[str]:
    """The processes of a session that still run (a zombie waiting to be reaped does not)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == session and fields[0] != "Z":  # fields after the name: state, ppid, pgrp, session
            out.append(stat.parent.name)
    return out


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table of Linux")
def test_workers_end_with_a_killed_command(inbox, tmp_path):
    """A forked worker holds both ends of its task pipe: killed, the command must not leave it waiting."""
    clean, folder, _ = inbox
    camp_dir = campaign_with(clean, tmp_path / "dot", 2)
    env, log = probed(camp_dir, tmp_path / "probe")
    proc = subprocess.Popen([sys.executable, "-m", "sheets_tools.cli", "collect", str(camp_dir), str(folder)],
                            env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    started = time.monotonic()
    while not (log.exists() and log.read_text(encoding="utf-8").strip()) and proc.poll() is None:
        assert time.monotonic() - started < 300, "no worker started"
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    started = time.monotonic()
    while _alive(proc.pid) and time.monotonic() - started < 20:
        time.sleep(0.1)
    assert _alive(proc.pid) == []
