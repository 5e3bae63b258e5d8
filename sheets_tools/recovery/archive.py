"""What ``archive/`` holds, read without the ledger: each received file with what its run's journal (or an
earlier version's sidecar: ``store.sidecar``) says of it, or, for a file archived before either was kept,
what its copy tells (name and date), the documents kept with them, and what cannot be used."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sheets_tools.collection.gather import DOCUMENT_EXTENSIONS
from sheets_tools.core.findings import Finding, finding
from sheets_tools.store import sidecar
from sheets_tools.store.ledger import ARCHIVE_DIR
from sheets_tools.store.sidecar import Sidecar

TEMP_PREFIX = ".tmp-"


@dataclass
class Received:
    """One archived received file and what is known of it."""

    archived: Path
    meta: Sidecar

    @property
    def order(self) -> tuple:
        return self.meta.collected_at, self.meta.received_at, self.archived.as_posix()


@dataclass
class ArchiveScan:
    received: list[Received] = field(default_factory=list)  # in the order they were taken
    stray_documents: list[Path] = field(default_factory=list)  # documents no sidecar names
    findings: list[Finding] = field(default_factory=list)

    @property
    def guessed(self) -> list[Received]:
        return [r for r in self.received if r.meta.guessed]


def relative(directory: Path, path: Path) -> str:
    """``path`` relative to the campaign folder, with "/" (as the ledger compares archive paths)."""
    return Path(path).relative_to(directory).as_posix()


def archive_files(directory: Path) -> list[Path]:
    """Every file under ``archive/`` except temporary ones a killed run left, sorted."""
    root = Path(directory) / ARCHIVE_DIR
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith(TEMP_PREFIX))


def scan(directory: Path) -> ArchiveScan:
    """The received files of ``archive/`` in the order they were first taken (collected, then received)."""
    directory = Path(directory)
    out = ArchiveScan()
    files = archive_files(directory)
    metas, bad = sidecar.read_all(directory, files)
    for where, why in bad:  # its file is taken as one without sidecar
        out.findings.append(finding("ledger.rebuild_bad_sidecar", file=where, path=where, detail=why))
    sidecars = {path for path in files if sidecar.is_info(path)}
    documents = {str(d.get("archive", "")).replace("\\", "/") for meta in metas.values() for d in meta.documents}
    for path in files:
        if path in sidecars or (path not in metas and relative(directory, path) in documents):
            continue
        if path in metas:
            out.received.append(Received(path, metas[path]))
        elif path.name.lower().endswith(DOCUMENT_EXTENSIONS):
            out.stray_documents.append(path)
        else:
            out.received.append(Received(path, _guess(directory, path)))
    out.received.sort(key=lambda r: r.order)
    return out


def _guess(directory: Path, path: Path) -> Sidecar:
    """What an archived copy without sidecar tells: its name after the hash prefix, its date."""
    when = datetime.fromtimestamp(path.stat().st_mtime)
    name = path.name.split("-", 1)[1] if "-" in path.name else path.name
    return Sidecar(sha256=sha256_of(path), name=name, source=str(path), received_at=when, collected_at=when,
                   run=f"guessed:{relative(directory, path)}", guessed=True)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
