"""Gather returned files: every file under the given folders, and the workbooks attached to .eml
messages (with the date the unit sent them), as Incoming; a document that travels with a
workbook (a report's narrative) is kept beside it, never read as a form."""
from __future__ import annotations

import email
from datetime import datetime, timezone
from email import policy
from email.message import Message
from pathlib import Path
from typing import Iterable, Iterator

from sheets_tools.core.findings import finding
from sheets_tools.core.records import OFFICE_TZ, Document, FileResult, Incoming
from sheets_tools.excel.sniff import OLE_MAGIC, SPREADSHEET_EXTENSIONS, sniff

# documents that travel with a workbook (a report's narrative): kept beside it, never read as a form
DOCUMENT_EXTENSIONS = (".doc", ".docx", ".odt", ".pdf", ".rtf")


def gather(paths: Iterable[Path], exclude: Iterable[Path] = ()) -> Iterator[Incoming | FileResult]:
    """Every file under ``paths`` (files, folders, .eml messages) as Incoming, or a FileResult
    carrying a file-level finding when there is nothing to read. Paths in or under ``exclude``
    (e.g. the campaign's own folders) are left out."""
    excluded = [Path(e).resolve() for e in exclude]
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files.extend(child for child in _walk(path) if not _within(child, excluded))
        elif not _within(path, excluded):
            files.append(path)
    with_workbooks = {f.parent for f in files if not _is_document(f.name)}
    for path in files:
        if _is_document(path.name) and path.parent in with_workbooks:
            continue  # travels with the workbooks of its folder (Incoming.documents)
        yield from _from_path(path)


def _is_document(name: str | None) -> bool:
    return bool(name) and name.lower().endswith(DOCUMENT_EXTENSIONS)


def _folder_documents(path: Path) -> list[Document]:
    try:
        return [Document(name=p.name, path=p) for p in sorted(path.parent.iterdir())
                if p.is_file() and _is_document(p.name) and not _skipped(p.name)]
    except OSError:
        return []


def _within(path: Path, excluded: list[Path]) -> bool:
    if not excluded:
        return False
    resolved = path.resolve()
    return any(resolved == e or e in resolved.parents for e in excluded)


def _walk(folder: Path) -> Iterator[Path]:
    for child in sorted(folder.rglob("*")):
        parts = child.relative_to(folder).parts
        if child.is_file() and not any(_skipped(p) for p in parts):
            yield child


def _skipped(name: str) -> bool:
    """Hidden files and the lock files Excel ("~$x.xlsx") and LibreOffice (".~lock.x#") leave."""
    return name.startswith((".", "~$"))


def _from_path(path: Path) -> Iterator[Incoming | FileResult]:
    try:
        data = path.read_bytes()
        mtime = datetime.fromtimestamp(path.stat().st_mtime)
    except OSError as exc:
        incoming = Incoming(name=path.name, data=b"", source=str(path), received_at=datetime.now())
        detail = "không tìm thấy tệp" if isinstance(exc, FileNotFoundError) else f"{type(exc).__name__}: {exc}"
        yield FileResult(incoming, findings=[finding("file.unreadable", file=str(path), detail=detail)])
        return
    if path.suffix.lower() == ".eml":
        yield from _from_eml(path, data, mtime)
    else:
        yield Incoming(name=path.name, data=data, source=str(path), received_at=mtime,
                       documents=_folder_documents(path))


def _from_eml(path: Path, data: bytes, mtime: datetime) -> Iterator[Incoming | FileResult]:
    msg = email.message_from_bytes(data, policy=policy.default)
    sent = _mail_date(msg)
    found = False
    parts = list(enumerate(_leaves(msg, sent), start=1))
    documents = [Document(name=part.get_filename(), data=part.get_payload(decode=True)) for _, (part, _) in parts
                 if _is_document(part.get_filename()) and isinstance(part.get_payload(decode=True), bytes)]
    for n, (part, when) in parts:
        name = part.get_filename()
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes) or not _is_spreadsheet_attachment(name, part, payload):
            continue
        found = True
        name = name or f"dinh-kem-{n}"
        yield Incoming(name=name, data=payload, source=f"{path} » {name}", received_at=when or mtime,
                       notes=[] if when else [_date_unknown(path, mtime)], documents=documents)
    if not found:
        incoming = Incoming(name=path.name, data=data, source=str(path), received_at=sent or mtime)
        yield FileResult(incoming, findings=[finding("file.no_attachment", file=str(path))])


def _leaves(msg: Message, when: datetime | None) -> Iterator[tuple[Message, datetime | None]]:
    """The leaf parts of a message with the date of the message that holds each: an attachment of a
    forwarded message (message/rfc822) keeps the unit's own sending date, not the forward's."""
    if msg.get_content_type() == "message/rfc822":
        for inner in msg.get_payload():
            yield from _leaves(inner, _mail_date(inner) or when)
    elif msg.is_multipart():
        for part in msg.get_payload():
            yield from _leaves(part, when)
    else:
        yield msg, when


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
    except (TypeError, ValueError, AttributeError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:  # "-0000": UTC, sender's zone unknown
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(OFFICE_TZ).replace(tzinfo=None)
