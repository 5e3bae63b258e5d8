"""Progress on long runs and ``--json`` on every command that reports something (issue 16, items 3 and 4).

Progress goes to stderr only when stderr is a terminal (a real pseudo-terminal here, the command run as the
office runs it) and never with ``--json`` or through a pipe; every reporting command takes ``--json`` and
prints one JSON object, or ``{"error": ...}`` when it fails."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_tools.cli import load_commands, main

pty = pytest.importorskip("pty")  # POSIX: the pseudo-terminal stands for the office's console window

AFTER_EVERY_DEADLINE = "15/12/2024"
# the one command that reports nothing worth a JSON object: it asks for a password and says it was stored
NO_JSON = {("mail", "password")}


def cli(*args: object, stderr_terminal: bool = True) -> tuple[int, str, str]:
    """Run ``sheets-tools`` as its own process, stdout a pipe, stderr a pseudo-terminal (or a pipe):
    (exit status, stdout, what reached stderr)."""
    command = [sys.executable, "-m", "sheets_tools.cli", *map(str, args)]
    env = {**os.environ, "LC_ALL": "C.UTF-8", "COLUMNS": "100"}
    env.pop("PYTHONIOENCODING", None)
    if not stderr_terminal:
        proc = subprocess.run(command, capture_output=True, env=env, timeout=900)
        return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    leader, follower = pty.openpty()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=follower, stdin=subprocess.DEVNULL, env=env)
    os.close(follower)
    chunks: list[bytes] = []

    def read() -> None:
        while True:
            try:
                data = os.read(leader, 4096)
            except OSError:  # the terminal's other end closed
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read)
    reader.start()
    out, _ = proc.communicate(timeout=900)
    reader.join(timeout=30)
    os.close(leader)
    return proc.returncode, out.decode("utf-8"), b"".join(chunks).decode("utf-8", "replace")


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def leaf_commands(group=None, prefix=()):
    group = group or load_commands()
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):
            yield from leaf_commands(command, prefix + (name,))
        else:
            yield prefix + (name,), command


# --- progress -------------------------------------------------------------------------------------------
def test_issue_remind_collect_consolidate_show_progress_on_a_terminal_and_clear_it(camp, return_file):
    units = len(camp.units)
    code, out, err = cli("issue", camp.dir, "--form", "registration")
    assert code == 0, err
    assert "Đang ghi biểu mẫu" in err and f"{units}/{units}" in err, err
    assert err.endswith("\r") and err.rstrip("\r").endswith(" "), repr(err[-80:])  # the line is cleared at the end
    assert "Đang ghi biểu mẫu" not in out and f"Đã ghi {units} biểu mẫu" in out  # the result stays on stdout

    code, out, err = cli("remind", camp.dir, "--today", AFTER_EVERY_DEADLINE)
    assert code == 0, err
    assert "Đang ghi thư nhắc" in err and f"{units}/{units}" in err, err

    code, out, err = cli("collect", camp.dir, return_file("VP", camp=camp))  # an empty return: sent back, exit 1
    assert code == 1, err
    assert "Đã nhận (1): a.xlsx" in err, err

    code, out, err = cli("consolidate", camp.dir)
    assert code == 0, err
    assert "Đang tổng hợp 4/4" in err, err


def test_no_progress_with_json_or_through_a_pipe(camp, return_file):
    code, out, err = cli("issue", camp.dir, "--form", "registration", "--json")
    assert code == 0 and err == "", repr(err)
    assert len(json.loads(out)["files"]) == len(camp.units)

    code, out, err = cli("issue", camp.dir, "--form", "registration", stderr_terminal=False)
    assert code == 0 and err == "", repr(err)
    code, out, err = cli("consolidate", camp.dir, stderr_terminal=False)
    assert code == 0 and err == "", repr(err)
    code, out, err = cli("collect", camp.dir, return_file("VP", camp=camp), "--json")
    assert code == 1 and err == "", repr(err)
    assert json.loads(out)["files"][0]["status"] == "rejected"


def test_the_demo_shows_progress_between_its_steps(tmp_path):
    code, out, err = cli("demo", tmp_path / "demo", "--no-mail")
    assert code == 0, err
    for what in ("Đang ghi biểu mẫu", "Đã nhận", "Đang tổng hợp"):
        assert what in err, (what, err[:500])
    assert "1. Đã tạo đợt thi đua mẫu" in out and "Bảng tổng hợp:" in out


def test_the_demo_with_json_prints_one_object_and_no_progress(tmp_path):
    code, out, err = cli("demo", tmp_path / "demo", "--no-mail", "--json")
    assert code == 0 and err == "", repr(err[:300])
    data = json.loads(out)
    assert Path(data["master"]).exists()
    assert {f["form"] for f in data["status"]["forms"]} >= {"registration", "scoring", "proposals"}


# --- --json everywhere ------------------------------------------------------------------------------------
def test_every_command_that_reports_takes_json():
    commands = dict(leaf_commands())
    assert len(commands) > 20
    missing = [" ".join(names) for names, command in commands.items()
               if names not in NO_JSON and not any("--json" in p.opts for p in command.params)]
    assert not missing, missing


def test_json_of_the_campaign_commands(tmp_path):
    folder = tmp_path / "dot"
    made = run("init", folder, "--sample", "daklak-2024", "--json")
    assert made.exit_code == 0, made.output
    assert json.loads(made.output) == {"campaign": str(folder / "campaign.xlsx"), "sample": "daklak-2024"}

    built = run("templates", "build", folder, "--json")
    assert built.exit_code == 0, built.output
    files = json.loads(built.output)["files"]
    assert files and all(Path(p).exists() for p in files)

    issued = run("issue", folder, "--form", "registration", "--json")
    data = json.loads(issued.output)
    assert issued.exit_code == 0 and data["forms"] == ["registration"]
    assert len(data["files"]) == len(data["drafts"]) == 24 and all(Path(p).exists() for p in data["drafts"])

    closed = json.loads(run("issue", folder, "--today", AFTER_EVERY_DEADLINE, "--json").output)
    assert closed["forms"] == [] and closed["files"] == [] and closed["next_opening"] == "2024-01-02"

    reminded = json.loads(run("remind", folder, "--today", AFTER_EVERY_DEADLINE, "--json").output)
    assert len(reminded["drafts"]) == 24 and "registration" not in reminded["not_issued"]
    assert "yearend_report" in reminded["not_issued"]

    master = run("consolidate", folder, "--json")
    assert master.exit_code == 0, master.output
    data = json.loads(master.output)
    assert Path(data["master"]).exists() and data["busy_master"] is None and data["findings"] == []

    template = json.loads(run("history", "template", folder, "--json").output)
    assert Path(template["file"]).exists()
    imported = run("history", "import", folder, template["file"], "--json")
    assert imported.exit_code == 0 and json.loads(imported.output) == {"added": 0, "unchanged": 0, "findings": []}

    control = run("excel", "install", folder, "--json")
    assert control.exit_code == 0, control.output
    data = json.loads(control.output)
    assert Path(data["control_workbook"]).exists() and data["units"] == 24

    rebuilt = run("ledger", "rebuild", folder, "--force", "--json")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert Path(json.loads(rebuilt.output)["ledger"]).exists()


def test_json_of_the_council_and_the_decision(demo_copy):
    ballot = run("council", "ballot", demo_copy, "--new", "--json")
    assert ballot.exit_code == 0, ballot.output
    data = json.loads(ballot.output)
    assert Path(data["ballot"]).exists() and data["candidates"] > 0 and Path(data["previous_ballot"]).exists()

    tally = run("council", "tally", demo_copy, data["previous_ballot"], "--json")
    assert tally.exit_code == 0, tally.output
    counted = json.loads(tally.output)
    assert counted["members"] == 9 and counted["quorum_ok"] and counted["valid"]
    assert counted["passed"] == sum(1 for r in counted["results"] if "Đạt" in r["note"]) > 0

    decided = run("decision", demo_copy, "--json")
    assert decided.exit_code == 0, decided.output
    data = json.loads(decided.output)
    assert data["awards"] > 0 and all(Path(p).exists() for p in data["files"])


def test_a_failure_with_json_prints_the_error_object(tmp_path):
    (tmp_path / "trống").mkdir()
    for args, code in ((["issue", tmp_path / "trống", "--json"], 3),
                       (["consolidate", tmp_path / "trống", "--json"], 3),
                       (["init", tmp_path / "x", "--year", "1900", "--json"], 2)):
        result = run(*args)
        assert result.exit_code == code, (args, result.output)
        error = json.loads(result.output[:result.output.rindex("}") + 1])["error"]
        assert error["exit_code"] == code and error["message"], (args, error)
