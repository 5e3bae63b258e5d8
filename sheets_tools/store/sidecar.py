"""What the ledger alone knows of a received file, kept beside its archived copy so the ledger can be
rebuilt from ``archive/`` when it is lost.

``archive/<sha[:2]>/<sha[:16]>-<name>.json`` next to ``archive/<sha[:2]>/<sha[:16]>-<name>``: the name and
source as sent, when it was received and collected, the collect run it came in, the notes intake made
(e.g. no date on the e-mail), the documents kept with it, and what was recorded. A file no form was
recognised in keeps its findings here too (there is nothing to read again in it). Written beside, then
renamed: never half written.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from sheets_tools.core.findings import Finding
from sheets_tools.core.records import FileResult

KIND = "sheets-tools received file"
SUFFIX = ".json"


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


def write(archived: Path, sidecar: Sidecar) -> Path:
    """Write the sidecar of ``archived`` (replacing an older one)."""
    data = {"kind": KIND, "version": 1, **{f.name: getattr(sidecar, f.name) for f in fields(sidecar)}}
    data["received_at"] = sidecar.received_at.isoformat()
    data["collected_at"] = sidecar.collected_at.isoformat()
    data["notes"] = [asdict(f) for f in sidecar.notes]
    if sidecar.findings is not None:
        data["findings"] = [asdict(f) for f in sidecar.findings]
    # one line: json's C encoder (an indented text goes through its Python encoder, the larger part of the cost
    # of recording a file)
    text = json.dumps(data, ensure_ascii=False, default=str)
    path = path_of(archived)
    tmp = path.with_name(".tmp-" + path.name)  # swept by Ledger.sweep when a kill leaves it
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


def read(path: Path) -> Sidecar:
    """The sidecar at ``path``; ValueError when it is not one (or is damaged)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
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
    except (KeyError, TypeError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{type(exc).__name__}: {exc}") from exc


def _finding(data: dict[str, Any]) -> Finding:
    fields = ("code", "severity", "message", "file", "unit", "sheet", "cell", "field", "value")
    return Finding(**{k: data.get(k) for k in fields})
