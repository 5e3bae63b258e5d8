"""The office's IMAP mailbox, read without changing it: messages are fetched with ``BODY.PEEK`` (never
marked read), the folder is opened read-only unless messages are to be moved, and a message is moved only
when asked (``move``: the server's MOVE, else COPY and a \\Deleted flag, expunged only by UID).

Every failure to reach, log in to or use the mailbox is one ``MailboxError`` whose message (from the
catalogue, in Vietnamese) says what to check; a dead network ends within ``TIMEOUT_S`` seconds.
"""
from __future__ import annotations

import base64
import imaplib
import re
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import date
from typing import Any

from sheets_tools.core.findings import message

TIMEOUT_S = 20  # seconds a silent server is waited for (connect, each answer)
BATCH = 200  # UIDs per FETCH of the headers
DETAIL_MAX = 200
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_UID = re.compile(rb"UID (\d+)")


class MailboxError(Exception):
    """The mailbox cannot be read (connection, certificate, login, folder, a server error midway).
    ``code`` is its catalogue code; ``str()`` the Vietnamese message."""

    def __init__(self, code: str, **context: Any):
        self.code = code
        self.context = context
        super().__init__(message(code, **context))


@dataclass
class Fetched:
    uid: int
    data: bytes
    arrived: float | None  # the server's INTERNALDATE (a time stamp), when it gave one


def imap_utf7(name: str) -> str:
    """A folder name in IMAP's modified UTF-7 (RFC 3501 5.1.3), as servers expect a Vietnamese name."""
    out, run = [], []

    def flush() -> None:
        if run:
            packed = base64.b64encode("".join(run).encode("utf-16-be")).decode("ascii").rstrip("=")
            out.append("&" + packed.replace("/", ",") + "-")
            run.clear()
    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            run.append(ch)
    flush()
    return "".join(out)


def _quoted(name: str) -> str:
    return '"' + imap_utf7(name).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _detail(exc: BaseException) -> str:
    text = exc.args[0] if exc.args else exc
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return (str(text).strip() or type(exc).__name__)[:DETAIL_MAX]


def _arrived(response: bytes) -> float | None:
    """The INTERNALDATE of a FETCH response as a time stamp; None when absent or impossible."""
    try:
        stamp = imaplib.Internaldate2tuple(response)
        return time.mktime(stamp) if stamp else None
    except (OverflowError, ValueError):
        return None


