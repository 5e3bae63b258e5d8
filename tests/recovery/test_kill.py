"""Killed at any moment, nothing is lost: ``collect``, ``consolidate``, ``council ballot``, ``council tally``,
``decision`` and ``history import`` are run through the command line in a child process against a private
copy of a prepared campaign (the demo's year), killed (SIGKILL; TerminateProcess on Windows) at random
moments spread over the whole run, and then:

- the ledger passes SQLite's integrity check; every submission recorded before the run is there as it was;
  every submission the killed run added is whole (the same rows, findings and documents as in a run that
  was never killed); every file the ledger names is in the archive with its sha256; every copy of the
  ledger in ``backup/`` is a whole database;
- the office's entries (checked scores, council votes, award history) are the old or the new ones, never
  lost or half written; the files the office filled in (the ballot) are kept;
- every file that existed before (the master, the ballot, the result list, the decision files, the
  feedback) still opens and is the old file or a whole new one;
- the same command run again (the killed one's campaign lock taken over) ends with the status of a run
  that was never killed, leaves no temporary file and no lock, and the state is that run's state (and,
  once per command, the tool's own ``ledger check`` finds the campaign whole, when the tool has it).

Each command has its own moments: one while the program starts, the others one in each equal slice of the
rest of its measured run. The moments come from ``random.Random(seed)``; the seed is new for each session
and printed with every failure: ``KILL_SEED=<seed> pytest tests/recovery/test_kill.py`` replays the same
fractions of the run. Two trials run at a time (each command runs on one core); the module takes about
two minutes on two cores, the demo included (``--deselect tests/recovery/test_kill.py`` leaves it out).
"""
from __future__ import annotations

import os
import random
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from killing import (LedgerState, Run, archive_problems, backup_problems, broken, connect, delays, ledger_state,
                     outputs, run, run_killed, temporary_files, workbook_values)
from sheets_tools.cli import load_commands, main
from sheets_tools.forms.scoring import CHECK_SHEET
from sheets_tools.yearend import council

SEED = int(os.environ.get("KILL_SEED") or random.SystemRandom().randrange(2**31))
TRIALS = 5  # kills per command (one while the program starts)
INBOX = "hop-thu"  # collect's inbox, inside the campaign copy so that stored paths compare between copies
HISTORY_FILE = "lich-su-bo-sung.xlsx"
BALLOT = "council/Phiếu biểu quyết Hội đồng TĐKT năm 2024.xlsx"
RESULTS = "council/Kết quả biểu quyết năm 2024.xlsx"
MASTER = "master/Tổng hợp thi đua 2024.xlsx"
LOCK = ".sheets-tools.lock"
LEFT_OUT = ("outbox", "templates", "inbox*")  # the demo's folders no command here reads


# --- the commands and their prepared campaigns -------------------------------------------------------
@dataclass
class Case:
    """A command, the campaign prepared for it, and the run that was never killed (the reference)."""

    name: str
    folder: Path  # prepared; copied for each trial, never run in
    args: Callable[[Path], list[str]]
    keeps: tuple[str, ...] = ()  # files the command reads and must never change
    filled: tuple = ()  # the values the office typed into a file the command replaces (kept somewhere)
    codes: tuple[int, ...] = (0,)  # the exit status of a whole run
    writes: str = ""  # what a whole run changes: a LedgerState field, or a file (its path)
    before: LedgerState | None = None
    before_outputs: dict = field(default_factory=dict)
    reference: Run | None = None
    after: LedgerState | None = None
    after_outputs: dict = field(default_factory=dict)


def _cli(*args: str) -> None:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output


def _submissions(folder: Path, sql: str) -> list[tuple]:
    db = connect(folder / "ledger.sqlite")
    try:
        return list(db.execute(sql))
    finally:
        db.close()


def _dated(path: Path, when: datetime) -> None:
    os.utime(path, (when.timestamp(), when.timestamp()))


