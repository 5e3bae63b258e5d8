"""Mail files read as returns: a mail's bytes (a ``.eml`` file, a message fetched from a mailbox) or an
Outlook ``.msg`` file (turned into the same MIME bytes by ``outlook.msg_to_mime``) give the workbooks they
carry, through the one parser, ``read_mail``; each workbook keeps its sender's address (``Incoming.sender``)
and the date the unit sent it.

Nothing a unit sends can stop the run: a mail the parser cannot take (nested a thousand times, damaged, a
``.msg`` that is not a message) is one rejected file.
"""
from __future__ import annotations

import email
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email import policy
from email.message import Message
from pathlib import Path
from typing import Iterator

from sheets_tools.collection.outlook import MsgError, msg_to_mime
from sheets_tools.core.findings import Finding, finding
from sheets_tools.core.records import OFFICE_TZ, Document, FileResult, Incoming
from sheets_tools.core.text import clean, strip_controls
from sheets_tools.excel.sniff import OLE_MAGIC, SPREADSHEET_EXTENSIONS, sniff

# documents that travel with a workbook (a report's narrative): kept beside it, never read as a form
DOCUMENT_EXTENSIONS = (".doc", ".docx", ".odt", ".pdf", ".rtf")
MAIL_EXTENSIONS = (".eml", ".msg")
# a mail holds parts in parts (a forward of a forward ...): deeper or bigger than this, it is refused
MAX_MAIL_DEPTH = 20
MAX_MAIL_PARTS = 1000
# a mail or file dated later than this after its collection comes from a wrong clock: dated at collection
FUTURE_SLACK = timedelta(days=1)


def is_document(name: str | None) -> bool:
    return bool(name) and name.lower().endswith(DOCUMENT_EXTENSIONS)


def dated(found: datetime | None, now: datetime, source: str) -> tuple[datetime, list[Finding]]:
    """The receiving date of a file: ``found`` (a mail's Date, a file's modification time), unless it
    lies more than a day after ``now`` (another computer's clock): then ``now``, with a warning, so that
    the unit's later correction still supersedes it."""
    if found is not None and found <= now + FUTURE_SLACK:
        return found, []
    shown = found.strftime("%d/%m/%Y %H:%M") if found is not None else "không đọc được"
    return now, [finding("file.date_future", file=source, value=shown, found=shown,
                         used=now.strftime("%d/%m/%Y %H:%M"))]


@dataclass
class _Attachment:
    number: int
    name: str | None
    when: datetime | None
    payload: bytes
    sender: str | None = None


@dataclass
class MailFacts:
    """What a mailbox needs to know of a message before taking it: who sent it, its Message-ID, its date."""

    sender: str | None
    message_id: str | None
    sent: datetime | None


def mail_facts(data: bytes) -> MailFacts:
    """The sender's address (lower case), the Message-ID and the Date (office time) of a raw message;
    None for what is absent or unreadable. Never raises."""
    try:
        msg = email.message_from_bytes(data, policy=policy.default)
    except Exception:  # a damaged mail: read_mail says what is wrong with it
        return MailFacts(None, None, None)
    return MailFacts(mail_sender(msg), _message_id(msg), _mail_date(msg))


class _TooDeep(Exception):
    """A mail nested deeper, or holding more parts, than a unit's mail ever does."""


def read_mail(data: bytes, path: Path, mtime: datetime | None = None,
              now: datetime | None = None) -> Iterator[Incoming | FileResult]:
    """The workbooks attached to one mail (the raw bytes of a .eml file, or of a message fetched from a
    mailbox, named ``path``), as Incoming; a mail that holds none, or cannot be read, as one rejected
    FileResult. ``mtime`` (the file's date) stands in for a missing Date header."""
    now = now or datetime.now()
    sent = sender = None
    try:
        msg = email.message_from_bytes(data, policy=policy.default)
        sent, sender = _mail_date(msg), mail_sender(msg)
        attachments, documents = _attachments(msg, sent, sender)
    except (_TooDeep, RecursionError) as exc:  # the parser itself recurses on nested parts
        detail = str(exc) if isinstance(exc, _TooDeep) else f"lồng nhau quá {MAX_MAIL_DEPTH} tầng"
        yield _rejected_mail(path, data, sent or mtime, now, finding("file.too_deep", file=str(path), detail=detail),
                             sender)
        return
    except Exception as exc:  # per-mail boundary: no mail, however broken, stops the run
        detail = f"thư điện tử bị hỏng ({type(exc).__name__}: {str(exc)[:200]})"
        yield _rejected_mail(path, data, sent or mtime, now, finding("file.unreadable", file=str(path), detail=detail),
                             sender)
        return
    for part in attachments:
        name = part.name or f"dinh-kem-{part.number}"
        received, notes = dated(part.when or mtime, now, str(path))
        if part.when is None and mtime is not None and not notes:
            notes = [_date_unknown(path, received)]
        yield Incoming(name=name, data=part.payload, source=f"{path} » {name}", received_at=received,
                       notes=notes, documents=documents, sender=part.sender)
    if not attachments:
        yield _rejected_mail(path, data, sent or mtime, now, finding("file.no_attachment", file=str(path)), sender)


