"""campaign.xlsx holds the office's data, but a unit code names folders and files and the office's
address is the sender of every mail: a code that is ".", "..", a path or a Windows device name, and an
address that is not one, are refused when campaign.xlsx is read (sheet and cell named), before any
command writes anything."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sheets_tools.campaign.layout import INFO_FIELDS, INFO_SHEET, TABLES
from sheets_tools.campaign.model import CAMPAIGN_FILE
from sheets_tools.cli import main

UNITS_SHEET, _, UNIT_COLUMNS = TABLES["units"]
CODE_LABEL = next(label for field, label, _ in UNIT_COLUMNS if field == "code")
EMAIL_LABEL = next(label for field, label, _ in UNIT_COLUMNS if field == "email")
OFFICE_EMAIL_LABEL = next(label for field, label, _ in INFO_FIELDS if field == "office_email")


def _column(field: str) -> str:
    return "ABCDEFGH"[[f for f, _, _ in UNIT_COLUMNS].index(field)]


def _office_email_cell(ws) -> str:
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == OFFICE_EMAIL_LABEL)
    return f"B{row}"


def _init(tmp_path: Path) -> Path:
    folder = tmp_path / "dot"
    result = CliRunner().invoke(main, ["init", str(folder), "--sample", "daklak-2024"])
    assert result.exit_code == 0, result.output
    return folder


def _edit(folder: Path, sheet: str, cell: str, value: str) -> None:
    path = folder / CAMPAIGN_FILE
    wb = load_workbook(path)
    wb[sheet][cell] = value
    wb.save(path)


CASES = [  # (sheet, cell, typed, label the finding names)
    pytest.param(UNITS_SHEET, f"{_column('code')}3", "..", CODE_LABEL, id="code-dotdot"),
    pytest.param(UNITS_SHEET, f"{_column('code')}3", ".", CODE_LABEL, id="code-dot"),
    pytest.param(UNITS_SHEET, f"{_column('code')}4", "a/b", CODE_LABEL, id="code-slash"),
    pytest.param(UNITS_SHEET, f"{_column('code')}4", "a\\b", CODE_LABEL, id="code-backslash"),
    pytest.param(UNITS_SHEET, f"{_column('code')}5", "CON", CODE_LABEL, id="code-con"),
    pytest.param(UNITS_SHEET, f"{_column('code')}5", "lpt1", CODE_LABEL, id="code-lpt1"),
    pytest.param(UNITS_SHEET, f"{_column('code')}5", "VP.", CODE_LABEL, id="code-trailing-dot"),
    pytest.param(UNITS_SHEET, f"{_column('email')}6", "vp@", EMAIL_LABEL, id="unit-email-at-end"),
    pytest.param(INFO_SHEET, None, "vp@", OFFICE_EMAIL_LABEL, id="office-email-at-end"),
    pytest.param(INFO_SHEET, None, "van phong@stp.gov.vn", OFFICE_EMAIL_LABEL, id="office-email-space"),
]


@pytest.mark.parametrize("sheet, cell, typed, label", CASES)
def test_unsafe_campaign_data_is_refused_before_anything_is_written(tmp_path, sheet, cell, typed, label):
    folder = _init(tmp_path)
    if cell is None:
        cell = _office_email_cell(load_workbook(folder / CAMPAIGN_FILE)[INFO_SHEET])
    _edit(folder, sheet, cell, typed)
    (tmp_path / "inbox").mkdir()
    runner = CliRunner()
    for args in (["issue", str(folder), "--all"], ["collect", str(folder), str(tmp_path / "inbox")]):
        result = runner.invoke(main, args)
        assert result.exit_code == 3, (args, result.output)
        assert isinstance(result.exception, SystemExit), result.exception  # a message, not a traceback
        assert "Traceback" not in result.output
        assert f"[{CAMPAIGN_FILE}, {sheet}!{cell}] \"{label}\"" in result.output, result.output
    assert not (folder / "outbox").exists()
    assert not (tmp_path / "outbox").exists() and not (tmp_path / "ledger.sqlite").exists()
    assert not (folder / "ledger.sqlite").exists()


def test_the_unchanged_sample_still_issues(tmp_path):
    folder = _init(tmp_path)
    result = CliRunner().invoke(main, ["issue", str(folder), "--form", "registration"])
    assert result.exit_code == 0, result.output
    assert (folder / "outbox").is_dir()


@pytest.mark.parametrize("typed", ["a@b.vn", "a@b.vn;c@d.vn", "vp.stp@so-tu-phap.daklak.gov.vn"])
def test_good_unit_addresses_still_load(tmp_path, typed):
    folder = _init(tmp_path)
    _edit(folder, UNITS_SHEET, f"{_column('email')}2", typed)
    result = CliRunner().invoke(main, ["status", str(folder), "--json"])
    assert result.exit_code == 0, result.output


def test_unit_codes_differing_only_by_case_are_one_code(tmp_path):
    """A unit's code names its outbox and feedback folders: Windows takes "PTP-A" and "ptp-a" as one."""
    folder = _init(tmp_path)
    ws = load_workbook(folder / CAMPAIGN_FILE)[UNITS_SHEET]
    first = ws[f"{_column('code')}2"].value
    _edit(folder, UNITS_SHEET, f"{_column('code')}3", first.lower())
    result = CliRunner().invoke(main, ["issue", str(folder), "--all"])
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    assert f"[{CAMPAIGN_FILE}, {UNITS_SHEET}!A3] \"{first.lower()}\" bị trùng (đã có ở dòng 2)" in result.output
    assert not (folder / "outbox").exists()


