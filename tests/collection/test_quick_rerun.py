"""collect again on an inbox the ledger has seen unchanged: answered from the ledger alone (no file read or
hashed, no workbook library, no form model, nothing written), with exactly the full path's output; any
change (a file touched, changed under the same size and time, added, removed, campaign.xlsx edited, feedback
missing) and the full path runs as before.

The command runs as a real subprocess through a small runner that records which modules were loaded and
which files gather read (it wraps ``gather._read_regular``; nothing in the library knows of it).
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.campaign import writer as campaign_writer
from sheets_tools.collection.issue import draft_email

from workbooks import make_return, with_setting

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("openpyxl", "pydantic", "pydantic_core", "xlsxwriter", "python_calamine")
PERSON = {"family_name": "Nguyễn Thị", "given_name": "Hoa", "birth_date": date(1985, 3, 15), "sex": "Nữ",
          "position": "Chuyên viên", "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Lao động tiên tiến"}
UNITS = ["VP", "PBGD", "XDKT", "PTP-BMT", "PTP-BH", "PTP-BD", "PTP-CK", "PTP-CMG", "PTP-ES", "PTP-KA", "PTP-KB"]

RUNNER = '''
import atexit, json, os, runpy, sys
MAIN = os.getpid()

def _modules():
    if os.getpid() == MAIN:
        with open(os.environ["Q3_MODULES"], "w", encoding="utf-8") as out:
            json.dump(sorted(sys.modules), out)

atexit.register(_modules)
from sheets_tools.collection import gather
_read = gather._read_regular

def _read_regular(path):
    with open(os.environ["Q3_READ_LOG"], "a", encoding="utf-8") as log:
        log.write(f"{path}\\n")
    return _read(path)

gather._read_regular = _read_regular
if os.environ.get("Q3_CRASH"):  # a worker process that checks this file dies
    import multiprocessing
    from sheets_tools.collection import validate
    _check = validate.check_file

    def check_file(incoming, campaign, context=None):
        if multiprocessing.parent_process() is not None and incoming.name == os.environ["Q3_CRASH"]:
            os._exit(70)
        return _check(incoming, campaign, context)

    validate.check_file = check_file
sys.argv = ["sheets-tools", *sys.argv[1:]]
runpy.run_module("sheets_tools.cli", run_name="__main__", alter_sys=True)
'''


class Run:
    def __init__(self, proc: subprocess.CompletedProcess, modules: list[str], read: list[str]):
        self.code, self.out, self.err = proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
        self.modules, self.read = modules, read

    @property
    def json(self) -> dict:
        return json.loads(self.out)

    @property
    def quick(self) -> bool:
        """Whether the command ran without any workbook library or form model."""
        return not any(m.split(".")[0] in HEAVY for m in self.modules)


def cli(tmp_path: Path, *args, crash: str = "") -> Run:
    work = tmp_path / "runner"
    work.mkdir(exist_ok=True)
    (work / "q3_runner.py").write_text(RUNNER, encoding="utf-8")
    modules, log = work / "modules.json", work / "read.txt"
    modules.unlink(missing_ok=True)
    log.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(REPO), "Q3_MODULES": str(modules), "Q3_READ_LOG": str(log),
           "Q3_CRASH": crash, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run([sys.executable, str(work / "q3_runner.py"), *map(str, args)], capture_output=True,
                          env=env, cwd=work, timeout=600)
    assert b"Traceback" not in proc.stderr, proc.stderr.decode("utf-8", "replace")
    read = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return Run(proc, json.loads(modules.read_text(encoding="utf-8")), read)


def collect(tmp_path: Path, camp_dir: Path, *paths, options=("--json",), crash: str = "") -> Run:
    return cli(tmp_path, "collect", camp_dir, *paths, *options, crash=crash)


def full_answer(tmp_path: Path, camp_dir: Path, *paths, options=("--json",)) -> Run:
    """What the full path answers now: the same collect on a copy of the campaign whose ledger forgot what
    collect saw (so nothing can be answered from it alone)."""
    copy = tmp_path / f"full-{len(list(tmp_path.glob('full-*')))}"
    shutil.copytree(camp_dir, copy)
    con = sqlite3.connect(copy / "ledger.sqlite")
    con.execute("DELETE FROM seen_paths")
    con.commit()
    con.close()
    run = collect(tmp_path, copy, *paths, options=options)
    assert not run.quick
    return run


def fingerprint(folder: Path) -> dict[str, tuple]:
    """Every file of the folder with its bytes' size and modification time (the ledger's working files
    of SQLite left out)."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file() and "-wal" not in p.name and "-shm" not in p.name}


