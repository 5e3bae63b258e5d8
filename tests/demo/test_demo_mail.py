"""``sheets-tools demo`` runs its mail steps against local servers (aiosmtpd in the process, Dovecot where it
can start): the forms, the feedback and the reminders sent over SMTP with a copy kept per unit, the replies
fetched from an IMAP mailbox, the servers stopped at the end and campaign.xlsx left without their settings;
where Dovecot cannot run, the demo says which step it skips and why, and the year comes out the same."""
from __future__ import annotations

import os
import re
import shutil
import socket
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.campaign.mail_settings import mail_settings
from sheets_tools.cli import main
from sheets_tools.store.ledger import Ledger

REPLIES = 22  # the registration replies the demo simulates (24 units, 3 missing, one sending twice)


def rows(directory: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(f"file:{(directory / 'ledger.sqlite').as_posix()}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def dovecot_can_run() -> bool:
    return os.name == "posix" and bool(shutil.which("dovecot") or Path("/usr/sbin/dovecot").exists())


def year(directory: Path) -> list[tuple]:
    """What the demo's year left in the ledger: every file taken, with its outcome and its findings (not its
    bytes: a workbook saved again carries the moment it was saved)."""
    with Ledger(directory) as ledger:
        return sorted((s.name, s.form, s.unit, s.identified_by, s.received_at.isoformat(), s.status, s.late,
                       s.superseded_by is None, tuple(sorted(f.code for f in ledger.findings(s.id))))
                      for s in ledger.submissions())


def closed(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(3)
        return s.connect_ex(("127.0.0.1", port)) != 0


def test_demo_sends_the_forms_feedback_and_reminders_over_smtp(demo_run):
    directory, output = demo_run
    camp = campaign_mod.load(directory)
    sent = rows(directory, "SELECT kind, unit, state, copy FROM sent_mail")
    kinds = {kind for kind, *_ in sent}
    assert kinds == {"issue", "feedback", "remind"}
    assert {state for _, _, state, _ in sent} == {"accepted"}
    issued = [unit for kind, unit, *_ in sent if kind == "issue"]
    assert sorted(set(issued)) == sorted(u.code for u in camp.units)  # every unit got its forms
    for kind, label in (("issue", "gửi biểu mẫu"), ("feedback", "phản hồi"), ("remind", "nhắc nộp")):
        count = sum(k == kind for k, *_ in sent)
        assert f"Đã gửi {count} thư ({label}) qua máy chủ gửi thư thử nghiệm 127.0.0.1:" in output
    assert f"bản sao từng thư trong {directory / 'outbox'}/<mã đơn vị>/Đã gửi" in output
    for _, unit, _, copy in sent:  # the copies are where the output says
        assert copy.startswith(f"outbox/{unit}/Đã gửi/") and (directory / copy).is_file()
    # the campaign itself is left without the demo servers' settings, the password variable without a value
    assert mail_settings(camp.settings).smtp_host == "" and mail_settings(camp.settings).imap_host == ""
    from sheets_tools.demo.mail_servers import PASSWORD  # new with the demo's mail steps
    assert os.environ.get("SHEETS_TOOLS_IMAP_PASSWORD") != PASSWORD


def test_demo_fetches_the_replies_from_the_mailbox_and_stops_its_servers(demo_run):
    directory, output = demo_run
    if not dovecot_can_run():
        assert "Bỏ qua bước nhận hồ sơ từ hộp thư (IMAP): " in output
        pytest.skip("Dovecot cannot run here: the demo took the replies from its folder (said so above)")
    mailbox = re.search(r"imap://vanphong@127\.0\.0\.1:(\d+)/INBOX", output)
    assert mailbox, output[:2000]
    assert f"Đã nhận {REPLIES} thư mới từ hộp thư {mailbox.group()} (lệnh fetch)" in output
    saved = rows(directory, "SELECT saved_as FROM fetched_messages WHERE saved_as IS NOT NULL")
    assert len(saved) == REPLIES and all((directory / name).is_file() for (name,) in saved)
    with Ledger(directory) as ledger:
        registration = [s for s in ledger.submissions() if s.form == "registration"]
    assert sorted(s.source.split(" » ")[0] for s in registration) == sorted(str(directory / n) for (n,) in saved)
    smtp = re.search(r"smtp://127\.0\.0\.1:(\d+)", output)
    assert smtp and closed(int(smtp.group(1))) and closed(int(mailbox.group(1)))  # nothing left running


def test_without_dovecot_the_demo_says_so_and_the_year_comes_out_the_same(demo_run, tmp_path):
    directory, _ = demo_run
    folder = tmp_path / "demo"
    result = CliRunner().invoke(main, ["demo", str(folder)], env={"SHEETS_TOOLS_DOVECOT": str(tmp_path / "none")})
    assert result.exit_code == 0, result.output
    assert ("Bỏ qua bước nhận hồ sơ từ hộp thư (IMAP): không tìm thấy máy chủ hộp thư Dovecot "
            f"({tmp_path / 'none'})") in result.output
    assert f"Mô phỏng {REPLIES} thư trả lời của các đơn vị gửi tới {folder / 'inbox'}" in result.output
    assert "Đã gửi" in result.output and "Đã nhận" not in result.output
    assert len(list((folder / "inbox").glob("*-[A-Z]*-[12].eml"))) == REPLIES  # taken from the folder
    assert year(folder) == year(directory)
