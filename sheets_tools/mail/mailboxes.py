"""Mailboxes kept as files, read without changing them: an mbox file (what Thunderbird keeps, and exports
with ImportExportTools) or a Maildir folder (``cur``, ``new``, ``tmp``), or Outlook's ``.msg`` files (one
file, or a folder of them: messages saved or dragged out of Outlook), each turned into the MIME bytes of the
same mail (``collection.outlook``).

``messages(path)`` gives each message's raw bytes, to the one mail parser of ``collection.gather``.
"""
from __future__ import annotations

import mailbox
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from sheets_tools.collection.outlook import MsgError, msg_to_mime
from sheets_tools.mail.imap import MailboxError

MBOX_START = b"From "
MSG_SUFFIX = ".msg"


@dataclass
class FileMessage:
    key: str  # the message's key in its mailbox (its place in an mbox, its file name in a Maildir)
    data: bytes
    arrived: float | None  # when it was delivered (Maildir), a time stamp


def kind(path: Path) -> str | None:
    """"maildir", "mbox", "msg" (an Outlook .msg file, or a folder holding some), or None when ``path`` is
    none of them."""
    try:
        if path.is_dir():
            if (path / "cur").is_dir() or (path / "new").is_dir():
                return "maildir"
            return "msg" if _msg_files(path) else None
        if path.is_file() and path.suffix.lower() == MSG_SUFFIX:
            return "msg"
        if path.is_file():
            with open(path, "rb") as handle:
                start = handle.read(len(MBOX_START))
            return "mbox" if start == MBOX_START or start == b"" else None
    except OSError as exc:
        raise MailboxError("fetch.mailbox_unreadable", path=str(path), detail=exc.strerror or str(exc)) from exc
    return None


def name_of(path: Path) -> str:
    """The mailbox's name in the ledger: its kind and its full path."""
    return f"{kind(path)}:{os.path.abspath(path)}"


def messages(path: Path) -> Iterator[FileMessage]:
    """Every message of the mbox file, Maildir folder or .msg files at ``path``, in the mailbox's order.
    Raises MailboxError when ``path`` is none of them, or cannot be read."""
    found = kind(path)
    if found is None:
        raise MailboxError("fetch.not_mailbox", path=str(path))
    if found == "msg":
        yield from _outlook_messages(path)
        return
    try:
        box = mailbox.Maildir(path, factory=None, create=False) if found == "maildir" else \
            mailbox.mbox(path, factory=None, create=False)
        keys = sorted(box.keys(), key=str) if found == "maildir" else list(box.keys())
        for key in keys:
            yield FileMessage(str(key), box.get_bytes(key), _delivered(box, key) if found == "maildir" else None)
    except (OSError, mailbox.Error, ValueError) as exc:
        detail = getattr(exc, "strerror", None) or f"{type(exc).__name__}: {exc}"
        raise MailboxError("fetch.mailbox_unreadable", path=str(path), detail=detail) from exc


def _delivered(box: mailbox.Maildir, key: str) -> float | None:
    try:
        return box.get_message(key).get_date()
    except (OSError, mailbox.Error, ValueError):
        return None


def _msg_files(folder: Path) -> list[Path]:
    """The .msg files right in ``folder``, in name order: regular files only (no link, no hidden file, no
    lock file)."""
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.suffix.lower() == MSG_SUFFIX and not entry.name.startswith((".", "~$")) and \
                stat.S_ISREG(os.lstat(entry).st_mode):
            found.append(entry)
    return found


def _outlook_messages(path: Path) -> Iterator[FileMessage]:
    """The mails of the .msg file or folder at ``path``. Every file is read once before anything is taken:
    a damaged one stops the fetch, naming it, before a message is taken."""
    files = [path] if path.is_file() else _msg_files(path)
    for file in files:
        _outlook_message(file)
    for file in files:
        yield _outlook_message(file)


def _outlook_message(file: Path) -> FileMessage:
    try:
        data, arrived = file.read_bytes(), file.stat().st_mtime
        return FileMessage(file.name, msg_to_mime(data).mime, arrived)
    except OSError as exc:
        raise MailboxError("fetch.mailbox_unreadable", path=str(file), detail=exc.strerror or str(exc)) from exc
    except MsgError as exc:
        detail = (f"thư Outlook bị hỏng: {exc.detail}; hãy bỏ tệp này ra khỏi thư mục rồi chạy lại, hoặc nhận "
                  "cả thư mục bằng lệnh collect (tệp hỏng được báo riêng, các tệp khác vẫn được nhận)")
        raise MailboxError("fetch.mailbox_unreadable", path=str(file), detail=detail) from exc
