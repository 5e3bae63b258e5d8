"""The leadership's quick report: one or two A4 pages for the Director (``sheets-tools report``).

What it says comes from the functions the other commands use, never computed again here: the status
board (``collection.status.board``: every unit x form, the counts per form), the ranking of each block as
the master shows it (``yearend.ranking.rankings``) and the proposal lines the year end would put on the
council's ballot (``yearend.lines.lines`` and ``candidates``).

``write_report`` writes the report as a Word document (``report_doc``; the office may still edit it) in
the campaign's folder ``REPORT_FOLDER`` and turns it into the PDF beside it with LibreOffice headless
(``core.pdf.to_pdf``). A file open in Word or in a viewer is left alone and the new one written beside it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sheets_tools.campaign.model import Campaign
from sheets_tools.collection.status import Board, Entry, FormStatus, board
from sheets_tools.core.filenames import safe_file_name
from sheets_tools.core.pdf import PdfError, find_soffice, to_pdf
from sheets_tools.formkit.plugins import Context
from sheets_tools.office.report_doc import write_docx
from sheets_tools.store.ledger import Ledger
from sheets_tools.yearend.council import Candidate
from sheets_tools.yearend.lines import Line, candidates, lines
from sheets_tools.yearend.ranking import Rank, rankings

REPORT_FOLDER = "báo cáo"
NO_LIBREOFFICE = ("Không tìm thấy LibreOffice (chương trình soffice) trên máy này nên chưa tạo được tệp PDF của "
                  "báo cáo; bản Word đã ghi: {docx}. Hãy cài LibreOffice (https://www.libreoffice.org, miễn phí) "
                  "rồi chạy lại lệnh, hoặc mở bản Word bằng Word và lưu thành PDF.")


@dataclass
class QuickReport:
    """Everything the report shows, as of ``today``."""

    campaign: Campaign
    today: date
    board: Board
    ranks: dict[str, list[Rank]]  # block -> its units, ranked (as the master's ranking sheets)
    lines: list[Line]  # every proposal line, checked today
    candidates: list[Candidate]  # the lines on the council's ballot

    @property
    def received(self) -> int:
        """How many unit x form files have come in (any state), the forms sent any day included."""
        return sum(fs.counts["sent"] for fs in self.board.forms) + sum(self.board.regular.values())

    def missing(self, fs: FormStatus) -> list[Entry]:
        """The units that have sent nothing for a form whose deadline has passed."""
        return [e for e in fs.entries if e.state == "missing" and e.timing == "overdue"]

    def overdue_forms(self) -> list[FormStatus]:
        """The forms whose deadline has passed (an optional form is never missing)."""
        return [fs for fs in self.board.forms if self.today > fs.deadline and not fs.optional]

    def ranked(self) -> dict[str, list[Rank]]:
        """Per block, its units that have a score, in the ranking's order (blocks without any score left out)."""
        out = {block: [r for r in ranks if r.rank is not None] for block, ranks in self.ranks.items()}
        return {block: ranks for block, ranks in out.items() if ranks}

    def by_award(self) -> list[tuple[str, int, list[Candidate]]]:
        """Per title or form of commendation (catalogue order): the lines that pass the checks and those of
        them on the council's ballot."""
        passed = Counter(line.proposal.item.code for line in self.lines if line.ok)
        names = {line.proposal.item.code: line.proposal.item.name for line in self.lines}
        order = [item.code for item in self.campaign.catalogue if item.code in passed]
        order += sorted(set(passed) - set(order))
        voted: dict[str, list[Candidate]] = {}
        for c in self.candidates:
            voted.setdefault(c.award_code, []).append(c)
        return [(names[code], passed[code], voted.get(code, [])) for code in order]

    def to_json(self) -> dict:
        """The counts the report shows, for ``--json``."""
        forms = []
        for fs in self.board.forms:
            forms.append({"form": fs.form.id, "name": fs.form.name, "deadline": fs.deadline.isoformat(),
                          "overdue": self.today > fs.deadline and not fs.optional, "counts": fs.counts,
                          "missing_units": [e.unit for e in self.missing(fs)] if self.today > fs.deadline else []})
        return {
            "today": self.today.isoformat(), "units": self.board.units, "received": self.received, "forms": forms,
            "regular": dict(self.board.regular),
            "ranking": {block: [{"rank": r.rank, "unit": r.unit, "score": r.score, "band": r.band} for r in ranks]
                        for block, ranks in self.ranked().items()},
            "proposals": {"lines": len(self.lines), "passed": sum(line.ok for line in self.lines),
                          "ballot": len(self.candidates),
                          "by_award": [{"award": name, "passed": n, "ballot": len(c)} for name, n, c in self.by_award()]},
        }


def gather(campaign: Campaign, today: date | None = None) -> QuickReport:
    """What the report shows, read from the ledger as ``status``, the master and the ballot read it."""
    today = today or date.today()
    with Ledger(campaign.dir) as ledger:
        context = Context(campaign, ledger)
        return QuickReport(campaign=campaign, today=today, board=board(campaign, ledger, today),
                           ranks=rankings(context), lines=lines(context), candidates=candidates(context))


def report_path(campaign: Campaign, today: date, suffix: str = ".pdf") -> Path:
    """``báo cáo/Báo cáo nhanh thi đua năm <năm> ngày <dd-mm-yyyy>.pdf`` in the campaign's folder."""
    stem = f"Báo cáo nhanh thi đua năm {campaign.info.year} ngày {today:%d-%m-%Y}"
    return campaign.dir / REPORT_FOLDER / safe_file_name(stem, suffix)


@dataclass
class ReportResult:
    """What ``write_report`` wrote: the Word source and its PDF (None when no PDF could be made)."""

    report: QuickReport
    docx: Path
    pdf: Path | None = None
    pdf_error: str = ""  # why no PDF was made (Vietnamese)
    busy: list[Path] = field(default_factory=list)  # files open elsewhere, left alone (the new ones beside)

    def to_json(self) -> dict:
        return {"path": str(self.pdf) if self.pdf else None, "docx": str(self.docx),
                "busy": [str(p) for p in self.busy], **self.report.to_json()}


def write_report(campaign: Campaign, today: date | None = None) -> ReportResult:
    """Write the report (Word, then PDF through LibreOffice) into the campaign's ``REPORT_FOLDER``."""
    report = gather(campaign, today)
    target = report_path(campaign, report.today, ".docx")
    docx = write_docx(report, target)
    result = ReportResult(report, docx, busy=[target] if docx != target else [])
    soffice = find_soffice()
    if soffice is None:
        result.pdf_error = NO_LIBREOFFICE.format(docx=docx)
        return result
    try:
        result.pdf = to_pdf([docx], soffice=soffice)[0]
    except PdfError as exc:
        result.pdf_error = f"{exc} Bản Word của báo cáo đã ghi: {docx}."
        return result
    if result.pdf != docx.with_suffix(".pdf"):
        result.busy.append(docx.with_suffix(".pdf"))
    return result
