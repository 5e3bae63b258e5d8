"""``sheets-tools send`` against a real SMTP server on the loopback (aiosmtpd, started and stopped here):
dry run, one connection, sent once, several addresses, refused recipients, a dropped connection, a killed
run, throttling, STARTTLS with a generated certificate, login, and the bad settings that stop a run."""
from __future__ import annotations

import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import keyring
import pytest
from click.testing import CliRunner
from keyring.backends.fail import Keyring as NoKeyring

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.campaign import writer as campaign_writer
from sheets_tools.cli import main
from sheets_tools.core.findings import message

from smtp_server import HOST, certificate, free_port, smtp_server, with_unit_email
from workbooks import with_setting

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


@pytest.fixture(scope="module")
def issued(tmp_path_factory) -> Path:
    """A campaign with the scoring form issued to every unit and mail set to go to 127.0.0.1 without pause,
    made once for this module: tests take a copy (``mail_camp``)."""
    folder = tmp_path_factory.mktemp("issued") / "dot"
    campaign_writer.create(folder, sample="daklak-2024")
    camp = campaign_mod.load(folder)
    for key, value in {"smtp.host": HOST, "smtp.security": "none", "mail.delay_s": 0}.items():
        camp = with_setting(camp, key, value)
    result = run("issue", folder, "--form", "scoring")
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def mail_camp(issued, tmp_path):
    """A private copy of the issued campaign."""
    return campaign_mod.load(shutil.copytree(issued, tmp_path / "dot"))


def configure(camp, port: int, **settings):
    """The campaign sending through 127.0.0.1:port (and the other ``settings``)."""
    for key, value in {"smtp.port": port, **settings}.items():
        camp = with_setting(camp, key, value)
    return camp


def sent_rows(camp) -> list[tuple]:
    con = sqlite3.connect(camp.dir / "ledger.sqlite")
    try:
        return con.execute("SELECT unit, state, message_id FROM sent_mail ORDER BY id").fetchall()
    finally:
        con.close()


def addresses(camp) -> dict[str, str]:
    return {u.code: u.email for u in camp.units}


def test_dry_run_lists_and_sends_nothing(mail_camp):
    camp = mail_camp
    with smtp_server() as server:
        camp = configure(camp, server.port)
        result = run("send", camp.dir)
        assert result.exit_code == 0, result.output
        assert server.messages == [] and server.data_count == 0
    assert f"Xem trước: {len(camp.units)} thư sẽ được gửi" in result.output
    first = camp.units[0]
    assert f"{first.name} ({first.code}) <{first.email}>" in result.output
    assert not (camp.dir / "outbox" / first.code / "Đã gửi").exists()


def test_send_once_each_unit_then_nothing_again(mail_camp):
    camp = mail_camp
    with smtp_server() as server:
        camp = configure(camp, server.port)
        result = run("send", camp.dir, "--send")
        assert result.exit_code == 0, result.output
        assert f"Đã gửi {len(camp.units)} thư." in result.output
        assert sorted(r for m in server.messages for r in m.rcpt_tos) == sorted(addresses(camp).values())
        again = run("send", camp.dir, "--send")
        assert again.exit_code == 0, again.output
        assert len(server.messages) == len(camp.units)  # nothing twice
        assert f"{len(camp.units)} thư đã gửi trước đó" in again.output
    states = sent_rows(camp)
    assert [s for _, s, _ in states] == ["accepted"] * len(camp.units)
    by_id = {m.message["Message-ID"]: m for m in server.messages}
    assert set(by_id) == {mid for _, _, mid in states}  # the ledger holds the Message-ID that went out
    received = server.to(camp.units[0].email)[0]
    msg = received.message
    assert msg["X-Unsent"] is None and msg["From"] == camp.info.office_email
    [copy] = (camp.dir / "outbox" / camp.units[0].code / "Đã gửi").glob("*.eml")
    assert copy.read_bytes().replace(b"\r\n", b"\n") == received.data.replace(b"\r\n", b"\n")


def test_resend_forces_one_unit(mail_camp):
    camp = mail_camp
    with smtp_server() as server:
        camp = configure(camp, server.port)
        assert run("send", camp.dir, "--send").exit_code == 0
        unit = camp.units[3]
        result = run("send", camp.dir, "--send", "--resend", unit.code)
        assert result.exit_code == 0, result.output
        assert "Đã gửi 1 thư." in result.output
        assert len(server.to(unit.email)) == 2 and len(server.messages) == len(camp.units) + 1
        unknown = run("send", camp.dir, "--send", "--resend", "KHONG-CO")
        assert unknown.exit_code == 2 and "KHONG-CO" in unknown.output


