"""The registration cycle end to end: issue -> fill -> collect -> consolidate -> status."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sheets_tools.collection.templates import form_workbook
from sheets_tools.cli import main
from sheets_tools.collection.collect import collect
from sheets_tools.master.book import form_sheet_name
from sheets_tools.master.consolidate import consolidate
from sheets_tools.master.overview import OVERVIEW_SHEET
from sheets_tools.core.findings import message
from sheets_tools.formkit.declaration import get_form
from sheets_tools.store.ledger import Ledger
from sheets_tools.collection.issue import draft_email

from workbooks import cell_of, fill_table, register_common_targets

FORM = get_form("registration")
INDIVIDUALS = form_sheet_name("registration", "Cá nhân")  # the master's sheet of the form's "Cá nhân" table
PERSON = {"family_name": "Nguyễn Thị", "given_name": "Hoa", "birth_date": date(1985, 3, 15), "sex": "Nữ",
          "position": "Chuyên viên", "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Lao động tiên tiến"}


def filled(camp, unit_code: str, path: Path, individuals=(PERSON,), collectives=None, when=None) -> Path:
    """A unit's workbook as the unit returns it: built by us, filled like Excel would."""
    unit = camp.unit(unit_code)
    wb = form_workbook(FORM, camp, unit)
    rows = {"individuals": list(individuals),
            "collectives": collectives if collectives is not None else
            [{"collective_name": unit.name, "title": "Tập thể lao động tiên tiến"}],
            "movements": [{"movement": camp.movements[0].name}]}
    for key, values_list in rows.items():
        sheet = FORM.sheet(key)
        fill_table(wb[sheet.name], sheet, values_list)
    register_common_targets(wb, camp, unit_code)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    if when is not None:
        os.utime(path, (when.timestamp(), when.timestamp()))
    return path


JAN = datetime(2024, 1, 20, 9, 0)


def test_valid_file_is_accepted_recorded_and_consolidated(camp, tmp_path):
    f = filled(camp, "VP", tmp_path / "in" / "Văn phòng Sở.xlsx", when=JAN)
    result = collect(camp, [f])
    (c,) = result.files
    assert c.result.status == "accepted", c.result.findings
    assert (c.result.unit_code, c.result.form_id) == ("VP", "registration")
    assert c.feedback is None
    with Ledger(camp.dir) as ledger:
        (sub,) = ledger.submissions()
        assert (camp.dir / sub.archive).read_bytes() == f.read_bytes()
        rows = list(ledger.rows(sub.id, "individuals"))
        assert rows[0][2]["given_name"] == "Hoa"
    master = consolidate(camp).path
    ws = load_workbook(master)[INDIVIDUALS]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "Hoa" in values and "VP" in values


def test_the_report_names_the_form_as_the_office_knows_it(camp, tmp_path):
    """Each file's line says "biểu mẫu Đăng ký thi đua", never the form's code, from the full collect and
    from the answer the ledger gives for the unchanged inbox."""
    filled(camp, "VP", tmp_path / "in" / "Văn phòng Sở.xlsx", when=JAN)
    for _ in range(2):
        result = CliRunner().invoke(main, ["collect", str(camp.dir), str(tmp_path / "in")])
        assert result.exit_code == 0, result.output
        assert "(đơn vị VP, biểu mẫu Đăng ký thi đua)" in result.output and "registration" not in result.output


def test_same_file_twice_changes_nothing(camp, tmp_path):
    f = filled(camp, "VP", tmp_path / "a.xlsx", when=JAN)
    collect(camp, [f])
    before = (camp.dir / "ledger.sqlite").stat().st_size
    again = collect(camp, [f, tmp_path / "a.xlsx"])
    assert all(c.duplicate for c in again.files)
    with Ledger(camp.dir) as ledger:
        assert len(ledger.submissions()) == 1
    assert again.files[0].result.status == "accepted"
    assert (camp.dir / "ledger.sqlite").stat().st_size >= before


