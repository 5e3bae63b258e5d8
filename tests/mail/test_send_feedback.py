"""Feedback and receipts by mail (``sheets-tools send --kind feedback|receipt``) to a real SMTP server on the
loopback: a collected file with findings gets a mail naming the form, listing its problems and carrying its
feedback workbook; an accepted file gets a receipt when the setting ``mail.receipt`` says so."""
from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_tools.cli import main
from sheets_tools.collection import issue
from sheets_tools.formkit.declaration import get_form
from sheets_tools.store.ledger import Ledger

from smtp_server import HOST, smtp_server
from workbooks import make_return, register_common_targets, with_setting

FORM = get_form("registration")
PERSON = {"family_name": "Nguyễn Thị", "given_name": "Hoa", "birth_date": date(1985, 3, 15), "sex": "Nữ",
          "position": "Chuyên viên", "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Lao động tiên tiến"}
IN_TIME = datetime(2024, 1, 20, 9, 0).timestamp()


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def unit_return(camp, folder: Path, unit: str, person: dict, name: str) -> Path:
    rows = {"individuals": [person], "movements": [{"movement": camp.movements[0].name}],
            "collectives": [{"collective_name": camp.unit(unit).name, "title": "Tập thể lao động tiên tiến"}]}
    path = make_return(folder / name, camp, unit, rows, tweak=lambda wb: register_common_targets(wb, camp, unit))
    os.utime(path, (IN_TIME, IN_TIME))  # sent before the deadline
    return path


@pytest.fixture
def collected(camp, tmp_path):
    """VP's return accepted, TTR's rejected (a name missing, a date that does not exist); mail set to go to a
    local server."""
    good = unit_return(camp, tmp_path, "VP", PERSON, "Văn phòng.xlsx")
    bad = unit_return(camp, tmp_path, "TTR", {**PERSON, "given_name": None, "birth_date": "31/02/1980"},
                      "Thanh tra Sở.xlsx")
    result = run("collect", camp.dir, good, bad)
    assert "Hợp lệ: 1, Bị trả lại: 1" in result.output, result.output
    return camp


def configure(camp, port: int, **settings):
    for key, value in {"smtp.host": HOST, "smtp.port": port, "smtp.security": "none", "mail.delay_s": 0,
                       **settings}.items():
        camp = with_setting(camp, key, value)
    return camp


def body_of(msg) -> str:
    return " ".join(msg.get_body(("plain",)).get_content().split())


def test_feedback_mail_names_the_form_lists_the_problems_and_attaches_the_workbook(collected):
    camp = collected
    with smtp_server() as server:
        camp = configure(camp, server.port)
        dry = run("send", camp.dir, "--kind", "feedback")
        assert dry.exit_code == 0 and "Xem trước: 1 thư sẽ được gửi" in dry.output, dry.output
        assert "(đính kèm: Phản hồi - Thanh tra Sở.xlsx)" in dry.output
        result = run("send", camp.dir, "--kind", "feedback", "--send")
        assert result.exit_code == 0, result.output
        [mail] = server.messages
        assert run("send", camp.dir, "--kind", "feedback", "--send").exit_code == 0
        assert len(server.messages) == 1  # sent once
    ttr = camp.unit("TTR")
    assert mail.rcpt_tos == [ttr.email]
    msg = mail.message
    assert msg["Subject"] == "Phản hồi: " + issue.subject(camp, FORM)
    with Ledger(camp.dir) as ledger:
        [sub] = ledger.submissions(unit="TTR")
        problems = ledger.findings(sub.id)
    assert {p.code for p in problems} >= {"cell.required", "cell.bad_date"}
    body = body_of(msg)
    assert "chưa được ghi nhận" in body and "Thanh tra Sở.xlsx" in body
    for p in problems:  # every problem, in Vietnamese, with its sheet and cell
        assert " ".join(p.message.split()) in body
        assert f"ô {p.cell}" in body
    [part] = list(msg.iter_attachments())
    workbook = camp.dir / "feedback" / "TTR" / "Phản hồi - Thanh tra Sở.xlsx"
    assert part.get_filename() == workbook.name and part.get_content() == workbook.read_bytes()
    assert list((camp.dir / "outbox" / "TTR" / "Đã gửi").glob("*.eml"))


def test_receipt_is_a_setting(collected):
    camp = collected
    with smtp_server() as server:
        camp = configure(camp, server.port)
        off = run("send", camp.dir, "--kind", "receipt", "--send")
        assert off.exit_code == 0 and server.messages == []
        assert "mail.receipt" in off.output
        camp = with_setting(camp, "mail.receipt", "có")
        on = run("send", camp.dir, "--kind", "receipt", "--send")
        assert on.exit_code == 0, on.output
        [mail] = server.messages
    vp = camp.unit("VP")
    assert mail.rcpt_tos == [vp.email]
    msg = mail.message
    assert msg["Subject"] == "Đã nhận: " + issue.subject(camp, FORM)
    body = body_of(msg)
    assert f"{camp.info.office} đã nhận biểu mẫu \"{FORM.name} năm {camp.info.year}\"" in body
    assert "hợp lệ" in body and "Văn phòng.xlsx" in body


def test_a_corrected_file_is_answered_not_the_old_one(collected, tmp_path):
    camp = collected
    fixed = unit_return(camp, tmp_path, "TTR", PERSON, "Thanh tra Sở (sửa).xlsx")
    os.utime(fixed, (IN_TIME + 3600, IN_TIME + 3600))
    assert run("collect", camp.dir, fixed).exit_code == 0
    with smtp_server() as server:
        camp = configure(camp, server.port, **{"mail.receipt": "có"})
        result = run("send", camp.dir, "--kind", "feedback", "--kind", "receipt", "--send")
        assert result.exit_code == 0, result.output
    got = sorted((m.rcpt_tos[0], m.message["Subject"].split(":")[0]) for m in server.messages)
    assert got == sorted([(camp.unit("VP").email, "Đã nhận"), (camp.unit("TTR").email, "Đã nhận")])
