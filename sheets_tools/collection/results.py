"""What a collect run answers, and what it never takes as a return: shared by the full collect
(``collect``) and the answer from the ledger alone (``quick``), which must print the same; where a unit's
feedback workbook goes (``feedback_path``). Imports nothing heavy: no workbook library, no form model."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from sheets_tools.core.filenames import safe_file_name
from sheets_tools.core.files import CAMPAIGN_FILE
from sheets_tools.core.records import FileResult
from sheets_tools.store.guard import ARCHIVE_DIR, LEDGER_FILE

if TYPE_CHECKING:
    from sheets_tools.campaign.model import Campaign

FEEDBACK_DIR = "feedback"
UNKNOWN_UNIT_DIR = "khong-ro-don-vi"

# what collect must never take as a return when it is given the campaign folder itself
INTERNAL = (ARCHIVE_DIR, "outbox", FEEDBACK_DIR, "master", "templates", "backup", "council", "decision", CAMPAIGN_FILE,
            LEDGER_FILE, LEDGER_FILE + "-wal", LEDGER_FILE + "-shm", ".ledger-rebuild.sqlite")


def internal_paths(directory: Path) -> list[Path]:
    """The campaign's own files and folders, which a collect given the campaign folder leaves out."""
    directory = Path(directory)
    return [directory / name for name in INTERNAL] + list(directory.glob(LEDGER_FILE + ".damaged-*"))


@dataclass
class Collected:
    """One file of a collect run and what became of it."""

    result: FileResult
    duplicate: bool = False  # the same content was taken before: nothing recorded again
    feedback: Path | None = None
    submission_id: int | None = None

    def to_json(self) -> dict:
        """The issue's JSON shape: file, unit, form, status, findings."""
        return self.result.to_json()


@dataclass
class CollectResult:
    files: list[Collected] = field(default_factory=list)
    restored: list[Path] = field(default_factory=list)  # feedback an earlier run recorded but did not write

    @property
    def has_errors(self) -> bool:
        return any(c.result.status == "rejected" for c in self.files)

    def to_json(self) -> dict:
        out: dict = {"files": [c.to_json() for c in self.files]}
        if self.restored:
            out["restored_feedback"] = [str(p) for p in self.restored]
        return out


def empty_folders(paths: Iterable[Path], result: CollectResult) -> list[Path]:
    """The folders among ``paths`` in which collect found nothing at all (no workbook, no mail)."""
    folders = [Path(p) for p in paths if Path(p).is_dir()]
    sources = [Path(c.result.incoming.source.split(" » ")[0]) for c in result.files]
    return [f for f in folders if not any(s == f or f in s.parents for s in sources)]


def duplicate(incoming, form: str | None, unit: str | None, identified_by: str | None, late: bool,
              findings: list) -> Collected:
    """A file whose content the ledger has: answered with what was recorded (its findings name this file)."""
    result = FileResult(incoming=incoming, form_id=form, unit_code=unit, identified_by=identified_by, late=late,
                        findings=findings)
    for f in result.findings:
        f.file = incoming.source
    return Collected(result, duplicate=True)


def feedback_path(campaign: Campaign, file_name: str, unit_code: str | None) -> Path:
    """Where the feedback on a received file goes: ``feedback/<unit code>/Phản hồi - <file>.xlsx`` (a file
    whose unit is not known: ``feedback/khong-ro-don-vi/``). Known from the ledger alone."""
    unit = campaign.unit(unit_code) if unit_code else None
    folder = unit.code if unit else UNKNOWN_UNIT_DIR
    stem = Path(file_name).stem or "tep"
    return campaign.dir / FEEDBACK_DIR / folder / safe_file_name(f"Phản hồi - {stem}", ".xlsx")

