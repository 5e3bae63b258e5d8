"""One whole mail cycle through the command line against real servers on the loopback (aiosmtpd for SMTP,
Dovecot for IMAP): ``issue`` → ``send --kind issue --send`` (one mail per unit, its workbook attached) → the
units' replies, filled in the workbooks they received (one with a mistake), delivered to the office's mailbox →
``fetch`` (collected) → ``send --kind feedback --send`` (the unit with the mistake gets its feedback workbook)
→ a corrected reply → ``fetch`` → accepted; a second ``fetch`` takes nothing."""
from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sheets_tools.cli import main
from sheets_tools.collection import issue
from sheets_tools.collection.issue import draft_email
from sheets_tools.collection.templates import unit_file_name
from sheets_tools.formkit.declaration import FIRST_ROW, get_form
from sheets_tools.store.ledger import Ledger

import imap_server
from imap_server import PASSWORD, PERSON, imap_campaign
from smtp_server import HOST, smtp_server
from workbooks import register_common_targets, with_setting

dovecot, mailbox = imap_server.dovecot, imap_server.mailbox  # the IMAP server's fixtures

FORM = get_form("registration")
REPLIERS = {"VP": "Nguyễn Thị", "PBGD": "Trần Thị", "TTR": "Lê Thị"}  # unit -> family name of its person
MISTAKE = "TTR"  # its first reply leaves the given name empty
FIRST, CORRECTED = datetime(2024, 1, 15, 10), datetime(2024, 1, 20, 9)  # both before the deadline (31/01)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def office(camp, mailbox, monkeypatch):
    """The campaign's mail pointed at a fresh mailbox on Dovecot (password from the environment)."""
    monkeypatch.setenv("SHEETS_TOOLS_IMAP_PASSWORD", PASSWORD)
    return imap_campaign(camp, mailbox), mailbox


def attachments(received) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in received.message.iter_attachments()}


def reply(camp, unit_code: str, form_bytes: bytes, folder: Path, *, given_name: str | None, when: datetime) -> bytes:
    """The unit's reply: the workbook it received by mail, filled, attached to a mail from its address."""
    wb = load_workbook(io.BytesIO(form_bytes))
    unit = camp.unit(unit_code)
    rows = {"individuals": [dict(PERSON, family_name=REPLIERS[unit_code], given_name=given_name)],
            "collectives": [{"collective_name": unit.name, "title": "Tập thể lao động tiên tiến"}],
            "movements": [{"movement": camp.movements[0].name}]}
    for key, values_list in rows.items():
        sheet = FORM.sheet(key)
        for i, values in enumerate(values_list):
            for col in sheet.columns:
                if values.get(col.field) is not None:
                    cell = wb[sheet.name][f"{col.letter}{FIRST_ROW + i}"]
                    cell.value = values[col.field]
                    if isinstance(values[col.field], str):
                        cell.data_type = "s"
    register_common_targets(wb, camp, unit_code)
    path = folder / f"{when:%Y%m%d%H%M}" / unit_file_name(FORM, camp, unit)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return draft_email(sender=unit.email, to=camp.info.office_email, subject=f"{unit.name} gửi đăng ký thi đua",
                       body="Kính gửi Văn phòng Sở.", attachments=[path], date=when)


def current(camp) -> dict[str, str]:
    """unit -> status of its current (not superseded) registration."""
    with Ledger(camp.dir) as ledger:
        return {s.unit: s.status for s in ledger.submissions() if s.superseded_by is None}


def test_issue_send_fetch_feedback_fetch_whole_cycle(office, tmp_path):
    camp, box = office
    with smtp_server() as server:
        for key, value in {"smtp.host": HOST, "smtp.port": server.port, "smtp.security": "none",
                           "mail.delay_s": 0}.items():
            camp = with_setting(camp, key, value)
        issued = run("issue", camp.dir, "--form", "registration")
        assert issued.exit_code == 0, issued.output

        sent = run("send", camp.dir, "--kind", "issue", "--send")
        assert sent.exit_code == 0, sent.output
        assert f"Đã gửi {len(camp.units)} thư." in sent.output
        received = {}
        for unit in camp.units:  # one mail per unit, its own pre-filled workbook attached
            [mail] = server.to(unit.email)
            assert mail.message["Subject"] == issue.subject(camp, FORM)
            name = unit_file_name(FORM, camp, unit)
            assert attachments(mail) == {name: (camp.dir / "outbox" / unit.code / name).read_bytes()}
            received[unit.code] = attachments(mail)[name]
        assert len(server.messages) == len(camp.units)

        for code in REPLIERS:
            box.append(reply(camp, code, received[code], tmp_path, when=FIRST,
                             given_name=None if code == MISTAKE else "Hoa"))
        fetched = run("fetch", camp.dir)
        assert fetched.exit_code == 1, fetched.output  # a file was returned to its unit
        assert "Thư mới nhận: 3" in fetched.output
        assert current(camp) == {"VP": "accepted", "PBGD": "accepted", MISTAKE: "rejected"}

        before = len(server.messages)
        feedback = run("send", camp.dir, "--kind", "feedback", "--send")
        assert feedback.exit_code == 0, feedback.output
        [answer] = server.messages[before:]  # only the unit with the mistake is answered
        assert answer.rcpt_tos == [camp.unit(MISTAKE).email]
        assert answer.message["Subject"] == "Phản hồi: " + issue.subject(camp, FORM)
        [workbook] = (camp.dir / "feedback" / MISTAKE).glob("*.xlsx")
        assert attachments(answer) == {workbook.name: workbook.read_bytes()}

        box.append(reply(camp, MISTAKE, received[MISTAKE], tmp_path, given_name="Hoa", when=CORRECTED))
        corrected = run("fetch", camp.dir)
        assert corrected.exit_code == 0, corrected.output
        assert "Thư mới nhận: 1" in corrected.output
        assert current(camp) == {"VP": "accepted", "PBGD": "accepted", MISTAKE: "accepted"}

        again = run("fetch", camp.dir)
        assert again.exit_code == 0, again.output
        assert "Thư mới nhận: 0" in again.output
    with Ledger(camp.dir) as ledger:
        assert len(ledger.submissions()) == 4  # nothing taken twice