def read_msg(data: bytes, path: Path, mtime: datetime | None = None,
             now: datetime | None = None) -> Iterator[Incoming | FileResult]:
    """The workbooks attached to one Outlook ``.msg`` file, read like the ``.eml`` of the same mail; a
    ``.msg`` that is no mail (damaged, a document renamed) or holds no workbook as one rejected FileResult,
    which keeps the file's own bytes (a second collect knows it again). A message attached inside it is
    not opened: said by a warning on each workbook, or as the reason when there is none."""
    now = now or datetime.now()
    try:
        mail = msg_to_mime(data)
    except MsgError as exc:
        yield _rejected_mail(path, data, mtime, now, finding(exc.code, file=str(path), detail=exc.detail))
        return
    except Exception as exc:  # per-file boundary, as for a .eml: no .msg, however broken, stops the run
        detail = f"tệp bị hỏng ({type(exc).__name__}: {str(exc)[:200]})"
        yield _rejected_mail(path, data, mtime, now, finding("file.msg_damaged", file=str(path), detail=detail))
        return
    names = ", ".join(f"\"{name}\"" for name in mail.skipped)
    for item in read_mail(mail.mime, path, mtime, now):
        if isinstance(item, Incoming):
            if mail.skipped:
                item.notes.append(finding("file.msg_embedded_skipped", file=str(path), names=names))
            yield item
            continue
        if mail.skipped and [f.code for f in item.findings[:1]] == ["file.no_attachment"]:
            item.findings[0] = finding("file.msg_embedded", file=str(path), names=names)
        item.incoming = Incoming(name=item.incoming.name, data=data, source=item.incoming.source,
                                 received_at=item.incoming.received_at, sender=item.incoming.sender)
        yield item


def _rejected_mail(path: Path, data: bytes, when: datetime | None, now: datetime, problem: Finding,
                   sender: str | None = None) -> FileResult:
    received, notes = dated(when, now, str(path))
    incoming = Incoming(name=path.name, data=data, source=str(path), received_at=received, sender=sender)
    return FileResult(incoming, findings=[problem] + notes)


def _attachments(msg: Message, sent: datetime | None,
                 sender: str | None = None) -> tuple[list[_Attachment], list[Document]]:
    """The workbooks attached to a mail (at any depth of forwarding) and the documents sent with them."""
    attachments, documents = [], []
    for number, (part, when, who) in enumerate(_leaves(msg, sent, sender), start=1):
        name = _attachment_name(part.get_filename())
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        if is_document(name):
            documents.append(Document(name=name, data=payload))
        if _is_spreadsheet_attachment(name, part, payload):
            attachments.append(_Attachment(number, name, when, payload, who))
    return attachments, documents


def _attachment_name(name: str | None) -> str | None:
    """An attachment's own name: no folder part (some programs send "C:\\...\\x.xlsx"), no control characters."""
    if not name:
        return None
    return clean(re.split(r"[\\/]", str(name))[-1]) or None


def _leaves(msg: Message, when: datetime | None,
            sender: str | None = None) -> list[tuple[Message, datetime | None, str | None]]:
    """The leaf parts of a message with the date and sender of the message that holds each: an attachment
    of a forwarded message (message/rfc822) keeps the unit's own sending date and address, not the forward's.
    Walked without recursion; deeper than MAX_MAIL_DEPTH or more than MAX_MAIL_PARTS parts: _TooDeep."""
    leaves: list[tuple[Message, datetime | None, str | None]] = []
    stack: list[tuple[Message, datetime | None, str | None, int]] = [(msg, when, sender, 0)]
    visited = 0
    while stack:
        part, when, sender, depth = stack.pop()
        visited += 1
        if depth > MAX_MAIL_DEPTH:
            raise _TooDeep(f"lồng nhau quá {MAX_MAIL_DEPTH} tầng")
        if visited > MAX_MAIL_PARTS:
            raise _TooDeep(f"có hơn {MAX_MAIL_PARTS} phần")
        children = part.get_payload() if part.is_multipart() else None
        if not isinstance(children, list):
            leaves.append((part, when, sender))
            continue
        forwarded = part.get_content_type() == "message/rfc822"
        for child in reversed(children):  # the stack gives them back in their order
            if isinstance(child, Message):
                held = (_mail_date(child) or when, mail_sender(child) or sender) if forwarded else (when, sender)
                stack.append((child, *held, depth + 1))
    return leaves


def _date_unknown(path: Path, mtime: datetime):
    return finding("file.date_unknown", file=str(path), received=mtime.strftime("%d/%m/%Y %H:%M"))


def _is_spreadsheet_attachment(name: str | None, part: Message, payload: bytes) -> bool:
    if name and name.lower().endswith(SPREADSHEET_EXTENSIONS + (".zip", ".rar", ".7z")):
        return True  # an archive is taken too, so the unit hears it must send the workbook itself
    if not name and part.get_content_disposition() != "attachment":
        return False  # the body of the message
    return payload.startswith(OLE_MAGIC) or sniff(payload) in ("xlsx", "xlsm", "xlsb")


def _mail_date(msg: Message) -> datetime | None:
    """The Date header in the office's local time (UTC+07:00), naive; None when absent or bad."""
    try:
        header = msg["Date"]
        when = header.datetime if header is not None else None
        if when is None:
            return None
        if when.tzinfo is None:  # "-0000": UTC, sender's zone unknown
            when = when.replace(tzinfo=timezone.utc)
        return when.astimezone(OFFICE_TZ).replace(tzinfo=None)
    except Exception:  # a header the parser cannot read is a missing date (file.date_unknown), never a crash
        return None


def mail_sender(msg: Message) -> str | None:
    """The address in the From header, in lower case; None when absent or unreadable."""
    try:
        for address in getattr(msg["From"], "addresses", None) or ():
            spec = strip_controls(address.addr_spec or "").strip().lower()
            if "@" in spec:
                return spec
        return None
    except Exception:  # a From the parser cannot read is an unknown sender, never a crash
        return None


def _message_id(msg: Message) -> str | None:
    """The Message-ID, without its angle brackets and spaces; None when absent or unreadable."""
    try:
        return strip_controls("".join(str(msg["Message-ID"] or "").split()).strip("<>"))[:500] or None
    except Exception:  # a header the parser cannot read
        return None
