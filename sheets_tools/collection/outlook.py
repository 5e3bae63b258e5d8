"""Outlook ``.msg`` files: a mail saved from Outlook is a Compound File (OLE) holding MAPI properties.
``msg_to_mime`` turns one into the MIME bytes of the same mail (From, To, Cc, Subject, Date, Message-ID,
body, attachments), so that it is read by the one mail parser of ``.eml`` files (``mail_files.read_mail``).

A message attached inside the message (Outlook's "forward as attachment") becomes a forwarded message
(message/rfc822), so its workbooks keep the unit's own sender and date, as in a ``.eml``; an object embedded
otherwise (a workbook inserted into the text) is not opened: its name is reported in ``MsgMail.skipped``.

A ``.msg`` is untrusted like any file a unit sends: no stream is read larger than the file itself, the
streams read together never exceed the file's size (a looped sector chain cannot grow the memory), and a
file with more attachments, or messages nested deeper, than a ``.eml`` may hold is refused.
"""
from __future__ import annotations

import codecs
import hashlib
import io
import re
import struct
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email import policy
from email.errors import HeaderParseError
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr

import olefile

from sheets_tools.core.text import strip_controls

PROPERTIES = "__properties_version1.0"
SUBSTG = "__substg1.0_"
ATTACH = "__attach_version1.0_#"
RECIP = "__recip_version1.0_#"
# the property stream begins with a header: 32 bytes in the message itself, 24 in a message attached inside
# it, 8 in an attachment or recipient
TOP_HEADER, EMBEDDED_HEADER, CHILD_HEADER = 32, 24, 8

PT_LONG, PT_SYSTIME, PT_STRING8, PT_UNICODE, PT_BINARY, PT_OBJECT = 0x0003, 0x0040, 0x001E, 0x001F, 0x0102, 0x000D
PR_MESSAGE_CLASS, PR_SUBJECT, PR_CLIENT_SUBMIT_TIME = 0x001A, 0x0037, 0x0039
PR_SENT_REPRESENTING_NAME, PR_SENT_REPRESENTING_EMAIL = 0x0042, 0x0065
PR_TRANSPORT_HEADERS = 0x007D
PR_SENDER_NAME, PR_SENDER_EMAIL = 0x0C1A, 0x0C1F
PR_RECIPIENT_TYPE = 0x0C15
PR_MESSAGE_DELIVERY_TIME = 0x0E06
PR_BODY, PR_INTERNET_MESSAGE_ID = 0x1000, 0x1035
PR_DISPLAY_NAME, PR_EMAIL_ADDRESS, PR_SMTP_ADDRESS = 0x3001, 0x3003, 0x39FE
PR_ATTACH_DATA, PR_ATTACH_FILENAME, PR_ATTACH_METHOD, PR_ATTACH_LONG_FILENAME = 0x3701, 0x3704, 0x3705, 0x3707
PR_ATTACH_MIME_TAG = 0x370E
PR_INTERNET_CPID, PR_MESSAGE_CODEPAGE = 0x3FDE, 0x3FFD
PR_SENDER_SMTP, PR_SENT_REPRESENTING_SMTP = 0x5D01, 0x5D02
ATTACH_EMBEDDED_MSG, ATTACH_OLE = 5, 6
RECIPIENT_HEADERS = {1: "To", 2: "Cc"}  # 3 (Bcc) is not written into the mail's headers

MAX_ATTACHMENTS = 1000  # in all, at every depth: the .eml route's MAX_MAIL_PARTS
MAX_DEPTH = 20  # messages inside messages: the .eml route's MAX_MAIL_DEPTH
MAX_RECIPIENTS = 5000
MAX_ENTRIES = 50000  # directory entries of the compound file
MAX_HEADER = 500  # characters of one header kept (the mail library folds a long one in quadratic time)
MAX_NAME = 255  # characters of an attachment's name
FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=timezone.utc)


class MsgError(Exception):
    """A .msg that cannot be read as a mail. ``code``: file.msg_damaged (not a compound file, damaged,
    or no message), file.too_large (more attachments than a mail may hold) or file.too_deep (messages in
    messages); ``detail`` in Vietnamese."""

    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code, self.detail = code, detail


