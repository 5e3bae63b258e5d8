"""``sheets-tools fetch`` against a real IMAP server (Dovecot, started by ``imap_server``): only new messages
taken, a second fetch takes nothing, nothing marked read, moved only when asked, a renumbered folder not
taken twice, and a wrong password, a closed port, a missing folder each one Vietnamese message, exit 3."""
from __future__ import annotations

import socket
import time

import pytest
from click.testing import CliRunner

from sheets_tools.cli import main
from sheets_tools.core.findings import message
from sheets_tools.store.ledger import Ledger

import imap_server
from imap_server import PASSWORD, imap_campaign, other_mail, unit_mail
from workbooks import with_setting

dovecot, mailbox = imap_server.dovecot, imap_server.mailbox  # the server's fixtures

QUICK_S = 10  # a refused login or a closed port answers within this


@pytest.fixture
def office(camp, mailbox, monkeypatch):
    """(campaign pointed at a fresh mailbox, the mailbox); the password from the environment."""
    monkeypatch.setenv("SHEETS_TOOLS_IMAP_PASSWORD", PASSWORD)
    return imap_campaign(camp, mailbox), mailbox


def fetch(camp, *args):
    return CliRunner().invoke(main, ["fetch", str(camp.dir), *args])


def submissions(camp) -> list[str]:
    with Ledger(camp.dir) as ledger:
        return sorted(s.unit for s in ledger.submissions())


def test_only_new_returns_are_taken_and_a_second_fetch_takes_nothing(office, tmp_path):
    camp, box = office
    box.append(unit_mail(camp, "VP", tmp_path))
    box.append(unit_mail(camp, "PBGD", tmp_path))
    box.append(other_mail())
    first = fetch(camp)
    assert first.exit_code == 0, first.output
    assert "Thư mới nhận: 2" in first.output and "để nguyên trong hộp thư: 1" in first.output
    assert submissions(camp) == ["PBGD", "VP"]
    saved = sorted((camp.dir / "inbox").glob("*.eml"))
    assert len(saved) == 2  # kept as the units sent them: collect takes them again unchanged
    again = fetch(camp)
    assert again.exit_code == 0, again.output
    assert "Thư mới nhận: 0" in again.output and "Tổng cộng" not in again.output
    assert sorted((camp.dir / "inbox").glob("*.eml")) == saved
    box.append(unit_mail(camp, "VP", tmp_path, people=2))  # the unit's corrected reply
    third = fetch(camp)
    assert "Thư mới nhận: 1" in third.output, third.output
    with Ledger(camp.dir) as ledger:
        assert [s.unit for s in ledger.submissions() if s.superseded_by is None].count("VP") == 1
        assert len(ledger.submissions()) == 3


def test_nothing_is_marked_read_nor_moved(office, tmp_path):
    camp, box = office
    box.append(unit_mail(camp, "VP", tmp_path))
    box.append(unit_mail(camp, "TTR", tmp_path), flags=r"(\Seen)")
    before = box.flags()
    result = fetch(camp)
    assert result.exit_code == 0, result.output
    assert submissions(camp) == ["TTR", "VP"]
    after = box.flags()
    assert after.keys() == before.keys()  # still in the folder
    assert [r"\Seen" in after[uid] for uid in sorted(after)] == [False, True]


def test_move_to_moves_the_returns_only(office, tmp_path):
    camp, box = office
    box.create("Đã nhận")
    box.append(unit_mail(camp, "VP", tmp_path))
    box.append(other_mail())
    result = fetch(camp, "--move-to", "Đã nhận")
    assert result.exit_code == 0, result.output
    assert "Đã chuyển 1 thư hồ sơ" in result.output
    assert len(box.flags("INBOX")) == 1  # the newsletter stays
    assert len(box.flags("Đã nhận")) == 1
    assert submissions(camp) == ["VP"]


def test_a_move_to_folder_that_does_not_exist_stops_before_anything_is_taken(office, tmp_path):
    camp, box = office
    box.append(unit_mail(camp, "VP", tmp_path))
    result = fetch(camp, "--move-to", "Không có")
    assert result.exit_code == 3, result.output
    assert "không có thư mục \"Không có\"" in result.output and "Traceback" not in result.output
    assert "tùy chọn --move-to" in result.output and "\"INBOX\"" in result.output  # the folders there are named
    assert not (camp.dir / "inbox").exists()
    assert len(box.flags()) == 1


