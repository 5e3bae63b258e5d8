"""Every master is the same workbook whether it is the first written in a process or not: xlsxwriter adds to
the options dict it is given, so one shared dict gave the second workbook of a process (the office's Excel
buttons run several commands in one) another default font."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from click.testing import CliRunner

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.cli import main
from sheets_tools.excel.style import workbook_options
from sheets_tools.master.consolidate import master_path

REPO = Path(__file__).resolve().parents[2]


def styles(folder: Path) -> bytes:
    with zipfile.ZipFile(master_path(campaign_mod.load(folder))) as z:
        return z.read("xl/styles.xml")


def test_a_master_written_after_others_in_one_process_is_the_first_ones(demo_copy):
    fresh = subprocess.run([sys.executable, "-m", "sheets_tools.cli", "consolidate", str(demo_copy)], cwd=REPO,
                           capture_output=True, text=True, encoding="utf-8")
    assert fresh.returncode == 0, fresh.stderr
    first = styles(demo_copy)
    for _ in range(2):  # this process has written many workbooks already (the demo among them)
        assert CliRunner().invoke(main, ["consolidate", str(demo_copy)]).exit_code == 0
        assert styles(demo_copy) == first


def test_options_are_new_each_time():
    one = workbook_options()
    one["default_format_properties"]["theme_font_name"] = "x"  # what xlsxwriter does to the dict it gets
    assert "theme_font_name" not in workbook_options()["default_format_properties"]
