"""``sheets-tools ledger check``: is the ledger whole, and does the archive hold what it names?

SQLite's integrity check, then every submission's archived copy (there, and its sha256 the one recorded),
every document's copy (there, its size the one recorded), and the archive's files the ledger does not know.
Problems are findings; the report is valid when none is an error. Reads only: a lost ledger is reported,
never created.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sheets_tools.core.findings import ERROR, Finding, finding
from sheets_tools.recovery.archive import archive_files, relative, sha256_of
from sheets_tools.store import guard, sidecar
from sheets_tools.store.guard import CORE_TABLES
from sheets_tools.store.ledger import LEDGER_FILE
from sheets_tools.store.snapshot import Snapshot


@dataclass
class CheckReport:
    directory: Path
    state: str  # the ledger file: "ok", "new" (a campaign not used yet) or what guard.ledger_state says
    findings: list[Finding] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not any(f.severity == ERROR for f in self.findings)

    def to_json(self) -> dict:
        return {"ledger": str(self.directory / LEDGER_FILE), "state": self.state, "valid": self.valid,
                "stats": self.stats, "findings": [{**f.to_json(), "file": f.file} for f in self.findings]}


def check_ledger(directory: Path) -> CheckReport:
    """Check the campaign's ledger and its archive (see the module)."""
    directory = Path(directory)
    path = directory / LEDGER_FILE
    files = archive_files(directory)
    report = CheckReport(directory, guard.ledger_state(path),
                         stats={"archive_files": sum(1 for p in files if not sidecar.is_info(p))})
    if report.state != "ok":
        folders = guard.used_folders(directory)
        if report.state in ("missing", "empty") and not folders:
            report.state = "new"
        else:
            report.findings.append(_lost(directory, report.state, folders))
        return report
    try:
        with Snapshot(path) as snap:
            problems = snap.integrity()
            if problems != ["ok"]:
                lines = [line for p in problems for line in p.splitlines() if line.strip() and "***" not in line]
                report.state = "damaged"
                report.findings.append(finding("ledger.integrity", file=str(path), path=path, directory=directory,
                                               detail="; ".join(lines[:3]) + ("; ..." if len(lines) > 3 else "")))
                return report
            missing = [t for t in CORE_TABLES if t not in snap.tables()]
            if guard.tables_lost(directory, missing):
                report.state = "tables_missing"
                report.findings.append(_lost(directory, "tables_missing", guard.used_folders(directory),
                                             ", ".join(missing)))
                return report
            submissions, documents = snap.submissions(), snap.documents()
    except sqlite3.DatabaseError as exc:
        if not guard.is_damage(exc):
            raise
        report.state = "damaged"
        report.findings.append(_lost(directory, "damaged", guard.used_folders(directory), str(exc)))
        return report
    report.stats.update(submissions=len(submissions), documents=len(documents))
    report.findings += _submissions(directory, submissions)
    report.findings += _documents(directory, documents)
    known = {_norm(s["archive"]) for s in submissions} | {_norm(d["archive"]) for d in documents}
    for p in files:
        rel = relative(directory, p)
        if rel not in known and not sidecar.is_info(p):
            report.findings.append(finding("ledger.archive_unknown", file=str(p), path=p, directory=directory))
    kept = sidecar.read_all(directory, files)[0]
    missing = [s for s in submissions if directory / _norm(s["archive"]) not in kept]
    if missing:
        report.findings.append(finding("ledger.no_sidecar", count=len(missing)))
    return report


def _lost(directory: Path, state: str, folders: list[str], detail: str = "") -> Finding:
    f = finding("ledger.lost", file=str(directory / LEDGER_FILE))
    f.message = guard.lost_message(directory, state, folders, detail)
    return f


def _submissions(directory: Path, submissions: list[dict]) -> list[Finding]:
    out = []
    for s in submissions:
        path = directory / _norm(s["archive"])
        where = dict(file=str(path), path=path, name=s["name"], unit=s["unit"] or "?", form=s["form"] or "?")
        if not path.is_file():
            out.append(finding("ledger.archive_missing", **where))
        elif sha256_of(path) != s["sha256"]:
            out.append(finding("ledger.archive_changed", **where))
    return out


def _documents(directory: Path, documents: list[dict]) -> list[Finding]:
    out = []
    for d in documents:
        path = directory / _norm(d["archive"])
        where = dict(file=str(path), path=path, name=d["name"], submission=d["submission"])
        if not path.is_file():
            out.append(finding("ledger.document_missing", **where))
        elif path.stat().st_size != d["size"]:
            out.append(finding("ledger.document_changed", size=path.stat().st_size, expected=d["size"], **where))
    return out


def _norm(archive: str) -> str:
    """An archive path as the ledger keeps it (with the separators of the system that wrote it), with "/"."""
    return str(archive).replace("\\", "/")
