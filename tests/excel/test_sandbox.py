"""The child process that parses unbounded formats: results, timeouts, crashes, memory."""
from __future__ import annotations

import os
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from sheets_tools.excel import sandbox
from workbooks import DATA

XLS = DATA / "return.xls"


def test_the_child_finds_the_package_when_it_is_not_installed():
    root = sandbox._child_env()["PYTHONPATH"].split(os.pathsep)[0]
    assert (Path(root) / "sheets_tools" / "excel" / "sandbox.py").is_file()


def test_read_sheets_in_a_child():
    got = sandbox.run(sandbox.read_sheets, XLS.read_bytes(), None, 50, 1_000_000, timeout_s=60, memory_mb=1024)
    assert got["sheet_names"] == ["Tập thể", "Cá nhân", "Phong trào", "_id"] and got["too_large"] is None
    assert got["rows"]["_id"][3] == ["unit", "TTR"]
    assert got["rows"]["Cá nhân"][8][3] == date(1985, 3, 15)


def test_read_sheets_stops_at_a_sheet_too_large():
    got = sandbox.run(sandbox.read_sheets, XLS.read_bytes(), ["Cá nhân"], 50, 10, timeout_s=60, memory_mb=1024)
    assert got["too_large"][0] == "Cá nhân" and got["rows"] == {}


def test_timeout():
    with pytest.raises(sandbox.ChildFailed) as info:
        sandbox.run(time.sleep, 30, timeout_s=0.5, memory_mb=None)
    assert info.value.kind == "timeout"


def test_crash():
    with pytest.raises(sandbox.ChildFailed) as info:
        sandbox.run(os.abort, timeout_s=60, memory_mb=None)
    assert info.value.kind == "crash"


@pytest.mark.skipif(sys.platform == "win32", reason="no RLIMIT_AS on Windows")
def test_memory_limit():
    with pytest.raises(sandbox.ChildFailed) as info:
        sandbox.run(bytearray, 4 * 2**30, timeout_s=60, memory_mb=256)
    assert info.value.kind == "memory"


def test_exception_in_the_child_names_its_type():
    with pytest.raises(sandbox.ChildFailed) as info:
        sandbox.run(int, "không phải số", timeout_s=60, memory_mb=None)
    assert (info.value.kind, info.value.error_type) == ("error", "ValueError")


def test_only_plain_values_come_back():
    with pytest.raises(sandbox.ChildFailed) as info:
        sandbox.run(Path, "x", timeout_s=60, memory_mb=None)  # a PosixPath/WindowsPath: refused
    assert info.value.kind == "crash"
