"""Gather returned files: every file under the given folders, and the workbooks attached to mails saved
as files (``.eml``, Outlook's ``.msg``: ``mail_files``, with the date the unit sent them), as Incoming; a
document that travels with a workbook (a report's narrative) is kept beside it, never read as a form.

Nothing a unit sends can stop the run. Only regular files are opened (a FIFO, a device or a folder named
like a workbook is refused before any read), a link inside a folder is not followed out of it, and
a date from another computer's clock that lies in the future is replaced by the moment of collection.
"""
from __future__ import annotations

import os
import stat
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable, Iterator

from sheets_tools.collection.mail_files import (DOCUMENT_EXTENSIONS, MAIL_EXTENSIONS, MailFacts, dated, is_document,
                                                mail_facts, mail_sender, read_mail, read_msg)
from sheets_tools.core.findings import finding
from sheets_tools.core.records import Document, FileResult, Incoming
from sheets_tools.core.text import strip_controls
from sheets_tools.excel.sniff import SPREADSHEET_EXTENSIONS
from sheets_tools.store import seen as seen_store

# the names other stages take from here
__all__ = ["gather", "listed", "resolved", "Seen", "NOT_RECEIVED", "FILE_LIKE_EXTENSIONS", "DOCUMENT_EXTENSIONS",
           "MailFacts", "dated", "mail_facts", "mail_sender", "read_mail"]

# a folder with such a name is refused, not walked: it stands where a workbook or a mail is expected
FILE_LIKE_EXTENSIONS = SPREADSHEET_EXTENSIONS + MAIL_EXTENSIONS
# findings on a path of the operator's own disk: nothing was received, nothing is recorded
NOT_RECEIVED = frozenset({"file.unreadable", "file.not_regular", "file.link_outside"})


def gather(paths: Iterable[Path], exclude: Iterable[Path] = (), *, seen: Seen | None = None
           ) -> Iterator[Incoming | FileResult]:
    """Every file under ``paths`` (files, folders, .eml and .msg mails) as Incoming, or a FileResult
    carrying a file-level finding when there is nothing to read. Paths in or under ``exclude``
    (e.g. the campaign's own folders) are left out. A path given here is the operator's choice
    (a link is followed); inside a folder, links leading out of it are refused. With ``seen``, each file
    read is noted there with what it gave, and a file ``seen.index`` knows unchanged is not read: its items
    come back as they were (no bytes, their sha256 known), for the ledger to answer as duplicates."""
    documents: dict[Path, list[Document]] = {}  # each folder listed once, however many workbooks it holds
    for entry in listed(paths, exclude):
        if isinstance(entry, FileResult):
            yield entry
        elif seen is None:
            yield from _from_path(entry, documents)
        else:
            yield from seen.taken(entry, documents)


def listed(paths: Iterable[Path], exclude: Iterable[Path] = ()) -> list[Path | FileResult]:
    """What ``gather`` goes through, in its order, without reading any file: the paths of the files it
    reads, and the refusals found while walking the folders."""
    excluded = frozenset(_real(Path(e)) for e in exclude)
    entries: list[Path | FileResult] = []
    for path in map(Path, paths):
        if _within(path, excluded):
            continue
        if _is_folder(path) and not _file_like(path.name):
            entries.extend(_walk(path, excluded))
        else:  # a file, a missing path, or something that is not a regular file: _from_path says which
            entries.append(path)
    files = [e for e in entries if isinstance(e, Path)]
    with_workbooks = {f.parent for f in files if not is_document(f.name)}
    # a document travels with the workbooks of its folder (Incoming.documents)
    return [e for e in entries if not (isinstance(e, Path) and is_document(e.name) and e.parent in with_workbooks)]


class Seen:
    """The files a collect read, each with its stat and the items it gave (``read``: text of the path ->
    (resolved path, stat, items)), and the files known unchanged from an earlier collect (``index``:
    resolved path -> (stat, items), every item's content in the ledger)."""

    def __init__(self, index: dict[str, tuple[str, list[seen_store.Item]]] | None = None):
        self.index = index or {}
        self.read: dict[str, tuple[str, str, list[Incoming]]] = {}
        self.folders: dict[Path, str] = {}  # resolved folders (``resolved``)

    def taken(self, path: Path, documents: dict[Path, list[Document]]) -> Iterator[Incoming | FileResult]:
        real = resolved(path, self.folders)
        known = self.index.get(real)
        if known is not None and seen_store.stat_of(path) == known[0]:
            self.read[str(path)] = (real, known[0], [])
            now = datetime.now()
            for item in known[1]:
                incoming = Incoming(name=item.name, data=b"", source=f"{path}{item.suffix}", received_at=now)
                incoming.sha256 = item.sha256  # the cached property, known without the bytes
                self.read[str(path)][2].append(incoming)
                yield incoming
            return
        items: list[list[Incoming]] = []  # the list of this reading's items, once the file was read

        def note(path: Path, info: os.stat_result) -> None:
            self.read[str(path)] = (real, seen_store.stat_text(info), [])
            items.append(self.read[str(path)][2])
        for item in _from_path(path, documents, note):
            if items:
                items[0].append(item.incoming if isinstance(item, FileResult) else item)
            yield item


