"""What the ledger alone knows of a received file, kept in the archive so the ledger can be rebuilt from
``archive/`` when it is lost.

Per received file: the name and source as sent, when it was received and collected, the collect run it came
in, the notes intake made (e.g. no date on the e-mail), the documents kept with it, and what was recorded. A
file no form was recognised in keeps its findings here too (there is nothing to read again in it).

Each run that records files appends one line per file to its own journal, ``archive/journal/<time>-<pid>.jsonl``
(a line names its archived copy, relative to the campaign folder): one file per run, not one per received
file (creating a file is what costs most on a busy disk). Versions before kept a sidecar beside each archived
copy, ``archive/<sha[:2]>/<sha[:16]>-<name>.json``: those are still read. A later line, or a journal after
(by name), says the last word on a file. A run killed while writing leaves its last line unfinished (no line
end): that line is not taken, as the file it describes was not recorded either.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sheets_tools.core.findings import Finding
from sheets_tools.core.records import FileResult
from sheets_tools.store.guard import ARCHIVE_DIR

KIND = "sheets-tools received file"
SUFFIX = ".json"
JOURNAL_DIR = "journal"  # in archive/
JOURNAL_SUFFIX = ".jsonl"


@dataclass
class Sidecar:
    sha256: str
    name: str
    source: str
    received_at: datetime
    collected_at: datetime
    run: str = ""
    notes: list[Finding] = field(default_factory=list)
    documents: list[dict] = field(default_factory=list)  # kept: name, archive (relative), size, sha256
    sent: list[str] = field(default_factory=list)  # the names of all documents sent with it, in order
    form: str | None = None
    unit: str | None = None
    status: str = ""
    findings: list[Finding] | None = None  # kept only when no form was recognised
    guessed: bool = False  # received time taken from the archived copy's date (no sidecar was kept)


def path_of(archived: Path) -> Path:
    return archived.with_name(archived.name + SUFFIX)


def is_sidecar(path: Path) -> bool:
    """A sidecar is ``<archived file>.json`` beside its archived file."""
    return path.name.endswith(SUFFIX) and path.with_name(path.name[:-len(SUFFIX)]).is_file()


def of_result(result: FileResult, collected_at: datetime, documents: list[dict], run: str,
              guessed: bool = False) -> Sidecar:
    inc = result.incoming
    return Sidecar(sha256=inc.sha256, name=inc.name, source=inc.source, received_at=inc.received_at,
                   collected_at=collected_at, run=run, notes=list(inc.notes), documents=documents,
                   sent=[d.name for d in inc.documents],
                   form=result.form_id, unit=result.unit_code, status=result.status,
                   findings=list(result.findings) if result.form_id is None else None, guessed=guessed)


def to_json(sidecar: Sidecar) -> dict[str, Any]:
    data = {"kind": KIND, "version": 1, **{f.name: getattr(sidecar, f.name) for f in fields(sidecar)}}
    data["received_at"] = sidecar.received_at.isoformat()
    data["collected_at"] = sidecar.collected_at.isoformat()
    data["notes"] = [asdict(f) for f in sidecar.notes]
    if sidecar.findings is not None:
        data["findings"] = [asdict(f) for f in sidecar.findings]
    return data


class Journal:
    """The journal of one run: ``append`` a line per recorded file, each flushed before it returns (the
    ledger's transaction comes after it). Opened at the first line."""

    def __init__(self, directory: Path):
        self.dir = Path(directory)  # the campaign folder
        self.path = self.dir / ARCHIVE_DIR / JOURNAL_DIR / f"{datetime.now():%Y%m%d-%H%M%S-%f}-{os.getpid()}{JOURNAL_SUFFIX}"
        self._fh: IO[str] | None = None

    def append(self, archived: Path, sidecar: Sidecar) -> None:
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = open(self.path, "a", encoding="utf-8", newline="\n")
        # one line: json's C encoder (an indented text goes through its Python encoder)
        data = {"archive": Path(archived).relative_to(self.dir).as_posix(), **to_json(sidecar)}
        self._fh.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")
        self._fh.flush()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


def is_journal(path: Path) -> bool:
    return path.parent.name == JOURNAL_DIR and path.name.endswith(JOURNAL_SUFFIX)


def is_info(path: Path) -> bool:
    """Whether an archive file says what is known of the received ones (a sidecar, a run's journal) rather
    than being one of them."""
    return is_sidecar(path) or is_journal(path)


def read_all(directory: Path, files: list[Path]) -> tuple[dict[Path, Sidecar], list[tuple[str, str]]]:
    """What the sidecars and journals among ``files`` (the archive's, under the campaign folder ``directory``)
    say of each archived copy, the last word winning: {archived copy: Sidecar}, and what could not be read,
    as (where, why)."""
    out: dict[Path, Sidecar] = {}
    bad: list[tuple[str, str]] = []
    for path in sorted(p for p in files if is_sidecar(p)):
        try:
            out[path.with_name(path.name[:-len(SUFFIX)])] = read(path)
        except (OSError, ValueError) as exc:
            bad.append((str(path), str(exc)))
    for path in sorted((p for p in files if is_journal(p)), key=lambda p: p.name):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            bad.append((str(path), f"{type(exc).__name__}: {exc}"))
            continue
        lines = text.split("\n")
        for n, line in enumerate(lines[:-1], start=1):  # the last piece: empty, or a line a kill cut short
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                archived = Path(directory) / str(data["archive"])
                out[archived] = _from_json(data)
            except (KeyError, TypeError, ValueError) as exc:
                bad.append((f"{path}, dòng {n}", f"{type(exc).__name__}: {exc}"))
    return out, bad


def read(path: Path) -> Sidecar:
    """The sidecar at ``path``; ValueError when it is not one (or is damaged)."""
    try:
        return _from_json(json.loads(Path(path).read_text(encoding="utf-8")))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{type(exc).__name__}: {exc}") from exc


def _from_json(data: Any) -> Sidecar:
    """The Sidecar a sidecar's (or a journal line's) JSON object holds; ValueError when it is not one."""
    try:
        if not isinstance(data, dict) or data.get("kind") != KIND:
            raise ValueError("không phải tệp thông tin của sheets-tools")
        return Sidecar(
            sha256=str(data["sha256"]), name=str(data["name"]), source=str(data["source"]),
            received_at=datetime.fromisoformat(data["received_at"]),
            collected_at=datetime.fromisoformat(data["collected_at"]), run=str(data.get("run") or ""),
            notes=[_finding(f) for f in data.get("notes") or []], documents=list(data.get("documents") or []),
            sent=[str(n) for n in data.get("sent") or []],
            form=data.get("form"), unit=data.get("unit"), status=str(data.get("status") or ""),
            findings=None if data.get("findings") is None else [_finding(f) for f in data["findings"]],
            guessed=bool(data.get("guessed")))
    except (KeyError, TypeError) as exc:
        raise ValueError(f"{type(exc).__name__}: {exc}") from exc


def _finding(data: dict[str, Any]) -> Finding:
    fields = ("code", "severity", "message", "file", "unit", "sheet", "cell", "field", "value")
    return Finding(**{k: data.get(k) for k in fields})