class ImapBox:
    """One session with the mailbox: ``with ImapBox(...) as box: box.open(folder) ...``."""

    def __init__(self, host: str, port: int, security: str, user: str, password: str, *,
                 timeout: float = TIMEOUT_S):
        self.host, self.port, self.security, self.user = host, port, security, user
        self._password, self.timeout = password, timeout
        self.conn: imaplib.IMAP4 | None = None
        self.caps: set[str] = set()
        self.folder = ""
        self.uidvalidity = 0

    # --- connecting -------------------------------------------------------------------------
    def __enter__(self) -> "ImapBox":
        self.conn = self._connect()
        self._login()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.conn is not None:
            try:
                self.conn.logout()
            except (imaplib.IMAP4.error, OSError):
                pass  # the session ends anyway
            self.conn = None

    def _where(self) -> dict[str, Any]:
        return {"host": self.host, "port": self.port, "user": self.user, "seconds": int(self.timeout)}

    def _connect(self) -> imaplib.IMAP4:
        context = ssl.create_default_context()
        try:
            if self.security == "ssl":
                return imaplib.IMAP4_SSL(self.host, self.port, ssl_context=context, timeout=self.timeout)
            conn = imaplib.IMAP4(self.host, self.port, timeout=self.timeout)
            if self.security == "starttls":
                conn.starttls(ssl_context=context)
            return conn
        except ssl.SSLCertVerificationError as exc:
            raise MailboxError("fetch.certificate", detail=exc.verify_message or _detail(exc), **self._where()) from exc
        except ssl.SSLError as exc:
            raise MailboxError("fetch.tls", detail=exc.reason or _detail(exc), **self._where()) from exc
        except (socket.timeout, TimeoutError) as exc:
            raise MailboxError("fetch.timeout", **self._where()) from exc
        except socket.gaierror as exc:
            raise MailboxError("fetch.unreachable", detail="không tìm thấy tên máy chủ", **self._where()) from exc
        except ConnectionRefusedError as exc:
            raise MailboxError("fetch.unreachable", detail="máy chủ từ chối kết nối", **self._where()) from exc
        except (imaplib.IMAP4.error, EOFError) as exc:  # no IMAP greeting, or STARTTLS refused
            raise MailboxError("fetch.tls", detail=_detail(exc), **self._where()) from exc
        except OSError as exc:
            raise MailboxError("fetch.unreachable", detail=exc.strerror or _detail(exc), **self._where()) from exc

    def _login(self) -> None:
        conn = self.conn
        try:
            if self._password.isascii() and self.user.isascii():
                conn.login(self.user, self._password)
            else:  # LOGIN takes ASCII only: a Vietnamese password goes through AUTHENTICATE PLAIN in UTF-8
                conn.authenticate("PLAIN", lambda _: f"\0{self.user}\0{self._password}".encode("utf-8"))
        except imaplib.IMAP4.abort as exc:
            raise MailboxError("fetch.server", action="đăng nhập", detail=_detail(exc), **self._where()) from exc
        except imaplib.IMAP4.error as exc:
            raise MailboxError("fetch.login", detail=_detail(exc), **self._where()) from exc
        except (socket.timeout, TimeoutError) as exc:
            raise MailboxError("fetch.timeout", **self._where()) from exc
        except OSError as exc:
            raise MailboxError("fetch.server", action="đăng nhập", detail=_detail(exc), **self._where()) from exc
        typ, data = self._call("đọc khả năng của máy chủ", conn.capability)
        self.caps = set(b" ".join(d for d in data if isinstance(d, bytes)).decode("ascii", "replace").upper().split())

    def _call(self, action: str, func, *args):
        """A command whose failure (a dropped connection, a refusal) ends the session with one message."""
        try:
            typ, data = func(*args)
        except (socket.timeout, TimeoutError) as exc:
            raise MailboxError("fetch.timeout", **self._where()) from exc
        except (imaplib.IMAP4.error, OSError, EOFError) as exc:
            raise MailboxError("fetch.server", action=action, detail=_detail(exc), **self._where()) from exc
        if typ != "OK":
            raise MailboxError("fetch.server", action=action, detail=_detail(Exception(*(data or [typ]))),
                               **self._where())
        return typ, data

    # --- folders ------------------------------------------------------------------------------
    def folders(self) -> list[str]:
        """The mailbox's folder names as the server spells them (modified UTF-7 left as it is)."""
        _, data = self._call("liệt kê thư mục", self.conn.list)
        names = []
        for line in data:
            if isinstance(line, bytes):
                match = re.search(rb'(?:"((?:[^"\\]|\\.)*)"|(\S+))\s*$', line)
                if match:
                    names.append((match.group(1) or match.group(2)).decode("utf-8", "replace"))
        return names

    def _missing(self, folder: str, where: str) -> MailboxError:
        try:
            shown = ", ".join(f"\"{n}\"" for n in self.folders()) or "không có"
        except MailboxError:
            shown = "không đọc được"
        return MailboxError("fetch.no_folder", folder=folder, where=where, folders=shown, **self._where())

    def open(self, folder: str, *, writable: bool = False) -> None:
        """Select ``folder`` (read-only unless ``writable``) and note its UIDVALIDITY."""
        try:
            typ, data = self.conn.select(_quoted(folder), readonly=not writable)
        except (socket.timeout, TimeoutError) as exc:
            raise MailboxError("fetch.timeout", **self._where()) from exc
        except (imaplib.IMAP4.error, OSError, EOFError) as exc:
            raise MailboxError("fetch.server", action=f"mở thư mục \"{folder}\"", detail=_detail(exc),
                               **self._where()) from exc
        if typ != "OK":
            raise self._missing(folder, "imap.folder trên trang \"Cài đặt\"")
        _, value = self.conn.response("UIDVALIDITY")
        try:
            self.uidvalidity = int(value[0])
        except (TypeError, ValueError, IndexError):
            self.uidvalidity = 0  # a server without UIDVALIDITY: Message-IDs alone tell what was taken
        self.folder = folder

    def require(self, folder: str) -> None:
        """Refuse, before anything is taken, a folder to move messages to that does not exist."""
        try:
            typ, _ = self.conn.status(_quoted(folder), "(MESSAGES)")
        except imaplib.IMAP4.abort as exc:
            raise MailboxError("fetch.server", action=f"kiểm tra thư mục \"{folder}\"", detail=_detail(exc),
                               **self._where()) from exc
        except imaplib.IMAP4.error:
            typ = "NO"
        if typ != "OK":
            raise self._missing(folder, "tùy chọn --move-to")

    # --- messages -----------------------------------------------------------------------------
    def search(self, since: date | None = None) -> list[int]:
        """The UIDs of the open folder's messages (received on or after ``since``), in order."""
        criteria = ("SINCE", f"{since.day:02d}-{_MONTHS[since.month - 1]}-{since.year}") if since else ("ALL",)
        _, data = self._call("tìm thư", self.conn.uid, "SEARCH", None, *criteria)
        return sorted({int(n) for n in b" ".join(d for d in data if d).split()})

    def headers(self, uids: list[int]) -> dict[int, bytes]:
        """The Message-ID header of each message (fetched without marking anything read)."""
        out: dict[int, bytes] = {}
        for start in range(0, len(uids), BATCH):
            chunk = ",".join(str(u) for u in uids[start:start + BATCH])
            _, data = self._call("đọc tiêu đề thư", self.conn.uid, "FETCH", chunk,
                                 "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
            for item in data:
                if isinstance(item, tuple) and (match := _UID.search(item[0])):
                    out[int(match.group(1))] = item[1]
        return out

    def fetch(self, uid: int) -> Fetched | None:
        """One whole message, never marked read; None when it is gone (moved or deleted meanwhile)."""
        _, data = self._call("tải thư", self.conn.uid, "FETCH", str(uid), "(INTERNALDATE BODY.PEEK[])")
        for item in data:
            if isinstance(item, tuple) and isinstance(item[1], bytes):
                return Fetched(uid, item[1], _arrived(item[0]))
        return None

    def move(self, uids: list[int], folder: str) -> None:
        """Move messages of the open (writable) folder to ``folder``."""
        if not uids:
            return
        chunk = ",".join(str(u) for u in uids)
        if "MOVE" in self.caps:
            self._call(f"chuyển thư sang \"{folder}\"", self.conn.uid, "MOVE", chunk, _quoted(folder))
            return
        self._call(f"chép thư sang \"{folder}\"", self.conn.uid, "COPY", chunk, _quoted(folder))
        self._call("đánh dấu thư đã chuyển", self.conn.uid, "STORE", chunk, "+FLAGS.SILENT", r"(\Deleted)")
        if "UIDPLUS" in self.caps:  # only these messages: a plain EXPUNGE would remove others marked \Deleted
            self._call("xóa thư đã chuyển", self.conn.uid, "EXPUNGE", chunk)
