"""Send the office's mail over SMTP: forms, reminders, feedback and receipts (``send``).

A dry run (the default) lists what would go. A real run opens one connection, sends at the pace of
``mail.delay_s`` and at most ``mail.max_per_run`` messages, and records each message in the ledger
(``store.outbox``) as queued before it goes and as accepted once the server took it: what the server
accepted is never sent again (``resend`` forces a unit's), what a killed run left queued is reported and
not sent again. A refused recipient or a dropped connection is that message's finding; the run reconnects
and goes on. A copy of each sent message is kept in ``outbox/<unit code>/Đã gửi/``.
"""
from __future__ import annotations

import smtplib
import time
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import make_msgid
from pathlib import Path
from typing import Callable, Iterable

from sheets_tools.campaign.mail_settings import MailSettings, mail_settings
from sheets_tools.campaign.model import Campaign
from sheets_tools.collection.issue import OUTBOX
from sheets_tools.core.filenames import safe_file_name
from sheets_tools.core.files import atomic_write_bytes, campaign_lock
from sheets_tools.core.findings import Finding, finding, has_errors
from sheets_tools.mail import smtp
from sheets_tools.mail.messages import KIND_LABELS, KINDS, Outgoing, outgoing, unit_label
from sheets_tools.mail.passwords import env_name, get_password
from sheets_tools.store import outbox
from sheets_tools.store.ledger import Ledger

SENT_DIR = "Đã gửi"
FULL_MAILBOX = {452, 552}  # SMTP replies for a recipient's mailbox over its quota (RFC 5321, RFC 3463 x.2.2)
# what became of a message in a run
PENDING, ACCEPTED, FAILED, SENT_BEFORE, UNSURE, LATER = "pending", "accepted", "failed", "sent_before", "unsure", "later"


@dataclass
class Sent:
    """One message of a run and what became of it."""

    message: Outgoing
    state: str
    message_id: str | None = None
    copy: Path | None = None

    def to_json(self) -> dict:
        m = self.message
        return {"kind": m.kind, "unit": m.unit.code, "form": m.form_id, "to": m.recipients, "subject": m.subject,
                "attachments": m.attachment_names, "state": self.state, "message_id": self.message_id,
                "copy": str(self.copy) if self.copy else None}


@dataclass
class SendResult:
    """What a run sent (or, in a dry run, would send), the findings and notes."""

    dry_run: bool
    items: list[Sent] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not has_errors(self.findings)

    def of(self, state: str) -> list[Sent]:
        return [s for s in self.items if s.state == state]

    def to_json(self) -> dict:
        return {"dry_run": self.dry_run, "valid": self.valid, "messages": [s.to_json() for s in self.items],
                "findings": [f.to_json() for f in self.findings], "notes": self.notes}


class SendRefused(Exception):
    """The campaign cannot send at all (no server, no sender address, no password); ``finding`` says what to
    fill in."""

    def __init__(self, found: Finding):
        super().__init__(found.message)
        self.finding = found


def send(campaign: Campaign, *, kinds: Iterable[str] = KINDS, form_ids: list[str] | None = None,
         really: bool = False, resend: Iterable[str] = (), sleep: Callable[[float], None] = time.sleep) -> SendResult:
    """Send (``really``) or list what there is to send of ``kinds`` for the forms ``form_ids`` (all without).

    ``resend``: unit codes whose messages go again even if sent before. Raises SendRefused when the
    settings do not allow sending and smtp.SmtpError when the server cannot be reached or refuses the login
    (nothing is sent then).
    """
    resend = set(resend)
    with campaign_lock(campaign.dir, "send"), Ledger(campaign.dir) as ledger:
        messages, found, notes = outgoing(campaign, ledger, list(kinds), form_ids)
        result = SendResult(dry_run=not really, findings=found, notes=notes)
        todo = []
        for m in messages:
            before = None if m.unit.code in resend else outbox.last(ledger, m.key)
            if before is not None and before.state == outbox.ACCEPTED:
                result.items.append(Sent(m, SENT_BEFORE, before.message_id, _path(campaign, before.copy)))
            elif before is not None and before.state == outbox.QUEUED:
                result.items.append(Sent(m, UNSURE, before.message_id))
                result.findings.append(finding("mail.unsure", unit=m.unit.code, who=unit_label(m.unit),
                                               subject=m.subject, message_id=before.message_id, unit_code=m.unit.code))
            else:
                todo.append(m)
        settings = mail_settings(campaign.settings)
        if settings.max_per_run is not None and len(todo) > settings.max_per_run:
            notes.append(f"Mỗi lần chạy gửi tối đa {settings.max_per_run} thư (mail.max_per_run): "
                         f"{len(todo) - settings.max_per_run} thư còn lại sẽ được gửi ở lần chạy sau.")
            later, todo = todo[settings.max_per_run:], todo[:settings.max_per_run]
        else:
            later = []
        if not really:
            if todo and not settings.smtp_host:
                notes.append("Chưa khai báo máy chủ gửi thư (smtp.host ở trang \"Cài đặt\" của campaign.xlsx): "
                             "cần điền trước khi gửi.")
            result.items += [Sent(m, PENDING) for m in todo]
        elif todo:
            _send_all(campaign, ledger, settings, todo, result, sleep)
        result.items += [Sent(m, LATER) for m in later]
    return result