def prepare_collect(folder: Path) -> Case:
    """An inbox of the units' corrections: current returns saved again (new bytes, same data; a report
    with its narrative document), two files the ledger already has, one file that is not a workbook."""
    inbox = folder / INBOX
    inbox.mkdir()
    when = {"registration": datetime(2024, 1, 30, 9), "midyear_report": datetime(2024, 6, 28, 9),
            "proposals": datetime(2024, 11, 29, 15)}
    picked = _submissions(folder, "SELECT unit, form, archive FROM submissions WHERE superseded_by IS NULL AND "
                                  "form IN ('registration', 'midyear_report', 'proposals') AND unit IN "
                                  "('VP', 'TTR', 'PTP-EHL', 'PTP-EK', 'PTP-BD', 'PTP-KB') ORDER BY id")
    for unit, form, archive in picked:
        target = inbox / form / f"{unit}-{form}-lan-3.xlsx"
        target.parent.mkdir(exist_ok=True)
        wb = load_workbook(folder / archive)
        wb.save(target)
        _dated(target, when[form])
    narrative = next(iter(_submissions(folder, "SELECT d.name, d.archive FROM documents d JOIN submissions s ON "
                                               "s.id = d.submission_id WHERE s.unit = 'PTP-BD'")), None)
    if narrative:  # a report sent with its narrative document, alone in its folder
        report = next(inbox.glob("midyear_report/PTP-BD-*.xlsx"))
        (inbox / "PTP-BD").mkdir()
        shutil.move(report, inbox / "PTP-BD" / report.name)
        shutil.copy2(folder / narrative[1], inbox / "PTP-BD" / narrative[0])
    for _, archive in _submissions(folder, "SELECT id, archive FROM submissions ORDER BY id LIMIT 2"):
        shutil.copy2(folder / archive, inbox / Path(archive).name.split("-", 1)[1])
    (inbox / "bang-hong.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    _dated(inbox / "bang-hong.xlsx", when["proposals"])
    return Case("collect", folder, lambda d: ["collect", str(d), str(d / INBOX)],
                keeps=tuple(p.relative_to(folder).as_posix() for p in inbox.rglob("*") if p.is_file()), codes=(0, 1),
                writes="submissions")


def prepare_consolidate(folder: Path) -> Case:
    """The office changed a checked score and its remark in the master since the last consolidate."""
    wb = load_workbook(folder / MASTER)
    ws = wb[CHECK_SHEET]
    labels = {str(c.value): c.column for row in ws.iter_rows(max_row=15) for c in row if c.value}
    changed = 0
    for r in range(1, ws.max_row + 1):
        typed = ws.cell(row=r, column=labels["Điểm thẩm định"]).value
        if isinstance(typed, (int, float)) and typed >= 2 and changed < 2:
            ws.cell(row=r, column=labels["Điểm thẩm định"]).value = typed - 1
            ws.cell(row=r, column=labels["Ý kiến thẩm định"]).value = "Trừ 1 điểm: báo cáo nộp chậm"
            changed += 1
    assert changed == 2, "the demo's master has no checked score to change"
    wb.save(folder / MASTER)
    return Case("consolidate", folder, lambda d: ["consolidate", str(d)], writes="office")


def prepare_ballot(folder: Path) -> Case:
    """With ``--new`` (a filled ballot is refused without it): the demo's filled ballot, which must be
    kept. Without: an unfilled ballot made again, so the command replaces it."""
    help_text = CliRunner().invoke(main, ["council", "ballot", "--help"]).output
    if "--new" in help_text:
        filled = workbook_values(folder / BALLOT, (council.MEMBERS_SHEET, council.VOTES_SHEET))
        return Case("council ballot", folder, lambda d: ["council", "ballot", str(d), "--new"], filled=filled,
                    writes=BALLOT)
    (folder / BALLOT).unlink()
    _cli("council", "ballot", folder)
    return Case("council ballot", folder, lambda d: ["council", "ballot", str(d)])


def _all_in_favour(folder: Path) -> None:
    """The council changed its mind: the candidate it turned down gets every vote (vote cells only)."""
    wb = load_workbook(folder / BALLOT)
    ws = wb[council.VOTES_SHEET]
    flipped = 0
    for row in ws.iter_rows(min_row=council.FIRST_ROW):
        for cell in row:
            if cell.value == council.NO:
                cell.value = council.YES
                flipped += 1
    assert flipped, "the demo's ballot has no vote against"
    wb.save(folder / BALLOT)


def prepare_tally(folder: Path) -> Case:
    _all_in_favour(folder)
    return Case("council tally", folder, lambda d: ["council", "tally", str(d)], keeps=(BALLOT,), writes="votes")


def prepare_decision(folder: Path) -> Case:
    """After the new tally one more candidate passed: the decision lists it and the history gains it."""
    _all_in_favour(folder)
    _cli("council", "tally", folder)
    return Case("decision", folder, lambda d: ["decision", str(d), "--number", "245/QĐ-STP", "--date", "15/12/2024"],
                keeps=(BALLOT, RESULTS), writes="awards")


def prepare_history(folder: Path) -> Case:
    """The office's history workbook: the rows imported before and sixty new ones."""
    old = load_workbook(folder / "lich-su-khen-thuong.xlsx").active
    wb = Workbook()
    ws = wb.active
    ws.title = "Lịch sử khen thưởng"
    for row in old.iter_rows(values_only=True):
        ws.append(row)
    rng = random.Random(60)
    family = ["Nguyễn Văn", "Trần Thị", "Lê Minh", "Phạm Thu", "Hoàng Đức", "Võ Thị Kim"]
    given = ["An", "Bình", "Chi", "Dũng", "Hà", "Khánh", "Lan", "Nam", "Oanh", "Sơn"]
    for i in range(60):
        year = 2021 + i % 3
        ws.append([rng.choice(family), rng.choice(given), datetime(1970 + i % 25, 1 + i % 12, 1 + i % 28),
                   "Văn phòng Sở", year, "Chiến sĩ thi đua cơ sở" if i % 2 else "Lao động tiên tiến",
                   f"{100 + i}/QĐ-STP", datetime(year, 12, 20)])
    wb.save(folder / HISTORY_FILE)
    return Case("history import", folder, lambda d: ["history", "import", str(d), str(d / HISTORY_FILE)],
                keeps=(HISTORY_FILE,), writes="awards")


PREPARE = {"collect": prepare_collect, "consolidate": prepare_consolidate, "council ballot": prepare_ballot,
           "council tally": prepare_tally, "decision": prepare_decision, "history import": prepare_history}


@pytest.fixture(scope="module")
def base(demo_run, tmp_path_factory) -> Path:
    """The demo's campaign without the folders no command here reads (smaller to copy)."""
    directory, _ = demo_run
    return Path(shutil.copytree(directory, tmp_path_factory.mktemp("kill") / "base",
                                ignore=shutil.ignore_patterns(*LEFT_OUT)))


@pytest.fixture(scope="module")
def startup() -> float:
    """Seconds the command line takes to start (import) and end, doing nothing."""
    return min(run(["--version"]).seconds for _ in range(2))


def prepared(name: str, base: Path, where: Path) -> Case:
    """The campaign of ``name`` prepared in ``where``, its state, and the run never killed."""
    folder = Path(shutil.copytree(base, where / "prepared"))
    case = PREPARE[name](folder)
    case.before, case.before_outputs = ledger_state(folder), outputs(folder, skip=(INBOX,))
    reference = Path(shutil.copytree(folder, where / "reference"))
    case.reference = run(case.args(reference))
    assert case.reference.code in case.codes, case.reference.output
    case.after, case.after_outputs = ledger_state(reference), outputs(reference, skip=(INBOX,))
    assert case.after.integrity == "ok"
    if hasattr(case.after, case.writes):  # the command has work to do: the old and the new state differ
        assert getattr(case.after, case.writes) != getattr(case.before, case.writes), case.reference.output
    elif case.writes:
        assert case.after_outputs[case.writes] != case.before_outputs[case.writes], case.reference.output
    return case


# --- what a killed run may leave, and what the run after it must give ---------------------------------
def _old_or_new(what: str, now, old, new) -> list[str]:
    return [] if now in (old, new) else [f"{what} is neither the old nor the new value"]


def killed_problems(case: Case, folder: Path) -> list[str]:
    """What is wrong in ``folder`` right after the kill."""
    state = ledger_state(folder)
    problems = [] if state.integrity == "ok" else [f"ledger integrity_check: {state.integrity}"]
    for sha, record in case.before.submissions.items():
        if sha not in state.submissions:
            problems.append(f"submission lost: {record['unit']} {record['form']} {record['name']}")
        elif state.submissions[sha] != record:
            problems.append(f"submission changed: {record['unit']} {record['form']} {record['name']}")
    for sha in state.submissions.keys() - case.before.submissions.keys():
        record = state.submissions[sha]
        if state.submissions[sha] != case.after.submissions.get(sha):
            problems.append(f"submission recorded half or differently from a whole run: {record['unit']} "
                            f"{record['form']} {record['name']} ({len(record['rows'])} rows, "
                            f"{len(record['findings'])} findings)")
    problems += archive_problems(folder, state) + backup_problems(folder)
    for scope in case.before.office.keys() | case.after.office.keys() | state.office.keys():
        problems += _old_or_new(f"office entries \"{scope}\"", state.office.get(scope),
                                case.before.office.get(scope), case.after.office.get(scope))
    problems += _old_or_new("council votes", state.votes, case.before.votes, case.after.votes)
    problems += _old_or_new("award history", state.awards, case.before.awards, case.after.awards)
    return problems + _output_problems(case, folder)


def _output_problems(case: Case, folder: Path) -> list[str]:
    """Every file the campaign had is there, the old one or a whole new one; new files open; what the
    command only reads is unchanged; what the office typed into a replaced file is kept somewhere."""
    problems = []
    now = outputs(folder, skip=(INBOX,))
    for rel, sha in case.before_outputs.items():
        if rel not in now:
            if not _dated_copy(rel):
                problems.append(f"file lost: {rel}")
        elif now[rel] != sha and rel in case.keeps:
            problems.append(f"changed a file it only reads: {rel}")
        elif now[rel] != sha and (why := broken(folder / rel)):
            problems.append(f"file no longer opens: {rel} ({why})")
    for rel in now.keys() - case.before_outputs.keys():
        if why := broken(folder / rel):
            problems.append(f"new file does not open: {rel} ({why})")
    for rel in case.keeps:
        path = folder / rel
        if rel.startswith(INBOX) and (not path.is_file() or path.read_bytes() != (case.folder / rel).read_bytes()):
            problems.append(f"changed or removed a received file: {rel}")
    if case.filled and not any(workbook_values(folder / rel, (council.MEMBERS_SHEET, council.VOTES_SHEET))
                               == case.filled for rel in now if rel.startswith("council/") and rel.endswith(".xlsx")):
        problems.append("the votes and attendance typed into the ballot are in no file of council/")
    return problems


def _dated_copy(rel: str) -> bool:
    """A copy named by the moment it was made (a command keeps the last few and removes older ones)."""
    return re.search(r"\d{6}", Path(rel).name) is not None


def rerun_problems(case: Case, folder: Path, rerun: Run) -> list[str]:
    """What is wrong after the command ran again to its end."""
    problems = []
    if rerun.code != case.reference.code:
        problems.append(f"the run again ended with {rerun.code}, a run never killed with {case.reference.code}:\n"
                        + rerun.output[-1500:])
    state = ledger_state(folder)
    if state.integrity != "ok":
        problems.append(f"ledger integrity_check: {state.integrity}")
    if state.submissions.keys() != case.after.submissions.keys():
        extra = state.submissions.keys() - case.after.submissions.keys()
        missing = case.after.submissions.keys() - state.submissions.keys()
        problems.append(f"submissions differ from a run never killed: {len(missing)} missing, {len(extra)} extra")
    problems += [f"submission differs from a run never killed: {r['unit']} {r['form']} {r['name']}"
                 for sha, r in case.after.submissions.items()
                 if sha in state.submissions and state.submissions[sha] != r]
    if state.current != case.after.current:
        problems.append("the current submission of some unit and form differs from a run never killed: "
                        + ", ".join(f"{k}" for k in state.current.keys() | case.after.current.keys()
                                    if state.current.get(k) != case.after.current.get(k)))
    if state.office != case.after.office:
        problems.append("office entries differ from a run never killed")
    if state.votes != case.after.votes:
        problems.append("council votes differ from a run never killed")
    if state.awards != case.after.awards:
        problems.append(f"award history differs from a run never killed ({len(state.awards)} rows, "
                        f"{len(case.after.awards)} expected)")
    problems += archive_problems(folder, state) + backup_problems(folder)
    if temps := temporary_files(folder):
        problems.append(f"temporary files left after the run again: {temps}")
    if (folder / LOCK).exists():
        problems.append(f"the campaign lock is still there after the run again: {(folder / LOCK).read_text()!r}")
    have = outputs(folder, skip=(INBOX,))
    problems += [f"file a run never killed writes is missing: {rel}" for rel in sorted(case.after_outputs)
                 if rel not in have and not _dated_copy(rel)]
    return problems + _output_problems(case, folder)


# --- the test ----------------------------------------------------------------------------------------
def trial(case: Case, folder: Path, delay: float, *, ledger_check: bool = False) -> list[str]:
    """Kill the command in a fresh copy after ``delay`` seconds, check, run it again, check (with
    ``ledger_check``: the tool's own ``ledger check`` must find the campaign whole)."""
    shutil.copytree(case.folder, folder)
    killed = run_killed(case.args(folder), delay)
    problems = killed_problems(case, folder)
    rerun = run(case.args(folder))
    problems += [f"after the run again: {p}" for p in rerun_problems(case, folder, rerun)]
    if ledger_check and (checked := run(["ledger", "check", str(folder)])).code != 0:
        problems.append(f"after the run again: sheets-tools ledger check ended with {checked.code}:\n"
                        + checked.output[-1500:])
    shutil.rmtree(folder)
    moment = f"killed at {delay:.2f}s" if killed.killed else f"ended by itself ({killed.code}) before {delay:.2f}s"
    return [f"{folder.name} {moment}: {p}" for p in problems]


@pytest.mark.parametrize("name", list(PREPARE))
def test_a_command_killed_at_any_moment_loses_nothing_and_runs_again(name, base, startup, tmp_path):
    case = prepared(name, base, tmp_path)
    moments = delays(random.Random(f"{SEED}-{name}"), case.reference.seconds, startup, TRIALS)
    with ThreadPoolExecutor(max_workers=2) as pool:  # two at a time: each command runs on one core
        reports = pool.map(lambda i: trial(case, tmp_path / f"trial-{i}", moments[i],
                                           ledger_check=i == TRIALS - 1 and "ledger" in load_commands().commands), range(TRIALS))
    report = [line for lines in reports for line in lines]
    assert not report, (f"KILL_SEED={SEED}: sheets-tools {name} (a whole run {case.reference.seconds:.2f}s, "
                        f"starting {startup:.2f}s)\n" + "\n".join(report))