def registration(camp, unit: str, path: Path, **person) -> Path:
    return make_return(path, camp, unit, {"individuals": [{**PERSON, **person}]})


def broken(path: Path) -> Path:
    """A file that is no workbook at all: rejected."""
    path.write_bytes(b"PK\x03\x04 not really a workbook " * 20)
    return path


@pytest.fixture
def inbox(camp, tmp_path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for i, unit in enumerate(UNITS[:3]):
        registration(camp, unit, folder / f"{i:02d}-{unit}.xlsx", given_name=f"Hoa {unit}")
    return folder


# --- the quick path ------------------------------------------------------------------------------------
def test_unchanged_inbox_is_answered_from_the_ledger_like_the_full_path(camp, inbox, tmp_path):
    first = collect(tmp_path, camp.dir, inbox)
    assert first.code == 0 and not first.quick
    before = fingerprint(camp.dir)
    again = collect(tmp_path, camp.dir, inbox)
    assert again.quick, sorted(m for m in again.modules if m.split(".")[0] in HEAVY)[:5]
    assert again.read == []  # no file read (nor hashed)
    assert fingerprint(camp.dir) == before  # nothing written: no ledger copy in backup/, no ledger change
    assert not (camp.dir / "backup").exists()
    full = full_answer(tmp_path, camp.dir, inbox)
    assert again.out == full.out and again.code == full.code == 0
    assert [f["file"] for f in again.json["files"]] == [str(p) for p in sorted(inbox.iterdir())]
    # the text output too
    text, full_text = collect(tmp_path, camp.dir, inbox, options=()), full_answer(tmp_path, camp.dir, inbox, options=())
    assert text.quick and text.out == full_text.out and "Tổng cộng 3 tệp" in text.out


def test_a_rejected_known_file_gives_exit_1(camp, inbox, tmp_path):
    broken(inbox / "99-broken.xlsx")
    first = collect(tmp_path, camp.dir, inbox)
    assert first.code == 1
    again = collect(tmp_path, camp.dir, inbox)
    assert again.quick and again.code == 1
    assert again.out == full_answer(tmp_path, camp.dir, inbox).out
    assert again.json["files"][-1]["status"] == "rejected" and again.json["files"][-1]["findings"]


def test_a_mail_with_two_attachments(camp, tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir()
    books = [registration(camp, unit, tmp_path / f"{unit}.xlsx", given_name=unit) for unit in ("VP", "PBGD")]
    (folder / "thu.eml").write_bytes(draft_email(sender="vp@example.gov.vn", to="office@example.gov.vn",
                                                 subject="Đăng ký", body="Gửi", attachments=books,
                                                 date=datetime(2024, 1, 15, 10)))
    first = collect(tmp_path, camp.dir, folder)
    again = collect(tmp_path, camp.dir, folder)
    assert again.quick and again.read == []
    assert [f["file"] for f in again.json["files"]] == [f"{folder / 'thu.eml'} » {b.name}" for b in books]
    assert again.out == full_answer(tmp_path, camp.dir, folder).out
    assert first.json["files"][0]["status"] == again.json["files"][0]["status"]


def test_campaign_folder_given_as_the_inbox_leaves_its_own_files_out(camp, tmp_path):
    (camp.dir / "nhan").mkdir()
    registration(camp, "VP", camp.dir / "nhan" / "vp.xlsx", given_name="Vân")
    broken(camp.dir / "nhan" / "hong.xlsx")  # rejected: it has feedback, under the campaign's own feedback/
    first = collect(tmp_path, camp.dir, camp.dir)
    again = collect(tmp_path, camp.dir, camp.dir)
    assert again.quick and again.code == first.code == 1
    assert [f["file"] for f in again.json["files"]] == [str(camp.dir / "nhan" / n) for n in ("hong.xlsx", "vp.xlsx")]
    assert [(f["status"], f["findings"]) for f in again.json["files"]] == \
        [(f["status"], f["findings"]) for f in first.json["files"]]


def test_an_empty_folder_is_named_as_before(camp, inbox, tmp_path):
    empty = tmp_path / "trong"
    empty.mkdir()
    collect(tmp_path, camp.dir, inbox, empty)
    again = collect(tmp_path, camp.dir, inbox, empty, options=())
    assert again.quick and f"trong thư mục {empty}" in again.out
    assert again.out == full_answer(tmp_path, camp.dir, inbox, empty, options=()).out


# --- any change: the full path ---------------------------------------------------------------------------
def test_a_touched_file_is_read_again_and_still_a_duplicate(camp, inbox, tmp_path):
    collect(tmp_path, camp.dir, inbox)
    touched = sorted(inbox.iterdir())[1]
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 5_000_000_000))
    again = collect(tmp_path, camp.dir, inbox)
    assert not again.quick and again.read == [str(touched)]  # the others known by their stat: not read
    assert again.out == full_answer(tmp_path, camp.dir, inbox).out  # still a duplicate
    third = collect(tmp_path, camp.dir, inbox)
    assert third.quick and third.out == again.out  # its new stat was noted