def test_later_file_supersedes_earlier(camp, tmp_path):
    first = filled(camp, "VP", tmp_path / "v1.xlsx", when=datetime(2024, 1, 10))
    second = filled(camp, "VP", tmp_path / "v2.xlsx", when=datetime(2024, 1, 25),
                    individuals=[PERSON, {**PERSON, "given_name": "Lan"}])
    collect(camp, [second])
    collect(camp, [first])  # an older file arriving later does not win
    with Ledger(camp.dir) as ledger:
        subs = ledger.submissions(unit="VP")
        assert len(subs) == 2
        current = ledger.current("registration")["VP"]
        assert current.name == "v2.xlsx"
        old = next(s for s in subs if s.name == "v1.xlsx")
        assert old.superseded_by == current.id
        assert (camp.dir / old.archive).exists()
    ws = load_workbook(consolidate(camp).path)[INDIVIDUALS]
    names = [c.value for row in ws.iter_rows() for c in row if c.value in ("Hoa", "Lan")]
    assert sorted(names) == ["Hoa", "Lan"]


def test_bad_files_never_stop_the_run(camp, tmp_path):
    inbox = tmp_path / "inbox"
    good = filled(camp, "VP", inbox / "good.xlsx", when=JAN)
    (inbox / "empty.xlsx").write_bytes(b"")
    (inbox / "cut.xlsx").write_bytes(good.read_bytes()[:2000])
    (inbox / "page.xls").write_bytes(b"<html><body><table><tr><td>1</td></tr></table></body></html>")
    result = collect(camp, [inbox])
    by_name = {Path(c.result.incoming.source).name: c.result for c in result.files}
    assert by_name["good.xlsx"].status == "accepted"
    assert [f.code for f in by_name["empty.xlsx"].findings] == ["file.empty"]
    assert by_name["cut.xlsx"].findings[0].code == "file.truncated"
    assert by_name["page.xls"].findings[0].code == "file.not_spreadsheet"
    assert all(r.status == "rejected" for n, r in by_name.items() if n != "good.xlsx")
    with Ledger(camp.dir) as ledger:
        assert len(ledger.submissions()) == 4


def test_problems_go_back_to_the_unit(camp, tmp_path):
    bad = {**PERSON, "given_name": None, "birth_date": "31/02/1980"}
    f = filled(camp, "TTR", tmp_path / "Thanh tra.xlsx", individuals=[bad], when=JAN)
    (c,) = collect(camp, [f]).files
    assert c.result.status == "rejected"
    codes = {(x.code, x.cell) for x in c.result.findings}
    given, born = cell_of(FORM.id, "individuals", "given_name"), cell_of(FORM.id, "individuals", "birth_date")
    assert ("cell.required", given) in codes
    assert ("cell.bad_date", born) in codes
    assert c.feedback and c.feedback.exists()
    wb = load_workbook(c.feedback)
    ws = wb["Cá nhân"]
    assert ws[given].comment is not None
    assert ws[born].value == "31/02/1980"
    listing = [cell.value for row in wb["Danh sách lỗi"].iter_rows() for cell in row]
    assert message("cell.required", label="Tên") in listing


def test_same_person_in_two_units_and_late_file(camp, tmp_path):
    a = filled(camp, "PTP-EK", tmp_path / "ek.xlsx", when=JAN)
    b = filled(camp, "PTP-EHL", tmp_path / "ehl.xlsx", when=datetime(2024, 2, 5, 8))
    result = collect(camp, [a, b])
    by_unit = {c.result.unit_code: c.result for c in result.files}
    for unit in ("PTP-EK", "PTP-EHL"):
        assert "row.duplicate_across_units" in [f.code for f in by_unit[unit].findings]
    late = [f for f in by_unit["PTP-EHL"].findings if f.code == "file.late"]
    assert late and late[0].message == message("file.late", received="05/02/2024", deadline="31/01/2024")
    assert by_unit["PTP-EHL"].status == "accepted_with_warnings"
    for c in result.files:  # each unit hears of it in its feedback workbook
        listing = [x.value for row in load_workbook(c.feedback)["Danh sách lỗi"].iter_rows() for x in row]
        assert any(isinstance(v, str) and "cũng được" in v for v in listing)


def test_eml_attachment_is_collected(camp, tmp_path):
    f = filled(camp, "PBGD", tmp_path / "Phổ biến giáo dục.xlsx")
    eml = tmp_path / "thu.eml"
    eml.write_bytes(draft_email(sender="pbgd@example.gov.vn", to="vp@example.gov.vn", subject="Đăng ký",
                                body="Kính gửi", attachments=[f], date=datetime(2024, 1, 15, 10)))
    (c,) = collect(camp, [eml]).files
    assert c.result.status == "accepted"
    assert c.result.incoming.received_at.date() == date(2024, 1, 15)
    assert "Phổ biến giáo dục.xlsx" in c.result.incoming.source


