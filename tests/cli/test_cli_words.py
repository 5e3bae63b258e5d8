"""Every word in Vietnamese, one exit-code rule, output that never fails on encoding, the office's own
mistakes named as the office's (issue 16, items 2, 3 and 5)."""
from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from sheets_tools.cli import load_commands, main

ENGLISH = ("Usage:", "Options:", "Show this message", "Error:", "Invalid value", "does not exist", "Commands:")
# Click's placeholders for an option's value or an argument, in a help page
PLACEHOLDERS = re.compile(r"\b(?:TEXT|INTEGER|FLOAT|RANGE|DIRECTORY|FILE|PATH|UNIT|FILENAME)\b")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def all_commands(group: click.Group, prefix=()):
    for name, command in (load_commands() if group is main else group).commands.items():
        yield prefix + (name,)
        if isinstance(command, click.Group):
            yield from all_commands(command, prefix + (name,))


def submissions(folder: Path) -> int:
    ledger = folder / "ledger.sqlite"
    if not ledger.exists():
        return 0
    con = sqlite3.connect(ledger)
    try:
        return con.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]
    finally:
        con.close()


def test_every_help_page_is_vietnamese():
    pages = [()] + list(all_commands(main))
    assert len(pages) > 15
    for names in pages:
        result = run(*names, "--help")
        assert result.exit_code == 0, (names, result.output)
        assert "Cách dùng:" in result.output and "Tùy chọn" in result.output, (names, result.output)
        leaked = [w for w in ENGLISH if w in result.output] + PLACEHOLDERS.findall(result.output)
        assert not leaked, (names, leaked, result.output)


def test_usage_errors_are_vietnamese_and_exit_2(tmp_path):
    for args in (["collect"], ["status", tmp_path / "không-có"], ["status", tmp_path, "--khong-co"],
                 ["lenh-khong-co"], ["status", tmp_path, "--today", "31/02/2024"]):
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "Lỗi:" in result.output, (args, result.output)
        leaked = [w for w in ENGLISH if w in result.output]
        assert not leaked, (args, leaked, result.output)


def test_a_path_typed_wrong_is_a_usage_error_naming_it_not_a_units_file(camp, return_file):
    good = return_file("VP", name="VP.xlsx", camp=camp)
    typo = camp.dir.parent / "hop-thu-sai-ten"
    result = run("collect", camp.dir, good, typo)
    assert result.exit_code == 2, result.output
    assert "hop-thu-sai-ten" in result.output and "không tồn tại" in result.output
    assert "gửi lại" not in result.output  # not told as a unit's rejected file
    assert submissions(camp.dir) == 0  # nothing taken: the command stopped before it began
    checked = run("validate", good, typo, "--campaign", camp.dir)  # the same rule for a check without recording
    assert checked.exit_code == 2 and "hop-thu-sai-ten" in checked.output and "không tồn tại" in checked.output


def test_an_empty_folder_says_no_workbook_was_found_there(camp):
    empty = camp.dir.parent / "hộp thư trống"
    empty.mkdir()
    result = run("collect", camp.dir, empty)
    assert result.exit_code == 0, result.output
    assert "Không tìm thấy bảng tính" in result.output and "hộp thư trống" in result.output
    data = json.loads(run("collect", camp.dir, empty, "--json").output)
    assert data["empty_folders"] == [str(empty)]


def test_the_exit_code_rule(camp, tmp_path):
    # 0 done
    assert run("status", camp.dir).exit_code == 0
    assert run("consolidate", camp.dir).exit_code == 0
    # 1 data problems found: a file sent back
    broken = tmp_path / "TTR.xlsx"
    broken.write_bytes(b"day khong phai bang tinh")
    result = run("collect", camp.dir, broken)
    assert result.exit_code == 1, result.output
    # 2 wrong usage
    assert run("issue", camp.dir, "--form", "khong-co").exit_code == 2
    assert run("status", camp.dir, "--today", "32/01/2024").exit_code == 2
    # 3 the campaign cannot be used
    not_campaign = tmp_path / "khong-phai-dot"
    not_campaign.mkdir()
    result = run("status", not_campaign)
    assert result.exit_code == 3, result.output
    assert "campaign.xlsx" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("args, code", [
    (["status", "{missing}", "--json"], 2),
    (["status", "{empty}", "--json"], 3),
    (["collect", "{camp}", "{missing}", "--json"], 2),
    (["send", "{camp}", "--form", "khong-co", "--json"], 2),
])
def test_a_failure_with_json_prints_a_json_error_object(camp, tmp_path, args, code):
    empty = tmp_path / "trống"
    empty.mkdir()
    names = {"missing": tmp_path / "không-có", "empty": empty, "camp": camp.dir}
    result = CliRunner().invoke(main, [a.format(**names) for a in args])
    assert result.exit_code == code, result.output
    start = result.stdout.index("{")
    error = json.JSONDecoder().raw_decode(result.stdout[start:])[0]["error"]
    assert error["exit_code"] == code and error["message"] and error["code"].startswith(("error.", "ledger."))


def _pipe(args, **env):
    """The command as another program runs it: a child process whose output is a pipe, with the console's
    Windows code page as Python's I/O encoding."""
    environment = {**os.environ, "PYTHONIOENCODING": "cp1252", **env}
    environment.pop("PYTHONUTF8", None)
    return subprocess.run([sys.executable, "-m", "sheets_tools.cli", *map(str, args)], capture_output=True,
                          env=environment, timeout=300)


def test_output_to_a_pipe_is_utf8_whatever_the_code_page(camp, tmp_path):
    result = _pipe(["status", camp.dir, "--json"])
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    data = json.loads(result.stdout.decode("utf-8"))
    assert "Văn phòng Sở" in json.dumps(data, ensure_ascii=False)
    text = _pipe(["status", camp.dir])
    assert text.returncode == 0 and "Đã nộp".encode() in text.stdout, text.stdout[-400:]
    failed = _pipe(["status", tmp_path])  # no campaign here: the Vietnamese message on stderr, in UTF-8
    assert failed.returncode == 3
    assert "Không tìm thấy".encode() in failed.stderr and b"Traceback" not in failed.stderr
    helped = _pipe(["--help"])
    assert helped.returncode == 0 and "Cách dùng:".encode() in helped.stdout


def test_a_reader_that_stops_early_is_no_disk_error(demo_copy):
    """``sheets-tools send dot | more`` closed after the first line: the command stops quietly, never with
    "Lỗi đọc/ghi ... Hãy kiểm tra ổ đĩa" nor a traceback."""
    child = subprocess.Popen([sys.executable, "-m", "sheets_tools.cli", "send", str(demo_copy)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    child.stdout.readline()
    child.stdout.close()  # the reader goes: the command's next writes find no one
    _, err = child.communicate(timeout=300)
    text = err.decode("utf-8", "replace")
    assert "ổ đĩa" not in text and "Traceback" not in text and "Lỗi" not in text, text
    assert child.returncode in (0, 1)