def test_several_addresses_get_one_mail(mail_camp):
    camp = mail_camp
    unit = camp.units[1]
    camp = with_unit_email(camp, unit.code, "a@donvi.gov.vn; b@donvi.gov.vn")
    with smtp_server() as server:
        camp = configure(camp, server.port)
        result = run("send", camp.dir, "--send")
        assert result.exit_code == 0, result.output
    [mail] = [m for m in server.messages if "a@donvi.gov.vn" in m.rcpt_tos]
    assert mail.rcpt_tos == ["a@donvi.gov.vn", "b@donvi.gov.vn"]  # one mail to both
    assert mail.message["To"] == "a@donvi.gov.vn, b@donvi.gov.vn"
    assert not server.to("b@donvi.gov.vn")[1:]


def test_refused_recipient_is_that_messages_finding(mail_camp):
    camp = mail_camp
    with smtp_server() as server:
        camp = configure(camp, server.port)
        bad = camp.units[2]
        server.refuse = {bad.email}
        result = run("send", camp.dir, "--send")
        assert result.exit_code == 1, result.output
        assert len(server.messages) == len(camp.units) - 1  # the run went on after the refusal
        assert bad.email in result.output and "Recipient address rejected" in result.output
        assert "Kiểm tra địa chỉ e-mail của đơn vị" in result.output
        assert dict((u, s) for u, s, _ in sent_rows(camp))[bad.code] == "failed"
        server.refuse = set()  # the address was corrected on the server's side
        again = run("send", camp.dir, "--send")
        assert again.exit_code == 0 and "Đã gửi 1 thư." in again.output
        assert len(server.to(bad.email)) == 1


def test_full_mailbox_is_that_messages_finding_and_says_so(mail_camp):
    camp = mail_camp
    with smtp_server() as server:
        camp = configure(camp, server.port)
        full = camp.units[3]
        server.full = {full.email}
        result = run("send", camp.dir, "--send")
        assert result.exit_code == 1, result.output
        assert len(server.messages) == len(camp.units) - 1  # the others went
        assert f"Hộp thư {full.email}" in result.output and "đã đầy" in result.output, result.output
        assert "Mailbox full" in result.output and "Traceback" not in result.output
        assert dict((u, s) for u, s, _ in sent_rows(camp))[full.code] == "failed"  # never marked sent
        server.full = set()
        again = run("send", camp.dir, "--send")
        assert again.exit_code == 0 and "Đã gửi 1 thư." in again.output


def test_dropped_connection_reconnects_and_rerun_sends_only_the_rest(mail_camp):
    camp = mail_camp
    with smtp_server() as server:
        camp = configure(camp, server.port)
        server.drop_at = {3}
        result = run("send", camp.dir, "--send")
        assert result.exit_code == 1, result.output
        assert "Kết nối tới máy chủ gửi thư bị ngắt" in result.output
        assert len(server.messages) == len(camp.units) - 1  # reconnected after the drop and went on
        states = [s for _, s, _ in sent_rows(camp)]
        assert states.count("failed") == 1 and states.count("accepted") == len(camp.units) - 1
        again = run("send", camp.dir, "--send")
        assert again.exit_code == 0, again.output
        assert "Đã gửi 1 thư." in again.output
    got = sorted(r for m in server.messages for r in m.rcpt_tos)
    assert got == sorted(addresses(camp).values())  # each unit exactly once


def test_killed_run_never_sends_twice(mail_camp):
    camp = mail_camp
    """The process is killed while the server holds a message: that one is not sent again (its fate is
    unknown), the others are sent by the next run."""
    with smtp_server() as server:
        camp = configure(camp, server.port)
        server.hang_at = {2}
        proc = subprocess.Popen([sys.executable, "-m", "sheets_tools.cli", "send", str(camp.dir), "--send"],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            assert server.hanging.wait(60), "the second message never reached the server"
        finally:
            proc.kill()
            proc.wait(30)
        assert len(server.messages) == 1
        result = run("send", camp.dir, "--send")
        assert result.exit_code == 0, result.output
        assert "không rõ máy chủ đã nhận hay chưa" in result.output
    assert len(server.messages) == len(camp.units) - 1
    left = [u for u, s, _ in sent_rows(camp) if s == "queued"]
    assert len(left) == 1 and not server.to(camp.unit(left[0]).email)


def test_throttle_and_max_per_run(mail_camp):
    camp = mail_camp
    with smtp_server() as server:
        camp = configure(camp, server.port, **{"mail.delay_s": "0,4", "mail.max_per_run": 3})
        start = time.monotonic()
        result = run("send", camp.dir, "--send")
        took = time.monotonic() - start
        assert result.exit_code == 0, result.output
        assert len(server.messages) == 3 and took >= 0.8  # two pauses between three messages
        assert f"{len(camp.units) - 3} thư còn lại sẽ được gửi ở lần chạy sau" in result.output
        run("send", camp.dir, "--send")
        assert len(server.messages) == 6


@pytest.fixture
def cert(tmp_path):
    try:
        return certificate(tmp_path)
    except ImportError:  # pragma: no cover - cryptography is in the test extras
        pytest.skip("cryptography is not installed: no certificate for the STARTTLS tests")


def test_starttls_with_login(mail_camp, cert, monkeypatch):
    camp = mail_camp
    monkeypatch.setenv("SSL_CERT_FILE", str(cert[0]))  # this machine trusts the test certificate
    with smtp_server(login=("vanphong", "mật-khẩu"), tls=cert) as server:
        camp = configure(camp, server.port, **{"smtp.security": "starttls", "smtp.user": "vanphong"})
        result = run("send", camp.dir, "--send", env={"SHEETS_TOOLS_SMTP_PASSWORD": "mật-khẩu"})
        assert result.exit_code == 0, result.output
        assert len(server.messages) == len(camp.units) and server.logins == 1  # one connection


def test_untrusted_certificate_is_one_clear_message(mail_camp, cert, monkeypatch):
    camp = mail_camp
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)  # the test certificate is trusted by nobody
    with smtp_server(tls=cert) as server:
        camp = configure(camp, server.port, **{"smtp.security": "starttls"})
        result = run("send", camp.dir, "--send")
        assert server.messages == []
    assert result.exit_code == 3
    assert result.output.startswith("Lỗi: Chứng chỉ bảo mật của máy chủ gửi thư 127.0.0.1")
    assert "Traceback" not in result.output and sent_rows(camp) == []