def test_a_file_changed_under_the_same_size_and_time_is_caught(camp, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    path = registration(camp, "VP", folder / "vp.xlsx", given_name="Vân")
    data = path.read_bytes()
    with zipfile.ZipFile(path, "a") as z:  # a zip comment to change later without changing the size
        z.comment = b"1" * 16
    collect(tmp_path, camp.dir, folder)
    assert collect(tmp_path, camp.dir, folder).quick
    info = path.stat()
    path.write_bytes(path.read_bytes()[:-16] + b"2" * 16)  # other bytes, same size, in place (same file id)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size and path.stat().st_mtime_ns == info.st_mtime_ns
    again = collect(tmp_path, camp.dir, folder)
    assert not again.quick and again.read == [str(path)]
    con = sqlite3.connect(camp.dir / "ledger.sqlite")
    assert con.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == 2  # taken as the new file it is
    con.close()
    assert data  # (the workbook was a real one)


def test_a_new_file_among_known_ones_goes_the_full_path_reading_only_it(camp, inbox, tmp_path):
    collect(tmp_path, camp.dir, inbox)
    new = registration(camp, "PTP-BMT", inbox / "50-new.xlsx", given_name="Mới")
    again = collect(tmp_path, camp.dir, inbox)
    assert not again.quick and again.read == [str(new)]
    assert [f["status"] for f in again.json["files"]] == ["accepted_with_warnings"] * 4  # late: today
    assert collect(tmp_path, camp.dir, inbox).quick


def test_clean_files_are_collected_and_consolidated_without_openpyxl(tmp_path):
    """openpyxl takes a tenth of a second to import: the full collect of files without findings and
    consolidate start without it; the first file with findings brings it for its feedback workbook."""
    year = date.today().year + 1  # the sample's deadlines still ahead: not late, no finding
    campaign_writer.create(tmp_path / "next", sample="daklak", year=year)
    camp = campaign_mod.load(tmp_path / "next")
    inbox = tmp_path / "clean"
    inbox.mkdir()
    for unit in UNITS[:2]:
        registration(camp, unit, inbox / f"{unit}.xlsx", given_name=f"Hoa {unit}")
    first = collect(tmp_path, camp.dir, inbox)
    assert first.code == 0 and not first.quick and "python_calamine" in first.modules
    assert all(not f["findings"] for f in first.json["files"])
    assert "openpyxl" not in first.modules
    master = cli(tmp_path, "consolidate", camp.dir)
    assert master.code == 0 and list((camp.dir / "master").glob("*.xlsx"))
    assert "xlsxwriter" in master.modules and "openpyxl" not in master.modules
    bad = broken(inbox / "99-broken.xlsx")
    second = collect(tmp_path, camp.dir, inbox)
    assert second.code == 1 and "openpyxl" in second.modules
    assert (camp.dir / "feedback" / "khong-ro-don-vi" / f"Phản hồi - {bad.stem}.xlsx").is_file()


def test_a_removed_file(camp, inbox, tmp_path):
    collect(tmp_path, camp.dir, inbox)
    gone = sorted(inbox.iterdir())[0]
    gone.unlink()
    again = collect(tmp_path, camp.dir, inbox)
    assert again.quick and str(gone) not in again.out and len(again.json["files"]) == 2
    assert again.out == full_answer(tmp_path, camp.dir, inbox).out


def test_an_edited_campaign_goes_the_full_path(camp, inbox, tmp_path):
    collect(tmp_path, camp.dir, inbox)
    with_setting(camp, "backup_keep", 3)
    again = collect(tmp_path, camp.dir, inbox)
    assert not again.quick and again.code == 0
    assert collect(tmp_path, camp.dir, inbox).quick  # the edited one was read and checked: noted


def test_missing_feedback_is_written_again_by_the_full_path(camp, inbox, tmp_path):
    broken(inbox / "99-broken.xlsx")
    collect(tmp_path, camp.dir, inbox)
    feedback = sorted((camp.dir / "feedback").rglob("*99-broken.xlsx"))
    assert len(feedback) == 1
    feedback[0].unlink()
    again = collect(tmp_path, camp.dir, inbox)
    assert not again.quick and again.json["restored_feedback"] == [str(feedback[0])]
    assert feedback[0].exists()
    assert collect(tmp_path, camp.dir, inbox).quick
    # without feedback, none is looked for: the ledger alone answers
    feedback[0].unlink()
    assert collect(tmp_path, camp.dir, inbox, options=("--json", "--no-feedback")).quick


def test_another_command_holding_the_campaign_is_said_as_before(camp, inbox, tmp_path):
    collect(tmp_path, camp.dir, inbox)
    (camp.dir / ".sheets-tools.lock").write_text(f"consolidate pid={os.getpid()} 01/01/2026 08:00:00",
                                                 encoding="utf-8")
    busy = collect(tmp_path, camp.dir, inbox)
    assert busy.code == 3 and busy.json["error"]["code"] == "error.busy"


def test_a_file_whose_check_died_is_taken_again(camp, tmp_path):
    camp = _with_workers(camp)
    folder = tmp_path / "inbox"
    folder.mkdir()
    for i, unit in enumerate(UNITS):
        registration(camp, unit, folder / f"{i:02d}-{unit}.xlsx", given_name=f"Hoa {unit}")
    victim = f"{len(UNITS) - 1:02d}-{UNITS[-1]}.xlsx"
    first = collect(tmp_path, camp.dir, folder, crash=victim)
    codes = {Path(f["file"]).name: [x["code"] for x in f["findings"]] for f in first.json["files"]}
    assert codes[victim] == ["file.check_died"]
    again = collect(tmp_path, camp.dir, folder)
    assert not again.quick and again.read == [str(folder / victim)]  # only the file not recorded
    assert {Path(f["file"]).name: f["status"] for f in again.json["files"]}[victim] == "accepted_with_warnings"
    assert collect(tmp_path, camp.dir, folder).quick


def _with_workers(camp):
    """The campaign checking its files in two worker processes (setting ``collect_workers``)."""
    path = camp.dir / campaign_mod.CAMPAIGN_FILE
    book = load_workbook(path)
    ws = book[campaign_mod.SETTINGS_SHEET]
    ws.cell(row=ws.max_row + 1, column=1, value="collect_workers")
    ws.cell(row=ws.max_row, column=2, value=2)
    book.save(path)
    return campaign_mod.load(camp.dir)



def test_the_quick_path_names_the_campaign_files_as_the_campaign_does(camp, inbox, tmp_path):
    """campaign.xlsx and the lock file are named in the quick path without importing the modules that own
    them (the campaign model needs pydantic): the same files."""
    from sheets_tools.collection import results
    from sheets_tools.collection.quick import quick_collect
    from sheets_tools.core.files import campaign_lock
    assert results.CAMPAIGN_FILE == campaign_mod.CAMPAIGN_FILE
    collect(tmp_path, camp.dir, inbox)
    assert quick_collect(camp.dir, [inbox]) is not None
    with campaign_lock(camp.dir, "consolidate"):  # another command holds the campaign: the full path says so
        assert quick_collect(camp.dir, [inbox]) is None
