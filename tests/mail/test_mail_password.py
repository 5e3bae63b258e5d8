"""``sheets-tools mail password DIR [--imap]``: the password goes to the system's credential store (here a
store kept in memory by the test, never the real one), never into campaign.xlsx, and ``send`` logs in
with it."""
from __future__ import annotations

import os
import subprocess
import sys

import keyring
import keyring.core
import pytest
from click.testing import CliRunner
from keyring.backend import KeyringBackend
from keyring.backends.fail import Keyring as NoKeyring
from openpyxl import load_workbook

from sheets_tools.cli import main

from smtp_server import HOST, smtp_server
from workbooks import with_setting

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
SECRET = "Mật-khẩu 2024!"


class MemoryKeyring(KeyringBackend):
    """A credential store that lives only as long as the test."""

    priority = 1

    def __init__(self):
        super().__init__()
        self.kept: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.kept.get((service, username))

    def set_password(self, service, username, password):
        self.kept[(service, username)] = password

    def delete_password(self, service, username):
        self.kept.pop((service, username), None)


@pytest.fixture
def store(monkeypatch):
    backend = MemoryKeyring()
    monkeypatch.setattr(keyring.core, "_keyring_backend", backend)
    for name in ("SHEETS_TOOLS_SMTP_PASSWORD", "SHEETS_TOOLS_IMAP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    return backend


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


def cells(path) -> set[str]:
    return {str(c.value) for ws in load_workbook(path).worksheets for row in ws.iter_rows() for c in row
            if c.value is not None}


def test_password_is_kept_in_the_credential_store_and_send_logs_in_with_it(camp, store):
    with smtp_server(login=("vanphong", SECRET)) as server:
        for key, value in {"smtp.host": HOST, "smtp.port": server.port, "smtp.security": "none",
                           "smtp.user": "vanphong", "mail.delay_s": 0}.items():
            camp = with_setting(camp, key, value)
        result = run("mail", "password", camp.dir, input=f"{SECRET}\n{SECRET}\n")
        assert result.exit_code == 0, result.output
        assert "Đã lưu mật khẩu của vanphong trên 127.0.0.1" in result.output and SECRET not in result.output
        assert store.kept == {("sheets-tools", f"smtp:vanphong@{HOST}"): SECRET}
        assert not any(SECRET in value for value in cells(camp.dir / "campaign.xlsx"))
        assert run("issue", camp.dir, "--form", "scoring").exit_code == 0
        sent = run("send", camp.dir, "--send")
        assert sent.exit_code == 0, sent.output
        assert server.logins == 1 and len(server.messages) == len(camp.units)


def test_imap_password(camp, store):
    camp = with_setting(with_setting(camp, "imap.host", "mail.stp.gov.vn"), "imap.user", "hopthu")
    result = run("mail", "password", camp.dir, "--imap", input="bí mật\nbí mật\n")
    assert result.exit_code == 0, result.output
    assert store.kept == {("sheets-tools", "imap:hopthu@mail.stp.gov.vn"): "bí mật"}


def test_no_login_in_the_settings(camp, store):
    result = run("mail", "password", camp.dir, input="x\nx\n")
    assert result.exit_code == 3
    assert "Chưa khai báo smtp.host và smtp.user" in result.output
    assert store.kept == {}


def test_a_store_that_refuses_says_what_else_to_do(camp, monkeypatch):
    monkeypatch.setattr(keyring.core, "_keyring_backend", NoKeyring())
    camp = with_setting(with_setting(camp, "smtp.host", HOST), "smtp.user", "vanphong")
    result = run("mail", "password", camp.dir, input="x\nx\n")
    assert result.exit_code == 3
    assert "Không lưu được mật khẩu vào kho mật khẩu của hệ thống" in result.output
    assert "SHEETS_TOOLS_SMTP_PASSWORD" in result.output and "Traceback" not in result.output


def test_mail_password_help_has_an_example():
    result = run("mail", "password", "--help")
    assert result.exit_code == 0 and "Ví dụ: sheets-tools mail password" in result.output


def test_a_password_from_a_pipe_prints_no_english_warning(camp):
    """``echo ... | sheets-tools mail password``: no terminal to hide the typing, so no getpass warning (in
    English); the first line is the password. (The system's credential store may be missing here: only the
    words are looked at.)"""
    camp = with_setting(with_setting(camp, "smtp.host", HOST), "smtp.user", "vanphong")
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    done = subprocess.run([sys.executable, "-m", "sheets_tools.cli", "mail", "password", str(camp.dir)],
                          input="bí mật\nbí mật\n".encode(), capture_output=True, env=env, timeout=120)
    err = done.stderr.decode("utf-8", "replace")
    assert "Warning" not in err and "GetPass" not in err and "Traceback" not in err, err
    assert done.returncode == 3 and "Không lưu được mật khẩu vào kho mật khẩu của hệ thống" in err