def sender_of(campaign: Campaign, settings: MailSettings) -> str:
    """The office's address mail goes out from: ``mail.from``, else the "E-mail tiếp nhận" of "Thông tin"."""
    return settings.sender or campaign.info.office_email


def _send_all(campaign: Campaign, ledger: Ledger, settings: MailSettings, todo: list[Outgoing],
              result: SendResult, sleep: Callable[[float], None]) -> None:
    if not settings.smtp_host:
        raise SendRefused(finding("mail.no_server"))
    sender = sender_of(campaign, settings)
    if not sender:
        raise SendRefused(finding("mail.no_sender"))
    password = None
    if settings.smtp_user:
        password = get_password("smtp", settings.smtp_user, settings.smtp_host)
        if not password:
            raise SendRefused(finding("mail.no_password", user=settings.smtp_user, host=settings.smtp_host,
                                      folder=str(campaign.dir), variable=env_name("smtp")))
    conn: smtplib.SMTP | None = smtp.connect(settings, password)  # SmtpError: nothing sent
    try:
        for i, m in enumerate(todo):
            if i:
                sleep(settings.delay_s)
            if conn is None:
                try:
                    conn = smtp.connect(settings, password)
                except smtp.SmtpError as exc:
                    result.findings.append(finding("mail.not_reconnected", detail=exc.finding.message,
                                                   count=len(todo) - i))
                    result.items += [Sent(x, LATER) for x in todo[i:]]
                    return
            sent = _send_one(campaign, ledger, conn, m, sender, result)
            result.items.append(sent)
            if sent.state == FAILED and not _alive(conn):
                conn.close()
                conn = None
    finally:
        smtp.close(conn)


def _send_one(campaign: Campaign, ledger: Ledger, conn: smtplib.SMTP, m: Outgoing, sender: str,
              result: SendResult) -> Sent:
    moment = datetime.now().astimezone()
    message_id = make_msgid(domain=sender.rpartition("@")[2] or None)
    data = m.render(sender, message_id, moment)
    attempt = outbox.queue(ledger, key=m.key, kind=m.kind, unit=m.unit.code, form=m.form_id, message_id=message_id,
                           recipients=m.recipients, subject=m.subject)
    where = {"unit": m.unit.code, "who": unit_label(m.unit), "subject": m.subject}
    try:
        refused = conn.sendmail(sender, m.recipients, data)
    except smtplib.SMTPRecipientsRefused as exc:
        detail = _refused(exc.recipients)
        outbox.failed(ledger, attempt, detail)
        full = all(code in FULL_MAILBOX for code, _ in exc.recipients.values())
        result.findings.append(finding("mail.mailbox_full" if full else "mail.recipient_refused",
                                       address=", ".join(exc.recipients), detail=detail, **where))
        return Sent(m, FAILED, message_id)
    except smtplib.SMTPResponseException as exc:
        detail = smtp.reply_text(exc)
        outbox.failed(ledger, attempt, detail)
        result.findings.append(finding("mail.message_refused", detail=detail, **where))
        return Sent(m, FAILED, message_id)
    except (smtplib.SMTPException, OSError) as exc:  # the connection dropped: the server did not take it
        detail = smtp.failure_text(exc)
        outbox.failed(ledger, attempt, detail)
        result.findings.append(finding("mail.dropped", detail=detail, **where))
        return Sent(m, FAILED, message_id)
    outbox.accepted(ledger, attempt, detail=_refused(refused) if refused else None)
    if refused:
        result.findings.append(finding("mail.some_refused", address=", ".join(refused), detail=_refused(refused),
                                       **where))
    label = "" if m.subject.startswith(KIND_LABELS[m.kind]) else f"{KIND_LABELS[m.kind]} - "  # "Phản hồi: ..."
    path = campaign.dir / OUTBOX / m.unit.code / SENT_DIR / safe_file_name(
        f"{moment:%Y-%m-%d %H%M%S} {label}{m.subject}", ".eml")
    try:
        atomic_write_bytes(path, data)
        outbox.kept_copy(ledger, attempt, path.relative_to(campaign.dir).as_posix())
    except OSError as exc:
        result.findings.append(finding("mail.copy_not_kept", path=str(path), detail=exc.strerror or str(exc),
                                       **where))
        return Sent(m, ACCEPTED, message_id)
    return Sent(m, ACCEPTED, message_id, path)


def _alive(conn: smtplib.SMTP) -> bool:
    """Whether the server still answers on ``conn`` (after a refused message, before the next one)."""
    try:
        return conn.noop()[0] == 250
    except (smtplib.SMTPException, OSError):
        return False


def _refused(recipients: dict) -> str:
    out = []
    for address, (code, reply) in recipients.items():
        text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
        out.append(f"{address}: {code} {' '.join(text.split())}")
    return "; ".join(out)


def _path(campaign: Campaign, relative: str | None) -> Path | None:
    return campaign.dir / relative if relative else None
