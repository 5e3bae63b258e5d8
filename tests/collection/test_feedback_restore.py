"""Feedback is never lost: a file recorded without its feedback workbook (the run killed, or the write
failed, between the two) gets it at the next collect, with the same content."""
from __future__ import annotations

import json
import os
from datetime import date, datetime

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sheets_tools.cli import main
from sheets_tools.core.findings import message
from sheets_tools.formkit.declaration import ID_SHEET
from sheets_tools.store.ledger import Ledger
from workbooks import cell_of, make_return

PERSON = {"family_name": "Nguyễn Thị", "given_name": "Hoa", "birth_date": date(1985, 3, 15), "sex": "Nữ",
          "position": "Chuyên viên", "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Lao động tiên tiến"}


def _collect(camp, *paths) -> dict:
    result = CliRunner().invoke(main, ["collect", str(camp.dir), *map(str, paths), "--json"])
    data = json.loads(result.output)
    sent_back = any(f["status"] == "rejected" for f in data["files"])  # exit status 1 when a file is sent back
    assert result.exit_code == (1 if sent_back else 0), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return data


def _content(path) -> dict:
    """Every sheet's values, by cell (what the unit reads), but the moment the form was built (hidden)."""
    wb = load_workbook(path)
    out = {ws.title: {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}
           for ws in wb.worksheets}
    ident = out.get(ID_SHEET, {})
    for cell, value in list(ident.items()):
        if value == "built_at":
            ident.pop(cell.replace("A", "B", 1))
    return out


def _feedback_files(camp) -> list:
    return sorted(p for p in (camp.dir / "feedback").rglob("*.xlsx"))


@pytest.mark.parametrize("second_run", ["empty folder", "same file"])
def test_a_missing_feedback_is_written_again(camp, tmp_path, second_run):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    bad = make_return(inbox / "Thanh tra.xlsx", camp, "TTR",
                      {"individuals": [{**PERSON, "given_name": None}, {**PERSON, "given_name": "Lan",
                                                                         "birth_date": "31/02/1980"}]})
    (inbox / "thu.eml").write_bytes(b"From: x@example.gov.vn\r\nSubject: x\r\n\r\nkhong co tep\r\n")
    first = _collect(camp, inbox)
    assert {f["status"] for f in first["files"]} == {"rejected"}
    written = _feedback_files(camp)
    assert len(written) == 2  # the unit's, and the one for the mail of no known unit
    before = {p: _content(p) for p in written}
    for path in written:  # as if the run had been killed between recording and answering
        path.unlink()
    empty = tmp_path / "empty"
    empty.mkdir()
    again = _collect(camp, empty if second_run == "empty folder" else bad)
    assert sorted(again.get("restored_feedback", [])) == [str(p) for p in written]
    assert _feedback_files(camp) == written
    for path in written:
        assert _content(path) == before[path]
    listing = list(before[next(p for p in written if "TTR" in p.parts)]["Danh sách lỗi"].values())
    assert message("cell.required", label="Tên") in listing
    assert message("cell.bad_date", label="Ngày sinh", value="31/02/1980") in listing
    unit_sheet = _content(next(p for p in written if "TTR" in p.parts))["Cá nhân"]
    assert unit_sheet[cell_of("registration", "individuals", "birth_date", 1)] == "31/02/1980"  # the refused row too


def test_the_terminal_says_which_feedback_came_back(camp, tmp_path):
    bad = make_return(tmp_path / "a.xlsx", camp, "VP", {"individuals": [{**PERSON, "given_name": None}]})
    _collect(camp, bad)
    (path,) = _feedback_files(camp)
    path.unlink()
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(main, ["collect", str(camp.dir), str(empty)])
    assert result.exit_code == 0, result.output
    assert str(path) in result.output and path.exists()
    result = CliRunner().invoke(main, ["collect", str(camp.dir), str(empty)])  # nothing missing: nothing written
    assert str(path) not in result.output


def test_feedback_of_a_superseded_file_is_not_written_again(camp, tmp_path):
    old = make_return(tmp_path / "v1.xlsx", camp, "VP", {"individuals": [{**PERSON, "given_name": None}]})
    _collect(camp, old)
    (path,) = _feedback_files(camp)
    new = make_return(tmp_path / "v2.xlsx", camp, "VP", {"individuals": [PERSON]})
    _collect(camp, new)
    path.unlink()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "restored_feedback" not in _collect(camp, empty)
    assert not path.exists()


def test_a_restored_feedback_still_names_the_person_another_unit_registered(camp, tmp_path):
    a = make_return(tmp_path / "ek.xlsx", camp, "PTP-EK", {"individuals": [PERSON]})
    b = make_return(tmp_path / "ehl.xlsx", camp, "PTP-EHL", {"individuals": [PERSON]})
    _collect(camp, a, b)
    path = camp.dir / "feedback" / "PTP-EK" / "Phản hồi - ek.xlsx"
    before = _content(path)
    assert any("cũng được" in str(v) for v in before["Danh sách lỗi"].values())
    path.unlink()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _collect(camp, empty)["restored_feedback"] == [str(path)]
    assert _content(path) == before


def test_feedback_that_only_named_a_shared_person_is_written_again(camp, tmp_path):
    """Both files are accepted without a finding of their own: their feedback only tells of the person the
    other unit registered too (not kept in the ledger), and still comes back."""
    person = {**PERSON, "sex": "Nữ"}
    a = make_return(tmp_path / "ek.xlsx", camp, "PTP-EK", {"individuals": [person]})
    b = make_return(tmp_path / "ehl.xlsx", camp, "PTP-EHL", {"individuals": [person]})
    on_time = datetime(2024, 1, 20, 9, 0).timestamp()  # before the registration deadline: not late
    for path in (a, b):
        os.utime(path, (on_time, on_time))
    first = _collect(camp, a, b)
    statuses = {f["unit"]: f["status"] for f in first["files"]}
    with Ledger(camp.dir) as ledger:
        recorded = {s.unit: s.status for s in ledger.submissions(current_only=True)}
    assert recorded == {"PTP-EK": "accepted", "PTP-EHL": "accepted"}, (recorded, statuses)
    paths = [camp.dir / "feedback" / unit / f"Phản hồi - {name}" for unit, name in
             (("PTP-EK", "ek.xlsx"), ("PTP-EHL", "ehl.xlsx"))]
    before = {p: _content(p) for p in paths}
    for p in paths:
        p.unlink()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert sorted(_collect(camp, empty)["restored_feedback"]) == sorted(map(str, paths))
    assert {p: _content(p) for p in paths} == before
