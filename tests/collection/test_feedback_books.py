"""The feedback workbook written by collect is made from the form's kept build (collection.feedback_books):
it must be the workbook ``feedback.feedback_workbook`` builds for the same file, cell by cell (values, marks,
comments, row heights, the list of problems), one file after another from the same kept build, and still
open in LibreOffice."""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.cli import main
from sheets_tools.collection import feedback
from sheets_tools.collection.collect import check, collect
from sheets_tools.formkit import declaration as forms
from sheets_tools.formkit.plugins import Context
from test_unit_books import snapshot
from workbooks import make_return, scoring_workbook

PERSON = {"family_name": "Nguyễn Thị", "given_name": "Hoa", "birth_date": date(1985, 3, 15), "sex": "Nữ",
          "position": "Chuyên viên", "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Lao động tiên tiến"}
JAN = datetime(2024, 1, 20, 9, 0)


def _returns(camp, folder: Path) -> list[Path]:
    """Returns with mistakes: bad choices, dates and lengths, rows left half empty, a long text that makes
    a row taller, XML's special characters; and one without mistakes."""
    long = "Chuyên viên phụ trách công tác thi đua, khen thưởng và kiểm tra văn bản " * 3
    sets = {
        "VP": {"individuals": [PERSON, {**PERSON, "sex": "Khác", "birth_date": "32/13/1985", "position": long},
                               {"family_name": "Trần"}],
               "collectives": [{"collective_name": "Tổ <A> & \"B\"", "title": "Không có"}]},
        "TTR": {"individuals": [{**PERSON, "title": "Danh hiệu lạ"}, PERSON, {**PERSON, "given_name": ""}]},
        "XDKT": {"individuals": [PERSON], "movements": [{"movement": "Phong trào không có"}]},
        "HCTP": {"individuals": [PERSON]},
    }
    paths = []
    for code, rows in sets.items():
        path = make_return(folder / f"{code}.xlsx", camp, code, rows)
        os.utime(path, (JAN.timestamp(), JAN.timestamp()))
        paths.append(path)
    return paths


def _kept_build_made(camp, result, context) -> bytes:
    """The feedback from the form's kept build (not the full build it falls back to)."""
    from sheets_tools.collection import feedback_books  # the new module (absent before)
    rows, marks = feedback._on_template(forms.get_form(result.form_id), result)
    made = feedback_books.feedback_bytes(forms.get_form(result.form_id), camp, camp.unit(result.unit_code), result,
                                         rows, marks, context, feedback.ERRORS_SHEET, feedback._fixable_errors)
    assert made is not None, result.unit_code
    return made


def _reference(camp, result, context) -> bytes:
    form = forms.get_form(result.form_id)
    buffer = io.BytesIO()
    feedback.feedback_workbook(form, camp, camp.unit(result.unit_code), result, context).save(buffer)
    return buffer.getvalue()


def test_collect_writes_the_feedback_the_full_build_makes(camp, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    paths = _returns(camp, inbox)
    clean = campaign_mod.load(Path(shutil.copytree(camp.dir, tmp_path / "clean")))
    result = CliRunner().invoke(main, ["collect", str(camp.dir), str(inbox), "--json"])
    assert result.exit_code in (0, 1), result.output
    assert sum(bool(f["findings"]) for f in json.loads(result.output)["files"]) == 3
    written = {p.name: p for p in (camp.dir / "feedback").rglob("*.xlsx")}
    assert len(written) == 3, written
    # the same files checked (their rows kept) in a copy of the campaign as it was: the full build
    context = Context(clean)
    for c in check(clean, paths).files:
        if not c.result.findings:
            continue
        made = written[feedback.feedback_path(clean, c.result.incoming.name, c.result.unit_code).name]
        assert snapshot(made.read_bytes()) == snapshot(_reference(clean, c.result, context)), c.result.unit_code


def test_one_kept_build_serves_file_after_file(camp, tmp_path):
    """Nothing of one file's feedback (values, marks, comments, heights) is left in the next one's."""
    results = [c.result for c in check(camp, _returns(camp, tmp_path)).files if c.result.findings]
    assert len(results) == 3 and all(r.rows for r in results)
    _same_feedback_file_after_file(camp, results)


def test_marked_cells_and_comments_are_where_the_findings_are(camp, tmp_path):
    paths = _returns(camp, tmp_path)
    (c, *_) = collect(camp, paths[:1]).files
    wb = load_workbook(c.feedback)
    assert wb.sheetnames[0] == feedback.ERRORS_SHEET
    marked = 0
    for f in c.result.findings:
        if f.sheet and f.cell and f.sheet in wb.sheetnames:
            cell = wb[f.sheet][f.cell]
            if cell.comment is not None:
                assert f.message in cell.comment.text
                assert cell.fill.fgColor.rgb.endswith("FF9999")
                marked += 1
    assert marked >= 3


def test_scoring_feedback_equals_the_full_build(camp, tmp_path):
    """The scoring form: prefilled criteria, locked rows, the tool's formulas, scores over the standard and
    missing evidence marked; two units one after the other."""
    paths = []
    for code in ("VP", "PTP-BMT"):
        table = camp.criteria_of(camp.unit(code))
        leaf = next(c for c in table.leaves if c.kind == "score")
        wb = scoring_workbook(camp, code, {leaf.code: leaf.standard + 5}, evidence={c.code: "" for c in table.leaves})
        path = tmp_path / f"{code}.xlsx"
        wb.save(path)
        paths.append(path)
    results = [c.result for c in check(camp, paths).files]
    assert all(r.findings and r.rows for r in results), [r.status for r in results]
    _same_feedback_file_after_file(camp, results)


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_feedback_opens_in_libreoffice(camp, tmp_path):
    (c, *_) = collect(camp, _returns(camp, tmp_path)[:1]).files
    src = tmp_path / "fb.xlsx"
    shutil.copy(c.feedback, src)
    out = tmp_path / "lo"
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(out), str(src)], check=True, capture_output=True,
                   timeout=180)
    resaved = load_workbook(out / "fb.xlsx")
    assert resaved.sheetnames[0] == feedback.ERRORS_SHEET
    comments = [cell.comment.text for ws in resaved.worksheets for row in ws.iter_rows() for cell in row
                if cell.comment is not None]
    assert len(comments) >= 3


def _same_feedback_file_after_file(camp, results) -> None:
    """Each result's feedback, made in turn (and again in the reverse order), equals the one made from the
    form's kept build and the full build: nothing of one file is left in the next."""
    context = Context(camp)
    for result in results + results[::-1]:
        form, unit = forms.get_form(result.form_id), camp.unit(result.unit_code)
        made = feedback.feedback_file(form, camp, unit, result, context)
        assert snapshot(made) == snapshot(_kept_build_made(camp, result, context))  # made from the kept build
        assert snapshot(made) == snapshot(_reference(camp, result, context)), result.unit_code
