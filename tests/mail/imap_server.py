"""A real IMAP server for the tests: Debian's Dovecot (``dovecot-imapd``), started by the tests with its own
configuration in a temporary folder, on free high ports of 127.0.0.1, and stopped when the session ends
(the server itself is the library's, ``sheets_tools.demo.mail_servers``, which the demo uses too).

* ``dovecot`` (session): the running server: ``port`` (plain IMAP, STARTTLS offered when a certificate
  could be made), ``ssl_port`` (IMAP over TLS, None without a certificate), ``cert`` (the self-signed
  certificate's PEM file, for SSL_CERT_FILE), ``add_user()`` (a new mailbox with its own password).
* ``mailbox`` (per test): a fresh user on it, to append messages to and look at.

Also the mail the units send, built in code: ``unit_mail(camp, unit, folder)`` (a unit's filled registration
workbook attached, from the unit's address unless ``sender`` says otherwise), ``other_mail()`` (a newsletter,
no workbook), and ``imap_campaign(camp, mailbox)`` (the campaign's "Cài đặt" pointed at the test mailbox).

Use ``from imap_server import dovecot, mailbox  # noqa: F401`` in a test module. A test skips, saying why,
only where Dovecot cannot be started (not installed, no free port, refused to start).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sheets_tools.campaign import workbook as campaign_mod
from sheets_tools.collection.issue import draft_email
from sheets_tools.collection.templates import form_workbook
from sheets_tools.demo.mail_servers import PASSWORD, Dovecot, Mailbox, ServerUnavailable, start_dovecot, stop_dovecot
from sheets_tools.formkit.declaration import FIRST_ROW, get_form
from workbooks import register_common_targets, with_setting

__all__ = ["PASSWORD", "Dovecot", "Mailbox", "dovecot", "mailbox", "imap_campaign", "other_mail", "returned_workbook",
           "unit_mail", "with_unit_email"]


@pytest.fixture(scope="session")
def dovecot():
    """Dovecot running for the whole session on 127.0.0.1 (its folder removed afterwards); the test skips,
    saying why, where it cannot run."""
    folder = Path(tempfile.mkdtemp(prefix="sheets-tools-dovecot-"))
    try:
        if os.name == "posix":
            os.chmod(folder, 0o755)  # the mail user ("nobody" when run as root) must reach its folders
        try:
            server = start_dovecot(folder)
        except ServerUnavailable as exc:
            pytest.skip(str(exc))
        yield server
        stop_dovecot(server)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def mailbox(dovecot) -> Mailbox:
    """A fresh, empty mailbox (its own user) on the session's Dovecot, known to Dovecot before the test starts: a
    test whose first login is the command's own (which does not try again) must not meet a passwd-file that
    Dovecot has not read yet on a busy machine."""
    box = Mailbox(dovecot, dovecot.add_user())
    box.client().logout()
    return box


# --- the mail units send ----------------------------------------------------------------------------------
SENT = datetime(2024, 1, 15, 10)  # before the sample's registration deadline: an accepted return
PERSON = {"family_name": "Nguyễn Thị", "given_name": "Hoa", "birth_date": date(1985, 3, 15), "sex": "Nữ",
          "position": "Chuyên viên", "last_rating": "Hoàn thành tốt nhiệm vụ", "title": "Lao động tiên tiến"}

FAMILIES = ("Nguyễn Thị", "Trần Thị", "Lê Thị", "Phạm Thị", "Hoàng Thị", "Vũ Thị", "Đặng Thị", "Bùi Thị")
GIVEN = ("Hoa", "Lan", "Mai", "Cúc", "Đào")


def returned_workbook(camp, unit_code: str, path: Path, *, people: int = 1) -> Path:
    """A unit's registration workbook, issued and filled as the unit returns it (accepted as it is)."""
    form, unit = get_form("registration"), camp.unit(unit_code)
    wb = form_workbook(form, camp, unit)
    family = FAMILIES[camp.units.index(unit) % len(FAMILIES)]  # nobody registered by two units
    rows = {"individuals": [dict(PERSON, family_name=family, given_name=GIVEN[i]) for i in range(people)],
            "collectives": [{"collective_name": unit.name, "title": "Tập thể lao động tiên tiến"}],
            "movements": [{"movement": camp.movements[0].name}]}
    for key, values_list in rows.items():
        sheet = form.sheet(key)
        for i, values in enumerate(values_list):
            for col in sheet.columns:
                if values.get(col.field) is not None:
                    cell = wb[sheet.name][f"{col.letter}{FIRST_ROW + i}"]
                    cell.value = values[col.field]
                    if isinstance(values[col.field], str):
                        cell.data_type = "s"
    register_common_targets(wb, camp, unit_code)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def unit_mail(camp, unit_code: str, folder: Path, *, sender: str | None = None, when: datetime = SENT,
              people: int = 1) -> bytes:
    """A unit's reply: its filled workbook attached, sent from its address (or ``sender``)."""
    unit = camp.unit(unit_code)
    attached = returned_workbook(camp, unit_code, folder / f"{unit_code}-{people}.xlsx", people=people)
    return draft_email(sender=sender or unit.email.split(";")[0].strip(), to=camp.info.office_email,
                       subject=f"{unit.name} gửi đăng ký thi đua", body="Kính gửi Văn phòng Sở.",
                       attachments=[attached], date=when)


def other_mail(sender: str = "tin-tuc@example.com") -> bytes:
    """A mail that is no return: no workbook, from no unit's address."""
    return draft_email(sender=sender, to="vanphong.stp@example.gov.vn", subject="Bản tin tuần",
                       body="Tin tức trong tuần.", attachments=[], date=SENT)


def imap_campaign(camp, box: "Mailbox", *, security: str = "none", port: int | None = None, folder: str = "INBOX"):
    """The campaign with its "Cài đặt" pointed at ``box`` (the password comes from the environment)."""
    for key, value in (("imap.host", "127.0.0.1"), ("imap.port", port or box.port), ("imap.security", security),
                       ("imap.user", box.user), ("imap.folder", folder)):
        camp = with_setting(camp, key, value)
    return camp


def with_unit_email(camp, unit_code: str, email: str):
    """The campaign after the office wrote ``email`` in the unit's "E-mail" cell (sheet "Đơn vị")."""
    path = camp.dir / campaign_mod.CAMPAIGN_FILE
    book = load_workbook(path)
    ws = book["Đơn vị"]
    header = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == unit_code)
    ws.cell(row=row, column=header.index("E-mail") + 1).value = email
    book.save(path)
    return campaign_mod.load(camp.dir)
