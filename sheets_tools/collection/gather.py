"""Gather returned files: every file under the given folders, and the workbooks attached to .eml
messages (with the date the unit sent them), as Incoming; a document that travels with a
workbook (a report's narrative) is kept beside it, never read as a form.

Nothing a unit sends can stop the run: a mail the parser cannot take (nested a thousand times,
damaged) is one rejected file. Only regular files are opened (a FIFO, a device or a folder named
like a workbook is refused before any read), a link inside a folder is not followed out of it, and
a date from another computer's clock that lies in the future is replaced by the moment of collection.
"""
from __future__ import annotations

import email
import os
import re
import stat
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email import policy
from email.message import Message
from pathlib import Path
from typing import Iterable, Iterator

from sheets_tools.core.findings import Finding, finding
from sheets_tools.core.records import OFFICE_TZ, Document, FileResult, Incoming
from sheets_tools.core.text import clean, strip_controls
from sheets_tools.excel.sniff import OLE_MAGIC, SPREADSHEET_EXTENSIONS, sniff

# documents that travel with a workbook (a report's narrative): kept beside it, never read as a form
DOCUMENT_EXTENSIONS = (".doc", ".docx", ".odt", ".pdf", ".rtf")
# a folder with such a name is refused, not walked: it stands where a workbook or a mail is expected
FILE_LIKE_EXTENSIONS = SPREADSHEET_EXTENSIONS + (".eml",)
# a mail holds parts in parts (a forward of a forward ...): deeper or bigger than this, it is refused
MAX_MAIL_DEPTH = 20
MAX_MAIL_PARTS = 1000
# a mail or file dated later than this after its collection comes from a wrong clock: dated at collection
FUTURE_SLACK = timedelta(days=1)
# findings on a path of the operator's own disk: nothing was received, nothing is recorded
NOT_RECEIVED = frozenset({"file.unreadable", "file.not_regular", "file.link_outside"})


def gather(paths: Iterable[Path], exclude: Iterable[Path] = ()) -> Iterator[Incoming | FileResult]:
    """Every file under ``paths`` (files, folders, .eml messages) as Incoming, or a FileResult
    carrying a file-level finding when there is nothing to read. Paths in or under ``exclude``
    (e.g. the campaign's own folders) are left out. A path given here is the operator's choice
    (a link is followed); inside a folder, links leading out of it are refused."""
    excluded = [_real(Path(e)) for e in exclude]
    entries: list[Path | FileResult] = []
    for path in map(Path, paths):
        if _within(path, excluded):
            continue
        if _is_folder(path) and not _file_like(path.name):
            entries.extend(_walk(path, excluded))
        else:  # a file, a missing path, or something that is not a regular file: _from_path says which
            entries.append(path)
    files = [e for e in entries if isinstance(e, Path)]
    with_workbooks = {f.parent for f in files if not _is_document(f.name)}
    for entry in entries:
        if isinstance(entry, FileResult):
            yield entry
        elif _is_document(entry.name) and entry.parent in with_workbooks:
            continue  # travels with the workbooks of its folder (Incoming.documents)
        else:
            yield from _from_path(entry)


def _is_document(name: str | None) -> bool:
    return bool(name) and name.lower().endswith(DOCUMENT_EXTENSIONS)


def _file_like(name: str) -> bool:
    return name.lower().endswith(FILE_LIKE_EXTENSIONS)


def _is_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _folder_documents(path: Path) -> list[Document]:
    """The documents beside a workbook: regular files only (a link or a FIFO named x.pdf is not taken)."""
    try:
        siblings = sorted(path.parent.iterdir())
    except OSError:
        return []
    return [Document(name=p.name, path=p) for p in siblings
            if _is_document(p.name) and not _skipped(p.name) and _regular_entry(p)]


