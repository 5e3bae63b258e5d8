"""What a unit typed as text: control characters are removed (with a warning naming the cell) and never
reach the ledger, the master, the feedback or the terminal; TRUE/FALSE is not text."""
from __future__ import annotations

import json
import re
import zipfile
from datetime import date
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sheets_tools.cli import main
from sheets_tools.core.findings import message
from workbooks import cell_of, make_return

PERSON = {"family_name": "Nguyễn Thị", "given_name": "Hoa", "birth_date": date(1985, 3, 15), "sex": "Nữ",
          "position": "Chuyên viên", "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Lao động tiên tiến"}
# C0 (but tab and newline), DEL, C1, and the bidirectional overrides, embeddings, isolates and marks
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# in a workbook's XML a control character is written as an escape such as _x001B_
ESCAPED = re.compile(r"_x00[01][0-9A-Fa-f]_|_x007[Ff]_")


def _typed(value: str) -> str:
    """The text as a unit's workbook can hold it: C0 characters as the _xHHHH_ escapes Excel writes."""
    return re.sub("[\x00-\x1f]", lambda m: f"_x{ord(m.group()):04X}_", value)


DIRTY = {"family_name": "Nguyễn\x1b[31m Thị\u202e", "given_name": "Hoa\x9b2J\x07", "position": "Chuyên\x7f viên",
         "note": "ghi \u2066chú\x00"}
CLEAN = {"family_name": "Nguyễn[31m Thị", "given_name": "Hoa2J", "position": "Chuyên viên", "note": "ghi chú"}


def _xml_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))


def _values(path: Path) -> list:
    wb = load_workbook(path)
    return [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def test_control_characters_never_reach_the_master_the_feedback_or_the_terminal(camp, tmp_path):
    person = {**PERSON, **{k: _typed(v) for k, v in DIRTY.items()}}
    path = make_return(tmp_path / "a.xlsx", camp, "VP", {"individuals": [person]})
    refused = {**PERSON, "given_name": "Lan\x1b]0;x\x07", "birth_date": "31/02/1980\x1b[2J"}  # shown back as typed
    bad = make_return(tmp_path / "d.xlsx", camp, "HCTP",
                      {"individuals": [{k: _typed(v) if isinstance(v, str) else v for k, v in refused.items()}]})
    mail = EmailMessage(policy=policy.SMTP)  # an attachment whose name carries a terminal escape
    mail["From"], mail["Subject"] = "ttr@example.gov.vn", "x"
    mail.set_content("x")
    other = make_return(tmp_path / "b.xlsx", camp, "TTR", {"individuals": [{**PERSON, "given_name": "Mai"}]})
    mail.add_attachment(other.read_bytes(), maintype="application", subtype="octet-stream",
                        filename="Thanh tra\x1b[2J.xlsx")
    (tmp_path / "c.eml").write_bytes(mail.as_bytes())
    runner = CliRunner()
    result = runner.invoke(main, ["collect", str(camp.dir), str(path), str(bad), str(tmp_path / "c.eml")])
    assert result.exit_code == 1, result.output  # d.xlsx is sent back: data problems found
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert not CONTROL.search(result.output), repr(result.output)
    for field, clean in CLEAN.items():
        cell = cell_of("registration", "individuals", field)
        expected = message("cell.control_chars", label=_label(field), value=clean)
        assert f"Lưu ý tại Cá nhân!{cell}: {expected}" in result.output
        assert "đã xóa ký tự điều khiển" in expected

    data = json.loads(runner.invoke(main, ["collect", str(camp.dir), str(path), "--json"]).output)
    warnings = [f for f in data["files"][0]["findings"] if f["code"] == "cell.control_chars"]
    assert {(f["cell"], f["severity"], f["value"]) for f in warnings} >= {
        (cell_of("registration", "individuals", k), "warning", v) for k, v in CLEAN.items()}

    for unit, name in (("VP", "a"), ("HCTP", "d"), ("TTR", "Thanh tra[2J")):
        feedback = camp.dir / "feedback" / unit / f"Phản hồi - {name}.xlsx"
        assert feedback.exists(), sorted((camp.dir / "feedback").rglob("*"))
        assert not any(CONTROL.search(v) for v in _values(feedback))
        assert not ESCAPED.search(_xml_text(feedback)) and not CONTROL.search(_xml_text(feedback))
    assert "Lan]0;x" in _values(camp.dir / "feedback" / "HCTP" / "Phản hồi - d.xlsx")  # the refused row, clean
    assert set(CLEAN.values()) <= set(_values(camp.dir / "feedback" / "VP" / "Phản hồi - a.xlsx"))

    done = runner.invoke(main, ["consolidate", str(camp.dir)])
    assert done.exit_code == 0, done.output
    (master,) = (camp.dir / "master").glob("*.xlsx")
    values = _values(master)
    assert not any(CONTROL.search(v) for v in values)
    assert not ESCAPED.search(_xml_text(master)) and not CONTROL.search(_xml_text(master))
    assert {"Nguyễn[31m Thị", "Hoa2J", "Mai"} <= set(values)


def _label(field: str) -> str:
    from sheets_tools.formkit.declaration import get_form
    return get_form("registration").sheet("individuals").column(field).label


def _validate(camp, tmp_path, **person) -> dict:
    path = make_return(tmp_path / "a.xlsx", camp, "VP", {"individuals": [{**PERSON, **person}]})
    result = CliRunner().invoke(main, ["validate", str(path), "--campaign", str(camp.dir), "--json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return json.loads(result.output)["files"][0]


@pytest.mark.parametrize("field, value, shown", [
    ("given_name", True, "TRUE"), ("family_name", False, "FALSE"),  # a TRUE/FALSE cell in a name column
    ("position", True, "TRUE"), ("note", False, "FALSE"),  # ... in a free-text column
    ("given_name", "TRUE", "TRUE"), ("family_name", "false", "false"),  # the words, in a name column
])
def test_true_or_false_is_not_text(camp, tmp_path, field, value, shown):
    entry = _validate(camp, tmp_path, **{field: value})
    assert entry["status"] == "rejected"
    (problem,) = [f for f in entry["findings"] if f["severity"] == "error"]
    assert (problem["code"], problem["cell"]) == ("cell.boolean", cell_of("registration", "individuals", field))
    assert problem["message"] == message("cell.boolean", label=_label(field), value=shown)


@pytest.mark.parametrize("field, value", [("note", "TRUE"), ("note", "Đúng"), ("position", "Sai sót")])
def test_words_in_a_free_text_column_are_kept(camp, tmp_path, field, value):
    entry = _validate(camp, tmp_path, **{field: value})
    assert not [f for f in entry["findings"] if f["severity"] == "error"], entry