@dataclass
class MsgMail:
    """One .msg read: the MIME bytes of the mail, and the names of the objects embedded in it (not read)."""

    mime: bytes
    skipped: list[str] = field(default_factory=list)


def msg_to_mime(data: bytes) -> MsgMail:
    """The mail saved in the Outlook .msg file ``data``, as MIME bytes. Raises MsgError when ``data`` is no
    compound file, a compound file that is no message (a Word document renamed), or a damaged one."""
    if not data.startswith(olefile.MAGIC):
        raise MsgError("file.msg_damaged", "không phải tệp thư Outlook (không có cấu trúc tệp .msg)")
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except (OSError, ValueError, IndexError, KeyError, TypeError, OverflowError, struct.error, RecursionError) as exc:
        raise MsgError("file.msg_damaged", f"tệp bị hỏng hoặc không trọn vẹn ({_why(exc)})") from exc
    with ole:
        if ole.root is None or ole.root.size > len(data):  # the mini stream, read whole at the first small stream
            raise MsgError("file.msg_damaged", "tệp bị hỏng: một phần bên trong khai báo lớn hơn cả tệp")
        if not ole.exists(PROPERTIES):
            raise MsgError("file.msg_damaged", "tệp là tài liệu Office khác (Word, Excel...) đặt tên .msg, "
                                               "không phải thư Outlook")
        try:
            return _Msg(ole, len(data), hashlib.sha256(data).hexdigest()).mime()
        except MsgError:
            raise
        except (OSError, ValueError, IndexError, KeyError, TypeError, OverflowError, struct.error, RecursionError) as exc:
            raise MsgError("file.msg_damaged", f"tệp bị hỏng hoặc không trọn vẹn ({_why(exc)})") from exc


def _why(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc)[:200]}"