def test_wrong_password_fails_within_seconds(mail_camp):
    camp = mail_camp
    with smtp_server(login=("vanphong", "đúng")) as server:
        camp = configure(camp, server.port, **{"smtp.user": "vanphong"})
        start = time.monotonic()
        result = run("send", camp.dir, "--send", env={"SHEETS_TOOLS_SMTP_PASSWORD": "sai"})
        assert time.monotonic() - start < 10
        assert server.messages == []
    assert result.exit_code == 3
    assert "từ chối đăng nhập của tài khoản vanphong" in result.output and "535" in result.output
    assert "sheets-tools mail password" in result.output and "Traceback" not in result.output
    assert sent_rows(camp) == []  # nothing marked sent


def test_unreachable_host_is_one_clear_message(mail_camp):
    camp = mail_camp
    camp = configure(camp, free_port())  # nobody listens there
    result = run("send", camp.dir, "--send")
    assert result.exit_code == 3
    assert result.output.startswith(f"Lỗi: Không kết nối được máy chủ gửi thư {HOST} cổng")
    assert "smtp.host, smtp.port" in result.output and "Traceback" not in result.output


def test_no_server_or_password_makes_the_campaign_unusable_for_sending(camp, monkeypatch):
    monkeypatch.setattr(keyring.core, "_keyring_backend", NoKeyring())  # never the real credential store
    monkeypatch.delenv("SHEETS_TOOLS_SMTP_PASSWORD", raising=False)
    run("issue", camp.dir, "--form", "scoring")
    result = run("send", camp.dir, "--send")
    assert result.exit_code == 3
    assert message("mail.no_server") in result.output
    camp = with_setting(with_setting(camp, "smtp.host", HOST), "smtp.user", "vanphong")
    result = run("send", camp.dir, "--send", "--kind", "issue")
    assert result.exit_code == 3, result.output
    assert "Chưa có mật khẩu của tài khoản vanphong" in result.output


def test_send_help_has_an_example():
    result = run("send", "--help")
    assert result.exit_code == 0 and "Ví dụ: sheets-tools send" in result.output


@contextmanager
def closing_at_login():
    """A real server on loopback that greets, offers AUTH and hangs up when asked to log in."""
    listener = socket.socket()
    listener.bind((HOST, 0))
    listener.listen(1)

    def serve():
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn, conn.makefile("rwb") as stream:
            stream.write(b"220 test ESMTP\r\n")
            stream.flush()
            for line in stream:
                if line.upper().startswith((b"EHLO", b"HELO")):
                    stream.write(b"250-test\r\n250 AUTH PLAIN LOGIN\r\n")
                    stream.flush()
                elif line.upper().startswith(b"AUTH"):
                    return  # hangs up
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        thread.join(5)


def test_a_server_that_hangs_up_at_login_is_said_so_in_vietnamese(mail_camp):
    with closing_at_login() as port:
        camp = configure(mail_camp, port, **{"smtp.user": "vanphong"})
        result = run("send", camp.dir, "--send", env={"SHEETS_TOOLS_SMTP_PASSWORD": "mật khẩu"})
    assert result.exit_code == 3, result.output
    assert "đã kết nối, nhưng khi đăng nhập: máy chủ đóng kết nối giữa chừng" in result.output
    assert "Connection" not in result.output and "Traceback" not in result.output
    assert sent_rows(camp) == []