def _regular_entry(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _real(path: Path) -> Path:
    """The path with every link resolved, never raising (a link loop stays as it is)."""
    try:
        return Path(os.path.realpath(path))
    except (OSError, ValueError, RuntimeError):
        return Path(os.path.abspath(path))


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _within(path: Path, excluded: list[Path]) -> bool:
    if not excluded:
        return False
    resolved = _real(path)
    return any(_inside(resolved, e) for e in excluded)


def _walk(folder: Path, excluded: list[Path]) -> list[Path | FileResult]:
    """The files under ``folder`` in path order, without hidden ones; a link that leads out of the
    folder, or a folder named like a workbook, as a refusal. Iterative: no depth limit, and no loop
    (folder links are not followed; a folder reached twice is walked once)."""
    root = _real(folder)
    found: list[tuple[Path, Path | FileResult]] = []
    seen: set[Path] = set()
    stack = [folder]
    while stack:
        current = stack.pop()
        real = _real(current)
        if real in seen:
            continue
        seen.add(real)
        try:
            with os.scandir(current) as listing:
                children = [Path(entry.path) for entry in listing]
        except OSError as exc:
            found.append((current, _refused(current, "file.unreadable", detail=_os_detail(exc))))
            continue
        for child in children:
            if _skipped(child.name):
                continue
            entry = _entry(child, real, root, excluded)
            if isinstance(entry, str):  # "folder"
                stack.append(child)
            elif entry is not None:
                found.append((child, entry))
    found.sort(key=lambda pair: pair[0])
    return [entry for _, entry in found]


def _entry(child: Path, real_folder: Path, root: Path, excluded: list[Path]) -> Path | FileResult | str | None:
    """What one name in a walked folder (whose real path is ``real_folder``) is: a file to take (its path),
    "folder" to walk, a refusal, or None (left out, or a link to a folder inside the walked one: that
    folder is walked by its own name)."""
    try:
        mode = os.lstat(child).st_mode
    except OSError as exc:
        return _refused(child, "file.unreadable", detail=_os_detail(exc))
    linked = stat.S_ISLNK(mode) or stat.S_ISDIR(mode)  # a folder may be a junction (Windows): resolved too
    target = _real(child) if linked else real_folder / child.name
    if any(_inside(target, e) for e in excluded):
        return None
    if not _inside(target, root):
        return _refused(child, "file.link_outside", target=str(target))
    if stat.S_ISLNK(mode):
        return None if _is_folder(target) else child
    if stat.S_ISDIR(mode):
        if _file_like(child.name):
            return _refused(child, "file.not_regular", what="một thư mục")
        return "folder"
    return child  # a regular file, or a FIFO, device or socket that _from_path refuses unopened


def _skipped(name: str) -> bool:
    """Hidden files and the lock files Excel ("~$x.xlsx") and LibreOffice (".~lock.x#") leave."""
    return name.startswith((".", "~$"))


def _refused(path: Path, code: str, **context) -> FileResult:
    incoming = Incoming(name=path.name, data=b"", source=str(path), received_at=datetime.now())
    return FileResult(incoming, findings=[finding(code, file=str(path), value=str(path), **context)])


def _os_detail(exc: OSError) -> str:
    return "không tìm thấy tệp" if isinstance(exc, FileNotFoundError) else f"{type(exc).__name__}: {exc}"


_KINDS = ((stat.S_ISDIR, "một thư mục"), (stat.S_ISFIFO, "một đường ống (FIFO)"), (stat.S_ISSOCK, "một socket"),
          (stat.S_ISCHR, "một thiết bị"), (stat.S_ISBLK, "một thiết bị"))


def _kind(mode: int) -> str:
    return next((word for test, word in _KINDS if test(mode)), "không phải tệp thông thường")


class _NotRegular(Exception):
    def __init__(self, mode: int):
        self.mode = mode


def _read_regular(path: Path) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file. Checked before opening (a FIFO would block the read) and again on
    the opened descriptor (the name may have been replaced in between); opened non-blocking where the
    system has it, so even that race cannot hang the run."""
    before = os.stat(path)
    if not stat.S_ISREG(before.st_mode):
        raise _NotRegular(before.st_mode)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
    with open(fd, "rb", closefd=True) as handle:
        opened = os.fstat(handle.fileno())
        if not stat.S_ISREG(opened.st_mode):
            raise _NotRegular(opened.st_mode)
        return handle.read(), opened


def _from_path(path: Path) -> Iterator[Incoming | FileResult]:
    try:
        data, info = _read_regular(path)
    except _NotRegular as exc:
        yield _refused(path, "file.not_regular", what=_kind(exc.mode))
        return
    except (OSError, ValueError) as exc:
        incoming = Incoming(name=path.name, data=b"", source=str(path), received_at=datetime.now())
        detail = _os_detail(exc) if isinstance(exc, OSError) else f"{type(exc).__name__}: {exc}"
        yield FileResult(incoming, findings=[finding("file.unreadable", file=str(path), detail=detail)])
        return
    now = datetime.now()
    mtime = _timestamp(info.st_mtime)
    if path.suffix.lower() == ".eml":
        yield from _from_eml(path, data, mtime, now)
        return
    received, notes = dated(mtime, now, str(path))
    yield Incoming(name=strip_controls(path.name), data=data, source=str(path), received_at=received, notes=notes,
                   documents=_folder_documents(path))


def _timestamp(seconds: float) -> datetime | None:
    try:
        return datetime.fromtimestamp(seconds)
    except (OverflowError, OSError, ValueError):
        return None


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


class _TooDeep(Exception):
    """A mail nested deeper, or holding more parts, than a unit's mail ever does."""


def _from_eml(path: Path, data: bytes, mtime: datetime | None, now: datetime) -> Iterator[Incoming | FileResult]:
    sent = None
    try:
        msg = email.message_from_bytes(data, policy=policy.default)
        sent = _mail_date(msg)
        attachments, documents = _attachments(msg, sent)
    except (_TooDeep, RecursionError) as exc:  # the parser itself recurses on nested parts
        detail = str(exc) if isinstance(exc, _TooDeep) else f"lồng nhau quá {MAX_MAIL_DEPTH} tầng"
        yield _rejected_mail(path, data, sent or mtime, now, finding("file.too_deep", file=str(path), detail=detail))
        return
    except Exception as exc:  # per-mail boundary: no mail, however broken, stops the run
        detail = f"thư điện tử bị hỏng ({type(exc).__name__}: {str(exc)[:200]})"
        yield _rejected_mail(path, data, sent or mtime, now, finding("file.unreadable", file=str(path), detail=detail))
        return
    for part in attachments:
        name = part.name or f"dinh-kem-{part.number}"
        received, notes = dated(part.when or mtime, now, str(path))
        if part.when is None and mtime is not None and not notes:
            notes = [_date_unknown(path, received)]
        yield Incoming(name=name, data=part.payload, source=f"{path} » {name}", received_at=received,
                       notes=notes, documents=documents)
    if not attachments:
        yield _rejected_mail(path, data, sent or mtime, now, finding("file.no_attachment", file=str(path)))


def _rejected_mail(path: Path, data: bytes, when: datetime | None, now: datetime, problem: Finding) -> FileResult:
    received, notes = dated(when, now, str(path))
    incoming = Incoming(name=path.name, data=data, source=str(path), received_at=received)
    return FileResult(incoming, findings=[problem] + notes)


def _attachments(msg: Message, sent: datetime | None) -> tuple[list[_Attachment], list[Document]]:
    """The workbooks attached to a mail (at any depth of forwarding) and the documents sent with them."""
    attachments, documents = [], []
    for number, (part, when) in enumerate(_leaves(msg, sent), start=1):
        name = _attachment_name(part.get_filename())
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        if _is_document(name):
            documents.append(Document(name=name, data=payload))
        if _is_spreadsheet_attachment(name, part, payload):
            attachments.append(_Attachment(number, name, when, payload))
    return attachments, documents


def _attachment_name(name: str | None) -> str | None:
    """An attachment's own name: no folder part (some programs send "C:\\...\\x.xlsx"), no control characters."""
    if not name:
        return None
    return clean(re.split(r"[\\/]", str(name))[-1]) or None


def _leaves(msg: Message, when: datetime | None) -> list[tuple[Message, datetime | None]]:
    """The leaf parts of a message with the date of the message that holds each: an attachment of a
    forwarded message (message/rfc822) keeps the unit's own sending date, not the forward's.
    Walked without recursion; deeper than MAX_MAIL_DEPTH or more than MAX_MAIL_PARTS parts: _TooDeep."""
    leaves: list[tuple[Message, datetime | None]] = []
    stack: list[tuple[Message, datetime | None, int]] = [(msg, when, 0)]
    visited = 0
    while stack:
        part, when, depth = stack.pop()
        visited += 1
        if depth > MAX_MAIL_DEPTH:
            raise _TooDeep(f"lồng nhau quá {MAX_MAIL_DEPTH} tầng")
        if visited > MAX_MAIL_PARTS:
            raise _TooDeep(f"có hơn {MAX_MAIL_PARTS} phần")
        children = part.get_payload() if part.is_multipart() else None
        if not isinstance(children, list):
            leaves.append((part, when))
            continue
        forwarded = part.get_content_type() == "message/rfc822"
        for child in reversed(children):  # the stack gives them back in their order
            if isinstance(child, Message):
                stack.append((child, (_mail_date(child) or when) if forwarded else when, depth + 1))
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