class _Props:
    """The properties of one storage (the message, an attachment, a recipient): fixed-size values from the
    property stream, variable-size ones from their own ``__substg1.0_`` streams."""

    def __init__(self, fixed: dict[int, bytes], streams: dict[int, bytes], codepage: str | None = None):
        self.fixed, self.streams, self.codepage = fixed, streams, codepage

    def text(self, pid: int) -> str | None:
        raw = self.streams.get(pid << 16 | PT_UNICODE)
        if raw is not None:
            value = raw.decode("utf-16-le", errors="replace")
        elif (raw := self.streams.get(pid << 16 | PT_STRING8)) is not None:
            value = raw.decode(self.codepage or "cp1252", errors="replace")
        else:
            return None
        return strip_controls(unicodedata.normalize("NFC", value.split("\x00", 1)[0])).strip() or None

    def body(self) -> str | None:
        """PR_BODY with its line breaks (strip_controls would join the lines)."""
        raw = self.streams.get(PR_BODY << 16 | PT_UNICODE)
        if raw is not None:
            return unicodedata.normalize("NFC", raw.decode("utf-16-le", errors="replace").split("\x00", 1)[0])
        raw = self.streams.get(PR_BODY << 16 | PT_STRING8)
        text = raw.decode(self.codepage or "cp1252", errors="replace").split("\x00", 1)[0] if raw else None
        return unicodedata.normalize("NFC", text) if text else None

    def binary(self, pid: int) -> bytes | None:
        return self.streams.get(pid << 16 | PT_BINARY)

    def long(self, pid: int) -> int | None:
        raw = self.fixed.get(pid << 16 | PT_LONG)
        return struct.unpack_from("<i", raw)[0] if raw else None

    def time(self, pid: int) -> datetime | None:
        raw = self.fixed.get(pid << 16 | PT_SYSTIME)
        if not raw:
            return None
        ticks = struct.unpack_from("<Q", raw)[0]
        try:
            return FILETIME_EPOCH + timedelta(microseconds=ticks // 10) if ticks else None
        except OverflowError:
            return None


class _Msg:
    """One compound file read as a message, within the byte budget of its own size."""

    def __init__(self, ole: olefile.OleFileIO, size: int, digest: str):
        self.ole, self.budget, self.digest = ole, size, digest
        self.skipped: list[str] = []  # objects embedded in the mail that are no message: not read
        self.attached = self.boundaries = 0
        self.entries = ole.listdir(streams=True, storages=True)
        if len(self.entries) > MAX_ENTRIES:
            raise MsgError("file.msg_damaged", f"tệp có hơn {MAX_ENTRIES} mục bên trong, không phải thư thông thường")

    def stream(self, path: list[str]) -> bytes:
        declared = self.ole.get_size("/".join(path))
        if declared > self.budget:
            raise MsgError("file.msg_damaged", "tệp bị hỏng: một phần bên trong khai báo lớn hơn cả tệp")
        self.budget -= declared
        return self.ole.openstream(path).read(declared)

    def children(self, prefix: list[str], start: str) -> list[str]:
        """The names of the storages right under ``prefix`` whose names begin with ``start``, in order."""
        depth = len(prefix)
        return sorted({e[depth] for e in self.entries
                       if len(e) > depth and e[:depth] == prefix and e[depth].startswith(start)})

    def props(self, prefix: list[str], header: int, codepage: str | None = None) -> _Props:
        fixed: dict[int, bytes] = {}
        if self.ole.get_type("/".join(prefix + [PROPERTIES])) == olefile.STGTY_STREAM:
            raw = self.stream(prefix + [PROPERTIES])
            for at in range(header, len(raw) - 15, 16):
                tag = struct.unpack_from("<I", raw, at)[0]
                fixed[tag] = raw[at + 8:at + 16]
        streams: dict[int, bytes] = {}
        depth = len(prefix)
        for entry in self.entries:
            if len(entry) == depth + 1 and entry[:depth] == prefix and entry[depth].upper().startswith(SUBSTG.upper()):
                tag = _tag(entry[depth])
                if tag is not None and tag & 0xFFFF in (PT_UNICODE, PT_STRING8, PT_BINARY) and \
                        self.ole.get_type("/".join(entry)) == olefile.STGTY_STREAM:
                    streams[tag] = self.stream(entry)
        return _Props(fixed, streams, codepage)

    def mime(self) -> MsgMail:
        msg = self.message([], TOP_HEADER, 0)
        return MsgMail(msg.as_bytes(), self.skipped)

    def message(self, prefix: list[str], header: int, depth: int) -> EmailMessage:
        """The message in the storage ``prefix`` (the file's root, or a message attached inside another)."""
        top = self.props(prefix, header)
        top.codepage = _codepage(top.long(PR_INTERNET_CPID) or top.long(PR_MESSAGE_CODEPAGE))
        msg = EmailMessage(policy=policy.default)
        sender = _address(top.text(PR_SENDER_SMTP), top.text(PR_SENDER_EMAIL), top.text(PR_SENT_REPRESENTING_SMTP),
                          top.text(PR_SENT_REPRESENTING_EMAIL))
        sender = sender or _header_address(top.text(PR_TRANSPORT_HEADERS))
        name = top.text(PR_SENDER_NAME) or top.text(PR_SENT_REPRESENTING_NAME)
        if sender:
            _set(msg, "From", _mailbox(name, sender))
        for kind, addresses in self.recipients(prefix, top.codepage).items():
            _set(msg, kind, ", ".join(addresses))
        _set(msg, "Subject", top.text(PR_SUBJECT) or "")
        when = top.time(PR_CLIENT_SUBMIT_TIME) or top.time(PR_MESSAGE_DELIVERY_TIME)
        if when is not None:
            _set(msg, "Date", format_datetime(when))
        if message_id := top.text(PR_INTERNET_MESSAGE_ID):
            _set(msg, "Message-ID", message_id)
        msg.set_content(top.body() or "")
        self.attachments(prefix, msg, top.codepage, depth)
        if msg.is_multipart():  # the same .msg gives the same bytes: a mailbox knows it again by its hash
            self.boundaries += 1
            msg.set_boundary(f"=_msg_{self.digest[:40]}_{self.boundaries}")
        return msg

    def recipients(self, prefix: list[str], codepage: str | None) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        storages = self.children(prefix, RECIP)
        if len(storages) > MAX_RECIPIENTS:
            raise MsgError("file.too_large", f"thư Outlook có hơn {MAX_RECIPIENTS} người nhận")
        for storage in storages:
            props = self.props([*prefix, storage], CHILD_HEADER, codepage)
            address = _address(props.text(PR_SMTP_ADDRESS), props.text(PR_EMAIL_ADDRESS))
            kind = RECIPIENT_HEADERS.get(props.long(PR_RECIPIENT_TYPE) or 1)
            if address and kind:
                found.setdefault(kind, []).append(_mailbox(props.text(PR_DISPLAY_NAME), address))
        return found

    def attachments(self, prefix: list[str], msg: EmailMessage, codepage: str | None, depth: int) -> None:
        """Add to ``msg`` each attachment given by value, and each message attached inside (as a forwarded
        message, message/rfc822, with its own sender and date); an object embedded otherwise (a workbook
        inserted into the text) is named in ``skipped``."""
        storages = self.children(prefix, ATTACH)
        self.attached += len(storages)
        if self.attached > MAX_ATTACHMENTS:
            raise MsgError("file.too_large", f"thư Outlook có hơn {MAX_ATTACHMENTS} tệp đính kèm")
        for number, storage in enumerate(storages, start=1):
            props = self.props([*prefix, storage], CHILD_HEADER, codepage)
            name = props.text(PR_ATTACH_LONG_FILENAME) or props.text(PR_ATTACH_FILENAME) or \
                props.text(PR_DISPLAY_NAME)
            inside = [*prefix, storage, f"{SUBSTG}{PR_ATTACH_DATA:04X}{PT_OBJECT:04X}"]
            if self.ole.get_type("/".join(inside)) == olefile.STGTY_STORAGE:
                if self.ole.get_type("/".join(inside + [PROPERTIES])) != olefile.STGTY_STREAM:
                    self.skipped.append(name or f"đối tượng {number}")
                elif depth + 1 > MAX_DEPTH:
                    raise MsgError("file.too_deep", f"lồng nhau quá {MAX_DEPTH} tầng")
                else:
                    msg.add_attachment(self.message(inside, EMBEDDED_HEADER, depth + 1))
                continue
            payload = props.binary(PR_ATTACH_DATA)
            if payload is None:
                if props.long(PR_ATTACH_METHOD) in (ATTACH_EMBEDDED_MSG, ATTACH_OLE):
                    self.skipped.append(name or f"đối tượng {number}")
                continue  # otherwise a link to a file elsewhere (OneDrive, a share): nothing was attached
            maintype, _, subtype = (props.text(PR_ATTACH_MIME_TAG) or "application/octet-stream").partition("/")
            if not re.fullmatch(r"[A-Za-z0-9.+-]+", maintype) or not re.fullmatch(r"[A-Za-z0-9.+-]+", subtype) \
                    or maintype.lower() in ("text", "multipart", "message"):
                maintype, subtype = "application", "octet-stream"  # the bytes travel as they are
            msg.add_attachment(payload, maintype=maintype, subtype=subtype,
                               filename=_file_name(name) or f"dinh-kem-{number}")


def _tag(name: str) -> int | None:
    try:
        return int(name[len(SUBSTG):len(SUBSTG) + 8], 16)
    except ValueError:
        return None


def _codepage(number: int | None) -> str | None:
    if not number:
        return None
    name = "utf-8" if number == 65001 else f"cp{number}"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _address(*candidates: str | None) -> str | None:
    """The first candidate that is an internet address (an Exchange sender is also named "/O=ORG/OU=...")."""
    for value in candidates:
        if value and "@" in value and not value.startswith("/"):
            return value.removeprefix("SMTP:").removeprefix("smtp:").strip()
    return None


def _mailbox(name: str | None, address: str) -> str:
    """ "Name <address>"; an address the mail library cannot write (not ASCII) stays as it is: _set drops it."""
    try:
        return formataddr((name or "", address))
    except UnicodeError:
        return address


def _header_address(headers: str | None) -> str | None:
    """The From address of the internet headers Outlook keeps of a received mail."""
    for line in (headers or "").splitlines():
        if line[:5].lower() == "from:":
            address = parseaddr(line[5:5 + MAX_HEADER])[1]
            return address if "@" in address else None
    return None


def _file_name(name: str | None) -> str | None:
    return re.split(r"[\\/]", strip_controls(name))[-1].strip()[-MAX_NAME:] or None if name else None


def _set(msg: EmailMessage, header: str, value: str) -> None:
    """Set one header; a value the mail library cannot write (a broken address) is left out, the mail is read."""
    try:
        msg[header] = " ".join(strip_controls(value).split())[:MAX_HEADER]
        str(msg[header])
    except (ValueError, TypeError, IndexError, HeaderParseError):
        del msg[header]