def test_formula_looking_text_stays_text_in_master(camp, tmp_path):
    evil = '=HYPERLINK("http://example.com/x","Bấm")'
    person = {**PERSON, "position": evil, "note": "=1+1"}
    f = filled(camp, "VP", tmp_path / "vp.xlsx", individuals=[person], when=JAN)
    collect(camp, [f])
    master = consolidate(camp).path
    ws = load_workbook(master)[INDIVIDUALS]
    cells = [c for row in ws.iter_rows() for c in row if c.value in (evil, "=1+1")]
    assert len(cells) == 2 and all(c.data_type == "s" for c in cells)
    # the only formulas are the tool's own counts on the overview
    wb = load_workbook(master)
    assert {ws.title for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"} == {OVERVIEW_SHEET}
    with zipfile.ZipFile(master) as z:
        assert not any(b"<f>HYPERLINK" in z.read(n) or b"<f>1+1" in z.read(n)
                       for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_collect_and_validate_json_cli(camp, tmp_path):
    good = filled(camp, "VP", tmp_path / "good.xlsx", when=JAN)
    bad = filled(camp, "HCTP", tmp_path / "bad.xlsx", when=JAN,
                 collectives=[{"collective_name": "Tổ 1", "title": "Chiến sĩ thi đua cơ sở"}])
    runner = CliRunner()
    v = runner.invoke(main, ["validate", str(good), str(bad), "--campaign", str(camp.dir), "--json"])
    assert v.exit_code == 1, v.output
    data = json.loads(v.output)
    assert [f["status"] for f in data["files"]] == ["accepted", "rejected"]
    finding = data["files"][1]["findings"][0]
    assert set(finding) == {"code", "severity", "sheet", "cell", "field", "value", "message"}
    assert (finding["code"], finding["sheet"], finding["cell"]) == (
        "row.title_wrong_subject", "Tập thể", cell_of(FORM.id, "collectives", "title"))
    assert not (camp.dir / "ledger.sqlite").exists()
    ok = runner.invoke(main, ["validate", str(good), "--campaign", str(camp.dir)])
    assert ok.exit_code == 0, ok.output
    c = runner.invoke(main, ["collect", str(camp.dir), str(good), "--json"])
    assert c.exit_code == 0, c.output
    assert json.loads(c.output)["files"][0]["unit"] == "VP"


def test_status_command(camp, tmp_path):
    collect(camp, [filled(camp, "VP", tmp_path / "vp.xlsx", when=JAN)])
    result = CliRunner().invoke(main, ["status", str(camp.dir), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    reg = next(f for f in data["forms"] if f["form"] == "registration")
    assert reg["counts"]["missing"] == len(camp.units) - 1
    text = CliRunner().invoke(main, ["status", str(camp.dir)]).output
    assert "Văn phòng Sở" in text


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_resave_is_identified_and_read(camp, tmp_path):
    src = filled(camp, "XDKT", tmp_path / "src" / "xdkt.xlsx",
                 individuals=[PERSON, {**PERSON, "given_name": "Đức", "sex": "Nam",
                                       "birth_date": date(1979, 12, 1)}])
    out = tmp_path / "lo"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{(tmp_path / 'profile').as_posix()}",
                    "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(src)],
                   check=True, capture_output=True, timeout=180)
    resaved = out / "xdkt.xlsx"
    assert resaved.exists() and resaved.read_bytes() != src.read_bytes()
    os.utime(resaved, (JAN.timestamp(), JAN.timestamp()))  # received before the deadline
    (c,) = collect(camp, [resaved]).files
    assert c.result.identified_by == "hidden"
    assert (c.result.unit_code, c.result.status) == ("XDKT", "accepted"), c.result.findings
    with Ledger(camp.dir) as ledger:
        rows = [v for _, _, v in ledger.rows(ledger.current("registration")["XDKT"].id, "individuals")]
    assert [(r["given_name"], r["birth_date"]) for r in rows] == [("Hoa", "1985-03-15"), ("Đức", "1979-12-01")]


def test_a_path_that_does_not_exist_is_reported_not_recorded(camp, tmp_path):
    good = filled(camp, "VP", tmp_path / "vp.xlsx", when=JAN)
    result = collect(camp, [tmp_path / "khong-co.xlsx", good])
    missing, ok = result.files
    assert [f.code for f in missing.result.findings] == ["file.unreadable"] and missing.feedback is None
    assert ok.result.status == "accepted"
    with Ledger(camp.dir) as ledger:
        assert [s.name for s in ledger.submissions()] == ["vp.xlsx"]


def test_a_zipped_workbook_in_an_email_is_answered(camp, tmp_path):
    import io as _io
    f = filled(camp, "VP", tmp_path / "vp.xlsx")
    buf = _io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.write(f, "vp.xlsx")
    (tmp_path / "hoso.zip").write_bytes(buf.getvalue())
    eml = tmp_path / "thu.eml"
    eml.write_bytes(draft_email(sender="vp@example.gov.vn", to="stp@example.gov.vn", subject="Hồ sơ", body="Gửi",
                                attachments=[tmp_path / "hoso.zip"], date=datetime(2024, 1, 15, 10)))
    (c,) = collect(camp, [eml]).files
    assert [x.code for x in c.result.findings] == ["file.not_spreadsheet"]


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_written_files_are_readable_by_colleagues(camp, tmp_path):
    collect(camp, [filled(camp, "VP", tmp_path / "vp.xlsx", when=JAN)])
    master = consolidate(camp).path
    from sheets_tools.core.files import _UMASK
    assert master.stat().st_mode & 0o777 == 0o666 & ~_UMASK  # not mkstemp's 0600


def test_errors_are_announced_in_vietnamese(tmp_path):
    result = CliRunner().invoke(main, ["status", str(tmp_path)])
    assert result.exit_code == 3
    assert result.output.startswith("Lỗi: ") and "Error" not in result.output


def test_a_forwarded_reply_keeps_the_units_sending_date(camp, tmp_path):
    from email import message_from_bytes, policy
    from email.message import EmailMessage
    f = filled(camp, "PBGD", tmp_path / "pbgd.xlsx")
    inner = message_from_bytes(draft_email(sender="pbgd@example.gov.vn", to="x@example.gov.vn", subject="Đăng ký",
                                           body="Gửi", attachments=[f], date=datetime(2024, 1, 23, 9)),
                               policy=policy.default)
    fwd = EmailMessage()
    fwd["Subject"], fwd["From"], fwd["To"] = "Fwd: Đăng ký", "x@example.gov.vn", "vp@example.gov.vn"
    fwd["Date"] = "Fri, 02 Feb 2024 10:00:00 +0700"
    fwd.set_content("Chuyển tiếp")
    fwd.add_attachment(inner)
    (tmp_path / "fwd.eml").write_bytes(fwd.as_bytes())
    (c,) = collect(camp, [tmp_path / "fwd.eml"]).files
    assert c.result.incoming.received_at == datetime(2024, 1, 23, 9)
    assert c.result.status == "accepted", c.result.findings


def test_a_mail_without_a_date_says_so(camp, tmp_path):
    f = filled(camp, "PBGD", tmp_path / "pbgd.xlsx")
    raw = draft_email(sender="a@example.gov.vn", to="b@example.gov.vn", subject="Đăng ký", body="Gửi",
                      attachments=[f], date=datetime(2024, 1, 23, 9))
    raw = b"\n".join(line for line in raw.split(b"\n") if not line.startswith(b"Date:"))
    (tmp_path / "nodate.eml").write_bytes(raw)
    os.utime(tmp_path / "nodate.eml", (JAN.timestamp(), JAN.timestamp()))
    (c,) = collect(camp, [tmp_path / "nodate.eml"]).files
    assert [x.code for x in c.result.findings] == ["file.date_unknown"]
    assert c.result.incoming.received_at == JAN


def test_validate_compares_with_what_other_units_already_sent(camp, tmp_path):
    collect(camp, [filled(camp, "TTR", tmp_path / "ttr.xlsx", when=JAN)])
    before = (camp.dir / "ledger.sqlite").read_bytes()
    result = CliRunner().invoke(main, ["validate", str(filled(camp, "VP", tmp_path / "vp.xlsx", when=JAN)),
                                       "--campaign", str(camp.dir), "--json"])
    assert result.exit_code == 0, result.output  # a warning, not an error
    [f] = json.loads(result.output)["files"][0]["findings"]
    assert f["code"] == "row.duplicate_across_units" and "Thanh tra Sở" in f["message"]
    assert (camp.dir / "ledger.sqlite").read_bytes() == before  # nothing recorded