def test_every_bad_address_is_named_with_its_cell(tmp_path):
    folder = _init(tmp_path)
    path = folder / CAMPAIGN_FILE
    wb = load_workbook(path)
    ws = wb[UNITS_SHEET]
    col = _column("email")
    ws[f"{col}2"] = "vp@stp.gov.vn; ke toan@stp"  # the second of two addresses is wrong
    ws[f"{col}4"] = "phongA@"
    ws[f"{col}7"] = "@b.vn"
    ws[f"{col}8"] = "a@b.vn; c@d.vn;"  # a separator at the end, as Outlook copies addresses: fine
    wb.save(path)

    result = CliRunner().invoke(main, ["issue", str(folder), "--all"])

    assert result.exit_code == 3 and "Traceback" not in result.output
    for cell in (f"{col}2", f"{col}4", f"{col}7"):
        assert f"[{CAMPAIGN_FILE}, {UNITS_SHEET}!{cell}] \"{EMAIL_LABEL}\"" in result.output, (cell, result.output)
    assert "\"ke toan@stp\"" in result.output and "\"phongA@\"" in result.output
    assert "\"vp@stp.gov.vn\"" not in result.output  # the good one is not named
    assert f"{UNITS_SHEET}!{col}8" not in result.output
    assert not (folder / "outbox").exists()


@pytest.mark.parametrize("typed", ["hòa@example.gov.vn", "vp@bộtưpháp.vn"])
def test_an_address_with_vietnamese_letters_is_named_before_anything_is_issued(tmp_path, typed):
    """No office mail server takes an accented address (it would need SMTPUTF8): named with its cell, never a
    draft with a broken "To:" or a send that stops halfway."""
    folder = _init(tmp_path)
    _edit(folder, UNITS_SHEET, f"{_column('email')}2", typed)
    result = CliRunner().invoke(main, ["issue", str(folder), "--all"])
    assert result.exit_code == 3 and "Traceback" not in result.output
    assert f"[{CAMPAIGN_FILE}, {UNITS_SHEET}!{_column('email')}2]" in result.output
    assert f"có chữ có dấu hoặc ký tự đặc biệt: \"{typed}\"" in result.output
    assert not (folder / "outbox").exists()
