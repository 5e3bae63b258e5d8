"""A number no workbook can hold, in a unit's return: 400 digits typed as text, a cell holding 1E+400 or NaN
in the sheet's XML (read as infinity, NaN), 5,000 digits in a whole-number column. ``collect`` returns the
file and names the cell in Vietnamese; nothing crashes, and ``consolidate`` and ``decision`` run. Through the
command line, on the sample campaign (conftest.py ``camp``) with files built in code."""
from __future__ import annotations

import io
import os
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_tools.cli import main
from sheets_tools.collection.templates import form_workbook
from sheets_tools.core.findings import message
from sheets_tools.formkit.declaration import FIRST_ROW, get_form
from workbooks import cell_of, make_return

JANUARY, NOVEMBER = datetime(2024, 1, 20, 9), datetime(2024, 11, 20, 9)
REGISTRATION = get_form("registration")
TARGETS = REGISTRATION.sheet("targets")
TARGET = TARGETS.column("target")
MARK = 123456.5  # a number put in the target cell, then replaced in the sheet's XML


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output and "Lỗi không mong đợi" not in result.output, result.output
    return result


def when(path: Path, moment: datetime) -> Path:
    os.utime(path, (moment.timestamp(), moment.timestamp()))
    return path


def registration(camp, target, path: Path) -> Path:
    """VP's registration (the issued template) with one person, one movement and ``target`` typed as the unit's
    own target on the first indicator's row (a text stays text)."""
    wb = form_workbook(REGISTRATION, camp, camp.unit("VP"))
    people = REGISTRATION.sheet("individuals")
    person = dict(family_name="Trần Văn", given_name="Nam", birth_date=date(1980, 5, 2), sex="Nam",
                  last_rating="Hoàn thành tốt nhiệm vụ", title="Lao động tiên tiến")
    for field, value in person.items():
        wb[people.name][f"{people.column(field).letter}{FIRST_ROW}"] = value
    movements = REGISTRATION.sheet("movements")
    wb[movements.name][f"{movements.column('movement').letter}{FIRST_ROW}"] = camp.movements[0].name
    cell = wb[TARGETS.name][f"{TARGET.letter}{FIRST_ROW}"]
    cell.value = target
    if isinstance(target, str):
        cell.data_type = "s"
    wb.save(path)
    return when(path, JANUARY)


def with_xml_number(path: Path, number: bytes) -> Path:
    """The workbook with the cell that holds ``MARK`` holding ``number`` in its sheet XML instead."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info).replace(f"<v>{MARK}</v>".encode(), b"<v>" + number + b"</v>"))
    path.write_bytes(out.getvalue())
    return when(path, JANUARY)


def returned_for(camp, path: Path) -> str:
    """``collect`` of ``path``: the file is returned (exit status 1); its output."""
    result = run("collect", camp.dir, path, "--no-feedback")
    assert "[Bị trả lại]" in result.output, result.output
    assert result.exit_code == 1, result.output
    return result.output


def the_year_goes_on(camp) -> None:
    for args in (("consolidate", camp.dir), ("decision", camp.dir)):
        result = run(*args)
        assert result.exit_code == 0, result.output


def test_four_hundred_digits_typed_as_the_target(camp, tmp_path):
    typed = "1" + "0" * 400
    out = returned_for(camp, registration(camp, typed, tmp_path / "dk.xlsx"))
    cell = cell_of("registration", "targets", "target")
    assert f"Lỗi tại {TARGETS.name}!{cell}: " + message("cell.too_large", label=TARGET.label,
                                                          value="100000000000… (401 ký tự)") in out
    the_year_goes_on(camp)


@pytest.mark.parametrize("number, shown", [(b"1E+400", "∞"), (b"-1E+400", "-∞"), (b"NaN", "NaN")])
def test_a_cell_holding_a_number_beyond_any_workbook(camp, tmp_path, number, shown):
    path = with_xml_number(registration(camp, MARK, tmp_path / "dk.xlsx"), number)
    out = returned_for(camp, path)
    cell = cell_of("registration", "targets", "target")
    assert f"Lỗi tại {TARGETS.name}!{cell}: " + message("cell.bad_number", label=TARGET.label, value=shown) in out
    the_year_goes_on(camp)


def test_five_thousand_digits_in_a_whole_number_column(camp, tmp_path):
    form = get_form("proposals")
    sheet = form.sheet("collectives")
    row = {"collective_name": "Tổ Tổng hợp", "rating": "Hoàn thành xuất sắc nhiệm vụ",
           "title": "Tập thể lao động tiên tiến", "members": "9" * 5000}
    path = when(make_return(tmp_path / "dn.xlsx", camp, "VP", {"collectives": [row]}, form_id="proposals"), NOVEMBER)
    out = returned_for(camp, path)
    cell = cell_of("proposals", "collectives", "members")
    assert f"Lỗi tại {sheet.name}!{cell}: " + message("cell.too_large", label=sheet.column("members").label,
                                                        value="999999999999… (5000 ký tự)") in out
    the_year_goes_on(camp)