def test_a_folder_that_does_not_exist_is_named(camp, mailbox, monkeypatch):
    monkeypatch.setenv("SHEETS_TOOLS_IMAP_PASSWORD", PASSWORD)
    camp = imap_campaign(camp, mailbox, folder="Hồ sơ đơn vị")
    result = fetch(camp)
    assert result.exit_code == 3, result.output
    expected = message("fetch.no_folder", user=mailbox.user, host="127.0.0.1", folder="Hồ sơ đơn vị",
                       where="imap.folder trên trang \"Cài đặt\"", folders="\"INBOX\"")
    assert result.output.strip() == f"Lỗi: {expected}"


def test_a_folder_renumbered_by_the_server_is_not_taken_twice(office, tmp_path):
    camp, box = office
    box.append(unit_mail(camp, "VP", tmp_path))
    assert fetch(camp).exit_code == 0
    box.renumber(4242)  # a new UIDVALIDITY: every UID the ledger kept means nothing now
    box.append(unit_mail(camp, "PBGD", tmp_path))
    result = fetch(camp)
    assert result.exit_code == 0, result.output
    assert "Thư mới nhận: 1" in result.output and "đã nhận từ lần trước: 1" in result.output
    assert submissions(camp) == ["PBGD", "VP"]
    assert "Thư mới nhận: 0" in fetch(camp).output


def test_a_wrong_password_fails_quickly_with_one_message(office, tmp_path, monkeypatch):
    camp, box = office
    box.append(unit_mail(camp, "VP", tmp_path))
    monkeypatch.setenv("SHEETS_TOOLS_IMAP_PASSWORD", "sai mật khẩu")
    started = time.monotonic()
    result = fetch(camp)
    assert time.monotonic() - started < QUICK_S
    assert result.exit_code == 3, result.output
    before, after = message("fetch.login", host="127.0.0.1", user=box.user, detail="\0").split("\0")
    assert result.output.startswith(f"Lỗi: {before}") and after in result.output
    assert "Traceback" not in result.output and not (camp.dir / "inbox").exists()


def test_no_password_says_how_to_save_one(camp, mailbox, monkeypatch):
    monkeypatch.delenv("SHEETS_TOOLS_IMAP_PASSWORD", raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    camp = imap_campaign(camp, mailbox)
    result = fetch(camp)
    assert result.exit_code == 3, result.output
    assert result.output.strip() == "Lỗi: " + message("fetch.no_password", user=mailbox.user, host="127.0.0.1")


def test_a_closed_port_fails_quickly_with_one_message(camp, monkeypatch):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("SHEETS_TOOLS_IMAP_PASSWORD", "x")
    for key, value in (("imap.host", "127.0.0.1"), ("imap.port", port), ("imap.security", "none"),
                       ("imap.user", "vanphong")):
        camp = with_setting(camp, key, value)
    started = time.monotonic()
    result = fetch(camp)
    assert time.monotonic() - started < QUICK_S
    assert result.exit_code == 3, result.output
    assert result.output.strip() == "Lỗi: " + message("fetch.unreachable", host="127.0.0.1", port=port,
                                                      detail="máy chủ từ chối kết nối")


def test_no_server_in_the_settings_says_where_to_write_it(camp):
    result = fetch(camp)
    assert result.exit_code == 3
    assert result.output.strip() == "Lỗi: " + message("fetch.no_host")


def test_over_tls_the_certificate_is_checked(office, dovecot, tmp_path, monkeypatch):
    if dovecot.ssl_port is None:
        pytest.skip("no certificate could be made (openssl missing): the server runs without TLS")
    camp, box = office
    box.append(unit_mail(camp, "VP", tmp_path))
    for security, port in (("ssl", dovecot.ssl_port), ("starttls", dovecot.port)):
        camp = imap_campaign(camp, box, security=security, port=port)
        monkeypatch.delenv("SSL_CERT_FILE", raising=False)
        refused = fetch(camp)  # self-signed: not trusted by this computer
        assert refused.exit_code == 3, refused.output
        before = message("fetch.certificate", host="127.0.0.1", detail="\0").split("\0")[0]
        assert refused.output.startswith(f"Lỗi: {before}"), refused.output
        monkeypatch.setenv("SSL_CERT_FILE", str(dovecot.cert))  # the office installed the certificate
        taken = fetch(camp)
        assert taken.exit_code == 0, taken.output
    assert submissions(camp) == ["VP"]