def resolved(path: Path, folders: dict[Path, str] | None = None) -> str:
    """The path with every link resolved, as text: the name under which ``Seen`` notes a file. ``folders``
    caches each folder's resolved path: a file that is no link is its resolved folder and its name."""
    if folders is None or os.path.islink(path):
        return str(_real(path))
    if path.parent not in folders:
        folders[path.parent] = str(_real(path.parent))
    return os.path.join(folders[path.parent], path.name)


def _file_like(name: str) -> bool:
    return name.lower().endswith(FILE_LIKE_EXTENSIONS)


def _is_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _folder_documents(folder: Path) -> list[Document]:
    """The documents in ``folder``, beside its workbooks: regular files only (a link or a FIFO named x.pdf
    is not taken). Only names that look like documents are looked at further."""
    try:
        with os.scandir(folder) as listing:
            paths = sorted(folder / e.name for e in listing if is_document(e.name) and not _skipped(e.name))
    except OSError:
        return []
    return [Document(name=p.name, path=p) for p in paths if _regular_entry(p)]


def _documents_beside(path: Path, cache: dict[Path, list[Document]]) -> list[Document]:
    """The documents beside the workbook ``path``; its folder is listed once per ``cache``. Each workbook
    gets its own list (of the same documents)."""
    folder = path.parent
    if folder not in cache:
        cache[folder] = _folder_documents(folder)
    return [Document(name=d.name, path=d.path) for d in cache[folder]]


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


def _inside_any(path: Path, folders: frozenset[Path]) -> bool:
    """Whether ``path`` is one of ``folders`` or lies under one (one pass over its parents)."""
    return bool(folders) and (path in folders or not folders.isdisjoint(path.parents))


def _within(path: Path, excluded: frozenset[Path]) -> bool:
    return bool(excluded) and _inside_any(_real(path), excluded)


def _walk(folder: Path, excluded: frozenset[Path]) -> list[Path | FileResult]:
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
        place = (_inside(real, root), _inside_any(real, excluded))  # decides for every plain name in it
        try:
            with os.scandir(current) as listing:
                children = [Path(entry.path) for entry in listing]
        except OSError as exc:
            found.append((current, _refused(current, "file.unreadable", detail=_os_detail(exc))))
            continue
        for child in children:
            if _skipped(child.name):
                continue
            entry = _entry(child, real, root, excluded, place)
            if isinstance(entry, str):  # "folder"
                stack.append(child)
            elif entry is not None:
                found.append((child, entry))
    found.sort(key=lambda pair: pair[0])
    return [entry for _, entry in found]


def _entry(child: Path, real_folder: Path, root: Path, excluded: frozenset[Path],
           place: tuple[bool, bool]) -> Path | FileResult | str | None:
    """What one name in a walked folder (whose real path is ``real_folder``) is: a file to take (its path),
    "folder" to walk, a refusal, or None (left out, or a link to a folder inside the walked one: that
    folder is walked by its own name). ``place``: whether ``real_folder`` is inside ``root``, and inside an
    excluded folder (what decides for a name that is not a link, whose path is the folder's and its name)."""
    try:
        mode = os.lstat(child).st_mode
    except OSError as exc:
        return _refused(child, "file.unreadable", detail=_os_detail(exc))
    if stat.S_ISLNK(mode) or stat.S_ISDIR(mode):  # a folder may be a junction (Windows): resolved too
        target = _real(child)
        inside, left_out = _inside(target, root), _inside_any(target, excluded)
    else:
        target = real_folder / child.name
        inside, left_out = place[0] or target == root, place[1] or target in excluded
    if left_out:
        return None
    if not inside:
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


def _from_path(path: Path, documents: dict[Path, list[Document]], note: Callable | None = None
               ) -> Iterator[Incoming | FileResult]:
    """What the file ``path`` holds: one Incoming (a workbook, with the documents of its folder: ``documents``
    caches them per folder), the workbooks of a mail, or a refusal. ``note(path, stat)``: told of each file
    read, with its stat taken before the read."""
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
    if note is not None:
        note(path, info)
    now = datetime.now()
    mtime = _timestamp(info.st_mtime)
    if path.suffix.lower() == ".eml":
        yield from read_mail(data, path, mtime, now)
        return
    if path.suffix.lower() == ".msg":
        yield from read_msg(data, path, mtime, now)
        return
    received, notes = dated(mtime, now, str(path))
    yield Incoming(name=strip_controls(path.name), data=data, source=str(path), received_at=received, notes=notes,
                   documents=_documents_beside(path, documents))


def _timestamp(seconds: float) -> datetime | None:
    try:
        return datetime.fromtimestamp(seconds)
    except (OverflowError, OSError, ValueError):
        return None
