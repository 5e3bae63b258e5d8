"""``issue`` makes each unit's workbook from one build per form (collection.unit_books): the workbooks it
writes must be the ones ``templates.form_workbook`` builds for the unit, cell by cell, style by style, with the
same lists, names and properties; still open in LibreOffice and still be identified by collect."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.cli import main
from sheets_tools.collection.templates import form_workbook, unit_file_name
from sheets_tools.formkit import declaration as forms
from sheets_tools.formkit.declaration import FIRST_ROW, ID_SHEET
from sheets_tools.formkit.plugins import Context

ODD_NAME = 'Văn phòng Sở & "Kho" <lưu trữ>'
LONG_NAME = ("Phòng Tư pháp huyện " + "Krông Pắc Ea H'leo Buôn Đôn Cư M'gar Lắk " * 5).strip()[:200]


def snapshot(data: bytes) -> dict:
    """Everything a unit sees or collect reads in a workbook, as plain values (the build time left out)."""
    wb = load_workbook(io.BytesIO(data))
    out: dict = {"sheets": [(ws.title, ws.sheet_state) for ws in wb.worksheets],
                 "names": sorted((n, d.attr_text) for n, d in wb.defined_names.items()),
                 "props": sorted((p.name, p.value) for p in wb.custom_doc_props),
                 "title": wb.properties.title, "lock": bool(wb.security and wb.security.lockStructure),
                 "active": wb.active.title}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if ws.title == ID_SHEET and c.row == 6:  # built_at
                    continue
                if c.value is None and not c.has_style:
                    continue
                cells[c.coordinate] = (c.value, repr(c.font), repr(c.fill), repr(c.border), repr(c.alignment),
                                       repr(c.protection), c.number_format,
                                       c.comment.text if c.comment else None,
                                       c.hyperlink.location if c.hyperlink else None)
        out[ws.title] = {
            "cells": cells, "merged": sorted(str(m) for m in ws.merged_cells.ranges),
            "heights": sorted((r, d.height) for r, d in ws.row_dimensions.items() if d.height),
            "widths": sorted((k, d.width, d.hidden) for k, d in ws.column_dimensions.items()),
            "validations": sorted((str(v.sqref), v.type, v.formula1, v.formula2, v.operator, v.prompt, v.error,
                                   v.showErrorMessage, v.errorStyle) for v in ws.data_validations.dataValidation),
            "protection": (ws.protection.sheet, ws.protection.password, ws.protection.formatColumns),
            "freeze": ws.freeze_panes, "print": (ws.print_title_rows, ws.page_setup.orientation,
                                                 ws.page_setup.paperSize, ws.page_setup.fitToWidth),
            "selected": ws.sheet_view.tabSelected}
    return out


def _reference(form, camp, unit) -> bytes:
    buffer = io.BytesIO()
    form_workbook(form, camp, unit, context=Context(camp)).save(buffer)
    return buffer.getvalue()


def _rename_units(camp_dir: Path, names: dict[str, str]) -> None:
    """Give units other names in campaign.xlsx (by their current name)."""
    path = camp_dir / "campaign.xlsx"
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value in names:
                    c.value = names[c.value]
    wb.save(path)


@pytest.fixture
def odd_camp(camp):
    """The sample campaign with one unit's name full of XML's special characters and one very long."""
    _rename_units(camp.dir, {"Văn phòng Sở": ODD_NAME, "Phòng Tư pháp huyện Lắk": LONG_NAME})
    return campaign_mod.load(camp.dir)


def test_issue_writes_what_the_full_build_makes_for_every_unit(odd_camp):
    """Through the command: every unit's registration (prefilled targets) and nomination equals the full
    build, for names with &, <, > and quotes, and for a name long enough to wrap the guide's line."""
    result = CliRunner().invoke(main, ["issue", str(odd_camp.dir), "--form", "registration", "--form",
                                       "nominations"])
    assert result.exit_code == 0, result.output
    assert {u.name for u in odd_camp.units} >= {ODD_NAME, LONG_NAME}
    for form in (forms.get_form("registration"), forms.get_form("nominations")):
        assert len(list((odd_camp.dir / "outbox").glob(f"*/{form.name}*.xlsx"))) == len(odd_camp.units)
        for unit in (odd_camp.unit(code) for code in ("VP", "PTP-LAK", "XDKT", "PTP-BMT")):
            path = odd_camp.dir / "outbox" / unit.code / unit_file_name(form, odd_camp, unit)
            assert snapshot(path.read_bytes()) == snapshot(_reference(form, odd_camp, unit)), (form.id, unit.code)


def test_every_form_equals_the_full_build(odd_camp):
    from sheets_tools.collection.unit_books import UnitBooks  # the new module (absent before)
    books = UnitBooks(odd_camp, Context(odd_camp))
    units = [odd_camp.unit("VP"), odd_camp.unit("PTP-LAK"), odd_camp.unit("XDKT")]
    for form in forms.load_forms().values():
        for unit in units:
            assert snapshot(books.workbook_bytes(form, unit)) == snapshot(_reference(form, odd_camp, unit)), \
                (form.id, unit.code)
    # every form was made from its kept build (the long name aside, which is built in full)
    assert {key[0] for key, template in books._templates.items() if template is not None} >= set(forms.load_forms())


def test_issued_then_filled_workbook_is_identified_and_accepted(camp, tmp_path):
    """An issued workbook (made from the form's bytes) filled by the unit is collected as its form."""
    assert CliRunner().invoke(main, ["issue", str(camp.dir), "--form", "nominations"]).exit_code == 0
    form, unit = forms.get_form("nominations"), camp.unit("TTR")
    path = camp.dir / "outbox" / unit.code / unit_file_name(form, camp, unit)
    wb = load_workbook(path)
    sheet = form.sheets[0]
    ws = wb[sheet.name]
    for column in sheet.columns:
        if column.type == "text":
            ws[f"{column.letter}{FIRST_ROW}"] = "Nguyễn Văn An"
    returned = tmp_path / "inbox" / path.name
    returned.parent.mkdir()
    wb.save(returned)
    result = CliRunner().invoke(main, ["collect", str(camp.dir), str(returned.parent), "--json"])
    data = json.loads(result.output)
    (f,) = data["files"]
    assert (f["form"], f["unit"]) == ("nominations", "TTR"), f


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_issued_workbook_opens_in_libreoffice(odd_camp, tmp_path):
    assert CliRunner().invoke(main, ["issue", str(odd_camp.dir), "--form", "registration"]).exit_code == 0
    form, unit = forms.get_form("registration"), odd_camp.unit("VP")
    src = odd_camp.dir / "outbox" / unit.code / unit_file_name(form, odd_camp, unit)
    out = tmp_path / "lo"
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(out), str(src)], check=True, capture_output=True,
                   timeout=180)
    resaved = load_workbook(out / src.name)
    assert resaved.defined_names["st_unit"].attr_text == '"VP"'
    assert resaved[form.sheets[0].name]["C6"].value == ODD_NAME
