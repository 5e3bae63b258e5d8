"""The checked scores the office types into the master are bounded: from 0 to the unit's block standard plus
its bonus cap. A score outside is refused like a non-number (a finding naming the file, sheet and cell, the
value and the range) and the value stored by the previous consolidate is kept. Through the command line, on a
copy of the demo campaign."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.campaign.criteria import number_text
from sheets_tools.cli import main
from sheets_tools.core.findings import message
from sheets_tools.forms.scoring import CHECK_SHEET
from sheets_tools.master.consolidate import master_path
from sheets_tools.store.ledger import Ledger
from sheets_tools.store.office import entries
from sheets_tools.yearend.ranking import CHECKED_SCOPE

UNIT = "TTR"
CHECKED, KEY = "Điểm thẩm định", "Mã đơn vị"


def consolidate(folder: Path, exit_code: int = 0) -> str:
    """``consolidate`` through the command line: exit status 1 when a cell the office typed is refused."""
    result = CliRunner().invoke(main, ["consolidate", str(folder)])
    assert result.exit_code == exit_code, result.output
    assert "Đã ghi bảng tổng hợp" in result.output
    return result.output


def check_cell(path: Path, unit: str = UNIT) -> str:
    """The "Điểm thẩm định" cell of ``unit`` on the master's check sheet, found by the column labels."""
    ws = load_workbook(path, read_only=True)[CHECK_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    head = next(i for i, row in enumerate(rows) if KEY in row and CHECKED in row)
    key, col = rows[head].index(KEY), rows[head].index(CHECKED)
    r = next(i for i in range(head + 1, len(rows)) if rows[i][key] == unit)
    return f"{get_column_letter(col + 1)}{r + 1}"


def type_checked(path: Path, value, unit: str = UNIT) -> str:
    """The office types ``value`` as the unit's checked score and saves; returns the cell."""
    cell = check_cell(path, unit)
    wb = load_workbook(path)
    wb[CHECK_SHEET][cell] = value
    wb.save(path)
    return cell


def shown(path: Path, unit: str = UNIT):
    return load_workbook(path)[CHECK_SHEET][check_cell(path, unit)].value


def stored(folder: Path, unit: str = UNIT):
    with Ledger(folder) as ledger:
        return entries(ledger, CHECKED_SCOPE).get(unit, {}).get("checked")


def allowed(folder: Path, unit: str = UNIT) -> tuple[float, float, float]:
    """From the criteria: the block's standard total, the bonus cap (top bonus items), their sum."""
    camp = campaign_mod.load(folder)
    table = camp.criteria_of(camp.unit(unit))
    standard = sum(c.standard for c in table.items if c.parent is None and c.kind == "score")
    bonus = sum(c.standard for c in table.items if c.parent is None and c.kind == "bonus")
    return standard, bonus, standard + bonus


def refused_line(folder: Path, cell: str, value: str, unit: str = UNIT) -> str:
    standard, bonus, high = allowed(folder, unit)
    text = message("office.out_of_range", label=CHECKED, key=unit, value=value, low="0", high=number_text(high),
                   basis=f" (điểm chuẩn của khối {number_text(standard)} cộng điểm thưởng tối đa "
                         f"{number_text(bonus)})")
    return f"- {master_path(campaign_mod.load(folder))}, trang \"{CHECK_SHEET}\", ô {cell}: {text}"


@pytest.fixture
def master(demo_copy) -> Path:
    """The demo's master with 5 typed and stored as TTR's checked score."""
    path = master_path(campaign_mod.load(demo_copy))
    type_checked(path, 5)
    output = consolidate(demo_copy)
    assert CHECKED not in output  # no finding about the checked scores
    assert stored(demo_copy) == 5 and shown(path) == 5
    return path


@pytest.mark.parametrize("bad", [-3, 100000, "-0,5"])
def test_a_checked_score_out_of_range_is_refused_and_the_stored_one_kept(demo_copy, master, bad):
    cell = type_checked(master, bad)
    output = consolidate(demo_copy, 1)
    assert stored(demo_copy) == 5  # neither replaced by the bad value nor erased
    assert shown(master) == 5  # the new master shows the stored value again
    value = bad if isinstance(bad, str) else number_text(bad)
    assert refused_line(demo_copy, cell, value) in output.splitlines()
    # the next consolidate, with the master as the tool wrote it, has nothing more to say
    assert CHECKED not in consolidate(demo_copy)
    assert stored(demo_copy) == 5


def test_just_above_the_bound_is_refused_and_the_bounds_themselves_taken(demo_copy, master):
    _, _, high = allowed(demo_copy)
    cell = type_checked(master, high + 0.25)
    output = consolidate(demo_copy, 1)
    assert stored(demo_copy) == 5
    assert refused_line(demo_copy, cell, number_text(high + 0.25)) in output.splitlines()
    for edge in (high, 0):  # the block's standard plus the whole bonus cap, and nothing
        type_checked(master, edge)
        assert CHECKED not in consolidate(demo_copy)
        assert stored(demo_copy) == edge and shown(master) == edge


def test_the_other_units_entries_are_taken_while_one_is_refused(demo_copy, master):
    other = "VP"
    type_checked(master, 88.5, other)
    cell = type_checked(master, -1)
    output = consolidate(demo_copy, 1)
    assert stored(demo_copy) == 5 and stored(demo_copy, other) == 88.5
    assert refused_line(demo_copy, cell, "-1") in output.splitlines()


def test_a_formula_saved_without_its_result_keeps_the_stored_score(demo_copy, master):
    """A formula typed and saved by a program that does not calculate (openpyxl, some converters) reads as an
    empty cell: not an erased score. The stored score stays, the cell is named, the exit status is 1."""
    cell = type_checked(master, "=80+1")
    output = consolidate(demo_copy, 1)
    assert stored(demo_copy) == 5 and shown(master) == 5
    text = message("office.formula_no_value", label=CHECKED, key=UNIT)
    assert f"- {master}, trang \"{CHECK_SHEET}\", ô {cell}: {text}" in output.splitlines()
    # a score the office erases (an empty cell, no formula) is erased
    type_checked(master, None)
    assert CHECKED not in consolidate(demo_copy)
    assert stored(demo_copy) is None
